/* fw2v_tokenize.c: the tokeniser and word lexicon declared in fw2v_tokenize.h.
 *
 * Speed comes from never building a string per token: a token is found in the block in
 * place (a byte-class table for ASCII, a few explicit checks for the Unicode spaces),
 * hashed once and looked up in an open-addressing table whose slots hold the first bytes
 * of the word (see slot_t).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE under -std=c11 */
#endif
#include "fw2v_tokenize.h"
#include "fw2v_utf8.h"

#include <stdlib.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#endif

/* ------------------------------------------------------------------ the lexicon */

/* A slot holds what decides most comparisons without touching the word's bytes: its first
 * eight bytes, and a tag of hash bits and length. For a word of at most eight bytes (most
 * tokens of a natural-language text) a lookup therefore reads one slot and nothing else.
 * The count lives in the slot too: a separate array indexed by id made every token of a
 * large vocabulary pay a second cache miss (measured: a third of the counting time on a
 * 4M-word Zipf corpus). The full hash is kept for rehashing, so nothing per word has to
 * be read again when the table grows. */
typedef struct {
    uint64_t prefix; /* the first min(len, 8) bytes, little-endian, zero-padded */
    uint64_t hash;
    int64_t count;
    uint32_t tag;    /* high hash bits, and min(len, 255) in the low byte */
    int32_t id;      /* -1: empty */
} slot_t;

typedef struct {
    uint64_t hash;
    uint64_t prefix;
    uint32_t tag;
} word_key_t;

struct fw2v_lexicon {
    slot_t *slots;
    uint64_t mask; /* slots - 1; a power of two, at least twice the word count */
    int64_t n_words, cap_words;
    char *bytes;
    int64_t n_bytes, cap_bytes;
    int64_t *offsets; /* [cap_words + 1]: word i is bytes[offsets[i] .. offsets[i + 1]) */
};

/* Bytes s[0 .. n) (1 <= n <= 8) as a little-endian integer, zero-padded. When eight bytes
 * can be read (s + 8 <= limit) one load and a mask do it; a byte loop otherwise, and on
 * big-endian machines, giving the same value. (A memcpy of n bytes into a stack variable
 * would stall the load that follows it: store forwarding fails on a partial write.) */
static inline uint64_t load_le(const uint8_t *s, int64_t n, const uint8_t *limit) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (limit - s >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        return n >= 8 ? v : v & ((UINT64_C(1) << (8 * n)) - 1);
    }
#endif
    uint64_t v = 0;
    for (int64_t i = 0; i < n; i++) v |= (uint64_t)s[i] << (8 * i);
    return v;
}

/* The key of word s[0 .. len), whose bytes may be read up to `limit`: a 64-bit hash
 * (eight bytes at a time, then murmur3's fmix64 so that the low bits used for the slot
 * index depend on every byte), the prefix and the tag. */
