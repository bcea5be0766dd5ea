"""Intrinsic evaluation of word vectors: analogies and word-pair similarity.

The scoring lives in :mod:`fastw2v.scoring` (which the vectors' own ``evaluate_*`` methods
use, so that it never imports :mod:`fastw2v.vectors`); this module is the ``fastw2v eval``
command and the public names of both.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fastw2v.scoring import (
    AnalogyResult,
    Method,
    SectionScore,
    WordPairsResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
    format_table,
    is_analogy_file,
    read_analogies,
)
from fastw2v.vectors import load_vectors

__all__ = [
    "AnalogyResult",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "format_table",
    "is_analogy_file",
    "main_eval",
    "read_analogies",
    "SectionScore",
    "WordPairsResult",
]


def main_eval(args: argparse.Namespace) -> int:
    """``fastw2v eval VECTORS TEST...``: evaluate and print a table.

    Expects ``args.vectors``, ``args.tests`` (paths), ``args.restrict_vocab``,
    ``args.method`` (``3cosadd``, ``3cosmul`` or ``both``), ``args.sections`` (bool).
    Each test file's kind (analogies or word pairs) is detected from its content.
    """
    wv = load_vectors(args.vectors)
    methods: list[Method] = ["3cosadd", "3cosmul"] if args.method == "both" else [args.method]
    results: list[AnalogyResult | WordPairsResult] = []
    for test in args.tests:
        if not Path(test).is_file():
            raise FileNotFoundError(f"test file not found: {test}")
        if is_analogy_file(test):
            for method in methods:
                results.append(
                    evaluate_word_analogies(
                        wv, test, restrict_vocab=args.restrict_vocab, method=method
                    )
                )
        else:
            results.append(evaluate_word_pairs(wv, test))
    print(format_table(results, sections=args.sections))
    return 0
