# cython: language_level=3
"""Cython wrapper of the phrase counter and joiner (csrc/fw2v_phrases.c): hold their state,
check the arguments, release the GIL.

:class:`Counter` counts unigrams and bigrams, either of text blocks it cuts with the C
tokeniser (csrc/fw2v_tokenize.c, the one that reads corpora for training) or of id chunks
made in Python. :class:`Joiner` cuts text blocks the same way and writes them back with the
phrases it was given joined. The Python side (fastw2v/phrases.py) reads the files with
:meth:`fastw2v.corpus.PathCorpus.utf8_blocks`, which checks and repairs them first.
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t

cdef extern from "fw2v_tokenize.h" nogil:
    enum:
        FW2V_TOK_BLOCK_END
        FW2V_TOK_FILE_END

    ctypedef struct fw2v_lexicon_t:
        pass

    ctypedef struct fw2v_tokenizer_t:
        int record

    fw2v_lexicon_t *fw2v_lexicon_new()
    void fw2v_lexicon_free(fw2v_lexicon_t *lex)
    int64_t fw2v_lexicon_add(fw2v_lexicon_t *lex, const char *word, int64_t len, int64_t count)
    int64_t fw2v_lexicon_size(const fw2v_lexicon_t *lex)
    const char *fw2v_lexicon_word(const fw2v_lexicon_t *lex, int64_t id, int64_t *len)
    fw2v_tokenizer_t *fw2v_tokenizer_new(int64_t max_len, int64_t chunk_words, int count)
    void fw2v_tokenizer_free(fw2v_tokenizer_t *t)

cdef extern from "fw2v_phrases.h" nogil:
    enum:
        FW2V_PHR_OK
        FW2V_PHR_NOMEM
        FW2V_PHR_TOO_MANY

    ctypedef struct fw2v_phrase_counts_t:
        pass

    ctypedef struct fw2v_phrase_set_t:
        pass

    ctypedef struct fw2v_phrase_buffer_t:
        char *data
        int64_t len
        int64_t cap

    fw2v_phrase_counts_t *fw2v_phrase_counts_new(int64_t max_entries)
    void fw2v_phrase_counts_free(fw2v_phrase_counts_t *c)
    int fw2v_phrase_count_chunk(fw2v_phrase_counts_t *c, const int32_t *ids, const int64_t *ends,
                                int64_t n_ends)
    int64_t fw2v_phrase_counts_words(const fw2v_phrase_counts_t *c)
    int64_t fw2v_phrase_counts_n_ids(const fw2v_phrase_counts_t *c)
    int64_t fw2v_phrase_counts_n_bigrams(const fw2v_phrase_counts_t *c)
    int64_t fw2v_phrase_counts_min_reduce(const fw2v_phrase_counts_t *c)
    int64_t fw2v_phrase_counts_prunes(const fw2v_phrase_counts_t *c)
    void fw2v_phrase_counts_unigrams(const fw2v_phrase_counts_t *c, int64_t *out)
    void fw2v_phrase_counts_bigrams(const fw2v_phrase_counts_t *c, int32_t *a, int32_t *b,
                                    int64_t *count)
    int fw2v_phrase_count_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, fw2v_phrase_counts_t *c,
                               const char *text, int64_t n, int end)
    fw2v_phrase_set_t *fw2v_phrase_set_new(const int32_t *a, const int32_t *b, int64_t n)
    void fw2v_phrase_set_free(fw2v_phrase_set_t *s)
    void fw2v_phrase_buffer_free(fw2v_phrase_buffer_t *buf)
    int fw2v_phrase_join_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex,
                              const fw2v_phrase_set_t *s, const char *delim, int64_t delim_len,
                              const char *text, int64_t n, int end, fw2v_phrase_buffer_t *out)

BLOCK_END = FW2V_TOK_BLOCK_END
FILE_END = FW2V_TOK_FILE_END

cdef const char *_EMPTY = ""

#: Raw tokens after which the next sentence end hands a recorded chunk to the kernel: big
#: enough to amortise the call, small enough to stay in cache.
CHUNK_WORDS = 1 << 16


cdef int _check(int status) except -1:
    if status == FW2V_PHR_NOMEM:
        raise MemoryError("phrases: out of memory")
    if status == FW2V_PHR_TOO_MANY:
        raise ValueError("phrases: more than 2^31 - 1 distinct words")
    return 0


cdef fw2v_tokenizer_t *_recording_tokenizer(int64_t max_len) except NULL:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    cdef fw2v_tokenizer_t *t = fw2v_tokenizer_new(max_len, CHUNK_WORDS, 1)
    if t is NULL:
        raise MemoryError("phrases: tokeniser state")
    t.record = 1  # every token's id goes into the chunk; the counter/joiner reads it there
    return t


cdef class Counter:
    """Unigram and bigram counts, bounded by ``max_entries`` (pruned as word2phrase prunes).

    Parameters
    ----------
    max_entries : int
        Most unigrams + bigrams held; beyond, entries counted <= a rising threshold are
        dropped (see csrc/fw2v_phrases.h).
    max_len : int
        Longest sentence of text, in tokens (longer lines are cut, as the trainer cuts them).

    Feed it either text (:meth:`feed_text`: ids are the tokeniser's, in order of first
    appearance, :meth:`words` gives their words) or chunks of ids of your own
    (:meth:`feed_ids`), not both.
    """

    cdef fw2v_phrase_counts_t *c
    cdef fw2v_lexicon_t *lex
    cdef fw2v_tokenizer_t *t

    def __cinit__(self, int64_t max_entries, int64_t max_len):
        if max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, got {max_entries}")
        self.t = _recording_tokenizer(max_len)
        self.lex = fw2v_lexicon_new()
        self.c = fw2v_phrase_counts_new(max_entries)
        if self.lex is NULL or self.c is NULL:
            raise MemoryError("phrases: counter state")

    def __dealloc__(self):
        fw2v_phrase_counts_free(self.c)
        fw2v_lexicon_free(self.lex)
        fw2v_tokenizer_free(self.t)

    def feed_text(self, const unsigned char[::1] text, int end):
        """Count one block of valid UTF-8 (``end``: :data:`BLOCK_END`, or :data:`FILE_END`
        for the possibly empty text that ends a file)."""
        cdef int64_t n = text.shape[0]
        cdef const char *base = _EMPTY
        if n > 0:
            base = <const char *>&text[0]
        if end != FW2V_TOK_BLOCK_END and end != FW2V_TOK_FILE_END:
            raise ValueError(f"end must be BLOCK_END or FILE_END, got {end}")
        cdef int status
        with nogil:
            status = fw2v_phrase_count_text(self.t, self.lex, self.c, base, n, end)
        _check(status)

    def feed_ids(self, const int32_t[::1] ids, const int64_t[::1] ends):
        """Count sentences given as ids (>= 0) and their ends in ``ids`` (non-decreasing)."""
        cdef int64_t i, prev = 0, n = ids.shape[0], n_ends = ends.shape[0]
        for i in range(n):
            if ids[i] < 0:
                raise ValueError(f"ids[{i}] = {ids[i]} is negative")
        for i in range(n_ends):
            if ends[i] < prev or ends[i] > n:
                raise ValueError(f"ends[{i}] = {ends[i]} is outside [{prev}, {n}]")
            prev = ends[i]
        if n_ends == 0:
            return
        cdef int status
        with nogil:
            status = fw2v_phrase_count_chunk(self.c, &ids[0] if n else NULL, &ends[0], n_ends)
        _check(status)

    @property
    def words_counted(self):
        """Tokens counted so far."""
        return fw2v_phrase_counts_words(self.c)

    @property
    def min_reduce(self):
        """Counts <= this are dropped by the next prune (1 until the first)."""
        return fw2v_phrase_counts_min_reduce(self.c)

    @property
    def prunes(self):
        """How many times the table was pruned."""
        return fw2v_phrase_counts_prunes(self.c)

    def words(self):
        """The words of the text fed so far, as UTF-8 bytes, in id order."""
        cdef int64_t i, n = fw2v_lexicon_size(self.lex), length
        cdef const char *s
        out = []
        for i in range(n):
            s = fw2v_lexicon_word(self.lex, i, &length)
            out.append(s[:length])
        return out

    def unigrams(self):
        """int64 count of each id ``0 .. 1 + largest id seen`` (0: absent or dropped)."""
        arr = np.zeros(fw2v_phrase_counts_n_ids(self.c), dtype=np.int64)
        cdef int64_t[::1] view = arr
        if view.shape[0]:
            fw2v_phrase_counts_unigrams(self.c, &view[0])
        return arr

    def bigrams(self):
        """``(a, b, count)``: int32, int32, int64 arrays of every bigram held (in the
        table's order, which depends only on what was counted)."""
        cdef int64_t n = fw2v_phrase_counts_n_bigrams(self.c)
        a = np.empty(n, dtype=np.int32)
        b = np.empty(n, dtype=np.int32)
        count = np.empty(n, dtype=np.int64)
        cdef int32_t[::1] av = a, bv = b
        cdef int64_t[::1] cv = count
        if n:
            fw2v_phrase_counts_bigrams(self.c, &av[0], &bv[0], &cv[0])
        return a, b, count


cdef class Joiner:
    """Write text back with the given phrases joined, left to right.

    Parameters
    ----------
    words : list of bytes
        Distinct UTF-8 words; word ``i`` has id ``i``.
    a, b : numpy.ndarray
        int32 ids of the phrases: ``words[a[k]]`` followed by ``words[b[k]]``.
    delimiter : bytes
        What joins the two words of a phrase.
    max_len : int
        Longest sentence, in tokens (longer lines are cut, and written as several lines).
    """

    cdef fw2v_lexicon_t *lex
    cdef fw2v_tokenizer_t *t
    cdef fw2v_phrase_set_t *s
    cdef fw2v_phrase_buffer_t out
    cdef bytes delimiter

    def __cinit__(self, words, const int32_t[::1] a, const int32_t[::1] b, bytes delimiter,
                  int64_t max_len):
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"a and b differ in length ({a.shape[0]} != {b.shape[0]})")
        self.out.data = NULL
        self.out.len = self.out.cap = 0
        self.delimiter = delimiter
        self.t = _recording_tokenizer(max_len)
        self.lex = fw2v_lexicon_new()
        if self.lex is NULL:
            raise MemoryError("phrases: joiner lexicon")
        cdef bytes w
        cdef int64_t i = 0, got, k
        for w in words:
            got = fw2v_lexicon_add(self.lex, w, len(w), 0)
            if got < 0:
                raise MemoryError("phrases: joiner lexicon")
            if got != i:
                raise ValueError(f"duplicate word {w!r}")
            i += 1
        for k in range(a.shape[0]):
            if not (0 <= a[k] < i and 0 <= b[k] < i):
                raise ValueError(f"phrase {k} = ({a[k]}, {b[k]}) refers to no word")
        self.s = fw2v_phrase_set_new(&a[0] if a.shape[0] else NULL,
                                     &b[0] if b.shape[0] else NULL, a.shape[0])
        if self.s is NULL:
            raise MemoryError("phrases: phrase set")

    def __dealloc__(self):
        fw2v_phrase_buffer_free(&self.out)
        fw2v_phrase_set_free(self.s)
        fw2v_lexicon_free(self.lex)
        fw2v_tokenizer_free(self.t)

    def feed_text(self, const unsigned char[::1] text, int end):
        """Tokenise one block of valid UTF-8; return the text (bytes) of the sentences it
        completed, one per line, phrases joined."""
        cdef int64_t n = text.shape[0]
        cdef const char *base = _EMPTY
        if n > 0:
            base = <const char *>&text[0]
        if end != FW2V_TOK_BLOCK_END and end != FW2V_TOK_FILE_END:
            raise ValueError(f"end must be BLOCK_END or FILE_END, got {end}")
        cdef const char *delim = self.delimiter
        cdef int64_t delim_len = len(self.delimiter)
        cdef int status
        self.out.len = 0
        with nogil:
            status = fw2v_phrase_join_text(self.t, self.lex, self.s, delim, delim_len, base, n,
                                           end, &self.out)
        _check(status)
        return self.out.data[:self.out.len] if self.out.len else b""
