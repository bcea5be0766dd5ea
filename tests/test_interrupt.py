"""Interrupted runs: Ctrl-C, checkpoints, resume, disk space. Nothing the user gave is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from fastw2v import Word2Vec
from fastw2v.cli import main as cli_main
from fastw2v.vectors import KeyedVectors

KW = dict(
    vector_size=16,
    sg=1,
    hs=1,
    negative=3,
    min_count=1,
    epochs=3,
    workers=1,
    seed=4,
    batch_words=2_000,
    progress=False,
)


def corpus(n_sentences=1_000, length=10, vocab=200, seed=0):
    rng = np.random.default_rng(seed)
    return [[f"w{i}" for i in rng.zipf(1.3, length) % vocab] for _ in range(n_sentences)]


def test_interrupted_and_resumed_equals_uninterrupted(tmp_path):
    sentences = corpus()
    straight = Word2Vec(sentences, **KW)

    model = Word2Vec(**KW)
    model.build_vocab(sentences)
    calls = 0

    def interrupt_after_seven_chunks(words_done):
        nonlocal calls
        calls += 1
        if calls == 7:  # chunk 7 of 15: in the middle of the second epoch
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.train(sentences, chunk_hook=interrupt_after_seven_chunks)
    path = tmp_path / "ckpt.fw2v"
    model.save(path)
    resumed = Word2Vec.load(path)
    result = resumed.train(sentences, resume=True)
    assert resumed.w_in.tobytes() == straight.w_in.tobytes()
    assert resumed.w_out_hs.tobytes() == straight.w_out_hs.tobytes()
    assert [e.words for e in result.epochs] == [e.words for e in straight.last_result.epochs]
    assert resumed.epochs_trained == 3
    with pytest.raises(ValueError, match="nothing to resume"):
        resumed.train(sentences, resume=True)


def test_periodic_checkpoints_are_resumable(tmp_path):
    sentences = corpus()
    path = tmp_path / "ckpt.fw2v"
    straight = Word2Vec(sentences, **KW)
    model = Word2Vec(**KW)
    model.build_vocab(sentences)
    seen = []

    def stop_after_checkpoints(words_done):
        if path.exists():
            seen.append(path.stat().st_mtime_ns)
        if len(set(seen)) >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.train(
            sentences, checkpoint=path, checkpoint_words=4_000, chunk_hook=stop_after_checkpoints
        )
    resumed = Word2Vec.load(path)  # the last periodic checkpoint, not the interrupted model
    assert resumed._resume is not None and resumed._resume["done"] > 0
    resumed.train(sentences, resume=True)
    assert resumed.w_in.tobytes() == straight.w_in.tobytes()


def test_checkpoint_arguments_are_checked(tmp_path):
    model = Word2Vec(**KW)
    model.build_vocab(corpus(50))
    with pytest.raises(ValueError, match="checkpoint_words or checkpoint_seconds"):
        model.train(corpus(50), checkpoint=tmp_path / "c")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        model.train(corpus(50), checkpoint=tmp_path / "no" / "c", checkpoint_words=10)
    with pytest.raises(ValueError, match="checkpoint_words"):
        model.train(corpus(50), checkpoint=tmp_path / "c", checkpoint_words=0)


def write_corpus(path, n_sentences):
    path.write_text("\n".join(" ".join(s) for s in corpus(n_sentences)) + "\n")


def cli_args(corpus_path, out, *extra):
    return [
        sys.executable,
        "-m",
        "fastw2v",
        "train",
        "-train",
        str(corpus_path),
        "-output",
        str(out),
        "-size",
        "32",
        "-iter",
        "3",
        "-min-count",
        "1",
        "-threads",
        "1",
        "-cbow",
        "0",
        "-hs",
        "1",
        "-negative",
        "3",
        "--batch-words",
        "5000",
        "-debug",
        "0",
        *extra,
    ]


def wait_for(predicate, proc, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def test_sigkill_mid_run_then_resume_matches_uninterrupted(tmp_path):
    corpus_path = tmp_path / "corpus.txt"
    write_corpus(corpus_path, 30_000)  # 300k words x 3 epochs: ~1-2 s of training
    reference = tmp_path / "reference.txt"
    subprocess.run(cli_args(corpus_path, reference), check=True, timeout=300)

    ckpt = tmp_path / "run.ckpt"
    out = tmp_path / "vectors.txt"
    proc = subprocess.Popen(
        cli_args(corpus_path, out, "--checkpoint", str(ckpt), "--checkpoint-every", "50000")
    )
    started = wait_for(ckpt.exists, proc)
    proc.kill()
    proc.wait(timeout=60)
    if not started or proc.returncode == 0:
        pytest.skip("training finished before it could be killed (machine too fast)")
    assert not out.exists()  # no partial vectors file under the target name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vectors.txt")]
    rc = subprocess.run(cli_args(corpus_path, out, "--resume", str(ckpt)), timeout=300).returncode
    assert rc == 0
    a = KeyedVectors.load_word2vec_format(out)
    b = KeyedVectors.load_word2vec_format(reference)
    assert a.words == b.words
    np.testing.assert_array_equal(a.vectors, b.vectors)


@pytest.mark.parametrize("save", [False, True])
def test_sigint_stops_promptly_and_saves_only_when_asked(tmp_path, save):
    corpus_path = tmp_path / "corpus.txt"
    write_corpus(corpus_path, 60_000)
    out, model_path = tmp_path / "v.txt", tmp_path / "m.fw2v"
    marker = tmp_path / "first.ckpt"  # written after the first chunks: training is running
    extra = [
        "--save-model",
        str(model_path),
        "--checkpoint",
        str(marker),
        "--checkpoint-every",
        "5000",
        "-iter",
        "20",
    ]
    if save:
        extra.append("--save-on-interrupt")
    proc = subprocess.Popen(cli_args(corpus_path, out, *extra), stderr=subprocess.PIPE, text=True)
    assert wait_for(marker.exists, proc), "training never started"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 10
    assert proc.returncode == 130
    assert "interrupted" in err
    assert out.exists() == save and model_path.exists() == save
    if save:
        kv = KeyedVectors.load_word2vec_format(out)
        assert np.all(np.isfinite(kv.vectors))
        m = Word2Vec.load(model_path)
        assert m._resume is not None  # the saved model can continue


def test_not_enough_disk_space_is_refused_before_training(tmp_path, monkeypatch, capsys):
    import shutil
    from collections import namedtuple

    corpus_path = tmp_path / "corpus.txt"
    write_corpus(corpus_path, 100)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9 - 100, 100))
    rc = cli_main(
        [
            "train",
            "-train",
            str(corpus_path),
            "-output",
            str(tmp_path / "v.bin"),
            "-min-count",
            "1",
            "-debug",
            "0",
        ]
    )
    assert rc == 1
    assert "not enough disk space" in capsys.readouterr().err
    assert not (tmp_path / "v.bin").exists()


def test_unwritable_output_is_refused_before_training(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    corpus_path = tmp_path / "corpus.txt"
    write_corpus(corpus_path, 100)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    rc = cli_main(
        [
            "train",
            "-train",
            str(corpus_path),
            "-output",
            str(locked / "v.bin"),
            "-min-count",
            "1",
            "-debug",
            "0",
        ]
    )
    assert rc == 1 and "not writable" in capsys.readouterr().err


# ---------------------------------------------------------------- stopping within a chunk


def long_line_corpus(n_words=300_000, vocab=2_000, seed=0):
    """Sentences of 1000 words: with a window of 100 every centre word has ~200 contexts."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in rng.zipf(1.2, n_words) % vocab]
    return [words[i : i + 1000] for i in range(0, n_words, 1000)]


