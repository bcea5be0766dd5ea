"""NumPy (float64) reference of fastw2v's update rules, for testing the C kernel.

Each function applies one training example in place, in the same order as the kernel,
and returns the example's loss (sum of -log p(label) over its output terms). The
``*_loss`` / ``*_grad`` functions give the objective and its analytic gradient, which
tests check against finite differences.
"""

from __future__ import annotations

import numpy as np


def lock(w, row) -> float:
    """The lock factor of input row ``row``: ``w["lockf"][row]`` (1 when ``w`` has none).

    Every update of an input row is multiplied by it (gensim's ``vectors_lockf``); the
    output rows are never locked."""
    lockf = w.get("lockf")
    return 1.0 if lockf is None else float(lockf[row])


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def targets(centre, negs, hs_tables=None, negative=True):
    """Output rows of an example: [("hs"|"ns", row, label), ...] in the kernel's order."""
    out = []
    if hs_tables is not None:
        codes, points, offsets = hs_tables
        for d in range(offsets[centre], offsets[centre + 1]):
            out.append(("hs", int(points[d]), 1.0 - float(codes[d])))
    if negative:
        out.append(("ns", int(centre), 1.0))
        out.extend(("ns", int(k), 0.0) for k in negs if k != centre)
    return out


def _term_loss(f: float, label: float) -> float:
    return float(np.logaddexp(0.0, -f if label > 0.5 else f))


def softmax_step(w, h, centre, alpha, neu1e):
    """Full softmax: every output row moves by (y_j - p_j) * alpha * h; returns -log p[centre]."""
    W = w["sm"]
    z = W @ h
    p = np.exp(z - z.max())
    p /= p.sum()
    y = np.zeros_like(p)
    y[centre] = 1.0
    g = (y - p) * alpha
    neu1e += g @ W
    w["sm"] = W + np.outer(g, h)
    return float(-np.log(p[centre]))


def softmax_loss(h: np.ndarray, W: np.ndarray, centre: int) -> float:
    z = W @ h
    return float(np.logaddexp.reduce(z) - z[centre])


