/* fw2v_ids.c: see fw2v_ids.h. */
#include "fw2v_ids.h"

#include <stdlib.h>

#define FW2V_EMPTY (-1)

struct fw2v_idtable {
    int64_t dense_len;
    int64_t *dense_count;  /* 0: not seen */
    int64_t *dense_first;
    int32_t *dense_value;  /* -1: none */
    int64_t n_dense;       /* distinct dense ids */
    /* hash part: capacity a power of two, at most half full */
    int64_t cap, n_hash;
    int64_t *keys;         /* FW2V_EMPTY: free slot */
    int64_t *counts, *firsts;
    int32_t *values;
};

/* splitmix64's finaliser: consecutive ids land in unrelated slots. */
static inline uint64_t fw2v_mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static int fw2v_hash_alloc(fw2v_idtable_t *t, int64_t cap) {
    t->keys = malloc((size_t)cap * sizeof(int64_t));
    t->counts = calloc((size_t)cap, sizeof(int64_t));
    t->firsts = malloc((size_t)cap * sizeof(int64_t));
    t->values = malloc((size_t)cap * sizeof(int32_t));
    if (!t->keys || !t->counts || !t->firsts || !t->values) return -1;
    for (int64_t i = 0; i < cap; i++) {
        t->keys[i] = FW2V_EMPTY;
        t->values[i] = -1;
    }
    t->cap = cap;
    return 0;
}

static void fw2v_hash_release(int64_t *keys, int64_t *counts, int64_t *firsts, int32_t *values) {
    free(keys);
    free(counts);
    free(firsts);
    free(values);
}

fw2v_idtable_t *fw2v_idtable_new(int64_t dense_len) {
    fw2v_idtable_t *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    if (dense_len < 0) dense_len = 0;
    t->dense_len = dense_len;
    size_t n = dense_len > 0 ? (size_t)dense_len : 1;
    /* calloc: untouched pages of a large dense range cost nothing */
    t->dense_count = calloc(n, sizeof(int64_t));
    t->dense_first = calloc(n, sizeof(int64_t));
    t->dense_value = malloc(n * sizeof(int32_t));
    if (!t->dense_count || !t->dense_first || !t->dense_value || fw2v_hash_alloc(t, 16) < 0) {
        fw2v_idtable_free(t);
        return NULL;
    }
    for (int64_t i = 0; i < dense_len; i++) t->dense_value[i] = -1;
    return t;
}

void fw2v_idtable_free(fw2v_idtable_t *t) {
    if (!t) return;
    free(t->dense_count);
    free(t->dense_first);
    free(t->dense_value);
    fw2v_hash_release(t->keys, t->counts, t->firsts, t->values);
    free(t);
}

static inline int64_t fw2v_hash_find(const fw2v_idtable_t *t, int64_t id) {
    uint64_t mask = (uint64_t)t->cap - 1;
    uint64_t i = fw2v_mix((uint64_t)id) & mask;
    while (t->keys[i] != FW2V_EMPTY && t->keys[i] != id) i = (i + 1) & mask;
    return (int64_t)i;
}

static int fw2v_hash_grow(fw2v_idtable_t *t) {
    int64_t old_cap = t->cap;
    int64_t *keys = t->keys, *counts = t->counts, *firsts = t->firsts;
    int32_t *values = t->values;
    if (fw2v_hash_alloc(t, old_cap * 2) < 0) {
        fw2v_hash_release(t->keys, t->counts, t->firsts, t->values);
        t->keys = keys, t->counts = counts, t->firsts = firsts, t->values = values;
        t->cap = old_cap;
        return -1;
    }
    for (int64_t i = 0; i < old_cap; i++) {
        if (keys[i] == FW2V_EMPTY) continue;
        int64_t j = fw2v_hash_find(t, keys[i]);
        t->keys[j] = keys[i];
        t->counts[j] = counts[i];
        t->firsts[j] = firsts[i];
        t->values[j] = values[i];
    }
    fw2v_hash_release(keys, counts, firsts, values);
    return 0;
}

/* The slot of `id`, inserted with `first` if new; -1 when out of memory. */
static int64_t fw2v_hash_slot(fw2v_idtable_t *t, int64_t id, int64_t first) {
    int64_t i = fw2v_hash_find(t, id);
    if (t->keys[i] == id) return i;
    if (2 * (t->n_hash + 1) > t->cap) {
        if (fw2v_hash_grow(t) < 0) return -1;
        i = fw2v_hash_find(t, id);
    }
    t->keys[i] = id;
    t->firsts[i] = first;
    t->n_hash++;
    return i;
}

static inline int fw2v_count_one(fw2v_idtable_t *t, int64_t id, int64_t pos) {
    if (id < t->dense_len) {
        if (t->dense_count[id]++ == 0) {
            t->dense_first[id] = pos;
            t->n_dense++;
        }
        return 0;
    }
    int64_t i = fw2v_hash_slot(t, id, pos);
    if (i < 0) return -1;
    t->counts[i]++;
    return 0;
}

