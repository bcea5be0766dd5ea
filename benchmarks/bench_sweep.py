"""Sweep threads and dimensions for fastw2v and its peers; write a table and a PNG chart.

Every job is one training run of one system on the same corpus with the same settings, run
through bench_peers.py's runners (so words/s means the same thing as there: raw corpus words
per epoch x epochs / whole-job seconds, process spawn to vectors written). Quality is
bench_peers.py's job: this sweep times throughput only.

    python benchmarks/bench_sweep.py sweep.md --threads 1,2 --dims 100,300 --modes sg,cbow

Without ``--threads`` it sweeps 1, 2, 4, 8, ... up to the CPU count (and the count itself),
the many-core run of issue #16: on a 16-core machine ``--threads`` need not be given.
Scaling efficiency is the speed-up over one thread divided by the threads; a second chart
(``*-scaling.png``) draws words/s against threads for each system, mode and dimension.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_peers as bp  # noqa: E402
from plotting import pyplot  # noqa: E402


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    corpus = Path(args.corpus) if args.corpus else bp.default_corpus()
    words = bp.count_words(corpus)
    w2v_binary = bp.find_word2vec_binary(None)
    systems = args.systems.split(",")
    gensim_path = bp.gensim_corpus(corpus, words) if "gensim" in systems else corpus
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fastw2v-sweep-") as tmp:
        workdir = Path(tmp)
        for mode in args.modes.split(","):
            for dim in (int(d) for d in args.dims.split(",")):
                for threads in (int(t) for t in args.threads.split(",")):
                    for system in systems:
                        spec = bp.Spec(
                            system=system,
                            mode=mode,
                            corpus=str(gensim_path if system == "gensim" else corpus),
                            out=str(workdir / f"{system}-{mode}-{dim}-{threads}.bin"),
                            threads=threads,
                            epochs=args.epochs,
                            dim=dim,
                            window=5,
                            negative=5,
                            sample=1e-4,
                            min_count=5,
                            alpha=0.025 if bp.MODES[mode][0] else 0.05,
                        )
                        # The fastest of --repeats runs: on a shared machine, noise only
                        # ever makes a run slower, and short jobs are the most exposed.
                        results = [
                            bp.run_one(spec, workdir, w2v_binary, None) for _ in range(args.repeats)
                        ]
                        timed = [r for r in results if r.get("wall_seconds")]
                        res = min(timed, key=lambda r: r["wall_seconds"]) if timed else results[0]
                        row = {
                            "system": system,
                            "mode": mode,
                            "dim": dim,
                            "threads": threads,
                            "status": res.get("status", "ok"),
                        }
                        if res.get("wall_seconds"):
                            wps = words * args.epochs / res["wall_seconds"]
                            row.update(
                                seconds=res["wall_seconds"],
                                words_per_sec=wps,
                                words_per_sec_per_thread=wps / threads,
                                all_seconds=[r["wall_seconds"] for r in timed],
                            )
                        print(
                            f"{system:10s} {mode:5s} dim {dim:3d} threads {threads}: "
                            f"{row.get('words_per_sec_per_thread', 0):12,.0f} words/s/thread "
                            f"({row['status']})",
                            flush=True,
                        )
                        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]], words: int, args: argparse.Namespace) -> str:
    base = {
        (r["mode"], r["dim"], r["threads"]): r.get("words_per_sec_per_thread")
        for r in rows
        if r["system"] == "word2vec.c"
    }
    one = {
        (r["system"], r["mode"], r["dim"]): r.get("words_per_sec")
        for r in rows
        if r["threads"] == 1
    }
    out = [
        "| system | mode | dim | threads | words/s | words/s/thread | vs word2vec.c | "
        "scaling vs 1 thread | efficiency |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        wpt = r.get("words_per_sec_per_thread")
        if wpt is None:
            out.append(
                f"| {r['system']} | {r['mode']} | {r['dim']} | {r['threads']} | "
                f"{r['status']} | | | | |"
            )
            continue
        b = base.get((r["mode"], r["dim"], r["threads"]))
        o = one.get((r["system"], r["mode"], r["dim"]))
        vs_c = f"{wpt / b:.2f}×" if b else "–"
        speedup = r["words_per_sec"] / o if o else None
        scaling = f"{speedup:.2f}×" if speedup else "–"
        efficiency = f"{speedup / r['threads']:.0%}" if speedup else "–"
        out.append(
            f"| {r['system']} | {r['mode']} | {r['dim']} | {r['threads']} | "
            f"{r['words_per_sec']:,.0f} | {wpt:,.0f} | {vs_c} | {scaling} | {efficiency} |"
        )
    info = bp.machine_info(bp.find_word2vec_binary(None))
    out += [
        "",
        f"Corpus: {args.corpus or bp.default_corpus()} ({words:,} words), "
        f"{args.epochs} epoch(s), window 5, negative 5, sample 1e-4, min_count 5; "
        f"fastest of {args.repeats} run(s) per job.",
        "",
        "Machine: " + json.dumps(info, default=str),
    ]
    return "\n".join(out) + "\n"


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    plt = pyplot("bench_sweep.py")

    settings = sorted({(r["mode"], r["dim"], r["threads"]) for r in rows})
    systems = list(dict.fromkeys(r["system"] for r in rows))
    value = {
        (r["system"], r["mode"], r["dim"], r["threads"]): r.get("words_per_sec_per_thread")
        for r in rows
    }
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(settings)), 4.2))
    width = 0.8 / len(systems)
    for k, system in enumerate(systems):
        ys = [(value.get((system, *s)) or 0) / 1e3 for s in settings]
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(settings))]
        ax.bar(xs, ys, width, label=system)
    ax.set_xticks(range(len(settings)))
    ax.set_xticklabels([f"{m}\ndim {d}, {t} thr" for m, d, t in settings])
    ax.set_ylabel("thousand words/s per thread")
    ax.set_title("Training throughput per thread (higher is better)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def scaling_chart(rows: list[dict[str, Any]], path: Path) -> None:
    """Words/s against threads, one line per system, one panel per mode and dimension, with
    the ideal (one thread's rate times the threads) dotted."""
    plt = pyplot("bench_sweep.py")

    panels = sorted({(r["mode"], r["dim"]) for r in rows})
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, (mode, dim) in zip(axes[0], panels):
        for system in dict.fromkeys(r["system"] for r in rows):
            pts = sorted(
                (r["threads"], r["words_per_sec"])
                for r in rows
                if (r["system"], r["mode"], r["dim"]) == (system, mode, dim)
                and r.get("words_per_sec")
            )
            if not pts:
                continue
            xs, ys = zip(*pts)
            (line,) = ax.plot(xs, [y / 1e6 for y in ys], "o-", label=system)
            if xs[0] == 1:
                ax.plot(xs, [ys[0] * x / 1e6 for x in xs], ":", color=line.get_color())
        ax.set_xscale("log", base=2)
        counts = sorted({r["threads"] for r in rows})
        ax.set_xticks(counts, [str(t) for t in counts])
        ax.set_xlabel("threads")
        ax.set_title(f"{mode}, dim {dim}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("million words/s (dotted: linear scaling)")
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def default_threads() -> str:
    """1, 2, 4, ... up to the cores this process may use, and that count itself."""
    cores = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    counts = [1 << k for k in range(cores.bit_length()) if 1 << k <= cores]
    return ",".join(str(t) for t in sorted(set(counts + [cores])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="Markdown table; the chart and JSON go beside it")
    ap.add_argument("--corpus", default=None, help="default: as bench_peers.py")
    ap.add_argument("--systems", default="fastw2v,word2vec.c,gensim,fasttext")
    ap.add_argument("--modes", default="sg,cbow")
    ap.add_argument("--threads", default=default_threads(), help="default: 1, 2, 4, ... cores")
    ap.add_argument("--dims", default="100,300")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="runs per job; the table keeps the fastest (all times in the JSON)",
    )
    args = ap.parse_args()
    rows = run(args)
    out = Path(args.output)
    corpus = Path(args.corpus) if args.corpus else bp.default_corpus()
    out.write_text(table(rows, bp.count_words(corpus), args))
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    chart(rows, out.with_suffix(".png"))
    scaling = out.with_name(out.stem + "-scaling.png")
    scaling_chart(rows, scaling)
    print(f"wrote {out}, {out.with_suffix('.png')}, {scaling} and {out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
