"""``fastw2v phrases``: word2phrase's command line on :class:`fastw2v.phrases.Phrases`.

``fastw2v phrases -train in.txt -output out.txt -threshold 100 -min-count 5`` takes
word2phrase's flags (``-debug`` sets how much is printed) and long spellings beside them.
The output is checked against the input before any work (word2phrase would overwrite it);
errors end the process with one line (fastw2v.cli.main prints them).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

#: Phrases parameters and the flag that sets each, for error messages.
PHRASES_FLAGS = {
    "min_count": "-min-count",
    "threshold": "-threshold",
    "scoring": "--scoring",
    "delimiter": "--delimiter",
    "max_vocab_size": "--max-vocab-size",
    "max_sentence_length": "--max-sentence-length",
}


def add_phrases_parser(sub: Any) -> None:
    """Add the ``phrases`` subcommand to the ``fastw2v`` subparsers ``sub``."""
    from fastw2v.phrases import DEFAULT_MAX_VOCAB_SIZE

    p = sub.add_parser(
        "phrases",
        help="join frequent word pairs into phrases (word2phrase's flags work)",
        description="Join word pairs that score above a threshold (new york -> new_york), "
        "as word2phrase does; run it again on its output for trigrams.",
        allow_abbrev=False,
    )
    a = p.add_argument
    a("-train", "--train", "--input", dest="train", required=True, metavar="FILE",
      help="text file (or .gz/.bz2/.xz, or a directory of them)")  # fmt: skip
    a("-output", "--output", dest="output", required=True, metavar="FILE",
      help="write the text with phrases joined here (not the input)")  # fmt: skip
    a("-min-count", "--min-count", dest="min_count", type=int, default=5,
      help="ignore words and pairs seen fewer times (5)")  # fmt: skip
    a("-threshold", "--threshold", dest="threshold", type=float, default=None,
      help="join pairs scoring above this (100; 0.5 with --scoring npmi)")  # fmt: skip
    a("-debug", "--debug", dest="debug", type=int, default=2,
      help="0: quiet; 1 or more: a summary (2)")  # fmt: skip
    a("--scoring", choices=("default", "npmi"), default="default",
      help="default: word2phrase's score; npmi: normalised PMI, in [-1, 1]")  # fmt: skip
    a("--delimiter", default="_", help="joins the two words of a phrase (_)")
    a("--max-vocab-size", dest="max_vocab_size", type=int, default=DEFAULT_MAX_VOCAB_SIZE,
      help=f"most unigrams + bigrams held; rarer ones are pruned past it "
      f"({DEFAULT_MAX_VOCAB_SIZE})")  # fmt: skip
    a("--max-sentence-length", dest="max_sentence_length", type=int, default=10_000,
      help="cut longer lines into sentences of this many tokens (10000)")  # fmt: skip
    a("--save-model", metavar="FILE", help="also save the counts (fastw2v.Phrases.load)")
    a("--save-phrases", metavar="FILE", help="also write the phrases as TSV: phrase score count")
    p.set_defaults(func=run_phrases)


def _model(args: argparse.Namespace) -> Any:
    """The Phrases model the flags ask for; a bad value is named by its flag."""
    from fastw2v.phrases import Phrases

    try:
        return Phrases(**{name: getattr(args, name) for name in PHRASES_FLAGS})
    except ValueError as exc:
        name = next((k for k in PHRASES_FLAGS if str(exc).startswith(k)), None)
        raise ValueError(f"{exc} ({PHRASES_FLAGS[name]})" if name else str(exc)) from None


def run_phrases(args: argparse.Namespace) -> int:
    """Count ``args.train``, write it with phrases joined to ``args.output``."""
    from fastw2v.corpus import PathCorpus
    from fastw2v.phrases import check_output_path

    model = _model(args)
    corpus = PathCorpus(args.train, args.max_sentence_length)
    # Every output against every input and against each other, before any work.
    written: list[Path] = list(corpus.files)
    for out in (args.output, args.save_model, args.save_phrases):
        if out:
            check_output_path(written, out)
            written.append(Path(out))
    start = time.perf_counter()
    model.fit(corpus)
    frozen = model.freeze()
    frozen.transform_file(args.train, args.output)
    if args.save_model:
        model.save(args.save_model)
    if args.save_phrases:
        frozen.save_phrases(args.save_phrases)
    if args.debug > 0:
        print(f"Vocab size (unigrams + bigrams): {len(model.words) + len(model.bigram_a)}")
        print(f"Words in train file: {model.corpus_word_count}")
        print(
            f"Phrases: {len(frozen)} (table pruned {model.prunes} times); "
            f"{time.perf_counter() - start:.2f} s; written to {args.output}"
        )
    return 0
