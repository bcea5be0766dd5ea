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
from pathlib import Path
from typing import Any, Union

import numpy as np

from fastw2v import tables
from fastw2v._atomic import atomic_write
from fastw2v.counting import WordCounts, count_corpus
from fastw2v.encoding import uses_c_tokenizer
from fastw2v.tables import MAX_COUNT, HuffmanTree

__all__ = ["HuffmanTree", "Vocab", "read_vocab"]

logger = logging.getLogger(__name__)

PathType = Union[str, "os.PathLike[str]"]


def _check_nonneg_int(name: str, value: int | None, minimum: int, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


def _checked_counts(counts: Iterable[int] | np.ndarray, n_words: int) -> np.ndarray:
    """The counts of ``n_words`` words as int64: one each, every one >= 1, their sum within
    MAX_COUNT (summed as Python ints, which cannot wrap)."""
    counts_arr = _counts_array(counts)
    if n_words != len(counts_arr):
        raise ValueError(f"{n_words} words but {len(counts_arr)} counts")
    if not n_words:
        raise ValueError("a vocabulary needs at least one word")
    if counts_arr.min() < 1:
        raise ValueError("word counts must be >= 1")
    if sum(counts_arr.tolist()) > MAX_COUNT:
        raise ValueError(f"the word counts add up to more than {MAX_COUNT}")
    return counts_arr


def _counts_array(counts: Iterable[int] | np.ndarray) -> np.ndarray:
    """Counts as int64, each at most MAX_COUNT (a ValueError, not numpy's OverflowError)."""
    try:
        arr = np.array(counts if isinstance(counts, np.ndarray) else list(counts), dtype=np.int64)
    except OverflowError:
        raise ValueError(f"a word count is larger than {MAX_COUNT}") from None
    arr = arr.reshape(-1)
    if arr.size and arr.max() > MAX_COUNT:
        raise ValueError(f"a word count is larger than {MAX_COUNT}")
    return arr


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
    ordered : bool
        False admits counts out of order (grown by ``build_vocab(update=True)``), no Huffman tree.

    Attributes
    ----------
    words : list of str
        Row ``i`` of the embedding matrices belongs to ``words[i]``.
    counts : numpy.ndarray
        int64, read-only, same order as ``words``.
    index : dict of str to int
        Word to row (built on first use for a vocabulary counted from files).
    """

    def __init__(
        self, words: Iterable[str], counts: Iterable[int] | np.ndarray, *, ordered: bool = True
    ) -> None:
        self.words: list[str] = list(words)
        counts_arr = _checked_counts(counts, len(self.words))
        self.frequency_ordered = not np.any(counts_arr[1:] > counts_arr[:-1])
        if ordered and not self.frequency_ordered:
            # The Huffman construction and the frequency-ordered rows rely on this order.
            raise ValueError("counts must be in non-increasing order (most frequent word first)")
        self._index: dict[str, int] | None = dict(zip(self.words, range(len(self.words))))
        if len(self._index) != len(self.words):
            dup = next(w for i, w in enumerate(self.words) if self._index[w] != i)
            raise ValueError(f"duplicate word {dup!r} in vocabulary")
        counts_arr.flags.writeable = False
        self.counts: np.ndarray = counts_arr

    @property
    def index(self) -> dict[str, int]:
        """Word to row."""
        return self._index if self._index is not None else _build_index(self)

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

    @property
    def keys(self) -> list[Any]:
        """What the vectors are keyed by, in row order (ints in an ``IntKeyVocab``)."""
        return self.words

    # ------------------------------------------------------------ construction

    @classmethod
    def build(
        cls,
        corpus: Iterable[list[str]] | PathType,
        min_count: int = 5,
        max_size: int | None = None,
        max_vocab_size: int | None = None,
        *,
        threads: int = 1,
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
            its first appearance moves. ``None`` counts exactly. Pruning depends on the
            order words come in: with it, counting runs in one thread whatever ``threads``.
        threads : int
            Threads counting a file corpus: one byte range each, counts merged; exactly
            the one-thread vocabulary (words, counts, order, ties).

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
        _check_nonneg_int("threads", threads, 1, allow_none=False)
        if isinstance(corpus, (str, bytes, os.PathLike)):
            from fastw2v.corpus import as_corpus  # only needed for paths

            corpus = as_corpus(corpus)

        # Counter keeps first-appearance order, which breaks ties in the stable sort. Files are
        # counted in C (same tokens and order); pruning (max_vocab_size) stays here, serial.
        counter: Mapping[str, int]
        if max_vocab_size is None and uses_c_tokenizer(corpus):
            counter = count_corpus(corpus, 0, 0, threads)[0]
        else:
            counter = _count_sentences(corpus, max_vocab_size)
        return cls.from_corpus_counts(counter, corpus, min_count, max_size)

    @classmethod
    def from_corpus_counts(
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
            Counts in first-appearance order (a :class:`~fastw2v.counting.WordCounts` is
            ranked in C, without a Python object per word dropped).
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
        if isinstance(counter, WordCounts):
            vocab = _select_counted(cls, counter, min_count, max_size, source)
            total = counter.total
        else:
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
            raise _no_word_error(source, min_count, len(counts), max(counts.values()))
        kept.sort(key=lambda wc: -wc[1])  # stable: ties stay in first-appearance order
        if max_size is not None:
            del kept[max_size:]
        return cls([w for w, _ in kept], [c for _, c in kept])

    # ------------------------------------------------------- derived tables

    def keep_probs(self, sample: float) -> np.ndarray:
        """Probability of keeping each occurrence of each word under subsampling
        (word2vec.c's formula, :func:`fastw2v.tables.keep_probs`); float32."""
        return tables.keep_probs(self.counts, sample)

    def noise_distribution(self, exponent: float = 0.75) -> np.ndarray:
        """Negative-sampling distribution ``count ** exponent``, normalised; float64
        (:func:`fastw2v.tables.noise_distribution`)."""
        return tables.noise_distribution(self.counts, exponent)

    def alias_table(self, exponent: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
        """Alias table ``(prob, alias)`` of :meth:`noise_distribution`, float32 and int32
        (:func:`fastw2v.tables.alias_table`)."""
        return tables.alias_table(self.counts, exponent)

    def huffman(self) -> HuffmanTree:
        """Huffman tree over the counts, word2vec.c's (:func:`fastw2v.tables.huffman_tree`)."""
        _check_frequency_order(self)
        return tables.huffman_tree(self.counts)

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
    def load(
        cls,
        path: PathType,
        min_count: int = 1,
        max_size: int | None = None,
        *,
        strict: bool = False,
    ) -> Vocab:
        """Read a ``word count`` per line file (word2vec.c's ``-save-vocab`` /
        ``-read-vocab``); see :func:`read_vocab`."""
        return read_vocab(path, min_count, max_size, strict=strict)


def _select_counted(
    cls: type[Vocab], counted: WordCounts, min_count: int, max_size: int | None, source: str
) -> Vocab:
    """:meth:`Vocab._select` of counts from the C tokeniser, ranked in C: the same words in
    the same order, without a Python object per word dropped."""
    words, counts, _ = counted.ranked(min_count, max_size)
    if not words:
        raise _no_word_error(source, min_count, len(counted), int(counted.counts.max()))
    return _distinct_vocab(cls, words, counts)


def _build_index(vocab: Vocab) -> dict[str, int]:
    vocab._index = dict(zip(vocab.words, range(len(vocab.words))))
    return vocab._index


def _distinct_vocab(cls: type[Vocab], words: list[str], counts: np.ndarray) -> Vocab:
    """A vocabulary of words known to be distinct (from a hash table), in order: its
    ``index`` dict is then built on first use. For 4M words that takes longer than counting
    them, and the vocabulary pass itself does not need it."""
    vocab = cls.__new__(cls)
    vocab.words = words
    counts_arr = _checked_counts(counts, len(words))
    vocab.frequency_ordered = not np.any(counts_arr[1:] > counts_arr[:-1])
    if not vocab.frequency_ordered:
        raise ValueError("counts must be in non-increasing order (most frequent word first)")
    vocab._index = None
    counts_arr.flags.writeable = False
    vocab.counts = counts_arr
    return vocab


def _no_word_error(source: str, min_count: int, distinct: int, highest: int) -> ValueError:
    return ValueError(
        f"no word in {source} occurs at least min_count={min_count} times "
        f"({distinct} distinct words, the most frequent occurs {highest} times); "
        + (
            f"lower min_count (min_count={highest} keeps the most frequent word) "
            "or use a larger corpus"
            if highest >= 1
            else "every count is 0"
        )
    )


def _check_frequency_order(vocab: Vocab) -> None:
    if not vocab.frequency_ordered:
        raise ValueError(
            "this vocabulary is not in frequency order (it was grown with "
            "build_vocab(update=True)): it has no Huffman tree"
        )


def read_vocab(
    path: PathType,
    min_count: int = 1,
    max_size: int | None = None,
    *,
    strict: bool = False,
) -> Vocab:
    """Read a ``word count`` per line file (word2vec.c's ``-save-vocab`` / ``-read-vocab``).

    Words are re-sorted by count (stable) if the file is not in order. Entries with count
    0 are skipped: word2vec.c writes its sentence marker ``</s>`` with count 0 for a
    corpus without newlines. Blank lines and a leading byte-order mark are ignored.

    Parameters
    ----------
    path : path-like
        The file.
    min_count : int
        Words with a smaller count are dropped (as word2vec.c's ``-read-vocab`` with
        ``-min-count`` does).
    max_size : int, optional
        Keep at most this many words, the most frequent.
    strict : bool
        Refuse words that are not valid UTF-8 or hold a NUL (what training needs: the
        corpus reader replaces invalid bytes, so such a word matches no corpus word,
        and the word2vec formats cannot write it). Otherwise undecodable bytes are kept
        byte-exact, as word2vec.c can write a word cut mid-character.

    Raises
    ------
    ValueError
        On a malformed line or word (naming the file and the line number), a duplicate
        word, or a file with no word.
    """
    path = Path(os.fsdecode(path))
    _check_nonneg_int("min_count", min_count, 1, allow_none=False)
    _check_nonneg_int("max_size", max_size, 1, allow_none=True)
    return Vocab._select(_read_counts(path, strict), min_count, max_size, source=str(path))


def _read_counts(path: Path, strict: bool = False) -> dict[str, int]:
    """The ``word count`` lines of a vocabulary file, checked."""
    counts: dict[str, int] = {}
    # surrogateescape: a word2vec.c file may hold words cut mid-UTF-8 sequence (its
    # MAX_STRING limit); keep their bytes rather than failing or merging them.
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="\n") as fh:
        for lineno, line in enumerate(fh, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2 or not (fields[1].isascii() and fields[1].isdigit()):
                raise ValueError(
                    f"{path}:{lineno}: expected 'word count', got {line.rstrip()[:80]!r}"
                )
            word, count = fields[0], int(fields[1])
            if strict:
                _check_read_word(word, f"{path}:{lineno}")
            if count > MAX_COUNT:
                raise ValueError(
                    f"{path}:{lineno}: count {fields[1][:30]} of {word!r} is too large "
                    f"(at most {MAX_COUNT})"
                )
            if word in counts:
                raise ValueError(f"{path}:{lineno}: duplicate word {word!r}")
            counts[word] = count
    if not any(counts.values()):
        raise ValueError(f"{path}: no word with a positive count")
    if sum(counts.values()) > MAX_COUNT:
        raise ValueError(f"{path}: the counts add up to more than {MAX_COUNT}")
    return counts


def _check_read_word(word: str, where: str) -> None:
    """A word training can use and the word2vec formats can write (see Vocab.load)."""
    if "\0" in word:
        raise ValueError(f"{where}: word {word!r} holds a NUL byte")
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        raw = word.encode("utf-8", "surrogateescape")
        raise ValueError(
            f"{where}: word {raw!r} is not valid UTF-8 (no corpus word can match it, and "
            "the vectors file could not hold it)"
        ) from None


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
