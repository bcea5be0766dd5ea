#!/usr/bin/env python
"""Train fastw2v and its peers with identical settings on one corpus, in one run.

Systems: fastw2v, word2vec.c (the original C tool, from the PyPI package ``word2vec``),
gensim, and fastText (PyPI ``fasttext-numpy2-wheel``, subwords disabled so it is plain
word2vec). Each (system, mode, epochs) combination trains in its own process; the vectors it
writes are then scored by one evaluator (gensim's ``evaluate_word_analogies`` on Google's
questions-words.txt, restricted to the 30,000 most frequent words, case-insensitive, as
word2vec.c's compute-accuracy does), so every accuracy is computed the same way.

Speed is reported as raw corpus words (whitespace tokens) × epochs / wall-clock training
seconds, the same numerator for every system. See benchmarks/README.md.

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
    alpha: float
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
    system: str
    mode: str
    threads: int
    epochs: int
    status: str = "ok"  # ok | not installed | failed: ...
    seconds: float | None = None  # training wall clock
    vocab_seconds: float | None = None  # vocabulary pass, when timed separately
    words_per_sec: float | None = None
    words_per_sec_per_thread: float | None = None
    ratio_to_baseline: float | None = None
    analogy: float | None = None  # percent
    analogy_questions: int | None = None
    analogy_diff: float | None = None  # percentage points vs baseline
    self_reported_words_per_sec: float | None = None
    timing: str = ""  # what the seconds cover
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Runners. Each runs in a child process (``--child``), trains, writes ``spec.out`` in
# word2vec binary format and returns a dict with "seconds" (training wall clock) and
# optionally "vocab_seconds", "self_reported_words_per_sec", "timing", "notes".
# An ImportError means "not installed".
# --------------------------------------------------------------------------------------


def _import_fastw2v() -> Any:
    try:
        import fastw2v
    except ImportError:
        # Running from a checkout with the extension built in place (setup.py build_ext -i).
        sys.path.insert(0, str(REPO_ROOT))
        import fastw2v
    if not hasattr(fastw2v, "Word2Vec"):
        raise ImportError(f"fastw2v at {fastw2v.__file__} has no Word2Vec (not built yet?)")
    return fastw2v


def run_fastw2v(spec: Spec) -> dict[str, Any]:
    """fastw2v: vocabulary and training timed separately (same split as gensim)."""
    fastw2v = _import_fastw2v()
    model = fastw2v.Word2Vec(
        vector_size=spec.dim,
        window=spec.window,
        sg=spec.sg,
        hs=spec.hs,
        negative=spec.neg,
        sample=spec.sample,
        min_count=spec.min_count,
        epochs=spec.epochs,
        workers=spec.threads,
        alpha=spec.alpha,
        seed=spec.seed,
        progress=False,
    )
    t0 = time.perf_counter()
    model.build_vocab(spec.corpus)
    vocab_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = model.train(spec.corpus)
    seconds = time.perf_counter() - t0
    model.wv.save_word2vec_format(spec.out, binary=True)

    # TrainResult counts in-vocabulary words, so it cannot feed the raw-word sanity check.
    return {
        "seconds": seconds,
        "vocab_seconds": vocab_seconds,
        "self_reported_words_per_sec": result.words_per_sec,
        "timing": (
            "train() only; build_vocab() is timed apart and also encodes the corpus, so the "
            "first epoch does not read it again (see the vocabulary-pass note)"
        ),
    }


def run_gensim(spec: Spec) -> dict[str, Any]:
    """gensim in corpus_file mode (its fastest input path): build_vocab, then time train."""
    from gensim.models import Word2Vec

    model = Word2Vec(
        vector_size=spec.dim,
        window=spec.window,
        sg=spec.sg,
        hs=spec.hs,
        negative=spec.neg,
        sample=spec.sample,
        min_count=spec.min_count,
        alpha=spec.alpha,
        min_alpha=spec.alpha * 1e-4,  # word2vec.c's floor
        workers=spec.threads,
        seed=spec.seed,
        epochs=spec.epochs,
    )
    t0 = time.perf_counter()
    model.build_vocab(corpus_file=spec.corpus)
    vocab_seconds = time.perf_counter() - t0
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
        "seconds": seconds,
        "vocab_seconds": vocab_seconds,
        "timing": "train() only (corpus_file)",
        "raw_words_trained": raw_words,
    }


def run_fasttext(spec: Spec) -> dict[str, Any]:
    """fastText with minn=maxn=0, wordNgrams=1: plain word2vec. Vocabulary is built inside
    train_unsupervised, so its time is included."""
    import fasttext
    import numpy as np

    params = dict(
        model="skipgram" if spec.sg else "cbow",
        lr=spec.alpha,
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
    if "seed" not in getattr(fasttext.FastText, "unsupervised_default", {}):
        params.pop("seed")
    t0 = time.perf_counter()
    try:
        model = fasttext.train_unsupervised(spec.corpus, **params)
    except TypeError as exc:  # some builds list a seed default but do not accept it
        if "seed" not in str(exc):
            raise
        params.pop("seed")
        notes.append("this fastText build takes no seed; its fixed internal seed was used")
        t0 = time.perf_counter()
        model = fasttext.train_unsupervised(spec.corpus, **params)
    seconds = time.perf_counter() - t0
    words = model.get_words(include_freq=False)
    matrix = np.asarray(model.get_input_matrix(), dtype=np.float32)[: len(words)]
    write_word2vec_binary(spec.out, words, matrix)
    return {"seconds": seconds, "timing": "train_unsupervised() incl. vocabulary", "notes": notes}


CHILD_RUNNERS = {"fastw2v": run_fastw2v, "gensim": run_gensim, "fasttext": run_fasttext}


def write_word2vec_binary(path: str, words: list[str], matrix: Any) -> None:
    """Write vectors in word2vec.c's binary format (``-binary 1``), frequency order kept."""
    import numpy as np

    rows = np.ascontiguousarray(matrix, dtype="<f4")
    with open(path, "wb") as fh:
        fh.write(f"{len(words)} {rows.shape[1]}\n".encode())
        for word, row in zip(words, rows):
            fh.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")


