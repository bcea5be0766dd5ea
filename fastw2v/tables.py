"""The tables the trainer derives from word counts (most frequent first), each as
word2vec.c computes it: subsampling keep probabilities, the negative-sampling noise
distribution and its alias table, and the Huffman tree of hierarchical softmax.
:class:`fastw2v.vocab.Vocab` offers each as a method; the output layers
(:mod:`fastw2v.layers`) ask for theirs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Largest count the trainer accepts: counts are int64 and get added up, so a larger one
#: cannot be a real count (checked where counts are read from files).
MAX_COUNT = 2**62

__all__ = [
    "MAX_COUNT",
    "HuffmanTree",
    "alias_table",
    "huffman_tree",
    "keep_probs",
    "noise_distribution",
]


@dataclass(frozen=True)
class HuffmanTree:
    """Hierarchical-softmax codes, all words' concatenated (CSR-like layout).

    Word ``i``'s path from the root is ``codes[offsets[i]:offsets[i+1]]`` (branch bits)
    and ``points[offsets[i]:offsets[i+1]]`` (the inner nodes passed, root first). Inner node
    ``n`` is row ``n`` of the hierarchical-softmax output matrix, which has ``V - 1`` rows;
    the root is ``V - 2``. The training target at depth ``d`` is ``1 - codes[d]``.

    Attributes
    ----------
    codes : numpy.ndarray
        uint8, the branch bits of all words.
    points : numpy.ndarray
        int32, inner-node indices in ``[0, V - 2]``.
    offsets : numpy.ndarray
        int64, length ``V + 1``, starting at 0.
    """

    codes: np.ndarray
    points: np.ndarray
    offsets: np.ndarray

    def code_lengths(self) -> np.ndarray:
        """Length of each word's code (its depth in the tree), int64."""
        return np.diff(self.offsets)

    def code(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(codes, points)`` of word ``i``."""
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.codes[lo:hi], self.points[lo:hi]


def keep_probs(counts: np.ndarray, sample: float) -> np.ndarray:
    """Probability of keeping each occurrence of each word under subsampling.

    word2vec.c's formula: with ``t = sample * total_words`` and ``f`` a word's count,
    ``p = (sqrt(f / t) + 1) * t / f``, at most 1. Words rarer than about ``t`` are always
    kept; very frequent ones mostly dropped.

    Parameters
    ----------
    counts : numpy.ndarray
        Word counts, most frequent first.
    sample : float
        Threshold, typically 1e-3 to 1e-5; 0 disables subsampling.

    Returns
    -------
    numpy.ndarray
        float32, one probability per word.
    """
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"sample must be a finite number >= 0, got {sample}")
    if sample == 0:
        return np.ones(len(counts), dtype=np.float32)
    t = sample * int(counts.sum())
    f = counts.astype(np.float64)
    p = (np.sqrt(f / t) + 1.0) * t / f
    return np.minimum(p, 1.0).astype(np.float32)


def noise_distribution(counts: np.ndarray, exponent: float) -> np.ndarray:
    """Negative-sampling distribution: ``count ** exponent``, normalised.

    Parameters
    ----------
    counts : numpy.ndarray
        Word counts, most frequent first.
    exponent : float
        0.75 in word2vec; 1 is the unigram distribution, 0 the uniform one.

    Returns
    -------
    numpy.ndarray
        float64, sums to 1.
    """
    if not np.isfinite(exponent):
        raise ValueError(f"exponent must be finite, got {exponent}")
    weights = counts.astype(np.float64) ** exponent
    return weights / weights.sum()


def alias_table(counts: np.ndarray, exponent: float) -> tuple[np.ndarray, np.ndarray]:
    """Alias table (Walker's method, Vose's construction) of :func:`noise_distribution`.

    To sample: draw ``i`` uniformly in ``[0, V)`` and ``u`` uniformly in ``[0, 1)``; the
    word is ``i`` if ``u < prob[i]`` else ``alias[i]``. One draw costs O(1) whatever V,
    and unlike word2vec.c's 1e8-entry table it represents the distribution exactly (up
    to float32 rounding of ``prob``).

    Parameters
    ----------
    counts : numpy.ndarray
        Word counts, most frequent first.
    exponent : float
        As in :func:`noise_distribution`.

    Returns
    -------
    prob : numpy.ndarray
        float32[V], in ``[0, 1]``.
    alias : numpy.ndarray
        int32[V], the word taken when ``u >= prob[i]`` (``i`` itself where unused).
    """
    n = len(counts)
    scaled = (noise_distribution(counts, exponent) * n).tolist()
    prob = [1.0] * n
    alias = list(range(n))
    small = [i for i, q in enumerate(scaled) if q < 1.0]
    large = [i for i, q in enumerate(scaled) if q >= 1.0]
    while small and large:
        s = small.pop()
        g = large[-1]
        prob[s] = scaled[s]
        alias[s] = g
        # (q_g + q_s) - 1 rather than q_g - (1 - q_s): the leftover mass of a large
        # entry is computed with less cancellation.
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            small.append(large.pop())
    # Whatever is left is 1 up to rounding: those entries always keep their own word,
    # which is what prob = 1 and alias = i already say.
    return np.array(prob, dtype=np.float32), np.array(alias, dtype=np.int32)


def huffman_tree(counts: np.ndarray) -> HuffmanTree:
    """Huffman tree over the counts, built exactly as word2vec.c's ``CreateBinaryTree``.

    The counts are sorted, so the two smallest nodes are always found at one of two
    cursors: one moving down the words from the rarest, one moving up the inner nodes
    in creation order. A word wins a tie against an inner node only if strictly smaller
    (word2vec.c's ``<``), the first node taken gets bit 0 and the second bit 1, and inner
    node ``a`` (created ``a``-th) is row ``a`` of the output matrix. Matching these
    choices makes the codes identical to word2vec.c's, not merely equally good.

    Returns
    -------
    HuffmanTree
        With V = 1 the single word's path is empty (no inner node, nothing to learn).
    """
    v = len(counts)
    counts = np.asarray(counts).tolist()
    # Nodes 0..v-1 are words, v..2v-2 inner nodes; node v + a is inner row a.
    node_count = counts + [0] * (v - 1)
    parent = [0] * (2 * v - 1)
    bit = [0] * (2 * v - 1)
    pos1, pos2 = v - 1, v
    for a in range(v - 1):
        created = v + a  # inner nodes below this index exist
        picked = []
        for _ in range(2):
            if pos1 >= 0 and (pos2 >= created or node_count[pos1] < node_count[pos2]):
                picked.append(pos1)
                pos1 -= 1
            else:
                picked.append(pos2)
                pos2 += 1
        first, second = picked
        node_count[created] = node_count[first] + node_count[second]
        parent[first] = created
        parent[second] = created
        bit[second] = 1

    root = 2 * v - 2
    parent_arr = np.array(parent, dtype=np.int64)
    bit_arr = np.array(bit, dtype=np.uint8)
    # Depth of every node, from the root down: parents have higher indices than children.
    depth = [0] * (2 * v - 1)
    for n in range(root - 1, -1, -1):
        depth[n] = depth[parent[n]] + 1
    lengths = np.array(depth[:v], dtype=np.int64)
    offsets = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.empty(int(offsets[-1]), dtype=np.uint8)
    points = np.empty(int(offsets[-1]), dtype=np.int32)

    # Walk all words up to the root together, filling each path from its end so that it
    # reads root first. The loop runs (longest code) times, over shrinking arrays.
    nodes = np.arange(v, dtype=np.int64)
    slot = offsets[1:] - 1
    active = nodes != root
    nodes, slot = nodes[active], slot[active]
    while nodes.size:
        up = parent_arr[nodes]
        codes[slot] = bit_arr[nodes]
        points[slot] = up - v
        active = up != root
        nodes, slot = up[active], slot[active] - 1
    return HuffmanTree(codes=codes, points=points, offsets=offsets)
