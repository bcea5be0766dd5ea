"""The files users already have (issue #18): compressed word2vec files from gensim and
word2vec.c, GloVe's header-less text, a limit on all of them; gensim objects converted
in memory; TensorBoard projector files."""

from __future__ import annotations

import bz2
import gzip
import lzma
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fastw2v import interop
from fastw2v.vectors import KeyedVectors

WORDS = ["the", "of", "café", "日本", "x", ","]
COMPRESS = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


def _kv(dim: int = 5, counts: bool = True) -> KeyedVectors:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(WORDS), dim)).astype(np.float32)
    return KeyedVectors(WORDS, vectors, np.arange(60, 0, -10) if counts else None)


def _gensim():
    return pytest.importorskip("gensim.models").KeyedVectors


def _same(kv: KeyedVectors, words: list[str], vectors: np.ndarray) -> None:
    assert kv.words == list(words)
    assert kv.vectors.tobytes() == np.ascontiguousarray(vectors, dtype=np.float32).tobytes()


# ------------------------------------------------------------------ compressed files


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
@pytest.mark.parametrize("binary", [True, False])
def test_gensim_files_compressed_read_directly(tmp_path: Path, binary: bool, kind: str) -> None:
    theirs = _gensim()(vector_size=5)
    theirs.add_vectors(WORDS, _kv().vectors)
    plain = tmp_path / "g"
    theirs.save_word2vec_format(str(plain), binary=binary)
    packed = tmp_path / f"g.{'bin' if binary else 'txt'}.{kind}"
    packed.write_bytes(COMPRESS[kind](plain.read_bytes()))
    for detect in (None, binary):
        _same(KeyedVectors.load_word2vec_format(packed, binary=detect), WORDS, theirs.vectors)
    _same(KeyedVectors.load_word2vec_format(packed, limit=3), WORDS[:3], theirs.vectors[:3])
    back = _gensim().load_word2vec_format(str(packed), binary=binary)  # gensim reads it too
    assert back.index_to_key == WORDS


def test_compression_is_detected_from_content_not_name(tmp_path: Path) -> None:
    kv = _kv()
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    odd = tmp_path / "vectors.dat"  # gzip data under a name that does not say so
    odd.write_bytes(gzip.compress((tmp_path / "v.bin").read_bytes()))
    _same(KeyedVectors.load_word2vec_format(odd), kv.words, kv.vectors)


def test_corrupt_gzip_is_a_value_error_naming_the_file(tmp_path: Path) -> None:
    kv = _kv()
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    data = bytearray(gzip.compress((tmp_path / "v.bin").read_bytes()))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "v.bin.gz"
    path.write_bytes(bytes(data[:-4]))
    with pytest.raises(ValueError, match="v.bin.gz"):
        KeyedVectors.load_word2vec_format(path)


def test_errors_in_compressed_files_name_vector_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(gzip.compress(b"2 2\na 1 2\nb 3\n"))
    with pytest.raises(ValueError, match=r"bad.txt.gz, line 3: expected a word and 2 values"):
        KeyedVectors.load_word2vec_format(path)


@pytest.fixture(scope="module")
def word2vec_c_files(tmp_path_factory) -> dict[str, Path]:
    exe = shutil.which("word2vec")
    if exe is None:
        pytest.skip("word2vec.c's binary is not on PATH")
    tmp = tmp_path_factory.mktemp("w2v")
    corpus = tmp / "small.txt"
    rng = np.random.default_rng(1)
    vocab = [f"w{i}" for i in range(40)] + ["é", "日本"]
    corpus.write_text("\n".join(" ".join(rng.choice(vocab, 30)) for _ in range(60)), "utf-8")
    files = {}
    for binary in (1, 0):
        path = tmp / f"v.{'bin' if binary else 'txt'}"
        cmd = [exe, "-train", str(corpus), "-output", str(path), "-binary", str(binary)]
        cmd += ["-size", "8", "-min-count", "1", "-threads", "1", "-iter", "1"]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
        files[path.name] = path
        gz = tmp / f"{path.name}.gz"
        gz.write_bytes(gzip.compress(path.read_bytes()))
        files[gz.name] = gz
    return files


