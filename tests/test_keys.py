"""Lazy keys (issue #16): vectors read from a file keep their words as one UTF-8 blob
with a C hash table over it; look-ups, queries, saves and pickles must answer exactly as
the eager list and dict of a KeyedVectors built from the same words."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from fastw2v import _vecio
from fastw2v.keys import Keys
from fastw2v.vectors import KeyedVectors

DIM = 6
# Letters from several scripts, combining marks, emoji: 1- to 4-byte UTF-8.
ALPHABET = list("abcz09_-'") + ["é", "ß", "日", "本", "한", "\u0301", "😀", "ǅ", "\u200b"]


def _vocab(rng: np.random.Generator, n: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < n:
        size = int(rng.integers(1, 7))
        words["".join(rng.choice(ALPHABET, size))] = None
    return [w for w in words if w.split() == [w]]  # writable in both formats


def _misses(rng: np.random.Generator, words: list[str]) -> list[object]:
    known = set(words)
    others = ["".join(rng.choice(ALPHABET, int(rng.integers(1, 8)))) for _ in range(300)]
    others += [w + "a" for w in words[:50]] + [w[:-1] for w in words[:50]]
    others += ["", "\udcff", "a\udcffb", "\x00"]
    return [w for w in others if w not in known] + [5, np.int64(0), b"a", 1.5, None]


def _lazy(tmp_path: Path, kv: KeyedVectors, how: str) -> KeyedVectors:
    if how == "native":
        kv.save(tmp_path / "kv")
        back = KeyedVectors.load(tmp_path / "kv")
    else:
        path = tmp_path / f"kv.{how}"
        kv.save_word2vec_format(path, binary=how == "bin")
        back = KeyedVectors.load_word2vec_format(path)
    assert back._keys.lazy, "a file's keys are expected to be lazy"
    return back


@pytest.mark.parametrize("how", ["bin", "txt", "native"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lazy_keys_agree_with_the_eager_dict(tmp_path: Path, how: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    words = _vocab(rng, int(rng.integers(1, 400)))
    eager = KeyedVectors(words, rng.standard_normal((len(words), DIM)).astype(np.float32))
    lazy = _lazy(tmp_path, eager, how)
    assert len(lazy) == len(eager)
    for i in rng.permutation(len(words)):
        word = words[i]
        assert word in lazy and lazy.index_of(word) == i and lazy._key_at(i) == word
        assert np.array_equal(lazy[word], eager[word])
    for miss in _misses(rng, words):
        assert miss not in lazy and miss not in eager
        with pytest.raises(KeyError, match="not in vocabulary"):
            lazy.index_of(miss)  # type: ignore[arg-type]
        if isinstance(miss, (str, int, np.integer)):
            with pytest.raises(KeyError):
                lazy[miss]  # type: ignore[index]
    with pytest.raises(TypeError):
        [words[0]] in lazy  # unhashable, as a dict says  # noqa: B015
    word = words[int(rng.integers(len(words)))]
    assert lazy.most_similar(word, topn=5) == eager.most_similar(word, topn=5)
    assert lazy._keys.lazy, "look-ups and queries must not build the list"
    assert lazy.index_to_key == words and lazy.words is lazy.index_to_key
    assert lazy.key_to_index == eager.key_to_index
    assert lazy.index_of(word) == eager.index_of(word)  # through the dict now
    assert np.str_(word) in lazy


def test_a_large_vocabulary_indexes_every_word(tmp_path: Path) -> None:
    # Enough words for the table to wrap around and for many probes to meet other rows.
    words = [f"w{i}" for i in range(30_000)] + [f"{i}日" for i in range(30_000)]
    blob = ("\n".join(words) + "\n").encode()
    starts = np.concatenate(([0], np.cumsum([len(w.encode()) + 1 for w in words])))
    keys = Keys.from_blob(blob, starts)
    assert keys is not None
    assert [keys.find(w) for w in words] == list(range(len(words)))
    assert all(keys.find(f"x{i}") == -1 for i in range(0, 60_000, 7))


@pytest.mark.parametrize("seed", range(5))
def test_key_table_finds_the_first_duplicate_as_a_set_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool = [
        bytes(rng.integers(97, 100, int(rng.integers(1, 4)), dtype=np.uint8)) for _ in range(60)
    ]
    items = [pool[i] for i in rng.integers(0, len(pool), int(rng.integers(1, 40)))]
    blob = b"".join(w + b"\n" for w in items)
    starts = np.concatenate(([0], np.cumsum([len(w) + 1 for w in items])))
    table = _vecio.KeyTable(blob, starts)
    first_repeat = next((i for i, w in enumerate(items) if w in items[:i]), -1)
    assert table.duplicate == first_repeat
    if first_repeat >= 0:
        assert table.duplicate_of == items.index(items[first_repeat])


def test_key_table_refuses_bad_offsets() -> None:
    with pytest.raises(ValueError, match="span"):
        _vecio.KeyTable(b"ab\n", np.array([0, 4]))
    with pytest.raises(ValueError, match="increasing"):
        _vecio.KeyTable(b"ab\n\n", np.array([0, 3, 3, 4]))


@pytest.mark.parametrize("how", ["bin", "native"])
def test_duplicates_in_a_file_as_before(tmp_path: Path, how: str) -> None:
    vectors = np.arange(4 * DIM, dtype=np.float32).reshape(4, DIM)
    if how == "bin":
        path = tmp_path / "dup.bin"
        body = b"".join(w.encode() + b" " + r.tobytes() + b"\n" for w, r in zip("abac", vectors))
        path.write_bytes(f"4 {DIM}\n".encode() + body)
        with pytest.warns(UserWarning, match="duplicate word 'a' \\(vector 3\\)"):
            kv = KeyedVectors.load_word2vec_format(path)
        assert kv.words == ["a", "b", "c"] and np.array_equal(kv["c"], vectors[3])
    else:
        KeyedVectors(["a", "b", "x", "c"], vectors).save(tmp_path / "kv")
        (tmp_path / "kv" / "vocab.tsv").write_text("a\nb\na\nc\n")
        with pytest.raises(ValueError, match="vocab.tsv: duplicate word 'a' at positions 0 and 2"):
            KeyedVectors.load(tmp_path / "kv")


def test_limit_reads_lazy_keys_of_the_first_words(tmp_path: Path) -> None:
    words = ["the", "of", "café", "日本", "x"]
    kv = KeyedVectors(words, np.ones((5, DIM), np.float32))
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", limit=3)
    assert back._keys.lazy and len(back) == 3 and "café" in back and "日本" not in back
    assert back.index_to_key == words[:3]


def test_a_lazily_loaded_model_pickles_copies_and_saves(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    words = _vocab(rng, 100)
    kv = KeyedVectors(words, rng.standard_normal((len(words), DIM)).astype(np.float32))
    lazy = _lazy(tmp_path, kv, "bin")
    for clone in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy)):
        assert clone._keys.lazy and clone.index_of(words[7]) == 7 and "zzzzzzz" not in clone
        assert clone.index_to_key == words and np.array_equal(clone.vectors, kv.vectors)
    lazy.save(tmp_path / "native")
    again = KeyedVectors.load(tmp_path / "native")
    assert again.words == words and np.array_equal(again.vectors, kv.vectors)
    lazy.save_word2vec_format(tmp_path / "again.txt")
    assert KeyedVectors.load_word2vec_format(tmp_path / "again.txt").words == words
    built = pickle.loads(pickle.dumps(lazy))  # the dict has been made: pickled as it is
    assert not built._keys.lazy and built.key_to_index == kv.key_to_index


def test_a_pickle_from_before_the_keys_object_loads() -> None:
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    old = KeyedVectors.__new__(KeyedVectors)
    state = {k: v for k, v in kv.__dict__.items() if k != "_keys"}
    old.__setstate__({**state, "words": ["a", "b"], "key_to_index": {"a": 0, "b": 1}})
    assert old.index_of("b") == 1 and old.index_to_key == ["a", "b"] and "c" not in old


def test_int_keys_stay_eager_and_answer_as_before() -> None:
    kv = KeyedVectors([10, 3, 7], np.eye(3, dtype=np.float32))
    assert not kv._keys.lazy and kv.index_of(np.int64(7)) == 2 and 3 in kv
    assert "3" not in kv and kv.index_to_key == [10, 3, 7]
    with pytest.raises(KeyError):
        kv["10"]


def test_gensim_conversion_of_lazy_keys(tmp_path: Path) -> None:
    pytest.importorskip("gensim")
    from fastw2v import interop

    kv = KeyedVectors(["the", "of", "café"], np.eye(3, DIM, dtype=np.float32))
    lazy = _lazy(tmp_path, kv, "bin")
    theirs = interop.to_gensim(lazy)
    assert theirs.index_to_key == kv.words and theirs.key_to_index == kv.key_to_index


def test_assigning_words_and_key_to_index_still_works() -> None:
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.words = ["c", "d"]
    assert kv.index_of("d") == 1 and "a" not in kv and kv.index_to_key == ["c", "d"]
    kv.key_to_index = {"c": 1, "d": 0}
    assert kv.index_of("c") == 1
    with pytest.raises(ValueError, match="3 words for 2"):
        kv.words = ["a", "b", "c"]


@pytest.mark.parametrize("binary", [True, False])
def test_non_finite_value_names_the_word_of_lazy_keys(tmp_path: Path, binary: bool) -> None:
    path = tmp_path / "v"
    if binary:
        rows = np.ones((3, 2), np.float32)
        rows[1, 1] = np.inf
        body = b"".join(
            w.encode() + b" " + r.tobytes() + b"\n" for w, r in zip(["a", "日本", "c"], rows)
        )
        path.write_bytes(b"3 2\n" + body)
    else:  # 1e39 is in the C grammar and overflows float32
        path.write_bytes("3 2\na 1 2\n日本 3 1e39\nc 5 6\n".encode())
    where = "vector 2" if binary else "line 3"
    with pytest.raises(ValueError, match=f"{where} \\(word '日本'\\): NaN or infinite"):
        KeyedVectors.load_word2vec_format(path)


@pytest.mark.parametrize("binary", [True, False])
def test_lazy_keys_write_the_same_bytes_and_refuse_the_same_words(
    tmp_path: Path, binary: bool
) -> None:
    rng = np.random.default_rng(5)
    words = _vocab(rng, 200)
    kv = KeyedVectors(words, rng.standard_normal((len(words), DIM)).astype(np.float32))
    lazy = _lazy(tmp_path, kv, "bin")
    kv.save_word2vec_format(tmp_path / "eager", binary=binary, limit=150)
    lazy.save_word2vec_format(tmp_path / "lazy", binary=binary, limit=150)
    assert lazy._keys.lazy, "writing must not build the list"
    assert (tmp_path / "lazy").read_bytes() == (tmp_path / "eager").read_bytes()
    # A binary file's word may hold a tab or U+3000, which a word2vec file cannot write.
    for odd in ("a\tb", "x\u3000y"):
        body = b"".join(w.encode() + b" " + bytes(4 * DIM) + b"\n" for w in ["ok", odd])
        (tmp_path / "odd.bin").write_bytes(f"2 {DIM}\n".encode() + body)
        odd_kv = KeyedVectors.load_word2vec_format(tmp_path / "odd.bin")
        assert odd_kv._keys.lazy and odd in odd_kv
        with pytest.raises(ValueError, match=re.escape(f"cannot write word {odd!r}")):
            odd_kv.save_word2vec_format(tmp_path / "out", binary=binary)
        odd_kv.save_word2vec_format(tmp_path / "out", binary=binary, limit=1)  # "ok" only


def test_look_ups_from_threads_while_one_makes_the_dict(tmp_path: Path) -> None:
    import threading

    words = [f"w{i}" for i in range(20_000)]
    kv = KeyedVectors(words, np.zeros((len(words), 2), np.float32))
    lazy = _lazy(tmp_path, kv, "bin")
    errors: list[BaseException] = []

    def look() -> None:
        try:
            for i in range(0, len(words), 7):
                assert lazy.index_of(words[i]) == i and lazy._key_at(i) == words[i]
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=look) for _ in range(3)]
    for t in threads:
        t.start()
    lazy.key_to_index  # noqa: B018  # drops the table while the others look up
    for t in threads:
        t.join()
    assert not errors and not lazy._keys.lazy


def test_a_models_vectors_make_their_dict_only_when_looked_up(tmp_path):
    from fastw2v import Word2Vec

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(50)]
    corpus = [[words[i] for i in rng.integers(0, 50, 12)] for _ in range(200)]
    model = Word2Vec(corpus, vector_size=DIM, min_count=1, workers=1, epochs=1, progress=False)
    wv = model.wv
    wv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    assert wv._keys._index is None  # saving needs no dict
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.bin")
    assert back.index_to_key == model.vocab.words
    assert np.array_equal(wv["w7"], model.w_in[model.vocab.index["w7"]]) and "nope" not in wv
    assert wv._keys._index is not None
    assert wv.key_to_index == model.vocab.index
