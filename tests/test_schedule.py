"""The learning-rate schedule (fastw2v.schedule) and the initial range, in Python and in the
kernel: the C rate must be the Python one, and the word2vec.c settings must not move."""

from __future__ import annotations

import numpy as np
import pytest
from fastw2v._train import KernelTables

from fastw2v import Word2Vec
from fastw2v.config import ParameterError, TrainConfig
from fastw2v.schedule import Schedule
from fastw2v.weights import Weights

V, DIM = 40, 16


def test_linear_is_word2vec_c():
    s = Schedule(0.025, 0.0000025, 1000)
    for done in (0, 1, 499, 1000, 5000):
        assert s.rate(done) == 0.025 - (0.025 - 0.0000025) * min(1.0, done / 1000)


def test_restart_decays_within_each_epoch():
    cfg = TrainConfig(alpha=0.05, min_alpha=0.001, lr_schedule="restart")
    s = Schedule.of(cfg, 3000, 3)
    assert s.epoch_words == 1000
    assert s.rate(0) == s.rate(1000) == s.rate(2000) == 0.05
    assert s.rate(999) < 0.0011 and s.rate(1999) < 0.0011
    assert s.rate(3000) == pytest.approx(0.001)  # the end of the run stays at the floor
    assert Schedule.of(cfg, 3000, 1).epoch_words == 0  # one epoch: plain linear


def test_warmup_rises_from_the_floor_then_decays():
    cfg = TrainConfig(alpha=0.1, min_alpha=0.0, warmup=0.2)
    s = Schedule.of(cfg, 1000, 1)
    assert s.rate(0) == 0.0
    rates = [s.rate(d) for d in range(0, 1001, 10)]
    peak = int(np.argmax(rates)) * 10
    assert peak == 200 and rates[20] == pytest.approx(0.1 * 0.8)
    assert all(a <= b for a, b in zip(rates[:20], rates[1:21]))
    assert all(a >= b for a, b in zip(rates[20:], rates[21:]))


@pytest.mark.parametrize("bad", [{"warmup": -0.1}, {"warmup": 1.5}, {"lr_schedule": "cosine"},
                                 {"init_range": 0.0}])  # fmt: skip
def test_bad_values_are_refused(bad):
    with pytest.raises(ParameterError, match=next(iter(bad))):
        TrainConfig(**bad)


def _tables(w_in, w_out, **rate):
    prob = np.ones(V, np.float32)
    alias = np.arange(V, dtype=np.int32)
    return KernelTables(
        w_in, w_out, None, None, prob, alias, None, None, None, sg=1, cbow_mean=1, window=3,
        negative=3, hs=0, batched=0, compute_loss=0, **rate,
    )  # fmt: skip


@pytest.mark.parametrize(
    "rate",
    [
        dict(total_words=4000, epoch_words=0, warmup=0.3),
        dict(total_words=4000, epoch_words=1000, warmup=0.0),
        dict(total_words=4000, epoch_words=1000, warmup=0.6),
    ],
    ids=["warmup", "restart", "both"],
)
@pytest.mark.parametrize("done", [0, 700, 1300, 2500, 3999])
def test_kernel_rate_is_the_python_rate(rate, done):
    """One sentence trains at one rate: the schedule's at ``done`` must equal a constant
    rate set to Schedule.rate(done)."""
    rng = np.random.default_rng(done)
    w_in = ((rng.random((V, DIM)) - 0.5) / DIM).astype(np.float32)
    w_out = ((rng.random((V, DIM)) - 0.5) / DIM).astype(np.float32)
    tokens = rng.integers(0, V, 30).astype(np.int32)
    offsets = np.array([0, 30], np.int64)
    sched = Schedule(0.05, 0.001, **rate)
    r = sched.rate(done)
    a = [w_in.copy(), w_out.copy()]
    b = [w_in.copy(), w_out.copy()]
    _tables(*a, alpha=0.05, min_alpha=0.001, **rate).train_chunk(tokens, offsets, done, 7, 1)
    _tables(*b, alpha=r, min_alpha=r, total_words=4000).train_chunk(tokens, offsets, done, 7, 1)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6, atol=1e-9)
    assert not np.array_equal(a[0], w_in)  # it trained


def test_init_range_scales_word2vec_c_rows_exactly():
    half = Weights.initial(V, DIM, [], 3).w_in
    old = (np.random.default_rng(3).random((V, DIM), dtype=np.float32) - np.float32(0.5)) / (
        np.float32(DIM)
    )
    assert np.array_equal(half, old)  # 0.5 is word2vec.c's formula, to the bit
    one = Weights.initial(V, DIM, [], 3, init_range=1.0).w_in
    assert np.array_equal(one, 2 * half)
    assert np.abs(one).max() < 1.0 / DIM and np.abs(one).max() > 0.9 / DIM
    grown = Weights.fresh_rows(10, V, DIM, 3, 1.0)
    assert np.array_equal(grown, one[10:])


def test_restart_run_ends_every_epoch_at_the_floor(tmp_path):
    """Restarting the decay every epoch changes the vectors, and the epoch statistics
    report each epoch ending at the floor."""
    corpus = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in rng.zipf(1.5, 20000) % 300]
    corpus.write_text("\n".join(" ".join(words[i : i + 50]) for i in range(0, 20000, 50)))
    kw = dict(vector_size=16, min_count=1, workers=1, epochs=3, seed=2, alpha=0.05, progress=False)
    lin = Word2Vec(str(corpus), **kw)
    rst = Word2Vec(str(corpus), lr_schedule="restart", **kw)
    assert not np.array_equal(lin.wv.vectors, rst.wv.vectors)
    ends = [e.alpha_end for e in rst.last_result.epochs]
    assert all(a < 0.05 * 0.01 for a in ends), ends
    lin_ends = [e.alpha_end for e in lin.last_result.epochs]
    assert lin_ends[0] > 0.02 and lin_ends[1] > 0.01
