"""Vector, vocabulary, model and test files: read correctly, or refused with the file, the
line (or vector number) and the reason. Files written by gensim and word2vec.c included."""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v.evaluate import evaluate_word_pairs, read_analogies
from fastw2v.vectors import KeyedVectors
from fastw2v.vocab import Vocab

WORDS = ["the", "of", "café", "日本", "x"]


def _kv(dim: int = 3) -> KeyedVectors:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(WORDS), dim)).astype(np.float32)
    return KeyedVectors(WORDS, vectors, np.array([50, 40, 30, 20, 10]))


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _binary(header: bytes, records: list[tuple[bytes, list[float]]], eol: bytes = b"\n") -> bytes:
    body = b"".join(w + b" " + struct.pack(f"<{len(v)}f", *v) + eol for w, v in records)
    return header + body


# ------------------------------------------------------------------ text format errors

TEXT_CASES = [
    # (file content, the reason the message must give, the line it must name)
    (b"3 2\na 1 2\nb 3 4\n", "the header promised 3", "line 3"),  # fewer vectors than header
    (b"1 2\na 1 2\nb 3 4\n", "holds more lines", "line 3"),  # more vectors than header
    (b"2 2\na 1 2\nb 3 4 5\n", "expected a word and 2 values, found 3", "line 3"),
    (b"2 2\na 1 2\nb 3\n", "expected a word and 2 values, found 1", "line 3"),
    (b"2 2\na 1 2\nb 3 x\n", "expected a number, got 'x'", "line 3"),
    (b"2 2\na 1 2\nb nan 4\n", "NaN or infinite", "line 3"),
    (b"2 2\na inf 2\nb 3 4\n", "NaN or infinite", "line 2"),
    (b"2 2\na 1e39 2\nb 3 4\n", "NaN or infinite", "line 2"),  # overflows float32
    (b"two 2\na 1 2\n", "expected a header", "line 1"),
    (b"2\na 1 2\n", "expected a header", "line 1"),
    (b"2 0\na\nb\n", "expected a header", "line 1"),
    (b"2 -3\na\nb\n", "expected a header", "line 1"),
    (b"2 2 2\na 1 2\n", "expected a header", "line 1"),
    (b"1000000000000 2\na 1 2\n", "the header promised 1000000000000", "line 2"),
    (b"2 2\n 1 2\nb 3 4\n", "empty word", "line 2"),
    (b"2 2\na 1 2\n\xff\xfe 3 4\n", "invalid UTF-8", "line 3"),
    (b"x" * 10_000, "expected a header", "line 1"),
]


@pytest.mark.parametrize(("content", "reason", "where"), TEXT_CASES)
def test_bad_text_file_is_refused_with_file_line_and_reason(
    tmp_path: Path, content: bytes, reason: str, where: str
) -> None:
    path = _write(tmp_path, "bad.txt", content)
    start = time.perf_counter()
    with pytest.raises(ValueError) as err:
        KeyedVectors.load_word2vec_format(path, binary=False)
    assert time.perf_counter() - start < 2.0
    message = str(err.value)
    assert str(path) in message and reason in message and where in message, message


def test_empty_vector_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty file"):
        KeyedVectors.load_word2vec_format(_write(tmp_path, "e.txt", b""))


# ------------------------------------------------------------------ binary format errors


def test_bad_binary_files_are_refused_with_file_vector_and_reason(tmp_path: Path) -> None:
    good = _binary(b"2 3\n", [(b"a", [1, 2, 3]), (b"b", [4, 5, 6])])
    cases = [
        (good[:-5], "truncated at vector 2 of 2"),  # cut inside the last vector
        (good[: len(b"2 3\n") + 1], "truncated at vector 1 of 2"),  # cut inside a word
        (b"3 3\n" + good[4:], "truncated at vector 3 of 3"),  # header: more than the body
        (b"1 3\n" + good[4:], "header promised 1 vectors but"),  # header: fewer
        (_binary(b"2 3\n", [(b"a", [1, 2, 3]), (b"b", [4, float("nan"), 6])]), "vector 2"),
        (_binary(b"2 3\n", [(b"a", [float("inf"), 2, 3]), (b"b", [4, 5, 6])]), "vector 1"),
        (b"10000000000 3\n" + good[4:], "truncated at vector 3 of 10000000000"),
        (b"1 1000000000\n" + good[4:], "truncated at vector 1 of 1"),  # absurd dimension
        (_binary(b"1 3\n", [(b"", [1, 2, 3])]), "empty word"),
    ]
    for i, (content, reason) in enumerate(cases):
        path = _write(tmp_path, f"bad{i}.bin", content)
        start = time.perf_counter()
        with pytest.raises(ValueError) as err:
            KeyedVectors.load_word2vec_format(path, binary=True)
        assert time.perf_counter() - start < 2.0
        message = str(err.value)
        assert str(path) in message and reason in message, (i, message)


