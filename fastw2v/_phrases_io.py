"""The file format of fastw2v.phrases: a NumPy .npz written atomically, no pickles.

Members: ``header`` (UTF-8 JSON: format name, version, kind "Phrases" or "FrozenPhrases",
the parameters and corpus statistics), ``word_bytes`` and ``word_offsets`` (the words as
one UTF-8 blob, surrogates passed through, and the offset of each), and the model's arrays.
Loading checks the header, the offsets and that every id names a word, and says which file
is wrong.
"""

from __future__ import annotations

import json
import os
from typing import Any, Union

import numpy as np

from fastw2v._atomic import atomic_write

PathType = Union[str, bytes, "os.PathLike[str]"]

_FORMAT = "fastw2v-phrases"
_VERSION = 1


def save_arrays(
    path: PathType, kind: str, meta: dict[str, Any], words: list[str], **arrays: np.ndarray
) -> None:
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(w) for w in encoded], out=offsets[1:])
    header = json.dumps({"format": _FORMAT, "version": _VERSION, "kind": kind, **meta})
    with atomic_write(path, "wb") as fh:
        np.savez(
            fh,
            header=np.frombuffer(header.encode("utf-8"), np.uint8),
            word_bytes=np.frombuffer(b"".join(encoded), np.uint8),
            word_offsets=offsets,
            **arrays,
        )


def load_arrays(
    path: PathType, kind: str
) -> tuple[dict[str, Any], list[str], dict[str, np.ndarray]]:
    name = os.fsdecode(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
        blob = arrays.pop("word_bytes").tobytes()
        offsets = arrays.pop("word_offsets").tolist()
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name} is not a fastw2v phrases file ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise ValueError(f"{name} is not a fastw2v phrases file")
    if meta.get("version") != _VERSION:
        raise ValueError(f"{name}: phrases file version {meta.get('version')} is not supported")
    if meta.get("kind") != kind:
        other = "FrozenPhrases" if kind == "Phrases" else "Phrases"
        raise ValueError(f"{name} holds {meta.get('kind')}; load it with {other}.load")
    if (
        offsets[0] != 0
        or offsets[-1] != len(blob)
        or any(x > y for x, y in zip(offsets, offsets[1:]))
    ):
        raise ValueError(f"{name}: corrupt phrases file (word offsets)")
    words = [blob[s:e].decode("utf-8", "surrogatepass") for s, e in zip(offsets, offsets[1:])]
    return meta, words, arrays


def check_ids(
    path: PathType, a: np.ndarray, b: np.ndarray, n_words: int, *counts: np.ndarray
) -> None:
    if len(a) != len(b) or any(len(c) not in (len(a), n_words) for c in counts):
        raise ValueError(f"{os.fsdecode(path)}: corrupt phrases file (array lengths differ)")
    if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n_words):
        raise ValueError(f"{os.fsdecode(path)}: corrupt phrases file (a word id is out of range)")
