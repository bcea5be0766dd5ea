# cython: language_level=3
"""Cython wrapper of the C tokeniser (csrc/fw2v_tokenize.c): hold its state, release the GIL.

:class:`Lexicon` maps words (UTF-8 bytes) to ids; :class:`Tokenizer` cuts blocks of valid
UTF-8 text into tokens and sentences exactly as :func:`fastw2v.corpus.sentences_from_blocks`
does, and either counts the tokens into a lexicon (optionally recording their ids, which
:func:`remap_chunk` later turns into final ids) or encodes them into chunks of ids. The
Python side (fastw2v/encoding.py) reads the files and repairs invalid UTF-8 before a block
gets here.
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memcpy

cdef extern from "fw2v_tokenize.h" nogil:
    enum:
        FW2V_TOK_DONE
        FW2V_TOK_CHUNK
        FW2V_TOK_NOMEM
        FW2V_TOK_BLOCK_END
        FW2V_TOK_FILE_END
        FW2V_TOK_MAX_TOKEN_CHARS

    ctypedef struct fw2v_lexicon_t:
        pass

    fw2v_lexicon_t *fw2v_lexicon_new()
    void fw2v_lexicon_free(fw2v_lexicon_t *lex)
    int64_t fw2v_lexicon_add(fw2v_lexicon_t *lex, const char *word, int64_t len, int64_t count)
    int64_t fw2v_lexicon_find(const fw2v_lexicon_t *lex, const char *word, int64_t len)
    int64_t fw2v_lexicon_size(const fw2v_lexicon_t *lex)
    const char *fw2v_lexicon_word(const fw2v_lexicon_t *lex, int64_t id, int64_t *len)
    int64_t fw2v_lexicon_count(const fw2v_lexicon_t *lex, int64_t id)
    void fw2v_lexicon_counts(const fw2v_lexicon_t *lex, int64_t *counts)

    ctypedef struct fw2v_tokenizer_t:
        int32_t *ids
        int64_t n_ids
        int64_t *ends
        int64_t n_ends
        int64_t raw
        int record

    fw2v_tokenizer_t *fw2v_tokenizer_new(int64_t max_len, int64_t chunk_words, int count)
    void fw2v_tokenizer_free(fw2v_tokenizer_t *t)
    void fw2v_tokenizer_clear_chunk(fw2v_tokenizer_t *t)
    int fw2v_tokenize(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const char *text, int64_t n,
                      int end, int64_t *consumed)
    int64_t fw2v_remap_chunk(int32_t *ids, int64_t n_ids, int64_t *offsets, int64_t n_sentences,
                             const int32_t *table, int64_t table_len)

cdef extern from "fw2v_count.h" nogil:
    int64_t fw2v_rank_counts(const int64_t *counts, int64_t n, int64_t keep, int64_t *order)
    int64_t fw2v_lexicon_join(const fw2v_lexicon_t *lex, const int64_t *order, int64_t n,
                              char *out)

cdef extern from "fw2v_count.h" nogil:
    enum:
        FW2V_PCOUNT_OK
        FW2V_PCOUNT_NOMEM
        FW2V_PCOUNT_LONG

    ctypedef struct fw2v_pcount_t:
        pass

    fw2v_pcount_t *fw2v_pcount_new(int n_threads, int record)
    void fw2v_pcount_free(fw2v_pcount_t *pc)
    int fw2v_pcount_feed(fw2v_pcount_t *pc, const char *text, int64_t n, int file_end,
                         int64_t *consumed)
    void fw2v_pcount_stop_recording(fw2v_pcount_t *pc)
    int64_t fw2v_pcount_recorded(const fw2v_pcount_t *pc)
    fw2v_lexicon_t *fw2v_pcount_merge(fw2v_pcount_t *pc)
    int64_t fw2v_pcount_assemble(const fw2v_pcount_t *pc, int64_t max_len, int32_t *ids,
                                 int64_t *ends, int64_t *n_ids)
    int64_t fw2v_cut_chunks(const int64_t *ends, int64_t n_ends, int64_t chunk_words,
                            int64_t *last_of_chunk)

cdef const char *_EMPTY = ""

BLOCK_END = FW2V_TOK_BLOCK_END
FILE_END = FW2V_TOK_FILE_END
MAX_TOKEN_CHARS = FW2V_TOK_MAX_TOKEN_CHARS


cdef class Lexicon:
    """Words as UTF-8 byte strings, with ids in insertion order and a count each.

    Parameters
    ----------
    words : iterable of bytes, optional
        Added in order: word ``i`` gets id ``i``. Must be distinct.
    """

    cdef fw2v_lexicon_t *lex

    def __cinit__(self, words=()):
        self.lex = fw2v_lexicon_new()
        if self.lex is NULL:
            raise MemoryError("tokeniser lexicon")
        cdef bytes w
        cdef int64_t i = 0, got
        for w in words:
            got = fw2v_lexicon_add(self.lex, w, len(w), 0)
            if got < 0:
                raise MemoryError("tokeniser lexicon")
            if got != i:
                raise ValueError(f"duplicate word {w!r} in the lexicon")
            i += 1

    def __dealloc__(self):
        fw2v_lexicon_free(self.lex)

    def __len__(self):
        return fw2v_lexicon_size(self.lex)

    def find(self, bytes word):
        """The id of ``word``, or -1."""
        return fw2v_lexicon_find(self.lex, word, len(word))

    def words(self):
        """All words as bytes, in id order."""
        cdef int64_t i, n = fw2v_lexicon_size(self.lex), length
        cdef const char *s
        out = []
        for i in range(n):
            s = fw2v_lexicon_word(self.lex, i, &length)
            out.append(s[:length])
        return out

    def counts(self):
        """The counts, in id order (int64 array)."""
        cdef int64_t n = fw2v_lexicon_size(self.lex)
        arr = np.empty(max(n, 1), dtype=np.int64)
        cdef int64_t[::1] view = arr
        fw2v_lexicon_counts(self.lex, &view[0])
        return arr[:n]

    def ranked(self, const int64_t[::1] counts, int64_t keep):
        """The ids of the words counted at least ``keep`` times, most frequent first, ties
        in id order (int64 array); ``counts`` is :meth:`counts`."""
        cdef int64_t n = fw2v_lexicon_size(self.lex), kept
        if counts.shape[0] != n:
            raise ValueError(f"{counts.shape[0]} counts for {n} words")
        order = np.empty(max(n, 1), dtype=np.int64)
        cdef int64_t[::1] order_view = order
        with nogil:
            kept = fw2v_rank_counts(&counts[0] if n else NULL, n, keep, &order_view[0])
        if kept < 0:
            raise MemoryError("ranking the vocabulary")
        return order[:kept]

    def joined(self, const int64_t[::1] ids):
        """The words ``ids`` (valid ids) joined by a newline, which no word holds (bytes)."""
        cdef int64_t n = ids.shape[0], size, i, top = fw2v_lexicon_size(self.lex)
        for i in range(n):
            if ids[i] < 0 or ids[i] >= top:
                raise ValueError(f"word id {ids[i]} is not in the lexicon")
        cdef const int64_t *ids_ptr = &ids[0] if n else NULL
        size = fw2v_lexicon_join(self.lex, ids_ptr, n, NULL)
        out = PyBytes_FromStringAndSize(NULL, size)
        cdef char *buf = PyBytes_AS_STRING(out)
        with nogil:
            fw2v_lexicon_join(self.lex, ids_ptr, n, buf)
        return out


cdef class Tokenizer:
    """The reading state of a stream of files, and the chunk of ids being built.

    Parameters
    ----------
    lexicon : Lexicon
        Counted into (``count=True``) or looked up in.
    max_len : int
        Longest sentence, in raw tokens (longer lines are cut).
    chunk_words : int
        Encoding: a chunk ends at the first sentence end once it holds this many raw
        tokens (0: one chunk for everything).
    count : bool
        Count every token into ``lexicon`` instead of encoding.
    record : bool
        When counting, also build chunks of every token's id in ``lexicon`` (cut as
        encoding cuts them): the corpus encoded once the vocabulary is known, see
        :func:`remap_chunk`. The caller must keep the lexicon under 2^31 words meanwhile.
    """

    cdef fw2v_tokenizer_t *t
    cdef Lexicon lexicon

    def __cinit__(
        self, Lexicon lexicon, int64_t max_len, int64_t chunk_words=0, bint count=False,
        bint record=False,
    ):
        if max_len < 1:
            raise ValueError(f"max_len must be >= 1, got {max_len}")
        if chunk_words < 0:
            raise ValueError(f"chunk_words must be >= 0, got {chunk_words}")
        self.t = fw2v_tokenizer_new(max_len, chunk_words, count)
        if self.t is NULL:
            raise MemoryError("tokeniser state")
        self.t.record = count and record
        self.lexicon = lexicon

    def __dealloc__(self):
        fw2v_tokenizer_free(self.t)

    def feed(self, const unsigned char[::1] text, int end):
        """Tokenise one block of valid UTF-8; yield each (ids, offsets) chunk it completes.

        ``end`` is :data:`BLOCK_END`, or :data:`FILE_END` for the (possibly empty) text
        that ends a file.
        """
        cdef int64_t n = text.shape[0], pos = 0, used = 0
        cdef const char *base = _EMPTY  # never NULL, even for an empty block
        if n > 0:
            base = <const char *>&text[0]
        cdef int r
        while True:
            with nogil:
                r = fw2v_tokenize(self.t, self.lexicon.lex, base + pos, n - pos, end, &used)
            pos += used
            if r == FW2V_TOK_NOMEM:
                raise MemoryError("tokeniser: out of memory")
            if r == FW2V_TOK_CHUNK:
                yield self.take()
            else:
                return

    def stop_recording(self):
        """Go on counting only; the chunk being recorded is dropped."""
        self.t.record = 0
        fw2v_tokenizer_clear_chunk(self.t)

    def pending(self):
        """Whether the chunk being built holds a sentence."""
        return self.t.n_ends > 0

    def take(self):
        """The chunk built so far as (int32 ids, int64 sentence offsets); starts a new one."""
        cdef int64_t n_ids = self.t.n_ids, n_ends = self.t.n_ends
        ids = np.empty(n_ids, dtype=np.int32)
        offsets = np.empty(n_ends + 1, dtype=np.int64)
        cdef int32_t[::1] ids_view = ids
        cdef int64_t[::1] off_view = offsets
        if n_ids:
            memcpy(&ids_view[0], self.t.ids, n_ids * sizeof(int32_t))
        off_view[0] = 0
        if n_ends:
            memcpy(&off_view[1], self.t.ends, n_ends * sizeof(int64_t))
        fw2v_tokenizer_clear_chunk(self.t)
        return ids, offsets


def remap_chunk(int32_t[::1] ids, int64_t[::1] offsets, const int32_t[::1] table):
    """Map a chunk recorded while counting to vocabulary ids, in place.

    Parameters
    ----------
    ids, offsets : numpy.ndarray
        A recorded chunk: int32 lexicon ids and int64 sentence offsets (both modified).
    table : numpy.ndarray
        int32: the vocabulary id of each lexicon id, -1 for words not in the vocabulary.

    Returns
    -------
    int
        How many ids were kept: the chunk is ``(ids[:kept], offsets)``, the chunk that
        encoding the same text with the vocabulary would have produced.
    """
    if offsets.shape[0] < 1:
        raise ValueError("offsets needs at least one entry")
    cdef int32_t *ids_ptr = &ids[0] if ids.shape[0] else NULL
    cdef const int32_t *table_ptr = &table[0] if table.shape[0] else NULL
    cdef int64_t kept
    with nogil:
        kept = fw2v_remap_chunk(ids_ptr, ids.shape[0], &offsets[0], offsets.shape[0] - 1,
                                table_ptr, table.shape[0])
    if kept == -1:
        raise ValueError("a recorded id is outside the table")
    if kept < 0:
        raise ValueError("the offsets do not describe the ids")
    return kept


cdef class ParallelCounter:
    """Count a stream of text in several threads, into the lexicon serial counting builds.

    Each :meth:`feed` cuts its text into one range per thread at ASCII whitespace and
    counts the ranges at once, each thread into its own lexicon with the position where
    each word first appeared; :meth:`merge` sums the lexicons and numbers the words in order
    of first appearance, so the result is the serial one: same words, counts and ids.

    Parameters
    ----------
    threads : int
        1 to 64.
    record : bool
        Also keep every token's id and the line ends (:meth:`chunks`).
    """

    cdef fw2v_pcount_t *pc
    cdef bint merged

    def __cinit__(self, int threads, bint record=False):
        if not 1 <= threads <= 64:
            raise ValueError(f"threads must be in 1..64, got {threads}")
        self.pc = fw2v_pcount_new(threads, record)
        if self.pc is NULL:
            raise MemoryError("parallel counter")

    def __dealloc__(self):
        fw2v_pcount_free(self.pc)

    def feed(self, const unsigned char[::1] text, bint file_end):
        """Count ``text`` (valid UTF-8) up to its last ASCII whitespace, or all of it when
        the file ends there. Returns the bytes used (the caller gives the rest again with
        what follows), or -1 when a token is too long to be cut as the serial tokeniser
        would cut it: then count serially."""
        if self.merged:
            raise RuntimeError("feed after merge")
        cdef int64_t n = text.shape[0], used = 0
        cdef const char *base = _EMPTY
        if n > 0:
            base = <const char *>&text[0]
        cdef int r
        with nogil:
            r = fw2v_pcount_feed(self.pc, base, n, file_end, &used)
        if r == FW2V_PCOUNT_NOMEM:
            raise MemoryError("parallel counting: out of memory")
        return -1 if r == FW2V_PCOUNT_LONG else used

    def stop_recording(self):
        """Drop what was recorded and record no more."""
        fw2v_pcount_stop_recording(self.pc)

    def recorded(self):
        """Ids and line ends held by the recording."""
        return fw2v_pcount_recorded(self.pc)

    def merge(self):
        """The merged :class:`Lexicon` (once, after the last :meth:`feed`)."""
        if self.merged:
            raise RuntimeError("merge called twice")
        cdef fw2v_lexicon_t *lex
        with nogil:
            lex = fw2v_pcount_merge(self.pc)
        if lex is NULL:
            raise MemoryError("parallel counting: out of memory while merging")
        self.merged = True
        out = Lexicon()
        fw2v_lexicon_free(out.lex)
        out.lex = lex
        return out

    def chunks(self, int64_t max_len, int64_t chunk_words):
        """After :meth:`merge`, once: the recording as the chunks a serial count with record
        cuts (``(int32 ids, int64 sentence offsets)`` pairs, ids in the merged lexicon)."""
        if not self.merged or max_len < 1 or chunk_words < 1:
            raise ValueError("chunks needs merge() first, max_len >= 1 and chunk_words >= 1")
        cdef int64_t n_ids = 0, n_ends, n_chunks
        n_ends = fw2v_pcount_assemble(self.pc, max_len, NULL, NULL, &n_ids)
        ids = np.empty(max(n_ids, 1), dtype=np.int32)
        ends = np.empty(max(n_ends, 1), dtype=np.int64)
        last = np.empty(max(n_ends, 1), dtype=np.int64)
        cdef int32_t[::1] ids_view = ids
        cdef int64_t[::1] ends_view = ends, last_view = last
        with nogil:
            fw2v_pcount_assemble(self.pc, max_len, &ids_view[0], &ends_view[0], &n_ids)
            fw2v_pcount_stop_recording(self.pc)  # the threads' copies are no longer needed
            n_chunks = fw2v_cut_chunks(&ends_view[0], n_ends, chunk_words, &last_view[0])
        # The chunks are views of one array (no copy): it is freed once all are let go of.
        out = []
        first = 0
        for k in last[:n_chunks].tolist():
            start = int(ends[first - 1]) if first > 0 else 0
            offsets = np.empty(k - first + 2, dtype=np.int64)
            offsets[0] = 0
            offsets[1:] = ends[first : k + 1] - start
            out.append((ids[start : ends[k]], offsets))
            first = k + 1
        return out