# --- word2vec.c: a binary, run directly from the parent ------------------------------------

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


_W2V_RATE = re.compile(r"Words/thread/sec:\s*([0-9.]+)k")


def run_word2vec_c(spec: Spec, binary: str | None, workdir: Path) -> dict[str, Any]:
    """Two processes: ``-save-vocab`` without ``-output`` (word2vec.c stops after counting),
    then training with ``-read-vocab``, which does not rescan the corpus for counts. The
    second process is timed whole (net init, the 1e8-entry unigram table, training, writing
    the vectors) since word2vec.c reports no finer timing."""
    if binary is None:
        raise ImportError("word2vec.c binary not found (pip install word2vec, or --word2vec-bin)")
    st = os.stat(spec.corpus)
    vocab = workdir / f"w2v-vocab-{st.st_size}-{st.st_mtime_ns}-{spec.min_count}.txt"
    common = ["-train", spec.corpus, "-min-count", str(spec.min_count)]
    vocab_seconds = None
    if not vocab.exists():
        t0 = time.perf_counter()
        _check_run(
            [binary, *common, "-save-vocab", str(vocab), "-debug", "0"], workdir, "word2vec.c vocab"
        )
        vocab_seconds = time.perf_counter() - t0
    cmd = [
        binary, *common,
        "-read-vocab", str(vocab),
        "-output", spec.out,
        "-binary", "1",
        "-size", str(spec.dim),
        "-window", str(spec.window),
        "-sample", repr(spec.sample),
        "-hs", str(spec.hs),
        "-negative", str(spec.neg),
        "-threads", str(spec.threads),
        "-iter", str(spec.epochs),
        "-alpha", repr(spec.alpha),
        "-cbow", str(1 - spec.sg),
        "-debug", "2",
    ]  # fmt: skip
    t0 = time.perf_counter()
    out = _check_run(cmd, workdir, "word2vec.c train")
    seconds = time.perf_counter() - t0
    # Fixed cost of the same process on a ten-word file with the same vocabulary: net init,
    # the 1e8-entry unigram table (or Huffman tree), thread start, writing the vectors.
    tiny = workdir / "w2v-tiny.txt"
    tiny.write_text(" the" * 10)
    probe = [tiny if a == spec.corpus else a for a in cmd]
    probe[probe.index("-iter") + 1] = "1"
    probe[probe.index("-output") + 1] = str(workdir / "w2v-probe.bin")
    probe[probe.index("-debug") + 1] = "0"
    t0 = time.perf_counter()
    _check_run([str(a) for a in probe], workdir, "word2vec.c setup probe")
    setup_seconds = time.perf_counter() - t0
    with contextlib.suppress(OSError):
        os.unlink(workdir / "w2v-probe.bin")
    rates = _W2V_RATE.findall(out)
    notes = []
    reported = None
    if rates:
        # word2vec.c divides in-vocabulary words processed by the process's CPU time (clock()),
        # i.e. it reports words/s per thread; scale by threads for a whole-process figure.
        reported = float(rates[-1]) * 1000 * spec.threads
        notes.append(
            f"word2vec.c's own last progress line: {float(rates[-1]):.1f}k "
            "words/thread/sec (CPU time)"
        )
    notes.append(
        f"fixed setup (same command on a ten-word file) {setup_seconds:.2f} s of the "
        f"{seconds:.2f} s; without it: {{words_per_sec_without_setup}}"
    )
    return {
        "seconds": seconds,
        "setup_seconds": setup_seconds,
        "vocab_seconds": vocab_seconds,
        "self_reported_words_per_sec": reported,
        "timing": "training process (-read-vocab), incl. init and writing vectors",
        "notes": notes,
    }


