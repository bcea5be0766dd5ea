"""``fastw2v train --init-model [--update-vocab]`` and ``--init-vectors [--lock]``."""

from __future__ import annotations

import numpy as np
import pytest
from test_online import OLD, clusters

from fastw2v import Word2Vec
from fastw2v.cli import main as cli_main
from fastw2v.vectors import KeyedVectors

FLAGS = ["-size", "16", "-window", "3", "-sample", "0", "-hs", "0", "-negative", "3",
         "-threads", "1", "-iter", "2", "-min-count", "2", "-debug", "0"]  # fmt: skip


def _text(path, sentences):
    path.write_text("".join(" ".join(s) + "\n" for s in sentences))
    return str(path)


def _train(*args):
    return cli_main(["train", *FLAGS, *args])


@pytest.fixture
def saved(tmp_path):
    old = _text(tmp_path / "old.txt", OLD)
    model = tmp_path / "old.fw2v"
    assert _train("-train", old, "--save-model", str(model)) == 0
    return model


def test_init_model_continues_and_update_vocab_grows(tmp_path, saved):
    new = _text(tmp_path / "new.txt", clusters(["a", "z"], 300, seed=1))
    before = Word2Vec.load(saved)
    out = tmp_path / "more.fw2v"
    assert _train("-train", new, "--init-model", str(saved), "--save-model", str(out)) == 0
    more = Word2Vec.load(out)
    assert more.vocab.words == before.vocab.words
    assert more.epochs_trained == before.epochs_trained + 2
    assert more.w_in.tobytes() != before.w_in.tobytes()
    grown = tmp_path / "grown.fw2v"
    args = ["-train", new, "--init-model", str(saved), "--update-vocab", "--save-model", str(grown)]
    assert _train(*args) == 0
    model = Word2Vec.load(grown)
    assert model.vocab.words[: len(before.vocab)] == before.vocab.words
    assert {f"z{i}" for i in range(8)} <= set(model.vocab.words)


def test_init_vectors_with_lock_keeps_the_rows(tmp_path):
    old = _text(tmp_path / "old.txt", OLD)
    rng = np.random.default_rng(0)
    kv = KeyedVectors(["a0", "b1", "nowhere"], rng.standard_normal((3, 16)).astype(np.float32))
    vec = tmp_path / "pre.bin"
    kv.save_word2vec_format(vec, binary=True)
    out = tmp_path / "out.txt"
    assert _train("-train", old, "-output", str(out), "--init-vectors", str(vec), "--lock") == 0
    got = KeyedVectors.load_word2vec_format(out)
    np.testing.assert_allclose(got["a0"], kv["a0"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["b1"], kv["b1"], rtol=1e-5, atol=1e-6)
    free = tmp_path / "free.txt"
    assert _train("-train", old, "-output", str(free), "--init-vectors", str(vec)) == 0
    assert not np.allclose(KeyedVectors.load_word2vec_format(free)["a0"], kv["a0"], atol=1e-3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--update-vocab"], "--update-vocab needs --init-model"),
        (["--lock", "0.5"], "--lock needs --init-vectors"),
        (["--init-model", "MODEL", "--resume", "MODEL"], "--init-model cannot"),
        (["--init-model", "nope.fw2v"], "nope.fw2v"),
        (["--init-vectors", "nope.txt"], "nope.txt"),
        (["--init-model", "MODEL", "--save-model", "MODEL"], "--init-model"),
    ],
)
def test_bad_continue_flags_are_one_line(tmp_path, saved, capsys, extra, message):
    old = _text(tmp_path / "old.txt", OLD)
    extra = [str(saved) if a == "MODEL" else a for a in extra]
    if not any(a.startswith("--save-model") for a in extra):
        extra += ["-output", str(tmp_path / "v.txt")]
    before = saved.read_bytes()
    assert _train("-train", old, *extra) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert saved.read_bytes() == before
