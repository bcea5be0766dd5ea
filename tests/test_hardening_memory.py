"""Memory (issue #14, class 2): the memory a run needs is estimated before the weights are
allocated, logged, and a run that cannot fit is refused with the estimate and the parameter
to change; a MemoryError that still happens is one line from the CLI."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

import fastw2v
from fastw2v import memory
from fastw2v.cli import main as cli_main
from fastw2v.memory import InsufficientMemory, estimate


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    rng = random.Random(0)
    words = [f"w{i}" for i in range(50)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(rng.choices(words, k=10)) for _ in range(200)) + "\n")
    return path


def test_the_cli_refuses_a_run_larger_than_memory_before_any_work(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    # a 100,000-word vocabulary at -size 100000: 80 GB of weights
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("".join(f"w{i} {2000 - i // 100}\n" for i in range(100_000)))
    monkeypatch.setattr(memory, "available_memory", lambda: 8 << 30)
    out, saved = tmp_path / "v.txt", tmp_path / "saved_vocab.txt"
    code = cli_main(["train", "-train", str(corpus), "-read-vocab", str(vocab), "-size",
                     "100000", "-output", str(out), "-save-vocab", str(saved)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "weights 74.5 GiB" in err and "8.0 GiB is available" in err
    assert "-size" in err and "-max-vocab" in err and "-min-count" in err
    assert not out.exists() and not saved.exists()


def test_the_python_api_refuses_before_allocating_the_weights(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(memory, "available_memory", lambda: 1 << 20)
    model = fastw2v.Word2Vec(vector_size=4000, min_count=1, progress=False)
    with pytest.raises(InsufficientMemory, match=r"lower vector_size \(-size\)"):
        model.build_vocab(corpus)
    assert model.weights is None
    monkeypatch.setenv("FASTW2V_NO_MEMORY_CHECK", "1")
    model.build_vocab(corpus)  # the check can be skipped
    assert model.weights is not None


@pytest.mark.parametrize("params", [{"hs": True}, {"negative": 0, "hs": True}, {"softmax": True,
                         "negative": 0}])  # fmt: skip
def test_the_estimate_counts_every_matrix(corpus: Path, params: dict) -> None:
    model = fastw2v.Word2Vec(vector_size=16, min_count=1, progress=False, **params)
    model.build_vocab(corpus)
    actual = sum(m.nbytes for m in model.weights.matrices().values())
    assert model.memory_estimate.weights == actual
    assert estimate(model.config, len(model.vocab), 2000).total > actual


def test_the_estimate_is_logged_and_printed(
    corpus: Path, tmp_path: Path, caplog, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.DEBUG, logger="fastw2v"):
        fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False).build_vocab(corpus)
    assert "training needs about" in caplog.text and "available" in caplog.text
    out = tmp_path / "v.txt"
    args = ["train", "-train", str(corpus), "-output", str(out), "-size", "8", "-iter", "1"]
    assert cli_main([*args, "-min-count", "1", "-debug", "1"]) == 0
    assert "Memory: about" in capsys.readouterr().err


def test_a_memory_error_during_training_is_one_line(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(fastw2v.Word2Vec, "train", no_memory)
    out = tmp_path / "v.txt"
    code = cli_main(["train", "-train", str(corpus), "-output", str(out), "-min-count", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "fastw2v train: error: out of memory: lower -size, or keep fewer words "
        "(-max-vocab, -min-count)"
    )
