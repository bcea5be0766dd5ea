"""Trained word vectors: look-ups, nearest-neighbour queries, file formats, embedding export.

:class:`KeyedVectors` works on any vocabulary plus a float32 matrix, whether it comes from
the trainer (``model.wv``), from a word2vec text/binary file or from the native
``.npy`` + vocabulary directory written by :meth:`KeyedVectors.save`. Its queries live in
:mod:`fastw2v.vectors_query`, its files and exports in :mod:`fastw2v.vectors_io`, the
evaluations it offers in :mod:`fastw2v.scoring`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union, overload

import numpy as np

from fastw2v import scoring
from fastw2v.keys import Keys
from fastw2v.similarity import cosmul_scores, top_k
from fastw2v.vectors_io import EmbeddingExport, VectorFiles
from fastw2v.vectors_query import Term, VectorQueries, is_key

__all__ = ["KeyedVectors", "Term", "cosmul_scores", "load_vectors", "top_k"]

PathLike = Union[str, "os.PathLike[str]"]


class KeyedVectors(VectorQueries, VectorFiles, EmbeddingExport):
    """A vocabulary and its word vectors, with the queries users run on them.

    Parameters
    ----------
    words : sequence of str, or of int
        The vocabulary, most frequent word first (the trainer's order). Words must be
        unique. Ints (item or node ids of a model trained on an integer corpus) are keys
        as words are: ``wv[42]``, ``wv.most_similar(42)``; files write them as decimals.
    vectors : numpy.ndarray
        ``(len(words), dim)`` float32 matrix, row ``i`` for ``words[i]``. A C-contiguous
        float32 array is kept **by reference**, not copied: the trainer hands over its
        live input matrix and keeps training it, then calls :meth:`reset_norms`. Any
        other array is converted (which copies it).
    counts : numpy.ndarray, optional
        Corpus frequency of each word, ``(len(words),)`` integers.

    Attributes
    ----------
    words : list of str
        The vocabulary in row order (``index_to_key`` is an alias, as in gensim).
    key_to_index : dict of str to int
        Row of each word. Vectors read from a file build the list and the dict on first
        use (look-ups and queries do not need them: see :mod:`fastw2v.keys`).
    vectors : numpy.ndarray
        The matrix.
    counts : numpy.ndarray or None
        Word frequencies when known.
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        counts: np.ndarray | None = None,
    ) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(
                f"vectors must be a 2-D (words, dim) matrix, got shape {vectors.shape}"
            )
        words = list(words)
        if len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words but {vectors.shape[0]} vector rows")
        int_keys = bool(words) and not isinstance(words[0], str)
        if int_keys:
            words = _int_keys(words)
        self._keys = Keys.from_list(words, int_keys)
        self._set_arrays(vectors, counts)

    def _set_arrays(self, vectors: np.ndarray, counts: np.ndarray | None) -> None:
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(self._keys),):
                raise ValueError(f"counts must have shape ({len(self._keys)},), got {counts.shape}")
        self.vectors: np.ndarray = vectors
        self.counts: np.ndarray | None = counts
        self._normed: np.ndarray | None = None

    @classmethod
    def _from_keys(cls, keys: Keys, vectors: np.ndarray, counts: np.ndarray | None = None) -> Any:
        """An instance over keys already checked (a file's, lazily indexed): the readers'
        constructor, which skips building the list and the dict of millions of words."""
        if cls.__init__ is not KeyedVectors.__init__:  # a subclass's own constructor runs
            return cls(keys.words, vectors, counts)
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"{len(keys)} words but vectors of shape {vectors.shape}")
        kv = cls.__new__(cls)
        kv._keys = keys
        kv._set_arrays(np.ascontiguousarray(vectors, dtype=np.float32), counts)
        return kv

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "words" in state:  # pickled before the keys had their own object
            state["_keys"] = Keys(state.pop("words"), state.pop("key_to_index"))
        self.__dict__.update(state)

    # ------------------------------------------------------------------ look-ups

    @property
    def words(self) -> list[str]:
        """The vocabulary in row order (made on first use when read from a file)."""
        return self._keys.words

    @words.setter
    def words(self, words: Sequence[str]) -> None:
        words = list(words)
        if len(words) != len(self._keys):
            raise ValueError(f"{len(words)} words for {len(self._keys)} vector rows")
        self._keys = Keys.from_list(words, bool(words) and not isinstance(words[0], str))

    @property
    def key_to_index(self) -> dict[str, int]:
        """Row of each word (made on first use when read from a file)."""
        return self._keys.key_to_index

    @key_to_index.setter
    def key_to_index(self, index: dict[str, int]) -> None:
        self._keys = Keys(self._keys.words, index)

    @property
    def index_to_key(self) -> list[str]:
        """The vocabulary in row order (gensim's name for :attr:`words`)."""
        return self._keys.words

    def _key_at(self, row: int) -> str:
        """The word of one row, without making the whole list of a lazily read file."""
        return self._keys.key_at(row)

    @property
    def vector_size(self) -> int:
        """Dimension of the vectors."""
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, word: object) -> bool:
        return self._keys.find(word) >= 0

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words, dim {self.vector_size})"

    def index_of(self, word: str) -> int:
        """Row of ``word`` in :attr:`vectors`.

        Raises
        ------
        KeyError
            If the word is not in the vocabulary; the message names it.
        """
        row = self._keys.find(word)
        if row < 0:
            raise KeyError(f"word {word!r} not in vocabulary ({len(self)} words)")
        return row

    @overload
    def __getitem__(self, key: str) -> np.ndarray: ...
    @overload
    def __getitem__(self, key: Sequence[str]) -> np.ndarray: ...

    def __getitem__(self, key: str | Sequence[str]) -> np.ndarray:
        """Vector of a word (a view of its row), or a ``(len(key), dim)`` array for a list."""
        if is_key(key):
            return self.vectors[self.index_of(key)]
        return self.vectors[[self.index_of(word) for word in key]]

    # ------------------------------------------------------------------ norms

    def get_normed_vectors(self) -> np.ndarray:
        """Unit-length copy of :attr:`vectors`, computed once and cached.

        All-zero rows stay zero (their similarity to anything is 0).
        """
        if self._normed is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            self._normed = (self.vectors / norms).astype(np.float32, copy=False)
        return self._normed

    def reset_norms(self) -> None:
        """Drop the cached unit-normalised matrix; call after changing :attr:`vectors` in place."""
        self._normed = None

    _invalidate = reset_norms

    def _restrict(self, restrict_vocab: int | None) -> int:
        if restrict_vocab is None:
            return len(self)
        if not isinstance(restrict_vocab, (int, np.integer)) or restrict_vocab < 1:
            raise ValueError(f"restrict_vocab must be a positive integer, got {restrict_vocab!r}")
        return min(int(restrict_vocab), len(self))

    # ------------------------------------------------------------------ evaluation

    def evaluate_word_analogies(self, path: PathLike, **kwargs: Any) -> Any:
        """Analogy accuracy; see :func:`fastw2v.evaluate.evaluate_word_analogies`."""
        return scoring.evaluate_word_analogies(self, path, **kwargs)

    def evaluate_word_pairs(self, path: PathLike, **kwargs: Any) -> Any:
        """Word-pair similarity correlation; see :func:`fastw2v.evaluate.evaluate_word_pairs`."""
        return scoring.evaluate_word_pairs(self, path, **kwargs)


