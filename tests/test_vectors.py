"""KeyedVectors: look-ups, queries (against gensim and brute force), formats, export."""

from __future__ import annotations

import argparse
import struct
from pathlib import Path

import numpy as np
import pytest

from fastw2v.vectors import KeyedVectors, load_vectors, main_analogy, main_similar, top_k

DIM = 8


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(42)
    words = [f"w{i}" for i in range(50)] + ["king", "queen", "man", "woman", "Paris", "café"]
    return KeyedVectors(
        words, rng.standard_normal((len(words), DIM)).astype(np.float32), np.arange(56, 0, -1)
    )


def gensim_copy(kv: KeyedVectors):  # noqa: ANN201 (gensim is an optional test dependency)
    gensim = pytest.importorskip("gensim")
    g = gensim.models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.words, kv.vectors.copy())
    return g


def brute_force(kv: KeyedVectors, query: np.ndarray, topn: int, exclude: set[int]) -> list[str]:
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    sims = unit.astype(np.float64) @ (query / np.linalg.norm(query))
    order = [i for i in np.argsort(-sims) if i not in exclude]
    return [kv.words[i] for i in order[:topn]]


# ---------------------------------------------------------------- look-ups


def test_lookups(kv: KeyedVectors) -> None:
    assert len(kv) == 56 and kv.vector_size == DIM
    assert "king" in kv and "emperor" not in kv and 3 not in kv
    assert kv.index_of("queen") == 51 and kv.key_to_index["queen"] == 51
    assert kv.words[0] == "w0" and kv.index_to_key is kv.words
    np.testing.assert_array_equal(kv["king"], kv.vectors[50])
    assert kv["king"].base is kv.vectors or np.shares_memory(kv["king"], kv.vectors)
    both = kv[["man", "woman"]]
    assert both.shape == (2, DIM)
    np.testing.assert_array_equal(both[1], kv.vectors[53])


def test_missing_word_keyerror_names_it(kv: KeyedVectors) -> None:
    with pytest.raises(KeyError, match="emperor"):
        kv["emperor"]
    with pytest.raises(KeyError, match="emperor"):
        kv.most_similar("emperor")
    with pytest.raises(KeyError, match="nope"):
        kv[["king", "nope"]]


def test_constructor_validation() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        KeyedVectors(["a", "a"], np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="2 words but 3"):
        KeyedVectors(["a", "b"], np.zeros((3, 3), np.float32))
    with pytest.raises(ValueError, match="2-D"):
        KeyedVectors(["a"], np.zeros(3, np.float32))


def test_vectors_kept_by_reference_and_norms_reset(kv: KeyedVectors) -> None:
    matrix = np.ascontiguousarray(kv.vectors)
    live = KeyedVectors(kv.words, matrix)
    assert live.vectors is matrix
    before = live.most_similar("king", topn=1)[0][0]
    # The trainer keeps updating its matrix in place, then drops the cached norms.
    matrix[live.index_of("w7")] = matrix[live.index_of("king")] * 3
    assert live.most_similar("king", topn=1)[0][0] == before  # stale cache until reset
    live.reset_norms()
    assert live.most_similar("king", topn=1)[0] == ("w7", pytest.approx(1.0, abs=1e-6))
    live._invalidate()
    assert live._normed is None


def test_normed_vectors_cached_and_unit(kv: KeyedVectors) -> None:
    normed = kv.get_normed_vectors()
    assert normed is kv.get_normed_vectors()
    np.testing.assert_allclose(np.linalg.norm(normed, axis=1), 1.0, rtol=1e-6)
    zero = KeyedVectors(["a", "b"], np.array([[0, 0], [1, 0]], np.float32))
    np.testing.assert_array_equal(zero.get_normed_vectors()[0], [0, 0])


# ---------------------------------------------------------------- queries


