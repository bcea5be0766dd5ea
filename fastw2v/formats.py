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
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fastw2v import _blocks, _vecio
from fastw2v._atomic import atomic_write
from fastw2v.keys import Keys, blob_words
from fastw2v.tables import MAX_COUNT

_WHITESPACE = re.compile(r"\s")
_SPACE_BUT_NEWLINE = re.compile(r"[^\S\n]")
PARALLEL_MIN = 1 << 20  # bytes of text below which one thread parses (tests lower it)


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


def parse_text_line(
    raw: bytes, line_no: int, dim: int, path: Path, unicode_errors: str
) -> tuple[str, np.ndarray]:
    """One text record as the Python reference parses it: ``(word, row)``.

    The C reader hands back every line outside its plain grammar (``nan``, ``1_0``, a tab
    between values, a value too few...), so this function decides what such a line is or
    words its error, exactly as the reader did before the C one existed.
    """
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
        with np.errstate(over="ignore"):  # 1e39 becomes inf, refused after reading
            row = np.array(parts[1:], dtype=np.float32)
    except ValueError:
        bad = next((x for x in parts[1:] if not _is_float(x)), parts[1])
        raise ValueError(f"{path}, line {line_no}: expected a number, got {bad[:40]!r}") from None
    return parts[0], row


@dataclass(frozen=True)
class Layout:
    """Where a file's records are: their count, dimension, format and first line."""

    n_words: int
    dim: int
    body: int  # offset of the first record
    binary: bool
    first_line: int  # line number of the first record (2 after a header, 1 without)


def _looks_like_glove(head: bytes) -> bool:
    """A first line that is a record, not a header: a word (not a number), >= 2 numbers.

    The word must not be a number, so that ``2 2 2`` stays a malformed header rather than
    a one-record GloVe file; GloVe files start with a word (``the``, ``,``).
    """
    end = head.find(b"\n")
    fields = head[: end if end >= 0 else len(head)].decode("utf-8", "replace").rstrip()
    parts = fields.split(" ")
    return len(parts) >= 3 and not _is_float(parts[0]) and all(map(_is_float, parts[1:]))


def _glove_layout(blocks: Any, head: bytes, path: Path) -> Layout:
    """Count the lines (a first pass, as gensim does) and take the dimension from line 1."""
    end = head.find(b"\n")
    first = head[: end if end >= 0 else len(head)].decode("utf-8", "replace").rstrip()
    dim = len(first.split(" ")) - 1
    if dim < 1:
        raise ValueError(f"{path}, line 1: expected a word and its values (no_header=True)")
    if isinstance(blocks, _blocks.MappedBlocks):
        lines = _vecio.count_lines(blocks.buf, True)
        blocks.release_all()  # the count touched every page: let them go before reading
    else:
        counter = _blocks.StreamBlocks(blocks.path, blocks.kind, blocks.max_record)
        try:
            lines = 0
            while True:
                data = memoryview(counter.buf)[counter.start : counter.end]
                lines += _vecio.count_lines(data, counter.final)
                counter.consume(counter.end)
                if not counter.more():
                    break
        finally:
            counter.close()
    return Layout(lines, dim, 0, False, 1)


def layout(blocks: Any, path: Path, binary: bool | None, no_header: bool | None) -> Layout:
    """Read the header (or see that there is none) and settle binary or text."""
    head = blocks.prefix(4097)
    if no_header:
        if binary:
            raise ValueError(f"{path}: no_header=True is for text (GloVe) files, not binary")
        return _glove_layout(blocks, head, path)
    try:
        n_words, dim, body = parse_header(head, path)
    except ValueError:
        if no_header is None and not binary and _looks_like_glove(head):
            return _glove_layout(blocks, head, path)
        raise
    if binary is None:
        if isinstance(blocks, _blocks.MappedBlocks):
            binary = looks_binary(blocks.buf, body, dim)
        else:  # enough of the stream for the guess, without reading a huge record whole
            binary = looks_binary(
                blocks.prefix(body + 4097 + min(64 * (dim + 16), 1 << 20)), body, dim
            )
    return Layout(n_words, dim, body, binary, 2)


def _allocate(blocks: Any, lay: Layout, wanted: int, path: Path) -> np.ndarray:
    """The matrix, sized by what the file can hold (plain) or by the header (compressed)."""
    if isinstance(blocks, _blocks.MappedBlocks):
        rows = min(wanted, _max_records(blocks.size - lay.body, lay.dim, lay.binary))
    else:
        rows = wanted
        need, memory = 4 * rows * lay.dim, _blocks.physical_memory()
        if memory and need > memory:
            raise ValueError(
                f"{path}: the header promises {lay.n_words} vectors of dimension {lay.dim} "
                f"({need / 2**30:.1f} GiB), more than this machine's memory "
                f"({memory / 2**30:.1f} GiB); pass limit= to read fewer"
            )
    return np.empty((rows, lay.dim), dtype=np.float32)