# One chunk per epoch, taking many seconds: the stop must not wait for it.
SLOW = dict(
    sg=1,
    vector_size=64,
    window=100,
    negative=25,
    sample=0,
    min_count=1,
    epochs=2,
    workers=1,
    seed=3,
    batch_words=10**7,
    progress=False,
)


def signal_self_after(seconds, signum=signal.SIGINT):
    import threading

    sent = []

    def fire():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signum)

    threading.Timer(seconds, fire).start()
    return sent


def test_sigint_stops_within_a_chunk_and_resume_is_bit_identical(tmp_path):
    """A stop in the middle of a chunk of many seconds comes within a fraction of a second;
    the model records where each shard stopped, and resuming gives the uninterrupted
    run's vectors to the bit (one thread)."""
    sentences = long_line_corpus(20_000)
    params = dict(SLOW, epochs=1, vector_size=32)  # about a second of training
    model = Word2Vec(**params)
    model.build_vocab(sentences)
    sent = signal_self_after(0.2)
    with pytest.raises(KeyboardInterrupt):
        model.train(sentences)
    latency = time.monotonic() - sent[0]
    assert latency < 1.0, f"stopped {latency:.2f} s after SIGINT"
    partial = model._resume["partial"]
    assert partial is not None and model._resume["chunk"] == 0
    path = tmp_path / "m.fw2v"
    model.save(path)
    resumed = Word2Vec.load(path)
    resumed.train(sentences, resume=True)
    straight = Word2Vec(sentences, **params)
    assert resumed.w_in.tobytes() == straight.w_in.tobytes()
    assert resumed.w_out_ns.tobytes() == straight.w_out_ns.tobytes()
    assert resumed.last_result.words == straight.last_result.words == 20_000


