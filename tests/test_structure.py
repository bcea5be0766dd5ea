"""The code's shape, checked so that it stays true: short functions and classes, no import
cycle between fastw2v's modules, and a command-line flag for every training parameter."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from fastw2v.cli import TRAIN_FLAGS, build_parser
from fastw2v.config import TrainConfig, params

PACKAGE = Path(__file__).resolve().parent.parent / "fastw2v"
MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 300


def _modules() -> dict[str, ast.Module]:
    return {f"fastw2v.{p.stem}": ast.parse(p.read_text(), str(p)) for p in PACKAGE.glob("*.py")}


def test_functions_and_classes_are_short() -> None:
    long = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
                if lines > limit:
                    long.append(f"{name}.{node.name}: {lines} lines (limit {limit})")
    assert not long, "split these:\n" + "\n".join(long)


def _imports(name: str, tree: ast.Module, modules: set[str]) -> set[str]:
    """Modules of fastw2v that ``name`` imports anywhere (inside functions too), except
    under ``if TYPE_CHECKING:``."""
    out: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in modules:
                out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return (out & modules) - {name}


def test_no_import_cycle() -> None:
    trees = _modules()
    graph = {name: _imports(name, tree, set(trees)) for name, tree in trees.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def _other_value(name: str, default: object, spec) -> tuple[str, object]:  # noqa: ANN001
    """A command-line value for the parameter and what it must parse to, not the default."""
    if spec.choices:
        value = next(c for c in spec.choices if c != default)
        return value, value
    if spec.auto:
        return "1", True
    if isinstance(default, bool):
        target = not default
        return str(int(target != spec.invert)), target  # an inverted flag takes the negation
    if isinstance(spec.lo, float) or isinstance(default, float):
        return "0.5", 0.5
    return "3", 3


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(TrainConfig)])
def test_every_training_parameter_has_a_flag(name: str) -> None:
    default, spec = params()[name]
    parser = build_parser()
    base = ["train", "-train", "corpus.txt", "-output", "vectors.txt"]
    args = parser.parse_args(base)
    assert getattr(args, name) == default  # the CLI's default is the parameter's own
    assert TRAIN_FLAGS[name] == spec.flags[0]
    text, value = _other_value(name, default, spec)
    for flag in spec.flags:
        args = parser.parse_args([*base, flag, text])
        assert getattr(args, name) == value, (flag, text)
    if spec.switch is not None:
        flag, const = spec.switch
        assert getattr(parser.parse_args([*base, flag]), name) == const


def test_the_cli_passes_every_parameter_through() -> None:
    args = build_parser().parse_args(["train", "-train", "c.txt", "-output", "v.txt"])
    given = {name: getattr(args, name) for name in params()}
    assert TrainConfig(**given) == TrainConfig()


def test_the_cli_names_new_flags_in_its_errors(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from fastw2v.cli import main

    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b\n" * 20, encoding="utf-8")
    out = str(tmp_path / "v.txt")
    assert main(["train", "-train", str(corpus), "-output", out, "--ns-exponent", "20"]) == 1
    assert "(--ns-exponent)" in capsys.readouterr().err
    assert main(["train", "-train", str(corpus), "-output", out, "--softmax", "1"]) == 1
    assert "(--softmax, -negative, -hs)" in capsys.readouterr().err