def _int_keys(keys: list[Any]) -> list[Any]:
    """Integer keys (item or node ids) as Python ints; anything else is left for the
    caller's type check. Keys are all words or all ints: ``1`` and ``"1"`` never mix."""
    if not all(is_key(k) and not isinstance(k, str) for k in keys):
        bad = next(k for k in keys if not is_key(k) or isinstance(k, str))
        raise TypeError(
            f"keys must be all str or all int, got {type(keys[0]).__name__} and "
            f"{type(bad).__name__} {bad!r}"
        )
    return [int(k) for k in keys]


def load_vectors(path: PathLike, limit: int | None = None) -> KeyedVectors:
    """Load vectors from a native directory (:meth:`KeyedVectors.save`) or a word2vec file."""
    if Path(path).is_dir():
        kv = KeyedVectors.load(path)
        if limit is not None:
            kv = KeyedVectors(
                kv.words[:limit],
                kv.vectors[:limit],
                None if kv.counts is None else kv.counts[:limit],
            )
        return kv
    return KeyedVectors.load_word2vec_format(path, limit=limit)


# ---------------------------------------------------------------------- commands


def main_similar(args: argparse.Namespace) -> int:
    """``fastw2v similar VECTORS WORD...``: print each word's nearest neighbours.

    Expects ``args.vectors``, ``args.words``, ``args.topn``, ``args.limit``.
    """
    kv = load_vectors(args.vectors, limit=args.limit)
    for word in args.words:
        kv.index_of(word)  # fail before printing anything when one word is misspelt
    for word in args.words:
        print(f"{word}:")
        for neighbour, score in kv.most_similar(word, topn=args.topn):  # type: ignore[misc]
            print(f"  {score:8.4f}  {neighbour}")
    return 0


def main_analogy(args: argparse.Namespace) -> int:
    """``fastw2v analogy VECTORS a b c``: "a is to b as c is to ?" by 3CosAdd (or 3CosMul).

    Expects ``args.vectors``, ``args.a``, ``args.b``, ``args.c``, ``args.topn``,
    ``args.limit`` and ``args.cosmul``.
    """
    kv = load_vectors(args.vectors, limit=args.limit)
    query = kv.most_similar_cosmul if args.cosmul else kv.most_similar
    answers = query(positive=[args.b, args.c], negative=[args.a], topn=args.topn)
    print(f"{args.a} : {args.b} :: {args.c} : ?", file=sys.stdout)
    for word, score in answers:  # type: ignore[misc]
        print(f"  {score:8.4f}  {word}")
    return 0
