"""Silently wrong results and late failures (issue #14, classes 3 and 4): a read
vocabulary obeys -min-count and -max-vocab and holds only words training can use; the
vector tools refuse counts below 1; a bad --checkpoint-every is refused before any work,
naming the flag; the disk pre-check counts text vectors at their real size; a model saved
with more threads than this machine has loads and resumes; a model member that would
inflate to gigabytes is refused from the archive's directory."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v.cli import main as cli_main
from fastw2v.vocab import Vocab


def _train(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli_main(["train", "-size", "8", "-iter", "1", "-threads", "1", *args])
    return code, capsys.readouterr().err


def _error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# ------------------------------------------------------------ -read-vocab (class 3)


def test_read_vocab_obeys_min_count_and_max_vocab(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("".join(f"w{i} {30 - i}\n" for i in range(30)))
    saved = tmp_path / "saved.txt"
    args = ["-train", str(corpus), "-read-vocab", str(vocab), "-save-vocab", str(saved)]
    assert _train([*args, "-min-count", "21"], capsys)[0] == 0
    assert Vocab.load(saved).words == [f"w{i}" for i in range(10)]  # counts 30..21
    assert _train([*args, "-min-count", "1", "-max-vocab", "4"], capsys)[0] == 0
    assert Vocab.load(saved).words == ["w0", "w1", "w2", "w3"]
    assert _train(args, capsys)[0] == 0  # word2vec.c's default -min-count 5 applies too
    assert len(Vocab.load(saved)) == 26


@pytest.mark.parametrize(
    ("line", "why"),
    [(b"bad\xe6\x97 3\n", "is not valid UTF-8"), (b"nul\x00here 3\n", "holds a NUL")],
    ids=["invalid-utf8", "nul"],
)
def test_read_vocab_words_training_cannot_use_are_refused_before_work(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, why: str
) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_bytes(b"w1 9\nw2 8\n" + line)
    out, saved = tmp_path / "v.txt", tmp_path / "saved.txt"
    code, err = _train(["-train", str(corpus), "-read-vocab", str(vocab), "-output", str(out),
                        "-save-vocab", str(saved), "-min-count", "1"], capsys)  # fmt: skip
    assert code == 1
    assert "vocab.txt:3: word" in _error_line(err) and why in err
    assert not out.exists() and not saved.exists()


def test_read_vocab_ignores_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfthe 5\nof 3\n")
    assert Vocab.load(path).words == ["the", "of"]


# ------------------------------------------------------------ vector tools (class 3)


@pytest.fixture
def vectors(tmp_path: Path) -> Path:
    path = tmp_path / "vec.txt"
    path.write_text("4 2\na 1 0\nb 0 1\nc 1 1\nd 1 -1\n")
    return path


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["similar", "{v}", "a", "--limit", "-2"], "--limit"),
        (["similar", "{v}", "a", "-n", "0"], "-n/--topn"),
        (["similar", "{v}", "a", "--limit", "0"], "--limit"),
        (["analogy", "{v}", "a", "b", "c", "-n", "-1"], "-n/--topn"),
        (["analogy", "{v}", "a", "b", "c", "--limit", "-2"], "--limit"),
        (["eval", "{v}", "{v}", "--restrict-vocab", "0"], "--restrict-vocab"),
    ],  # fmt: skip
)
def test_vector_tools_refuse_counts_below_one_naming_the_flag(
    vectors: Path, capsys: pytest.CaptureFixture[str], args: list[str], flag: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli_main([a.format(v=vectors) for a in args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert f"argument {flag}: expected an integer >= 1" in err


# ------------------------------------------------------------ late failures (class 4)


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--checkpoint-every", "0"),
        ("--checkpoint-every", "-5"),
        ("--checkpoint-minutes", "0"),
        ("--checkpoint-minutes", "nan"),
    ],  # fmt: skip
)
def test_a_bad_checkpoint_interval_is_refused_before_any_work_naming_the_flag(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    saved, ckpt = tmp_path / "saved.txt", tmp_path / "ck.model"
    with pytest.raises(SystemExit) as exit_:
        _train(["-train", str(corpus), "-save-vocab", str(saved), "--checkpoint", str(ckpt),
                flag, value], capsys)  # fmt: skip
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: expected" in err and "checkpoint_words" not in err
    assert not saved.exists()


def test_the_disk_check_counts_text_vectors_at_their_real_size(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    import shutil
    from collections import namedtuple

    V, dim = 30, 8
    words = sum(len(f"w{i}") + 2 for i in range(V))
    # room for 14 bytes per value: "%.9g" values such as -0.0123456789 need more
    usage = namedtuple("usage", "total used free")(10**9, 0, words + V * dim * 14)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage)
    out = tmp_path / "v.txt"
    code, err = _train(["-train", str(corpus), "-output", str(out), "-min-count", "1",
                        "-binary", "0"], capsys)  # fmt: skip
    assert code == 1 and "not enough disk space" in _error_line(err)
    assert not out.exists()
    lengths = [len(f"{x:.9g}") for x in np.float32([-1.2345678e-05, -0.123456789, 1e-38])]
    assert max(lengths) + 1 <= 16  # the estimate's bytes per value covers the longest


def _saved_with_threads(corpus: Path, path: Path, workers: int) -> None:
    model = fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False, workers=1)
    model.build_vocab(corpus)
    model._resume = {"epochs": 2, "total_words": 4000, "epoch": 1, "chunk": 0, "done": 2000}
    model.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    meta["config"]["workers"] = workers
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def test_a_model_saved_with_more_threads_than_this_machine_loads_and_resumes(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ckpt = tmp_path / "ck.model"
    _saved_with_threads(corpus, ckpt, 100_000)
    model = fastw2v.Word2Vec.load(ckpt)
    assert model.config.workers is None  # this machine's threads
    out = tmp_path / "v.txt"
    code = cli_main(["train", "-train", str(corpus), "--resume", str(ckpt), "-output", str(out),
                     "-threads", "1", "-debug", "1"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "1 threads" in capsys.readouterr().err and out.exists()


def test_a_member_that_would_inflate_to_gigabytes_is_refused_before_reading(
    corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "bomb.model"
    model = fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False, workers=1)
    model.build_vocab(corpus)
    model.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("w_out_sm.npy", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(80):  # 80 MiB of zeros: about 80 KiB compressed
                fh.write(block)
    read = []
    monkeypatch.setattr(np, "load", lambda *a, **k: read.append(a) or pytest.fail("read"))
    with pytest.raises(ValueError, match=r"member w_out_sm\.npy would inflate from .* bytes"):
        fastw2v.Word2Vec.load(path)
    assert not read
