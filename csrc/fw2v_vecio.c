/* fw2v_vecio.c: word2vec vector files parsed and formatted in C; see fw2v_vecio.h. */
#include "fw2v_vecio.h"
#include "fw2v_dispatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FW2V_BIG_ENDIAN 1
#else
#define FW2V_BIG_ENDIAN 0
#endif

/* ------------------------------------------------------------------ state */

void fw2v_vecreader_init(fw2v_vecreader_t *r, float *rows, int64_t cap_rows, int64_t dim)
{
    memset(r, 0, sizeof(*r));
    r->rows = rows;
    r->cap_rows = cap_rows;
    r->dim = dim;
    r->first_nonfinite = -1;
    r->parallel_min = 1 << 20;
}

void fw2v_vecreader_free(fw2v_vecreader_t *r)
{
    free(r->words.bytes);
    free(r->words.ends);
    r->words.bytes = NULL;
    r->words.ends = NULL;
}

static int words_reserve(fw2v_words_t *w, int64_t extra)
{
    if (w->len + extra > w->cap) {
        int64_t cap = w->cap ? w->cap : 1 << 16;
        while (cap < w->len + extra) cap *= 2;
        char *bytes = realloc(w->bytes, (size_t)cap);
        if (!bytes) return -1;
        w->bytes = bytes;
        w->cap = cap;
    }
    if (w->n + 1 > w->ncap) {
        int64_t ncap = w->ncap ? 2 * w->ncap : 1 << 12;
        int64_t *ends = realloc(w->ends, (size_t)ncap * sizeof(int64_t));
        if (!ends) return -1;
        w->ends = ends;
        w->ncap = ncap;
    }
    return 0;
}

static int words_add(fw2v_words_t *w, const char *word, int64_t len)
{
    if (words_reserve(w, len + 1)) return -1;
    memcpy(w->bytes + w->len, word, (size_t)len);
    if (!w->has_sep && len && memchr(word, '\n', (size_t)len)) w->has_sep = 1;
    w->len += len;
    w->ends[w->n++] = w->len;
    w->bytes[w->len++] = '\n';
    return 0;
}

int fw2v_vecreader_add_row(fw2v_vecreader_t *r, const char *word, int64_t len)
{
    if (words_add(&r->words, word, len)) return -1;
    r->done++;
    return 0;
}

/* A float32 is NaN or infinite when its exponent bits are all ones. */
static int row_finite(const float *row, int64_t dim)
{
    uint32_t all = 0;
    for (int64_t j = 0; j < dim; j++) {
        uint32_t bits;
        memcpy(&bits, row + j, 4);
        all |= ((bits & 0x7f800000u) == 0x7f800000u);
    }
    return !all;
}

/* ------------------------------------------------------------------ binary */

/* Cloned for the finite check, a vector loop over each row. */
FW2V_DISPATCH
int fw2v_read_binary(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                     int64_t *consumed, int64_t *detail)
{
    const int64_t n_bytes = 4 * r->dim;
    int64_t pos = 0;
    int status = FW2V_VEC_FULL;
    while (r->done < r->cap_rows) {
        const char *space = memchr(buf + pos, ' ', (size_t)(len - pos));
        if (!space) {
            status = final ? FW2V_VEC_NO_WORD : FW2V_VEC_MORE;
            break;
        }
        int64_t at = space - buf;
        if (len - (at + 1) < n_bytes) {
            *detail = len - (at + 1);
            status = final ? FW2V_VEC_SHORT : FW2V_VEC_MORE;
            break;
        }
        /* word2vec.c ends each vector with a newline, gensim does not: accept both. */
        int64_t start = pos;
        while (start < at && buf[start] == '\n') start++;
        if (start == at) {
            status = FW2V_VEC_EMPTY_WORD;
            break;
        }
        if (words_add(&r->words, buf + start, at - start)) {
            status = FW2V_VEC_NOMEM;
            break;
        }
        float *row = r->rows + r->done * r->dim;
        memcpy(row, buf + at + 1, (size_t)n_bytes);
#if FW2V_BIG_ENDIAN
        for (int64_t j = 0; j < r->dim; j++) {
            uint32_t bits;
            memcpy(&bits, row + j, 4);
            bits = __builtin_bswap32(bits);
            memcpy(row + j, &bits, 4);
        }
#endif
        /* Checked on the row just written, still in L1 (word by word: it vectorises). */
        if (r->first_nonfinite < 0 && !row_finite(row, r->dim))
            r->first_nonfinite = r->done;
        r->done++;
        pos = at + 1 + n_bytes;
    }
    *consumed = pos;
    return status;
}

