"""fastw2v.Phrases: counts and scores against the Python reference, phrase sets against
gensim and word2phrase, edge cases, bad parameters, files and the command line."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import phrases_reference as ref
import pytest

from fastw2v.cli import main
from fastw2v.phrases import FrozenPhrases, Phrases

PLANTED = [("new", "york"), ("san", "francisco"), ("ice", "cream"), ("new", "zealand")]


def make_corpus(seed=0, n_sentences=400, vocab=60, max_len=15):
    """Zipf-distributed words with planted pairs; sentences of 1 .. max_len tokens."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    p = 1.0 / np.arange(1, vocab + 1)
    p /= p.sum()
    sentences = []
    for _ in range(n_sentences):
        sentence: list[str] = []
        for _ in range(int(rng.integers(1, max_len + 1))):
            if rng.random() < 0.12:
                sentence.extend(PLANTED[int(rng.integers(len(PLANTED)))])
            else:
                sentence.append(words[int(rng.choice(vocab, p=p))])
        sentences.append(sentence)
    return sentences


def write_corpus(path, sentences):
    path.write_text("".join(" ".join(s) + "\n" for s in sentences), encoding="utf-8")
    return path


def model_counts(model):
    """The model's counts as the reference's dicts."""
    w = model.words
    uni = {w[i]: int(c) for i, c in enumerate(model.word_counts) if c > 0}
    bi = {
        (w[a], w[b]): int(c)
        for a, b, c in zip(model.bigram_a.tolist(), model.bigram_b.tolist(),
                           model.bigram_counts.tolist())
    }  # fmt: skip
    return uni, bi


def model_pairs(model):
    return {tuple(k.split(model.delimiter)): v for k, v in model.export_phrases().items()}


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture
def corpus_file(tmp_path, corpus):
    return write_corpus(tmp_path / "corpus.txt", corpus)


# ---------------------------------------------------------------------- counting


@pytest.mark.parametrize("max_vocab_size", [40_000_000, 300, 80])
@pytest.mark.parametrize("source", ["lists", "file"])
def test_counts_match_reference(corpus, corpus_file, max_vocab_size, source):
    model = Phrases(
        corpus if source == "lists" else corpus_file, min_count=1, max_vocab_size=max_vocab_size
    )
    uni, bi, words, min_reduce, prunes = ref.count(corpus, max_vocab_size)
    assert model_counts(model) == (uni, bi)
    assert model.corpus_word_count == words == sum(map(len, corpus))
    assert (model.min_reduce, model.prunes) == (min_reduce, prunes)
    if max_vocab_size < 1000:
        assert model.prunes > 0  # the bound really was hit


def test_pruning_bounds_the_table(corpus):
    model = Phrases(corpus, max_vocab_size=80)
    assert np.count_nonzero(model.word_counts) + len(model.bigram_a) <= 80


@pytest.mark.parametrize("scoring,threshold", [("default", 1.0), ("default", 10.0), ("npmi", 0.5)])
def test_scores_and_phrases_match_reference(corpus, scoring, threshold):
    model = Phrases(corpus, min_count=3, threshold=threshold, scoring=scoring)
    uni, bi, n, _, _ = ref.count(corpus, 10**9)
    scores = model.bigram_scores()
    w = model.words
    for a, b, s in zip(model.bigram_a.tolist(), model.bigram_b.tolist(), scores.tolist()):
        expected = ref.score(uni[w[a]], uni[w[b]], bi[(w[a], w[b])], n, 3, scoring)
        if expected is None:
            assert s == -np.inf
        else:
            assert s == pytest.approx(expected, rel=1e-12)
    want = ref.phrases(uni, bi, n, 3, threshold, scoring)
    got = model_pairs(model)
    assert got.keys() == want.keys()
    assert set(PLANTED) <= set(got)
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-12)


