"""Time reading and writing vector files against `cat` and gensim; write a Markdown table.

Generates a GoogleNews-shaped file (--words x --dim, random words and normal floats: the
shape, not the content, decides the speed) and a smaller one, then for each format times,
in the same run: `cat FILE > /dev/null` (the file is in the page cache: the copy ceiling),
fastw2v's read and write, `cat FILE > NEW` (the same bytes into a new file: the ceiling of
a write), gensim's `load_word2vec_format` and the native format's load.
Every read runs in its own child process, whose peak RSS comes from `wait4`, set beside
the matrix's own size. Seconds are the best of --repeats (gensim and the fsync'd write: one run).
fastw2v's children also time, after the read, a first ``kv[word]`` and a first
``kv.key_to_index`` (the list and dict that lazily loaded keys make on first use); their
peak RSS is the one at the read's return, before that.

    python benchmarks/bench_vectors_io.py results.md
    python benchmarks/bench_vectors_io.py results.md --words 300000 --no-big   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# A child reads one file and reports its seconds; the parent reads its peak RSS.
_CHILD = r"""
import json, sys, time
kind, path, binary = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if kind == "gensim":
    from gensim.models import KeyedVectors
    start = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
    n = len(kv.index_to_key)
else:
    from fastw2v.vectors import KeyedVectors
    start = time.perf_counter()
    if kind == "native":
        kv = KeyedVectors.load(path, mmap=sys.argv[4] == "1")
    else:
        kv = KeyedVectors.load_word2vec_format(path, binary=binary)
    n = len(kv)
