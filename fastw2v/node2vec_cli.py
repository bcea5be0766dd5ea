"""``fastw2v node2vec``: node vectors of an edge list, in word2vec's text (or binary) format.

``fastw2v node2vec -graph edges.txt -output vec.txt -dimensions 128 -walk-length 80
-num-walks 10 -p 1 -q 1`` reads the edge list with :func:`fastw2v.graph.load_edgelist`
(``u v [w]`` a line; ``#`` and ``%`` comments), walks and trains with
:class:`fastw2v.graph_embedding.Node2Vec`. The output is checked against the input before any
work; a bad value is named by its flag, in one line (fastw2v.cli.main prints it).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

#: Node2Vec parameters and the flag that sets each, for error messages.
NODE2VEC_FLAGS = {
    "dimensions": "-dimensions",
    "vector_size": "-dimensions",
    "walk_length": "-walk-length",
    "num_walks": "-num-walks",
    "p": "-p",
    "q": "-q",
    "window": "-window",
    "epochs": "-epochs",
    "workers": "-workers",
    "seed": "-seed",
    "negative": "-negative",
    "sample": "-sample",
    "alpha": "-alpha",
    "method": "--method",
}


def _bool01(text: str) -> bool:
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")
    return text == "1"


def add_node2vec_parser(sub: Any) -> None:
    """Add the ``node2vec`` subcommand to the ``fastw2v`` subparsers ``sub``."""
    p = sub.add_parser(
        "node2vec",
        help="node vectors of a graph (edge list) by node2vec or DeepWalk walks",
        description="Random walks on the graph (node2vec's p, q; DeepWalk when both are 1), "
        "trained with skip-gram; writes one vector per node in word2vec's format.",
        allow_abbrev=False,
    )
    a = p.add_argument
    a("-graph", "--graph", dest="graph", required=True, metavar="FILE",
      help="edge list: 'u v [weight]' per line")  # fmt: skip
    a("-output", "--output", dest="output", required=True, metavar="FILE",
      help="write the vectors here (word2vec text format, or -binary 1)")  # fmt: skip
    a("-dimensions", "--dimensions", dest="dimensions", type=int, default=128, metavar="N")
    a("-walk-length", "--walk-length", dest="walk_length", type=int, default=80, metavar="N")
    a("-num-walks", "--num-walks", dest="num_walks", type=int, default=10, metavar="N")
    a("-p", "--p", dest="p", type=float, default=1.0, metavar="X", help="return parameter (1)")
    a("-q", "--q", dest="q", type=float, default=1.0, metavar="X", help="in-out parameter (1)")
    a("-window", "--window", dest="window", type=int, default=10, metavar="N")
    a("-epochs", "--epochs", "-iter", dest="epochs", type=int, default=1, metavar="N")
    a("-workers", "--workers", "-threads", dest="workers", type=int, default=None, metavar="N",
      help="threads (all cores)")  # fmt: skip
    a("-seed", "--seed", dest="seed", type=int, default=0, metavar="N")
    a("-negative", "--negative", dest="negative", type=int, default=5, metavar="N")
    a("-sample", "--sample", dest="sample", type=float, default=1e-3, metavar="X")
    a("-alpha", "--alpha", dest="alpha", type=float, default=0.025, metavar="X")
    a("-directed", "--directed", dest="directed", type=_bool01, default=False, metavar="0|1")
    a("-weighted", "--weighted", dest="weighted", type=_bool01, default=None, metavar="0|1",
      help="read a third column as weights (default: if the first edge line has one)")  # fmt: skip
    a("-delimiter", "--delimiter", dest="delimiter", default=None,
      help="column separator (default: any whitespace)")  # fmt: skip
    a("-binary", "--binary", dest="binary", type=_bool01, default=False, metavar="0|1")
    a("--method", choices=("auto", "reject", "exact"), default="auto",
      help="how node2vec steps are drawn (both exact)")  # fmt: skip
    p.set_defaults(func=run_node2vec)


def _flagged(exc: Exception) -> Exception:
    """``exc`` with the flag of the parameter it names (the message starts with it)."""
    text = str(exc)
    name = getattr(exc, "name", None)
    if not isinstance(name, str) or name not in NODE2VEC_FLAGS:
        name = next((k for k in NODE2VEC_FLAGS if text.startswith(k + " ")), None)
    flag = f" ({NODE2VEC_FLAGS[name]})" if name else ""
    return type(exc)(text + flag) if isinstance(exc, TypeError) else ValueError(text + flag)


def run_node2vec(args: argparse.Namespace) -> int:
    """Read ``args.graph``, embed its nodes, write ``args.output``."""
    from fastw2v._atomic import check_collisions
    from fastw2v.graph import load_edgelist
    from fastw2v.graph_embedding import Node2Vec

    check_collisions({"-output": args.output}, {"-graph": args.graph})
    start = time.perf_counter()
    params = {k: getattr(args, k) for k in NODE2VEC_FLAGS if k not in ("vector_size",)}
    try:
        Node2Vec.check(**params)  # every value before the graph is read
    except (ValueError, TypeError) as exc:
        raise _flagged(exc) from None
    graph = load_edgelist(args.graph, args.directed, args.weighted, args.delimiter)
    n2v = Node2Vec(graph, **params)
    n2v.wv.save_word2vec_format(args.output, binary=args.binary)
    print(
        f"{graph!r}: {len(n2v.wv)} vectors written to {args.output}; walks "
        f"{n2v.walk_seconds:.2f} s, training {n2v.train_seconds:.2f} s, "
        f"{time.perf_counter() - start:.2f} s in all",
        file=sys.stderr,
    )
    return 0
