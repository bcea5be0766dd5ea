"""Turn a corpus into what the trainer eats: word counts, and chunks of word ids.

A corpus read from files (one that offers ``utf8_blocks()``: :class:`~fastw2v.corpus.
PathCorpus` and the MPI shard reader) is cut and looked up by the C tokeniser in
``fastw2v._tokenize``, with the GIL released: the producer thread that encodes the next
chunk then runs beside the kernel threads instead of holding the interpreter (the Python
tokeniser holds the GIL the whole time; see benchmarks/README.md, section "2026-11-23
(later): C tokeniser"). It cuts exactly the sentences of
:func:`fastw2v.corpus.sentences_from_blocks`, which the tests check. Any other corpus (a
Python iterable of token lists) is encoded from its sentences with a dict lookup.

A *chunk* is ``(ids, offsets)``: the int32 ids of a run of sentences, out-of-vocabulary
tokens dropped, and the int64 offsets of the sentences in ``ids`` (``offsets[0] == 0``,
one more entry than sentences). A chunk ends at the first sentence end at which it holds
``chunk_words`` raw tokens (out-of-vocabulary ones included), so its length does not
depend on the vocabulary.

Counting a file corpus can also *record* it (:func:`count_and_record`): the tokeniser
already looks every token up while counting, so it keeps each token's provisional id (its
order of first appearance) in chunks cut the same way. Once the vocabulary is chosen,
:meth:`Recording.chunks` maps them to vocabulary ids in C at memory speed, giving exactly
the chunks :func:`id_chunks` would give, and the first training epoch does not read or
tokenise the text again.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from fastw2v.counting import WordCounts, count_corpus, split_joined

__all__ = [
    "Chunk",
    "Recording",
    "corpus_fingerprint",
    "count_and_record",
    "count_words",
    "id_chunks",
    "uses_c_tokenizer",
]

Chunk = tuple[np.ndarray, np.ndarray]


def uses_c_tokenizer(corpus: Any) -> bool:
    """Whether ``corpus`` is read by the C tokeniser (it offers ``utf8_blocks()``)."""
    return callable(getattr(corpus, "utf8_blocks", None))


def count_words(corpus: Any) -> dict[str, int]:
    """Count every token of a file corpus with the C tokeniser.

    Parameters
    ----------
    corpus : PathCorpus or ShardCorpus
        A corpus for which :func:`uses_c_tokenizer` is true.

    Returns
    -------
    dict of str to int
        Every distinct token and its count, in order of first appearance (the order a
        :class:`collections.Counter` fed the same sentences would have).
    """
    return count_corpus(corpus, 0, 0)[0].as_dict()


class Recording:
    """A file corpus as counting met it: chunks of provisional ids, one per raw token.

    Made by :func:`count_and_record`. The chunks are given out once: :meth:`chunks` maps
    each to vocabulary ids in place and lets go of it.

    Attributes
    ----------
    fingerprint : tuple
        :func:`corpus_fingerprint` of the corpus when it was counted.
    chunk_words : int
        The ``chunk_words`` the chunks were cut with.
    words : list of str
        The word of each provisional id.
    """

    def __init__(
        self,
        fingerprint: tuple[Any, ...],
        chunk_words: int,
        words: list[str] | bytes,
        chunks: list[Chunk],
    ) -> None:
        self.fingerprint = fingerprint
        self.chunk_words = chunk_words
        # The words as one newline-joined buffer until asked for: a str per word costs
        # ~60 bytes more, and bind_table() usually makes them unneeded.
        self._words = words
        self._chunks = chunks
        self._index: Mapping[str, int] | None = None  # what _table maps to (or:)
        self._vocab: Any = None
        self._table = np.empty(0, np.int32)

    @property
    def words(self) -> list[str]:
        if not isinstance(self._words, list):
            self._words = split_joined(self._words)
        return self._words

    def bind(self, index: Mapping[str, int]) -> None:
        """Map the provisional ids to ``index`` now (a dict lookup per distinct word), so
        that :meth:`chunks` with the same ``index`` starts at once."""
        get = index.get
        words = self.words
        self._table = np.fromiter((get(w, -1) for w in words), np.int32, len(words))
        self._index = index

    def bind_table(self, vocab: Any, table: np.ndarray) -> None:
        """As :meth:`bind`, to ``vocab`` (a :class:`~fastw2v.vocab.Vocab`), with the table
        already known: ``table[i]`` is the row of the word of provisional id ``i``, or -1
        (:meth:`WordCounts.id_table`). :meth:`chunks_for` ``vocab`` then needs no lookup."""
        self._table = np.ascontiguousarray(table, dtype=np.int32)
        self._vocab = vocab

    def chunks_for(self, vocab: Any) -> Iterator[Chunk]:
        """:meth:`chunks` for ``vocab.index``, without building that dict when ``vocab``
        is the one :meth:`bind_table` was given."""
        if vocab is not self._vocab:
            return self.chunks(vocab.index)
        return self._remapped()

    def matches(self, corpus: Any, chunk_words: int) -> bool:
        """Whether these chunks are what ``id_chunks(corpus, ..., chunk_words)`` would cut."""
        return chunk_words == self.chunk_words and corpus_fingerprint(corpus) == self.fingerprint

    def chunks(self, index: Mapping[str, int]) -> Iterator[Chunk]:
        """Yield the chunks with vocabulary ids, as :func:`id_chunks` yields them.

        Parameters
        ----------
        index : mapping of str to int
            The vocabulary: word to id; words not in it are dropped.
        """
        if self._index is not index:
            self.bind(index)
        return self._remapped()

    def _remapped(self) -> Iterator[Chunk]:
        from fastw2v import _tokenize

        table = self._table
        chunks, self._chunks = self._chunks, []
        chunks.reverse()  # pop from the end: each chunk is let go of once given out
        while chunks:
            ids, offsets = chunks.pop()
            kept = _tokenize.remap_chunk(ids, offsets, table)
            yield ids[:kept], offsets


def corpus_fingerprint(corpus: Any) -> tuple[Any, ...]:
    """What identifies a file corpus\'s text: each file\'s path, device, inode, size and
    modification time, and the sentence length it is cut at. A file rewritten or touched
    since changes it."""
    files = []
    for f in corpus.files:
        st = os.stat(f)
        files.append((os.fspath(f), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
    return (corpus.max_sentence_length, tuple(files))


def count_and_record(
    corpus: Any, chunk_words: int, max_bytes: int | None, threads: int = 1
) -> tuple[WordCounts, Recording | None]:
    """Count a file corpus as :func:`count_words` does, and record it for training.

    Parameters
    ----------
    corpus : PathCorpus
        A file corpus (it has ``files`` and ``utf8_blocks()``).
    chunk_words : int
        Raw tokens per chunk, as for :func:`id_chunks`.
    max_bytes : int or None
        Give up recording (and go on counting) once the chunks would hold more than this;
        None: no bound.
    threads : int
        Counting threads (:func:`fastw2v.counting.count_corpus`): the same result for any.

    Returns
    -------
    counts : WordCounts
        As :func:`count_words` counts them (a mapping in the same order).
    recording : Recording or None
        None if it grew past ``max_bytes`` or a file changed while it was read.
    """
    before = corpus_fingerprint(corpus)
    counts, chunks = count_corpus(corpus, chunk_words, max_bytes, threads)
    if chunks is None or corpus_fingerprint(corpus) != before:
        return counts, None
    return counts, Recording(before, chunk_words, counts.joined_by_id(), chunks)


def id_chunks(
    corpus: Iterable[list[str]],
    words: Sequence[str],
    index: dict[str, int] | None,
    chunk_words: int,
) -> Iterator[Chunk]:
    """Encode ``corpus`` into chunks of about ``chunk_words`` raw tokens.

    Parameters
    ----------
    corpus : Corpus
        Sentences; a file corpus goes through the C tokeniser.
    words, index : the vocabulary
        Word ``i`` of ``words`` has id ``i``; ``index`` maps each word to its id (only
        Python-tokenised corpora use it: None is allowed for the others).
    chunk_words : int
        Raw tokens after which the next sentence end closes the chunk.

    Yields
    ------
    (ids, offsets) : (numpy.ndarray, numpy.ndarray)
        int32 ids and int64 sentence offsets, as described in the module docstring.
    """
    if uses_c_tokenizer(corpus):
        yield from _c_chunks(corpus, words, chunk_words)
    else:
        if index is None:
            raise ValueError("id_chunks: a Python-tokenised corpus needs the word index")
        yield from _python_chunks(corpus, index, chunk_words)


def _c_chunks(corpus: Any, words: Sequence[str], chunk_words: int) -> Iterator[Chunk]:
    from fastw2v import _tokenize

    # surrogatepass: a word that is not valid Unicode text (read from a vocabulary file
    # with undecodable bytes) still gets its id, as bytes no valid UTF-8 token can equal;
    # the Python tokeniser can never produce such a token either.
    lexicon = _tokenize.Lexicon(w.encode("utf-8", "surrogatepass") for w in words)
    tokenizer = _tokenize.Tokenizer(lexicon, corpus.max_sentence_length, chunk_words)
    for block, file_end in corpus.utf8_blocks():
        yield from tokenizer.feed(block, _tokenize.FILE_END if file_end else _tokenize.BLOCK_END)
    if tokenizer.pending():
        yield tokenizer.take()


def _python_chunks(
    corpus: Iterable[list[str]], index: dict[str, int], chunk_words: int
) -> Iterator[Chunk]:
    get = index.get
    missing = itertools.repeat(-1)
    ids: list[int] = []
    raw_ends: list[int] = []
    for sentence in corpus:
        ids.extend(map(get, sentence, missing))
        raw_ends.append(len(ids))
        if len(ids) >= chunk_words:
            yield _pack(ids, raw_ends)
            ids, raw_ends = [], []
    if raw_ends:
        yield _pack(ids, raw_ends)


def _pack(ids: list[int], raw_ends: list[int]) -> Chunk:
    arr = np.array(ids, dtype=np.int32)
    keep = arr >= 0  # out-of-vocabulary words are dropped before windows are formed
    kept_before = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    offsets = np.concatenate(([0], kept_before[np.asarray(raw_ends, dtype=np.int64)]))
    return np.ascontiguousarray(arr[keep]), offsets.astype(np.int64)
