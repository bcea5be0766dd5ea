"""The training loop: epochs of chunks, the learning-rate schedule, progress, interrupts,
checkpoints and callbacks.

Training streams the corpus: a producer thread tokenises and id-encodes the next chunk of
sentences (fastw2v.encoding: in C without the GIL for files) while the C kernel, which
releases the GIL too, trains on the current one. A file corpus whose ids fit in
``id_cache_bytes`` (1 GiB by default) is held in memory as ids (recorded while
``build_vocab`` counted it, or kept from the first epoch; see ``cache_ids``); otherwise
only a few chunks are held at a time.

:class:`Trainer` knows nothing of where its options come from: :class:`fastw2v.Word2Vec`
fills :class:`TrainOptions` from its parameters, :mod:`fastw2v.distributed` from the global
word count, its rank's seed and its synchronisation hook.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from fastw2v import _train
from fastw2v._atomic import check_writable
from fastw2v._stop import StopFlag
from fastw2v.config import (
    MAX_EPOCHS,
    MAX_WORDS,
    ParameterError,
    TrainConfig,
    is_int,
    is_number,
)
from fastw2v.corpus import PathCorpus
from fastw2v.encoding import Recording, id_chunks, uses_c_tokenizer
from fastw2v.intkeys import IntTrainingCorpus
from fastw2v.schedule import Schedule
from fastw2v.seeds import chunk_seed
from fastw2v.vocab import Vocab
from fastw2v.weights import Weights

__all__ = [
    "Callback",
    "Callbacks",
    "EpochStats",
    "Progress",
    "TrainOptions",
    "TrainResult",
    "Trainer",
    "kernel_tables",
]


@dataclass
class EpochStats:
    """What one epoch did; passed to callbacks and collected in :class:`TrainResult`.

    ``loss`` is the mean over output terms of ``-log p(label)`` (one term per output row
    of each example: the true word, each noise word, each Huffman node), so it is
    comparable between epochs and runs of different lengths.
    """

    epoch: int
    words: int
    kept_words: int
    examples: int
    loss: float
    loss_sum: float
    loss_terms: int
    seconds: float
    alpha_end: float

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class TrainResult:
    """Summary of a :meth:`Word2Vec.train` call."""

    epochs: list[EpochStats] = field(default_factory=list)
    threads: int = 1

    @property
    def words(self) -> int:
        return sum(e.words for e in self.epochs)

    @property
    def seconds(self) -> float:
        return sum(e.seconds for e in self.epochs)

    @property
    def words_per_sec(self) -> float:
        s = self.seconds
        return self.words / s if s > 0 else float("inf")

    @property
    def words_per_sec_per_thread(self) -> float:
        return self.words_per_sec / self.threads

    @property
    def loss(self) -> float:
        """Mean loss of the last epoch."""
        return self.epochs[-1].loss if self.epochs else float("nan")


class Callback:
    """Base class for training callbacks; override the hooks you need.

    A plain callable ``f(model, stats)`` is accepted too and called at each epoch's end.
    """

    def on_train_begin(self, model: Any) -> None:  # noqa: B027 - optional hook
        pass

    def on_epoch_end(self, model: Any, stats: EpochStats) -> None:  # noqa: B027
        pass

    def on_train_end(self, model: Any, result: TrainResult) -> None:  # noqa: B027
        pass


class Callbacks:
    """The one dispatcher of training callbacks: :class:`Callback` objects (any object with
    some of its hooks) and plain callables ``f(model, stats)`` run at each epoch's end."""

    def __init__(self, model: Any, callbacks: Sequence[Any]) -> None:
        self.model = model
        self.callbacks = list(callbacks)

    def train_begin(self) -> None:
        for cb in self.callbacks:
            if hasattr(cb, "on_train_begin"):
                cb.on_train_begin(self.model)

    def epoch_end(self, stats: EpochStats) -> None:
        for cb in self.callbacks:
            if hasattr(cb, "on_epoch_end"):
                cb.on_epoch_end(self.model, stats)
            elif callable(cb):
                cb(self.model, stats)

    def train_end(self, result: TrainResult) -> None:
        for cb in self.callbacks:
            if hasattr(cb, "on_train_end"):
                cb.on_train_end(self.model, result)


