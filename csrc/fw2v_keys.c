/* fw2v_keys.c: the key index over a blob of words, and the native vocabulary's parser;
 * see fw2v_keys.h. */
#include "fw2v_keys.h"

#include <string.h>

uint64_t fw2v_keys_slots(int64_t n)
{
    return (uint64_t)(n > 0 ? n : 1) * 3 / 2 + 2; /* at most 2/3 full */
}

/* FNV-1a over the bytes, then MurmurHash3's finaliser: both halves of the result are mixed,
 * the high one picking the slot, the low one kept beside the row as a tag. */
static inline uint64_t key_hash(const unsigned char *p, int64_t len)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (int64_t k = 0; k < len; k++) h = (h ^ p[k]) * UINT64_C(1099511628211);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 33);
}

/* First slot of a hash in a table of `size` slots (Lemire's multiply-shift: no power of two
 * needed), and what a slot holds: the hash's low half as a tag, then row + 1 (0: empty). A
 * probe compares the tag before it looks at the bytes of a word, which are elsewhere in
 * memory: nearly every probe of a word that is not the one sought stops at the tag. */
static inline uint64_t home_slot(uint64_t h, uint64_t size) { return ((h >> 32) * size) >> 32; }
static inline uint64_t slot_of(uint64_t h, int64_t row) { return h << 32 | (uint64_t)(row + 1); }

static inline int same_word(const char *blob, const int64_t *starts, int64_t j, const char *key,
                            int64_t len)
{
    return starts[j + 1] - 1 - starts[j] == len && !memcmp(blob + starts[j], key, (size_t)len);
}

/* Rows ahead whose slot is prefetched: a 3M-word table (36 MB) misses the cache on nearly
 * every insertion, and hiding that latency is most of the build's time. */
#define FW2V_KEYS_AHEAD 16
#if defined(__GNUC__) || defined(__clang__)
#define FW2V_PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define FW2V_PREFETCH_W(p) ((void)(p))
#endif

/* Insert row (hash h): -1, or the earlier row holding the same bytes. */
static int64_t insert(const char *blob, const int64_t *starts, uint64_t *table, uint64_t size,
                      uint64_t h, int64_t row)
{
    const char *word = blob + starts[row];
    const int64_t len = starts[row + 1] - 1 - starts[row];
    const uint64_t tag = h << 32;
    for (uint64_t slot = home_slot(h, size);; slot = slot + 1 == size ? 0 : slot + 1) {
        const uint64_t other = table[slot];
        if (!other) {
            table[slot] = slot_of(h, row);
            return -1;
        }
        const int64_t j = (int64_t)(other & 0xffffffffu) - 1;
        if ((other & ~UINT64_C(0xffffffff)) == tag && same_word(blob, starts, j, word, len))
            return j;
    }
}

int64_t fw2v_keys_build(const char *blob, const int64_t *starts, int64_t n, uint64_t *table,
                        uint64_t size, int64_t *first)
{
    uint64_t ring[FW2V_KEYS_AHEAD];
    for (int64_t i = 0; i < n + FW2V_KEYS_AHEAD; i++) {
        const int64_t row = i - FW2V_KEYS_AHEAD; /* inserted now, its slot prefetched before */
        if (row >= 0) {
            const int64_t j = insert(blob, starts, table, size, ring[row % FW2V_KEYS_AHEAD], row);
            if (j >= 0) {
                *first = j;
                return row;
            }
        }
        if (i < n) { /* the ring entry just used takes row i's hash */
            const uint64_t h = key_hash((const unsigned char *)blob + starts[i],
                                        starts[i + 1] - 1 - starts[i]);
            ring[i % FW2V_KEYS_AHEAD] = h;
            FW2V_PREFETCH_W(table + home_slot(h, size));
        }
    }
    return -1;
}

int64_t fw2v_keys_find(const char *blob, const int64_t *starts, const uint64_t *table,
                       uint64_t size, const char *key, int64_t len)
{
    const uint64_t h = key_hash((const unsigned char *)key, len), tag = h << 32;
    for (uint64_t slot = home_slot(h, size);; slot = slot + 1 == size ? 0 : slot + 1) {
        const uint64_t other = table[slot];
        if (!other) return -1;
        const int64_t j = (int64_t)(other & 0xffffffffu) - 1;
        if ((other & ~UINT64_C(0xffffffff)) == tag && same_word(blob, starts, j, key, len))
            return j;
    }
}

/* Python's whitespace: ASCII 9-13, 28-32 and, beyond ASCII, U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (str.isspace()). */
static int utf8_space_at(const unsigned char *p, const unsigned char *end)
{
    if (p[0] == 0xC2) return p + 1 < end && (p[1] == 0x85 || p[1] == 0xA0);
    if (p + 2 >= end) return 0;
    if (p[0] == 0xE1) return p[1] == 0x9A && p[2] == 0x80;
    if (p[0] == 0xE3) return p[1] == 0x80 && p[2] == 0x80;
    if (p[0] != 0xE2) return 0;
    if (p[1] == 0x81) return p[2] == 0x9F;
    return p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF);
}

int fw2v_blob_has_space(const char *blob, int64_t len)
{
    const unsigned char *p = (const unsigned char *)blob, *end = p + len;
    int at_start = 1; /* of a word: a '\n' here ends an empty one */
    for (; p < end; p++) {
        const unsigned char c = *p;
        if (c == '\n') {
            if (at_start) return 1;
            at_start = 1;
            continue;
        }
        at_start = 0;
        if (c < 0x80) {
            if ((c >= 9 && c <= 13) || (c >= 28 && c <= 32)) return 1;
        } else if (c >= 0xC2 && utf8_space_at(p, end)) {
            return 1;
        }
    }
    return 0;
}

/* A count of 1-18 ASCII digits, at most max_count: 0 and *out set, or -1. */
static int parse_count(const char *s, const char *e, int64_t max_count, int64_t *out)
{
    if (e <= s || e - s > 18) return -1;
    int64_t v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = 10 * v + (*s - '0');
    }
    if (v > max_count) return -1;
    *out = v;
    return 0;
}

int64_t fw2v_native_vocab(const char *data, int64_t len, int64_t max_count, char *words_out,
                          int64_t *starts, int64_t *counts, int *has_counts)
{
    *has_counts = len > 0 && memchr(data, '\t', (size_t)len) != NULL;
    int64_t n = 0, out = 0, pos = 0;
    while (pos < len) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', (size_t)(len - pos));
        const char *end = nl ? nl : data + len;
        const char *word_end = end;
        if (*has_counts) {
            const char *tab = memchr(line, '\t', (size_t)(end - line));
            if (!tab || memchr(tab + 1, '\t', (size_t)(end - tab - 1))) return -1;
            if (parse_count(tab + 1, end, max_count, counts + n)) return -1;
            word_end = tab;
        }
        starts[n++] = out;
        memcpy(words_out + out, line, (size_t)(word_end - line));
        out += word_end - line;
        words_out[out++] = '\n';
        pos = end - data + 1;
    }
    starts[n] = out;
    return n;
}
