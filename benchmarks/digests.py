"""Print md5 digests of trained weights: the proof that a refactor left training unchanged.

Trains, at one thread with a fixed seed on a small generated corpus (deterministic, a few
hundred thousand words), every output layer (negative sampling, hierarchical softmax, both,
full softmax) for skip-gram and CBOW, both skip-gram kernels and both CBOW hidden layers,
and prints per configuration the md5 of ``w_in``, of each output matrix, of the loss tallies
and of ``predict_output_word``'s distribution. The same build and machine give the same
lines; compare a run before a change with one after it:

    python benchmarks/digests.py > before.txt
    python benchmarks/digests.py --check benchmarks/digests_before.txt

Every configuration runs with ``compat="w2v"`` (word2vec.c's learning rate and initial
range, the defaults before they were measured), so that the file recorded then still
checks the kernel, and that the flag gives the old behaviour back to the bit.

The digests depend on the compiler, its flags and the CPU's kernel clone, so compare runs
of one machine.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np

from fastw2v import Word2Vec

NS = dict(negative=5, hs=False)
HS = dict(negative=0, hs=True)
NS_HS = dict(negative=5, hs=True)
SM = dict(negative=0, hs=False, softmax=True)

#: name -> (parameters, corpus); "small" keeps the full softmax (vocab-wide) affordable;
#: "list" is the big corpus as a Python list of token lists.
CONFIGS = {
    "sg-ns": (dict(sg=1, **NS), "big"),
    "sg-hs": (dict(sg=1, **HS), "big"),
    "sg-ns+hs": (dict(sg=1, **NS_HS), "big"),
    "sg-softmax": (dict(sg=1, **SM), "small"),
    "sg-ns-pair": (dict(sg=1, kernel="pair", **NS), "big"),
    "sg-ns-batched": (dict(sg=1, kernel="batched", **NS), "big"),
    "sg-hs-pair": (dict(sg=1, kernel="pair", **HS), "big"),
    "sg-hs-batched": (dict(sg=1, kernel="batched", **HS), "big"),
    "sg-ns+hs-batched": (dict(sg=1, kernel="batched", **NS_HS), "big"),
    "sg-softmax-pair": (dict(sg=1, kernel="pair", **SM), "small"),
    "cbow-ns": (dict(sg=0, **NS), "big"),
    "cbow-hs": (dict(sg=0, **HS), "big"),
    "cbow-ns+hs": (dict(sg=0, **NS_HS), "big"),
    "cbow-softmax": (dict(sg=0, **SM), "small"),
    "cbow-sum-ns": (dict(sg=0, cbow_mean=False, **NS), "big"),
    "cbow-sum-hs": (dict(sg=0, cbow_mean=False, **HS), "big"),
    "cbow-mean-ns-nosample": (dict(sg=0, cbow_mean=True, sample=0.0, **NS), "big"),
    "sg-ns-exp0.5-noloss": (dict(sg=1, ns_exponent=0.5, compute_loss=False, **NS), "big"),
    "sg-ns-iterable": (dict(sg=1, **NS), "list"),
    "cbow-hs-streamed": (dict(sg=0, cache_ids=False, **HS), "big"),
}

COMMON = dict(
    vector_size=24,
    window=4,
    min_count=3,
    epochs=2,
    workers=1,
    seed=11,
    batch_words=50_000,
    compat="w2v",
)


def write_corpus(path: Path, words: int, vocab: int, seed: int) -> None:
    """Zipf-distributed words with a little local structure, in sentences of 5..40 words."""
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocab + 1)
    p = 1.0 / ranks**1.05
    p /= p.sum()
    ids = rng.choice(vocab, size=words, p=p)
    # every third word echoes a neighbour of its predecessor: something to learn
    echo = rng.random(words) < 0.33
    ids[1:][echo[1:]] = (ids[:-1][echo[1:]] + 1) % vocab
    lengths = rng.integers(5, 41, size=words // 5)
    lines, pos = [], 0
    for n in lengths:
        if pos >= words:
            break
        lines.append(" ".join(f"w{i}" for i in ids[pos : pos + n]))
        pos += n
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def md5(a: np.ndarray | None) -> str:
    if a is None:
        return "-"
    return hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()


def digest_lines(tmp: Path) -> list[str]:
    corpora = {"big": tmp / "big.txt", "small": tmp / "small.txt"}
    write_corpus(corpora["big"], 300_000, 3000, seed=5)
    write_corpus(corpora["small"], 30_000, 400, seed=6)
    out = []
    for name, (params, which) in CONFIGS.items():
        if which == "list":
            corpus = [ln.split() for ln in corpora["big"].read_text().splitlines()]
        else:
            corpus = str(corpora[which])
        model = Word2Vec(corpus, progress=False, **COMMON, **params)
        loss = np.array(
            [
                (e.loss_sum, e.loss_terms, e.words, e.kept_words, e.examples)
                for e in model.last_result.epochs
            ],
            dtype=np.float64,
        )
        probs = np.array([p for _, p in model.predict_output_word(["w1", "w2", "w3"], None)])
        fields = [
            f"w_in={md5(model.w_in)}",
            f"w_out_ns={md5(model.w_out_ns)}",
            f"w_out_hs={md5(model.w_out_hs)}",
            f"w_out_sm={md5(model.w_out_sm)}",
            f"tallies={md5(loss)}",
            f"predict={md5(probs)}",
        ]
        out.append(f"{name:24s} " + " ".join(fields))
    out += cli_lines(tmp, corpora["big"])
    return out


#: Command lines of ``fastw2v train`` (after ``-train FILE``): the flags' defaults and their
#: mapping onto the parameters are part of what must not change.
CLI_RUNS = {
    "cli-defaults": "-size 24 -threads 1 -iter 2 -min-count 3 --compat w2v".split(),
    "cli-sg-hs": "--sg -hs 1 -negative 0 -size 16 -threads 1 -iter 1 -window 3 -sample 1e-4 "
    "-seed 3 --compat w2v".split(),
}


def cli_lines(tmp: Path, corpus: Path) -> list[str]:
    from fastw2v.cli import main as cli_main

    out = []
    for name, flags in CLI_RUNS.items():
        vec, model = tmp / f"{name}.bin", tmp / f"{name}.npz"
        argv = ["train", "-train", str(corpus), "-output", str(vec), "-binary", "1"]
        argv += ["--save-model", str(model), "-debug", "0", *flags]
        if cli_main(argv) != 0:
            raise SystemExit(f"{name}: fastw2v train failed")
        m = Word2Vec.load(model)
        fields = [
            f"w_in={md5(m.w_in)}",
            f"w_out_ns={md5(m.w_out_ns)}",
            f"w_out_hs={md5(m.w_out_hs)}",
            f"vectors_file={hashlib.md5(vec.read_bytes()).hexdigest()}",
        ]
        out.append(f"{name:24s} " + " ".join(fields))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", metavar="FILE", help="compare with the digest lines in FILE")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        lines = digest_lines(Path(d))
    if args.check is None:
        print("\n".join(lines))
        return 0
    want = [ln for ln in Path(args.check).read_text().splitlines() if ln and ln[0] != "#"]
    bad = [(w, g) for w, g in zip(want, lines) if w != g]
    if len(want) != len(lines):
        print(f"{args.check}: {len(want)} configurations, this run {len(lines)}")
        return 1
    for w, g in bad:
        print(f"DIFFERS\n  want {w}\n  got  {g}")
    print(f"{len(lines) - len(bad)}/{len(lines)} configurations identical to {args.check}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
