"""Word2Vec: the facade users train with.

Parameters become a :class:`~fastw2v.config.TrainConfig`; :meth:`Word2Vec.build_vocab` makes
the vocabulary (:mod:`fastw2v.vocab`) and the weights (:mod:`fastw2v.weights`);
:meth:`Word2Vec.train` hands both to a :class:`~fastw2v.trainer.Trainer`; the output layers
(:mod:`fastw2v.layers`) answer :meth:`Word2Vec.predict_output_word`; the file layout of
:meth:`Word2Vec.save` is :mod:`fastw2v.model_format`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fastw2v import model_format
from fastw2v.config import MAX_THREADS_PER_CORE, MAX_WORDS, TrainConfig, available_cores, is_int
from fastw2v.encoding import Recording
from fastw2v.intkeys import IntKeyVocab, training_corpus
from fastw2v.layers import predict
from fastw2v.memory import MemoryEstimate
from fastw2v.model_format import MODEL_FORMAT_VERSION
from fastw2v.online import VocabBuilding
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


class _Matrix:
    """A weight matrix of the model, by name (:mod:`fastw2v.weights`): None before
    ``build_vocab`` and for an output layer the model does not have."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        return None if model.weights is None else model.weights.matrices().get(self.name)

    def __set__(self, model: Any, value: np.ndarray) -> None:
        if model.weights is None:
            raise RuntimeError("the model has no weights yet: build_vocab() first")
        model.weights.set(self.name, value)


