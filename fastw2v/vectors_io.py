"""Files and exports of :class:`fastw2v.vectors.KeyedVectors` (mixins): word2vec's text and
binary formats, the native ``.npy`` + vocabulary directory, and embedding-layer weights."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np

from fastw2v import formats
from fastw2v._atomic import atomic_write
from fastw2v.keys import Keys

PathLike = Union[str, "os.PathLike[str]"]

_NATIVE_VECTORS = "vectors.npy"
_NATIVE_VOCAB = "vocab.tsv"

#: A word ``load_word2vec_format(int_keys=True)`` turns into an int key.
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")  # as str(int) writes it: "07" is not 7


class VectorFiles:
    """Save and load: word2vec text/binary (:meth:`save_word2vec_format`,
    :meth:`load_word2vec_format`) and the native directory (:meth:`save`, :meth:`load`)."""

    words: list[str]
    vectors: np.ndarray
    counts: np.ndarray | None
    _keys: Keys

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
        lazy = self._keys.blob(count)  # a file's words, written without making str objects
        encoded = None if lazy is None else formats.writable_blob(*lazy)
        if encoded is not None:
            formats.write_word2vec(path, [], self.vectors[:count], binary, encoded=encoded)
            return
        words = self.words if count == len(self) else self.words[:count]
        if words and not isinstance(words[0], str):
            words = [str(w) for w in words]  # int keys as decimals
        formats.write_word2vec(path, words, self.vectors[:count], binary)

    @classmethod
    def load_word2vec_format(
        cls,
        path: PathLike,
        binary: bool | None = None,
        limit: int | None = None,
        unicode_errors: str = "strict",
        no_header: bool | None = None,
        int_keys: bool = False,
    ) -> Any:
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
        int_keys : bool
            Key the vectors by int, as the model trained on an integer corpus that wrote
            them as decimals (``kv[42]``); every word must then be a decimal integer.

        Raises
        ------
        ValueError
            For a malformed, truncated or inconsistent file: the message names the file,
            the line (text) or vector number (binary) and what was expected there; with
            ``int_keys``, the first word that is not an integer.
        """
        keys, vectors = formats.read_word2vec_keys(path, binary, limit, unicode_errors, no_header)
        kv = cls._from_keys(keys, vectors)
        if not int_keys:
            return kv
        words = kv.index_to_key
        bad = next((i for i, w in enumerate(words) if not _DECIMAL.fullmatch(w)), None)
        if bad is not None:
            raise ValueError(
                f"{os.fspath(path)}: int_keys=True, but word {bad + 1} is not an integer: "
                f"{words[bad]!r}"
            )
        return cls([int(w) for w in words], kv.vectors)

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
        for word in map(str, self.words):
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
    def load(cls, path: PathLike, mmap: bool = True) -> Any:
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
        keys, counts = formats.read_native_keys(vocab_path)
        n = len(keys)
        if vectors.ndim != 2 or vectors.shape[0] != n or vectors.dtype != np.float32:
            raise ValueError(
                f"{directory}: {_NATIVE_VECTORS} holds {vectors.dtype} {vectors.shape} "
                f"but {_NATIVE_VOCAB} lists {n} words; expected float32 ({n}, dim)"
            )
        word_at = keys.__getitem__ if isinstance(keys, list) else keys.key_at
        formats.check_native_finite(vectors, word_at, vectors_path)
        try:
            if isinstance(keys, list):
                return cls(keys, vectors, counts)
            return cls._from_keys(keys, vectors, counts)
        except ValueError as exc:
            raise ValueError(f"{vocab_path}: {exc}") from None


class EmbeddingExport:
    """Weights and id arrays for a neural network's embedding layer."""

    words: list[str]
    vectors: np.ndarray
    key_to_index: dict[str, int]

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
