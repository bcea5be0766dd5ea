"""Phrase detection on a large corpus: fastw2v phrases, word2phrase and gensim Phrases.

Each system runs as a user runs it, in its own process, timed from process start until its
output file is written (the whole job: counting, scoring and writing the text with the
phrases joined). All use word2phrase's score ``(count(ab) - min_count) / count(a) /
count(b) * N`` with the same ``min_count`` and ``threshold``; gensim gets it as a custom
``scoring`` function (gensim's own "default" multiplies by its table size instead of N,
which would make its phrase set incomparable).

Agreement compares the sets of distinct joined tokens in the outputs (the corpus must hold
no ``_`` of its own: text8 holds only a-z and spaces): Jaccard index between each pair of
systems, and precision/recall against word2phrase.

    python benchmarks/bench_phrases.py [--corpus PATH] [--out results.md]

The corpus defaults to ``$FASTW2V_DATA/text8``. fastw2v is run from this checkout
(``PYTHONPATH`` set to the repository root; build it first: ``python setup.py build_ext
--inplace``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

GENSIM_DRIVER = """\
import sys
from gensim.models.phrases import Phrases
from gensim.models.word2vec import LineSentence


def word2phrase_score(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                      corpus_word_count):
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return float("-inf")
    return (bigram_count - min_count) / worda_count / wordb_count * corpus_word_count


corpus, output = sys.argv[1], sys.argv[2]
min_count, threshold = int(sys.argv[3]), float(sys.argv[4])
frozen = Phrases(LineSentence(corpus), min_count=min_count, threshold=threshold,
                 scoring=word2phrase_score).freeze()
with open(output, "w") as fh:
    for sentence in LineSentence(corpus):
        fh.write(" ".join(frozen[sentence]) + "\\n")
"""

COUNT_ONLY = """\
import sys, time
from fastw2v import Phrases
t = time.perf_counter()
m = Phrases(sys.argv[1], min_count=int(sys.argv[2]), threshold=float(sys.argv[3]))
t1 = time.perf_counter()
m.freeze()
print(m.corpus_word_count, t1 - t, time.perf_counter() - t1)
"""


def run_timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``cmd``; return (wall seconds from start to exit, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err.strip()[-300:]}")
    return wall, usage.ru_maxrss // 1024


def joined(path: Path) -> tuple[set[str], int]:
    """Distinct tokens holding '_' in ``path``, and how many such tokens it has."""
    distinct: set[str] = set()
    total = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            for w in line.split():
                if "_" in w:
                    distinct.add(w)
                    total += 1
    return distinct, total


def systems(corpus: Path, work: Path, min_count: int, threshold: float) -> dict[str, list[str]]:
    env_py = sys.executable
    w2p = shutil.which("word2phrase") or str(Path(sys.executable).parent / "word2phrase")
    (work / "gensim_driver.py").write_text(GENSIM_DRIVER)
    mc, th = str(min_count), repr(threshold)
    # word2phrase keeps file names in 60-byte buffers: give it short relative names.
    (work / "corpus.txt").symlink_to(corpus)
    return {
        "fastw2v": [env_py, "-m", "fastw2v", "phrases", "-train", str(corpus), "-output",
                    str(work / "fastw2v.txt"), "-min-count", mc, "-threshold", th, "-debug", "0"],
        "word2phrase": [w2p, "-train", "corpus.txt", "-output", "word2phrase.txt",
                        "-min-count", mc, "-threshold", th, "-debug", "0"],
        "gensim": [env_py, "gensim_driver.py", str(corpus), str(work / "gensim.txt"), mc, th],
    }  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    py = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, load average {load:.2f} at start, Python {py}"


def main() -> int:
    default = Path(os.environ.get("FASTW2V_DATA", "")) / "text8" if os.environ.get(
        "FASTW2V_DATA") else None  # fmt: skip
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default, help="($FASTW2V_DATA/text8)")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=100.0)
    ap.add_argument("--systems", default="fastw2v,word2phrase,gensim")
    ap.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = ap.parse_args()
    if args.corpus is None or not args.corpus.is_file():
        ap.error(f"corpus not found: {args.corpus} (set FASTW2V_DATA or pass --corpus)")
    corpus = args.corpus.resolve()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_phrases_") as tmp:
        work = Path(tmp)
        cmds = systems(corpus, work, args.min_count, args.threshold)
        rows = {}
        for name in args.systems.split(","):
            if name not in cmds:
                ap.error(f"unknown system {name!r} (choose from {', '.join(cmds)})")
            try:
                wall, rss = run_timed(cmds[name], work, env)
            except (OSError, RuntimeError) as exc:  # not installed, or crashed: report, go on
                print(f"{name}: failed: {exc}", flush=True)
                continue
            rows[name] = (wall, rss, *joined(work / f"{name}.txt"))
            print(f"{name}: {wall:.1f} s, {rss} MiB, {len(rows[name][2])} distinct phrases",
                  flush=True)  # fmt: skip
        out = subprocess.run([sys.executable, "-c", COUNT_ONLY, str(corpus), str(args.min_count),
                              str(args.threshold)], env=env, capture_output=True, text=True,
                             check=True).stdout.split()  # fmt: skip
        words, count_s, score_s = int(out[0]), float(out[1]), float(out[2])
    if "fastw2v" in rows and "word2phrase" in rows:
        ours, theirs = rows["fastw2v"][2], rows["word2phrase"][2]
        print("only fastw2v:", sorted(ours - theirs)[:10], "only word2phrase:",
              sorted(theirs - ours)[:10])  # fmt: skip
    table = format_table(rows, words, count_s, score_s)
    print(table)
    if args.out:
        args.out.write_text(table + "\n")
    return 0


def format_table(rows: dict, words: int, count_s: float, score_s: float) -> str:
    """The Markdown table: one row per system, agreement measured against word2phrase."""
    ref = rows.get("word2phrase")
    base = rows["fastw2v"][0] if "fastw2v" in rows else None
    lines = [
        "| system | whole job (s) | words/s | time / fastw2v | peak RSS (MiB) | distinct phrases"
        " | joined tokens | shared with word2phrase | Jaccard | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (wall, rss, distinct, total) in rows.items():
        agree = "- | - | - | -"
        if ref:
            inter = len(distinct & ref[2])
            jac = inter / max(len(distinct | ref[2]), 1)
            prec, rec = inter / max(len(distinct), 1), inter / max(len(ref[2]), 1)
            agree = f"{inter} | {jac:.4f} | {prec:.4f} | {rec:.4f}"
        ratio = f"{wall / base:.1f}x" if base else "-"
        lines.append(
            f"| {name} | {wall:.2f} | {words / wall / 1e6:.2f}M | {ratio} | {rss} | "
            f"{len(distinct)} | {total} | {agree} |"
        )
    if "fastw2v" in rows and "gensim" in rows:
        a, b = rows["fastw2v"][2], rows["gensim"][2]
        lines.append(
            f"\nfastw2v vs gensim: Jaccard {len(a & b) / max(len(a | b), 1):.4f} "
            f"({len(a - b)} phrases only in fastw2v, {len(b - a)} only in gensim)."
        )
    lines.append(
        f"\nfastw2v counting only (Phrases.fit in one process, after imports; not a whole "
        f"job): {count_s:.2f} s for {words} words = {words / count_s / 1e6:.1f}M words/s; "
        f"scoring and freezing {score_s:.2f} s."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
