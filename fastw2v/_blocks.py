"""A vector file as a sequence of blocks for the C readers: windows of a memory map for a
plain file, a bounded buffer refilled from the decompressor for gzip, bz2 or xz.

Either way the reader sees ``buf[start:end]`` (``final`` when the file ends at ``end``),
reads the whole records there, and calls :meth:`consume` with the offset it reached and
:meth:`more` for the rest; a record longer than a block makes the block grow.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import mmap
import os
import queue
import threading
import zlib
from pathlib import Path
from typing import IO, Any

_COMPRESSED = (
    (b"\x1f\x8b", "gzip", gzip.open),
    (b"BZh", "bz2", bz2.open),
    (b"\xfd7zXZ\x00", "xz", lzma.open),
)
_DECOMPRESSION_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)

WINDOW = 64 << 20  # bytes of a plain file handed to the C reader at once
STREAM_BLOCK = 4 << 20  # bytes decompressed at once


def compression(path: Path) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` (from the magic bytes, whatever the name) or None."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    return next((name for prefix, name, _ in _COMPRESSED if magic.startswith(prefix)), None)


class MappedBlocks:
    """Windows of a plain file's memory map; the pages already read are let go.

    Dropping them (``MADV_DONTNEED``) keeps the process's resident memory at the matrix
    being filled plus one window, instead of the matrix plus the whole file.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as fh:
            self.buf: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self.size = len(self.buf)
        self.start = 0
        self.window = WINDOW
        self.end = min(self.size, self.window)
        self.final = self.end == self.size
        self.base = 0  # file offset of buf[0]
        self._released = 0

    def offset(self, index: int) -> int:
        """File offset of ``buf[index]``."""
        return index

    def prefix(self, n: int) -> bytes:
        return self.buf[:n]

    def consume(self, index: int) -> None:
        self.start = index
        if self.end < index:
            self.end = min(self.size, index + self.window)
            self.final = self.end == self.size
        page = mmap.PAGESIZE
        done = index // page * page
        if done - self._released >= WINDOW and hasattr(mmap, "MADV_DONTNEED"):
            self.buf.madvise(mmap.MADV_DONTNEED, self._released, done - self._released)
            self._released = done

    def release_all(self) -> None:
        """Let every page go (they are read again from the page cache when needed)."""
        if hasattr(mmap, "MADV_DONTNEED") and self.size:
            self.buf.madvise(mmap.MADV_DONTNEED)

    def more(self) -> bool:
        """Extend the block (grow it when no whole record fitted); False at the end."""
        if self.final:
            return False
        if self.end - self.start >= self.window:
            self.window *= 2
        self.end = min(self.size, self.start + self.window)
        self.final = self.end == self.size
        return True

    def rest(self, chars: bytes | None) -> tuple[int, bool]:
        """``(bytes after start, whether any is not in chars)``; None: ASCII whitespace."""
        blank = all(
            not self.buf[i : min(self.size, i + WINDOW)].strip(chars)
            for i in range(self.start, self.size, WINDOW)
        )
        return self.size - self.start, not blank

    def close(self) -> None:
        self.buf.close()


class _Prefetch(threading.Thread):
    """Decompresses the next blocks while the C reader parses the current one.

    Both release the GIL (zlib, bz2 and lzma while they decompress), so on two cores a
    compressed file reads in about the longer of the two times instead of their sum. At
    most two blocks wait in the queue: memory stays bounded.
    """

    def __init__(self, fh: IO[bytes], path: Path, kind: str) -> None:
        super().__init__(daemon=True, name="fastw2v-decompress")
        self.fh, self.path, self.kind = fh, path, kind
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                chunk = self.fh.read(STREAM_BLOCK)
                self._put(chunk)
                if not chunk:
                    return
        except _DECOMPRESSION_ERRORS as exc:
            self._put(ValueError(f"{self.path}: corrupt {self.kind} data ({exc})"))
        except BaseException as exc:  # handed to the reading thread, raised there
            self._put(exc)

    def _put(self, item: Any) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def get(self) -> bytes:
        item = self.queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.stop.set()
        while self.is_alive():
            try:
                self.queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self.fh.close()


class StreamBlocks:
    """A decompressed stream in a buffer that holds one block and the record being read."""

    def __init__(self, path: Path, kind: str, max_record: int) -> None:
        opener = next(op for _, name, op in _COMPRESSED if name == kind)
        self.path, self.kind = path, kind
        self._prefetch = _Prefetch(opener(path, "rb"), path, kind)
        self._prefetch.start()
        self._spill: Any = memoryview(b"")  # decompressed bytes that did not fit yet
        self.buf: Any = bytearray(STREAM_BLOCK)
        self.start = self.end = 0
        self.base = 0  # stream offset of buf[0]
        self.final = False
        self.max_record = max_record
        self.more()

    def offset(self, index: int) -> int:
        return self.base + index

    def prefix(self, n: int) -> bytes:
        while self.end < n and not self.final:
            self.more()
        return bytes(self.buf[: min(n, self.end)])

    def consume(self, index: int) -> None:
        self.start = index

    def more(self) -> bool:
        if self.final:
            return False
        if self.start > 0:  # keep the partial record, drop what was read
            pending = self.end - self.start
            self.buf[:pending] = self.buf[self.start : self.end]
            self.base += self.start
            self.start, self.end = 0, pending
        if self.end == len(self.buf):  # a record longer than the buffer
            if len(self.buf) >= self.max_record:
                raise RecordTooLong(self.base, len(self.buf))
            self.buf.extend(bytes(len(self.buf)))
        while self.end < len(self.buf):  # fill it: the C reader gets megabytes at a time
            if not self._spill:
                self._spill = memoryview(self._prefetch.get())
                if not self._spill:
                    self.final = True
                    break
            n = min(len(self._spill), len(self.buf) - self.end)
            self.buf[self.end : self.end + n] = self._spill[:n]
            self._spill = self._spill[n:]
            self.end += n
        return True

    def rest(self, chars: bytes | None) -> tuple[int, bool]:
        """``(bytes after start, whether any is not in chars)``; None: ASCII whitespace."""
        count, nonblank = 0, False
        while True:
            piece = bytes(self.buf[self.start : self.end])
            count += len(piece)
            nonblank = nonblank or bool(piece.strip(chars))
            self.start = self.end
            if not self.more():
                return count, nonblank

    def close(self) -> None:
        self._prefetch.close()


class RecordTooLong(ValueError):
    """A record in a compressed file outgrew the buffer's bound (a file with no separators)."""

    def __init__(self, offset: int, size: int) -> None:
        super().__init__(offset, size)
        self.offset, self.size = offset, size


def open_blocks(path: Path, max_record: int) -> MappedBlocks | StreamBlocks:
    """The blocks of ``path``, decompressing gzip, bz2 or xz content."""
    kind = compression(path)
    if kind is None:
        return MappedBlocks(path)
    return StreamBlocks(path, kind, max_record)


def physical_memory() -> int:
    """Bytes of RAM on this machine (0 when unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0
