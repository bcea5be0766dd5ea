"""The native format's matrix: NaN and infinity refused, a mapped file cut underneath
announced in one line (issue #14), a private copy immune to it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fastw2v.vectors import KeyedVectors

WORDS = [f"w{i}" for i in range(200)]


def _saved(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    KeyedVectors(WORDS, rng.standard_normal((200, 64)).astype(np.float32)).save(tmp_path / "kv")
    return tmp_path / "kv"


@pytest.mark.parametrize("mmap", [True, False])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_native_vectors_is_refused_naming_file_and_row(
    tmp_path: Path, mmap: bool, bad: float
) -> None:
    directory = _saved(tmp_path)
    vectors = np.load(directory / "vectors.npy")
    vectors[137, 5] = bad
    np.save(directory / "vectors.npy", vectors)
    with pytest.raises(ValueError) as err:
        KeyedVectors.load(directory, mmap=mmap)
    message = str(err.value)
    assert "\n" not in message
    assert "vectors.npy" in message and "row 137" in message and "'w137'" in message, message


_CHILD = """
import os, sys
from fastw2v.vectors import KeyedVectors
kv = KeyedVectors.load(sys.argv[1], mmap=sys.argv[2] == "1")
os.truncate(os.path.join(sys.argv[1], "vectors.npy"), 0)  # another process, in effect
print(float(kv.vectors.sum()), flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGBUS"), reason="no SIGBUS on this platform")
def test_mapped_file_truncated_underneath_says_so_in_one_line(tmp_path: Path) -> None:
    directory = _saved(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(directory), "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == -signal.SIGBUS
    lines = [line for line in run.stderr.splitlines() if line.startswith("fastw2v:")]
    assert len(lines) == 1, run.stderr
    assert str(directory.resolve() / "vectors.npy") in lines[0] and "mmap=False" in lines[0]


def test_private_copy_is_immune_to_the_file_changing(tmp_path: Path) -> None:
    directory = _saved(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(directory), "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert np.isfinite(float(run.stdout))