@pytest.mark.parametrize("name", ["v.bin.gz", "v.txt.gz"])
def test_word2vec_c_files_gzipped_read_as_gensim_reads_them(
    word2vec_c_files: dict[str, Path], name: str
) -> None:
    path = word2vec_c_files[name]
    theirs = _gensim().load_word2vec_format(str(path), binary=name.startswith("v.bin"))
    _same(KeyedVectors.load_word2vec_format(path), theirs.index_to_key, theirs.vectors)
    plain = KeyedVectors.load_word2vec_format(word2vec_c_files[name[:-3]])
    _same(KeyedVectors.load_word2vec_format(path, limit=5), plain.words[:5], plain.vectors[:5])


# ------------------------------------------------------------------ GloVe


def _glove(kv: KeyedVectors) -> bytes:
    lines = [w + " " + " ".join("%.6f" % x for x in row) for w, row in zip(kv.words, kv.vectors)]  # noqa: UP031
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("compressed", [False, True])
def test_glove_file_without_header_read_detected_or_asked(tmp_path: Path, compressed: bool) -> None:
    kv = _kv()
    data = _glove(kv)
    path = tmp_path / ("glove.txt.gz" if compressed else "glove.txt")
    path.write_bytes(gzip.compress(data) if compressed else data)
    expected = np.array([line.split()[1:] for line in data.decode().splitlines()], np.float32)
    for no_header in (True, None):
        _same(KeyedVectors.load_word2vec_format(path, no_header=no_header), WORDS, expected)
    limited = KeyedVectors.load_word2vec_format(path, no_header=True, limit=2)
    _same(limited, WORDS[:2], expected[:2])
    theirs = _gensim().load_word2vec_format(str(path), binary=False, no_header=True)
    _same(KeyedVectors.load_word2vec_format(path), theirs.index_to_key, theirs.vectors)


def test_glove_errors_name_the_line_counting_from_one(tmp_path: Path) -> None:
    path = tmp_path / "glove.txt"
    path.write_bytes(b"the 1 2 3\nof 1 2\n")
    with pytest.raises(ValueError, match=r"glove.txt, line 2: expected a word and 3 values"):
        KeyedVectors.load_word2vec_format(path, no_header=True)


@pytest.mark.parametrize("content", [b"2 2 2\na 1 2\n", b"two 2\na 1 2\n", b"2\na 1 2\n"])
def test_malformed_headers_are_not_taken_for_glove(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="expected a header"):
        KeyedVectors.load_word2vec_format(path)


def test_no_header_with_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes(_glove(_kv()))
    with pytest.raises(ValueError, match="no_header=True is for text"):
        KeyedVectors.load_word2vec_format(path, binary=True, no_header=True)


# ------------------------------------------------------------------ gensim objects


@pytest.mark.parametrize("counts", [True, False])
def test_to_gensim_and_back_keeps_words_vectors_and_counts(counts: bool) -> None:
    _gensim()
    kv = _kv(counts=counts)
    theirs = interop.to_gensim(kv)
    assert theirs.index_to_key == kv.words and theirs.key_to_index == kv.key_to_index
    assert theirs.vectors.tobytes() == kv.vectors.tobytes()
    if counts:
        assert [theirs.get_vecattr(w, "count") for w in WORDS] == kv.counts.tolist()
    gensim_top = theirs.most_similar("the", topn=2)
    ours_top = kv.most_similar("the", topn=2)
    assert [w for w, _ in gensim_top] == [w for w, _ in ours_top]
    assert [s for _, s in gensim_top] == pytest.approx([s for _, s in ours_top], abs=1e-6)
    theirs.vectors[0] += 1  # a copy: ours does not change
    assert not np.array_equal(theirs.vectors[0], kv.vectors[0])
    back = interop.from_gensim(interop.to_gensim(kv))
    _same(back, kv.words, kv.vectors)
    assert (back.counts is None) == (not counts)


