"""Time the vocabulary pass: fastw2v's ``build_vocab`` against word2vec.c's and the disk.

Each job runs in its own process on the same file (read once beforehand, so it is in the
page cache); the table gives wall seconds, tokens/s and peak RSS, with ``cat FILE >
/dev/null`` as the machine's ceiling for reading those bytes. fastw2v is timed inside its
process around ``Vocab``-building only (``Word2Vec.build_vocab``, which also records the
ids it meets so that training need not read the text again; ``--no-record`` switches that
off with ``cache_ids=False``); word2vec.c is its whole ``-save-vocab`` process (it stops
after counting when no ``-output`` is given).

    python benchmarks/gen_zipf.py /tmp/zipf.txt --tokens 30000000 --types 4100000
    python benchmarks/bench_vocab.py vocab.md --corpus text8 --corpus /tmp/zipf.txt \\
        --min-count 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as bp  # noqa: E402

_CHILD = """
import json, sys, time
from fastw2v import Word2Vec
path, min_count, record = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
model = Word2Vec(min_count=min_count, progress=False, cache_ids=None if record else False)
t0 = time.perf_counter()
vocab = model.build_vocab(path)
print(json.dumps({"seconds": time.perf_counter() - t0, "words": len(vocab),
                  "tokens": int(vocab.total_words)}))
"""


def run(cmd: list[str], workdir: Path) -> tuple[float, float, str]:
    log = workdir / "log.txt"
    seconds, rss, code = bp.timed_process(cmd, log, workdir, None)
    text = log.read_text(errors="replace")
    if code != 0:
        sys.exit(f"{cmd[0]} failed ({code}): {text.strip()[-300:]}")
    return seconds, rss, text


def bench_corpus(corpus: Path, args: argparse.Namespace, workdir: Path) -> list[dict]:
    tokens = bp.count_words(corpus)
    rows = []
    seconds, _, _ = run(["sh", "-c", f"cat '{corpus}' > /dev/null"], workdir)
    rows.append(dict(system="cat (ceiling)", seconds=seconds, rss=None, words=None))
    cmd = [
        sys.executable,
        "-c",
        _CHILD,
        str(corpus),
        str(args.min_count),
        "0" if args.no_record else "1",
    ]
    whole, rss, out = run(cmd, workdir)
    inner = json.loads(out.strip().splitlines()[-1])
    rows.append(dict(system="fastw2v build_vocab", seconds=inner["seconds"], rss=rss,
                     words=inner["words"], whole=whole))  # fmt: skip
    w2v = bp.find_word2vec_binary(None)
    if w2v:
        vocab = workdir / "w2v-vocab.txt"
        seconds, rss, _ = run(
            [w2v, "-train", str(corpus), "-min-count", str(args.min_count), "-save-vocab",
             str(vocab), "-debug", "0"],
            workdir,
        )  # fmt: skip
        words = sum(1 for _ in open(vocab, "rb"))
        rows.append(dict(system="word2vec.c -save-vocab", seconds=seconds, rss=rss, words=words))
    for row in rows:
        row.update(corpus=corpus.name, bytes=corpus.stat().st_size, tokens=tokens)
        row["tokens_per_sec"] = tokens / row["seconds"]
    return rows


def table(rows: list[dict], command: str) -> str:
    out = [
        f"Command: `{command}`",
        "",
        "| corpus | tokens | system | seconds | tokens/s | vocabulary | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        rss = "–" if r["rss"] is None else f"{r['rss']:,.0f}"
        words = "–" if r["words"] is None else f"{r['words']:,}"
        out.append(
            f"| {r['corpus']} | {r['tokens']:,} | {r['system']} | {r['seconds']:.2f} | "
            f"{r['tokens_per_sec'] / 1e6:.1f}M | {words} | {rss} |"
        )
    load = os.getloadavg()[0]
    out += ["", f"Load average (1 min) at the end: {load:.2f}; one run."]
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table written here")
    ap.add_argument("--corpus", action="append", required=True, help="repeatable")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--no-record", action="store_true", help="cache_ids=False: count only")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpus:
            path = Path(corpus).resolve()
            subprocess.run(["sh", "-c", f"cat '{path}' > /dev/null"], check=True)  # warm cache
            rows += bench_corpus(path, args, Path(tmp))
    command = "python benchmarks/bench_vocab.py " + " ".join(sys.argv[1:])
    text = table(rows, command)
    Path(args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
