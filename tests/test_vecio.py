"""The C vector-file readers and writers against the Python reference (tests/vecio_reference.py).

Whatever the bytes, the C reader returns the reference's words and bit-identical vectors,
or raises a ValueError with the reference's message; in one block or many (tiny windows,
records cut at block ends), with one thread or two, plain or compressed. The text writer's
values are byte-identical to "%.9g" and read back as the identical float32.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import vecio_reference as reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastw2v import _blocks, _vecio, formats
from fastw2v.vectors import KeyedVectors


def read_words(*args, **kwargs) -> tuple[list[str], np.ndarray]:
    """``formats.read_word2vec_keys`` with the words as a list."""
    keys, vectors = formats.read_word2vec_keys(*args, **kwargs)
    return keys.words, vectors


SETTINGS = settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
WORDS = ["the", "of", "café", "日本", "x", "</s>"]
# Edits that send text lines down the reference's path or make them subtly wrong.
ODD_BITS = [
    b"nan",
    b"inf",
    b"-Infinity",
    b"1_0",
    b"\t",
    b"\r",
    b"  ",
    b"\xc2\xa0",
    b"\x1c",
    b"1e39",
    b"1e-50",
    b"-0",
    b"+.5",
    b"5.",
    b"0x1",
    b"1e",
    b".",
    b"\xff",
    b"\n",
    b"123456789012345678901234567890",
    b"0.000000000000000000000001234",
    b"\xe3\x80\x80",
]


def _valid(binary: bool, dim: int = 4) -> bytes:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((len(WORDS), dim)).astype(np.float32)
    vectors[1, 0] = 1e-40  # a subnormal
    vectors[2, 1] = -0.0
    vectors[3, 2] = 3.4e38
    buf = io.BytesIO()
    header = f"{len(WORDS)} {dim}\n".encode()
    buf.write(header)
    for word, row in zip(WORDS, vectors):
        if binary:
            buf.write(word.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
        else:
            line = " ".join("%.9g" % x for x in row.tolist())  # noqa: UP031 (the old writer)
            buf.write(f"{word} {line}\n".encode())
    return buf.getvalue()


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    if draw(st.integers(0, 12)) == 0:
        return draw(st.binary(max_size=200))
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "odd", "odd", "dup"]))
        at = draw(st.integers(0, max(len(data), 1)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 12))]
        elif op == "odd":
            data[at:at] = draw(st.sampled_from(ODD_BITS))
        elif op == "dup":
            lines = bytes(data).split(b"\n")
            i = min(at, len(lines) - 1)
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _outcome(call) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            words, vectors = call()
        except ValueError as exc:
            return ("error", str(exc))
    return ("ok", words, vectors.shape, np.ascontiguousarray(vectors).tobytes())


def _new(path: Path, binary: bool | None, limit: int | None, errors: str = "strict"):
    return lambda: read_words(path, binary, limit, errors, no_header=False)


@pytest.fixture(params=["one block", "tiny windows, two threads"])
def blocks(request, monkeypatch) -> str:
    if request.param != "one block":
        monkeypatch.setattr(_blocks, "WINDOW", 16)
        monkeypatch.setattr(formats, "PARALLEL_MIN", 0)
        monkeypatch.setattr(formats, "default_threads", lambda: 2)
    return request.param


@pytest.mark.parametrize("binary", [None, True, False])
@pytest.mark.parametrize("base", ["text", "binary"])
def test_c_reader_matches_the_python_reference(
    tmp_path: Path, blocks: str, base: str, binary: bool | None
) -> None:
    path = tmp_path / "v"
    valid = _valid(base == "binary")

    @SETTINGS
    @given(
        data=mutated(valid),
        limit=st.sampled_from([None, None, 0, 2, 5]),
        errors=st.sampled_from(["strict", "strict", "replace"]),
    )
    def run(data: bytes, limit: int | None, errors: str) -> None:
        path.write_bytes(data)
        expected = _outcome(lambda: reference.load(path, binary, limit, errors))
        assert _outcome(_new(path, binary, limit, errors)) == expected

    run()


@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz"])
@pytest.mark.parametrize("base", ["text", "binary"])
def test_compressed_files_read_as_the_plain_ones(
    tmp_path: Path, monkeypatch, base: str, kind: str
) -> None:
    monkeypatch.setattr(_blocks, "STREAM_BLOCK", 7)  # records cut at every block end
    compress = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind]
    plain, packed = tmp_path / "v", tmp_path / "v.gz"

    @settings(SETTINGS, max_examples=60)
    @given(data=mutated(_valid(base == "binary")), limit=st.sampled_from([None, 3]))
    def run(data: bytes, limit: int | None) -> None:
        plain.write_bytes(data)
        packed.write_bytes(compress(data))
        expected = _outcome(lambda: reference.load(plain, None, limit))
        got = _outcome(_new(packed, None, limit))
        if expected[0] == "error" and data:
            assert got[0] == "error"
            assert got[1].replace(str(packed), str(plain)) == expected[1] or "memory" in got[1]
        elif data:
            assert got == expected

    run()


def test_big_file_over_many_windows_and_threads(tmp_path: Path, monkeypatch) -> None:
    rng = np.random.default_rng(2)
    words = [f"w{i}" + "é" * (i % 3) for i in range(3000)]
    scale = 10.0 ** rng.integers(-40, 38, (3000, 50))
    vectors = (rng.standard_normal((3000, 50)) * scale).astype(np.float32)
    vectors[~np.isfinite(vectors)] = 1.0
    for binary in (True, False):
        path = tmp_path / f"big{binary}"
        reference.save(path, words, vectors, binary)
        monkeypatch.setattr(_blocks, "WINDOW", 4096 + 7)
        monkeypatch.setattr(formats, "PARALLEL_MIN", 0)
        for threads in (1, 2, 3):
            monkeypatch.setattr(formats, "default_threads", lambda t=threads: t)
            got_words, got = read_words(path)
            assert got_words == words
            assert got.tobytes() == vectors.tobytes()


# ------------------------------------------------------------------ number parsing


def _strings(values: np.ndarray, rng: np.random.Generator) -> list[str]:
    styles = ["%.9g", "%.17g", "%.3e", "%.12f", "%r", "%.25e", "%.1f"]
    out = []
    for x in values.tolist():
        style = styles[rng.integers(len(styles))]
        out.append(repr(x) if style == "%r" else style % x)
    return out


def test_text_values_parse_to_numpy_float32_exactly() -> None:
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2**32, 40_000, dtype=np.uint64).astype(np.uint32)
    values = bits.view(np.float32)
    values = values[np.isfinite(values)].astype(np.float64)
    doubles = rng.standard_normal(20_000) * 10.0 ** rng.integers(-320, 308, 20_000)
    halfway = (np.float32(1) + np.float32(2**-24)).astype(np.float64)  # double rounding case
    texts = _strings(np.concatenate([values, doubles]), rng)
    texts += [
        "1.00000005960464477539062500001",
        str(halfway),
        "-0",
        "0e999",
        "1e-46",
        "7e-46",
        "3.4028235e38",
        "3.4028236e38",
        "1" + "0" * 30,
        "0." + "0" * 50 + "1",
        # 2^64 + 12345 and 3 * 2^64 + 7 in twenty digits: an overflowing eight-digit step
        # would leave a small, wrong mantissa
        "184467440737.09563961",
        "553402322211.28654855",
        "-1844674407370956.3961e-3",
        # leading zeros filling eight-byte steps: they must not use up the 19 digits
        "00000000000.000000001",
        "-00000000000.000000001",
        "000.00000000000000001",
        "000.00000000000000001e17",
        "0" * 40 + "." + "0" * 40 + "123456789012345678901234567",
    ]
    texts += [  # every count of leading zeros either side of the point
        "0" * i + "." + "0" * f + tail
        for i in range(1, 21)
        for f in range(21)
        for tail in ("1", "123456789", "98765432109876543210")
    ]
    with np.errstate(over="ignore"):
        expected = np.array(texts, dtype=np.float32)
    got = np.array([_vecio.parse_float32(t.encode()) for t in texts], dtype=np.float32)
    assert got.view(np.uint32).tolist() == expected.view(np.uint32).tolist()


def _digit_runs(rng: np.random.Generator, n: int) -> list[str]:
    """Numbers whose integer and fraction parts are 0-24 digits long, often with leading
    zeros, so that the eight-byte digit reads meet every length and every cut."""
    out = []
    for _ in range(n):
        whole = "".join(rng.choice(list("0123456789"), rng.integers(0, 25)))
        frac = "".join(rng.choice(list("0000123456789"), rng.integers(0, 25)))
        if rng.random() < 0.3:
            whole = "0" * int(rng.integers(1, 12)) + whole
        text = whole + ("." + frac if frac or not whole else "")
        text = text if text != "." else "0."
        if rng.random() < 0.2:
            text += f"e{int(rng.integers(-30, 12))}"  # |value| < 1e37: finite in float32
        out.append(("-" if rng.random() < 0.5 else "") + text)
    return out


@pytest.mark.parametrize("end", ["\n", ""])
def test_digit_runs_in_a_file_parse_as_numpy_does(tmp_path: Path, end: str) -> None:
    # Inside a file the reader loads eight bytes at a time past each number (up to the
    # block's end); the last value of the last line ends the buffer when `end` is "".
    rng = np.random.default_rng(11)
    dim = 7
    texts = _digit_runs(rng, 300 * dim)
    lines = [f"w{i} " + " ".join(texts[i * dim : (i + 1) * dim]) for i in range(300)]
    path = tmp_path / "runs.txt"
    path.write_text(f"300 {dim}\n" + "\n".join(lines) + end)
    expected = np.array(texts, dtype=np.float32).reshape(300, dim)
    words, got = read_words(path, binary=False)
    assert words == [f"w{i}" for i in range(300)]
    assert got.view(np.uint32).tolist() == expected.view(np.uint32).tolist()
    alone = [_vecio.parse_float32(t.encode()) for t in texts]
    assert (
        np.array(alone, dtype=np.float32).view(np.uint32).tolist()
        == expected.ravel().view(np.uint32).tolist()
    )


@pytest.mark.parametrize(
    "text",
    ["nan", "inf", "1_0", " 1", "1 ", "0x10", "1e", ".", "-", "١"]
    # bytes just below and above the digits, inside an eight-byte read
    + ["1234567:9", "0.1234/678", "12:45678901234", "98765432/", "0.00000000:", "1234567\x00"],
)
def test_values_outside_the_c_grammar_go_to_the_reference(text: str) -> None:
    assert _vecio.parse_float32(text.encode()) is None


# ------------------------------------------------------------------ writing


def _random_floats(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    special = np.array(
        [
            0.0,
            -0.0,
            1e-45,
            -1e-45,
            1.17549435e-38,
            3.4028235e38,
            -3.4028235e38,
            1.0,
            0.1,
            1e9,
            1e-5,
            1e-4,
            9.9999997e-5,
            123456789,
            999999999,
            1e10,
            np.nan,
            np.inf,
            -np.inf,
        ],
        dtype=np.float32,
    )
    return np.concatenate([special, bits, rng.standard_normal(n).astype(np.float32)])


def test_written_values_are_percent_9g_and_read_back_identical() -> None:
    values = _random_floats(300_000, 4)
    got = _vecio.format_g9(values).split(b"\n")
    assert got == [("%.9g" % x).encode() for x in values.tolist()]  # noqa: UP031
    finite = values[np.isfinite(values)]
    back = np.array(_vecio.format_g9(finite).decode().split("\n"), dtype=np.float32)
    assert back.view(np.uint32).tolist() == finite.view(np.uint32).tolist()


@pytest.mark.parametrize("binary", [True, False])
def test_writer_bytes_match_the_reference(tmp_path: Path, binary: bool) -> None:
    values = _random_floats(3000, 5)
    values = values[np.isfinite(values)][: 60 * 50].reshape(60, 50)
    words = [f"w{i}é" for i in range(60)]
    KeyedVectors(words, values).save_word2vec_format(tmp_path / "new", binary=binary)
    reference.save(tmp_path / "old", words, values, binary)
    assert (tmp_path / "new").read_bytes() == (tmp_path / "old").read_bytes()
    kv = KeyedVectors.load_word2vec_format(tmp_path / "new")
    assert kv.words == words and kv.vectors.tobytes() == values.tobytes()


def test_writer_in_small_blocks_and_threads(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(formats, "_BLOCK_BYTES", 1000)
    rng = np.random.default_rng(6)
    words = [f"w{i}" for i in range(500)]
    vectors = rng.standard_normal((500, 7)).astype(np.float32)
    for binary in (True, False):
        for threads in (1, 2, 5):
            formats.write_word2vec(tmp_path / "v", words, vectors, binary, threads)
            reference.save(tmp_path / "r", words, vectors, binary)
            assert (tmp_path / "v").read_bytes() == (tmp_path / "r").read_bytes()


@pytest.mark.parametrize("bad", ["", "a b", "a\tb", "a\u3000b", "a\n"])
def test_writer_refuses_words_the_format_cannot_hold(tmp_path: Path, bad: str) -> None:
    kv = KeyedVectors(["ok", bad], np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="cannot write word"):
        kv.save_word2vec_format(tmp_path / "v", binary=True)
    assert not (tmp_path / "v").exists()


def test_binary_word_holding_a_newline_is_read_as_the_reference_does(tmp_path: Path) -> None:
    data = b"2 1\n" + b"a\nb " + struct.pack("<f", 1.0) + b"\n\n\nc " + struct.pack("<f", 2.0)
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    assert _outcome(_new(path, True, None)) == _outcome(lambda: reference.load(path, True))
    assert read_words(path)[0] == ["a\nb", "c"]