seconds = time.perf_counter() - start
extra = {}
if kind in ("fastw2v", "native"):  # what the lazy keys defer, paid on first use
    import resource
    extra["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the read's peak
    word = kv._key_at(n // 2)
    start = time.perf_counter()
    kv[word]
    extra["lookup"] = time.perf_counter() - start
    start = time.perf_counter()
    kv.key_to_index  # the list of words and the dict, as gensim-style code asks for them
    extra["dict"] = time.perf_counter() - start
if kind == "write":
    if sys.argv[5] == "0":  # formatting and writing to the page cache, no fsync
        import fastw2v.formats
        fastw2v.formats.atomic_write = lambda path, mode: open(path, mode)
    start = time.perf_counter()
    kv.save_word2vec_format(sys.argv[4], binary=binary)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": n, **extra}))
"""

# Ceilings: a matrix of the same size allocated and written once (what any reader pays for
# its memory), and the file's bytes copied to a new file and fsynced (what a durable write
# of them costs).
_TOUCH = r"""
import json, sys, time
import numpy as np
start = time.perf_counter()
m = np.empty((int(sys.argv[1]), int(sys.argv[2])), dtype=np.float32)
m[:] = 0
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _touch(rows: int, dim: int, repeats: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", _TOUCH, str(rows), str(dim)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out)["seconds"])
    return min(runs)


def _copy(path: Path, repeats: int) -> float:
    """Best of `cat FILE > NEW`: the same bytes written to a new file's page cache, the
    ceiling of a write without fsync (cat to /dev/null writes nothing)."""
    out = path.with_name(path.name + ".copy")
    best = float("inf")
    for _ in range(repeats):
        out.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(f"cat '{path}' > '{out}'", shell=True, check=True)
        best = min(best, time.perf_counter() - start)
    out.unlink()
    return best


def _copy_fsync(path: Path) -> float:
    out = path.with_name(path.name + ".copy")
    start = time.perf_counter()
    with open(path, "rb") as src, open(out, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    seconds = time.perf_counter() - start
    out.unlink()
    return seconds


def _child(args: list[str], extra: dict | None = None) -> tuple[float, float]:
    """``(seconds reported, peak RSS in MiB)`` of one child run; the other figures it
    reports (first look-up, dict on first use) go to ``extra``, the best of each kept."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, *args], stdout=subprocess.PIPE, env=env)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"child {args} failed")
    report = json.loads(out)
    for key in ("lookup", "dict"):
        if extra is not None and key in report:
            extra[key] = min(extra.get(key, float("inf")), report[key])
    # The read's own peak when the child reports it (before it builds key_to_index).
    return report["seconds"], report.get("rss_kib", usage.ru_maxrss) / 1024


def _baseline() -> dict:
    """The RSS of a child that only imports fastw2v and gensim: the floor under each read."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    code = "import fastw2v.vectors\ntry:\n import gensim.models\nexcept ImportError:\n pass"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    return {
        "file": "(python, numpy, fastw2v, gensim imported; nothing read)",
        "MB": 0,
        "cat": 0.0,
        "rss": usage.ru_maxrss / 1024,
    }


def _best(args: list[str], repeats: int, extra: dict | None = None) -> tuple[float, float]:
    runs = [_child(args, extra) for _ in range(repeats)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def _cat(path: Path, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats + 1):  # the first run also warms the page cache
        start = time.perf_counter()
        subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def _files(directory: Path, words: int, dim: int, text_words: int, small: bool) -> dict:
    stem = f"{words}x{dim}"
    files = {"binary": directory / f"{stem}.bin", "native": directory / f"{stem}.native"}
    if small:  # text and gzip only for the small shape
        files["text"] = directory / f"{stem}-{text_words}.txt"
        files["binary.gz"] = directory / f"{stem}.bin.gz"
        files["text.gz"] = directory / f"{stem}-{text_words}.txt.gz"
    return files


def _generate(directory: Path, words: int, dim: int, text_words: int, small: bool) -> dict:
    """The files of one shape (binary, native; text, gzip), made in a child process.

    A child: the parent must stay small, since a child's peak RSS counts the parent's
    pages until it execs.
    """
    files = _files(directory, words, dim, text_words, small)
    if not all(p.exists() for p in files.values()):
        cmd = [
            sys.executable,
            __file__,
            "--generate",
            str(directory),
            str(words),
            str(dim),
            str(text_words),
            "1" if small else "0",
        ]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
        subprocess.run(cmd, check=True, env=env)
    return files


def _make(directory: Path, words: int, dim: int, text_words: int, small: bool) -> None:
    from fastw2v.vectors import KeyedVectors

    files = _files(directory, words, dim, text_words, small)
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz_"))
    lengths = rng.integers(3, 15, words)
    pool = "".join(letters[rng.integers(0, len(letters), int(lengths.sum()))])
    cuts = np.concatenate(([0], np.cumsum(lengths)))
    vocab = [f"{pool[a:b]}{i}" for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:]))]
    vectors = (rng.standard_normal((words, dim), dtype=np.float32) * 0.1).astype(np.float32)
    kv = KeyedVectors(vocab, vectors)
    kv.save_word2vec_format(files["binary"], binary=True)
    kv.save(files["native"])
    if not small:
        return
    KeyedVectors(vocab[:text_words], vectors[:text_words]).save_word2vec_format(
        files["text"], binary=False
    )
    for plain, packed in ((files["binary"], files["binary.gz"]), (files["text"], files["text.gz"])):
        with open(packed, "wb") as out:
            subprocess.run(["gzip", "-1", "-c", str(plain)], stdout=out, check=True)


def _row(name: str, path: Path, binary: bool, dim: int, args, gensim: bool) -> dict:
    size = path.stat().st_size if path.is_file() else (path / "vectors.npy").stat().st_size
    cat = _cat(path if path.is_file() else path / "vectors.npy", args.repeats)
    row: dict = {"file": name, "MB": size / 1e6, "cat": cat}
    rows = int(name.split(" × ")[0].split()[-1].replace(",", ""))
    row["touch"] = _touch(rows, dim, args.repeats)
    if name.startswith("native"):
        row["read"], row["rss"] = _best(["native", str(path), "0", "1"], args.repeats, row)
        row["read_copy"], row["rss_copy"] = _best(["native", str(path), "0", "0"], args.repeats)
        return row
    b = "1" if binary else "0"
    row["read"], row["rss"] = _best(["fastw2v", str(path), b], args.repeats, row)
    if not name.endswith(".gz"):
        out = path.with_name(path.name + ".out")
        row["write"], _ = _best(["write", str(path), b, str(out), "1"], 1)
        row["write_nosync"], _ = _best(["write", str(path), b, str(out), "0"], args.repeats)
        out.unlink()
        row["copy_fsync"] = _copy_fsync(path)
        row["copy"] = _copy(path, args.repeats)
    if gensim:
        row["gensim"], row["gensim_rss"] = _child(["gensim", str(path), "1" if binary else "0"])
    return row


def _cell(row: dict, key: str, fmt: str = "{:.3f}") -> str:
    return fmt.format(row[key]) if key in row else "—"


def _ms(row: dict, key: str) -> str:
    return f"{1000 * row[key]:.3f}" if key in row else "—"


def _ratio(row: dict, a: str, b: str) -> str:
    return f"{row[a] / row[b]:.1f}×" if row.get(a) and row.get(b) else "—"


def _markdown(rows: list[dict], header: str) -> str:
    lines = [
        header,
        "",
        "| file | MB | cat s | matrix alloc+touch s | fastw2v read s | read ÷ cat "
        "| peak RSS MB | first look-up ms | key_to_index on first use s "
        "| write s (fsync) | copy+fsync s | write s (no fsync) | copy s (no fsync) "
        "| write ÷ cat | write ÷ copy | gensim read s | gensim RSS MB | gensim ÷ fastw2v |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['file']} | {r['MB']:,.0f} | {r['cat']:.3f} | {_cell(r, 'touch')} "
            f"| {_cell(r, 'read')} | {_ratio(r, 'read', 'cat')} | {_cell(r, 'rss', '{:,.0f}')} "
            f"| {_ms(r, 'lookup')} | {_cell(r, 'dict')} "
            f"| {_cell(r, 'write')} | {_cell(r, 'copy_fsync')} | {_cell(r, 'write_nosync')} "
            f"| {_cell(r, 'copy')} | {_ratio(r, 'write_nosync', 'cat')} "
            f"| {_ratio(r, 'write_nosync', 'copy')} | {_cell(r, 'gensim', '{:.2f}')} "
            f"| {_cell(r, 'gensim_rss', '{:,.0f}')} | {_ratio(r, 'gensim', 'read')} |"
        )
        if "read_copy" in r:
            lines.append(
                f"| {r['file']} (mmap=False) | {r['MB']:,.0f} | {r['cat']:.3f} "
                f"| {_cell(r, 'touch')} | {r['read_copy']:.3f} | {_ratio(r, 'read_copy', 'cat')} "
                f"| {r['rss_copy']:,.0f} | — | — | — | — | — | — | — | — | — | — | — |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    if sys.argv[1:2] == ["--generate"]:
        d, words, dim, text_words, small = sys.argv[2:7]
        _make(Path(d), int(words), int(dim), int(text_words), small == "1")
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path, help="Markdown file for the table")
    ap.add_argument("--words", type=int, default=3_000_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--small-words", type=int, default=300_000)
    ap.add_argument("--text-words", type=int, default=50_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--no-big", action="store_true", help="only the small shape")
    ap.add_argument("--no-gensim", action="store_true")
    ap.add_argument("--dir", type=Path, default=Path(".bench/vectors"))
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    try:
        import gensim  # noqa: F401

        gensim_ok = not args.no_gensim
    except ImportError:
        gensim_ok = False
    load = os.getloadavg()
    rows = []
    shapes = [(args.small_words, args.text_words)]
    if not args.no_big:
        shapes.append((args.words, args.text_words))
    rows.append(_baseline())
    for i, (words, text_words) in enumerate(shapes):
        small = i == 0
        files = _generate(args.dir, words, args.dim, text_words, small)
        stem = f"{words:,} × {args.dim}"
        rows.append(_row(f"{stem} binary", files["binary"], True, args.dim, args, gensim_ok))
        if small:
            tw = f"{text_words:,} × {args.dim}"
            rows.append(_row(f"{tw} text", files["text"], False, args.dim, args, gensim_ok))
            rows.append(
                _row(f"{stem} binary.gz", files["binary.gz"], True, args.dim, args, gensim_ok)
            )
            rows.append(_row(f"{tw} text.gz", files["text.gz"], False, args.dim, args, gensim_ok))
        rows.append(_row(f"native {stem}", files["native"], True, args.dim, args, False))
    end_load = os.getloadavg()
    header = (
        f"Load average {load[0]:.2f} at start, {end_load[0]:.2f} at the end "
        f"({os.cpu_count()} CPUs). Matrix: 4 × rows × {args.dim} bytes."
    )
    table = _markdown(rows, header)
    args.output.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
