"""Soak test: many short trainings in a row and one long one (not part of the test suite).

Checks that

* memory stays flat across trainings: the resident set size after the warm-up trainings
  may not grow by more than ``--rss-tolerance-mb`` over the rest (a leak of one buffer
  per training shows up as steady growth);
* one thread and a fixed seed give byte-identical vectors run after run (short trainings
  repeated, and the long training run twice);
* nothing is NaN, and the long training's memory stays bounded.

Prints a summary and exits with status 1 if a check fails::

    python benchmarks/soak.py                 # about a minute on 2 cores
    python benchmarks/soak.py --short 50 --long-words 200000   # quicker
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import fastw2v

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Resident set size of this process in MiB, from ``/proc/self/statm``."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE / 2**20


def make_corpus(path: Path, n_words: int, vocab: int, seed: int) -> None:
    """Zipf-distributed words in lines of 5 to 40 words, written to ``path``."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.2, size=n_words), vocab) - 1
    words = np.array([f"w{i}" for i in range(vocab)])[ranks]
    lines, pos = [], 0
    while pos < n_words:
        n = int(rng.integers(5, 41))
        lines.append(" ".join(words[pos : pos + n]))
        pos += n
    path.write_text("\n".join(lines) + "\n")


def digest(model: fastw2v.Word2Vec) -> str:
    """SHA-256 of the vocabulary and the input vectors' bytes."""
    h = hashlib.sha256("\n".join(model.wv.words).encode())
    h.update(np.ascontiguousarray(model.wv.vectors).tobytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", type=int, default=200, help="short trainings (200)")
    parser.add_argument("--short-words", type=int, default=50_000, help="words per short corpus")
    parser.add_argument("--long-words", type=int, default=10_000_000, help="long corpus words")
    parser.add_argument("--long-epochs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20, help="trainings before RSS baseline")
    parser.add_argument("--rss-tolerance-mb", type=float, default=8.0)
    args = parser.parse_args(argv)
    failures: list[str] = []

    with tempfile.TemporaryDirectory() as tmp:
        short_path, long_path = Path(tmp) / "short.txt", Path(tmp) / "long.txt"
        make_corpus(short_path, args.short_words, 2_000, seed=1)
        make_corpus(long_path, args.long_words, 30_000, seed=2)

        # ---- many short trainings, alternating the architectures and output layers
        configs = [
            {"sg": 1, "negative": 5, "hs": 0},
            {"sg": 0, "negative": 5, "hs": 0},
            {"sg": 1, "negative": 0, "hs": 1},
            {"sg": 0, "negative": 3, "hs": 1},
        ]
        first_digest: dict[int, str] = {}
        rss: list[float] = []
        t0 = time.perf_counter()
        for i in range(args.short):
            k = i % len(configs)
            model = fastw2v.Word2Vec(
                str(short_path),
                vector_size=32,
                window=5,
                min_count=2,
                epochs=2,
                workers=1,
                seed=7,
                progress=False,
                **configs[k],
            )
            if not np.isfinite(model.wv.vectors).all():
                failures.append(f"short training {i}: non-finite vectors")
            d = digest(model)
            if first_digest.setdefault(k, d) != d:
                failures.append(f"short training {i} (config {k}): vectors differ from run {k}")
            if i % 4 == 1:  # a threaded run now and then, for the thread pool's buffers
                fastw2v.Word2Vec(
                    str(short_path), vector_size=32, min_count=2, epochs=1, workers=2,
                    seed=7, progress=False,
                )  # fmt: skip
            del model
            gc.collect()
            rss.append(rss_mb())
        short_seconds = time.perf_counter() - t0
        base = rss[min(args.warmup, len(rss) - 1)]
        peak_after = max(rss[args.warmup :], default=base)
        growth = peak_after - base
        if growth > args.rss_tolerance_mb:
            failures.append(
                f"RSS grew {growth:.1f} MiB over {args.short - args.warmup} trainings "
                f"(tolerance {args.rss_tolerance_mb} MiB)"
            )
        # Trend over the second half: a steady leak has a clearly positive slope.
        half = np.array(rss[len(rss) // 2 :])
        slope_kb = (
            float(np.polyfit(np.arange(len(half)), half, 1)[0]) * 1024 if len(half) > 2 else 0.0
        )

        # ---- one long training, twice: same bytes, bounded memory
        long_digests, long_rss, long_seconds = [], [], []
        for _ in range(2):
            start = time.perf_counter()
            model = fastw2v.Word2Vec(
                str(long_path),
                vector_size=64,
                window=5,
                sg=1,
                min_count=5,
                epochs=args.long_epochs,
                workers=1,
                seed=3,
                progress=False,
            )
            long_seconds.append(time.perf_counter() - start)
            if not np.isfinite(model.wv.vectors).all():
                failures.append("long training: non-finite vectors")
            long_digests.append(digest(model))
            n_vocab = len(model.wv)
            del model
            gc.collect()
            long_rss.append(rss_mb())
        if long_digests[0] != long_digests[1]:
            failures.append(f"long training: runs differ ({long_digests[0]} vs {long_digests[1]})")
        if long_rss[1] - long_rss[0] > args.rss_tolerance_mb:
            failures.append(
                f"long training: RSS after the second run is {long_rss[1] - long_rss[0]:.1f} MiB "
                "above the first"
            )

    print(f"fastw2v {getattr(fastw2v, '__version__', '?')}, {fastw2v.build_info()['cpu_target']}")
    print(
        f"short trainings: {args.short} (+{len(range(1, args.short, 4))} two-thread) in "
        f"{short_seconds:.1f}s; RSS {rss[0]:.1f} -> {base:.1f} MiB after {args.warmup} "
        f"warm-up, max {peak_after:.1f} MiB after (growth {growth:+.1f} MiB), "
        f"slope over the second half {slope_kb:+.1f} KiB/training"
    )
    print(f"short trainings: one digest per config, all repeats identical: {first_digest}")
    print(
        f"long training: {args.long_words:,} words x {args.long_epochs} epochs, vocabulary "
        f"{n_vocab:,}, {long_seconds[0]:.1f}s / {long_seconds[1]:.1f}s; digests "
        f"{long_digests[0]} / {long_digests[1]}; "
        f"RSS after {long_rss[0]:.1f} / {long_rss[1]:.1f} MiB"
    )
    if failures:
        print("FAILED:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
