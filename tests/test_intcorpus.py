"""Integer corpora: validation, counting and remapping in C against NumPy references."""

import numpy as np
import pytest

from fastw2v import intcorpus
from fastw2v.encoding import _python_chunks
from fastw2v.intcorpus import IntCorpus, as_int_corpus, build_int_vocab, count_ids, int_chunks


def zipf_sequences(seed=0, n=300, big=False, dtype=np.int64):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        seq = rng.zipf(1.4, size=rng.integers(0, 40)) - 1
        if big:  # sparse huge ids: forces the hash table
            seq = seq * 1_000_003_001 + (1 << 40)
        out.append(seq.astype(dtype))
    return out


def to_csr(seqs):
    indptr = np.concatenate(([0], np.cumsum([len(s) for s in seqs]))).astype(np.int64)
    return indptr, np.concatenate(seqs)


def reference_vocab(tokens, min_count, max_size=None):
    """np.unique: counts and first positions; order by count desc, then first appearance."""
    ids, first, counts = np.unique(tokens, return_index=True, return_counts=True)
    keep = counts >= max(min_count, 1)
    ids, first, counts = ids[keep], first[keep], counts[keep]
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))[:max_size]
    return ids[order], counts[order]


def reference_chunks(seqs, vocab, chunk_words, max_len):
    """What fastw2v.encoding cuts from the same sequences given as sentences of tokens."""
    sentences = []
    for s in seqs:
        s = s.tolist()
        sentences += [s[i : i + max_len] for i in range(0, len(s), max_len)]
    index = {int(k): i for i, k in enumerate(vocab.ids)}
    return list(_python_chunks(sentences, index, chunk_words))


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("min_count,max_size", [(1, None), (3, None), (2, 7)])
def test_vocab_matches_numpy(big, min_count, max_size):
    seqs = zipf_sequences(1, big=big)
    vocab = build_int_vocab(seqs, min_count=min_count, max_size=max_size)
    ids, counts = reference_vocab(np.concatenate(seqs), min_count, max_size)
    np.testing.assert_array_equal(vocab.ids, ids)
    np.testing.assert_array_equal(vocab.counts, counts)


def test_ties_broken_by_first_appearance_not_by_id():
    seqs = [np.array([9, 3, 7]), np.array([3, 1, 9, 7, 5])]
    vocab = build_int_vocab(seqs, min_count=1)
    # 9, 3 and 7 twice (first seen in that order), then 1 and 5 once
    assert vocab.ids.tolist() == [9, 3, 7, 1, 5]
    assert vocab.counts.tolist() == [2, 2, 2, 1, 1]
    # the same order fastw2v.vocab gives the same sequences as words
    from fastw2v.vocab import Vocab

    words = Vocab.build([[str(t) for t in s] for s in seqs], min_count=1).words
    assert words == [str(i) for i in vocab.ids]


def test_dense_and_hashed_ids_count_alike(monkeypatch):
    seqs = zipf_sequences(2)
    dense = count_ids(seqs)
    monkeypatch.setattr(intcorpus, "DENSE_IDS", 3)  # all but ids 0..2 hashed
    hashed = count_ids(seqs)
    key = lambda r: dict(zip(r[0].tolist(), zip(r[1].tolist(), r[2].tolist())))  # noqa: E731
    assert key(dense) == key(hashed)


@pytest.mark.parametrize("form", ["arrays", "csr", "npy"])
@pytest.mark.parametrize(
    "chunk_words,max_len,block", [(50, 10_000, 1 << 22), (7, 5, 33), (1, 3, 1)]
)
def test_chunks_match_text_encoding(tmp_path, monkeypatch, form, chunk_words, max_len, block):
    monkeypatch.setattr(intcorpus, "BLOCK_TOKENS", block)
    seqs = zipf_sequences(3, dtype=np.int32)
    corpus = _make(form, seqs, tmp_path, max_len)
    vocab = build_int_vocab(corpus, min_count=2)
    got = list(int_chunks(corpus, vocab, chunk_words))
    want = reference_chunks(seqs, vocab, chunk_words, max_len)
    assert len(got) == len(want)
    for (ids, offs), (rids, roffs) in zip(got, want):
        assert ids.dtype == np.int32 and offs.dtype == np.int64
        np.testing.assert_array_equal(ids, rids)
        np.testing.assert_array_equal(offs, roffs)


