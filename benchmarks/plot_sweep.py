#!/usr/bin/env python
"""Draw sweep_quality.py results: each dev-set score against one swept parameter.

One panel per (mode, dev set); one line per epoch count (and per value of any other
parameter that varies across the points), through the values of ``--x``; each point is the
mean over its seeds with the standard deviation as an error bar.

    python benchmarks/plot_sweep.py alpha.png sg_alpha.json cbow_alpha.json --x alpha

Needs matplotlib (``pip install matplotlib``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from plotting import pyplot

METRICS = (("analogy", "Google analogy, % (top 30k)"), ("ws353", "WS-353 Spearman × 100"))
FIXED = {"vector_size", "window", "negative", "sample", "min_count", "workers", "sg", "hs"}


def _mode(params: dict[str, Any]) -> str:
    return ("sg" if params.get("sg") else "cbow") + ("-hs" if params.get("hs") else "")


def _scores(point: dict[str, Any]) -> dict[str, tuple[float, float]] | None:
    """{metric: (mean, sd)} of a point's runs, or its "summary" (a sweep stopped before
    writing its runs keeps the means it printed)."""
    if "summary" in point:
        return {key: tuple(point["summary"][key]) for key, _ in METRICS}
    ok = [r for r in point["runs"] if "error" not in r]
    if not ok:
        return None
    out = {}
    for key, _ in METRICS:
        vals = [r[key] for r in ok]
        out[key] = (statistics.fmean(vals), statistics.stdev(vals) if len(vals) > 1 else 0.0)
    return out


def load(paths: list[Path], x: str) -> dict[str, dict[str, list[tuple[float, dict]]]]:
    """mode -> line label -> [(x value, {metric: (mean, sd)})], x ascending."""
    points = [p for path in paths for p in json.loads(path.read_text())["points"]]
    varying = {
        k
        for k in {k for p in points for k in p["params"]} - FIXED - {x}
        if len({json.dumps(p["params"].get(k)) for p in points}) > 1
    }
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for p in points:
        scores = _scores(p)
        if scores is None or x not in p["params"]:
            continue
        label = ", ".join(f"{k}={p['params'].get(k)}" for k in sorted(varying))
        out[_mode(p["params"])][label].append((float(p["params"][x]), scores))
    for lines in out.values():
        for pts in lines.values():
            pts.sort(key=lambda t: t[0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("png", type=Path)
    ap.add_argument("json", type=Path, nargs="+", help="sweep_quality.py JSON files")
    ap.add_argument("--x", default="alpha", help="the parameter on the x axis")
    args = ap.parse_args(argv)
    plt = pyplot("plot_sweep.py")
    data = load(args.json, args.x)
    if not data:
        sys.exit(f"no points with {args.x!r} in " + ", ".join(map(str, args.json)))
    modes = sorted(data, key=lambda m: (m != "sg", m))
    fig, axes = plt.subplots(len(modes), 2, figsize=(11, 4 * len(modes)), squeeze=False)
    for r, mode in enumerate(modes):
        for c, (key, label) in enumerate(METRICS):
            ax = axes[r][c]
            for line, pts in sorted(data[mode].items()):
                ax.errorbar([t[0] for t in pts], [t[1][key][0] for t in pts],
                            yerr=[t[1][key][1] for t in pts], marker="o", ms=4, capsize=2,
                            label=line)  # fmt: skip
            ax.set_xlabel(args.x)
            ax.set_ylabel(label)
            ax.set_title(f"{mode}: {label.split(',')[0]} (mean ± sd over seeds)")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
