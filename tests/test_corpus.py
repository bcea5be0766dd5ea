"""Tests of fastw2v.corpus: readers, block boundaries, long lines, compressed files, misuse."""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from fastw2v import corpus as corpus_mod
from fastw2v.corpus import (
    DEFAULT_MAX_SENTENCE_LENGTH,
    IterableCorpus,
    PathCorpus,
    as_corpus,
)


def reference_sentences(text: str, max_len: int) -> list[list[str]]:
    """What the reader must produce for ``text``: one sentence per line, long lines cut.

    ``\n``, ``\r\n`` and a lone ``\r`` each end a line.
    """
    out = []
    for line in text.replace("\r", "\n").split("\n"):
        tokens = line.split()
        out.extend(tokens[i : i + max_len] for i in range(0, len(tokens), max_len))
    return out


def random_text(rng: random.Random, n_lines: int) -> str:
    """Lines of varying length (including empty and very long ones) with mixed whitespace."""
    words = ["a", "bb", "ccc", "dddddddd", "héllo", "日本語", "x" * 30]
    seps = [" ", " ", " ", "  ", "\t", "\r", "\x0b", "\u3000"]
    lines = []
    for _ in range(n_lines):
        n = rng.choice([0, 1, 3, 9, 10, 11, 25, 57])
        parts = []
        for _ in range(n):
            parts.append(rng.choice(words))
            parts.append(rng.choice(seps))
        lines.append(rng.choice(["", " "]) + "".join(parts))
    return "\n".join(lines)


# --------------------------------------------------------------------- plain files


