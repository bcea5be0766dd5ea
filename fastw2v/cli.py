"""The ``fastw2v`` command line.

``fastw2v train`` accepts word2vec.c's single-dash flags (``-train -output -size -window
-sample -hs -negative -threads -iter -min-count -alpha -binary -cbow -save-vocab
-read-vocab``) so that existing scripts switch by changing the program name, and readable
long options beside them. Any error ends the process with a one-line message on stderr and
a non-zero exit status.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import math
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

from fastw2v._stop import Interrupted, terminate_raises
from fastw2v.config import Param, params

#: Training parameters and the flag that sets each (word2vec.c's where it has one), for
#: error messages; derived from the parameters' declarations in fastw2v.config.
TRAIN_FLAGS = {name: spec.flags[0] for name, (_, spec) in params().items()}

#: Errors the CLI reports as one line (an ImportError names the package to install).
_REPORTED = (
    OSError,
    ValueError,
    TypeError,
    RuntimeError,
    FloatingPointError,
    KeyError,
    ImportError,
    MemoryError,
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


def _positive(text: str) -> int:
    """A count the vector tools take (``-n``, ``--limit``): an integer >= 1; argparse names
    the flag in the error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    """A finite number > 0 (``--checkpoint-minutes``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _auto01(text: str) -> bool | None:
    """A tri-state switch: ``1``, ``0`` or ``auto`` (None)."""
    return None if text.lower() == "auto" else _bool01(text)


def _not01(text: str) -> bool:
    """An inverted switch: ``-cbow 1`` means ``sg=False``."""
    return not _bool01(text)


def _flag_type(spec: Param, default: Any) -> Any:
    """The argparse ``type`` of a training parameter, from its declaration."""
    if spec.invert:
        return _not01
    if spec.auto:
        return _auto01
    if isinstance(default, bool):
        return _bool01
    if isinstance(spec.lo, float) or isinstance(default, float):
        return float
    return int


def _flag_help(spec: Param, default: Any) -> str:
    if default is None or spec.auto:
        return spec.help
    if isinstance(default, bool):
        default = int(default != spec.invert)
    return f"{spec.help} ({default})"


_METAVARS = {_not01: "0|1", _bool01: "0|1", _auto01: "0|1|auto", int: "N", float: "X"}


def _add_param_flags(p: argparse.ArgumentParser) -> None:
    """A flag for every TrainConfig field, generated from its declaration: same default,
    same name (``dest``), word2vec.c's spelling first."""
    g = p.add_argument_group("training parameters (fastw2v.config.TrainConfig)")
    for name, (default, spec) in params().items():
        kw: dict[str, Any] = {"dest": name, "default": default, "help": _flag_help(spec, default)}
        if spec.choices:
            kw["choices"] = spec.choices
        else:
            kw["type"] = _flag_type(spec, default)
        if not spec.choices:
            kw["metavar"] = spec.metavar or _METAVARS[kw["type"]]
        g.add_argument(*spec.flags, **kw)
        if spec.switch is not None:
            flag, value = spec.switch
            g.add_argument(
                flag,
                dest=name,
                action="store_const",
                const=value,
                default=default,
                help=spec.switch_help,
            )


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train word vectors (word2vec.c's flags work)",
        description="Train word vectors. word2vec.c's flags (-train, -output, -size, ...) are "
        "accepted as they are; each also has a long spelling.",
        allow_abbrev=False,
    )
    _add_io_flags(p)
    _add_param_flags(p)
    _add_checkpoint_flags(p)
    _add_continue_flags(p)
    _add_mpi_flags(p)
    p.set_defaults(func=_run_train)


def _add_continue_flags(p: argparse.ArgumentParser) -> None:
    c = p.add_argument_group("continuing and reusing (fastw2v.online)")
    c.add_argument(
        "--init-model",
        metavar="FILE",
        help="continue training this saved model (--save-model) on -train; its parameters "
        "are the model's; the vocabulary stays the model's unless --update-vocab",
    )
    c.add_argument(
        "--update-vocab",
        action="store_true",
        help="with --init-model: add -train's counts and new words (min-count) to the "
        "model's vocabulary, keeping every trained row (not with hierarchical softmax)",
    )
    c.add_argument(
        "--init-vectors",
        metavar="FILE",
        help="start the input rows of the words shared with this vectors file (word2vec "
        "text/binary or a KeyedVectors directory) from it",
    )
    c.add_argument(
        "--lock",
        metavar="FACTOR",
        type=float,
        nargs="?",
        const=0.0,
        default=None,
        help="with --init-vectors: lock factor of the rows it sets, in [0, 1] (0, the value "
        "of a bare --lock, keeps them fixed; 1, without --lock, trains them freely)",
    )