def test_most_similar_matches_gensim(kv: KeyedVectors) -> None:
    g = gensim_copy(kv)
    for kwargs in (
        {"positive": ["king"]},
        {"positive": ["king", "woman"], "negative": ["man"]},
        {"positive": ["king"], "negative": ["w3"], "restrict_vocab": 30},
        {"negative": ["queen"], "topn": 5},
    ):
        ours = kv.most_similar(**kwargs)
        theirs = g.most_similar(**kwargs)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_most_similar_excludes_inputs_and_agrees_with_brute_force(kv: KeyedVectors) -> None:
    normed = kv.get_normed_vectors().astype(np.float64)
    query = normed[50] - normed[52] + normed[53]
    ours = [w for w, _ in kv.most_similar(positive=["king", "woman"], negative=["man"], topn=7)]
    assert ours == brute_force(kv, query, 7, {50, 52, 53})
    assert not {"king", "woman", "man"} & set(ours)


def test_most_similar_topn_none_returns_all_scores(kv: KeyedVectors) -> None:
    scores = kv.most_similar("king", topn=None)
    assert isinstance(scores, np.ndarray) and scores.shape == (56,)
    assert scores[50] == pytest.approx(1.0, abs=1e-6)
    assert kv.most_similar("king", topn=None, restrict_vocab=10).shape == (10,)
    assert kv.most_similar("king", topn=0) == []


def test_restrict_vocab_limits_search(kv: KeyedVectors) -> None:
    result = kv.most_similar("king", topn=100, restrict_vocab=20)
    assert len(result) == 20 and all(kv.index_of(w) < 20 for w, _ in result)


def test_similar_by_vector_finds_word_itself(kv: KeyedVectors) -> None:
    best = kv.similar_by_vector(kv["queen"] * 5.0, topn=3)
    assert best[0][0] == "queen" and best[0][1] == pytest.approx(1.0, abs=1e-6)
    assert len(best) == 3


def test_batched_queries_equal_one_by_one(kv: KeyedVectors) -> None:
    rng = np.random.default_rng(0)
    queries = rng.standard_normal((13, DIM)).astype(np.float32)
    batch = kv.similar_by_vector(queries, topn=6)
    assert len(batch) == 13
    for query, answer in zip(queries, batch):
        single = kv.similar_by_vector(query, topn=6)
        assert [w for w, _ in answer] == [w for w, _ in single]
        np.testing.assert_allclose([s for _, s in answer], [s for _, s in single], atol=1e-6)
    all_scores = kv.similar_by_vector(queries, topn=None, restrict_vocab=40)
    assert all_scores.shape == (13, 40)

    words = kv.words[::3]
    by_batch = kv.most_similar_batch(words, topn=4, restrict_vocab=45)
    for word, answer in zip(words, by_batch):
        single = kv.most_similar(word, topn=4, restrict_vocab=45)
        assert [w for w, _ in answer] == [w for w, _ in single]
        assert word not in [w for w, _ in answer]


def test_batches_span_several_blocks(kv: KeyedVectors, monkeypatch: pytest.MonkeyPatch) -> None:
    import fastw2v.similarity as module  # the block size of every batched scoring

    full = kv.most_similar_batch(kv.words, topn=3)
    monkeypatch.setattr(module, "BLOCK_ENTRIES", 56 * 4)  # 4 queries per block
    blocked = kv.most_similar_batch(kv.words, topn=3)
    assert [[w for w, _ in row] for row in blocked] == [[w for w, _ in row] for row in full]
    np.testing.assert_allclose(
        [[s for _, s in row] for row in blocked], [[s for _, s in row] for row in full], atol=1e-6
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim calls its own init_sims
def test_similarity_doesnt_match_cosmul_match_gensim(kv: KeyedVectors) -> None:
    g = gensim_copy(kv)
    assert kv.similarity("king", "queen") == pytest.approx(
        float(g.similarity("king", "queen")), abs=1e-6
    )
    assert kv.similarity("king", "king") == pytest.approx(1.0, abs=1e-6)
    group = ["king", "queen", "man", "woman", "w4"]
    assert kv.doesnt_match(group) == g.doesnt_match(group)
    ours = kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5)
    theirs = g.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)
    np.testing.assert_allclose(
        kv.most_similar_cosmul("king", topn=None),
        g.most_similar_cosmul("king", topn=None),
        rtol=1e-5,
    )
    assert kv.n_similarity(["king", "man"], ["queen"]) == pytest.approx(
        float(g.n_similarity(["king", "man"], ["queen"])), abs=1e-6
    )