static inline word_key_t make_key(const uint8_t *s, int64_t len, const uint8_t *limit) {
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    word_key_t key;
    key.prefix = len > 0 ? load_le(s, len < 8 ? len : 8, limit) : 0;
    uint64_t h = (key.prefix ^ ((uint64_t)len * k)) * k;
    for (int64_t i = 8; i < len; i += 8) {
        h ^= h >> 32;
        h = (h ^ load_le(s + i, len - i < 8 ? len - i : 8, limit)) * k;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    key.hash = h;
    key.tag = ((uint32_t)(h >> 32) & ~UINT32_C(0xff)) | (uint32_t)(len < 255 ? len : 255);
    return key;
}

static int grow_bytes(fw2v_lexicon_t *lex, int64_t len) {
    if (lex->n_bytes + len <= lex->cap_bytes) return 0;
    int64_t cap = lex->cap_bytes > 0 ? lex->cap_bytes : 1 << 16;
    while (cap < lex->n_bytes + len) cap *= 2;
    char *p = realloc(lex->bytes, (size_t)cap);
    if (!p) return -1;
    lex->bytes = p;
    lex->cap_bytes = cap;
    return 0;
}

static slot_t *new_slots(int bits);

/* Memory for a hash table of `bytes`, freed with free(). Past 2 MiB it is aligned to 2 MiB
 * and offered to the kernel for transparent huge pages (numpy does the same for its
 * arrays): a table of millions of words is probed at random, and with 4 KiB pages nearly
 * every probe also missed the TLB. The C count of a 4.1M-word Zipf corpus on one thread:
 * 1.2-1.4 s -> 0.9-1.0 s. Where the kernel says no, the pages are ordinary ones. */
static void *table_alloc(size_t bytes) {
#if defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < huge) return malloc(bytes);
    if (posix_memalign(&p, huge, bytes)) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
#else
    return malloc(bytes);
#endif
}

fw2v_lexicon_t *fw2v_lexicon_new(void) {
    fw2v_lexicon_t *lex = calloc(1, sizeof *lex);
    if (!lex) return NULL;
    lex->mask = 1023;
    lex->slots = new_slots(10);
    lex->offsets = calloc(1, sizeof(int64_t));
    if (!lex->slots || !lex->offsets) {
        fw2v_lexicon_free(lex);
        return NULL;
    }
    return lex;
}

void fw2v_lexicon_free(fw2v_lexicon_t *lex) {
    if (!lex) return;
    free(lex->slots);
    free(lex->bytes);
    free(lex->offsets);
    free(lex);
}

/* The slot that holds the word, or the empty slot where it would go. */
static inline uint64_t find_slot(const fw2v_lexicon_t *lex, const uint8_t *word, int64_t len,
                                 word_key_t key) {
    uint64_t i = key.hash & lex->mask;
    for (;;) {
        const slot_t *s = &lex->slots[i];
        if (s->id < 0) return i;
        if (s->tag == key.tag && s->prefix == key.prefix) {
            if (len <= 8) return i; /* the tag holds the length, the prefix the bytes */
            const int64_t off = lex->offsets[s->id];
            if (lex->offsets[s->id + 1] - off == len &&
                memcmp(lex->bytes + off + 8, word + 8, (size_t)(len - 8)) == 0)
                return i;
        }
        i = (i + 1) & lex->mask;
    }
}

static inline void fill_slot(slot_t *slot, word_key_t key, int64_t id, int64_t count) {
    slot->prefix = key.prefix;
    slot->hash = key.hash;
    slot->count = count;
    slot->tag = key.tag;
    slot->id = (int32_t)id;
}

/* A table of 2^bits empty slots. */
static slot_t *new_slots(int bits) {
    const size_t n = (size_t)1 << bits;
    slot_t *slots = table_alloc(sizeof(slot_t) * n);
    if (slots)
        for (size_t i = 0; i < n; i++) slots[i].id = -1;
    return slots;
}

static int rehash(fw2v_lexicon_t *lex) {
    const uint64_t old = lex->mask + 1, mask = lex->mask * 2 + 1;
    int bits = 0;
    while (((uint64_t)1 << bits) <= mask) bits++;
    slot_t *slots = new_slots(bits);
    if (!slots) return -1;
    for (uint64_t j = 0; j < old; j++) {
        const slot_t *s = &lex->slots[j];
        if (s->id < 0) continue;
        uint64_t i = s->hash & mask;
        while (slots[i].id >= 0) i = (i + 1) & mask;
        slots[i] = *s;
    }
    free(lex->slots);
    lex->slots = slots;
    lex->mask = mask;
    return 0;
}

static int64_t lexicon_add(fw2v_lexicon_t *lex, const uint8_t *word, int64_t len, word_key_t key,
                           int64_t count) {
    const uint64_t slot = find_slot(lex, word, len, key);
    if (lex->slots[slot].id >= 0) {
        lex->slots[slot].count += count;
        return lex->slots[slot].id;
    }
    const int64_t id = lex->n_words;
    if (id >= INT32_MAX) return -1;
    if (id + 1 > lex->cap_words) {
        const int64_t cap = lex->cap_words > 0 ? 2 * lex->cap_words : 1024;
        void *p = realloc(lex->offsets, sizeof(int64_t) * (size_t)(cap + 1));
        if (!p) return -1;
        lex->offsets = p;
        lex->cap_words = cap;
    }
    if (grow_bytes(lex, len) < 0) return -1;
    memcpy(lex->bytes + lex->n_bytes, word, (size_t)len);
    lex->n_bytes += len;
    lex->offsets[id + 1] = lex->n_bytes;
    fill_slot(&lex->slots[slot], key, id, count);
    lex->n_words = id + 1;
    /* at most half full: probe sequences stay short */
    if ((uint64_t)lex->n_words * 2 > lex->mask && rehash(lex) < 0) return -1;
    return id;
}

int64_t fw2v_lexicon_add(fw2v_lexicon_t *lex, const char *word, int64_t len, int64_t count) {
    const uint8_t *w = (const uint8_t *)word;
    return lexicon_add(lex, w, len, make_key(w, len, w + len), count);
}

int64_t fw2v_lexicon_add_in(fw2v_lexicon_t *lex, const char *word, int64_t len,
                            const char *limit, int64_t count) {
    const uint8_t *w = (const uint8_t *)word;
    return lexicon_add(lex, w, len, make_key(w, len, (const uint8_t *)limit), count);
}

int64_t fw2v_lexicon_find(const fw2v_lexicon_t *lex, const char *word, int64_t len) {
    const uint8_t *w = (const uint8_t *)word;
    return lex->slots[find_slot(lex, w, len, make_key(w, len, w + len))].id;
}

int64_t fw2v_lexicon_size(const fw2v_lexicon_t *lex) { return lex->n_words; }

const char *fw2v_lexicon_word(const fw2v_lexicon_t *lex, int64_t id, int64_t *len) {
    *len = lex->offsets[id + 1] - lex->offsets[id];
    return lex->bytes + lex->offsets[id];
}

int64_t fw2v_lexicon_count(const fw2v_lexicon_t *lex, int64_t id) {
    int64_t len;
    const uint8_t *w = (const uint8_t *)fw2v_lexicon_word(lex, id, &len);
    return lex->slots[find_slot(lex, w, len, make_key(w, len, w + len))].count;
}

int fw2v_lexicon_renumber(fw2v_lexicon_t *lex, const int64_t *order) {
    const int64_t n = lex->n_words;
    char *bytes = malloc((size_t)(lex->n_bytes > 0 ? lex->n_bytes : 1));
    int64_t *offsets = malloc(sizeof(int64_t) * (size_t)(n + 1));
    int32_t *new_id = malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
    if (!bytes || !offsets || !new_id) {
        free(bytes);
        free(offsets);
        free(new_id);
        return -1;
    }
    offsets[0] = 0;
    for (int64_t k = 0; k < n; k++) {
        const int64_t old = order[k], off = lex->offsets[old], len = lex->offsets[old + 1] - off;
        memcpy(bytes + offsets[k], lex->bytes + off, (size_t)len);
        offsets[k + 1] = offsets[k] + len;
        new_id[old] = (int32_t)k;
    }
    for (uint64_t i = 0; i <= lex->mask; i++)
        if (lex->slots[i].id >= 0) lex->slots[i].id = new_id[lex->slots[i].id];
    free(new_id);
    free(lex->bytes);
    free(lex->offsets);
    lex->bytes = bytes;
    lex->cap_bytes = lex->n_bytes > 0 ? lex->n_bytes : 1;
    lex->offsets = offsets;
    lex->cap_words = n;
    return 0;
}

void fw2v_lexicon_counts(const fw2v_lexicon_t *lex, int64_t *counts) {
    for (uint64_t i = 0; i <= lex->mask; i++)
        if (lex->slots[i].id >= 0) counts[lex->slots[i].id] = lex->slots[i].count;
}

/* ------------------------------------------------------------------ the tokeniser */

static inline int64_t utf8_chars(const uint8_t *p, int64_t n) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) c += (p[i] & 0xc0) != 0x80;
    return c;
}

