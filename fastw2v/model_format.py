"""The ``Word2Vec.save`` file: a NumPy ``.npz`` archive without pickled objects.

Arrays: ``meta`` (UTF-8 JSON: format, version, parameters, epochs trained, the state of an
interrupted ``train`` call; ``int_keys: true`` for a model of integer ids), ``words_utf8``
and ``word_lengths`` (the words, concatenated), ``counts``, one array per weight matrix
(``w_in``, ``w_out_ns``, ``w_out_hs``, ``w_out_sm``; only those the model has), and
``lockf`` (the input rows' lock factors) when the model has them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from fastw2v._atomic import atomic_write
from fastw2v.intkeys import IntKeyVocab
from fastw2v.layers import OUTPUT_MATRICES
from fastw2v.vocab import Vocab
from fastw2v.weights import Weights

T = TypeVar("T")

#: Version of the ``Word2Vec.save`` file layout.
MODEL_FORMAT_VERSION = 1


@dataclass
class SavedModel:
    """The contents of a model file, read but not yet checked against each other."""

    meta: dict[str, Any]
    words: list[str]
    counts: np.ndarray
    weights: Weights


def write(
    path: str | os.PathLike[str], meta: dict[str, Any], vocab: Vocab, weights: Weights
) -> None:
    """Write a model file atomically; ``meta`` gets the format name and version added."""
    # surrogateescape: vocabularies read from word2vec.c files may hold undecodable bytes
    words_utf8 = [w.encode("utf-8", "surrogateescape") for w in vocab.words]
    lengths = np.fromiter((len(b) for b in words_utf8), dtype=np.int64, count=len(words_utf8))
    meta = {"format": "fastw2v-model", "version": MODEL_FORMAT_VERSION, **meta}
    if isinstance(vocab, IntKeyVocab):  # only then: a text model's file is unchanged
        meta["int_keys"] = True  # the words are ids, as decimals
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "words_utf8": np.frombuffer(b"".join(words_utf8), dtype=np.uint8),
        "word_lengths": lengths,
        "counts": vocab.counts,
    }
    arrays.update(weights.matrices())
    if weights.lockf is not None:
        arrays["lockf"] = weights.lockf
    with atomic_write(path, "wb") as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]  # (stubs: a key could be allow_pickle)


def load(path: Path, restore: Callable[[SavedModel], T]) -> T:
    """``restore(read(path))``, every failure a ValueError naming the file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a fastw2v model, or is damaged.
    """
    if not path.exists():
        raise FileNotFoundError(f"model file not found: {path}")
    try:
        return restore(read(path))
    except ValueError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{path}: cannot load model: {exc}") from exc
    except Exception as exc:
        # A damaged archive makes np.load raise whatever zipfile, zlib or numpy's header
        # parser meets first (BadZipFile, EOFError, NotImplementedError, SyntaxError...).
        reason = f"{type(exc).__name__}: {exc}"
        raise ValueError(f"{path}: not a readable fastw2v model ({reason})") from exc


#: Largest ``meta`` member (JSON parameters and training state: a few KiB in practice).
MAX_META_BYTES = 64 << 20

#: A compressed member inflating more than this many times (and past MAX_META_BYTES) is
#: refused: float32 weights compress by a few percent, a zip bomb by a factor of 1000.
MAX_INFLATION = 100


def check_members(path: Path) -> None:
    """Refuse, from the archive's directory and before reading any member, one whose
    uncompressed size is implausible or would not fit in memory."""
    import zipfile

    from fastw2v.memory import available_memory

    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if info.filename == "meta.npy" and size > MAX_META_BYTES:
            raise ValueError(f"its parameters (meta) take {size:,} bytes: damaged")
        if size > MAX_META_BYTES and size > MAX_INFLATION * packed:
            raise ValueError(
                f"member {info.filename} would inflate from {packed:,} to {size:,} bytes: "
                "damaged or not a model"
            )
    free = available_memory()
    if free is not None and total > free:
        raise ValueError(f"it inflates to {total:,} bytes, more than the {free:,} available")


def read(path: Path) -> SavedModel:
    """Read a model file; raises ValueError (or whatever a damaged archive raises)."""
    check_members(path)
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        if not isinstance(meta, dict) or meta.get("format") != "fastw2v-model":
            raise ValueError("not a fastw2v model")
        version = meta.get("version")
        if not isinstance(version, int) or version > MODEL_FORMAT_VERSION:
            raise ValueError(f"written by a newer fastw2v (format {version!r})")
        words = _words(np.asarray(z["word_lengths"]), bytes(z["words_utf8"]))
        counts = np.array(z["counts"], dtype=np.int64)
        arrays = {
            name: np.ascontiguousarray(z[name], dtype=np.float32) if name in z else None
            for name in ("w_in", *OUTPUT_MATRICES, "lockf")
        }
    return SavedModel(meta, words, counts, Weights.from_arrays(arrays))


def _words(lengths: np.ndarray, blob: bytes) -> list[str]:
    if lengths.ndim != 1 or lengths.dtype.kind not in "iu" or np.any(lengths < 0):
        raise ValueError("word lengths are damaged")
    if int(lengths.sum()) != len(blob):
        raise ValueError("word lengths do not match the stored words")
    ends = np.cumsum(lengths)
    return [
        blob[s:e].decode("utf-8", "surrogateescape")
        for s, e in zip((ends - lengths).tolist(), ends.tolist())
    ]