/* ------------------------------------------------------------------ text */

static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod on a NUL-terminated copy; 0 when it does not take the whole text (a locale with
 * another decimal point: the Python reference then parses the line). */
static int slow_parse(const char *text, int64_t len, double *out)
{
    char small[128];
    char *copy = len < (int64_t)sizeof(small) ? small : malloc((size_t)len + 1);
    if (!copy) return 0;
    memcpy(copy, text, (size_t)len);
    copy[len] = 0;
    char *end;
    *out = strtod(copy, &end);
    int ok = end == copy + len;
    if (copy != small) free(copy);
    return ok;
}

/* A decimal number's digits as they are read: value w * 10^dexp. nd counts the digits in w
 * (leading zeros may be among them), so w < 10^nd and w never overflows at nd <= 19. */
typedef struct {
    uint64_t w;
    int64_t dexp;
    int nd, any, inexact;
} digits_t;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define FW2V_SWAR_DIGITS 1

static const uint64_t pow10_u64[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                      100000000};

/* How many of the eight bytes (a little-endian load, first byte lowest) lead with ASCII
 * digits. Each byte XOR '0' is 0..9 exactly for a digit; adding 0x76 sets its top bit
 * otherwise. A carry out of a non-digit byte reaches only later bytes, after the count. */
static inline int leading_digits8(uint64_t v)
{
    const uint64_t x = v ^ UINT64_C(0x3030303030303030);
    const uint64_t bad = ((x + UINT64_C(0x7676767676767676)) | x) & UINT64_C(0x8080808080808080);
    return bad ? __builtin_ctzll(bad) >> 3 : 8;
}

/* The value of eight digit values (0..9, one a byte, the first lowest): pairs, then
 * quadruples, then the eight, each step a multiply and a shift over all lanes at once. */
