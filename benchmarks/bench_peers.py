#!/usr/bin/env python
"""Train fastw2v and its peers with identical settings on one corpus, in one run.

Systems: fastw2v, word2vec.c (the original C tool, from the PyPI package ``word2vec``),
gensim, and fastText (PyPI ``fasttext-numpy2-wheel``, subwords disabled so it is plain
word2vec). Each (system, mode, epochs) combination trains in its own process; the vectors it
writes are then scored by one evaluator (gensim's ``evaluate_word_analogies`` on Google's
questions-words.txt, restricted to the 30,000 most frequent words, case-insensitive, as
word2vec.c's compute-accuracy does), so every accuracy is computed the same way.

Speed is the whole job, as a user meets it: each system runs as one process (fastw2v and
word2vec.c as their command lines, gensim and fastText as a few lines of Python), timed from
spawn to exit: interpreter start, vocabulary, training, writing the vectors. words/s is raw
corpus words (whitespace tokens) × epochs / those seconds, the same numerator for every
system; a training-only time, where a system reports one, follows in its own column.
``--seeds 1,2,3`` repeats every job and reports means and spreads. See benchmarks/README.md.

Usage::

    python benchmarks/bench_peers.py results.md                       # defaults below
    python benchmarks/bench_peers.py results.md --corpus /tmp/small.txt --threads 1 \\
        --systems word2vec.c,gensim --modes sg --epochs 1,5

A JSON file with the same rows (and the machine description) is written next to the
Markdown (``results.json`` for ``results.md``) unless ``--json`` names another path.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import lzma
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_XZ = REPO_ROOT.parent / "shared" / "data" / "text8like_wiki2015_1e8.txt.xz"
DEFAULT_CORPUS_SIZE = 100_000_000  # uncompressed bytes, from shared/data/SOURCES.md
ALL_SYSTEMS = ("fastw2v", "word2vec.c", "gensim", "fasttext")
MODES = {
    # mode: (sg, hs)   hs modes train with negative=0, as word2vec.c's -hs 1 -negative 0
    "sg": (1, 0),
    "cbow": (0, 0),
    "sg-hs": (1, 1),
    "cbow-hs": (0, 1),
}
BASELINE = "word2vec.c"
_BLOCK = 1 << 24  # bytes read at a time when scanning a corpus


# --------------------------------------------------------------------------------------
# Settings shared by every system
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One training job: identical for every system, apart from ``system``."""

    system: str
    mode: str
    corpus: str
    out: str  # word2vec binary vectors written here
    threads: int
    epochs: int
    dim: int
    window: int
    negative: int
    sample: float
    min_count: int
    alpha: float | None  # None: the system's own default learning rate (and schedule)
    seed: int = 1

    @property
    def sg(self) -> int:
        return MODES[self.mode][0]

    @property
    def hs(self) -> int:
        return MODES[self.mode][1]

    @property
    def neg(self) -> int:
        return 0 if self.hs else self.negative


@dataclass
class Row:
    """One (system, mode, epochs) cell, over every seed it ran with."""

    system: str
    mode: str
    threads: int
    epochs: int
    status: str = "ok"  # ok | not installed | failed: ...
    seeds: list[int] = field(default_factory=list)
    # Per seed: the whole job (process start to vectors written), as a user's `time` shows.
    wall_seconds: list[float] = field(default_factory=list)
    # Per seed, where the system reports it from inside: the training call alone.
    train_seconds: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)
    load_before: list[float] = field(default_factory=list)  # 1-minute load average at spawn
    analogy: list[float] = field(default_factory=list)  # percent
    analogy_questions: int | None = None
    ws353: list[float] = field(default_factory=list)  # Spearman x 100
    words_per_sec_per_thread: float | None = None  # raw words x epochs / mean wall / threads
    train_words_per_sec_per_thread: float | None = None
    speedup: dict[str, float] = field(default_factory=dict)  # peer -> its wall / ours
    timing: str = ""  # what train_seconds covers
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Jobs. Every system runs as one child process, as its users run it: the parent times that
# process from spawn to exit (the whole job: interpreter start, vocabulary, training,
# writing the vectors) and reads its peak RSS from GNU time. fastw2v and word2vec.c are their
# own command lines; gensim and fastText are a few lines of Python (``--child``) that build
# the model, train and write the vectors, reporting the training call's time from inside.
# --------------------------------------------------------------------------------------


