"""Nearest-neighbour queries of :class:`fastw2v.vectors.KeyedVectors` (a mixin).

Similarity queries run on a unit-normalised copy of the matrix that is computed once and
cached; a query is one matrix-vector product plus :func:`numpy.argpartition`, and a batch of
queries is one matrix product per block of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Union

import numpy as np

from fastw2v import similarity
from fastw2v.similarity import cosmul_scores, top_k

# A query term: a key (a word, or an int id), a raw vector, or either with a weight.
Term = Union[str, int, np.ndarray, tuple[Union[str, int, np.ndarray], float]]


def is_key(term: object) -> bool:
    """Whether ``term`` is one key (a word, or the int id of an integer-keyed model), not
    a vector or a list of keys. The one place that says what a key is."""
    return isinstance(term, (str, int, np.integer)) and not isinstance(term, (bool, np.bool_))


class VectorQueries:
    """most_similar and its relatives, on the host's ``vectors`` and
    ``get_normed_vectors()``, ``index_of()``, ``_key_at()``, ``_restrict()``, ``vector_size``."""

    words: list[str]
    vectors: np.ndarray

    def _query_vector(
        self, positive: Term | Sequence[Term] | None, negative: Term | Sequence[Term] | None
    ) -> tuple[np.ndarray, list[int]]:
        """Unit query direction and the rows of the words it was built from.

        Words enter as their unit vectors, raw vectors as given (gensim's rule), weighted
        +1 (positive) or -1 (negative) unless a ``(term, weight)`` pair says otherwise.
        """
        normed = self.get_normed_vectors()
        query = np.zeros(self.vector_size, dtype=np.float64)
        used: list[int] = []
        for terms, sign in ((positive, 1.0), (negative, -1.0)):
            for term in _as_term_list(terms):
                weight = sign
                if isinstance(term, tuple):
                    term, weight = term[0], float(term[1])
                if is_key(term):
                    row = self.index_of(term)
                    used.append(row)
                    query += weight * normed[row]
                else:
                    vec = np.asarray(term, dtype=np.float64)
                    if vec.shape != (self.vector_size,):
                        raise ValueError(
                            f"query vector must have shape ({self.vector_size},), got {vec.shape}"
                        )
                    query += weight * vec
        if positive is None and negative is None:
            raise ValueError("most_similar needs at least one positive or negative term")
        norm = np.linalg.norm(query)
        if norm == 0 or not np.isfinite(norm):
            raise ValueError(
                "the query vector is zero (or not finite): no direction to compare with"
            )
        return (query / norm).astype(np.float32), used

    def most_similar(
        self,
        positive: Term | Sequence[Term] | None = None,
        negative: Term | Sequence[Term] | None = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """Words nearest by cosine to the mean of ``positive`` minus ``negative`` (3CosAdd).

        Parameters
        ----------
        positive, negative : str, ndarray or list of them, optional
            Words (or raw vectors, or ``(term, weight)`` pairs) that pull towards, or away
            from, the answer. ``most_similar(positive=["king", "woman"], negative=["man"])``
            answers "man is to king as woman is to ?".
        topn : int or None
            How many words to return. ``None`` returns the cosine similarity to every
            word of the searched range as an array (nothing excluded), like gensim.
        restrict_vocab : int, optional
            Search only the first ``restrict_vocab`` (most frequent) words.

        Returns
        -------
        list of (str, float) or numpy.ndarray
            ``(word, cosine)`` pairs, best first, without the query words.

        Raises
        ------
        KeyError
            If a query word is not in the vocabulary.
        """
        query, used = self._query_vector(positive, negative)
        limit = self._restrict(restrict_vocab)
        scores = self.get_normed_vectors()[:limit] @ query
        if topn is None:
            return scores
        return self._ranked(scores, topn, used)

    def similar_by_word(
        self, word: str, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        """Nearest words to ``word`` (itself excluded); see :meth:`most_similar`."""
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | list[list[tuple[str, float]]] | np.ndarray:
        """Nearest words to any vector, or to each row of a ``(queries, dim)`` matrix.

        Nothing is excluded, so a word's own vector finds the word itself first.

        Parameters
        ----------
        vector : numpy.ndarray
            ``(dim,)`` vector or ``(queries, dim)`` matrix; its norm does not matter.
        topn : int or None
            How many words per query; ``None`` returns all cosine similarities
            (``(limit,)`` or ``(queries, limit)``).
        restrict_vocab : int, optional
            Search only the first ``restrict_vocab`` words.

        Returns
        -------
        list of (str, float), list of such lists, or numpy.ndarray
        """
        vector = np.asarray(vector, dtype=np.float32)
        if vector.ndim == 1:
            query, _ = self._query_vector([vector], None)
            limit = self._restrict(restrict_vocab)
            scores = self.get_normed_vectors()[:limit] @ query
            return scores if topn is None else self._ranked(scores, topn, [])
        if vector.ndim != 2 or vector.shape[1] != self.vector_size:
            raise ValueError(
                f"query matrix must have shape (n, {self.vector_size}), got {vector.shape}"
            )
        return self._batch(vector, topn, restrict_vocab, exclude=None)

    def most_similar_batch(
        self, words: Sequence[str], topn: int = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """``[most_similar(w, topn=topn) for w in words]``, computed a block of words at a time.

        Each block of queries is one matrix product against the normalised matrix, which
        is much faster than one matrix-vector product per word.
        """
        rows = [self.index_of(word) for word in words]
        queries = self.get_normed_vectors()[rows]
        result = self._batch(queries, topn, restrict_vocab, exclude=[[row] for row in rows])
        assert isinstance(result, list)
        return result

    def _batch(
        self,
        queries: np.ndarray,
        topn: int | None,
        restrict_vocab: int | None,
        exclude: list[list[int]] | None,
    ) -> list[list[tuple[str, float]]] | np.ndarray:
        """Rank the vocabulary for each query row, one matrix product per block."""
        limit = self._restrict(restrict_vocab)
        normed = self.get_normed_vectors()[:limit]
        norms = np.linalg.norm(queries, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        queries = (queries / norms).astype(np.float32)
        if topn is None:
            return queries @ normed.T
        block = max(1, similarity.BLOCK_ENTRIES // max(limit, 1))
        results: list[list[tuple[str, float]]] = []
        for start in range(0, len(queries), block):
            scores = queries[start : start + block] @ normed.T
            for i, row_scores in enumerate(scores):
                skip = exclude[start + i] if exclude is not None else []
                results.append(self._ranked(row_scores, topn, skip))
        return results

    def _ranked(
        self, scores: np.ndarray, topn: int, exclude: Sequence[int]
    ) -> list[tuple[str, float]]:
        """The ``topn`` best rows of ``scores`` as ``(word, score)``, skipping ``exclude``.

        ``scores`` is a fresh array from a matrix product, so it may be overwritten.
        """
        if topn < 1:
            return []
        exclude = [row for row in exclude if row < len(scores)]
        scores[exclude] = -np.inf
        best = top_k(scores, min(topn, len(scores) - len(set(exclude))))
        return [(self._key_at(row), float(scores[row])) for row in best]

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words."""
        normed = self.get_normed_vectors()
        return float(normed[self.index_of(word1)] @ normed[self.index_of(word2)])

    def n_similarity(self, words1: Sequence[str], words2: Sequence[str]) -> float:
        """Cosine similarity of the means of two word lists (unnormalised vectors, as gensim)."""
        if not words1 or not words2:
            raise ValueError("n_similarity needs two non-empty word lists")
        mean1 = self[list(words1)].mean(axis=0, dtype=np.float64)
        mean2 = self[list(words2)].mean(axis=0, dtype=np.float64)
        return float(mean1 @ mean2 / (np.linalg.norm(mean1) * np.linalg.norm(mean2)))

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word of ``words`` farthest (by cosine) from the mean of their unit vectors.

        Raises
        ------
        KeyError
            If any word is not in the vocabulary (gensim drops it with a warning instead).
        """
        words = list(words)
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        unit = self.get_normed_vectors()[[self.index_of(word) for word in words]]
        mean = unit.mean(axis=0)
        norm = np.linalg.norm(mean)
        scores = unit @ (mean / norm if norm > 0 else mean)
        return words[int(np.argmin(scores))]

    def most_similar_cosmul(
        self,
        positive: str | Sequence[str] | None = None,
        negative: str | Sequence[str] | None = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """Nearest words by the multiplicative objective 3CosMul (Levy & Goldberg, 2014).

        Score of word ``x``: ``prod(s(x, p) for p in positive) / (prod(s(x, n) for n in
        negative) + 1e-6)`` with cosines shifted to ``s = (1 + cos) / 2`` in [0, 1], as in
        gensim. Less prone than 3CosAdd to one large similarity dominating.

        Parameters and return value as in :meth:`most_similar` (words only).
        """
        positive = [positive] if is_key(positive) else list(positive or [])
        negative = [negative] if is_key(negative) else list(negative or [])
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        pos_rows = [self.index_of(word) for word in positive]
        neg_rows = [self.index_of(word) for word in negative]
        normed = self.get_normed_vectors()[: self._restrict(restrict_vocab)]
        scores = cosmul_scores(normed, self.get_normed_vectors(), [pos_rows], [neg_rows])[0]
        if topn is None:
            return scores
        return self._ranked(scores, topn, pos_rows + neg_rows)


def _as_term_list(terms: Term | Sequence[Term] | None) -> list[Term]:
    if terms is None:
        return []
    if is_key(terms) or isinstance(terms, np.ndarray):
        return [terms]
    if isinstance(terms, tuple) and len(terms) == 2 and isinstance(terms[1], Real):
        # (term, weight); with int keys, (3, 5) is two keys, (3, 0.5) a weighted one
        if not is_key(terms[0]) or isinstance(terms[0], str) or isinstance(terms[1], float):
            return [terms]
    return list(terms)
