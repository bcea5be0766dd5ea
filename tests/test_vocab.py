"""Tests of fastw2v.vocab: counting, ordering, derived tables, Huffman codes, file format."""

from __future__ import annotations

import heapq
import logging
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from fastw2v.vocab import HuffmanTree, Vocab

# ------------------------------------------------------------------------ building


def test_build_orders_by_count_then_first_appearance() -> None:
    corpus = [["d", "a", "c"], ["c", "a", "b"], ["e", "b", "d", "a"]]
    vocab = Vocab.build(corpus, min_count=1)
    # a:3; then d, c, b with 2 each in first-appearance order (not alphabetical); e:1.
    assert vocab.words == ["a", "d", "c", "b", "e"]
    assert vocab.counts.tolist() == [3, 2, 2, 2, 1]
    assert vocab.counts.dtype == np.int64
    assert vocab.index == {"a": 0, "d": 1, "c": 2, "b": 3, "e": 4}
    assert len(vocab) == 5
    assert vocab.total_words == 10
    assert "d" in vocab and "z" not in vocab


def test_build_min_count_and_max_size() -> None:
    corpus = [["x", "z", "z", "y", "y", "w", "w", "w"]]
    assert Vocab.build(corpus, min_count=2).words == ["w", "z", "y"]
    # max_size keeps the most frequent; of the tied z and y, the first seen.
    capped = Vocab.build(corpus, min_count=1, max_size=2)
    assert capped.words == ["w", "z"]
    assert capped.total_words == 5


def test_build_from_path(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("a b a\nb a\n", encoding="utf-8")
    vocab = Vocab.build(str(path), min_count=1)
    assert vocab.words == ["a", "b"] and vocab.counts.tolist() == [3, 2]


def test_build_accepts_one_shot_generator() -> None:
    # Counting is a single pass, so a generator is fine here (unlike for training).
    vocab = Vocab.build((["a", "b", "a"] for _ in range(3)), min_count=1)
    assert vocab.counts.tolist() == [6, 3]


@pytest.mark.parametrize("corpus", [[], [[], []]], ids=["no_sentences", "empty_sentences"])
def test_empty_corpus_is_an_error(corpus) -> None:
    with pytest.raises(ValueError, match="no words"):
        Vocab.build(corpus)


def test_min_count_error_reports_what_was_seen() -> None:
    corpus = [["a", "b", "a"], ["c", "a"]]
    with pytest.raises(ValueError) as info:
        Vocab.build(corpus, min_count=5)
    message = str(info.value)
    assert "min_count=5" in message
    assert "3 distinct words" in message
    assert "occurs 3 times" in message
    assert "lower min_count" in message


def test_string_sentences_are_refused_by_build() -> None:
    with pytest.raises(TypeError, match="list of tokens"):
        Vocab.build(["the cat sat", "on the mat"], min_count=1)


def test_max_vocab_size_bounds_counting_and_only_undercounts(caplog) -> None:
    rng = np.random.default_rng(0)
    # Zipf-like: a few frequent words and a long tail of rare ones.
    ids = np.minimum(rng.zipf(1.3, size=20_000), 5_000)
    corpus = [[f"w{i}" for i in ids[s : s + 50]] for s in range(0, len(ids), 50)]
    exact = Counter(w for s in corpus for w in s)
    with caplog.at_level(logging.INFO, logger="fastw2v.vocab"):
        pruned = Vocab.build(corpus, min_count=1, max_vocab_size=200)
    assert "pruned" in caplog.text
    assert len(pruned) <= 200 < len(exact)
    # Pruning forgets counts, it never invents them; the most frequent words survive.
    for word, count in zip(pruned.words, pruned.counts.tolist()):
        assert 1 <= count <= exact[word]
    top = [w for w, _ in exact.most_common(10)]
    assert set(top) <= set(pruned.words)
    assert pruned.counts[0] == exact.most_common(1)[0][1]


def test_max_vocab_size_none_equals_large_bound() -> None:
    corpus = [["a", "b", "c", "a"], ["b", "a"]]
    exact = Vocab.build(corpus, min_count=1)
    bounded = Vocab.build(corpus, min_count=1, max_vocab_size=100)
    assert bounded.words == exact.words
    assert bounded.counts.tolist() == exact.counts.tolist()


def test_from_counts_orders_ties_by_mapping_order() -> None:
    vocab = Vocab.from_counts({"q": 2, "p": 7, "r": 2, "s": 1}, min_count=2)
    assert vocab.words == ["p", "q", "r"]
    with pytest.raises(ValueError, match=">= 0"):
        Vocab.from_counts({"a": -1})
    with pytest.raises(ValueError, match="min_count=9"):
        Vocab.from_counts({"a": 3, "b": 8}, min_count=9)


@pytest.mark.parametrize(
    "words, counts, match",
    [
        (["a", "b"], [1, 2], "non-increasing"),
        (["a", "a"], [2, 1], "duplicate"),
        (["a"], [0], ">= 1"),
        ([], [], "at least one word"),
        (["a", "b"], [1], "2 words but 1 counts"),
    ],
)
def test_constructor_validates(words, counts, match) -> None:
    with pytest.raises(ValueError, match=match):
        Vocab(words, counts)


def test_counts_are_read_only() -> None:
    vocab = Vocab(["a", "b"], [3, 1])
    with pytest.raises(ValueError):
        vocab.counts[0] = 0


# ------------------------------------------------------------------- subsampling


def test_keep_probs_hand_computed() -> None:
    vocab = Vocab(["a", "b", "c"], [100, 10, 1])
    # total 111, t = 0.01 * 111 = 1.11; p = (sqrt(f / t) + 1) * t / f:
    #   f=100: (sqrt(90.0901) + 1) * 0.0111 = (9.49158 + 1) * 0.0111 = 0.1164565
    #   f=10:  (sqrt(9.00901) + 1) * 0.111  = (3.00150 + 1) * 0.111  = 0.4441666
    #   f=1:   (sqrt(0.900901) + 1) * 1.11  = 2.1636 -> clipped to 1
    probs = vocab.keep_probs(0.01)
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs, [0.11645654, 0.44416662, 1.0], rtol=1e-6)


