"""Word2Vec: vocabulary, weights, the epoch loop, learning-rate schedule, progress, callbacks.

Training streams the corpus: a producer thread tokenises and id-encodes the next chunk of
sentences while the C kernel, which releases the GIL, trains on the current one. Only
fixed-size chunks are ever held in memory.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fastw2v import _train
from fastw2v._atomic import atomic_write
from fastw2v.config import ID_CACHE_AUTO_BYTES, MAX_SOFTMAX_VOCAB, TrainConfig
from fastw2v.corpus import as_corpus
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


def _chunks(
    corpus: Iterable[list[str]], index: dict[str, int], chunk_words: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Encode sentences into (ids, sentence offsets) chunks of about ``chunk_words`` raw tokens."""
    get = index.get
    missing = itertools.repeat(-1)
    ids: list[int] = []
    raw_ends: list[int] = []
    for sentence in corpus:
        ids.extend(map(get, sentence, missing))
        raw_ends.append(len(ids))
        if len(ids) >= chunk_words:
            yield _pack(ids, raw_ends)
            ids, raw_ends = [], []
    if raw_ends:
        yield _pack(ids, raw_ends)


def _pack(ids: list[int], raw_ends: list[int]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.array(ids, dtype=np.int32)
    keep = arr >= 0  # out-of-vocabulary words are dropped before windows are formed
    kept_before = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    offsets = np.concatenate(([0], kept_before[np.asarray(raw_ends, dtype=np.int64)]))
    return np.ascontiguousarray(arr[keep]), offsets.astype(np.int64)


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
        self._wv: KeyedVectors | None = None
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
        if vocab is None:
            source = _pick_source(sentences, corpus_file)
            if source is None:
                raise ValueError("build_vocab needs a corpus (sentences or corpus_file) or a vocab")
            corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
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
            batched=int(cfg.kernel == "batched"),
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
    ) -> TrainResult:
        """Train for ``epochs`` passes (default: the configured number) over the corpus.

        The learning rate decays linearly from ``alpha`` to ``min_alpha`` over this call's
        epochs. Calling ``train`` again continues from the current weights.

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
        n_epochs = cfg.epochs if epochs is None else epochs
        if isinstance(n_epochs, bool) or not isinstance(n_epochs, int) or n_epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1, got {n_epochs!r}")
        show = self.progress if progress is None else progress
        cbs = self.callbacks if callbacks is None else list(callbacks)
        threads = cfg.threads
        info = _train.build_info()
        if threads > 1 and not info["openmp"]:
            warnings.warn(
                "fastw2v was built without OpenMP: training runs on one thread", stacklevel=2
            )
            threads = 1

        corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
        total = self.vocab.total_words * n_epochs if total_words is None else int(total_words)
        tables = self._kernel_tables(total, cfg.compute_loss)
        result = TrainResult(threads=threads)
        alpha0, alpha1 = cfg.learning_rate, cfg.final_learning_rate
        bar = _progress_bar(total, show)
        for cb in cbs:
            if hasattr(cb, "on_train_begin"):
                cb.on_train_begin(self)
        # Epochs after the first replay the encoded chunks of the first instead of reading
        # and tokenising again: the producer would otherwise take CPU from the kernel.
        cache_ids = cfg.cache_ids
        if cache_ids is None:
            cache_ids = n_epochs > 1 and 4 * self.vocab.total_words <= ID_CACHE_AUTO_BYTES
        cache: list[tuple[np.ndarray, np.ndarray]] | None = [] if cache_ids else None
        done = 0  # words trained in this call: positions the learning rate
        local = 0  # words this process trained in this call
        try:
            for epoch in range(n_epochs):
                t0 = time.perf_counter()
                loss = 0.0
                terms = words = kept = examples = 0
                replay = cache is not None and epoch > 0
                prefetch = None
                if not replay:
                    prefetch = _Prefetch(_chunks(corpus, self.vocab.index, cfg.batch_words))
                chunks = iter(cache) if replay else prefetch
                try:
                    for chunk_no, (tokens, offsets) in enumerate(chunks):
                        if cache is not None and not replay:
                            cache.append((tokens, offsets))
                        seed = _chunk_seed(cfg.seed, self.epochs_trained + epoch, chunk_no)
                        try:
                            c_loss, c_terms, c_words, c_kept, c_ex = tables.train_chunk(
                                tokens, offsets, done, seed, threads
                            )
                        except FloatingPointError:
                            raise FloatingPointError(
                                f"training diverged in epoch {epoch + 1}: a weight became NaN or "
                                f"infinite; lower alpha (now {alpha0})"
                            ) from None
                        done += c_words
                        local += c_words
                        if chunk_hook is not None:
                            reported = chunk_hook(local)
                            if reported is not None:
                                done = int(reported)
                        loss += c_loss
                        terms += c_terms
                        words += c_words
                        kept += c_kept
                        examples += c_ex
                        if bar is not None:
                            bar.update(c_words)
                            bar.set_postfix_str(
                                f"epoch {epoch + 1}/{n_epochs}, "
                                f"alpha {_alpha_at(alpha0, alpha1, done, total):.5f}"
                                + (f", loss {loss / terms:.4f}" if terms else ""),
                                refresh=False,
                            )
                finally:
                    if prefetch is not None:
                        prefetch.close()
                stats = EpochStats(
                    epoch=self.epochs_trained + epoch + 1,
                    words=words,
                    kept_words=kept,
                    examples=examples,
                    loss=loss / terms if terms else float("nan"),
                    loss_sum=loss,
                    loss_terms=terms,
                    seconds=time.perf_counter() - t0,
                    alpha_end=_alpha_at(alpha0, alpha1, done, total),
                )
                result.epochs.append(stats)
                if words == 0:
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
        finally:
            if bar is not None:
                bar.close()
            self._wv_reset()
        self.epochs_trained += n_epochs
        self.last_result = result
        for cb in cbs:
            if hasattr(cb, "on_train_end"):
                cb.on_train_end(self, result)
        return result

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
            np.savez(fh, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Word2Vec:
        """Load a model written by :meth:`save`."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                if meta.get("format") != "fastw2v-model":
                    raise ValueError("not a fastw2v model")
                if meta.get("version", 0) > MODEL_FORMAT_VERSION:
                    raise ValueError(f"written by a newer fastw2v (format {meta['version']})")
                blob = bytes(z["words_utf8"])
                ends = np.cumsum(z["word_lengths"])
                starts = ends - z["word_lengths"]
                words = [
                    blob[s:e].decode("utf-8", "surrogateescape")
                    for s, e in zip(starts.tolist(), ends.tolist())
                ]
                counts = np.array(z["counts"], dtype=np.int64)
                w_in = np.ascontiguousarray(z["w_in"], dtype=np.float32)
                w_ns = np.ascontiguousarray(z["w_out_ns"], np.float32) if "w_out_ns" in z else None
                w_hs = np.ascontiguousarray(z["w_out_hs"], np.float32) if "w_out_hs" in z else None
                w_sm = np.ascontiguousarray(z["w_out_sm"], np.float32) if "w_out_sm" in z else None
        except (OSError, KeyError, ValueError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: cannot load model: {exc}") from exc
        model = cls(progress=False, **meta["config"])
        if w_in.shape != (len(words), model.config.vector_size) or counts.shape != (len(words),):
            raise ValueError(
                f"{path}: inconsistent model file (matrix shape {w_in.shape}, {len(words)} words)"
            )
        cfg = model.config
        if (
            (w_ns is None) != (cfg.negative == 0)
            or (w_hs is None) == bool(cfg.hs)
            or (w_sm is None) == bool(cfg.softmax)
        ):
            raise ValueError(f"{path}: output layers do not match the saved parameters")
        for name, m in (("w_out_ns", w_ns), ("w_out_hs", w_hs), ("w_out_sm", w_sm)):
            if m is not None and (m.ndim != 2 or m.shape[1] != cfg.vector_size):
                raise ValueError(
                    f"{path}: {name} has shape {m.shape}, expected (*, {cfg.vector_size})"
                )
        model.vocab = Vocab(words, counts)
        model.w_in, model.w_out_ns, model.w_out_hs, model.w_out_sm = w_in, w_ns, w_hs, w_sm
        model.epochs_trained = int(meta.get("epochs_trained", 0))
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


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z.astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def _alpha_at(a0: float, a1: float, done: int, total: int) -> float:
    return a0 - (a0 - a1) * min(1.0, done / max(total, 1))


def _chunk_seed(seed: int, epoch: int, chunk: int) -> int:
    """A distinct, reproducible seed per (run seed, epoch, chunk); the kernel adds the thread."""
    return ((seed * 1_000_003 + epoch) * 1_000_003 + chunk) & 0xFFFFFFFFFFFFFFFF


def _progress_bar(total: int, show: bool) -> Any:
    if not show:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency, but keep training if it is missing
        return None
    return tqdm(
        total=total,
        unit="w",
        unit_scale=True,
        file=sys.stderr,
        mininterval=0.5,
        dynamic_ncols=True,
        desc="training",
    )
