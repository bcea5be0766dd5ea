"""The C kernel against the NumPy reference (tests/reference.py), and the reference's
gradients against finite differences."""

from __future__ import annotations

import heapq
import zlib

import numpy as np
import pytest
import reference as ref
from fastw2v._train import KernelTables

V, DIM = 20, 8


def tree_tables(counts):
    """A Huffman tree over counts in the kernel's layout (codes, points, offsets).

    Built independently of fastw2v.vocab so that the kernel tests stand on their own.
    """
    n = len(counts)
    heap = [(c, i, i) for i, c in enumerate(counts)]  # (weight, tie, node); leaves 0..n-1
    heapq.heapify(heap)
    parent, bit = {}, {}
    nxt = n
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        parent[a], bit[a] = nxt, 0
        parent[b], bit[b] = nxt, 1
        heapq.heappush(heap, (c1 + c2, nxt, nxt))
        nxt += 1
    codes, points, offsets = [], [], [0]
    for w in range(n):
        path, node = [], w
        while node in parent:
            path.append((parent[node] - n, bit[node]))
            node = parent[node]
        path.reverse()
        codes += [b for _, b in path]
        points += [p for p, _ in path]
        offsets.append(len(codes))
    return (np.array(codes, np.uint8), np.array(points, np.int32), np.array(offsets, np.int64))


def make_problem(
    rng, *, sg=1, negative=3, hs=0, batched=0, cbow_mean=1, window=3, dim=DIM, lockf=None, **options
):
    w_in = ((rng.random((V, dim)) - 0.5) / 2).astype(np.float32)
    w_ns = ((rng.random((V, dim)) - 0.5) / 2).astype(np.float32)
    w_hs = ((rng.random((V - 1, dim)) - 0.5) / 2).astype(np.float32)
    counts = rng.integers(1, 100, V)
    codes, points, offsets = tree_tables(counts)
    prob = np.ones(V, np.float32)
    alias = np.arange(V, dtype=np.int32)
    tables = KernelTables(
        w_in,
        w_ns,
        w_hs,
        None,
        prob,
        alias,
        codes,
        points,
        offsets,
        sg=sg,
        cbow_mean=cbow_mean,
        window=window,
        negative=negative,
        hs=hs,
        batched=batched,
        compute_loss=1,
        alpha=0.025,
        min_alpha=0.0001,
        total_words=options.pop("total_words", 1),
        lockf=lockf,
        **options,
    )
    ref_w = {
        "in": w_in.astype(np.float64),
        "ns": w_ns.astype(np.float64),
        "hs": w_hs.astype(np.float64),
    }
    if lockf is not None:
        ref_w["lockf"] = lockf.astype(np.float64)
    return tables, (w_in, w_ns, w_hs), ref_w, (codes, points, offsets)


def assert_close(c_weights, ref_w, tol=2e-5):
    w_in, w_ns, w_hs = c_weights
    np.testing.assert_allclose(w_in, ref_w["in"], atol=tol, rtol=tol)
    np.testing.assert_allclose(w_ns, ref_w["ns"], atol=tol, rtol=tol)
    np.testing.assert_allclose(w_hs, ref_w["hs"], atol=tol, rtol=tol)


LAYERS = [(3, 0), (0, 1), (2, 1)]  # (negative, hs): NS, HS, both together as in word2vec.c
LAYER_IDS = ["ns", "hs", "ns+hs"]