fw2v_tokenizer_t *fw2v_tokenizer_new(int64_t max_len, int64_t chunk_words, int count) {
    fw2v_tokenizer_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->max_len = max_len < 1 ? 1 : max_len;
    t->chunk_words = chunk_words < 0 ? 0 : chunk_words;
    t->count = count;
    return t;
}

void fw2v_tokenizer_free(fw2v_tokenizer_t *t) {
    if (!t) return;
    free(t->carry);
    free(t->ids);
    free(t->ends);
    free(t);
}

void fw2v_tokenizer_clear_chunk(fw2v_tokenizer_t *t) {
    t->n_ids = 0;
    t->n_ends = 0;
    t->raw = 0;
}

/* End the current sentence, if it has a token. Returns FW2V_TOK_CHUNK when that completes
 * a chunk. */
static inline int end_sentence(fw2v_tokenizer_t *t) {
    if (t->sentence_tokens == 0) return FW2V_TOK_DONE;
    t->sentence_tokens = 0;
    if (t->count && !t->record) return FW2V_TOK_DONE;
    if (t->n_ends == t->cap_ends) {
        const int64_t cap = t->cap_ends > 0 ? 2 * t->cap_ends : 1024;
        int64_t *p = realloc(t->ends, sizeof(int64_t) * (size_t)cap);
        if (!p) return FW2V_TOK_NOMEM;
        t->ends = p;
        t->cap_ends = cap;
    }
    t->ends[t->n_ends++] = t->n_ids;
    return t->chunk_words > 0 && t->raw >= t->chunk_words ? FW2V_TOK_CHUNK : FW2V_TOK_DONE;
}