def test_keep_probs_zero_and_negative_sample() -> None:
    vocab = Vocab(["a", "b"], [1000, 1])
    ones = vocab.keep_probs(0.0)
    assert ones.dtype == np.float32 and ones.tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="sample"):
        vocab.keep_probs(-1e-3)


# -------------------------------------------------------------- negative sampling


def test_noise_distribution_hand_computed() -> None:
    vocab = Vocab(["a", "b", "c"], [16, 16, 1])
    # 16 ** 0.75 = 8, 1 ** 0.75 = 1: weights 8, 8, 1 over 17.
    noise = vocab.noise_distribution()
    assert noise.dtype == np.float64
    np.testing.assert_allclose(noise, [8 / 17, 8 / 17, 1 / 17], rtol=1e-12)
    np.testing.assert_allclose(vocab.noise_distribution(1.0), [16 / 33, 16 / 33, 1 / 33])
    np.testing.assert_allclose(vocab.noise_distribution(0.0), [1 / 3] * 3)


def implied_distribution(prob: np.ndarray, alias: np.ndarray) -> np.ndarray:
    """Exact probability of each word under alias sampling with these tables."""
    n = len(prob)
    p = prob.astype(np.float64) / n
    np.add.at(p, alias, (1.0 - prob.astype(np.float64)) / n)
    return p


@pytest.mark.parametrize(
    "counts",
    [
        [7],
        [5, 5],
        [1000, 1],
        [9, 9, 9, 9, 9],
        sorted(np.random.default_rng(1).zipf(1.5, size=2000).tolist(), reverse=True),
        sorted(np.random.default_rng(2).integers(1, 10**9, size=500).tolist(), reverse=True),
    ],
    ids=["one_word", "two_equal", "skewed", "uniform", "zipf", "huge_counts"],
)
def test_alias_table_reproduces_noise_distribution(counts) -> None:
    vocab = Vocab([f"w{i}" for i in range(len(counts))], counts)
    prob, alias = vocab.alias_table()
    assert prob.dtype == np.float32 and alias.dtype == np.int32
    assert prob.shape == alias.shape == (len(counts),)
    assert np.all((prob >= 0) & (prob <= 1))
    assert np.all((alias >= 0) & (alias < len(counts)))
    np.testing.assert_allclose(
        implied_distribution(prob, alias), vocab.noise_distribution(), rtol=1e-5, atol=1e-7
    )