def test_binary_word_with_invalid_utf8_is_refused_or_replaced_on_request(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.bin", _binary(b"1 2\n", [(b"caf\xc3", [1, 2])]))
    with pytest.raises(ValueError, match=r"w.bin: vector 1: word is not valid UTF-8"):
        KeyedVectors.load_word2vec_format(path, binary=True)
    kv = KeyedVectors.load_word2vec_format(path, binary=True, unicode_errors="replace")
    assert kv.words == ["caf\ufffd"]


# ------------------------------------------------------------------ other tools' files


def _gensim():
    return pytest.importorskip("gensim.models").KeyedVectors


@pytest.mark.parametrize("binary", [True, False])
def test_files_written_by_gensim_read_as_gensim_reads_them(tmp_path: Path, binary: bool) -> None:
    gensim_kv = _gensim()
    ours = _kv(dim=7)
    theirs = gensim_kv(vector_size=7)
    theirs.add_vectors(ours.words, ours.vectors)
    path = tmp_path / ("g.bin" if binary else "g.txt")
    theirs.save_word2vec_format(str(path), binary=binary)
    for detect in (None, binary):
        kv = KeyedVectors.load_word2vec_format(path, binary=detect)
        assert kv.words == theirs.index_to_key
        np.testing.assert_array_equal(kv.vectors, theirs.vectors)


@pytest.mark.parametrize("binary", [True, False])
def test_our_files_read_by_gensim(tmp_path: Path, binary: bool) -> None:
    gensim_kv = _gensim()
    ours = _kv(dim=5)
    path = tmp_path / "o.bin"
    ours.save_word2vec_format(path, binary=binary)
    theirs = gensim_kv.load_word2vec_format(str(path), binary=binary)
    assert theirs.index_to_key == ours.words
    np.testing.assert_array_equal(theirs.vectors, ours.vectors)


@pytest.fixture(scope="module")
def word2vec_c_files(tmp_path_factory) -> tuple[Path, Path]:
    exe = shutil.which("word2vec")
    if exe is None:
        pytest.skip("word2vec.c's binary is not on PATH")
    tmp = tmp_path_factory.mktemp("w2v")
    corpus = tmp / "small.txt"
    rng = np.random.default_rng(1)
    vocab = [f"w{i}" for i in range(40)] + ["é", "日本", "naïve"]
    corpus.write_text(
        "\n".join(" ".join(rng.choice(vocab, 30)) for _ in range(100)), encoding="utf-8"
    )
    out = []
    for binary in (1, 0):
        path = tmp / f"v.{'bin' if binary else 'txt'}"
        cmd = [exe, "-train", str(corpus), "-output", str(path), "-binary", str(binary)]
        cmd += ["-size", "10", "-min-count", "1", "-threads", "1", "-iter", "1"]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
        out.append(path)
    return out[0], out[1]


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "text"])
def test_files_written_by_word2vec_c_read_as_gensim_reads_them(
    word2vec_c_files: tuple[Path, Path], which: int
) -> None:
    gensim_kv = _gensim()
    path = word2vec_c_files[which]
    theirs = gensim_kv.load_word2vec_format(str(path), binary=which == 0)
    kv = KeyedVectors.load_word2vec_format(path)  # format detected
    assert kv.words == theirs.index_to_key
    assert "</s>" in kv and "日本" in kv
    np.testing.assert_array_equal(kv.vectors, theirs.vectors)


def test_word2vec_c_binary_and_text_agree(word2vec_c_files: tuple[Path, Path]) -> None:
    binary = KeyedVectors.load_word2vec_format(word2vec_c_files[0])
    text = KeyedVectors.load_word2vec_format(word2vec_c_files[1])
    assert binary.words == text.words
    # Different runs (not seeded alike across processes)? word2vec.c is deterministic at
    # one thread, so both files hold the same vectors, the text one to 6 decimals.
    np.testing.assert_allclose(binary.vectors, text.vectors, atol=1e-6)


# ------------------------------------------------------------------ native format


def test_native_format_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "good"
    _kv().save(good)
    vectors, vocab = (good / "vectors.npy").read_bytes(), (good / "vocab.tsv").read_bytes()

    def case(name: str, npy: bytes, tsv: bytes) -> str:
        d = tmp_path / name
        d.mkdir()
        (d / "vectors.npy").write_bytes(npy)
        (d / "vocab.tsv").write_bytes(tsv)
        for use_mmap in (True, False):
            with pytest.raises(ValueError) as err:
                KeyedVectors.load(d, mmap=use_mmap)
            assert name in str(err.value), str(err.value)
        return str(err.value)

    assert "truncated or corrupt" in case("truncated", vectors[:-4], vocab)
    assert "not a valid .npy" in case("garbage", b"\x93NUMPY junk", vocab)
    assert "truncated or corrupt" in case("huge", _npy_with_shape(vectors, (10**12, 3)), vocab)
    assert "lists 4 words" in case("fewer_words", vectors, b"".join(vocab.splitlines(True)[:4]))
    assert "line 2: invalid UTF-8" in case("utf8", vectors, vocab.replace(b"of", b"o\xff"))
    assert "line 3: expected a count" in case("count", vectors, vocab.replace(b"\t30", b"\tx"))
    assert "duplicate word 'the'" in case("dup", vectors, vocab.replace(b"of\t", b"the\t"))


