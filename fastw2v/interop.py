"""Other tools' vectors: gensim's KeyedVectors in memory, TensorBoard's projector files.

:func:`to_gensim` / :func:`from_gensim` convert without a file in between (gensim is
imported only when called; without it they say how to install it).
:func:`save_projector` writes the two TSV files TensorBoard's Embedding Projector loads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from fastw2v._atomic import atomic_write

if TYPE_CHECKING:
    from fastw2v.vectors import KeyedVectors


def _gensim_keyed_vectors() -> Any:
    try:
        from gensim.models import KeyedVectors as GensimKeyedVectors
    except ImportError:
        raise ImportError(
            "converting to or from gensim needs gensim: pip install 'fastw2v[gensim]' "
            "(or pip install gensim)"
        ) from None
    return GensimKeyedVectors


def to_gensim(kv: KeyedVectors) -> Any:
    """A :class:`gensim.models.KeyedVectors` holding a copy of ``kv``'s words and vectors.

    The counts, when known, become gensim's ``"count"`` attribute (``get_vecattr(word,
    "count")``), as gensim's own models set it. The matrix is copied, so changing one
    object never changes the other (and a memory-mapped ``kv`` gives a writable result).
    """
    out = _gensim_keyed_vectors()(kv.vector_size, count=0, dtype=np.float32)
    out.index_to_key = list(kv.words)
    out.key_to_index = dict(kv.key_to_index)
    out.vectors = np.array(kv.vectors, dtype=np.float32, copy=True)
    if kv.counts is not None:
        out.expandos["count"] = np.array(kv.counts, dtype=np.int64)
    return out


def from_gensim(gensim_kv: Any) -> KeyedVectors:
    """fastw2v :class:`~fastw2v.vectors.KeyedVectors` from a gensim ``KeyedVectors``.

    Works for ``model.wv`` of gensim's Word2Vec, FastText (the full-word vectors only) and
    for vectors gensim loaded from a file. Keys must be strings. The counts come from
    gensim's ``"count"`` attribute when it holds any; the matrix is copied (as float32).
    """
    from fastw2v.vectors import KeyedVectors

    words = list(gensim_kv.index_to_key)
    vectors = np.array(gensim_kv.vectors[: len(words)], dtype=np.float32, copy=True)
    counts = getattr(gensim_kv, "expandos", {}).get("count")
    if counts is not None:
        counts = np.asarray(counts[: len(words)], dtype=np.int64)
        if not counts.any():
            counts = None
    return KeyedVectors(words, vectors, counts)


def save_projector(
    kv: KeyedVectors,
    vectors_path: str | os.PathLike[str],
    metadata_path: str | os.PathLike[str],
    limit: int | None = None,
) -> None:
    """Write TensorBoard projector files: vectors TSV and metadata TSV, each atomically.

    ``vectors_path`` gets one tab-separated row of values per word (``%.9g``, no header);
    ``metadata_path`` one word per line, or, when counts are known, a ``word<TAB>count``
    header line and a row per word (the projector's multi-column form). Load them in
    https://projector.tensorflow.org ("Load") or a TensorBoard projector config.

    Raises
    ------
    ValueError
        If a word holds a tab or a line break (a TSV cell cannot), or ``limit`` < 0.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    count = len(kv) if limit is None else min(limit, len(kv))
    words: Sequence[str] = kv.words[:count]
    for word in words:
        if "\t" in word or "\n" in word or "\r" in word:
            raise ValueError(f"cannot write word {word!r} to a TSV file: it holds a tab or newline")
    with atomic_write(vectors_path, "w", encoding="utf-8", newline="\n") as fh:
        np.savetxt(fh, kv.vectors[:count], fmt="%.9g", delimiter="\t")
    with atomic_write(metadata_path, "w", encoding="utf-8", newline="\n") as fh:
        if kv.counts is None:
            fh.writelines(f"{word}\n" for word in words)
        else:
            fh.write("word\tcount\n")
            fh.writelines(f"{w}\t{c}\n" for w, c in zip(words, kv.counts[:count].tolist()))


def main_export(args: Any) -> int:
    """``fastw2v export VECTORS --projector V.tsv M.tsv | --word2vec OUT [--binary]``.

    Expects ``args.vectors``, ``args.projector``, ``args.word2vec``, ``args.binary``,
    ``args.no_header`` and ``args.limit``. Every output is checked against the input and
    the other output before anything is read.
    """
    from fastw2v._atomic import check_collisions
    from fastw2v.vectors import KeyedVectors, load_vectors

    outputs = {"--word2vec": args.word2vec}
    if args.projector:
        outputs = {"--projector": args.projector[0], "--projector metadata": args.projector[1]}
    check_collisions(outputs, {"vectors": args.vectors})
    if args.no_header:
        kv = KeyedVectors.load_word2vec_format(args.vectors, limit=args.limit, no_header=True)
    else:
        kv = load_vectors(args.vectors, limit=args.limit)
    if args.projector:
        save_projector(kv, args.projector[0], args.projector[1])
    else:
        kv.save_word2vec_format(args.word2vec, binary=args.binary)
    print(f"wrote {len(kv):,} vectors of dimension {kv.vector_size}")
    return 0
