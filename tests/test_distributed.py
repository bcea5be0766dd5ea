"""Distributed training over MPI: shards, one vocabulary, synchronised weights, errors.

The sharding tests run in this process. The rest start real jobs with ``mpirun -n 2``
(skipped, with the reason, where mpirun or mpi4py is missing; CI installs both).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from fastw2v.corpus import PathCorpus
from fastw2v.distributed import ShardCorpus, launched_world_size, plan_shards

N_CLUSTERS, CLUSTER_SIZE = 8, 8
TIMEOUT = 240  # seconds for one mpirun job: a hang fails the test instead of CI


def planted_lines(n_sentences=3000, length=12, seed=0) -> str:
    """One cluster per line: cluster-mates co-occur, others never do (as in test_model)."""
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(n_sentences):
        c = rng.integers(N_CLUSTERS)
        lines.append(" ".join(f"c{c}w{i}" for i in rng.integers(0, CLUSTER_SIZE, length)))
    return "\n".join(lines) + "\n"


def _tokens(corpus) -> list[str]:
    return [w for s in corpus for w in s]


# ---------------------------------------------------------------------- sharding, no MPI


def test_shards_cover_every_word_exactly_once(tmp_path):
    """Random files, odd whitespace, multi-byte characters, a BOM, tiny read blocks: the
    shards' tokens, concatenated in rank order, are exactly the corpus's tokens."""
    rng = random.Random(0)
    vocab = ["a", "bb", "ccc", "héé", "日本語", "x\u00a0y", "z\u2003w"]
    seps = [" ", "  ", "\n", "\t", " \n ", "\r\n"]
    for trial in range(150):
        paths = []
        for f in range(rng.randint(1, 3)):
            text = "".join(rng.choice(vocab) + rng.choice(seps) for _ in range(rng.randint(0, 50)))
            if rng.random() < 0.3:
                text = text.rstrip()  # no whitespace at the end of the file
            if rng.random() < 0.2:
                text = "\ufeff" + text
            p = tmp_path / f"t{trial}_{f}"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        expected = [w for p in paths for w in _tokens(PathCorpus(p, max_sentence_length=5))]
        for n in range(1, 7):
            got = []
            for pieces in plan_shards(paths, n):
                for sentence in ShardCorpus(pieces, 5, block_size=rng.randint(1, 9)):
                    assert 0 < len(sentence) <= 5
                    got.extend(sentence)
            assert got == expected, (trial, n)


def test_a_whole_file_shard_cuts_the_same_sentences_as_one_process(tmp_path):
    """Line endings (LF, CRLF, lone CR), a BOM, an invalid byte and over-long lines: a rank
    reading a whole file cuts exactly the sentences PathCorpus cuts, not only the same words."""
    rng = random.Random(1)
    words = ["a", "bb", "héé", "日本"]
    ends = ["\n", "\r\n", "\r", " ", " ", "\t"]
    for trial in range(40):
        text = "".join(rng.choice(words) + rng.choice(ends) for _ in range(rng.randint(1, 60)))
        data = ("\ufeff" if trial % 3 == 0 else "").encode() + text.encode()
        if trial % 4 == 0:
            data += b"tail\xffbyte"
        path = tmp_path / f"f{trial}.txt"
        path.write_bytes(data)
        with pytest.warns() if trial % 4 == 0 else _no_warning():
            expected = list(PathCorpus(path, max_sentence_length=4, block_size=3))
        (pieces,) = plan_shards([path], 1)
        with pytest.warns() if trial % 4 == 0 else _no_warning():
            got = list(ShardCorpus(pieces, 4, block_size=rng.randint(1, 7)))
        assert got == expected, trial


@contextlib.contextmanager
def _no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_one_text8_style_line_is_split_evenly(tmp_path):
    words = [f"w{i % 97}" for i in range(20_000)]
    path = tmp_path / "text8"
    path.write_text(" " + " ".join(words))  # text8 starts with a space and has no newline
    shards = [list(ShardCorpus(pieces)) for pieces in plan_shards([path], 4)]
    sizes = [sum(len(s) for s in shard) for shard in shards]
    assert sum(sizes) == len(words) and min(sizes) >= 0.99 * len(words) / 4
    assert [w for shard in shards for s in shard for w in s] == words


def test_compressed_files_are_dealt_whole_and_one_is_refused(tmp_path):
    for i, n in enumerate([300, 100, 200]):
        with gzip.open(tmp_path / f"part{i}.gz", "wt") as fh:
            fh.write("w " * n)
    files = sorted(tmp_path.iterdir())
    shards = plan_shards(files, 2)
    assert [[os.path.basename(p.path) for p in s] for s in shards] == [
        ["part1.gz", "part2.gz"],  # kept in corpus order
        ["part0.gz"],
    ] or sum(len(s) for s in shards) == 3
    assert all(p.end is None for s in shards for p in s)
    assert sum(len(_tokens(ShardCorpus(s))) for s in shards) == 600
    with pytest.raises(ValueError, match="compressed"):
        plan_shards([files[0]], 2)


def test_world_size_is_read_without_importing_mpi(monkeypatch):
    for var in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"):
        monkeypatch.delenv(var, raising=False)
    assert launched_world_size() == 1
    monkeypatch.setenv("PMI_SIZE", "3")
    assert launched_world_size() == 3


def test_single_machine_cli_never_imports_mpi(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(planted_lines(200))
    code = textwrap.dedent(
        f"""
        import sys
        from fastw2v.cli import main
        assert main(["train", "-train", {str(corpus)!r}, "-output", {str(tmp_path / "v.txt")!r},
                     "-size", "8", "-iter", "1", "-min-count", "1", "--quiet"]) == 0
        assert "mpi4py" not in sys.modules, "mpi4py imported"
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


