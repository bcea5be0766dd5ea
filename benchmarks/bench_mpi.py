#!/usr/bin/env python
"""Distributed (MPI) training against one process, same corpus, same settings, same evaluator.

Runs, each in its own process:

- ``1x2``: one process, 2 threads (plain :class:`fastw2v.Word2Vec`);
- ``2x1``: ``mpirun -n 2``, 1 thread per rank, hot-word syncing on (the defaults);
- ``2x1-nohot``: the same without hot-word syncing (``--no-hot`` skips it);
- ``2x1-average``: with ``--average``, model averaging instead of summed changes.

Skip-gram, negative sampling 5, dim 100, window 5, sample 1e-4, min_count 5, seed 1. Speed
is in-vocabulary words x epochs / training seconds (vocabulary counting excluded, reported
apart); accuracy is gensim's ``evaluate_word_analogies`` on questions-words.txt, restricted
to the 30,000 most frequent words, case-insensitive, as in bench_peers.py. For the MPI runs it
reports the bytes averaged per sync and the seconds each rank spent communicating.

Usage::

    python benchmarks/bench_mpi.py                    # text8-format corpus, 1 epoch
    python benchmarks/bench_mpi.py --epochs 3 --json mpi.json --corpus /path/text8
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_peers import default_corpus, dev_set, evaluate  # noqa: E402
from plotting import pyplot  # noqa: E402

PARAMS = dict(sg=1, negative=5, hs=0, vector_size=100, window=5, sample=1e-4, min_count=5, seed=1)


def child_single(corpus: str, out: str, epochs: int, threads: int) -> dict[str, Any]:
    from fastw2v import Word2Vec

    model = Word2Vec(progress=False, workers=threads, epochs=epochs, **PARAMS)
    t0 = time.perf_counter()
    model.build_vocab(corpus)
    t_vocab = time.perf_counter() - t0
    result = model.train(corpus)
    model.save_word2vec_format(out, binary=True)
    return {
        "words": result.words,
        "train_seconds": result.seconds,
        "vocab_seconds": t_vocab,
        "vocab": len(model.vocab),
    }


def child_mpi(corpus: str, out: str, epochs: int, threads: int, sync: dict[str, int]) -> Any:
    from mpi4py import MPI

    from fastw2v.distributed import run_distributed

    res = run_distributed(corpus, workers=threads, epochs=epochs, **sync, **PARAMS)
    if MPI.COMM_WORLD.rank != 0:
        return None
    res.model.save_word2vec_format(out, binary=True)
    ranks = res.all_stats
    return {
        "words": sum(s.words for s in ranks),
        "train_seconds": max(s.train_seconds for s in ranks),
        "vocab_seconds": res.vocab_seconds,
        "vocab": len(res.model.vocab),
        "full_syncs": ranks[0].full_syncs,
        "hot_syncs": ranks[0].hot_syncs,
        "bytes_per_full_sync": ranks[0].bytes_per_full_sync,
        "bytes_per_hot_sync": ranks[0].bytes_per_hot_sync,
        "bytes_total_per_rank": ranks[0].bytes_total,
        "sync_seconds": [s.sync_seconds for s in ranks],
        "wait_seconds": [s.wait_seconds for s in ranks],
        **sync,
    }


# --------------------------------------------------------------------------------------
# The scaling model of docs/distributed.md
# --------------------------------------------------------------------------------------


def allreduce_seconds(nbytes: float, p: int, gbit: float, latency: float) -> float:
    """Ring/recursive-halving allreduce: each rank sends and receives 2 (p-1)/p of the
    buffer, plus a latency term per step."""
    if p == 1:
        return 0.0
    return 2.0 * nbytes * (p - 1) / p / (gbit * 1e9 / 8) + latency * math.log2(p)


def modelled_throughput(
    p: int,
    *,
    node_wps: float,
    words: float,
    vocab: int,
    dim: int,
    gbit: float,
    latency: float,
    sync_words: float,
    hot_words: int = 0,
    hot_sync_words: float = 0.0,
) -> float:
    """Words/s of p nodes: compute words / (p node_wps), plus the syncs, not overlapped."""
    full_bytes = 2 * vocab * dim * 4  # input and output matrices, float32
    hot_bytes = 2 * hot_words * dim * 4
    seconds = words / (p * node_wps)
    seconds += words / sync_words * allreduce_seconds(full_bytes, p, gbit, latency)
    if hot_words:
        seconds += words / hot_sync_words * allreduce_seconds(hot_bytes, p, gbit, latency)
    return words / seconds


def write_chart(path: str, node_wps: float) -> None:
    plt = pyplot("bench_mpi.py")

    words, vocab, dim = 1e9, 1_000_000, 100
    nodes = [1, 2, 4, 8, 16, 32, 64, 128]
    schemes = [
        ("all rows every 100k words", dict(sync_words=1e5)),
        ("all rows every 1M words", dict(sync_words=1e6)),
        ("all rows every 20M words", dict(sync_words=2e7)),
        (
            "hot 1,024 rows every 100k + full every 20M",
            dict(sync_words=2e7, hot_words=1024, hot_sync_words=1e5),
        ),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, (gbit, latency) in zip(axes, [(10, 50e-6), (100, 5e-6)]):
        ax.plot(nodes, [p * node_wps for p in nodes], "k:", label="linear (no communication)")
        for label, kw in schemes:
            tp = [
                modelled_throughput(
                    p, node_wps=node_wps, words=words, vocab=vocab, dim=dim, gbit=gbit,
                    latency=latency, **kw,
                )
                for p in nodes
            ]  # fmt: skip
            ax.plot(nodes, tp, marker="o", ms=3, label=label)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(nodes, [str(n) for n in nodes])
        ax.set_title(f"{gbit} Gb/s, {latency * 1e6:.0f} µs latency")
        ax.set_xlabel("nodes")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("words/s (modelled)")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"1B words, 1M-word vocabulary, dim {dim}, node = {node_wps / 1e6:.2f}M words/s "
        "(measured, 2 cores); full sync moves 800 MB",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _mpirun(n: int) -> list[str]:
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        sys.exit("mpirun not found: apt-get install openmpi-bin libopenmpi-dev")
    version = subprocess.run([mpirun, "--version"], capture_output=True, text=True).stdout
    extra = ["--oversubscribe", "--bind-to", "none"] if "Open MPI" in version else []
    return [mpirun, "-n", str(n), *extra]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpus", help="text8-format corpus (default: the shared stand-in)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--sync-words", type=int, default=1_000_000)
    p.add_argument("--hot-words", type=int, default=1024)
    p.add_argument("--hot-sync-words", type=int, default=100_000)
    p.add_argument("--no-hot", action="store_true", help="skip the run without hot-word sync")
    p.add_argument("--average", action="store_true", help="also run sync_mode='average'")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument(
        "--chart",
        metavar="PNG",
        help="only draw the scaling model of docs/distributed.md (needs --node-wps)",
    )
    p.add_argument("--node-wps", type=float, help="one node's measured words/s, for --chart")
    args = p.parse_args()

    if args.chart:
        if not args.node_wps:
            p.error("--chart needs --node-wps (a 1x2 run's words/s)")
        write_chart(args.chart, args.node_wps)
        return 0

    if args.child:
        spec = json.loads(args.child)
        if spec["kind"] == "single":
            res = child_single(spec["corpus"], spec["out"], spec["epochs"], spec["threads"])
        else:
            res = child_mpi(
                spec["corpus"], spec["out"], spec["epochs"], spec["threads"], spec["sync"]
            )
        if res is not None:
            Path(spec["result"]).write_text(json.dumps(res))
        return 0

    corpus = str(args.corpus or default_corpus())
    if dev_set("questions-words.txt") is None:
        sys.exit("gensim is needed for the analogy evaluation: pip install gensim")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    runs = [("1x2", "single", 2, None)]
    hot = dict(
        sync_words=args.sync_words, hot_words=args.hot_words, hot_sync_words=args.hot_sync_words
    )
    runs.append(("2x1", "mpi", 1, hot))
    if not args.no_hot:
        runs.append(("2x1-nohot", "mpi", 1, dict(hot, hot_words=0)))
    if args.average:
        runs.append(("2x1-average", "mpi", 1, dict(hot, sync_mode="average")))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind, threads, sync in runs:
            spec = dict(
                kind=kind,
                corpus=corpus,
                out=f"{tmp}/{name}.bin",
                result=f"{tmp}/{name}.json",
                epochs=args.epochs,
                threads=threads,
                sync=sync,
            )
            cmd = [sys.executable, __file__, "--child", json.dumps(spec)]
            if kind == "mpi":
                cmd = _mpirun(2) + cmd
            print(f"running {name} ...", file=sys.stderr)
            subprocess.run(cmd, check=True, env=dict(env, OMP_NUM_THREADS=str(threads)))
            res = json.loads(Path(spec["result"]).read_text())
            res["name"] = name
            res["words_per_sec"] = res["words"] / res["train_seconds"]
            scores = evaluate(spec["out"], 30000)
            res["analogy"], res["questions"] = scores["analogy"], scores["analogy_questions"]
            res["ws353"] = scores.get("ws353")
            rows.append(res)

    print(
        f"\ncorpus {corpus}, {args.epochs} epoch(s), skip-gram NS, dim 100, {os.cpu_count()} cores"
    )
    print(
        "\n| run | vocab s | train s | words/s | analogy % | syncs full/hot | bytes/sync full/hot"
        " | bytes/rank | averaging s (per rank) | waiting s (per rank) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mpi = "full_syncs" in r
        cells = [
            r["name"],
            f"{r['vocab_seconds']:.1f}",
            f"{r['train_seconds']:.1f}",
            f"{r['words_per_sec']:,.0f}",
            f"{r['analogy']:.2f}",
            f"{r['full_syncs']}/{r['hot_syncs']}" if mpi else "-",
            (
                f"{r['bytes_per_full_sync'] / 2**20:.1f} MiB / "
                f"{r['bytes_per_hot_sync'] / 2**20:.2f} MiB"
            )
            if mpi
            else "-",
            f"{r['bytes_total_per_rank'] / 2**20:,.0f} MiB" if mpi else "-",
            " / ".join(f"{x:.2f}" for x in r["sync_seconds"]) if mpi else "-",
            " / ".join(f"{x:.2f}" for x in r["wait_seconds"]) if mpi else "-",
        ]
        print("| " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