def _npy_with_shape(npy: bytes, shape: tuple[int, ...]) -> bytes:
    import io

    header = {"descr": "<f4", "fortran_order": False, "shape": shape}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    start = npy.index(b"\n") + 1  # end of the original header
    return buf.getvalue() + npy[start:]


# ------------------------------------------------------------------ vocabulary files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"a 3\nb x\n", ":2: expected 'word count'"),
        (b"a 3\nb 2 1\n", ":2: expected 'word count'"),
        (b"a 3\na 2\n", ":2: duplicate word 'a'"),
        (b"a 0\n", "no word with a positive count"),
        (b"", "no word with a positive count"),
        (b"a " + b"9" * 30 + b"\n", ":1: count 9999"),
        (b"a 4611686018427387904\nb 4611686018427387904\n", "add up to more than"),
        (b"a -3\n", ":1: expected 'word count'"),
    ],
)
def test_bad_vocab_file_is_refused_with_file_and_line(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = _write(tmp_path, "vocab.txt", content)
    with pytest.raises(ValueError) as err:
        Vocab.load(path)
    assert str(path) in str(err.value) and reason in str(err.value), str(err.value)


def test_word2vec_c_vocab_file_reads(tmp_path: Path) -> None:
    path = _write(tmp_path, "vocab.txt", b"</s> 0\nthe 10\ncaf\xc3 3\r\nof 10\n")
    vocab = Vocab.load(path)
    assert vocab.words == ["the", "of", "caf\udcc3"]
    out = tmp_path / "again.txt"
    vocab.save(out)
    assert Vocab.load(out).words == vocab.words


# ------------------------------------------------------------------ model files


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a model",
        b"PK\x03\x04" + bytes(100),
    ],
    ids=["empty", "text", "zip"],
)
def test_bad_model_file_is_a_value_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, "m.fw2v", content)
    with pytest.raises(ValueError, match="m.fw2v"):
        fastw2v.Word2Vec.load(path)


def test_truncated_model_file_is_a_value_error(tmp_path: Path) -> None:
    model = fastw2v.Word2Vec([["a", "b", "c"]] * 5, min_count=1, vector_size=4, progress=False)
    path = tmp_path / "m.fw2v"
    model.save(path)
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        path.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="m.fw2v"):
            fastw2v.Word2Vec.load(path)


# ------------------------------------------------------------------ evaluation files


def test_analogy_file_with_invalid_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "q.txt", b": s\na b c d\na b \xff d\n")
    with pytest.raises(ValueError, match=r"q.txt, line 3: invalid UTF-8"):
        read_analogies(path)


def test_word_pairs_with_non_finite_scores_are_invalid_lines(tmp_path: Path) -> None:
    kv = _kv()
    path = _write(
        tmp_path, "p.txt", "the of 1\nthe café 2\nof x 3\nthe x nan\nof 日本 inf\n".encode()
    )
    result = evaluate_word_pairs(kv, path)
    assert result.pairs == 3 and result.invalid_lines == 2
    assert np.isfinite(result.spearman)
    bad = _write(tmp_path, "b.txt", b"the of 1\n\xff x 2\n")
    with pytest.raises(ValueError, match=r"b.txt, line 2: invalid UTF-8"):
        evaluate_word_pairs(kv, bad)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a 0.1 0.2 0.3 0.4\n", r"line 2: expected a word and 3 values, found 4"),
        ("a 0.1 0.2\n", r"line 2: expected a word and 3 values, found 2"),
        ("a 0.1 0.2 x.3\n", r"line 2: expected a number, got 'x.3'"),
    ],
    ids=["extra-value", "missing-value", "bad-number"],
)
def test_a_damaged_text_file_is_read_as_text_and_named_by_line(
    tmp_path: Path, line: str, message: str
) -> None:
    # The format is detected from the bytes, not from whether the first line parses: a
    # text file with one value too many used to be taken for binary and read as garbage.
    path = tmp_path / "v.txt"
    path.write_text("2 3\n" + line + "b 0.5 0.6 0.7\n")
    with pytest.raises(ValueError, match=message):
        KeyedVectors.load_word2vec_format(path)


def test_binary_detection_still_sees_binary(tmp_path: Path) -> None:
    words = [f"w{i}" for i in range(50)]
    kv = KeyedVectors(words, np.random.default_rng(0).standard_normal((50, 7)).astype(np.float32))
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.bin")
    assert back.words == words and np.array_equal(back.vectors, kv.vectors)