def test_alias_table_sampling_matches_distribution() -> None:
    vocab = Vocab(["a", "b", "c", "d"], [81, 16, 16, 1])
    prob, alias = vocab.alias_table()
    rng = np.random.default_rng(3)
    i = rng.integers(0, 4, size=400_000)
    u = rng.random(400_000)
    draws = np.where(u < prob[i], i, alias[i])
    freq = np.bincount(draws, minlength=4) / len(draws)
    # 81^.75 = 27, 16^.75 = 8, 1 -> 27/44, 8/44, 8/44, 1/44.
    np.testing.assert_allclose(freq, np.array([27, 8, 8, 1]) / 44, atol=3e-3)


# --------------------------------------------------------------------- Huffman


def as_lists(tree: HuffmanTree) -> tuple[list[list[int]], list[list[int]]]:
    n = len(tree.offsets) - 1
    codes = [tree.code(i)[0].tolist() for i in range(n)]
    points = [tree.code(i)[1].tolist() for i in range(n)]
    return codes, points


def test_huffman_hand_computed() -> None:
    tree = Vocab(["a", "b", "c", "d"], [5, 3, 2, 1]).huffman()
    # word2vec.c's CreateBinaryTree, V = 4, nodes 0-3 are words, 4-6 inner (rows 0-2):
    #   merge 1: the two rarest words d(1), c(2)      -> node 4 (count 3); c gets bit 1
    #   merge 2: node 4 (3) ties word b (3); the word is taken only if strictly smaller,
    #            so node 4 first (bit 0), then b (bit 1)  -> node 5 (count 6)
    #   merge 3: word a (5) < node 5 (6): a bit 0, node 5 bit 1 -> node 6 = root (row 2)
    # Codes read from the root; points are the rows of the inner nodes passed, root first.
    codes, points = as_lists(tree)
    assert codes == [[0], [1, 1], [1, 0, 1], [1, 0, 0]]
    assert points == [[2], [2, 1], [2, 1, 0], [2, 1, 0]]
    assert tree.codes.dtype == np.uint8
    assert tree.points.dtype == np.int32
    assert tree.offsets.dtype == np.int64
    assert tree.offsets.tolist() == [0, 1, 3, 6, 9]


def test_huffman_hand_computed_all_ties() -> None:
    tree = Vocab(["a", "b", "c"], [1, 1, 1]).huffman()
    # merge 1: c (first, bit 0) and b (bit 1) -> node 3 (count 2, row 0)
    # merge 2: a (1) < node 3 (2): a bit 0, node 3 bit 1 -> root, row 1
    codes, points = as_lists(tree)
    assert codes == [[0], [1, 1], [1, 0]]
    assert points == [[1], [1, 0], [1, 0]]


def test_huffman_one_word_has_empty_path() -> None:
    tree = Vocab(["only"], [42]).huffman()
    assert tree.offsets.tolist() == [0, 0]
    assert tree.codes.size == 0 and tree.points.size == 0
    assert tree.code_lengths().tolist() == [0]


def test_huffman_two_words_share_one_inner_node() -> None:
    codes, points = as_lists(Vocab(["a", "b"], [10, 1]).huffman())
    # b is the rarest, taken first (bit 0); a second (bit 1); the root is row 0.
    assert codes == [[1], [0]]
    assert points == [[0], [0]]


def heapq_huffman_cost(counts: list[int]) -> int:
    """Total weighted code length of an optimal prefix code (sum of all merge weights)."""
    heap = list(counts)
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


@pytest.mark.parametrize("seed", range(6))
def test_huffman_properties_on_random_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    v = int(rng.integers(2, 300))
    raw = rng.zipf(1.4, size=v) if seed % 2 else rng.integers(1, 20, size=v)
    counts = sorted(raw.tolist(), reverse=True)
    tree = Vocab([f"w{i}" for i in range(v)], counts).huffman()
    codes, points = as_lists(tree)

    # Prefix-free and complete: Kraft sum exactly 1 (a full binary tree).
    strings = sorted("".join(map(str, c)) for c in codes)
    assert all(len(s) > 0 for s in strings)
    assert not any(b.startswith(a) for a, b in zip(strings, strings[1:]))
    assert sum(2.0 ** -len(c) for c in codes) == pytest.approx(1.0, abs=1e-12)

    # Optimal: same expected length as any Huffman code.
    lengths = tree.code_lengths()
    assert int((lengths * np.array(counts)).sum()) == heapq_huffman_cost(counts)

    # Points: the root (row V-2) first; each code prefix names one inner node and each
    # of the V-1 inner nodes is named by exactly one prefix.
    node_of_prefix: dict[tuple[int, ...], int] = {}
    for code, pts in zip(codes, points):
        assert pts[0] == v - 2
        for d, p in enumerate(pts):
            assert node_of_prefix.setdefault(tuple(code[:d]), p) == p
    assert sorted(node_of_prefix.values()) == list(range(v - 1))


