"""Phrase detection (word2phrase, gensim ``Phrases``): join frequent word pairs into tokens.

:class:`Phrases` counts the unigrams and bigrams of a corpus in C (``fastw2v._phrases``,
the GIL released; files are cut into tokens by the same C tokeniser that reads corpora for
training), scores every bigram and joins, left to right, each pair scoring above
``threshold`` with ``delimiter``: ``new york`` becomes ``new_york``. A word joined into a
phrase is not reused for the next pair, so one pass gives bigrams; running a second
:class:`Phrases` on the output of the first gives trigrams (``new_york_times``), as with
word2phrase.

Scores (``a b`` a bigram, ``count`` in the corpus, ``N`` the corpus's word count):

- ``"default"``, word2phrase's: ``(count(a b) - min_count) / count(a) / count(b) * N``, for
  pairs whose bigram and both words are seen at least ``min_count`` times.
- ``"npmi"``, gensim's normalised pointwise mutual information: ``log(p(a b) / (p(a)
  p(b))) / -log(p(a b))`` with ``p(x) = count(x) / N``, for bigrams seen at least
  ``min_count`` times; it lies in [-1, 1].

Memory is bounded by ``max_vocab_size`` unigrams + bigrams held at once: past it, every
count <= ``min_reduce`` is dropped and ``min_reduce`` rises by one (word2phrase's
``ReduceVocab``; it starts at 1, so the first prune drops the words and pairs seen once). A
dropped entry counts again from zero if it comes back, so pruned counts are lower bounds
and a pair may miss a phrase it would have made; :attr:`Phrases.prunes` says whether that
happened. The bound covers the count table; the list of distinct words the tokeniser
builds (each word's bytes once, as the trainer's vocabulary count holds them) is not pruned.

Unlike word2phrase, bigrams never span a line end (word2phrase counts them but
can never join them) and a line longer than ``max_sentence_length`` tokens is cut as the
trainer cuts it, no phrase spanning the cut; written files have one sentence per line
(empty lines dropped). Scores are float64; word2phrase computes them in float32, so a pair
scoring within about 1e-7 (relative) of the threshold may fall the other way there.

>>> from fastw2v import Phrases
>>> bigrams = Phrases("corpus.txt", min_count=5, threshold=100)  # doctest: +SKIP
>>> bigrams.transform_file("corpus.txt", "corpus-phrases.txt")  # doctest: +SKIP
>>> bigrams[["new", "york", "is", "big"]]  # doctest: +SKIP
['new_york', 'is', 'big']
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Union

import numpy as np

from fastw2v._atomic import atomic_write, check_writable
from fastw2v._phrases_io import check_ids, load_arrays, save_arrays
from fastw2v.corpus import DEFAULT_MAX_SENTENCE_LENGTH, PathCorpus

__all__ = ["FrozenPhrases", "Phrases", "check_output_path"]

PathType = Union[str, bytes, "os.PathLike[str]"]

SCORINGS = ("default", "npmi")
DEFAULT_THRESHOLD = {"default": 100.0, "npmi": 0.5}
"""word2phrase's default for its own score; for NPMI, a value in its [-1, 1] range."""

DEFAULT_MAX_VOCAB_SIZE = 40_000_000
"""gensim's default bound on unigrams + bigrams (word2phrase's is 350M)."""

_BATCH_WORDS = 1 << 16


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _check_params(
    min_count: Any,
    threshold: Any,
    scoring: Any,
    delimiter: Any,
    max_vocab_size: Any,
    max_sentence_length: Any,
) -> dict[str, Any]:
    """The parameters, checked (a ValueError naming the first bad one) and completed."""
    if scoring not in SCORINGS:
        raise ValueError(f"scoring must be one of {', '.join(SCORINGS)}; got {scoring!r}")
    if threshold is None:
        threshold = DEFAULT_THRESHOLD[scoring]
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    threshold = float(threshold)
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold}")
    if scoring == "npmi" and not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [-1, 1] for npmi scoring, got {threshold}")
    if scoring == "default" and threshold < 0:
        raise ValueError(f"threshold must be >= 0 for default scoring, got {threshold}")
    if not isinstance(delimiter, str) or not delimiter or any(c.isspace() for c in delimiter):
        raise ValueError(
            f"delimiter must be a non-empty string without whitespace, got {delimiter!r}"
        )
    return {
        "min_count": _check_int("min_count", min_count, 1),
        "threshold": threshold,
        "scoring": scoring,
        "delimiter": delimiter,
        "max_vocab_size": _check_int("max_vocab_size", max_vocab_size, 1),
        "max_sentence_length": _check_int("max_sentence_length", max_sentence_length, 1),
    }