def test_transform_matches_reference_join(corpus, corpus_file, tmp_path):
    model = Phrases(corpus_file, min_count=3, threshold=10.0)
    pairs = set(model_pairs(model))
    want = [ref.join(s, pairs) for s in corpus]
    assert list(model.transform(corpus)) == want
    assert model[corpus[0]] == want[0]
    out = tmp_path / "out.txt"
    model.transform_file(corpus_file, out)
    assert [line.split() for line in out.read_text().splitlines()] == want
    frozen = model.freeze()
    out2 = tmp_path / "out2.txt"
    frozen.transform_file(corpus_file, out2)
    assert out2.read_bytes() == out.read_bytes()


def test_a_joined_word_is_not_reused():
    sentences = [["a", "b", "c"]] * 20 + [["b", "c"]] * 20
    model = Phrases(sentences, min_count=1, threshold=0.0)
    assert {("a", "b"), ("b", "c")} <= set(model_pairs(model))
    assert model[["a", "b", "c"]] == ["a_b", "c"]
    assert model[["x", "b", "c", "a", "b"]] == ["x", "b_c", "a_b"]


def test_second_pass_gives_trigrams(tmp_path):
    rng = np.random.default_rng(3)
    sentences = []
    for _ in range(300):
        filler = [f"f{int(x)}" for x in rng.integers(0, 100, size=4)]
        sentences.append(filler[:2] + ["new", "york", "times"] + filler[2:])
    src = write_corpus(tmp_path / "in.txt", sentences)
    first = Phrases(src, min_count=5, threshold=3.0)
    bigrams = tmp_path / "bigrams.txt"
    first.transform_file(src, bigrams)
    assert "new_york" in bigrams.read_text().split()
    second = Phrases(bigrams, min_count=5, threshold=3.0)
    trigrams = tmp_path / "trigrams.txt"
    second.transform_file(bigrams, trigrams)
    assert trigrams.read_text().split().count("new_york_times") == 300
    # The same through the Python API, as gensim users chain Phrases.
    assert "new_york_times" in second[first[sentences[0]]]


def test_delimiter_and_compressed_crlf_input(tmp_path, corpus):
    import gzip

    plain = write_corpus(tmp_path / "a.txt", corpus)
    packed = tmp_path / "b.txt.gz"
    with gzip.open(packed, "wb") as fh:
        fh.write(plain.read_bytes().replace(b"\n", b"\r\n"))
    m1 = Phrases(plain, min_count=3, threshold=10.0, delimiter="+")
    m2 = Phrases(packed, min_count=3, threshold=10.0, delimiter="+")
    assert m1.export_phrases() == m2.export_phrases()
    assert "new+york" in m1.export_phrases()


# ---------------------------------------------------------------------- peers


def _w2p_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """word2phrase's score for gensim (gensim's own 'default' uses len_vocab instead)."""
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return float("-inf")
    return (bigram_count - min_count) / worda_count / wordb_count * corpus_word_count


@pytest.mark.parametrize("scoring,threshold", [("default", 10.0), ("npmi", 0.25)])
def test_same_phrases_as_gensim(corpus, scoring, threshold):
    gensim_phrases = pytest.importorskip("gensim.models.phrases")
    theirs = gensim_phrases.Phrases(
        corpus, min_count=3, threshold=threshold,
        scoring=_w2p_scorer if scoring == "default" else "npmi",
    )  # fmt: skip
    ours = Phrases(corpus, min_count=3, threshold=threshold, scoring=scoring)
    got, want = ours.export_phrases(), theirs.export_phrases()
    assert got.keys() == want.keys() and len(got) >= len(PLANTED)
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-9)
    frozen = theirs.freeze()
    assert list(ours.transform(corpus)) == [frozen[s] for s in corpus]


