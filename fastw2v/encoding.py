"""Turn a corpus into what the trainer eats: word counts, and chunks of word ids.

A corpus read from files (one that offers ``utf8_blocks()``: :class:`~fastw2v.corpus.
PathCorpus` and the MPI shard reader) is cut and looked up by the C tokeniser in
``fastw2v._tokenize``, with the GIL released: the producer thread that encodes the next
chunk then runs beside the kernel threads instead of holding the interpreter (the Python
tokeniser reads about 6M words/s and held the GIL the whole time; the C one is several
times faster). It cuts exactly the sentences of :func:`fastw2v.corpus.sentences_from_blocks`,
which the tests check. Any other corpus (a Python iterable of token lists) is encoded from
its sentences with a dict lookup.

A *chunk* is ``(ids, offsets)``: the int32 ids of a run of sentences, out-of-vocabulary
tokens dropped, and the int64 offsets of the sentences in ``ids`` (``offsets[0] == 0``,
one more entry than sentences). A chunk ends at the first sentence end at which it holds
``chunk_words`` raw tokens (out-of-vocabulary ones included), so its length does not
depend on the vocabulary.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["Chunk", "count_words", "id_chunks", "uses_c_tokenizer"]

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
    from fastw2v import _tokenize

    lexicon = _tokenize.Lexicon()
    tokenizer = _tokenize.Tokenizer(lexicon, corpus.max_sentence_length, 0, True)
    for block, file_end in corpus.utf8_blocks():
        for _ in tokenizer.feed(block, _tokenize.FILE_END if file_end else _tokenize.BLOCK_END):
            pass  # counting never completes a chunk
    # The tokeniser only ever saw valid UTF-8, so strict decoding cannot fail.
    words = [w.decode("utf-8") for w in lexicon.words()]
    return dict(zip(words, lexicon.counts().tolist()))


def id_chunks(
    corpus: Iterable[list[str]], words: Sequence[str], index: dict[str, int], chunk_words: int
) -> Iterator[Chunk]:
    """Encode ``corpus`` into chunks of about ``chunk_words`` raw tokens.

    Parameters
    ----------
    corpus : Corpus
        Sentences; a file corpus goes through the C tokeniser.
    words, index : the vocabulary
        Word ``i`` of ``words`` has id ``i``; ``index`` maps each word to its id.
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