def _alpha_flag(spec: Spec) -> list[str]:
    """``-alpha A``, or nothing when the system is to pick its own default."""
    return [] if spec.alpha is None else ["-alpha", repr(spec.alpha)]


def fastw2v_command(spec: Spec) -> list[str]:
    """``fastw2v train`` with word2vec.c's flags, as a shell user types it."""
    exe = Path(sys.executable).parent / "fastw2v"
    prog = [str(exe)] if exe.is_file() else [sys.executable, "-m", "fastw2v"]
    return [
        *prog, "train",
        "-train", spec.corpus, "-output", spec.out, "-binary", "1",
        "-size", str(spec.dim), "-window", str(spec.window), "-sample", repr(spec.sample),
        "-hs", str(spec.hs), "-negative", str(spec.neg), "-threads", str(spec.threads),
        "-iter", str(spec.epochs), "-min-count", str(spec.min_count),
        *_alpha_flag(spec), "-cbow", str(1 - spec.sg), "-seed", str(spec.seed),
        "-debug", "1",
    ]  # fmt: skip


_FW_TRAINED = re.compile(r"Trained \d+ words in ([0-9.]+)s")
_FW_VOCAB = re.compile(r"Vocab size: .*\(([0-9.]+)s\)")


def fastw2v_inner(log: str) -> dict[str, Any]:
    """The training seconds ``fastw2v train -debug 1`` prints (train() alone)."""
    out: dict[str, Any] = {"timing": "train() alone, as `fastw2v train -debug 1` prints it"}
    if m := _FW_TRAINED.search(log):
        out["train_seconds"] = float(m.group(1))
    if m := _FW_VOCAB.search(log):
        out["notes"] = [f"vocabulary pass (counting, and recording the ids) {m.group(1)} s"]
    return out


def word2vec_c_command(spec: Spec, binary: str) -> list[str]:
    """word2vec.c counts its vocabulary and trains in the one process, like the demo script."""
    return [
        binary, "-train", spec.corpus, "-output", spec.out, "-binary", "1",
        "-size", str(spec.dim), "-window", str(spec.window), "-sample", repr(spec.sample),
        "-hs", str(spec.hs), "-negative", str(spec.neg), "-threads", str(spec.threads),
        "-iter", str(spec.epochs), "-min-count", str(spec.min_count),
        *_alpha_flag(spec), "-cbow", str(1 - spec.sg), "-debug", "2",
    ]  # fmt: skip


def run_gensim(spec: Spec) -> dict[str, Any]:
    """gensim in corpus_file mode (its fastest input path): build_vocab, train, save."""
    from gensim.models import Word2Vec

    # Without an explicit rate gensim keeps its own defaults (alpha 0.025, min_alpha 1e-4).
    rates = {} if spec.alpha is None else {"alpha": spec.alpha, "min_alpha": spec.alpha * 1e-4}
    model = Word2Vec(
        vector_size=spec.dim,
        window=spec.window,
        sg=spec.sg,
        hs=spec.hs,
        negative=spec.neg,
        sample=spec.sample,
        min_count=spec.min_count,
        **rates,  # word2vec.c's floor when a rate is given
        workers=spec.threads,
        seed=spec.seed,
        epochs=spec.epochs,
    )
    model.build_vocab(corpus_file=spec.corpus)
    t0 = time.perf_counter()
    _effective, raw_words = model.train(
        corpus_file=spec.corpus,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
        epochs=spec.epochs,
    )
    seconds = time.perf_counter() - t0
    model.wv.save_word2vec_format(spec.out, binary=True)
    return {
        "train_seconds": seconds,
        "timing": "train(corpus_file=...) alone",
        "raw_words_trained": raw_words,
    }


def run_fasttext(spec: Spec) -> dict[str, Any]:
    """fastText with minn=maxn=0, wordNgrams=1: plain word2vec. Its vocabulary pass runs
    inside train_unsupervised, so it has no training-only time."""
    import fasttext
    import numpy as np

    params = dict(
        model="skipgram" if spec.sg else "cbow",
        **({} if spec.alpha is None else {"lr": spec.alpha}),  # else fastText's 0.05
        dim=spec.dim,
        ws=spec.window,
        epoch=spec.epochs,
        minCount=spec.min_count,
        neg=spec.neg if not spec.hs else 5,  # ignored with loss='hs'
        loss="hs" if spec.hs else "ns",
        thread=spec.threads,
        t=spec.sample,
        minn=0,
        maxn=0,
        wordNgrams=1,
        bucket=0,  # no subword/ngram rows to allocate
        seed=spec.seed,
        verbose=0,
    )
    notes = []
    try:
        model = fasttext.train_unsupervised(spec.corpus, **params)
    except TypeError as exc:  # some builds list a seed default but do not accept it
        if "seed" not in str(exc):
            raise
        params.pop("seed")
        notes.append("this fastText build takes no seed; its fixed internal seed was used")
        model = fasttext.train_unsupervised(spec.corpus, **params)
    words = model.get_words(include_freq=False)
    matrix = np.asarray(model.get_input_matrix(), dtype=np.float32)[: len(words)]
    write_word2vec_binary(spec.out, words, matrix)
    return {"timing": "", "notes": notes}


