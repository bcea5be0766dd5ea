"""Counting a file corpus in C: the ranking done in C is the Python one, and the parallel
counter in any number of threads gives exactly the serial tokeniser's result (words,
counts, ids, ties, recording)."""

from __future__ import annotations

import random
import warnings
from collections import Counter

import numpy as np
import pytest

import fastw2v.counting as counting
from fastw2v import Word2Vec, _tokenize
from fastw2v.corpus import PathCorpus
from fastw2v.counting import count_corpus
from fastw2v.vocab import Vocab

# Tokens with multi-byte characters; separators including the Unicode spaces and the
# ASCII ones str.split() knows, and both line ends.
WORDS = ["a", "bb", "ccc", "dé", "été", "ünïcödé", "日本", "x" * 9, "y" * 17, "\u00e9t\u00e9s", "ǅ",
         "abcdefgh\x7fé", "ctl\x01\x1b!~", "abcdefghijklmnopé"]  # fmt: skip
SPACES = [" ", " ", " ", "\t", "\u3000", "\u00a0", "\u2009", "\x1c", "  "]
LINE_ENDS = ["\n", "\r\n", "\r", "\n\n"]


def _text(seed: int, tokens: int = 600) -> str:
    rng = random.Random(seed)
    vocab = WORDS + [f"w{i}" for i in range(rng.randint(5, 60))]
    out = []
    for _ in range(tokens):
        out.append(rng.choice(vocab))
        out.append(rng.choice(LINE_ENDS) if rng.random() < 0.05 else rng.choice(SPACES))
    return "".join(out)


def _quiet_count(corpus, chunk_words, max_bytes, threads):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return count_corpus(corpus, chunk_words, max_bytes, threads)


def _serial_count(corpus, chunk_words, max_bytes):
    """The serial tokeniser's count, the reference."""
    record = 0 < chunk_words <= 1 << 28
    limit = min(max_bytes, 1 << 32) if max_bytes is not None else 1 << 32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return counting._count_serial(corpus, chunk_words, record, limit)


def _assert_identical(corpus, chunk_words=0, max_bytes=None, threads=(1, 2, 3)):
    one, one_chunks = _serial_count(corpus, chunk_words, max_bytes)
    for t in threads:
        got, chunks = _quiet_count(corpus, chunk_words, max_bytes, t)
        np.testing.assert_array_equal(got.counts, one.counts)
        assert got.joined_by_id() == one.joined_by_id()  # same words, same ids
        assert (chunks is None) == (one_chunks is None)
        if chunks is not None:
            assert len(chunks) == len(one_chunks)
            for (ids, off), (ids1, off1) in zip(chunks, one_chunks):
                np.testing.assert_array_equal(ids, ids1)
                np.testing.assert_array_equal(off, off1)
    return one, one_chunks


@pytest.fixture
def small_batches(monkeypatch):
    """Parallel steps of a few hundred bytes: several cuts, tiny and empty ranges."""
    monkeypatch.setattr(counting, "PARALLEL_BATCH", 509)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("max_len", [1, 3, 10_000])
def test_threads_count_what_one_thread_counts(tmp_path, small_batches, seed, max_len):
    path = tmp_path / "c.txt"
    path.write_text(_text(seed), encoding="utf-8")
    corpus = PathCorpus(path, max_len, block_size=[7, 64, 1 << 18][seed % 3])
    counts, chunks = _assert_identical(corpus, chunk_words=[1, 5, 40, 100_000][seed])
    assert chunks  # the recording was compared, not skipped
    assert max(counts.counts) > 1 and len(set(counts.counts.tolist())) < len(counts)  # ties


def test_threads_on_a_directory_and_a_file_without_newline(tmp_path, small_batches):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(_text(10 + i).rstrip(), encoding="utf-8")
    (tmp_path / "3.txt").write_text("", encoding="utf-8")
    _assert_identical(PathCorpus(tmp_path, 4), chunk_words=9, threads=(2, 5))


