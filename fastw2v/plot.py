"""2-D pictures of word vectors: PCA projection of chosen words, drawn to a PNG.

matplotlib is an optional dependency (``pip install fastw2v[plot]``), imported only
when a plot is drawn so the rest of the package never needs it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Union

import numpy as np

from fastw2v._atomic import atomic_write
from fastw2v.vectors import KeyedVectors, load_vectors

PathLike = Union[str, "os.PathLike[str]"]


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """Project rows onto their first two principal components.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` matrix.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` float64 coordinates (zeros in a column when fewer than two
        components carry variance, e.g. for one or two points).
    """
    centred = np.asarray(vectors, dtype=np.float64)
    centred = centred - centred.mean(axis=0)
    # SVD of the centred data: the right singular vectors are the principal axes.
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    coords = np.zeros((len(centred), 2))
    k = min(2, len(s))
    coords[:, :k] = u[:, :k] * s[:k]
    return coords


def plot_words(
    wv: KeyedVectors, words: Sequence[str], path: PathLike, title: str | None = None
) -> np.ndarray:
    """Draw the PCA projection of ``words``' vectors, labelled, to a PNG file.

    Parameters
    ----------
    wv : KeyedVectors
        The vectors.
    words : sequence of str
        Words to draw (at least one; all must be in the vocabulary).
    path : path-like
        PNG to write (atomically).
    title : str, optional
        Figure title.

    Returns
    -------
    numpy.ndarray
        The ``(len(words), 2)`` coordinates drawn.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    KeyError
        If a word is not in the vocabulary.
    """
    words = list(words)
    if not words:
        raise ValueError("plot needs at least one word")
    coords = pca_2d(wv[words])
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed; works on servers and in CI
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install fastw2v[plot]") from None
    fig, ax = plt.subplots(figsize=(8, 6))
    try:
        ax.scatter(coords[:, 0], coords[:, 1], s=12)
        for word, (x, y) in zip(words, coords):
            ax.annotate(word, (x, y), xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel("PC 1")
        ax.set_ylabel("PC 2")
        if title:
            ax.set_title(title)
        with atomic_write(path, "wb") as fh:
            fig.savefig(fh, format="png", dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)
    return coords


def main_plot(args: argparse.Namespace) -> int:
    """``fastw2v plot VECTORS WORD... -o OUT.png``.

    Expects ``args.vectors``, ``args.words`` and ``args.output``.
    """
    from fastw2v._atomic import check_collisions

    check_collisions({"--output": args.output}, {"vectors": args.vectors})
    wv = load_vectors(args.vectors)
    try:
        plot_words(wv, args.words, args.output, title=os.path.basename(str(args.vectors)))
    except ImportError as exc:
        # The CLI reports RuntimeError as a one-line message; ImportError would be a traceback.
        raise RuntimeError(str(exc)) from None
    print(f"wrote {args.output}")
    return 0
