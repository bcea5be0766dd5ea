#!/usr/bin/env python
"""Quality against whole-job wall time: one line per system, through its epoch counts.

Reads the JSON files bench_peers.py writes (any number: e.g. one run per epoch count, or one
run of fastw2v and one of the peers) and draws, for each mode (skip-gram, CBOW), analogy
accuracy and WS-353 Spearman against the whole job's seconds (process start to vectors
written). Each point is one (system, epochs) cell: the mean over its seeds, with the
standard deviation as error bars where there are several; the label is the epoch count.
It answers "what is the best I can get in one minute", where speed and quality meet.

    python benchmarks/plot_quality_time.py quality_time.png peers.json fastw2v.json

A Markdown table of the same points is printed (and written beside the PNG, .md).
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

COLOURS = {"fastw2v": "C3", "word2vec.c": "C0", "gensim": "C2", "fasttext": "C1"}
METRICS = (("analogy", "Google analogy, % (top 30k)"), ("ws353", "WS-353 Spearman × 100"))


def _mean_sd(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), 0.0
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def load_points(paths: list[Path]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(mode, system) -> points sorted by epochs; a later file's cell replaces an earlier
    one's for the same (system, mode, epochs)."""
    cells: dict[tuple[str, str, int], dict[str, Any]] = {}
    for path in paths:
        data = json.loads(path.read_text())
        for row in data["rows"]:
            if row["status"] != "ok" or not row["wall_seconds"]:
                continue
            point = {"epochs": row["epochs"], "source": path.name, "seeds": len(row["seeds"])}
            point["seconds"], point["seconds_sd"] = _mean_sd(row["wall_seconds"])
            for key, _ in METRICS:
                point[key], point[key + "_sd"] = _mean_sd(row[key])
            cells[(row["mode"], row["system"], row["epochs"])] = point
    lines: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for (mode, system, _), point in sorted(cells.items()):
        lines[(mode, system)].append(point)
    for pts in lines.values():
        pts.sort(key=lambda p: p["epochs"])
    return lines


def plot(lines: dict[tuple[str, str], list[dict[str, Any]]], out: Path) -> None:
    plt = pyplot("plot_quality_time.py")
    from matplotlib import ticker

    modes = sorted({mode for mode, _ in lines}, key=lambda m: (m != "sg", m))
    fig, axes = plt.subplots(len(modes), 2, figsize=(11, 4.2 * len(modes)), squeeze=False)
    for r, mode in enumerate(modes):
        for c, (key, label) in enumerate(METRICS):
            ax = axes[r][c]
            for (m, system), pts in sorted(lines.items()):
                if m != mode:
                    continue
                xs, ys = [p["seconds"] for p in pts], [p[key] for p in pts]
                colour = COLOURS.get(system)
                ax.errorbar(xs, ys, yerr=[p[key + "_sd"] for p in pts], marker="o", ms=4,
                            capsize=2, label=system, color=colour)  # fmt: skip
                for p in pts:
                    ax.annotate(str(p["epochs"]), (p["seconds"], p[key]), xytext=(3, -9),
                                textcoords="offset points", fontsize=7, color=colour)  # fmt: skip
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
            ax.set_xlabel("whole job, seconds (log scale; labels: epochs)")
            ax.set_ylabel(label)
            ax.set_title(f"{mode}: {label.split(',')[0]}")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def _cell(p: dict[str, Any], key: str, fmt: str) -> str:
    sd = f" ± {p[key + '_sd']:{fmt}}" if p["seeds"] > 1 else ""
    return f"{p[key]:{fmt}}{sd}"


def _cell(p: dict[str, Any], key: str, fmt: str) -> str:
    sd = f" ± {p[key + '_sd']:{fmt}}" if p["seeds"] > 1 else ""
    return f"{p[key]:{fmt}}{sd}"


def table(lines: dict[tuple[str, str], list[dict[str, Any]]]) -> str:
    rows = ["| mode | system | epochs | seeds | whole job s | analogy % | WS-353 ρ | from |",
            "|---|---|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for (mode, system), pts in sorted(lines.items(), key=lambda kv: (kv[0][0] != "sg", kv[0])):
        for p in pts:
            rows.append(f"| {mode} | {system} | {p['epochs']} | {p['seeds']} | "
                        f"{_cell(p, 'seconds', '.1f')} | {_cell(p, 'analogy', '.2f')} | "
                        f"{_cell(p, 'ws353', '.1f')} | {p['source']} |")  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("png", type=Path)
    ap.add_argument("json", type=Path, nargs="+", help="bench_peers.py JSON files")
    ap.add_argument("--modes", default="sg,cbow", help="comma list of the modes to draw")
    args = ap.parse_args(argv)
    lines = {k: v for k, v in load_points(args.json).items() if k[0] in args.modes.split(",")}
    if not lines:
        sys.exit("no successful rows in " + ", ".join(map(str, args.json)))
    plot(lines, args.png)
    text = table(lines)
    args.png.with_suffix(".md").write_text(text + "\n")
    print(text)
    print(f"\nwrote {args.png} and {args.png.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
