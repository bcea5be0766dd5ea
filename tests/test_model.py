"""Training end to end: planted clusters are learnt, results reproducible, models persist."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from fastw2v import Word2Vec
from fastw2v.cli import main as cli_main

N_CLUSTERS, CLUSTER_SIZE = 8, 8


def planted_corpus(n_sentences=1500, length=12, seed=0):
    """Sentences drawn from one cluster each: cluster-mates co-occur, others never do."""
    rng = np.random.default_rng(seed)
    words = [[f"c{c}w{i}" for i in range(CLUSTER_SIZE)] for c in range(N_CLUSTERS)]
    out = []
    for _ in range(n_sentences):
        c = rng.integers(N_CLUSTERS)
        out.append([words[c][i] for i in rng.integers(0, CLUSTER_SIZE, length)])
    return out


def cluster_precision(model) -> float:
    """Mean fraction of each word's CLUSTER_SIZE-1 nearest neighbours that share its cluster."""
    wv = model.wv
    hits = total = 0
    for word in wv.words:
        cluster = word.split("w")[0]
        near = [w for w, _ in wv.most_similar(word, topn=CLUSTER_SIZE - 1)]
        hits += sum(w.split("w")[0] == cluster for w in near)
        total += len(near)
    return hits / total


CORPUS = planted_corpus()


@pytest.mark.parametrize("sg", [0, 1], ids=["cbow", "sg"])
@pytest.mark.parametrize(("negative", "hs"), [(5, 0), (0, 1)], ids=["ns", "hs"])
@pytest.mark.parametrize("workers", [1, 2])
def test_planted_clusters_are_recovered(sg, negative, hs, workers):
    model = Word2Vec(
        CORPUS,
        vector_size=16,
        window=4,
        sg=sg,
        negative=negative,
        hs=hs,
        min_count=1,
        sample=0,
        epochs=5,
        workers=workers,
        seed=3,
        progress=False,
    )
    assert len(model.wv) == N_CLUSTERS * CLUSTER_SIZE
    assert cluster_precision(model) > 0.9


def test_pair_kernel_recovers_clusters_too():
    model = Word2Vec(
        CORPUS,
        vector_size=16,
        window=4,
        sg=1,
        kernel="pair",
        min_count=1,
        sample=0,
        epochs=3,
        workers=1,
        progress=False,
    )
    assert cluster_precision(model) > 0.9


def test_random_vectors_do_not_pass_the_cluster_check():
    """Guards the check itself: an untrained model must fail it."""
    model = Word2Vec(vector_size=16, min_count=1, progress=False)
    model.build_vocab(CORPUS)
    assert cluster_precision(model) < 0.5


@pytest.mark.parametrize(
    ("sg", "hs", "kernel"), [(1, 0, "batched"), (1, 1, "pair"), (0, 1, "batched")]
)
def test_one_thread_is_bit_for_bit_reproducible(sg, hs, kernel):
    def run(seed):
        m = Word2Vec(
            CORPUS,
            vector_size=12,
            sg=sg,
            hs=hs,
            kernel=kernel,
            min_count=1,
            sample=1e-2,
            epochs=2,
            workers=1,
            seed=seed,
            batch_words=2000,
            progress=False,
        )
        return m.w_in.tobytes(), m.last_result.epochs[-1].loss

    a, b, c = run(7), run(7), run(8)
    assert a == b
    assert a[0] != c[0]


