"""Every seed of a training run, derived in one place from the user's ``seed``.

One thread and a fixed seed give bit-for-bit identical results because every random number
comes from one of these, never from the time or the scheduling:

- the initial input vectors: ``numpy.random.default_rng(seed)`` (:func:`init_rng`);
- each MPI rank's stream: :func:`rank_seed` (rank 0 keeps the user's seed, so one rank
  reproduces a single-process run);
- each chunk of each epoch: :func:`chunk_seed`;
- each shard of a chunk, one RNG per shard whatever thread runs it: :func:`shard_seed`
  (the C kernel turns it into its RNG state with splitmix64).
"""

from __future__ import annotations

import numpy as np

_MASK64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: consecutive ids land far apart


def init_rng(seed: int) -> np.random.Generator:
    """The generator of the initial weights."""
    return np.random.default_rng(seed)


def rank_seed(seed: int, rank: int) -> int:
    """The seed of MPI rank ``rank``; rank 0 keeps ``seed``."""
    return (seed + rank * _GOLDEN) % (2**63)


def chunk_seed(seed: int, epoch: int, chunk: int) -> int:
    """A distinct, reproducible seed per (run seed, epoch, chunk)."""
    return ((seed * 1_000_003 + epoch) * 1_000_003 + chunk) & _MASK64


def shard_seed(chunk: int, shard: int) -> int:
    """The seed of shard ``shard`` of a chunk seeded ``chunk`` (unsigned 64-bit)."""
    return (chunk * _GOLDEN + shard) & _MASK64