@pytest.mark.parametrize("kind", ["sg_pair", "sg_batch", "cbow_mean", "cbow_sum"])
@pytest.mark.parametrize(("negative", "hs"), LAYERS, ids=LAYER_IDS)
@pytest.mark.parametrize("steps", [1, 200])
# 8: one vector; 37 = 32 + 4 + 1 and 100 = 64 + 32 + 4: every block width and tail of the
# register-tiled loops
@pytest.mark.parametrize("dim", [DIM, 37, 100])
def test_kernel_matches_reference(kind, negative, hs, steps, dim):
    # crc32, not hash(): str hashes change from run to run, and a failure must reproduce
    rng = np.random.default_rng(zlib.crc32(repr((kind, negative, hs, steps, dim)).encode()))
    mean = kind != "cbow_sum"
    tables, cw, rw, tree = make_problem(
        rng,
        sg=kind.startswith("sg"),
        negative=negative,
        hs=hs,
        batched=kind == "sg_batch",
        cbow_mean=mean,
        dim=dim,
    )
    hs_tables = tree if hs else None
    initial = rw["in"].copy()
    alpha = 0.1  # large, so that disagreements compound over many steps
    total_c = total_r = 0.0
    for _ in range(steps):
        n_ctx = int(rng.integers(1, 7))
        ctx = rng.integers(0, V, n_ctx).astype(np.int32)
        centre = int(rng.integers(0, V))
        negs = rng.integers(0, V, (n_ctx, max(negative, 0))).astype(np.int32)
        negs[:, :1] = (
            centre if negative else negs[:, :1]
        )  # exercise "noise word == centre is skipped"
        api_kind = "cbow" if kind.startswith("cbow") else kind
        loss_c, _ = tables.example(api_kind, ctx, centre, np.ascontiguousarray(negs), alpha)
        if kind == "sg_pair":
            loss_r = sum(
                ref.sg_pair(rw, int(c), centre, negs[m], alpha, hs_tables, negative > 0)
                for m, c in enumerate(ctx)
            )
        elif kind == "sg_batch":
            loss_r = ref.sg_batch(rw, ctx, centre, negs[0], alpha, hs_tables, negative > 0)
        else:
            loss_r = ref.cbow(rw, ctx, centre, negs[0], alpha, mean, hs_tables, negative > 0)
        total_c += loss_c
        total_r += loss_r
    tol = 2e-5 if steps == 1 else 5e-4
    assert_close(cw, rw, tol)
    assert total_c == pytest.approx(total_r, rel=1e-4)
    # the step changed something: the test could fail
    assert not np.allclose(rw["in"], initial)


def test_noise_equal_to_centre_is_skipped():
    rng = np.random.default_rng(5)
    tables, (w_in, w_ns, _), _, _ = make_problem(rng, negative=2)
    before = w_ns.copy()
    centre = 4
    _, terms = tables.example(
        "sg_pair", np.array([1], np.int32), centre, np.array([[centre, centre]], np.int32), 0.1
    )
    assert terms == 1  # only the positive term
    changed = np.flatnonzero(np.any(w_ns != before, axis=1))
    assert changed.tolist() == [centre]


def test_sg_batch_with_one_context_equals_pair():
    """With distinct noise words and one context word, batched and pair steps are identical."""
    rng = np.random.default_rng(11)
    t1, w1, _, _ = make_problem(rng, negative=3, batched=1)
    rng = np.random.default_rng(11)
    t2, w2, _, _ = make_problem(rng, negative=3)
    negs = np.array([[7, 8, 9]], np.int32)
    t1.example("sg_batch", np.array([2], np.int32), 5, negs, 0.05)
    t2.example("sg_pair", np.array([2], np.int32), 5, negs, 0.05)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, atol=1e-7)


@pytest.mark.parametrize("kind", ["sg_pair", "sg_batch", "cbow"])
@pytest.mark.parametrize("dim", [DIM, 100])
def test_a_noise_word_drawn_twice_gets_both_updates(kind, dim):
    """Frequent noise words are often drawn twice for one example: the row must move by the
    sum of both gradients (as word2vec.c's sequential loop does), not by one of them. A
    kernel that updates two output rows at once in registers would lose one update here."""
    rng = np.random.default_rng(3)
    tables, cw, rw, _ = make_problem(rng, negative=6, batched=kind == "sg_batch", dim=dim)
    ctx = np.array([1, 2, 3], np.int32)
    negs = np.array([[9, 7, 7, 9, 9, 7]] * len(ctx), np.int32)  # pairs of equal rows
    tables.example(kind, ctx, 4, negs, 0.2)
    if kind == "sg_pair":
        for m, c in enumerate(ctx):
            ref.sg_pair(rw, int(c), 4, negs[m], 0.2)
    elif kind == "sg_batch":
        ref.sg_batch(rw, ctx, 4, negs[0], 0.2)
    else:
        ref.cbow(rw, ctx, 4, negs[0], 0.2)
    assert_close(cw, rw)


