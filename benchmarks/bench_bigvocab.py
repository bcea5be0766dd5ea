"""A multi-million-word vocabulary end to end: where the time and the memory go.

Issue #16's table: on a generated Zipf corpus (``gen_zipf.py``; 30M tokens over 10.7M
types hold 4.1M distinct words), ``fastw2v train -min-count 1`` with skip-gram NS, whole
job, then reading the binary vectors back. Each step runs in its own process:

- ``cli``: the whole CLI job (vocabulary, training, writing the binary vectors), its wall
  seconds, peak RSS (GNU time) and the phase times it prints;
- ``phases``: the same job through the Python API, printing the process's peak RSS
  (VmHWM) after each phase, so the peak can be attributed; the weights' bytes (input and
  output matrices) are the yardstick: the target is a peak of at most weights + 25%;
- ``read fastw2v`` / ``read gensim``: ``load_word2vec_format`` of the written file;
- ``cat``: ``cat FILE > /dev/null`` of the same file, the machine's ceiling.

    python benchmarks/gen_zipf.py /tmp/zipf4m.txt --tokens 30000000 --types 10700000
    python benchmarks/bench_bigvocab.py bigvocab.md --corpus /tmp/zipf4m.txt
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as bp  # noqa: E402

_PHASES = """
import json, sys, time
from fastw2v import Word2Vec

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

path, out, threads, dim, epochs = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
model = Word2Vec(sg=1, negative=5, vector_size=dim, window=5, sample=1e-4, min_count=1,
                 workers=threads, epochs=epochs, progress=False)
rows, t0 = [], time.perf_counter()
def mark(phase):
    global t0
    rows.append({"phase": phase, "seconds": time.perf_counter() - t0, "hwm_mib": hwm()})
    t0 = time.perf_counter()
mark("start (imports)")
model.build_vocab(corpus_file=path)
mark("vocabulary, weights allocated")
model.train(corpus_file=path)
mark("training")
model.wv.save_word2vec_format(out, binary=True)
mark("writing binary vectors")
weights = model.w_in.nbytes + sum(a.nbytes for a in model.weights.outputs.values())
print(json.dumps({"rows": rows, "weights_mib": weights / 2**20, "words": len(model.wv),
                  "estimate": model.memory_estimate.describe()}))