def softmax_grad(h: np.ndarray, W: np.ndarray, centre: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of softmax_loss w.r.t. h and W: (p - y) W and outer(p - y, h)."""
    z = W @ h
    p = np.exp(z - z.max())
    p /= p.sum()
    p[centre] -= 1.0
    return p @ W, np.outer(p, h)


def output_layer(w, h, centre, negs, alpha, neu1e, hs_tables, negative, softmax):
    """Output rows of one example: all dot products first, then one simultaneous step."""
    tg = targets(centre, negs, hs_tables, negative)
    loss = 0.0
    gs = []
    for kind, row, label in tg:
        f = h @ w[kind][row]
        gs.append((label - sigmoid(f)) * alpha)
        loss += _term_loss(f, label)
    for (kind, row, _), g in zip(tg, gs):
        neu1e += g * w[kind][row]
    for (kind, row, _), g in zip(tg, gs):
        w[kind][row] = w[kind][row] + g * h
    if softmax:
        loss += softmax_step(w, h, centre, alpha, neu1e)
    return loss


def sg_pair(w, ctx, centre, negs, alpha, hs_tables=None, negative=True, softmax=False):
    """word2vec.c's skip-gram step for one (context, centre) pair."""
    h = w["in"][ctx].copy()
    neu1e = np.zeros_like(h)
    loss = output_layer(w, h, centre, negs, alpha, neu1e, hs_tables, negative, softmax)
    w["in"][ctx] = h + lock(w, ctx) * neu1e
    return loss


def sg_batch(w, ctxs, centre, negs, alpha, hs_tables=None, negative=True):
    """Batched skip-gram: all context rows against the centre's rows, one simultaneous step."""
    tg = targets(centre, negs, hs_tables, negative)
    H = np.array([w["in"][c] for c in ctxs])  # (M, dim)
    Wo = np.array([w[kind][row] for kind, row, _ in tg])  # (T, dim)
    labels = np.array([lab for _, _, lab in tg])
    F = H @ Wo.T  # (M, T)
    G = (labels[None, :] - sigmoid(F)) * alpha
    loss = float(
        sum(_term_loss(F[m, j], labels[j]) for m in range(len(ctxs)) for j in range(len(tg)))
    )
    dH = G @ Wo
    dO = G.T @ H
    for j, (kind, row, _) in enumerate(tg):
        w[kind][row] += dO[j]
    for m, c in enumerate(ctxs):
        w["in"][c] += lock(w, c) * dH[m]
    return loss


BATCH_CONTEXTS = 10
"""Most context words one batched skip-gram step takes (the kernel's FW2V_BATCH_CONTEXTS)."""


def window_blocks(n_ctx: int, block: int = BATCH_CONTEXTS) -> list[tuple[int, int]]:
    """ceil(n_ctx / block) contiguous blocks of nearly equal size, as [lo, hi) bounds."""
    blocks = -(-n_ctx // block)
    return [(b * n_ctx // blocks, (b + 1) * n_ctx // blocks) for b in range(blocks)]


def sg_window(w, ctxs, centre, negs, alpha, hs_tables=None, negative=True):
    """Batched skip-gram on a whole window: one sg_batch step per block of at most
    BATCH_CONTEXTS contexts, block b against the noise words negs[b], one after the other."""
    return sum(
        sg_batch(w, ctxs[lo:hi], centre, negs[b], alpha, hs_tables, negative)
        for b, (lo, hi) in enumerate(window_blocks(len(ctxs)))
    )


def cbow(w, ctxs, centre, negs, alpha, mean=True, hs_tables=None, negative=True, softmax=False):
    """CBOW: mean (or sum) of the context rows predicts centre; each context row gets dh."""
    h = np.sum([w["in"][c] for c in ctxs], axis=0)
    if mean:
        h = h / len(ctxs)
    neu1e = np.zeros_like(h)
    loss = output_layer(w, h, centre, negs, alpha, neu1e, hs_tables, negative, softmax)
    for c in ctxs:
        w["in"][c] += lock(w, c) * neu1e
    return loss


def example_loss(h: np.ndarray, outs: np.ndarray, labels: np.ndarray) -> float:
    """Objective of one example: sum_j -log p(label_j | h . out_j)."""
    f = outs @ h
    return float(np.sum(np.logaddexp(0.0, np.where(labels > 0.5, -f, f))))


def example_grad(
    h: np.ndarray, outs: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of example_loss w.r.t. h and the output rows; the update rule steps along -grad.

    d/df softplus(-f) = sigmoid(f) - 1 and d/df softplus(f) = sigmoid(f): both equal
    -(label - sigmoid(f)), which is the kernel's g / alpha with the sign flipped.
    """
    f = outs @ h
    e = -(labels - sigmoid(f))
    return e @ outs, np.outer(e, h)


def window_contexts(n: int, i: int, window: int, shrink: int = 0, whole: bool = False):
    """Positions of centre ``i``'s context words in a sentence of ``n`` words, left to right
    as the kernel gathers them: within ``window - shrink`` (``shrink``: the kernel's draw in
    0..window-1, 0 with shrink_windows off), or every other position for a whole sequence."""
    reach = n if whole else window - shrink
    return [j for j in range(max(0, i - reach), min(n, i + reach + 1)) if j != i]


def train_sentence(w, sentence, alpha, window, kind, hs_tables, whole=False):
    """Every centre word of ``sentence`` in order with its full window (shrink_windows off)
    or the whole sentence as context, hierarchical softmax only: no random draw at all, so
    the kernel must match step for step. ``kind``: sg_pair, sg_batch, cbow_mean, cbow_sum."""
    loss = 0.0
    for i, centre in enumerate(sentence):
        ctxs = [sentence[j] for j in window_contexts(len(sentence), i, window, whole=whole)]
        if not ctxs:
            continue
        if kind == "sg_pair":
            for c in ctxs:
                loss += sg_pair(w, c, centre, [], alpha, hs_tables, negative=False)
        elif kind == "sg_batch":
            negs = [[] for _ in window_blocks(len(ctxs))]
            loss += sg_window(w, ctxs, centre, negs, alpha, hs_tables, negative=False)
        else:
            mean = kind == "cbow_mean"
            loss += cbow(w, ctxs, centre, [], alpha, mean, hs_tables, negative=False)
    return loss
