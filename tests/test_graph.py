"""Graph walks: transition probabilities against exact ones, determinism, bad input."""

import numpy as np
import pytest

scipy_sparse = pytest.importorskip("scipy.sparse")
stats = pytest.importorskip("scipy.stats")

from fastw2v.graph import Graph, load_edgelist, random_walks  # noqa: E402
from fastw2v.intcorpus import build_int_vocab, int_chunks  # noqa: E402

# A small weighted undirected graph with triangles, a pendant node and a self-loop.
EDGES = [(0, 1, 1.0), (0, 2, 2.0), (1, 2, 1.0), (1, 3, 3.0), (2, 3, 0.5), (3, 4, 1.0),
         (2, 5, 1.5), (5, 5, 2.0), (4, 5, 1.0)]  # fmt: skip


def weighted_graph(directed=False, weighted=True):
    src, dst, w = (np.array(c) for c in zip(*EDGES))
    return Graph.from_edges(src, dst, w if weighted else None, directed=directed)


def dense(graph):
    a = np.zeros((graph.n_nodes, graph.n_nodes))
    rows = np.repeat(np.arange(graph.n_nodes), graph.degrees())
    a[rows, graph.indices] = 1.0 if graph.weights is None else graph.weights
    return a


def node2vec_probs(a, t, v, p, q):
    """Exact node2vec transition probabilities from v, having come from t."""
    bias = np.where(a[t] > 0, 1.0, 1.0 / q)
    bias[t] = 1.0 / p
    w = a[v] * bias
    return w / w.sum()


def transition_counts(indptr, nodes, order):
    """Counts of (history..., next) over every step of every walk."""
    counts = {}
    for k in range(len(indptr) - 1):
        walk = nodes[indptr[k] : indptr[k + 1]].tolist()
        for i in range(order, len(walk)):
            key = tuple(walk[i - order : i])
            counts.setdefault(key, {}).setdefault(walk[i], 0)
            counts[key][walk[i]] += 1
    return counts


def pooled_chisquare(counts, expected_fn, min_dof=8):
    """One chi-square test over every history: sum of the statistics and the dofs."""
    stat, dof = 0.0, 0
    for key, nxt in counts.items():
        probs = expected_fn(key)
        support = np.flatnonzero(probs > 0)
        observed = np.array([nxt.get(int(x), 0) for x in support], dtype=float)
        assert sum(nxt.values()) == observed.sum(), f"a step off the support after {key}"
        if observed.sum() < 50 or len(support) < 2:
            continue
        exp = probs[support] * observed.sum()
        stat += stats.chisquare(observed, exp).statistic
        dof += len(support) - 1
    assert dof >= min_dof  # enough histories were seen for the test to mean something
    return stats.chi2.sf(stat, dof)


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("directed", [False, True])
def test_first_order_matches_edge_weights(weighted, directed):
    g = weighted_graph(directed, weighted)
    indptr, nodes = random_walks(g, num_walks=3000, walk_length=6, seed=3, workers=2)
    a = dense(g)
    counts = transition_counts(indptr, nodes, 1)
    assert pooled_chisquare(counts, lambda k: a[k[0]] / a[k[0]].sum(), min_dof=3) > 1e-4
    if weighted:  # the test has power: uniform steps are rejected on the weighted graph
        uniform = lambda k: (a[k[0]] > 0) / (a[k[0]] > 0).sum()  # noqa: E731
        assert pooled_chisquare(counts, uniform, min_dof=3) < 1e-6


@pytest.mark.parametrize("method", ["reject", "exact"])
@pytest.mark.parametrize("p,q", [(0.25, 4.0), (4.0, 0.5), (2.0, 2.0)])
@pytest.mark.parametrize("weighted", [True, False])
def test_node2vec_matches_exact_second_order(method, p, q, weighted):
    g = weighted_graph(weighted=weighted)
    indptr, nodes = random_walks(g, 3000, 8, p=p, q=q, seed=5, method=method)
    a = dense(g)
    counts = transition_counts(indptr, nodes, 2)
    assert pooled_chisquare(counts, lambda k: node2vec_probs(a, k[0], k[1], p, q)) > 1e-4
    # and first-order steps would fail the same test
    assert pooled_chisquare(counts, lambda k: a[k[1]] / a[k[1]].sum()) < 1e-6


