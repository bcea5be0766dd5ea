"""Fuzz every reader with random bytes and random mutations of valid files (hypothesis).

Each test runs ``FASTW2V_FUZZ_EXAMPLES`` examples (300 by default; the long run of
docs/development.md sets it to thousands).
Whatever the bytes, a reader returns a result or raises one of its documented exceptions
(ValueError, which includes UnicodeDecodeError, for bad content; FileNotFoundError for a
missing part): never IndexError, struct.error, MemoryError, OverflowError, a crash or a
hang. Each example must finish within a second or two, so a header promising 10**12 words
is caught before anything of that size is allocated.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastw2v
from fastw2v.corpus import as_corpus
from fastw2v.evaluate import evaluate_word_pairs, read_analogies
from fastw2v.vectors import KeyedVectors
from fastw2v.vocab import Vocab

#: Examples per test; the long run (docs/development.md, "Fuzzing") sets
#: FASTW2V_FUZZ_EXAMPLES to run every reader on many more.
EXAMPLES = int(os.environ.get("FASTW2V_FUZZ_EXAMPLES", "300"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples every run: a failure reproduces
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
# Seconds an example may take: anything longer counts as a hang. Generous, because a
# loaded 2-core CI machine once took 3 s over an example that needs milliseconds.
SLOW_LIMIT = 20.0

WORDS = ["the", "of", "café", "日本", "x", "</s>"]


def _valid_kv() -> KeyedVectors:
    rng = np.random.default_rng(0)
    return KeyedVectors(
        WORDS, rng.standard_normal((len(WORDS), 4)).astype(np.float32), np.arange(60, 0, -10)
    )


def _valid_files(tmp: Path) -> dict[str, bytes]:
    kv = _valid_kv()
    kv.save_word2vec_format(tmp / "v.txt", binary=False)
    kv.save_word2vec_format(tmp / "v.bin", binary=True)
    kv.save(tmp / "native")
    Vocab(WORDS[:5], [50, 40, 30, 20, 10]).save(tmp / "vocab.txt")
    return {
        "text": (tmp / "v.txt").read_bytes(),
        "binary": (tmp / "v.bin").read_bytes(),
        "npy": (tmp / "native" / "vectors.npy").read_bytes(),
        "tsv": (tmp / "native" / "vocab.tsv").read_bytes(),
        "vocab": (tmp / "vocab.txt").read_bytes(),
        "analogies": b": capitals\nathens greece paris france\nx y z w\n: f\nboy girl man woman\n",
        "pairs": b"# comment\nthe of 1.5\ncaf\xc3\xa9 x 2\nthe x 3.25\n",
        "corpus": "the cat sat\r\non the mat\n\ncafé 日本 x\n".encode() * 3,
    }


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` after a few random edits: byte flips, truncation, insertion, deletion,
    a duplicated line; or (sometimes) plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "dupline", "digits"]))
        at = draw(st.integers(0, max(len(data), 1)))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif op == "dupline":
            lines = bytes(data).split(b"\n")
            i = min(at, len(lines) - 1)
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == "digits":  # a huge number, e.g. in a header
            data[at:at] = draw(st.sampled_from([b"999999999999", b"4294967296", b"-1", b"1e39"]))
    return bytes(data)


def _check(call: Callable[[], object], allowed: tuple[type[BaseException], ...]) -> None:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired input warns; that is allowed
        try:
            call()
        except allowed:
            pass
    assert time.perf_counter() - start < SLOW_LIMIT, "reader took too long (hang?)"


#: Examples run, by test: written to $FASTW2V_FUZZ_REPORT (one "test examples" line
#: each) at the end of the module, so that the long run's count is measured, not assumed.
_COUNTS: Counter[str] = Counter()


def _count() -> None:
    _COUNTS[os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]] += 1


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    report = os.environ.get("FASTW2V_FUZZ_REPORT")
    if report:
        with open(report, "a") as fh:
            fh.writelines(f"{test} {n}\n" for test, n in sorted(_COUNTS.items()))


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, bytes]:
    return _valid_files(tmp_path_factory.mktemp("valid"))


# ------------------------------------------------------------------ word2vec formats


@pytest.mark.parametrize("binary", [None, True, False])
@pytest.mark.parametrize("base", ["text", "binary"])
def test_fuzz_word2vec_format(tmp_path: Path, valid: dict, base: str, binary: bool | None) -> None:
    path = tmp_path / "v"

    @SETTINGS
    @given(data=mutated(valid[base]))
    def run(data: bytes) -> None:
        _count()
        path.write_bytes(data)
        _check(lambda: KeyedVectors.load_word2vec_format(path, binary=binary), (ValueError,))
        _check(
            lambda: KeyedVectors.load_word2vec_format(path, binary=binary, limit=2), (ValueError,)
        )

    run()


@pytest.mark.parametrize("part", ["npy", "tsv"])
def test_fuzz_native_format(tmp_path: Path, valid: dict, part: str) -> None:
    directory = tmp_path / "native"
    directory.mkdir()

    @SETTINGS
    @given(data=mutated(valid[part]), use_mmap=st.booleans())
    def run(data: bytes, use_mmap: bool) -> None:
        _count()
        (directory / "vectors.npy").write_bytes(data if part == "npy" else valid["npy"])
        (directory / "vocab.tsv").write_bytes(data if part == "tsv" else valid["tsv"])
        _check(lambda: KeyedVectors.load(directory, mmap=use_mmap), (ValueError,))

    run()


def test_fuzz_vocab_file(tmp_path: Path, valid: dict) -> None:
    path = tmp_path / "vocab.txt"

    @SETTINGS
    @given(data=mutated(valid["vocab"]))
    def run(data: bytes) -> None:
        _count()
        path.write_bytes(data)
        _check(lambda: Vocab.load(path), (ValueError,))
        _check(lambda: Vocab.load(path, 20, 2, strict=True), (ValueError,))  # as -read-vocab

    run()


# ------------------------------------------------------------------ evaluation files


def test_fuzz_analogies_and_word_pairs(tmp_path: Path, valid: dict) -> None:
    path = tmp_path / "test.txt"
    kv = _valid_kv()

    @SETTINGS
    @given(data=mutated(valid["analogies"]), pairs=mutated(valid["pairs"]))
    def run(data: bytes, pairs: bytes) -> None:
        _count()
        path.write_bytes(data)
        _check(lambda: read_analogies(path), (ValueError,))
        _check(lambda: kv.evaluate_word_analogies(path), (ValueError,))
        path.write_bytes(pairs)
        _check(lambda: evaluate_word_pairs(kv, path), (ValueError,))

    run()


# ------------------------------------------------------------------ corpus reader


def test_fuzz_corpus_reader(tmp_path: Path, valid: dict) -> None:
    path = tmp_path / "corpus.txt"

    @SETTINGS
    @given(
        data=mutated(valid["corpus"]),
        block_size=st.sampled_from([1, 3, 64, 1 << 18]),
        compress=st.booleans(),
    )
    def run(data: bytes, block_size: int, compress: bool) -> None:
        _count()
        path.write_bytes(gzip.compress(data) if compress else data)
        corpus = as_corpus(path)
        corpus.block_size = block_size  # type: ignore[attr-defined]

        def read() -> None:
            for sentence in corpus:
                assert sentence and all(isinstance(t, str) and t for t in sentence)

        _check(read, (ValueError,))

    run()


def test_fuzz_compressed_corpus_mutations(tmp_path: Path, valid: dict) -> None:
    path = tmp_path / "corpus.gz"

    @SETTINGS
    @given(data=mutated(gzip.compress(valid["corpus"] * 20)))
    def run(data: bytes) -> None:
        _count()
        path.write_bytes(data)
        _check(lambda: sum(1 for _ in as_corpus(path)), (ValueError,))

    run()


# ------------------------------------------------------------------ model files


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("model") / "m.fw2v"
    model = fastw2v.Word2Vec(
        [WORDS[:5]] * 10, min_count=1, vector_size=4, epochs=1, workers=1, progress=False
    )
    model.save(path)
    return path.read_bytes()


def test_fuzz_model_file(tmp_path: Path, model_bytes: bytes) -> None:
    path = tmp_path / "m.fw2v"

    @SETTINGS
    @given(data=mutated(model_bytes))
    def run(data: bytes) -> None:
        _count()
        path.write_bytes(data)
        _check(lambda: fastw2v.Word2Vec.load(path), (ValueError,))

    run()


# ------------------------------------------------------------------ checkpoints

_JUNK = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.none(),
    st.booleans(),
    st.lists(st.integers(-3, 10**6), max_size=3),
    st.lists(st.lists(st.integers(-3, 10**6), max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(["before", "at", "x"]), st.integers(-3, 10), max_size=3),
)

_RESUME = {"epochs": 2, "total_words": 100, "epoch": 1, "chunk": 0, "done": 50, "local": 50}


def test_fuzz_checkpoint_state(tmp_path: Path, model_bytes: bytes) -> None:
    """A checkpoint's training state with fields replaced by anything JSON can hold: load
    and resume give a ValueError or train, never an OverflowError or a crash."""
    src, path = tmp_path / "src.fw2v", tmp_path / "ck.fw2v"
    src.write_bytes(model_bytes)
    with np.load(src) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    corpus = [WORDS[:5]] * 10

    @SETTINGS
    @given(
        edits=st.dictionaries(
            st.sampled_from([*_RESUME, "partial", "loss", "finished", "seconds", "bogus"]),
            _JUNK,
            max_size=3,
        ),
        epochs_trained=st.one_of(st.just(1), _JUNK),
    )
    def run(edits: dict, epochs_trained: object) -> None:
        _count()
        damaged = {**meta, "resume": {**_RESUME, **edits}, "epochs_trained": epochs_trained}
        try:
            text = json.dumps(damaged)
        except ValueError:
            return
        arrays["meta"] = np.frombuffer(text.encode(), dtype=np.uint8)
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)

        def load_and_resume() -> None:
            model = fastw2v.Word2Vec.load(path)
            state = model._resume or {}
            if state.get("epochs", 0) - state.get("epoch", 0) <= 3:  # many epochs: slow, valid
                model.train(corpus, resume=True)

        _check(load_and_resume, (ValueError,))

    run()