def _add_io_flags(p: argparse.ArgumentParser) -> None:
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
        "-binary",
        "--binary",
        dest="binary",
        type=_bool01,
        default=False,
        help="binary output 0/1 (0)",
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


def _add_checkpoint_flags(p: argparse.ArgumentParser) -> None:
    ck = p.add_argument_group("checkpoints and interruption")
    ck.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="save the model here periodically (atomically) while training",
    )
    ck.add_argument(
        "--checkpoint-every",
        type=_positive,
        metavar="WORDS",
        default=None,
        help="checkpoint every WORDS trained words",
    )
    ck.add_argument(
        "--checkpoint-minutes",
        type=_positive_float,
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


def _add_mpi_flags(p: argparse.ArgumentParser) -> None:
    from fastw2v.distributed import (  # numpy only: mpi4py is imported when training
        DEFAULT_HOT_SYNC_WORDS,
        DEFAULT_HOT_WORDS,
        DEFAULT_SYNC_WORDS,
        SYNC_MODES,
    )

    mpi = p.add_argument_group(
        "MPI (under mpirun with more than one process: each reads its shard of the corpus, "
        "weights are averaged across processes; needs mpi4py: pip install 'fastw2v[mpi]')"
    )
    mpi.add_argument(
        "--sync-words",
        type=int,
        default=DEFAULT_SYNC_WORDS,
        metavar="N",
        help=f"average all weights every N words, counted over all processes "
        f"({DEFAULT_SYNC_WORDS})",
    )
    mpi.add_argument(
        "--hot-words",
        type=int,
        default=DEFAULT_HOT_WORDS,
        metavar="K",
        help=f"also average the K most frequent words' rows more often; 0: off "
        f"({DEFAULT_HOT_WORDS})",
    )
    mpi.add_argument(
        "--hot-sync-words",
        type=int,
        default=DEFAULT_HOT_SYNC_WORDS,
        metavar="N",
        help=f"average the hot rows every N words ({DEFAULT_HOT_SYNC_WORDS})",
    )
    mpi.add_argument(
        "--sync-mode",
        choices=SYNC_MODES,
        default=SYNC_MODES[0],
        help="delta: add up every process's changes since the last sync (as threads do); "
        f"average: mean of the processes' weights ({SYNC_MODES[0]})",
    )


def _run_train(args: argparse.Namespace) -> int:
    _check_train_files(args)
    # Every TrainConfig field has its flag, under its own name (see _add_param_flags).
    train_params = {name: getattr(args, name) for name in params()}
    from fastw2v.distributed import launched_world_size  # does not import mpi4py

    if launched_world_size() > 1:
        from fastw2v.distributed import run_cli

        if args.init_model or args.init_vectors:
            raise ValueError("--init-model and --init-vectors do not run under mpirun yet")
        return run_cli(args, train_params)
    if args.checkpoint and not (args.checkpoint_every or args.checkpoint_minutes):
        args.checkpoint_minutes = 10.0
    model = _start_model(args, train_params)
    _check_space(model, args)
    if args.save_vocab:
        model.vocab.save(args.save_vocab)
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


def _check_train_files(args: argparse.Namespace) -> None:
    """Every input exists and no output can overwrite an input, before any work."""
    from fastw2v._atomic import check_collisions, check_writable

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
    _check_continue_flags(args)
    inputs = {
        "-train": args.train,
        "-read-vocab": args.read_vocab,
        "--resume": args.resume,
        "--init-model": args.init_model,
        "--init-vectors": args.init_vectors,
    }
    # A checkpoint continues the one it resumed from: the same file on purpose.
    check_collisions(outputs, inputs, allowed=[("--checkpoint", "--resume")])
    for target in outputs.values():
        if target:
            check_writable(target)
    if not os.path.exists(args.train):
        raise FileNotFoundError(f"training file not found: {args.train}")
    if args.resume and not os.path.exists(args.resume):
        raise FileNotFoundError(f"checkpoint not found: {args.resume}")
    if args.init_model and not os.path.exists(args.init_model):
        raise FileNotFoundError(f"--init-model: model file not found: {args.init_model}")
    if args.init_vectors and not os.path.exists(args.init_vectors):
        raise FileNotFoundError(f"--init-vectors: vectors file not found: {args.init_vectors}")


def _check_continue_flags(args: argparse.Namespace) -> None:
    """The flags of fastw2v.online used together only as they make sense."""
    if args.update_vocab and not args.init_model:
        raise ValueError("--update-vocab needs --init-model FILE (the model to grow)")
    if args.lock is not None and not args.init_vectors:
        raise ValueError("--lock needs --init-vectors FILE (the rows it locks)")
    if args.lock is not None and not 0.0 <= args.lock <= 1.0:
        raise ValueError(f"--lock must be in [0, 1] (0 keeps the rows fixed), got {args.lock}")
    if args.init_model and (args.resume or args.read_vocab):
        other = "--resume" if args.resume else "-read-vocab"
        raise ValueError(f"--init-model cannot be combined with {other}")
    if args.resume and args.init_vectors:
        raise ValueError("--resume continues a checkpoint as it was: drop --init-vectors")


def _start_model(args: argparse.Namespace, train_params: dict[str, Any]) -> Any:
    """The model to train: the checkpoint to resume, the saved model to continue (its
    vocabulary grown with --update-vocab), or a new one with its vocabulary; then rows from
    --init-vectors."""
    from fastw2v.model import Word2Vec
    from fastw2v.vocab import Vocab

    if args.resume:
        model = Word2Vec.load(args.resume)
        if args.workers is not None:  # threads are this run's, not the checkpoint's
            model.config = dataclasses.replace(model.config, workers=args.workers)
        model.progress = args.debug >= 2
        if args.debug >= 1:
            print(f"Resuming {args.resume}: {model!r}", file=sys.stderr)
        return model
    t0 = time.perf_counter()
    if args.init_model:
        model = Word2Vec.load(args.init_model)
        model.progress = args.debug >= 2
        vocab = model.build_vocab(args.train, update=True) if args.update_vocab else model.vocab
    else:
        model = Word2Vec(progress=args.debug >= 2, **train_params)
        if args.read_vocab:
            # -min-count and -max-vocab apply to a read vocabulary too, as in word2vec.c
            read = Vocab.load(args.read_vocab, args.min_count, args.max_final_vocab, strict=True)
            vocab = model.build_vocab(vocab=read)
        else:
            vocab = model.build_vocab(args.train)
    if args.init_vectors:
        shared = model.init_vectors(args.init_vectors, 1.0 if args.lock is None else args.lock)
        if args.debug >= 1:
            print(f"{shared} rows from {args.init_vectors}", file=sys.stderr)
    if args.debug >= 1:
        print(
            f"Vocab size: {len(vocab)}  Words in train file: {vocab.total_words}  "
            f"({time.perf_counter() - t0:.1f}s)",
            file=sys.stderr,
        )
        print(f"Learning rate: {_describe_rate(model.config)}", file=sys.stderr)
        est = getattr(model, "memory_estimate", None)  # none for a model loaded as it was
        if est is not None:
            print(f"Memory: about {est.total / 2**20:,.0f} MiB ({est.describe()})", file=sys.stderr)
    return model


def _describe_rate(cfg: Any) -> str:
    """``alpha 0.05 -> 5e-06, linear, init-range 1`` and where alpha came from."""
    epochs = f"{cfg.epochs} epoch" + ("s" if cfg.epochs != 1 else "")
    why = "-alpha" if cfg.alpha is not None else f"the {cfg.compat} default for {epochs}"
    text = f"alpha {cfg.learning_rate:g} ({why}) -> {cfg.final_learning_rate:g}, {cfg.lr_schedule}"
    if cfg.warmup:
        text += f", warm-up {cfg.warmup:g} of the run"
    return text + f"; init-range {cfg.initial_range:g}"


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
    matrices = len(model.weights.matrices())  # the input and every output layer
    need: dict[str, int] = {}
    if args.output:
        # text: "%.9g" takes up to 15 characters ("-1.23456789e-05"), and a space
        need[args.output] = words + V * dim * (4 if args.binary else 16)
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


def _lazy(module: str, name: str) -> Any:
    """A subcommand's entry point, imported when it runs (so that building the parser imports
    neither scipy nor matplotlib)."""

    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(module), name)(args) or 0)

    return run