def test_line_per_sentence_skips_blank_lines_and_handles_crlf(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(b"the cat sat\r\n\r\n  \n on\tthe  mat \nlast line no newline")
    assert list(as_corpus(path)) == [
        ["the", "cat", "sat"],
        ["on", "the", "mat"],
        ["last", "line", "no", "newline"],
    ]


def test_tokens_keep_case(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("The THE the\n", encoding="utf-8")
    assert list(as_corpus(path)) == [["The", "THE", "the"]]


@pytest.mark.parametrize("block_size", [1, 2, 3, 5, 7, 64, 1 << 20])
def test_token_cut_by_block_boundary_is_rejoined(tmp_path: Path, block_size: int) -> None:
    text = " anarchism originated as a term of abuse first used against early"
    path = tmp_path / "text8.txt"
    path.write_text(text, encoding="utf-8")  # text8 style: leading space, no newline
    assert list(PathCorpus(path, block_size=block_size)) == [text.split()]


@pytest.mark.parametrize("block_size", [1, 2, 3, 4])
def test_multibyte_character_cut_by_block_boundary(tmp_path: Path, block_size: int) -> None:
    text = "héllo wörld 日本語 ok\nžluť 😀x\n"
    path = tmp_path / "u.txt"
    path.write_text(text, encoding="utf-8")
    assert list(PathCorpus(path, block_size=block_size)) == reference_sentences(text, 10_000)


@pytest.mark.parametrize("block_size", [1, 3, 16, 1000])
@pytest.mark.parametrize("max_len", [1, 10, 10_000])
def test_random_text_matches_reference(tmp_path: Path, block_size: int, max_len: int) -> None:
    text = random_text(random.Random(block_size * 31 + max_len), 60)
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    got = list(PathCorpus(path, max_len, block_size=block_size))
    assert got == reference_sentences(text, max_len)
    assert all(1 <= len(s) <= max_len for s in got)


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good \xff\xfebad caf\xc3\xa9 trunc\xe6\x97\n")
    with pytest.warns(UserWarning, match="invalid UTF-8"):
        sentences = list(PathCorpus(path, block_size=2))
    assert sentences == [["good", "\ufffd\ufffdbad", "café", "trunc\ufffd"]]


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbffirst word\n")
    assert list(as_corpus(path)) == [["first", "word"]]


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\n \n")
    assert list(as_corpus(path)) == []


# ------------------------------------------------------------------- long lines


@pytest.mark.parametrize("block_size", [4, 1 << 20])
def test_long_line_is_split_without_losing_words(tmp_path: Path, block_size: int) -> None:
    words = [f"w{i}" for i in range(25)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words) + "\nshort line\n", encoding="utf-8")
    got = list(PathCorpus(path, max_sentence_length=10, block_size=block_size))
    assert [len(s) for s in got] == [10, 10, 5, 2]
    assert [w for s in got for w in s] == words + ["short", "line"]


def test_line_of_exact_multiple_gives_no_empty_sentence(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(" ".join(["x"] * 20) + "\n", encoding="utf-8")
    assert [len(s) for s in PathCorpus(path, 10, block_size=3)] == [10, 10]


def test_text8_like_single_line_gives_full_sentences(tmp_path: Path) -> None:
    # text8 has one line; with the default limit it must come out as 10,000-word sentences
    # plus a shorter last one, every word kept (gensim drops words past 10,000: #1509).
    n = 2 * DEFAULT_MAX_SENTENCE_LENGTH + 123
    words = [f"t{i % 977}" for i in range(n)]
    path = tmp_path / "text8"
    path.write_text(" " + " ".join(words), encoding="utf-8")
    got = list(PathCorpus(path, block_size=4096))
    assert [len(s) for s in got] == [10_000, 10_000, 123]
    assert [w for s in got for w in s] == words


def test_memory_stays_bounded_on_one_huge_line(tmp_path: Path) -> None:
    # About 3.9 MB on one line without a newline; read in 16 KiB blocks, the reader must never
    # hold the whole line (its str alone would be that big, its token list far more).
    path = tmp_path / "one_line.txt"
    chunk = " ".join(f"word{i % 1000}" for i in range(10_000))
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(50):
            fh.write(chunk + " ")
    size = path.stat().st_size
    assert size > 3_500_000
    tracemalloc.start()
    try:
        total = 0
        for sentence in PathCorpus(path, max_sentence_length=1000, block_size=1 << 14):
            total += len(sentence)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 500_000
    assert peak < size / 4  # measured: about 0.4 MB; an unbounded reader needs 30 MB


def test_giant_token_is_cut_to_bound_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(corpus_mod, "_MAX_TOKEN_CHARS", 10)
    path = tmp_path / "giant.txt"
    path.write_text("a " + "z" * 35 + " b\n", encoding="utf-8")
    (sentence,) = list(PathCorpus(path, block_size=4))
    assert sentence[0] == "a" and sentence[-1] == "b"
    assert "".join(sentence[1:-1]) == "z" * 35
    assert all(len(t) <= 10 + 4 for t in sentence)


# --------------------------------------------------------------- compressed files


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open], ids=["gzip", "bz2", "xz"])
def test_compressed_file_detected_by_content(tmp_path: Path, opener) -> None:
    text = "the quick brown fox\njumps over\n" * 50
    path = tmp_path / "corpus.txt"  # misleading extension on purpose
    with opener(path, "wb") as fh:
        fh.write(text.encode("utf-8"))
    assert path.read_bytes()[:2] != b"th"  # really compressed
    got = list(PathCorpus(path, block_size=7))
    assert got == reference_sentences(text, DEFAULT_MAX_SENTENCE_LENGTH)


def test_zip_archive_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "text8.gz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("text8", " a b c")
    with pytest.raises(ValueError, match="zip archive"):
        list(as_corpus(path))


# -------------------------------------------------------------------- directories


