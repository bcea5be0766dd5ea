"""Graphs and random walks (DeepWalk, node2vec) for graph embeddings.

A :class:`Graph` is a read-only CSR adjacency: node ``i`` (an index ``0 .. n_nodes - 1``)
has the out-neighbours ``indices[indptr[i]:indptr[i + 1]]``, sorted, with positive
weights or none; ``node_ids[i]`` is the node's own name (an int or a str, from the edge
list). Make one with :meth:`Graph.from_scipy`, :meth:`Graph.from_edges` or
:func:`load_edgelist`.

:func:`random_walks` runs the walks in C (csrc/fw2v_walk.c), on several threads with the
GIL released, and returns them as a CSR pair ``(indptr, nodes)`` of node indices: an
integer corpus as :mod:`fastw2v.intcorpus` takes it, no Python list in between. Walk ``w``
has its own random stream, seeded from ``(seed, w)``, so a seed gives the same walks on
any number of threads.

Only :meth:`Graph.from_scipy` needs SciPy (``pip install scipy``); edge lists and edge
arrays are read with NumPy alone.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Union

import numpy as np

from fastw2v.config import available_cores

__all__ = ["Graph", "load_edgelist", "random_walks"]

PathType = Union[str, "os.PathLike[str]"]

_MAX_NODES = np.iinfo(np.int32).max  # node indices are int32 in the walks


def _scipy_sparse() -> Any:
    try:
        import scipy.sparse
    except ImportError:  # pragma: no cover - scipy is in the test extra
        raise ImportError("Graph.from_scipy needs SciPy: pip install scipy") from None
    return scipy.sparse


class Graph:
    """A directed or undirected graph as sorted CSR rows (see the module docstring).

    Parameters
    ----------
    indptr, indices : numpy.ndarray
        int64 row pointers and int32 neighbour indices, rows sorted, no duplicates.
    weights : numpy.ndarray or None
        float64 positive edge weights, or None (every weight 1).
    node_ids : numpy.ndarray
        The name of each node (ints, or strs from an edge list).
    directed : bool
        Only recorded: an undirected graph holds each edge in both rows.
    """

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray | None,
        node_ids: np.ndarray,
        directed: bool,
    ) -> None:
        self.indptr = np.ascontiguousarray(indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(indices, dtype=np.int32)
        self.weights = None if weights is None else np.ascontiguousarray(weights, np.float64)
        self.node_ids = node_ids
        self.directed = directed
        self._cumw: np.ndarray | None = None
        for arr in (self.indptr, self.indices, self.weights):
            if arr is not None:
                arr.flags.writeable = False

    @property
    def n_nodes(self) -> int:
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        """Stored (directed) edges: an undirected edge counts twice, a self-loop once."""
        return len(self.indices)

    @property
    def weighted(self) -> bool:
        return self.weights is not None

    def degrees(self) -> np.ndarray:
        """Out-degree of each node (int64)."""
        return np.diff(self.indptr)

    def cumulative_weights(self) -> np.ndarray | None:
        """Running weight sums within each row (what a weighted walk step searches)."""
        if self.weights is not None and self._cumw is None:
            from fastw2v import _graph

            self._cumw = _graph.row_cumsum(self.indptr, self.weights)
        return self._cumw

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        w = "weighted" if self.weighted else "unweighted"
        return f"Graph({self.n_nodes} nodes, {self.n_edges} stored edges, {kind}, {w})"

    # ---------------------------------------------------------------- constructors

    @classmethod
    def from_scipy(cls, matrix: Any, directed: bool = False, node_ids: Any = None) -> Graph:
        """A graph from a square SciPy sparse adjacency matrix (row = source node).

        Parameters
        ----------
        matrix : scipy.sparse matrix or array
            Entry ``(u, v)`` is the weight of edge u -> v; duplicates are summed (SciPy's
            rule). All-equal weights make an unweighted graph.
        directed : bool
            False (default): the matrix must be symmetric, each edge given both ways.
        node_ids : array-like, optional
            Names of the rows; default ``0 .. n - 1``.

        Raises
        ------
        ValueError
            If the matrix is not square, empty, has no edges, a weight that is not a
            positive finite number, or is not symmetric while ``directed`` is False.
        """
        sparse = _scipy_sparse()
        if not sparse.issparse(matrix):
            raise TypeError(f"matrix must be a SciPy sparse matrix, got {type(matrix).__name__}")
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"matrix must be square, got shape {matrix.shape}")
        csr = sparse.csr_array(matrix, dtype=np.float64, copy=True)
        csr.sum_duplicates()
        csr.sort_indices()
        n = csr.shape[0]
        if not directed and (csr != csr.T).nnz:
            raise ValueError(
                "matrix is not symmetric; pass directed=True, or symmetrise it first "
                "(e.g. matrix.maximum(matrix.T))"
            )
        ids = np.arange(n, dtype=np.int64) if node_ids is None else np.asarray(node_ids)
        if len(ids) != n:
            raise ValueError(f"node_ids has {len(ids)} entries for {n} nodes")
        return cls._checked(csr.indptr, csr.indices, csr.data, ids, directed, "matrix")

    @classmethod
    def from_edges(
        cls,
        src: Any,
        dst: Any,
        weights: Any = None,
        directed: bool = False,
        node_ids: Any = None,
    ) -> Graph:
        """A graph from edge arrays of node indices ``0 .. n - 1``.

        Parameters
        ----------
        src, dst : array-like of int
            Edge ``k`` goes from ``src[k]`` to ``dst[k]``.
        weights : array-like of float, optional
            Positive weights; default all 1.
        directed : bool
            False (default): each edge is also added the other way (a self-loop once).
        node_ids : array-like, optional
            Names of the nodes; ``n`` is its length (default ``max index + 1``).

        Raises
        ------
        ValueError
            If there are no edges, an index is negative or beyond ``node_ids``, the arrays
            differ in length, or a weight is not a positive finite number. A repeated edge
            keeps its last weight (networkx's rule).
        """
        src, dst = np.asarray(src), np.asarray(dst)
        for name, a in (("src", src), ("dst", dst)):
            if a.ndim != 1 or (a.size and not np.issubdtype(a.dtype, np.integer)):
                raise TypeError(f"{name} must be a 1-D array of integer node indices")
        if len(src) != len(dst):
            raise ValueError(f"src has {len(src)} entries but dst {len(dst)}")
        w = np.ones(len(src)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != src.shape:
            raise ValueError(f"weights has shape {w.shape}, src {src.shape}")
        _check_weights(w, "weights")
        if len(src) == 0:
            raise ValueError("the graph has no edges")
        if min(src.min(), dst.min()) < 0:
            raise ValueError("node indices must be >= 0")
        n = int(max(src.max(), dst.max())) + 1 if node_ids is None else len(node_ids)
        if max(src.max(), dst.max()) >= n:
            raise ValueError(f"a node index is >= len(node_ids) = {n}")
        ids = np.arange(n, dtype=np.int64) if node_ids is None else np.asarray(node_ids)
        indptr, indices, data = _edges_to_csr(src, dst, w, n, directed)
        return cls._checked(indptr, indices, data if weights is not None else None, ids, directed)

    @classmethod
    def _checked(
        cls,
        indptr: np.ndarray,
        indices: np.ndarray,
        data: np.ndarray | None,
        node_ids: np.ndarray,
        directed: bool,
        what: str = "weights",
    ) -> Graph:
        n = len(indptr) - 1
        if n == 0:
            raise ValueError("the graph is empty (no nodes)")
        if n > _MAX_NODES:
            raise ValueError(f"the graph has {n} nodes; at most {_MAX_NODES} are supported")
        if len(indices) == 0:
            raise ValueError(f"the graph has {n} nodes but no edges")
        if data is not None:
            _check_weights(data, what, indptr, indices)
            if data.min() == data.max():  # all equal: the walks are those of no weights
                data = None
        return cls(indptr, indices, data, node_ids, directed)


def _check_weights(
    w: np.ndarray, what: str, indptr: np.ndarray | None = None, indices: np.ndarray | None = None
) -> None:
    bad = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
    if len(bad) == 0:
        return
    k = int(bad[0])
    where = f"entry {k}"
    if indptr is not None and indices is not None:
        row = int(np.searchsorted(indptr, k, side="right")) - 1
        where = f"edge ({row}, {int(indices[k])})"
    raise ValueError(
        f"{what} has a weight that is not a positive finite number ({w[k]!r} at {where}); "
        "edge weights must be > 0 (drop zero-weight edges)"
    )


def _edges_to_csr(
    src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int, directed: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted CSR rows; a repeated edge keeps the weight it was given last."""
    src, dst = src.astype(np.int64), dst.astype(np.int64)
    if not directed:
        loop = src == dst
        src, dst, w = (
            np.concatenate((src, dst[~loop])),
            np.concatenate((dst, src[~loop])),
            np.concatenate((w, w[~loop])),
        )
        # the reversed copy of edge k must rank as edge k: order by input line
        line = np.concatenate((np.arange(len(loop)), np.flatnonzero(~loop)))
    else:
        line = np.arange(len(src))
    key = src * n + dst
    order = np.lexsort((-line, key))  # by edge, its last line first
    key, first = np.unique(key[order], return_index=True)
    kept = order[first]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(src[kept], minlength=n))))
    return indptr.astype(np.int64), (key % n).astype(np.int32), w[kept]


