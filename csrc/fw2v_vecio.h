/* fw2v_vecio.h: the word2vec vector files (binary and text) parsed and formatted in C.
 *
 * The C twin of the Python readers kept in tests/vecio_reference.py. A reader consumes
 * blocks of the file (a window of a memory map, or a block of a decompressed stream) and
 * copies the values straight into the caller's preallocated float32 matrix, collecting
 * the words' bytes in one buffer (each word followed by '\n') so that Python decodes them
 * all at once. It stops at the end of the block's last whole record, when the matrix is
 * full, or at the first record it cannot vouch for:
 *  - binary: every failure is reported here (no word before the end, too few vector
 *    bytes, an empty word), with the record's offset, so Python can word the error;
 *  - text: any line that is not `word v1 ... vD` with plain decimal numbers (one space
 *    between fields, trailing ASCII whitespace allowed) is handed back as "odd", and the
 *    Python reference parses that one line (it then either yields the row or words the
 *    error). So the C grammar only has to be a subset of Python's float() with the same
 *    values: numpy parses a value as a double and rounds that to float32, and so does
 *    fw2v_parse_float32 (Clinger's fast path on the digits, strtod otherwise).
 * Nothing here touches Python objects: the wrapper (fastw2v/_vecio.pyx) releases the GIL.
 */
#ifndef FW2V_VECIO_H
#define FW2V_VECIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FW2V_VEC_MORE = 0,       /* the block's whole records are read: give the rest and more */
    FW2V_VEC_FULL = 1,       /* the matrix is full (the rows wanted are read) */
    FW2V_VEC_ODD = 2,        /* text: the line at `consumed` is for the Python reference */
    FW2V_VEC_NO_WORD = 3,    /* binary: no space before the end of the file */
    FW2V_VEC_SHORT = 4,      /* binary: fewer than 4*dim bytes after the word (detail) */
    FW2V_VEC_EMPTY_WORD = 5, /* binary: an empty word */
    FW2V_VEC_NOMEM = -1,     /* the word buffer could not grow */
};

typedef struct {
    char *bytes;     /* the words, each followed by '\n' */
    int64_t len, cap;
    int64_t *ends;   /* end of word i in bytes (its '\n' separator) */
    int64_t n, ncap;
    int has_sep;     /* a (binary) word holds '\n': split by ends, not by the separator */
} fw2v_words_t;

typedef struct {
    int64_t dim;
    int64_t cap_rows;        /* rows of the matrix: reading stops there */
    float *rows;             /* cap_rows x dim, C order */
    int64_t done;            /* rows filled so far */
    int64_t first_nonfinite; /* first row holding a NaN or an infinity, or -1 */
    int64_t parallel_min;    /* blocks shorter than this are read by one thread */
    fw2v_words_t words;
} fw2v_vecreader_t;

void fw2v_vecreader_init(fw2v_vecreader_t *r, float *rows, int64_t cap_rows, int64_t dim);
void fw2v_vecreader_free(fw2v_vecreader_t *r);
/* Append a word (a row the caller filled itself, an odd text line): 0, or -1 out of memory. */
int fw2v_vecreader_add_row(fw2v_vecreader_t *r, const char *word, int64_t len);

/* Read records from buf[0:len); `final` says the file ends at buf + len. *consumed is the
 * offset after the last record read (binary: of the failing record on an error); *detail is
 * the bytes after the word for FW2V_VEC_SHORT, the end of the odd line for FW2V_VEC_ODD. */
int fw2v_read_binary(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                     int64_t *consumed, int64_t *detail);
int fw2v_read_text(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                   int64_t *consumed, int64_t *detail);

/* fw2v_read_text over `threads` OpenMP threads (the block cut at line starts, the lines
 * counted first so that each thread knows its rows); the same results and statuses. */
int fw2v_read_text_parallel(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                            int threads, int64_t *consumed, int64_t *detail);

/* One value as the text reader parses it: 1 and *out set, or 0 when the grammar (a subset of
 * Python's float()) does not cover text[0:len). */
int fw2v_parse_float32(const char *text, int64_t len, float *out);

/* Lines in buf[0:len) (a last line without '\n' counts), for header-less (GloVe) files. */
int64_t fw2v_count_lines(const char *buf, int64_t len, int final_partial);

/* Writers: rows [r0, r1) of `rows` (dim columns) with word i at words[starts[i]:starts[i+1]-1]
 * (the words joined, each followed by one separator byte). They return the bytes written
 * into out, which must hold fw2v_*_bound() bytes. */
int64_t fw2v_binary_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim);
int64_t fw2v_write_binary(const char *words, const int64_t *starts, const float *rows,
                          int64_t dim, int64_t r0, int64_t r1, char *out);
int64_t fw2v_text_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim);
/* Text: split over `threads` OpenMP threads (1 without OpenMP); part t goes to
 * out + offsets[t] (offsets[t] = the bound of the parts before it) and is lens[t] long. */
void fw2v_write_text(const char *words, const int64_t *starts, const float *rows, int64_t dim,
                     int64_t r0, int64_t r1, char *out, int threads, int64_t *offsets,
                     int64_t *lens);
/* One value as "%.9g" writes it (at most 16 bytes): its length. */
int fw2v_format_g9(float value, char *out);

/* Native format: first row of rows[0:n_rows, dim] holding a NaN or infinity, or -1. */
int64_t fw2v_first_nonfinite(const float *rows, int64_t n_rows, int64_t dim, int threads);

/* fw2v_sigbus.c: remember a memory-mapped file, so that a SIGBUS reading it prints one
 * line naming it (then the previous handler runs as before). 0, or -1 if sigaction fails. */
int fw2v_sigbus_note(const char *path);

#ifdef __cplusplus
}
#endif

#endif
