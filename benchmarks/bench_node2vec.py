"""node2vec end to end: walks + training, fastw2v against PecanPy (which trains with gensim).

On the planted-partition graphs of benchmarks/bench_graph.py (10 equal blocks, average
degree 10, 80% of edges inside a block), each system embeds every node with the same walk
count, walk length (nodes per walk), p, q, dimension, window, epochs, negative samples,
subsampling, learning rates and threads, then writes the vectors (word2vec text format).
Each (system, graph, seed) runs in its own subprocess, so that its peak memory is its own.

    python benchmarks/bench_node2vec.py --sizes 1e4 1e5 --seeds 0 1 2 --workers 2

Reported: "job s", the subprocess's wall time minus generating the graph (Python start,
imports, numba compilation for PecanPy, walks, training, writing the vectors, and the
macro-F1 scoring below, the same NumPy work for both systems: under a second at 10^4 nodes,
a few seconds at 10^5); "walks s",
"train s" and the walks' fraction of walks + training; the process peak memory (VmHWM);
node-classification macro-F1 on the planted blocks (a multinomial logistic regression in
NumPy on the unit vectors, trained on a random half of the nodes, scored on the other).

- fastw2v: ``fastw2v.Node2Vec`` (walks in C straight into the trainer as int arrays).
- pecanpy: ``SparseOTF`` (``FirstOrderUnweighted`` when p = q = 1), its ``embed`` steps
  timed apart: ``simulate_walks`` (walks as lists of str) then gensim ``Word2Vec`` with
  the settings ``embed`` uses (sg=1, min_count=0). PecanPy walks have walk_length + 1
  nodes, so it is given walk_length - 1.
- node2vec: the ``node2vec`` package's ``Node2Vec(graph, ...)`` (a networkx graph; its
  Python precomputation and walks, lists of str), then the same gensim training as
  PecanPy's (not the package's ``fit``, whose defaults differ), so that only the walks
  differ between the two peers. Slow: give it ``--systems`` at 10^4 nodes only.
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

from bench_graph import _pecanpy_numpy_shim, _vm, make_graph  # noqa: E402

BLOCKS = 10  # bench_graph.planted_partition's blocks of n // 10 nodes


def labels_of(n: int) -> np.ndarray:
    return np.arange(n) // (n // BLOCKS)


def macro_f1(x: np.ndarray, y: np.ndarray, seed: int, steps: int = 300) -> float:
    """Macro-F1 of a NumPy multinomial logistic regression, trained on a random half."""
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    x = np.hstack([x, np.ones((len(x), 1))])
    order = np.random.default_rng(seed).permutation(len(x))
    train, test = order[: len(x) // 2], order[len(x) // 2 :]
    w = np.zeros((x.shape[1], BLOCKS))
    onehot = np.eye(BLOCKS)[y[train]]
    for _ in range(steps):
        z = x[train] @ w
        z -= z.max(axis=1, keepdims=True)
        prob = np.exp(z)
        prob /= prob.sum(axis=1, keepdims=True)
        w -= 2.0 * x[train].T @ (prob - onehot) / len(train) + 1e-4 * w
    pred, true = np.argmax(x[test] @ w, axis=1), y[test]
    f1 = []
    for c in range(BLOCKS):
        tp = np.sum((pred == c) & (true == c))
        denom = np.sum(pred == c) + np.sum(true == c)
        f1.append(2.0 * tp / denom if denom else 0.0)
    return float(np.mean(f1))


def run_fastw2v(adj: Any, args: argparse.Namespace, out: str) -> dict[str, Any]:
    sys.path.insert(0, ROOT)
    import fastw2v

    n2v = fastw2v.Node2Vec(
        adj, dimensions=args.dim, walk_length=args.walk_length, num_walks=args.num_walks,
        p=args.p, q=args.q, window=args.window, epochs=args.epochs, workers=args.workers,
        seed=args.seed, negative=5, sample=1e-3, alpha=0.025, min_alpha=0.0001,
    )  # fmt: skip
    t = time.perf_counter()
    n2v.wv.save_word2vec_format(out)
    matrix = np.zeros((adj.shape[0], args.dim), np.float32)
    matrix[np.asarray(n2v.wv.index_to_key)] = n2v.wv.vectors
    return {
        "walk_s": n2v.walk_seconds,
        "train_s": n2v.train_seconds,
        "write_s": time.perf_counter() - t,
        "vectors": matrix,
    }


def run_pecanpy(adj: Any, args: argparse.Namespace, out: str) -> dict[str, Any]:
    _pecanpy_numpy_shim()
    import numba
    from pecanpy import pecanpy as pp

    numba.set_num_threads(args.workers)
    cls = pp.FirstOrderUnweighted if args.p == args.q == 1 else pp.SparseOTF
    g = cls(p=args.p, q=args.q, workers=args.workers, verbose=False, random_state=args.seed)
    g.set_node_ids([str(i) for i in range(adj.shape[0])])
    g.indptr = adj.indptr.astype(np.uint32)
    g.indices = adj.indices.astype(np.uint32)
    g.data = adj.data.astype(np.float32)
    t = time.perf_counter()
    walks = g.simulate_walks(args.num_walks, args.walk_length - 1)
    walk_s = time.perf_counter() - t
    return _gensim(walks, list(g.nodes), walk_s, args, out)


def run_node2vec(adj: Any, args: argparse.Namespace, out: str) -> dict[str, Any]:
    import networkx as nx
    from node2vec import Node2Vec

    graph = nx.from_scipy_sparse_array(adj)
    t = time.perf_counter()
    n2v = Node2Vec(graph, walk_length=args.walk_length, num_walks=args.num_walks, p=args.p,
                   q=args.q, workers=args.workers, quiet=True, seed=args.seed)  # fmt: skip
    walk_s = time.perf_counter() - t
    return _gensim(n2v.walks, [str(i) for i in range(adj.shape[0])], walk_s, args, out)


def _gensim(
    walks: Any, nodes: list[str], walk_s: float, args: argparse.Namespace, out: str
) -> dict[str, Any]:
    """Train gensim on walks of str node ids as PecanPy's ``embed`` does; time and write."""
    from gensim.models import Word2Vec

    t = time.perf_counter()
    w2v = Word2Vec(
        walks,
        vector_size=args.dim,
        window=args.window,
        sg=1,
        min_count=0,
        workers=args.workers,
        epochs=args.epochs,
        seed=args.seed,
    )  # fmt: skip  (gensim's defaults: negative 5, sample 1e-3, alpha 0.025 -> 0.0001)
    train_s = time.perf_counter() - t
    t = time.perf_counter()
    w2v.wv.save_word2vec_format(out)
    write_s = time.perf_counter() - t
    return {"walk_s": walk_s, "train_s": train_s, "write_s": write_s, "vectors": w2v.wv[nodes]}


