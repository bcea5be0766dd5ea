"""fastw2v: fast word2vec training (skip-gram, CBOW; negative sampling, hierarchical softmax).

The hot loop is C, run without the GIL on several threads; Python builds the vocabulary
and streams the corpus as integer id arrays.

>>> import fastw2v
>>> model = fastw2v.Word2Vec("text8", sg=1, vector_size=100)  # doctest: +SKIP
>>> model.wv.most_similar("king")  # doctest: +SKIP
"""

from fastw2v._train import build_info
from fastw2v.config import TrainConfig
from fastw2v.corpus import as_corpus
from fastw2v.model import Callback, EpochStats, TrainResult, Word2Vec
from fastw2v.vectors import KeyedVectors
from fastw2v.vocab import Vocab

__all__ = [
    "Callback",
    "EpochStats",
    "KeyedVectors",
    "TrainConfig",
    "TrainResult",
    "Vocab",
    "Word2Vec",
    "as_corpus",
    "build_info",
]
