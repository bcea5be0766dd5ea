"""Every rank of an MPI job runs the same job: the check made before any work.

Ranks started with different parameters would not fail cleanly later: a different
``vector_size`` corrupts the heap in the first weight allreduce, a different ``epochs``
leaves ranks waiting for steps that never come, and different corpora train silently on
what each rank happened to read. So rank 0 broadcasts what defines the job (the training
parameters, the synchronisation plan, the corpus files with their sizes, the vocabulary
given) and every rank compares its own before the first other collective.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: Parameters that may differ between ranks: threads are a property of each rank's node.
PER_RANK = frozenset({"workers"})


class JobMismatch(ValueError):
    """A rank was started with a different job than rank 0.

    Raised alike on every rank (``collective``): rank 0 reports it and all ranks end,
    without ``MPI_Abort``.

    Attributes
    ----------
    rank : int
        The first rank that differs.
    name : str
        What differs, as the Python API spells it (``"vector_size"``, ``"corpus"``).
    """

    collective = True

    def __init__(self, rank: int, name: str, mine: Any, theirs: Any, flag: str = "") -> None:
        self.rank, self.name, self.mine, self.theirs = rank, name, mine, theirs
        what = f"{flag} ({name})" if flag else name
        super().__init__(
            f"rank {rank} was started with {what} = {_short(mine)} but rank 0 with "
            f"{_short(theirs)}: every rank must be given the same parameters and corpus"
        )

    def with_flags(self, flags: Mapping[str, str]) -> JobMismatch:
        """The same mismatch, naming the command-line flag the user typed."""
        return JobMismatch(self.rank, self.name, self.mine, self.theirs, flags.get(self.name, ""))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def corpus_identity(files: Sequence[Path]) -> list[tuple[str, int]]:
    """The corpus as the shard plan sees it: each file's path (links and ``..`` resolved, so
    that ``c.txt`` and ``/data/c.txt`` are the same file) and size in bytes."""
    return [(os.path.realpath(p), os.path.getsize(p)) for p in files]


def vocab_identity(vocab: Any) -> str | None:
    """A digest of a given vocabulary's words and counts (None: counted from the corpus)."""
    if vocab is None:
        return None
    h = hashlib.sha256()
    for word, count in zip(vocab.words, vocab.counts):
        h.update(word.encode("utf-8", "surrogateescape") + b"\0" + str(int(count)).encode())
        h.update(b"\n")
    return f"{len(vocab.words)} words, sha256 {h.hexdigest()[:16]}"


def job_identity(
    config: Mapping[str, Any], extra: Mapping[str, Any], corpus: list[tuple[str, int]], vocab: Any
) -> dict[str, Any]:
    """What every rank must agree on, in a fixed order (parameters first)."""
    ident = {k: v for k, v in config.items() if k not in PER_RANK}
    ident.update(extra)
    ident["corpus"] = corpus
    ident["vocab"] = vocab_identity(vocab)
    return ident


def check_same_job(comm: Any, ident: dict[str, Any]) -> None:
    """Raise the same :class:`JobMismatch` on every rank if any rank's ``ident`` differs
    from rank 0's (it names the first such rank and what differs).

    Collective: every rank calls it at the same point, before any other work is shared, and
    every rank fails alike, so none is left waiting in a collective.
    """
    reference = comm.bcast(ident if comm.rank == 0 else None, root=0)
    mine: tuple[str, Any] | None = None
    for name in list(reference) + sorted(set(ident) - set(reference)):
        if ident.get(name) != reference.get(name):
            mine = (name, ident.get(name))
            break
    found = comm.allgather(mine)
    for rank, diff in enumerate(found):
        if diff is not None:
            name, value = diff
            raise JobMismatch(rank, name, value, reference.get(name))
