"""The learning-rate schedule: what rate the kernel uses after a given number of words.

The kernel (``rate_at`` in csrc/fw2v_kernel.c) computes the same function from the same
numbers for every sentence; this module gives it to the progress bar and the epoch
statistics, and turns the parameters into the kernel's numbers.

- ``lr_schedule="linear"`` (word2vec.c): from ``alpha`` down to ``min_alpha`` over the
  whole ``train`` call.
- ``lr_schedule="restart"``: the same decay within each epoch, restarting at ``alpha``.
- ``warmup`` > 0: over that fraction of the call the rate rises linearly from
  ``min_alpha`` to the decayed value, then follows the decay.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastw2v.config import ParameterError, TrainConfig

__all__ = ["Schedule"]


@dataclass(frozen=True)
class Schedule:
    """The rate as a function of the words trained so far in one ``train`` call."""

    alpha: float
    min_alpha: float
    total_words: int
    epoch_words: int = 0  # > 0: the decay restarts every epoch_words words
    warmup: float = 0.0  # fraction of total_words spent rising from min_alpha

    @classmethod
    def of(cls, cfg: TrainConfig, total_words: int, epochs: int) -> Schedule:
        """The schedule of a call of ``epochs`` epochs spanning ``total_words`` words."""
        epoch_words = 0
        if cfg.lr_schedule == "restart" and epochs > 1:
            epoch_words = -(-total_words // epochs)
        alpha, floor = cfg.learning_rate_for(epochs), cfg.final_learning_rate_for(epochs)
        if floor > alpha:
            raise ParameterError(
                "min_alpha", f"at most this call's alpha ({alpha:g})", floor,
                " (the learning rate decays from alpha to min_alpha)",
            )  # fmt: skip
        return cls(alpha, floor, total_words, epoch_words, cfg.warmup)

    def rate(self, done: int) -> float:
        """The rate after ``done`` words (as the kernel computes it, in double)."""
        progress = min(1.0, done / max(self.total_words, 1))
        decayed = progress
        if self.epoch_words > 0 and done < self.total_words:
            decayed = (done % self.epoch_words) / self.epoch_words
        return self._rate(progress, decayed)

    def end_rate(self, done: int) -> float:
        """The rate an epoch ending after ``done`` words finished at (with restarts the
        next epoch starts again at ``alpha``; this is the floor the last one reached)."""
        if self.epoch_words > 0 and 0 < done < self.total_words and done % self.epoch_words == 0:
            return self._rate(done / max(self.total_words, 1), 1.0)
        return self.rate(done)

    def _rate(self, progress: float, decayed: float) -> float:
        a0, a1 = self.alpha, self.min_alpha
        rate = a0 - (a0 - a1) * decayed
        if self.warmup > 0.0 and progress < self.warmup:
            rate = a1 + (rate - a1) * (progress / self.warmup)
        return rate
