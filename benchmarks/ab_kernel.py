"""A/B timing of the kernel in two built source trees, interleaved in one sitting.

Runs ``benchmarks/bench_kernel.py`` of each tree in turn (A, B, A, B, ...), each run in a
fresh process with that tree first on ``PYTHONPATH``, and reports per setting the best
words/s of each tree and the ratio B/A. Interleaving spreads the machine's drift over both
sides; the best of several rounds discounts a disturbed round. Build both trees first
(``python setup.py build_ext --inplace`` in each), e.g. the commit before a change in a
``git worktree`` and the working tree:

    git worktree add /tmp/before HEAD~1 && (cd /tmp/before && python setup.py build_ext -i)
    python benchmarks/ab_kernel.py /tmp/before . --rounds 5 --settings sg-batched,cbow

Options after ``--`` go to bench_kernel.py unchanged (``-- --threads 2 --words 4000000``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

# "sg-batched     1.234 s     1,620,000 words/s ..." as bench_kernel.py prints it.
_LINE = re.compile(r"^(\S+)\s+[0-9.]+ s\s+([0-9,]+) words/s", re.M)


def run_tree(tree: Path, settings: str, extra: list[str]) -> dict[str, float]:
    """One run of the tree's own bench_kernel.py (it may use that tree's private API), one
    repeat per setting: setting -> words/s."""
    script = tree / "benchmarks" / "bench_kernel.py"
    if not script.is_file():
        script = Path(__file__).resolve().parent / "bench_kernel.py"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")])
    )
    cmd = [sys.executable, str(script), "--settings", settings, "--repeats", "1", *extra]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tree)
    if out.returncode != 0:
        sys.exit(f"{tree}: bench_kernel.py failed: {(out.stderr or out.stdout).strip()[-500:]}")
    return {name: float(rate.replace(",", "")) for name, rate in _LINE.findall(out.stdout)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree_a", type=Path, help="the baseline source tree (built in place)")
    ap.add_argument("tree_b", type=Path, help="the tree to compare (built in place)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--settings", default="sg-batched,sg-pair,cbow,sg-hs-pair,cbow-hs")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be >= 1")
    best: dict[str, dict[str, float]] = {"A": {}, "B": {}}
    for r in range(args.rounds):
        for side, tree in (("A", args.tree_a), ("B", args.tree_b)):
            for name, rate in run_tree(tree.resolve(), args.settings, extra).items():
                best[side][name] = max(best[side].get(name, 0.0), rate)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    print(f"A = {args.tree_a}, B = {args.tree_b}; best of {args.rounds} interleaved rounds")
    print(f"{'setting':12s} {'A words/s':>14s} {'B words/s':>14s} {'B/A':>7s}")
    for name in args.settings.split(","):
        a, b = best["A"].get(name), best["B"].get(name)
        if a and b:
            print(f"{name:12s} {a:14,.0f} {b:14,.0f} {b / a:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