# ---------------------------------------------------------------------- real MPI jobs


def _mpirun_prefix(n: int) -> list[str]:
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if mpirun is None:
        pytest.skip("no mpirun on PATH (apt-get install openmpi-bin libopenmpi-dev)")
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        pytest.skip("mpi4py is not installed (pip install 'fastw2v[mpi]')")
    version = subprocess.run([mpirun, "--version"], capture_output=True, text=True).stdout
    extra = ["--oversubscribe"] if "Open MPI" in version or "OpenRTE" in version else []
    return [mpirun, "-n", str(n), *extra]


def _mpi_env() -> dict[str, str]:
    env = dict(os.environ)
    # Open MPI refuses root unless told twice; CI containers run as root.
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def _mpirun(n: int, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = _mpirun_prefix(n) + args
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_mpi_env(), timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"mpirun hung for {TIMEOUT}s: {cmd}\n{exc.stderr!r}")
    if check and proc.returncode != 0:
        pytest.fail(f"mpirun failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


# Runs on every rank. Records, from rank 0, what the test then checks.
JOB = textwrap.dedent(
    """
    import hashlib, json, sys
    import numpy as np
    from mpi4py import MPI
    from fastw2v.corpus import PathCorpus
    from fastw2v.distributed import run_distributed
    from fastw2v.vocab import Vocab

    corpus, out, fail_rank = sys.argv[1], sys.argv[2], int(sys.argv[3])
    comm = MPI.COMM_WORLD

    def digest(*arrays):
        h = hashlib.sha256()
        for a in arrays:
            if a is not None:
                h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()

    after_sync = []

    def on_epoch_end(model, stats):
        # Each epoch ends with a full average: every rank must now hold the same weights.
        d = digest(model.w_in, model.w_out_ns, model.w_out_hs)
        after_sync.append(comm.allgather(d))
        if comm.rank == fail_rank:
            raise RuntimeError("planted failure after epoch 1")

    res = run_distributed(
        corpus, vector_size=16, window=4, sg=1, negative=5, min_count=1, sample=0,
        epochs=3, workers=1, seed=3, sync_words=12000, hot_words=8, hot_sync_words=2000,
        batch_words=500, callbacks=[on_epoch_end],
    )
    m = res.model
    vocab_digests = comm.gather(digest(np.array(m.vocab.words), m.vocab.counts), root=0)
    final = comm.gather(digest(m.w_in, m.w_out_ns), root=0)
    shard_tokens = comm.gather(res.shard_words, root=0)
    if comm.rank == 0:
        single = Vocab.build(PathCorpus(corpus), min_count=1)
        total = sum(len(s) for s in PathCorpus(corpus))
        s = res.stats
        json.dump({
            "vocab_digests": vocab_digests,
            "same_vocab_as_one_process": single.words == m.vocab.words
                and single.counts.tolist() == m.vocab.counts.tolist(),
            "shard_tokens": shard_tokens, "total_tokens": total,
            "after_sync": after_sync, "final": final,
            "words": [x.words for x in res.all_stats],
            "full_syncs": s.full_syncs, "hot_syncs": s.hot_syncs,
            "bytes_per_full_sync": s.bytes_per_full_sync,
            "bytes_per_hot_sync": s.bytes_per_hot_sync,
            "vectors": {w: m.wv[w].tolist() for w in m.wv.words},
        }, open(out, "w"))
    """
)


def _cluster_precision(vectors: dict[str, list[float]]) -> float:
    words = list(vectors)
    m = np.array([vectors[w] for w in words])
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    sims = m @ m.T
    np.fill_diagonal(sims, -np.inf)
    hits = 0
    for i, w in enumerate(words):
        near = np.argsort(-sims[i])[: CLUSTER_SIZE - 1]
        hits += sum(words[j].split("w")[0] == w.split("w")[0] for j in near)
    return hits / (len(words) * (CLUSTER_SIZE - 1))


def _run_job(tmp_path, corpus, fail_rank=-1, check=True):
    script = tmp_path / "job.py"
    script.write_text(JOB)
    out = tmp_path / "out.json"
    proc = _mpirun(2, [sys.executable, str(script), str(corpus), str(out), str(fail_rank)], check)
    return proc, (json.loads(out.read_text()) if out.exists() else None)


def test_two_ranks_share_vocab_cover_words_sync_weights_and_learn(tmp_path):
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines())
    _, r = _run_job(tmp_path, corpus)
    assert r["vocab_digests"][0] == r["vocab_digests"][1]
    assert r["same_vocab_as_one_process"]
    assert sum(r["shard_tokens"]) == r["total_tokens"] and min(r["shard_tokens"]) > 0
    assert len(r["after_sync"]) == 3 and all(a == b for a, b in r["after_sync"])
    assert r["final"][0] == r["final"][1]
    assert r["full_syncs"] >= 3 * 36_000 // 12_000 and r["hot_syncs"] > 2 * r["full_syncs"]
    assert r["bytes_per_full_sync"] == 2 * 64 * 16 * 4
    assert r["bytes_per_hot_sync"] == 2 * 8 * 16 * 4
    assert _cluster_precision(r["vectors"]) > 0.9