def _check_run(cmd: list[str], workdir: Path, what: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{what} exited {proc.returncode}: {' | '.join(tail)}")
    return proc.stdout


# --------------------------------------------------------------------------------------
# Child process entry and the parent's dispatch
# --------------------------------------------------------------------------------------


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


def run_one(
    spec: Spec, workdir: Path, w2v_binary: str | None, timeout: float | None
) -> dict[str, Any]:
    if spec.system == BASELINE:
        try:
            return {"status": "ok", **run_word2vec_c(spec, w2v_binary, workdir)}
        except ImportError as exc:
            return {"status": "not installed", "notes": [str(exc)]}
        except (RuntimeError, OSError) as exc:
            return {"status": f"failed: {exc}"}
    result_path = workdir / f"result-{spec.system}-{spec.mode}-{spec.epochs}.json"
    log_path = workdir / f"log-{spec.system}-{spec.mode}-{spec.epochs}.txt"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        json.dumps(asdict(spec)),
        str(result_path),
    ]
    try:
        with open(log_path, "w") as log:
            proc = subprocess.run(
                cmd, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, cwd=workdir
            )
    except subprocess.TimeoutExpired:
        return {"status": f"failed: timed out after {timeout:.0f} s"}
    if proc.returncode != 0 or not result_path.exists():
        lines = log_path.read_text(errors="replace").strip().splitlines()
        last = lines[-1] if lines else "no output"
        return {"status": f"failed (exit {proc.returncode}): {last}", "notes": [f"log: {log_path}"]}
    return json.loads(result_path.read_text())


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


def questions_path() -> Path | None:
    try:
        import gensim
    except ImportError:
        return None
    path = Path(gensim.__file__).parent / "test" / "test_data" / "questions-words.txt"
    return path if path.is_file() else None


def evaluate(vectors: str, questions: Path, restrict: int) -> tuple[float, int]:
    """Google analogy accuracy (percent) and the number of questions scored, with gensim's
    evaluator: vocabulary restricted to the ``restrict`` most frequent words (file order),
    case-insensitive, like word2vec.c's compute-accuracy."""
    import logging

    from gensim.models import KeyedVectors

    logging.getLogger("gensim").setLevel(logging.WARNING)
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    score, sections = kv.evaluate_word_analogies(
        str(questions), restrict_vocab=restrict, case_insensitive=True
    )
    total = next(s for s in sections if s["section"] == "Total accuracy")
    n = len(total["correct"]) + len(total["incorrect"])
    return 100.0 * score, n


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