def read_word2vec_keys(
    path: str | os.PathLike[str],
    binary: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "strict",
    no_header: bool | None = None,
) -> tuple[Keys, np.ndarray]:
    """Read a word2vec text or binary file, plain or gzip/bz2/xz: ``(keys, vectors)``.

    The C reader fills the matrix in blocks without the GIL (a plain file is memory-mapped
    and the pages read are released, a compressed one is decompressed a block at a time),
    so memory is the matrix and the words. The keys are lazy (:mod:`fastw2v.keys`) in the
    usual case: strict UTF-8, distinct words, every line in the C reader's grammar. See
    :meth:`fastw2v.vectors.KeyedVectors.load_word2vec_format` for the parameters;
    ``no_header=None`` reads a header-less (GloVe) text file when its first line is a
    record rather than a ``V D`` header.
    """
    path = Path(path)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if os.stat(path).st_size == 0:
        raise ValueError(f"{path}: empty file, expected a 'V D' header line")
    blocks = _blocks.open_blocks(path, max_record=_blocks.WINDOW)
    try:
        lay = layout(blocks, path, binary, no_header)
        blocks.max_record = _blocks.WINDOW + 32 * lay.dim
        wanted = lay.n_words if limit is None else min(lay.n_words, limit)
        matrix = _allocate(blocks, lay, wanted, path)
        blocks.consume(lay.body)
        reading = _Reading(blocks, lay, matrix, path, unicode_errors)
        # With a limit the rest of the file is not looked at, so it is not checked either.
        reading.run(wanted, check_rest=limit is None)
        keys = reading.lazy_keys()
        words = reading.words() if keys is None else []
    finally:
        blocks.close()
    if keys is not None:
        reading.check_finite(keys.key_at)
        return keys, matrix[: len(keys)]
    vectors = matrix[: len(words)]
    reading.check_finite(words.__getitem__)
    words, vectors = drop_duplicates(words, vectors, path)
    return Keys.from_list(words), vectors


