"""Training parameters: one frozen dataclass, validated before any work starts.

Every parameter out of range raises :class:`ParameterError` (a :class:`ValueError`) whose
message names the parameter, the allowed range and the value; a wrong type raises
:class:`TypeError`.

Notes on three of :class:`TrainConfig`'s parameters:

``max_vocab_size``: past the bound, the words seen at most ``t`` times so far are forgotten
(``t`` = 1, 2, ... as word2vec.c's ``ReduceVocab``), so counts become approximate (a
forgotten word that comes back starts again from zero) and counting runs in one thread, in
Python. None: exact counts, counted in C in ``workers`` threads (the same vocabulary for
any thread count).

``kernel``: "batched" shares one set of noise words across a window and updates all its
pairs at once (pWord2Vec), in blocks of at most 10 context words each with its own noise
words (a whole wide window in one step diverged); "pair" is word2vec.c's pair-at-a-time
loop. "auto" (default) batches negative sampling and takes the pair loop with hierarchical
softmax: there every pair of a window shares the centre's whole Huffman path, root
included, and one simultaneous step on those rows costs analogy accuracy
(benchmarks/README.md, section 2026-11-24, says what was seen and gives the bench_peers.py
``--seeds`` command that measures it).

``cache_ids``: keep the id-encoded corpus in memory after the first epoch of a ``train``
call, so later epochs skip reading and tokenising. None (default) caches file corpora
whose ids take at most ``id_cache_bytes`` (4 bytes per word; 1 GiB by default) and re-reads Python
iterables every epoch (they may reshuffle on purpose); True caches any corpus; False
always streams. Unless False, ``build_vocab`` on files also keeps the ids it meets while
counting (within ``id_cache_bytes`` when None), and the next ``train`` on the same
unchanged files starts from them instead of reading the text.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from fastw2v.layers import MAX_SOFTMAX_VOCAB as MAX_SOFTMAX_VOCAB  # re-exported
from fastw2v.layers import FullSoftmax, HierarchicalSoftmax, NegativeSampling, OutputLayer

#: The default of ``id_cache_bytes``: with ``cache_ids=None``, corpora whose word ids fit
#: in this many bytes are cached; larger ones stream.
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


#: word2vec.c's (and old gensim's) names of parameters, accepted as aliases.
ALIASES = {"threads": "workers", "size": "vector_size", "iter": "epochs"}


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


class ConflictError(ValueError):
    """Parameters that cannot go together; ``names`` lists them (as TrainConfig spells
    them), so that a front end can name its own spelling of each."""

    def __init__(self, names: tuple[str, ...], message: str) -> None:
        self.names = names
        super().__init__(message)


#: Upper bound of word counts, of words per training call and of the ranges below: it
#: leaves the kernel's int64 tallies headroom (fastw2v.tables.MAX_COUNT is the same).
MAX_WORDS = 2**62

#: Word ids are int32 in the kernel.
MAX_VOCAB = 2**31 - 1

#: Passes over the corpus: far beyond any use, and epochs x words per epoch stays countable.
MAX_EPOCHS = 1_000_000


def is_int(value: Any) -> bool:
    """An integer, Python's or numpy's (``np.int64(5)``), but not a bool (``True``,
    ``np.True_``), which is almost always a mistake where a count is meant."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A real number, Python's or numpy's (``np.float32(0.025)``), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_int(name: str, value: Any, lo: int, hi: int | None = None, why: str = "") -> None:
    if not is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        bound = f"an integer >= {lo}" if hi is None else f"an integer in [{lo}, {hi}]"
        raise ParameterError(name, bound, value, why)