CHILD_RUNNERS = {"gensim": run_gensim, "fasttext": run_fasttext}


def write_word2vec_binary(path: str, words: list[str], matrix: Any) -> None:
    """Write vectors in word2vec.c's binary format (``-binary 1``), frequency order kept."""
    import numpy as np

    rows = np.ascontiguousarray(matrix, dtype="<f4")
    with open(path, "wb") as fh:
        fh.write(f"{len(words)} {rows.shape[1]}\n".encode())
        for word, row in zip(words, rows):
            fh.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")


W2V_BANNER = "WORD VECTOR estimation toolkit"


def find_word2vec_binary(explicit: str | None = None) -> str | None:
    """The original word2vec.c binary: --word2vec-bin, $WORD2VEC_BIN, the interpreter's bin
    directory (where ``pip install word2vec`` puts it), then $PATH. Checked by its banner."""
    candidates = [
        explicit,
        os.environ.get("WORD2VEC_BIN"),
        str(Path(sys.executable).parent / "word2vec"),
    ]
    candidates.append(shutil.which("word2vec"))
    for cand in candidates:
        if not cand or not os.path.isfile(cand) or not os.access(cand, os.X_OK):
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            probe = subprocess.run([cand], capture_output=True, text=True, timeout=10)
            if W2V_BANNER in probe.stdout:
                return cand
    return None


#: GNU time reports the peak RSS of the process it starts. wait4's own figure would not do:
#: Linux keeps a process's high-water RSS across exec, so a child forked from this script
#: (hundreds of MB once gensim is imported for scoring) would report at least that much.
GNU_TIME = "/usr/bin/time" if os.path.isfile("/usr/bin/time") else None


def timed_process(
    cmd: list[str], log_path: Path, workdir: Path, timeout: float | None
) -> tuple[float, float | None, int]:
    """Run ``cmd``; return (wall seconds from spawn to exit, peak RSS in MB or None without
    GNU time, exit status). Output goes to ``log_path``."""
    rss_path = log_path.with_suffix(".maxrss")
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *cmd]
    with open(log_path, "w") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        seconds = time.perf_counter() - t0
    rss = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        rss = int(rss_path.read_text().split()[-1]) / 1024.0
    return seconds, rss, proc.returncode


def child_main(spec_json: str, result_path: str) -> int:
    spec = Spec(**json.loads(spec_json))
    try:
        result = CHILD_RUNNERS[spec.system](spec)
        result["status"] = "ok"
    except ImportError as exc:
        result = {"status": "not installed", "notes": [str(exc)]}
    with open(result_path, "w") as fh:
        json.dump(result, fh)
    return 0


def job_command(spec: Spec, w2v_binary: str | None, result_path: Path) -> list[str] | None:
    """The command line of one job; None when the system is not installed."""
    if spec.system == "fastw2v":
        return fastw2v_command(spec)
    if spec.system == BASELINE:
        return None if w2v_binary is None else word2vec_c_command(spec, w2v_binary)
    here = str(Path(__file__).resolve())
    return [sys.executable, here, "--child", json.dumps(asdict(spec)), str(result_path)]


