"""Render bench_peers.py's JSON as the README's compact table: one row per mode and epoch
count, one column per system, each cell the whole-job seconds, fastw2v's speed-up over that
system, and the dev-set scores (analogy % / WS-353 ρ).

    python benchmarks/peers_table.py results.json [more.json ...]

Several files (runs of the same script, e.g. one per epoch count) make one table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MODE_NAMES = {
    "sg": "skip-gram",
    "cbow": "CBOW",
    "sg-hs": "skip-gram, hier. softmax",
    "cbow-hs": "CBOW, hier. softmax",
}
SYSTEMS = ("fastw2v", "word2vec.c", "gensim", "fasttext")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def cell(row: dict, ours: dict | None) -> str:
    if row["status"] != "ok":
        return row["status"]
    wall = _mean(row["wall_seconds"])
    scores = f"{_mean(row['analogy']):.2f}% / {_mean(row['ws353']):.1f}" if row["analogy"] else ""
    if row["system"] == "fastw2v" or ours is None:
        return f"**{wall:.1f} s** ({scores})" if row["system"] == "fastw2v" else f"{wall:.1f} s"
    ratio = wall / _mean(ours["wall_seconds"])
    return f"{wall:.1f} s, fastw2v {ratio:.1f}× faster ({scores})"


def render(data: dict) -> str:
    rows = {(r["system"], r["mode"], r["epochs"]): r for r in data["rows"]}
    systems = [s for s in SYSTEMS if any(k[0] == s for k in rows)]
    lines = [
        "| mode | epochs | " + " | ".join(systems) + " |",
        "|---|---:|" + "---|" * len(systems),
    ]
    keys = sorted({(k[2], k[1]) for k in rows}, key=lambda k: (k[0], list(MODE_NAMES).index(k[1])))
    for epochs, mode in keys:
        ours = rows.get(("fastw2v", mode, epochs))
        ours = ours if ours and ours["status"] == "ok" else None
        cells = [cell(rows[(s, mode, epochs)], ours) if (s, mode, epochs) in rows else "–"
                 for s in systems]  # fmt: skip
        lines.append(f"| {MODE_NAMES.get(mode, mode)} | {epochs} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows: list[dict] = []
    for path in sys.argv[1:]:  # several runs: a later file's cell replaces an earlier one's
        data = json.loads(Path(path).read_text())
        print(f"Command: `{data.get('command', 'python benchmarks/bench_peers.py ...')}`")
        rows += data["rows"]
    print()
    print(render({"rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