@pytest.mark.parametrize("labels", [[1, 0, 0, 0], [1, 1, 0, 1, 0]])
def test_reference_gradient_matches_finite_differences(labels):
    rng = np.random.default_rng(len(labels))
    labels = np.array(labels, float)
    h = rng.normal(size=DIM)
    outs = rng.normal(size=(len(labels), DIM))
    gh, gout = ref.example_grad(h, outs, labels)
    eps = 1e-6
    for i in range(DIM):
        d = np.zeros(DIM)
        d[i] = eps
        num = (ref.example_loss(h + d, outs, labels) - ref.example_loss(h - d, outs, labels)) / (
            2 * eps
        )
        assert num == pytest.approx(gh[i], abs=1e-6)
    for j in range(len(labels)):
        for i in range(DIM):
            o2 = outs.copy()
            o2[j, i] += eps
            o3 = outs.copy()
            o3[j, i] -= eps
            num = (ref.example_loss(h, o2, labels) - ref.example_loss(h, o3, labels)) / (2 * eps)
            assert num == pytest.approx(gout[j, i], abs=1e-6)


def test_reference_step_is_gradient_step():
    """The reference's update moves each row by -alpha * gradient (taken before the move)."""
    rng = np.random.default_rng(3)
    w = {
        "in": rng.normal(size=(V, DIM)),
        "ns": rng.normal(size=(V, DIM)),
        "hs": np.zeros((V - 1, DIM)),
    }
    ctx, centre, negs = 1, 2, np.array([3, 4])
    h, outs = w["in"][ctx].copy(), w["ns"][[2, 3, 4]].copy()
    gh, gout = ref.example_grad(h, outs, np.array([1.0, 0.0, 0.0]))
    alpha = 1e-3
    ref.sg_batch(w, [ctx], centre, negs, alpha)
    np.testing.assert_allclose(w["in"][ctx], h - alpha * gh, atol=1e-12)
    np.testing.assert_allclose(w["ns"][[2, 3, 4]], outs - alpha * gout, atol=1e-12)


def test_cbow_sum_context_gradient_matches_finite_differences():
    """In sum mode every context row's gradient equals the hidden layer's."""
    rng = np.random.default_rng(8)
    rows = rng.normal(size=(3, DIM))
    outs = rng.normal(size=(4, DIM))
    labels = np.array([1.0, 0.0, 0.0, 0.0])
    gh, _ = ref.example_grad(rows.sum(0), outs, labels)
    eps = 1e-6
    for i in range(DIM):
        r2 = rows.copy()
        r2[1, i] += eps
        r3 = rows.copy()
        r3[1, i] -= eps
        num = (
            ref.example_loss(r2.sum(0), outs, labels) - ref.example_loss(r3.sum(0), outs, labels)
        ) / (2 * eps)
        assert num == pytest.approx(gh[i], abs=1e-6)


def test_window_blocks_match_the_kernel():
    from fastw2v import _train

    assert _train.BATCH_CONTEXTS == ref.BATCH_CONTEXTS
    assert ref.window_blocks(10) == [(0, 10)]  # the default window: one block, as before
    assert ref.window_blocks(11) == [(0, 5), (5, 11)]
    assert ref.window_blocks(200)[-1] == (190, 200) and len(ref.window_blocks(200)) == 20


@pytest.mark.parametrize(("negative", "hs"), LAYERS, ids=LAYER_IDS)
@pytest.mark.parametrize("steps", [1, 100])
def test_wide_batched_window_matches_reference_in_blocks(negative, hs, steps):
    """A window of more than BATCH_CONTEXTS contexts is stepped on block by block, each
    block against its own noise words."""
    rng = np.random.default_rng(zlib.crc32(repr(("wide", negative, hs, steps)).encode()))
    window = 16
    tables, cw, rw, tree = make_problem(rng, negative=negative, hs=hs, batched=1, window=window)
    hs_tables = tree if hs else None
    initial = rw["in"].copy()
    total_c = total_r = 0.0
    for step in range(steps):
        n_ctx = 2 * window if step == 0 else int(rng.integers(1, 2 * window + 1))
        ctx = rng.integers(0, V, n_ctx).astype(np.int32)
        centre = int(rng.integers(0, V))
        blocks = len(ref.window_blocks(n_ctx))
        negs = rng.integers(0, V, (blocks, max(negative, 0))).astype(np.int32)
        loss_c, _ = tables.example("sg_batch", ctx, centre, negs, 0.05)
        total_c += loss_c
        total_r += ref.sg_window(rw, ctx, centre, negs, 0.05, hs_tables, negative > 0)
    assert_close(cw, rw, 2e-5 if steps == 1 else 5e-4)
    assert total_c == pytest.approx(total_r, rel=1e-4)
    assert not np.allclose(rw["in"], initial)


