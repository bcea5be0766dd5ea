"""Integer corpora: sequences of integer ids (item ids, graph walks) for the trainer.

Three forms are accepted, all turned into one :class:`IntCorpus`:

- a restartable iterable (a list, or an object whose ``__iter__`` starts afresh) of 1-D
  integer NumPy arrays, one array a sequence;
- a CSR pair ``(indptr, tokens)``: sequence ``s`` is ``tokens[indptr[s]:indptr[s + 1]]``;
- two ``.npy`` files, tokens and offsets (the ``indptr`` above), memory-mapped, so a
  corpus larger than memory is read a block at a time.

Ids are any non-negative integers below 2^63 (not necessarily dense). They are counted
in C (csrc/fw2v_ids.c) with the GIL released: small ids in a count array, large ones in a
hash table. :func:`build_int_vocab` orders them as :class:`fastw2v.vocab.Vocab` orders
words (most frequent first, ties broken by first appearance in the corpus, ``min_count``
and ``max_size`` applied the same way), and :func:`int_chunks` maps the tokens to
vocabulary rows in C, dropping the others, into the chunks the trainer takes: ``(ids,
offsets)``, int32 row ids and int64 sentence offsets (``offsets[0] == 0``, one more than
sentences), cut exactly as :func:`fastw2v.encoding.id_chunks` cuts a text corpus (a
chunk ends at the first sentence end at which it holds ``chunk_words`` raw tokens; a
sequence longer than ``max_sentence_length`` is cut into consecutive pieces). Such a
chunk goes to ``_train.Tables.train_chunk(ids, offsets, ...)`` unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, Union

import numpy as np

from fastw2v.corpus import DEFAULT_MAX_SENTENCE_LENGTH

__all__ = ["IntCorpus", "IntVocab", "as_int_corpus", "build_int_vocab", "int_chunks"]

PathType = Union[str, "os.PathLike[str]"]
Chunk = tuple[np.ndarray, np.ndarray]

BLOCK_TOKENS = 1 << 22
"""Tokens per block read from a CSR corpus (a memory-mapped file is read this much at a time)."""

DENSE_IDS = 1 << 20
"""Ids below this always go in the count array; beyond it, only when the corpus is large
enough for the array to cost no more than the tokens themselves."""

_MAX_ID = np.iinfo(np.int64).max


def _is_int_dtype(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.integer)


def _check_int_array(arr: Any, name: str) -> np.ndarray:
    """``arr`` as a 1-D integer array (not copied), or a TypeError/ValueError naming it."""
    a = arr if isinstance(arr, np.ndarray) else np.asarray(arr)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {a.shape}")
    if not _is_int_dtype(a.dtype):
        if a.size == 0 and not isinstance(arr, np.ndarray):
            return np.empty(0, np.int64)  # [] or () is an empty sequence, not floats
        raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
    return a


def _scan_ids(tokens: np.ndarray, name: str, at: int = 0) -> tuple[int, int]:
    """``(lo, hi)`` of ``tokens``, after checking every id is in [0, 2^63)."""
    from fastw2v import _ids

    if tokens.size == 0:
        return 0, -1
    if tokens.dtype == np.uint64 and int(tokens.max()) > _MAX_ID:
        raise ValueError(f"{name} holds an id >= 2^63 ({int(tokens.max())}); ids must fit int64")
    lo, hi, bad = _ids.scan(tokens)
    if bad >= 0:
        raise ValueError(
            f"{name} holds a negative id ({int(tokens[bad])} at index {at + bad}); ids must be >= 0"
        )
    return lo, hi


class IntCorpus:
    """A validated integer corpus; see the module docstring for the three forms.

    Use :func:`as_int_corpus`, or the ``from_*`` constructors, rather than the constructor.

    Attributes
    ----------
    max_sentence_length : int
        Longer sequences are cut into consecutive pieces of this many tokens.
    n_tokens : int or None
        Tokens in the corpus (None for an iterable of arrays: not known before a pass).
    max_id : int or None
        Largest id (None for an iterable of arrays; -1 if there are no tokens).
    """

    def __init__(
        self,
        arrays: Iterable[np.ndarray] | None,
        csr: tuple[np.ndarray, np.ndarray] | None,
        max_sentence_length: int,
        description: str,
    ) -> None:
        if isinstance(max_sentence_length, bool) or not isinstance(max_sentence_length, int):
            raise TypeError(f"max_sentence_length must be an int, got {max_sentence_length!r}")
        if max_sentence_length < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        self.max_sentence_length = max_sentence_length
        self.description = description
        self._arrays = arrays
        self._csr = csr
        self.n_tokens: int | None = None
        self.max_id: int | None = None
        if csr is not None:
            self.n_tokens = len(csr[1])
            self.max_id = self._scan_csr_tokens()

    # ---------------------------------------------------------------- constructors

    @classmethod
    def from_arrays(
        cls, sequences: Iterable[Any], max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH
    ) -> IntCorpus:
        """A corpus of one 1-D integer array per sequence; checked as it is read.

        Raises
        ------
        TypeError
            If ``sequences`` is a one-shot iterator (it is read once per pass).
        """
        try:
            iterator = iter(sequences)
        except TypeError:
            raise TypeError(
                f"an integer corpus must be an iterable of integer arrays, a (indptr, tokens) "
                f"pair or two .npy paths, got {type(sequences).__name__}"
            ) from None
        if iterator is sequences:
            raise TypeError(
                f"the integer corpus is a one-shot iterator ({type(sequences).__name__}), but "
                "it is read once for the vocabulary plus once per epoch; pass a list of arrays "
                "or an object whose __iter__ starts again"
            )
        return cls(sequences, None, max_sentence_length, type(sequences).__name__)

    @classmethod
    def from_csr(
        cls, indptr: Any, tokens: Any, max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH
    ) -> IntCorpus:
        """Sequence ``s`` is ``tokens[indptr[s]:indptr[s + 1]]``. Validated now, in full.

        Raises
        ------
        TypeError, ValueError
            Naming ``indptr`` or ``tokens``: not 1-D integer arrays, ``indptr`` not starting
            at 0, decreasing, or not ending at ``len(tokens)``, or a negative id.
        """
        tokens = _check_int_array(tokens, "tokens")
        indptr = _check_offsets(_check_int_array(indptr, "indptr"), len(tokens), "indptr")
        n = len(indptr) - 1
        return cls(None, (indptr, tokens), max_sentence_length, f"CSR corpus of {n} sequences")

    @classmethod
    def from_npy(
        cls,
        tokens_path: PathType,
        offsets_path: PathType,
        max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH,
    ) -> IntCorpus:
        """Tokens and offsets from ``.npy`` files, memory-mapped (read-only, never loaded whole)."""
        arrays = []
        for path, name in ((tokens_path, "tokens"), (offsets_path, "offsets")):
            try:
                arr = np.load(path, mmap_mode="r", allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise ValueError(f"cannot read the {name} file {os.fspath(path)!r}: {exc}") from exc
            arrays.append(_check_int_array(arr, f"{name} file {os.fspath(path)!r}"))
        tokens, offsets = arrays
        indptr = _check_offsets(offsets, len(tokens), f"offsets file {os.fspath(offsets_path)!r}")
        desc = f"{os.fspath(tokens_path)} + {os.fspath(offsets_path)}"
        return cls(None, (indptr, tokens), max_sentence_length, desc)

    # ---------------------------------------------------------------- reading

    def _scan_csr_tokens(self) -> int:
        assert self._csr is not None
        tokens = self._csr[1]
        hi = -1
        for start in range(0, len(tokens), BLOCK_TOKENS):
            _, h = _scan_ids(tokens[start : start + BLOCK_TOKENS], "tokens", start)
            hi = max(hi, h)
        return hi

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(indptr, tokens)`` blocks of whole sequences, in order; ``indptr`` is int64
        and starts at 0, ``tokens`` is int32 or int64, every id checked to be >= 0."""
        if self._csr is not None:
            yield from self._csr_blocks()
        else:
            yield from self._array_blocks()

    def _csr_blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        assert self._csr is not None
        indptr, tokens = self._csr
        n_seq = len(indptr) - 1
        a = 0
        while a < n_seq:
            start = int(indptr[a])
            # the first sequence end at or past start + BLOCK_TOKENS (at least one sequence)
            b = int(np.searchsorted(indptr, start + BLOCK_TOKENS, side="left"))
            b = min(max(b, a + 1), n_seq)
            block_ptr = np.asarray(indptr[a : b + 1], dtype=np.int64) - start
            yield block_ptr, _native(tokens[start : int(indptr[b])])
            a = b

    def _array_blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        assert self._arrays is not None
        pending: list[np.ndarray] = []
        held = 0
        for i, seq in enumerate(self._arrays):
            arr = _check_int_array(seq, f"sequence {i} of the corpus")
            _scan_ids(arr, f"sequence {i} of the corpus")
            pending.append(arr)
            held += len(arr)
            if held >= BLOCK_TOKENS:
                yield _pack_arrays(pending)
                pending, held = [], 0
        if pending:
            yield _pack_arrays(pending)

    def __repr__(self) -> str:
        return f"IntCorpus({self.description}, max_sentence_length={self.max_sentence_length})"