SYSTEMS = {"fastw2v": run_fastw2v, "pecanpy": run_pecanpy, "node2vec": run_node2vec}


def child(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    adj = make_graph("partition", args.n, args.seed)
    gen_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        r = SYSTEMS[args.system](adj, args, os.path.join(tmp, "vectors.txt"))
    vectors = r.pop("vectors")
    r["f1"] = macro_f1(vectors.astype(np.float64), labels_of(args.n), args.seed)
    r.update(gen_s=gen_s, peak_mib=_vm("VmHWM"))
    print(json.dumps(r))


def run_one(system: str, n: int, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", system, "--n", str(n),
           "--seed", str(seed), "--p", str(args.p), "--q", str(args.q), "--num-walks",
           str(args.num_walks), "--walk-length", str(args.walk_length), "--window",
           str(args.window), "--dim", str(args.dim), "--epochs", str(args.epochs),
           "--workers", str(args.workers)]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=ROOT, NUMBA_NUM_THREADS=str(args.workers))
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {args.timeout} s"}
    wall = time.perf_counter() - t
    if out.returncode != 0:
        return {"error": (out.stderr.strip() or "failed").splitlines()[-1][:80]}
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["job_s"] = wall - r["gen_s"]
    return r


def _cell(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(np.mean(values), fmt)} ± {format(np.std(values), fmt)}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e5])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--seeds-max-nodes", type=float, default=1e4,
                    help="larger graphs run the first seed only")  # fmt: skip
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS))
    ap.add_argument("--p", type=float, default=0.5)
    ap.add_argument("--q", type=float, default=2.0)
    ap.add_argument("--num-walks", type=int, default=10)
    ap.add_argument("--walk-length", type=int, default=80)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        args.system = args.child
        child(args)
        return
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average before: {os.getloadavg()[0]:.1f}; p={args.p} q={args.q} "
          f"walks {args.num_walks} x {args.walk_length}, dim {args.dim}, window "
          f"{args.window}, epochs {args.epochs}, {args.workers} threads")  # fmt: skip
    print(
        "| nodes | system | seeds | job s | walks s | train s | walks % | peak MiB "
        "| macro-F1 | job vs fastw2v |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        n = int(size)
        seeds = args.seeds if n <= args.seeds_max_nodes else args.seeds[:1]
        base = None
        for system in args.systems:
            runs = [run_one(system, n, s, args) for s in seeds]
            ok = [r for r in runs if "error" not in r]
            if not ok:
                print(f"| {n:.0e} | {system} | {runs[0]['error']} |" + " |" * 7, flush=True)
                continue
            job = float(np.mean([r["job_s"] for r in ok]))
            base = job if system == "fastw2v" else base
            frac = [100 * r["walk_s"] / (r["walk_s"] + r["train_s"]) for r in ok]
            ratio = f"{job / base:.1f}x" if base else ""
            print(f"| {n:.0e} | {system} | {len(ok)} | {_cell([r['job_s'] for r in ok], '.1f')} "
                  f"| {_cell([r['walk_s'] for r in ok], '.1f')} "
                  f"| {_cell([r['train_s'] for r in ok], '.1f')} | {_cell(frac, '.0f')} "
                  f"| {max(r['peak_mib'] for r in ok):.0f} | {_cell([r['f1'] for r in ok], '.3f')} "
                  f"| {ratio} |", flush=True)  # fmt: skip
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
