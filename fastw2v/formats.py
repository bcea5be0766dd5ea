"""Reading word-vector files: the word2vec text and binary formats and the native .npy.

The readers take the file as a memory map and size every allocation from the file's
length, never from its header alone, so that a damaged or hostile header cannot make them
allocate without bound. Every failure is a ValueError naming the file, the line (text) or
vector number (binary) and what was expected. :class:`fastw2v.vectors.KeyedVectors` is
their only caller; its ``load_word2vec_format`` / ``load`` methods are the public API.
"""

from __future__ import annotations

import mmap
import os
import warnings
from pathlib import Path

import numpy as np


def parse_header(data: mmap.mmap, path: Path) -> tuple[int, int, int]:
    """``(words, dim, offset of the first record)`` from the ``"V D"`` header line."""
    # A header is a few bytes; do not scan (and copy) a whole newline-free file for it.
    end = data.find(b"\n", 0, 4096)
    if end < 0 and len(data) > 4096:
        raise ValueError(
            f"{path}, line 1: expected a header 'V D' (word count and dimension), "
            f"got {data[:60]!r}..."
        )
    raw = data[: end if end >= 0 else min(len(data), 100)]
    try:
        fields = raw.decode("ascii").split()
        n_words, dim = int(fields[0]), int(fields[1])
        if len(fields) != 2 or n_words < 0 or dim < 1:
            raise ValueError
    except (UnicodeDecodeError, ValueError, IndexError):
        raise ValueError(
            f"{path}, line 1: expected a header 'V D' (word count and dimension), got {raw[:60]!r}"
        ) from None
    if end < 0:
        if n_words == 0:
            return n_words, dim, len(data)
        raise ValueError(f"{path}: file ends after the header; expected {n_words} vectors")
    return n_words, dim, end + 1


def _max_records(room: int, dim: int, binary: bool) -> int:
    """Most records that ``room`` bytes can hold: rows to allocate, whatever the header says.

    The smallest record is a one-byte word, a space and ``dim`` float32 values (binary), or
    a one-byte word and ``dim`` one-digit values each after a space (text). A corrupt
    header claiming 10**12 words then costs no 10**12-row allocation: the reader reports
    the truncation once the bytes run out, long before the rows do.
    """
    smallest = 2 + 4 * dim if binary else 1 + 2 * dim
    return max(0, room + 1) // smallest


# Bytes of a text line: printable ASCII, tab and carriage return. Raw float32 values hold
# others within a few bytes (a byte outside this set has probability 161/256).
_TEXT_VALUE_BYTES = frozenset(range(32, 127)) | {9, 13}


def looks_binary(data: mmap.mmap, body: int, dim: int) -> bool:
    """Guess the format from the bytes of the first record after its word.

    A text record's values are printable ASCII up to a newline, digits among them; ``dim``
    float32 values are raw bytes that almost never are (and rarely hold a newline within
    their first bytes). The guess looks at bytes, not at whether the line parses, so a
    damaged text file is read as text and its error names the line (a value too many or
    too few, a bad number) instead of the file being loaded as binary garbage.
    """
    space = data.find(b" ", body, body + 4096)
    if space < 0:
        return False  # no word separator where text would have one: let the text reader say
    window = data[space + 1 : space + 1 + 64 * (dim + 16)]
    end = window.find(b"\n")
    values = window[: end if end >= 0 else len(window)]
    plausible = (
        len(values.strip()) >= min(8, 2 * dim - 1)
        and any(48 <= byte <= 57 for byte in values)  # a digit
        and all(byte in _TEXT_VALUE_BYTES for byte in values)
    )
    return not plausible