class _Reading:
    """One file being read: drives the C reader over the blocks and words its errors."""

    def __init__(
        self, blocks: Any, lay: Layout, matrix: np.ndarray, path: Path, unicode_errors: str
    ) -> None:
        self.blocks, self.lay, self.matrix, self.path = blocks, lay, matrix, path
        self.errors = unicode_errors
        self.reader = _vecio.VecReader(matrix, PARALLEL_MIN)
        self.odd_words: dict[int, str] = {}  # rows parsed by the Python reference
        self.odd_nonfinite = -1
        self.threads = default_threads()

    def run(self, wanted: int, check_rest: bool) -> None:
        try:
            self._records(wanted)
            if check_rest:
                self._check_rest()
        except ValueError:
            self.words()  # an invalid word earlier in the file is the first error
            raise

    def _records(self, wanted: int) -> None:
        b, r = self.blocks, self.reader
        while True:
            status, consumed, detail = r.feed(
                b.buf, b.start, b.end, b.final, self.lay.binary, self.threads
            )
            b.consume(consumed)
            if status == _vecio.FULL:
                if r.done < wanted:
                    raise self._beyond_capacity(consumed)
                return
            if status == _vecio.ODD:
                self._odd_line(consumed, detail)
            elif status == _vecio.MORE:
                if b.final:  # text: every line read, fewer than the header promised
                    line = r.done + self.lay.first_line - 1
                    raise ValueError(
                        f"{self.path}: file ends at line {line}, after {r.done} vectors; "
                        f"the header promised {self.lay.n_words}"
                    )
                try:
                    b.more()
                except _blocks.RecordTooLong as exc:
                    raise self._too_long(exc) from None
            else:
                raise self._binary_error(status, b.offset(consumed), detail)

    def _beyond_capacity(self, pos: int) -> ValueError:
        """The error at a record the file's size leaves no room for (plain files only).

        The matrix holds as many rows as the bytes can: a record past them is cut short or
        malformed, and the reference's checks, made here on the memory map, say which.
        """
        data, size, i = self.blocks.buf, self.blocks.size, self.reader.done
        if self.lay.binary:
            space = data.find(b" ", pos)
            if space < 0 or size - (space + 1) < 4 * self.lay.dim:
                have = 0 if space < 0 else size - space - 1
                return self._binary_error(_vecio.NO_WORD if space < 0 else _vecio.SHORT, pos, have)
            if not data[pos:space].lstrip(b"\n"):
                return self._binary_error(_vecio.EMPTY_WORD, pos, 0)
        elif pos >= size:
            line = i + self.lay.first_line - 1
            return ValueError(
                f"{self.path}: file ends at line {line}, after {i} vectors; "
                f"the header promised {self.lay.n_words}"
            )
        else:
            end = data.find(b"\n", pos)
            raw = data[pos : size if end < 0 else end]
            try:
                parse_text_line(raw, i + self.lay.first_line, self.lay.dim, self.path, self.errors)
            except ValueError as exc:
                return exc
        return ValueError(f"{self.path}: more records than the file's size can hold")

    def _odd_line(self, start: int, end: int) -> None:
        r, b = self.reader, self.blocks
        row = r.done
        word, values = parse_text_line(
            bytes(b.buf[start:end]),
            row + self.lay.first_line,
            self.lay.dim,
            self.path,
            self.errors,
        )
        self.matrix[row] = values
        if self.odd_nonfinite < 0 and not np.isfinite(values).all():
            self.odd_nonfinite = row
        self.odd_words[row] = word
        r.add_row()
        b.consume(end + 1 if end < b.end else end)

    def _binary_error(self, status: int, pos: int, detail: int) -> ValueError:
        i, n, dim = self.reader.done, self.lay.n_words, self.lay.dim
        if status == _vecio.EMPTY_WORD:
            return ValueError(f"{self.path}: vector {i + 1} of {n} (byte {pos}): empty word")
        have = "no word" if status == _vecio.NO_WORD else f"{detail} of {4 * dim} vector bytes"
        return ValueError(
            f"{self.path}: truncated at vector {i + 1} of {n} (byte {pos}): expected a word, "
            f"a space and {dim} float32 values, found {have}"
        )

    def _too_long(self, exc: _blocks.RecordTooLong) -> ValueError:
        if self.lay.binary:
            return ValueError(
                f"{self.path}: vector {self.reader.done + 1} of {self.lay.n_words} "
                f"(byte {exc.offset}): no whole record within {exc.size} bytes; "
                f"expected a word, a space and {self.lay.dim} float32 values"
            )
        return ValueError(
            f"{self.path}, line {self.reader.done + self.lay.first_line}: longer than "
            f"{exc.size} bytes; expected a word and {self.lay.dim} values"
        )

    def _check_rest(self) -> None:
        n = self.lay.n_words
        if self.lay.binary:
            count, extra = self.blocks.rest(b"\n")
            if extra:
                raise ValueError(
                    f"{self.path}: the header promised {n} vectors "
                    f"but {count} bytes follow vector {n}"
                )
        elif self.blocks.rest(None)[1]:
            raise ValueError(
                f"{self.path}, line {self.reader.done + self.lay.first_line}: the header "
                f"promised {n} vectors but the file holds more lines"
            )

    def lazy_keys(self) -> Keys | None:
        """The words as lazy :class:`Keys`, or None outside the usual case (see
        :func:`read_word2vec_keys`): the caller then decodes them with :meth:`words`."""
        if self.errors != "strict" or self.odd_words:
            return None
        joined, ends, has_sep = self.reader.words()
        if has_sep:
            return None
        try:
            joined.decode("utf-8")  # validated at C speed; the error is worded by words()
        except UnicodeDecodeError:
            return None
        return Keys.from_blob(joined, np.concatenate(([0], ends + 1)))

    def words(self) -> list[str]:
        """The words read so far, decoded at once (one by one where a word holds b'\\n')."""
        joined, ends, has_sep = self.reader.words()
        words: list[str]
        if not len(ends):
            words = []
        elif has_sep:
            words = [self._decode(joined, ends, i) for i in range(len(ends))]
        else:
            try:
                words = joined[:-1].decode("utf-8", self.errors).split("\n")
            except UnicodeDecodeError as exc:
                self._decode(joined, ends, int(np.searchsorted(ends, exc.start)))
                raise  # not reached: _decode raises for the word holding exc.start
        for row, word in self.odd_words.items():
            words[row] = word
        return words

    def _decode(self, joined: bytes, ends: np.ndarray, i: int) -> str:
        raw = joined[int(ends[i - 1]) + 1 if i else 0 : int(ends[i])]
        try:
            if self.lay.binary:
                return raw.decode("utf-8", self.errors)
            # The reference decoded the whole line: the space after the word is part of it.
            return (raw + b" ").decode("utf-8", self.errors)[:-1]
        except UnicodeDecodeError as exc:
            if self.lay.binary:
                message = f"{self.path}: vector {i + 1}: word is not valid UTF-8 ({exc.reason})"
            else:
                line = i + self.lay.first_line
                message = f"{self.path}, line {line}: invalid UTF-8 ({exc.reason})"
            raise ValueError(message) from None

    def check_finite(self, word_at: Callable[[int], str]) -> None:
        rows = [row for row in (self.reader.first_nonfinite, self.odd_nonfinite) if row >= 0]
        if rows:
            row = min(rows)
            where = f"vector {row + 1}" if self.lay.binary else f"line {row + self.lay.first_line}"
            raise ValueError(
                f"{self.path}, {where} (word {word_at(row)!r}): NaN or infinite value; "
                "expected finite numbers"
            )


