"""The keys of :class:`fastw2v.vectors.KeyedVectors`: row order and look-up, eager or lazy.

A vocabulary given as a list (the trainer's, a user's) is indexed at once by a dict, as
gensim does. A vocabulary read from a file is kept as the file gave it: the words' UTF-8
bytes in one blob with their offsets, and a hash table over them built in C
(:class:`fastw2v._vecio.KeyTable`, csrc/fw2v_keys.c), which also finds duplicates. For 3M
words that is about 0.1 s and 80 MB instead of about 1 s and 500 MB of str objects and
dict entries: ``kv["word"]``, ``word in kv`` and the queries' answers work on the blob,
and the list (``index_to_key``) and the dict (``key_to_index``) are built on first use.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fastw2v import _vecio

__all__ = ["Keys", "blob_words", "index_words"]


def blob_words(blob: bytes, n: int) -> list[str]:
    """The ``n`` words of a blob (each followed by b'\\n', none holding one) as a list."""
    return blob[:-1].decode("utf-8").split("\n") if n else []


def index_words(words: list[Any], int_keys: bool = False) -> dict[Any, int]:
    """Row of each key: one C-speed pass for the usual case (millions of words read from a
    file); the Python loop runs only to name a key of the wrong type or a repeated one."""
    try:
        index: dict[Any, int] = _vecio.index_of_words(words)  # sized once
    except TypeError:  # an unhashable "word"
        index = {}
    if len(index) == len(words) and set(map(type, words)) <= ({int} if int_keys else {str}):
        return index
    index = {}
    for i, word in enumerate(words):
        if not int_keys and not isinstance(word, str):
            raise TypeError(f"words must be str, got {type(word).__name__} at position {i}")
        if word in index:
            raise ValueError(f"duplicate word {word!r} at positions {index[word]} and {i}")
        index[word] = i
    return index


class Keys:
    """The keys in row order (:attr:`words`), their rows (:attr:`key_to_index`), look-ups.

    Build with :meth:`from_list` (checked and indexed at once), :meth:`from_distinct` (a
    model's vocabulary: the dict made when first asked for) or :meth:`from_blob` (lazy:
    the list and the dict are made when first asked for). Look-ups from several threads
    are safe, as a dict's are, also while one of them makes the list or the dict (two
    threads asking at once may both make it; either result is the same).
    """

    def __init__(
        self,
        words: list[Any] | None,
        index: dict[Any, int] | None,
        blob: bytes | None = None,
        starts: np.ndarray | None = None,
    ) -> None:
        self._words = words
        self._index = index
        self._blob = blob
        self._starts = starts
        self._table: Any = None
        if blob is not None and index is None:
            self._table = _vecio.KeyTable(blob, starts)
        self._n = len(words) if words is not None else len(starts) - 1  # type: ignore[arg-type]

    @classmethod
    def from_list(cls, words: list[Any], int_keys: bool = False) -> Keys:
        """Keys indexed by a dict now; TypeError or ValueError for a bad or repeated key."""
        return cls(words, index_words(words, int_keys))

    @classmethod
    def from_distinct(cls, words: list[Any]) -> Keys:
        """Keys known to be distinct and of one type (a trained model's vocabulary): the
        dict is made at the first look-up, so a model that is only saved never pays for it
        (about 300 MB for 4M words)."""
        return cls(words, None)

    @classmethod
    def from_blob(cls, blob: bytes, starts: np.ndarray) -> Keys | None:
        """Lazy keys over valid UTF-8 words ``blob[starts[i]:starts[i + 1] - 1]`` (no word
        holding b'\\n'), or None when two words are the same (the caller then takes the
        list path, which warns or says which)."""
        keys = cls(None, None, blob, np.ascontiguousarray(starts, dtype=np.int64))
        return None if keys._table.duplicate >= 0 else keys

    def __len__(self) -> int:
        return self._n

    @property
    def lazy(self) -> bool:
        """Whether the list of keys has not been made yet."""
        return self._words is None

    @property
    def words(self) -> list[Any]:
        """The keys in row order (made from the blob at the first call)."""
        if self._words is None:
            self._words = blob_words(self._blob, self._n)  # type: ignore[arg-type]
        return self._words

    @property
    def key_to_index(self) -> dict[Any, int]:
        """Row of each key (made at the first call)."""
        if self._index is None:
            self._index = _vecio.index_of_words(self.words)  # distinct: the table said so
            # The dict answers look-ups now, the list gives the keys: drop the blob's memory.
            self._table = self._blob = self._starts = None
        return self._index

    def find(self, key: Any) -> int:
        """Row of ``key``, or -1; TypeError for an unhashable key, as a dict raises."""
        table = self._table  # read once: another thread may make the dict and drop it
        if table is None:  # a list's keys, or the dict made since (set before the drop)
            return self.key_to_index.get(key, -1)
        if isinstance(key, str):
            return int(table.find(key))
        hash(key)  # a list raises TypeError here as it did in the dict
        return -1

    def key_at(self, row: int) -> Any:
        """The key of one row, without making the whole list."""
        blob, starts = self._blob, self._starts  # read once, as in find
        if blob is None or starts is None:
            return self.words[row]
        if not -self._n <= row < self._n:
            raise IndexError(f"row {row} out of range for {self._n} keys")
        row %= self._n
        return blob[int(starts[row]) : int(starts[row + 1]) - 1].decode("utf-8")

    def blob(self, count: int) -> tuple[bytes, np.ndarray] | None:
        """The first ``count`` words as ``(blob, starts)`` while the keys are lazy, else None."""
        if self._blob is None or self._starts is None:
            return None
        return self._blob, self._starts[: count + 1]

    def __reduce__(self) -> tuple[Any, ...]:
        # The table is rebuilt on loading (it is fast, and not worth a pickle's bytes).
        if self._blob is not None and self._index is None:
            return (_lazy_keys, (self._blob, self._starts, self._words))
        if self._index is None:  # a vocabulary's keys: the dict stays unmade
            return (Keys.from_distinct, (self._words,))
        return (Keys, (self.words, self.key_to_index))


def _lazy_keys(blob: bytes, starts: np.ndarray, words: list[Any] | None) -> Keys:
    return Keys(words, None, blob, starts)
