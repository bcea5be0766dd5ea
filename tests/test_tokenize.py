"""The C tokeniser against the Python one (corpus.sentences_from_blocks), which it replaces
for files: same tokens, same sentences, same chunks, same counts, same trained vectors."""

from __future__ import annotations

import os
import random
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastw2v import Word2Vec, _tokenize
from fastw2v.corpus import PathCorpus
from fastw2v.distributed import ShardCorpus, plan_shards
from fastw2v.encoding import _c_chunks, _python_chunks, count_and_record, count_words, id_chunks
from fastw2v.vocab import Vocab

# Every character str.split() treats as whitespace, line ends, a byte-order mark, accents,
# CJK, and zero-width characters that are *not* whitespace.
PIECES = [
    "a", "b", "cc", "the", "dé", "日本", "ü", "x" * 9,
    " ", "\t", "\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f",
    "\x85", "\xa0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f",
    "\u205f", "\u3000", "\u200b", "\ufeff", "\u2009",
    # token bytes the eight-byte ASCII skip must stop at or pass (control bytes, DEL)
    "\x01", "\x08", "\x0e", "\x1b", "\x7f", "!~", "0123456789abcdefg",
]  # fmt: skip
BAD_BYTES = [b"\xff", b"\xc3", b"\xe2\x80", b"\x80", b"\xf0\x9f"]

