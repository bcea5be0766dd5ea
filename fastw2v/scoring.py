"""Intrinsic evaluation of word vectors: analogies and word-pair similarity (the scoring;
:mod:`fastw2v.evaluate` is the ``fastw2v eval`` command and re-exports these names).

Both follow gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs`` (and hence
word2vec.c's ``compute-accuracy``) rule for rule, so numbers are comparable with
published ones: words are upper-cased when ``case_insensitive`` (the first, most
frequent, spelling of a word wins), only the ``restrict_vocab`` most frequent words are
considered, and questions touching other words are skipped and counted.
Analogy questions of a section are answered together, one matrix product per block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np

from fastw2v import similarity
from fastw2v.similarity import cosmul_scores

if TYPE_CHECKING:
    from fastw2v.vectors import KeyedVectors

PathLike = Union[str, "os.PathLike[str]"]
Method = Literal["3cosadd", "3cosmul"]

# gensim looks at the 5 best candidates and takes the first not spelt like a question
# word; matching that rule matters when two spellings of a word share one upper case.
_CANDIDATES = 5


@dataclass(frozen=True)
class SectionScore:
    """Analogy results of one ``: section`` of the test file.

    Attributes
    ----------
    name : str
        Section title.
    correct : int
        Questions answered correctly.
    total : int
        Questions answered (all four words in the restricted vocabulary).
    skipped : int
        Questions skipped because a word is outside the restricted vocabulary.
    """

    name: str
    correct: int
    total: int
    skipped: int

    @property
    def accuracy(self) -> float:
        """``correct / total``, 0.0 when no question was answered."""
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class AnalogyResult:
    """Analogy accuracy per section and overall.

    Attributes
    ----------
    path : str
        The test file.
    method : str
        ``"3cosadd"`` or ``"3cosmul"``.
    restrict_vocab : int
        Number of most frequent words searched and allowed in questions.
    sections : tuple of SectionScore
        In file order.
    invalid_lines : int
        Lines that are neither a section header nor four words (ignored, as gensim does).
    """

    path: str
    method: str
    restrict_vocab: int
    sections: tuple[SectionScore, ...]
    invalid_lines: int = 0

    @property
    def correct(self) -> int:
        """Correct answers over all sections."""
        return sum(s.correct for s in self.sections)

    @property
    def total(self) -> int:
        """Answered questions over all sections."""
        return sum(s.total for s in self.sections)

    @property
    def skipped(self) -> int:
        """Questions skipped for out-of-vocabulary words."""
        return sum(s.skipped for s in self.sections)

    @property
    def accuracy(self) -> float:
        """Total accuracy on the answered questions (gensim's returned score)."""
        return self.correct / self.total if self.total else 0.0

    @property
    def oov_ratio(self) -> float:
        """Fraction of questions skipped."""
        asked = self.total + self.skipped
        return self.skipped / asked if asked else 0.0

    def table(self, sections: bool = True) -> str:
        """Readable table: one row per section (optional) and the total."""
        width = (
            max([len(s.name) for s in self.sections] + [len("total")]) if sections else len("total")
        )
        lines = [
            f"{Path(self.path).name}: analogies, {self.method}, "
            f"{self.restrict_vocab} most frequent words"
        ]
        lines.append(
            f"  {'section':<{width}}  {'accuracy':>8}  {'correct':>7}  {'total':>6}  {'skipped':>7}"
        )
        rows = list(self.sections) if sections else []
        rows.append(SectionScore("total", self.correct, self.total, self.skipped))
        for row in rows:
            lines.append(
                f"  {row.name:<{width}}  {100 * row.accuracy:7.2f}%  "
                f"{row.correct:>7}  {row.total:>6}  {row.skipped:>7}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class WordPairsResult:
    """Agreement of the vectors' cosine similarities with human similarity scores.

    Attributes
    ----------
    path : str
        The test file.
    pearson, pearson_pvalue : float
        Pearson correlation coefficient and its two-sided p-value.
    spearman, spearman_pvalue : float
        Spearman rank correlation and its two-sided p-value.
    pairs : int
        Pairs scored (both words in the restricted vocabulary).
    oov : int
        Pairs skipped for an out-of-vocabulary word.
    invalid_lines : int
        Non-comment lines that are not ``word word score``.
    """

    path: str
    pearson: float
    pearson_pvalue: float
    spearman: float
    spearman_pvalue: float
    pairs: int
    oov: int
    invalid_lines: int = 0

    @property
    def oov_ratio(self) -> float:
        """Fraction of pairs skipped (gensim reports ``100 *`` this)."""
        return self.oov / (self.pairs + self.oov) if self.pairs + self.oov else 0.0

    def table(self) -> str:
        """Readable one-row table."""
        return "\n".join(
            [
                f"{Path(self.path).name}: word-pair similarity",
                f"  {'spearman':>8}  {'pearson':>8}  {'pairs':>6}  {'oov':>6}",
                f"  {self.spearman:8.4f}  {self.pearson:8.4f}  "
                f"{self.pairs:>6}  {100 * self.oov_ratio:5.1f}%",
            ]
        )


def _ok_vocab(wv: KeyedVectors, limit: int, case_insensitive: bool) -> dict[str, int]:
    """Lookup key -> row over the first ``limit`` words; the most frequent spelling wins."""
    ok: dict[str, int] = {}
    for row, word in enumerate(wv.words[:limit]):
        ok.setdefault(word.upper() if case_insensitive else word, row)
    return ok


def read_analogies(
    path: PathLike, case_insensitive: bool = True
) -> tuple[list[tuple[str, list[tuple[str, ...]]]], int]:
    """Parse a ``questions-words.txt`` style file.

    Returns
    -------
    sections : list of (name, questions)
        Questions are 4-tuples of words (upper-cased when ``case_insensitive``).
    invalid : int
        Lines that are not four words (skipped).

    Raises
    ------
    ValueError
        If a question comes before any ``: section`` line.
    """
    sections: list[tuple[str, list[tuple[str, ...]]]] = []
    invalid = 0
    for line_no, line in _text_lines(path):
        if line.startswith(": "):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        if not sections:
            if not line.strip():
                continue
            raise ValueError(
                f"{path}, line {line_no}: expected a ': section' header before the first question"
            )
        fields = line.split()
        if len(fields) != 4:
            invalid += 1
            continue
        sections[-1][1].append(
            tuple(w.upper() for w in fields) if case_insensitive else tuple(fields)
        )
    return sections, invalid


def evaluate_word_analogies(
    wv: KeyedVectors,
    path: PathLike,
    restrict_vocab: int = 30000,
    case_insensitive: bool = True,
    method: Method = "3cosadd",
) -> AnalogyResult:
    """Accuracy on analogy questions ``a b c d`` ("a is to b as c is to d").

    The prediction is the word ``x`` among the ``restrict_vocab`` most frequent, other
    than ``a``, ``b`` and ``c``, maximising ``cos(x, b - a + c)`` on unit vectors
    (3CosAdd) or ``s(x, b) s(x, c) / (s(x, a) + 1e-6)`` with ``s = (1 + cos) / 2``
    (3CosMul). The numbers equal gensim's ``evaluate_word_analogies(path,
    restrict_vocab, case_insensitive)`` for 3CosAdd.

    Parameters
    ----------
    wv : KeyedVectors
        Vectors in frequency order.
    path : path-like
        Questions file: ``: section`` lines and ``a b c d`` lines.
    restrict_vocab : int
        Only the first (most frequent) words take part; 30,000 like ``compute-accuracy``.
    case_insensitive : bool
        Compare upper-cased words (as word2vec.c does).
    method : {"3cosadd", "3cosmul"}
        Objective used to answer.

    Returns
    -------
    AnalogyResult
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"method must be '3cosadd' or '3cosmul', got {method!r}")
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be positive, got {restrict_vocab}")
    limit = min(restrict_vocab, len(wv))
    ok = _ok_vocab(wv, limit, case_insensitive)
    key_of = [w.upper() if case_insensitive else w for w in wv.words[:limit]]
    parsed, invalid = read_analogies(path, case_insensitive)
    scores: list[SectionScore] = []
    for name, questions in parsed:
        known = [q for q in questions if all(w in ok for w in q)]
        correct = 0
        if known:
            rows = np.array([[ok[w] for w in q] for q in known], dtype=np.intp)
            candidates = _answer(wv, rows, limit, method)
            for question, best in zip(known, candidates):
                ignore = set(question[:3])
                predicted = None
                for row in best:
                    predicted = key_of[row]
                    if predicted not in ignore:
                        break
                correct += predicted == question[3]
        scores.append(SectionScore(name, correct, len(known), len(questions) - len(known)))
    return AnalogyResult(str(path), method, restrict_vocab, tuple(scores), invalid)


def _answer(wv: KeyedVectors, rows: np.ndarray, limit: int, method: Method) -> list[list[int]]:
    """Best candidate rows (up to 5, best first, question words excluded) per question."""
    normed_all = wv.get_normed_vectors()
    normed = normed_all[:limit]
    block = max(1, similarity.BLOCK_ENTRIES // limit)
    out: list[list[int]] = []
    for start in range(0, len(rows), block):
        part = rows[start : start + block]
        a, b, c = part[:, 0], part[:, 1], part[:, 2]
        if method == "3cosadd":
            query = normed_all[b] - normed_all[a] + normed_all[c]
            norms = np.linalg.norm(query, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            sims = (query / norms) @ normed.T
        else:
            sims = cosmul_scores(normed, normed_all, part[:, 1:3].tolist(), part[:, :1].tolist())
        index = np.arange(len(part))
        for col in (a, b, c):
            sims[index, col] = -np.inf
        k = min(_CANDIDATES, limit)
        best = (
            np.argpartition(sims, limit - k, axis=1)[:, limit - k :]
            if k < limit
            else np.tile(np.arange(limit), (len(part), 1))
        )
        best_scores = np.take_along_axis(sims, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        for cand, cand_scores in zip(best.tolist(), best_scores):
            out.append([r for r, s in zip(cand, cand_scores) if s != -np.inf])
    return out


def evaluate_word_pairs(
    wv: KeyedVectors,
    path: PathLike,
    delimiter: str | None = None,
    restrict_vocab: int = 300000,
    case_insensitive: bool = True,
) -> WordPairsResult:
    """Correlation between cosine similarities and human scores in a word-pair file.

    Lines are ``word1 word2 score``; lines starting with ``#`` are comments. Pairs with a
    word outside the ``restrict_vocab`` most frequent are skipped and counted. Matches
    gensim's ``evaluate_word_pairs``.

    Parameters
    ----------
    wv : KeyedVectors
        Vectors in frequency order.
    path : path-like
        Pairs file (WordSim-353, SimLex-999, MEN...).
    delimiter : str, optional
        Field separator; by default a tab when the line has one, else any whitespace.
    restrict_vocab : int
        Only the first (most frequent) words take part.
    case_insensitive : bool
        Compare upper-cased words.

    Raises
    ------
    ValueError
        If fewer than two pairs can be scored.
    """
    ok = _ok_vocab(wv, min(restrict_vocab, len(wv)), case_insensitive)
    gold: list[float] = []
    pairs: list[tuple[int, int]] = []
    oov = invalid = 0
    for _, line in _text_lines(path):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if delimiter is not None:
            fields = [f.strip() for f in line.split(delimiter)]
        else:
            fields = [f.strip() for f in line.split("\t")] if "\t" in line else line.split()
        try:
            w1, w2, score = fields
            value = float(score)
        except ValueError:
            invalid += 1
            continue
        if not np.isfinite(value):  # a NaN gold score would make both correlations NaN
            invalid += 1
            continue
        if case_insensitive:
            w1, w2 = w1.upper(), w2.upper()
        if w1 not in ok or w2 not in ok:
            oov += 1
            continue
        gold.append(value)
        pairs.append((ok[w1], ok[w2]))
    if len(gold) < 2:
        raise ValueError(
            f"{path}: {len(gold)} scorable word pairs ({oov} out of vocabulary, "
            f"{invalid} malformed); need at least 2"
        )
    normed = wv.get_normed_vectors()
    index = np.array(pairs, dtype=np.intp)
    model = np.einsum("ij,ij->i", normed[index[:, 0]], normed[index[:, 1]])
    stats = _scipy_stats()
    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    return WordPairsResult(
        str(path),
        float(pearson.statistic),
        float(pearson.pvalue),
        float(spearman.statistic),
        float(spearman.pvalue),
        len(gold),
        oov,
        invalid,
    )


def _scipy_stats() -> Any:
    """scipy.stats, imported here alone: only word-pair scoring needs it, so training,
    queries and analogies work on an install where scipy is missing or broken."""
    try:
        from scipy import stats
    except ImportError:
        raise ImportError(
            "scoring word pairs needs scipy (a dependency of fastw2v): pip install scipy"
        ) from None
    return stats


def is_analogy_file(path: PathLike) -> bool:
    """True when the first meaningful line of ``path`` is a ``: section`` header."""
    for _, line in _text_lines(path):
        if line.strip() and not line.lstrip().startswith("#"):
            return line.startswith(": ")
    return False


def _text_lines(path: PathLike) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 test file.

    Raises
    ------
    ValueError
        On invalid UTF-8, naming the file and the line (rather than a bare
        UnicodeDecodeError from somewhere in the file).
    """
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, 1):
            try:
                yield line_no, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path}, line {line_no}: invalid UTF-8 ({exc.reason})") from None


def format_table(results: Sequence[AnalogyResult | WordPairsResult], sections: bool = False) -> str:
    """All results as one text block, a small table per test file."""
    parts = [r.table(sections) if isinstance(r, AnalogyResult) else r.table() for r in results]
    return "\n\n".join(parts)
