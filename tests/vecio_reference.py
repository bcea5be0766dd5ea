"""The pure-Python word2vec readers and writer fastw2v had before the C ones (a reference).

tests/test_vecio.py checks that the C readers (fastw2v/formats.py driving
csrc/fw2v_vecio.c) return the same words and bit-identical vectors, or raise the same
message, on random files and mutations of valid ones, and that the writer's bytes match.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import numpy as np

from fastw2v import formats


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
    vectors = np.empty(
        (min(wanted, formats._max_records(len(data) - pos, dim, False)), dim), np.float32
    )
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
            bad = next((x for x in parts[1:] if not formats._is_float(x)), parts[1])
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
    vectors = np.empty(
        (min(wanted, formats._max_records(len(data) - pos, dim, True)), dim), np.float32
    )
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


def load(
    path: Path, binary: bool | None = None, limit: int | None = None, unicode_errors: str = "strict"
) -> tuple[list[str], np.ndarray]:
    """``(words, vectors)`` as ``KeyedVectors.load_word2vec_format`` read them before."""
    path = Path(path)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise ValueError(f"{path}: empty file, expected a 'V D' header line")
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        n_words, dim, body = formats.parse_header(data, path)
        if binary is None:
            binary = formats.looks_binary(data, body, dim)
        wanted = n_words if limit is None else min(n_words, limit)
        reader = read_binary if binary else read_text
        words, vectors = reader(
            data, body, n_words, dim, wanted, path, unicode_errors, limit is None
        )
    finally:
        data.close()
    formats.check_finite(vectors, words, path, binary)
    return formats.drop_duplicates(words, vectors, path)


def save(path: Path, words: list[str], vectors: np.ndarray, binary: bool) -> None:
    """The bytes ``save_word2vec_format`` wrote before (no checks, not atomic)."""
    header = f"{len(words)} {vectors.shape[1]}\n"
    if binary:
        with open(path, "wb") as fh:
            fh.write(header.encode("ascii"))
            for word, row in zip(words, vectors.astype("<f4")):
                fh.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
    else:
        template = " ".join(["%.9g"] * vectors.shape[1])
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(header)
            for word, row in zip(words, vectors.tolist()):
                fh.write(f"{word} {template % tuple(row)}\n")
