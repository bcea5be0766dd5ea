"""The weights of a model: the input matrix and one matrix per output layer, as one object.

Row ``i`` of ``w_in`` is the vector of word ``i`` (the vectors users keep); each output layer
(:mod:`fastw2v.layers`) owns one output matrix. :class:`Weights` initialises them as
word2vec.c does, checks loaded ones against the parameters, lists them for saving, and hands
out the rows distributed training synchronises.

An input layer that maps a word to several rows (subword vectors) would add its rows here,
beside ``w_in``, and say which rows a word reads in the kernel's input gathering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from fastw2v.layers import OUTPUT_MATRICES, OutputLayer
from fastw2v.seeds import init_rng

__all__ = ["Weights"]


class Weights:
    """``w_in`` and the output matrices (``w_out_ns``, ``w_out_hs``, ``w_out_sm``).

    Parameters
    ----------
    w_in : numpy.ndarray
        float32, C-contiguous, (vocab_size, dim).
    outputs : mapping of str to numpy.ndarray
        The output matrices, by name (:data:`fastw2v.layers.OUTPUT_MATRICES`).
    lockf : numpy.ndarray, optional
        float32, one lock factor in [0, 1] per input row (gensim's ``vectors_lockf``): the
        kernel multiplies each update of input row ``i`` by ``lockf[i]``. None: all rows
        train freely (and the kernel runs exactly as without locks).
    """

    def __init__(
        self,
        w_in: np.ndarray,
        outputs: Mapping[str, np.ndarray],
        lockf: np.ndarray | None = None,
    ) -> None:
        unknown = set(outputs) - set(OUTPUT_MATRICES)
        if unknown:
            raise ValueError(f"unknown output matrices: {sorted(unknown)}")
        self.w_in = w_in
        self.outputs: dict[str, np.ndarray] = dict(outputs)
        self.lockf = lockf

    @classmethod
    def initial(
        cls,
        vocab_size: int,
        dim: int,
        layers: Sequence[OutputLayer],
        seed: int,
        init_range: float = 0.5,
    ) -> Weights:
        """Input rows uniform in [-init_range, init_range) / dim (word2vec.c: 0.5), outputs
        zero."""
        w_in = cls.fresh_rows(0, vocab_size, dim, seed, init_range)
        outputs = {
            layer.matrix: np.zeros((layer.rows(vocab_size), dim), np.float32) for layer in layers
        }
        return cls(w_in, outputs)

    @staticmethod
    def fresh_rows(
        first: int, last: int, dim: int, seed: int, init_range: float = 0.5
    ) -> np.ndarray:
        """Input rows ``first..last-1`` exactly as :meth:`initial` makes them for a
        vocabulary of ``last`` words (a grown vocabulary's new rows)."""
        rng = init_rng(seed)
        rows = rng.random((last, dim), dtype=np.float32)[first:]
        rows -= np.float32(0.5)
        if init_range != 0.5:  # 0.5 stays word2vec.c's (r - 0.5) / dim to the bit
            rows *= np.float32(2.0 * init_range)
        rows /= np.float32(dim)
        return rows

    def grow(
        self, vocab_size: int, layers: Sequence[OutputLayer], seed: int, init_range: float = 0.5
    ) -> Weights:
        """These weights for a vocabulary grown to ``vocab_size`` words (appended at the
        end): every existing row kept at its index, new input rows fresh (:meth:`fresh_rows`),
        new output rows zero, new lock factors 1."""
        old, dim = self.w_in.shape
        w_in = np.concatenate([self.w_in, self.fresh_rows(old, vocab_size, dim, seed, init_range)])
        outputs = {}
        for layer in layers:
            m = self.outputs[layer.matrix]
            extra = np.zeros((layer.rows(vocab_size) - m.shape[0], dim), np.float32)
            outputs[layer.matrix] = np.concatenate([m, extra])
        lockf = None
        if self.lockf is not None:
            lockf = np.concatenate([self.lockf, np.ones(vocab_size - old, np.float32)])
        return Weights(w_in, outputs, lockf)

    def output(self, name: str) -> np.ndarray | None:
        """The output matrix ``name``, or None if the model has no such layer."""
        return self.outputs.get(name)

    def matrices(self) -> dict[str, np.ndarray]:
        """Every matrix by name, ``w_in`` first, then the outputs in saving order."""
        out = {"w_in": self.w_in}
        out.update((n, self.outputs[n]) for n in OUTPUT_MATRICES if n in self.outputs)
        return out

    def set(self, name: str, value: np.ndarray) -> None:
        """Replace matrix ``name`` (``w_in`` or an output matrix)."""
        if name == "w_in":
            self.w_in = value
        elif name in OUTPUT_MATRICES:
            self.outputs[name] = value
        else:
            raise ValueError(f"unknown matrix {name!r}")

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.matrices().values())

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray | None]) -> Weights:
        """Matrices (and lock factors) read from a file (absent ones None), as float32
        C-contiguous arrays."""
        outputs = {n: arrays[n] for n in OUTPUT_MATRICES if arrays.get(n) is not None}
        w_in = arrays.get("w_in")
        return cls(w_in, outputs, arrays.get("lockf"))  # type: ignore[arg-type]  # checked later

    def check_input(self, vocab_size: int, dim: int) -> None:
        """Raise ValueError unless ``w_in`` is (vocab_size, dim)."""
        shape = None if self.w_in is None else self.w_in.shape
        if shape != (vocab_size, dim):
            raise ValueError(f"input matrix has shape {shape}, expected ({vocab_size}, {dim})")
        if self.lockf is not None:
            lf = self.lockf
            if lf.shape != (vocab_size,) or not np.all((lf >= 0) & (lf <= 1)):
                raise ValueError(f"lock factors must be {vocab_size} numbers in [0, 1]")

    def check_outputs(self, vocab_size: int, dim: int, layers: Sequence[OutputLayer]) -> None:
        """Raise ValueError unless the output matrices are exactly those of ``layers``."""
        if set(self.outputs) != {layer.matrix for layer in layers}:
            raise ValueError("output layers do not match the saved parameters")
        for layer in layers:
            m = self.outputs[layer.matrix]
            rows = layer.rows(vocab_size)
            if m.shape != (rows, dim):
                raise ValueError(f"{layer.matrix} has shape {m.shape}, expected ({rows}, {dim})")

    def sync_slices(
        self, layers: Sequence[OutputLayer], hot_words: int
    ) -> list[tuple[np.ndarray, slice]]:
        """Each matrix with the slice of its hot rows (those of the most frequent words),
        for distributed training: input rows are word rows in frequency order, so the hot
        rows come first; each output layer says where its hot rows are."""
        out = [(self.w_in, slice(0, min(hot_words, self.w_in.shape[0])))]
        for layer in layers:
            m = self.outputs[layer.matrix]
            out.append((m, layer.hot_rows(m.shape[0], hot_words)))
        return out