def run_one(
    spec: Spec, workdir: Path, w2v_binary: str | None, timeout: float | None
) -> dict[str, Any]:
    tag = f"{spec.system}-{spec.mode}-{spec.epochs}-s{spec.seed}"
    result_path, log_path = workdir / f"result-{tag}.json", workdir / f"log-{tag}.txt"
    cmd = job_command(spec, w2v_binary, result_path)
    if cmd is None:
        return {"status": "not installed", "notes": ["word2vec.c binary not found"]}
    try:
        seconds, rss, code = timed_process(cmd, log_path, workdir, timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"failed: timed out after {timeout:.0f} s"}
    log = log_path.read_text(errors="replace")
    if code != 0:
        last = (log.strip().splitlines() or ["no output"])[-1]
        return {"status": f"failed (exit {code}): {last}", "notes": [f"log: {log_path}"]}
    res: dict[str, Any] = {"status": "ok", "timing": ""}
    if spec.system == "fastw2v":
        res.update(fastw2v_inner(log))
    elif spec.system != BASELINE:
        res.update(json.loads(result_path.read_text()))
    res.update(wall_seconds=seconds, peak_rss_mb=rss, command=cmd)
    return res


# --------------------------------------------------------------------------------------
# Corpus, word count, evaluation
# --------------------------------------------------------------------------------------


def cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "fastw2v" / "bench"


def default_corpus() -> Path:
    """$FASTW2V_BENCH_CORPUS, else the shared text8-format corpus decompressed once into the
    user cache (never into the repository)."""
    env = os.environ.get("FASTW2V_BENCH_CORPUS")
    if env:
        return Path(env)
    target = cache_dir() / DEFAULT_CORPUS_XZ.name.removesuffix(".xz")
    if target.is_file() and target.stat().st_size == DEFAULT_CORPUS_SIZE:
        return target
    if not DEFAULT_CORPUS_XZ.is_file():
        sys.exit(
            f"no corpus: pass --corpus, set FASTW2V_BENCH_CORPUS, or provide {DEFAULT_CORPUS_XZ}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"decompressing {DEFAULT_CORPUS_XZ} -> {target} (once)", file=sys.stderr)
    tmp = target.with_name(target.name + ".part")
    with lzma.open(DEFAULT_CORPUS_XZ) as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    if tmp.stat().st_size != DEFAULT_CORPUS_SIZE:
        tmp.unlink()
        sys.exit(f"{DEFAULT_CORPUS_XZ} decompressed to an unexpected size")
    os.replace(tmp, target)
    return target


def count_words(path: Path) -> int:
    """Whitespace tokens in the file, streamed; cached beside the benchmark cache by
    (path, size, mtime) so a 100 MB corpus is counted once."""
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    cache = cache_dir() / "word_counts.json"
    known: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError):
        known = json.loads(cache.read_text())
    if key in known:
        return known[key]
    n = 0
    carry = b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            block = carry + block
            parts = block.split()
            # A token cut by the block boundary is carried into the next block, not counted twice.
            carry = parts.pop() if parts and not block[-1:].isspace() else b""
            n += len(parts)
    n += len(carry.split())
    known[key] = n
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(known, indent=1))
    return n


GENSIM_MAX_LINE = 10_000  # gensim's corpus_file reader trains on at most this many words a line
RELINE_WORDS = 1_000  # word2vec.c's MAX_SENTENCE_LENGTH: the same sentence cut as word2vec.c


def longest_line_words(path: Path) -> int:
    """Most whitespace tokens on any one line (streamed; text8 is a single 100 MB line)."""
    longest = current = 0
    carry = b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            block = carry + block
            pieces = block.split(b"\n")
            carry = pieces.pop()  # unfinished line
            for piece in pieces:
                longest = max(longest, current + len(piece.split()))
                current = 0
            tokens = carry.split()
            if tokens and not carry[-1:].isspace():
                carry = tokens.pop()  # a word cut by the block boundary
            else:
                carry = b""
            current += len(tokens)
    return max(longest, current + len(carry.split()))


