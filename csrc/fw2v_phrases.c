/* fw2v_phrases.c: the bigram counter and phrase joiner declared in fw2v_phrases.h.
 *
 * A bigram is the 64-bit key (a << 32) | b of its two ids (ids are below 2^31, so the
 * all-ones key never occurs and marks an empty slot). Both tables use linear probing on a
 * power-of-two array kept at most 5/8 full; a multiplicative mix spreads the keys, whose
 * low halves alone would cluster.
 */
#include "fw2v_phrases.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY_KEY UINT64_MAX
#define PREFETCH_AHEAD 8

#if defined(__GNUC__) || defined(__clang__)
#define FW2V_PREFETCH(p) __builtin_prefetch((p), 1, 1)
#else
#define FW2V_PREFETCH(p) ((void)(p))
#endif

static inline uint64_t pair_key(int32_t a, int32_t b) {
    return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

static inline uint64_t mix(uint64_t k) {
    k ^= k >> 31;
    k *= UINT64_C(0x9E3779B97F4A7C15);
    return k ^ (k >> 29);
}

/* ------------------------------------------------------------------ counting */

typedef struct {
    uint64_t key;
    int64_t count;
} bigram_slot_t;

struct fw2v_phrase_counts {
    int64_t *unigram;          /* [cap_ids]: count per id, 0 when absent */
    int64_t cap_ids, n_ids;
    bigram_slot_t *slots;      /* [mask + 1] */
    uint64_t mask;
    int64_t n_bigrams;
    int64_t entries;           /* unigrams with a count > 0, plus n_bigrams */
    int64_t max_entries;
    int64_t min_reduce;        /* the next prune drops counts <= this */
    int64_t prunes;
    int64_t words;
};

static bigram_slot_t *new_slots(uint64_t n) {
    bigram_slot_t *s = malloc(sizeof *s * (size_t)n);
    if (s)
        for (uint64_t i = 0; i < n; i++) s[i].key = EMPTY_KEY;
    return s;
}

fw2v_phrase_counts_t *fw2v_phrase_counts_new(int64_t max_entries) {
    fw2v_phrase_counts_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->mask = (1u << 12) - 1;
    c->slots = new_slots(c->mask + 1);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->max_entries = max_entries < 1 ? 1 : max_entries;
    c->min_reduce = 1;
    return c;
}

void fw2v_phrase_counts_free(fw2v_phrase_counts_t *c) {
    if (!c) return;
    free(c->unigram);
    free(c->slots);
    free(c);
}

/* Put (key, count) in a table known to have room and not to hold key. */
static inline void place(bigram_slot_t *slots, uint64_t mask, uint64_t key, int64_t count) {
    uint64_t i = mix(key) & mask;
    while (slots[i].key != EMPTY_KEY) i = (i + 1) & mask;
    slots[i].key = key;
    slots[i].count = count;
}

static int grow_bigrams(fw2v_phrase_counts_t *c) {
    const uint64_t n = 2 * (c->mask + 1);
    bigram_slot_t *s = new_slots(n);
    if (!s) return FW2V_PHR_NOMEM;
    for (uint64_t i = 0; i <= c->mask; i++)
        if (c->slots[i].key != EMPTY_KEY) place(s, n - 1, c->slots[i].key, c->slots[i].count);
    free(c->slots);
    c->slots = s;
    c->mask = n - 1;
    return FW2V_PHR_OK;
}

static inline int add_bigram(fw2v_phrase_counts_t *c, uint64_t key) {
    uint64_t i = mix(key) & c->mask;
    for (;;) {
        if (c->slots[i].key == key) {
            c->slots[i].count++;
            return FW2V_PHR_OK;
        }
        if (c->slots[i].key == EMPTY_KEY) break;
        i = (i + 1) & c->mask;
    }
    if ((uint64_t)(c->n_bigrams + 1) * 8 > (c->mask + 1) * 5) {
        if (grow_bigrams(c) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
        place(c->slots, c->mask, key, 1);
    } else {
        c->slots[i].key = key;
        c->slots[i].count = 1;
    }
    c->n_bigrams++;
    c->entries++;
    return FW2V_PHR_OK;
}

static int grow_unigrams(fw2v_phrase_counts_t *c, int64_t id) {
    int64_t cap = c->cap_ids > 0 ? 2 * c->cap_ids : 1 << 12;
    if (cap <= id) cap = id + 1;
    int64_t *p = realloc(c->unigram, sizeof(int64_t) * (size_t)cap);
    if (!p) return FW2V_PHR_NOMEM;
    memset(p + c->cap_ids, 0, sizeof(int64_t) * (size_t)(cap - c->cap_ids));
    c->unigram = p;
    c->cap_ids = cap;
    return FW2V_PHR_OK;
}

/* word2phrase's ReduceVocab: drop every entry counted <= min_reduce, then raise it. The
 * survivors are packed to the front of the table, copied out and put back. */
static int prune(fw2v_phrase_counts_t *c) {
    const int64_t limit = c->min_reduce;
    for (int64_t i = 0; i < c->n_ids; i++)
        if (c->unigram[i] > 0 && c->unigram[i] <= limit) {
            c->unigram[i] = 0;
            c->entries--;
        }
    int64_t kept = 0;
    for (uint64_t i = 0; i <= c->mask; i++)
        if (c->slots[i].key != EMPTY_KEY && c->slots[i].count > limit) c->slots[kept++] = c->slots[i];
    bigram_slot_t *keep = malloc(sizeof *keep * (size_t)(kept > 0 ? kept : 1));
    if (!keep) return FW2V_PHR_NOMEM;
    memcpy(keep, c->slots, sizeof *keep * (size_t)kept);
    for (uint64_t i = 0; i <= c->mask; i++) c->slots[i].key = EMPTY_KEY;
    for (int64_t i = 0; i < kept; i++) place(c->slots, c->mask, keep[i].key, keep[i].count);
    free(keep);
    c->entries -= c->n_bigrams - kept;
    c->n_bigrams = kept;
    c->min_reduce++;
    c->prunes++;
    return FW2V_PHR_OK;
}

int fw2v_phrase_count_chunk(fw2v_phrase_counts_t *c, const int32_t *ids, const int64_t *ends,
                            int64_t n_ends) {
    int64_t start = 0;
    const int64_t n_ids = n_ends > 0 ? ends[n_ends - 1] : 0;
    for (int64_t k = 0; k < n_ends; k++) {
        const int64_t stop = ends[k];
        int32_t prev = -1;
        for (int64_t i = start; i < stop; i++) {
            const int32_t id = ids[i];
            /* The bigram table is far larger than the cache: ask for the slot of a pair a
             * few tokens ahead, so that its miss overlaps this token's work. */
            if (i + PREFETCH_AHEAD < n_ids)
                FW2V_PREFETCH(&c->slots[mix(pair_key(ids[i + PREFETCH_AHEAD - 1],
                                                     ids[i + PREFETCH_AHEAD])) & c->mask]);
            if (id >= c->cap_ids && grow_unigrams(c, id) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
            if (id >= c->n_ids) c->n_ids = (int64_t)id + 1;
            if (c->unigram[id]++ == 0) c->entries++;
            if (i > start && add_bigram(c, pair_key(prev, id)) != FW2V_PHR_OK)
                return FW2V_PHR_NOMEM;
            prev = id;
            c->words++;
            if (c->entries > c->max_entries && prune(c) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
        }
        start = stop;
    }
    return FW2V_PHR_OK;
}

int64_t fw2v_phrase_counts_words(const fw2v_phrase_counts_t *c) { return c->words; }
int64_t fw2v_phrase_counts_n_ids(const fw2v_phrase_counts_t *c) { return c->n_ids; }
int64_t fw2v_phrase_counts_n_bigrams(const fw2v_phrase_counts_t *c) { return c->n_bigrams; }
int64_t fw2v_phrase_counts_min_reduce(const fw2v_phrase_counts_t *c) { return c->min_reduce; }
int64_t fw2v_phrase_counts_prunes(const fw2v_phrase_counts_t *c) { return c->prunes; }

void fw2v_phrase_counts_unigrams(const fw2v_phrase_counts_t *c, int64_t *out) {
    if (c->n_ids) memcpy(out, c->unigram, sizeof(int64_t) * (size_t)c->n_ids);
}

void fw2v_phrase_counts_bigrams(const fw2v_phrase_counts_t *c, int32_t *a, int32_t *b,
                                int64_t *count) {
    int64_t j = 0;
    for (uint64_t i = 0; i <= c->mask; i++) {
        const uint64_t key = c->slots[i].key;
        if (key == EMPTY_KEY) continue;
        a[j] = (int32_t)(key >> 32);
        b[j] = (int32_t)(key & 0xffffffffu);
        count[j] = c->slots[i].count;
        j++;
    }
}

/* The tokeniser records ids as int32: refuse a lexicon that outgrew them. */
static inline int ids_fit(const fw2v_lexicon_t *lex) {
    return fw2v_lexicon_size(lex) > INT32_MAX ? FW2V_PHR_TOO_MANY : FW2V_PHR_OK;
}

int fw2v_phrase_count_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, fw2v_phrase_counts_t *c,
                           const char *text, int64_t n, int end) {
    int64_t pos = 0, used = 0;
    for (;;) {
        const int r = fw2v_tokenize(t, lex, text + pos, n - pos, end, &used);
        pos += used;
        if (r == FW2V_TOK_NOMEM) return FW2V_PHR_NOMEM;
        const int last = r != FW2V_TOK_CHUNK;
        if (r == FW2V_TOK_CHUNK || end == FW2V_TOK_FILE_END) {
            int status = ids_fit(lex);
            if (status == FW2V_PHR_OK) status = fw2v_phrase_count_chunk(c, t->ids, t->ends, t->n_ends);
            fw2v_tokenizer_clear_chunk(t);
            if (status != FW2V_PHR_OK) return status;
        }
        if (last) return FW2V_PHR_OK;
    }
}

/* ------------------------------------------------------------------ joining */

struct fw2v_phrase_set {
    uint64_t *keys; /* [mask + 1] */
    uint64_t mask;
};

fw2v_phrase_set_t *fw2v_phrase_set_new(const int32_t *a, const int32_t *b, int64_t n) {
    fw2v_phrase_set_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    uint64_t size = 16;
    while (size * 5 < (uint64_t)n * 8) size *= 2;
    s->keys = malloc(sizeof(uint64_t) * (size_t)size);
    if (!s->keys) {
        free(s);
        return NULL;
    }
    s->mask = size - 1;
    for (uint64_t i = 0; i < size; i++) s->keys[i] = EMPTY_KEY;
    for (int64_t j = 0; j < n; j++) {
        const uint64_t key = pair_key(a[j], b[j]);
        uint64_t i = mix(key) & s->mask;
        while (s->keys[i] != EMPTY_KEY && s->keys[i] != key) i = (i + 1) & s->mask;
        s->keys[i] = key;
    }
    return s;
}

void fw2v_phrase_set_free(fw2v_phrase_set_t *s) {
    if (!s) return;
    free(s->keys);
    free(s);
}

int fw2v_phrase_set_has(const fw2v_phrase_set_t *s, int32_t a, int32_t b) {
    const uint64_t key = pair_key(a, b);
    uint64_t i = mix(key) & s->mask;
    for (;;) {
        if (s->keys[i] == key) return 1;
        if (s->keys[i] == EMPTY_KEY) return 0;
        i = (i + 1) & s->mask;
    }
}

void fw2v_phrase_buffer_free(fw2v_phrase_buffer_t *buf) {
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

static int reserve(fw2v_phrase_buffer_t *buf, int64_t extra) {
    if (buf->len + extra <= buf->cap) return FW2V_PHR_OK;
    int64_t cap = buf->cap > 0 ? buf->cap : 1 << 16;
    while (cap < buf->len + extra) cap *= 2;
    char *p = realloc(buf->data, (size_t)cap);
    if (!p) return FW2V_PHR_NOMEM;
    buf->data = p;
    buf->cap = cap;
    return FW2V_PHR_OK;
}

/* Append word `id` (after `sep`, sep_len bytes, which may be 0). */
static inline int put_word(fw2v_phrase_buffer_t *out, const fw2v_lexicon_t *lex, int32_t id,
                           const char *sep, int64_t sep_len) {
    int64_t len;
    const char *w = fw2v_lexicon_word(lex, id, &len);
    if (reserve(out, sep_len + len + 1) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
    memcpy(out->data + out->len, sep, (size_t)sep_len);
    memcpy(out->data + out->len + sep_len, w, (size_t)len);
    out->len += sep_len + len;
    return FW2V_PHR_OK;
}

int fw2v_phrase_join_chunk(const fw2v_phrase_set_t *s, const fw2v_lexicon_t *lex,
                           const int32_t *ids, const int64_t *ends, int64_t n_ends,
                           const char *delim, int64_t delim_len, fw2v_phrase_buffer_t *out) {
    int64_t start = 0;
    for (int64_t k = 0; k < n_ends; k++) {
        const int64_t stop = ends[k];
        for (int64_t i = start; i < stop; i++) {
            if (put_word(out, lex, ids[i], " ", i > start) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
            /* The word after a phrase starts afresh: it is never the second half of two. */
            if (i + 1 < stop && fw2v_phrase_set_has(s, ids[i], ids[i + 1])) {
                i++;
                if (put_word(out, lex, ids[i], delim, delim_len) != FW2V_PHR_OK)
                    return FW2V_PHR_NOMEM;
            }
        }
        if (reserve(out, 1) != FW2V_PHR_OK) return FW2V_PHR_NOMEM;
        out->data[out->len++] = '\n';
        start = stop;
    }
    return FW2V_PHR_OK;
}

int fw2v_phrase_join_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const fw2v_phrase_set_t *s,
                          const char *delim, int64_t delim_len, const char *text, int64_t n,
                          int end, fw2v_phrase_buffer_t *out) {
    int64_t pos = 0, used = 0;
    for (;;) {
        const int r = fw2v_tokenize(t, lex, text + pos, n - pos, end, &used);
        pos += used;
        if (r == FW2V_TOK_NOMEM) return FW2V_PHR_NOMEM;
        const int last = r != FW2V_TOK_CHUNK;
        if (r == FW2V_TOK_CHUNK || end == FW2V_TOK_FILE_END) {
            int status = ids_fit(lex);
            if (status == FW2V_PHR_OK)
                status = fw2v_phrase_join_chunk(s, lex, t->ids, t->ends, t->n_ends, delim,
                                                delim_len, out);
            fw2v_tokenizer_clear_chunk(t);
            if (status != FW2V_PHR_OK) return status;
        }
        if (last) return FW2V_PHR_OK;
    }
}