#define FW2V_DEFINE_COUNT(SUFFIX, T)                                                       \
    int fw2v_idtable_count_##SUFFIX(fw2v_idtable_t *t, const T *tokens, int64_t n,          \
                                    int64_t pos0) {                                        \
        for (int64_t i = 0; i < n; i++)                                                    \
            if (fw2v_count_one(t, (int64_t)tokens[i], pos0 + i) < 0) return -1;            \
        return 0;                                                                          \
    }
FW2V_DEFINE_COUNT(i32, int32_t)
FW2V_DEFINE_COUNT(i64, int64_t)

int64_t fw2v_idtable_size(const fw2v_idtable_t *t) { return t->n_dense + t->n_hash; }

void fw2v_idtable_export(const fw2v_idtable_t *t, int64_t *ids, int64_t *counts,
                         int64_t *firsts) {
    int64_t k = 0;
    for (int64_t i = 0; i < t->dense_len; i++) {
        if (t->dense_count[i] == 0) continue;
        ids[k] = i, counts[k] = t->dense_count[i], firsts[k] = t->dense_first[i];
        k++;
    }
    for (int64_t i = 0; i < t->cap; i++) {
        if (t->keys[i] == FW2V_EMPTY) continue;
        ids[k] = t->keys[i], counts[k] = t->counts[i], firsts[k] = t->firsts[i];
        k++;
    }
}

int fw2v_idtable_put(fw2v_idtable_t *t, int64_t id, int32_t value) {
    if (id < t->dense_len) {
        if (t->dense_count[id] == 0) t->n_dense++;
        if (t->dense_count[id] == 0) t->dense_count[id] = 1;
        t->dense_value[id] = value;
        return 0;
    }
    int64_t i = fw2v_hash_slot(t, id, 0);
    if (i < 0) return -1;
    if (t->counts[i] == 0) t->counts[i] = 1;
    t->values[i] = value;
    return 0;
}

int32_t fw2v_idtable_get(const fw2v_idtable_t *t, int64_t id) {
    if (id < t->dense_len) return t->dense_value[id];
    int64_t i = fw2v_hash_find(t, id);
    return t->keys[i] == id ? t->values[i] : -1;
}

#define FW2V_DEFINE_SCAN(SUFFIX, T)                                                        \
    int64_t fw2v_ids_scan_##SUFFIX(const T *tokens, int64_t n, int64_t *lo, int64_t *hi) {  \
        T mn = tokens[0], mx = tokens[0];                                                  \
        for (int64_t i = 1; i < n; i++) {                                                  \
            T v = tokens[i];                                                               \
            mn = v < mn ? v : mn;                                                          \
            mx = v > mx ? v : mx;                                                          \
        }                                                                                  \
        *lo = (int64_t)mn, *hi = (int64_t)mx;                                              \
        if (mn >= 0) return -1;                                                            \
        for (int64_t i = 0; i < n; i++)                                                    \
            if (tokens[i] < 0) return i;                                                   \
        return -1;                                                                         \
    }
FW2V_DEFINE_SCAN(i32, int32_t)
FW2V_DEFINE_SCAN(i64, int64_t)

int64_t fw2v_offsets_decrease(const int64_t *offsets, int64_t n) {
    for (int64_t s = 0; s + 1 < n; s++)
        if (offsets[s + 1] < offsets[s]) return s;
    return -1;
}

#define FW2V_DEFINE_CHUNK(SUFFIX, T)                                                       \
    int64_t fw2v_ids_chunk_##SUFFIX(const fw2v_idtable_t *t, const T *tokens,               \
                                    const int64_t *indptr, int64_t n_seq, int64_t *seq,    \
                                    int64_t *pos, int64_t chunk_words, int64_t max_len,    \
                                    int32_t *ids_out, int64_t *offsets_out,                \
                                    int64_t *n_sentences) {                                \
        int64_t n_ids = 0, n_sent = 0, raw = 0, s = *seq, p = *pos;                        \
        offsets_out[0] = 0;                                                                \
        while (s < n_seq && raw < chunk_words) {                                           \
            int64_t start = indptr[s] + p, end = indptr[s + 1];                            \
            int64_t stop = end - start > max_len ? start + max_len : end;                  \
            if (stop > start) {                                                            \
                for (int64_t i = start; i < stop; i++) {                                   \
                    int32_t v = fw2v_idtable_get(t, (int64_t)tokens[i]);                   \
                    ids_out[n_ids] = v;                                                    \
                    n_ids += v >= 0;                                                       \
                }                                                                          \
                raw += stop - start;                                                       \
                offsets_out[++n_sent] = n_ids;                                             \
            }                                                                              \
            if (stop >= end) {                                                             \
                s++;                                                                       \
                p = 0;                                                                     \
            } else {                                                                       \
                p = stop - indptr[s];                                                      \
            }                                                                              \
        }                                                                                  \
        *seq = s, *pos = p, *n_sentences = n_sent;                                         \
        return n_ids;                                                                      \
    }
FW2V_DEFINE_CHUNK(i32, int32_t)
FW2V_DEFINE_CHUNK(i64, int64_t)
