"""Training parameters: one frozen dataclass, validated before any work starts.

Every parameter out of range raises :class:`ParameterError` (a :class:`ValueError`) whose
message names the parameter, the allowed range and the value; a wrong type raises
:class:`TypeError`.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from typing import Any

#: Largest vocabulary the full softmax accepts: each example costs vocab_size dot products
#: (about vocab_size / (negative + 1) times negative sampling's work).
MAX_SOFTMAX_VOCAB = 30_000

#: With ``cache_ids=None``, corpora whose word ids fit in this many bytes are cached.
ID_CACHE_AUTO_BYTES = 1 << 30

#: Upper bound on threads, as a multiple of the usable cores: far more threads than cores
#: only adds contention on the shared matrices, and is nearly always a typo.
MAX_THREADS_PER_CORE = 4


def available_cores() -> int:
    """Cores this process may run on, honouring ``OMP_NUM_THREADS`` when it is set."""
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ParameterError(ValueError):
    """A training parameter out of its allowed range.

    The message names the parameter, the allowed range and the value given; the same facts
    are attributes, so a front end (the CLI) can name its own spelling of the option.

    Attributes
    ----------
    name : str
        The parameter, as :class:`TrainConfig` spells it (``"vector_size"``, ``"workers"``).
    allowed : str
        The allowed range or values, e.g. ``"in [1, 100000]"``.
    value : object
        The value given.
    """

    def __init__(self, name: str, allowed: str, value: Any, why: str = "") -> None:
        self.name = name
        self.allowed = allowed
        self.value = value
        super().__init__(f"{name} must be {allowed}, got {value!r}{why}")


def _check_int(name: str, value: Any, lo: int, hi: int | None = None, why: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < lo or (hi is not None and value > hi):
        bound = f"an integer >= {lo}" if hi is None else f"an integer in [{lo}, {hi}]"
        raise ParameterError(name, bound, value, why)


def _check_float(
    name: str, value: Any, lo: float, hi: float | None = None, lo_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    bad = (
        math.isnan(value)
        or math.isinf(value)
        or (value <= lo if lo_open else value < lo)
        or (hi is not None and value > hi)
    )
    if bad:
        left = f"> {lo:g}" if lo_open else f">= {lo:g}"
        bound = left if hi is None else f"{left} and <= {hi:g}"
        raise ParameterError(name, f"a finite number {bound}", value)


@dataclass(frozen=True)
class TrainConfig:
    """Parameters of a word2vec training run.

    The defaults follow word2vec.c, the reference implementation: CBOW with negative
    sampling, learning rate 0.05 for CBOW and 0.025 for skip-gram, decaying linearly to
    ``alpha * 1e-4``.

    Parameters
    ----------
    vector_size : int
        Dimension of the word vectors.
    window : int
        Maximal distance between the centre word and a context word; the effective
        window is drawn uniformly from 1..window for each centre word.
    sg : bool
        True for skip-gram, False for CBOW.
    hs : bool
        Use a hierarchical-softmax output layer (Huffman tree over word counts).
    negative : int
        Noise words per positive example for negative sampling (0 disables it).
    softmax : bool
        Use the exact softmax over the whole vocabulary as the output layer (the network
        of the classic tutorials). Only for small vocabularies (at most
        ``MAX_SOFTMAX_VOCAB`` words); needs ``negative=0`` and ``hs=False``.
    ns_exponent : float
        The noise distribution is unigram counts raised to this power.
    cbow_mean : bool
        CBOW hidden layer is the mean (True) or the sum (False) of the context vectors.
    alpha : float or None
        Initial learning rate; None picks word2vec.c's 0.025 (skip-gram) or 0.05 (CBOW).
    min_alpha : float or None
        Final learning rate; None means ``alpha * 1e-4`` as in word2vec.c.
    sample : float
        Subsampling threshold for frequent words (word2vec.c's formula); 0 disables it.
    min_count : int
        Words seen fewer times are dropped from the vocabulary.
    max_vocab_size : int or None
        Bound on distinct words held while counting (rarest pruned first); None: no bound.
    max_final_vocab : int or None
        Keep at most this many of the most frequent words.
    epochs : int
        Passes over the corpus.
    workers : int or None
        Training threads; None uses all available cores (honouring ``OMP_NUM_THREADS``).
    seed : int
        Seed of the initial vectors and of every thread's random numbers. With one
        worker, equal seeds give byte-identical vectors.
    max_sentence_length : int
        Longer sentences (or lines) are split into pieces of this many words; no word is lost.
    batch_words : int
        Words per chunk handed to the kernel at once (progress and callbacks are updated
        between chunks).
    kernel : {"auto", "batched", "pair"}
        Skip-gram kernel: "batched" shares one set of noise words across a window and
        updates all its pairs at once (pWord2Vec), in blocks of at most 10 context words
        each with its own noise words (a whole wide window in one step diverged);
        "pair" is word2vec.c's pair-at-a-time loop.
        "auto" (default) batches negative sampling and takes the pair loop with
        hierarchical softmax: there every pair of a window shares the centre's whole Huffman
        path, root included, and one simultaneous step on those rows cost about a point of
        analogy accuracy against word2vec.c (skip-gram, 5 epochs, 17M words: 34.9 against
        35.7 for the pair loop, mean of 6 paired seeds; negative sampling loses nothing).
    compute_loss : bool
        Accumulate the training objective (reported per epoch).
    cache_ids : bool or None
        Keep the id-encoded corpus in memory after the first epoch of a ``train`` call, so
        later epochs skip reading and tokenising. None (default) caches file corpora whose
        ids take at most ``ID_CACHE_AUTO_BYTES`` (4 bytes per word) and re-reads Python
        iterables every epoch (they may reshuffle on purpose); True caches any corpus;
        False always streams. Unless False, ``build_vocab`` on files also keeps the ids it
        meets while counting (within ``ID_CACHE_AUTO_BYTES`` when None), and the next
        ``train`` on the same unchanged files starts from them instead of reading the text.
    """

    vector_size: int = 100
    window: int = 5
    sg: bool = False
    hs: bool = False
    negative: int = 5
    softmax: bool = False
    ns_exponent: float = 0.75
    cbow_mean: bool = True
    alpha: float | None = None
    min_alpha: float | None = None
    sample: float = 1e-3
    min_count: int = 5
    max_vocab_size: int | None = None
    max_final_vocab: int | None = None
    epochs: int = 5
    workers: int | None = None
    seed: int = 1
    max_sentence_length: int = 10_000
    batch_words: int = 1 << 20
    kernel: str = "auto"
    compute_loss: bool = True
    cache_ids: bool | None = None

    def __post_init__(self) -> None:
        _check_int("vector_size", self.vector_size, 1, 100_000)
        _check_int("window", self.window, 1, 10_000)
        _check_int("negative", self.negative, 0, 10_000)
        if self.softmax and (self.negative > 0 or self.hs):
            raise ValueError(
                "softmax=True replaces negative sampling and hierarchical softmax: "
                "pass negative=0 and hs=False with it"
            )
        if self.negative == 0 and not self.hs and not self.softmax:
            raise ParameterError(
                "negative",
                "an integer in [1, 10000] when hs and softmax are off",
                self.negative,
                " (there would be no output layer; or pass hs=True)",
            )
        _check_float("ns_exponent", self.ns_exponent, -10.0, 10.0)
        if self.alpha is not None:
            _check_float("alpha", self.alpha, 0.0, 10.0, lo_open=True)
        if self.min_alpha is not None:
            _check_float("min_alpha", self.min_alpha, 0.0)
            if self.min_alpha > self.learning_rate:
                raise ParameterError(
                    "min_alpha",
                    f"a finite number >= 0 and <= alpha ({self.learning_rate:g})",
                    self.min_alpha,
                    " (the learning rate decays from alpha to min_alpha)",
                )
        _check_float("sample", self.sample, 0.0, 1.0)
        _check_int("min_count", self.min_count, 1)
        if self.max_vocab_size is not None:
            _check_int("max_vocab_size", self.max_vocab_size, 1)
        if self.max_final_vocab is not None:
            _check_int("max_final_vocab", self.max_final_vocab, 1)
        _check_int("epochs", self.epochs, 1)
        if self.workers is not None:
            cores = available_cores()
            _check_int(
                "workers",
                self.workers,
                1,
                MAX_THREADS_PER_CORE * cores,
                f" (at most {MAX_THREADS_PER_CORE} threads per available core; "
                f"this machine has {cores})",
            )
        _check_int("seed", self.seed, 0, 2**63 - 1)
        _check_int("max_sentence_length", self.max_sentence_length, 1)
        _check_int("batch_words", self.batch_words, 1)
        if self.kernel not in ("auto", "batched", "pair"):
            raise ParameterError("kernel", "'auto', 'batched' or 'pair'", self.kernel)

    @property
    def learning_rate(self) -> float:
        """Initial learning rate, with word2vec.c's per-architecture default."""
        if self.alpha is not None:
            return float(self.alpha)
        return 0.025 if self.sg else 0.05

    @property
    def final_learning_rate(self) -> float:
        """Learning rate at the end of training."""
        if self.min_alpha is not None:
            return float(self.min_alpha)
        return self.learning_rate * 1e-4

    @property
    def threads(self) -> int:
        """Number of training threads."""
        return self.workers if self.workers is not None else available_cores()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for saving with a model)."""
        return asdict(self)
