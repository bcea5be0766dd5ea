"""Vocabulary: word counts in frequency order, and the tables the trainer derives from them.

Row ``i`` of every embedding matrix belongs to ``Vocab.words[i]``. Words are ordered most
frequent first, ties broken by first appearance in the corpus, so that a given corpus always
gives the same rows. From the counts come the subsampling keep probabilities, the
negative-sampling noise distribution (and its alias table), and the Huffman tree of
hierarchical softmax, each computed as word2vec.c does.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np

from fastw2v._atomic import atomic_write
from fastw2v.encoding import count_words, uses_c_tokenizer

__all__ = ["HuffmanTree", "Vocab"]

logger = logging.getLogger(__name__)

PathType = Union[str, "os.PathLike[str]"]

# Counts are int64 and the trainer adds them up: a larger one cannot be a real count.
_MAX_COUNT = 2**62


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


def _check_nonneg_int(name: str, value: int | None, minimum: int, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


def _check_word(word: object) -> None:
    """Refuse words that could not round-trip through the one-line-per-word text format."""
    if not isinstance(word, str):
        raise TypeError(f"words must be str, got {type(word).__name__} {word!r}")
    # split() finds every kind of whitespace the corpus readers split on, and the empty word.
    if word.split() != [word]:
        raise ValueError(f"word {word!r} is empty or contains whitespace")


class Vocab:
    """Words and their counts, most frequent first.

    Build one with :meth:`build` (from a corpus), :meth:`from_counts` or :meth:`load`. The
    constructor takes already-ordered data and only validates it.

    Parameters
    ----------
    words : iterable of str
        Distinct words, most frequent first.
    counts : array-like of int
        Their counts (each >= 1), non-increasing.

    Attributes
    ----------
    words : list of str
        Row ``i`` of the embedding matrices belongs to ``words[i]``.
    counts : numpy.ndarray
        int64, read-only, same order as ``words``.
    index : dict of str to int
        Word to row.
    """

    def __init__(self, words: Iterable[str], counts: Iterable[int] | np.ndarray) -> None:
        self.words: list[str] = list(words)
        counts_arr = np.array(counts, dtype=np.int64).reshape(-1)
        if len(self.words) != len(counts_arr):
            raise ValueError(f"{len(self.words)} words but {len(counts_arr)} counts")
        if not self.words:
            raise ValueError("a vocabulary needs at least one word")
        if counts_arr.min() < 1:
            raise ValueError("word counts must be >= 1")
        if np.any(counts_arr[1:] > counts_arr[:-1]):
            # The Huffman construction and the frequency-ordered rows rely on this order.
            raise ValueError("counts must be in non-increasing order (most frequent word first)")
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            dup = next(w for i, w in enumerate(self.words) if self.index[w] != i)
            raise ValueError(f"duplicate word {dup!r} in vocabulary")
        counts_arr.flags.writeable = False
        self.counts: np.ndarray = counts_arr

    # ------------------------------------------------------------------ basics

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, total_words={self.total_words})"

    @property
    def total_words(self) -> int:
        """Sum of the counts: the in-vocabulary words the trainer sees per epoch."""
        return int(self.counts.sum())

    # ------------------------------------------------------------ construction

    @classmethod
    def build(
        cls,
        corpus: Iterable[list[str]] | PathType,
        min_count: int = 5,
        max_size: int | None = None,
        max_vocab_size: int | None = None,
    ) -> Vocab:
        """Count the words of one pass over ``corpus``.

        Parameters
        ----------
        corpus : iterable of list of str, or path-like
            Sentences (one pass is made, so a generator is fine here); a path is read with
            :func:`fastw2v.corpus.as_corpus`.
        min_count : int
            Words seen fewer times are dropped.
        max_size : int, optional
            Keep at most this many words, the most frequent (ties: first appearance).
        max_vocab_size : int, optional
            Bound on distinct words held *while counting*. When exceeded, the words seen at
            most ``threshold`` times are forgotten and ``threshold`` (starting at 1) goes up
            by one, as word2vec.c's ``ReduceVocab`` does. This bounds memory at the price of
            approximate counts: a forgotten word that comes back starts again from zero, and
            its first appearance moves. ``None`` counts exactly.

        Returns
        -------
        Vocab

        Raises
        ------
        ValueError
            If the corpus has no words, or no word occurs ``min_count`` times.
        TypeError
            If a sentence is a plain string rather than a list of tokens.
        """
        _check_nonneg_int("min_count", min_count, 0, allow_none=False)
        _check_nonneg_int("max_size", max_size, 1, allow_none=True)
        _check_nonneg_int("max_vocab_size", max_vocab_size, 1, allow_none=True)
        if isinstance(corpus, (str, bytes, os.PathLike)):
            from fastw2v.corpus import as_corpus  # only needed for paths

            corpus = as_corpus(corpus)

        # Counter keeps insertion order, which is first-appearance order: a stable sort by
        # count then breaks ties by first appearance at no extra cost. Files are counted by
        # the C tokeniser (same tokens, same order, about 5x faster); pruning while counting
        # (max_vocab_size) stays here.
        counter: Mapping[str, int]
        if max_vocab_size is None and uses_c_tokenizer(corpus):
            counter = count_words(corpus)
        else:
            counter = _count_sentences(corpus, max_vocab_size)
        return cls._from_corpus_counts(counter, corpus, min_count, max_size)

    @classmethod
    def _from_corpus_counts(
        cls,
        counter: Mapping[str, int],
        corpus: Any,
        min_count: int = 5,
        max_size: int | None = None,
    ) -> Vocab:
        """The vocabulary :meth:`build` makes from the counts of one pass over ``corpus``.

        For a caller that counted the corpus itself (the trainer, which records the
        corpus while counting it); ``corpus`` only names the source in errors and logs.

        Parameters
        ----------
        counter : mapping of str to int
            Counts in first-appearance order.
        corpus : Corpus
            The corpus counted.
        min_count, max_size
            As for :meth:`build`.
        """
        # A Corpus names its files; that is what the user needs to see in the error.
        described = getattr(corpus, "source_description", None)
        source = f"the corpus ({described})" if isinstance(described, str) else "the corpus"
        if not counter:
            raise ValueError(f"{source} contains no words (it is empty or holds only whitespace)")
        vocab = cls._select(counter, min_count, max_size, source=source)
        total = sum(counter.values())
        logger.info(
            "counted %d words, %d distinct; kept %d words with count >= %d (%.1f%% of the text)",
            total,
            len(counter),
            len(vocab),
            min_count,
            100.0 * vocab.total_words / total,
        )
        return vocab

    @classmethod
    def from_counts(
        cls, counts: Mapping[str, int], min_count: int = 5, max_size: int | None = None
    ) -> Vocab:
        """Make a vocabulary from word counts.

        Parameters
        ----------
        counts : mapping of str to int
            Word counts; ties are ordered as the mapping iterates.
        min_count : int
            Words with a smaller count are dropped.
        max_size : int, optional
            Keep at most this many words, the most frequent.

        Returns
        -------
        Vocab

        Raises
        ------
        ValueError
            If ``counts`` is empty, a count is negative, or no word reaches ``min_count``.
        """
        _check_nonneg_int("min_count", min_count, 0, allow_none=False)
        _check_nonneg_int("max_size", max_size, 1, allow_none=True)
        if not counts:
            raise ValueError("no word counts given")
        for word, count in counts.items():
            _check_nonneg_int(f"count of {word!r}", count, 0, allow_none=False)
        return cls._select(counts, min_count, max_size, source="the counts")

    @classmethod
    def _select(
        cls, counts: Mapping[str, int], min_count: int, max_size: int | None, source: str
    ) -> Vocab:
        """Keep the words with count >= min_count, sorted by count (stable), capped."""
        keep = max(min_count, 1)  # a word with count 0 was never seen; it gets no row
        kept = [(w, c) for w, c in counts.items() if c >= keep]
        if not kept:
            highest = max(counts.values())
            raise ValueError(
                f"no word in {source} occurs at least min_count={min_count} times "
                f"({len(counts)} distinct words, the most frequent occurs {highest} times); "
                + (
                    f"lower min_count (min_count={highest} keeps the most frequent word) "
                    "or use a larger corpus"
                    if highest >= 1
                    else "every count is 0"
                )
            )
        kept.sort(key=lambda wc: -wc[1])  # stable: ties stay in first-appearance order
        if max_size is not None:
            del kept[max_size:]
        return cls([w for w, _ in kept], [c for _, c in kept])

    # ------------------------------------------------------- derived tables

    def keep_probs(self, sample: float) -> np.ndarray:
        """Probability of keeping each occurrence of each word under subsampling.

        word2vec.c's formula: with ``t = sample * total_words`` and ``f`` a word's count,
        ``p = (sqrt(f / t) + 1) * t / f``, at most 1. Words rarer than about ``t`` are always
        kept; very frequent ones mostly dropped.

        Parameters
        ----------
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
            return np.ones(len(self), dtype=np.float32)
        t = sample * self.total_words
        f = self.counts.astype(np.float64)
        p = (np.sqrt(f / t) + 1.0) * t / f
        return np.minimum(p, 1.0).astype(np.float32)

    def noise_distribution(self, exponent: float = 0.75) -> np.ndarray:
        """Negative-sampling distribution: ``count ** exponent``, normalised.

        Parameters
        ----------
        exponent : float
            0.75 in word2vec; 1 is the unigram distribution, 0 the uniform one.

        Returns
        -------
        numpy.ndarray
            float64, sums to 1.
        """
        if not np.isfinite(exponent):
            raise ValueError(f"exponent must be finite, got {exponent}")
        weights = self.counts.astype(np.float64) ** exponent
        return weights / weights.sum()

    def alias_table(self, exponent: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
        """Alias table (Walker's method, Vose's construction) of :meth:`noise_distribution`.

        To sample: draw ``i`` uniformly in ``[0, V)`` and ``u`` uniformly in ``[0, 1)``; the
        word is ``i`` if ``u < prob[i]`` else ``alias[i]``. One draw costs O(1) whatever V,
        and unlike word2vec.c's 1e8-entry table it represents the distribution exactly (up
        to float32 rounding of ``prob``).

        Parameters
        ----------
        exponent : float
            As in :meth:`noise_distribution`.

        Returns
        -------
        prob : numpy.ndarray
            float32[V], in ``[0, 1]``.
        alias : numpy.ndarray
            int32[V], the word taken when ``u >= prob[i]`` (``i`` itself where unused).
        """
        n = len(self)
        scaled = (self.noise_distribution(exponent) * n).tolist()
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

    def huffman(self) -> HuffmanTree:
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
        v = len(self)
        counts = self.counts.tolist()
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

    # ---------------------------------------------------------------- encoding

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Row ids of ``tokens``, out-of-vocabulary tokens dropped.

        Returns
        -------
        numpy.ndarray
            int32.
        """
        if not isinstance(tokens, (list, tuple)):
            tokens = list(tokens)
        # map(dict.get, ..., repeat(-1)) runs the lookups in C; a sentinel and one vectorised
        # filter beat skipping None in a Python-level comprehension by about 20%.
        ids = np.fromiter(
            map(self.index.get, tokens, itertools.repeat(-1)), dtype=np.int32, count=len(tokens)
        )
        return ids[ids >= 0]

    # --------------------------------------------------------------------- I/O

    def save(self, path: PathType) -> None:
        """Write ``word count`` lines, most frequent first: word2vec.c's ``-save-vocab`` format.

        The write is atomic: an interrupted save leaves any existing file untouched.

        Raises
        ------
        ValueError
            If a word contains whitespace (it could not be read back).
        """
        for word in self.words:
            _check_word(word)
        # surrogateescape writes back byte-exact any undecodable bytes that load() kept.
        with atomic_write(
            path, "w", encoding="utf-8", errors="surrogateescape", newline="\n"
        ) as fh:
            for start in range(0, len(self.words), 65536):
                stop = start + 65536
                fh.write(
                    "".join(
                        f"{w} {c}\n"
                        for w, c in zip(self.words[start:stop], self.counts[start:stop].tolist())
                    )
                )

    @classmethod
    def load(cls, path: PathType) -> Vocab:
        """Read a ``word count`` per line file (word2vec.c's ``-save-vocab`` / ``-read-vocab``).

        Words are re-sorted by count (stable) if the file is not in order. Entries with count
        0 are skipped: word2vec.c writes its sentence marker ``</s>`` with count 0 for a
        corpus without newlines. Blank lines are ignored.

        Raises
        ------
        ValueError
            On a malformed line (naming the file and the line number), a duplicate word, or
            a file with no word.
        """
        path = Path(os.fsdecode(path))
        counts: dict[str, int] = {}
        # surrogateescape: a word2vec.c file may hold words cut mid-UTF-8 sequence (its
        # MAX_STRING limit); keep their bytes rather than failing or merging them.
        with open(path, encoding="utf-8", errors="surrogateescape", newline="\n") as fh:
            for lineno, line in enumerate(fh, start=1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) != 2 or not (fields[1].isascii() and fields[1].isdigit()):
                    raise ValueError(
                        f"{path}:{lineno}: expected 'word count', got {line.rstrip()[:80]!r}"
                    )
                word, count = fields[0], int(fields[1])
                if count > _MAX_COUNT:
                    raise ValueError(
                        f"{path}:{lineno}: count {fields[1][:30]} of {word!r} is too large "
                        f"(at most {_MAX_COUNT})"
                    )
                if word in counts:
                    raise ValueError(f"{path}:{lineno}: duplicate word {word!r}")
                counts[word] = count
        if not any(counts.values()):
            raise ValueError(f"{path}: no word with a positive count")
        if sum(counts.values()) > _MAX_COUNT:
            raise ValueError(f"{path}: the counts add up to more than {_MAX_COUNT}")
        return cls._select(counts, 1, None, source=str(path))


def _count_sentences(corpus: Iterable[list[str]], max_vocab_size: int | None) -> Counter[str]:
    """Count the tokens of ``corpus``'s sentences, pruning as word2vec.c's ``ReduceVocab``
    when more than ``max_vocab_size`` distinct words are held."""
    counter: Counter[str] = Counter()
    update = counter.update
    threshold = 1
    for sentence in corpus:
        if isinstance(sentence, (str, bytes)):
            raise TypeError(
                "each sentence must be a list of tokens, got a "
                f"{type(sentence).__name__}; split it first, e.g. line.split()"
            )
        update(sentence)
        if max_vocab_size is not None and len(counter) > max_vocab_size:
            _check_tokens(counter)  # before pruning can drop a bad one unseen
            while len(counter) > max_vocab_size:
                before = len(counter)
                counter = Counter({w: c for w, c in counter.items() if c > threshold})
                logger.info(
                    "vocabulary pruned from %d to %d words (dropped counts <= %d); "
                    "counts are now approximate",
                    before,
                    len(counter),
                    threshold,
                )
                threshold += 1
            update = counter.update
    _check_tokens(counter)
    return counter


def _check_tokens(counter: Counter[str]) -> None:
    """Every distinct token must be a str: ``1`` or ``None`` would otherwise become words.

    Checking the counter's keys costs one look per distinct token, not one per token.
    """
    for token in counter:
        if type(token) is str:
            continue
        raise TypeError(
            f"tokens must be str, got {type(token).__name__} {token!r} "
            f"({counter[token]} times); convert the corpus, e.g. [str(t) for t in sentence]"
        )
