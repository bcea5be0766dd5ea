"""Streaming against caching: does a corpus too large for the id cache train as fast?

A file corpus whose ids (4 bytes a word) fit ``--id-cache-bytes`` (1 GiB by default) is
recorded while the vocabulary is counted and trained from memory; a larger one streams: a
producer thread reads and encodes the text again during every epoch, beside the kernel
threads. This script trains the same settings, whole CLI job each, on

- ``small``: the corpus as given (cached),
- ``big``: the corpus repeated ``--copies`` times (written once to ``--big``, not timed),
  streamed because its ids exceed the default budget,
- ``big cached``: the same big file with ``--id-cache-bytes`` raised so that it fits,

and reports the kernel's words/s per thread (the CLI's "Trained ..." line: training only),
the whole job's seconds and peak RSS, and the ``Memory:`` line that says whether it
streamed. The big runs count with ``--min-count`` times ``--copies``, so that they keep
exactly the small run's vocabulary (a larger one trains slower per word for reasons of its
own: more rows out of cache). The issue-16 target: ``big`` within 5% of ``small`` per word.

    python benchmarks/bench_stream.py stream.md --corpus wiki70m.txt --big /tmp/wiki_x5.txt \\
        --copies 5
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as bp  # noqa: E402

_TRAINED = re.compile(r"Trained (\d+) words in ([\d.]+)s: ([\d,]+) words/s \(([\d,]+) per thread")


def make_big(corpus: Path, big: Path, copies: int) -> None:
    """``copies`` concatenations of ``corpus``, each ending in a newline."""
    if big.is_file() and big.stat().st_size == copies * (corpus.stat().st_size + 1):
        return
    tmp = big.with_name(big.name + ".part")
    with open(tmp, "wb") as out:
        for _ in range(copies):
            with open(corpus, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 24)
            out.write(b"\n")
    tmp.replace(big)


def warm(path: Path) -> None:
    """Read the file once, so that every run starts with it in the page cache."""
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def train(
    path: Path, args: argparse.Namespace, workdir: Path, min_count: int, extra: list[str]
) -> dict:
    cmd = [
        sys.executable, "-m", "fastw2v", "train", "-train", str(path),
        "-output", str(workdir / "vec.bin"), "-binary", "1", "-size", str(args.dim),
        "-cbow", "1" if args.mode == "cbow" else "0",
        "-window", "5", "-negative", "5", "-sample", "1e-4", "-min-count", str(min_count),
        "-iter", str(args.epochs), "-threads", str(args.threads), "-debug", "1", *extra,
    ]  # fmt: skip
    log = workdir / "log.txt"
    seconds, rss, code = bp.timed_process(cmd, log, workdir, None)
    text = log.read_text(errors="replace")
    trained = _TRAINED.search(text)
    if code != 0 or trained is None:
        sys.exit(f"fastw2v failed ({code}): {text.strip()[-400:]}")
    memory = next((ln for ln in text.splitlines() if ln.startswith("Memory:")), "")
    return {
        "job_seconds": seconds,
        "peak_mib": rss,
        "words": int(trained.group(1)),
        "train_seconds": float(trained.group(2)),
        "words_per_sec_per_thread": int(trained.group(4).replace(",", "")),
        "memory_line": memory,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table; the JSON goes beside it")
    ap.add_argument("--corpus", default=None, help="default: as bench_peers.py")
    ap.add_argument("--big", required=True, help="where the repeated corpus is written")
    ap.add_argument("--copies", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--mode", choices=("sg", "cbow"), default="sg")
    ap.add_argument("--min-count", type=int, default=5, help="the small run's (big: x copies)")
    ap.add_argument("--skip", default="", help="comma-separated runs to leave out")
    args = ap.parse_args()
    corpus = Path(args.corpus) if args.corpus else bp.default_corpus()
    big = Path(args.big)
    make_big(corpus, big, args.copies)
    big_count = args.min_count * args.copies
    runs = {
        "small": (corpus, args.min_count, []),
        "big": (big, big_count, []),
        "big cached": (big, big_count, ["--id-cache-bytes", str(8 * big.stat().st_size)]),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="fastw2v-stream-") as tmp:
        for name, (path, min_count, extra) in runs.items():
            if name in args.skip.split(","):
                continue
            warm(path)
            row = {"run": name, "file": str(path), "bytes": path.stat().st_size}
            row["min_count"] = min_count
            row.update(train(path, args, Path(tmp), min_count, extra))
            print(json.dumps(row), flush=True)
            rows.append(row)
    out = Path(args.output)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    out.write_text(table(rows, args))
    print(out.read_text())


def table(rows: list[dict], args: argparse.Namespace) -> str:
    base = next((r for r in rows if r["run"] == "small"), None)
    lines = [
        "| run | file MB | min-count | words | job s | train s | words/s/thread (train) | "
        "vs small | peak MiB | streamed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = r["words_per_sec_per_thread"] / base["words_per_sec_per_thread"] if base else 0
        lines.append(
            f"| {r['run']} | {r['bytes'] / 1e6:,.0f} | {r['min_count']} | {r['words']:,} | "
            f"{r['job_seconds']:.1f} | "
            f"{r['train_seconds']:.1f} | {r['words_per_sec_per_thread']:,} | {ratio:.3f} | "
            f"{r['peak_mib'] or 0:,.0f} | {'yes' if 'streams' in r['memory_line'] else 'no'} |"
        )
    lines += [
        "",
        f"{args.threads} threads, {args.epochs} epoch(s), {args.mode} NS, dim {args.dim}, "
        "window 5, negative 5, sample 1e-4.",
        "",
        "Machine: " + json.dumps(bp.machine_info(None), default=str),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