def _native(tokens: np.ndarray) -> np.ndarray:
    """int32 and int64 tokens as they are (a view); other integer dtypes as int64."""
    if tokens.dtype in (np.int32, np.int64) and tokens.dtype.isnative:
        return tokens
    return np.asarray(tokens, dtype=np.int64)


def _pack_arrays(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(a) for a in arrays), np.int64, len(arrays))
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    dtype = np.int32 if all(a.dtype == np.int32 for a in arrays) else np.int64
    if not arrays or indptr[-1] == 0:
        return indptr, np.empty(0, dtype)
    return indptr, np.concatenate(arrays).astype(dtype, copy=False)


def _check_offsets(offsets: np.ndarray, n_tokens: int, name: str) -> np.ndarray:
    """Offsets as int64 (a view if they are), checked: start at 0, never decrease, end at
    ``n_tokens``."""
    from fastw2v import _ids

    if len(offsets) == 0:
        raise ValueError(f"{name} is empty; it needs one more entry than sequences, starting at 0")
    if int(offsets[0]) != 0:
        raise ValueError(f"{name} must start at 0, got {int(offsets[0])}")
    if int(offsets[-1]) != n_tokens:
        raise ValueError(
            f"{name} must end at the number of tokens ({n_tokens}), got {int(offsets[-1])}"
        )
    if offsets.dtype == np.uint64 and int(offsets.max()) > _MAX_ID:
        raise ValueError(f"{name} holds an offset >= 2^63")
    as64 = offsets if offsets.dtype == np.int64 and offsets.dtype.isnative else None
    if as64 is None:
        as64 = np.asarray(offsets, dtype=np.int64)
    s = _ids.offsets_decrease(np.ascontiguousarray(as64))
    if s >= 0:
        raise ValueError(
            f"{name} decreases at sequence {s} ({int(as64[s])} then {int(as64[s + 1])}); "
            "offsets must be non-decreasing"
        )
    return as64


