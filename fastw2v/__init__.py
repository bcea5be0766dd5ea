"""fastw2v: fast word2vec training (skip-gram, CBOW; negative sampling, hierarchical softmax).

The hot loop is C, run without the GIL on several threads; Python builds the vocabulary
and streams the corpus as integer id arrays.

>>> import fastw2v
>>> model = fastw2v.Word2Vec("text8", sg=1, vector_size=100)  # doctest: +SKIP
>>> model.wv.most_similar("king")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

# Public names and the modules defining them. Loaded on first use, so that the pure-Python
# parts (corpus, vocab, vectors, data) import even where the C extension is not built.
_EXPORTS = {
    "Word2Vec": "fastw2v.model",
    "Callback": "fastw2v.model",
    "EpochStats": "fastw2v.model",
    "TrainResult": "fastw2v.model",
    "TrainConfig": "fastw2v.config",
    "KeyedVectors": "fastw2v.vectors",
    "Vocab": "fastw2v.vocab",
    "Phrases": "fastw2v.phrases",
    "FrozenPhrases": "fastw2v.phrases",
    "as_corpus": "fastw2v.corpus",
    "IntCorpus": "fastw2v.intcorpus",
    "Node2Vec": "fastw2v.graph_embedding",
    "node2vec": "fastw2v.graph_embedding",
    "Graph": "fastw2v.graph",
    "build_info": "fastw2v._train",
}

__all__ = sorted(_EXPORTS)


#: The compiled extensions (setup.py builds them from fastw2v/*.pyx and csrc/).
_EXTENSIONS = ("_train", "_tokenize", "_ids", "_graph")


def __getattr__(name: str) -> Any:
    if name in _EXTENSIONS:
        # Reached by ``from fastw2v import _train`` only when the submodule is not loaded
        # yet: a source checkout used before its build fails here, so say what to run
        # instead of Python's "cannot import name '_train'".
        try:
            return importlib.import_module(f"fastw2v.{name}")
        except ImportError as exc:
            raise ImportError(
                f"fastw2v's C extension is not built (fastw2v imported from {__path__[0]}): "
                "run 'pip install -e .' in the source tree, or 'pip install .', first"
            ) from exc
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fastw2v' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
