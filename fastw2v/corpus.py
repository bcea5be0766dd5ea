"""Corpus readers: turn a path or an in-memory iterable into a restartable stream of sentences.

A *sentence* is a non-empty ``list[str]`` of at most ``max_sentence_length`` tokens. The
trainer iterates the corpus once for the vocabulary and once per epoch, so every corpus
returned here starts again from the beginning each time :func:`iter` is called on it.

Files are read as a stream of fixed-size blocks, so memory stays bounded even for a file
that is one multi-gigabyte line (text8 is one 100 MB line). Each line ending ends a sentence
(``\n``, ``\r\n`` and a lone ``\r`` alike, so a file gives the same sentences whatever
system wrote it); a longer run of tokens is cut into consecutive sentences of
``max_sentence_length`` tokens, none dropped (gensim silently drops the words past 10,000 of
a sentence: its issue #1509).

Bad input: a file that is not text (binary data, or text in a legacy 8-bit encoding) is
refused with a :class:`ValueError` naming it, decided on its first 64 KiB; a few invalid
UTF-8 bytes inside good text are replaced by U+FFFD and counted, with one
:class:`CorpusWarning` per pass over the corpus; corrupt compressed data raises a
:class:`ValueError` naming the file rather than ending the corpus early.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import threading
import warnings
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Union

__all__ = [
    "DEFAULT_MAX_SENTENCE_LENGTH",
    "Corpus",
    "CorpusWarning",
    "IterableCorpus",
    "PathCorpus",
    "as_corpus",
    "open_text",
]

DEFAULT_MAX_SENTENCE_LENGTH = 10_000
"""word2vec.c's ``MAX_SENTENCE_LENGTH``: the longest sentence handed to the trainer."""

_BLOCK_SIZE = 1 << 18
"""Bytes read per block (256 KiB).

Big enough that ``str.split`` dominates the per-block overhead; small enough that a block's
text and tokens stay in cache (measured on text8: 20% faster than 1 MiB blocks).
"""

_MAX_TOKEN_CHARS = 1 << 20
"""A run of non-whitespace longer than this is cut into pieces of this size.

Only a file that is not text in any useful sense (a gigabyte without a space) gets there;
the cut keeps memory bounded instead of growing one token without limit.
"""

# Magic numbers of the compressed formats we open transparently. Checked on the content, not
# the extension, because downloaded corpora are often renamed (``text8.gz`` that is a zip).
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_ZIP_MAGIC = b"PK\x03\x04"

PathType = Union[str, bytes, "os.PathLike[str]"]

SNIFF_BYTES = 1 << 16
"""Bytes (after decompression) looked at to decide whether a file is text at all."""

_MAX_CONTROL_SHARE = 0.05
"""Largest share of C0 control bytes (other than tab, newline, vertical tab, form feed and
carriage return) in the sniffed sample of a text file. Text has next to none; binary data
about 10%; any NUL byte marks a file as binary outright (UTF-16 included)."""

_MAX_INVALID_SHARE = 0.20
"""Largest share of invalid UTF-8 bytes in the sniffed sample. A stray Latin-1 accent in
English or French text stays far below; text in a legacy 8-bit encoding (Cyrillic cp1251)
or random bytes are far above, and training on their U+FFFD soup would be meaningless."""

_CONTROL_BYTES = bytes(list(range(0, 9)) + list(range(14, 32)) + [127])


class CorpusWarning(UserWarning):
    """Something in a corpus file was repaired while reading it (invalid UTF-8 replaced)."""


# Invalid UTF-8 is replaced by U+FFFD through an error handler that also counts the bytes
# it replaces. Clean text never calls it, so counting costs nothing there. The count is
# per thread: the trainer reads the corpus in a prefetch thread, and each reader samples
# the counter around its own decode() calls, which run in one thread without interleaving.
_ERRORS = "fastw2v-count-replace"
_counter = threading.local()


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _counter.bad = getattr(_counter, "bad", 0) + (exc.end - exc.start)
    return "\ufffd", exc.end


codecs.register_error(_ERRORS, _count_and_replace)


def _bad_bytes() -> int:
    return getattr(_counter, "bad", 0)