def test_wide_batched_window_needs_a_noise_row_per_block():
    tables, *_ = make_problem(np.random.default_rng(0), batched=1, window=8)
    ctx = np.arange(12, dtype=np.int32)  # two blocks
    with pytest.raises(ValueError, match="wrong shape"):
        tables.example("sg_batch", ctx, 13, np.zeros((1, 3), np.int32), 0.05)


def test_train_chunk_rejects_bad_ids():
    tables, *_ = make_problem(np.random.default_rng(0))
    with pytest.raises(ValueError, match="out of range"):
        tables.train_chunk(np.array([1, V], np.int32), np.array([0, 2], np.int64), 0, 1, 1)
    with pytest.raises(ValueError, match="offsets"):
        tables.train_chunk(np.array([1, 2], np.int32), np.array([0, 3], np.int64), 0, 1, 1)


def test_divergence_is_reported():
    rng = np.random.default_rng(0)
    tables, (w_in, *_), _, _ = make_problem(rng)
    w_in[3] = np.nan
    tokens = np.array([3, 4, 5, 3, 4], np.int32)
    with pytest.raises(FloatingPointError):
        tables.train_chunk(tokens, np.array([0, 5], np.int64), 0, 1, 1)


def test_train_chunk_is_deterministic_with_one_thread():
    outs = []
    for _ in range(2):
        rng = np.random.default_rng(1)
        tables, cw, _, _ = make_problem(rng, negative=3, hs=1, batched=1)
        tokens = rng.integers(0, V, 500).astype(np.int32)
        offsets = np.array([0, 100, 250, 500], np.int64)
        stats = tables.train_chunk(tokens, offsets, 0, 42, 1)
        outs.append((stats, [a.tobytes() for a in cw]))
    assert outs[0] == outs[1]
    assert outs[0][0][2] == 500  # words counted


def make_stop_problem(kind, dim=32):
    """A chunk of a few hundred thousand words that trains for a good fraction of a second,
    with subsampling on (its draws must be replayed too)."""
    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    sg, batched = kind != "cbow", kind == "sg_batch"
    tables, cw, _, _ = make_problem(
        rng, sg=sg, negative=4, hs=1, batched=batched, window=8, dim=dim
    )
    keep = rng.uniform(0.5, 1.0, V).astype(np.float32)
    w_in, w_ns, w_hs = cw
    codes, points, offsets = tree_tables(rng.integers(1, 100, V))
    tables = KernelTables(
        w_in,
        w_ns,
        w_hs,
        keep,
        np.ones(V, np.float32),
        np.arange(V, dtype=np.int32),
        codes,
        points,
        offsets,
        sg=sg,
        cbow_mean=1,
        window=8,
        negative=4,
        hs=1,
        batched=batched,
        compute_loss=1,
        alpha=0.025,
        min_alpha=0.0001,
        total_words=10**6,
    )
    tokens = rng.integers(0, V, 400_000).astype(np.int32)
    offsets = np.concatenate((np.arange(0, 400_000, 1000), [400_000])).astype(np.int64)
    return tables, cw, tokens, offsets


def stop_after(flag, seconds):
    import threading

    timer = threading.Timer(seconds, lambda: flag.__setitem__(0, 1))
    timer.start()
    return timer


