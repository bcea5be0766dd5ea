# cython: language_level=3
"""Cython wrapper of the C vector-file code (csrc/fw2v_vecio.c): hold its state, release the GIL.

:class:`VecReader` fills a preallocated float32 matrix from blocks of a word2vec binary or
text file and collects the words' bytes; fastw2v/formats.py drives it (the file, the
blocks, the errors' wording). The writers format blocks of rows into a caller's buffer.
"""

import numpy as np

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.stdint cimport int64_t, uint64_t

cdef extern from "fw2v_vecio.h" nogil:
    enum:
        FW2V_VEC_MORE
        FW2V_VEC_FULL
        FW2V_VEC_ODD
        FW2V_VEC_NO_WORD
        FW2V_VEC_SHORT
        FW2V_VEC_EMPTY_WORD
        FW2V_VEC_NOMEM

    ctypedef struct fw2v_words_t:
        char *bytes
        int64_t len
        int64_t *ends
        int64_t n
        int has_sep

    ctypedef struct fw2v_vecreader_t:
        int64_t dim
        int64_t cap_rows
        int64_t done
        int64_t first_nonfinite
        int64_t parallel_min
        fw2v_words_t words

    void fw2v_vecreader_init(fw2v_vecreader_t *r, float *rows, int64_t cap_rows, int64_t dim)
    void fw2v_vecreader_free(fw2v_vecreader_t *r)
    int fw2v_vecreader_add_row(fw2v_vecreader_t *r, const char *word, int64_t len)
    int fw2v_read_binary(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                         int64_t *consumed, int64_t *detail)
    int fw2v_read_text(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                       int64_t *consumed, int64_t *detail)
    int fw2v_read_text_parallel(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                                int threads, int64_t *consumed, int64_t *detail)
    int fw2v_parse_float32(const char *text, int64_t len, float *out)
    int64_t fw2v_count_lines(const char *buf, int64_t len, int final_partial)
    int64_t fw2v_binary_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim)
    int64_t fw2v_write_binary(const char *words, const int64_t *starts, const float *rows,
                              int64_t dim, int64_t r0, int64_t r1, char *out)
    int64_t fw2v_text_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim)
    void fw2v_write_text(const char *words, const int64_t *starts, const float *rows,
                         int64_t dim, int64_t r0, int64_t r1, char *out, int threads,
                         int64_t *offsets, int64_t *lens)
    int fw2v_format_g9(float value, char *out)
    int64_t fw2v_first_nonfinite(const float *rows, int64_t n_rows, int64_t dim, int threads)
    int fw2v_sigbus_note(const char *path)

MORE = FW2V_VEC_MORE
FULL = FW2V_VEC_FULL
ODD = FW2V_VEC_ODD
NO_WORD = FW2V_VEC_NO_WORD
SHORT = FW2V_VEC_SHORT
EMPTY_WORD = FW2V_VEC_EMPTY_WORD

cdef const char *_EMPTY = ""


cdef class VecReader:
    """Reading state: the matrix being filled (kept alive here) and the words collected."""

    cdef fw2v_vecreader_t r
    cdef object matrix

    def __cinit__(self, float[:, ::1] matrix not None, int64_t parallel_min=1 << 20):
        self.matrix = matrix
        cdef float *rows = &matrix[0, 0] if matrix.shape[0] > 0 else NULL
        fw2v_vecreader_init(&self.r, rows, matrix.shape[0], matrix.shape[1])
        self.r.parallel_min = parallel_min

    def __dealloc__(self):
        fw2v_vecreader_free(&self.r)

    @property
    def done(self) -> int:
        return self.r.done

    @property
    def first_nonfinite(self) -> int:
        return self.r.first_nonfinite

    def feed(self, const unsigned char[::1] buf, int64_t start, int64_t end, bint final,
             bint binary, int threads=1):
        """Read records from ``buf[start:end]``: ``(status, consumed, detail)``.

        ``consumed`` is an offset in ``buf``; ``detail`` is the end of the odd line (an
        offset in ``buf``) for ODD and the count of bytes after the word for SHORT.
        """
        if not 0 <= start <= end <= buf.shape[0]:
            raise RuntimeError("block out of range")
        cdef const char *p = <const char *>&buf[0] + start if buf.shape[0] else _EMPTY
        cdef int64_t consumed = 0, detail = 0
        cdef int status
        with nogil:
            if binary:
                status = fw2v_read_binary(&self.r, p, end - start, final, &consumed, &detail)
            else:
                status = fw2v_read_text_parallel(&self.r, p, end - start, final, threads,
                                                 &consumed, &detail)
        if status == FW2V_VEC_NOMEM:
            raise MemoryError("out of memory collecting the words")
        return status, start + consumed, start + detail if status == FW2V_VEC_ODD else detail

    def add_row(self):
        """Account for a row the caller filled itself (its word comes from the caller too)."""
        if self.r.done >= self.r.cap_rows:
            raise RuntimeError("matrix full")
        if fw2v_vecreader_add_row(&self.r, _EMPTY, 0):
            raise MemoryError("out of memory collecting the words")

    def words(self):
        """``(joined, ends, has_sep)``: the words' bytes each followed by b'\\n', their ends."""
        cdef int64_t n = self.r.words.n
        joined = self.r.words.bytes[:self.r.words.len] if self.r.words.len else b""
        ends = np.empty(n, dtype=np.int64)
        cdef int64_t[::1] view = ends
        cdef int64_t i
        for i in range(n):
            view[i] = self.r.words.ends[i]
        return joined, ends, bool(self.r.words.has_sep)