def test_same_output_as_word2phrase(tmp_path, corpus):
    binary = shutil.which("word2phrase") or (
        "/work/venv/bin/word2phrase" if os.path.exists("/work/venv/bin/word2phrase") else None
    )
    if binary is None:
        pytest.skip("word2phrase (PyPI package word2vec) is not installed")
    src = write_corpus(tmp_path / "in.txt", corpus)
    model = Phrases(src, min_count=3)
    # word2phrase scores in float32: put the threshold between two distinct scores, far from
    # both, so that rounding cannot move a pair across it.
    scores = np.unique(model.bigram_scores()[np.isfinite(model.bigram_scores())])
    k = int(np.searchsorted(scores, 5.0))
    threshold = float((scores[k - 1] + scores[k]) / 2)
    model = Phrases(src, min_count=3, threshold=threshold)
    ours, theirs = tmp_path / "ours.txt", tmp_path / "theirs.txt"
    model.transform_file(src, ours)
    subprocess.run(
        # relative paths: word2phrase keeps file names in 60-byte buffers
        [binary, "-train", src.name, "-output", theirs.name, "-min-count", "3",
         "-threshold", repr(threshold), "-debug", "0"],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    # word2phrase writes " word" / "_word" and keeps empty lines; compare the tokens per line.
    theirs_lines = [line.split() for line in theirs.read_text().splitlines() if line.split()]
    ours_lines = [line.split() for line in ours.read_text().splitlines()]
    assert ours_lines == theirs_lines
    assert any("_" in w for line in ours_lines for w in line)


# ---------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("kind", ["lists", "file"])
def test_empty_corpus(tmp_path, kind):
    src = tmp_path / "empty.txt"
    src.write_text("")
    model = Phrases([] if kind == "lists" else src)
    assert model.corpus_word_count == 0 and model.words == [] and len(model.freeze()) == 0
    assert list(model.transform([])) == []
    out = tmp_path / "out.txt"
    model.transform_file(src, out)
    assert out.read_text() == ""


def test_one_word_sentences(tmp_path):
    sentences = [["a"], ["b"], ["a"]] * 10
    model = Phrases(sentences, min_count=1, threshold=0.0)
    assert len(model.bigram_a) == 0 and model.export_phrases() == {}
    assert list(model.transform(sentences)) == sentences
    src = write_corpus(tmp_path / "in.txt", sentences)
    assert len(Phrases(src, min_count=1).bigram_a) == 0


def test_threshold_so_high_nothing_joins(corpus, corpus_file, tmp_path):
    model = Phrases(corpus_file, min_count=1, threshold=1e300)
    assert len(model.freeze()) == 0
    assert list(model.transform(corpus)) == corpus
    out = tmp_path / "out.txt"
    model.transform_file(corpus_file, out)
    assert out.read_text() == corpus_file.read_text()


def test_unknown_words_pass_through(corpus):
    model = Phrases(corpus, min_count=3, threshold=10.0)
    assert model[["never", "seen", "new", "york"]] == ["never", "seen", "new_york"]


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"min_count": 0}, "min_count"),
        ({"min_count": 2.5}, "min_count"),
        ({"min_count": True}, "min_count"),
        ({"threshold": float("nan")}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"scoring": "npmi", "threshold": 2.0}, "threshold"),
        ({"scoring": "pmi"}, "scoring"),
        ({"delimiter": ""}, "delimiter"),
        ({"delimiter": " "}, "delimiter"),
        ({"max_vocab_size": 0}, "max_vocab_size"),
        ({"max_sentence_length": 0}, "max_sentence_length"),
    ],
)
def test_bad_parameters_are_named_before_any_work(kwargs, name):
    class Exploding:
        def __iter__(self):
            raise AssertionError("the corpus was read before the parameters were checked")

    with pytest.raises(ValueError, match=f"^{name}"):
        Phrases(Exploding(), **kwargs)


def test_bad_sentences():
    with pytest.raises(TypeError, match="list of tokens"):
        Phrases(["a sentence as one string"])
    with pytest.raises(TypeError, match="tokens must be str"):
        Phrases([["a", 1]])
    with pytest.raises(FileNotFoundError):
        Phrases("/nonexistent/corpus.txt")


