/* fw2v_count.c: ranking and parallel counting, declared in fw2v_count.h. */
#include "fw2v_count.h"

#include <stdlib.h>
#include <string.h>

#include "fw2v_utf8.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* ------------------------------------------------------------------ ranking */

#define RADIX_BITS 11
#define RADIX (1 << RADIX_BITS)

typedef struct {
    int64_t key, id;
} pair_t;

/* One stable counting-sort pass of src into dst by the digit at `shift` of the key. The
 * keys travel with the ids, so that the passes read memory in order. */
static void radix_pass(const pair_t *src, pair_t *dst, int64_t n, int shift) {
    int64_t bucket[RADIX] = {0};
    for (int64_t i = 0; i < n; i++) bucket[(src[i].key >> shift) & (RADIX - 1)]++;
    int64_t sum = 0;
    for (int b = 0; b < RADIX; b++) {
        const int64_t c = bucket[b];
        bucket[b] = sum;
        sum += c;
    }
    for (int64_t i = 0; i < n; i++) dst[bucket[(src[i].key >> shift) & (RADIX - 1)]++] = src[i];
}

/* Sort order[0 .. n) stably by values[order[i]] (each in [0, span]), descending or not. */
static int radix_sort(const int64_t *values, int64_t span, int descending, int64_t *order,
                      int64_t n) {
    int passes = 0;
    for (int64_t v = span; v > 0; v >>= RADIX_BITS) passes++;
    if (passes == 0 || n < 2) return 0;
    pair_t *a = malloc(sizeof(pair_t) * (size_t)n), *b = malloc(sizeof(pair_t) * (size_t)n);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        a[i] = (pair_t){descending ? span - values[order[i]] : values[order[i]], order[i]};
    for (int p = 0; p < passes; p++) {
        radix_pass(a, b, n, p * RADIX_BITS);
        pair_t *swap = a;
        a = b;
        b = swap;
    }
    for (int64_t i = 0; i < n; i++) order[i] = a[i].id;
    free(a);
    free(b);
    return 0;
}

int64_t fw2v_rank_counts(const int64_t *counts, int64_t n, int64_t keep, int64_t *order) {
    int64_t kept = 0, top = 0;
    for (int64_t i = 0; i < n; i++) {
        if (counts[i] < keep) continue;
        order[kept++] = i; /* in id order: the stable passes keep ties that way */
        if (counts[i] > top) top = counts[i];
    }
    return radix_sort(counts, top, 1, order, kept) < 0 ? -1 : kept;
}

int64_t fw2v_lexicon_join(const fw2v_lexicon_t *lex, const int64_t *order, int64_t n, char *out) {
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t len;
        const char *w = fw2v_lexicon_word(lex, order[i], &len);
        if (out) {
            if (i > 0) out[at] = '\n';
            memcpy(out + at + (i > 0), w, (size_t)len);
        }
        at += len + (i > 0);
    }
    return at;
}

/* ------------------------------------------------------------------ parallel counting */

/* What one thread counted of one text: a piece of the stream in order. thread < 0: a file
 * end (a sentence end for the recording). */
typedef struct {
    int thread;
    int64_t ids_end, breaks_end; /* the thread's n_ids, n_breaks after this piece */
} piece_t;

struct fw2v_pcount {
    int n_threads, record;
    fw2v_share_t *shares;
    piece_t *pieces;
    int64_t n_pieces, cap_pieces;
    int64_t bytes_seen;
    int64_t *maps; /* after merging: concatenated local -> final id maps, one per thread */
    int64_t *map_start;
};

fw2v_pcount_t *fw2v_pcount_new(int n_threads, int record) {
    fw2v_pcount_t *pc = calloc(1, sizeof *pc);
    if (!pc) return NULL;
    pc->n_threads = n_threads < 1 ? 1 : n_threads > 64 ? 64 : n_threads;
    pc->record = record;
    pc->shares = calloc((size_t)pc->n_threads, sizeof(fw2v_share_t));
    if (!pc->shares) {
        free(pc);
        return NULL;
    }
    for (int t = 0; t < pc->n_threads; t++) {
        pc->shares[t].lex = fw2v_lexicon_new();
        if (!pc->shares[t].lex) {
            fw2v_pcount_free(pc);
            return NULL;
        }
    }
    return pc;
}

void fw2v_pcount_free(fw2v_pcount_t *pc) {
    if (!pc) return;
    for (int t = 0; t < pc->n_threads; t++) {
        fw2v_share_t *s = &pc->shares[t];
        fw2v_lexicon_free(s->lex);
        free(s->firsts);
        free(s->ids);
        free(s->breaks);
    }
    free(pc->shares);
    free(pc->pieces);
    free(pc->maps);
    free(pc->map_start);
    free(pc);
}

