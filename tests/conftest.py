import os
import random
import sys
from pathlib import Path

import pytest

# tests/reference.py is imported as a plain module by the kernel tests.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """200 lines of 10 words drawn from 30 (a fixed seed): a small file corpus for CLI
    tests. A test module may define its own ``corpus``, which then takes precedence."""
    rng = random.Random(0)
    words = [f"w{i}" for i in range(30)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(rng.choices(words, k=10)) for _ in range(200)) + "\n")
    return path