def gensim_corpus(path: Path, words: int) -> Path:
    """``path`` itself if gensim's corpus_file mode can read it whole, else a copy with the
    same tokens, ``RELINE_WORDS`` to a line, in the benchmark cache.

    gensim 4.4's corpus_file reader silently trains on only the first 10,000 words of each
    line: on a one-line text8-format file it trains on almost nothing and looks absurdly fast.
    """
    if longest_line_words(path) <= GENSIM_MAX_LINE:
        return path
    st = path.stat()
    target = cache_dir() / f"{path.stem}.{st.st_size}.{st.st_mtime_ns}.lines{RELINE_WORDS}.txt"
    if target.is_file():
        return target
    print(f"re-lining {path} for gensim's corpus_file mode -> {target} (once)", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    pending: list[bytes] = []
    carry = b""
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        while True:
            block = src.read(_BLOCK)
            data = carry + block
            tokens = data.split()
            carry = tokens.pop() if block and tokens and not data[-1:].isspace() else b""
            pending.extend(tokens)
            full = len(pending) if not block else len(pending) - len(pending) % RELINE_WORDS
            for i in range(0, full, RELINE_WORDS):
                dst.write(b" ".join(pending[i : i + RELINE_WORDS]) + b"\n")
            pending = pending[full:]
            if not block:
                break
    if count_words(tmp) != words:
        tmp.unlink()
        raise RuntimeError(f"re-lined copy of {path} has a different word count")
    os.replace(tmp, target)
    return target


def dev_set(name: str) -> Path | None:
    """A dev set shipped in gensim's wheel: questions-words.txt or wordsim353.tsv."""
    try:
        import gensim
    except ImportError:
        return None
    path = Path(gensim.__file__).parent / "test" / "test_data" / name
    return path if path.is_file() else None


def evaluate(vectors: str, restrict: int, evaluator: str = "fastw2v") -> dict[str, Any]:
    """The dev sets, scored by one evaluator for every system: Google analogy accuracy
    (percent) over the ``restrict`` most frequent words, case-insensitive, like word2vec.c's
    compute-accuracy; WS-353 Spearman correlation (x 100).

    ``evaluator="fastw2v"`` (default) is fastw2v's vectorised 3CosAdd, which
    tests/test_evaluate.py checks question by question against gensim's; it takes seconds
    where gensim's loop over the questions takes a minute. ``"gensim"`` runs gensim's own.
    """
    if evaluator == "gensim":
        return _evaluate_gensim(vectors, restrict)
    from fastw2v.vectors import load_vectors

    kv = load_vectors(vectors)
    out: dict[str, Any] = {}
    if questions := dev_set("questions-words.txt"):
        res = kv.evaluate_word_analogies(
            str(questions), restrict_vocab=restrict, case_insensitive=True
        )
        total = sum(s.total for s in res.sections)
        out["analogy"] = 100.0 * sum(s.correct for s in res.sections) / max(total, 1)
        out["analogy_questions"] = total
    if pairs := dev_set("wordsim353.tsv"):
        out["ws353"] = 100.0 * float(
            kv.evaluate_word_pairs(str(pairs), case_insensitive=True).spearman
        )
    return out


def _evaluate_gensim(vectors: str, restrict: int) -> dict[str, Any]:
    import logging

    from gensim.models import KeyedVectors

    logging.getLogger("gensim").setLevel(logging.WARNING)
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    out: dict[str, Any] = {}
    if questions := dev_set("questions-words.txt"):
        score, sections = kv.evaluate_word_analogies(
            str(questions), restrict_vocab=restrict, case_insensitive=True
        )
        total = next(s for s in sections if s["section"] == "Total accuracy")
        out["analogy"] = 100.0 * score
        out["analogy_questions"] = len(total["correct"]) + len(total["incorrect"])
    if pairs := dev_set("wordsim353.tsv"):
        _pearson, spearman, _oov = kv.evaluate_word_pairs(str(pairs), case_insensitive=True)
        out["ws353"] = 100.0 * float(spearman[0])
    return out


# --------------------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------------------


def _first_line(cmd: list[str]) -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        return out.splitlines()[0] if out else None
    return None


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def fastw2v_info() -> dict[str, Any]:
    """Build flags / CPU dispatch target, asked of fastw2v in a child (its import may fail)."""
    code = (
        "import json, sys\n"
        f"sys.path.append({str(REPO_ROOT)!r})\n"
        "import fastw2v\n"
        "bi = getattr(fastw2v, 'build_info', None)\n"
        "info = bi() if callable(bi) else bi\n"
        "print(json.dumps({'path': fastw2v.__file__,"
        " 'version': getattr(fastw2v, '__version__', None),"
        " 'build_info': info}, default=str))\n"
    )
    with contextlib.suppress(OSError, subprocess.SubprocessError, ValueError):
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        if proc.returncode == 0:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        return {"error": (proc.stderr.strip().splitlines() or ["import failed"])[-1]}
    return {"error": "could not run"}


def machine_info(w2v_binary: str | None) -> dict[str, Any]:
    cpu = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    w2v_flags = None
    if w2v_binary:
        # pip install word2vec compiles word2vec.c with the flags in its bundled Makefile.
        makefile = Path(sys.prefix).glob("lib/python*/site-packages/word2vec/includes/Makefile")
        for mk in makefile:
            m = re.search(r"^CFLAGS=(.*)$", mk.read_text(), re.M)
            w2v_flags = m.group(1).strip() if m else None
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "os": platform.platform(),
        "compiler": _first_line([os.environ.get("CC", "cc"), "--version"]),
        "python": sys.version.split()[0],
        "numpy": _version("numpy"),
        "gensim": _version("gensim"),
        "fasttext": _version("fasttext-numpy2-wheel") or _version("fasttext"),
        "word2vec_pkg": _version("word2vec"),
        "word2vec_c_binary": w2v_binary,
        "word2vec_c_cflags": w2v_flags,
        "fastw2v": fastw2v_info(),
    }