# ------------------------------------------------------------------ writers


def encode_words(words: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """The words' UTF-8 joined by b'\\n' and the start of each (one more: the end + 1).

    Raises ValueError naming the first word that is empty or holds whitespace (neither
    word2vec format can hold it).
    """
    if not isinstance(words, list):
        words = list(words)
    joined = "\n".join(words)
    # C-speed checks that make no string per word (4M words: no 300 MB of them at the
    # peak): one newline between words and none in them, no empty word, no other space.
    # The culprit is looked for only when one fails.
    empty = joined.startswith("\n") or joined.endswith("\n") or "\n\n" in joined
    if (
        words
        and (joined.count("\n") != len(words) - 1 or empty or not joined)
        or _SPACE_BUT_NEWLINE.search(joined)
    ):
        for word in words:
            if not word or _WHITESPACE.search(word):
                raise ValueError(
                    f"cannot write word {word!r} in word2vec format: "
                    "it is empty or holds whitespace"
                )
    data = joined.encode("utf-8")
    if not words:
        return data, np.zeros(1, dtype=np.int64)
    seps = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    starts = np.concatenate(([0], seps + 1, [len(data) + 1])).astype(np.int64)
    return data, starts


def default_threads() -> int:
    """All the cores this process may use, or ``OMP_NUM_THREADS`` when set."""
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_BLOCK_BYTES = 16 << 20  # formatted bytes per block written


def writable_blob(blob: bytes, starts: np.ndarray) -> tuple[bytes, np.ndarray] | None:
    """:func:`encode_words`'s result for the words of a blob (valid UTF-8, each followed by
    b'\\n', as lazy keys hold them), or None when a word is empty or holds whitespace: the
    caller then encodes the list, and its check names the word. One pass in C instead of
    millions of str objects."""
    if len(starts) < 2:
        return None
    words = blob[: int(starts[-1])]
    if _vecio.blob_has_space(words):
        return None
    return words[:-1], np.ascontiguousarray(starts, dtype=np.int64)


def write_word2vec(
    path: str | os.PathLike[str],
    words: Sequence[str],
    vectors: np.ndarray,
    binary: bool,
    threads: int | None = None,
    encoded: tuple[bytes, np.ndarray] | None = None,
) -> None:
    """Write ``words`` and ``vectors`` (one row each) in the word2vec format, atomically.

    Binary: a ``"V D"`` header line, then per word its UTF-8 bytes, a space, D
    little-endian float32 and a newline (as word2vec.c writes it). Text: the header, then
    ``word v1 ... vD`` per line, each value byte-identical to ``"%.9g" % value`` (nine
    significant digits: enough to read back the identical float32), formatted in C over
    ``threads`` OpenMP threads (default: all cores, or ``OMP_NUM_THREADS``). ``encoded``:
    the words already encoded (:func:`writable_blob`), ``words`` then unused.
    """
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    n_words = len(words) if encoded is None else len(encoded[1]) - 1
    if rows.ndim != 2 or rows.shape[0] != n_words:
        raise ValueError(f"{n_words} words but vectors of shape {rows.shape}")
    data, starts = encode_words(words) if encoded is None else encoded
    n, dim = rows.shape
    threads = default_threads() if threads is None else threads
    per_row = (4 if binary else 17) * dim + 1 + (len(data) + 1) // max(n, 1)
    step = max(1, _BLOCK_BYTES // per_row)
    buf = np.empty(0, dtype=np.uint8)
    with atomic_write(path, "wb") as fh:
        fh.write(f"{n} {dim}\n".encode("ascii"))
        for r0 in range(0, n, step):
            r1 = min(n, r0 + step)
            need = int(starts[r1] - starts[r0]) + (r1 - r0) * ((4 if binary else 17) * dim + 1)
            if need > len(buf):
                buf = np.empty(need, dtype=np.uint8)
            view = memoryview(buf)
            if binary:
                fh.write(view[: _vecio.write_binary_block(data, starts, rows, r0, r1, buf)])
            else:
                for offset, length in _vecio.write_text_block(
                    data, starts, rows, r0, r1, buf, threads
                ):
                    fh.write(view[offset : offset + length])


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


def load_npy(path: Path, mmap: bool) -> np.ndarray:
    """The native matrix: checked (:func:`check_npy`), then memory-mapped or read.

    A mapped file is registered with the SIGBUS note (csrc/fw2v_sigbus.c): if another
    process truncates it while mapped, the crash that follows says so in one line and
    points to ``mmap=False``, which keeps a private copy immune to such changes.
    """
    check_npy(path)
    try:
        vectors = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"{path}: cannot read the matrix ({exc})") from None
    if mmap and isinstance(vectors, np.memmap):
        _vecio.sigbus_note(str(Path(path).resolve()))
    return vectors


_LINE_WITHOUT_TAB = re.compile(r"(?:^|\n)[^\t\n]*(?:\n|$)")
_COUNTS = re.compile(r"[0-9]{1,18}(?:\n[0-9]{1,18})*")


def read_native_vocab(path: Path) -> tuple[list[str], np.ndarray | None]:
    """``(words, counts or None)`` from a native ``vocab.tsv`` (``word<TAB>count`` lines).

    The whole file is decoded and split at once; when anything is off (invalid UTF-8, a
    line without its count, a count that is not an integer), :func:`_read_vocab_lines`
    reads it again line by line to name the line and the reason.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _read_vocab_lines(path)
    lines = text.split("\n") if text else []
    if text.endswith("\n"):
        lines.pop()
    if "\t" not in text:
        return lines, None
    cells = text.replace("\t", "\n").split("\n")
    if text.endswith("\n"):
        cells.pop()
    if len(cells) != 2 * len(lines) or _LINE_WITHOUT_TAB.search(text.rstrip("\n") + "\n"):
        return _read_vocab_lines(path)
    numbers = "\n".join(cells[1::2])
    if not _COUNTS.fullmatch(numbers):
        return _read_vocab_lines(path)
    counts = np.fromiter(map(int, cells[1::2]), dtype=np.int64, count=len(lines))
    if (counts > MAX_COUNT).any():
        return _read_vocab_lines(path)
    return cells[0::2], counts


def read_native_keys(path: Path) -> tuple[Keys | list[str], np.ndarray | None]:
    """``(keys, counts or None)`` of a native ``vocab.tsv``, as :func:`read_native_vocab`
    reads it, in one pass in C: lazy :class:`Keys` when the words are distinct, else the
    list of words (the caller's constructor then names the repeated one).
    """
    data = path.read_bytes()
    parsed = _vecio.native_vocab(data, MAX_COUNT)
    if parsed is None:  # outside the plain grammar: the line reader names the line
        return _read_vocab_lines(path)
    blob, starts, counts = parsed
    try:
        blob.decode("utf-8")  # validated at C speed; only the line reader names the line
    except UnicodeDecodeError:
        return _read_vocab_lines(path)
    keys = Keys.from_blob(blob, starts)
    return (blob_words(blob, len(starts) - 1) if keys is None else keys), counts


def _read_vocab_lines(path: Path) -> tuple[list[str], np.ndarray | None]:
    """The line-by-line reader (and reference) of :func:`read_native_vocab`."""
    words: list[str] = []
    counts: list[int] = []
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path}, line {line_no}: invalid UTF-8 ({exc.reason})") from None
            word, tab, count = line.rstrip("\n").partition("\t")
            words.append(word)
            if tab:
                if not (count.isascii() and count.isdigit()) or int(count) > MAX_COUNT:
                    raise ValueError(
                        f"{path}, line {line_no}: "
                        f"expected a count (an integer >= 0), got {count[:40]!r}"
                    )
                counts.append(int(count))
    if counts and len(counts) != len(words):
        raise ValueError(f"{path}: some lines have counts and some do not")
    return words, np.array(counts, dtype=np.int64) if counts else None


def check_native_finite(vectors: np.ndarray, word_at: Callable[[int], str], path: Path) -> None:
    """Refuse a native matrix holding NaN or infinity, naming the row and its word.

    One pass in C over all cores (a memory-mapped matrix is read from the page cache).
    """
    if vectors.dtype != np.float32 or vectors.ndim != 2 or not vectors.flags.c_contiguous:
        return
    row = _vecio.first_nonfinite(vectors, default_threads())
    if row >= 0:
        raise ValueError(
            f"{path}: row {row} (word {word_at(row)!r}) holds a NaN or an infinite value; "
            "expected finite numbers"
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