COLUMNS = [
    "system", "mode", "threads", "epochs", "seconds", "words/s", "words/s/thread",
    "vs word2vec.c (per thread)", "analogy %", "Δ analogy (pts)",
]  # fmt: skip


def _fmt(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table_cells(row: Row) -> list[str]:
    if row.status != "ok":
        return [row.system, row.mode, str(row.threads), str(row.epochs), row.status, *[""] * 5]
    return [
        row.system,
        row.mode,
        str(row.threads),
        str(row.epochs),
        _fmt(row.seconds, ".2f"),
        _fmt(row.words_per_sec, ",.0f"),
        _fmt(row.words_per_sec_per_thread, ",.0f"),
        _fmt(row.ratio_to_baseline, ".2f") + ("×" if row.ratio_to_baseline is not None else ""),
        _fmt(row.analogy, ".2f"),
        _fmt(row.analogy_diff, "+.2f"),
    ]


def render_text(rows: list[Row]) -> str:
    cells = [COLUMNS] + [table_cells(r) for r in rows]
    # A status row ("not installed", "failed: ...") overflows from the seconds column on.
    is_status = [False] + [r.status != "ok" for r in rows]
    widths = [
        max(len(c[i]) for k, c in enumerate(cells) if not (is_status[k] and i >= 4))
        for i in range(len(COLUMNS))
    ]
    lines = []
    for k, c in enumerate(cells):
        if is_status[k]:
            head = (
                x.rjust(w) if i >= 2 else x.ljust(w) for i, (x, w) in enumerate(zip(c, widths[:4]))
            )
            lines.append("  ".join(head) + "  " + c[4])
        else:
            lines.append(
                "  ".join(
                    x.rjust(w) if i >= 2 else x.ljust(w) for i, (x, w) in enumerate(zip(c, widths))
                )
            )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(rows: list[Row], machine: dict[str, Any], settings: dict[str, Any]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * 4 + ["---:"] * 6) + "|"]
    out += ["| " + " | ".join(table_cells(r)) + " |" for r in rows]
    out.append("")
    out.append(
        "Settings: "
        + ", ".join(f"{k}={v}" for k, v in settings.items() if k not in ("corpus_words",))
        + f"; corpus: {settings['corpus_words']:,} raw words per epoch."
    )
    out.append("")
    out.append("Notes:")
    seen: set[str] = set()
    for r in rows:
        if r.status == "ok" and r.timing and (r.system, r.timing) not in seen:
            seen.add((r.system, r.timing))  # type: ignore[arg-type]
            out.append(f"- {r.system}: seconds = {r.timing}.")
    for r in rows:
        for note in r.notes:
            out.append(f"- {r.system} {r.mode} ×{r.epochs}: {note}")
    out.append("")
    out.append("Machine:")
    for k, v in machine.items():
        out.append(f"- {k}: {v}")
    return "\n".join(out) + "\n"