def test_unequal_and_empty_shards_do_not_deadlock(tmp_path):
    """Compressed files are dealt whole: rank 0 gets all the text, rank 1 an empty file, so
    rank 1 only joins the collectives; then 2 : 1 shards of different lengths."""
    data = tmp_path / "gz"
    data.mkdir()
    with gzip.open(data / "a.gz", "wt") as fh:
        fh.write(planted_lines(2000, seed=1))
    with gzip.open(data / "b.gz", "wt") as fh:
        fh.write("")
    _, r = _run_job(tmp_path, data)
    assert sorted(r["shard_tokens"]) == [0, r["total_tokens"]]
    assert r["final"][0] == r["final"][1] and all(a == b for a, b in r["after_sync"])
    assert _cluster_precision(r["vectors"]) > 0.9

    with gzip.open(data / "b.gz", "wt") as fh:
        fh.write(planted_lines(700, seed=2))
    _, r = _run_job(tmp_path, data)
    assert sum(r["shard_tokens"]) == r["total_tokens"] and min(r["shard_tokens"]) > 0
    assert r["words"][0] != r["words"][1]
    assert r["final"][0] == r["final"][1]
    assert _cluster_precision(r["vectors"]) > 0.9


def test_a_failing_rank_ends_the_job_with_its_number(tmp_path):
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines(1000))
    proc, _ = _run_job(tmp_path, corpus, fail_rank=1, check=False)
    assert proc.returncode != 0
    assert "fastw2v: rank 1: RuntimeError: planted failure after epoch 1" in proc.stderr