@pytest.mark.parametrize("hs", [0, 1])
def test_batched_kernel_is_stable_at_a_very_wide_window(hs):
    """Window 100, one noise word, alpha 0.05: stepping on all 200 contexts of a window at
    once diverged (NaN) where the pair kernel trains; blocks of at most 10 contexts train
    to finite vectors with about the pair kernel's loss."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in rng.zipf(1.3, 20_000) % 500]
    sentences = [words[i : i + 1000] for i in range(0, len(words), 1000)]
    params = dict(
        sg=1,
        window=100,
        negative=1,
        hs=hs,
        sample=0,
        alpha=0.05,
        vector_size=32,
        min_count=1,
        epochs=3,
        workers=1,
        seed=1,
        progress=False,
        compute_loss=True,
    )
    batched = Word2Vec(sentences, kernel="batched", **params)
    pair = Word2Vec(sentences, kernel="pair", **params)
    assert np.all(np.isfinite(batched.w_in))
    assert np.abs(batched.w_in).max() < 10
    assert batched.last_result.loss < 1.1 * pair.last_result.loss


def test_loss_falls_and_words_are_counted():
    model = Word2Vec(
        CORPUS, vector_size=16, sg=1, min_count=1, sample=0, epochs=4, workers=2, progress=False
    )
    losses = [e.loss for e in model.last_result.epochs]
    assert all(np.isfinite(losses))
    assert losses[-1] < losses[0] * 0.9
    per_epoch = sum(len(s) for s in CORPUS)
    assert [e.words for e in model.last_result.epochs] == [per_epoch] * 4
    assert model.last_result.epochs[-1].alpha_end == pytest.approx(model.config.final_learning_rate)


def test_loss_is_summed_over_threads_not_raced():
    """Per-thread tallies: the number of loss terms is exact whatever the thread count."""
    kw = dict(
        vector_size=8,
        sg=0,
        window=3,
        negative=4,
        min_count=1,
        sample=0,
        epochs=1,
        progress=False,
        batch_words=5000,
    )
    one = Word2Vec(CORPUS, workers=1, **kw).last_result.epochs[0]
    two = Word2Vec(CORPUS, workers=2, **kw).last_result.epochs[0]
    assert one.examples == two.examples == sum(len(s) for s in CORPUS)
    # CBOW: 1 positive + 4 noise terms per window, minus noise draws equal to the centre
    assert 4.5 * one.examples < two.loss_terms <= 5 * two.examples


def test_subsampling_drops_frequent_words():
    corpus = [["the"] * 50 + ["rare1", "rare2"] for _ in range(200)]
    model = Word2Vec(
        corpus, vector_size=8, min_count=1, sample=1e-3, epochs=1, workers=1, progress=False
    )
    e = model.last_result.epochs[0]
    keep = model.vocab.keep_probs(1e-3)
    expected = float(np.dot(keep, model.vocab.counts))
    assert e.kept_words == pytest.approx(expected, rel=0.1)
    assert e.kept_words < 0.5 * e.words


def test_callbacks_run_each_epoch():
    seen = []
    Word2Vec(
        CORPUS[:200],
        vector_size=8,
        min_count=1,
        epochs=3,
        progress=False,
        callbacks=[lambda m, s: seen.append(s.epoch)],
    )
    assert seen == [1, 2, 3]


def test_one_shot_generator_is_refused():
    gen = (s for s in CORPUS)
    with pytest.raises(TypeError, match="generator|iterator|once"):
        Word2Vec(gen, min_count=1, progress=False)


def test_file_corpora_text8_line_and_gzip(tmp_path):
    text = " ".join(" ".join(s) for s in CORPUS)
    plain = tmp_path / "one_line.txt"
    plain.write_text(" " + text)  # text8 style: one line, leading space, no newline
    packed = tmp_path / "lines.txt.gz"
    with gzip.open(packed, "wt") as fh:
        fh.write("\n".join(" ".join(s) for s in CORPUS) + "\n")
    for path in (plain, packed):
        model = Word2Vec(
            str(path),
            vector_size=16,
            sg=1,
            window=4,
            min_count=1,
            sample=0,
            epochs=3,
            workers=2,
            progress=False,
            max_sentence_length=100,
        )
        assert model.last_result.epochs[0].words == sum(len(s) for s in CORPUS)
        assert cluster_precision(model) > 0.85


def test_save_load_continue(tmp_path):
    model = Word2Vec(
        CORPUS,
        vector_size=12,
        sg=1,
        hs=1,
        negative=3,
        min_count=1,
        epochs=1,
        workers=1,
        progress=False,
    )
    path = tmp_path / "m.fw2v"
    model.save(path)
    loaded = Word2Vec.load(path)
    assert loaded.vocab.words == model.vocab.words
    for name in ("w_in", "w_out_ns", "w_out_hs"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))
    assert loaded.config == model.config
    assert loaded.epochs_trained == 1
    before = loaded.w_in.copy()
    loaded.train(CORPUS, epochs=1, progress=False)
    assert loaded.epochs_trained == 2
    assert not np.array_equal(before, loaded.w_in)


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ValueError, match="bad.npz"):
        Word2Vec.load(bad)


def test_word2vec_formats_read_by_gensim(tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    model = Word2Vec(CORPUS, vector_size=10, min_count=1, epochs=1, progress=False)
    for binary in (False, True):
        path = tmp_path / f"v.{'bin' if binary else 'txt'}"
        model.save_word2vec_format(path, binary=binary)
        kv = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
        assert kv.index_to_key == model.wv.words
        np.testing.assert_allclose(
            kv.vectors, model.w_in, rtol=1e-5, atol=1e-6 if not binary else 0
        )


def test_edge_cases_one_word_vocab_and_short_sentences():
    # a vocabulary of one word: no Huffman path, every noise draw equals the centre
    for hs, negative in ((1, 0), (0, 5)):
        m = Word2Vec(
            [["solo"] * 5] * 10,
            vector_size=4,
            min_count=1,
            hs=hs,
            negative=negative,
            sample=0,
            epochs=1,
            progress=False,
        )
        assert np.all(np.isfinite(m.w_in))
    # one-word sentences have no context: nothing to train, no crash
    m = Word2Vec([["a"], ["b"], ["a"]], vector_size=4, min_count=1, epochs=1, progress=False)
    assert m.last_result.epochs[0].examples == 0


def test_everything_out_of_vocabulary_is_an_error():
    model = Word2Vec(vector_size=4, min_count=1, progress=False)
    model.build_vocab([["a", "b"]])
    with pytest.raises(ValueError, match="no in-vocabulary words"):
        model.train([["x", "y"]])


def test_min_count_too_high_is_explained():
    with pytest.raises(ValueError, match="min_count"):
        Word2Vec([["a", "b"]], min_count=5, progress=False)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("vector_size", 0),
        ("window", 0),
        ("alpha", -1.0),
        ("alpha", float("nan")),
        ("epochs", 0),
        ("workers", 0),
        ("sample", -1e-3),
        ("negative", -1),
        ("kernel", "fast"),
    ],
)
def test_bad_parameters_name_themselves(param, value):
    with pytest.raises(ValueError, match=param):
        Word2Vec(**{param: value})


def test_no_output_layer_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Word2Vec(negative=0, hs=0)


def test_divergence_is_reported_not_saved():
    with pytest.raises(FloatingPointError, match="lower alpha"):
        Word2Vec(
            CORPUS,
            vector_size=50,
            alpha=10.0,
            min_alpha=10.0,
            sg=0,
            cbow_mean=False,
            window=8,
            min_count=1,
            sample=0,
            epochs=20,
            progress=False,
        )


# ---------------------------------------------------------------------- command line


def write_corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in CORPUS) + "\n")
    return path


def test_cli_word2vec_flags(tmp_path, capsys):
    corpus = write_corpus(tmp_path)
    out, vocab = tmp_path / "vec.bin", tmp_path / "vocab.txt"
    rc = cli_main(
        [
            "train",
            "-train",
            str(corpus),
            "-output",
            str(out),
            "-size",
            "16",
            "-window",
            "4",
            "-sample",
            "0",
            "-hs",
            "0",
            "-negative",
            "5",
            "-threads",
            "2",
            "-iter",
            "3",
            "-min-count",
            "1",
            "-alpha",
            "0.025",
            "-binary",
            "1",
            "-cbow",
            "0",
            "-save-vocab",
            str(vocab),
            "-debug",
            "0",
        ]
    )
    assert rc == 0
    from fastw2v.vectors import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    assert len(kv) == N_CLUSTERS * CLUSTER_SIZE and kv.vector_size == 16
    lines = vocab.read_text().splitlines()
    assert len(lines) == len(kv) and lines[0].split()[0] == kv.words[0]
    # -read-vocab gives the same vocabulary order
    out2 = tmp_path / "vec.txt"
    rc = cli_main(
        [
            "train",
            "--train",
            str(corpus),
            "--output",
            str(out2),
            "--read-vocab",
            str(vocab),
            "--size",
            "8",
            "--epochs",
            "1",
            "--quiet",
            "--sg",
        ]
    )
    assert rc == 0
    assert KeyedVectors.load_word2vec_format(out2, binary=False).words == kv.words


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-size", "0"], "vector_size"),
        (["-window", "-1"], "window"),
        (["-threads", "0"], "workers"),
        (["-alpha", "nan"], "alpha"),
        (["-iter", "0"], "epochs"),
    ],
)
def test_cli_bad_parameter_is_one_line(tmp_path, capsys, args, message):
    corpus = write_corpus(tmp_path)
    rc = cli_main(
        ["train", "-train", str(corpus), "-output", str(tmp_path / "v.txt"), "-debug", "0", *args]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "v.txt").exists()


def test_cli_missing_input_and_unwritable_output(tmp_path, capsys):
    assert (
        cli_main(["train", "-train", str(tmp_path / "nope.txt"), "-output", str(tmp_path / "v")])
        == 1
    )
    assert "nope.txt" in capsys.readouterr().err
    corpus = write_corpus(tmp_path)
    assert (
        cli_main(["train", "-train", str(corpus), "-output", str(tmp_path / "no" / "dir" / "v")])
        == 1
    )
    assert "directory" in capsys.readouterr().err


# ---------------------------------------------------------------------- output layers


@pytest.mark.parametrize("sg", [0, 1], ids=["cbow", "sg"])
def test_full_softmax_learns_clusters(sg):
    model = Word2Vec(
        CORPUS,
        vector_size=16,
        window=4,
        sg=sg,
        negative=0,
        softmax=True,
        min_count=1,
        sample=0,
        epochs=3,
        workers=2,
        progress=False,
    )
    assert cluster_precision(model) > 0.9
    losses = [e.loss for e in model.last_result.epochs]
    assert losses[-1] < losses[0]


def test_full_softmax_refuses_big_vocabularies():
    big = [[f"w{i}" for i in range(30_001)]]
    with pytest.raises(ValueError, match="negative sampling"):
        Word2Vec(big, negative=0, softmax=True, min_count=1, progress=False)
    with pytest.raises(ValueError, match="negative=0"):
        Word2Vec(softmax=True)  # negative sampling is on by default


@pytest.mark.parametrize(
    "layer",
    [dict(negative=5), dict(negative=0, hs=True), dict(negative=0, softmax=True)],
    ids=["ns", "hs", "softmax"],
)
def test_predict_output_word(layer):
    model = Word2Vec(
        CORPUS,
        vector_size=16,
        window=4,
        sg=0,
        min_count=1,
        sample=0,
        epochs=5,
        workers=1,
        progress=False,
        **layer,
    )
    everything = model.predict_output_word(["c3w1", "c3w2", "c3w5"], topn=None)
    assert sum(p for _, p in everything) == pytest.approx(1.0, abs=1e-6)
    top = model.predict_output_word(["c3w1", "c3w2", "c3w5"], topn=CLUSTER_SIZE)
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert sum(w.startswith("c3w") for w, _ in top) >= CLUSTER_SIZE - 1
    with pytest.raises(KeyError, match="none of the context words"):
        model.predict_output_word(["unknown"])


def test_save_load_softmax_model(tmp_path):
    model = Word2Vec(
        CORPUS[:300], vector_size=8, negative=0, softmax=True, min_count=1, epochs=1, progress=False
    )
    model.save(tmp_path / "m")
    loaded = Word2Vec.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.w_out_sm, model.w_out_sm)
    assert loaded.predict_output_word(["c1w1"], topn=3) == model.predict_output_word(
        ["c1w1"], topn=3
    )


def test_cli_unknown_word_message_is_plain(tmp_path, capsys):
    model = Word2Vec(CORPUS[:100], vector_size=4, min_count=1, epochs=1, progress=False)
    path = tmp_path / "v.txt"
    model.save_word2vec_format(path)
    assert cli_main(["similar", str(path), "nosuchword"]) == 1
    err = capsys.readouterr().err.strip()
    assert "nosuchword" in err and not err.endswith('"')


def test_id_cache_gives_the_same_model_as_streaming():
    """Replaying the first epoch's encoded chunks is exactly re-reading the corpus."""
    kw = dict(
        vector_size=8,
        sg=1,
        min_count=1,
        epochs=3,
        workers=1,
        seed=5,
        batch_words=3000,
        progress=False,
    )
    cached = Word2Vec(CORPUS, cache_ids=True, **kw)
    streamed = Word2Vec(CORPUS, cache_ids=False, **kw)
    assert cached.w_in.tobytes() == streamed.w_in.tobytes()
    words = [e.words for e in cached.last_result.epochs]
    assert words == [e.words for e in streamed.last_result.epochs]


