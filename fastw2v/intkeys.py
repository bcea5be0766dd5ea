"""Integer-keyed models: integer corpora (item ids, graph walks) in the Word2Vec pipeline.

:class:`fastw2v.Word2Vec` hands a corpus here when :func:`is_int_corpus` says it is one of
the forms :mod:`fastw2v.intcorpus` takes: a list of 1-D integer NumPy arrays, a CSR pair
``(indptr, tokens)`` of arrays, or an :class:`IntCorpus`: ``IntCorpus.from_arrays(it)``
for any other restartable iterable of arrays, ``IntCorpus.from_npy(tokens_path,
offsets_path)`` for memory-mapped ``.npy`` files. The ids are
counted and mapped to vocabulary rows in C (csrc/fw2v_ids.c); the chunks go to the same
kernel as text. The vocabulary is an :class:`IntKeyVocab`: its ``words`` are the ids as
decimal strings (what the word2vec formats and the model file write), its ``keys`` the
ints themselves, which ``model.wv`` is keyed by.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from fastw2v.intcorpus import IntCorpus, IntVocab, as_int_corpus, build_int_vocab, int_chunks
from fastw2v.vocab import Vocab

__all__ = ["IntKeyVocab", "IntTrainingCorpus", "is_int_corpus", "training_corpus"]


class IntKeyVocab(Vocab):
    """A :class:`Vocab` of integer ids: ``words[i] == str(ids[i])``, ``keys[i] == ids[i]``.

    Parameters
    ----------
    ids : array-like of int
        Distinct ids >= 0, most frequent first.
    counts : array-like of int
        Their counts, non-increasing.
    """

    def __init__(self, ids: Any, counts: Any) -> None:
        self.int_vocab = IntVocab(ids, counts)  # checks the ids (distinct, >= 0)
        self.ids: np.ndarray = self.int_vocab.ids
        super().__init__([str(i) for i in self.ids.tolist()], counts)

    @classmethod
    def from_words(cls, words: Iterable[str], counts: Any) -> IntKeyVocab:
        """The vocabulary a model file holds: ids written as decimal strings."""
        words = list(words)
        bad = next((w for w in words if not (w.isascii() and w.isdigit())), None)
        if bad is not None:
            raise ValueError(f"the model has integer keys, but its vocabulary holds {bad!r}")
        return cls(np.array([int(w) for w in words], dtype=np.int64), counts)

    @property
    def keys(self) -> list[int]:  # type: ignore[override]
        """The ids, as Python ints, in row order."""
        return self.ids.tolist()

    def __repr__(self) -> str:
        return f"IntKeyVocab(size={len(self)}, total_words={self.total_words})"


def is_int_corpus(source: Any) -> bool:
    """Whether ``source`` is an integer corpus rather than text.

    True for an :class:`IntCorpus`, a pair of NumPy arrays (``(indptr, tokens)``), and a
    list or tuple whose first item is a NumPy array that does not hold strings (an array of
    floats is an integer corpus with a wrong dtype: :mod:`fastw2v.intcorpus` says so).
    Other iterables are not looked into (that would read them once more, or consume a
    one-shot iterator): wrap one in ``IntCorpus.from_arrays(iterable)``.
    """
    if isinstance(source, IntCorpus):
        return True
    if not isinstance(source, (list, tuple)) or not source:
        return False
    if len(source) == 2 and all(isinstance(a, np.ndarray) for a in source):
        return True
    first = source[0]
    return isinstance(first, np.ndarray) and first.dtype.kind not in "USO"


def count_int_vocab(source: Any, min_count: int, max_size: int | None, max_len: int) -> Vocab:
    """The :class:`IntKeyVocab` of an integer corpus (counted in C)."""
    corpus = as_int_corpus(source, max_sentence_length=max_len)
    vocab = build_int_vocab(corpus, min_count=min_count, max_size=max_size)
    return IntKeyVocab(vocab.ids, vocab.counts)


class IntTrainingCorpus:
    """An integer corpus and the vocabulary its ids map to: what the trainer streams."""

    def __init__(self, corpus: IntCorpus, vocab: IntKeyVocab) -> None:
        self.corpus = corpus
        self.vocab = vocab

    @property
    def fixed(self) -> bool:
        """Whether every pass reads the same tokens (CSR arrays or .npy files, not an
        iterable that may change between epochs): the trainer may then cache the chunks."""
        return self.corpus.n_tokens is not None

    def chunks(self, chunk_words: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(ids, offsets)`` chunks of vocabulary rows (ids not in it dropped), in C."""
        return int_chunks(self.corpus, self.vocab.int_vocab, chunk_words)


def training_corpus(source: Any, vocab: Vocab, max_len: int) -> Any:
    """What the trainer reads for ``source``: an :class:`IntTrainingCorpus` for an integer
    corpus, else :func:`fastw2v.corpus.as_corpus`'s corpus; either must match ``vocab``.

    Raises
    ------
    ValueError
        If the corpus is integer and the vocabulary of words, or the other way round.
    """
    from fastw2v.corpus import as_corpus

    if is_int_corpus(source):
        if not isinstance(vocab, IntKeyVocab):
            raise ValueError(
                "this corpus holds integer ids but the model's vocabulary holds words: "
                "build the vocabulary from an integer corpus (build_vocab) first"
            )
        return IntTrainingCorpus(as_int_corpus(source, max_sentence_length=max_len), vocab)
    if isinstance(vocab, IntKeyVocab):
        raise ValueError(
            "the model's vocabulary holds integer ids, so it trains on integer corpora "
            "(arrays, an (indptr, tokens) pair or an IntCorpus), not on text"
        )
    return as_corpus(source, max_sentence_length=max_len)
