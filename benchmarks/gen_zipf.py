"""Generate a large-vocabulary corpus: word frequencies follow Zipf's law, as in real text.

Token ``r`` (rank, from 1) is drawn with probability proportional to ``r ** -s`` over
``--types`` word types; each type is a distinct lowercase string (its rank in bijective
base 26, so frequent words are short). Lines hold
``--line-words`` tokens. Deterministic for a given ``--seed``. Written in blocks, so memory
stays small whatever ``--tokens`` is:

    python benchmarks/gen_zipf.py /tmp/zipf.txt --tokens 30000000 --types 10700000

With s = 1.0, 30M tokens drawn over 10.7M types hold 4.1M distinct words (the expected
number, sum over ranks of 1 - (1 - p_r)^N, and what counting finds), most of them seen
once or twice: the vocabulary pass of a web-scale corpus, not text8's. (Over 4.1M types,
the same 30M tokens hold only 2.67M distinct words.)
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

_LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def type_strings(n_types: int) -> np.ndarray:
    """``n_types`` distinct words (numpy 'S' array): rank ``r`` (from 0) written in bijective
    base 26 (a, ..., z, aa, ab, ...), so the most frequent words are the shortest, as in
    real text, and no two ranks share a spelling."""
    width = 1
    while 26**width < n_types + 1:
        width += 1
    out = np.zeros((n_types, width), dtype=np.uint8)
    rest = np.arange(1, n_types + 1, dtype=np.int64)
    for col in range(width - 1, -1, -1):  # least significant letter last
        live = rest > 0
        digit = (rest - 1) % 26
        out[live, col] = _LETTERS[digit[live]]
        rest = np.where(live, (rest - 1) // 26, 0)
    # Left-align: drop the leading zero bytes of short words.
    words = [row.tobytes().lstrip(b"\0") for row in out]
    return np.array(words, dtype=f"S{width}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--tokens", type=int, default=30_000_000)
    ap.add_argument("--types", type=int, default=4_100_000)
    ap.add_argument("--exponent", type=float, default=1.0, help="Zipf exponent s")
    ap.add_argument("--line-words", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if min(args.tokens, args.types, args.line_words) < 1 or args.exponent <= 0:
        ap.error("--tokens, --types, --line-words must be >= 1 and --exponent > 0")
    words = type_strings(args.types)
    if len(set(words.tolist())) != args.types:
        sys.exit("internal error: generated word types are not distinct")
    weights = np.arange(1, args.types + 1, dtype=np.float64) ** -args.exponent
    cdf = np.cumsum(weights / weights.sum())
    rng = np.random.default_rng(args.seed)
    tmp = args.output + ".part"
    block = args.line_words * 1000
    with open(tmp, "wb") as fh:
        done = 0
        while done < args.tokens:
            n = min(block, args.tokens - done)
            ranks = np.minimum(np.searchsorted(cdf, rng.random(n)), args.types - 1)
            toks = words[ranks].tolist()
            lines = [b" ".join(toks[i : i + args.line_words]) for i in range(0, n, args.line_words)]
            fh.write(b"\n".join(lines) + b"\n")
            done += n
    os.replace(tmp, args.output)
    print(f"wrote {args.output}: {args.tokens:,} tokens over {args.types:,} types")
    return 0


if __name__ == "__main__":
    sys.exit(main())