def parse_float32(bytes text):
    """The text reader's parse of one value (a test hook), or None outside its grammar."""
    cdef float out = 0
    if fw2v_parse_float32(text, len(text), &out):
        return np.float32(out)
    return None


def count_lines(const unsigned char[::1] buf, bint final_partial) -> int:
    """Lines in ``buf`` (a last line without a newline counts when ``final_partial``)."""
    if buf.shape[0] == 0:
        return 0
    cdef int64_t n
    with nogil:
        n = fw2v_count_lines(<const char *>&buf[0], buf.shape[0], final_partial)
    return n


def format_g9(const float[::1] values) -> bytes:
    """Each value as the text writer formats it, one per line (a test hook)."""
    cdef char tmp[32]
    out = []
    cdef Py_ssize_t i
    cdef int n
    for i in range(values.shape[0]):
        n = fw2v_format_g9(values[i], tmp)
        out.append(tmp[:n])
    return b"\n".join(out)


def _check(const unsigned char[::1] words, const int64_t[::1] starts, const float[:, ::1] rows,
           int64_t r0, int64_t r1):
    if not (0 <= r0 <= r1 <= rows.shape[0] and starts.shape[0] == rows.shape[0] + 1):
        raise ValueError("rows out of range")
    if rows.shape[0] and (starts[0] < 0 or starts[rows.shape[0]] > words.shape[0] + 1):
        raise ValueError("word offsets out of range")


def write_binary_block(const unsigned char[::1] words, const int64_t[::1] starts,
                       const float[:, ::1] rows, int64_t r0, int64_t r1,
                       unsigned char[::1] out) -> int:
    """Format rows ``[r0, r1)`` as binary records into ``out``: the bytes written."""
    _check(words, starts, rows, r0, r1)
    if r0 == r1:
        return 0
    cdef int64_t need = fw2v_binary_bound(&starts[0], r0, r1, rows.shape[1])
    if need > out.shape[0]:
        raise ValueError(f"buffer of {out.shape[0]} bytes, need {need}")
    cdef int64_t n
    with nogil:
        n = fw2v_write_binary(<const char *>&words[0], &starts[0], &rows[0, 0], rows.shape[1],
                              r0, r1, <char *>&out[0])
    return n


def text_bound(const int64_t[::1] starts, int64_t r0, int64_t r1, int64_t dim) -> int:
    """Bytes that :func:`write_text_block` may need for rows ``[r0, r1)``."""
    return fw2v_text_bound(&starts[0], r0, r1, dim)


def write_text_block(const unsigned char[::1] words, const int64_t[::1] starts,
                     const float[:, ::1] rows, int64_t r0, int64_t r1, unsigned char[::1] out,
                     int threads):
    """Format rows ``[r0, r1)`` as text lines into ``out`` with ``threads`` threads.

    Returns the ``(offset, length)`` of each thread's part, in order.
    """
    _check(words, starts, rows, r0, r1)
    if threads < 1:
        raise ValueError("threads must be >= 1")
    if r0 == r1:
        return []
    if fw2v_text_bound(&starts[0], r0, r1, rows.shape[1]) > out.shape[0]:
        raise ValueError("buffer too small")
    offsets = np.zeros(threads, dtype=np.int64)
    lens = np.zeros(threads, dtype=np.int64)
    cdef int64_t[::1] o = offsets, l = lens
    with nogil:
        fw2v_write_text(<const char *>&words[0], &starts[0], &rows[0, 0], rows.shape[1], r0, r1,
                        <char *>&out[0], threads, &o[0], &l[0])
    return list(zip(offsets.tolist(), lens.tolist()))


def first_nonfinite(const float[:, ::1] rows, int threads) -> int:
    """First row holding a NaN or an infinity, or -1."""
    if rows.shape[0] == 0 or rows.shape[1] == 0:
        return -1
    cdef int64_t row
    with nogil:
        row = fw2v_first_nonfinite(&rows[0, 0], rows.shape[0], rows.shape[1], threads)
    return row


def sigbus_note(path: str) -> None:
    """Have a SIGBUS (the mapped file cut underneath) print one line naming ``path``."""
    cdef bytes raw = path.encode("utf-8", "replace").replace(b"\n", b" ")
    if fw2v_sigbus_note(raw):
        raise OSError("sigaction(SIGBUS) failed")


cdef extern from "Python.h":
    object _PyDict_NewPresized(Py_ssize_t minused)