# --------------------------------------------------------------------- edge lists


def load_edgelist(
    path: PathType,
    directed: bool = False,
    weighted: bool | None = None,
    delimiter: str | None = None,
    comments: tuple[str, ...] = ("#", "%"),
) -> Graph:
    """Read an edge list: one edge ``u v [w]`` per line.

    Parameters
    ----------
    path : path-like
        The file. Columns are separated by ``delimiter`` (default: any whitespace); lines
        starting with one of ``comments`` are skipped; columns past the third are ignored.
    directed : bool
        False (default): each line is an edge both ways.
    weighted : bool, optional
        Read the third column as the weight; default: if the first edge line has one.
    delimiter : str, optional
        E.g. ``","`` for CSV.
    comments : tuple of str
        Comment markers (``#`` and ``%``: SNAP, KONECT and Matrix Market headers).

    Returns
    -------
    Graph
        ``node_ids`` holds the node names, sorted: int64 if every name is an integer,
        otherwise str. A repeated edge keeps its last weight.

    Raises
    ------
    ValueError
        Naming the file and line: a missing column, a weight that is not a positive
        number, or no edges at all.
    """
    path = os.fspath(path)
    ncols = _first_line_columns(path, delimiter, comments)
    if weighted is None:
        weighted = ncols >= 3
    if weighted and ncols < 3:
        raise ValueError(f"{path}: weighted=True but the first edge line has {ncols} columns")
    ends = _read_columns(path, delimiter, comments, (0, 1), None)
    names, inverse = np.unique(ends.reshape(-1), return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    w = None
    if weighted:
        w = _read_columns(path, delimiter, comments, (2,), np.float64).reshape(-1)
        _check_weights(w, f"{path}: the weight column")
    try:
        return Graph.from_edges(inverse[:, 0], inverse[:, 1], w, directed, node_ids=names)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _first_line_columns(path: str, delimiter: str | None, comments: tuple[str, ...]) -> int:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                stripped = line.strip()
                if stripped and not stripped.startswith(comments):
                    return len(stripped.split(delimiter))
    except OSError as exc:
        raise ValueError(f"cannot read the edge list {path!r}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a UTF-8 text edge list ({exc})") from None
    raise ValueError(f"{path}: the edge list has no edges (only blank or comment lines)")


def _read_columns(
    path: str,
    delimiter: str | None,
    comments: tuple[str, ...],
    cols: tuple[int, ...],
    dtype: Any,
) -> np.ndarray:
    """Columns ``cols`` as ``dtype``; ``None``: int64 if every entry is an integer, else str."""
    kw = dict(delimiter=delimiter, comments=list(comments), usecols=cols, ndmin=2)
    with warnings.catch_warnings():  # "line N contained no data": blank lines are fine
        warnings.simplefilter("ignore", UserWarning)
        return _loadtxt(path, dtype, kw)


def _loadtxt(path: str, dtype: Any, kw: dict[str, Any]) -> np.ndarray:
    try:
        if dtype is not None:
            return np.loadtxt(path, dtype=dtype, **kw)
        try:
            return np.loadtxt(path, dtype=np.int64, **kw)
        except ValueError:
            return np.loadtxt(path, dtype=str, **kw)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


# --------------------------------------------------------------------- walks


def _check_positive(name: str, value: Any, kind: type) -> None:
    """``value`` is a positive finite ``kind`` (int, or float: any real number)."""
    kinds = (int, np.integer) if kind is int else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"{name} must be {'an int' if kind is int else 'a number'}, got {value!r}")
    if not (value > 0 and np.isfinite(value)):
        raise ValueError(f"{name} must be > 0, got {value!r}")


