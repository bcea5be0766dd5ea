"""The ``fastw2v`` command line.

``fastw2v train`` accepts word2vec.c's single-dash flags (``-train -output -size -window
-sample -hs -negative -threads -iter -min-count -alpha -binary -cbow -save-vocab
-read-vocab``) so that existing scripts switch by changing the program name, and readable
long options beside them. Any error ends the process with a one-line message on stderr and
a non-zero exit status.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

from fastw2v._stop import Interrupted, terminate_raises

#: Training parameters and the word2vec.c flag that sets each, for error messages.
TRAIN_FLAGS = {
    "vector_size": "-size",
    "window": "-window",
    "sample": "-sample",
    "negative": "-negative",
    "workers": "-threads",
    "epochs": "-iter",
    "min_count": "-min-count",
    "alpha": "-alpha",
    "min_alpha": "--min-alpha",
    "max_final_vocab": "-max-vocab",
    "seed": "-seed",
    "batch_words": "--batch-words",
}

#: Errors the CLI reports as one line (an ImportError names the package to install).
_REPORTED = (
    OSError,
    ValueError,
    TypeError,
    RuntimeError,
    FloatingPointError,
    KeyError,
    ImportError,
)

DEMO_WORDS = ("king", "france", "computer", "two", "music", "good")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors end with one line and status 2 (not a usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _bool01(text: str) -> bool:
    """word2vec.c passes switches as integers: ``-hs 1``, ``-binary 0``."""
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train word vectors (word2vec.c's flags work)",
        description="Train word vectors. word2vec.c's flags (-train, -output, -size, ...) are "
        "accepted as they are; each also has a long spelling.",
        allow_abbrev=False,
    )
    a = p.add_argument
    a(
        "-train",
        "--train",
        "--input",
        dest="train",
        required=True,
        metavar="FILE",
        help="training corpus: text file (or .gz/.bz2/.xz, or a directory of them)",
    )
    a("-output", "--output", dest="output", metavar="FILE", help="write the word vectors here")
    a(
        "-size",
        "--size",
        "--vector-size",
        dest="size",
        type=int,
        default=100,
        help="vector dimension (100)",
    )
    a("-window", "--window", dest="window", type=int, default=5, help="max context distance (5)")
    a(
        "-sample",
        "--sample",
        dest="sample",
        type=float,
        default=1e-3,
        help="subsampling threshold for frequent words, 0 to disable (1e-3)",
    )
    a("-hs", "--hs", dest="hs", type=_bool01, default=False, help="hierarchical softmax 0/1 (0)")
    a(
        "-negative",
        "--negative",
        dest="negative",
        type=int,
        default=5,
        help="noise words per example (5)",
    )
    a(
        "-threads",
        "--threads",
        "--workers",
        dest="threads",
        type=int,
        default=None,
        help="training threads (all cores)",
    )
    a("-iter", "--iter", "--epochs", dest="iter", type=int, default=5, help="epochs (5)")
    a(
        "-min-count",
        "--min-count",
        dest="min_count",
        type=int,
        default=5,
        help="discard words seen fewer times (5)",
    )
    a(
        "-alpha",
        "--alpha",
        dest="alpha",
        type=float,
        default=None,
        help="initial learning rate (0.025 skip-gram, 0.05 CBOW)",
    )
    a(
        "--min-alpha",
        dest="min_alpha",
        type=float,
        default=None,
        help="final learning rate (alpha * 1e-4)",
    )
    a(
        "-binary",
        "--binary",
        dest="binary",
        type=_bool01,
        default=False,
        help="binary output 0/1 (0)",
    )
    a("-cbow", "--cbow", dest="cbow", type=_bool01, default=True, help="1 CBOW, 0 skip-gram (1)")
    a("--sg", dest="cbow", action="store_false", help="skip-gram (same as -cbow 0)")
    a(
        "--cbow-sum",
        dest="cbow_mean",
        action="store_false",
        help="CBOW sums context vectors instead of averaging",
    )
    a(
        "-save-vocab",
        "--save-vocab",
        dest="save_vocab",
        metavar="FILE",
        help="write the vocabulary (word count)",
    )
    a(
        "-read-vocab",
        "--read-vocab",
        dest="read_vocab",
        metavar="FILE",
        help="read the vocabulary instead of counting the corpus",
    )
    a(
        "-max-vocab",
        "--max-vocab",
        dest="max_vocab",
        type=int,
        default=None,
        help="keep at most this many most frequent words",
    )
    a("-seed", "--seed", dest="seed", type=int, default=1, help="random seed (1)")
    a(
        "--kernel",
        choices=("auto", "batched", "pair"),
        default="auto",
        help="skip-gram kernel: batched (shared noise words per window), pair (word2vec.c's) "
        "or auto (batched for negative sampling, pair with -hs)",
    )
    a("--save-model", metavar="FILE", help="also save the full model (to continue training)")
    a(
        "-debug",
        "--debug",
        dest="debug",
        type=int,
        default=2,
        help="0: quiet; 1: summary; 2: progress bar and summary (2)",
    )
    a("--quiet", dest="debug", action="store_const", const=0, help="same as -debug 0")
    a("-classes", dest="classes", type=int, default=0, help=argparse.SUPPRESS)
    a(
        "--batch-words",
        type=int,
        default=1 << 20,
        metavar="N",
        help="words per kernel call; progress, checkpoints and Ctrl-C act between calls",
    )
    ck = p.add_argument_group("checkpoints and interruption")
    ck.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="save the model here periodically (atomically) while training",
    )
    ck.add_argument(
        "--checkpoint-every",
        type=int,
        metavar="WORDS",
        default=None,
        help="checkpoint every WORDS trained words",
    )
    ck.add_argument(
        "--checkpoint-minutes",
        type=float,
        metavar="M",
        default=None,
        help="checkpoint every M minutes",
    )
    ck.add_argument(
        "--resume",
        metavar="FILE",
        help="continue the training recorded in this checkpoint (same corpus; "
        "the parameters are the checkpoint's)",
    )
    ck.add_argument(
        "--save-on-interrupt",
        action="store_true",
        help="on Ctrl-C, SIGTERM or SIGHUP, write -output/--save-model/--checkpoint from "
        "the weights so far (exit status 128 + the signal either way: 130 for Ctrl-C)",
    )
    mpi = p.add_argument_group(
        "MPI (under mpirun with more than one process: each reads its shard of the corpus, "
        "weights are averaged across processes; needs mpi4py: pip install 'fastw2v[mpi]')"
    )
    mpi.add_argument(
        "--sync-words",
        type=int,
        default=1_000_000,
        metavar="N",
        help="average all weights every N words, counted over all processes (1000000)",
    )
    mpi.add_argument(
        "--hot-words",
        type=int,
        default=1024,
        metavar="K",
        help="also average the K most frequent words' rows more often; 0: off (1024)",
    )
    mpi.add_argument(
        "--hot-sync-words",
        type=int,
        default=100_000,
        metavar="N",
        help="average the hot rows every N words (100000)",
    )
    mpi.add_argument(
        "--sync-mode",
        choices=("delta", "average"),
        default="delta",
        help="delta: add up every process's changes since the last sync (as threads do); "
        "average: mean of the processes' weights (delta)",
    )
    p.set_defaults(func=_run_train)


def _run_train(args: argparse.Namespace) -> int:
    from fastw2v._atomic import check_collisions, check_writable
    from fastw2v.model import Word2Vec
    from fastw2v.vocab import Vocab

    if args.classes:
        raise ValueError("-classes (k-means word classes) is not supported; use -output vectors")
    if not (args.output or args.save_vocab or args.save_model or args.checkpoint):
        raise ValueError("nothing to write: give -output FILE (and/or -save-vocab, --save-model)")
    outputs = {
        "-output": args.output,
        "-save-vocab": args.save_vocab,
        "--save-model": args.save_model,
        "--checkpoint": args.checkpoint,
    }
    inputs = {"-train": args.train, "-read-vocab": args.read_vocab, "--resume": args.resume}
    # A checkpoint continues the one it resumed from: the same file on purpose.
    check_collisions(outputs, inputs, allowed=[("--checkpoint", "--resume")])
    for target in outputs.values():
        if target:
            check_writable(target)
    if not os.path.exists(args.train):
        raise FileNotFoundError(f"training file not found: {args.train}")
    if args.resume and not os.path.exists(args.resume):
        raise FileNotFoundError(f"checkpoint not found: {args.resume}")
    params = dict(
        vector_size=args.size,
        window=args.window,
        sample=args.sample,
        hs=args.hs,
        negative=args.negative,
        workers=args.threads,
        epochs=args.iter,
        min_count=args.min_count,
        alpha=args.alpha,
        min_alpha=args.min_alpha,
        sg=not args.cbow,
        cbow_mean=args.cbow_mean,
        max_final_vocab=args.max_vocab,
        seed=args.seed,
        kernel=args.kernel,
        batch_words=args.batch_words,
    )
    from fastw2v.distributed import launched_world_size  # does not import mpi4py

    if launched_world_size() > 1:
        from fastw2v.distributed import run_cli

        return run_cli(args, params)
    if args.checkpoint and not (args.checkpoint_every or args.checkpoint_minutes):
        args.checkpoint_minutes = 10.0
    if args.resume:
        model = Word2Vec.load(args.resume)
        model.progress = args.debug >= 2
        vocab = model.vocab
        if args.debug >= 1:
            print(f"Resuming {args.resume}: {model!r}", file=sys.stderr)
    else:
        model = Word2Vec(progress=args.debug >= 2, **params)
        t0 = time.perf_counter()
        if args.read_vocab:
            vocab = model.build_vocab(vocab=Vocab.load(args.read_vocab))
        else:
            vocab = model.build_vocab(args.train)
        if args.debug >= 1:
            print(
                f"Vocab size: {len(vocab)}  Words in train file: {vocab.total_words}  "
                f"({time.perf_counter() - t0:.1f}s)",
                file=sys.stderr,
            )
    assert vocab is not None
    _check_space(model, args)
    if args.save_vocab:
        vocab.save(args.save_vocab)
    try:
        result = model.train(
            args.train,
            resume=bool(args.resume),
            checkpoint=args.checkpoint,
            checkpoint_words=args.checkpoint_every,
            checkpoint_seconds=args.checkpoint_minutes * 60 if args.checkpoint_minutes else None,
        )
    except KeyboardInterrupt as exc:
        why = f"interrupted ({exc})" if isinstance(exc, Interrupted) else "interrupted"
        if args.save_on_interrupt:
            _write_outputs(model, args)
            print(f"fastw2v train: {why}; saved the weights trained so far", file=sys.stderr)
        else:
            print(
                f"fastw2v train: {why}; nothing saved (--save-on-interrupt saves)",
                file=sys.stderr,
            )
        return _interrupt_status(exc)
    if args.debug >= 1:
        print(
            f"Trained {result.words} words in {result.seconds:.1f}s: "
            f"{result.words_per_sec:,.0f} words/s "
            f"({result.words_per_sec_per_thread:,.0f} per thread, {result.threads} threads), "
            f"final loss {result.loss:.4f}",
            file=sys.stderr,
        )
    _write_outputs(model, args)
    return 0


def _write_outputs(model: Any, args: argparse.Namespace) -> None:
    """Vectors, model and checkpoint, each written atomically."""
    if args.output:
        model.save_word2vec_format(args.output, binary=args.binary)
    if args.save_model:
        model.save(args.save_model)
    if args.checkpoint:
        model.save(args.checkpoint)


def _check_space(model: Any, args: argparse.Namespace) -> None:
    """Refuse to start hours of training when the outputs cannot fit on their disks."""
    import shutil

    V, dim = len(model.vocab), model.config.vector_size
    words = sum(len(w.encode("utf-8", "surrogateescape")) + 2 for w in model.vocab.words)
    matrices = 1 + sum(m is not None for m in (model.w_out_ns, model.w_out_hs, model.w_out_sm))
    need: dict[str, int] = {}
    if args.output:
        need[args.output] = words + V * dim * (4 if args.binary else 13)
    for path in (args.save_model, args.checkpoint):
        if path:
            need[path] = words + V * dim * 4 * matrices
    for path, size in need.items():
        directory = os.path.dirname(os.path.abspath(path))
        free = shutil.disk_usage(directory).free
        if free < size:
            raise OSError(
                f"not enough disk space for {path}: needs about {size / 1e6:,.0f} MB, "
                f"{free / 1e6:,.0f} MB free in {directory}"
            )


def _add_demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="train on text8 and print nearest neighbours",
        description="Find (or download) text8, train skip-gram vectors and print the nearest "
        "neighbours of a few words. The data directory is $FASTW2V_DATA, else ~/.cache/fastw2v.",
    )
    p.add_argument("--epochs", type=int, default=5, help="epochs (5)")
    p.add_argument("--threads", type=int, default=None, help="training threads (all cores)")
    p.add_argument("--size", type=int, default=100, help="vector dimension (100)")
    p.add_argument("--cbow", action="store_true", help="CBOW instead of skip-gram")
    p.add_argument(
        "--questions",
        metavar="FILE",
        help="analogy questions (questions-words.txt format): print the accuracy",
    )
    p.add_argument(
        "--words", nargs="+", default=list(DEMO_WORDS), help="words to show neighbours of"
    )
    p.add_argument("--output", metavar="FILE", help="also write the vectors (word2vec binary)")
    p.add_argument("--no-download", action="store_true", help="fail instead of downloading text8")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from fastw2v.data import find_text8
    from fastw2v.model import Word2Vec

    path = find_text8(download=not args.no_download, progress=not args.quiet)
    print(f"corpus: {path}")
    model = Word2Vec(
        vector_size=args.size,
        window=5,
        sg=not args.cbow,
        negative=5,
        sample=1e-4,
        min_count=5,
        epochs=args.epochs,
        workers=args.threads,
        progress=not args.quiet,
    )
    t0 = time.perf_counter()
    vocab = model.build_vocab(path)
    counted = time.perf_counter() - t0
    result = model.train(path)
    # Both figures, whole first: a user timing the command sees the vocabulary pass (which
    # also reads and encodes the text) as well as the training.
    whole = counted + result.seconds
    print(
        f"vocabulary {len(vocab):,} words ({counted:.1f}s); trained {result.words:,} words in "
        f"{result.seconds:.1f}s; vocabulary + training {whole:.1f}s = "
        f"{result.words / whole / result.threads:,.0f} words/s per thread "
        f"(training alone {result.words_per_sec_per_thread:,.0f}); loss {result.loss:.4f}"
    )
    wv = model.wv
    for word in args.words:
        if word not in wv:
            print(f"{word}: (not in vocabulary)")
            continue
        near = ", ".join(f"{w} {s:.2f}" for w, s in wv.most_similar(word, topn=8))
        print(f"{word}: {near}")
    if args.questions:
        from fastw2v.evaluate import evaluate_word_analogies

        res = evaluate_word_analogies(wv, args.questions)
        print(
            f"analogy accuracy: {100 * res.accuracy:.2f}% of {res.total} questions "
            f"({res.skipped} skipped: out of vocabulary)"
        )
    if args.output:
        model.save_word2vec_format(args.output, binary=True)
        print(f"vectors written to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``fastw2v`` argument parser (subcommands)."""
    parser = _Parser(prog="fastw2v", description="Fast word2vec training and word-vector tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_train(sub)
    _add_demo(sub)
    # --- vector commands (eval, similar, analogy, plot) ---
    from fastw2v.evaluate import add_eval_parser
    from fastw2v.plot import add_plot_parser
    from fastw2v.vectors import add_query_parsers

    add_eval_parser(sub)
    add_query_parsers(sub)
    add_plot_parser(sub)
    return parser


def _interrupt_status(exc: KeyboardInterrupt) -> int:
    """The shell's status for a command ended by a signal: 128 + its number (130: Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("fastw2v")
    except Exception:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fastw2v`` console command."""
    args = build_parser().parse_args(argv)
    try:
        # SIGTERM and SIGHUP unwind like Ctrl-C: partial outputs' temporary files removed
        with terminate_raises():
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        print("fastw2v: interrupted", file=sys.stderr)
        return _interrupt_status(exc)
    except BrokenPipeError:
        return 141
    except _REPORTED as exc:
        from fastw2v.config import ParameterError

        if isinstance(exc, ParameterError) and exc.name in TRAIN_FLAGS:
            # say it in the user's terms: the flag they typed, not the Python name
            exc = ValueError(f"{exc} ({TRAIN_FLAGS[exc.name]})")
        # KeyError's str() is the repr of its argument; show the message itself
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        msg = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        print(f"fastw2v {args.command}: error: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
