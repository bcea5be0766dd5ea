"""Sweep training choices and score them on the dev sets, several seeds each.

Every point of the grid is trained by fastw2v (in a child process, from the Python API,
so any ``Word2Vec`` parameter can be swept), once per seed, and scored on the two dev sets
only: Google analogies (questions-words.txt, top 30,000 words, case-insensitive) and WS-353
(Spearman). The table gives the mean and the sample standard deviation over the seeds; the
JSON keeps every run. Other evaluation sets are not for choosing defaults and are not read.

    python benchmarks/sweep_quality.py sweep.md --modes sg,cbow --epochs 1,3,5 \\
        --seeds 1,2,3 --grid "alpha=0.025,0.05" --grid "ns_exponent=0.75,0.5"

Each ``--grid NAME=V1,V2`` adds an axis; the points are the axes' product (values parsed
as Python literals: numbers, ``None``, quoted strings). The fixed settings are
bench_peers.py's (dim 100, window 5, negative 5, sample 1e-4, min_count 5, 2 threads);
``--set NAME=VALUE`` changes one for the whole sweep.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as bp  # noqa: E402

MODES = {"sg": dict(sg=1), "cbow": dict(sg=0), "sg-hs": dict(sg=1, hs=1, negative=0),
         "cbow-hs": dict(sg=0, hs=1, negative=0)}  # fmt: skip
BASE = dict(vector_size=100, window=5, negative=5, sample=1e-4, min_count=5, workers=2)

_CHILD = """
import json, sys, time
from fastw2v import Word2Vec
corpus, out, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
t0 = time.perf_counter()
model = Word2Vec(corpus, progress=False, **params)
model.save_word2vec_format(out, binary=True)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def _axis(text: str) -> tuple[str, list[Any]]:
    name, _, values = text.partition("=")
    if not name or not values:
        raise argparse.ArgumentTypeError(f"expected NAME=V1,V2,..., got {text!r}")
    return name.strip(), [ast.literal_eval(v.strip()) for v in values.split(",")]


def train_and_score(corpus: Path, params: dict[str, Any], work: Path) -> dict[str, Any]:
    out = work / "v.bin"
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpus), str(out), json.dumps(params)],
        capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res.update(bp.evaluate(str(out), 30000))
    out.unlink()
    return res


def summarise(runs: list[dict[str, Any]]) -> dict[str, str]:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"analogy": runs[0].get("error", "failed"), "ws353": "", "seconds": ""}
    return {
        "analogy": bp._spread([r["analogy"] for r in ok], ".2f"),
        "ws353": bp._spread([r["ws353"] for r in ok], ".1f"),
        "seconds": bp._spread([r["seconds"] for r in ok], ".1f"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table (JSON beside it)")
    ap.add_argument("--corpus", help="default: as bench_peers.py")
    ap.add_argument("--modes", default="sg,cbow")
    ap.add_argument("--epochs", default="1,5")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--grid", type=_axis, action="append", default=[])
    ap.add_argument("--set", type=_axis, action="append", default=[], dest="fixed")
    args = ap.parse_args()
    corpus = Path(args.corpus) if args.corpus else bp.default_corpus()
    base = dict(BASE, **{name: values[0] for name, values in args.fixed})
    names = [name for name, _ in args.grid]
    points = list(itertools.product(*[values for _, values in args.grid])) or [()]
    seeds = [int(s) for s in args.seeds.split(",")]
    rows, record = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for mode, epochs, point in itertools.product(
            args.modes.split(","), [int(e) for e in args.epochs.split(",")], points
        ):
            params = dict(base, **MODES[mode], epochs=epochs, **dict(zip(names, point)))
            runs = [train_and_score(corpus, dict(params, seed=s), Path(tmp)) for s in seeds]
            record.append({"mode": mode, "epochs": epochs, "params": params, "runs": runs})
            rows.append((mode, epochs, point, summarise(runs)))
            print(mode, epochs, dict(zip(names, point)), rows[-1][3], flush=True)
    command = "python benchmarks/sweep_quality.py " + " ".join(sys.argv[1:])
    head = ["mode", "epochs", *names, "analogy %", "WS-353 ρ", "s (train + save)"]
    lines = [f"Command: `{command}`", "", f"Seeds {seeds}: mean ± sd.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]  # fmt: skip
    for mode, epochs, point, s in rows:
        cells = [mode, str(epochs), *map(str, point), s["analogy"], s["ws353"], s["seconds"]]
        lines.append("| " + " | ".join(cells) + " |")
    Path(args.output).write_text("\n".join(lines) + "\n")
    Path(args.output).with_suffix(".json").write_text(
        json.dumps({"command": command, "base": base, "points": record}, indent=1) + "\n"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
