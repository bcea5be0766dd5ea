"""node2vec and DeepWalk in one call: walks in C (:mod:`fastw2v.graph`), trained as an
integer corpus (:mod:`fastw2v.intkeys`), vectors keyed by node.

The walks come back from C as a CSR pair ``(indptr, nodes)`` of node indices and go to
:class:`fastw2v.Word2Vec` as they are: no Python list of walks, no node id turned into a
string. The vectors are then re-keyed by the graph's node names (``graph.node_ids``: the
ints or strings of an edge list, or the row numbers of a matrix).

>>> wv = node2vec("edges.txt", dimensions=64, p=0.5, q=2)  # doctest: +SKIP
>>> wv.most_similar(42)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from typing import Any, Union

import numpy as np

from fastw2v.graph import Graph, _check_positive, load_edgelist, random_walks
from fastw2v.model import Word2Vec
from fastw2v.vectors import KeyedVectors

__all__ = ["Node2Vec", "as_graph", "node2vec"]

PathType = Union[str, "os.PathLike[str]"]

#: Word2Vec parameters Node2Vec sets unless given: skip-gram with negative sampling (as
#: node2vec's and PecanPy's reference scripts train), every visited node kept.
TRAIN_DEFAULTS: dict[str, Any] = {"sg": 1, "min_count": 1, "progress": False}


def as_graph(graph: Any, directed: bool = False, weighted: bool | None = None) -> Graph:
    """A :class:`~fastw2v.graph.Graph` from a Graph, a SciPy sparse adjacency matrix or the
    path of an edge list (:func:`~fastw2v.graph.load_edgelist`)."""
    if isinstance(graph, Graph):
        return graph
    if isinstance(graph, (str, os.PathLike)):
        return load_edgelist(graph, directed=directed, weighted=weighted)
    return Graph.from_scipy(graph, directed=directed)


class Node2Vec:
    """Embed the nodes of a graph: node2vec walks (DeepWalk when p = q = 1), then skip-gram.

    Parameters
    ----------
    graph : Graph, scipy.sparse matrix, or path of an edge list
        The graph (``directed`` and ``weighted`` apply to a matrix or an edge list).
    dimensions : int
        Vector size.
    walk_length, num_walks : int
        Nodes per walk; walks from each node.
    p, q : float
        node2vec's return and in-out parameters (:func:`fastw2v.graph.random_walks`).
    window, epochs : int
        Skip-gram context window and passes over the walks.
    workers : int, optional
        Threads for the walks and the training; default all available cores.
    seed : int
        Seeds the walks and the training: one thread and a seed give the same vectors.
    method : {"auto", "reject", "exact"}
        How node2vec steps are drawn (both exact; see ``random_walks``).
    **params
        Other :class:`fastw2v.config.TrainConfig` parameters (``negative``, ``sample``,
        ``alpha``, ``shrink_windows``...). Defaults: ``sg=1``, ``min_count=1``.

    Attributes
    ----------
    wv : KeyedVectors
        One vector per node a walk visited, keyed by ``graph.node_ids`` (ints or strs).
    model : Word2Vec
        The trained model (its own keys are node indices).
    graph : Graph
    walk_seconds, train_seconds : float
        Time spent generating the walks and training on them.

    Raises
    ------
    ValueError, TypeError
        For a bad parameter (checked before the graph is read) or a bad graph.
    """

    def __init__(
        self,
        graph: Any,
        dimensions: int = 128,
        walk_length: int = 80,
        num_walks: int = 10,
        p: float = 1.0,
        q: float = 1.0,
        window: int = 10,
        epochs: int = 1,
        workers: int | None = None,
        seed: int = 0,
        method: str = "auto",
        directed: bool = False,
        weighted: bool | None = None,
        **params: Any,
    ) -> None:
        self.model = self.check(
            dimensions, walk_length, num_walks, p, q, window, epochs, workers, seed, method,
            **params,
        )  # fmt: skip
        self.graph = as_graph(graph, directed, weighted)
        start = time.perf_counter()
        walks = random_walks(
            self.graph, num_walks, walk_length, p, q, seed, self.model.config.threads, method
        )
        self.walk_seconds = time.perf_counter() - start
        self.model.build_vocab(walks)
        self.model.train(walks)
        self.train_seconds = time.perf_counter() - start - self.walk_seconds
        self.wv = _by_node(self.model, self.graph)

    @staticmethod
    def check(
        dimensions: int = 128,
        walk_length: int = 80,
        num_walks: int = 10,
        p: float = 1.0,
        q: float = 1.0,
        window: int = 10,
        epochs: int = 1,
        workers: int | None = None,
        seed: int = 0,
        method: str = "auto",
        **params: Any,
    ) -> Word2Vec:
        """Check every parameter, before any graph is read; the untrained model they make.

        Raises
        ------
        ValueError, TypeError
            Naming the parameter.
        """
        for name, value, kind in (("walk_length", walk_length, int), ("num_walks", num_walks, int)):
            _check_positive(name, value, kind)
        for name, value in (("p", p), ("q", q)):
            _check_positive(name, value, float)
        if method not in ("auto", "reject", "exact"):
            raise ValueError(f"method must be 'auto', 'reject' or 'exact', got {method!r}")
        settings = {**TRAIN_DEFAULTS, **params, "vector_size": dimensions, "window": window}
        settings.update(epochs=epochs, seed=seed)
        if workers is not None:
            settings["workers"] = workers
        return Word2Vec(**settings)

    def __repr__(self) -> str:
        return f"Node2Vec({self.graph!r}, {len(self.wv)} vectors of dim {self.wv.vector_size})"


def _by_node(model: Word2Vec, graph: Graph) -> KeyedVectors:
    """The model's vectors (rows keyed by node index) keyed by the nodes' names."""
    wv = model.wv
    rows = np.asarray(wv.index_to_key, dtype=np.int64)
    names = np.asarray(graph.node_ids)[rows].tolist()
    return KeyedVectors(names, wv.vectors, wv.counts)


def node2vec(graph: Any, **kwargs: Any) -> KeyedVectors:
    """``Node2Vec(graph, **kwargs).wv``: the node vectors, keyed by node id."""
    return Node2Vec(graph, **kwargs).wv