def test_threads_with_a_big_batch_and_one_line(tmp_path):
    """text8's shape: one line, cut by max_sentence_length only."""
    rng = random.Random(3)
    path = tmp_path / "one.txt"
    path.write_text(" ".join(rng.choice(WORDS) for _ in range(5000)), encoding="utf-8")
    _assert_identical(PathCorpus(path, 100), chunk_words=333, threads=(2, 4))


def test_threads_give_up_recording_where_one_thread_does(tmp_path, small_batches):
    path = tmp_path / "c.txt"
    path.write_text(_text(5), encoding="utf-8")
    corpus = PathCorpus(path, 10)
    _, chunks = _serial_count(corpus, 8, None)
    total = sum(ids.nbytes + off.nbytes for ids, off in chunks)
    assert _assert_identical(corpus, 8, total)[1] is not None  # just fits: kept
    assert _assert_identical(corpus, 8, total - 1)[1] is None  # one byte short: dropped


def test_a_token_longer_than_the_cut_is_counted_serially(tmp_path, monkeypatch):
    """A token over 2^20 bytes may be cut at a block end by the serial rules: the parallel
    counter refuses it and the corpus is counted in one thread, with the serial result."""
    path = tmp_path / "long.txt"
    path.write_text("a b " + "z" * ((1 << 20) + 5) + " a\n", encoding="utf-8")
    corpus = PathCorpus(path, block_size=1 << 16)
    counter = _tokenize.ParallelCounter(2, False)
    assert counter.feed(path.read_bytes()[4:], False) == -1
    calls = []
    serial = counting._count_serial
    monkeypatch.setattr(counting, "_count_serial", lambda *a: calls.append(1) or serial(*a))
    counts, _ = _assert_identical(corpus, threads=(1, 2))
    assert len(calls) == 3 and counts["a"] == 2  # the reference, then each thread count


@pytest.mark.parametrize("min_count, max_size", [(1, None), (2, None), (1, 5), (3, 2)])
def test_ranking_in_c_is_the_stable_python_sort(tmp_path, min_count, max_size):
    path = tmp_path / "c.txt"
    path.write_text(_text(7, 2000), encoding="utf-8")
    corpus = PathCorpus(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = Counter(t for s in corpus for t in s)
        got = Vocab.build(corpus, min_count=min_count, max_size=max_size)
    want = Vocab.from_counts(expected, min_count=min_count, max_size=max_size)
    assert got.words == want.words
    np.testing.assert_array_equal(got.counts, want.counts)
    assert got.index == want.index and got.index[got.words[-1]] == len(got) - 1
    assert ("dé" in got) == ("dé" in want)


def test_build_vocab_with_workers_records_the_one_thread_corpus(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(_text(8, 3000), encoding="utf-8")
    models = []
    for workers in (1, 2):
        model = Word2Vec(vector_size=8, min_count=2, workers=workers, seed=3, batch_words=50,
                         progress=False)  # fmt: skip
        model.build_vocab(corpus_file=path)
        models.append(model)
    one, two = models
    assert one.vocab.words == two.vocab.words
    np.testing.assert_array_equal(one.vocab.counts, two.vocab.counts)
    for (ids1, off1), (ids2, off2) in zip(
        one._recording.chunks_for(one.vocab), two._recording.chunks_for(two.vocab), strict=True
    ):
        np.testing.assert_array_equal(ids1, ids2)
        np.testing.assert_array_equal(off1, off2)


def test_pruning_counts_in_one_thread(tmp_path):
    """max_vocab_size prunes by the order words come in: any thread count gives its result."""
    path = tmp_path / "c.txt"
    path.write_text(_text(9, 2000), encoding="utf-8")
    one = Vocab.build(PathCorpus(path), min_count=1, max_vocab_size=30)
    four = Vocab.build(PathCorpus(path), min_count=1, max_vocab_size=30, threads=4)
    assert one.words == four.words and one.counts.tolist() == four.counts.tolist()
    assert len(one) < len(Vocab.build(PathCorpus(path), min_count=1))  # it did prune
    with pytest.raises(ValueError, match="threads"):
        Vocab.build(PathCorpus(path), threads=0)