@dataclass
class Progress:
    """Where a ``train`` call stands: enough to continue it from a checkpoint."""

    epochs: int
    total_words: int
    epoch: int = 0  # index of the current epoch within the call
    chunk: int = 0  # chunks of the current epoch already trained
    done: int = 0  # words trained in the call (all processes): positions the learning rate
    local: int = 0  # words this process trained in the call
    loss: float = 0.0  # tallies of the current epoch
    terms: int = 0
    words: int = 0
    kept: int = 0
    examples: int = 0
    seconds: float = 0.0
    finished: list = field(default_factory=list)  # EpochStats of finished epochs, as dicts
    # chunk `chunk` as a stop left it part trained: {"before": words trained before it,
    # "at": where each shard stopped} (see KernelTables.train_chunk's resume_at)
    partial: dict | None = None

    @classmethod
    def start(
        cls,
        resume: bool,
        interrupted: dict[str, Any] | None,
        epochs: Any,
        words_per_epoch: int,
        total_words: int | None,
    ) -> Progress:
        """The state a call starts from: with ``resume`` the ``interrupted`` one, else a
        fresh one of ``epochs`` epochs spanning ``total_words`` words (default:
        ``words_per_epoch`` each)."""
        if resume:
            if interrupted is None:
                raise ValueError(
                    "nothing to resume: this model holds no interrupted training "
                    "(load a checkpoint written during train())"
                )
            return cls.restore(interrupted)
        if not is_int(epochs) or not 1 <= epochs <= MAX_EPOCHS:
            raise ParameterError("epochs", f"an integer in [1, {MAX_EPOCHS}]", epochs)
        if total_words is None:
            total = words_per_epoch * int(epochs)
            if total > MAX_WORDS:
                raise ValueError(
                    f"epochs x words per epoch = {int(epochs)} x {words_per_epoch} = {total} "
                    f"words, more than the {MAX_WORDS} training can count: lower epochs "
                    "(or the vocabulary's counts)"
                )
        elif not is_int(total_words) or not 1 <= total_words <= MAX_WORDS:
            # 0 or less would put the learning rate at its floor from the first word
            raise ParameterError("total_words", f"an integer in [1, {MAX_WORDS}]", total_words)
        else:
            total = int(total_words)
        return cls(epochs=int(epochs), total_words=total)

    @classmethod
    def restore(cls, saved: Any) -> Progress:
        """The state a checkpoint recorded, every field checked (a damaged or hand-edited
        file gives a ValueError naming the field, not an overflow in the kernel)."""
        if not isinstance(saved, dict) or set(saved) - set(cls.__dataclass_fields__):
            raise ValueError("the saved training state is damaged")
        for name, value in saved.items():
            _check_saved(name, value)
        try:
            state = cls(**saved)
        except TypeError:
            raise ValueError("the saved training state is damaged") from None
        if not 0 <= state.epoch <= state.epochs or state.epochs < 1 or state.total_words < 1:
            raise ValueError(
                f"the saved training state is damaged: epoch {state.epoch} of {state.epochs}, "
                f"{state.total_words} words"
            )
        return state

    def add_chunk(self, tallies: tuple[float, int, int, int, int]) -> None:
        """Count one chunk's ``(loss, loss_terms, words, kept_words, examples)``."""
        c_loss, c_terms, c_words, c_kept, c_ex = tallies
        self.done += c_words
        self.local += c_words
        self.loss += c_loss
        self.terms += c_terms
        self.words += c_words
        self.kept += c_kept
        self.examples += c_ex

    def close_epoch(self, epochs_before: int, schedule: Schedule) -> EpochStats:
        stats = EpochStats(
            epoch=epochs_before + self.epoch + 1,
            words=self.words,
            kept_words=self.kept,
            examples=self.examples,
            loss=self.loss / self.terms if self.terms else float("nan"),
            loss_sum=self.loss,
            loss_terms=self.terms,
            seconds=self.seconds,
            alpha_end=schedule.end_rate(self.done),
        )
        self.finished.append(asdict(stats))
        self.epoch += 1
        self.chunk = 0
        self.loss, self.terms, self.words, self.kept, self.examples = 0.0, 0, 0, 0, 0
        self.seconds = 0.0
        return stats


