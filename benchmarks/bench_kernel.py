"""Time the C kernel alone on an in-memory chunk of the corpus (no reading, no Python loop).

Encodes the first ``--words`` words of the corpus once, then calls the kernel on them
``--repeats`` times per setting and reports the best words/s: the kernel's own speed, for
comparing kernel changes. Whole-run speed against the peers is bench_peers.py's job.

    python benchmarks/bench_kernel.py --corpus ~/.cache/fastw2v/bench/text8like_wiki2015_1e8.txt
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

import numpy as np

from fastw2v import Word2Vec, build_info
from fastw2v.corpus import as_corpus
from fastw2v.schedule import Schedule
from fastw2v.trainer import kernel_tables

SETTINGS = {
    "sg-batched": dict(sg=1, kernel="batched"),
    "sg-pair": dict(sg=1, kernel="pair"),
    "cbow": dict(sg=0),
    "sg-hs": dict(sg=1, hs=1, negative=0, kernel="batched"),
    "sg-hs-pair": dict(sg=1, hs=1, negative=0, kernel="pair"),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
}


def run_chunk(tables, tokens, offsets, seed, threads):
    """One kernel call with the stop flag that training passes (polled before every centre
    word), or without it on a tree from before the flag (A/B runs against older builds)."""
    try:
        return tables.train_chunk(tokens, offsets, 0, seed, threads, stop=np.zeros(1, np.int32))
    except TypeError:
        return tables.train_chunk(tokens, offsets, 0, seed, threads)


def main() -> None:
    default = os.path.expanduser("~/.cache/fastw2v/bench/text8like_wiki2015_1e8.txt")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("FASTW2V_BENCH_CORPUS", default))
    ap.add_argument("--words", type=int, default=2_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--settings", default=",".join(SETTINGS))
    ap.add_argument("--no-loss", action="store_true", help="compute_loss=False")
    args = ap.parse_args()

    corpus = as_corpus(args.corpus)
    sentences = []
    n = 0
    for s in corpus:
        sentences.append(s)
        n += len(s)
        if n >= args.words:
            break
    print(f"build: {build_info()}")
    print(f"{n:,} words, {args.threads} thread(s), dim {args.dim}, best of {args.repeats}")
    for name in args.settings.split(","):
        params = dict(
            vector_size=args.dim,
            window=args.window,
            negative=args.negative,
            sample=1e-4,
            min_count=5,
            workers=args.threads,
            compute_loss=not args.no_loss,
        )
        params.update(SETTINGS[name])
        model = Word2Vec(progress=False, **params)
        model.build_vocab(sentences)
        idx = model.vocab.index
        ids = np.array([idx.get(w, -1) for w in itertools.chain.from_iterable(sentences)], np.int32)
        lens = [sum(1 for w in s if w in idx) for s in sentences]
        tokens = ids[ids >= 0]
        offsets = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
        best = best_cpu = float("inf")
        for r in range(args.repeats):
            tables = kernel_tables(
                model.config,
                model.vocab,
                model.weights,
                Schedule.of(model.config, len(tokens), 1),
                model.config.compute_loss,
            )
            t0, c0 = time.perf_counter(), time.process_time()
            run_chunk(tables, tokens, offsets, r + 1, args.threads)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        wps = len(tokens) / best
        # CPU seconds are less disturbed by other processes than wall-clock seconds
        cpu_wps = len(tokens) / best_cpu * args.threads
        print(
            f"{name:12s} {best:7.3f} s  {wps:12,.0f} words/s  "
            f"{wps / args.threads:12,.0f} per thread  "
            f"({cpu_wps / args.threads:,.0f} per thread-CPU-second)"
        )


if __name__ == "__main__":
    main()