def test_id_cache_skips_reading_after_the_first_epoch():
    class CountingCorpus:
        sentences = 0

        def __iter__(self):
            for s in CORPUS:
                CountingCorpus.sentences += 1
                yield s

    corpus = CountingCorpus()
    model = Word2Vec(vector_size=8, min_count=1, epochs=4, progress=False, cache_ids=True)
    model.build_vocab(corpus)
    before = CountingCorpus.sentences
    model.train(corpus)
    assert CountingCorpus.sentences - before == len(CORPUS)
    # auto (None): an iterable is re-read every epoch, since it may reshuffle on purpose
    model.config = type(model.config)(**{**model.config.to_dict(), "cache_ids": None})
    before = CountingCorpus.sentences
    model.train(corpus)
    assert CountingCorpus.sentences - before == 4 * len(CORPUS)


@pytest.mark.parametrize(("hs", "negative", "expected"), [(0, 5, "batched"), (1, 0, "pair")])
def test_auto_kernel_batches_negative_sampling_only(hs, negative, expected):
    """Skip-gram with hierarchical softmax takes the pair loop unless asked otherwise
    (batching the Huffman path cost accuracy); negative sampling is batched."""
    kw = dict(vector_size=8, sg=1, hs=hs, negative=negative, min_count=1, epochs=1, workers=1)
    auto = Word2Vec(CORPUS, progress=False, **kw)
    same = Word2Vec(CORPUS, progress=False, kernel=expected, **kw)
    other = Word2Vec(
        CORPUS, progress=False, kernel="pair" if expected == "batched" else "batched", **kw
    )
    assert auto.config.kernel == "auto"
    assert auto.w_in.tobytes() == same.w_in.tobytes()
    assert auto.w_in.tobytes() != other.w_in.tobytes()