_SAVED_FLOATS = ("loss", "seconds")


def _check_saved(name: str, value: Any) -> None:
    """One field of a saved :class:`Progress`, range-checked where it enters."""
    bad = ""
    if name in _SAVED_FLOATS:
        if not is_number(value) or not np.isfinite(float(value)):
            bad = "a finite number"
    elif name == "finished":
        if not isinstance(value, list) or not all(_valid_epoch(e) for e in value):
            bad = "a list of epoch statistics"
    elif name == "partial":
        if value is not None and not _valid_partial(value):
            bad = "{'before': words, 'at': [[sentence, word], ...]}"
    else:
        hi = MAX_EPOCHS if name in ("epochs", "epoch") else MAX_WORDS
        if not is_int(value) or not 0 <= value <= hi:
            bad = f"an integer in [0, {hi}]"
    if bad:
        raise ValueError(f"the saved training state is damaged: resume.{name}={value!r} ({bad})")


def _valid_epoch(stats: Any) -> bool:
    """A finished epoch's statistics as saved (:class:`EpochStats` as a dict)."""
    if not isinstance(stats, dict) or set(stats) != set(EpochStats.__dataclass_fields__):
        return False
    floats = ("loss", "loss_sum", "seconds", "alpha_end")
    return all(
        is_number(v) if k in floats else is_int(v) and 0 <= v <= MAX_WORDS for k, v in stats.items()
    )


def _valid_partial(part: Any) -> bool:
    if not isinstance(part, dict) or set(part) != {"before", "at"}:
        return False
    at = part["at"]
    pairs = isinstance(at, list) and all(isinstance(p, list) and len(p) == 2 for p in at)
    ints = pairs and all(is_int(x) and 0 <= x <= MAX_WORDS for p in at for x in p)
    return ints and is_int(part["before"]) and 0 <= part["before"] <= MAX_WORDS


@dataclass
class TrainOptions:
    """Everything a :class:`Trainer` run needs besides the model's parameters.

    Attributes
    ----------
    epochs_before : int
        Epochs the model trained before this call (numbers the epochs, seeds the chunks).
    seed, batch_words, threads
        The chunks' seeds derive from ``seed`` (:mod:`fastw2v.seeds`); ``batch_words``
        words per chunk; kernel threads.
    progress : bool
        Show a progress bar on stderr.
    chunk_hook : callable, optional
        Called between chunks with the words this process trained so far in the call; may
        return the words trained by all processes, which then positions the learning rate.
    checkpoint : callable, optional
        Called with the :class:`Progress` (as a dict) every ``checkpoint_words`` words and/or
        ``checkpoint_seconds`` seconds; it saves the model with that state.
    """

    epochs_before: int
    seed: int
    batch_words: int
    threads: int
    progress: bool = False
    chunk_hook: Callable[[int], int | None] | None = None
    checkpoint: Callable[[dict[str, Any]], None] | None = None
    checkpoint_words: int | None = None
    checkpoint_seconds: float | None = None

    @classmethod
    def of(
        cls,
        cfg: TrainConfig,
        epochs_before: int,
        progress: bool,
        checkpoint: Any,
        save: Callable[[dict[str, Any]], None] | None,
        overrides: dict[str, Any],
    ) -> TrainOptions:
        """The options of a call: seed, chunk size and threads from ``cfg`` unless given in
        ``overrides``; ``save`` writes the model to ``checkpoint`` (checked writable)."""
        threads = cfg.threads
        if threads > 1 and not _train.build_info()["openmp"]:
            warnings.warn(
                "fastw2v was built without OpenMP: training runs on one thread", stacklevel=4
            )
            threads = 1
        opts = cls(epochs_before, cfg.seed, cfg.batch_words, threads, progress)
        for name, value in overrides.items():
            if name not in cls.__dataclass_fields__:
                raise TypeError(f"unknown training option {name!r}")
            setattr(opts, name, value)
        _check_checkpoint(checkpoint, opts.checkpoint_words, opts.checkpoint_seconds)
        if checkpoint is not None:
            opts.checkpoint = save
        return opts


