"""Building, growing and seeding a model's vocabulary and input rows.

:class:`VocabBuilding` holds the :class:`~fastw2v.model.Word2Vec` methods that set up what
training starts from: ``build_vocab`` (a fresh vocabulary, or with ``update=True`` the
vocabulary of a trained model grown by a new corpus) and ``init_vectors`` (input rows taken
from a vectors file, with a lock factor; gensim's ``intersect_word2vec_format``).

Growing keeps every existing word at its row: new words are appended, so the vocabulary is
no longer in frequency order. Negative sampling and the full softmax only need the counts
(the noise and subsampling tables are rebuilt from the summed counts at the next ``train``);
hierarchical softmax needs a Huffman tree built from counts in frequency order, and every
trained inner-node row belongs to one tree. Rebuilding the tree would make those rows
meaningless (gensim keeps the old codes for old words and gives new words none worth the
name: its known ``update=True`` with ``hs=1`` trap), so growing a model with hierarchical
softmax is refused.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from fastw2v.config import TrainConfig
from fastw2v.corpus import PathCorpus, as_corpus
from fastw2v.encoding import Recording, count_and_record, uses_c_tokenizer
from fastw2v.intkeys import IntKeyVocab, count_int_vocab, is_int_corpus
from fastw2v.memory import MemoryEstimate, check_memory
from fastw2v.vocab import Vocab
from fastw2v.weights import Weights

if TYPE_CHECKING:
    from fastw2v.vectors import KeyedVectors

__all__ = ["VocabBuilding", "grow_vocab", "shared_rows"]

logger = logging.getLogger(__name__)

PathType = Union[str, "os.PathLike[str]"]


class VocabBuilding:
    """``build_vocab`` and ``init_vectors`` of :class:`~fastw2v.model.Word2Vec`."""

    config: TrainConfig
    vocab: Vocab | None
    weights: Weights | None
    epochs_trained: int
    _resume: dict[str, Any] | None
    _wv: Any
    _recording: Recording | None
    _schedule_words: int | None  # the words one epoch of the next train() call sees

    def build_vocab(
        self,
        sentences: Any = None,
        *,
        corpus_file: Any = None,
        vocab: Vocab | None = None,
        update: bool = False,
    ) -> Vocab:
        """Count the corpus, build the vocabulary and initialise the weights.

        Parameters
        ----------
        sentences, corpus_file
            The corpus, as for the constructor.
        vocab : Vocab, optional
            Use this vocabulary instead of counting (e.g. one read with ``Vocab.load``).
        update : bool
            Grow a built (usually trained) model's vocabulary instead: the corpus's counts
            are added to those of the words the model has, its words with at least
            ``min_count`` occurrences that the model lacks are appended (input rows fresh,
            from the model's seed; output rows zero), and every existing row keeps its
            index and values. The next ``train`` call's learning-rate schedule spans this
            corpus's words. Refused with hierarchical softmax (see :mod:`fastw2v.online`).

        Raises
        ------
        ValueError
            Without ``update``, on a model already trained (its training would be lost);
            with ``update``, on a model without a vocabulary or with ``hs=1``.
        """
        source = sentences if corpus_file is None else corpus_file
        if sentences is not None and corpus_file is not None:
            raise ValueError("pass either sentences or corpus_file, not both")
        if update:
            return self._grow_vocab(source, vocab)
        if self.epochs_trained > 0 or self._resume is not None:
            raise ValueError(
                f"this model is trained ({self.epochs_trained} epochs): build_vocab() would "
                "discard its weights; pass update=True to add the new corpus's words and keep "
                "training, or start a new Word2Vec"
            )
        cfg = self.config
        self._recording = None
        if vocab is None:
            if source is None:
                raise ValueError("build_vocab needs a corpus (sentences or corpus_file) or a vocab")
            vocab, self._recording = count_vocab(cfg, source)
        cacheable = source is None or self._recording is not None or not _reread(source)
        self.weights, self.memory_estimate = initial_weights(cfg, vocab, cacheable)
        self.vocab = vocab
        self.epochs_trained = 0
        self._schedule_words = None
        self._wv = None
        return vocab

    def _grow_vocab(self, source: Any, vocab: Vocab | None) -> Vocab:
        cfg = self.config
        if self.vocab is None or self.weights is None:
            raise ValueError("build_vocab(update=True) needs a built model: build_vocab() first")
        if cfg.hs:
            raise ValueError(
                "build_vocab(update=True) is not supported with hierarchical softmax (hs=1): "
                "the Huffman tree of the grown vocabulary would differ and the trained "
                "inner-node rows would no longer match it; use negative sampling (hs=0) or "
                "train a new model on the whole corpus"
            )
        if vocab is not None:
            raise ValueError("build_vocab(update=True) counts a corpus: pass it, not a vocab")
        if isinstance(self.vocab, IntKeyVocab) or is_int_corpus(source):
            raise ValueError("build_vocab(update=True) is not supported for integer corpora yet")
        if source is None:
            raise ValueError("build_vocab(update=True) needs the new corpus")
        corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
        new = Vocab.build(corpus, min_count=1, max_vocab_size=cfg.max_vocab_size)
        grown, seen = grow_vocab(self.vocab, new, cfg.min_count, cfg.max_final_vocab)
        for layer in cfg.output_layers():
            layer.check_vocab(len(grown))
        self.memory_estimate = check_memory(cfg, len(grown), grown.total_words)
        self.weights = self.weights.grow(
            len(grown), cfg.output_layers(), cfg.seed, cfg.initial_range
        )
        logger.info("vocabulary grown from %d to %d words", len(self.vocab), len(grown))
        self.vocab, self._schedule_words = grown, seen
        self._resume = None  # an interrupted call's positions belong to the old vocabulary
        self._recording = None
        self._wv = None
        return grown

    def init_vectors(
        self, vectors: PathType | KeyedVectors, lockf: float = 0.0, *, binary: bool | None = None
    ) -> int:
        """Start the input rows of the words this model shares with ``vectors`` from them.

        Call it after ``build_vocab`` and before ``train``. The rows copied get the lock
        factor ``lockf``: the kernel multiplies every update of those rows by it, so 0 keeps
        them fixed and 1 trains them freely; the other rows train freely. Output rows are
        untouched.

        Parameters
        ----------
        vectors : path or KeyedVectors
            A word2vec text or binary file (gensim's, word2vec.c's, ours), a directory
            written by :meth:`fastw2v.vectors.KeyedVectors.save`, or vectors in memory.
        lockf : float
            Lock factor of the copied rows, in [0, 1].
        binary : bool, optional
            Force the word2vec file's format (detected by default).

        Returns
        -------
        int
            How many rows were copied.

        Raises
        ------
        ValueError
            Before any row changes: no vocabulary yet, ``lockf`` outside [0, 1], a
            dimension other than the model's, no word in common, or a non-finite value in a
            shared word's vector (each naming the file).
        """
        if self.vocab is None or self.weights is None:
            raise ValueError("init_vectors needs the model's vocabulary: build_vocab() first")
        lockf = float(lockf)
        if not 0.0 <= lockf <= 1.0:
            raise ValueError(f"lockf must be in [0, 1] (0 locks the rows), got {lockf}")
        kv, name = _read_vectors(vectors, binary)
        ours, theirs = shared_rows(self.vocab, kv, self.config.vector_size, name)
        w = self.weights
        w.w_in[ours] = kv.vectors[theirs]
        if w.lockf is None:
            w.lockf = np.ones(len(self.vocab), np.float32)
        w.lockf[ours] = np.float32(lockf)
        self._wv = None
        logger.info("%d of %d rows from %s, lockf %g", len(ours), len(self.vocab), name, lockf)
        return len(ours)

    def intersect_word2vec_format(
        self, fname: PathType, lockf: float = 0.0, binary: bool | None = None
    ) -> int:
        """:meth:`init_vectors` under gensim's name, ``intersect_word2vec_format(path, lockf)``."""
        return self.init_vectors(fname, lockf, binary=binary)


def _reread(source: Any) -> bool:
    """Whether training reads ``source`` again each epoch under ``cache_ids=None``: a
    Python iterable of sentences (not a file, a file corpus or an integer corpus)."""
    if isinstance(source, (str, bytes, os.PathLike)) or is_int_corpus(source):
        return False
    return not uses_c_tokenizer(source)  # a file corpus object (PathCorpus) is kept


def initial_weights(
    cfg: TrainConfig, vocab: Vocab, cacheable: bool = True
) -> tuple[Weights, MemoryEstimate]:
    """The first weights for ``vocab``, once the layers accept its size and the run's
    estimated memory fits (a run too large for this machine stops here, not in a traceback).
    ``cacheable``: the corpus may be held as ids (:func:`fastw2v.memory.estimate`)."""
    for layer in cfg.output_layers():
        layer.check_vocab(len(vocab))
    est = check_memory(cfg, len(vocab), vocab.total_words, cacheable)
    weights = Weights.initial(
        len(vocab), cfg.vector_size, cfg.output_layers(), cfg.seed, cfg.initial_range
    )
    return weights, est


def grow_vocab(old: Vocab, new: Vocab, min_count: int, max_size: int | None) -> tuple[Vocab, int]:
    """``old`` with ``new``'s counts added and its words of count >= ``min_count`` that
    ``old`` lacks appended (most frequent first, at most ``max_size`` words in all); also
    the in-vocabulary words of ``new``'s corpus under the grown vocabulary."""
    counts = old.counts.copy()
    words, added = list(old.words), []
    room = len(new) if max_size is None else max(0, max_size - len(words))
    seen = 0
    for word, count in zip(new.words, new.counts.tolist()):
        i = old.index.get(word)
        if i is not None:
            counts[i] += count
        elif count >= max(min_count, 1) and len(added) < room:
            words.append(word)
            added.append(count)
        else:
            continue  # left out: its occurrences are not trained
        seen += count
    counts = np.concatenate([counts, np.array(added, dtype=np.int64)])
    return Vocab(words, counts, ordered=False), seen


def shared_rows(
    vocab: Vocab, kv: KeyedVectors, dim: int, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``vocab`` and of ``kv`` holding the same words, checked for copying."""
    if kv.vector_size != dim:
        raise ValueError(f"{name}: vectors of dimension {kv.vector_size}, the model has {dim}")
    pairs = [(i, kv.index_of(w)) for i, w in enumerate(vocab.words) if w in kv]
    if not pairs:
        raise ValueError(f"{name}: no word in common with the model's {len(vocab)} words")
    ours, theirs = (np.array(x, dtype=np.int64) for x in zip(*pairs))
    bad = ~np.isfinite(kv.vectors[theirs]).all(axis=1)
    if bad.any():
        word = vocab.words[int(ours[np.argmax(bad)])]
        raise ValueError(f"{name}: the vector of {word!r} holds NaN or infinity")
    return ours, theirs


def _read_vectors(vectors: Any, binary: bool | None) -> tuple[KeyedVectors, str]:
    from fastw2v.vectors import KeyedVectors

    if isinstance(vectors, KeyedVectors):
        return vectors, "the given vectors"
    path = os.fspath(vectors)
    if os.path.isdir(path):
        return KeyedVectors.load(path), path
    if not os.path.exists(path):
        raise FileNotFoundError(f"vectors file not found: {path}")
    return KeyedVectors.load_word2vec_format(path, binary=binary), path


def count_vocab(cfg: TrainConfig, source: Any) -> tuple[Vocab, Recording | None]:
    """The vocabulary of ``source``, and its ids recorded while counting when worth it."""
    if is_int_corpus(source):  # counted in C, its ids mapped again each epoch (in C)
        max_len = cfg.max_sentence_length
        return count_int_vocab(source, cfg.min_count, cfg.max_final_vocab, max_len), None
    corpus = as_corpus(source, max_sentence_length=cfg.max_sentence_length)
    if isinstance(corpus, PathCorpus) and cfg.max_vocab_size is None and cfg.cache_ids is not False:
        # Counting looks every token up anyway: keeping the ids it finds costs little, and
        # spares the first epoch reading and tokenising the text again (a producer thread
        # that would take CPU from the kernel threads).
        budget = cfg.id_cache_bytes if cfg.cache_ids is None else None
        counts, recording = count_and_record(corpus, cfg.batch_words, budget, cfg.threads)
        vocab = Vocab.from_corpus_counts(
            counts, corpus, min_count=cfg.min_count, max_size=cfg.max_final_vocab
        )
        if recording is not None:  # the vocabulary is final: map the recording to it now
            ids = counts.ranked_ids(cfg.min_count, cfg.max_final_vocab)
            recording.bind_table(vocab, counts.id_table(ids))
        return vocab, recording
    vocab = Vocab.build(
        corpus,
        min_count=cfg.min_count,
        max_size=cfg.max_final_vocab,
        max_vocab_size=cfg.max_vocab_size,
        threads=cfg.threads,
    )
    return vocab, None