@pytest.mark.parametrize("kind", ["sg_batch", "sg_pair", "cbow"])
def test_stop_mid_chunk_then_resume_is_bit_identical(kind):
    """Wherever the stop flag catches the kernel, the (sentence, position) it returns lets a
    second call finish the chunk exactly as one uninterrupted call (one thread)."""
    tables, cw, tokens, offsets = make_stop_problem(kind)
    initial = [a.copy() for a in cw]
    straight = tables.train_chunk(tokens, offsets, 1000, 9, 1)
    expected = [a.copy() for a in cw]
    assert straight[5] is None
    for delay in (0.05, 0.01, 0.002):
        for a, b in zip(cw, initial):
            a[...] = b
        flag = np.zeros(1, np.int32)
        stop_after(flag, delay)
        first = tables.train_chunk(tokens, offsets, 1000, 9, 1, stop=flag)
        if first[5] is not None:
            break
    else:
        pytest.skip("the chunk always finished before the stop (machine too fast)")
    at = first[5]
    assert at.shape == (4, 2) and first[2] < straight[2]
    rest = tables.train_chunk(tokens, offsets, 1000, 9, 1, resume_at=at)
    assert rest[5] is None
    for a, b in zip(cw, expected):
        assert a.tobytes() == b.tobytes()
    # tallies: each sentence counted once, by the call that finished it
    for i in (1, 2, 3, 4):
        assert first[i] + rest[i] == straight[i]
    assert first[0] + rest[0] == pytest.approx(straight[0], rel=1e-9)


def test_stop_and_resume_on_two_threads_count_every_sentence_once():
    tables, cw, tokens, offsets = make_stop_problem("sg_batch")
    flag = np.zeros(1, np.int32)
    stop_after(flag, 0.01)
    first = tables.train_chunk(tokens, offsets, 0, 5, 2, stop=flag)
    if first[5] is None:
        pytest.skip("the chunk finished before the stop (machine too fast)")
    assert first[5].shape == (8, 2)
    rest = tables.train_chunk(tokens, offsets, 0, 5, 1, resume_at=first[5])  # one thread now
    assert first[2] + rest[2] == len(tokens)
    assert all(np.isfinite(a).all() for a in cw)


def test_raised_stop_flag_trains_nothing():
    tables, cw, tokens, offsets = make_stop_problem("sg_batch", dim=8)
    before = [a.copy() for a in cw]
    out = tables.train_chunk(tokens, offsets, 0, 3, 1, stop=np.ones(1, np.int32))
    assert out[1:5] == (0, 0, 0, 0)
    starts = np.searchsorted(offsets, np.linspace(0, len(tokens), 5)[:-1])
    np.testing.assert_array_equal(out[5], np.stack([starts, np.zeros(4, int)], axis=1))
    assert all(a.tobytes() == b.tobytes() for a, b in zip(cw, before))


def test_resume_positions_are_checked():
    tables, _, tokens, offsets = make_stop_problem("cbow", dim=8)
    good = np.array([[0, 0], [100, 0], [200, 0], [300, 0]])
    for bad, match in [
        (good[:, :1], "shape"),
        (np.array([[0, 0], [99, 0], [200, 0], [300, 0]]), "outside shard 1"),
        (np.array([[0, 1001], [100, 0], [200, 0], [300, 0]]), "past the end"),
        (np.array([[100, 1], [100, 0], [200, 0], [300, 0]]), "past the end"),
    ]:
        with pytest.raises(ValueError, match=match):
            tables.train_chunk(tokens, offsets, 0, 3, 1, resume_at=bad)
    with pytest.raises(ValueError, match="stop"):
        tables.train_chunk(tokens, offsets, 0, 3, 1, stop=np.zeros(0, np.int32))


def make_softmax_problem(rng, sg):
    w_in = ((rng.random((V, DIM)) - 0.5) / 2).astype(np.float32)
    w_sm = ((rng.random((V, DIM)) - 0.5) / 2).astype(np.float32)
    tables = KernelTables(
        w_in,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        sg=sg,
        cbow_mean=1,
        window=3,
        negative=0,
        hs=0,
        batched=0,
        compute_loss=1,
        alpha=0.025,
        min_alpha=0.0001,
        total_words=1,
        w_out_sm=w_sm,
    )
    return tables, (w_in, w_sm), {"in": w_in.astype(np.float64), "sm": w_sm.astype(np.float64)}