def test_transform_file_never_overwrites_its_input(corpus_file, tmp_path):
    model = Phrases(corpus_file, min_count=3, threshold=10.0)
    before = corpus_file.read_bytes()
    link = tmp_path / "link.txt"
    link.symlink_to(corpus_file)
    hard = tmp_path / "hard.txt"
    os.link(corpus_file, hard)
    for out in (corpus_file, link, hard):
        with pytest.raises(ValueError, match="would overwrite"):
            model.transform_file(corpus_file, out)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        model.transform_file(corpus_file, tmp_path / "no" / "out.txt")
    assert corpus_file.read_bytes() == before


# ---------------------------------------------------------------------- files


def test_save_load_round_trip(corpus, tmp_path):
    model = Phrases(corpus + [["é", "ü\u2028x"]], min_count=3, threshold=10.0, scoring="default")
    model.save(tmp_path / "m.npz")
    back = Phrases.load(tmp_path / "m.npz")
    assert back.params == model.params and back.words == model.words
    for name in ("word_counts", "bigram_a", "bigram_b", "bigram_counts"):
        assert np.array_equal(getattr(back, name), getattr(model, name))
    assert (back.corpus_word_count, back.prunes) == (model.corpus_word_count, model.prunes)
    assert back.export_phrases() == model.export_phrases()
    frozen = model.freeze()
    frozen.save(tmp_path / "f.npz")
    thawed = FrozenPhrases.load(tmp_path / "f.npz")
    assert thawed.export_phrases() == frozen.export_phrases()
    assert list(thawed.transform(corpus)) == list(model.transform(corpus))


def test_load_refuses_the_wrong_file(corpus, tmp_path):
    model = Phrases(corpus, min_count=3)
    model.save(tmp_path / "m.npz")
    model.freeze().save(tmp_path / "f.npz")
    with pytest.raises(ValueError, match="FrozenPhrases.load"):
        Phrases.load(tmp_path / "f.npz")
    with pytest.raises(ValueError, match="Phrases.load"):
        FrozenPhrases.load(tmp_path / "m.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a fastw2v phrases file"):
        Phrases.load(junk)


def test_save_is_atomic(corpus, tmp_path, monkeypatch):
    model = Phrases(corpus, min_count=3)
    target = tmp_path / "m.npz"
    target.write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(target)
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["m.npz"]


def test_freeze_keeps_only_the_phrases(corpus):
    model = Phrases(corpus, min_count=3, threshold=10.0)
    frozen = model.freeze()
    assert len(frozen) == len(model.export_phrases()) > 0
    assert set(frozen.words) == {w for k in model.export_phrases() for w in k.split("_")}
    assert np.all(frozen.scores > 10.0) and np.all(np.diff(frozen.scores) <= 0)
    assert frozen.phrasegrams == model.phrasegrams


# ---------------------------------------------------------------------- command line


def test_cli_writes_what_the_api_writes(corpus_file, tmp_path, capsys):
    out, tsv = tmp_path / "cli.txt", tmp_path / "p.tsv"
    rc = main(["phrases", "-train", str(corpus_file), "-output", str(out), "-threshold", "10",
               "-min-count", "3", "-debug", "0", "--save-phrases", str(tsv)])  # fmt: skip
    assert rc == 0 and capsys.readouterr().out == ""
    api = tmp_path / "api.txt"
    model = Phrases(corpus_file, min_count=3, threshold=10.0)
    model.transform_file(corpus_file, api)
    assert out.read_bytes() == api.read_bytes()
    assert [line.split("\t")[0] for line in tsv.read_text().splitlines()] == list(
        model.export_phrases()
    )
    rc = main(["phrases", "--train", str(corpus_file), "--output", str(tmp_path / "n.txt"),
               "--scoring", "npmi", "--threshold", "0.3"])  # fmt: skip
    assert rc == 0 and "Phrases:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra,message",
    [
        (["-min-count", "0"], "min_count must be >= 1, got 0 (-min-count)"),
        (["--scoring", "npmi", "-threshold", "5"], "(-threshold)"),
        (["--max-vocab-size", "0"], "(--max-vocab-size)"),
    ],
)
def test_cli_bad_flags_one_line(corpus_file, tmp_path, capsys, extra, message):
    rc = main(["phrases", "-train", str(corpus_file), "-output", str(tmp_path / "o.txt"), *extra])
    err = capsys.readouterr().err
    assert rc == 1 and message in err and err.count("\n") == 1
    assert not (tmp_path / "o.txt").exists()