def test_from_gensim_word2vec_model() -> None:
    word2vec = pytest.importorskip("gensim.models").Word2Vec
    sentences = [["a", "b", "c", "d"], ["b", "c", "e"]] * 20
    model = word2vec(sentences, vector_size=6, min_count=1, workers=1, seed=1, epochs=1)
    kv = interop.from_gensim(model.wv)
    _same(kv, model.wv.index_to_key, model.wv.vectors)
    assert kv.counts.tolist() == [model.wv.get_vecattr(w, "count") for w in kv.words]


def test_from_a_memory_mapped_kv_gives_a_writable_gensim_copy(tmp_path: Path) -> None:
    _gensim()
    _kv().save(tmp_path / "kv")
    theirs = interop.to_gensim(KeyedVectors.load(tmp_path / "kv", mmap=True))
    theirs.vectors[0, 0] = 1.0


# ------------------------------------------------------------------ TensorBoard


@pytest.mark.parametrize("counts", [True, False])
def test_projector_files(tmp_path: Path, counts: bool) -> None:
    kv = _kv(counts=counts)
    vectors, metadata = tmp_path / "vectors.tsv", tmp_path / "metadata.tsv"
    interop.save_projector(kv, vectors, metadata)
    rows = [line.split("\t") for line in vectors.read_text("utf-8").splitlines()]
    assert np.array(rows, dtype=np.float32).tobytes() == kv.vectors.tobytes()
    lines = metadata.read_text("utf-8").splitlines()
    if counts:
        assert lines[0] == "word\tcount" and lines[1:] == [
            f"{w}\t{c}" for w, c in zip(WORDS, kv.counts.tolist())
        ]
    else:
        assert lines == WORDS
    interop.save_projector(kv, vectors, metadata, limit=2)
    assert len(vectors.read_text("utf-8").splitlines()) == 2


def test_projector_refuses_a_word_with_a_tab_and_writes_nothing(tmp_path: Path) -> None:
    kv = KeyedVectors(["a\tb", "c"], np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="tab or newline"):
        interop.save_projector(kv, tmp_path / "v.tsv", tmp_path / "m.tsv")
    assert not list(tmp_path.iterdir())


def test_without_gensim_the_conversion_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "gensim", None)
    monkeypatch.setitem(__import__("sys").modules, "gensim.models", None)
    with pytest.raises(ImportError, match=r"pip install 'fastw2v\[gensim\]'") as err:
        interop.to_gensim(_kv())
    assert "\n" not in str(err.value)


def test_export_cli_writes_projector_files_and_converts_glove(tmp_path: Path) -> None:
    from fastw2v.cli import main

    glove = tmp_path / "glove.txt"
    glove.write_text("the 0.1 0.2 0.3\ncat 0.4 0.5 0.6\nsat 0.7 0.8 0.9\n")
    vec, meta = tmp_path / "v.tsv", tmp_path / "m.tsv"
    assert main(["export", str(glove), "--no-header", "--projector", str(vec), str(meta)]) == 0
    assert vec.read_text().splitlines()[1].split("\t") == ["0.400000006", "0.5", "0.600000024"]
    assert meta.read_text().split() == ["the", "cat", "sat"]
    out = tmp_path / "v.bin"
    assert main(["export", str(glove), "--word2vec", str(out), "--binary", "--limit", "2"]) == 0
    back = KeyedVectors.load_word2vec_format(out)
    assert back.words == ["the", "cat"]
    np.testing.assert_array_equal(back.vectors[1], np.float32([0.4, 0.5, 0.6]))


def test_export_cli_never_writes_over_its_input(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from fastw2v.cli import main

    src = tmp_path / "v.txt"
    src.write_text("2 2\na 1 0\nb 0 1\n")
    assert main(["export", str(src), "--word2vec", str(src)]) == 1
    assert "is the vectors input" in capsys.readouterr().err
    assert src.read_text() == "2 2\na 1 0\nb 0 1\n"
