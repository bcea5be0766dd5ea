"""Out-of-range training parameters: a ValueError naming the parameter and the allowed
range, from the Python API and from the CLI, before any work starts."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import fastw2v
from fastw2v.cli import main as cli_main
from fastw2v.config import MAX_THREADS_PER_CORE, ParameterError, available_cores

# (keyword arguments, parameter named in the message, text of the allowed range)
BAD_PARAMS = [
    ({"vector_size": 0}, "vector_size", "[1, 100000]"),
    ({"vector_size": -5}, "vector_size", "[1, 100000]"),
    ({"window": 0}, "window", "[1, 10000]"),
    ({"window": -1}, "window", "[1, 10000]"),
    ({"negative": 0, "hs": 0}, "negative", "[1, 10000] when hs and softmax are off"),
    ({"negative": -1}, "negative", "[0, 10000]"),
    ({"sample": -1e-5}, "sample", ">= 0 and <= 1"),
    ({"sample": math.nan}, "sample", ">= 0 and <= 1"),
    ({"alpha": 0.0}, "alpha", "> 0 and <= 10"),
    ({"alpha": -0.1}, "alpha", "> 0 and <= 10"),
    ({"alpha": math.nan}, "alpha", "> 0 and <= 10"),
    ({"alpha": math.inf}, "alpha", "> 0 and <= 10"),
    ({"alpha": 0.01, "min_alpha": 0.02}, "min_alpha", "<= alpha (0.01)"),
    ({"sg": 1, "min_alpha": 0.5}, "min_alpha", "<= alpha (0.05)"),
    ({"min_alpha": -1e-4}, "min_alpha", ">= 0"),
    ({"min_alpha": math.nan}, "min_alpha", ">= 0"),
    ({"epochs": 0}, "epochs", "[1, "),
    ({"epochs": -3}, "epochs", "[1, "),
    ({"workers": 0}, "workers", "[1, "),
    ({"workers": 10_000}, "workers", f"at most {MAX_THREADS_PER_CORE} threads per"),
    ({"min_count": 0}, "min_count", "[1, "),
    ({"ns_exponent": math.nan}, "ns_exponent", ">= -10 and <= 10"),
    ({"max_final_vocab": 0}, "max_final_vocab", "[1, "),
    ({"max_vocab_size": 0}, "max_vocab_size", "[1, "),
    ({"max_sentence_length": 0}, "max_sentence_length", "[1, "),
    ({"batch_words": 0}, "batch_words", "[1, "),
    ({"seed": -1}, "seed", "[0, "),
    ({"kernel": "fast"}, "kernel", "'auto', 'batched' or 'pair'"),
]


@pytest.mark.parametrize(("kwargs", "name", "allowed"), BAD_PARAMS)
def test_python_api_refuses_before_any_work(
    tmp_path: Path, kwargs: dict, name: str, allowed: str
) -> None:
    # The corpus path does not exist: reaching it would raise FileNotFoundError, so a
    # ValueError here proves the parameters are checked first.
    with pytest.raises(ParameterError) as err:
        fastw2v.Word2Vec(str(tmp_path / "absent.txt"), progress=False, **kwargs)
    assert isinstance(err.value, ValueError)
    assert err.value.name == name
    message = str(err.value)
    assert message.startswith(f"{name} must be ")
    assert allowed in message
    assert "\n" not in message


def test_threads_far_above_core_count_states_the_range() -> None:
    cap = MAX_THREADS_PER_CORE * available_cores()
    fastw2v.Word2Vec(workers=cap, progress=False)  # the cap itself is allowed
    with pytest.raises(ValueError, match=rf"workers must be an integer in \[1, {cap}\]"):
        fastw2v.Word2Vec(workers=cap + 1, progress=False)


@pytest.mark.parametrize(("kwargs", "exc"), [({"vector_size": 1.5}, TypeError)])
def test_wrong_types_are_type_errors(kwargs: dict, exc: type) -> None:
    with pytest.raises(exc, match="vector_size"):
        fastw2v.Word2Vec(progress=False, **kwargs)


# CLI flag, value, and the parameter the one-line message must name.
BAD_FLAGS = [
    (["-size", "0"], "vector_size"),
    (["-size", "-100"], "vector_size"),
    (["-window", "0"], "window"),
    (["-negative", "0", "-hs", "0"], "negative"),
    (["-sample", "-1"], "sample"),
    (["-alpha", "0"], "alpha"),
    (["-alpha", "-0.5"], "alpha"),
    (["-alpha", "nan"], "alpha"),
    (["-alpha", "0.01", "--min-alpha", "0.05"], "min_alpha"),
    (["-iter", "0"], "epochs"),
    (["-threads", "0"], "workers"),
    (["-threads", "999"], "workers"),
    (["-min-count", "0"], "min_count"),
]


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("a b c d e f g\n" * 20)
    return path


@pytest.mark.parametrize(("flags", "name"), BAD_FLAGS)
def test_cli_refuses_with_one_line_and_writes_nothing(
    tmp_path: Path, corpus_file: Path, capsys, flags: list[str], name: str
) -> None:
    out = tmp_path / "vectors.bin"
    vocab = tmp_path / "vocab.txt"
    argv = ["train", "-train", str(corpus_file), "-output", str(out), "-save-vocab", str(vocab)]
    status = cli_main(argv + flags)
    captured = capsys.readouterr()
    assert status != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert name in lines[0] and "must be" in lines[0]
    assert not out.exists() and not vocab.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.txt"]


def test_cli_missing_corpus_is_one_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "v.bin"
    status = cli_main(["train", "-train", str(tmp_path / "absent.txt"), "-output", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status != 0 and len(err) == 1 and "absent.txt" in err[0]
    assert not out.exists()


def test_cli_binary_corpus_is_one_line(tmp_path: Path, capsys) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "v.bin"
    status = cli_main(["train", "-train", str(garbage), "-output", str(out), "-min-count", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status != 0 and len(err) == 1 and "garbage.bin" in err[0] and "not text" in err[0]
    assert not out.exists()