def kernel_tables(
    cfg: TrainConfig, vocab: Vocab, weights: Weights, schedule: Schedule, compute_loss: bool
) -> _train.KernelTables:
    """The kernel's checked tables: the weights, every output layer's arrays and the
    learning-rate schedule."""
    arrays: dict[str, Any] = {}
    for layer in cfg.output_layers():
        arrays.update(layer.kernel_arrays(vocab))
    keep = vocab.keep_probs(cfg.sample) if cfg.sample > 0 else None
    return _train.KernelTables(
        weights.w_in,
        weights.output("w_out_ns"),
        weights.output("w_out_hs"),
        keep,
        arrays.get("noise_prob"),
        arrays.get("noise_alias"),
        arrays.get("codes"),
        arrays.get("points"),
        arrays.get("code_offsets"),
        sg=int(cfg.sg),
        cbow_mean=int(cfg.cbow_mean),
        window=cfg.window,
        shrink_windows=int(cfg.shrink_windows),
        whole_sequence=int(cfg.whole_sequence),
        negative=cfg.negative,
        hs=int(cfg.hs),
        batched=int(cfg.batched_kernel),
        compute_loss=int(compute_loss),
        alpha=schedule.alpha,
        min_alpha=schedule.min_alpha,
        total_words=schedule.total_words,
        epoch_words=schedule.epoch_words,
        warmup=schedule.warmup,
        w_out_sm=weights.output("w_out_sm"),
        lockf=weights.lockf,
    )


Chunk = tuple[np.ndarray, np.ndarray]


