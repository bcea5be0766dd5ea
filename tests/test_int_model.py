"""Word2Vec on integer corpora (fastw2v.intkeys): int keys end to end, every form of the
corpus training the same model, saves keeping the keys, and bad input refused clearly."""

from __future__ import annotations

import numpy as np
import pytest

from fastw2v import IntCorpus, KeyedVectors, Word2Vec
from fastw2v.vectors import load_vectors

KW = dict(vector_size=12, min_count=1, epochs=2, workers=1, seed=3, progress=False)


def _sequences(n: int = 600, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    # sparse, large ids: not 0..V-1, so that a model keyed by rows instead of ids would show
    return [(rng.integers(0, 40, size=rng.integers(1, 25)) * 1009 + 7) for _ in range(n)]


def _csr(seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    indptr = np.concatenate(([0], np.cumsum([len(s) for s in seqs]))).astype(np.int64)
    return indptr, np.concatenate(seqs)


def test_keys_are_the_original_ints():
    seqs = _sequences()
    model = Word2Vec(seqs, **KW)
    wv = model.wv
    distinct = set(np.concatenate(seqs).tolist())
    assert set(wv.index_to_key) == distinct
    assert all(type(k) is int for k in wv.index_to_key)
    key = wv.index_to_key[3]
    assert wv[key].shape == (12,) and key in wv and str(key) not in wv
    assert np.array_equal(wv[np.int64(key)], wv[key])
    neighbours = wv.most_similar(key, topn=5)
    assert len(neighbours) == 5 and key not in [k for k, _ in neighbours]
    assert all(type(k) is int for k, _ in neighbours)
    assert wv[[key, wv.index_to_key[0]]].shape == (2, 12)
    with pytest.raises(KeyError, match="8"):
        wv[8]  # an id that never occurs


def test_counts_and_order_are_those_of_the_ids():
    seqs = _sequences()
    model = Word2Vec(seqs, **KW)
    ids, counts = np.unique(np.concatenate(seqs), return_counts=True)
    expected = dict(zip(ids.tolist(), counts.tolist()))
    got = dict(zip(model.wv.index_to_key, model.wv.counts.tolist()))
    assert got == expected
    assert np.all(np.diff(model.wv.counts) <= 0)


def test_an_int_corpus_trains_exactly_as_the_same_ids_as_words():
    seqs = _sequences()
    as_int = Word2Vec(seqs, **KW)
    as_text = Word2Vec([[str(t) for t in s.tolist()] for s in seqs], **KW)
    assert as_text.wv.index_to_key == [str(k) for k in as_int.wv.index_to_key]
    assert as_int.wv.vectors.tobytes() == as_text.wv.vectors.tobytes()


def test_predict_output_word_takes_and_gives_ints():
    seqs = _sequences()
    as_int = Word2Vec(seqs, **KW)
    as_text = Word2Vec([[str(t) for t in s.tolist()] for s in seqs], **KW)
    keys = as_int.wv.index_to_key[:3]
    got = as_int.predict_output_word(keys, topn=5)
    want = as_text.predict_output_word([str(k) for k in keys], topn=5)
    assert [(str(k), p) for k, p in got] == want
    assert all(type(k) is int for k, _ in got)
    one = as_int.predict_output_word(np.int64(keys[0]), topn=None)
    assert one == as_int.predict_output_word([keys[0]], topn=None) and len(one) == len(as_int.wv)
    with pytest.raises(KeyError, match="none of the context words"):
        as_int.predict_output_word([str(keys[0]), 8])  # "7" is not the id 7 (as in wv[...])


def test_list_csr_npy_and_iterable_forms_train_the_same(tmp_path):
    seqs = _sequences()
    indptr, tokens = _csr(seqs)
    np.save(tmp_path / "tokens.npy", tokens.astype(np.int32))
    np.save(tmp_path / "offsets.npy", indptr)

    class Restartable:
        def __iter__(self):
            return iter(seqs)

    forms = [
        (indptr, tokens),
        IntCorpus.from_npy(tmp_path / "tokens.npy", tmp_path / "offsets.npy"),
        IntCorpus.from_arrays(Restartable()),
        [s.astype(np.uint16) for s in seqs],
    ]
    reference = Word2Vec(seqs, **KW).wv.vectors.tobytes()
    for form in forms:
        assert Word2Vec(form, **KW).wv.vectors.tobytes() == reference, type(form)


def test_build_vocab_then_train_and_min_count():
    seqs = _sequences()
    model = Word2Vec(**{**KW, "min_count": 200})
    model.build_vocab(seqs)
    result = model.train(seqs)
    ids, counts = np.unique(np.concatenate(seqs), return_counts=True)
    assert set(model.wv.index_to_key) == set(ids[counts >= 200].tolist())
    assert result.words == int(counts[counts >= 200].sum()) * 2


def test_save_load_and_checkpoint_keep_int_keys(tmp_path):
    seqs = _sequences()
    model = Word2Vec(seqs, **KW)
    model.save(tmp_path / "m.npz")
    loaded = Word2Vec.load(tmp_path / "m.npz")
    assert loaded.wv.index_to_key == model.wv.index_to_key
    assert loaded.wv.vectors.tobytes() == model.wv.vectors.tobytes()
    loaded.train(seqs, epochs=1)  # a loaded int model trains on int corpora again
    ckpt = tmp_path / "ckpt.npz"
    model.train(seqs, epochs=1, checkpoint=ckpt, checkpoint_words=500)
    assert Word2Vec.load(ckpt).wv.index_to_key == model.wv.index_to_key


def test_word2vec_formats_write_decimals(tmp_path):
    model = Word2Vec(_sequences(), **KW)
    for binary in (False, True):
        path = tmp_path / f"v{int(binary)}.bin"
        model.wv.save_word2vec_format(path, binary=binary)
        back = KeyedVectors.load_word2vec_format(path)
        assert back.index_to_key == [str(k) for k in model.wv.index_to_key]
        assert np.array_equal(back.vectors, model.wv.vectors)
        ints = KeyedVectors.load_word2vec_format(path, int_keys=True)
        assert ints.index_to_key == model.wv.index_to_key
        key = model.wv.index_to_key[2]
        assert np.array_equal(ints[key], model.wv[key])
        assert ints.most_similar(key, topn=3) == model.wv.most_similar(key, topn=3)
    text = tmp_path / "words.txt"
    text.write_text("2 2\n7 1 0\nseven 0 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="word 2 is not an integer: 'seven'"):
        KeyedVectors.load_word2vec_format(text, int_keys=True)
    text.write_text("2 2\n7 1 0\n07 0 1\n", encoding="utf-8")  # not as str(int) writes 7
    with pytest.raises(ValueError, match="word 2 is not an integer: '07'"):
        KeyedVectors.load_word2vec_format(text, int_keys=True)
    model.wv.save(tmp_path / "native")
    assert load_vectors(tmp_path / "native").index_to_key[0] == str(model.wv.index_to_key[0])


def test_keyed_vectors_refuse_mixed_keys():
    with pytest.raises(TypeError, match="all str or all int"):
        KeyedVectors([1, "a"], np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="words must be str"):
        KeyedVectors(["a", 1], np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="duplicate"):
        KeyedVectors([1, np.int64(1)], np.zeros((2, 3), np.float32))


@pytest.mark.parametrize(
    ("corpus", "error", "match"),
    [
        ([np.array([1.5, 2.0])], TypeError, "must hold integers, got dtype float64"),
        ([np.array([3, -2])], ValueError, r"negative id \(-2 at index 1\)"),
        ([np.array([[1, 2]])], ValueError, "must be 1-D"),
        ((np.array([0, 3, 2]), np.array([1, 2, 3])), ValueError, "must end at the number"),
        ((np.array([0, 2, 1, 3]), np.array([1, 2, 3])), ValueError, "decreases at sequence 1"),
        ((np.array([1, 3]), np.array([1, 2, 3])), ValueError, "must start at 0"),
        ((np.array([0.0, 3.0]), np.array([1, 2, 3])), TypeError, "indptr must hold integers"),
    ],
)
def test_bad_int_corpora_get_clear_errors(corpus, error, match):
    with pytest.raises(error, match=match):
        Word2Vec(corpus, **KW)


def test_npy_files_that_do_not_fit(tmp_path):
    np.save(tmp_path / "t.npy", np.array([1, 2, 3]))
    np.save(tmp_path / "o.npy", np.array([0, 2]))
    with pytest.raises(ValueError, match="o.npy.*must end at the number of tokens"):
        Word2Vec(IntCorpus.from_npy(tmp_path / "t.npy", tmp_path / "o.npy"), **KW)
    with pytest.raises(ValueError, match="cannot read the tokens file"):
        IntCorpus.from_npy(tmp_path / "missing.npy", tmp_path / "o.npy")


def test_int_and_text_do_not_mix():
    model = Word2Vec(_sequences(), **KW)
    with pytest.raises(ValueError, match="holds integer ids.*not on text"):
        model.train([["a", "b"]])
    text = Word2Vec([["a", "b", "a"]] * 5, **KW)
    with pytest.raises(ValueError, match="holds words"):
        text.train(_sequences())


def _baskets(n: int = 800, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """Baskets of 30 items from one of 4 groups of 25 items, in random order."""
    rng = np.random.default_rng(seed)
    group_of = np.arange(100) // 25
    baskets = [rng.choice(np.flatnonzero(group_of == rng.integers(4)), 30) for _ in range(n)]
    return baskets, group_of


@pytest.mark.parametrize("options", [dict(whole_sequence=True), dict(shrink_windows=False)])
def test_window_options_train_item_baskets(options):
    baskets, group_of = _baskets()
    kw = {**KW, "window": 2, "sg": 1, "epochs": 3}
    model = Word2Vec(baskets, **kw, **options)
    default = Word2Vec(baskets, **kw)
    assert model.wv.vectors.tobytes() != default.wv.vectors.tobytes()
    same = [
        np.mean([group_of[k] == group_of[item] for k, _ in model.wv.most_similar(item, topn=5)])
        for item in model.wv.index_to_key
    ]
    assert np.mean(same) > 0.9


def test_window_options_survive_save_and_load(tmp_path):
    baskets, _ = _baskets(100)
    model = Word2Vec(baskets, **KW, whole_sequence=True, shrink_windows=False)
    model.save(tmp_path / "m.npz")
    config = Word2Vec.load(tmp_path / "m.npz").config
    assert config.whole_sequence and not config.shrink_windows