def read_text(
    data: mmap.mmap,
    pos: int,
    n_words: int,
    dim: int,
    wanted: int,
    path: Path,
    unicode_errors: str,
    check_rest: bool,
) -> tuple[list[str], np.ndarray]:
    words: list[str] = []
    vectors = np.empty((min(wanted, _max_records(len(data) - pos, dim, False)), dim), np.float32)
    line_no = 1
    size = len(data)
    while len(words) < wanted:
        line_no += 1
        if pos >= size:
            raise ValueError(
                f"{path}: file ends at line {line_no - 1}, after {len(words)} vectors; "
                f"the header promised {n_words}"
            )
        end = data.find(b"\n", pos)
        end = size if end < 0 else end
        raw = data[pos:end]
        pos = end + 1
        try:
            parts = raw.decode("utf-8", errors=unicode_errors).rstrip().split(" ")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}, line {line_no}: invalid UTF-8 ({exc.reason})") from None
        if len(parts) != dim + 1:
            raise ValueError(
                f"{path}, line {line_no}: expected a word and {dim} values, "
                f"found {len(parts) - 1} values"
            )
        if not parts[0]:
            raise ValueError(f"{path}, line {line_no}: empty word (line starts with a space)")
        try:
            with np.errstate(over="ignore"):  # 1e39 becomes inf, refused just below
                vectors[len(words)] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            bad = next((x for x in parts[1:] if not _is_float(x)), parts[1])
            raise ValueError(
                f"{path}, line {line_no}: expected a number, got {bad[:40]!r}"
            ) from None
        words.append(parts[0])
    if check_rest:
        rest = data[pos:].strip()
        if rest:
            raise ValueError(
                f"{path}, line {line_no + 1}: the header promised {n_words} vectors "
                "but the file holds more lines"
            )
    return words, vectors


def read_binary(
    data: mmap.mmap,
    pos: int,
    n_words: int,
    dim: int,
    wanted: int,
    path: Path,
    unicode_errors: str,
    check_rest: bool,
) -> tuple[list[str], np.ndarray]:
    words: list[str] = []
    vectors = np.empty((min(wanted, _max_records(len(data) - pos, dim, True)), dim), np.float32)
    n_bytes = 4 * dim
    size = len(data)
    for i in range(wanted):
        space = data.find(b" ", pos)
        if space < 0 or size - (space + 1) < n_bytes:
            have = "no word" if space < 0 else f"{size - space - 1} of {n_bytes} vector bytes"
            raise ValueError(
                f"{path}: truncated at vector {i + 1} of {n_words} (byte {pos}): "
                "expected a word, a space "
                f"and {dim} float32 values, found {have}"
            )
        # word2vec.c ends each vector with a newline, gensim does not: accept both.
        raw = data[pos:space].lstrip(b"\n")
        if not raw:
            raise ValueError(f"{path}: vector {i + 1} of {n_words} (byte {pos}): empty word")
        try:
            words.append(raw.decode("utf-8", errors=unicode_errors))
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path}: vector {i + 1}: word is not valid UTF-8 ({exc.reason})"
            ) from None
        vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + n_bytes
    if check_rest and data[pos:].strip(b"\n"):
        raise ValueError(
            f"{path}: the header promised {n_words} vectors "
            f"but {size - pos} bytes follow vector {n_words}"
        )
    return words, vectors


def check_npy(path: Path) -> None:
    """Refuse a ``.npy`` file whose header promises more data than the file holds.

    Without this, a corrupt shape in the header would make :func:`numpy.load` try to
    allocate it (a 10**12-row matrix) before noticing that the data is missing.
    """
    with open(path, "rb") as fh:
        try:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except Exception as exc:  # numpy parses the header with tokenize and literal_eval,
            # which raise a zoo of exceptions (TokenError, SyntaxError, MemoryError...)
            raise ValueError(f"{path}: not a valid .npy matrix ({exc!r})") from None
        if (
            not isinstance(shape, tuple)
            or not all(isinstance(n, int) and n >= 0 for n in shape)
            or dtype.hasobject
        ):
            raise ValueError(f"{path}: not a valid .npy matrix (shape {shape}, dtype {dtype})")
        data_bytes = os.fstat(fh.fileno()).st_size - fh.tell()
    needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if needed != data_bytes:
        raise ValueError(
            f"{path}: the header describes {dtype} {shape} ({needed} bytes) but the file "
            f"holds {data_bytes} bytes of data (truncated or corrupt)"
        )


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_finite(vectors: np.ndarray, words: list[str], path: Path, binary: bool) -> None:
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        where = f"vector {row + 1}" if binary else f"line {row + 2}"
        raise ValueError(
            f"{path}, {where} (word {words[row]!r}): NaN or infinite value; expected finite numbers"
        )


def drop_duplicates(
    words: list[str], vectors: np.ndarray, path: Path
) -> tuple[list[str], np.ndarray]:
    """Keep the first vector of a repeated word, as gensim does, with a warning."""
    if len(set(words)) == len(words):
        return words, vectors
    seen: set[str] = set()
    keep = []
    for i, word in enumerate(words):
        if word in seen:
            warnings.warn(
                f"{path}: duplicate word {word!r} (vector {i + 1}); keeping the first", stacklevel=3
            )
        else:
            seen.add(word)
            keep.append(i)
    return [words[i] for i in keep], np.ascontiguousarray(vectors[keep])