def as_int_corpus(
    corpus: Any, offsets: Any = None, max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH
) -> IntCorpus:
    """Make an :class:`IntCorpus` from any of the accepted forms.

    Parameters
    ----------
    corpus : IntCorpus, iterable of int arrays, (indptr, tokens), or path of tokens.npy
        The sequences. A pair of arrays is read as ``(indptr, tokens)``.
    offsets : path-like, optional
        With a ``.npy`` tokens path: the ``.npy`` offsets file.
    max_sentence_length : int
        Longer sequences are cut into consecutive pieces of this many tokens.

    Returns
    -------
    IntCorpus
    """
    if isinstance(corpus, IntCorpus):
        return corpus
    if isinstance(corpus, (str, bytes, os.PathLike)):
        if offsets is None:
            raise ValueError("a tokens .npy file needs its offsets .npy file too (offsets=...)")
        return IntCorpus.from_npy(corpus, offsets, max_sentence_length)
    if offsets is not None:
        raise ValueError("offsets= is only for a tokens .npy path; pass (indptr, tokens) instead")
    if isinstance(corpus, tuple) and len(corpus) == 2:
        return IntCorpus.from_csr(corpus[0], corpus[1], max_sentence_length)
    return IntCorpus.from_arrays(corpus, max_sentence_length)


