"""Plain-Python reference of phrase counting, scoring and joining (fastw2v.phrases).

Written from the definitions (word2phrase's counting with ReduceVocab, its score, gensim's
NPMI), a dict per table and a float per score, so that the C counter and the NumPy scoring
can be checked against something short enough to read at once.
"""

from __future__ import annotations

import math


def count(sentences, max_entries):
    """Unigram and bigram counts with word2phrase's pruning, checked after every token.

    Returns ``(unigrams, bigrams, words, min_reduce, prunes)``: dicts word -> count and
    (a, b) -> count, tokens counted, the final min_reduce and how many prunes ran.
    """
    uni: dict[str, int] = {}
    bi: dict[tuple[str, str], int] = {}
    words, min_reduce, prunes = 0, 1, 0
    for sentence in sentences:
        for i, w in enumerate(sentence):
            uni[w] = uni.get(w, 0) + 1
            if i > 0:
                pair = (sentence[i - 1], w)
                bi[pair] = bi.get(pair, 0) + 1
            words += 1
            if len(uni) + len(bi) > max_entries:
                uni = {k: v for k, v in uni.items() if v > min_reduce}
                bi = {k: v for k, v in bi.items() if v > min_reduce}
                min_reduce += 1
                prunes += 1
    return uni, bi, words, min_reduce, prunes


def score(ca, cb, cab, n, min_count, scoring):
    """One bigram's score, or None when it may not form a phrase."""
    if scoring == "default":
        if ca < min_count or cb < min_count or cab < min_count:
            return None
        return (cab - min_count) / ca / cb * n
    if cab < min_count or ca <= 0 or cb <= 0:
        return None
    pa, pb, pab = ca / n, cb / n, cab / n
    if pab == 1.0:
        return 1.0
    return math.log(pab / (pa * pb)) / -math.log(pab)


def phrases(uni, bi, n, min_count, threshold, scoring):
    """{(a, b): score} of the bigrams scoring above ``threshold``."""
    out = {}
    for (a, b), cab in bi.items():
        s = score(uni.get(a, 0), uni.get(b, 0), cab, n, min_count, scoring)
        if s is not None and s > threshold:
            out[(a, b)] = s
    return out


def join(sentence, pairs, delimiter="_"):
    """word2phrase's left-to-right joining: a word joined into a phrase is not reused."""
    out, i = [], 0
    while i < len(sentence):
        if i + 1 < len(sentence) and (sentence[i], sentence[i + 1]) in pairs:
            out.append(sentence[i] + delimiter + sentence[i + 1])
            i += 2
        else:
            out.append(sentence[i])
            i += 1
    return out
