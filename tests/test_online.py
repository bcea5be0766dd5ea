"""Continuing a trained model: ``build_vocab(update=True)`` (fastw2v.online)."""

from __future__ import annotations

import numpy as np
import pytest

from fastw2v import Word2Vec
from fastw2v.weights import Weights

KW = dict(
    vector_size=24,
    sg=1,
    hs=0,
    negative=5,
    min_count=2,
    sample=0,
    window=4,
    epochs=5,
    workers=1,
    seed=3,
    batch_words=2_000,
    progress=False,
)


def clusters(names, n_sentences, seed, size=8, length=10, filler=()):
    """Sentences each drawn from one planted cluster of words (``name`` + index), with an
    occasional filler word shared by all clusters."""
    rng = np.random.default_rng(seed)
    words = {n: [f"{n}{i}" for i in range(size)] for n in names}
    out = []
    for _ in range(n_sentences):
        group = words[names[int(rng.integers(len(names)))]]
        s = [group[int(i)] for i in rng.integers(0, size, length)]
        if filler:
            s[int(rng.integers(length))] = filler[int(rng.integers(len(filler)))]
        out.append(s)
    return out


def cluster_hits(model, word, topn=5):
    """How many of ``word``'s ``topn`` neighbours are in its cluster (same letters)."""
    prefix = word.rstrip("0123456789")
    return sum(w.rstrip("0123456789") == prefix for w, _ in model.wv.most_similar(word, topn=topn))


OLD = clusters(["a", "b", "c"], 1_500, seed=0, filler=("the", "of"))


def trained(**kw):
    return Word2Vec(OLD, **{**KW, **kw})


def test_update_appends_words_and_keeps_every_row():
    model = trained()
    old_words, old_counts = list(model.vocab.words), model.vocab.counts.copy()
    w_in, w_out = model.w_in.copy(), model.w_out_ns.copy()
    new = clusters(["a", "z"], 400, seed=1, filler=("the",))
    model.build_vocab(new, update=True)
    v = model.vocab
    assert v.words[: len(old_words)] == old_words
    added = v.words[len(old_words) :]
    assert sorted(added) == sorted(f"z{i}" for i in range(8))
    new_counts = {w: sum(s.count(w) for s in new) for w in v.words}
    np.testing.assert_array_equal(
        v.counts[: len(old_words)], old_counts + [new_counts[w] for w in old_words]
    )
    assert model.w_in.shape == (len(v), 24) and model.w_out_ns.shape == (len(v), 24)
    assert model.w_in[: len(old_words)].tobytes() == w_in.tobytes()
    assert model.w_out_ns[: len(old_words)].tobytes() == w_out.tobytes()
    assert not model.w_out_ns[len(old_words) :].any()
    fresh = Weights.initial(len(v), 24, [], KW["seed"], model.config.initial_range).w_in
    fresh = fresh[len(old_words) :]
    assert model.w_in[len(old_words) :].tobytes() == fresh.tobytes()
    assert model.wv.index_of("z0") >= len(old_words)


def test_new_words_below_min_count_are_left_out():
    model = trained()
    model.build_vocab([["a0", "lonely", "a1"]] * 1 + [["pair", "pair"]], update=True)
    assert "lonely" not in model.vocab and "pair" in model.vocab


def test_new_words_get_their_clusters_neighbours():
    model = trained()
    # the new corpus mixes new words into the old clusters: z-words join cluster a
    new = [[w.replace("a", "y") if i % 2 else w for i, w in enumerate(s)] for s in OLD]
    model.build_vocab(new, update=True)
    model.train(new)
    hits = [cluster_hits(model, f"a{i}", topn=14) for i in range(8)]
    assert all(f"y{i}" in model.vocab for i in range(8))
    # each y-word's neighbours are a- and y-words, not b- or c-words
    for i in range(8):
        near = [w for w, _ in model.wv.most_similar(f"y{i}", topn=5)]
        assert all(w[0] in "ay" for w in near), (i, near)
    assert min(hits) >= 3


def test_old_rows_move_little_on_unrelated_text():
    model = trained()
    before = model.w_in.copy()
    n_old = len(model.vocab)
    new = clusters(["p", "q"], 800, seed=2, filler=("the",))
    model.build_vocab(new, update=True)
    model.train(new)
    moved = np.linalg.norm(model.w_in[:n_old] - before, axis=1) / np.linalg.norm(before, axis=1)
    the = model.vocab.index["the"]
    assert np.median(moved) < 1e-6  # words absent from the new text keep their input rows
    assert moved[the] > 1e-3  # the one shared word did train
    for i in range(8):
        assert cluster_hits(model, f"b{i}") >= 4
        assert cluster_hits(model, f"p{i}") >= 4


def test_build_vocab_on_a_trained_model_refuses():
    model = trained()
    w_in = model.w_in.copy()
    with pytest.raises(ValueError, match="trained .*update=True"):
        model.build_vocab(OLD)
    assert model.w_in.tobytes() == w_in.tobytes()


def test_update_with_hierarchical_softmax_refuses():
    model = trained(hs=1, negative=0)
    n = len(model.vocab)
    with pytest.raises(ValueError, match="hierarchical softmax"):
        model.build_vocab(clusters(["z"], 50, seed=1), update=True)
    assert len(model.vocab) == n


def test_update_needs_a_built_model_and_a_corpus():
    with pytest.raises(ValueError, match="build_vocab\\(\\) first"):
        Word2Vec(**KW).build_vocab(OLD, update=True)
    with pytest.raises(ValueError, match="needs the new corpus"):
        trained().build_vocab(update=True)


def test_update_then_train_is_deterministic_with_one_thread():
    new = clusters(["a", "z"], 300, seed=4)
    runs = []
    for _ in range(2):
        model = trained()
        model.build_vocab(new, update=True)
        model.train(new)
        runs.append((model.w_in.tobytes(), model.w_out_ns.tobytes()))
    assert runs[0] == runs[1]


def test_learning_rate_schedule_spans_the_new_corpus():
    model = trained()
    new = clusters(["z"], 200, seed=5)
    model.build_vocab(new, update=True)
    result = model.train(new, epochs=1)
    assert result.epochs[0].alpha_end == pytest.approx(model.config.final_learning_rate, rel=0.1)


def test_save_load_and_resume_after_update(tmp_path):
    new = clusters(["a", "z"], 300, seed=6)
    straight = trained()
    straight.build_vocab(new, update=True)
    straight.train(new)

    model = trained()
    model.build_vocab(new, update=True)
    path = tmp_path / "grown.fw2v"
    model.save(path)
    loaded = Word2Vec.load(path)
    assert loaded.vocab.words == model.vocab.words
    assert not loaded.vocab.frequency_ordered  # the grown order survives the file
    calls = 0

    def interrupt(words_done):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        loaded.train(
            new, checkpoint=tmp_path / "ckpt.fw2v", checkpoint_words=500, chunk_hook=interrupt
        )
    loaded.save(tmp_path / "stopped.fw2v")
    resumed = Word2Vec.load(tmp_path / "stopped.fw2v")
    resumed.train(new, resume=True)
    assert resumed.w_in.tobytes() == straight.w_in.tobytes()
    assert Word2Vec.load(tmp_path / "ckpt.fw2v").vocab.words == model.vocab.words