@pytest.mark.parametrize("kind", ["sg_pair", "cbow"])
@pytest.mark.parametrize("steps", [1, 100])
def test_full_softmax_matches_reference(kind, steps):
    rng = np.random.default_rng(steps)
    tables, (w_in, w_sm), rw = make_softmax_problem(rng, sg=kind == "sg_pair")
    no_negs = np.zeros((6, 0), np.int32)
    total_c = total_r = 0.0
    for _ in range(steps):
        n_ctx = int(rng.integers(1, 7))
        ctx = rng.integers(0, V, n_ctx).astype(np.int32)
        centre = int(rng.integers(0, V))
        total_c += tables.example(kind, ctx, centre, no_negs, 0.1)[0]
        if kind == "sg_pair":
            total_r += sum(
                ref.sg_pair(rw, int(c), centre, [], 0.1, negative=False, softmax=True) for c in ctx
            )
        else:
            total_r += ref.cbow(rw, ctx, centre, [], 0.1, negative=False, softmax=True)
    np.testing.assert_allclose(w_in, rw["in"], atol=5e-4 if steps > 1 else 2e-5)
    np.testing.assert_allclose(w_sm, rw["sm"], atol=5e-4 if steps > 1 else 2e-5)
    assert total_c == pytest.approx(total_r, rel=1e-4)


def test_full_softmax_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    h, W, centre = rng.normal(size=DIM), rng.normal(size=(V, DIM)), 4
    gh, gW = ref.softmax_grad(h, W, centre)
    eps = 1e-6
    for i in range(DIM):
        d = np.zeros(DIM)
        d[i] = eps
        num = (ref.softmax_loss(h + d, W, centre) - ref.softmax_loss(h - d, W, centre)) / (2 * eps)
        assert num == pytest.approx(gh[i], abs=1e-6)
    for j in (0, centre, V - 1):
        for i in range(DIM):
            W2, W3 = W.copy(), W.copy()
            W2[j, i] += eps
            W3[j, i] -= eps
            num = (ref.softmax_loss(h, W2, centre) - ref.softmax_loss(h, W3, centre)) / (2 * eps)
            assert num == pytest.approx(gW[j, i], abs=1e-6)


def test_full_softmax_step_lowers_the_loss():
    rng = np.random.default_rng(9)
    w = {"in": rng.normal(size=(V, DIM)), "sm": rng.normal(size=(V, DIM))}
    before = ref.softmax_loss(w["in"][3], w["sm"], 5)
    ref.sg_pair(w, 3, 5, [], 0.05, negative=False, softmax=True)
    assert ref.softmax_loss(w["in"][3], w["sm"], 5) < before


@pytest.mark.parametrize("scale", [8.0, 40.0])
@pytest.mark.parametrize("kind", ["sg_batch", "cbow"])
def test_saturated_sigmoid_matches_reference(kind, scale):
    """Large weights push |f| to tens: the polynomial exp must stay exact where libm's would."""
    rng = np.random.default_rng(int(scale))
    tables, cw, rw, tree = make_problem(
        rng, sg=kind == "sg_batch", negative=3, hs=1, batched=kind == "sg_batch"
    )
    for a in cw:
        a *= scale
    for k in rw:
        rw[k] *= scale
    ctx = np.array([1, 2, 3], np.int32)
    negs = np.array([[4, 5, 6]], np.int32)
    loss_c, _ = tables.example(kind, ctx, 7, negs, 0.05)
    if kind == "sg_batch":
        loss_r = ref.sg_batch(rw, ctx, 7, negs[0], 0.05, tree, True)
    else:
        loss_r = ref.cbow(rw, ctx, 7, negs[0], 0.05, True, tree, True)
    assert loss_c == pytest.approx(loss_r, rel=1e-5)
    assert_close(cw, rw, tol=1e-4 * scale)