def test_cli_under_mpirun_writes_once(tmp_path):
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines())
    out = tmp_path / "vec.bin"
    proc = _mpirun(
        2,
        [sys.executable, "-m", "fastw2v", "train", "-train", str(corpus), "-output", str(out),
         "-cbow", "0", "-size", "16", "-window", "4", "-sample", "0", "-min-count", "1",
         "-iter", "3", "-threads", "1", "-binary", "1", "-seed", "3", "--sync-words", "5000",
         "--hot-words", "8", "--hot-sync-words", "1000", "-debug", "1"],
    )  # fmt: skip
    assert "2 ranks" in proc.stderr and "full syncs" in proc.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("vec")] == ["vec.bin"]
    from fastw2v.vectors import KeyedVectors

    wv = KeyedVectors.load_word2vec_format(out, binary=True)
    assert _cluster_precision({w: wv[w].tolist() for w in wv.words}) > 0.9

    bad = _mpirun(2, [sys.executable, "-m", "fastw2v", "train", "-train", str(corpus),
                      "-output", str(out), "--sync-words", "0"], check=False)  # fmt: skip
    assert bad.returncode != 0 and "sync" in bad.stderr


# ------------------------------------------------- ranks given different jobs (issue #14)


def _mpmd(rank_args: list[list[str]], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """One rank per argument list (``mpirun -n 1 A : -n 1 B``): ranks started differently."""
    prefix = _mpirun_prefix(1)
    cmd = prefix[:1] + prefix[3:]  # mpirun and its global options
    for i, args in enumerate(rank_args):
        cmd += ([":"] if i else []) + ["-n", "1", sys.executable, "-m", "fastw2v", "train", *args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, env=_mpi_env(), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"mpirun hung for {timeout}s: {cmd}\n{exc.stderr!r}")


def _train_args(corpus, out, *extra: str) -> list[str]:
    return ["-train", str(corpus), "-output", str(out), "-size", "16", "-min-count", "1",
            "-iter", "2", "-threads", "1", "-sample", "0", *extra]  # fmt: skip


@pytest.mark.parametrize(
    "flag, value, name",
    [
        ("-size", "24", "vector_size"),
        ("-iter", "3", "epochs"),
        ("-negative", "3", "negative"),
        ("--sync-words", "7000", "sync_words"),
    ],  # fmt: skip
)
def test_ranks_given_different_parameters_stop_naming_rank_and_flag(tmp_path, flag, value, name):
    # a different -size corrupted the heap (SIGABRT), a different -iter deadlocked
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines(500))
    out = tmp_path / "vec.bin"
    proc = _mpmd([_train_args(corpus, out), _train_args(corpus, out, flag, value)])
    assert proc.returncode != 0
    assert f"rank 1 was started with {flag} ({name})" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_ranks_given_different_corpora_or_vocabularies_stop(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(planted_lines(500, seed=1))
    b.write_text(planted_lines(500, seed=2))
    out = tmp_path / "vec.bin"
    proc = _mpmd([_train_args(a, out), _train_args(b, out)])
    assert proc.returncode != 0 and "rank 1 was started with -train (corpus)" in proc.stderr
    va, vb = tmp_path / "va.txt", tmp_path / "vb.txt"
    va.write_text("the 10\nof 5\n")
    vb.write_text("the 10\nand 5\n")
    proc = _mpmd([_train_args(a, out, "-read-vocab", str(va)),
                  _train_args(a, out, "-read-vocab", str(vb))])  # fmt: skip
    assert proc.returncode != 0 and "rank 1 was started with -read-vocab" in proc.stderr
    assert not out.exists()


def test_threads_may_differ_between_ranks(tmp_path):
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines(500))
    out = tmp_path / "vec.bin"
    proc = _mpmd([_train_args(corpus, out), _train_args(corpus, out, "-threads", "2")])
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


@pytest.mark.parametrize(
    "extra", [["--resume", "ck.model"], ["--checkpoint", "ck.model"], ["--save-on-interrupt"]]
)
def test_checkpoint_flags_are_refused_under_mpirun(tmp_path, extra):
    corpus = tmp_path / "planted.txt"
    corpus.write_text(planted_lines(200))
    (tmp_path / "ck.model").write_text("x")  # --resume needs an existing file to get this far
    extra = [str(tmp_path / e) if e == "ck.model" else e for e in extra]
    out = tmp_path / "vec.bin"
    proc = _mpirun(2, [sys.executable, "-m", "fastw2v", "train", *_train_args(corpus, out),
                       *extra], check=False)  # fmt: skip
    assert proc.returncode != 0
    assert f"{extra[0]}: not supported under mpirun (2 processes)" in proc.stderr, proc.stderr
    assert not out.exists()
