"""Output layers: negative sampling, hierarchical softmax and the full softmax behind one
interface.

An output layer owns one matrix of output rows and the tables that say which rows an
example trains (the noise alias table, the Huffman codes, or nothing: every row). The
configuration picks the layers once (:meth:`fastw2v.config.TrainConfig.output_layers`);
everything else loops over the layers it is given instead of asking which they are. The C
kernel sees the same seam: each layer appends its (row, label) targets for an example to
one list, and one loop applies them.

A new output layer is a subclass here, a branch where ``TrainConfig.output_layers`` builds
the list, and its target gathering in ``csrc/fw2v_kernel.c`` (``gather_targets``) with its
arrays in ``fw2v_params_t``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from fastw2v.vocab import Vocab

#: Largest vocabulary the full softmax accepts: each example costs vocab_size dot products
#: (about vocab_size / (negative + 1) times negative sampling's work).
MAX_SOFTMAX_VOCAB = 30_000

__all__ = [
    "MAX_SOFTMAX_VOCAB",
    "FullSoftmax",
    "HierarchicalSoftmax",
    "NegativeSampling",
    "OutputLayer",
    "predict",
]


class OutputLayer(ABC):
    """One output layer: its matrix, the arrays the kernel needs, its prediction.

    Attributes
    ----------
    matrix : str
        Name of the layer's output matrix (attribute of the model, key in saved files).
    predict_rank : int
        :meth:`predict` of the layer with the highest rank answers ``predict_output_word``
        when several layers were trained (the exact ones first).
    """

    matrix: str = ""
    predict_rank: int = 0
    label: str = ""  # in the model's repr

    @abstractmethod
    def rows(self, vocab_size: int) -> int:
        """Rows of the output matrix for a vocabulary of ``vocab_size`` words."""

    @abstractmethod
    def kernel_arrays(self, vocab: Vocab) -> dict[str, Any]:
        """The tables of :class:`fastw2v._train.KernelTables` this layer fills, by name."""

    @abstractmethod
    def predict(self, vocab: Vocab, w_out: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Probability of each word (float64, vocabulary order) given the hidden layer ``h``."""

    def check_vocab(self, vocab_size: int) -> None:
        """Raise ValueError if this layer cannot serve a vocabulary of ``vocab_size`` words."""
        return None

    def hot_rows(self, n_rows: int, k: int) -> slice:
        """The ``k`` rows that change fastest (trained by the most frequent words).

        Word rows are in frequency order: the first ones.
        """
        return slice(0, min(k, n_rows))


class NegativeSampling(OutputLayer):
    """``negative`` noise words per example, drawn from counts ** ``exponent``.

    Its rows are word rows. The objective never normalises: :meth:`predict` is
    ``softmax(W_out h)`` over these rows, an approximation (as gensim's).
    """

    matrix = "w_out_ns"
    predict_rank = 0

    def __init__(self, negative: int, exponent: float) -> None:
        self.negative = negative
        self.exponent = exponent
        self.label = f"neg{negative}"

    def rows(self, vocab_size: int) -> int:
        return vocab_size

    def kernel_arrays(self, vocab: Vocab) -> dict[str, Any]:
        prob, alias = vocab.alias_table(self.exponent)
        return {"noise_prob": prob, "noise_alias": alias}

    def predict(self, vocab: Vocab, w_out: np.ndarray, h: np.ndarray) -> np.ndarray:
        return softmax(w_out @ h)


class HierarchicalSoftmax(OutputLayer):
    """A binary decision per inner node of the Huffman tree on the word's path.

    Its rows are the ``V - 1`` inner nodes, created from the rarest words up: the root is
    the last row, and the last rows are on the paths of the most frequent words.
    """

    matrix = "w_out_hs"
    predict_rank = 1
    label = "hs"

    def rows(self, vocab_size: int) -> int:
        return max(vocab_size - 1, 1)

    def kernel_arrays(self, vocab: Vocab) -> dict[str, Any]:
        tree = vocab.huffman()
        return {"codes": tree.codes, "points": tree.points, "code_offsets": tree.offsets}

    def predict(self, vocab: Vocab, w_out: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The product of the sigmoids along each word's path: exact, sums to one."""
        tree = vocab.huffman()
        f = w_out.astype(np.float64) @ h
        sign = 1.0 - 2.0 * tree.codes.astype(np.float64)  # label 1 - code, as +-1
        # log sigmoid(sign * f) along each path, summed per word
        logp_nodes = -np.logaddexp(0.0, -sign * f[tree.points])
        logp = np.zeros(len(vocab))
        nonempty = np.diff(tree.offsets) > 0
        if logp_nodes.size:
            logp[nonempty] = np.add.reduceat(logp_nodes, tree.offsets[:-1][nonempty])
        return np.exp(logp)

    def hot_rows(self, n_rows: int, k: int) -> slice:
        return slice(n_rows - min(k, n_rows), n_rows)


class FullSoftmax(OutputLayer):
    """The exact softmax over every word (small vocabularies only): word rows."""

    matrix = "w_out_sm"
    predict_rank = 2
    label = "softmax"

    def rows(self, vocab_size: int) -> int:
        return vocab_size

    def check_vocab(self, vocab_size: int) -> None:
        if vocab_size > MAX_SOFTMAX_VOCAB:
            raise ValueError(
                f"softmax=True with {vocab_size:,} words would be hopelessly slow (every example "
                f"touches every output row; the limit is {MAX_SOFTMAX_VOCAB:,} words): use "
                "negative sampling (negative=5) or hierarchical softmax (hs=True) instead, "
                "or raise min_count"
            )

    def kernel_arrays(self, vocab: Vocab) -> dict[str, Any]:
        return {}

    def predict(self, vocab: Vocab, w_out: np.ndarray, h: np.ndarray) -> np.ndarray:
        return softmax(w_out @ h)


#: Every output matrix a model may hold, in the order they are saved and synchronised.
OUTPUT_MATRICES = ("w_out_ns", "w_out_hs", "w_out_sm")


def predict(
    layers: Sequence[OutputLayer], vocab: Vocab, outputs: Mapping[str, np.ndarray], h: np.ndarray
) -> np.ndarray:
    """The distribution over words given hidden layer ``h``, from the best of ``layers``
    (the highest ``predict_rank``: full softmax, then hierarchical, then negative sampling)."""
    layer = max(layers, key=lambda layer: layer.predict_rank)
    return layer.predict(vocab, outputs[layer.matrix], h)


def softmax(z: np.ndarray) -> np.ndarray:
    """``exp(z) / sum(exp(z))`` in float64, shifted by the maximum for stability."""
    z = z.astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()