# -------------------------------------------------------------------- encoding


def test_encode_drops_out_of_vocabulary_tokens() -> None:
    vocab = Vocab(["a", "b", "c"], [3, 2, 1])
    ids = vocab.encode(["c", "zz", "a", "a", "qq", "b"])
    assert ids.dtype == np.int32
    assert ids.tolist() == [2, 0, 0, 1]
    assert vocab.encode(["zz"]).tolist() == []
    assert vocab.encode([]).dtype == np.int32
    assert vocab.encode(iter(["b"])).tolist() == [1]


# ------------------------------------------------------------------------- files


def test_save_load_round_trip(tmp_path: Path) -> None:
    vocab = Vocab(["the", "café", "日本", "a"], [10, 4, 4, 1])
    path = tmp_path / "vocab.txt"
    vocab.save(path)
    assert path.read_bytes() == "the 10\ncafé 4\n日本 4\na 1\n".encode()
    loaded = Vocab.load(path)
    assert loaded.words == vocab.words
    assert loaded.counts.tolist() == vocab.counts.tolist()
    assert not [p for p in os.listdir(tmp_path) if p != "vocab.txt"]  # no temp file left


def test_load_word2vec_c_file(tmp_path: Path) -> None:
    # word2vec.c writes its sentence marker with count 0 for a corpus without newlines;
    # out-of-order lines are sorted by count (stable), blank lines ignored.
    path = tmp_path / "w2v.vocab"
    path.write_bytes(b"</s> 0\nthe 9\r\n\nfox 2\nof 5\ndog 2\n")
    vocab = Vocab.load(str(path))
    assert vocab.words == ["the", "of", "fox", "dog"]
    assert vocab.counts.tolist() == [9, 5, 2, 2]


@pytest.mark.parametrize(
    "line", ["lonely", "two words 3", "neg -4", "frac 2.5", "hex 0x10"], ids=str
)
def test_load_bad_line_names_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.vocab"
    path.write_text(f"the 9\nof 5\n{line}\nend 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.vocab:3: expected 'word count'"):
        Vocab.load(path)


def test_load_duplicate_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "dup.vocab"
    path.write_text("a 3\nb 2\na 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dup\.vocab:3: duplicate word 'a'"):
        Vocab.load(path)
    empty = tmp_path / "empty.vocab"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no word"):
        Vocab.load(empty)


def test_load_keeps_undecodable_bytes_byte_exact(tmp_path: Path) -> None:
    path = tmp_path / "raw.vocab"
    raw = b"ok 3\ncut\xe6\x97 2\n"  # a word cut mid-character, as word2vec.c can write
    path.write_bytes(raw)
    vocab = Vocab.load(path)
    assert len(vocab) == 2
    out = tmp_path / "out.vocab"
    vocab.save(out)
    assert out.read_bytes() == raw


@pytest.mark.parametrize("word", ["two words", "tab\there", "nbsp\u00a0x", ""], ids=repr)
def test_save_refuses_whitespace_and_keeps_old_file(tmp_path: Path, word: str) -> None:
    path = tmp_path / "vocab.txt"
    path.write_text("old 1\n", encoding="utf-8")
    vocab = Vocab(["fine", word], [2, 1])
    with pytest.raises(ValueError, match="whitespace"):
        vocab.save(path)
    assert path.read_text(encoding="utf-8") == "old 1\n"


# -------------------------------------------------------------- one-word vocabulary


def test_one_word_vocabulary_everything_works(tmp_path: Path) -> None:
    vocab = Vocab.build([["solo", "solo"], ["solo"]], min_count=1)
    assert vocab.words == ["solo"] and vocab.total_words == 3
    assert vocab.keep_probs(1e-3).shape == (1,)
    assert vocab.noise_distribution().tolist() == [1.0]
    prob, alias = vocab.alias_table()
    assert prob.tolist() == [1.0] and alias.tolist() == [0]
    assert vocab.huffman().code_lengths().tolist() == [0]
    assert vocab.encode(["solo", "x"]).tolist() == [0]
    vocab.save(tmp_path / "v.txt")
    assert Vocab.load(tmp_path / "v.txt").words == ["solo"]