def score_bigrams(
    count_a: np.ndarray,
    count_b: np.ndarray,
    count_ab: np.ndarray,
    corpus_word_count: int,
    min_count: int,
    scoring: str,
) -> np.ndarray:
    """The score of each bigram (float64), ``-inf`` where it may not form a phrase.

    Parameters
    ----------
    count_a, count_b, count_ab : numpy.ndarray
        Counts of the first word, the second word and the pair.
    corpus_word_count : int
        Tokens in the corpus.
    min_count : int
        Least count of a pair (and, for ``"default"``, of each word) to be scored.
    scoring : {"default", "npmi"}
        See the module docstring.
    """
    ca = np.asarray(count_a, np.float64)
    cb = np.asarray(count_b, np.float64)
    cab = np.asarray(count_ab, np.float64)
    n = float(corpus_word_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scoring == "default":
            ok = (ca >= min_count) & (cb >= min_count) & (cab >= min_count)
            score = (cab - min_count) / ca / cb * n
        else:
            ok = (cab >= min_count) & (ca > 0) & (cb > 0)
            pab = cab / n
            denominator = -np.log(pab)
            score = np.log(pab / ((ca / n) * (cb / n))) / denominator
            score = np.where(denominator == 0, 1.0, score)  # every token is this pair
    return np.where(ok, score, -np.inf)


def check_output_path(inputs: Iterable[PathType], output: PathType) -> None:
    """Refuse, before any work, an ``output`` that is one of ``inputs`` (the files read, or
    other outputs) or cannot be written.

    Raises
    ------
    ValueError
        If ``output`` resolves to an input file (the same path, a link to it, or a hard
        link: the same file).
    FileNotFoundError, PermissionError
        If the directory of ``output`` does not exist or is not writable.
    """
    out = Path(os.fsdecode(output))
    out_real = os.path.realpath(out)
    for src in inputs:
        src = Path(os.fsdecode(src))
        same = os.path.realpath(src) == out_real
        if not same and out.exists():
            try:
                same = os.path.samefile(src, out)
            except OSError:
                same = False
        if same:
            raise ValueError(f"output {out} would overwrite {src}; choose another output path")
    if out.is_dir():
        raise ValueError(f"output {out} is a directory")
    check_writable(out)


def _is_path(source: Any) -> bool:
    return isinstance(source, (str, bytes, os.PathLike))


class Phrases:
    """Count a corpus's unigrams and bigrams and join the pairs that score above a threshold.

    Parameters
    ----------
    sentences : path-like or iterable of list of str, optional
        Counted at once when given (see :meth:`fit`).
    min_count : int
        Pairs (and, for ``"default"`` scoring, words) seen fewer times are never joined.
    threshold : float, optional
        A pair is joined when its score is above this. Default: 100 (word2phrase's) for
        ``"default"`` scoring, 0.5 for ``"npmi"`` (which must be in [-1, 1]).
    max_vocab_size : int
        Most unigrams + bigrams held while counting; past it, rare entries are pruned (see
        the module docstring).
    delimiter : str
        Joins the two words of a phrase (no whitespace).
    scoring : {"default", "npmi"}
        word2phrase's score, or gensim's normalised PMI.
    max_sentence_length : int
        Lines of a file longer than this many tokens are cut (as the trainer cuts them).

    Attributes
    ----------
    words : list of str
        Every word counted; word ``i`` has id ``i``.
    word_counts : numpy.ndarray
        int64 count of each word (0 if pruned away).
    bigram_a, bigram_b, bigram_counts : numpy.ndarray
        The ids of each bigram held (int32) and its count (int64).
    corpus_word_count : int
        Tokens counted.
    prunes : int
        How many times counting pruned the table (0: every count is exact).
    min_reduce : int
        The count at or below which the next prune would have dropped entries.
    """

    def __init__(
        self,
        sentences: PathType | Iterable[list[str]] | None = None,
        min_count: int = 5,
        threshold: float | None = None,
        max_vocab_size: int = DEFAULT_MAX_VOCAB_SIZE,
        delimiter: str = "_",
        scoring: str = "default",
        max_sentence_length: int = DEFAULT_MAX_SENTENCE_LENGTH,
    ) -> None:
        self.params = _check_params(
            min_count, threshold, scoring, delimiter, max_vocab_size, max_sentence_length
        )
        self.words: list[str] = []
        self.word_counts = np.zeros(0, np.int64)
        self.bigram_a = np.zeros(0, np.int32)
        self.bigram_b = np.zeros(0, np.int32)
        self.bigram_counts = np.zeros(0, np.int64)
        self.corpus_word_count = 0
        self.prunes = 0
        self.min_reduce = 1
        self._frozen: FrozenPhrases | None = None
        if sentences is not None:
            self.fit(sentences)

    def __getattr__(self, name: str) -> Any:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ counting

    def fit(self, sentences: PathType | Iterable[list[str]]) -> Phrases:
        """Count ``sentences`` (replacing earlier counts) and return ``self``.

        Parameters
        ----------
        sentences : path-like, PathCorpus or iterable of list of str
            A text file (plain or gzip/bz2/xz) or a directory of them, read once by the C
            tokeniser; or token lists, iterated once (a generator is fine).
        """
        from fastw2v import _phrases

        counter = _phrases.Counter(
            self.params["max_vocab_size"], self.params["max_sentence_length"]
        )
        if _is_path(sentences) or isinstance(sentences, PathCorpus):
            corpus = (
                sentences
                if isinstance(sentences, PathCorpus)
                else PathCorpus(sentences, self.params["max_sentence_length"])
            )
            for block, file_end in corpus.utf8_blocks():
                counter.feed_text(block, _phrases.FILE_END if file_end else _phrases.BLOCK_END)
            words = [w.decode("utf-8") for w in counter.words()]
        else:
            words = _count_token_lists(counter, sentences)
        self._take_counts(counter, words)
        return self

    def _take_counts(self, counter: Any, words: list[str]) -> None:
        self.words = words
        counts = np.zeros(len(words), np.int64)
        seen = counter.unigrams()
        counts[: len(seen)] = seen
        self.word_counts = counts
        self.bigram_a, self.bigram_b, self.bigram_counts = counter.bigrams()
        self.corpus_word_count = int(counter.words_counted)
        self.prunes = int(counter.prunes)
        self.min_reduce = int(counter.min_reduce)
        self._frozen = None

    # ------------------------------------------------------------------ scoring

    def bigram_scores(self) -> np.ndarray:
        """The score of each bigram held (float64; ``-inf``: may not form a phrase)."""
        p = self.params
        scores = np.full(len(self.bigram_a), -np.inf)
        # Most bigrams are rarer than min_count and can never score: skip them.
        (candidates,) = np.nonzero(self.bigram_counts >= p["min_count"])
        scores[candidates] = score_bigrams(
            self.word_counts[self.bigram_a[candidates]],
            self.word_counts[self.bigram_b[candidates]],
            self.bigram_counts[candidates],
            self.corpus_word_count,
            p["min_count"],
            p["scoring"],
        )
        return scores

    def freeze(self) -> FrozenPhrases:
        """A compact :class:`FrozenPhrases` holding only the phrases (pairs above threshold)."""
        if self._frozen is None:
            scores = self.bigram_scores()
            keep = np.flatnonzero(scores > self.params["threshold"])
            keep = keep[np.argsort(-scores[keep], kind="stable")]  # best first
            a, b = self.bigram_a[keep], self.bigram_b[keep]
            used, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
            words = [self.words[i] for i in used.tolist()]
            self._frozen = FrozenPhrases(
                words,
                inverse[: len(keep)].astype(np.int32),
                inverse[len(keep) :].astype(np.int32),
                scores[keep],
                self.bigram_counts[keep],
                dict(self.params, corpus_word_count=self.corpus_word_count),
            )
        return self._frozen

    def export_phrases(self) -> dict[str, float]:
        """Every phrase (words joined by the delimiter) and its score, best first."""
        return self.freeze().export_phrases()

    @property
    def phrasegrams(self) -> dict[str, float]:
        """Same as :meth:`export_phrases` (gensim's ``FrozenPhrases.phrasegrams``)."""
        return self.export_phrases()

    def transform(self, sentences: Iterable[list[str]]) -> Iterator[list[str]]:
        """See :meth:`FrozenPhrases.transform`."""
        return self.freeze().transform(sentences)

    def __getitem__(self, sentence: Any) -> Any:
        return self.freeze()[sentence]

    def transform_file(self, source: PathType, output: PathType) -> None:
        """See :meth:`FrozenPhrases.transform_file`."""
        self.freeze().transform_file(source, output)

    # ------------------------------------------------------------------ files

    def save(self, path: PathType) -> None:
        """Write the counts and parameters to ``path`` (NumPy .npz, atomically)."""
        meta = dict(
            self.params,
            corpus_word_count=self.corpus_word_count,
            prunes=self.prunes,
            min_reduce=self.min_reduce,
        )
        save_arrays(
            path,
            "Phrases",
            meta,
            self.words,
            a=self.bigram_a,
            b=self.bigram_b,
            bigram_counts=self.bigram_counts,
            word_counts=self.word_counts,
        )

    @classmethod
    def load(cls, path: PathType) -> Phrases:
        """Read a model written by :meth:`save`."""
        meta, words, arrays = load_arrays(path, "Phrases")
        model = cls(**{k: meta[k] for k in _PARAM_NAMES})
        model.words = words
        model.word_counts = arrays["word_counts"]
        model.bigram_a, model.bigram_b = arrays["a"], arrays["b"]
        model.bigram_counts = arrays["bigram_counts"]
        model.corpus_word_count = int(meta["corpus_word_count"])
        model.prunes, model.min_reduce = int(meta["prunes"]), int(meta["min_reduce"])
        check_ids(
            path, model.bigram_a, model.bigram_b, len(words), model.bigram_counts, model.word_counts
        )
        return model

    def __repr__(self) -> str:
        return (
            f"Phrases(words={len(self.words)}, bigrams={len(self.bigram_a)}, "
            f"corpus_word_count={self.corpus_word_count}, min_count={self.min_count}, "
            f"threshold={self.threshold}, scoring={self.scoring!r})"
        )


_PARAM_NAMES = (
    "min_count",
    "threshold",
    "scoring",
    "delimiter",
    "max_vocab_size",
    "max_sentence_length",
)


def _count_token_lists(counter: Any, sentences: Iterable[list[str]]) -> list[str]:
    """Feed token lists to ``counter`` as id chunks; return the words in id order."""
    if _is_path(sentences) or not isinstance(sentences, Iterable):
        raise TypeError(
            "sentences must be a path or an iterable of token lists, "
            f"got {type(sentences).__name__}"
        )
    index: dict[str, int] = {}
    ids: list[int] = []
    ends: list[int] = []

    def flush() -> None:
        counter.feed_ids(np.array(ids, np.int32), np.array(ends, np.int64))
        ids.clear()
        ends.clear()

    for sentence in sentences:
        if isinstance(sentence, (str, bytes)):
            raise TypeError(
                f"each sentence must be a list of tokens, got a {type(sentence).__name__}: "
                f"{sentence[:40]!r}; split it first"
            )
        for word in sentence:
            if not isinstance(word, str):
                raise TypeError(f"tokens must be str, got {type(word).__name__} {word!r}")
            ids.append(index.setdefault(word, len(index)))
        ends.append(len(ids))
        if len(ids) >= _BATCH_WORDS:
            flush()
    if ends:
        flush()
    return list(index)


class FrozenPhrases:
    """The phrases of a :class:`Phrases` model and nothing else: small, fast to apply.

    Made by :meth:`Phrases.freeze` (or :meth:`load`).

    Attributes
    ----------
    words : list of str
        The words that appear in a phrase.
    a, b : numpy.ndarray
        int32 ids (into ``words``) of each phrase's two words, best score first.
    scores : numpy.ndarray
        float64 score of each phrase.
    counts : numpy.ndarray
        int64 count of each phrase in the corpus counted.
    params : dict
        The parameters of the model it came from, and its ``corpus_word_count``.
    """

    def __init__(
        self,
        words: list[str],
        a: np.ndarray,
        b: np.ndarray,
        scores: np.ndarray,
        counts: np.ndarray,
        params: dict[str, Any],
    ) -> None:
        self.words = words
        self.a, self.b = a, b
        self.scores, self.counts = scores, counts
        self.params = params
        self.delimiter: str = params["delimiter"]
        self._pairs = {(words[i], words[j]) for i, j in zip(a.tolist(), b.tolist())}

    def __len__(self) -> int:
        return len(self.a)

    def export_phrases(self) -> dict[str, float]:
        """Every phrase (words joined by the delimiter) and its score, best first."""
        w, d = self.words, self.delimiter
        return {
            w[i] + d + w[j]: s
            for i, j, s in zip(self.a.tolist(), self.b.tolist(), self.scores.tolist())
        }

    @property
    def phrasegrams(self) -> dict[str, float]:
        """Same as :meth:`export_phrases` (gensim's name)."""
        return self.export_phrases()

    def save_phrases(self, path: PathType) -> None:
        """Write the phrases as TSV (``phrase<TAB>score<TAB>count``, best first), atomically."""
        w, d = self.words, self.delimiter
        with atomic_write(path, "w", encoding="utf-8", newline="\n") as fh:
            for i, j, s, c in zip(
                self.a.tolist(), self.b.tolist(), self.scores.tolist(), self.counts.tolist()
            ):
                fh.write(f"{w[i]}{d}{w[j]}\t{s!r}\t{c}\n")

    def join(self, sentence: list[str]) -> list[str]:
        """``sentence`` with its phrases joined, left to right (a word joins one phrase)."""
        pairs, d = self._pairs, self.delimiter
        out: list[str] = []
        i, n = 0, len(sentence)
        while i < n:
            word = sentence[i]
            if i + 1 < n and (word, sentence[i + 1]) in pairs:
                out.append(word + d + sentence[i + 1])
                i += 2
            else:
                out.append(word)
                i += 1
        return out

    def transform(self, sentences: Iterable[list[str]]) -> Iterator[list[str]]:
        """Yield each sentence (a list of str) with its phrases joined."""
        for sentence in sentences:
            if isinstance(sentence, (str, bytes)):
                raise TypeError(
                    f"each sentence must be a list of tokens, got a {type(sentence).__name__}"
                )
            yield self.join(list(sentence))

    def __getitem__(self, sentence: Any) -> Any:
        """One sentence (list of str) joined; or, for an iterable of them, :meth:`transform`."""
        if isinstance(sentence, list) and all(isinstance(w, str) for w in sentence):
            return self.join(sentence)
        return self.transform(sentence)

    def transform_file(self, source: PathType, output: PathType) -> None:
        """Write ``source`` (a text file or directory, plain or compressed) to ``output``
        with its phrases joined: one sentence per line, words separated by one space.

        ``output`` is written atomically and must not be an input file (checked first).
        """
        from fastw2v import _phrases

        corpus = PathCorpus(source, self.params["max_sentence_length"])
        check_output_path(corpus.files, output)
        joiner = _phrases.Joiner(
            [w.encode("utf-8", "surrogatepass") for w in self.words],
            self.a,
            self.b,
            self.delimiter.encode("utf-8"),
            self.params["max_sentence_length"],
        )
        with atomic_write(output, "wb") as fh:
            for block, file_end in corpus.utf8_blocks():
                fh.write(
                    joiner.feed_text(block, _phrases.FILE_END if file_end else _phrases.BLOCK_END)
                )

    def save(self, path: PathType) -> None:
        """Write the phrases to ``path`` (NumPy .npz, atomically)."""
        save_arrays(
            path,
            "FrozenPhrases",
            self.params,
            self.words,
            a=self.a,
            b=self.b,
            scores=self.scores,
            counts=self.counts,
        )

    @classmethod
    def load(cls, path: PathType) -> FrozenPhrases:
        """Read phrases written by :meth:`save`."""
        meta, words, arrays = load_arrays(path, "FrozenPhrases")
        check_ids(path, arrays["a"], arrays["b"], len(words), arrays["counts"])
        if len(arrays["scores"]) != len(arrays["a"]):
            raise ValueError(f"{os.fsdecode(path)}: corrupt phrases file (array lengths differ)")
        return cls(words, arrays["a"], arrays["b"], arrays["scores"], arrays["counts"], meta)

    def __repr__(self) -> str:
        return f"FrozenPhrases(phrases={len(self)}, delimiter={self.delimiter!r})"
