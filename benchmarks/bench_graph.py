"""Random-walk generation: fastw2v against PecanPy and the ``node2vec`` package.

Generates seeded graphs (Chung-Lu power-law degrees, and a planted partition), then times
each system's walk generation on the same graph with the same num_walks, walk length
(nodes per walk), p and q and thread count. Each (system, graph) runs in its own
subprocess, so that its peak memory (VmHWM) is its own.

    python benchmarks/bench_graph.py --sizes 1e4 1e5 --pq 1,1 0.5,2

Reported per run: "walks s", what the system's walk call costs, from its input graph in
memory to walks in the form it hands to its trainer (fastw2v: int arrays; the peers:
lists of str); "index walks s", PecanPy's walks into its integer matrix only; "warm s",
PecanPy's walks again with its numba code already compiled; walks/s and steps/s
(node-to-node moves) from the fastest of these; the process peak memory (VmHWM) and what
the walks added to it.

- fastw2v: ``random_walks`` -> CSR int arrays (an integer corpus).
- pecanpy: FirstOrderUnweighted (p = q = 1) or SparseOTF (node2vec), and PreComp where
  ``--precomp-max-nodes`` allows. Timed in parts: the numba walks into its index matrix
  (numba compiles its walk loop for each graph's closures, so every run pays it), the
  same walks again (compiled), and the mapping to lists of str node ids that its
  ``simulate_walks`` returns to gensim (skipped past ``--pecanpy-map-max-nodes``).
  PecanPy walks have walk_length + 1 nodes, so it is given walk_length - 1.
- node2vec: ``Node2Vec(graph, ...)`` (probability precomputation + walks, returned as
  lists of str), only up to ``--node2vec-max-nodes``: it is slow.

End-to-end timing (walks + training) plugs in at ``TRAIN`` once integer corpora reach
``Word2Vec.train``: each runner returns its walks in the form its trainer takes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ----------------------------------------------------------------------- graphs


def chung_lu(n: int, avg_degree: float, gamma: float, seed: int) -> tuple[np.ndarray, ...]:
    """Edges of a Chung-Lu graph with power-law expected degrees (exponent ``gamma``):
    ``n * avg_degree / 2`` endpoint pairs drawn in proportion to the weights, then
    duplicates and self-loops dropped."""
    rng = np.random.default_rng(seed)
    w = (np.arange(n) + 1.0) ** (-1.0 / (gamma - 1.0))
    cdf = np.cumsum(w / w.sum())
    m = int(n * avg_degree / 2)
    u = np.searchsorted(cdf, rng.random(m), side="right").clip(0, n - 1)
    v = np.searchsorted(cdf, rng.random(m), side="right").clip(0, n - 1)
    return u, v


def planted_partition(
    n: int, avg_degree: float, blocks: int, inside: float, seed: int
) -> tuple[np.ndarray, ...]:
    """Edges of a planted partition: ``n * avg_degree / 2`` edges, a fraction ``inside``
    of them within a block (blocks of equal size), the others between two random nodes."""
    rng = np.random.default_rng(seed)
    m = int(n * avg_degree / 2)
    size = n // blocks
    u = rng.integers(0, blocks * size, m)
    same = rng.random(m) < inside
    v = np.where(same, (u // size) * size + rng.integers(0, size, m), rng.integers(0, n, m))
    return u, v


def make_graph(kind: str, n: int, seed: int) -> Any:
    """A symmetric unweighted scipy CSR adjacency matrix, no self-loops, no duplicates."""
    import scipy.sparse as sp

    u, v = (
        chung_lu(n, 10, 2.5, seed)
        if kind == "powerlaw"
        else planted_partition(n, 10, 10, 0.8, seed)
    )
    keep = u != v
    u, v = u[keep], v[keep]
    a = sp.coo_array((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    a.sum_duplicates()
    a.data[:] = 1.0
    return a


# ----------------------------------------------------------------------- systems


def run_fastw2v(adj: Any, args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, ROOT)
    from fastw2v.graph import Graph, random_walks

    graph = Graph.from_scipy(adj)
    t = time.perf_counter()
    indptr, nodes = random_walks(
        graph, args.num_walks, args.walk_length, args.p, args.q, seed=args.seed,
        workers=args.workers,
    )  # fmt: skip
    secs = time.perf_counter() - t
    return {"walk_s": secs, "walks": len(indptr) - 1, "steps": len(nodes) - (len(indptr) - 1)}


def _pecanpy_numpy_shim() -> None:
    # pecanpy 2.0.9 imports nptyping, which reads aliases NumPy 2 removed (np.bool8, ...).
    import numpy

    for old, new in {
        "bool8": numpy.bool_, "object0": numpy.object_, "int0": numpy.intp,
        "uint0": numpy.uintp, "float_": numpy.float64, "longfloat": numpy.longdouble,
        "singlecomplex": numpy.complex64, "cfloat": numpy.complex128,
        "longcomplex": numpy.clongdouble, "clongfloat": numpy.clongdouble,
        "complex_": numpy.complex128, "void0": numpy.void, "bytes0": numpy.bytes_,
        "str0": numpy.str_, "string_": numpy.bytes_, "unicode_": numpy.str_,
    }.items():  # fmt: skip
        if not hasattr(numpy, old):
            setattr(numpy, old, new)


def run_pecanpy(adj: Any, args: argparse.Namespace, mode: str) -> dict[str, Any]:
    _pecanpy_numpy_shim()
    import numba
    from numba_progress import ProgressBar
    from pecanpy import pecanpy as pp

    numba.set_num_threads(args.workers)
    if mode == "PreComp":  # it stores a float per (edge t -> v, neighbour of v)
        need = float((np.diff(adj.indptr).astype(np.float64) ** 2).sum()) * 12 / 2**30
        if need > args.precomp_max_gib:
            raise SystemExit(f"skipped: PreComp needs about {need:.0f} GiB")
    cls = {"FirstOrderUnweighted": pp.FirstOrderUnweighted, "SparseOTF": pp.SparseOTF,
           "PreComp": pp.PreComp}[mode]  # fmt: skip
    g = cls(p=args.p, q=args.q, workers=args.workers, verbose=False, random_state=args.seed)
    g.set_node_ids([str(i) for i in range(adj.shape[0])])
    g.indptr = adj.indptr.astype(np.uint32)
    g.indices = adj.indices.astype(np.uint32)
    g.data = adj.data.astype(np.float32)
    length = args.walk_length - 1  # pecanpy walks have walk_length + 1 nodes
    t = time.perf_counter()
    # simulate_walks, in timed parts (pecanpy/pecanpy.py: Base.simulate_walks)
    g.preprocess_transition_probs()
    starts = np.concatenate([np.arange(g.num_nodes, dtype=np.uint32)] * args.num_walks)
    np.random.seed(args.seed)
    np.random.shuffle(starts)
    has_nbrs, move_forward = g.get_has_nbrs(), g.get_move_forward()

    def index_walks() -> np.ndarray:
        with ProgressBar(total=starts.size, disable=True) as progress:
            return g._random_walks(
                starts.size, length, args.seed, starts, has_nbrs, move_forward, progress
            )

    mat = index_walks()  # numba compiles _random_walks for these closures here
    cold = time.perf_counter() - t
    out = {"index_s": cold, "walks": len(mat)}
    out["steps"] = int(mat[:, -1].astype(np.int64).sum()) - len(mat)
    if adj.shape[0] <= args.pecanpy_warm_max_nodes:
        t = time.perf_counter()
        index_walks()  # the same closures: compiled already
        out["warm_s"] = time.perf_counter() - t
    if adj.shape[0] <= args.pecanpy_map_max_nodes:
        t = time.perf_counter()
        walks = [g._map_walk(w) for w in mat]  # the lists of str simulate_walks returns
        out["walk_s"] = cold + time.perf_counter() - t
        del walks
    return out


def run_node2vec(adj: Any, args: argparse.Namespace) -> dict[str, Any]:
    import networkx as nx
    from node2vec import Node2Vec

    graph = nx.from_scipy_sparse_array(adj)
    t = time.perf_counter()
    n2v = Node2Vec(graph, walk_length=args.walk_length, num_walks=args.num_walks, p=args.p,
                   q=args.q, workers=args.workers, quiet=True, seed=args.seed)  # fmt: skip
    secs = time.perf_counter() - t
    steps = sum(len(w) - 1 for w in n2v.walks)
    return {"walk_s": secs, "walks": len(n2v.walks), "steps": steps}


SYSTEMS: dict[str, Callable[[Any, argparse.Namespace], dict[str, Any]]] = {
    "fastw2v": run_fastw2v,
    "pecanpy-FirstOrderUnweighted": lambda a, s: run_pecanpy(a, s, "FirstOrderUnweighted"),
    "pecanpy-SparseOTF": lambda a, s: run_pecanpy(a, s, "SparseOTF"),
    "pecanpy-PreComp": lambda a, s: run_pecanpy(a, s, "PreComp"),
    "node2vec": run_node2vec,
}

TRAIN: dict[str, Callable[..., float]] = {}
"""System -> function(walks, args) returning training seconds: to be filled when integer
corpora reach Word2Vec.train (fastw2v) and for the peers' gensim training."""