class Trainer:
    """Runs one ``train`` call: the epoch loop over chunks of word ids.

    Parameters
    ----------
    cfg : TrainConfig
        The model's parameters.
    vocab, weights
        The vocabulary and the weights to update in place.
    options : TrainOptions
        What this call does beyond the parameters.
    callbacks : Callbacks
        Told of each finished epoch.
    """

    def __init__(
        self,
        cfg: TrainConfig,
        vocab: Vocab,
        weights: Weights,
        options: TrainOptions,
        callbacks: Callbacks,
    ) -> None:
        self.cfg, self.vocab, self.weights = cfg, vocab, weights
        self.options = options
        self.callbacks = callbacks
        self.schedule = Schedule.of(cfg, 1, 1)  # run() sets the call's
        self.torn = False  # a second signal cut a kernel call short: see run()

    def run(
        self,
        corpus: Any,
        state: Progress,
        recording: Recording | None,
        on_start: Callable[[], None],
        on_epoch: Callable[[], None],
        describe: str,
    ) -> TrainResult:
        """Train the epochs ``state`` has left; ``state`` is updated as chunks are trained.

        ``on_start`` runs once everything is checked, just before the first chunk (after
        the callbacks' ``on_train_begin``); ``on_epoch`` after each epoch, before the
        callbacks (the model resets its cached norms there); ``describe`` names the corpus
        in errors.
        """
        opts = self.options
        # The corpus build_vocab counted and recorded, if this is the same text cut the same way.
        if recording is not None and not (
            isinstance(corpus, PathCorpus) and recording.matches(corpus, opts.batch_words)
        ):
            recording = None
        self.schedule = Schedule.of(self.cfg, state.total_words, state.epochs)
        tables = kernel_tables(
            self.cfg, self.vocab, self.weights, self.schedule, self.cfg.compute_loss
        )
        result = TrainResult(threads=opts.threads)
        result.epochs = [EpochStats(**e) for e in state.finished]
        cache: list[Chunk] | None = [] if self._cache_ids(corpus, recording, state) else None
        first_epoch = state.epoch
        self._saved = (time.monotonic(), state.done)
        bar = _progress_bar(state.total_words, opts.progress, initial=state.done)
        self.callbacks.train_begin()
        on_start()
        stop = StopFlag()
        try:
            with stop:
                while state.epoch < state.epochs:
                    replay = cache is not None and state.epoch > first_epoch
                    if not replay and recording is not None:
                        chunks: Iterable[Chunk] = recording.chunks_for(self.vocab)
                        recording = None
                        self._epoch(tables, state, chunks, cache, bar, stop)
                    elif replay:
                        assert cache is not None
                        self._epoch(tables, state, cache, None, bar, stop)
                    else:
                        self._streamed_epoch(corpus, tables, state, cache, bar, stop)
                    stats = state.close_epoch(opts.epochs_before, self.schedule)
                    result.epochs.append(stats)
                    if stats.words == 0:
                        raise ValueError(
                            f"{describe}: no in-vocabulary words in this corpus; "
                            "was the vocabulary built from a different corpus?"
                        )
                    on_epoch()
                    self.callbacks.epoch_end(stats)
        except KeyboardInterrupt:
            # After a second signal tore a kernel call, part of a chunk is in the weights
            # but recorded nowhere: the state can then not be resumed.
            self.torn = stop.torn
            raise
        finally:
            if bar is not None:
                bar.close()
        return result

    def _cache_ids(self, corpus: Any, recording: Recording | None, state: Progress) -> bool:
        """Whether epochs after the first replay the encoded chunks of the first.

        Replaying spares reading and tokenising again: the producer would otherwise take CPU
        from the kernel threads. Only files (and integer CSR arrays or .npy files) are cached
        automatically: a Python iterable may yield something else each epoch on purpose
        (reshuffled sentences), so it is re-read unless asked. A recording is already in
        memory: keeping its chunks costs nothing.
        """
        cache_ids = self.cfg.cache_ids
        if cache_ids is None:
            cache_ids = recording is not None or (
                (isinstance(corpus, PathCorpus) or getattr(corpus, "fixed", False))
                and 4 * self.vocab.total_words <= self.cfg.id_cache_bytes
            )
        return bool(cache_ids) and state.epochs - state.epoch > 1

    def _streamed_epoch(
        self,
        corpus: Any,
        tables: Any,
        state: Progress,
        cache: list[Chunk] | None,
        bar: Any,
        stop: Any,
    ) -> None:
        """One epoch read and encoded by a producer thread while the kernel trains."""
        batch = self.options.batch_words
        if isinstance(corpus, IntTrainingCorpus):  # ids mapped to rows in C
            chunks, ours = corpus.chunks(batch), True
        else:  # the C tokeniser needs no dict of the words (300 MB for 4M of them)
            ours = uses_c_tokenizer(corpus)
            index = None if ours else self.vocab.index
            chunks = id_chunks(corpus, self.vocab.words, index, batch)
        # Only fastw2v's own producers run nicer: a user's iterable may start threads or
        # processes, which would inherit the niceness for good.
        prefetch = _Prefetch(chunks, nicer=ours)
        try:
            self._epoch(tables, state, prefetch, cache, bar, stop)
        finally:
            prefetch.close()

    def _epoch(
        self,
        tables: Any,
        state: Progress,
        chunks: Iterable[Chunk],
        cache: list[Chunk] | None,
        bar: Any,
        stop: Any,
    ) -> None:
        """Train the chunks of one epoch that ``state`` has not trained yet."""
        opts = self.options
        t0 = time.perf_counter() - state.seconds
        for chunk_no, (tokens, offsets) in enumerate(chunks):
            if cache is not None:
                cache.append((tokens, offsets))
            if chunk_no < state.chunk:
                continue  # trained before the checkpoint we resumed from
            self._train_chunk(tables, state, tokens, offsets, stop)
            if state.partial is None:
                state.chunk = chunk_no + 1
            state.seconds = time.perf_counter() - t0
            if opts.chunk_hook is not None:
                reported = opts.chunk_hook(state.local)
                if reported is not None:
                    state.done = int(reported)
            _show_progress(bar, state, self.schedule)
            if stop.requested:
                raise stop.exception()
            self._maybe_checkpoint(state)

    def _train_chunk(
        self,
        tables: Any,
        state: Progress,
        tokens: np.ndarray,
        offsets: np.ndarray,
        stop: StopFlag,
    ) -> None:
        """One kernel call, in :meth:`StopFlag.run` so that a signal stops it within a
        centre word; a chunk a stop left part trained continues where each shard stopped."""
        epoch = self.options.epochs_before + state.epoch
        seed = chunk_seed(self.options.seed, epoch, state.chunk)
        part = state.partial
        before = state.done if part is None else part["before"]
        try:
            *tallies, stopped_at = stop.run(
                tables.train_chunk,
                tokens,
                offsets,
                before,
                seed,
                self.options.threads,
                stop=stop.flag,
                resume_at=None if part is None else part["at"],
            )
        except FloatingPointError:
            raise FloatingPointError(
                f"training diverged in epoch {epoch + 1}: a weight became NaN or infinite; "
                f"lower alpha (now {self.schedule.alpha:g})"
            ) from None
        state.partial = None
        if stopped_at is not None:
            state.partial = {"before": before, "at": stopped_at.tolist()}
        state.add_chunk(tuple(tallies))

    def _maybe_checkpoint(self, state: Progress) -> None:
        opts = self.options
        if opts.checkpoint is None:
            return
        last_save, words_at_save = self._saved
        if _due(opts.checkpoint_words, state.done - words_at_save) or _due(
            opts.checkpoint_seconds, time.monotonic() - last_save
        ):
            opts.checkpoint(asdict(state))
            self._saved = (time.monotonic(), state.done)