_DECOMPRESSION_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)


def is_compressed(path: str | os.PathLike[str]) -> bool:
    """Whether :func:`open_text` decompresses ``path`` (gzip, bz2 or xz, by magic bytes).

    Raises
    ------
    ValueError
        If the file is a zip archive, as :func:`open_text` does.
    """
    with open(path, "rb") as probe:
        magic = probe.read(6)
    if magic.startswith(_ZIP_MAGIC):
        raise ValueError(f"{os.fspath(path)} is a zip archive; unzip it and pass the text file")
    return magic.startswith((_GZIP_MAGIC, _BZ2_MAGIC, _XZ_MAGIC))


def open_text(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open ``path`` for binary reading, decompressing gzip, bz2 or xz content on the fly.

    The format is recognised by its magic bytes, whatever the file's name.

    Parameters
    ----------
    path : path-like
        A regular file.

    Returns
    -------
    IO[bytes]
        A binary stream of the (decompressed) content; the caller closes it.

    Raises
    ------
    ValueError
        If the file is a zip archive (it may hold several members; unzip it first).
    """
    with open(path, "rb") as probe:
        magic = probe.read(6)
    if magic.startswith(_GZIP_MAGIC):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if magic.startswith(_BZ2_MAGIC):
        return bz2.open(path, "rb")
    if magic.startswith(_XZ_MAGIC):
        return lzma.open(path, "rb")
    if magic.startswith(_ZIP_MAGIC):
        raise ValueError(f"{os.fspath(path)} is a zip archive; unzip it and pass the text file")
    return open(path, "rb")


def _check_max_sentence_length(max_sentence_length: int) -> int:
    if isinstance(max_sentence_length, bool) or not isinstance(max_sentence_length, int):
        raise TypeError(f"max_sentence_length must be an int, got {max_sentence_length!r}")
    if max_sentence_length < 1:
        raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
    return max_sentence_length


def _invalid_utf8_share(data: bytes) -> float:
    """Share of the bytes of ``data`` that are not valid UTF-8 (a cut last character is not)."""
    if not data:
        return 0.0
    before = _bad_bytes()
    codecs.getincrementaldecoder("utf-8")(_ERRORS).decode(data, final=False)
    return (_bad_bytes() - before) / len(data)


def _is_utf16(sample: bytes) -> bool:
    """Whether ``sample`` is UTF-16, decided on the content rather than the first two bytes.

    UTF-16 writes every ASCII character (newline and space included) with a NUL byte, so in
    any language its lines show NULs, nearly all at one parity; binary data has them at
    both. FF FE or FE FF alone proves nothing: 8-bit text may begin with those bytes (a
    first line of invalid UTF-8), so after a byte-order mark the rest must also fail to be
    plausible UTF-8 (a long CJK line can hold no NUL at all).
    """
    head = sample[:4096]
    nuls = [i for i, byte in enumerate(head) if byte == 0]
    if len(nuls) * 64 >= len(head):
        odd = sum(i & 1 for i in nuls)
        if max(odd, len(nuls) - odd) >= 0.9 * len(nuls):
            return True
    if not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return _invalid_utf8_share(sample[2:]) > _MAX_INVALID_SHARE


def check_text_sample(sample: bytes, path: str | os.PathLike[str]) -> None:
    """Refuse a file whose first bytes (``sample``, decompressed; :data:`SNIFF_BYTES` of
    them) are not UTF-8 text."""
    if not sample:
        return
    if _is_utf16(sample):
        raise ValueError(
            f"corpus file {os.fspath(path)} is UTF-16 text; convert it to UTF-8 first "
            "(e.g. iconv -f UTF-16 -t UTF-8)"
        )
    nul = sample.find(b"\x00")
    if nul >= 0:
        raise ValueError(
            f"corpus file {os.fspath(path)} is not text: it holds a NUL byte at offset {nul} "
            "(binary data? a corpus must be UTF-8 text, plain or gzip/bz2/xz compressed)"
        )
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise ValueError(
            f"corpus file {os.fspath(path)} is not text: {100 * controls / len(sample):.0f}% "
            f"of its first {len(sample)} bytes are control characters "
            "(a corpus must be UTF-8 text, plain or gzip/bz2/xz compressed)"
        )
    invalid = _invalid_utf8_share(sample)
    if invalid > _MAX_INVALID_SHARE:
        raise ValueError(
            f"corpus file {os.fspath(path)} is not UTF-8 text: {100 * invalid:.0f}% "
            f"of its first {len(sample)} bytes are invalid UTF-8 (binary data, or text in a "
            "legacy encoding: convert it, e.g. iconv -f CP1251 -t UTF-8)"
        )


def _raw_blocks(
    stream: IO[bytes], path: str | os.PathLike[str], block_size: int
) -> Iterator[bytes]:
    """The (decompressed) bytes of ``stream`` in blocks, after checking that they are text.

    Corrupt or truncated compressed data raises a ValueError naming the file: reading on
    past it, or stopping early, would train on a silently truncated corpus.
    """
    try:
        head = stream.read(max(block_size, SNIFF_BYTES))
        check_text_sample(head[:SNIFF_BYTES], path)
        for start in range(0, len(head), block_size):
            yield head[start : start + block_size]
        while True:
            raw = stream.read(block_size)
            if not raw:
                return
            yield raw
    except _DECOMPRESSION_ERRORS as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise ValueError(
            f"corpus file {os.fspath(path)}: cannot decompress it ({exc}); the file is corrupt "
            "or truncated"
        ) from None


def _iter_file_sentences(
    path: str | os.PathLike[str], max_len: int, block_size: int, bad: list[int] | None = None
) -> Iterator[list[str]]:
    """Yield the sentences of one file, reading ``block_size`` bytes at a time.

    The invalid UTF-8 bytes replaced are added to ``bad[0]`` when ``bad`` is given.
    """
    with open_text(path) as stream:
        yield from sentences_from_blocks(_raw_blocks(stream, path, block_size), max_len, bad)


def sentences_from_blocks(
    blocks: Iterator[bytes], max_len: int, bad: list[int] | None = None, bom: bool = True
) -> Iterator[list[str]]:
    """Cut a stream of UTF-8 byte blocks into sentences: fastw2v's Python tokeniser.

    Every reader (a file, a directory, one rank's byte range of a file under MPI) hands its
    bytes to this function, or to the C tokeniser of :mod:`fastw2v.encoding`, which cuts
    exactly the same sentences (the tests check it), so all of them cut the same text into
    the same sentences.

    ``pending`` holds the tokens of the current line not yet handed out; it never grows past
    ``max_len`` plus one block's tokens. ``carry`` is the non-whitespace run at the end of a
    block, which may be the first half of a token cut by the block boundary.

    Lone carriage returns are turned into newlines, and so ``\r\n`` into ``\n\n``: the
    empty line that adds yields no sentence, so a CRLF file gives exactly the sentences of
    its LF twin, even when the pair is cut by a block boundary.

    The invalid UTF-8 bytes replaced are added to ``bad[0]`` when ``bad`` is given.
    ``bom``: the blocks start a file, whose byte-order mark (if any) is dropped.
    """
    pending: list[str] = []
    carry = ""
    for text, final in _decoded(blocks, bad, bom):
        if "\r" in text:
            text = text.replace("\r", "\n")
        text = carry + text
        lines = text.split("\n")
        for line in lines[:-1]:
            # A newline ends the sentence: hand out everything pending for this line.
            if pending:
                pending.extend(line.split())
                tokens, pending = pending, []
            else:
                tokens = line.split()
            if len(tokens) <= max_len:
                if tokens:
                    yield tokens
            else:
                for start in range(0, len(tokens), max_len):
                    yield tokens[start : start + max_len]
        tail = lines[-1]
        tokens = tail.split()
        carry = ""
        if not final and tokens and not tail[-1].isspace():
            carry = tokens.pop()
            if len(carry) > _MAX_TOKEN_CHARS:
                tokens.append(carry)
                carry = ""
        pending.extend(tokens)
        if len(pending) >= max_len:
            # The line goes on, but full sentences can be handed out already; keep the
            # remainder so that the next block continues it.
            cut = len(pending) - len(pending) % max_len
            for start in range(0, cut, max_len):
                yield pending[start : start + max_len]
            pending = pending[cut:]
    if pending:
        # A file boundary ends a sentence, as a newline would.
        yield pending


def utf8_blocks(
    blocks: Iterator[bytes], bad: list[int] | None = None, bom: bool = True
) -> Iterator[bytes]:
    """The text of a stream of raw blocks as valid UTF-8, block by block, for the C tokeniser.

    Each block is decoded as :func:`sentences_from_blocks` decodes it (byte-order mark
    dropped when ``bom``, invalid bytes replaced by U+FFFD and counted into ``bad[0]``, a
    character cut by a block boundary kept whole) and encoded again, so the C tokeniser
    gets whole characters of valid UTF-8 and cuts exactly the same tokens. The last block
    yielded is the decoder's final flush (usually empty): it ends the stream.
    """
    for text, _ in _decoded(blocks, bad, bom, ascii_as_is=True):
        yield text if isinstance(text, bytes) else text.encode("utf-8")


def _decoded(
    blocks: Iterator[bytes], bad: list[int] | None, bom: bool, ascii_as_is: bool = False
) -> Iterator[tuple[str | bytes, bool]]:
    """(text, final) for each raw block, then (the decoder's final flush, True).

    utf-8-sig drops a leading byte-order mark, which would otherwise glue onto the first
    token; undecodable bytes become U+FFFD (counted into ``bad[0]``) rather than crashing
    mid-epoch. The incremental decoder keeps a multi-byte character cut by a block boundary
    whole. ``ascii_as_is``: an ASCII block is handed on as the bytes it is (valid UTF-8
    already), without decoding, once the decoder has seen the stream's start (a byte-order
    mark) and holds no part of a character from the block before: the C tokeniser's
    reader (:func:`utf8_blocks`) then spares two copies of every byte, made holding the GIL
    while the kernel trains.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig" if bom else "utf-8")(errors=_ERRORS)
    first = True
    while True:
        raw = next(blocks, b"")
        final = not raw
        if ascii_as_is and not first and not final and raw.isascii() and not decoder.getstate()[0]:
            yield raw, False
            continue
        first = False
        before = _bad_bytes()
        text = decoder.decode(raw, final=final)
        if bad is not None:
            bad[0] += _bad_bytes() - before
        yield text, final
        if final:
            return


def mark_last(blocks: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    """(block, is_last) for each block of a non-empty stream."""
    block = next(blocks)
    for following in blocks:
        yield block, False
        block = following
    yield block, True


def warn_replaced_bytes(damaged: list[tuple[Path, int]]) -> None:
    """One :class:`CorpusWarning` for a pass that replaced invalid UTF-8 bytes.

    Issued after the pass (the count is only known then). Python's default filter shows an
    identical warning once, so epochs do not repeat it.
    """
    if not damaged:
        return
    total = sum(n for _, n in damaged)
    where = ", ".join(f"{f} ({n})" for f, n in damaged[:3])
    more = f" and {len(damaged) - 3} more files" if len(damaged) > 3 else ""
    warnings.warn(
        f"corpus: {total} invalid UTF-8 byte{'s' if total != 1 else ''} replaced by "
        f"U+FFFD in {where}{more}",
        CorpusWarning,
        stacklevel=3,
    )


def _split_long(sentence: list[str], max_len: int) -> Iterator[list[str]]:
    for start in range(0, len(sentence), max_len):
        yield sentence[start : start + max_len]


class Corpus:
    """Base of the restartable corpora: each :func:`iter` starts again from the beginning.

    Attributes
    ----------
    max_sentence_length : int
        Longest sentence yielded; longer ones are cut into consecutive pieces.
    """

    max_sentence_length: int

    def __iter__(self) -> Iterator[list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def source_description(self) -> str:  # pragma: no cover - abstract
        """Short human-readable description of where the sentences come from."""
        raise NotImplementedError


class PathCorpus(Corpus):
    """Sentences read from a text file, or from every regular file of a directory.

    Files may be plain UTF-8 text or gzip, bz2 or xz compressed (detected from the content).
    Tokens are separated by any whitespace (as :meth:`str.split`) and kept as they are (no
    lowercasing); each newline ends a sentence, and so does the end of each file.

    Iterating yields the sentences as lists of str (the Python tokeniser). The trainer and
    the vocabulary count read :meth:`utf8_blocks` instead and cut the same sentences in C
    (``fastw2v.encoding``), several times faster and without holding the GIL.

    Parameters
    ----------
    path : path-like
        A regular file, or a directory: then all regular files directly in it, sorted by
        name, hidden files (name starting with ``.``) and subdirectories skipped.
    max_sentence_length : int
        Longest sentence yielded; a longer line is cut into consecutive sentences of this
        many tokens (the last one shorter), none dropped.
    block_size : int
        Bytes read at a time. Memory use is bounded by about this much text whatever the
        line lengths. Tests set it tiny to exercise the block boundaries.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist, or is a directory without any file to read.
    ValueError
        If ``path`` is neither a regular file nor a directory (a pipe cannot be re-read
        each epoch); while iterating, if a file is not UTF-8 text (binary, UTF-16, a
        legacy 8-bit encoding), is a zip archive, or holds corrupt compressed data.

    Warns
    -----
    CorpusWarning
        Once per pass, after it, when invalid UTF-8 bytes were replaced by U+FFFD: how
        many, and in which files.
    """

    def __init__(
        self,
        path: PathType,
        max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH,
        *,
        block_size: int = _BLOCK_SIZE,
    ) -> None:
        self.max_sentence_length = _check_max_sentence_length(max_sentence_length)
        if block_size < 1:
            raise ValueError(f"block_size must be >= 1, got {block_size}")
        self.block_size = block_size
        self.path = Path(os.fsdecode(path))
        if self.path.is_dir():
            self.files = [
                p
                for p in sorted(self.path.iterdir(), key=lambda p: p.name)
                if not p.name.startswith(".") and p.is_file()
            ]
            if not self.files:
                raise FileNotFoundError(
                    f"corpus directory {self.path} contains no files to read "
                    "(hidden files and subdirectories are skipped)"
                )
            self.is_directory = True
        elif self.path.is_file():
            self.files = [self.path]
            self.is_directory = False
        elif self.path.exists():
            raise ValueError(
                f"corpus path {self.path} is neither a regular file nor a directory; the corpus "
                "is read once per epoch plus once for the vocabulary, so it must be re-readable"
            )
        else:
            raise FileNotFoundError(f"corpus file or directory not found: {self.path}")

    def __iter__(self) -> Iterator[list[str]]:
        damaged: list[tuple[Path, int]] = []
        for file in self.files:
            bad = [0]
            yield from _iter_file_sentences(file, self.max_sentence_length, self.block_size, bad)
            if bad[0]:
                damaged.append((file, bad[0]))
        warn_replaced_bytes(damaged)

    def utf8_blocks(self) -> Iterator[tuple[bytes, bool]]:
        """The text of every file as (block, ends_file) pairs of valid UTF-8: the input of
        the C tokeniser, which cuts it into the sentences :meth:`__iter__` yields."""
        damaged: list[tuple[Path, int]] = []
        for file in self.files:
            bad = [0]
            with open_text(file) as stream:
                yield from mark_last(utf8_blocks(_raw_blocks(stream, file, self.block_size), bad))
            if bad[0]:
                damaged.append((file, bad[0]))
        warn_replaced_bytes(damaged)

    @property
    def source_description(self) -> str:
        """``"file PATH"`` or ``"directory PATH (N files)"``."""
        if self.is_directory:
            n = len(self.files)
            return f"directory {self.path} ({n} file{'s' if n != 1 else ''})"
        return f"file {self.path}"

    def __repr__(self) -> str:
        return (
            f"PathCorpus({str(self.path)!r}, files={len(self.files)}, "
            f"max_sentence_length={self.max_sentence_length})"
        )


class IterableCorpus(Corpus):
    """Sentences from a restartable Python iterable of token lists, long ones cut.

    Sentences of acceptable length are yielded as the very objects the source gave (no
    copy) when they are lists; the trainer must not modify them. Empty sentences are skipped.

    Parameters
    ----------
    sentences : iterable of list of str
        Re-iterable: a list, or an object whose ``__iter__`` returns a fresh iterator.
    max_sentence_length : int
        Longest sentence yielded; longer ones are cut into consecutive pieces, none dropped.

    Raises
    ------
    TypeError
        If ``sentences`` is a one-shot iterator (a generator, ``map``, an open file), or,
        while iterating, if a sentence is a plain string rather than a list of tokens.
    """

    def __init__(
        self, sentences: Iterable[list[str]], max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH
    ) -> None:
        self.max_sentence_length = _check_max_sentence_length(max_sentence_length)
        _check_restartable(sentences)
        self.sentences = sentences

    def __iter__(self) -> Iterator[list[str]]:
        max_len = self.max_sentence_length
        for sentence in self.sentences:
            # The type checks look at one object per sentence, not per token, to stay cheap.
            if type(sentence) is not list:
                if isinstance(sentence, (str, bytes)):
                    raise TypeError(
                        "each sentence must be a list of tokens, got a "
                        f"{type(sentence).__name__}: {_preview(sentence)}; split it first, "
                        "e.g. [line.split() for line in lines]"
                    )
                sentence = list(sentence)
            if not sentence:
                continue
            if not isinstance(sentence[0], str):
                raise TypeError(
                    "tokens must be str, got a sentence starting with "
                    f"{type(sentence[0]).__name__} {_preview(sentence[0])}"
                )
            if len(sentence) <= max_len:
                yield sentence
            else:
                yield from _split_long(sentence, max_len)

    @property
    def source_description(self) -> str:
        """E.g. ``"list of 1000 sentences"`` or ``"MySentences"``."""
        name = type(self.sentences).__name__
        try:
            n = len(self.sentences)  # type: ignore[arg-type]
        except TypeError:
            return name
        return f"{name} of {n} sentence{'s' if n != 1 else ''}"

    def __repr__(self) -> str:
        return (
            f"IterableCorpus({self.source_description}, "
            f"max_sentence_length={self.max_sentence_length})"
        )


def _preview(obj: Any, limit: int = 40) -> str:
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_restartable(sentences: Any) -> None:
    try:
        iterator = iter(sentences)
    except TypeError:
        raise TypeError(
            f"a corpus must be a path or an iterable of token lists, got {type(sentences).__name__}"
        ) from None
    if iterator is sentences:
        # A one-shot iterator would be empty from the second pass on: the vocabulary scan
        # would exhaust it and training would silently see no words (gensim #443, #2934).
        raise TypeError(
            f"the corpus is a one-shot iterator ({type(sentences).__name__}), but it is iterated "
            "once for the vocabulary plus once per epoch; pass a list of token lists, a path, "
            "or an object whose __iter__ returns a fresh iterator (e.g. a class with a "
            "generator __iter__ method)"
        )


def as_corpus(
    source: PathType | Iterable[list[str]],
    max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH,
) -> Corpus:
    """Return a restartable corpus of sentences for ``source``.

    Parameters
    ----------
    source : path-like or iterable of list of str
        A path (``str``, ``bytes`` or :class:`os.PathLike`) to a text file (plain, gzip,
        bz2 or xz) or to a directory of them; or a re-iterable collection of token lists.
    max_sentence_length : int
        Longest sentence yielded; longer ones are cut into consecutive sentences of this
        many tokens, none dropped.

    Returns
    -------
    Corpus
        Each iteration starts from the beginning and yields non-empty ``list[str]`` of at
        most ``max_sentence_length`` tokens. A :class:`Corpus` with the same limit is
        returned unchanged.

    Raises
    ------
    FileNotFoundError
        If a path does not exist or names a directory with no files.
    TypeError
        If ``source`` is a one-shot iterator or not iterable; while iterating, if a sentence
        is a plain string instead of a list of tokens.
    """
    max_sentence_length = _check_max_sentence_length(max_sentence_length)
    if isinstance(source, Corpus) and source.max_sentence_length == max_sentence_length:
        return source
    if isinstance(source, (str, bytes, os.PathLike)):
        return PathCorpus(source, max_sentence_length)
    return IterableCorpus(source, max_sentence_length)