def test_doesnt_match_planted() -> None:
    vectors = np.array([[1, 0.1], [1, -0.1], [0.9, 0], [-1, 0.2]], np.float32)
    kv = KeyedVectors(["a", "b", "c", "odd"], vectors)
    assert kv.doesnt_match(["a", "odd", "b", "c"]) == "odd"
    with pytest.raises(KeyError, match="zz"):
        kv.doesnt_match(["a", "zz"])


def test_zero_query_is_an_error(kv: KeyedVectors) -> None:
    with pytest.raises(ValueError, match="zero"):
        kv.most_similar(positive=["king"], negative=["king"])
    with pytest.raises(ValueError):
        kv.most_similar()


def test_top_k() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, -1.0])
    assert top_k(scores, 3).tolist() == [1, 3, 2]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 0, 4]
    assert top_k(scores, 0).tolist() == []


# ---------------------------------------------------------------- word2vec formats


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_roundtrip_exact(kv: KeyedVectors, tmp_path: Path, binary: bool) -> None:
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=binary)
    back = KeyedVectors.load_word2vec_format(path)  # format auto-detected
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    again = KeyedVectors.load_word2vec_format(path, binary=binary, limit=5)
    assert again.words == kv.words[:5] and again.vectors.shape == (5, DIM)


def test_binary_layout_is_word2vec_c(tmp_path: Path) -> None:
    kv = KeyedVectors(["ab", "é"], np.array([[1.5, -2.0], [0.25, 3.0]], np.float32))
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=True)
    expected = b"2 2\n" + b"ab " + struct.pack("<2f", 1.5, -2.0) + b"\n"
    expected += "é ".encode() + struct.pack("<2f", 0.25, 3.0) + b"\n"
    assert path.read_bytes() == expected


def test_binary_without_newlines_is_read(tmp_path: Path) -> None:
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 2\nab " + struct.pack("<2f", 1, 2) + b"cd " + struct.pack("<2f", 3, 4))
    kv = KeyedVectors.load_word2vec_format(path)
    assert kv.words == ["ab", "cd"]
    np.testing.assert_array_equal(kv.vectors, [[1, 2], [3, 4]])


def test_save_limit(kv: KeyedVectors, tmp_path: Path) -> None:
    kv.save_word2vec_format(tmp_path / "v.txt", limit=3)
    lines = (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"3 {DIM}" and len(lines) == 4 and lines[3].startswith("w2 ")


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_ours_and_we_read_gensims(
    kv: KeyedVectors, tmp_path: Path, binary: bool
) -> None:
    gensim = pytest.importorskip("gensim")
    ours = tmp_path / "ours"
    kv.save_word2vec_format(ours, binary=binary)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
    assert g.index_to_key == kv.words
    np.testing.assert_array_equal(g.vectors, kv.vectors)

    theirs = tmp_path / "theirs"
    gensim_copy(kv).save_word2vec_format(str(theirs), binary=binary)
    back = KeyedVectors.load_word2vec_format(theirs)
    assert back.words == kv.words
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("2 3\na 1 2 3\nb 1 2\n", r"line 3: expected a word and 3 values, found 2"),
        ("2 3\na 1 2 3\nb 1 x 3\n", r"line 3: expected a number, got 'x'"),
        ("3 3\na 1 2 3\nb 1 2 3\n", r"ends at line 3, after 2 vectors; the header promised 3"),
        ("1 3\na 1 2 3\nb 1 2 3\n", r"line 3: the header promised 1 vectors"),
        ("2 3\na 1 2 3\nb 1 nan 3\n", r"line 3 \(word 'b'\): NaN or infinite"),
        ("2 3\na 1 2 3\nb 1 inf 3\n", r"line 3 \(word 'b'\): NaN or infinite"),
        ("two three\na 1 2 3\n", r"line 1: expected a header 'V D'"),
        ("", r"empty file"),
        ("2 3", r"file ends after the header"),
    ],
)
def test_text_format_errors(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path / "bad.txt", body)
    with pytest.raises(ValueError, match=message) as info:
        KeyedVectors.load_word2vec_format(path, binary=False if body else None)
    assert "bad.txt" in str(info.value)


