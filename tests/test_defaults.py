"""The default learning rate and initial range (docs/defaults.md), and ``compat="w2v"``,
which must give word2vec.c's exact behaviour back."""

from __future__ import annotations

import numpy as np
import pytest

from fastw2v import Word2Vec
from fastw2v.cli import main
from fastw2v.config import TrainConfig, default_alpha


def test_word2vec_c_rates_under_compat():
    for epochs in (1, 3, 5, 50):
        assert TrainConfig(sg=True, epochs=epochs, compat="w2v").learning_rate == 0.025
        assert TrainConfig(sg=False, epochs=epochs, compat="w2v").learning_rate == 0.05
    assert TrainConfig(compat="w2v").initial_range == 0.5


def test_default_rule():
    assert [default_alpha(True, e) for e in (1, 5, 20)] == [0.05, 0.05, 0.05]
    cbow = [default_alpha(False, e) for e in range(1, 30)]
    assert cbow[0] == pytest.approx(0.1) and cbow[4] == pytest.approx(0.08)
    assert all(a > b for a, b in zip(cbow, cbow[1:]))  # falls with the epochs ...
    assert cbow[-1] > 0.075  # ... towards 0.075
    assert TrainConfig().initial_range == 1.0
    assert TrainConfig(alpha=0.3, init_range=2.0, compat="w2v").learning_rate == 0.3


def test_train_call_epochs_pick_the_rate(tmp_path):
    """train(epochs=N) uses the rule for N epochs, not the model's epochs."""
    m = Word2Vec(sg=0, epochs=1, vector_size=8, min_count=1, workers=1, progress=False)
    m.build_vocab([["a", "b", "c", "d"]] * 50)
    m.train([["a", "b", "c", "d"]] * 50, epochs=4)
    first = m.last_result.epochs[0].alpha_end
    assert first == pytest.approx(default_alpha(False, 4) * (1 - 0.25 * (1 - 1e-4)), rel=1e-6)


def _vectors(**kw):
    corpus = [[f"w{i % 37}", f"w{(i * 7) % 37}", f"w{(i * 3) % 37}"] for i in range(400)]
    m = Word2Vec(corpus, vector_size=12, min_count=1, workers=1, seed=5, epochs=2,
                 progress=False, **kw)  # fmt: skip
    return m.wv.vectors


def test_compat_is_the_explicit_word2vec_c_settings():
    for sg in (0, 1):
        old = _vectors(sg=sg, alpha=0.025 if sg else 0.05, init_range=0.5)
        assert np.array_equal(_vectors(sg=sg, compat="w2v"), old)
        assert not np.array_equal(_vectors(sg=sg), old)


def test_cli_compat_flag_and_rate_line(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text(" ".join(f"w{i % 23}" for i in range(3000)) + "\n")
    out = tmp_path / "v.txt"
    args = ["train", "-train", str(corpus), "-output", str(out), "-size", "8", "-min-count", "1",
            "-threads", "1", "-iter", "2", "-debug", "1"]  # fmt: skip
    assert main([*args, "--compat", "w2v", "-cbow", "0"]) == 0
    assert "alpha 0.025 (the w2v default for 2 epochs)" in capsys.readouterr().err
    assert main([*args, "-cbow", "1"]) == 0
    err = capsys.readouterr().err
    assert "alpha 0.0875 (the fastw2v default for 2 epochs)" in err and "init-range 1" in err
    assert main([*args, "-alpha", "0.01"]) == 0
    assert "alpha 0.01 (-alpha)" in capsys.readouterr().err


def test_models_saved_before_compat_keep_word2vec_c_rates(tmp_path):
    """A model file from before ``compat`` existed trained with word2vec.c's rate and
    range whenever they were unset; loaded, it goes on with them."""
    import json
    import zipfile

    m = Word2Vec([["a", "b", "c"]] * 30, sg=1, vector_size=8, min_count=1, workers=1,
                 epochs=1, progress=False)  # fmt: skip
    path = tmp_path / "m.npz"
    m.save(str(path))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    import io

    meta_arr = np.load(io.BytesIO(members["meta.npy"]))
    meta = json.loads(bytes(meta_arr).decode())
    del meta["config"]["compat"], meta["config"]["init_range"]
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(json.dumps(meta).encode(), np.uint8))
    members["meta.npy"] = buf.getvalue()
    old = tmp_path / "old.npz"
    with zipfile.ZipFile(old, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    loaded = Word2Vec.load(str(old))
    assert loaded.config.compat == "w2v" and loaded.config.learning_rate == 0.025
    assert Word2Vec.load(str(path)).config.learning_rate == 0.05


def test_hierarchical_softmax_keeps_word2vec_c_rates():
    for epochs in (1, 5):
        assert TrainConfig(sg=True, hs=True, negative=0, epochs=epochs).learning_rate == 0.025
        assert TrainConfig(sg=False, hs=True, negative=0, epochs=epochs).learning_rate == 0.05
    assert TrainConfig(sg=True, hs=True, negative=5).learning_rate == 0.025
    assert TrainConfig(sg=True, hs=True, negative=0).initial_range == 1.0