def test_directory_reads_regular_files_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("second file", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first file no newline", encoding="utf-8")
    with gzip.open(tmp_path / "c.gz", "wb") as fh:
        fh.write(b"third compressed\n")
    (tmp_path / ".hidden").write_text("never read", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "z.txt").write_text("not recursive", encoding="utf-8")
    corpus = as_corpus(str(tmp_path))
    # A file's end ends its last sentence: "no newline" is not glued to "second".
    assert list(corpus) == [
        ["first", "file", "no", "newline"],
        ["second", "file"],
        ["third", "compressed"],
    ]
    assert "3 files" in corpus.source_description


@pytest.mark.parametrize("hidden_only", [False, True])
def test_directory_without_files_is_an_error(tmp_path: Path, hidden_only: bool) -> None:
    if hidden_only:
        (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / "subdir").mkdir()
    with pytest.raises(FileNotFoundError, match="no files"):
        as_corpus(tmp_path)


def test_missing_path_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        as_corpus(str(missing))


def test_path_corpus_is_restartable_and_describes_itself(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("a b\nc\n", encoding="utf-8")
    corpus = as_corpus(path)
    assert list(corpus) == list(corpus) == [["a", "b"], ["c"]]
    assert str(path) in repr(corpus)
    assert corpus.source_description == f"file {path}"
    assert as_corpus(corpus) is corpus
    assert list(as_corpus(corpus, max_sentence_length=1)) == [["a"], ["b"], ["c"]]


# ---------------------------------------------------------------------- iterables


def test_list_of_token_lists_is_restartable_and_long_ones_are_split() -> None:
    data = [["a", "b", "c", "d", "e"], [], ("f", "g"), ["h"]]
    corpus = as_corpus(data, max_sentence_length=2)
    expected = [["a", "b"], ["c", "d"], ["e"], ["f", "g"], ["h"]]
    assert list(corpus) == expected
    assert list(corpus) == expected
    assert "list of 4 sentences" in repr(corpus)


def test_class_with_generator_iter_is_accepted() -> None:
    class Sentences:
        def __iter__(self):
            for i in range(3):
                yield ["w"] * (i + 1)

    corpus = as_corpus(Sentences())
    assert isinstance(corpus, IterableCorpus)
    assert sum(len(s) for s in corpus) == 6
    assert sum(len(s) for s in corpus) == 6  # second pass, as in a second epoch
    assert corpus.source_description == "Sentences"


@pytest.mark.parametrize(
    "make",
    [
        lambda: (s for s in [["a"]]),
        lambda: map(list, ["ab"]),
        lambda: iter([["a"]]),
    ],
    ids=["generator", "map", "list_iterator"],
)
def test_one_shot_iterator_is_refused(make) -> None:
    with pytest.raises(TypeError, match="once per epoch") as info:
        as_corpus(make())
    assert "__iter__" in str(info.value)


def test_open_file_handle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("a b\n", encoding="utf-8")
    with open(path, encoding="utf-8") as fh, pytest.raises(TypeError, match="one-shot"):
        as_corpus(fh)


def test_sentences_given_as_strings_are_refused() -> None:
    corpus = as_corpus(["the cat sat", "on the mat"])
    with pytest.raises(TypeError, match="list of tokens"):
        list(corpus)


def test_non_string_tokens_are_refused() -> None:
    with pytest.raises(TypeError, match="tokens must be str"):
        list(as_corpus([[1, 2, 3]]))


def test_non_iterable_is_refused() -> None:
    with pytest.raises(TypeError, match="iterable of token lists"):
        as_corpus(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1])
def test_max_sentence_length_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError, match="max_sentence_length"):
        as_corpus([["a"]], max_sentence_length=bad)


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_blocks_pass_ascii_blocks_on_as_the_decoder_would(bom):
    # ASCII blocks skip the decode-encode round trip: the blocks must stay those of the
    # round trip, around a byte-order mark, characters cut by a boundary and bad bytes.
    pieces = [b"\xef\xbb\xbfab", b"cd ef", b"x \xc3", b"\xa9 plain", b"ascii only", b"\xff z",
              b"more", b"\xe2\x82", b"\xac", b"end"]  # fmt: skip
    rng = random.Random(4)
    for trial in range(30):
        blocks = pieces if trial == 0 else [rng.choice(pieces) for _ in range(rng.randint(1, 8))]
        bad_fast, bad_ref = [0], [0]
        fast = list(corpus_mod.utf8_blocks(iter(blocks), bad_fast, bom))
        ref = [t.encode("utf-8") for t, _ in corpus_mod._decoded(iter(blocks), bad_ref, bom)]
        assert fast == ref and bad_fast == bad_ref, blocks
