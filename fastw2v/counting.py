"""Count the words of a file corpus in C, and hand the counts on without a Python object each.

The C tokeniser (``fastw2v._tokenize``) counts into a lexicon: the words' bytes in one
arena, in order of first appearance, and a count each. :class:`WordCounts` wraps it: the
vocabulary is ranked in C (:meth:`WordCounts.ranked`, a stable radix sort), and only the
words kept become Python strings, decoded from one joined buffer. On a corpus of 4M
distinct words, building a ``dict`` of every word and sorting it in Python took longer than
counting (benchmarks/README.md, "Vocabulary pass").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

__all__ = ["WordCounts", "count_corpus"]

Chunk = tuple[np.ndarray, np.ndarray]


class WordCounts(Mapping[str, int]):
    """Every distinct token of a file corpus and its count, in order of first appearance.

    A read-only mapping (as :class:`collections.Counter` fed the same sentences would be,
    built on first use as a mapping); :meth:`ranked` gives the vocabulary without it.

    Parameters
    ----------
    lexicon : fastw2v._tokenize.Lexicon
        The counted lexicon: id ``i`` is the ``i``-th distinct token met.
    """

    def __init__(self, lexicon: Any) -> None:
        self._lexicon = lexicon
        self.counts: np.ndarray = lexicon.counts()  # int64, by id
        self._dict: dict[str, int] | None = None
        self._ranked: tuple[tuple[int, int | None], np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.counts)

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __getitem__(self, word: str) -> int:
        return self.as_dict()[word]

    @property
    def total(self) -> int:
        """All tokens counted."""
        return int(self.counts.sum())

    def as_dict(self) -> dict[str, int]:
        """Word to count, in order of first appearance."""
        if self._dict is None:
            self._dict = dict(zip(self.words(), self.counts.tolist()))
        return self._dict

    def words(self) -> list[str]:
        """Every word, by id."""
        return split_joined(self.joined_by_id())

    def joined_by_id(self) -> bytes:
        """Every word, by id, joined by newlines (see :func:`split_joined`)."""
        return self._lexicon.joined(np.arange(len(self.counts), dtype=np.int64))

    def ranked(
        self, min_count: int, max_size: int | None
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The vocabulary: words counted at least ``max(min_count, 1)`` times, most frequent
        first, ties in order of first appearance, at most ``max_size`` of them.

        Returns
        -------
        words : list of str
        counts : numpy.ndarray
            int64, in the same order.
        ids : numpy.ndarray
            int64, the id (order of first appearance) of each word kept.
        """
        order = self.ranked_ids(min_count, max_size)
        return split_joined(self._lexicon.joined(order)), self.counts[order], order

    def ranked_ids(self, min_count: int, max_size: int | None) -> np.ndarray:
        """The ``ids`` of :meth:`ranked` (kept from the last call: the trainer asks twice)."""
        key = (max(min_count, 1), max_size)
        if self._ranked is None or self._ranked[0] != key:
            self._ranked = (key, self._lexicon.ranked(self.counts, key[0])[:max_size])
        return self._ranked[1]

    def id_table(self, ids: np.ndarray) -> np.ndarray:
        """int32: the position in ``ids`` of each word id, -1 for words not in it."""
        table = np.full(len(self.counts), -1, dtype=np.int32)
        table[ids] = np.arange(len(ids), dtype=np.int32)
        return table


def split_joined(joined: bytes) -> list[str]:
    """The words of :meth:`WordCounts.joined_by_id` (or of one of its slices), as str.

    One decode and a split of the whole buffer, instead of a slice and a decode per word.
    The tokeniser only ever saw valid UTF-8, so strict decoding cannot fail.
    """
    return joined.decode("utf-8").split("\n") if joined else []


def count_corpus(
    corpus: Any, chunk_words: int, max_bytes: int | None, threads: int = 1
) -> tuple[WordCounts, list[Chunk] | None]:
    """Count every token of a file corpus; with ``chunk_words`` > 0, also record the
    provisional ids (None once they would take more than ``max_bytes``).

    The text is counted by :class:`fastw2v._tokenize.ParallelCounter` in ``threads``
    threads, with the result of the serial tokeniser (``fastw2v._tokenize.Tokenizer``,
    which cuts the sentences for training): the same words, counts, ids and recorded
    chunks, for any ``threads``, one included (tests/test_counting.py checks this). It is
    faster even in one thread: it prefetches the hash slots of a batch of tokens. A file
    holding a token of more than 2^20 bytes, which the serial rules may cut at a block
    end, is counted again by the serial tokeniser.
    """
    # Provisional ids must stay under 2^31 (the tokeniser stores int32): there are at most
    # as many as tokens recorded, which the 4 GiB bound (1G ids) plus one chunk of at most
    # 2^28 tokens keeps below that.
    record = 0 < chunk_words <= 1 << 28
    limit = min(max_bytes, 1 << 32) if max_bytes is not None else 1 << 32
    counted = _count_parallel(corpus, chunk_words if record else 0, limit, threads)
    if counted is not None:
        return counted
    return _count_serial(corpus, chunk_words, record, limit)


def _count_serial(
    corpus: Any, chunk_words: int, record: bool, limit: int
) -> tuple[WordCounts, list[Chunk] | None]:
    from fastw2v import _tokenize

    lexicon = _tokenize.Lexicon()
    tokenizer = _tokenize.Tokenizer(lexicon, corpus.max_sentence_length, chunk_words, True, record)
    chunks: list[Chunk] | None = [] if record else None
    held = 0

    def keep(chunk: Chunk) -> None:
        nonlocal chunks, held
        assert chunks is not None
        held += chunk[0].nbytes + chunk[1].nbytes
        if held > limit:
            tokenizer.stop_recording()
            chunks = None
        else:
            chunks.append(chunk)

    for block, file_end in corpus.utf8_blocks():
        for chunk in tokenizer.feed(block, _tokenize.FILE_END if file_end else _tokenize.BLOCK_END):
            if chunks is not None:
                keep(chunk)
    if chunks is not None and tokenizer.pending():
        keep(tokenizer.take())
    return WordCounts(lexicon), chunks


#: Bytes of text counted per parallel step: each thread gets this much / threads. Large
#: enough that starting the threads is nothing beside it, small enough to stay a copy.
PARALLEL_BATCH = 1 << 24


def _count_parallel(
    corpus: Any, chunk_words: int, limit: int, threads: int
) -> tuple[WordCounts, list[Chunk] | None] | None:
    """:func:`_count_serial`'s result, counted in ``threads`` threads; None where only the
    serial tokeniser can give it (a token over 2^20 bytes)."""
    from fastw2v import _tokenize

    counter = _tokenize.ParallelCounter(threads, chunk_words > 0)
    recording = chunk_words > 0
    pending = bytearray()
    for block, file_end in corpus.utf8_blocks():
        pending += block
        if len(pending) < PARALLEL_BATCH and not file_end:
            continue
        used = counter.feed(pending, file_end)
        if used < 0:
            return None
        del pending[:used]
        if recording and 4 * counter.recorded() > limit:  # int32 ids, int64 ends: at least
            counter.stop_recording()
            recording = False
    lexicon = counter.merge()
    chunks = counter.chunks(corpus.max_sentence_length, chunk_words) if recording else None
    if chunks is not None and sum(ids.nbytes + off.nbytes for ids, off in chunks) > limit:
        chunks = None  # what the serial count decides: it gives up past the same total
    return WordCounts(lexicon), chunks