def test_binary_format_errors(tmp_path: Path) -> None:
    good = b"2 2\nab " + struct.pack("<2f", 1, 2) + b"\ncd " + struct.pack("<2f", 3, 4) + b"\n"
    truncated = write(tmp_path / "cut.bin", good[:-5])
    with pytest.raises(
        ValueError, match=r"cut.bin: truncated at vector 2 of 2.*4 of 8 vector bytes"
    ):
        KeyedVectors.load_word2vec_format(truncated, binary=True)
    extra = write(tmp_path / "extra.bin", good + b"ef " + struct.pack("<2f", 5, 6))
    with pytest.raises(ValueError, match=r"header promised 2 vectors but 12 bytes follow"):
        KeyedVectors.load_word2vec_format(extra, binary=True)
    assert KeyedVectors.load_word2vec_format(extra, binary=True, limit=2).words == ["ab", "cd"]
    nan = write(
        tmp_path / "nan.bin", good.replace(struct.pack("<2f", 3, 4), struct.pack("<2f", 3, np.nan))
    )
    with pytest.raises(ValueError, match=r"vector 2 \(word 'cd'\): NaN"):
        KeyedVectors.load_word2vec_format(nan)
    short_header = write(tmp_path / "more.bin", b"5 2\n" + good[4:])
    with pytest.raises(ValueError, match=r"truncated at vector 3 of 5"):
        KeyedVectors.load_word2vec_format(short_header)


def test_duplicate_word_in_file_keeps_first(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.txt", "3 2\na 1 2\nb 3 4\na 5 6\n")
    with pytest.warns(UserWarning, match="duplicate word 'a'"):
        kv = KeyedVectors.load_word2vec_format(path)
    assert kv.words == ["a", "b"]
    np.testing.assert_array_equal(kv["a"], [1, 2])


def test_unwritable_words_rejected_and_old_file_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "v.txt", "old contents")
    kv = KeyedVectors(["fine", "two words"], np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="'two words'"):
        kv.save_word2vec_format(path)
    assert path.read_text() == "old contents"
    assert not [p for p in tmp_path.iterdir() if p.name != "v.txt"]  # no temporary left behind


# ---------------------------------------------------------------- native format


def test_native_roundtrip_memory_mapped(kv: KeyedVectors, tmp_path: Path) -> None:
    kv.save(tmp_path / "kv")
    back = KeyedVectors.load(tmp_path / "kv")
    assert isinstance(back.vectors.base, np.memmap) or isinstance(back.vectors, np.memmap)
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back.counts, kv.counts)
    assert back.most_similar("king", topn=3) == kv.most_similar("king", topn=3)
    in_memory = KeyedVectors.load(tmp_path / "kv", mmap=False)
    assert not isinstance(in_memory.vectors, np.memmap) and in_memory.vectors.flags.writeable
    assert load_vectors(tmp_path / "kv", limit=4).words == kv.words[:4]


def test_native_without_counts_and_mismatch(tmp_path: Path) -> None:
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.save(tmp_path / "kv")
    assert KeyedVectors.load(tmp_path / "kv").counts is None
    (tmp_path / "kv" / "vocab.tsv").write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lists 3 words"):
        KeyedVectors.load(tmp_path / "kv")
    with pytest.raises(FileNotFoundError, match="not a fastw2v vectors directory"):
        KeyedVectors.load(tmp_path / "missing")


# ---------------------------------------------------------------- embedding export


def test_embedding_matrix_own_vocabulary(kv: KeyedVectors) -> None:
    matrix = kv.embedding_matrix()
    assert matrix.shape == (len(kv) + 1, DIM) and matrix.dtype == np.float32
    assert not matrix[0].any()
    np.testing.assert_array_equal(matrix[1:], kv.vectors)
    assert not np.shares_memory(matrix, kv.vectors)