def fill_comparisons(rows: list[Row]) -> None:
    base = {
        (r.mode, r.threads, r.epochs): r for r in rows if r.system == BASELINE and r.status == "ok"
    }
    for r in rows:
        b = base.get((r.mode, r.threads, r.epochs))
        if r.status != "ok" or b is None:
            continue
        if r.words_per_sec_per_thread and b.words_per_sec_per_thread:
            r.ratio_to_baseline = r.words_per_sec_per_thread / b.words_per_sec_per_thread
        if r.analogy is not None and b.analogy is not None:
            r.analogy_diff = r.analogy - b.analogy


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


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
    p.add_argument("--keep", action="store_true", help="keep the vectors and logs")
    args = p.parse_args(argv)
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


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        return child_main(argv[1], argv[2])
    args = parse_args(argv)

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

    t0 = time.perf_counter()
    words = count_words(corpus)
    print(
        f"Corpus: {corpus} ({corpus.stat().st_size:,} bytes, {words:,} words; counted in "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    questions = questions_path()
    if questions is None:
        print("  gensim not installed: analogy accuracy will not be computed")

    settings = {
        "corpus": str(corpus), "corpus_words": words, "dim": args.dim, "window": args.window,
        "negative": args.negative, "sample": args.sample, "min_count": args.min_count,
        "alpha_sg": args.alpha_sg, "alpha_cbow": args.alpha_cbow, "threads": args.threads,
        "analogy": f"questions-words.txt, top {args.restrict_vocab} words, case-insensitive",
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
                    spec = Spec(
                        system=system, mode=mode,
                        corpus=str(gensim_path if system == "gensim" else corpus),
                        out=str(workdir / f"vectors-{system}-{mode}-{epochs}.bin"),
                        threads=args.threads, epochs=epochs, dim=args.dim, window=args.window,
                        negative=args.negative, sample=args.sample, min_count=args.min_count,
                        alpha=args.alpha_sg if MODES[mode][0] else args.alpha_cbow,
                    )  # fmt: skip
                    print(
                        f"[{system} {mode} epochs={epochs} threads={args.threads}] ...",
                        end=" ",
                        flush=True,
                    )
                    res = run_one(spec, workdir, w2v_binary, args.timeout)
                    row = Row(system=system, mode=mode, threads=args.threads, epochs=epochs)
                    row.status = res.get("status", "failed")
                    row.notes = list(res.get("notes", []))
                    row.timing = res.get("timing", "")
                    if row.status == "ok":
                        row.seconds = res["seconds"]
                        row.vocab_seconds = res.get("vocab_seconds")
                        row.self_reported_words_per_sec = res.get("self_reported_words_per_sec")
                        row.words_per_sec = words * epochs / row.seconds
                        row.words_per_sec_per_thread = row.words_per_sec / args.threads
                        setup = res.get("setup_seconds")
                        if setup is not None and row.seconds > setup:
                            rate = f"{words * epochs / (row.seconds - setup):,.0f} words/s"
                        else:
                            rate = "n/a"
                        row.notes = [
                            n.replace("{words_per_sec_without_setup}", rate) for n in row.notes
                        ]
                        if row.vocab_seconds is not None:
                            # train() alone leaves out a pass that fastw2v now uses to
                            # encode the corpus too; the total keeps the comparison whole.
                            total = words * epochs / (row.seconds + row.vocab_seconds)
                            row.notes.append(
                                f"vocabulary pass {row.vocab_seconds:.2f} s; with it, "
                                f"{total / args.threads:,.0f} words/s/thread"
                            )
                        trained = res.get("raw_words_trained")
                        if trained is not None and abs(trained - words * epochs) > 0.01 * words:
                            row.notes.append(
                                f"WARNING: trained on {trained:,} raw words, expected "
                                f"{words * epochs:,}: words/s is not comparable"
                            )
                        if questions is not None:
                            try:
                                row.analogy, row.analogy_questions = evaluate(
                                    spec.out, questions, args.restrict_vocab
                                )
                            except (
                                Exception
                            ) as exc:  # a malformed vectors file must not stop the run
                                row.notes.append(f"evaluation failed: {exc}")
                        if not args.keep:
                            with contextlib.suppress(OSError):
                                os.unlink(spec.out)
                        print(
                            f"{row.seconds:.2f} s, {row.words_per_sec:,.0f} words/s, analogy "
                            f"{_fmt(row.analogy, '.2f')}% of {row.analogy_questions} questions"
                        )
                    else:
                        print(row.status)
                    rows.append(row)
    finally:
        if own_workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    fill_comparisons(rows)
    print()
    print(render_text(rows))
    md_path = Path(args.output)
    json_path = Path(args.json) if args.json else md_path.with_suffix(".json")
    md_path.write_text(render_markdown(rows, machine, settings))
    json_path.write_text(
        json.dumps(
            {"machine": machine, "settings": settings, "rows": [asdict(r) for r in rows]},
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"\nwrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
