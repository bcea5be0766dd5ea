# cython: language_level=3
"""Cython wrapper of csrc/fw2v_ids.c: count integer ids and remap them, without the GIL.

Token arrays are int32 or int64 (the caller, fastw2v/intcorpus.py, converts other integer
dtypes a block at a time and checks that ids are non-negative first, with :func:`scan`).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t

cdef extern from "fw2v_ids.h" nogil:
    ctypedef struct fw2v_idtable_t:
        pass

    fw2v_idtable_t *fw2v_idtable_new(int64_t dense_len)
    void fw2v_idtable_free(fw2v_idtable_t *t)
    int fw2v_idtable_count_i32(fw2v_idtable_t *t, const int32_t *tokens, int64_t n, int64_t pos0)
    int fw2v_idtable_count_i64(fw2v_idtable_t *t, const int64_t *tokens, int64_t n, int64_t pos0)
    int64_t fw2v_idtable_size(const fw2v_idtable_t *t)
    void fw2v_idtable_export(const fw2v_idtable_t *t, int64_t *ids, int64_t *counts,
                             int64_t *firsts)
    int fw2v_idtable_put(fw2v_idtable_t *t, int64_t id, int32_t value)
    int32_t fw2v_idtable_get(const fw2v_idtable_t *t, int64_t id)
    int64_t fw2v_ids_scan_i32(const int32_t *tokens, int64_t n, int64_t *lo, int64_t *hi)
    int64_t fw2v_ids_scan_i64(const int64_t *tokens, int64_t n, int64_t *lo, int64_t *hi)
    int64_t fw2v_offsets_decrease(const int64_t *offsets, int64_t n)
    int64_t fw2v_ids_chunk_i32(const fw2v_idtable_t *t, const int32_t *tokens,
                               const int64_t *indptr, int64_t n_seq, int64_t *seq, int64_t *pos,
                               int64_t chunk_words, int64_t max_len, int32_t *ids_out,
                               int64_t *offsets_out, int64_t *n_sentences)
    int64_t fw2v_ids_chunk_i64(const fw2v_idtable_t *t, const int64_t *tokens,
                               const int64_t *indptr, int64_t n_seq, int64_t *seq, int64_t *pos,
                               int64_t chunk_words, int64_t max_len, int32_t *ids_out,
                               int64_t *offsets_out, int64_t *n_sentences)


def _as_c(tokens):
    """``tokens`` as a C-contiguous int32 or int64 array (a view when it already is one)."""
    if tokens.dtype == np.int32 or tokens.dtype == np.int64:
        return np.ascontiguousarray(tokens)
    return np.ascontiguousarray(tokens, dtype=np.int64)


def scan(tokens):
    """``(lo, hi, first_negative)`` of a non-empty 1-D integer array (-1: none negative)."""
    tokens = _as_c(tokens)
    cdef int64_t lo = 0, hi = 0, bad = -1, n = tokens.shape[0]
    cdef const int32_t[::1] t32
    cdef const int64_t[::1] t64
    if n == 0:
        return 0, -1, -1
    if tokens.dtype == np.int32:
        t32 = tokens
        with nogil:
            bad = fw2v_ids_scan_i32(&t32[0], n, &lo, &hi)
    else:
        t64 = tokens
        with nogil:
            bad = fw2v_ids_scan_i64(&t64[0], n, &lo, &hi)
    return lo, hi, bad


def offsets_decrease(const int64_t[::1] offsets):
    """The first ``s`` with ``offsets[s + 1] < offsets[s]``, or -1."""
    cdef int64_t r, n = offsets.shape[0]
    if n < 2:
        return -1
    with nogil:
        r = fw2v_offsets_decrease(&offsets[0], n)
    return r


cdef class IdTable:
    """Ids to counts, first positions and values (see csrc/fw2v_ids.h).

    Parameters
    ----------
    dense_len : int
        Ids below this are held in arrays indexed by the id; larger ones are hashed.
    """

    cdef fw2v_idtable_t *t

    def __cinit__(self, int64_t dense_len):
        self.t = fw2v_idtable_new(dense_len)
        if self.t == NULL:
            raise MemoryError(f"cannot allocate an id table for {dense_len} dense ids")

    def __dealloc__(self):
        fw2v_idtable_free(self.t)

    def __len__(self):
        return fw2v_idtable_size(self.t)

    def count(self, tokens, int64_t pos0):
        """Count the (non-negative) ids of ``tokens``, the first at global position ``pos0``."""
        tokens = _as_c(tokens)
        cdef int64_t n = tokens.shape[0]
        cdef int r = 0
        cdef const int32_t[::1] t32
        cdef const int64_t[::1] t64
        if n == 0:
            return
        if tokens.dtype == np.int32:
            t32 = tokens
            with nogil:
                r = fw2v_idtable_count_i32(self.t, &t32[0], n, pos0)
        else:
            t64 = tokens
            with nogil:
                r = fw2v_idtable_count_i64(self.t, &t64[0], n, pos0)
        if r < 0:
            raise MemoryError("out of memory while counting ids")

    def export(self):
        """``(ids, counts, firsts)``: int64 arrays, one entry per distinct id."""
        cdef int64_t n = fw2v_idtable_size(self.t)
        ids = np.empty(n, np.int64)
        counts = np.empty(n, np.int64)
        firsts = np.empty(n, np.int64)
        cdef int64_t[::1] a = ids, b = counts, c = firsts
        if n > 0:
            with nogil:
                fw2v_idtable_export(self.t, &a[0], &b[0], &c[0])
        return ids, counts, firsts

    def put(self, const int64_t[::1] ids, const int32_t[::1] values):
        """Give ``ids[i]`` the value ``values[i]``."""
        cdef int64_t i, n = ids.shape[0]
        cdef int r = 0
        if values.shape[0] != n:
            raise ValueError("ids and values differ in length")
        with nogil:
            for i in range(n):
                r = fw2v_idtable_put(self.t, ids[i], values[i])
                if r < 0:
                    break
        if r < 0:
            raise MemoryError("out of memory while building the id map")

    def get(self, int64_t id):
        """The value of ``id`` (-1: none)."""
        return fw2v_idtable_get(self.t, id)

    def chunk(self, tokens, const int64_t[::1] indptr, int64_t seq, int64_t pos,
              int64_t chunk_words, int64_t max_len):
        """Cut the chunk starting at sequence ``seq``, token ``pos`` (see fw2v_ids_chunk).

        Returns
        -------
        (ids, offsets, seq, pos)
            int32 ids and int64 offsets of the chunk, and where the next one starts.
        """
        cdef int64_t n_seq = indptr.shape[0] - 1
        cdef int64_t n_sent = 0, kept = 0
        if chunk_words < 1 or max_len < 1:
            raise ValueError("chunk_words and max_len must be >= 1")
        ids = np.empty(chunk_words + max_len - 1, np.int32)
        offsets = np.empty(chunk_words + 1, np.int64)
        cdef int32_t[::1] out = ids
        cdef int64_t[::1] offs = offsets
        cdef const int32_t[::1] t32
        cdef const int64_t[::1] t64
        tokens = _as_c(tokens)
        if tokens.shape[0] == 0:  # a pointer to element 0 needs one; nothing is read
            tokens = np.zeros(1, tokens.dtype)
        if tokens.dtype == np.int32:
            t32 = tokens
            with nogil:
                kept = fw2v_ids_chunk_i32(self.t, &t32[0], &indptr[0], n_seq, &seq, &pos,
                                          chunk_words, max_len, &out[0], &offs[0], &n_sent)
        else:
            t64 = tokens
            with nogil:
                kept = fw2v_ids_chunk_i64(self.t, &t64[0], &indptr[0], n_seq, &seq, &pos,
                                          chunk_words, max_len, &out[0], &offs[0], &n_sent)
        return ids[:kept].copy(), offsets[:n_sent + 1].copy(), seq, pos