def test_node2vec_on_a_directed_graph_uses_out_edges():
    g = weighted_graph(directed=True)
    a = dense(g)
    # directed edges u -> v only for u < v, plus the loop and a way back to 0 from 5
    g = Graph.from_scipy(scipy_sparse.csr_array(np.triu(a) + np.eye(6, k=-5)), directed=True)
    a = dense(g)
    indptr, nodes = random_walks(g, 4000, 8, p=0.5, q=3.0, seed=2)
    counts = transition_counts(indptr, nodes, 2)
    exact = lambda k: node2vec_probs(a, k[0], k[1], 0.5, 3.0)  # noqa: E731
    assert pooled_chisquare(counts, exact, min_dof=5) > 1e-4


def test_same_seed_same_walks_on_any_thread_count():
    g = weighted_graph()
    one = random_walks(g, 50, 20, p=0.5, q=2.0, seed=9, workers=1)
    two = random_walks(g, 50, 20, p=0.5, q=2.0, seed=9, workers=2)
    other = random_walks(g, 50, 20, p=0.5, q=2.0, seed=10, workers=1)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])
    assert not np.array_equal(one[1], other[1])


def test_walks_stop_at_dangling_and_isolated_nodes():
    # 0 -> 1 -> 2 (2 has no out-edges), 3 isolated
    m = scipy_sparse.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(4, 4))
    g = Graph.from_scipy(m, directed=True)
    indptr, nodes = random_walks(g, 2, 10, seed=0)
    walks = [nodes[indptr[k] : indptr[k + 1]].tolist() for k in range(len(indptr) - 1)]
    assert sorted(walks) == sorted([[0, 1, 2], [1, 2], [2], [3]] * 2)
    assert indptr.dtype == np.int64 and nodes.dtype == np.int32


def test_walk_layout():
    g = weighted_graph()
    indptr, nodes = random_walks(g, 4, 7, seed=1)
    assert len(indptr) == 4 * g.n_nodes + 1 and indptr[-1] == len(nodes) == 4 * 6 * 7
    # every start node appears num_walks times
    starts = nodes[indptr[:-1]]
    assert np.bincount(starts).tolist() == [4] * 6
    # consecutive nodes are edges
    a = dense(g)
    for k in range(len(indptr) - 1):
        w = nodes[indptr[k] : indptr[k + 1]]
        assert (a[w[:-1], w[1:]] > 0).all()


def planted_partition(blocks, size, p_in, p_out, seed):
    rng = np.random.default_rng(seed)
    n = blocks * size
    label = np.repeat(np.arange(blocks), size)
    prob = np.where(label[:, None] == label[None, :], p_in, p_out)
    upper = np.triu(rng.random((n, n)) < prob, 1)
    return Graph.from_scipy(scipy_sparse.csr_array((upper | upper.T).astype(float))), label


@pytest.mark.parametrize("p_out,mostly_inside", [(0.01, True), (0.2, False)])
def test_planted_partition_walks_stay_in_their_block(p_out, mostly_inside):
    g, label = planted_partition(4, 50, 0.2, p_out, seed=11)
    indptr, nodes = random_walks(g, 5, 40, p=1.0, q=2.0, seed=4)
    starts = np.zeros(len(nodes), bool)
    starts[indptr[:-1]] = True  # a step goes from nodes[i - 1] to nodes[i] unless i starts a walk
    step = np.flatnonzero(~starts)
    inside = (label[nodes[step - 1]] == label[nodes[step]]).mean()
    # expected about 10 / (10 + 1.5) = 0.87 with p_out = 0.01; 1/4 with p_out = p_in
    assert (inside > 0.8) == mostly_inside
    # the walks are an integer corpus as they are
    vocab = build_int_vocab((indptr, nodes), min_count=1)
    assert len(vocab) == g.n_nodes
    assert sum(len(ids) for ids, _ in int_chunks((indptr, nodes), vocab, 1000)) == len(nodes)