# ------------------------------------------------------------------- vocabulary


class IntVocab:
    """Integer ids and their counts, most frequent first (as :class:`fastw2v.vocab.Vocab`).

    Parameters
    ----------
    ids : array-like of int
        Distinct ids; row ``i`` of the embedding matrices belongs to ``ids[i]``.
    counts : array-like of int
        Their counts (each >= 1), non-increasing.
    """

    def __init__(self, ids: Any, counts: Any) -> None:
        self.ids = np.array(ids, dtype=np.int64).reshape(-1)
        self.counts = np.array(counts, dtype=np.int64).reshape(-1)
        if len(self.ids) != len(self.counts):
            raise ValueError(f"{len(self.ids)} ids but {len(self.counts)} counts")
        if len(self.ids) == 0:
            raise ValueError("a vocabulary needs at least one id")
        if self.counts.min() < 1 or np.any(self.counts[1:] > self.counts[:-1]):
            raise ValueError("counts must be >= 1 and non-increasing (most frequent id first)")
        if self.ids.min() < 0 or len(np.unique(self.ids)) != len(self.ids):
            raise ValueError("ids must be distinct and >= 0")
        self.ids.flags.writeable = False
        self.counts.flags.writeable = False

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"IntVocab(size={len(self)}, total_words={self.total_words})"

    @property
    def total_words(self) -> int:
        """Sum of the counts: the in-vocabulary tokens the trainer sees per epoch."""
        return int(self.counts.sum())

    def as_vocab(self) -> Any:
        """A :class:`fastw2v.vocab.Vocab` whose words are the ids as decimal strings (what the
        word2vec formats write), same rows and counts."""
        from fastw2v.vocab import Vocab

        return Vocab([str(i) for i in self.ids.tolist()], self.counts)


def _dense_len(max_id: int | None, n: int | None) -> int:
    """How many ids get the count array: all of them when that costs no more than ~2 int64
    per token (or DENSE_IDS), else the first DENSE_IDS (the rest are hashed)."""
    if max_id is None or n is None:
        return DENSE_IDS
    return int(min(max_id + 1, max(DENSE_IDS, 2 * n)))