def _walk_method(method: str, p: float, q: float) -> str:
    if method not in ("auto", "reject", "exact"):
        raise ValueError(f"method must be 'auto', 'reject' or 'exact', got {method!r}")
    if p == 1 and q == 1:
        return "first"  # node2vec with p = q = 1 is DeepWalk: no second-order term
    # Rejection, with the return edge as an outlier strip, was faster than exact steps for
    # every p, q in {0.25, 0.5, 1, 2, 4} on the benchmark graphs (2-12x on power-law ones).
    return "reject" if method == "auto" else method


def _workers(workers: int | None) -> int:
    if workers is None:
        return available_cores()
    _check_positive("workers", workers, int)
    return int(workers)


def walk_starts(n_nodes: int, num_walks: int, seed: int) -> np.ndarray:
    """Start nodes: ``num_walks`` rounds, each a random permutation of every node (so that
    the walks from one node are spread through the corpus, as DeepWalk does)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.permutation(n_nodes).astype(np.int32) for _ in range(num_walks)])


def random_walks(
    graph: Graph,
    num_walks: int = 10,
    walk_length: int = 80,
    p: float = 1.0,
    q: float = 1.0,
    seed: int = 0,
    workers: int | None = None,
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """DeepWalk (p = q = 1) or node2vec walks from every node, ``num_walks`` times.

    Parameters
    ----------
    graph : Graph
    num_walks : int
        Walks per node.
    walk_length : int
        Nodes per walk (fewer when it reaches a node without out-neighbours).
    p, q : float
        node2vec's return and in-out parameters: from node v, having come from t, the walk
        moves to a neighbour x with probability proportional to ``w(v, x)`` times 1/p if x is
        t, 1 if x is a neighbour of t, and 1/q otherwise. p = q = 1: first order (DeepWalk,
        weighted if the graph is).
    seed : int
        Seeds the start order and every walk's random stream.
    workers : int, optional
        Threads; default all available cores (honouring ``OMP_NUM_THREADS``). The walks do
        not depend on it.
    method : {"auto", "reject", "exact"}
        How a node2vec step is drawn; both are exact. "reject" samples a first-order
        neighbour and accepts it with probability ``bias / max(1, 1/q)``, the return to the
        previous node having a strip of its own (O(log degree) per trial, about 1-3
        trials); "exact" computes every neighbour's probability (O(degree log degree) per
        step, PecanPy's SparseOTF). "auto": "reject".

    Returns
    -------
    indptr : numpy.ndarray
        int64, ``num_walks * n_nodes + 1`` entries: walk ``k`` is
        ``nodes[indptr[k]:indptr[k + 1]]``.
    nodes : numpy.ndarray
        int32 node indices (``graph.node_ids`` names them).
    """
    from fastw2v import _graph

    if not isinstance(graph, Graph):
        raise TypeError(f"graph must be a fastw2v.graph.Graph, got {type(graph).__name__}")
    _check_positive("num_walks", num_walks, int)
    _check_positive("walk_length", walk_length, int)
    _check_positive("p", p, float)
    _check_positive("q", q, float)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    kind = _walk_method(method, float(p), float(q))
    threads = _workers(workers)
    starts = walk_starts(graph.n_nodes, int(num_walks), int(seed))
    return _graph.walks(
        graph.indptr,
        graph.indices,
        graph.cumulative_weights(),
        starts,
        int(walk_length),
        1.0 / float(p),
        1.0 / float(q),
        kind,
        int(seed) & ((1 << 64) - 1),
        threads,
    )
