"""Trained word vectors: look-ups, nearest-neighbour queries, file formats, embedding export.

:class:`KeyedVectors` works on any vocabulary plus a float32 matrix, whether it comes from
the trainer (``model.wv``), from a word2vec text/binary file or from the native
``.npy`` + vocabulary directory written by :meth:`KeyedVectors.save`.

Similarity queries run on a unit-normalised copy of the matrix that is computed once
and cached; a query is one matrix-vector product plus :func:`numpy.argpartition`, and a
batch of queries is one matrix product per block of rows.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from numbers import Real
from pathlib import Path
from typing import Any, Literal, Union, overload

import numpy as np

from fastw2v import _vecio, formats
from fastw2v._atomic import atomic_write

PathLike = Union[str, "os.PathLike[str]"]
# A query term: a word, a raw vector, or either with an explicit weight.
Term = Union[str, np.ndarray, tuple[Union[str, np.ndarray], float]]

_NATIVE_VECTORS = "vectors.npy"
_NATIVE_VOCAB = "vocab.tsv"
# Scores for one block of batched queries are held as a (block, vocabulary) float32
# matrix; 2**24 entries (64 MiB) keeps that bounded whatever the vocabulary size.
_BLOCK_ENTRIES = 1 << 24


class KeyedVectors:
    """A vocabulary and its word vectors, with the queries users run on them.

    Parameters
    ----------
    words : sequence of str
        The vocabulary, most frequent word first (the trainer's order). Words must be
        unique.
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
        Row of each word.
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
        # One C-speed pass for the usual case (millions of words read from a file); the
        # loop below only runs to name the offending word.
        try:
            key_to_index: dict[str, int] = _vecio.index_of_words(words)  # sized once
        except TypeError:  # an unhashable "word"
            key_to_index = {}
        if len(key_to_index) != len(words) or not set(map(type, words)) <= {str}:
            key_to_index = {}
            for i, word in enumerate(words):
                if not isinstance(word, str):
                    raise TypeError(f"words must be str, got {type(word).__name__} at position {i}")
                if word in key_to_index:
                    raise ValueError(
                        f"duplicate word {word!r} at positions {key_to_index[word]} and {i}"
                    )
                key_to_index[word] = i
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(words),):
                raise ValueError(f"counts must have shape ({len(words)},), got {counts.shape}")
        self.words: list[str] = words
        self.key_to_index: dict[str, int] = key_to_index
        self.vectors: np.ndarray = vectors
        self.counts: np.ndarray | None = counts
        self._normed: np.ndarray | None = None

    # ------------------------------------------------------------------ look-ups

    @property
    def index_to_key(self) -> list[str]:
        """The vocabulary in row order (gensim's name for :attr:`words`)."""
        return self.words

    @property
    def vector_size(self) -> int:
        """Dimension of the vectors."""
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words, dim {self.vector_size})"

    def index_of(self, word: str) -> int:
        """Row of ``word`` in :attr:`vectors`.

        Raises
        ------
        KeyError
            If the word is not in the vocabulary; the message names it.
        """
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"word {word!r} not in vocabulary ({len(self)} words)") from None

    @overload
    def __getitem__(self, key: str) -> np.ndarray: ...
    @overload
    def __getitem__(self, key: Sequence[str]) -> np.ndarray: ...

    def __getitem__(self, key: str | Sequence[str]) -> np.ndarray:
        """Vector of a word (a view of its row), or a ``(len(key), dim)`` array for a list."""
        if isinstance(key, str):
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

    # ------------------------------------------------------------------ queries

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
                if isinstance(term, str):
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
        block = max(1, _BLOCK_ENTRIES // max(limit, 1))
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
        return [(self.words[row], float(scores[row])) for row in best]

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
        positive = [positive] if isinstance(positive, str) else list(positive or [])
        negative = [negative] if isinstance(negative, str) else list(negative or [])
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        pos_rows = [self.index_of(word) for word in positive]
        neg_rows = [self.index_of(word) for word in negative]
        normed = self.get_normed_vectors()[: self._restrict(restrict_vocab)]
        scores = cosmul_scores(normed, self.get_normed_vectors(), [pos_rows], [neg_rows])[0]
        if topn is None:
            return scores
        return self._ranked(scores, topn, pos_rows + neg_rows)

    # ------------------------------------------------------------------ evaluation

    def evaluate_word_analogies(self, path: PathLike, **kwargs: Any) -> Any:
        """Analogy accuracy; see :func:`fastw2v.evaluate.evaluate_word_analogies`."""
        from fastw2v.evaluate import evaluate_word_analogies

        return evaluate_word_analogies(self, path, **kwargs)

    def evaluate_word_pairs(self, path: PathLike, **kwargs: Any) -> Any:
        """Word-pair similarity correlation; see :func:`fastw2v.evaluate.evaluate_word_pairs`."""
        from fastw2v.evaluate import evaluate_word_pairs

        return evaluate_word_pairs(self, path, **kwargs)

    # ------------------------------------------------------------------ word2vec formats

    def save_word2vec_format(
        self, path: PathLike, binary: bool = False, limit: int | None = None
    ) -> None:
        """Write the word2vec text or binary format (as word2vec.c writes it), atomically.

        Text: a ``"V D"`` header line, then ``word v1 ... vD`` per line (9 significant
        digits, enough to read back the same float32). Binary: the same header, then per
        word its UTF-8 bytes, a space, D little-endian float32 and a newline.

        Parameters
        ----------
        path : path-like
            Destination; replaced only once the whole file is written.
        binary : bool
            Binary instead of text.
        limit : int, optional
            Write only the first ``limit`` (most frequent) words.

        Raises
        ------
        ValueError
            If a word is empty or contains whitespace, which neither format can hold.
        """
        count = len(self) if limit is None else max(0, min(int(limit), len(self)))
        formats.write_word2vec(path, self.words[:count], self.vectors[:count], binary)

    @classmethod
    def load_word2vec_format(
        cls,
        path: PathLike,
        binary: bool | None = None,
        limit: int | None = None,
        unicode_errors: str = "strict",
        no_header: bool | None = None,
    ) -> KeyedVectors:
        """Read a word2vec text or binary file (ours, word2vec.c's, gensim's, GloVe's...).

        Plain files and gzip, bz2 or xz compressed ones (``.bin.gz``, ``.txt.gz``: detected
        from the content) are read by C code, in blocks, straight into the matrix.

        Parameters
        ----------
        path : path-like
            The file.
        binary : bool, optional
            Force binary or text; by default the format is detected from the first record.
        limit : int, optional
            Read only the first ``limit`` vectors.
        unicode_errors : str
            How to handle invalid UTF-8 in words (``"strict"``, ``"replace"``, ``"ignore"``).
            Binary files cut from larger ones sometimes hold a truncated character.
        no_header : bool, optional
            True for a text file without the ``"V D"`` header line (GloVe's format: the
            lines are counted first); by default such a file is recognised when its first
            line is a word and two or more numbers rather than a header.

        Raises
        ------
        ValueError
            For a malformed, truncated or inconsistent file: the message names the file,
            the line (text) or vector number (binary) and what was expected there.
        """
        words, vectors = formats.read_word2vec(path, binary, limit, unicode_errors, no_header)
        return cls(words, vectors)

    # ------------------------------------------------------------------ native format

    def save(self, path: PathLike) -> None:
        """Write the native format: a directory holding ``vectors.npy`` and ``vocab.tsv``.

        ``vocab.tsv`` has one ``word<TAB>count`` line per row (just ``word`` when counts
        are unknown). Each file is written atomically; :meth:`load` checks that the two
        agree, so an interrupted re-save is detected rather than silently mixed.

        Raises
        ------
        ValueError
            If a word holds a tab, newline or carriage return.
        """
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        for word in self.words:
            if "\t" in word or "\n" in word or "\r" in word:
                raise ValueError(
                    f"cannot save word {word!r}: tabs and line breaks are not allowed in words"
                )
        with atomic_write(directory / _NATIVE_VECTORS, "wb") as fh:
            np.save(fh, self.vectors, allow_pickle=False)
        with atomic_write(directory / _NATIVE_VOCAB, "w", encoding="utf-8", newline="\n") as fh:
            if self.counts is None:
                fh.writelines(f"{word}\n" for word in self.words)
            else:
                fh.writelines(f"{w}\t{c}\n" for w, c in zip(self.words, self.counts.tolist()))

    @classmethod
    def load(cls, path: PathLike, mmap: bool = True) -> KeyedVectors:
        """Load the native format written by :meth:`save`.

        Parameters
        ----------
        path : path-like
            The directory.
        mmap : bool
            Memory-map the matrix read-only (fast, shared between processes) instead of
            reading it into memory. Memory-mapped vectors cannot be trained further. A
            mapped file must not be truncated or rewritten in place while in use (saves
            by fastw2v replace files atomically, which is safe): that would end the
            process with SIGBUS, announced by a one-line message naming the file. Pass
            ``mmap=False`` for a private copy that no other process can change.

        Raises
        ------
        ValueError
            If the files are malformed or disagree, or the matrix holds NaN or infinity
            (the message names the file, the row and its word).
        """
        directory = Path(path)
        if not (directory / _NATIVE_VECTORS).is_file() or not (directory / _NATIVE_VOCAB).is_file():
            raise FileNotFoundError(
                f"{directory}: not a fastw2v vectors directory "
                f"(expected {_NATIVE_VECTORS} and {_NATIVE_VOCAB})"
            )
        vectors_path = directory / _NATIVE_VECTORS
        vectors = formats.load_npy(vectors_path, mmap)
        vocab_path = directory / _NATIVE_VOCAB
        words, counts = formats.read_native_vocab(vocab_path)
        if vectors.ndim != 2 or vectors.shape[0] != len(words) or vectors.dtype != np.float32:
            raise ValueError(
                f"{directory}: {_NATIVE_VECTORS} holds {vectors.dtype} {vectors.shape} "
                f"but {_NATIVE_VOCAB} "
                f"lists {len(words)} words; expected float32 ({len(words)}, dim)"
            )
        formats.check_native_finite(vectors, words, vectors_path)
        try:
            return cls(words, vectors, counts)
        except ValueError as exc:
            raise ValueError(f"{vocab_path}: {exc}") from None

    # ------------------------------------------------------------------ embedding export

    def embedding_matrix(
        self,
        words: Sequence[str] | None = None,
        unknown: Literal["zeros", "random"] = "zeros",
        seed: int = 0,
    ) -> np.ndarray:
        """Weights for an embedding layer; row 0 is reserved for padding (all zeros).

        Row ``i + 1`` holds the vector of ``words[i]`` (of :attr:`words` when ``words`` is
        None), so the matrix has shape ``(len(words) + 1, dim)`` and pairs with the ids of
        :meth:`texts_to_ids` called with the same ``words``.

        Parameters
        ----------
        words : sequence of str, optional
            The network's own vocabulary. Words without a vector get zeros or random rows.
        unknown : {"zeros", "random"}
            Rows for words without a vector: zeros, or normal noise with the standard
            deviation of the known vectors (so they start at a comparable scale).
        seed : int
            Seed for the random rows.

        Returns
        -------
        numpy.ndarray
            float32 ``(len(words) + 1, dim)``; a new array, safe to hand to a framework.
        """
        if unknown not in ("zeros", "random"):
            raise ValueError(f"unknown must be 'zeros' or 'random', got {unknown!r}")
        if words is None:
            matrix = np.zeros((len(self) + 1, self.vector_size), dtype=np.float32)
            matrix[1:] = self.vectors
            return matrix
        words = list(words)
        matrix = np.zeros((len(words) + 1, self.vector_size), dtype=np.float32)
        rows = np.array([self.key_to_index.get(word, -1) for word in words], dtype=np.int64)
        known = rows >= 0
        matrix[1:][known] = self.vectors[rows[known]]
        if unknown == "random" and not known.all():
            scale = float(self.vectors.std()) if len(self) else 1.0
            noise = np.random.default_rng(seed).normal(
                0.0, scale, size=(int((~known).sum()), self.vector_size)
            )
            matrix[1:][~known] = noise.astype(np.float32)
        return matrix

    def texts_to_ids(
        self,
        texts: Iterable[Sequence[str]],
        words: Sequence[str] | None = None,
        maxlen: int | None = None,
        padding: Literal["post", "pre"] = "post",
        truncating: Literal["post", "pre"] = "post",
        oov: Literal["drop", "pad"] = "drop",
    ) -> np.ndarray:
        """Turn token lists into a padded ``(len(texts), maxlen)`` int64 id array.

        Ids index the matrix from :meth:`embedding_matrix` called with the same ``words``:
        id 0 is padding, id ``i + 1`` is ``words[i]``. Feed the array to an embedding layer
        initialised with that matrix.

        Parameters
        ----------
        texts : iterable of sequences of str
            Tokenised texts.
        words : sequence of str, optional
            The vocabulary behind the ids; :attr:`words` by default.
        maxlen : int, optional
            Row length; the longest text by default.
        padding, truncating : {"post", "pre"}
            Pad, or cut, at the end (``"post"``) or the start (``"pre"``) of each text.
        oov : {"drop", "pad"}
            Tokens outside ``words`` are dropped, or kept as padding id 0 (a zero vector)
            so positions are preserved.
        """
        if padding not in ("post", "pre") or truncating not in ("post", "pre"):
            raise ValueError("padding and truncating must be 'post' or 'pre'")
        if oov not in ("drop", "pad"):
            raise ValueError(f"oov must be 'drop' or 'pad', got {oov!r}")
        if words is None:
            ids_of = {word: i + 1 for word, i in self.key_to_index.items()}
        else:
            ids_of = {}
            for i, word in enumerate(words):
                ids_of.setdefault(word, i + 1)
        sequences: list[list[int]] = []
        for text in texts:
            if isinstance(text, str):
                raise TypeError("texts must be token lists, not strings (split them first)")
            if oov == "drop":
                sequences.append([ids_of[t] for t in text if t in ids_of])
            else:
                sequences.append([ids_of.get(t, 0) for t in text])
        width = max((len(s) for s in sequences), default=0) if maxlen is None else int(maxlen)
        if width < 0:
            raise ValueError(f"maxlen must be >= 0, got {maxlen}")
        out = np.zeros((len(sequences), width), dtype=np.int64)
        for i, seq in enumerate(sequences):
            if len(seq) > width:
                seq = seq[:width] if truncating == "post" else seq[len(seq) - width :]
            if not seq:
                continue
            if padding == "post":
                out[i, : len(seq)] = seq
            else:
                out[i, width - len(seq) :] = seq
        return out


# ---------------------------------------------------------------------- helpers


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


def _as_term_list(terms: Term | Sequence[Term] | None) -> list[Term]:
    if terms is None:
        return []
    if isinstance(terms, (str, np.ndarray)):
        return [terms]
    if isinstance(terms, tuple) and len(terms) == 2 and isinstance(terms[1], Real):
        return [terms]
    return list(terms)


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


def add_query_parsers(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``similar`` and ``analogy`` on the CLI's subparsers."""
    p = subparsers.add_parser("similar", help="nearest neighbours of words")
    p.add_argument("vectors", help="vectors: word2vec text/binary file or fastw2v directory")
    p.add_argument("words", nargs="+", help="query words")
    p.add_argument("-n", "--topn", type=int, default=10, help="neighbours per word (default 10)")
    p.add_argument(
        "--limit", type=int, default=None, help="load only the most frequent LIMIT words"
    )
    p.set_defaults(func=main_similar)
    p = subparsers.add_parser("analogy", help="a is to b as c is to ?")
    p.add_argument("vectors", help="vectors: word2vec text/binary file or fastw2v directory")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("c")
    p.add_argument("-n", "--topn", type=int, default=10, help="answers to show (default 10)")
    p.add_argument(
        "--limit", type=int, default=None, help="load only the most frequent LIMIT words"
    )
    p.add_argument("--cosmul", action="store_true", help="use 3CosMul instead of 3CosAdd")
    p.set_defaults(func=main_analogy)