_VECTORS_HELP = "vectors: word2vec text/binary file or fastw2v directory"


def _add_eval(sub: Any) -> None:
    p = sub.add_parser("eval", help="evaluate vectors on analogy and word-pair test files")
    p.add_argument("vectors", help=_VECTORS_HELP)
    p.add_argument(
        "tests",
        nargs="+",
        help="test files: questions-words.txt style analogies or word-pair scores",
    )
    p.add_argument(
        "--restrict-vocab",
        type=_positive,
        default=30000,
        help="most frequent words used for analogies (default 30000)",
    )
    p.add_argument("--method", choices=["3cosadd", "3cosmul", "both"], default="3cosadd")
    p.add_argument("--sections", action="store_true", help="show per-section analogy accuracy")
    p.set_defaults(func=_lazy("fastw2v.evaluate", "main_eval"))


def _add_queries(sub: Any) -> None:
    limit_help = "load only the most frequent LIMIT words"
    p = sub.add_parser("similar", help="nearest neighbours of words")
    p.add_argument("vectors", help=_VECTORS_HELP)
    p.add_argument("words", nargs="+", help="query words")
    p.add_argument(
        "-n", "--topn", type=_positive, default=10, help="neighbours per word (default 10)"
    )
    p.add_argument("--limit", type=_positive, default=None, help=limit_help)
    p.set_defaults(func=_lazy("fastw2v.vectors", "main_similar"))
    p = sub.add_parser("analogy", help="a is to b as c is to ?")
    p.add_argument("vectors", help=_VECTORS_HELP)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("c")
    p.add_argument("-n", "--topn", type=_positive, default=10, help="answers to show (default 10)")
    p.add_argument("--limit", type=_positive, default=None, help=limit_help)
    p.add_argument("--cosmul", action="store_true", help="use 3CosMul instead of 3CosAdd")
    p.set_defaults(func=_lazy("fastw2v.vectors", "main_analogy"))


