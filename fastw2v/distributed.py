"""Multi-node training over MPI (``mpi4py``): sharded corpus, one vocabulary, averaged weights.

Run the ordinary command line under ``mpirun``, or call :func:`train_distributed` from a
script that ``mpirun`` starts::

    mpirun -n 4 fastw2v train -train corpus.txt -output vec.bin -cbow 0 --sync-words 1000000
    mpirun -n 4 python my_script.py       # my_script calls fastw2v.distributed.train_distributed

How it works, per rank (process):

0. **The same job.** Before anything else, rank 0 broadcasts the parameters, the corpus
   files with their sizes and the vocabulary given; a rank started differently (another
   ``-size``, ``-iter`` or corpus) stops the whole job with a message naming it and the
   flag (:mod:`fastw2v.distributed_check`). Threads may differ per rank.
1. **Shard.** The input bytes (all files of a directory, in name order, as one sequence) are
   cut into ``size`` equal byte ranges. A rank owns every word whose first byte lies in its
   range: it skips the word cut by its start (the previous rank owns it) and finishes the
   word cut by its end. Words are maximal runs of bytes other than ASCII whitespace, which
   never occurs inside a multi-byte UTF-8 character, so no word is read twice or lost, on a
   text8-style single line as on many short lines. Compressed files cannot be seeked: they
   are dealt out whole (there must be at least as many files as ranks).
2. **Vocabulary.** Each rank counts its shard; rank 0 merges the counts in rank order (so
   ties keep the order of first appearance in the whole corpus, exactly as one process
   would see them), applies ``min_count`` and the size cap once and broadcasts the word list.
   Every rank then has the same rows, noise table and Huffman tree, and, seeded alike, the
   same initial weights.
3. **Train and synchronise.** Each rank runs the threaded, GIL-free kernel on its shard. After
   every chunk the ranks add up their word counts (one 16-byte allreduce), which positions
   the learning rate on the *global* schedule, and then, all deciding from the same global
   count: every ``sync_words`` words they combine all weight matrices (allreduce SUM of each
   rank's change since the last sync, added to the last synced weights, so that every update
   counts as it would in one process; or, with ``sync_mode="average"``, the mean of the
   ranks' weights), and every ``hot_sync_words`` words only the first ``hot_words`` rows: the most
   frequent words, which change fastest (pWord2Vec's "sub-model" synchronisation; for
   hierarchical softmax the rows nearest the Huffman root). Ranks that finish an epoch early
   keep joining these steps until all have finished; each epoch ends with a full average, so
   all ranks hold identical weights at the end.
4. **Errors.** An exception on any rank prints ``fastw2v: rank R: message`` and aborts the
   whole job (``MPI_Abort``) instead of leaving the other ranks waiting in a collective.

``mpi4py`` is imported only here, and only when needed: without it (``pip install
fastw2v[mpi]`` adds it), everything else in fastw2v works as before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fastw2v.distributed_check import JobMismatch, check_same_job, corpus_identity, job_identity
from fastw2v.seeds import rank_seed

__all__ = [
    "DistributedResult",
    "ShardPiece",
    "ShardCorpus",
    "SyncStats",
    "launched_world_size",
    "plan_shards",
    "run_cli",
    "run_distributed",
    "train_distributed",
]

DEFAULT_SYNC_WORDS = 1_000_000
"""Global words between two full averages of the weights."""

DEFAULT_HOT_WORDS = 1024
"""Rows (most frequent words) averaged more often; 0 disables hot-word syncing."""

DEFAULT_HOT_SYNC_WORDS = 100_000
"""Global words between two averages of the hot rows."""

SYNC_MODES = ("delta", "average")
"""How a sync combines the ranks' weights (see :func:`train_distributed`); the first is the
default."""

_BLOCK = 1 << 20  # bytes read at a time from a shard
_ASCII_WS = frozenset(b" \t\n\v\f\r\x1c\x1d\x1e\x1f")  # the ASCII bytes str.split() splits on

# Environment variables through which launchers announce the number of processes: Open MPI,
# MPICH/Intel MPI (Hydra's PMI) and PMIx launchers. (Slurm's SLURM_NTASKS is not read: it
# counts tasks, which need not be MPI ranks; srun with PMIx sets PMIX_SIZE.)
_SIZE_VARS = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE")


def launched_world_size() -> int:
    """Number of processes the MPI launcher started, read from its environment (1 if none).

    This does not import ``mpi4py``, so a single-machine run never initialises MPI.
    """
    for var in _SIZE_VARS:
        value = os.environ.get(var)
        if value and value.isdigit():
            return int(value)
    return 1


def _mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(
            f"launched as {launched_world_size()} MPI processes, but mpi4py is not installed: "
            "pip install 'fastw2v[mpi]' (it needs an MPI library, e.g. Debian's "
            "openmpi-bin and libopenmpi-dev)"
        ) from None
    return MPI


# ---------------------------------------------------------------------- sharding


@dataclass(frozen=True)
class ShardPiece:
    """Part of one file read by one rank: the words starting in bytes ``[start, end)``.

    ``end`` is ``None`` for a whole (compressed) file.
    """

    path: str
    start: int = 0
    end: int | None = None


def _corpus_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files :class:`fastw2v.corpus.PathCorpus` would read, in the same order."""
    from fastw2v.corpus import PathCorpus

    return list(PathCorpus(path).files)