class Word2Vec(VocabBuilding):
    """Train word vectors with skip-gram or CBOW, negative sampling and/or hierarchical softmax.

    Parameters
    ----------
    sentences : path, iterable of list of str, or integer corpus, optional
        A text file (a sentence a line, or text8's one line), gzip/bz2/xz, a directory of
        them, token lists, or int ids (:mod:`fastw2v.intkeys`: ``wv`` keyed by the ints). If
        given, the vocabulary is built and the model trained at once.
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
        self.config = TrainConfig.from_params(params)
        self.progress = progress
        self.callbacks = list(callbacks)
        self.vocab: Vocab | None = None
        self.weights: Weights | None = None
        self.epochs_trained = 0
        self.last_result: TrainResult | None = None
        self._resume: dict[str, Any] | None = None  # an interrupted train() call's Progress
        self._wv: KeyedVectors | None = None
        self.memory_estimate: MemoryEstimate | None = None  # of the run build_vocab prepared
        self._recording: Recording | None = None  # the corpus build_vocab counted, encoded
        self._schedule_words: int | None = None  # a grown vocabulary's new corpus (online.py)
        source = _pick_source(sentences, corpus_file)
        if source is not None:
            self.build_vocab(source)
            self.train(source)

    w_in = _Matrix()
    w_out_ns = _Matrix()
    w_out_hs = _Matrix()
    w_out_sm = _Matrix()

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

        Ctrl-C, SIGTERM or SIGHUP stops training within a centre word, raising
        :class:`fastw2v._stop.Interrupted` (a KeyboardInterrupt); ``save`` then writes a
        checkpoint that ``train(..., resume=True)`` continues (at one thread to the bit). A
        second signal raises at once, and that model cannot resume.

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
            Words the learning-rate schedule spans (default: vocabulary total x epochs; after
            ``build_vocab(update=True)``, the new corpus's words x epochs).
        chunk_hook : callable, optional
            Called between chunks with the words this process trained so far in the call;
            may synchronise the weights and return the words all processes trained, which
            then positions the learning rate (:mod:`fastw2v.distributed`).
        checkpoint : path, optional
            Save the model here (atomically, as :meth:`save`) every ``checkpoint_words``
            trained words and/or ``checkpoint_seconds`` seconds (at least one is needed).
        checkpoint_words, checkpoint_seconds : optional
            How often to checkpoint.
        resume : bool
            Continue the interrupted ``train`` call recorded in this model (loaded from a
            checkpoint, or interrupted): same corpus, epochs and schedule, from its chunk.
        options : TrainOptions, optional
            Instead of ``progress``, ``chunk_hook`` and the checkpoint arguments: options
            from :meth:`train_options`, which may also set this call's seed and chunk size.

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
        n_epochs = self.config.epochs if epochs is None else epochs
        epoch_words = self._schedule_words or self.vocab.total_words
        state = Progress.start(resume, self._resume, n_epochs, epoch_words, total_words)
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
        save = (
            None if checkpoint is None else lambda state: self._save_checkpoint(checkpoint, state)
        )
        progress = self.progress if progress is None else progress
        return TrainOptions.of(
            self.config, self.epochs_trained, progress, checkpoint, save, overrides
        )

    def _run(
        self, source: Any, state: Progress, options: TrainOptions, callbacks: Any
    ) -> TrainResult:
        assert self.vocab is not None and self.weights is not None
        corpus = training_corpus(source, self.vocab, self.config.max_sentence_length)
        recording, self._recording = self._recording, None  # handed out once, used or not
        cbs = Callbacks(self, self.callbacks if callbacks is None else list(callbacks))
        trainer = Trainer(self.config, self.vocab, self.weights, options, cbs)
        try:
            result = trainer.run(
                corpus, state, recording, self._clear_resume, self._wv_reset, _describe(source)
            )
        except KeyboardInterrupt:
            # save() writes a checkpoint that resumes, unless a second signal tore a call.
            self._resume = None if trainer.torn else asdict(state)
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
        from fastw2v.keys import Keys
        from fastw2v.vectors import KeyedVectors

        if self.vocab is None or self.weights is None:
            raise RuntimeError("the model has no vocabulary yet: build_vocab() or train() first")
        if self._wv is None:
            keys = Keys.from_distinct(list(self.vocab.keys))  # a vocabulary's: distinct
            self._wv = KeyedVectors._from_keys(keys, self.weights.w_in, self.vocab.counts)
        return self._wv

    def _wv_reset(self) -> None:
        if self._wv is not None:
            self._wv.reset_norms()

    def predict_output_word(
        self, context_words: Sequence[str], topn: int | None = 10
    ) -> list[tuple[str, float]]:
        """Probability distribution of the centre word given its context: the network itself.

        The hidden layer is the mean of the context words' input vectors (as in CBOW); the
        output layer is the one the model was trained with (:func:`fastw2v.layers.predict`):
        the exact softmax, the product of the sigmoids along the Huffman path (exact too), or
        for negative sampling an approximation, the softmax over its output vectors (as
        gensim's). With several layers, the full softmax is preferred, then hierarchical.

        Parameters
        ----------
        context_words : sequence of str (or of int ids, for a model trained on them)
            Words around the position to predict (one word alone may be given); unknown
            words are ignored.
        topn : int or None
            How many of the most probable words to return; None for all, in vocabulary order.

        Returns
        -------
        list of (str, float)
            Words (int ids for a model trained on them) and probabilities, most probable
            first.
        """
        if self.vocab is None or self.weights is None:
            raise RuntimeError("the model has no vocabulary yet")
        if isinstance(context_words, str) or is_int(context_words):
            context_words = [context_words]
        int_keys = isinstance(self.vocab, IntKeyVocab)
        index = self.vocab.index  # keyed by str, an int id's decimal in an IntKeyVocab
        if int_keys:  # ints only, as wv[...]: "42" is not the id 42
            words = [str(int(w)) for w in context_words if is_int(w)]
        else:
            words = [w for w in context_words if isinstance(w, str)]
        ids = [index[w] for w in words if w in index]
        if not ids:
            raise KeyError(
                f"none of the context words is in the vocabulary: {list(context_words)!r}"
            )
        h = self.weights.w_in[ids].astype(np.float64).mean(axis=0)
        probs = predict(self.config.output_layers(), self.vocab, self.weights.outputs, h)
        return _ranked(self.vocab.keys, probs, topn)

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
        if self._schedule_words is not None:  # a grown vocabulary (fastw2v.online)
            meta["schedule_words"] = self._schedule_words
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
        return model_format.load(Path(path), lambda saved: _restore(cls, saved))

    def __repr__(self) -> str:
        c = self.config
        out = "+".join(layer.label for layer in reversed(c.output_layers()))
        size = len(self.vocab) if self.vocab is not None else 0
        return (
            f"Word2Vec({'skip-gram' if c.sg else 'CBOW'}, {out}, vocab={size}, "
            f"dim={c.vector_size}, epochs_trained={self.epochs_trained})"
        )


def _restore(cls: type[Word2Vec], saved: model_format.SavedModel) -> Word2Vec:
    """The model a file holds, its parts checked against each other."""
    meta, words, counts, weights = saved.meta, saved.words, saved.counts, saved.weights
    config = meta.get("config")
    if not isinstance(config, dict) or set(config) - set(TrainConfig.__dataclass_fields__):
        raise ValueError("the saved parameters are damaged")
    if "compat" not in config:
        # saved before the defaults were measured: unset alpha and init_range meant
        # word2vec.c's, and training it further keeps them
        config = dict(config, compat="w2v")
    model = cls(progress=False, **_this_machine(config))
    cfg = model.config
    weights.check_input(len(words), cfg.vector_size)
    if counts.shape != (len(words),):
        raise ValueError(f"{len(counts)} counts for {len(words)} words")
    weights.check_outputs(len(words), cfg.vector_size, cfg.output_layers())
    resume = meta.get("resume")
    if resume is not None:
        Progress.restore(resume)
    epochs_trained = meta.get("epochs_trained", 0)
    if not is_int(epochs_trained) or not 0 <= epochs_trained <= MAX_WORDS:
        raise ValueError(f"the saved epochs_trained is damaged: {epochs_trained!r}")
    if meta.get("int_keys"):
        model.vocab = IntKeyVocab.from_words(words, counts)
    else:
        model.vocab = Vocab(words, counts, ordered=bool(cfg.hs))
    model.weights = weights
    model.epochs_trained = int(epochs_trained)
    model._resume = resume
    schedule = meta.get("schedule_words")
    model._schedule_words = schedule if isinstance(schedule, int) and schedule > 0 else None
    return model


def _this_machine(config: dict[str, Any]) -> dict[str, Any]:
    """Saved parameters for this machine: ``workers`` is a property of the run that saved
    them, not of the model; more threads than this machine allows become its default."""
    workers = config.get("workers")
    cap = MAX_THREADS_PER_CORE * available_cores()
    if is_int(workers) and not 1 <= workers <= cap:
        return {**config, "workers": None}
    return config


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
