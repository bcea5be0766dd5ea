"""Class 1 of the second hardening pass: no output may destroy an input or another output.

Each case is refused before any work, with a message naming both flags, and the files the
user gave are byte-identical afterwards."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from fastw2v._atomic import atomic_write, check_collisions, regular_target
from fastw2v.cli import main

CORPUS = " ".join(f"w{i % 40}" for i in range(4000)) + "\n"
SMALL = ["-size", "8", "-iter", "1", "-min-count", "1", "-threads", "1"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "c.txt"
    path.write_text(CORPUS)
    return path


def _train(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["train", *args, *SMALL])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("flag", ["-output", "-save-vocab", "--save-model", "--checkpoint"])
def test_an_output_that_is_the_corpus_is_refused(
    corpus: Path, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-train", str(corpus), flag, str(corpus)]
    if flag != "-output":
        args += ["-output", str(corpus.with_name("v.txt"))]
    code, err = _train(args, capsys)
    assert code == 1
    assert f"{flag} {corpus} is the -train input" in err
    assert corpus.read_text() == CORPUS
    assert not corpus.with_name("v.txt").exists()  # refused before any work


def test_the_corpus_through_a_link_or_a_hard_link_is_still_the_corpus(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soft, hard = corpus.with_name("soft.txt"), corpus.with_name("hard.txt")
    soft.symlink_to(corpus)
    os.link(corpus, hard)
    for out in (soft, hard):
        code, err = _train(["-train", str(corpus), "-output", str(out)], capsys)
        assert code == 1 and "is the -train input" in err
    assert corpus.read_text() == CORPUS and soft.is_symlink()


@pytest.mark.parametrize(
    ("first", "second"),
    [("-output", "-save-vocab"), ("-output", "--save-model"), ("-save-vocab", "--checkpoint")],
)
def test_two_outputs_on_one_file_are_refused(
    corpus: Path, first: str, second: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = corpus.with_name("same.out")
    args = ["-train", str(corpus), first, str(out), second, str(out)]
    if "-output" not in (first, second):
        args += ["-output", str(corpus.with_name("v.txt"))]
    code, err = _train(args, capsys)
    assert code == 1
    assert f"{second} {out} is also the {first} output" in err
    assert not out.exists()


def test_the_output_is_not_the_read_vocabulary(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vocab = tmp_path / "vocab.txt"
    assert main(["train", "-train", str(corpus), "-save-vocab", str(vocab), *SMALL]) == 0
    before = vocab.read_bytes()
    capsys.readouterr()
    code, err = _train(
        ["-train", str(corpus), "-read-vocab", str(vocab), "-output", str(vocab)], capsys
    )
    assert code == 1 and "-output" in err and "is the -read-vocab input" in err
    assert vocab.read_bytes() == before


def test_an_output_inside_a_corpus_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "a.txt").write_text(CORPUS)
    out = tmp_path / "books" / "vec.txt"
    code, err = _train(["-train", str(tmp_path / "books"), "-output", str(out)], capsys)
    assert code == 1 and "inside the -train directory" in err
    assert not out.exists()


def test_a_checkpoint_may_continue_the_one_it_resumes(corpus: Path) -> None:
    ckpt = corpus.with_name("run.ckpt")
    ckpt.write_bytes(b"a checkpoint")
    allowed = [("--checkpoint", "--resume")]
    check_collisions({"--checkpoint": ckpt}, {"--resume": ckpt}, allowed=allowed)
    with pytest.raises(ValueError, match="is the --resume input"):
        check_collisions({"-output": ckpt}, {"--resume": ckpt}, allowed=allowed)


def test_an_output_that_is_a_directory_fails_before_training(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "outdir").mkdir()
    code, err = _train(["-train", str(corpus), "-output", str(tmp_path / "outdir")], capsys)
    assert code == 1 and "is a directory" in err
    assert "Trained" not in err


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        regular_target(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        check_collisions({"-output": fifo}, {})
    with pytest.raises(ValueError, match="not a regular file"), atomic_write(fifo) as fh:
        fh.write(b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(ValueError, match="not a regular file"):
        check_collisions({"-output": "/dev/null"}, {})


def test_writing_through_a_link_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_write(link, "w") as fh:
        fh.write("new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made-by-the-write.txt")
    with atomic_write(dangling, "w") as fh:
        fh.write("x")
    assert dangling.is_symlink() and (tmp_path / "made-by-the-write.txt").read_text() == "x"


def test_plot_does_not_draw_over_its_vectors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vec = tmp_path / "v.txt"
    vec.write_text("2 2\na 1 0\nb 0 1\n")
    assert main(["plot", str(vec), "a", "b", "-o", str(vec)]) == 1
    assert "is the vectors input" in capsys.readouterr().err
    assert vec.read_text() == "2 2\na 1 0\nb 0 1\n"