def _check_float(
    name: str, value: Any, lo: float, hi: float | None = None, lo_open: bool = False
) -> None:
    if not is_number(value):
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
class Param:
    """One training parameter's declaration: its checks, its help and its CLI spellings.

    Declared once beside its :class:`TrainConfig` field (:func:`param`), it gives the
    dataclass its range checks and :mod:`fastw2v.cli` its ``fastw2v train`` flags, so that
    neither the defaults nor the ranges can drift apart.

    Attributes
    ----------
    help : str
        The flag's help (the default is appended by the CLI).
    flags : tuple of str
        Command-line spellings, word2vec.c's single-dash one first (it names the parameter
        in the CLI's error messages).
    lo, hi, lo_open : optional
        Allowed range of a number (``lo_open``: ``lo`` itself excluded).
    choices : tuple of str
        Allowed values of a string.
    check : callable, optional
        ``check(config, name)`` checks this field instead (cross-field rules).
    invert : bool
        The flags take the negation (``-cbow 1`` sets ``sg=False``).
    switch : (str, value), optional
        A value-less flag setting the field to ``value`` (``--sg``), with ``switch_help``.
    auto : bool
        A tri-state boolean: 1, 0 or ``auto`` (None).
    metavar : str, optional
        The value's name in the help.
    """

    help: str
    flags: tuple[str, ...]
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] = ()
    check: Callable[[Any, str], None] | None = None
    invert: bool = False
    switch: tuple[str, Any] | None = None
    switch_help: str = ""
    auto: bool = False
    metavar: str | None = None

    def validate(self, name: str, value: Any) -> None:
        """Raise ParameterError (range) or TypeError (type) for a bad ``value``."""
        if self.choices:
            if value not in self.choices:
                allowed = ", ".join(repr(c) for c in self.choices[:-1])
                raise ParameterError(name, f"{allowed} or {self.choices[-1]!r}", value)
        elif self.lo is None:
            return  # a switch: any truth value
        elif isinstance(self.lo, float):
            _check_float(name, value, self.lo, self.hi, self.lo_open)
        else:
            _check_int(name, value, self.lo, None if self.hi is None else int(self.hi))


def param(default: Any, help: str, flags: str, **spec: Any) -> Any:
    """A :class:`TrainConfig` field with its :class:`Param` declaration (``flags``: the
    command-line spellings, space-separated, word2vec.c's first)."""
    return field(default=default, metadata={"param": Param(help, tuple(flags.split()), **spec)})


def params() -> dict[str, tuple[Any, Param]]:
    """Every training parameter: name -> (default, declaration), in declaration order."""
    return {f.name: (f.default, f.metadata["param"]) for f in fields(TrainConfig)}


# The measured defaults (benchmarks/README.md, "Training choices"; docs/defaults.md).
SG_ALPHA = 0.05  # skip-gram: best analogy at 1, 3 and 5 epochs
CBOW_ALPHA_ONE = 0.1  # CBOW: best at one epoch
CBOW_ALPHA_LONG = 0.075  # CBOW: best at five epochs; the rule tends to it


def default_alpha(sg: bool, epochs: int, compat: str = "fastw2v", hs: bool = False) -> float:
    """The initial learning rate when ``alpha`` is not given (docs/defaults.md says why).

    - skip-gram: 0.05 (twice word2vec.c's 0.025; fastText's rate) at any number of epochs;
    - CBOW: ``0.075 + 0.025 / epochs``: twice word2vec.c's 0.05 for a single pass, falling
      towards 1.5 times it as the passes grow (0.0875 at 2 epochs, 0.08 at 5).

    With hierarchical softmax (``hs``), word2vec.c's rates: there each example updates
    the ~log2(V) inner nodes of the word's path and the input row collects all their
    gradients, and the doubled rate measured worse (skip-gram, 5 epochs: 33.0 against
    35.2 analogy). ``compat="w2v"``: word2vec.c's 0.025 for skip-gram and 0.05 for CBOW,
    whatever the epochs.
    """
    if compat == "w2v" or hs:
        return 0.025 if sg else 0.05
    if sg:
        return SG_ALPHA
    return CBOW_ALPHA_LONG + (CBOW_ALPHA_ONE - CBOW_ALPHA_LONG) / max(1, int(epochs))


# Cross-field checks (Param.check): each raises for a bad value of the field `name`.


