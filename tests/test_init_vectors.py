"""Pretrained starts and locked rows: ``Word2Vec.init_vectors`` (fastw2v.online)."""

from __future__ import annotations

import numpy as np
import pytest
from test_online import KW, OLD, clusters

from fastw2v import Word2Vec
from fastw2v.vectors import KeyedVectors


def pretrained(words=("a0", "a1", "b0", "zz"), dim=24, seed=9):
    rng = np.random.default_rng(seed)
    return KeyedVectors(list(words), rng.standard_normal((len(words), dim)).astype(np.float32))


def built(**kw):
    model = Word2Vec(**{**KW, **kw})
    model.build_vocab(OLD)
    return model


@pytest.mark.parametrize("fmt", ["memory", "text", "binary", "native"])
def test_shared_words_start_from_the_file(tmp_path, fmt):
    kv = pretrained()
    source = kv
    if fmt in ("text", "binary"):
        source = tmp_path / "vectors.txt"
        kv.save_word2vec_format(source, binary=fmt == "binary")
    elif fmt == "native":
        source = tmp_path / "vectors"
        kv.save(source)
    model = built()
    other = model.w_in[model.vocab.index["c0"]].copy()
    assert model.init_vectors(source, lockf=0.5) == 3
    for w in ("a0", "a1", "b0"):
        np.testing.assert_allclose(model.wv[w], kv[w], rtol=1e-6)
    assert model.w_in[model.vocab.index["c0"]].tobytes() == other.tobytes()
    lockf = model.weights.lockf
    assert lockf[model.vocab.index["a0"]] == 0.5 and lockf[model.vocab.index["c0"]] == 1.0


@pytest.mark.parametrize("sg", [0, 1])
def test_locked_rows_are_byte_identical_after_training(sg):
    model = built(sg=sg)
    model.init_vectors(pretrained(), lockf=0.0)
    locked = [model.vocab.index[w] for w in ("a0", "a1", "b0")]
    before = model.w_in.copy()
    model.train(OLD)
    assert model.w_in[locked].tobytes() == before[locked].tobytes()
    free = np.setdiff1d(np.arange(len(model.vocab)), locked)
    assert (np.linalg.norm(model.w_in[free] - before[free], axis=1) > 1e-3).all()


def test_half_locked_rows_learn_less():
    moved = {}
    for lockf in (1.0, 0.5):
        model = built(alpha=0.025)  # small steps: the distance moved stays about linear
        model.init_vectors(pretrained(), lockf=lockf)
        before = model.w_in.copy()
        model.train(OLD, epochs=1)
        i = model.vocab.index["a0"]
        moved[lockf] = float(np.linalg.norm(model.w_in[i] - before[i]))
    assert 0.2 * moved[1.0] < moved[0.5] < 0.8 * moved[1.0]


def test_locks_survive_save_load_and_vocabulary_growth(tmp_path):
    model = built()
    model.intersect_word2vec_format(_write(tmp_path, pretrained()), lockf=0.0)
    model.save(tmp_path / "m.fw2v")
    loaded = Word2Vec.load(tmp_path / "m.fw2v")
    np.testing.assert_array_equal(loaded.weights.lockf, model.weights.lockf)
    loaded.train(OLD, epochs=1)
    loaded.build_vocab(clusters(["z"], 100, seed=1), update=True)
    assert len(loaded.weights.lockf) == len(loaded.vocab)
    assert loaded.weights.lockf[-1] == 1.0 and loaded.weights.lockf[loaded.vocab.index["a0"]] == 0


def _write(tmp_path, kv, name="v.txt"):
    path = tmp_path / name
    kv.save_word2vec_format(path)
    return path


def test_a_dimension_mismatch_is_refused(tmp_path):
    model = built()
    path = _write(tmp_path, pretrained(dim=7))
    with pytest.raises(ValueError, match=r"v\.txt.*dimension 7.*24"):
        model.init_vectors(path)
    assert model.weights.lockf is None


def test_no_shared_word_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no word in common"):
        built().init_vectors(_write(tmp_path, pretrained(words=("x", "y"))))


def test_nan_in_the_file_is_refused(tmp_path):
    path = tmp_path / "nan.txt"
    path.write_text("2 3\na0 nan 0 1\nb0 1 2 3\n")
    with pytest.raises(ValueError, match=r"nan\.txt.*a0.*NaN"):
        built(vector_size=3).init_vectors(path)
    kv = pretrained()
    kv.vectors[1, 3] = np.nan
    model = built()
    before = model.w_in.copy()
    with pytest.raises(ValueError, match="a1"):
        model.init_vectors(kv)
    assert model.w_in.tobytes() == before.tobytes()


@pytest.mark.parametrize("lockf", [-0.1, 1.5, float("nan")])
def test_a_bad_lock_factor_is_refused(lockf):
    with pytest.raises(ValueError, match="lockf"):
        built().init_vectors(pretrained(), lockf=lockf)


def test_init_vectors_needs_a_vocabulary_and_an_existing_file(tmp_path):
    with pytest.raises(ValueError, match="build_vocab"):
        Word2Vec(**KW).init_vectors(pretrained())
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        built().init_vectors(tmp_path / "missing.txt")
