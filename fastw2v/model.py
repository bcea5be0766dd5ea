"""Word2Vec: the facade users train with.

Parameters become a :class:`~fastw2v.config.TrainConfig`; :meth:`Word2Vec.build_vocab` makes
the vocabulary (:mod:`fastw2v.vocab`) and the weights (:mod:`fastw2v.weights`);
:meth:`Word2Vec.train` hands both to a :class:`~fastw2v.trainer.Trainer`; the output layers
(:mod:`fastw2v.layers`) answer :meth:`Word2Vec.predict_output_word`; the file layout of
:meth:`Word2Vec.save` is :mod:`fastw2v.model_format`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fastw2v import _train, model_format
from fastw2v._atomic import check_writable
from fastw2v.config import ID_CACHE_AUTO_BYTES, MAX_SOFTMAX_VOCAB, TrainConfig
from fastw2v.corpus import PathCorpus, as_corpus
from fastw2v.encoding import Recording, count_and_record
from fastw2v.model_format import MODEL_FORMAT_VERSION
from fastw2v.trainer import (
    Callback,
    Callbacks,
    EpochStats,
    Progress,
    Trainer,
    TrainOptions,
    TrainResult,
)
from fastw2v.vocab import Vocab
from fastw2v.weights import Weights

if TYPE_CHECKING:
    from fastw2v.vectors import KeyedVectors

__all__ = ["MODEL_FORMAT_VERSION", "Callback", "EpochStats", "TrainResult", "Word2Vec"]

#: word2vec.c's (and old gensim's) names of parameters, accepted as aliases.
_ALIASES = {"threads": "workers", "size": "vector_size", "iter": "epochs"}


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
        for alias, name in _ALIASES.items():
            if alias in params:
                params[name] = params.pop(alias)
        unknown = set(params) - set(TrainConfig.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown training parameter(s): {', '.join(sorted(unknown))}")
        self.config = TrainConfig(**params)
        self.progress = progress
        self.callbacks = list(callbacks)
        self.vocab: Vocab | None = None
        self.weights: Weights | None = None
        self.epochs_trained = 0
        self.last_result: TrainResult | None = None
        self._resume: dict[str, Any] | None = None  # an interrupted train() call's Progress
        self._wv: KeyedVectors | None = None
        self._recording: Recording | None = None  # the corpus build_vocab counted, encoded
        source = _pick_source(sentences, corpus_file)
        if source is not None:
            self.build_vocab(source)
            self.train(source)

    @property
    def w_in(self) -> np.ndarray | None:
        """Input vectors, (vocab, dim): the word vectors (see :mod:`fastw2v.weights`)."""
        return None if self.weights is None else self.weights.w_in

    @w_in.setter
    def w_in(self, value: np.ndarray) -> None:
        if self.weights is None:
            raise RuntimeError("the model has no weights yet: build_vocab() first")
        self.weights.w_in = value

    @property
    def w_out_ns(self) -> np.ndarray | None:
        """Negative-sampling output vectors, or None."""
        return None if self.weights is None else self.weights.output("w_out_ns")

    @property
    def w_out_hs(self) -> np.ndarray | None:
        """Hierarchical-softmax inner-node vectors, or None."""
        return None if self.weights is None else self.weights.output("w_out_hs")

    @property
    def w_out_sm(self) -> np.ndarray | None:
        """Full-softmax output vectors, or None."""
        return None if self.weights is None else self.weights.output("w_out_sm")

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
            vocab, self._recording = _count_vocab(cfg, source)
        if cfg.softmax and len(vocab) > MAX_SOFTMAX_VOCAB:
            raise ValueError(
                f"softmax=True with {len(vocab):,} words would be hopelessly slow (every example "
                f"touches every output row; the limit is {MAX_SOFTMAX_VOCAB:,} words): use "
                "negative sampling (negative=5) or hierarchical softmax (hs=True) instead, "
                "or raise min_count"
            )
        self.vocab = vocab
        self.weights = Weights.initial(len(vocab), cfg.vector_size, cfg.output_layers(), cfg.seed)
        self.epochs_trained = 0
        self._wv = None
        return vocab

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
        options: TrainOptions | None = None,
    ) -> TrainResult:
        """Train for ``epochs`` passes (default: the configured number) over the corpus.

        The learning rate decays linearly from ``alpha`` to ``min_alpha`` over this call's
        epochs. Calling ``train`` again continues from the current weights.

        Ctrl-C (SIGINT) stops training after the chunk in progress (well under a second or
        two) and raises :class:`KeyboardInterrupt`; the model is then consistent and
        ``save`` writes a checkpoint that ``train(..., resume=True)`` continues.

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
        options : TrainOptions, optional
            Instead of ``progress``, ``chunk_hook`` and the checkpoint arguments: options
            made by :meth:`train_options`, which may also set the seed and the chunk size
            of this call (as :mod:`fastw2v.distributed` does for each rank).

        Returns
        -------
        TrainResult
            Per-epoch words, loss and timing.
        """
        if self.vocab is None or self.weights is None:
            raise RuntimeError(
                "call build_vocab() before train(), or pass the corpus to Word2Vec()"
            )
        source = _pick_source(sentences, corpus_file)
        if source is None:
            raise ValueError("train needs a corpus (sentences or corpus_file)")
        state = self._start(resume, epochs, total_words)
        if options is None:
            options = self.train_options(
                progress=progress,
                chunk_hook=chunk_hook,
                checkpoint=checkpoint,
                checkpoint_words=checkpoint_words,
                checkpoint_seconds=checkpoint_seconds,
            )
        return self._run(source, state, options, callbacks)

    def train_options(
        self,
        *,
        progress: bool | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        **overrides: Any,
    ) -> TrainOptions:
        """The :class:`~fastw2v.trainer.TrainOptions` of a ``train`` call of this model:
        seed, chunk size and threads from its parameters, unless given in ``overrides``
        (``seed``, ``batch_words``, ``chunk_hook``, ``checkpoint_words``, ...)."""
        opts = TrainOptions(
            epochs_before=self.epochs_trained,
            seed=self.config.seed,
            batch_words=self.config.batch_words,
            threads=_threads(self.config.threads),
            progress=self.progress if progress is None else progress,
        )
        for name, value in overrides.items():
            setattr(opts, name, value)
        _check_checkpoint(checkpoint, opts.checkpoint_words, opts.checkpoint_seconds)
        if checkpoint is not None:
            opts.checkpoint = lambda state: self._save_checkpoint(checkpoint, state)
        return opts

    def _start(self, resume: bool, epochs: int | None, total_words: int | None) -> Progress:
        """The state a train() call starts from: the interrupted one, or a fresh one."""
        if resume:
            if self._resume is None:
                raise ValueError(
                    "nothing to resume: this model holds no interrupted training "
                    "(load a checkpoint written during train())"
                )
            return Progress(**self._resume)
        n_epochs = self.config.epochs if epochs is None else epochs
        if isinstance(n_epochs, bool) or not isinstance(n_epochs, int) or n_epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1, got {n_epochs!r}")
        assert self.vocab is not None
        total = self.vocab.total_words * n_epochs if total_words is None else total_words
        return Progress(epochs=n_epochs, total_words=int(total))

    def _run(
        self, source: Any, state: Progress, options: TrainOptions, callbacks: Any
    ) -> TrainResult:
        assert self.vocab is not None and self.weights is not None
        corpus = as_corpus(source, max_sentence_length=self.config.max_sentence_length)
        # The corpus build_vocab counted and recorded, if this is the same text cut the
        # same way; it is handed out once, whatever this call does.
        recording, self._recording = self._recording, None
        if recording is not None and not (
            isinstance(corpus, PathCorpus) and recording.matches(corpus, options.batch_words)
        ):
            recording = None
        cbs = Callbacks(self, self.callbacks if callbacks is None else list(callbacks))
        trainer = Trainer(self.config, self.vocab, self.weights, options, cbs)
        try:
            result = trainer.run(
                corpus, state, recording, self._clear_resume, self._wv_reset, _describe(source)
            )
        except KeyboardInterrupt:
            # The weights hold every chunk counted in `state`: record where training stood,
            # so that save() writes a checkpoint that train(resume=True) continues.
            self._resume = asdict(state)
            raise
        finally:
            self._wv_reset()
        self.epochs_trained += state.epochs
        self.last_result = result
        cbs.train_end(result)
        return result

    def _clear_resume(self) -> None:
        self._resume = None

    def _save_checkpoint(self, path: str | os.PathLike[str], state: dict[str, Any]) -> None:
        self._resume = state
        self.save(path)
        self._resume = None

    @property
    def wv(self) -> KeyedVectors:
        """The trained word vectors (a view of the input matrix, not a copy)."""
        from fastw2v.vectors import KeyedVectors

        if self.vocab is None or self.weights is None:
            raise RuntimeError("the model has no vocabulary yet: build_vocab() or train() first")
        if self._wv is None:
            self._wv = KeyedVectors(self.vocab.words, self.weights.w_in, self.vocab.counts)
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
        if self.vocab is None or self.weights is None:
            raise RuntimeError("the model has no vocabulary yet")
        if isinstance(context_words, str):
            context_words = [context_words]
        ids = [self.vocab.index[w] for w in context_words if w in self.vocab.index]
        if not ids:
            raise KeyError(
                f"none of the context words is in the vocabulary: {list(context_words)!r}"
            )
        h = self.weights.w_in[ids].astype(np.float64).mean(axis=0)
        layer = max(self.config.output_layers(), key=lambda layer: layer.predict_rank)
        w_out = self.weights.output(layer.matrix)
        assert w_out is not None
        return _ranked(self.vocab.words, layer.predict(self.vocab, w_out, h), topn)

    def save_word2vec_format(self, path: str | os.PathLike[str], binary: bool = False) -> None:
        """Write the vectors in word2vec.c's text or binary format (atomically)."""
        self.wv.save_word2vec_format(path, binary=binary)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the whole model (vocabulary, both layers, parameters) to continue training later.

        The file is a NumPy ``.npz`` archive without pickled objects, written atomically
        (:mod:`fastw2v.model_format`).
        """
        if self.vocab is None or self.weights is None:
            raise RuntimeError("nothing to save: the model has no vocabulary yet")
        meta = {
            "config": self.config.to_dict(),
            "epochs_trained": self.epochs_trained,
            "resume": self._resume,
        }
        model_format.write(path, meta, self.vocab, self.weights)

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
            return cls._from_saved(model_format.read(path))
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
    def _from_saved(cls, saved: model_format.SavedModel) -> Word2Vec:
        meta, words, counts, weights = saved.meta, saved.words, saved.counts, saved.weights
        config = meta.get("config")
        if not isinstance(config, dict) or set(config) - set(TrainConfig.__dataclass_fields__):
            raise ValueError("the saved parameters are damaged")
        model = cls(progress=False, **config)
        cfg = model.config
        weights.check_input(len(words), cfg.vector_size)
        if counts.shape != (len(words),):
            raise ValueError(f"{len(counts)} counts for {len(words)} words")
        weights.check_outputs(len(words), cfg.vector_size, cfg.output_layers())
        resume = meta.get("resume")
        if resume is not None:
            try:
                Progress(**resume)
            except TypeError:
                raise ValueError("the saved training state is damaged") from None
        model.vocab = Vocab(words, counts)
        model.weights = weights
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


def _count_vocab(cfg: TrainConfig, source: Any) -> tuple[Vocab, Recording | None]:
    """The vocabulary of ``source``, and its ids recorded while counting when worth it."""
    corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
    if isinstance(corpus, PathCorpus) and cfg.max_vocab_size is None and cfg.cache_ids is not False:
        # Counting looks every token up anyway: keeping the ids it finds costs little, and
        # spares the first epoch reading and tokenising the text again (a producer thread
        # that would take CPU from the kernel threads).
        budget = ID_CACHE_AUTO_BYTES if cfg.cache_ids is None else None
        counts, recording = count_and_record(corpus, cfg.batch_words, budget)
        vocab = Vocab.from_corpus_counts(
            counts, corpus, min_count=cfg.min_count, max_size=cfg.max_final_vocab
        )
        if recording is not None:
            recording.bind(vocab.index)  # the vocabulary is final: map it now
        return vocab, recording
    vocab = Vocab.build(
        corpus,
        min_count=cfg.min_count,
        max_size=cfg.max_final_vocab,
        max_vocab_size=cfg.max_vocab_size,
    )
    return vocab, None


def _threads(threads: int) -> int:
    if threads > 1 and not _train.build_info()["openmp"]:
        warnings.warn("fastw2v was built without OpenMP: training runs on one thread", stacklevel=4)
        return 1
    return threads


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


def _ranked(words: list[str], probs: np.ndarray, topn: int | None) -> list[tuple[str, float]]:
    """``(word, probability)`` pairs: the ``topn`` most probable first, or all in order."""
    if topn is None:
        return [(words[i], float(probs[i])) for i in range(len(words))]
    k = min(int(topn), len(words))
    best = np.argpartition(-probs, k - 1)[:k] if k < len(words) else np.arange(len(words))
    best = best[np.argsort(-probs[best], kind="stable")]
    return [(words[i], float(probs[i])) for i in best]


def _pick_source(sentences: Any, corpus_file: Any) -> Any:
    if sentences is not None and corpus_file is not None:
        raise ValueError("pass either sentences or corpus_file, not both")
    return corpus_file if corpus_file is not None else sentences


def _describe(source: Any) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return f"corpus {type(source).__name__}"
