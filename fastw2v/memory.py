"""How much memory a training run needs, estimated before anything large is allocated.

A run too large for the machine (``-size 100000`` on a large vocabulary) would otherwise end
in a MemoryError traceback, or in the kernel's out-of-memory killer, after counting the
corpus; :func:`check_memory` refuses it with the estimate and the parameter to change.
Setting ``FASTW2V_NO_MEMORY_CHECK=1`` skips the refusal (the estimate is still logged), for
machines whose overcommit or swap make ``MemAvailable`` too cautious.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from fastw2v.config import TrainConfig

__all__ = ["InsufficientMemory", "MemoryEstimate", "available_memory", "check_memory"]

logger = logging.getLogger("fastw2v")

#: Bytes per vocabulary word besides the weights: the Python string and its list slot, the
#: count, the subsampling, noise and alias tables (131 measured over 4.1M words; the dict
#: of the words is made only when something looks one up).
_BYTES_PER_WORD = 160

#: With hierarchical softmax, a Huffman path besides: ~30 nodes of a code byte and an int32.
_HS_BYTES_PER_WORD = 160

#: Chunks of word ids alive at once (the one training, the one being encoded, the queue).
_CHUNKS_ALIVE = 4


class InsufficientMemory(MemoryError):
    """The estimated memory of a run exceeds what the machine has available."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a run needs, by part."""

    weights: int
    tables: int
    id_cache: int
    buffers: int
    #: Bytes of ids the corpus would take in the cache when they exceed its budget
    #: (``id_cache_bytes``), so that it streams; 0 when the cache holds it or is off.
    streamed: int = 0
    budget: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.tables + self.id_cache + self.buffers

    def describe(self) -> str:
        parts = ("weights", "tables", "id_cache", "buffers")
        text = ", ".join(f"{p.replace('_', ' ')} {_fmt(getattr(self, p))}" for p in parts)
        if self.streamed:
            text += (
                f"; the corpus streams: its ids ({_fmt(self.streamed)}) exceed the id cache's "
                f"budget ({_fmt(self.budget)}, id_cache_bytes --id-cache-bytes)"
            )
        return text


def estimate(
    cfg: TrainConfig, vocab_size: int, corpus_words: int, cacheable: bool = True
) -> MemoryEstimate:
    """The memory of training ``cfg`` on a vocabulary of ``vocab_size`` words over a corpus
    of ``corpus_words`` words (the id cache holds 4 bytes per word when it is kept: within
    ``id_cache_bytes``, or always with ``cache_ids=True``). ``cacheable``: whether the
    corpus is one ``cache_ids=None`` keeps (a file, an integer corpus), not a Python
    iterable, which is read again each epoch."""
    rows = vocab_size + sum(layer.rows(vocab_size) for layer in cfg.output_layers())
    weights = rows * cfg.vector_size * 4
    cache = (
        0
        if cfg.cache_ids is False or (cfg.cache_ids is None and not cacheable)
        else 4 * corpus_words
    )
    streamed = 0
    if cfg.cache_ids is None and cache > cfg.id_cache_bytes:
        cache, streamed = 0, cache  # past its budget the corpus streams: nothing is kept
    chunk = min(cfg.batch_words, max(corpus_words, 1))
    buffers = _CHUNKS_ALIVE * chunk * 12 + cfg.threads * cfg.vector_size * 4 * 64
    tables = vocab_size * (_BYTES_PER_WORD + (_HS_BYTES_PER_WORD if cfg.hs else 0))
    return MemoryEstimate(weights, tables, cache, buffers, streamed, cfg.id_cache_bytes)


def available_memory() -> int | None:
    """Bytes the system can give this process now: ``MemAvailable`` from /proc/meminfo,
    else the free physical pages; None where neither is known."""
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(
    cfg: TrainConfig, vocab_size: int, corpus_words: int, cacheable: bool = True
) -> MemoryEstimate:
    """Log the estimate (:func:`estimate`) and raise :class:`InsufficientMemory` when it
    exceeds the memory available, naming the parameters that shrink it."""
    est = estimate(cfg, vocab_size, corpus_words, cacheable)
    free = available_memory()
    logger.info(
        "training needs about %s (%s); %s available",
        _fmt(est.total),
        est.describe(),
        "unknown" if free is None else _fmt(free),
    )
    if free is not None and est.total > free and not os.environ.get("FASTW2V_NO_MEMORY_CHECK"):
        raise InsufficientMemory(
            f"training needs about {_fmt(est.total)} of memory ({est.describe()}; "
            f"{vocab_size:,} words x {cfg.vector_size} dimensions) but {_fmt(free)} is "
            "available: lower vector_size (-size) or keep fewer words (max_final_vocab "
            "-max-vocab, min_count -min-count); FASTW2V_NO_MEMORY_CHECK=1 skips this check"
        )
    return est


def _fmt(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"
