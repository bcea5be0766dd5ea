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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastw2v import formats
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


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    lines=st.lists(
        st.tuples(
            st.text(st.sampled_from(list("ab\t\r é") + ["\x85", "日"]), max_size=4),
            st.sampled_from(
                [
                    "",
                    "\t1",
                    "\t0",
                    "\t12",
                    "\t-1",
                    "\tx",
                    "\t1\t2",
                    "\t" + "9" * 19,
                    "\t٣",
                    "\t4611686018427387905",
                ]
            ),
        ),
        max_size=6,
    ),
    tail=st.sampled_from([b"", b"\n", b"\n\n", b"\xff", b"a"]),
)
def test_bulk_vocab_reader_matches_the_line_reader(tmp_path: Path, lines, tail: bytes) -> None:
    path = tmp_path / "vocab.tsv"
    path.write_bytes("".join(f"{w}{c}\n" for w, c in lines).encode() + tail)

    def outcome(read):
        try:
            words, counts = read(path)
        except ValueError as exc:
            return str(exc)
        return words, None if counts is None else counts.tolist()

    assert outcome(formats.read_native_vocab) == outcome(formats._read_vocab_lines)

    def lazy(p: Path):  # the one-pass C reader of KeyedVectors.load, its keys as a list
        keys, counts = formats.read_native_keys(p)
        return list(keys) if isinstance(keys, list) else keys.words, counts

    assert outcome(lazy) == outcome(formats._read_vocab_lines)
