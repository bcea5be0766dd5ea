"""Similarity scoring shared by the vector queries and the evaluations: top-k selection,
3CosMul scores, and the block size that bounds batched scoring's memory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["BLOCK_ENTRIES", "cosmul_scores", "top_k"]

#: Scores for one block of batched queries are held as a (block, vocabulary) float32
#: matrix; 2**24 entries (64 MiB) keeps that bounded whatever the vocabulary size.
BLOCK_ENTRIES = 1 << 24


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest entries of a 1-D array, largest first.

    ``argpartition`` finds them in linear time; only those ``k`` are then sorted.
    """
    n = len(scores)
    k = max(0, min(k, n))
    if k == 0:
        return np.empty(0, dtype=np.intp)
    best = np.argpartition(scores, n - k)[n - k :] if k < n else np.arange(n)
    # Stable sort on the negated scores: ties keep index (frequency) order.
    return best[np.argsort(-scores[best], kind="stable")]


def cosmul_scores(
    normed: np.ndarray,
    all_normed: np.ndarray,
    positive: Sequence[Sequence[int]],
    negative: Sequence[Sequence[int]],
) -> np.ndarray:
    """3CosMul scores of every row of ``normed`` for a batch of queries.

    Parameters
    ----------
    normed : numpy.ndarray
        ``(limit, dim)`` unit vectors searched.
    all_normed : numpy.ndarray
        Unit vectors the query rows index.
    positive, negative : sequences of row lists
        Per query, the rows of its positive and negative words (same count per query).

    Returns
    -------
    numpy.ndarray
        ``(queries, limit)`` float32 scores.
    """
    scores = np.ones((len(positive), len(normed)), dtype=np.float32)
    for j in range(len(positive[0]) if positive else 0):
        scores *= (1.0 + all_normed[[p[j] for p in positive]] @ normed.T) / 2.0
    if negative and len(negative[0]):
        denominator = np.ones_like(scores)
        for j in range(len(negative[0])):
            denominator *= (1.0 + all_normed[[n[j] for n in negative]] @ normed.T) / 2.0
        scores /= denominator + np.float32(1e-6)
    return scores
