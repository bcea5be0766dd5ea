"""Model files keep their layout: a file written the way fastw2v wrote them before the
trainer was reshaped (issue #13) loads, and a saved model holds exactly those arrays."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fastw2v import Word2Vec

CORPUS = [["a", "b", "c", "a", "b"], ["c", "a", "d", "b"]] * 10


def _write_layout_1(path: Path, model: Word2Vec, resume: dict | None = None) -> None:
    """Format version 1, spelt out key by key as the original Word2Vec.save wrote it."""
    words = [w.encode("utf-8") for w in model.vocab.words]
    meta = {
        "format": "fastw2v-model",
        "version": 1,
        "config": model.config.to_dict(),
        "epochs_trained": model.epochs_trained,
        "resume": resume,
    }
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "words_utf8": np.frombuffer(b"".join(words), dtype=np.uint8),
        "word_lengths": np.array([len(w) for w in words], dtype=np.int64),
        "counts": model.vocab.counts,
        "w_in": model.w_in,
    }
    for name in ("w_out_ns", "w_out_hs", "w_out_sm"):
        if getattr(model, name) is not None:
            arrays[name] = getattr(model, name)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


@pytest.mark.parametrize(
    "layers", [dict(), dict(hs=1, negative=0), dict(hs=1), dict(softmax=True, negative=0)]
)
def test_a_version_1_file_loads_and_saves_the_same_arrays(tmp_path: Path, layers: dict) -> None:
    model = Word2Vec(
        CORPUS, vector_size=6, min_count=1, epochs=2, workers=1, progress=False, **layers
    )
    _write_layout_1(tmp_path / "old.npz", model)
    loaded = Word2Vec.load(tmp_path / "old.npz")
    assert loaded.config == model.config and loaded.epochs_trained == 2
    assert loaded.vocab.words == model.vocab.words
    for name in ("w_in", "w_out_ns", "w_out_hs", "w_out_sm"):
        a, b = getattr(model, name), getattr(loaded, name)
        assert (a is None and b is None) or a.tobytes() == b.tobytes(), name
    loaded.save(tmp_path / "new.npz")
    with np.load(tmp_path / "old.npz") as old, np.load(tmp_path / "new.npz") as new:
        assert sorted(old.files) == sorted(new.files)
        for key in old.files:
            assert old[key].dtype == new[key].dtype and old[key].tobytes() == new[key].tobytes()