@pytest.mark.parametrize("sg", [0, 1])
@pytest.mark.parametrize("hot_rows", [3, V - 1])
@pytest.mark.parametrize("negative, batched", [(2, 1), (0, 1), (0, 0)])
def test_private_hot_rows_lose_no_update(sg, hot_rows, negative, batched):
    """Hot tree nodes updated in a private copy and merged (several times per shard, and at
    each shard's end) give the weights of updating them in place, up to the rounding of
    the merges: nothing is lost or applied twice, whatever the shard or the kernel."""
    hs = 1
    outs = []
    for rows in (0, hot_rows):
        rng = np.random.default_rng(3)
        tables, cw, _, _ = make_problem(rng, sg=sg, negative=negative, hs=hs, batched=batched)
        tokens = rng.integers(0, V, 6000).astype(np.int32)
        offsets = np.array([0, 1500, 2600, 4000, 6000], np.int64)
        before = [a.copy() for a in cw]
        tables.train_chunk(tokens, offsets, 0, 42, 1, rows)
        outs.append(cw)
    used = [True, negative > 0, hs > 0]  # w_in, w_out_ns, w_out_hs
    for plain, hot, start, moves in zip(outs[0], outs[1], before, used):
        assert np.array_equal(plain, start) != moves  # the rows in use did move
        np.testing.assert_allclose(hot, plain, rtol=1e-4, atol=1e-6)


# ------------------------------------------------------------------ lock factors


def _lock_factors(rng):
    """Locked (0), half-locked, free and arbitrary rows, mixed."""
    lockf = rng.choice(np.array([0.0, 0.5, 1.0], np.float32), V)
    lockf[:3] = rng.random(3, dtype=np.float32)
    return lockf


def _one_example(tables, rw, rng, kind, negative, hs_tables, alpha):
    n_ctx = int(rng.integers(1, 7))
    ctx = rng.integers(0, V, n_ctx).astype(np.int32)
    centre = int(rng.integers(0, V))
    negs = rng.integers(0, V, (n_ctx, max(negative, 0))).astype(np.int32)
    tables.example(kind, ctx, centre, np.ascontiguousarray(negs), alpha)
    if kind == "sg_pair":
        for m, c in enumerate(ctx):
            ref.sg_pair(rw, int(c), centre, negs[m], alpha, hs_tables, negative > 0)
    elif kind == "sg_batch":
        ref.sg_batch(rw, ctx, centre, negs[0], alpha, hs_tables, negative > 0)
    else:
        ref.cbow(rw, ctx, centre, negs[0], alpha, True, hs_tables, negative > 0)


@pytest.mark.parametrize("kind", ["sg_pair", "sg_batch", "cbow"])
@pytest.mark.parametrize(("negative", "hs"), LAYERS, ids=LAYER_IDS)
@pytest.mark.parametrize("steps", [1, 100])
def test_lock_factors_match_reference(kind, negative, hs, steps):
    rng = np.random.default_rng(zlib.crc32(repr(("lockf", kind, negative, hs, steps)).encode()))
    lockf = _lock_factors(rng)
    tables, cw, rw, tree = make_problem(
        rng, sg=kind != "cbow", negative=negative, hs=hs, batched=kind == "sg_batch", lockf=lockf
    )
    before = cw[0].copy()
    for _ in range(steps):
        _one_example(tables, rw, rng, kind, negative, tree if hs else None, 0.1)
    assert_close(cw, rw, 2e-5 if steps == 1 else 5e-4)
    locked = lockf == 0
    assert np.array_equal(cw[0][locked].view(np.uint32), before[locked].view(np.uint32))
    if steps > 1:  # the free rows learned: the test could fail
        assert not np.allclose(cw[0][lockf == 1], before[lockf == 1])


@pytest.mark.parametrize("kind", ["sg_pair", "sg_batch", "cbow"])
def test_half_lock_halves_the_input_step_only(kind):
    steps = []
    for lockf in (None, np.full(V, 0.5, np.float32)):
        rng = np.random.default_rng(21)
        tables, cw, _, _ = make_problem(
            rng, sg=kind != "cbow", negative=3, batched=kind == "sg_batch", lockf=lockf
        )
        before = [w.copy() for w in cw]
        negs = np.array([[7, 8, 9]] * 3, np.int32)
        tables.example(kind, np.array([1, 2, 3], np.int32), 5, negs, 0.05)
        steps.append([w - b for w, b in zip(cw, before)])
    (free_in, free_ns, _), (half_in, half_ns, _) = steps
    assert np.abs(free_in).max() > 0
    # float32 rows of about 0.25 move by about 1e-2: the steps agree to their rounding
    np.testing.assert_allclose(half_in, 0.5 * free_in, rtol=1e-4, atol=3e-8)
    np.testing.assert_array_equal(half_ns, free_ns)  # output rows step from the old input rows


