"""Two-thread trainings that exercise every kernel path, for the sanitizer run.

Run under the ASan/UBSan build (benchmarks/sanitize.sh sets it up): each setting trains on
the first ``--words`` words of a corpus read through the C tokeniser, with a small
``batch_words`` so that every thread gets many chunks, and an odd dimension (37) so that the
vector loops' scalar tails run too. Exits 1 if any vector is not finite.

    python benchmarks/sanitize_trainings.py --corpus text8 --words 500000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import numpy as np

from fastw2v import Word2Vec

SETTINGS = {
    "sg-batched": dict(sg=1, kernel="batched"),
    "sg-pair": dict(sg=1, kernel="pair"),
    "cbow": dict(sg=0),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "cbow-sum-ns-hs": dict(sg=0, cbow_mean=0, hs=1, negative=5),
    # The full softmax costs a dot product per vocabulary word: a small vocabulary keeps
    # it to seconds even under the sanitizers.
    "cbow-softmax": dict(sg=0, softmax=True, negative=0, max_final_vocab=300),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.environ.get("FASTW2V_BENCH_CORPUS"), required=False)
    ap.add_argument("--words", type=int, default=500_000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if not args.corpus:
        ap.error("--corpus (or $FASTW2V_BENCH_CORPUS) is required")
    with open(args.corpus, "rb") as src:
        head = src.read(args.words * 8)
    text = b" ".join(head.split()[: args.words])
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "slice.txt")
        with open(path, "wb") as fh:
            fh.write(text + b"\n")
        for name, extra in SETTINGS.items():
            params = dict(vector_size=37, window=5, negative=5, sample=1e-4, min_count=5)
            params.update(extra)
            model = Word2Vec(
                path, workers=args.threads, batch_words=20_000, epochs=2, progress=False, **params
            )
            ok = bool(np.isfinite(model.wv.vectors).all())
            failed += not ok
            print(f"{name:16s} vocab {len(model.wv):6d}  finite {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
