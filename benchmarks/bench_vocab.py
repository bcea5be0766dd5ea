"""Time the vocabulary pass: fastw2v's ``build_vocab`` against word2vec.c's and the disk.

Each job runs in its own process on the same file (read once beforehand, so it is in the
page cache); the table gives wall seconds (the best of ``--repeat`` runs), the CPU seconds
of that run, tokens/s and peak RSS, with ``cat FILE > /dev/null`` as the machine's ceiling
for reading those bytes. fastw2v is timed inside its process around the vocabulary pass
only: ``fastw2v.online.count_vocab``, what ``Word2Vec.build_vocab`` runs before it
allocates the weights (counting, recording the ids it meets so that training need not read
the text again, ranking, the ``Vocab``); ``--no-record`` counts without recording
(``cache_ids=False``). ``--workers`` (repeatable) sets the counting threads. word2vec.c is
its whole ``-save-vocab`` process (it stops after counting when no ``-output`` is given).

    python benchmarks/gen_zipf.py /tmp/zipf.txt --tokens 30000000 --types 10700000
    python benchmarks/bench_vocab.py vocab.md --corpus text8 --corpus /tmp/zipf.txt \\
        --min-count 1 --workers 1 --workers 2 --repeat 3
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
from fastw2v.online import count_vocab
path, min_count, record = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
workers = int(sys.argv[4])
model = Word2Vec(min_count=min_count, progress=False, cache_ids=None if record else False,
                 workers=workers)
t0, c0 = time.perf_counter(), time.process_time()
vocab, recording = count_vocab(model.config, path)
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "words": len(vocab), "tokens": int(vocab.total_words),
                  "recorded": recording is not None}))
"""


def run(cmd: list[str], workdir: Path) -> tuple[float, float, str]:
    log = workdir / "log.txt"
    seconds, rss, code = bp.timed_process(cmd, log, workdir, None)
    text = log.read_text(errors="replace")
    if code != 0:
        sys.exit(f"{cmd[0]} failed ({code}): {text.strip()[-300:]}")
    return seconds, rss, text


def best(cmd: list[str], workdir: Path, repeat: int, inner: bool) -> dict:
    """The fastest of ``repeat`` runs (by the time inside the process when ``inner``)."""
    rows = []
    for _ in range(repeat):
        whole, rss, out = run(cmd, workdir)
        row = dict(seconds=whole, cpu=None, rss=rss, words=None)
        if inner:
            got = json.loads(out.strip().splitlines()[-1])
            row.update(seconds=got["seconds"], cpu=got["cpu"], words=got["words"])
        rows.append(row)
    return min(rows, key=lambda r: r["seconds"])


def bench_corpus(corpus: Path, args: argparse.Namespace, workdir: Path) -> list[dict]:
    tokens = bp.count_words(corpus)
    rows = [dict(system="cat (ceiling)", **best(["sh", "-c", f"cat '{corpus}' > /dev/null"],
                                                 workdir, args.repeat, False))]  # fmt: skip
    for workers in args.workers or [1]:
        cmd = [sys.executable, "-c", _CHILD, str(corpus), str(args.min_count),
               "0" if args.no_record else "1", str(workers)]  # fmt: skip
        label = f"fastw2v vocabulary pass, {workers} thread{'s' if workers > 1 else ''}"
        rows.append(dict(system=label, **best(cmd, workdir, args.repeat, True)))
    w2v = bp.find_word2vec_binary(None)
    if w2v:
        vocab = workdir / "w2v-vocab.txt"
        cmd = [w2v, "-train", str(corpus), "-min-count", str(args.min_count), "-save-vocab",
               str(vocab), "-debug", "0"]  # fmt: skip
        row = best(cmd, workdir, args.repeat, False)
        row["words"] = sum(1 for _ in open(vocab, "rb"))
        rows.append(dict(system="word2vec.c -save-vocab", **row))
    for row in rows:
        row.update(corpus=corpus.name, bytes=corpus.stat().st_size, tokens=tokens)
        row["tokens_per_sec"] = tokens / row["seconds"]
    return rows


def table(rows: list[dict], command: str, repeat: int) -> str:
    out = [
        f"Command: `{command}`",
        "",
        "| corpus | tokens | system | seconds | CPU s | tokens/s | vocabulary | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rss = "–" if r["rss"] is None else f"{r['rss']:,.0f}"
        words = "–" if r["words"] is None else f"{r['words']:,}"
        cpu = "–" if r["cpu"] is None else f"{r['cpu']:.2f}"
        out.append(
            f"| {r['corpus']} | {r['tokens']:,} | {r['system']} | {r['seconds']:.2f} | {cpu} | "
            f"{r['tokens_per_sec'] / 1e6:.1f}M | {words} | {rss} |"
        )
    load = os.getloadavg()
    out += ["", f"Load average (1, 5, 15 min) at the end: {load[0]:.2f}, {load[1]:.2f}, "
            f"{load[2]:.2f}; best of {repeat} runs each."]  # fmt: skip
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table written here")
    ap.add_argument("--corpus", action="append", required=True, help="repeatable")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--no-record", action="store_true", help="cache_ids=False: count only")
    ap.add_argument("--workers", type=int, action="append", help="counting threads; repeatable")
    ap.add_argument("--repeat", type=int, default=1, help="runs per job; the fastest is shown")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpus:
            path = Path(corpus).resolve()
            subprocess.run(["sh", "-c", f"cat '{path}' > /dev/null"], check=True)  # warm cache
            rows += bench_corpus(path, args, Path(tmp))
    command = "python benchmarks/bench_vocab.py " + " ".join(sys.argv[1:])
    text = table(rows, command, args.repeat)
    Path(args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