def _make(form, seqs, tmp_path, max_len):
    if form == "arrays":
        return IntCorpus.from_arrays(seqs, max_sentence_length=max_len)
    indptr, tokens = to_csr(seqs)
    if form == "csr":
        return as_int_corpus((indptr, tokens), max_sentence_length=max_len)
    np.save(tmp_path / "tokens.npy", tokens.astype(np.uint16))  # a dtype converted per block
    np.save(tmp_path / "offsets.npy", indptr.astype(np.int32))
    return as_int_corpus(tmp_path / "tokens.npy", tmp_path / "offsets.npy", max_len)


def test_npy_corpus_is_memory_mapped(tmp_path):
    indptr, tokens = to_csr(zipf_sequences(4))
    np.save(tmp_path / "t.npy", tokens)
    np.save(tmp_path / "o.npy", indptr)
    corpus = as_int_corpus(str(tmp_path / "t.npy"), str(tmp_path / "o.npy"))
    assert isinstance(corpus._csr[1], np.memmap)
    blocks = list(corpus.blocks())
    assert all(isinstance(t, np.memmap) for _, t in blocks)  # views, not copies
    vocab = build_int_vocab(corpus, min_count=1)
    np.testing.assert_array_equal(vocab.ids, reference_vocab(tokens, 1)[0])


def test_sequences_wholly_out_of_vocabulary_stay_empty_sentences():
    seqs = [np.array([1, 1, 1]), np.array([2]), np.array([], np.int64), np.array([1, 3])]
    vocab = build_int_vocab(seqs, min_count=2)
    ((ids, offs),) = int_chunks(seqs, vocab, 100)
    assert ids.tolist() == [0, 0, 0, 0]
    assert offs.tolist() == [0, 3, 3, 4]  # [2] kept as an empty sentence, [] skipped


@pytest.mark.parametrize(
    "indptr,tokens,match",
    [
        ([0, 2, 1, 3], [1, 2, 3], "decreases at sequence 1"),
        ([1, 2, 3], [1, 2, 3], "must start at 0"),
        ([0, 2], [1, 2, 3], r"must end at the number of tokens \(3\)"),
        ([], [1, 2], "is empty"),
        ([0, 3], [1, -2, 3], r"negative id \(-2 at index 1\)"),
    ],
)
def test_bad_csr_is_named(indptr, tokens, match):
    with pytest.raises(ValueError, match=match):
        as_int_corpus((np.array(indptr, np.int64), np.array(tokens, np.int64)))


def test_bad_dtypes_are_named():
    with pytest.raises(TypeError, match="tokens must hold integers, got dtype float64"):
        as_int_corpus((np.array([0, 2]), np.array([1.0, 2.0])))
    with pytest.raises(TypeError, match="indptr must hold integers"):
        as_int_corpus((np.array([0.0, 2.0]), np.array([1, 2])))
    with pytest.raises(TypeError, match=r"sequence 1 of the corpus must hold integers"):
        build_int_vocab([np.array([1, 2]), np.array([0.5])])
    with pytest.raises(ValueError, match=r"sequence 1 of the corpus must be 1-D"):
        build_int_vocab([np.array([1, 2]), np.ones((2, 2), np.int64)])
    with pytest.raises(ValueError, match="sequence 0 of the corpus holds a negative id"):
        build_int_vocab([np.array([3, -1])])
    with pytest.raises(ValueError, match="ids must fit int64"):
        as_int_corpus((np.array([0, 1]), np.array([1 << 63], np.uint64)))


def test_one_shot_iterator_and_missing_offsets_are_refused(tmp_path):
    with pytest.raises(TypeError, match="one-shot iterator"):
        as_int_corpus(iter([np.array([1])]))
    with pytest.raises(ValueError, match="needs its offsets"):
        as_int_corpus(tmp_path / "t.npy")
    with pytest.raises(ValueError, match="cannot read the tokens file"):
        as_int_corpus(tmp_path / "missing.npy", tmp_path / "o.npy")


def test_empty_corpus_and_min_count_errors():
    with pytest.raises(ValueError, match="holds no tokens"):
        build_int_vocab([np.array([], np.int64)])
    with pytest.raises(ValueError, match="min_count=5"):
        build_int_vocab([np.array([1, 2, 2])], min_count=5)
    with pytest.raises(ValueError, match="chunk_words"):
        next(int_chunks([np.array([1])], build_int_vocab([np.array([1])], 1), 0))


def test_as_vocab_gives_the_trainer_vocabulary():
    vocab = build_int_vocab(zipf_sequences(5), min_count=2)
    words = vocab.as_vocab()
    assert words.words == [str(i) for i in vocab.ids]
    np.testing.assert_array_equal(words.counts, vocab.counts)
