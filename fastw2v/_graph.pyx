# cython: language_level=3
"""Cython wrapper of csrc/fw2v_walk.c: random walks on a CSR graph without the GIL.

fastw2v/graph.py builds and checks the graph (sorted rows, positive weights, int32 node
indices); here only shapes are checked before the walks run with the GIL released.
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint64_t

cdef extern from "fw2v_walk.h" nogil:
    ctypedef struct fw2v_graph_t:
        int64_t n_nodes
        const int64_t *indptr
        const int32_t *indices
        const double *cumw

    enum:
        FW2V_WALK_FIRST
        FW2V_WALK_REJECT
        FW2V_WALK_EXACT

    ctypedef struct fw2v_walk_params_t:
        int64_t walk_length
        double inv_p
        double inv_q
        int method
        uint64_t seed

    int fw2v_random_walks(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                          const int32_t *starts, int64_t n_walks, int64_t max_degree,
                          int32_t *out, int64_t *lengths, int n_threads)
    int64_t fw2v_walks_compact(int32_t *out, const int64_t *lengths, int64_t n_walks,
                               int64_t walk_length, int64_t *indptr)
    int fw2v_walk_openmp()

METHODS = {"first": FW2V_WALK_FIRST, "reject": FW2V_WALK_REJECT, "exact": FW2V_WALK_EXACT}


def openmp():
    """Whether the walks were built with OpenMP (without it they run on one thread)."""
    return bool(fw2v_walk_openmp())


def row_cumsum(const int64_t[::1] indptr, const double[::1] weights):
    """The running sum of ``weights`` within each CSR row (float64)."""
    cdef int64_t n = indptr.shape[0] - 1, v, e
    cdef double acc
    out = np.empty(weights.shape[0], np.float64)
    cdef double[::1] cum = out
    with nogil:
        for v in range(n):
            acc = 0.0
            for e in range(indptr[v], indptr[v + 1]):
                acc = acc + weights[e]
                cum[e] = acc
    return out


def walks(const int64_t[::1] indptr, const int32_t[::1] indices, cumw,
          const int32_t[::1] starts, int64_t walk_length, double inv_p, double inv_q,
          str method, uint64_t seed, int n_threads):
    """Walk from every node of ``starts``; returns ``(walk_indptr, nodes)`` (int64, int32)."""
    cdef fw2v_graph_t g
    cdef fw2v_walk_params_t p
    cdef const double[::1] cw
    cdef int64_t n_walks = starts.shape[0], max_degree = 0, v, total = 0
    cdef int rc = 0
    if walk_length < 1 or n_threads < 1 or indptr.shape[0] < 2:
        raise ValueError("walk_length and n_threads must be >= 1, and the graph non-empty")
    g.n_nodes = indptr.shape[0] - 1
    g.indptr = &indptr[0]
    g.indices = &indices[0] if indices.shape[0] > 0 else NULL
    g.cumw = NULL
    if cumw is not None:
        cw = cumw
        if cw.shape[0] != indices.shape[0]:
            raise ValueError("cumw and indices differ in length")
        if cw.shape[0] > 0:
            g.cumw = &cw[0]
    for v in range(g.n_nodes):
        max_degree = max(max_degree, indptr[v + 1] - indptr[v])
    p.walk_length = walk_length
    p.inv_p = inv_p
    p.inv_q = inv_q
    p.method = METHODS[method]
    p.seed = seed
    out = np.empty(max(n_walks * walk_length, 1), np.int32)
    lengths = np.empty(n_walks, np.int64)
    walk_indptr = np.empty(n_walks + 1, np.int64)
    cdef int32_t[::1] o = out
    cdef int64_t[::1] lens = lengths, wp = walk_indptr
    if n_walks == 0:
        walk_indptr[0] = 0
        return walk_indptr, out[:0]
    with nogil:
        rc = fw2v_random_walks(&g, &p, &starts[0], n_walks, max_degree, &o[0], &lens[0],
                               n_threads)
        if rc == 0:
            total = fw2v_walks_compact(&o[0], &lens[0], n_walks, walk_length, &wp[0])
    if rc != 0:
        raise MemoryError("could not allocate the per-thread walk buffers")
    if total < out.shape[0] // 2:
        return walk_indptr, out[:total].copy()  # give the unused tail back
    return walk_indptr, out[:total]
