"""Node2Vec end to end: a planted-partition graph (stochastic block model, generated here)
whose node vectors recover the blocks, by nearest neighbours and by a classifier; the keys
are the graph's node names; the CLI checks its input and output and names its flags."""

from __future__ import annotations

import numpy as np
import pytest

from fastw2v import Graph, KeyedVectors, Node2Vec, node2vec
from fastw2v.cli import main

scipy_sparse = pytest.importorskip("scipy.sparse")

N_NODES, N_BLOCKS = 240, 4
KW = dict(dimensions=16, walk_length=20, num_walks=8, window=5, workers=1, seed=2)


def _sbm(seed: int, p_in: float = 0.12, p_out: float = 0.006) -> tuple[Graph, np.ndarray]:
    """An undirected stochastic block model: edges within a block are 20x likelier."""
    rng = np.random.default_rng(seed)
    blocks = rng.permutation(np.arange(N_NODES) % N_BLOCKS)
    prob = np.where(blocks[:, None] == blocks[None, :], p_in, p_out)
    upper = np.triu(rng.random((N_NODES, N_NODES)) < prob, 1)
    src, dst = np.nonzero(upper)
    return Graph.from_edges(src, dst, node_ids=np.arange(N_NODES) + 1000), blocks


def _logistic_regression(x: np.ndarray, y: np.ndarray, classes: int, steps: int = 300):
    """Multinomial logistic regression by gradient descent (scikit-learn may be absent)."""
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros((x.shape[1], classes))
    onehot = np.eye(classes)[y]
    for _ in range(steps):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        w -= 0.5 * x.T @ (prob - onehot) / len(x) + 1e-3 * w
    return lambda xs: np.argmax(np.hstack([xs, np.ones((len(xs), 1))]) @ w, axis=1)


def _split_accuracy(wv: KeyedVectors, blocks: np.ndarray, seed: int) -> float:
    keys = np.array(wv.index_to_key)
    x = wv.get_normed_vectors().astype(np.float64)
    y = blocks[keys - 1000]
    order = np.random.default_rng(seed).permutation(len(keys))
    train, test = order[: len(keys) // 2], order[len(keys) // 2 :]
    predict = _logistic_regression(x[train], y[train], N_BLOCKS)
    return float(np.mean(predict(x[test]) == y[test]))


@pytest.mark.parametrize(("p", "q"), [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5)])
def test_planted_blocks_are_recovered(p, q):
    graph, blocks = _sbm(seed=7)
    n2v = Node2Vec(graph, p=p, q=q, **KW)
    wv = n2v.wv
    assert set(wv.index_to_key) <= set(range(1000, 1000 + N_NODES))
    assert len(wv) >= N_NODES - 2  # isolated nodes (if any) are never walked
    # nearest neighbours mostly in the node's own block (chance: 1/4)
    same = [
        np.mean([blocks[k - 1000] == blocks[key - 1000] for k, _ in wv.most_similar(key, topn=10)])
        for key in wv.index_to_key[:60]
    ]
    assert np.mean(same) > 0.85
    # a classifier trained on half the nodes labels the other half (chance: 0.25)
    assert _split_accuracy(wv, blocks, seed=1) > 0.85


def test_random_graph_is_not_recovered():
    """The same checks on a graph without blocks stay near chance: they could fail."""
    graph, blocks = _sbm(seed=7, p_in=0.03, p_out=0.03)
    wv = node2vec(graph, **KW)
    assert _split_accuracy(wv, blocks, seed=1) < 0.5


def test_one_thread_and_a_seed_give_the_same_vectors_and_keys():
    graph, _ = _sbm(seed=3)
    a = node2vec(graph, p=0.5, q=2.0, **KW)
    b = node2vec(graph, p=0.5, q=2.0, **KW)
    assert a.index_to_key == b.index_to_key
    assert a.vectors.tobytes() == b.vectors.tobytes()
    assert all(type(k) is int for k in a.index_to_key)


def test_scipy_matrix_and_string_node_names(tmp_path):
    graph, _ = _sbm(seed=3)
    matrix = scipy_sparse.csr_array(
        (np.ones(graph.n_edges), graph.indices, graph.indptr), shape=(N_NODES, N_NODES)
    )
    wv = node2vec(matrix, **KW)
    assert set(wv.index_to_key) <= set(range(N_NODES))
    edges = tmp_path / "named.txt"
    edges.write_text("a b\nb c\nc a\nc d\nd e\ne c\n", encoding="utf-8")
    named = node2vec(edges, dimensions=4, walk_length=5, num_walks=2, workers=1)
    assert sorted(named.index_to_key) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(p=0), "p must be > 0"),
        (dict(walk_length=0), "walk_length must be > 0"),
        (dict(num_walks=1.5), "num_walks must be an int"),
        (dict(dimensions=0), "vector_size must be"),
        (dict(method="fast"), "method must be"),
    ],
)
def test_bad_parameters_are_refused_before_the_graph_is_read(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Node2Vec("/nonexistent/edges.txt", **kwargs)


def _edge_file(path, seed: int = 0) -> None:
    graph, _ = _sbm(seed)
    src = np.repeat(np.arange(graph.n_nodes), graph.degrees())
    lines = [f"{graph.node_ids[s]} {graph.node_ids[d]}" for s, d in zip(src, graph.indices)]
    path.write_text("# u v\n" + "\n".join(lines) + "\n", encoding="utf-8")


def test_cli_writes_vectors_keyed_by_node(tmp_path, capsys):
    edges, out = tmp_path / "edges.txt", tmp_path / "vec.txt"
    _edge_file(edges)
    args = ["node2vec", "-graph", str(edges), "-output", str(out), "-dimensions", "8"]
    assert main([*args, "-walk-length", "10", "-num-walks", "2", "-p", "0.5", "-workers", "1"]) == 0
    wv = KeyedVectors.load_word2vec_format(out)
    assert wv.vector_size == 8 and set(wv.index_to_key) <= {str(i) for i in range(1000, 1240)}
    assert "vectors written" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-q", "-1"], "q must be > 0, got -1.0 (-q)"),
        (["-dimensions", "0"], "(-dimensions)"),
        (["-window", "0"], "(-window)"),
        (["-num-walks", "0"], "num_walks must be > 0, got 0 (-num-walks)"),
    ],
)
def test_cli_names_the_flag_in_one_line(tmp_path, capsys, extra, message):
    edges, out = tmp_path / "edges.txt", tmp_path / "vec.txt"
    _edge_file(edges)
    assert main(["node2vec", "-graph", str(edges), "-output", str(out), *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_cli_refuses_to_overwrite_its_input(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    _edge_file(edges)
    before = edges.read_bytes()
    assert main(["node2vec", "-graph", str(edges), "-output", str(edges)]) == 1
    assert "-graph" in capsys.readouterr().err
    assert edges.read_bytes() == before


def test_cli_bad_edge_list_names_the_file(tmp_path, capsys):
    edges = tmp_path / "bad.txt"
    edges.write_text("1 2\n3\n", encoding="utf-8")
    assert main(["node2vec", "-graph", str(edges), "-output", str(tmp_path / "v.txt")]) == 1
    assert "bad.txt" in capsys.readouterr().err