def plan_shards(files: Sequence[str | os.PathLike[str]], n: int) -> list[list[ShardPiece]]:
    """Split ``files`` (read in this order) into ``n`` shards of nearly equal bytes.

    Plain files are treated as one byte sequence cut into ``n`` equal ranges; a range may
    span several files or a fraction of one. If any file is compressed, whole files are
    dealt out instead, each to the rank with the fewest bytes so far (largest files first),
    and each rank keeps its files in corpus order.

    Raises
    ------
    ValueError
        If compressed input has fewer files than ranks (one ``.xz`` file cannot be split:
        decompress it, or split it into at least ``n`` files).
    """
    if n < 1:
        raise ValueError(f"number of shards must be >= 1, got {n}")
    paths = [Path(f) for f in files]
    sizes = [p.stat().st_size for p in paths]
    shards: list[list[ShardPiece]] = [[] for _ in range(n)]
    from fastw2v.corpus import is_compressed

    compressed = [p for p in paths if is_compressed(p)]
    if compressed:
        if len(paths) < n:
            raise ValueError(
                f"cannot split compressed input ({compressed[0]}) into {n} shards: compressed "
                f"files cannot be read from the middle, and there are only {len(paths)} "
                f"file(s) for {n} ranks; decompress it or split it into >= {n} files"
            )
        load = [0] * n
        owner: dict[int, int] = {}
        for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
            r = min(range(n), key=lambda r: (load[r], r))
            owner[i] = r
            load[r] += sizes[i] or 1
        for i, p in enumerate(paths):
            shards[owner[i]].append(ShardPiece(str(p)))
        return shards
    total = sum(sizes)
    bounds = [total * r // n for r in range(n + 1)]
    offset = 0
    for p, size in zip(paths, sizes):
        for r in range(n):
            lo, hi = max(bounds[r], offset), min(bounds[r + 1], offset + size)
            if lo < hi:
                shards[r].append(ShardPiece(str(p), lo - offset, hi - offset))
        offset += size
    return shards


def _piece_blocks(piece: ShardPiece, block: int) -> Iterator[bytes]:
    """The bytes of the words starting in ``[piece.start, piece.end)``, in blocks."""
    assert piece.end is not None  # whole files are read by PathCorpus
    with open(piece.path, "rb") as fh:
        pos = piece.start
        if pos == 0:
            # The rank reading a file's start checks that it is text, as PathCorpus does.
            from fastw2v.corpus import SNIFF_BYTES, check_text_sample

            check_text_sample(fh.read(SNIFF_BYTES), piece.path)
            fh.seek(0)
        if pos > 0:
            # The word cut by our start belongs to the previous range: skip to whitespace.
            fh.seek(pos - 1)
            if fh.read(1)[0] not in _ASCII_WS:
                while True:
                    buf = fh.read(4096)
                    if not buf:
                        return
                    cut = next((i for i, b in enumerate(buf) if b in _ASCII_WS), -1)
                    if cut >= 0:
                        pos += cut
                        break
                    pos += len(buf)
                if pos >= piece.end:
                    return  # the whole range lies inside one word owned by the previous rank
            fh.seek(pos)
        remaining = piece.end - pos
        last = b""
        while remaining > 0:
            raw = fh.read(min(block, remaining))
            if not raw:
                return
            remaining -= len(raw)
            last = raw
            yield raw
        # Finish the word cut by our end: it starts in our range, so it is ours.
        if last and last[-1] not in _ASCII_WS:
            while True:
                buf = fh.read(4096)
                if not buf:
                    return
                cut = next((i for i, b in enumerate(buf) if b in _ASCII_WS), -1)
                if cut >= 0:
                    yield buf[:cut]
                    return
                yield buf


def _piece_sentences(
    piece: ShardPiece, max_len: int, block: int, bad: list[int] | None = None
) -> Iterator[list[str]]:
    """Sentences of one piece, cut by corpus.py's own tokeniser (so exactly as one process
    would cut them); a piece that starts mid-line starts a sentence there."""
    from fastw2v.corpus import sentences_from_blocks

    yield from sentences_from_blocks(
        _piece_blocks(piece, block), max_len, bad, bom=piece.start == 0
    )


class ShardCorpus:
    """One rank's part of a corpus: a restartable iterable of sentences.

    Parameters
    ----------
    pieces : sequence of ShardPiece
        From :func:`plan_shards`.
    max_sentence_length : int
        Longest sentence yielded; longer lines are cut, no word dropped.
    """

    def __init__(
        self,
        pieces: Sequence[ShardPiece],
        max_sentence_length: int = 10_000,
        *,
        block_size: int = _BLOCK,
    ) -> None:
        self.pieces = list(pieces)
        self.max_sentence_length = max_sentence_length
        self.block_size = block_size

    def __iter__(self) -> Iterator[list[str]]:
        from fastw2v.corpus import PathCorpus, warn_replaced_bytes

        max_len = self.max_sentence_length
        damaged: list[tuple[Path, int]] = []
        for piece in self.pieces:
            if piece.end is None:  # a whole (compressed) file: read exactly as one process would
                yield from PathCorpus(piece.path, max_len, block_size=self.block_size)
            else:
                bad = [0]
                yield from _piece_sentences(piece, max_len, self.block_size, bad)
                if bad[0]:
                    damaged.append((Path(piece.path), bad[0]))
        warn_replaced_bytes(damaged)

    def utf8_blocks(self) -> Iterator[tuple[bytes, bool]]:
        """The text of every piece as (block, ends_piece) pairs of valid UTF-8, for the C
        tokeniser, which cuts it into the sentences :meth:`__iter__` yields."""
        from fastw2v.corpus import PathCorpus, mark_last, utf8_blocks, warn_replaced_bytes

        damaged: list[tuple[Path, int]] = []
        for piece in self.pieces:
            if piece.end is None:
                yield from PathCorpus(piece.path, block_size=self.block_size).utf8_blocks()
                continue
            bad = [0]
            blocks = utf8_blocks(_piece_blocks(piece, self.block_size), bad, bom=piece.start == 0)
            yield from mark_last(blocks)
            if bad[0]:
                damaged.append((Path(piece.path), bad[0]))
        warn_replaced_bytes(damaged)

    def __repr__(self) -> str:
        return f"ShardCorpus({len(self.pieces)} piece(s))"


# ---------------------------------------------------------------------- synchronisation


@dataclass
class SyncStats:
    """What one rank spent on communication.

    ``wait_seconds`` is the time in the per-chunk word-count allreduce, which absorbs the
    differences in speed between ranks (load imbalance); ``sync_seconds`` the time spent
    averaging weights. Bytes are the payload of the averaged rows (float32), per rank; an
    allreduce moves about ``2 (p - 1) / p`` times that over each rank's link.
    """

    rank: int = 0
    size: int = 1
    steps: int = 0
    full_syncs: int = 0
    hot_syncs: int = 0
    bytes_per_full_sync: int = 0
    bytes_per_hot_sync: int = 0
    bytes_total: int = 0
    wait_seconds: float = 0.0
    sync_seconds: float = 0.0
    train_seconds: float = 0.0
    words: int = 0

    @property
    def comm_seconds(self) -> float:
        return self.wait_seconds + self.sync_seconds


class _Synchroniser:
    """The per-chunk collective step. Every rank calls :meth:`step` the same number of times
    and, deciding from the same global counts, runs the same weight allreduces after it."""

    def __init__(
        self,
        comm: Any,
        mpi: Any,
        arrays: Sequence[tuple[np.ndarray, slice]],
        *,
        sync_words: int,
        hot_sync_words: int | None,
        mode: str,
        stats: SyncStats,
        report: Any = None,
    ) -> None:
        self.comm, self.mpi = comm, mpi
        self.mode = mode
        # "delta" keeps the weights as of the last sync, to find what this rank changed since.
        snaps = [a.copy() if mode == "delta" else None for a, _ in arrays]
        self.full = [(a, s) for (a, _), s in zip(arrays, snaps)]
        self.hot = [
            (a[rows], None if s is None else s[rows])
            for (a, rows), s in zip(arrays, snaps)
            if rows.stop != rows.start
        ]
        self.sync_words = sync_words
        self.hot_sync_words = hot_sync_words if self.hot else None
        self.stats = stats
        stats.bytes_per_full_sync = sum(a.nbytes for a, _ in self.full)
        stats.bytes_per_hot_sync = sum(a.nbytes for a, _ in self.hot)
        self.global_done = 0
        self.next_full = sync_words
        self.next_hot = hot_sync_words or 0
        self.report = report
        self._buf = np.zeros(2, dtype=np.int64)

    def step(self, words: int, finished: bool) -> bool:
        """Add ``words`` to the global count; sync if due. True when all ranks have finished."""
        mpi, st = self.mpi, self.stats
        self._buf[0], self._buf[1] = words, int(finished)
        t0 = time.perf_counter()
        self.comm.Allreduce(mpi.IN_PLACE, self._buf, op=mpi.SUM)
        st.wait_seconds += time.perf_counter() - t0
        st.steps += 1
        self.global_done += int(self._buf[0])
        all_done = int(self._buf[1]) == self.comm.size
        g = self.global_done
        if all_done or g >= self.next_full:
            self._average(self.full)
            st.full_syncs += 1
            st.bytes_total += st.bytes_per_full_sync
            self.next_full = (g // self.sync_words + 1) * self.sync_words
            if self.hot_sync_words:
                self.next_hot = (g // self.hot_sync_words + 1) * self.hot_sync_words
        elif self.hot_sync_words and g >= self.next_hot:
            self._average(self.hot)
            st.hot_syncs += 1
            st.bytes_total += st.bytes_per_hot_sync
            self.next_hot = (g // self.hot_sync_words + 1) * self.hot_sync_words
        if self.report is not None:
            self.report(g)
        return all_done

    def _average(self, arrays: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> None:
        """Combine the ranks' copies of ``arrays`` in place (identical on all ranks after).

        ``"average"``: the mean of the copies. ``"delta"``: the last synced value plus every
        rank's change since, summed, so that each word's updates count in full whichever
        rank made them, as the updates of threads do within one process. (Averaging divides
        each rank's progress by the number of ranks: at equal epochs it learns less.)
        """
        mpi, size = self.mpi, self.comm.size
        t0 = time.perf_counter()
        for a, snap in arrays:
            if snap is None:
                self.comm.Allreduce(mpi.IN_PLACE, a, op=mpi.SUM)
                a *= np.float32(1.0 / size)
            else:
                a -= snap  # this rank's change since the last sync
                self.comm.Allreduce(mpi.IN_PLACE, a, op=mpi.SUM)
                a += snap
                snap[...] = a
        self.stats.sync_seconds += time.perf_counter() - t0


# ---------------------------------------------------------------------- training


@dataclass
class DistributedResult:
    """What :func:`run_distributed` returns on every rank."""

    model: Any
    stats: SyncStats
    all_stats: list[SyncStats] | None  # rank 0: every rank's; other ranks: None
    shard_words: int  # raw tokens of this rank's shard
    vocab_seconds: float


@contextlib.contextmanager
def abort_on_error(comm: Any) -> Iterator[None]:
    """Turn an exception on this rank into ``fastw2v: rank R: message`` and ``MPI_Abort``.

    Without it, the other ranks would wait forever in their next collective.
    """
    try:
        yield
    except BaseException as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            raise
        msg = str(exc) or type(exc).__name__
        if getattr(exc, "collective", False):
            # every rank raised the same error at the same point: none waits in a collective,
            # so rank 0 reports it and all end (an MPI_Abort could kill rank 0 mid-message)
            if comm.rank == 0:
                sys.stderr.write(f"fastw2v: {msg}\n")
                sys.stderr.flush()
            raise SystemExit(1) from None
        if isinstance(exc, KeyboardInterrupt):
            msg = "interrupted"
        elif not isinstance(exc, (ValueError, OSError, TypeError)):
            msg = f"{type(exc).__name__}: {msg}"
        sys.stderr.write(f"fastw2v: rank {comm.rank}: {msg}\n")
        sys.stderr.flush()
        comm.Abort(1)
        raise  # not reached: Abort ends the process


def _count_shard(corpus: ShardCorpus, max_vocab_size: int | None) -> tuple[Counter[str], bool]:
    if max_vocab_size is None:
        from fastw2v.encoding import count_words

        return Counter(count_words(corpus)), False
    counter: Counter[str] = Counter()
    update = counter.update
    threshold, pruned = 1, False
    for sentence in corpus:
        update(sentence)
        if max_vocab_size is not None and len(counter) > max_vocab_size:
            while len(counter) > max_vocab_size:
                counter = Counter({w: c for w, c in counter.items() if c > threshold})
                threshold += 1
            update, pruned = counter.update, True
    return counter, pruned


def _shared_vocab(comm: Any, counter: Counter[str], cfg: Any, vocab: Any) -> Any:
    """Merge the ranks' counts on rank 0 (in rank order), select once, broadcast."""
    from fastw2v.vocab import Vocab

    if vocab is None:
        gathered = comm.gather(counter, root=0)
        payload: Any = None
        if comm.rank == 0:
            merged: Counter[str] = Counter()
            for part in gathered:
                merged.update(part)  # rank order = corpus order: ties keep first appearance
            del gathered
            try:
                v = Vocab.from_counts(merged, cfg.min_count, cfg.max_final_vocab)
                payload = (v.words, v.counts)
            except ValueError as exc:
                payload = exc
        payload = comm.bcast(payload, root=0)
        if isinstance(payload, Exception):
            raise payload  # every rank raises the same error: a clean, collective failure
        return Vocab(*payload)
    return vocab


def run_distributed(
    corpus: str | os.PathLike[str],
    *,
    comm: Any = None,
    sync_words: int = DEFAULT_SYNC_WORDS,
    hot_words: int = DEFAULT_HOT_WORDS,
    hot_sync_words: int = DEFAULT_HOT_SYNC_WORDS,
    sync_mode: str = "delta",
    vocab: Any = None,
    epochs: int | None = None,
    verbose: bool = False,
    abort: bool = True,
    **params: Any,
) -> DistributedResult:
    """Train one model with every rank of ``comm``; see the module docstring.

    Parameters are those of :func:`train_distributed`. Returns, on every rank, the model
    (identical weights everywhere), this rank's :class:`SyncStats` and, on rank 0, every
    rank's.
    """
    mpi = _mpi()
    comm = mpi.COMM_WORLD if comm is None else comm
    ctx = abort_on_error(comm) if abort else contextlib.nullcontext()
    with ctx:
        plan = _SyncPlan.checked(sync_words, hot_words, hot_sync_words, sync_mode)
        return _run(mpi, comm, corpus, plan, vocab, epochs, verbose, params)


def _check_positive(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class _SyncPlan:
    """When the ranks synchronise, and how (see :func:`train_distributed`)."""

    sync_words: int
    hot_words: int
    hot_sync_words: int
    mode: str

    @classmethod
    def checked(cls, sync_words: Any, hot_words: Any, hot_sync_words: Any, mode: Any) -> _SyncPlan:
        plan = cls(
            _check_positive("sync_words", sync_words, 1),
            _check_positive("hot_words", hot_words, 0),
            _check_positive("hot_sync_words", hot_sync_words, 1),
            mode,
        )
        if mode not in SYNC_MODES:
            raise ValueError(f"sync_mode must be 'delta' or 'average', got {mode!r}")
        return plan

    def batch_words(self, batch_words: int, ranks: int) -> int:
        """Words per chunk: small enough that the ranks together cross each sync threshold
        within one step."""
        interval = min(self.sync_words, self.hot_sync_words) if self.hot_words else self.sync_words
        return max(1000, min(batch_words, interval // ranks))

    def describe(self) -> str:
        text = f"sync all rows every {self.sync_words:,} words"
        if self.hot_words:
            text += f", the {self.hot_words:,} hot rows every {self.hot_sync_words:,}"
        return text


def _run(
    mpi: Any,
    comm: Any,
    corpus: Any,
    plan: _SyncPlan,
    vocab: Any,
    epochs: int | None,
    verbose: bool,
    params: dict[str, Any],
) -> DistributedResult:
    if not isinstance(corpus, (str, bytes, os.PathLike)):
        raise TypeError("distributed training reads a corpus path (file or directory)")
    rank, size = comm.rank, comm.size
    model = _rank_model(mpi, comm, params)
    cfg = model.config
    n_epochs = cfg.epochs if epochs is None else _check_positive("epochs", epochs, 1)
    files = _corpus_files(os.fsdecode(corpus))
    # 0. the same job on every rank, before anything is shared
    extra = {"epochs": n_epochs, **dataclasses.asdict(plan)}
    check_same_job(comm, job_identity(cfg.to_dict(), extra, corpus_identity(files), vocab))
    # 1. shard: every rank computes the same plan from the file sizes.
    pieces = plan_shards(files, size)[rank]
    shard = ShardCorpus(pieces, cfg.max_sentence_length)
    # 2. one vocabulary.
    t0 = time.perf_counter()
    shard_tokens, shard_words = _build_shared_vocab(comm, model, shard, vocab)
    vocab_seconds = time.perf_counter() - t0
    global_words = comm.allreduce(shard_words, op=mpi.SUM)
    if verbose and rank == 0:
        print(
            f"{size} ranks; vocab size {len(model.vocab)}; {global_words:,} in-vocabulary words "
            f"per epoch ({vocab_seconds:.1f}s); {plan.describe()}",
            file=sys.stderr,
        )
    # 3. train.
    stats = SyncStats(rank=rank, size=size)
    total = global_words * n_epochs
    t_start = time.perf_counter()
    sync = _Synchroniser(
        comm,
        mpi,
        model.weights.sync_slices(cfg.output_layers(), plan.hot_words),
        sync_words=plan.sync_words,
        hot_sync_words=plan.hot_sync_words if plan.hot_words else None,
        mode=plan.mode,
        stats=stats,
        report=_Reporter(total) if verbose and rank == 0 else None,
    )
    _train_shard(
        model, shard, sync, plan.batch_words(cfg.batch_words, size), shard_words, n_epochs, total
    )
    stats.train_seconds = time.perf_counter() - t_start
    stats.words = shard_words * n_epochs
    all_stats = comm.gather(stats, root=0)
    if verbose and rank == 0:
        _print_summary(all_stats, total)
    return DistributedResult(model, stats, all_stats, shard_tokens, vocab_seconds)


def _rank_model(mpi: Any, comm: Any, params: dict[str, Any]) -> Any:
    """This rank's (untrained) model; by default the node's cores are shared between the
    ranks running on it."""
    from fastw2v.config import available_cores
    from fastw2v.model import Word2Vec

    params.pop("progress", None)  # a per-rank bar would count one shard; rank 0 reports
    if params.get("workers", params.get("threads")) is None:
        local = comm.Split_type(mpi.COMM_TYPE_SHARED, comm.rank)
        params["workers"] = max(1, available_cores() // local.size)
        local.Free()
    return Word2Vec(progress=False, **params)


def _build_shared_vocab(comm: Any, model: Any, shard: ShardCorpus, vocab: Any) -> tuple[int, int]:
    """Count the shard, agree on one vocabulary, initialise the weights (same vocabulary and
    seed: the same initial weights on every rank). Returns the shard's tokens and its
    in-vocabulary words."""
    cfg = model.config
    counter, pruned = _count_shard(shard, cfg.max_vocab_size)
    shard_tokens = sum(counter.values())
    vocab = _shared_vocab(comm, counter, cfg, vocab)
    model.build_vocab(vocab=vocab)
    index = vocab.index
    if pruned:  # approximate counts: count our in-vocabulary words exactly
        return shard_tokens, sum(1 for s in shard for w in s if w in index)
    return shard_tokens, sum(c for w, c in counter.items() if w in index)


class _Reporter:
    """Rank 0's progress lines on stderr, every 5 seconds and at the end."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, g: int) -> None:
        now = time.perf_counter()
        if now - self.last >= 5.0 or g >= self.total:
            self.last = now
            el = now - self.start
            print(
                f"  {100.0 * g / max(self.total, 1):5.1f}%  {g:,} words  "
                f"{g / max(el, 1e-9):,.0f} words/s",
                file=sys.stderr,
            )


class _EpochHook:
    """The trainer's chunk hook on a rank: one collective step per chunk; at the end of the
    rank's epoch, steps until every rank has finished it. Returns the global word count."""

    def __init__(self, sync: _Synchroniser, shard_words: int, n_epochs: int) -> None:
        self.sync = sync
        self.shard_words = shard_words
        self.epoch_ends = [shard_words * (e + 1) for e in range(n_epochs)]
        self.epoch = 0
        self.reported = 0

    def __call__(self, local: int) -> int:
        delta, self.reported = local - self.reported, local
        end = self.epoch_ends[self.epoch]
        if local > end:
            raise RuntimeError(
                f"trained {local} words but the shard holds {self.shard_words} per epoch"
            )
        if local == end:
            all_done = self.sync.step(delta, True)
            while not all_done:
                all_done = self.sync.step(0, True)
            self.epoch += 1
        else:
            self.sync.step(delta, False)
        return self.sync.global_done


def _train_shard(
    model: Any,
    shard: ShardCorpus,
    sync: _Synchroniser,
    batch: int,
    shard_words: int,
    n_epochs: int,
    total: int,
) -> None:
    """Train on this rank's shard, on the global schedule, joining every sync."""
    if shard_words == 0:  # an empty shard (tiny corpus, many ranks): only join the collectives
        _join_only(model, sync, n_epochs)
        return
    hook = _EpochHook(sync, shard_words, n_epochs)
    # Each rank draws its own random numbers (subsampling, windows, negatives).
    seed = rank_seed(model.config.seed, sync.comm.rank)
    options = model.train_options(progress=False, seed=seed, batch_words=batch, chunk_hook=hook)
    model.train(shard, epochs=n_epochs, total_words=total, options=options)
    if hook.epoch != n_epochs:
        raise RuntimeError(f"finished {hook.epoch} of {n_epochs} epochs' synchronisation")


def _join_only(model: Any, sync: _Synchroniser, n_epochs: int) -> None:
    """A rank without words joins every step, and calls the callbacks as training would,
    so that callbacks may use collectives too."""
    from fastw2v.trainer import Callbacks, EpochStats, TrainResult

    cbs = Callbacks(model, model.callbacks)
    cbs.train_begin()
    result = TrainResult(threads=model.config.threads)
    for e in range(n_epochs):
        t0 = time.perf_counter()
        while not sync.step(0, True):
            pass
        stats = EpochStats(
            epoch=model.epochs_trained + e + 1,
            words=0,
            kept_words=0,
            examples=0,
            loss=float("nan"),
            loss_sum=0.0,
            loss_terms=0,
            seconds=time.perf_counter() - t0,
            alpha_end=float("nan"),
        )
        result.epochs.append(stats)
        cbs.epoch_end(stats)
    model.epochs_trained += n_epochs
    model.last_result = result
    cbs.train_end(result)


def run_cli(args: Any, params: dict[str, Any]) -> int:
    """``fastw2v train`` under ``mpirun``: called by :mod:`fastw2v.cli` with its parsed
    arguments and training parameters. Rank 0 reports and writes the outputs."""
    try:
        mpi = _mpi()
    except ImportError as exc:
        raise RuntimeError(str(exc)) from None
    from fastw2v.vocab import Vocab

    comm = mpi.COMM_WORLD
    with abort_on_error(comm):
        _refuse_single_process_flags(args, comm.size)
        vocab = None
        if args.read_vocab:
            # -min-count and -max-vocab apply to a read vocabulary too, as in word2vec.c
            mc, cap = params["min_count"], params["max_final_vocab"]
            vocab = Vocab.load(args.read_vocab, mc, cap, strict=True)
        try:
            res = _run_for_cli(args, comm, vocab, params)
        except JobMismatch as exc:
            raise exc.with_flags(_cli_flags()) from None
        if comm.rank == 0:
            model = res.model
            if args.save_vocab:
                model.vocab.save(args.save_vocab)
            if args.output:
                model.save_word2vec_format(args.output, binary=args.binary)
            if args.save_model:
                model.save(args.save_model)
    comm.Barrier()  # the others wait, so that a failed write on rank 0 still aborts the job
    return 0


def _run_for_cli(args: Any, comm: Any, vocab: Any, params: dict[str, Any]) -> DistributedResult:
    return run_distributed(
        args.train,
        comm=comm,
        sync_words=args.sync_words,
        hot_words=args.hot_words,
        hot_sync_words=args.hot_sync_words,
        sync_mode=getattr(args, "sync_mode", "delta"),
        vocab=vocab,
        verbose=args.debug >= 1,
        abort=False,
        **params,
    )


#: ``fastw2v train`` flags that a multi-process run does not support (yet): checkpoints are
#: one process's training state, and an interrupted job is aborted as a whole.
_SINGLE_PROCESS_FLAGS = {
    "resume": "--resume",
    "checkpoint": "--checkpoint",
    "checkpoint_every": "--checkpoint-every",
    "checkpoint_minutes": "--checkpoint-minutes",
    "save_on_interrupt": "--save-on-interrupt",
}


def _refuse_single_process_flags(args: Any, size: int) -> None:
    """Refuse, before any work, the flags that would otherwise be silently ignored."""
    given = [flag for dest, flag in _SINGLE_PROCESS_FLAGS.items() if getattr(args, dest, None)]
    if given:
        raise ValueError(
            f"{', '.join(given)}: not supported under mpirun ({size} processes); "
            "checkpoints and resuming work in a single-process run"
        )


def _cli_flags() -> dict[str, str]:
    """What a :class:`JobMismatch` names, in ``fastw2v train`` flags."""
    from fastw2v.config import params

    flags = {name: spec.flags[0] for name, (_, spec) in params().items()}
    flags.update(
        corpus="-train",
        vocab="-read-vocab",
        sync_words="--sync-words",
        hot_words="--hot-words",
        hot_sync_words="--hot-sync-words",
        mode="--sync-mode",
    )
    return flags


def _fmt_bytes(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _print_summary(all_stats: list[SyncStats], total: int) -> None:
    s0 = all_stats[0]
    secs = max(s.train_seconds for s in all_stats)
    print(
        f"Trained {total:,} words on {s0.size} ranks in {secs:.1f}s: {total / secs:,.0f} words/s; "
        f"{s0.full_syncs} full syncs ({_fmt_bytes(s0.bytes_per_full_sync)} each), "
        f"{s0.hot_syncs} hot syncs ({_fmt_bytes(s0.bytes_per_hot_sync)} each), "
        f"{_fmt_bytes(s0.bytes_total)} averaged per rank in all",
        file=sys.stderr,
    )
    for s in all_stats:
        print(
            f"  rank {s.rank}: {s.words:,} words, {s.train_seconds:.1f}s, communication "
            f"{s.comm_seconds:.2f}s (averaging {s.sync_seconds:.2f}s, waiting for counts "
            f"{s.wait_seconds:.2f}s, {s.steps} steps)",
            file=sys.stderr,
        )


def train_distributed(
    corpus: str | os.PathLike[str],
    *,
    comm: Any = None,
    sync_words: int = DEFAULT_SYNC_WORDS,
    hot_words: int = DEFAULT_HOT_WORDS,
    hot_sync_words: int = DEFAULT_HOT_SYNC_WORDS,
    sync_mode: str = "delta",
    output: str | os.PathLike[str] | None = None,
    binary: bool = True,
    verbose: bool = False,
    **params: Any,
) -> Any:
    """Train a :class:`fastw2v.Word2Vec` on all ranks of ``comm``, each reading its shard.

    Call it on every rank of a job started by ``mpirun`` (every rank returns the model, with
    identical weights after the final synchronisation).

    Parameters
    ----------
    corpus : path-like
        A text file (plain: split by byte ranges; compressed: needs as many files as ranks)
        or a directory of them.
    comm : mpi4py communicator, optional
        Default ``MPI.COMM_WORLD``.
    sync_words : int
        Average all weights every this many words (counted over all ranks).
    hot_words : int
        Also average the rows of the ``hot_words`` most frequent words every
        ``hot_sync_words`` words; 0 disables it.
    hot_sync_words : int
        Words between two hot-row averages.
    sync_mode : {"delta", "average"}
        ``"delta"`` (default): a sync sets the weights to their last synced value plus the
        sum of every rank's change since, so every update counts in full, as in one process
        (keeps a copy of the weights). ``"average"``: the mean of the ranks' weights (model
        averaging; at equal epochs it learns less, each rank's progress divided by the
        number of ranks).
    output : path-like, optional
        Rank 0 writes the vectors here (atomically) in word2vec format.
    binary : bool
        Binary word2vec format for ``output``.
    verbose : bool
        Rank 0 prints the vocabulary size, progress and the communication summary on stderr.
    **params
        Training parameters, as for :class:`fastw2v.Word2Vec` (``vector_size``, ``sg``,
        ``epochs``, ``workers`` — default: the node's cores shared between its ranks, ...).

    Returns
    -------
    Word2Vec
        The trained model.

    Raises
    ------
    ImportError
        If mpi4py is not installed. Any error on one rank aborts the whole job with a
        message naming that rank.
    """
    mpi = _mpi()
    comm = mpi.COMM_WORLD if comm is None else comm
    res = run_distributed(
        corpus,
        comm=comm,
        sync_words=sync_words,
        hot_words=hot_words,
        hot_sync_words=hot_sync_words,
        sync_mode=sync_mode,
        verbose=verbose,
        **params,
    )
    if output is not None:
        with abort_on_error(comm):
            if comm.rank == 0:
                res.model.save_word2vec_format(output, binary=binary)
        comm.Barrier()
    return res.model
