"""The corpus recorded while build_vocab counts it: the first epoch trains from it instead
of reading the files again, with exactly the result of reading them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import fastw2v.trainer as trainer_module
from fastw2v import Word2Vec, _tokenize
from fastw2v.corpus import PathCorpus
from fastw2v.encoding import count_and_record, count_words

PARAMS = dict(vector_size=8, min_count=2, workers=1, seed=7, batch_words=400, progress=False)


def _write_corpus(path: Path, seed: int = 0, lines: int = 300) -> Path:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(80)]
    p = 1.0 / np.arange(1, len(words) + 1)  # Zipf-like, so min_count drops some words
    text = [
        " ".join(rng.choice(words, size=rng.integers(1, 30), p=p / p.sum())) for _ in range(lines)
    ]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("train read the corpus although build_vocab recorded it")

    monkeypatch.setattr(trainer_module, "id_chunks", refuse)  # the trainer reads the corpus


@pytest.mark.parametrize("epochs", [1, 3])
def test_training_from_the_recording_equals_reading_the_file(tmp_path, epochs):
    path = _write_corpus(tmp_path / "c.txt")
    recorded = Word2Vec(epochs=epochs, **PARAMS)
    recorded.build_vocab(corpus_file=path)
    assert recorded._recording is not None
    streamed = Word2Vec(epochs=epochs, cache_ids=False, **PARAMS)
    streamed.build_vocab(corpus_file=path)
    assert streamed._recording is None  # cache_ids=False: nothing kept
    assert recorded.vocab.words == streamed.vocab.words
    recorded.train(corpus_file=path)
    streamed.train(corpus_file=path)
    assert recorded.w_in.tobytes() == streamed.w_in.tobytes()
    assert [e.words for e in recorded.last_result.epochs] == [
        e.words for e in streamed.last_result.epochs
    ]


def test_the_first_epoch_does_not_read_the_file_again(tmp_path, monkeypatch):
    path = _write_corpus(tmp_path / "c.txt")
    model = Word2Vec(epochs=2, **PARAMS)
    model.build_vocab(corpus_file=path)
    _forbid_reading(monkeypatch)
    model.train(corpus_file=path)
    assert model._recording is None  # handed out once
    with pytest.raises(AssertionError, match="read the corpus"):
        model.train(corpus_file=path)  # a second call reads the file as before


def test_a_directory_is_recorded_too(tmp_path, monkeypatch):
    folder = tmp_path / "d"
    folder.mkdir()
    for i in range(3):
        _write_corpus(folder / f"part{i}.txt", seed=i, lines=50)
    model = Word2Vec(epochs=1, **PARAMS)
    model.build_vocab(corpus_file=folder)
    _forbid_reading(monkeypatch)
    model.train(corpus_file=folder)


def test_a_file_changed_after_counting_is_read_again(tmp_path):
    path = _write_corpus(tmp_path / "c.txt")
    model = Word2Vec(epochs=1, **PARAMS)
    model.build_vocab(corpus_file=path)
    # Same size, new words and a new modification time: the recording is stale.
    text = path.read_text(encoding="utf-8").replace("w1 ", "w2 ")
    path.write_text(text, encoding="utf-8")
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    reference = Word2Vec(epochs=1, cache_ids=False, **PARAMS)
    reference.build_vocab(corpus_file=path)
    reference.vocab, reference.w_in = model.vocab, model.w_in.copy()
    model.train(corpus_file=path)
    reference.train(corpus_file=path)
    assert model.w_in.tobytes() == reference.w_in.tobytes()


def test_another_corpus_or_chunk_size_is_read(tmp_path):
    path = _write_corpus(tmp_path / "c.txt")
    other = _write_corpus(tmp_path / "other.txt", seed=1)
    counts, recording = count_and_record(PathCorpus(path), 400, None)
    assert counts == count_words(PathCorpus(path))
    assert recording.matches(PathCorpus(path), 400)
    assert not recording.matches(PathCorpus(path), 401)
    assert not recording.matches(PathCorpus(other), 400)
    assert not recording.matches(PathCorpus(path, max_sentence_length=5), 400)


def test_recording_gives_up_past_its_memory_bound(tmp_path):
    path = _write_corpus(tmp_path / "c.txt")
    counts, recording = count_and_record(PathCorpus(path), 50, 1000)
    assert recording is None
    assert counts == count_words(PathCorpus(path))  # counting went on
    model = Word2Vec(epochs=1, id_cache_bytes=1000, **PARAMS)
    model.build_vocab(corpus_file=path)
    assert model._recording is None
    model.train(corpus_file=path)


def test_past_its_budget_every_epoch_reads_the_file(tmp_path, monkeypatch):
    path = _write_corpus(tmp_path / "c.txt")
    reads = []
    real = trainer_module.id_chunks

    def counting(*args, **kwargs):
        reads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trainer_module, "id_chunks", counting)
    for budget, expected_reads in ((1 << 30, 0), (100, 3)):
        reads.clear()
        model = Word2Vec(epochs=3, id_cache_bytes=budget, **PARAMS)
        model.build_vocab(corpus_file=path)
        kept = 4 * model.vocab.total_words if expected_reads == 0 else 0
        assert model.memory_estimate.id_cache == kept
        assert ("the corpus streams" in model.memory_estimate.describe()) == (kept == 0)
        model.train(corpus_file=path)
        assert len(reads) == expected_reads, budget
        assert model.vocab._index is None  # the C tokeniser needs no dict of the words


def test_counting_with_a_vocabulary_bound_does_not_record(tmp_path):
    path = _write_corpus(tmp_path / "c.txt")
    model = Word2Vec(epochs=1, max_vocab_size=1000, **PARAMS)
    model.build_vocab(corpus_file=path)
    assert model._recording is None


def test_remap_chunk_checks_what_it_is_given():
    table = np.array([1, -1, 0], np.int32)
    ids = np.array([0, 1, 2, 2, 1], np.int32)
    offsets = np.array([0, 2, 2, 5], np.int64)
    kept = _tokenize.remap_chunk(ids, offsets, table)
    assert kept == 3
    np.testing.assert_array_equal(ids[:kept], [1, 0, 0])
    np.testing.assert_array_equal(offsets, [0, 1, 1, 3])
    with pytest.raises(ValueError, match="outside"):
        _tokenize.remap_chunk(np.array([3], np.int32), np.array([0, 1], np.int64), table)
    with pytest.raises(ValueError, match="offsets"):
        _tokenize.remap_chunk(np.array([0], np.int32), np.array([0, 2], np.int64), table)
    with pytest.raises(ValueError, match="offsets"):
        _tokenize.remap_chunk(np.array([0, 0], np.int32), np.array([0, 2, 1, 2], np.int64), table)
    assert _tokenize.remap_chunk(np.array([], np.int32), np.array([0], np.int64), table) == 0


def test_the_estimate_counts_no_id_cache_for_an_iterable_that_is_read_again(tmp_path):
    path = _write_corpus(tmp_path / "c.txt")
    sentences = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    estimates = {}
    for name, kwargs, corpus in (
        ("file", {}, dict(corpus_file=path)),
        ("iterable", {}, dict(sentences=sentences)),
        ("iterable, cache_ids=True", dict(cache_ids=True), dict(sentences=sentences)),
    ):
        model = Word2Vec(epochs=2, **kwargs, **PARAMS)
        model.build_vocab(**corpus)
        estimates[name] = model.memory_estimate.id_cache
    words = 4 * model.vocab.total_words
    assert estimates == {"file": words, "iterable": 0, "iterable, cache_ids=True": words}