static inline uint64_t value8(uint64_t x)
{
    x = (x * 10 + (x >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    x = (x * 100 + (x >> 16)) & UINT64_C(0x0000ffff0000ffff);
    return (x * 10000 + (x >> 32)) & UINT64_C(0xffffffff);
}

#else
#define FW2V_SWAR_DIGITS 0
#endif

/* One digit the slow way: past 19 digits the rest only moves the exponent (or, after the
 * point, is dropped), and any non-zero one among them makes the value inexact. */
static inline void take_digit(digits_t *d, unsigned digit, int frac)
{
    d->any = 1;
    if (d->w == 0 && digit == 0) {
        d->dexp -= frac;
        return;
    }
    if (d->nd < 19) {
        d->w = d->w * 10 + digit;
        d->nd++;
        d->dexp -= frac;
    } else {
        d->dexp += !frac;
        d->inexact |= digit != 0;
    }
}

/* The digits at p (none past e; eight-byte loads need p + 8 <= limit): the first byte
 * after them. Eight at a time while w has room for eight more, one at a time after. */
static inline const char *take_digits(digits_t *d, const char *p, const char *e,
                                      const char *limit, int frac)
{
#if FW2V_SWAR_DIGITS
    while (limit - p >= 8 && d->nd <= 11) {
        uint64_t v;
        memcpy(&v, p, 8);
        int n = leading_digits8(v);
        if (n > e - p) n = (int)(e - p);
        if (n == 0) return p;
        /* the n digits moved to the top bytes: the zero bytes below them are leading zeros */
        const uint64_t x = (v ^ UINT64_C(0x3030303030303030)) << (8 * (8 - n));
        d->w = d->w * pow10_u64[n] + value8(x);
        d->nd = d->w ? d->nd + n : 0; /* leading zeros are not digits of w: no budget spent */
        d->any = 1;
        d->dexp -= frac ? n : 0;
        p += n;
        if (n < 8) return p;
    }
#endif
    for (; p < e && (unsigned)(*p - '0') < 10; p++) take_digit(d, (unsigned)(*p - '0'), frac);
    return p;
}

/* The number at text: [+-]? (digits (. digits*)? | . digits) ([eE] [+-]? digits)?, read up
 * to the first byte that cannot continue it (none past e; loads up to limit). Returns that
 * byte, with *out set, or NULL when the text there is not a number of this grammar. */
static const char *parse_value(const char *text, const char *e, const char *limit, float *out)
{
    const char *p = text;
    digits_t d = {0, 0, 0, 0, 0};
    int neg = 0;
    if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
    p = take_digits(&d, p, e, limit, 0);
    if (p < e && *p == '.') p = take_digits(&d, p + 1, e, limit, 1);
    if (!d.any) return NULL;
    if (p < e && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        int64_t ex = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (!(p < e && (unsigned)(*p - '0') < 10)) return NULL;
        for (; p < e && (unsigned)(*p - '0') < 10; p++)
            if (ex < 1000000) ex = ex * 10 + (*p - '0');
        d.dexp += eneg ? -ex : ex;
    }
    double value;
    if (d.w == 0 && !d.inexact) {
        value = neg ? -0.0 : 0.0;
    } else if (!d.inexact && d.w <= (UINT64_C(1) << 53) && d.dexp >= -22 && d.dexp <= 22) {
        /* Clinger: w and 10^|dexp| are exact doubles, so one IEEE operation rounds once. */
        value = d.dexp < 0 ? (double)d.w / exact_pow10[-d.dexp] : (double)d.w * exact_pow10[d.dexp];
        if (neg) value = -value;
    } else if (!slow_parse(text, p - text, &value)) {
        return NULL;
    }
    *out = (float)value; /* the double rounded to float32, as numpy casts it */
    return p;
}

int fw2v_parse_float32(const char *text, int64_t len, float *out)
{
    return parse_value(text, text + len, text + len, out) == text + len;
}

/* The ASCII characters Python's str.rstrip() removes. */
static inline int py_space(unsigned char c)
{
    return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
}

/* A line the C parser vouches for: 1 (row filled, *word_len set) or 0 (odd). The values
 * are parsed where they lie, each ending at one space (the last at the line's end);
 * eight-byte loads may read up to limit. */
static int parse_line(const char *s, const char *e, const char *limit, int64_t dim, float *row,
                      int64_t *word_len)
{
    while (e > s && py_space((unsigned char)e[-1])) e--;
    const char *space = memchr(s, ' ', (size_t)(e - s));
    if (!space || space == s) return 0;
    *word_len = space - s;
    const char *p = space + 1;
    for (int64_t j = 0; j < dim; j++) {
        const char *stop = parse_value(p, e, limit, row + j);
        if (!stop) return 0;
        if (j + 1 < dim) {
            if (stop == e || *stop != ' ') return 0;
            p = stop + 1;
        } else if (stop != e) {
            return 0;
        }
    }
    return 1;
}

int fw2v_read_text(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                   int64_t *consumed, int64_t *detail)
{
    int64_t pos = 0;
    int status = FW2V_VEC_FULL;
    while (r->done < r->cap_rows) {
        if (pos >= len) {
            status = FW2V_VEC_MORE;
            break;
        }
        const char *nl = memchr(buf + pos, '\n', (size_t)(len - pos));
        if (!nl && !final) {
            status = FW2V_VEC_MORE;
            break;
        }
        int64_t end = nl ? nl - buf : len;
        float *row = r->rows + r->done * r->dim;
        int64_t word_len;
        if (!parse_line(buf + pos, buf + end, buf + len, r->dim, row, &word_len)) {
            *detail = end;
            status = FW2V_VEC_ODD;
            break;
        }
        if (words_add(&r->words, buf + pos, word_len)) {
            status = FW2V_VEC_NOMEM;
            break;
        }
        if (r->first_nonfinite < 0 && !row_finite(row, r->dim)) r->first_nonfinite = r->done;
        r->done++;
        pos = nl ? end + 1 : len;
    }
    *consumed = pos;
    return status;
}

/* One thread's share of a parallel text read: lines [start, end) of the block. */
typedef struct {
    int64_t start, end;     /* byte range, whole lines */
    int64_t lines;          /* lines in it (first pass), then lines read */
    int64_t row0;           /* row of its first line */
    int64_t odd_start, odd_end; /* the odd line, or odd_start = -1 */
    int64_t first_nonfinite;
    int nomem;
    fw2v_words_t words;
} text_part_t;

static void read_text_part(const fw2v_vecreader_t *r, const char *buf, int64_t len,
                           text_part_t *part)
{
    int64_t pos = part->start, row = part->row0, limit = part->row0 + part->lines;
    part->odd_start = -1;
    part->first_nonfinite = -1;
    while (row < limit) {
        const char *nl = memchr(buf + pos, '\n', (size_t)(part->end - pos));
        int64_t end = nl ? nl - buf : part->end;
        float *dest = r->rows + row * r->dim;
        int64_t word_len;
        if (!parse_line(buf + pos, buf + end, buf + len, r->dim, dest, &word_len)) {
            part->odd_start = pos;
            part->odd_end = end;
            break;
        }
        if (words_add(&part->words, buf + pos, word_len)) {
            part->nomem = 1;
            break;
        }
        if (part->first_nonfinite < 0 && !row_finite(dest, r->dim)) part->first_nonfinite = row;
        row++;
        pos = end + 1;
    }
    part->lines = row - part->row0;
}

/* Split [0, stop) into `threads` parts at line starts, count their lines, give each its rows
 * (at most `room` in all). */
static int split_lines(const char *buf, int64_t stop, int final, int threads, int64_t room,
                       text_part_t *parts)
{
    int64_t cut = 0;
    int n = 0;
    for (int t = 0; t < threads && cut < stop; t++) {
        int64_t end = stop;
        if (t + 1 < threads) {
            int64_t guess = cut + (stop - cut) / (threads - t);
            const char *nl = memchr(buf + guess, '\n', (size_t)(stop - guess));
            end = nl ? nl - buf + 1 : stop;
        }
        memset(&parts[n], 0, sizeof(parts[n]));
        parts[n].start = cut;
        parts[n].end = end;
        n++;
        cut = end;
    }
#ifdef _OPENMP
#pragma omp parallel for num_threads(n) schedule(static, 1)
#endif
    for (int t = 0; t < n; t++)
        parts[t].lines = fw2v_count_lines(buf + parts[t].start, parts[t].end - parts[t].start,
                                          final && parts[t].end == stop);
    int64_t row = 0;
    for (int t = 0; t < n; t++) {
        if (parts[t].lines > room - row) parts[t].lines = room - row;
        parts[t].row0 = row;
        row += parts[t].lines;
    }
    return n;
}

int fw2v_read_text_parallel(fw2v_vecreader_t *r, const char *buf, int64_t len, int final,
                            int threads, int64_t *consumed, int64_t *detail)
{
    if (threads <= 1 || len < r->parallel_min) return fw2v_read_text(r, buf, len, final, consumed, detail);
    if (threads > 64) threads = 64;
    /* Whole lines only: up to the last newline, or everything at the end of the file. */
    int64_t stop = len;
    if (!final) {
        while (stop > 0 && buf[stop - 1] != '\n') stop--;
        if (stop == 0) return fw2v_read_text(r, buf, len, final, consumed, detail);
    }
    text_part_t parts[64];
    int n = split_lines(buf, stop, final, threads, r->cap_rows - r->done, parts);
    for (int t = 0; t < n; t++) parts[t].row0 += r->done;
#ifdef _OPENMP
#pragma omp parallel for num_threads(n) schedule(static, 1)
#endif
    for (int t = 0; t < n; t++) read_text_part(r, buf, len, &parts[t]);
    /* Keep the parts in order up to the first that stopped early; later work is redone. */
    int status = FW2V_VEC_MORE, merged = 0;
    int64_t pos = 0;
    for (int t = 0; t < n && !merged; t++) {
        text_part_t *p = &parts[t];
        int stopped = p->odd_start >= 0 || p->nomem;
        if (words_reserve(&r->words, p->words.len) || p->nomem) {
            status = FW2V_VEC_NOMEM;
            break;
        }
        for (int64_t i = 0, prev = 0; i < p->words.n; i++) {
            if (words_add(&r->words, p->words.bytes + prev, p->words.ends[i] - prev)) {
                status = FW2V_VEC_NOMEM;
                break;
            }
            prev = p->words.ends[i] + 1;
        }
        if (r->first_nonfinite < 0 && p->first_nonfinite >= 0)
            r->first_nonfinite = p->first_nonfinite;
        r->done += p->lines;
        if (p->odd_start >= 0) {
            pos = p->odd_start;
            *detail = p->odd_end;
            status = FW2V_VEC_ODD;
            merged = 1;
        } else if (r->done == r->cap_rows) {
            /* the part read its share of the rows: continue after its last line */
            int64_t q = p->start;
            for (int64_t i = 0; i < p->lines; i++) {
                const char *nl = memchr(buf + q, '\n', (size_t)(p->end - q));
                q = nl ? nl - buf + 1 : p->end;
            }
            pos = q;
            status = FW2V_VEC_FULL;
            merged = 1;
        } else {
            pos = p->end;
        }
        (void)stopped;
    }
    for (int t = 0; t < n; t++) {
        free(parts[t].words.bytes);
        free(parts[t].words.ends);
    }
    if (status == FW2V_VEC_MORE && r->done == r->cap_rows) status = FW2V_VEC_FULL;
    *consumed = pos;
    return status;
}

int64_t fw2v_count_lines(const char *buf, int64_t len, int final_partial)
{
    int64_t n = 0, pos = 0;
    const char *nl;
    while (pos < len && (nl = memchr(buf + pos, '\n', (size_t)(len - pos)))) {
        n++;
        pos = nl - buf + 1;
    }
    return n + (final_partial && pos < len);
}

/* ------------------------------------------------------------------ writers */

int64_t fw2v_binary_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim)
{
    return starts[r1] - starts[r0] + (r1 - r0) * (4 * dim + 1);
}

int64_t fw2v_write_binary(const char *words, const int64_t *starts, const float *rows,
                          int64_t dim, int64_t r0, int64_t r1, char *out)
{
    char *o = out;
    for (int64_t i = r0; i < r1; i++) {
        int64_t n = starts[i + 1] - 1 - starts[i];
        memcpy(o, words + starts[i], (size_t)n);
        o += n;
        *o++ = ' ';
        memcpy(o, rows + i * dim, (size_t)(4 * dim));
#if FW2V_BIG_ENDIAN
        for (int64_t j = 0; j < dim; j++) {
            uint32_t bits;
            memcpy(&bits, o + 4 * j, 4);
            bits = __builtin_bswap32(bits);
            memcpy(o + 4 * j, &bits, 4);
        }
#endif
        o += 4 * dim;
        *o++ = '\n';
    }
    return o - out;
}

/* Powers of ten 10^-31 .. 10^54 (the literals are correctly rounded by the compiler). */
static const double pow10_table[] = {
    1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20,
    1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,  1e-8,
    1e-7,  1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,   1e2,   1e3,   1e4,
    1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,  1e13,  1e14,  1e15,  1e16,
    1e17,  1e18,  1e19,  1e20,  1e21,  1e22,  1e23,  1e24,  1e25,  1e26,  1e27,  1e28,
    1e29,  1e30,  1e31,  1e32,  1e33,  1e34,  1e35,  1e36,  1e37,  1e38,  1e39,  1e40,
    1e41,  1e42,  1e43,  1e44,  1e45,  1e46,  1e47,  1e48,  1e49,  1e50,  1e51,  1e52,
    1e53,  1e54};
#define POW10_MIN (-31)
#define POW10_MAX 54

/* |v| * 10^k with one rounding when 10^|k| is exact (|k| <= 22), two otherwise. */
static inline double scale10(double v, int k)
{
    if (k < 0 && k >= -22) return v / exact_pow10[-k];
    return v * pow10_table[k - POW10_MIN];
}

/* "%.9g" without printf: the 9 significant digits are v * 10^(8 - p) rounded to an
 * integer in double arithmetic, whose error (a few units in the last place of a number
 * below 10^9, under 1e-6) can only matter when the fraction is within that of one half;
 * there (about one value in 10^4) printf decides. So the output is byte-identical to
 * "%.9g", which tests check on random bit patterns. */
int fw2v_format_g9(float value, char *out)
{
    double v = (double)value;
    char *o = out;
    if (isnan(v)) return (int)(memcpy(out, "nan", 3), 3); /* Python's spelling */
    if (isinf(v)) return v > 0 ? (int)(memcpy(out, "inf", 3), 3) : (int)(memcpy(out, "-inf", 4), 4);
    if (signbit(v)) {
        *o++ = '-';
        v = -v;
    }
    if (v == 0) {
        *o++ = '0';
        return (int)(o - out);
    }
    /* The binary exponent from the bits (no libm call in a portable build), and from it
     * floor(log10(2) * (e2 - 1)) as an integer (78913 / 2^18 ~ log10(2), exact here). */
    uint32_t bits;
    memcpy(&bits, &value, 4);
    int e2 = (int)((bits >> 23) & 0xff) - 126;
    if (e2 == -126) frexp(v, &e2); /* subnormal */
    int p = ((e2 - 1) * 78913) >> 18;
    double r = scale10(v, 8 - p);
    if (r >= 1e9) {
        p++;
        r = scale10(v, 8 - p);
    } else if (r < 1e8) {
        p--;
        r = scale10(v, 8 - p);
    }
    if (r < 1e8 - 1 || r >= 1e9) return (int)(o - out) + snprintf(o, 16, "%.9g", v);
    uint64_t whole = (uint64_t)r; /* r > 0: truncation is floor */
    double frac = r - (double)whole;
    if (fabs(frac - 0.5) < 1e-4) return (int)(o - out) + snprintf(o, 16, "%.9g", v);
    uint64_t n = whole + (frac > 0.5);
    if (n >= UINT64_C(1000000000)) {
        n /= 10;
        p++;
    }
    char d[9];
    uint32_t hi = (uint32_t)(n / 10000), lo = (uint32_t)(n % 10000); /* 5 + 4 digits */
    for (int i = 8; i >= 5; i--, lo /= 10) d[i] = (char)('0' + lo % 10);
    for (int i = 4; i >= 0; i--, hi /= 10) d[i] = (char)('0' + hi % 10);
    int nd = 9;
    while (nd > 1 && d[nd - 1] == '0') nd--;
    if (p < -4 || p >= 9) {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        int x = p < 0 ? -p : p;
        *o++ = 'e';
        *o++ = p < 0 ? '-' : '+';
        if (x >= 10) {
            *o++ = (char)('0' + x / 10);
            *o++ = (char)('0' + x % 10);
        } else {
            *o++ = '0';
            *o++ = (char)('0' + x);
        }
    } else if (p >= 0) {
        memcpy(o, d, (size_t)(p + 1));
        o += p + 1;
        if (nd > p + 1) {
            *o++ = '.';
            memcpy(o, d + p + 1, (size_t)(nd - p - 1));
            o += nd - p - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -p - 1; i++) *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    }
    return (int)(o - out);
}

int64_t fw2v_text_bound(const int64_t *starts, int64_t r0, int64_t r1, int64_t dim)
{
    return starts[r1] - starts[r0] + (r1 - r0) * (17 * dim + 1);
}

static int64_t write_text_part(const char *words, const int64_t *starts, const float *rows,
                               int64_t dim, int64_t r0, int64_t r1, char *out)
{
    char *o = out;
    for (int64_t i = r0; i < r1; i++) {
        int64_t n = starts[i + 1] - 1 - starts[i];
        memcpy(o, words + starts[i], (size_t)n);
        o += n;
        const float *row = rows + i * dim;
        for (int64_t j = 0; j < dim; j++) {
            *o++ = ' ';
            o += fw2v_format_g9(row[j], o);
        }
        *o++ = '\n';
    }
    return o - out;
}

void fw2v_write_text(const char *words, const int64_t *starts, const float *rows, int64_t dim,
                     int64_t r0, int64_t r1, char *out, int threads, int64_t *offsets,
                     int64_t *lens)
{
    int64_t n = r1 - r0;
    int64_t off = 0;
    for (int t = 0; t < threads; t++) {
        int64_t a = r0 + n * t / threads, b = r0 + n * (t + 1) / threads;
        offsets[t] = off;
        off += fw2v_text_bound(starts, a, b, dim);
    }
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static, 1)
#endif
    for (int t = 0; t < threads; t++) {
        int64_t a = r0 + n * t / threads, b = r0 + n * (t + 1) / threads;
        lens[t] = write_text_part(words, starts, rows, dim, a, b, out + offsets[t]);
    }
}

/* ------------------------------------------------------------------ native format */

int64_t fw2v_first_nonfinite(const float *rows, int64_t n_rows, int64_t dim, int threads)
{
    int64_t first = n_rows;
    (void)threads;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : first)
#endif
    for (int64_t i = 0; i < n_rows; i++) {
        if (i < first && !row_finite(rows + i * dim, dim)) first = i;
    }
    return first == n_rows ? -1 : first;
}
