"""Word2Vec: vocabulary, weights, the epoch loop, learning-rate schedule, progress, callbacks.

Training streams the corpus: a producer thread tokenises and id-encodes the next chunk of
sentences (fastw2v.encoding: in C without the GIL for files) while the C kernel, which
releases the GIL too, trains on the current one. Only fixed-size chunks are ever held in
memory.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fastw2v import _train
from fastw2v._atomic import atomic_write, check_writable
from fastw2v._stop import StopFlag
from fastw2v.config import ID_CACHE_AUTO_BYTES, MAX_SOFTMAX_VOCAB, TrainConfig
from fastw2v.corpus import PathCorpus, as_corpus
from fastw2v.encoding import Recording, count_and_record, id_chunks
from fastw2v.vocab import Vocab

if TYPE_CHECKING:
    from fastw2v.vectors import KeyedVectors

#: Version of the ``Word2Vec.save`` file layout.
MODEL_FORMAT_VERSION = 1


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


@dataclass
class _Progress:
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

    def close_epoch(self, epochs_before: int, alpha0: float, alpha1: float) -> EpochStats:
        stats = EpochStats(
            epoch=epochs_before + self.epoch + 1,
            words=self.words,
            kept_words=self.kept,
            examples=self.examples,
            loss=self.loss / self.terms if self.terms else float("nan"),
            loss_sum=self.loss,
            loss_terms=self.terms,
            seconds=self.seconds,
            alpha_end=_alpha_at(alpha0, alpha1, self.done, self.total_words),
        )
        self.finished.append(asdict(stats))
        self.epoch += 1
        self.chunk = 0
        self.loss, self.terms, self.words, self.kept, self.examples = 0.0, 0, 0, 0, 0
        self.seconds = 0.0
        return stats


class Callback:
    """Base class for training callbacks; override the hooks you need.

    A plain callable ``f(model, stats)`` is accepted too and called at each epoch's end.
    """

    def on_train_begin(self, model: Word2Vec) -> None:  # noqa: B027 - optional hook
        pass

    def on_epoch_end(self, model: Word2Vec, stats: EpochStats) -> None:  # noqa: B027
        pass

    def on_train_end(self, model: Word2Vec, result: TrainResult) -> None:  # noqa: B027
        pass


class _Prefetch:
    """Run an iterator in a background thread, ``depth`` items ahead of the consumer.

    The kernel releases the GIL, so reading and encoding the next chunk overlaps training.
    An exception in the producer is re-raised in the consumer.
    """

    _DONE = object()

    def __init__(self, it: Iterator[Any], depth: int = 2) -> None:
        self._q: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(it,), daemon=True)
        self._thread.start()

    def _run(self, it: Iterator[Any]) -> None:
        try:
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


class Word2Vec:
    """Train word vectors with skip-gram or CBOW, negative sampling and/or hierarchical softmax.

    Parameters
    ----------
    sentences : path or iterable of list of str, optional
        The corpus: a text file (one sentence per line, or text8's single line), a
        gzip/bz2/xz compressed file, a directory of such files, or a restartable iterable
        of token lists. If given, the vocabulary is built and the model trained at once.
    corpus_file : path, optional
        Same as passing a path as ``sentences`` (gensim's spelling).
    progress : bool
        Show a progress bar on stderr (words/s, % done, learning rate, loss).
    callbacks : sequence
        :class:`Callback` objects or callables ``f(model, stats)`` run at each epoch's end.
    **params
        Training parameters, see :class:`fastw2v.config.TrainConfig` (``vector_size``,
        ``window``, ``sg``, ``hs``, ``negative``, ``sample``, ``min_count``, ``epochs``,
        ``workers``, ``seed``, ...).

    Examples
    --------
    >>> model = Word2Vec("text8", vector_size=100, sg=1, epochs=5)  # doctest: +SKIP
    >>> model.wv.most_similar("king")  # doctest: +SKIP
    """

    def __init__(
        self,
        sentences: Any = None,
        *,
        corpus_file: str | os.PathLike[str] | None = None,
        progress: bool = True,
        callbacks: Sequence[Any] = (),
        **params: Any,
    ) -> None:
        if "threads" in params:  # word2vec.c's name
            params["workers"] = params.pop("threads")
        if "size" in params:
            params["vector_size"] = params.pop("size")
        if "iter" in params:
            params["epochs"] = params.pop("iter")
        unknown = set(params) - set(TrainConfig.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown training parameter(s): {', '.join(sorted(unknown))}")
        self.config = TrainConfig(**params)
        self.progress = progress
        self.callbacks = list(callbacks)
        self.vocab: Vocab | None = None
        self.w_in: np.ndarray | None = None
        self.w_out_ns: np.ndarray | None = None
        self.w_out_hs: np.ndarray | None = None
        self.w_out_sm: np.ndarray | None = None
        self.epochs_trained = 0
        self.last_result: TrainResult | None = None
        self._resume: dict[str, Any] | None = None  # an interrupted train() call's _Progress
        self._wv: KeyedVectors | None = None
        self._recording: Recording | None = None  # the corpus build_vocab counted, encoded
        source = _pick_source(sentences, corpus_file)
        if source is not None:
            self.build_vocab(source)
            self.train(source)

    # ------------------------------------------------------------------ vocabulary

    def build_vocab(
        self, sentences: Any = None, *, corpus_file: Any = None, vocab: Vocab | None = None
    ) -> Vocab:
        """Count the corpus, build the vocabulary and initialise the weights.

        Parameters
        ----------
        sentences, corpus_file
            The corpus, as for the constructor.
        vocab : Vocab, optional
            Use this vocabulary instead of counting (e.g. one read with ``Vocab.load``).
        """
        cfg = self.config
        self._recording = None
        if vocab is None:
            source = _pick_source(sentences, corpus_file)
            if source is None:
                raise ValueError("build_vocab needs a corpus (sentences or corpus_file) or a vocab")
            corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
            if (
                isinstance(corpus, PathCorpus)
                and cfg.max_vocab_size is None
                and cfg.cache_ids is not False
            ):
                # Counting looks every token up anyway: keeping the ids it finds costs
                # little, and spares the first epoch reading and tokenising the text again
                # (a producer thread that would take CPU from the kernel threads).
                budget = ID_CACHE_AUTO_BYTES if cfg.cache_ids is None else None
                counts, recording = count_and_record(corpus, cfg.batch_words, budget)
                vocab = Vocab._from_corpus_counts(
                    counts, corpus, min_count=cfg.min_count, max_size=cfg.max_final_vocab
                )
                if recording is not None:
                    recording.bind(vocab.index)  # the vocabulary is final: map it now
                self._recording = recording
            else:
                vocab = Vocab.build(
                    corpus,
                    min_count=cfg.min_count,
                    max_size=cfg.max_final_vocab,
                    max_vocab_size=cfg.max_vocab_size,
                )
        if self.config.softmax and len(vocab) > MAX_SOFTMAX_VOCAB:
            raise ValueError(
                f"softmax=True with {len(vocab):,} words would be hopelessly slow (every example "
                f"touches every output row; the limit is {MAX_SOFTMAX_VOCAB:,} words): use "
                "negative sampling (negative=5) or hierarchical softmax (hs=True) instead, "
                "or raise min_count"
            )
        self.vocab = vocab
        self._init_weights()
        return vocab

    def _init_weights(self) -> None:
        """word2vec.c's initialisation: input rows uniform in [-0.5, 0.5) / dim, outputs zero."""
        assert self.vocab is not None
        V, dim = len(self.vocab), self.config.vector_size
        rng = np.random.default_rng(self.config.seed)
        self.w_in = (rng.random((V, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim)
        self.w_out_ns = np.zeros((V, dim), np.float32) if self.config.negative > 0 else None
        self.w_out_hs = np.zeros((max(V - 1, 1), dim), np.float32) if self.config.hs else None
        self.w_out_sm = np.zeros((V, dim), np.float32) if self.config.softmax else None
        self.epochs_trained = 0
        self._wv = None

    # ------------------------------------------------------------------ training

    def _kernel_tables(self, total_words: int, compute_loss: bool) -> _train.KernelTables:
        cfg, vocab = self.config, self.vocab
        assert vocab is not None and self.w_in is not None
        prob = alias = codes = points = offsets = None
        if cfg.negative > 0:
            prob, alias = vocab.alias_table(cfg.ns_exponent)
        if cfg.hs:
            tree = vocab.huffman()
            codes, points, offsets = tree.codes, tree.points, tree.offsets
        keep = vocab.keep_probs(cfg.sample) if cfg.sample > 0 else None
        return _train.KernelTables(
            self.w_in,
            self.w_out_ns,
            self.w_out_hs,
            keep,
            prob,
            alias,
            codes,
            points,
            offsets,
            sg=int(cfg.sg),
            cbow_mean=int(cfg.cbow_mean),
            window=cfg.window,
            negative=cfg.negative,
            hs=int(cfg.hs),
            batched=int(cfg.kernel == "batched" or (cfg.kernel == "auto" and not cfg.hs)),
            compute_loss=int(compute_loss),
            alpha=cfg.learning_rate,
            min_alpha=cfg.final_learning_rate,
            total_words=total_words,
            w_out_sm=self.w_out_sm,
        )

    def train(
        self,
        sentences: Any = None,
        *,
        corpus_file: Any = None,
        epochs: int | None = None,
        progress: bool | None = None,
        callbacks: Sequence[Any] | None = None,
        total_words: int | None = None,
        chunk_hook: Callable[[int], int | None] | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_words: int | None = None,
        checkpoint_seconds: float | None = None,
        resume: bool = False,
    ) -> TrainResult:
        """Train for ``epochs`` passes (default: the configured number) over the corpus.

        The learning rate decays linearly from ``alpha`` to ``min_alpha`` over this call's
        epochs. Calling ``train`` again continues from the current weights.

        Ctrl-C (SIGINT), SIGTERM or SIGHUP stops training within a centre word (the kernel
        polls a stop flag) and raises :class:`fastw2v._stop.Interrupted`, a
        :class:`KeyboardInterrupt`; the model is then consistent and ``save`` writes a
        checkpoint that ``train(..., resume=True)`` continues, with one thread to the bit as
        if never stopped. A second signal raises at once (the model can then not resume).

        Parameters
        ----------
        sentences, corpus_file
            The corpus, as for the constructor.
        epochs : int, optional
            Passes over the corpus (default: ``config.epochs``).
        progress : bool, optional
            Override the model's progress-bar setting for this call.
        callbacks : sequence, optional
            Override the model's callbacks for this call.
        total_words : int, optional
            Words the learning-rate schedule spans (default: vocabulary total x epochs).
            Distributed training passes the global count here.
        chunk_hook : callable, optional
            Called between chunks with the words this process has trained so far in this
            call; it may synchronise the weights (it runs while no kernel does) and may
            return the words trained so far by all processes, which then positions the
            learning rate. Used by :mod:`fastw2v.distributed`.
        checkpoint : path, optional
            Save the model here (atomically, as :meth:`save` does) every
            ``checkpoint_words`` trained words and/or ``checkpoint_seconds`` seconds.
        checkpoint_words, checkpoint_seconds : optional
            How often to checkpoint; at least one is needed with ``checkpoint``.
        resume : bool
            Continue the interrupted ``train`` call recorded in this model (one loaded from
            a checkpoint, or one whose training was interrupted): same corpus, the epochs
            and learning-rate schedule of that call, from the chunk where it stopped.

        Returns
        -------
        TrainResult
            Per-epoch words, loss and timing.
        """
        if self.vocab is None or self.w_in is None:
            raise RuntimeError(
                "call build_vocab() before train(), or pass the corpus to Word2Vec()"
            )
        source = _pick_source(sentences, corpus_file)
        if source is None:
            raise ValueError("train needs a corpus (sentences or corpus_file)")
        cfg = self.config
        if resume:
            if self._resume is None:
                raise ValueError(
                    "nothing to resume: this model holds no interrupted training "
                    "(load a checkpoint written during train())"
                )
            state = _Progress(**self._resume)
        else:
            n_epochs = cfg.epochs if epochs is None else epochs
            if isinstance(n_epochs, bool) or not isinstance(n_epochs, int) or n_epochs < 1:
                raise ValueError(f"epochs must be an integer >= 1, got {n_epochs!r}")
            total = self.vocab.total_words * n_epochs if total_words is None else total_words
            state = _Progress(epochs=n_epochs, total_words=int(total))
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
        show = self.progress if progress is None else progress
        cbs = self.callbacks if callbacks is None else list(callbacks)
        threads = cfg.threads
        if threads > 1 and not _train.build_info()["openmp"]:
            warnings.warn(
                "fastw2v was built without OpenMP: training runs on one thread", stacklevel=2
            )
            threads = 1

        corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
        # The corpus build_vocab counted and recorded, if this is the same text cut the
        # same way; it is handed out once, whatever this call does.
        recording, self._recording = self._recording, None
        if recording is not None and not (
            isinstance(corpus, PathCorpus) and recording.matches(corpus, cfg.batch_words)
        ):
            recording = None
        tables = self._kernel_tables(state.total_words, cfg.compute_loss)
        result = TrainResult(threads=threads)
        result.epochs = [EpochStats(**e) for e in state.finished]
        alpha0, alpha1 = cfg.learning_rate, cfg.final_learning_rate
        bar = _progress_bar(state.total_words, show, initial=state.done)
        for cb in cbs:
            if hasattr(cb, "on_train_begin"):
                cb.on_train_begin(self)
        # Epochs after the first replay the encoded chunks of the first instead of reading
        # and tokenising again: the producer would otherwise take CPU from the kernel
        # (about 0.4 s of one core per 17M words in C, several times that for iterables).
        # Only files are cached automatically: a Python iterable may yield something else
        # each epoch on purpose (reshuffled sentences), so it is re-read unless asked.
        # A recording is already in memory: keeping its chunks for later epochs costs nothing.
        cache_ids = cfg.cache_ids
        if cache_ids is None:
            cache_ids = recording is not None or (
                isinstance(corpus, PathCorpus) and 4 * self.vocab.total_words <= ID_CACHE_AUTO_BYTES
            )
        cache_ids = cache_ids and state.epochs - state.epoch > 1
        cache: list[tuple[np.ndarray, np.ndarray]] | None = [] if cache_ids else None
        first_epoch = state.epoch
        last_save, words_at_save = time.monotonic(), state.done
        stop = StopFlag()
        self._resume = None
        try:
            with stop:
                while state.epoch < state.epochs:
                    t0 = time.perf_counter() - state.seconds
                    replay = cache is not None and state.epoch > first_epoch
                    prefetch = None
                    chunks: Iterable[tuple[np.ndarray, np.ndarray]]
                    if cache is not None and replay:
                        chunks = cache
                    elif recording is not None:
                        chunks = recording.chunks(self.vocab.index)
                        recording = None
                    else:
                        prefetch = _Prefetch(
                            id_chunks(corpus, self.vocab.words, self.vocab.index, cfg.batch_words)
                        )
                        chunks = prefetch
                    try:
                        for chunk_no, (tokens, offsets) in enumerate(chunks):
                            if cache is not None and not replay:
                                cache.append((tokens, offsets))
                            if chunk_no < state.chunk:
                                continue  # trained before the checkpoint we resumed from
                            self._train_chunk(tables, state, tokens, offsets, threads, stop)
                            if state.partial is None:
                                state.chunk = chunk_no + 1
                            state.seconds = time.perf_counter() - t0
                            if chunk_hook is not None:
                                reported = chunk_hook(state.local)
                                if reported is not None:
                                    state.done = int(reported)
                            _show_progress(bar, state, alpha0, alpha1)
                            if stop.requested:
                                raise stop.exception()
                            if checkpoint is not None and (
                                _due(checkpoint_words, state.done - words_at_save)
                                or _due(checkpoint_seconds, time.monotonic() - last_save)
                            ):
                                self._resume = asdict(state)
                                self.save(checkpoint)
                                self._resume = None
                                last_save, words_at_save = time.monotonic(), state.done
                    finally:
                        if prefetch is not None:
                            prefetch.close()
                    stats = state.close_epoch(self.epochs_trained, alpha0, alpha1)
                    result.epochs.append(stats)
                    if stats.words == 0:
                        raise ValueError(
                            f"{_describe(source)}: no in-vocabulary words in this corpus; "
                            "was the vocabulary built from a different corpus?"
                        )
                    self._wv_reset()
                    for cb in cbs:
                        if hasattr(cb, "on_epoch_end"):
                            cb.on_epoch_end(self, stats)
                        elif callable(cb):
                            cb(self, stats)
        except KeyboardInterrupt:
            # The weights hold every chunk counted in `state` (and the part of one it records
            # in state.partial): record where training stood, so that save() writes a
            # checkpoint that train(resume=True) continues. Not after a second signal
            # tore a kernel call: its part of a chunk is in the weights, but nowhere else.
            self._resume = None if stop.torn else asdict(state)
            raise
        finally:
            if bar is not None:
                bar.close()
            self._wv_reset()
        self.epochs_trained += state.epochs
        self.last_result = result
        for cb in cbs:
            if hasattr(cb, "on_train_end"):
                cb.on_train_end(self, result)
        return result

    def _train_chunk(
        self,
        tables: _train.KernelTables,
        state: _Progress,
        tokens: np.ndarray,
        offsets: np.ndarray,
        threads: int,
        stop: StopFlag,
    ) -> None:
        seed = _chunk_seed(self.config.seed, self.epochs_trained + state.epoch, state.chunk)
        part = state.partial
        before = state.done if part is None else part["before"]
        try:
            c_loss, c_terms, c_words, c_kept, c_ex, stopped_at = stop.run(
                tables.train_chunk,
                tokens,
                offsets,
                before,
                seed,
                threads,
                stop=stop.flag,
                resume_at=None if part is None else part["at"],
            )
        except FloatingPointError:
            raise FloatingPointError(
                f"training diverged in epoch {self.epochs_trained + state.epoch + 1}: a weight "
                f"became NaN or infinite; lower alpha (now {self.config.learning_rate})"
            ) from None
        state.partial = None
        if stopped_at is not None:
            state.partial = {"before": before, "at": stopped_at.tolist()}
        state.done += c_words
        state.local += c_words
        state.loss += c_loss
        state.terms += c_terms
        state.words += c_words
        state.kept += c_kept
        state.examples += c_ex

    # ------------------------------------------------------------------ vectors

    @property
    def wv(self) -> KeyedVectors:
        """The trained word vectors (a view of the input matrix, not a copy)."""
        from fastw2v.vectors import KeyedVectors

        if self.vocab is None or self.w_in is None:
            raise RuntimeError("the model has no vocabulary yet: build_vocab() or train() first")
        if self._wv is None:
            self._wv = KeyedVectors(self.vocab.words, self.w_in, self.vocab.counts)
        return self._wv

    def _wv_reset(self) -> None:
        if self._wv is not None:
            self._wv.reset_norms()

    def predict_output_word(
        self, context_words: Sequence[str], topn: int | None = 10
    ) -> list[tuple[str, float]]:
        """Probability distribution of the centre word given its context: the network itself.

        The hidden layer is the mean of the context words' input vectors (as in CBOW); the
        output layer is the one the model was trained with:

        - full softmax: the exact ``softmax(W_out h)``;
        - hierarchical softmax: the product of the sigmoids along each word's Huffman path
          (exact, and it sums to one over the vocabulary);
        - negative sampling: ``softmax(W_out h)`` over the noise-contrastive output vectors,
          an approximation, since that objective never normalises (gensim does the same).

        When several output layers were trained, the full softmax is preferred, then the
        hierarchical one.

        Parameters
        ----------
        context_words : sequence of str
            Words around the position to predict; unknown words are ignored.
        topn : int or None
            How many of the most probable words to return; None for all, in vocabulary order.

        Returns
        -------
        list of (str, float)
            Words and probabilities, most probable first.
        """
        if self.vocab is None or self.w_in is None:
            raise RuntimeError("the model has no vocabulary yet")
        if isinstance(context_words, str):
            context_words = [context_words]
        ids = [self.vocab.index[w] for w in context_words if w in self.vocab.index]
        if not ids:
            raise KeyError(
                f"none of the context words is in the vocabulary: {list(context_words)!r}"
            )
        h = self.w_in[ids].astype(np.float64).mean(axis=0)
        if self.w_out_sm is not None:
            probs = _softmax(self.w_out_sm @ h)
        elif self.w_out_hs is not None:
            tree = self.vocab.huffman()
            f = self.w_out_hs.astype(np.float64) @ h
            sign = 1.0 - 2.0 * tree.codes.astype(np.float64)  # label 1 - code, as +-1
            # log sigmoid(sign * f) along each path, summed per word
            logp_nodes = -np.logaddexp(0.0, -sign * f[tree.points])
            logp = np.zeros(len(self.vocab))
            lengths = np.diff(tree.offsets)
            nonempty = lengths > 0
            if logp_nodes.size:
                sums = np.add.reduceat(logp_nodes, tree.offsets[:-1][nonempty])
                logp[nonempty] = sums
            probs = np.exp(logp)
        else:
            assert self.w_out_ns is not None
            probs = _softmax(self.w_out_ns @ h)
        words = self.vocab.words
        if topn is None:
            return [(words[i], float(probs[i])) for i in range(len(words))]
        k = min(int(topn), len(words))
        best = np.argpartition(-probs, k - 1)[:k] if k < len(words) else np.arange(len(words))
        best = best[np.argsort(-probs[best], kind="stable")]
        return [(words[i], float(probs[i])) for i in best]

    def save_word2vec_format(self, path: str | os.PathLike[str], binary: bool = False) -> None:
        """Write the vectors in word2vec.c's text or binary format (atomically)."""
        self.wv.save_word2vec_format(path, binary=binary)

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the whole model (vocabulary, both layers, parameters) to continue training later.

        The file is a NumPy ``.npz`` archive without pickled objects, written atomically.
        """
        if self.vocab is None or self.w_in is None:
            raise RuntimeError("nothing to save: the model has no vocabulary yet")
        # surrogateescape: vocabularies read from word2vec.c files may hold undecodable bytes
        words_utf8 = [w.encode("utf-8", "surrogateescape") for w in self.vocab.words]
        lengths = np.fromiter((len(b) for b in words_utf8), dtype=np.int64, count=len(words_utf8))
        meta = {
            "format": "fastw2v-model",
            "version": MODEL_FORMAT_VERSION,
            "config": self.config.to_dict(),
            "epochs_trained": self.epochs_trained,
            "resume": self._resume,
        }
        arrays: dict[str, np.ndarray] = {
            "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            "words_utf8": np.frombuffer(b"".join(words_utf8), dtype=np.uint8),
            "word_lengths": lengths,
            "counts": self.vocab.counts,
            "w_in": self.w_in,
        }
        if self.w_out_ns is not None:
            arrays["w_out_ns"] = self.w_out_ns
        if self.w_out_hs is not None:
            arrays["w_out_hs"] = self.w_out_hs
        if self.w_out_sm is not None:
            arrays["w_out_sm"] = self.w_out_sm
        with atomic_write(path, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]  # (stubs: a key could be allow_pickle)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Word2Vec:
        """Load a model (or checkpoint) written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``path`` does not exist.
        ValueError
            If the file is not a fastw2v model, or is damaged: the message names the file.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"model file not found: {path}")
        try:
            return cls._load(path)
        except ValueError as exc:
            if str(exc).startswith(str(path)):
                raise
            raise ValueError(f"{path}: cannot load model: {exc}") from exc
        except Exception as exc:
            # A damaged archive makes np.load raise whatever zipfile, zlib or numpy's header
            # parser meets first (BadZipFile, EOFError, NotImplementedError, SyntaxError...).
            reason = f"{type(exc).__name__}: {exc}"
            raise ValueError(f"{path}: not a readable fastw2v model ({reason})") from exc

    @classmethod
    def _load(cls, path: Path) -> Word2Vec:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            if not isinstance(meta, dict) or meta.get("format") != "fastw2v-model":
                raise ValueError("not a fastw2v model")
            version = meta.get("version")
            if not isinstance(version, int) or version > MODEL_FORMAT_VERSION:
                raise ValueError(f"written by a newer fastw2v (format {version!r})")
            lengths = np.asarray(z["word_lengths"])
            blob = bytes(z["words_utf8"])
            if lengths.ndim != 1 or lengths.dtype.kind not in "iu" or np.any(lengths < 0):
                raise ValueError("word lengths are damaged")
            if int(lengths.sum()) != len(blob):
                raise ValueError("word lengths do not match the stored words")
            ends = np.cumsum(lengths)
            words = [
                blob[s:e].decode("utf-8", "surrogateescape")
                for s, e in zip((ends - lengths).tolist(), ends.tolist())
            ]
            counts = np.array(z["counts"], dtype=np.int64)
            arrays = {
                name: np.ascontiguousarray(z[name], dtype=np.float32) if name in z else None
                for name in ("w_in", "w_out_ns", "w_out_hs", "w_out_sm")
            }
        config = meta.get("config")
        if not isinstance(config, dict) or set(config) - set(TrainConfig.__dataclass_fields__):
            raise ValueError("the saved parameters are damaged")
        model = cls(progress=False, **config)
        cfg = model.config
        w_in = arrays["w_in"]
        if w_in is None or w_in.shape != (len(words), cfg.vector_size):
            shape = None if w_in is None else w_in.shape
            raise ValueError(
                f"input matrix has shape {shape}, expected ({len(words)}, {cfg.vector_size})"
            )
        if counts.shape != (len(words),):
            raise ValueError(f"{len(counts)} counts for {len(words)} words")
        w_ns, w_hs, w_sm = arrays["w_out_ns"], arrays["w_out_hs"], arrays["w_out_sm"]
        if (
            (w_ns is None) != (cfg.negative == 0)
            or (w_hs is None) == bool(cfg.hs)
            or (w_sm is None) == bool(cfg.softmax)
        ):
            raise ValueError("output layers do not match the saved parameters")
        for name, rows, m in (
            ("w_out_ns", len(words), w_ns),
            ("w_out_hs", max(len(words) - 1, 1), w_hs),
            ("w_out_sm", len(words), w_sm),
        ):
            if m is not None and m.shape != (rows, cfg.vector_size):
                raise ValueError(
                    f"{name} has shape {m.shape}, expected ({rows}, {cfg.vector_size})"
                )
        resume = meta.get("resume")
        if resume is not None:
            try:
                _Progress(**resume)
            except TypeError:
                raise ValueError("the saved training state is damaged") from None
        model.vocab = Vocab(words, counts)
        model.w_in, model.w_out_ns, model.w_out_hs, model.w_out_sm = w_in, w_ns, w_hs, w_sm
        model.epochs_trained = int(meta.get("epochs_trained", 0))
        model._resume = resume
        return model

    def __repr__(self) -> str:
        c = self.config
        arch = "skip-gram" if c.sg else "CBOW"
        layers = (("softmax", c.softmax), ("hs", c.hs), (f"neg{c.negative}", c.negative > 0))
        out = "+".join(x for x, on in layers if on)
        size = len(self.vocab) if self.vocab is not None else 0
        return (
            f"Word2Vec({arch}, {out}, vocab={size}, dim={c.vector_size}, "
            f"epochs_trained={self.epochs_trained})"
        )


# ---------------------------------------------------------------------- helpers


def _pick_source(sentences: Any, corpus_file: Any) -> Any:
    if sentences is not None and corpus_file is not None:
        raise ValueError("pass either sentences or corpus_file, not both")
    return corpus_file if corpus_file is not None else sentences


def _describe(source: Any) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return f"corpus {type(source).__name__}"


def _due(every: float | None, elapsed: float) -> bool:
    return every is not None and elapsed >= every


def _show_progress(bar: Any, state: _Progress, alpha0: float, alpha1: float) -> None:
    if bar is None:
        return
    bar.update(state.done - bar.n)
    alpha = _alpha_at(alpha0, alpha1, state.done, state.total_words)
    text = f"epoch {state.epoch + 1}/{state.epochs}, alpha {alpha:.5f}"
    if state.terms:
        text += f", loss {state.loss / state.terms:.4f}"
    bar.set_postfix_str(text, refresh=False)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z.astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def _alpha_at(a0: float, a1: float, done: int, total: int) -> float:
    return a0 - (a0 - a1) * min(1.0, done / max(total, 1))


def _chunk_seed(seed: int, epoch: int, chunk: int) -> int:
    """A distinct, reproducible seed per (run seed, epoch, chunk); the kernel adds the thread."""
    return ((seed * 1_000_003 + epoch) * 1_000_003 + chunk) & 0xFFFFFFFFFFFFFFFF


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