def index_of_words(list words) -> dict:
    """``{word: row}`` in a dict sized once (no rehashing as it grows); later duplicates win.

    The caller compares its length with the list's to find duplicates.
    """
    cdef dict out = _PyDict_NewPresized(len(words))
    cdef Py_ssize_t i
    for i in range(len(words)):
        out[words[i]] = i
    return out


cdef extern from "fw2v_keys.h" nogil:
    uint64_t fw2v_keys_slots(int64_t n)
    int64_t fw2v_keys_build(const char *blob, const int64_t *starts, int64_t n,
                            uint64_t *table, uint64_t size, int64_t *first)
    int64_t fw2v_keys_find(const char *blob, const int64_t *starts, const uint64_t *table,
                           uint64_t size, const char *key, int64_t len)
    int fw2v_blob_has_space(const char *blob, int64_t len)
    int64_t fw2v_native_vocab(const char *data, int64_t len, int64_t max_count,
                              char *words_out, int64_t *starts, int64_t *counts,
                              int *has_counts)

cdef extern from "Python.h":
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL


cdef class KeyTable:
    """A hash index over words kept as one UTF-8 blob (csrc/fw2v_keys.c).

    Word ``i`` is ``blob[starts[i]:starts[i + 1] - 1]``. Building it finds the first
    repeated word: :attr:`duplicate` is its row (-1 when the words are distinct) and
    :attr:`duplicate_of` the earlier row with the same bytes; the table then stops
    there and is not for look-ups.
    """

    cdef bytes blob
    cdef object starts, table
    cdef const char *b
    cdef const int64_t *s
    cdef const uint64_t *t
    cdef uint64_t size
    cdef readonly int64_t n, duplicate, duplicate_of

    def __cinit__(self, bytes blob not None, starts not None):
        cdef const int64_t[::1] sv = starts
        cdef int64_t n = sv.shape[0] - 1, i
        if n < 0 or n >= 0xFFFFFFFF:
            raise ValueError(f"a key table holds 0 to 2**32 - 2 words, got {n}")
        if sv[0] != 0 or sv[n] != PyBytes_GET_SIZE(blob):
            raise ValueError("word offsets do not span the blob")
        for i in range(n):
            if sv[i + 1] <= sv[i]:
                raise ValueError(f"word offsets are not increasing at {i}")
        self.blob, self.starts, self.n = blob, starts, n
        self.b, self.s = PyBytes_AS_STRING(blob), &sv[0]
        self.size = fw2v_keys_slots(n)
        self.table = np.zeros(self.size, dtype=np.uint64)
        cdef uint64_t[::1] tv = self.table
        self.t = &tv[0]
        cdef int64_t first = -1, dup
        with nogil:
            dup = fw2v_keys_build(self.b, self.s, n, &tv[0], self.size, &first)
        self.duplicate, self.duplicate_of = dup, first

    def find(self, str key not None) -> int:
        """Row of ``key``, or -1 (a key holding a lone surrogate is in no UTF-8 blob)."""
        cdef Py_ssize_t length
        cdef const char *p
        try:
            p = PyUnicode_AsUTF8AndSize(key, &length)
        except UnicodeEncodeError:
            return -1
        return fw2v_keys_find(self.b, self.s, self.t, self.size, p, length)

    @property
    def nbytes(self) -> int:
        """Bytes of the table itself (the blob and offsets are the caller's)."""
        return self.table.nbytes


def blob_has_space(bytes blob not None) -> bool:
    """Whether a word of a valid UTF-8 blob (each word followed by b'\\n') is empty or
    holds whitespace (as ``str.isspace`` says): then it cannot be written as it is."""
    cdef const char *p = PyBytes_AS_STRING(blob)
    cdef int64_t n = PyBytes_GET_SIZE(blob)
    cdef int found
    with nogil:
        found = fw2v_blob_has_space(p, n)
    return bool(found)


def native_vocab(const unsigned char[::1] data, int64_t max_count):
    """``(blob, starts, counts or None)`` of a native vocab.tsv's bytes, or None when a
    line is outside the plain grammar (the caller's line reader then names it)."""
    cdef int64_t length = data.shape[0]
    cdef const char *p = <const char *>&data[0] if length else _EMPTY
    cdef int64_t lines = 1
    with nogil:
        lines += fw2v_count_lines(p, length, 0)
    out = np.empty(length + 1, dtype=np.uint8)
    starts = np.empty(lines + 1, dtype=np.int64)
    counts = np.empty(lines, dtype=np.int64)
    cdef unsigned char[::1] ov = out
    cdef int64_t[::1] sv = starts, cv = counts
    cdef int has_counts = 0
    cdef int64_t n
    with nogil:
        n = fw2v_native_vocab(p, length, max_count, <char *>&ov[0], &sv[0], &cv[0], &has_counts)
    if n < 0:
        return None
    blob = out[: sv[n]].tobytes()
    return blob, starts[: n + 1].copy(), counts[:n].copy() if has_counts else None
