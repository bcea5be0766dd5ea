"""The trainer's explicit options: what distributed training passes instead of swapping
the model's parameters; the producer thread's priority."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from fastw2v import Word2Vec, trainer
from fastw2v.seeds import chunk_seed, rank_seed, shard_seed
from fastw2v.trainer import TrainOptions

CORPUS = [[f"w{(i * 7 + j) % 23}" for j in range(12)] for i in range(60)]
PARAMS = dict(vector_size=8, min_count=1, epochs=2, workers=1, seed=5, progress=False)


def _trained(**options) -> Word2Vec:
    model = Word2Vec(**PARAMS)
    model.build_vocab(CORPUS)
    opts = model.train_options(**options) if options else None
    model.train(CORPUS, options=opts)
    return model


def test_default_options_train_exactly_as_train() -> None:
    assert _trained(progress=False).w_in.tobytes() == _trained().w_in.tobytes()


def test_the_options_seed_and_chunk_size_are_used() -> None:
    base = _trained().w_in.tobytes()
    assert _trained(seed=6).w_in.tobytes() != base
    assert _trained(batch_words=50).w_in.tobytes() != base  # other chunks, other seeds


def test_rank_zero_keeps_the_users_seed() -> None:
    assert rank_seed(5, 0) == 5 and rank_seed(5, 1) != 5
    assert _trained(seed=rank_seed(5, 0)).w_in.tobytes() == _trained().w_in.tobytes()


def test_seeds_differ_between_chunks_epochs_and_shards() -> None:
    seeds = {chunk_seed(1, e, c) for e in range(3) for c in range(3)}
    assert len(seeds) == 9
    assert len({shard_seed(seeds.pop(), k) for k in range(8)}) == 8
    assert all(0 <= shard_seed(2**64 - 1, k) < 2**64 for k in range(4))


def test_an_unknown_option_is_refused() -> None:
    model = Word2Vec(**PARAMS)
    model.build_vocab(CORPUS)
    with pytest.raises(TypeError, match="unknown training option 'sed'"):
        model.train_options(sed=3)
    assert isinstance(model.train_options(), TrainOptions)


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness: Linux")
def test_the_producer_thread_runs_nicer_than_the_kernel_threads():
    before = _niceness()
    got = {}
    for nicer in (True, False):  # False: a user's iterable, which may start threads
        prefetch = trainer._Prefetch(iter(_niceness, None), nicer=nicer)  # read in the thread
        try:
            got[nicer] = next(iter(prefetch))
        finally:
            prefetch.close()
    assert got == {True: min(19, before + trainer.PRODUCER_NICENESS), False: before}
    assert _niceness() == before  # the training thread keeps its priority