void fw2v_pcount_stop_recording(fw2v_pcount_t *pc) {
    pc->record = 0;
    for (int t = 0; t < pc->n_threads; t++) {
        fw2v_share_t *s = &pc->shares[t];
        free(s->ids);
        free(s->breaks);
        s->ids = NULL;
        s->breaks = NULL;
        s->n_ids = s->cap_ids = s->n_breaks = s->cap_breaks = 0;
    }
    free(pc->pieces); /* what they describe is gone */
    pc->pieces = NULL;
    pc->n_pieces = pc->cap_pieces = 0;
}

int64_t fw2v_pcount_recorded(const fw2v_pcount_t *pc) {
    int64_t n = 0;
    for (int t = 0; t < pc->n_threads; t++) n += pc->shares[t].n_ids + pc->shares[t].n_breaks;
    return n;
}

#define RANGES_PER_THREAD 4

static inline int this_thread(void) {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

static inline int ascii_space(uint8_t c) {
    return fw2v_byte_class[c] == FW2V_B_SPACE || fw2v_byte_class[c] == FW2V_B_NEWLINE;
}

int fw2v_pcount_feed(fw2v_pcount_t *pc, const char *text, int64_t n, int file_end,
                     int64_t *consumed) {
    const uint8_t *buf = (const uint8_t *)text;
    int64_t cut = n;
    *consumed = 0;
    if (!file_end) { /* whole tokens only: up to the last ASCII space */
        while (cut > 0 && !ascii_space(buf[cut - 1])) cut--;
        if (cut == 0) return n > FW2V_TOK_MAX_TOKEN_CHARS ? FW2V_PCOUNT_LONG : FW2V_PCOUNT_OK;
    }
    /* More ranges than threads, handed out as threads come free: a thread the machine
     * runs slower (other jobs on its core) holds the others up less than with one range
     * each. A thread takes its ranges in increasing order, so its ids and line ends stay
     * in stream order, which the assembly relies on. */
    const int T = pc->n_threads, R = T == 1 ? 1 : RANGES_PER_THREAD * T;
    int64_t bounds[RANGES_PER_THREAD * 64 + 1];
    piece_t done[RANGES_PER_THREAD * 64];
    int status[RANGES_PER_THREAD * 64];
    bounds[0] = 0;
    for (int r = 1; r < R; r++) { /* each range starts after an ASCII space */
        int64_t b = cut / R * r;
        if (b < bounds[r - 1]) b = bounds[r - 1];
        while (b < cut && b > 0 && !ascii_space(buf[b - 1])) b++;
        bounds[r] = b;
    }
    bounds[R] = cut;
    if (fw2v_grow((void **)&pc->pieces, &pc->cap_pieces, pc->n_pieces + R + 1, sizeof(piece_t)) < 0)
        return FW2V_PCOUNT_NOMEM;
    const int record = pc->record;
#ifdef _OPENMP
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
#endif
    for (int r = 0; r < R; r++) {
        const int t = this_thread();
        fw2v_share_t *sh = &pc->shares[t];
        status[r] = fw2v_count_range(sh, text + bounds[r], bounds[r + 1] - bounds[r], text + n,
                                     pc->bytes_seen + bounds[r], record);
        done[r] = (piece_t){t, sh->n_ids, sh->n_breaks};
    }
    for (int r = 0; r < R; r++) {
        if (status[r] != FW2V_PCOUNT_OK) return status[r];
        pc->pieces[pc->n_pieces++] = done[r];
    }
    if (file_end) pc->pieces[pc->n_pieces++] = (piece_t){-1, 0, 0};
    pc->bytes_seen += cut;
    *consumed = cut;
    return FW2V_PCOUNT_OK;
}

/* Add thread t's words to the merged lexicon g (firsts: where each merged word first
 * appeared); map[local id] = merged id. */
static int merge_share(fw2v_lexicon_t *g, int64_t **firsts, int64_t *cap, const fw2v_share_t *s,
                       int64_t *map) {
    const int64_t before = fw2v_lexicon_size(g), n = fw2v_lexicon_size(s->lex);
    if (fw2v_lexicon_absorb(g, s->lex, map) < 0 ||
        fw2v_grow((void **)firsts, cap, fw2v_lexicon_size(g), sizeof(int64_t)) < 0)
        return FW2V_PCOUNT_NOMEM;
    int64_t *f = *firsts;
    for (int64_t id = 0; id < n; id++) {
        const int64_t gid = map[id];
        if (gid >= before || s->firsts[id] < f[gid]) f[gid] = s->firsts[id];
    }
    return FW2V_PCOUNT_OK;
}

fw2v_lexicon_t *fw2v_pcount_merge(fw2v_pcount_t *pc) {
    const int T = pc->n_threads;
    int64_t total = 0;
    pc->map_start = malloc(sizeof(int64_t) * (size_t)(T + 1));
    if (!pc->map_start) return NULL;
    for (int t = 0; t < T; t++) {
        pc->map_start[t] = total;
        total += fw2v_lexicon_size(pc->shares[t].lex);
    }
    pc->map_start[T] = total;
    pc->maps = malloc(sizeof(int64_t) * (size_t)(total > 0 ? total : 1));
    if (!pc->maps) return NULL;
    /* Thread 0's lexicon is the start of the merged one: its ids map to themselves. */
    fw2v_lexicon_t *g = pc->shares[0].lex;
    int64_t *firsts = pc->shares[0].firsts, cap = pc->shares[0].cap_firsts;
    pc->shares[0].firsts = NULL;
    pc->shares[0].cap_firsts = 0;
    pc->shares[0].lex = fw2v_lexicon_new();
    if (!pc->shares[0].lex) goto fail;
    for (int64_t i = 0; i < pc->map_start[1]; i++) pc->maps[i] = i;
    for (int t = 1; t < T; t++) {
        if (merge_share(g, &firsts, &cap, &pc->shares[t], pc->maps + pc->map_start[t]) < 0)
            goto fail;
        fw2v_lexicon_free(pc->shares[t].lex); /* its memory is needed for the next */
        pc->shares[t].lex = fw2v_lexicon_new();
        if (!pc->shares[t].lex) goto fail;
    }
    if (T == 1) { /* one thread met the words in order: its ids are the serial ones */
        free(firsts);
        return g;
    }
    /* Serial counting numbers the words in order of first appearance: do the same. */
    const int64_t n = fw2v_lexicon_size(g);
    int64_t *order = malloc(sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
    if (!order) goto fail;
    for (int64_t i = 0; i < n; i++) order[i] = i;
    if (radix_sort(firsts, pc->bytes_seen, 0, order, n) < 0 || fw2v_lexicon_renumber(g, order) < 0) {
        free(order);
        goto fail;
    }
    for (int64_t k = 0; k < n; k++) firsts[order[k]] = k; /* reused: merged id -> final id */
    for (int64_t i = 0; i < total; i++) pc->maps[i] = firsts[pc->maps[i]];
    free(order);
    free(firsts);
    return g;
fail:
    free(firsts);
    fw2v_lexicon_free(g);
    return NULL;
}

/* A sentence end at global token position b (a line or file end), and the ends the
 * longest-sentence rule puts before it. Counts them; writes them when ends is not NULL. */
static inline void sentence_break(int64_t b, int64_t max_len, int64_t *last, int64_t *ends,
                                  int64_t *n_ends) {
    while (b - *last >= max_len) {
        *last += max_len;
        if (ends) ends[*n_ends] = *last;
        (*n_ends)++;
    }
    if (b > *last) {
        if (ends) ends[*n_ends] = b;
        (*n_ends)++;
        *last = b;
    }
}

int64_t fw2v_pcount_assemble(const fw2v_pcount_t *pc, int64_t max_len, int32_t *ids,
                             int64_t *ends, int64_t *n_ids) {
    int64_t id_at[64] = {0}, break_at[64] = {0};
    int64_t g = 0, last = 0, n_ends = 0;
    for (int64_t k = 0; k < pc->n_pieces; k++) {
        const piece_t *p = &pc->pieces[k];
        if (p->thread < 0) {
            sentence_break(g, max_len, &last, ends, &n_ends);
            continue;
        }
        const fw2v_share_t *s = &pc->shares[p->thread];
        const int64_t *map = pc->maps + pc->map_start[p->thread];
        const int64_t from = id_at[p->thread], g0 = g;
        for (int64_t b = break_at[p->thread]; b < p->breaks_end; b++)
            sentence_break(g0 + s->breaks[b] - from, max_len, &last, ends, &n_ends);
        if (ids)
            for (int64_t i = from; i < p->ids_end; i++) ids[g++] = (int32_t)map[s->ids[i]];
        else
            g += p->ids_end - from;
        id_at[p->thread] = p->ids_end;
        break_at[p->thread] = p->breaks_end;
    }
    *n_ids = g;
    return n_ends;
}

int64_t fw2v_cut_chunks(const int64_t *ends, int64_t n_ends, int64_t chunk_words,
                        int64_t *last_of_chunk) {
    int64_t n = 0, start = 0;
    for (int64_t k = 0; k < n_ends; k++) {
        if (ends[k] - start < chunk_words && k + 1 < n_ends) continue;
        last_of_chunk[n++] = k;
        start = ends[k];
    }
    return n;
}
