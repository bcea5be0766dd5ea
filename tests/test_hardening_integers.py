"""Integers too large for the kernel, and numpy scalars (issue #14, class 2): every integer
is range-checked where it enters (parameters, train() arguments, read vocabularies,
checkpoints) with a ValueError naming it, never an OverflowError from the kernel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v.cli import main as cli_main
from fastw2v.config import ParameterError
from fastw2v.vocab import Vocab


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli_main(["train", *args])
    return code, capsys.readouterr().err


def _one_line_error(err: str, *names: str) -> None:
    assert "Traceback" not in err and "OverflowError" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], err


@pytest.mark.parametrize(
    ("flag", "name"),
    [
        ("-iter", "epochs"),
        ("-min-count", "min_count"),
        ("-max-vocab", "max_final_vocab"),
        ("--batch-words", "batch_words"),
        ("--max-sentence-length", "max_sentence_length"),
        ("-seed", "seed"),
    ],  # fmt: skip
)
def test_huge_integer_flags_are_one_line_errors_naming_the_flag(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, name: str
) -> None:
    out = tmp_path / "v.txt"
    code, err = _cli(["-train", str(corpus), "-output", str(out), flag, str(10**20)], capsys)
    assert code == 1
    _one_line_error(err, name, flag)
    assert not out.exists()


def test_read_vocabulary_counts_whose_schedule_overflows_are_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("".join(f"w{i} {10**18}\n" for i in range(3)))
    out = tmp_path / "v.txt"
    args = ["-train", str(corpus), "-read-vocab", str(vocab), "-output", str(out)]
    code, err = _cli([*args, "-min-count", "1"], capsys)
    assert code == 1
    _one_line_error(err, "epochs")
    assert not out.exists()


@pytest.mark.parametrize("bad", [10**20, 0, -3])
def test_train_epochs_out_of_range(corpus: Path, bad: int) -> None:
    model = fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False, workers=1)
    model.build_vocab(corpus)
    with pytest.raises(ParameterError, match=r"^epochs must be an integer in \[1, "):
        model.train(corpus, epochs=bad)


@pytest.mark.parametrize("bad", [10**30, 0, -5, 2.5, True])
def test_total_words_out_of_range_or_not_an_integer(corpus: Path, bad: object) -> None:
    # total_words=0 used to put the learning rate at its floor from the first word
    model = fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False, workers=1)
    model.build_vocab(corpus)
    with pytest.raises(ParameterError, match=r"^total_words must be an integer in \[1, "):
        model.train(corpus, total_words=bad)


def _checkpoint(corpus: Path, tmp_path: Path) -> Path:
    model = fastw2v.Word2Vec(vector_size=8, min_count=1, progress=False, workers=1, epochs=2)
    model.build_vocab(corpus)
    model._resume = {"epochs": 2, "total_words": 4000, "epoch": 1, "chunk": 0, "done": 2000}
    path = tmp_path / "ck.model"
    model.save(path)
    return path


def _edit_meta(path: Path, edit) -> None:
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    edit(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("done", 1e300),
        ("done", 10**30),
        ("total_words", -1),
        ("epochs", 10**20),
        ("chunk", "3"),
        ("loss", float("inf")),
        ("epoch", 5),
    ],  # fmt: skip
)
def test_a_damaged_checkpoint_state_is_refused_on_load(
    corpus: Path, tmp_path: Path, field: str, value: object
) -> None:
    path = _checkpoint(corpus, tmp_path)
    fastw2v.Word2Vec.load(path)  # the undamaged one loads
    _edit_meta(path, lambda meta: meta["resume"].__setitem__(field, value))
    with pytest.raises(ValueError, match="saved training state is damaged"):
        fastw2v.Word2Vec.load(path)


def test_a_damaged_epoch_count_is_refused_on_load(corpus: Path, tmp_path: Path) -> None:
    path = _checkpoint(corpus, tmp_path)
    _edit_meta(path, lambda meta: meta.__setitem__("epochs_trained", 1e300))
    with pytest.raises(ValueError, match="epochs_trained is damaged"):
        fastw2v.Word2Vec.load(path)


def test_numpy_scalars_are_accepted_as_parameters(corpus: Path) -> None:
    model = fastw2v.Word2Vec(
        vector_size=np.int64(8),
        alpha=np.float32(0.025),
        window=np.int32(3),
        sample=np.float64(0),
        min_count=np.uint8(1),
        hs=np.bool_(False),
        workers=np.int64(1),
        epochs=np.int16(1),
        progress=False,
    )
    assert type(model.config.vector_size) is int and model.config.vector_size == 8
    assert type(model.config.alpha) is float
    model.build_vocab(corpus)
    model.train(corpus, epochs=np.int64(2), total_words=np.int64(4000))
    assert model.wv.vectors.shape[1] == 8
    json.dumps(model.config.to_dict())  # saved as plain JSON numbers


@pytest.mark.parametrize("bad", [True, np.True_, 8.0, np.float32(8)])
def test_bools_and_floats_are_still_refused_where_an_integer_is_meant(bad: object) -> None:
    with pytest.raises(TypeError, match="vector_size must be an integer"):
        fastw2v.Word2Vec(vector_size=bad, progress=False)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Vocab.from_counts({"a": 10**20, "b": 3}, 1),
        lambda: Vocab(["a", "b"], [10**20, 3]),
        lambda: Vocab.from_counts({"a": 2**62, "b": 2**62}, 1),
    ],  # fmt: skip
    ids=["from_counts", "constructor", "sum-wraps"],
)
def test_vocabulary_counts_too_large_are_value_errors(make) -> None:
    # the third once gave total_words = -2**63
    with pytest.raises(ValueError, match="count"):
        make()