SETTINGS = settings(
    # the long fuzz run (docs/development.md) raises it
    max_examples=int(os.environ.get("FASTW2V_FUZZ_EXAMPLES", "250")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def _python_sentences(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(corpus)


def _assert_same_chunks(corpus, words, chunk_words):
    index = {w: i for i, w in enumerate(words)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = list(_python_chunks(iter(corpus), index, chunk_words))
        got = list(_c_chunks(corpus, words, chunk_words))
    assert len(got) == len(expected)
    for (ids, offsets), (ids_py, offsets_py) in zip(got, expected):
        assert ids.dtype == np.int32 and offsets.dtype == np.int64
        np.testing.assert_array_equal(ids, ids_py)
        np.testing.assert_array_equal(offsets, offsets_py)


def _assert_recording_replays(corpus, words, chunk_words):
    """Counting with a recording, then mapping it to ``words``, gives the chunks encoding
    with ``words`` gives, and the counts counting alone gives."""
    index = {w: i for i, w in enumerate(words)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = list(_c_chunks(corpus, words, chunk_words))
        counts, recording = count_and_record(corpus, chunk_words, None)
        assert counts == count_words(corpus)
    assert recording is not None and recording.matches(corpus, chunk_words)
    got = list(recording.chunks(index))
    assert len(got) == len(expected)
    for (ids, offsets), (ids_c, offsets_c) in zip(got, expected):
        np.testing.assert_array_equal(ids, ids_c)
        np.testing.assert_array_equal(offsets, offsets_c)
    assert list(recording.chunks(index)) == []  # given out once


def _assert_same_counts(corpus):
    expected: Counter[str] = Counter()
    for sentence in _python_sentences(corpus):
        expected.update(sentence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = count_words(corpus)
    assert list(got.items()) == list(expected.items())  # same first-appearance order


@SETTINGS
@given(
    parts=st.lists(
        st.one_of(st.sampled_from(PIECES).map(str.encode), st.sampled_from(BAD_BYTES)),
        max_size=120,
    ),
    bom=st.booleans(),
    block_size=st.sampled_from([1, 2, 3, 5, 8, 64, 1 << 18]),
    max_len=st.sampled_from([1, 2, 3, 7, 10_000]),
    chunk_words=st.sampled_from([1, 4, 25, 100_000]),
    vocab_share=st.floats(0.0, 1.0),
)
def test_c_tokeniser_cuts_what_the_python_one_cuts(
    tmp_path, parts, bom, block_size, max_len, chunk_words, vocab_share
):
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(parts)
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    corpus = PathCorpus(path, max_len, block_size=block_size)
    try:
        sentences = _python_sentences(corpus)
    except ValueError:
        return  # refused as not text (too many invalid bytes): refused on both paths
    distinct = list(dict.fromkeys(t for s in sentences for t in s))
    rng = random.Random(len(data))
    words = [w for w in distinct if rng.random() < vocab_share]
    rng.shuffle(words)
    _assert_same_chunks(corpus, words, chunk_words)
    _assert_same_counts(corpus)
    _assert_recording_replays(corpus, words, chunk_words)


@pytest.mark.parametrize("block_size", [100_000, 1 << 18, 3 << 20])
def test_a_token_past_a_million_characters_is_cut_where_python_cuts_it(tmp_path, block_size):
    path = tmp_path / "long.txt"
    text = (
        "a b c\n"
        + "é" * 1_500_000
        + "xy" * 700_000
        + " a b\n"
        + "z" * (1 << 20)
        + " q "
        + "w" * ((1 << 20) + 1)
        + "\nend"
    )
    path.write_text(text, encoding="utf-8")
    corpus = PathCorpus(path, 3, block_size=block_size)
    words = list(dict.fromkeys(t for s in _python_sentences(corpus) for t in s))
    assert max(len(w) for w in words) < 2_900_000  # the 2.9M-character run was cut
    _assert_same_chunks(corpus, words, 2)
    _assert_same_counts(corpus)


def test_directories_crlf_and_damaged_files_match(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "1.txt").write_bytes(b"one two\r\nthree\rfour five\r\n")
    (d / "2.txt").write_bytes(b"six\xff seven caf\xc3\xa9\nlast line without end")
    (d / "3.txt").write_bytes(b"\xef\xbb\xbfbom first\n\n\n")
    corpus = PathCorpus(d, 2, block_size=3)
    words = list(dict.fromkeys(t for s in _python_sentences(corpus) for t in s))[::2]
    for chunk_words in (1, 3, 1000):
        _assert_same_chunks(corpus, words, chunk_words)
    _assert_same_counts(corpus)
    with pytest.warns(UserWarning, match="1 invalid UTF-8 byte replaced"):
        list(_c_chunks(corpus, words, 10))


def test_mpi_shards_tokenise_alike(tmp_path):
    rng = random.Random(3)
    paths = []
    for k in range(2):
        lines = [" ".join(rng.choice(["α", "b", "cc", "d"]) for _ in range(rng.randint(0, 30)))]
        lines += [" ".join(str(rng.randint(0, 50)) for _ in range(rng.randint(0, 30)))]
        paths.append(tmp_path / f"{k}.txt")
        paths[-1].write_text("\n".join(lines * 20), encoding="utf-8")
    for n in (1, 3):
        for pieces in plan_shards(paths, n):
            shard = ShardCorpus(pieces, 6, block_size=rng.randint(1, 9))
            words = list(dict.fromkeys(t for s in shard for t in s))[1::2]
            _assert_same_chunks(shard, words, 17)
            _assert_same_counts(shard)


def test_vectors_trained_from_a_file_equal_those_from_its_sentences(tmp_path):
    """One thread, one seed: the C-encoded file and the Python-encoded sentences give
    byte-identical vectors, so the faster reader changes nothing but speed."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    lines = [" ".join(rng.choice(words, size=rng.integers(1, 40))) for _ in range(400)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sentences = list(PathCorpus(path))
    params = dict(vector_size=8, min_count=2, workers=1, seed=5, epochs=2, batch_words=500)
    from_file = Word2Vec(corpus_file=path, **params)
    from_list = Word2Vec(sentences=sentences, **params)
    assert from_file.vocab.words == from_list.vocab.words
    np.testing.assert_array_equal(from_file.vocab.counts, from_list.vocab.counts)
    assert from_file.wv.vectors.tobytes() == from_list.wv.vectors.tobytes()


def test_chunks_of_a_file_use_the_c_tokeniser(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b c\nd e\n", encoding="utf-8")
    corpus = PathCorpus(path)
    chunks = list(id_chunks(corpus, ["a", "e"], {"a": 0, "e": 1}, 10))
    assert len(chunks) == 1
    np.testing.assert_array_equal(chunks[0][0], [0, 1])
    np.testing.assert_array_equal(chunks[0][1], [0, 1, 2])
    assert Vocab.build(corpus, min_count=1).words[:2] == ["a", "b"]


def test_lexicon_holds_many_words_and_refuses_duplicates():
    words = [f"word{i}".encode() for i in range(50_000)]
    lexicon = _tokenize.Lexicon(words)
    assert len(lexicon) == 50_000
    for i in range(0, 50_000, 997):
        assert lexicon.find(words[i]) == i
    assert lexicon.find(b"word50000") == -1 and lexicon.find(b"") == -1
    assert lexicon.words()[12345] == b"word12345"
    with pytest.raises(ValueError, match="duplicate"):
        _tokenize.Lexicon([b"a", b"b", b"a"])


def test_vocabulary_words_that_are_not_valid_unicode_keep_their_ids(tmp_path):
    # A word read from a vocabulary file with undecodable bytes (surrogate escapes) can
    # never match a token of the corpus, but the words after it keep their ids.
    path = tmp_path / "c.txt"
    path.write_bytes(b"x \xff y\n")
    corpus = PathCorpus(path)
    with pytest.warns(UserWarning):
        (chunk,) = list(id_chunks(corpus, ["\udcff", "y", "\ufffd"], {}, 100))
    np.testing.assert_array_equal(chunk[0], [2, 1])


def test_both_tokenisers_cut_long_tokens_at_the_same_length():
    from fastw2v import corpus

    assert _tokenize.MAX_TOKEN_CHARS == corpus._MAX_TOKEN_CHARS


def test_tokenizer_arguments_are_checked():
    with pytest.raises(ValueError, match="max_len"):
        _tokenize.Tokenizer(_tokenize.Lexicon(), 0)
    with pytest.raises(ValueError, match="chunk_words"):
        _tokenize.Tokenizer(_tokenize.Lexicon(), 5, -1)


def test_an_empty_file_gives_no_chunk(tmp_path: Path):
    path = tmp_path / "e.txt"
    path.write_bytes(b" \n\r\n\t")
    assert list(_c_chunks(PathCorpus(path), ["a"], 10)) == []
    assert count_words(PathCorpus(path)) == {}