def test_cli_refuses_output_equal_to_input(corpus_file, capsys):
    before = corpus_file.read_bytes()
    rc = main(["phrases", "-train", str(corpus_file), "-output", str(corpus_file)])
    err = capsys.readouterr().err
    assert rc == 1 and "would overwrite" in err and err.count("\n") == 1
    assert corpus_file.read_bytes() == before


# ---------------------------------------------------------------------- the C layer


def test_kernel_checks_its_arguments():
    from fastw2v import _phrases

    counter = _phrases.Counter(100, 10)
    with pytest.raises(ValueError, match="negative"):
        counter.feed_ids(np.array([0, -1], np.int32), np.array([2], np.int64))
    with pytest.raises(ValueError, match="outside"):
        counter.feed_ids(np.array([0, 1], np.int32), np.array([3], np.int64))
    with pytest.raises(ValueError, match="outside"):
        counter.feed_ids(np.array([0, 1], np.int32), np.array([2, 1], np.int64))
    assert counter.words_counted == 0  # nothing counted by a refused call
    with pytest.raises(ValueError, match="max_entries"):
        _phrases.Counter(0, 10)
    with pytest.raises(ValueError, match="refers to no word"):
        _phrases.Joiner([b"a"], np.array([0], np.int32), np.array([1], np.int32), b"_", 10)
    with pytest.raises(ValueError, match="duplicate"):
        _phrases.Joiner([b"a", b"a"], np.zeros(0, np.int32), np.zeros(0, np.int32), b"_", 10)


def test_counts_are_the_same_in_any_block_size(tmp_path, corpus):
    from fastw2v.corpus import PathCorpus

    src = write_corpus(tmp_path / "in.txt", corpus)
    whole = Phrases(src, min_count=1, max_vocab_size=300)
    tiny = Phrases(PathCorpus(src, block_size=7), min_count=1, max_vocab_size=300)
    assert model_counts(tiny) == model_counts(whole)


def test_unicode_and_directory_corpus(tmp_path):
    sentences = [["le", "café", "crème", "est", "chaud"], ["un", "café", "crème"]] * 30
    sentences += [["un", "thé"], ["le", "café", "noir"]] * 5
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_corpus(folder / "a.txt", sentences[:60])
    write_corpus(folder / "b.txt", sentences[60:])
    from_files = Phrases(folder, min_count=3, threshold=1.0)
    from_lists = Phrases(sentences, min_count=3, threshold=1.0)
    assert from_files.export_phrases() == from_lists.export_phrases()
    assert "café_crème" in from_files.export_phrases()
    out = tmp_path / "out.txt"
    from_files.transform_file(folder, out)
    assert [line.split() for line in out.read_text(encoding="utf-8").splitlines()] == list(
        from_lists.transform(sentences)
    )


def test_one_thread_runs_are_identical(corpus_file, tmp_path):
    a = Phrases(corpus_file, min_count=2, max_vocab_size=200)
    b = Phrases(corpus_file, min_count=2, max_vocab_size=200)
    a.save(tmp_path / "a.npz")
    b.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_public_names():
    import fastw2v

    assert fastw2v.Phrases is Phrases and fastw2v.FrozenPhrases is FrozenPhrases
    assert {"Phrases", "FrozenPhrases"} <= set(fastw2v.__all__)
