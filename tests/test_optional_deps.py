"""A plain ``pip install .`` has numpy, scipy and tqdm only: nothing else may be needed to
import the package, build the CLI, train, or query vectors. Each check runs in a fresh
interpreter where the optional packages (and scipy, which only word-pair scoring uses) are
made unimportable, so an import at module level anywhere in fastw2v fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLOCKED = ("scipy", "matplotlib", "mpi4py", "gensim", "hypothesis")

# Put a finder in front of every other one that refuses the blocked packages, as if they
# were not installed, then run the body.
_PRELUDE = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {blocked!r}

    class _Missing(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    for mod in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
        del sys.modules[mod]
    sys.meta_path.insert(0, _Missing())
    """
).format(blocked=BLOCKED)


def _run(body: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FASTW2V_DATA"}
    env["FASTW2V_DATA"] = str(cwd / "no-data-here")
    return subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def _cli(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run(
        f"""
        import sys
        from fastw2v.cli import main
        sys.exit(main({argv!r}))
        """,
        cwd,
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus and the vectors ``fastw2v train`` writes from it, without the extras."""
    root = tmp_path_factory.mktemp("nodeps")
    words = [f"w{i}" for i in range(30)]
    lines = [" ".join(words[(i * 7 + j) % 30] for j in range(12)) for i in range(400)]
    (root / "corpus.txt").write_text("\n".join(lines) + "\n")
    proc = _cli(
        ["train", "-train", "corpus.txt", "-output", "vec.txt", "-size", "8", "-iter", "1",
         "-min-count", "1", "-threads", "1"],
        root,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (root / "vec.txt").read_text().startswith("30 8\n")
    return root


def test_every_module_imports_and_the_parser_builds(tmp_path: Path) -> None:
    proc = _run(
        """
        import importlib, json, pkgutil
        import fastw2v
        names = sorted(m.name for m in pkgutil.iter_modules(fastw2v.__path__, "fastw2v."))
        names.remove("fastw2v.__main__")  # runs the CLI
        for name in names:
            importlib.import_module(name)
        from fastw2v.cli import build_parser
        build_parser()
        print(json.dumps(names))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    names = json.loads(proc.stdout)
    assert {"fastw2v.cli", "fastw2v.model", "fastw2v.evaluate", "fastw2v._train"} <= set(names)


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    # Without this the tests above would pass vacuously on a machine that has the extras.
    proc = _run("import scipy.stats", tmp_path)
    assert proc.returncode != 0
    assert "No module named 'scipy" in proc.stderr


def test_train_similar_analogy_run(trained: Path) -> None:
    for argv in (["similar", "vec.txt", "w1", "-n", "3"], ["analogy", "vec.txt", "w1", "w2", "w3"]):
        proc = _cli(argv, trained)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip(), argv


def test_demo_starts_and_answers_in_one_line(trained: Path) -> None:
    # No text8 in the (empty) data directory and no download allowed: a one-line error,
    # which shows the command got past its imports.
    proc = _cli(["demo", "--no-download", "--epochs", "1"], trained)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "text8" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "needs"),
    [
        (["eval", "vec.txt", "pairs.tsv"], "scipy"),
        (["plot", "vec.txt", "w1", "w2", "-o", "words.png"], "fastw2v[plot]"),
    ],
)
def test_optional_features_say_what_to_install(trained: Path, argv: list[str], needs: str) -> None:
    (trained / "pairs.tsv").write_text("w1\tw2\t1.0\nw3\tw4\t2.0\nw5\tw6\t3.0\n")
    proc = _cli(argv, trained)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert needs in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_an_unbuilt_source_tree_says_how_to_build(tmp_path: Path) -> None:
    # The package's Python files without the compiled extensions, as in a fresh clone
    # imported from its root. -S keeps site-packages' .pth hooks (an editable install of
    # the real tree) from supplying the missing extension.
    import numpy

    package = Path(__file__).resolve().parent.parent / "fastw2v"
    (tmp_path / "fastw2v").mkdir()
    for source in package.glob("*.py"):
        (tmp_path / "fastw2v" / source.name).write_bytes(source.read_bytes())
    site = str(Path(numpy.__file__).resolve().parent.parent)
    code = (
        f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {site!r}]\n"
        "import fastw2v\n"
        "fastw2v.Word2Vec\n"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert "C extension is not built" in last and "pip install -e ." in last