/* One token s[0 .. len), readable up to `limit`: counted or looked up, then the sentence
 * ends if it is full. */
static inline int emit(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const uint8_t *s, int64_t len,
                       const uint8_t *limit) {
    const word_key_t key = make_key(s, len, limit);
    int64_t id;
    if (t->count) {
        id = lexicon_add(lex, s, len, key, 1);
        if (id < 0) return FW2V_TOK_NOMEM;
        if (!t->record) id = -1; /* counted; nothing to keep */
    } else {
        id = lex->slots[find_slot(lex, s, len, key)].id;
    }
    if (id >= 0) {
        if (t->n_ids == t->cap_ids) {
            const int64_t cap = t->cap_ids > 0 ? 2 * t->cap_ids : 1 << 16;
            int32_t *p = realloc(t->ids, sizeof(int32_t) * (size_t)cap);
            if (!p) return FW2V_TOK_NOMEM;
            t->ids = p;
            t->cap_ids = cap;
        }
        t->ids[t->n_ids++] = (int32_t)id;
    }
    t->raw++;
    if (++t->sentence_tokens == t->max_len) return end_sentence(t);
    return FW2V_TOK_DONE;
}

static int append_carry(fw2v_tokenizer_t *t, const uint8_t *s, int64_t len) {
    if (t->carry_len + len > t->carry_cap) {
        int64_t cap = t->carry_cap > 0 ? t->carry_cap : 256;
        while (cap < t->carry_len + len) cap *= 2;
        char *p = realloc(t->carry, (size_t)cap);
        if (!p) return FW2V_TOK_NOMEM;
        t->carry = p;
        t->carry_cap = cap;
    }
    memcpy(t->carry + t->carry_len, s, (size_t)len);
    t->carry_len += len;
    t->carry_chars += utf8_chars(s, len);
    return FW2V_TOK_DONE;
}

/* The token made of the carry and the first `len` bytes of this block. */
static int emit_carry(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const uint8_t *s, int64_t len) {
    if (append_carry(t, s, len) < 0) return FW2V_TOK_NOMEM;
    const uint8_t *carry = (const uint8_t *)t->carry;
    const int r = emit(t, lex, carry, t->carry_len, carry + t->carry_len);
    t->carry_len = 0;
    t->carry_chars = 0;
    return r;
}