# --------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------

PEERS = ("word2vec.c", "gensim")  # the speed ratios shown beside every row

COLUMNS = [
    "system", "mode", "epochs", "whole job s", "words/s/thread", "× word2vec.c", "× gensim",
    "train-only s", "train words/s/thread", "peak RSS MB", "analogy %", "WS-353 ρ",
]  # fmt: skip


def _fmt(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _spread(values: list[float], spec: str) -> str:
    """``mean`` for one seed, ``mean ± sd`` (sample standard deviation) over several."""
    m = _mean(values)
    if m is None:
        return "–"
    if len(values) == 1:
        return format(m, spec)
    sd = (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    return f"{m:{spec}} ± {sd:{spec}}"


def table_cells(row: Row) -> list[str]:
    head = [row.system, row.mode, str(row.epochs)]
    if row.status != "ok":
        return [*head, row.status, *[""] * (len(COLUMNS) - 4)]
    ratio = [_fmt(row.speedup.get(p), ".2f") + ("×" if p in row.speedup else "") for p in PEERS]
    return [
        *head,
        _spread(row.wall_seconds, ".1f"),
        _fmt(row.words_per_sec_per_thread, ",.0f"),
        *ratio,
        _spread(row.train_seconds, ".1f"),
        _fmt(row.train_words_per_sec_per_thread, ",.0f"),
        _fmt(max(row.peak_rss_mb) if row.peak_rss_mb else None, ",.0f"),
        _spread(row.analogy, ".2f"),
        _spread(row.ws353, ".1f"),
    ]


def render_text(rows: list[Row]) -> str:
    cells = [COLUMNS] + [table_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = []
    for k, c in enumerate(cells):
        lines.append(
            "  ".join(
                x.rjust(w) if i >= 2 else x.ljust(w) for i, (x, w) in enumerate(zip(c, widths))
            )
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(
    rows: list[Row], machine: dict[str, Any], settings: dict[str, Any], command: str
) -> str:
    out = [
        f"Command: `{command}`",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join(["---"] * 3 + ["---:"] * (len(COLUMNS) - 3)) + "|",
    ]
    out += ["| " + " | ".join(table_cells(r)) + " |" for r in rows]
    out += [
        "",
        "Whole job: the process from spawn to exit, as `time` shows it (interpreter start, "
        "vocabulary, training, writing the vectors); words/s/thread = raw corpus words × epochs "
        "/ mean whole-job seconds / threads; × peer = the peer's whole-job seconds / this "
        "row's, same mode, epochs and seeds. Several seeds: mean ± standard deviation.",
        "",
        "Settings: "
        + ", ".join(f"{k}={v}" for k, v in settings.items() if k not in ("corpus_words",))
        + f"; corpus: {settings['corpus_words']:,} raw words per epoch.",
        "",
        "Notes:",
    ]
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if r.status == "ok" and r.timing and (r.system, r.timing) not in seen:
            seen.add((r.system, r.timing))
            out.append(f"- {r.system}: train-only s = {r.timing}.")
    for r in rows:
        out += [f"- {r.system} {r.mode} ×{r.epochs}: {note}" for note in r.notes]
    out += ["", "Machine:"] + [f"- {k}: {v}" for k, v in machine.items()]
    return "\n".join(out) + "\n"


def fill_comparisons(rows: list[Row], words: int) -> None:
    """Per-thread rates from the mean times, and each row's speed against the peers."""
    for r in rows:
        if r.status != "ok":
            continue
        r.words_per_sec_per_thread = words * r.epochs / _mean(r.wall_seconds) / r.threads
        if r.train_seconds and _mean(r.train_seconds) > 0:  # printed to 0.1 s: 0 on tiny files
            r.train_words_per_sec_per_thread = words * r.epochs / _mean(r.train_seconds) / r.threads
    ok = {(r.system, r.mode, r.epochs): r for r in rows if r.status == "ok"}
    for r in ok.values():
        for peer in PEERS:
            other = ok.get((peer, r.mode, r.epochs))
            if other is not None and other is not r:
                r.speedup[peer] = _mean(other.wall_seconds) / _mean(r.wall_seconds)


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("output", help="Markdown table written here (JSON beside it, same stem)")
    p.add_argument("--json", help="JSON output path (default: OUTPUT with .json suffix)")
    p.add_argument(
        "--corpus",
        help="text corpus; default $FASTW2V_BENCH_CORPUS, else the shared text8-format one",
    )
    p.add_argument(
        "--systems", default=",".join(ALL_SYSTEMS), help="comma list from " + ",".join(ALL_SYSTEMS)
    )
    p.add_argument("--modes", default="sg,cbow", help="comma list from " + ",".join(MODES))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", default="1", help="comma list, e.g. 1,5")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-4)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument(
        "--alpha-sg",
        type=float,
        default=0.025,
        help="learning rate for skip-gram (word2vec.c default)",
    )
    p.add_argument(
        "--alpha-cbow", type=float, default=0.05, help="learning rate for CBOW (word2vec.c default)"
    )
    p.add_argument(
        "--own-defaults",
        action="store_true",
        help="pass no learning rate: every system trains at its own default (fastw2v's, "
        "word2vec.c's 0.025/0.05, gensim's 0.025, fastText's 0.05); --alpha-* are ignored",
    )
    p.add_argument(
        "--evaluator",
        choices=("fastw2v", "gensim"),
        default="fastw2v",
        help="who scores the dev sets (the same numbers: tests/test_evaluate.py; gensim's "
        "takes about a minute per model)",
    )
    p.add_argument(
        "--restrict-vocab", type=int, default=30000, help="analogy evaluation vocabulary"
    )
    p.add_argument(
        "--word2vec-bin", help="word2vec.c binary (default: found next to python / on PATH)"
    )
    p.add_argument(
        "--timeout", type=float, default=None, help="seconds per training job (default none)"
    )
    p.add_argument(
        "--workdir", help="temporary directory (default: a new one under the system temp dir)"
    )
    p.add_argument("--seeds", default="1", help="comma list: each job runs once per seed")
    p.add_argument("--keep", action="store_true", help="keep the vectors and logs")
    args = p.parse_args(argv)
    args.seeds = [int(x) for x in _csv(args.seeds)]
    args.systems = _csv(args.systems)
    args.modes = _csv(args.modes)
    args.epochs = [int(e) for e in _csv(args.epochs)]
    bad = [s for s in args.systems if s not in ALL_SYSTEMS] + [
        m for m in args.modes if m not in MODES
    ]
    if bad:
        p.error(f"unknown system/mode: {', '.join(bad)}")
    if args.threads < 1 or any(e < 1 for e in args.epochs):
        p.error("threads and epochs must be >= 1")
    return args


def run_cell(
    base: Spec, seeds: list[int], workdir: Path, w2v_binary: str | None, args: argparse.Namespace
) -> Row:
    """Every seed of one (system, mode, epochs) job; stops at the first failure."""
    row = Row(system=base.system, mode=base.mode, threads=base.threads, epochs=base.epochs)
    for seed in seeds:
        spec = Spec(**{**asdict(base), "seed": seed})
        print(f"[{spec.system} {spec.mode} epochs={spec.epochs} seed={seed}] ...", end=" ")
        row.load_before.append(os.getloadavg()[0])
        res = run_one(spec, workdir, w2v_binary, args.timeout)
        row.status = res.get("status", "failed")
        if row.status != "ok":
            print(row.status)
            row.notes += list(res.get("notes", []))
            return row
        row.seeds.append(seed)
        row.wall_seconds.append(res["wall_seconds"])
        if res["peak_rss_mb"] is not None:
            row.peak_rss_mb.append(res["peak_rss_mb"])
        if "train_seconds" in res:
            row.train_seconds.append(res["train_seconds"])
        row.timing = res.get("timing", "")
        if seed == seeds[0]:
            row.notes += list(res.get("notes", []))
            row.notes.append("command: `" + " ".join(map(str, res["command"][-40:])) + "`")
        trained = res.get("raw_words_trained")
        expected = args.corpus_words * spec.epochs
        if trained is not None and abs(trained - expected) > 0.01 * args.corpus_words:
            row.notes.append(f"WARNING: trained on {trained:,} raw words, expected {expected:,}")
        scores = _score(spec.out, args.restrict_vocab, row, args.evaluator)
        print(
            f"{res['wall_seconds']:.2f} s whole job, analogy {_fmt(scores.get('analogy'), '.2f')}"
            f"%, WS-353 {_fmt(scores.get('ws353'), '.1f')}"
        )
        if not args.keep:
            with contextlib.suppress(OSError):
                os.unlink(spec.out)
    return row


def _score(vectors: str, restrict: int, row: Row, evaluator: str) -> dict[str, Any]:
    try:
        scores = evaluate(vectors, restrict, evaluator)
    except Exception as exc:  # a malformed vectors file must not stop the run
        row.notes.append(f"evaluation failed: {exc}")
        return {}
    if "analogy" in scores:
        row.analogy.append(scores["analogy"])
        row.analogy_questions = scores["analogy_questions"]
    if "ws353" in scores:
        row.ws353.append(scores["ws353"])
    return scores


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        return child_main(argv[1], argv[2])
    args = parse_args(argv)
    command = "python benchmarks/bench_peers.py " + " ".join(argv)

    corpus = Path(args.corpus) if args.corpus else default_corpus()
    if not corpus.is_file():
        sys.exit(f"corpus not found: {corpus}")
    corpus = corpus.resolve()
    w2v_binary = find_word2vec_binary(args.word2vec_bin)
    machine = machine_info(w2v_binary)
    print("Machine:")
    for k, v in machine.items():
        print(f"  {k}: {v}")
    load = machine["load_average_at_start"]
    if load and load[0] > 0.5:
        print(f"  WARNING: load average {load[0]:.2f}: timings will be noisy")

    args.corpus_words = words = count_words(corpus)
    print(f"Corpus: {corpus} ({corpus.stat().st_size:,} bytes, {words:,} words)")
    if dev_set("questions-words.txt") is None:
        print("  gensim not installed: the dev sets will not be scored")
    settings = {
        "corpus": str(corpus), "corpus_words": words, "dim": args.dim, "window": args.window,
        "negative": args.negative, "sample": args.sample, "min_count": args.min_count,
        "alpha_sg": "own default" if args.own_defaults else args.alpha_sg,
        "alpha_cbow": "own default" if args.own_defaults else args.alpha_cbow,
        "threads": args.threads,
        "seeds": args.seeds,
        "analogy": f"questions-words.txt, top {args.restrict_vocab} words, case-insensitive, "
        f"scored by {args.evaluator}'s evaluator",
        "ws353": "wordsim353.tsv, Spearman x 100, case-insensitive",
    }  # fmt: skip
    gensim_path = corpus
    if "gensim" in args.systems:
        gensim_path = gensim_corpus(corpus, words)
        if gensim_path != corpus:
            settings["gensim_corpus"] = (
                f"{gensim_path} (same tokens, {RELINE_WORDS} a line: gensim's corpus_file "
                f"mode reads at most {GENSIM_MAX_LINE:,} words of a line)"
            )

    own_workdir = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="fastw2v-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if workdir.resolve().is_relative_to(REPO_ROOT):
        sys.exit(f"refusing to write benchmark files inside the repository: {workdir}")
    print(f"Work directory: {workdir}\n")

    rows: list[Row] = []
    try:
        for epochs in args.epochs:
            for mode in args.modes:
                for system in args.systems:
                    base = Spec(
                        system=system, mode=mode,
                        corpus=str(gensim_path if system == "gensim" else corpus),
                        out=str(workdir / f"vectors-{system}-{mode}-{epochs}.bin"),
                        threads=args.threads, epochs=epochs, dim=args.dim, window=args.window,
                        negative=args.negative, sample=args.sample, min_count=args.min_count,
                        alpha=None if args.own_defaults
                        else args.alpha_sg if MODES[mode][0] else args.alpha_cbow,
                    )  # fmt: skip
                    rows.append(run_cell(base, args.seeds, workdir, w2v_binary, args))
    finally:
        if own_workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    fill_comparisons(rows, words)
    machine["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    print()
    print(render_text(rows))
    md_path = Path(args.output)
    json_path = Path(args.json) if args.json else md_path.with_suffix(".json")
    md_path.write_text(render_markdown(rows, machine, settings, command))
    payload = {"machine": machine, "settings": settings, "command": command,
               "rows": [asdict(r) for r in rows]}  # fmt: skip
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"\nwrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