def test_embedding_matrix_and_ids_agree(kv: KeyedVectors) -> None:
    vocab = ["queen", "unknown1", "king", "café", "unknown2"]
    zeros = kv.embedding_matrix(vocab)
    assert zeros.shape == (6, DIM)
    assert not zeros[[0, 2, 5]].any()
    random = kv.embedding_matrix(vocab, unknown="random", seed=1)
    assert random[2].any() and random[5].any() and not random[0].any()
    np.testing.assert_array_equal(random[[1, 3, 4]], zeros[[1, 3, 4]])

    texts = [["king", "café", "nope", "queen"], ["queen"], []]
    ids = kv.texts_to_ids(texts, words=vocab)
    assert ids.shape == (3, 3) and ids.dtype == np.int64
    assert ids.tolist() == [[3, 4, 1], [1, 0, 0], [0, 0, 0]]
    # What an Embedding layer does: row lookup. Known tokens get their own vectors back.
    looked_up = zeros[ids]
    np.testing.assert_array_equal(looked_up[0], kv[["king", "café", "queen"]])

    own = kv.texts_to_ids(texts)  # default vocabulary: kv.words, ids = row + 1
    np.testing.assert_array_equal(kv.embedding_matrix()[own[0]], kv[["king", "café", "queen"]])


def test_texts_to_ids_padding_truncation_oov(kv: KeyedVectors) -> None:
    vocab = ["a", "b", "c", "d"]
    texts = [["a", "b", "c", "d"], ["x", "b"]]
    assert kv.texts_to_ids(texts, words=vocab, maxlen=3).tolist() == [[1, 2, 3], [2, 0, 0]]
    assert kv.texts_to_ids(
        texts, words=vocab, maxlen=3, truncating="pre", padding="pre"
    ).tolist() == [
        [2, 3, 4],
        [0, 0, 2],
    ]
    assert kv.texts_to_ids(texts, words=vocab, oov="pad").tolist() == [[1, 2, 3, 4], [0, 2, 0, 0]]
    assert kv.texts_to_ids([], words=vocab).shape == (0, 0)
    with pytest.raises(TypeError, match="token lists"):
        kv.texts_to_ids(["a b"], words=vocab)


# ---------------------------------------------------------------- commands and plot


def test_similar_and_analogy_commands(
    kv: KeyedVectors, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(path)
    main_similar(argparse.Namespace(vectors=str(path), words=["king"], topn=2, limit=None))
    out = capsys.readouterr().out
    assert out.startswith("king:") and kv.most_similar("king", topn=1)[0][0] in out
    main_analogy(
        argparse.Namespace(
            vectors=str(path), a="man", b="king", c="woman", topn=1, limit=None, cosmul=False
        )
    )
    expected = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    assert expected in capsys.readouterr().out
    with pytest.raises(KeyError, match="emperor"):
        main_similar(
            argparse.Namespace(vectors=str(path), words=["king", "emperor"], topn=2, limit=None)
        )
    assert "king" not in capsys.readouterr().out  # failed before printing anything


def test_plot_writes_png(kv: KeyedVectors, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from fastw2v.plot import pca_2d, plot_words

    out = tmp_path / "words.png"
    coords = plot_words(kv, ["king", "queen", "man", "woman"], out)
    assert coords.shape == (4, 2)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # PCA keeps pairwise distances when the points span only two dimensions.
    flat = np.array([[0, 0, 0], [3, 0, 0], [0, 4, 0]], dtype=np.float32)
    projected = pca_2d(flat)
    assert np.linalg.norm(projected[1] - projected[2]) == pytest.approx(5.0)
    with pytest.raises(KeyError, match="nope"):
        plot_words(kv, ["king", "nope"], out)


def test_word2vec_writer_refuses_exactly_the_words_a_split_would_change():
    # encode_words checks without splitting (no new string per word): it must refuse
    # exactly what the old check refused, ("\n".join(words).split() != words), and name
    # the word.
    import random

    from fastw2v.formats import encode_words

    spaces = [c for c in map(chr, range(0x3001)) if c.isspace()]  # \x1c-\x1f, \x85, \u2028...
    atoms = ["a", "b", "é", "\u200b", "\ufeff", "", *spaces]
    rng = random.Random(11)
    for _ in range(3000):
        words = ["".join(rng.choices(atoms, k=rng.randint(0, 3))) for _ in range(rng.randint(1, 4))]
        bad = "\n".join(words).split() != words
        if bad:
            with pytest.raises(ValueError, match="empty or holds whitespace"):
                encode_words(words)
        else:
            data, starts = encode_words(words)
            assert data == "\n".join(words).encode() and len(starts) == len(words) + 1
    with pytest.raises(ValueError, match="empty or holds whitespace"):
        encode_words([" \ud800"])  # named before encoding fails on the lone surrogate
