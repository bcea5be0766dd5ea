"""Item sequences: one integer corpus trained by fastw2v from int arrays and by gensim from
the same ids as strings (what its users do), whole job and neighbour agreement.

The corpus is a text8-format file's words turned into ids once (not timed: it is the
input both systems get) and cut into sequences of ``--seq-len`` ids, stored as
``tokens.npy`` + ``offsets.npy``. Each system then runs in its own subprocess, from
process start to the vectors written (word2vec text format):

- fastw2v: ``IntCorpus.from_npy`` (memory-mapped) -> ``Word2Vec`` -> ``save_word2vec_format``;
- gensim: ``np.load`` -> lists of str ids (timed apart as "to str s") -> ``Word2Vec``.

    FASTW2V_TEXT8=/work/data/text8 python benchmarks/bench_items.py --epochs 1 --workers 2

Reported: job s (subprocess wall time), train s, words/s per thread (corpus tokens times
epochs over train s, per thread), peak memory, and the agreement of the models' 10
nearest neighbours of the ``--queries`` most frequent ids (mean overlap), with a second
fastw2v seed as the floor that training noise alone leaves.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from bench_graph import _vm  # noqa: E402


def prepare(corpus: str, seq_len: int, out: str) -> tuple[int, np.ndarray]:
    """Write tokens.npy and offsets.npy under ``out``; return the token count and the ids
    by decreasing frequency."""
    with open(corpus, encoding="utf-8") as fh:
        words = fh.read().split()
    _, ids = np.unique(np.array(words, dtype=object), return_inverse=True)
    tokens = ids.astype(np.int32)
    offsets = np.r_[np.arange(0, len(tokens), seq_len), len(tokens)].astype(np.int64)
    np.save(os.path.join(out, "tokens.npy"), tokens)
    np.save(os.path.join(out, "offsets.npy"), offsets)
    counts = np.bincount(tokens)
    return len(tokens), np.argsort(-counts, kind="stable")


def run_fastw2v(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, ROOT)
    import fastw2v

    corpus = fastw2v.IntCorpus.from_npy(
        os.path.join(args.data, "tokens.npy"), os.path.join(args.data, "offsets.npy")
    )
    model = fastw2v.Word2Vec(**args.params, progress=False)
    model.build_vocab(corpus)
    t = time.perf_counter()
    model.train(corpus)
    train_s = time.perf_counter() - t
    model.wv.save_word2vec_format(args.out)
    return {"train_s": train_s, "wv": model.wv}


def run_gensim(args: argparse.Namespace) -> dict[str, Any]:
    from gensim.models import Word2Vec

    tokens = np.load(os.path.join(args.data, "tokens.npy"))
    offsets = np.load(os.path.join(args.data, "offsets.npy"))
    t = time.perf_counter()
    strs = np.array([str(i) for i in range(int(tokens.max()) + 1)], dtype=object)
    sentences = [strs[tokens[a:b]].tolist() for a, b in zip(offsets[:-1], offsets[1:])]
    str_s = time.perf_counter() - t
    p = dict(args.params)
    model = Word2Vec(**p)
    model.build_vocab(sentences)
    t = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    train_s = time.perf_counter() - t
    model.wv.save_word2vec_format(args.out)
    return {"train_s": train_s, "str_s": str_s, "wv": model.wv}


def child(args: argparse.Namespace) -> None:
    args.params = json.loads(args.params_json)
    r = {"fastw2v": run_fastw2v, "gensim": run_gensim}[args.child](args)
    wv = r.pop("wv")
    queries = json.loads(args.queries_json)
    neighbours = {}
    for q in queries:
        key = q if args.child == "fastw2v" else str(q)
        if key in wv.key_to_index:
            neighbours[q] = [int(k) for k, _ in wv.most_similar(key, topn=10)]
    r.update(peak_mib=_vm("VmHWM"), neighbours=neighbours)
    print(json.dumps(r))


def run_one(system: str, seed: int, args: argparse.Namespace, queries: list[int]) -> dict:
    params = dict(vector_size=args.dim, window=args.window, sg=1, negative=5, sample=1e-4,
                  min_count=5, epochs=args.epochs, workers=args.workers, seed=seed,
                  alpha=0.025, min_alpha=0.0001)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, os.path.abspath(__file__), "--child", system, "--data",
               args.data, "--out", os.path.join(tmp, "v.txt"), "--params-json",
               json.dumps(params), "--queries-json", json.dumps(queries)]  # fmt: skip
        env = dict(os.environ, PYTHONPATH=ROOT)
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"{system}: {out.stderr.strip()[-400:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["job_s"] = wall
    return r


def overlap(a: dict[str, list[int]], b: dict[str, list[int]]) -> float:
    common = set(a) & set(b)
    return float(np.mean([len(set(a[q]) & set(b[q])) / 10 for q in common]))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("FASTW2V_TEXT8", "/work/data/text8"))
    ap.add_argument("--seq-len", type=int, default=1000)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    for hidden in ("--data", "--out", "--params-json", "--queries-json"):
        ap.add_argument(hidden, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as data:
        args.data = data
        n_tokens, by_freq = prepare(args.corpus, args.seq_len, data)
        queries = by_freq[: args.queries].tolist()
        print(
              f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"load average before: {os.getloadavg()[0]:.1f}; {n_tokens} ids in sequences "
              f"of {args.seq_len}, skip-gram dim {args.dim} window {args.window} negative 5 "
              f"sample 1e-4 min_count 5, {args.epochs} epoch(s), {args.workers} threads"
        )  # fmt: skip
        runs = {
            "fastw2v": run_one("fastw2v", 1, args, queries),
            "gensim": run_one("gensim", 1, args, queries),
            "fastw2v seed 2": run_one("fastw2v", 2, args, queries),
        }
    ref = runs["fastw2v"]
    print(
        "| system | job s | train s | to str s | words/s/thread | peak MiB "
        "| top-10 overlap with fastw2v | job vs fastw2v |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in runs.items():
        wps = n_tokens * args.epochs / r["train_s"] / args.workers
        agree = "" if name == "fastw2v" else f"{overlap(ref['neighbours'], r['neighbours']):.3f}"
        print(f"| {name} | {r['job_s']:.1f} | {r['train_s']:.1f} | {r.get('str_s', 0):.1f} "
              f"| {wps:,.0f} | {r['peak_mib']:.0f} | {agree} "
              f"| {r['job_s'] / ref['job_s']:.1f}x |")  # fmt: skip
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