def count_ids(corpus: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count every id of one pass over ``corpus``.

    Returns
    -------
    ids, counts, firsts : numpy.ndarray
        int64: each distinct id, its count and the position (token index in the corpus) of
        its first occurrence; in no particular order.
    """
    from fastw2v import _ids

    corpus = as_int_corpus(corpus)
    table = _ids.IdTable(_dense_len(corpus.max_id, corpus.n_tokens))
    pos = 0
    for _, tokens in corpus.blocks():
        table.count(tokens, pos)
        pos += len(tokens)
    return table.export()


def build_int_vocab(corpus: Any, min_count: int = 5, max_size: int | None = None) -> IntVocab:
    """The vocabulary of an integer corpus, ordered as :meth:`fastw2v.vocab.Vocab.build` does.

    Parameters
    ----------
    corpus : IntCorpus or any form :func:`as_int_corpus` takes
    min_count : int
        Ids seen fewer times are dropped.
    max_size : int, optional
        Keep at most this many ids, the most frequent (ties: first appearance).

    Returns
    -------
    IntVocab
        Most frequent first; equal counts in order of first appearance in the corpus.

    Raises
    ------
    ValueError
        If the corpus has no tokens, or no id occurs ``min_count`` times.
    """
    for name, value, low in (("min_count", min_count, 0), ("max_size", max_size, 1)):
        if value is None and name == "max_size":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    corpus = as_int_corpus(corpus)
    ids, counts, firsts = count_ids(corpus)
    if len(ids) == 0:
        raise ValueError(f"the integer corpus ({corpus.description}) holds no tokens")
    keep = counts >= max(min_count, 1)
    if not keep.any():
        raise ValueError(
            f"no id in the integer corpus ({corpus.description}) occurs at least "
            f"min_count={min_count} times ({len(ids)} distinct ids, the most frequent occurs "
            f"{int(counts.max())} times); lower min_count"
        )
    ids, counts, firsts = ids[keep], counts[keep], firsts[keep]
    order = np.lexsort((firsts, -counts))  # by count, descending; ties: first appearance
    if max_size is not None:
        order = order[:max_size]
    return IntVocab(ids[order], counts[order])


# ------------------------------------------------------------------- chunks


def _id_map(vocab: IntVocab) -> Any:
    from fastw2v import _ids

    table = _ids.IdTable(_dense_len(int(vocab.ids.max()), 2 * len(vocab)))
    table.put(np.ascontiguousarray(vocab.ids), np.arange(len(vocab), dtype=np.int32))
    return table


def int_chunks(corpus: Any, vocab: IntVocab, chunk_words: int) -> Iterator[Chunk]:
    """Map ``corpus`` to vocabulary rows, in chunks of about ``chunk_words`` raw tokens.

    Parameters
    ----------
    corpus : IntCorpus or any form :func:`as_int_corpus` takes
    vocab : IntVocab
        Row ``i`` is ``vocab.ids[i]``; ids not in it are dropped.
    chunk_words : int
        Raw tokens after which the next sentence end closes the chunk.

    Yields
    ------
    (ids, offsets) : (numpy.ndarray, numpy.ndarray)
        int32 row ids and int64 sentence offsets, the layout ``train_chunk`` takes (see the
        module docstring). A sequence whose ids are all dropped stays as an empty sentence,
        as a text sentence of out-of-vocabulary words does.
    """
    if isinstance(chunk_words, bool) or not isinstance(chunk_words, int) or chunk_words < 1:
        raise ValueError(f"chunk_words must be an int >= 1, got {chunk_words!r}")
    corpus = as_int_corpus(corpus)
    table = _id_map(vocab)
    max_len = corpus.max_sentence_length
    carry: tuple[np.ndarray, np.ndarray] | None = None
    for indptr, tokens in corpus.blocks():
        if carry is not None:
            indptr, tokens = _join(carry, (indptr, tokens))
        carry = yield from _cut(table, indptr, tokens, chunk_words, max_len, last=False)
    if carry is not None:
        yield from _cut(table, carry[0], carry[1], chunk_words, max_len, last=True)


def _cut(
    table: Any, indptr: np.ndarray, tokens: np.ndarray, chunk_words: int, max_len: int, last: bool
) -> Iterator[Chunk]:
    """Yield the complete chunks of one block; return what is left (None if nothing): the
    start of a chunk the next block may complete."""
    n_seq = len(indptr) - 1
    seq = pos = 0
    while seq < n_seq:
        ids, offsets, next_seq, next_pos = table.chunk(
            tokens, indptr, seq, pos, chunk_words, max_len
        )
        raw_end = int(indptr[next_seq]) + next_pos if next_seq < n_seq else len(tokens)
        full = raw_end - (int(indptr[seq]) + pos) >= chunk_words
        if not full and not last and next_seq >= n_seq:
            start = int(indptr[seq]) + pos
            rest_ptr = indptr[seq:] - indptr[seq]
            rest_ptr[1:] -= pos
            return rest_ptr, tokens[start:]
        if len(offsets) > 1:
            yield ids, offsets
        seq, pos = next_seq, next_pos
    return None


def _join(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    indptr = np.concatenate((a[0], b[0][1:] + a[0][-1]))
    dtype = np.int32 if a[1].dtype == b[1].dtype == np.int32 else np.int64
    return indptr, np.concatenate((a[1], b[1])).astype(dtype, copy=False)