@pytest.mark.parametrize("threads", [1, 2])
def test_locked_rows_are_byte_identical_after_train_chunk(threads):
    rng = np.random.default_rng(8)
    lockf = np.ones(V, np.float32)
    lockf[::3] = 0.0
    tables, (w_in, *_), _, _ = make_problem(rng, negative=3, hs=1, batched=1, lockf=lockf)
    before = w_in.copy()
    tokens = rng.integers(0, V, 4000).astype(np.int32)
    offsets = np.arange(0, 4001, 40, dtype=np.int64)
    tables.train_chunk(tokens, offsets, 0, 3, threads)
    assert np.array_equal(w_in[::3].view(np.uint32), before[::3].view(np.uint32))
    assert not np.allclose(w_in[1::3], before[1::3])


@pytest.mark.parametrize("bad", [np.ones(V - 1, np.float32), np.full(V, np.nan, np.float32)])
def test_lock_factors_are_checked(bad):
    with pytest.raises(ValueError, match="lockf"):
        make_problem(np.random.default_rng(0), lockf=bad)


WINDOW_KINDS = ["sg_pair", "sg_batch", "cbow_mean", "cbow_sum"]


@pytest.mark.parametrize("kind", WINDOW_KINDS)
@pytest.mark.parametrize("mode", ["full_window", "whole_sequence"])
def test_window_options_match_reference(kind, mode):
    """shrink_windows=0 and whole_sequence=1 over whole sentences, against the reference.

    Hierarchical softmax alone and no subsampling: nothing is drawn at random, so the
    kernel's sentences, centre order, contexts and learning rates must all match."""
    rng = np.random.default_rng(zlib.crc32(repr((kind, mode)).encode()))
    lengths = [7, 1, 25, 12, 3]  # 25: a whole sequence of 24 contexts, 3 batched blocks
    tokens = rng.integers(0, V, sum(lengths)).astype(np.int32)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    whole = mode == "whole_sequence"
    tables, cw, rw, tree = make_problem(
        rng,
        sg=kind.startswith("sg"),
        negative=0,
        hs=1,
        batched=kind == "sg_batch",
        cbow_mean=kind != "cbow_sum",
        window=3,
        total_words=2 * len(tokens),
        shrink_windows=0 if mode == "full_window" else 1,  # whole_sequence ignores it
        whole_sequence=int(whole),
    )
    loss_c, _, words, *_ = tables.train_chunk(tokens, offsets, 0, 7, 1)
    assert words == len(tokens)
    loss_r, done = 0.0, 0
    for s in range(len(lengths)):
        alpha = 0.025 - (0.025 - 0.0001) * done / (2 * len(tokens))
        sentence = tokens[offsets[s] : offsets[s + 1]].tolist()
        loss_r += ref.train_sentence(rw, sentence, alpha, 3, kind, tree, whole=whole)
        done += lengths[s]
    assert_close(cw, rw, tol=1e-5)
    assert loss_c == pytest.approx(loss_r, rel=1e-4)


@pytest.mark.parametrize("kind", WINDOW_KINDS)
def test_whole_sequence_is_the_full_window_of_a_wide_enough_window(kind):
    """With negatives (random draws), a whole sequence trains exactly as shrink_windows=0 with
    a window as long as the longest sentence; the shrinking default trains otherwise."""
    results = []
    for options in (
        dict(window=30, shrink_windows=0),
        dict(window=2, whole_sequence=1),
        dict(window=30),
    ):
        rng = np.random.default_rng(5)
        tables, cw, _, _ = make_problem(
            rng, sg=kind.startswith("sg"), batched=kind == "sg_batch",
            cbow_mean=kind != "cbow_sum", **options,
        )  # fmt: skip
        tokens = rng.integers(0, V, 90).astype(np.int32)
        tables.train_chunk(tokens, np.array([0, 30, 31, 60, 90], np.int64), 0, 11, 1)
        results.append([a.tobytes() for a in cw])
    assert results[0] == results[1]
    assert results[0] != results[2]
