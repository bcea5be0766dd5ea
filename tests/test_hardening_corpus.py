"""Bad corpora: each answered with a clear error naming the file, or read correctly.

Issue 5's list, one test (or parametrised case) per item: missing file, directory with no
files, empty and whitespace-only files, binary garbage, invalid UTF-8 inside good text,
mixed line endings, a long line without a newline, no word reaching min_count, a
vocabulary of one word, corrupt compressed data.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import warnings
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v.corpus import CorpusWarning, PathCorpus, as_corpus
from fastw2v.vocab import Vocab

# Text in several scripts: whatever the language, UTF-8 text must be accepted.
MULTILINGUAL = (
    "the cat sat on the mat\n"
    "le chat était assis sur le tapis\n"
    "кошка сидела на коврике\n"
    "猫はマットの上に座った\n"
    "القطة جلست على السجادة\n"
    "बिल्ली चटाई पर बैठी\n"
    "🐱 😺 emoji too\n"
)


def _read(path: Path, block_size: int = 1 << 18) -> list[list[str]]:
    return list(PathCorpus(path, block_size=block_size))


# ------------------------------------------------------------------ missing / empty


def test_missing_file_is_file_not_found_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        as_corpus(tmp_path / "nope.txt")


def test_directory_with_no_text_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").write_text("a b c\n")
    with pytest.raises(FileNotFoundError, match="no files to read"):
        as_corpus(tmp_path)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n \r \x0b\x0c\n"], ids=["empty", "blank"])
def test_empty_or_whitespace_file_has_no_words_and_the_error_names_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert _read(path) == []
    with pytest.raises(ValueError, match=r"contains no words.*") as err:
        Vocab.build(as_corpus(path))
    assert "blank.txt" in str(err.value)
    # The model says the same before allocating anything.
    with pytest.raises(ValueError, match="blank.txt.*contains no words"):
        fastw2v.Word2Vec(str(path), min_count=1, progress=False)


# ------------------------------------------------------------------ not text


@pytest.mark.parametrize(
    "payload",
    [
        bytes(random.Random(0).randrange(256) for _ in range(5000)),  # random bytes
        b"\x7fELF\x02\x01\x01" + bytes(200),  # an executable's header
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,  # an image
        "a b c\n".encode("utf-16"),  # UTF-16 (BOM, NULs)
        bytes(range(1, 32)) * 40,  # control characters without a NUL
        "кошка сидела на коврике и смотрела в окно\n".encode("cp1251") * 20,  # legacy encoding
    ],
    ids=["random", "elf", "png", "utf16", "controls", "cp1251"],
)
def test_binary_garbage_is_refused_naming_the_file(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "garbage.bin"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match="garbage.bin.*(not text|not UTF-8|UTF-16)"):
        _read(path)
    with pytest.raises(ValueError, match="garbage.bin"):
        fastw2v.Word2Vec(str(path), min_count=1, progress=False)


@pytest.mark.parametrize(
    ("payload", "no_bom"),
    [
        ("the cat sat on the mat\n" * 40, False),
        ("кошка сидела на коврике\n" * 40, False),
        ("猫坐在垫子上。\n" * 40, False),
        ("the cat sat on the mat\n" * 40, True),
    ],
    ids=["latin-bom", "cyrillic-bom", "cjk-bom", "latin-no-bom"],
)
@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_is_recognised_by_its_content(
    tmp_path: Path, payload: str, no_bom: bool, order: str
) -> None:
    bom = b"" if no_bom else "\ufeff".encode(order)
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + payload.encode(order))
    with pytest.raises(ValueError, match="wide.txt is UTF-16 text"):
        _read(path)


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_8bit_text_starting_with_a_utf16_mark_is_read(tmp_path: Path, bom: bytes) -> None:
    # A first line of invalid UTF-8 that happens to begin with FF FE (or FE FF): the rest is
    # plain text with no NUL byte, so it is not UTF-16; the two bytes are repaired as any
    # invalid UTF-8 is.
    path = tmp_path / "latin.txt"
    path.write_bytes(bom + b"caf\xe9 noir\n" + b"the cat sat on the mat\n" * 40)
    with pytest.warns(CorpusWarning, match="invalid UTF-8"):
        got = _read(path)
    assert got[1:] == [["the", "cat", "sat", "on", "the", "mat"]] * 40
    assert got[0][1] == "noir" and got[0][0].endswith("caf\ufffd")


def test_compressed_garbage_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "garbage.gz"
    path.write_bytes(gzip.compress(bytes(range(256)) * 10))
    with pytest.raises(ValueError, match="garbage.gz.*not text"):
        _read(path)


@pytest.mark.parametrize("block_size", [1, 7, 1 << 18])
def test_utf8_text_in_any_script_passes(tmp_path: Path, block_size: int) -> None:
    path = tmp_path / "multi.txt"
    path.write_text(MULTILINGUAL * 50, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _read(path, block_size)
    assert got == [line.split() for line in MULTILINGUAL.splitlines()] * 50


@pytest.mark.parametrize(
    ("opener", "name"), [(gzip.open, "c.gz"), (bz2.open, "c.bz2"), (lzma.open, "c.xz")]
)
def test_truncated_compressed_file_is_an_error_not_a_short_corpus(
    tmp_path: Path, opener, name: str
) -> None:
    path = tmp_path / name
    with opener(path, "wb") as fh:
        fh.write(("some words here\n" * 20000).encode())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=f"{name}.*(corrupt|truncated)"):
        _read(path)


def test_corrupt_gzip_body_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.gz"
    data = bytearray(gzip.compress(("alpha beta gamma\n" * 5000).encode()))
    for i in range(20, len(data) - 10, 7):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="c.gz"):
        _read(path)


# ------------------------------------------------------------------ invalid UTF-8


@pytest.mark.parametrize("block_size", [1, 5, 1 << 18])
def test_invalid_utf8_replaced_counted_one_warning_per_pass(
    tmp_path: Path, block_size: int
) -> None:
    path = tmp_path / "dirty.txt"
    good = "the quick brown fox jumps over the lazy dog\n" * 200
    # 3 bad sequences: a lone continuation byte, an invalid start byte, a cut character
    # (\xe6\x97 is 2 of 3 bytes, replaced as one U+FFFD): 4 bytes in all.
    path.write_bytes(good.encode() + b"caf\x80 ok \xff\n" + good.encode() + b"end \xe6\x97\n")
    corpus = PathCorpus(path, block_size=block_size)
    for _ in range(2):  # the warning comes once per pass, every pass
        with pytest.warns(CorpusWarning) as record:
            sentences = list(corpus)
        assert len(record) == 1
        message = str(record[0].message)
        assert "4 invalid UTF-8 bytes" in message and "dirty.txt" in message
    assert ["caf\ufffd", "ok", "\ufffd"] in sentences
    assert sentences[-1] == ["end", "\ufffd"]
    assert sum(len(s) for s in sentences) == 2 * 200 * 9 + 3 + 2


def test_training_on_dirty_text_goes_on_with_one_warning_per_pass(tmp_path: Path) -> None:
    path = tmp_path / "dirty.txt"
    path.write_bytes(b"a b c d \xff e f\n" * 50)
    with pytest.warns(CorpusWarning) as record:
        model = fastw2v.Word2Vec(
            str(path), min_count=1, vector_size=8, epochs=2, workers=1, progress=False
        )
    # One per pass over the file, never one per block or per sentence. Here the file is read
    # once: the vocabulary pass records the ids, and both epochs replay them.
    assert len(record) == 1
    assert {str(w.message) for w in record} == {
        f"corpus: 50 invalid UTF-8 bytes replaced by U+FFFD in {path} (50)"
    }
    assert "\ufffd" in model.wv
    assert np.isfinite(model.wv.vectors).all()
    # Streaming (no id cache, no recording): the vocabulary pass and each epoch read it.
    with pytest.warns(CorpusWarning) as record:
        fastw2v.Word2Vec(
            str(path), min_count=1, vector_size=8, epochs=2, workers=1, progress=False,
            cache_ids=False,
        )  # fmt: skip
    assert len(record) == 3


def test_directory_warning_names_the_dirty_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"clean text\n")
    (tmp_path / "b.txt").write_bytes(b"dirty \xfe text\n")
    with pytest.warns(CorpusWarning, match=r"1 invalid UTF-8 byte replaced .*b\.txt \(1\)"):
        list(as_corpus(tmp_path))


def test_counting_is_per_reader_when_two_passes_interleave(tmp_path: Path) -> None:
    dirty, clean = tmp_path / "dirty.txt", tmp_path / "clean.txt"
    dirty.write_bytes(b"x \xff y\n" * 100)
    clean.write_bytes(b"x y\n" * 100)
    a, b = iter(PathCorpus(dirty, block_size=4)), iter(PathCorpus(clean, block_size=4))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for _ in range(100):
            next(a), next(b)
        assert list(a) == [] and list(b) == []
    messages = [str(w.message) for w in record]
    assert len(messages) == 1 and "100 invalid" in messages[0] and "dirty.txt" in messages[0]


# ------------------------------------------------------------------ line endings


@pytest.mark.parametrize("block_size", [1, 2, 3, 1 << 18])
def test_line_endings_lf_crlf_and_cr_give_the_same_sentences(
    tmp_path: Path, block_size: int
) -> None:
    lines = ["one two", "three", "", "four five six", "  seven  "]
    expected = [line.split() for line in lines if line.split()]
    for name, eol in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")):
        path = tmp_path / f"{name}.txt"
        path.write_bytes(eol.join(lines).encode() + eol.encode())
        assert _read(path, block_size) == expected, name
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(b"one two\r\nthree\n\rfour five six\r  seven  \n")
    assert _read(mixed, block_size) == expected


# ------------------------------------------------------------------ long line


def test_single_long_line_without_newline_is_read_in_bounded_pieces(tmp_path: Path) -> None:
    path = tmp_path / "one_line.txt"
    n = 250_000
    path.write_bytes(b" ".join(b"w%d" % (i % 1000) for i in range(n)))
    sentences = _read(path, block_size=1 << 12)
    assert [len(s) for s in sentences] == [10_000] * 25
    assert sentences[-1][-1] == f"w{(n - 1) % 1000}"


# ------------------------------------------------------------------ vocabulary


def test_no_word_reaching_min_count_says_so_and_suggests_a_value(tmp_path: Path) -> None:
    path = tmp_path / "rare.txt"
    path.write_text("a b c a b\nc d a\n")
    with pytest.raises(ValueError) as err:
        fastw2v.Word2Vec(str(path), min_count=10, progress=False)
    message = str(err.value)
    assert "min_count=10" in message
    assert "occurs 3 times" in message
    assert "min_count=3" in message and "lower min_count" in message
    assert "rare.txt" in message


@pytest.mark.parametrize("sg", [0, 1])
@pytest.mark.parametrize(("hs", "negative"), [(0, 5), (1, 0)])
def test_vocabulary_of_one_word_trains(tmp_path: Path, sg: int, hs: int, negative: int) -> None:
    path = tmp_path / "one.txt"
    path.write_text("solo solo solo\nsolo solo\n")
    model = fastw2v.Word2Vec(
        str(path),
        min_count=1,
        vector_size=4,
        sg=sg,
        hs=hs,
        negative=negative,
        epochs=2,
        workers=1,
        progress=False,
    )
    assert model.wv.words == ["solo"]
    assert np.isfinite(model.wv.vectors).all()


@pytest.mark.parametrize("bad", [1, None, 2.5, b"bytes"], ids=["int", "none", "float", "bytes"])
@pytest.mark.parametrize("where", ["first", "later"])
def test_every_token_must_be_a_str(bad: object, where: str) -> None:
    # Only the first token of a sentence used to be checked, so 1 or None later in a
    # sentence (or in a later sentence) silently became words.
    sentences = [["a", "b", "c"], ["d", "e"]] * 5
    sentences[3] = [bad, "e"] if where == "first" else ["d", bad]
    message = f"tokens must be str, got (a sentence starting with )?{type(bad).__name__}"
    with pytest.raises(TypeError, match=message):
        fastw2v.Word2Vec(sentences, min_count=1, vector_size=4, progress=False)


def test_a_bad_token_is_found_even_when_pruning_would_drop_it() -> None:
    sentences = [[f"w{i}" for i in range(50)], ["w1", 7], ["w1"] * 20]
    with pytest.raises(TypeError, match="tokens must be str, got int 7"):
        Vocab.build(as_corpus(sentences), max_vocab_size=10)