def systems_for(n: int, args: argparse.Namespace) -> list[str]:
    first_order = args.p == 1 and args.q == 1
    out = ["fastw2v", "pecanpy-FirstOrderUnweighted" if first_order else "pecanpy-SparseOTF"]
    if not first_order and n <= args.precomp_max_nodes:
        out.append("pecanpy-PreComp")
    if n <= args.node2vec_max_nodes:
        out.append("node2vec")
    return [s for s in out if s.split("-")[0] in args.systems]


# ----------------------------------------------------------------------- measuring


def _vm(field: str) -> float:
    """A /proc/self/status memory field, in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def child(args: argparse.Namespace) -> None:
    """Run one system on one graph and print one JSON line."""
    adj = make_graph(args.kind, args.n, args.seed)
    before = _vm("VmRSS")
    result = SYSTEMS[args.system](adj, args)
    result.update(peak_mib=_vm("VmHWM"), added_mib=_vm("VmHWM") - before)
    print(json.dumps(result))


def run_one(system: str, kind: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", system, "--kind", kind,
           "--n", str(n), "--p", str(args.p), "--q", str(args.q), "--num-walks",
           str(args.num_walks), "--walk-length", str(args.walk_length), "--workers",
           str(args.workers), "--seed", str(args.seed), "--pecanpy-warm-max-nodes",
           str(args.pecanpy_warm_max_nodes), "--pecanpy-map-max-nodes",
           str(args.pecanpy_map_max_nodes), "--precomp-max-gib",
           str(args.precomp_max_gib)]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=ROOT, NUMBA_NUM_THREADS=str(args.workers))
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {args.timeout} s"}
    if out.returncode != 0:
        lines = (out.stderr.strip() or "failed").splitlines()
        return {"error": lines[-1][:80]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt_row(kind: str, n: int, system: str, r: dict[str, Any], base: float | None) -> str:
    """One table row; seconds not measured are blank."""
    if "error" in r:
        return f"| {kind} | {n:.0e} | {system} | {r['error']} |" + " |" * 7
    total = r.get("walk_s")
    index = r.get("index_s")
    timed = (total, index, r.get("warm_s"))
    cells = [f"{x:.2f}" if x is not None else "" for x in timed]
    fastest = min(x for x in timed if x is not None)
    # past --pecanpy-map-max-nodes PecanPy has no "walks s": compare its index walks
    ratio = "1x" if not base else f"{(total or index) / base:.1f}x" + ("" if total else " (index)")
    return (
        f"| {kind} | {n:.0e} | {system} | {' | '.join(cells)} | {ratio} | "
        f"{r['walks'] / fastest:,.0f} | {r['steps'] / fastest / 1e6:.1f} | "
        f"{r['peak_mib']:,.0f} | {r['added_mib']:,.0f} |"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e5])
    ap.add_argument("--kinds", nargs="+", default=["powerlaw", "sbm"])
    ap.add_argument("--pq", nargs="+", default=["1,1", "0.5,2"], help="p,q settings")
    ap.add_argument("--systems", nargs="+", default=["fastw2v", "pecanpy", "node2vec"])
    ap.add_argument("--num-walks", type=int, default=10)
    ap.add_argument("--walk-length", type=int, default=80)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--node2vec-max-nodes", type=float, default=1e4)
    ap.add_argument("--precomp-max-nodes", type=float, default=1e5)
    ap.add_argument("--precomp-max-gib", type=float, default=4.0)
    ap.add_argument("--pecanpy-warm-max-nodes", type=float, default=1e5)
    ap.add_argument("--pecanpy-map-max-nodes", type=float, default=1e5)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--kind", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--p", type=float, default=1.0, help=argparse.SUPPRESS)
    ap.add_argument("--q", type=float, default=1.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        args.system = args.child
        child(args)
        return
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"workers={args.workers}, num_walks={args.num_walks}, walk_length={args.walk_length}"
    )
    print(
        "| graph | nodes | system | walks s | index walks s | warm s | walks s vs fastw2v "
        "| best walks/s | best Msteps/s | peak MiB | walks +MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for pq in args.pq:
        args.p, args.q = (float(x) for x in pq.split(","))
        print(f"| **p={args.p:g}, q={args.q:g}** |" + " |" * 10)
        for kind in args.kinds:
            for n in (int(s) for s in args.sizes):
                base = None
                for system in systems_for(n, args):
                    r = run_one(system, kind, n, args)
                    print(fmt_row(kind, n, system, r, base), flush=True)
                    if system == "fastw2v" and "walk_s" in r:
                        base = r["walk_s"]


if __name__ == "__main__":
    main()