def _add_plot(sub: Any) -> None:
    p = sub.add_parser("plot", help="draw words' 2-D PCA projection to a PNG (needs matplotlib)")
    p.add_argument("vectors", help=_VECTORS_HELP)
    p.add_argument("words", nargs="+", help="words to draw")
    p.add_argument("-o", "--output", default="words.png", help="PNG to write (default words.png)")
    p.set_defaults(func=_lazy("fastw2v.plot", "main_plot"))


def _add_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="convert vectors: TensorBoard projector TSV, or word2vec text/binary",
        description="Read vectors (word2vec text/binary, .gz/.bz2/.xz, GloVe, or a fastw2v "
        "directory) and write them for TensorBoard's projector or as a word2vec file.",
    )
    p.add_argument("vectors", help=_VECTORS_HELP + ", or GloVe text")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--projector",
        nargs=2,
        metavar=("VECTORS_TSV", "METADATA_TSV"),
        help="write the projector's vectors TSV and metadata TSV",
    )
    out.add_argument("--word2vec", metavar="FILE", help="write a word2vec file")
    p.add_argument("--binary", action="store_true", help="with --word2vec: the binary format")
    p.add_argument("--no-header", action="store_true", help="the input is GloVe text (no 'V D')")
    p.add_argument("--limit", type=_positive, default=None, help="the most frequent LIMIT words")
    p.set_defaults(func=_lazy("fastw2v.interop", "main_export"))


def _add_phrases(sub: Any) -> None:
    """``fastw2v phrases`` (word2phrase's flags): defined beside its code, phrases_cli.py."""
    from fastw2v.phrases_cli import add_phrases_parser

    add_phrases_parser(sub)


def _add_node2vec(sub: Any) -> None:
    """``fastw2v node2vec``: defined beside its code, node2vec_cli.py."""
    from fastw2v.node2vec_cli import add_node2vec_parser

    add_node2vec_parser(sub)


def build_parser() -> argparse.ArgumentParser:
    """The ``fastw2v`` argument parser (subcommands)."""
    parser = _Parser(prog="fastw2v", description="Fast word2vec training and word-vector tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_train(sub)
    _add_demo(sub)
    _add_phrases(sub)
    _add_node2vec(sub)
    _add_eval(sub)
    _add_queries(sub)
    _add_plot(sub)
    _add_export(sub)
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
        from fastw2v.config import ConflictError, ParameterError

        # say it in the user's terms: the flags they typed, not the Python names
        if isinstance(exc, ParameterError) and exc.name in TRAIN_FLAGS:
            exc = ValueError(f"{exc} ({TRAIN_FLAGS[exc.name]})")
        elif isinstance(exc, ConflictError):
            exc = ValueError(f"{exc} ({', '.join(TRAIN_FLAGS[n] for n in exc.names)})")
        elif isinstance(exc, MemoryError) and not str(exc):
            exc = MemoryError(
                "out of memory: lower -size, or keep fewer words (-max-vocab, -min-count)"
            )
        # KeyError's str() is the repr of its argument; show the message itself
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        msg = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        print(f"fastw2v {args.command}: error: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