def test_second_signal_raises_at_once():
    """The first signal only raises the flag (here nothing polls it: the call sleeps on);
    the second raises at once, and the model's state is marked as torn."""
    from fastw2v._stop import Interrupted, StopFlag

    with StopFlag() as stop:
        sent = signal_self_after(0.2)
        signal_self_after(0.4, signal.SIGTERM)
        with pytest.raises(Interrupted) as info:
            stop.run(time.sleep, 30)
        assert time.monotonic() - sent[0] < 0.2 + 1.5  # the second, plus the grace second
    assert info.value.signum == signal.SIGTERM
    assert stop.signum == signal.SIGINT and stop.flag[0] == 1 and stop.torn


def test_signal_handlers_are_restored_after_training():
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    Word2Vec(corpus(50), **KW)
    assert {s: signal.getsignal(s) for s in before} == before


def write_long_lines(path, n_words):
    path.write_text("\n".join(" ".join(s) for s in long_line_corpus(n_words)) + "\n")


def start_slow_cli(tmp_path, *extra):
    corpus_path = tmp_path / "long.txt"
    write_long_lines(corpus_path, 200_000)
    out = tmp_path / "v.txt"
    args = cli_args(corpus_path, out, "-window", "100", "-negative", "25", "-sample", "0")
    args[args.index("-debug") + 1] = "1"  # prints the vocabulary size as training starts
    args[args.index("--batch-words") + 1] = str(10**7)  # one chunk per epoch
    args += extra
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()  # "Vocab size: ...": training starts now
    assert line.startswith("Vocab size"), line
    time.sleep(1.0)
    assert proc.poll() is None
    return proc, out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_a_slow_chunk_within_a_second(tmp_path, signum):
    proc, out = start_slow_cli(tmp_path)
    t0 = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 2.0  # the stop, and the interpreter's exit
    assert proc.returncode == 128 + signum
    assert "interrupted" in err and "nothing saved" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.txt"]  # no temporary files


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_save_on_interrupt(tmp_path, signum):
    model_path = tmp_path / "m.fw2v"
    proc, out = start_slow_cli(tmp_path, "--save-on-interrupt", "--save-model", str(model_path))
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum
    assert "saved the weights" in err
    kv = KeyedVectors.load_word2vec_format(out)
    assert len(kv.words) > 1000 and np.all(np.isfinite(kv.vectors))
    m = Word2Vec.load(model_path)
    assert m._resume is not None and m._resume["partial"] is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.txt", "m.fw2v", "v.txt"]


def test_two_quick_sigints_exit_at_once_leaving_no_partial_file(tmp_path):
    """Ctrl-C twice in a row: whether the second lands in the stopping kernel call or in
    --save-on-interrupt's writes, the command ends at once, and what is on disk is either
    a complete vectors file or none (no temporary file left behind)."""
    proc, out = start_slow_cli(tmp_path, "--save-on-interrupt")
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 2.0
    assert proc.returncode == 130
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names in (["long.txt"], ["long.txt", "v.txt"])
    if out.exists():
        assert np.all(np.isfinite(KeyedVectors.load_word2vec_format(out).vectors))