def test_from_scipy_checks():
    with pytest.raises(ValueError, match="empty"):
        Graph.from_scipy(scipy_sparse.csr_array((0, 0)))
    with pytest.raises(ValueError, match="no edges"):
        Graph.from_scipy(scipy_sparse.csr_array((3, 3)))
    with pytest.raises(ValueError, match="square"):
        Graph.from_scipy(scipy_sparse.csr_array(np.ones((2, 3))))
    with pytest.raises(ValueError, match="not symmetric"):
        Graph.from_scipy(scipy_sparse.csr_array(np.triu(np.ones((3, 3)), 1)))
    for bad in (0.0, -1.0, np.nan, np.inf):
        m = scipy_sparse.csr_array(np.array([[0, 1.0], [1.0, 0]]))
        m.data[0] = bad  # an explicit zero is an edge of weight 0, not a missing edge
        with pytest.raises(ValueError, match=r"positive finite number .* at edge \(0, 1\)"):
            Graph.from_scipy(m, directed=True)
    with pytest.raises(TypeError, match="SciPy sparse"):
        Graph.from_scipy(np.ones((2, 2)))


def test_walk_parameter_checks():
    g = weighted_graph()
    for kwargs, match in [
        ({"p": 0}, "p must be > 0"),
        ({"q": -1.0}, "q must be > 0"),
        ({"num_walks": 0}, "num_walks must be > 0"),
        ({"walk_length": 2.5}, "walk_length must be an int"),
        ({"workers": 0}, "workers must be > 0"),
        ({"method": "alias"}, "method must be"),
        ({"seed": -1}, "seed must be"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            random_walks(g, **kwargs)
    with pytest.raises(TypeError, match="must be a fastw2v.graph.Graph"):
        random_walks(scipy_sparse.csr_array(np.ones((2, 2))))


def test_load_edgelist_names_weights_and_comments(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# a comment\n% another\nalice bob 2.0\nbob carol 1\n\ncarol alice 0.5\n")
    g = load_edgelist(f)
    assert g.node_ids.tolist() == ["alice", "bob", "carol"] and g.weighted
    np.testing.assert_array_equal(dense(g), [[0, 2, 0.5], [2, 0, 1], [0.5, 1, 0]])
    f.write_text("10 20\n20 30\n30 10\n10 20\n")  # a repeated edge stays one edge
    g = load_edgelist(f, directed=True)
    assert g.node_ids.tolist() == [10, 20, 30] and not g.weighted and g.n_edges == 3
    f.write_text("1,2,3.0\n2,3,3.0\n")
    g = load_edgelist(f, delimiter=",", weighted=False)
    assert not g.weighted and g.n_edges == 4


def test_repeated_edge_keeps_its_last_weight(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("1 2 5.0\n2 3 1.0\n2 1 0.5\n")
    np.testing.assert_array_equal(dense(load_edgelist(f))[:2, :2], [[0, 0.5], [0.5, 0]])


@pytest.mark.parametrize(
    "text,match",
    [
        ("1 2 1.0\n2 3\n", "at row 2"),  # a missing weight column
        ("1 2 1.0\n2 3 0\n", "weight column has a weight that is not a positive"),
        ("1 2 1.0\n2 3 -2\n", "positive finite"),
        ("1 2 x\n", "could not convert"),
        ("# only comments\n\n", "no edges"),
        ("1\n", "weighted"),
    ],
)
def test_bad_edgelists_name_the_file(tmp_path, text, match):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    kwargs = {"weighted": True} if text == "1\n" else {}
    with pytest.raises(ValueError, match=match) as info:
        load_edgelist(f, **kwargs)
    assert "bad.txt" in str(info.value)


def test_missing_edgelist_is_named(tmp_path):
    with pytest.raises(ValueError, match="cannot read the edge list"):
        load_edgelist(tmp_path / "nope.txt")
