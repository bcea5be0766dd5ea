"""Analogy and word-pair evaluation: agreement with gensim, skip counting, the eval command."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pytest

from fastw2v.evaluate import (
    AnalogyResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
    format_table,
    is_analogy_file,
    main_eval,
)
from fastw2v.vectors import KeyedVectors

gensim = pytest.importorskip("gensim")
TEST_DATA = Path(os.path.dirname(gensim.__file__)) / "test" / "test_data"
QUESTIONS = TEST_DATA / "questions-words.txt"
WORDSIM = TEST_DATA / "wordsim353.tsv"


def to_gensim(kv: KeyedVectors):  # noqa: ANN201
    g = gensim.models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.words, kv.vectors.copy())
    return g


def planted_vectors(seed: int = 3, dim: int = 24) -> KeyedVectors:
    """Vectors for the question words where each section's b - a is roughly shared.

    A per-section offset plus noise makes many (not all) analogies right, so the
    comparison with gensim covers both outcomes. Lower-case copies of capitalised
    words sit next to their originals: they exercise the "first spelling wins" and
    "skip candidates spelt like a question word" rules of case-insensitive evaluation.
    """
    rng = np.random.default_rng(seed)
    vectors: dict[str, np.ndarray] = {}
    section = None
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            section = rng.standard_normal(dim) * 1.5
            continue
        a, b, c, d = line.split()
        for first, second in ((a, b), (c, d)):
            if first not in vectors:
                vectors[first] = rng.standard_normal(dim)
            if second not in vectors:
                vectors[second] = vectors[first] + section + rng.standard_normal(dim) * 0.8
    words = list(vectors)
    rng.shuffle(words)
    for word in [w for w in words if w[0].isupper()][:60]:
        vectors[word.lower()] = vectors[word] + rng.standard_normal(dim) * 0.05
        words.insert(int(rng.integers(0, len(words))), word.lower())
    matrix = np.array([vectors[w] for w in words], dtype=np.float32)
    return KeyedVectors(words, matrix)


def assert_same_as_gensim(result: AnalogyResult, gensim_result: tuple) -> None:
    score, sections = gensim_result
    assert result.accuracy == pytest.approx(score, abs=1e-12)
    assert [s.name for s in result.sections] == [s["section"] for s in sections[:-1]]
    for ours, theirs in zip(result.sections, sections[:-1]):
        assert (ours.correct, ours.total) == (
            len(theirs["correct"]),
            len(theirs["correct"]) + len(theirs["incorrect"]),
        )
    total = sections[-1]
    assert result.correct == len(total["correct"])
    assert result.total == len(total["correct"]) + len(total["incorrect"])


@pytest.mark.parametrize("restrict_vocab", [300, 600, 30000])
def test_analogies_match_gensim_on_questions_words(restrict_vocab: int) -> None:
    kv = planted_vectors()
    result = evaluate_word_analogies(kv, QUESTIONS, restrict_vocab=restrict_vocab)
    theirs = to_gensim(kv).evaluate_word_analogies(str(QUESTIONS), restrict_vocab=restrict_vocab)
    assert_same_as_gensim(result, theirs)
    assert result.total + result.skipped == 19544
    if restrict_vocab == 30000:
        assert result.skipped == 0 and 0.1 < result.accuracy < 0.95  # non-trivial mix of outcomes
    else:
        assert result.skipped > 0


def test_analogies_case_sensitive_match_gensim() -> None:
    kv = planted_vectors(seed=5)
    result = evaluate_word_analogies(kv, QUESTIONS, restrict_vocab=1500, case_insensitive=False)
    theirs = to_gensim(kv).evaluate_word_analogies(
        str(QUESTIONS), restrict_vocab=1500, case_insensitive=False
    )
    assert_same_as_gensim(result, theirs)


def test_hand_made_file(tmp_path: Path) -> None:
    # Points on a line: "a is to b as c is to d" holds by construction for x -> x + 1.
    words = ["one", "two", "three", "four", "Five", "five", "six"]
    vectors = np.array(
        [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 5.01], [1, 6]], dtype=np.float32
    )
    kv = KeyedVectors(words, vectors)
    path = tmp_path / "q.txt"
    path.write_text(
        ": counting\n"
        "one two three four\n"
        "TWO three four five\n"  # case-folded; "five" resolves to "Five", the first spelling
        "one two seven eight\n"  # out of vocabulary: skipped
        "not a question\n"  # three words: invalid, ignored
        ": empty\n"
        ": restricted\n"
        "four five one six\n",  # "six" is outside restrict_vocab=6: skipped
        encoding="utf-8",
    )
    result = evaluate_word_analogies(kv, path, restrict_vocab=6)
    assert [(s.name, s.correct, s.total, s.skipped) for s in result.sections] == [
        ("counting", 1, 2, 1),
        ("empty", 0, 0, 0),
        ("restricted", 0, 0, 1),
    ]
    assert (
        result.skipped == 2 and result.invalid_lines == 1 and result.oov_ratio == pytest.approx(0.5)
    )
    assert_same_as_gensim(
        result, to_gensim(kv).evaluate_word_analogies(str(path), restrict_vocab=6)
    )
    table = result.table()
    assert "counting" in table and "50.00%" in table and "total" in table


def test_missing_section_header(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_text("\na b c d\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.txt, line 2: expected a ': section' header"):
        evaluate_word_analogies(KeyedVectors(["a"], np.ones((1, 2), np.float32)), path)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim calls its own init_sims
def test_3cosmul_matches_gensim_one_question_at_a_time(tmp_path: Path) -> None:
    kv = planted_vectors(seed=7)
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    # Two sections, all words known; full vocabulary (gensim's cosmul cannot restrict).
    subset = (
        lines[:120] + [line for line in lines if line.startswith(": family")] + lines[8400:8500]
    )
    path = tmp_path / "q.txt"
    path.write_text("\n".join(subset) + "\n", encoding="utf-8")
    result = evaluate_word_analogies(
        kv, path, restrict_vocab=len(kv), case_insensitive=False, method="3cosmul"
    )
    g = to_gensim(kv)
    correct = total = 0
    for line in subset:
        if line.startswith(":"):
            continue
        a, b, c, d = line.split()
        total += 1
        best = g.most_similar_cosmul(positive=[b, c], negative=[a], topn=1)[0][0]
        correct += best == d
    assert (result.correct, result.total) == (correct, total)
    assert 0 < correct < total
    additive = evaluate_word_analogies(kv, path, restrict_vocab=len(kv), case_insensitive=False)
    assert additive.method == "3cosadd" and additive.total == total


def test_batching_does_not_change_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    import fastw2v.similarity as module  # the block size of every batched scoring

    kv = planted_vectors()
    whole = evaluate_word_analogies(kv, QUESTIONS, restrict_vocab=1000)
    monkeypatch.setattr(module, "BLOCK_ENTRIES", 1000 * 7)
    assert evaluate_word_analogies(kv, QUESTIONS, restrict_vocab=1000) == whole


def pair_vectors() -> KeyedVectors:
    words = []
    for line in WORDSIM.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words += line.split("\t")[:2]
    words = list(dict.fromkeys(words))
    rng = np.random.default_rng(11)
    rng.shuffle(words)
    words = words[: int(len(words) * 0.8)]  # some pairs become out of vocabulary
    return KeyedVectors(words, rng.standard_normal((len(words), 10)).astype(np.float32))


@pytest.mark.parametrize("restrict_vocab", [150, 300000])
def test_word_pairs_match_gensim(restrict_vocab: int) -> None:
    kv = pair_vectors()
    ours = evaluate_word_pairs(kv, WORDSIM, restrict_vocab=restrict_vocab)
    pearson, spearman, oov = to_gensim(kv).evaluate_word_pairs(
        str(WORDSIM), restrict_vocab=restrict_vocab
    )
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-6)
    assert ours.pearson_pvalue == pytest.approx(pearson[1], rel=1e-4)
    assert 100 * ours.oov_ratio == pytest.approx(oov)
    assert ours.oov > 0 and ours.pairs + ours.oov == 353


def test_word_pairs_space_separated_equals_tab(tmp_path: Path) -> None:
    kv = pair_vectors()
    spaced = tmp_path / "pairs.txt"
    text = WORDSIM.read_text(encoding="utf-8").replace("\t", " ")
    spaced.write_text(text + "bad line\n\n", encoding="utf-8")
    tab = evaluate_word_pairs(kv, WORDSIM)
    space = evaluate_word_pairs(kv, spaced)
    assert (space.spearman, space.pearson, space.pairs, space.oov) == (
        tab.spearman,
        tab.pearson,
        tab.pairs,
        tab.oov,
    )
    assert space.invalid_lines == 1
    assert "spearman" in tab.table()


def test_word_pairs_need_two_scorable_pairs(tmp_path: Path) -> None:
    path = tmp_path / "pairs.txt"
    path.write_text("# comment\nzz yy 1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"0 scorable word pairs \(1 out of vocabulary"):
        evaluate_word_pairs(pair_vectors(), path)


def test_eval_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kv = planted_vectors()
    vectors = tmp_path / "v.bin"
    kv.save_word2vec_format(vectors, binary=True)
    assert is_analogy_file(QUESTIONS) and not is_analogy_file(WORDSIM)
    args = argparse.Namespace(
        vectors=str(vectors),
        tests=[str(QUESTIONS), str(WORDSIM)],
        restrict_vocab=30000,
        method="both",
        sections=True,
    )
    assert main_eval(args) == 0
    out = capsys.readouterr().out
    expected = evaluate_word_analogies(kv, QUESTIONS)
    assert (
        "3cosadd" in out and "3cosmul" in out and "wordsim353.tsv" in out and "capital-world" in out
    )
    assert f"{100 * expected.accuracy:7.2f}%" in out
    assert format_table([expected]).count("\n") == 2  # header, column names, total only
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        main_eval(argparse.Namespace(**{**vars(args), "tests": [str(tmp_path / "missing.txt")]}))