def _check_layers(self: TrainConfig, name: str) -> None:
    if name == "negative":
        _check_int("negative", self.negative, 0, 10_000)
        return
    if self.softmax and (self.negative > 0 or self.hs):
        raise ConflictError(
            ("softmax", "negative", "hs"),
            "softmax=True replaces negative sampling and hierarchical softmax: "
            "pass negative=0 and hs=False with it",
        )
    if self.negative == 0 and not self.hs and not self.softmax:
        raise ParameterError(
            "negative",
            "an integer in [1, 10000] when hs and softmax are off",
            self.negative,
            " (there would be no output layer; or pass hs=True)",
        )


def _check_min_alpha(self: TrainConfig, name: str) -> None:
    if self.min_alpha is not None:
        _check_float("min_alpha", self.min_alpha, 0.0)
        if self.min_alpha > self.learning_rate:
            raise ParameterError(
                "min_alpha",
                f"a finite number >= 0 and <= alpha ({self.learning_rate:g})",
                self.min_alpha,
                " (the learning rate decays from alpha to min_alpha)",
            )


def _check_workers(self: TrainConfig, name: str) -> None:
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


@dataclass(frozen=True)
class TrainConfig:
    """Parameters of a word2vec training run.

    The defaults follow word2vec.c, the reference implementation (CBOW with negative
    sampling, the learning rate decaying linearly to ``alpha * 1e-4``), except for two
    choices measured on the dev sets (docs/defaults.md): the learning rate
    (:func:`default_alpha`) and the initial range of the input vectors (gensim's).
    ``compat="w2v"`` restores word2vec.c's for both.

    Parameters
    ----------
    vector_size : int
        Dimension of the word vectors.
    window : int
        Maximal distance between the centre word and a context word; the effective
        window is drawn uniformly from 1..window for each centre word.
    shrink_windows : bool
        False: every context word within ``window`` counts alike (no draw; gensim's
        option of the same name, for item sequences whose order matters little).
    whole_sequence : bool
        True: each centre word's context is every other word of its sentence, whatever
        ``window`` says (item baskets, whose order means nothing). A sentence is at most
        ``max_sentence_length`` words: the kernel's scratch grows with it.
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
        Initial rate; None: :func:`default_alpha` (0.05 sg, ``0.075 + 0.025 / epochs``
        CBOW; word2vec.c's 0.025 / 0.05 with hs or compat="w2v").
    min_alpha : float or None
        Final learning rate; None means ``alpha * 1e-4`` as in word2vec.c.
    lr_schedule, warmup : {"linear", "restart"}, float
        The decay (:mod:`fastw2v.schedule`): over the whole run (word2vec.c) or restarted
        every epoch; and the fraction of the run first spent rising from ``min_alpha``.
    init_range, compat : float or None, {"fastw2v", "w2v"}
        Input vectors start uniform in ``[-init_range, init_range) / vector_size`` (None:
        1, gensim's); ``compat="w2v"`` makes unset alpha and init_range word2vec.c's.
    sample : float
        Subsampling threshold for frequent words (word2vec.c's formula); 0 disables it.
    min_count : int
        Words seen fewer times are dropped from the vocabulary.
    max_vocab_size : int or None
        Bound on distinct words held while counting (approximate counts, one thread: the
        module's notes); None: exact.
    max_final_vocab : int or None
        Keep at most this many of the most frequent words.
    epochs : int
        Passes over the corpus.
    workers : int or None
        Training and counting threads; None: all available cores (``OMP_NUM_THREADS``).
    seed : int
        Seed of every random number; one worker and equal seeds: identical vectors.
    max_sentence_length : int
        Longer sentences (or lines) are split into pieces of this many words; no word is lost.
    batch_words : int
        Words per chunk handed to the kernel at once (progress and callbacks are updated
        between chunks).
    kernel : {"auto", "batched", "pair"}
        Skip-gram kernel (the module's notes): "batched" (pWord2Vec's shared noise words),
        "pair" (word2vec.c's loop) or "auto" (batched with negative sampling, pair with HS).
    compute_loss : bool
        Accumulate the training objective (reported per epoch).
    cache_ids, id_cache_bytes : bool or None, int
        Keep the corpus in memory as ids after the first epoch (the module's notes): None
        (default) for files whose ids fit ``id_cache_bytes`` (1 GiB), True always, False never.
    """

    vector_size: int = param(
        100, "vector dimension", "-size --size --vector-size", lo=1, hi=100_000
    )
    window: int = param(5, "max context distance", "-window --window", lo=1, hi=10_000)
    shrink_windows: bool = param(
        True, "draw each window from 1..window (1), or use the full window (0)", "--shrink-windows"
    )
    whole_sequence: bool = param(
        False, "the whole sentence is the context (unordered baskets) 0/1", "--whole-sequence"
    )
    sg: bool = param(
        False,
        "1 CBOW, 0 skip-gram",
        "-cbow --cbow",
        invert=True,
        switch=("--sg", True),
        switch_help="skip-gram (same as -cbow 0)",
    )
    hs: bool = param(False, "hierarchical softmax 0/1", "-hs --hs")
    negative: int = param(
        5, "noise words per example", "-negative --negative", lo=0, hi=10_000, check=_check_layers
    )
    softmax: bool = param(
        False,
        "full softmax over the vocabulary 0/1 (small vocabularies; needs -negative 0)",
        "--softmax",
        check=_check_layers,
    )
    ns_exponent: float = param(
        0.75, "noise distribution: counts to this power", "--ns-exponent", lo=-10.0, hi=10.0
    )
    cbow_mean: bool = param(
        True,
        "CBOW averages (1) or sums (0) the context vectors",
        "--cbow-mean",
        switch=("--cbow-sum", False),
        switch_help="CBOW sums context vectors instead of averaging",
    )
    alpha: float | None = param(
        None,
        "initial learning rate (default: 0.05 skip-gram, 0.075 + 0.025/iter CBOW; -hs 1 "
        "or --compat w2v: 0.025 / 0.05)",
        "-alpha --alpha",
        lo=0.0,
        hi=10.0,
        lo_open=True,
    )
    min_alpha: float | None = param(
        None, "final learning rate (alpha * 1e-4)", "--min-alpha", lo=0.0, check=_check_min_alpha
    )
    compat: str = param(
        "fastw2v",
        "defaults: fastw2v's (docs/defaults.md) or w2v, word2vec.c's own (alpha 0.025 "
        "skip-gram / 0.05 CBOW, init-range 0.5)",
        "--compat",
        choices=("fastw2v", "w2v"),
    )
    lr_schedule: str = param(
        "linear",
        "learning-rate decay: linear over the whole run, or restart it every epoch",
        "--lr-schedule",
        choices=("linear", "restart"),
    )
    warmup: float = param(
        0.0, "fraction of the run spent rising from min_alpha", "--warmup", lo=0.0, hi=1.0
    )
    init_range: float | None = param(
        None,
        "input vectors start uniform in +-init_range/size (word2vec.c 0.5, gensim 1)",
        "--init-range",
        lo=0.0,
        hi=1000.0,
        lo_open=True,
    )
    sample: float = param(
        1e-3,
        "subsampling threshold for frequent words, 0 to disable",
        "-sample --sample",
        lo=0.0,
        hi=1.0,
    )
    min_count: int = param(
        5, "discard words seen fewer times", "-min-count --min-count", lo=1, hi=MAX_WORDS
    )
    max_vocab_size: int | None = param(
        None,
        "bound on distinct words held while counting (rarest pruned)",
        "--max-vocab-size",
        lo=1,
        hi=MAX_WORDS,
    )
    max_final_vocab: int | None = param(
        None,
        "keep at most this many most frequent words",
        "-max-vocab --max-vocab",
        lo=1,
        hi=MAX_VOCAB,
    )
    epochs: int = param(5, "epochs", "-iter --iter --epochs", lo=1, hi=MAX_EPOCHS)
    workers: int | None = param(
        None, "training threads (all cores)", "-threads --threads --workers", check=_check_workers
    )
    seed: int = param(1, "random seed", "-seed --seed", lo=0, hi=2**63 - 1)
    max_sentence_length: int = param(
        10_000,
        "longer sentences are cut into pieces of this many words",
        "--max-sentence-length",
        lo=1,
        hi=MAX_VOCAB,
    )
    batch_words: int = param(
        1 << 20,
        "words per kernel call; progress and checkpoints act between calls",
        "--batch-words",
        lo=1,
        hi=MAX_VOCAB,
        metavar="N",
    )
    kernel: str = param(
        "auto",
        "skip-gram kernel: batched (shared noise words), pair (word2vec.c's) or auto",
        "--kernel",
        choices=("auto", "batched", "pair"),
    )
    compute_loss: bool = param(
        True, "accumulate and report the training loss 0/1", "--compute-loss"
    )
    cache_ids: bool | None = param(
        None,
        "keep the corpus in memory as word ids after the first epoch: 1, 0 or auto "
        "(files that fit)",
        "--cache-ids",
        auto=True,
    )
    id_cache_bytes: int = param(
        ID_CACHE_AUTO_BYTES,
        "with --cache-ids auto: bytes the id cache may take (4 a word); past them, stream",
        "--id-cache-bytes",
        lo=0,
        hi=MAX_WORDS,
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            spec: Param = f.metadata["param"]
            value = getattr(self, f.name)
            if spec.check:
                spec.check(self, f.name)
            elif value is not None or f.default is not None:
                spec.validate(f.name, value)
            # numpy scalars are accepted (gensim takes them) and stored as Python's own
            if type(value).__module__ == "numpy" and hasattr(value, "item"):
                object.__setattr__(self, f.name, value.item())

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> TrainConfig:
        """``Word2Vec(**params)``'s config; word2vec.c's names (threads, size, iter) too."""
        params = dict(params)
        for alias, name in ALIASES.items():
            if alias in params:
                params[name] = params.pop(alias)
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown training parameter(s): {', '.join(sorted(unknown))}")
        return cls(**params)

    @property
    def learning_rate(self) -> float:
        """Initial learning rate of a run of ``epochs`` epochs (:meth:`learning_rate_for`)."""
        return self.learning_rate_for(self.epochs)

    def learning_rate_for(self, epochs: int) -> float:
        """Initial rate of a ``train`` call of ``epochs`` epochs: alpha or :func:`default_alpha`."""
        if self.alpha is not None:
            return float(self.alpha)
        return default_alpha(bool(self.sg), epochs, self.compat, bool(self.hs))

    @property
    def initial_range(self) -> float:
        """``init_range``, or its default: 1 (gensim's, fastText's); 0.5 if compat="w2v"."""
        if self.init_range is not None:
            return float(self.init_range)
        return 0.5 if self.compat == "w2v" else 1.0

    @property
    def final_learning_rate(self) -> float:
        """Learning rate at the end of training (:meth:`final_learning_rate_for`)."""
        return self.final_learning_rate_for(self.epochs)

    def final_learning_rate_for(self, epochs: int) -> float:
        """``min_alpha``, or word2vec.c's ``alpha * 1e-4``, for a call of ``epochs``."""
        if self.min_alpha is not None:
            return float(self.min_alpha)
        return self.learning_rate_for(epochs) * 1e-4

    @property
    def threads(self) -> int:
        """Number of training threads."""
        return self.workers if self.workers is not None else available_cores()

    @property
    def batched_kernel(self) -> bool:
        """Whether skip-gram runs the batched kernel ("auto": unless hs; the full softmax
        always runs the pair kernel, the C falls back to it)."""
        return self.kernel == "batched" or (self.kernel == "auto" and not self.hs)

    def output_layers(self) -> list[OutputLayer]:
        """The output layers these parameters ask for, in the order of their matrices."""
        layers: list[OutputLayer] = []
        if self.negative > 0:
            layers.append(NegativeSampling(self.negative, self.ns_exponent))
        if self.hs:
            layers.append(HierarchicalSoftmax())
        if self.softmax:
            layers.append(FullSoftmax())
        return layers

    def to_dict(self) -> dict[str, Any]:  # for saving with a model
        return asdict(self)