int fw2v_tokenize(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const char *text, int64_t n, int end,
                  int64_t *consumed) {
    const uint8_t *const start = (const uint8_t *)text;
    const uint8_t *p = start, *const stop = start + n;
    /* start of the token being read; the block's first byte continues a carried one */
    const uint8_t *tok = t->carry_len > 0 ? p : NULL;
    int r = FW2V_TOK_DONE;
    while (p < stop) {
        const int cls = fw2v_byte_class[*p];
        int width = 1;
        if (cls == FW2V_B_TOKEN || (cls == FW2V_B_MAYBE && (width = fw2v_unicode_space(p, stop)) == 0)) {
            if (!tok) tok = p;
            /* the continuation bytes of a character are TOKEN bytes too; ASCII text is
             * skipped eight bytes at a time */
            p = *p < 0x80 ? fw2v_skip_ascii_token(p + 1, stop) : p + 1;
            continue;
        }
        if (tok) {
            if (t->carry_len > 0) {
                r = emit_carry(t, lex, tok, p - tok);
            } else {
                r = emit(t, lex, tok, p - tok, stop);
            }
            tok = NULL;
            if (r < 0) goto out;
        }
        if (cls == FW2V_B_NEWLINE) {
            const int r2 = end_sentence(t);
            if (r2 != FW2V_TOK_DONE) r = r2;
            if (r < 0) goto out;
        }
        p += width;
        if (r == FW2V_TOK_CHUNK) goto out;
    }
    if (tok && append_carry(t, tok, p - tok) < 0) {
        r = FW2V_TOK_NOMEM;
        goto out;
    }
    /* End actions, safe to repeat: each acts on state it clears. */
    if (end == FW2V_TOK_FILE_END || t->carry_chars > FW2V_TOK_MAX_TOKEN_CHARS) {
        /* the file ends, or a token is too long to keep growing: it is one token as is */
        if (t->carry_len > 0) {
            r = emit_carry(t, lex, p, 0);
            if (r < 0) goto out;
        }
    }
    if (end == FW2V_TOK_FILE_END) {
        const int r2 = end_sentence(t); /* a file end ends a sentence, as a newline does */
        if (r2 != FW2V_TOK_DONE) r = r2;
    }
out:
    *consumed = p - start;
    return r;
}

/* ------------------------------------------------------------------ one range of a parallel count */

int fw2v_grow(void **p, int64_t *cap, int64_t need, size_t item) {
    if (need <= *cap) return 0;
    int64_t c = *cap > 0 ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, item * (size_t)c);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* A token found by the range scan, waiting to be counted: the scan finds a few tokens
 * and prefetches their slots before counting them, so that the cache misses of a large
 * table (most new words, on a corpus of millions of distinct words) overlap instead of
 * each stalling the scan in turn. */
typedef struct {
    const uint8_t *s;
    int64_t len;
    word_key_t key;
} found_t;

#define FOUND_BATCH 16

/* Count the found tokens; token i's first byte is at stream byte base + (s - start). */
static int count_found(fw2v_share_t *sh, const found_t *found, int n, const uint8_t *start,
                       int64_t base, int record) {
    if (fw2v_grow((void **)&sh->firsts, &sh->cap_firsts, sh->lex->n_words + n, sizeof(int64_t)) < 0)
        return FW2V_TOK_NOMEM;
    if (record && fw2v_grow((void **)&sh->ids, &sh->cap_ids, sh->n_ids + n, sizeof(int32_t)) < 0)
        return FW2V_TOK_NOMEM;
    for (int i = 0; i < n; i++) {
        const int64_t before = sh->lex->n_words;
        const int64_t id = lexicon_add(sh->lex, found[i].s, found[i].len, found[i].key, 1);
        if (id < 0) return FW2V_TOK_NOMEM;
        if (id == before) sh->firsts[id] = base + (found[i].s - start);
        if (record) sh->ids[sh->n_ids++] = (int32_t)id;
    }
    return FW2V_TOK_DONE;
}

/* A line end after `at` tokens: a sentence end in the recording, once per run of them. */
static inline int line_break(fw2v_share_t *sh, int64_t at, int64_t *last) {
    if (at == *last) return FW2V_TOK_DONE;
    if (fw2v_grow((void **)&sh->breaks, &sh->cap_breaks, sh->n_breaks + 1, sizeof(int64_t)) < 0)
        return FW2V_TOK_NOMEM;
    sh->breaks[sh->n_breaks++] = *last = at;
    return FW2V_TOK_DONE;
}