"""

_READ = {
    "fastw2v": "from fastw2v import KeyedVectors as K; kv = K.load_word2vec_format(p, binary=True)",
    "gensim": "from gensim.models import KeyedVectors as K; kv = K.load_word2vec_format(p, "
    "binary=True)",
}


def child(code: str, *argv: str) -> tuple[float, float | None, str]:
    with tempfile.TemporaryDirectory(prefix="fastw2v-bigvocab-") as tmp:
        log = Path(tmp) / "log.txt"
        seconds, rss, status = bp.timed_process(
            [sys.executable, "-c", code, *argv], log, Path(tmp), None
        )
        text = log.read_text(errors="replace")
    if status != 0:
        sys.exit(f"child failed ({status}): {text.strip()[-400:]}")
    return seconds, rss, text


def cli_job(corpus: Path, out: Path, args: argparse.Namespace) -> dict:
    code = "import sys; from fastw2v.cli import main; sys.exit(main(sys.argv[1:]))"
    flags = [
        "train", "-train", str(corpus), "-output", str(out), "-binary", "1", "-cbow", "0",
        "-size", str(args.dim), "-window", "5", "-negative", "5", "-sample", "1e-4",
        "-min-count", "1", "-iter", str(args.epochs), "-threads", str(args.threads),
        "-debug", "1",
    ]  # fmt: skip
    seconds, rss, text = child(code, *flags)
    vocab = re.search(r"Words in train file: \d+\s+\(([\d.]+)s\)", text)
    trained = re.search(r"Trained \d+ words in ([\d.]+)s", text)
    memory = next((ln for ln in text.splitlines() if ln.startswith("Memory:")), "")
    return {
        "job_seconds": seconds,
        "peak_mib": rss,
        "vocab_seconds": float(vocab.group(1)) if vocab else None,
        "train_seconds": float(trained.group(1)) if trained else None,
        "memory_line": memory,
    }


def read_times(path: Path, repeat: int) -> dict:
    times = {}
    for system, code in _READ.items():
        runs = [
            child(f"import time, sys; p = sys.argv[1]; {code}", str(path)) for _ in range(repeat)
        ]
        best = min(runs, key=lambda r: r[0])
        times[system] = {"seconds": best[0], "peak_mib": best[1]}
    cats = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
        cats.append(time.perf_counter() - t0)
    times["cat"] = {"seconds": min(cats), "peak_mib": None}
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table; the JSON goes beside it")
    ap.add_argument("--corpus", required=True, help="a gen_zipf.py corpus")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1, help="reads: the best of this many")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory(prefix="fastw2v-bigvocab-") as tmp:
        vec = Path(tmp) / "vec.bin"
        cli = cli_job(corpus, vec, args)
        print(json.dumps({"cli": cli}), flush=True)
        _, _, text = child(
            _PHASES, str(corpus), str(vec), *map(str, (args.threads, args.dim, args.epochs))
        )
        phases = json.loads(text.strip().splitlines()[-1])
        print(json.dumps({"phases": phases}), flush=True)
        reads = read_times(vec, args.repeat)
        size = vec.stat().st_size
    result = {"cli": cli, "phases": phases, "reads": reads, "vectors_bytes": size}
    out = Path(args.output)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1))
    out.write_text(table(result, args))
    print(out.read_text())


def table(res: dict, args: argparse.Namespace) -> str:
    cli, ph, reads = res["cli"], res["phases"], res["reads"]
    weights = ph["weights_mib"]
    write_s = next(r["seconds"] for r in ph["rows"] if r["phase"].startswith("writing"))
    mb = res["vectors_bytes"] / 1e6
    lines = [
        f"{ph['words']:,} words x {args.dim}; weights {weights:,.0f} MiB; "
        f"binary vectors {mb:,.0f} MB",
        "",
        "| CLI job s | vocabulary s | training s | peak MiB | peak / weights | write s (API) | "
        "write MB/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {cli['job_seconds']:.1f} | {cli['vocab_seconds']} | {cli['train_seconds']} | "
        f"{cli['peak_mib'] or 0:,.0f} | {(cli['peak_mib'] or 0) / weights:.2f} | "
        f"{write_s:.1f} | {mb / write_s:,.0f} |",
        "",
        f"CLI: {cli['memory_line']}",
        "",
        "| API phase | seconds | peak RSS so far MiB | over the weights |",
        "|---|---:|---:|---:|",
    ]
    for r in ph["rows"]:
        lines.append(
            f"| {r['phase']} | {r['seconds']:.1f} | {r['hwm_mib']:,.0f} | "
            f"{r['hwm_mib'] / weights - 1:+.0%} |"
        )
    cat = reads["cat"]["seconds"]
    lines += ["", "| read | seconds | MB/s | vs cat | peak MiB |", "|---|---:|---:|---:|---:|"]
    for system, r in reads.items():
        peak = f"{r['peak_mib']:,.0f}" if r["peak_mib"] else ""
        lines.append(
            f"| {system} | {r['seconds']:.2f} | {mb / r['seconds']:,.0f} | "
            f"{r['seconds'] / cat:.1f}x | {peak} |"
        )
    lines += [
        "",
        f"{args.threads} threads, {args.epochs} epoch(s), skip-gram NS, window 5, negative 5, "
        "sample 1e-4, min-count 1. Reads: best of "
        f"{args.repeat}, whole process (Python start and import included).",
        "",
        "Machine: " + json.dumps(bp.machine_info(None), default=str),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