#: How much nicer than the process the producer thread runs (Linux). At equal priority it
#: takes a core from a kernel thread in the middle of a chunk, and the other threads wait
#: for that shard at the chunk's end; nicer, it runs mostly in the gaps they leave. On the
#: 70M-word text8-format corpus, 2 threads on 2 cores, CBOW, streamed: 14.9 s of
#: training at equal priority, 11.0 s at +10, 9.6 s from the id cache (benchmarks/README.md,
#: "Streaming").
PRODUCER_NICENESS = 10


def _be_nicer(by: int) -> None:
    """Lower the calling thread's priority by ``by`` (Linux keeps a niceness per thread;
    elsewhere the call would name a process, so nothing is done)."""
    if not sys.platform.startswith("linux") or not hasattr(threading, "get_native_id"):
        return
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + by))
    except OSError:  # not permitted in this sandbox: run at the process's priority
        pass


class _Prefetch:
    """Run an iterator in a background thread, ``depth`` items ahead of the consumer.

    The kernel releases the GIL, so reading and encoding the next chunk overlaps training.
    With ``nicer`` (fastw2v's C readers) the thread runs nicer than the kernel threads
    (``PRODUCER_NICENESS``). An exception in the producer is re-raised in the consumer.
    """

    _DONE = object()

    def __init__(self, it: Iterator[Any], depth: int = 2, nicer: bool = False) -> None:
        self._nicer = nicer
        self._q: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(it,), daemon=True)
        self._thread.start()

    def _run(self, it: Iterator[Any]) -> None:
        try:
            if self._nicer:
                _be_nicer(PRODUCER_NICENESS)
            for item in it:
                while not self._stop.is_set():
                    try:
                        self._q.put((None, item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._q.put((None, self._DONE))
        except BaseException as exc:  # handed to the consumer
            self._q.put((exc, None))

    def __iter__(self) -> Iterator[Any]:
        while True:
            exc, item = self._q.get()
            if exc is not None:
                raise exc
            if item is self._DONE:
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._q.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)


def _check_checkpoint(
    checkpoint: Any, checkpoint_words: int | None, checkpoint_seconds: float | None
) -> None:
    if checkpoint is not None:
        if checkpoint_words is None and checkpoint_seconds is None:
            raise ValueError("checkpoint needs checkpoint_words or checkpoint_seconds")
        check_writable(checkpoint)
    for name, value in (
        ("checkpoint_words", checkpoint_words),
        ("checkpoint_seconds", checkpoint_seconds),
    ):
        if value is not None and not value > 0:
            raise ValueError(f"{name} must be > 0, got {value}")


def _due(every: float | None, elapsed: float) -> bool:
    return every is not None and elapsed >= every


def _show_progress(bar: Any, state: Progress, schedule: Schedule) -> None:
    if bar is None:
        return
    bar.update(state.done - bar.n)
    alpha = schedule.rate(state.done)
    text = f"epoch {state.epoch + 1}/{state.epochs}, alpha {alpha:.5f}"
    if state.terms:
        text += f", loss {state.loss / state.terms:.4f}"
    bar.set_postfix_str(text, refresh=False)


def _progress_bar(total: int, show: bool, initial: int = 0) -> Any:
    if not show:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency, but keep training if it is missing
        return None
    return tqdm(
        total=total,
        initial=initial,
        unit="w",
        unit_scale=True,
        file=sys.stderr,
        mininterval=0.5,
        dynamic_ncols=True,
        desc="training",
    )