int fw2v_lexicon_absorb(fw2v_lexicon_t *lex, const fw2v_lexicon_t *from, int64_t *map) {
    /* In slot order: the slot holds the key and the count, so nothing is hashed again,
     * and a batch of target slots is prefetched before it is used (see found_t). */
    const slot_t *batch[FOUND_BATCH];
    int n = 0;
    for (uint64_t j = 0; j <= from->mask + 1; j++) {
        const int last = j > from->mask;
        if (!last && from->slots[j].id >= 0) {
            batch[n++] = &from->slots[j];
            __builtin_prefetch(&lex->slots[from->slots[j].hash & lex->mask]);
        }
        if (n < FOUND_BATCH && !last) continue;
        for (int i = 0; i < n; i++) {
            const slot_t *s = batch[i];
            const int64_t off = from->offsets[s->id], len = from->offsets[s->id + 1] - off;
            const word_key_t key = {s->hash, s->prefix, s->tag};
            const int64_t got = lexicon_add(lex, (const uint8_t *)from->bytes + off, len, key,
                                            s->count);
            if (got < 0) return FW2V_TOK_NOMEM;
            map[s->id] = got;
        }
        n = 0;
    }
    return FW2V_TOK_DONE;
}

/* The same scan as fw2v_tokenize's, over a range without carry or sentences. */
int fw2v_count_range(fw2v_share_t *sh, const char *text, int64_t n, const char *end, int64_t base,
                     int record) {
    const uint8_t *p = (const uint8_t *)text, *const limit = (const uint8_t *)end;
    const uint8_t *const start = p, *const stop = p + n, *tok = NULL;
    found_t found[FOUND_BATCH];
    int n_found = 0, r = FW2V_TOK_DONE;
    /* A line end at the start of the range may end a sentence whose tokens another thread
     * counted: keep it; the assembly drops the breaks that end no token. */
    int64_t last = -1;
    for (;;) {
        int cls = FW2V_B_SPACE, width = 1;
        if (p < stop) {
            cls = fw2v_byte_class[*p];
            if (cls == FW2V_B_TOKEN ||
                (cls == FW2V_B_MAYBE && (width = fw2v_unicode_space(p, stop)) == 0)) {
                if (!tok) tok = p;
                p = *p < 0x80 ? fw2v_skip_ascii_token(p + 1, stop) : p + 1;
                continue;
            }
        }
        if (tok) {
            const int64_t len = p - tok;
            if (len > FW2V_TOK_MAX_TOKEN_CHARS) return FW2V_TOK_TOO_LONG; /* serial may cut it */
            const word_key_t key = make_key(tok, len, limit);
            __builtin_prefetch(&sh->lex->slots[key.hash & sh->lex->mask]);
            found[n_found++] = (found_t){tok, len, key};
            tok = NULL;
        }
        if (n_found == FOUND_BATCH || (p >= stop && n_found > 0)) {
            r = count_found(sh, found, n_found, start, base, record);
            n_found = 0;
        }
        if (r == FW2V_TOK_DONE && cls == FW2V_B_NEWLINE && record && p < stop)
            r = line_break(sh, sh->n_ids + n_found, &last);
        if (r != FW2V_TOK_DONE || p >= stop) return r;
        p += width;
    }
}

/* ------------------------------------------------------------------ recorded chunks */

int64_t fw2v_remap_chunk(int32_t *ids, int64_t n_ids, int64_t *offsets, int64_t n_sentences,
                         const int32_t *table, int64_t table_len) {
    /* The write position never passes the read position, so this works in place. */
    int64_t kept = 0, i = 0;
    if (offsets[0] != 0 || offsets[n_sentences] != n_ids) return -2;
    for (int64_t k = 1; k <= n_sentences; k++) {
        const int64_t end = offsets[k];
        if (end < i || end > n_ids) return -2;
        for (; i < end; i++) {
            const int32_t id = ids[i];
            if (id < 0 || id >= table_len) return -1;
            const int32_t to = table[id];
            ids[kept] = to;
            kept += to >= 0;
        }
        offsets[k] = kept;
    }
    return kept;
}
