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
