/* fw2v_count.c: ranking and parallel counting, declared in fw2v_count.h. */
#include "fw2v_count.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ ranking */

#define RADIX_BITS 11
#define RADIX (1 << RADIX_BITS)

/* One stable counting-sort pass of src into dst by digit `shift` of (top - counts[id]). */
static void radix_pass(const int64_t *counts, int64_t top, const int64_t *src, int64_t *dst,
                       int64_t n, int shift) {
    int64_t bucket[RADIX] = {0};
    for (int64_t i = 0; i < n; i++) bucket[((top - counts[src[i]]) >> shift) & (RADIX - 1)]++;
    int64_t sum = 0;
    for (int b = 0; b < RADIX; b++) {
        const int64_t c = bucket[b];
        bucket[b] = sum;
        sum += c;
    }
    for (int64_t i = 0; i < n; i++) dst[bucket[((top - counts[src[i]]) >> shift) & (RADIX - 1)]++] = src[i];
}

int64_t fw2v_rank_counts(const int64_t *counts, int64_t n, int64_t keep, int64_t *order) {
    int64_t kept = 0, top = 0;
    for (int64_t i = 0; i < n; i++) {
        if (counts[i] < keep) continue;
        order[kept++] = i; /* in id order: the stable passes keep ties that way */
        if (counts[i] > top) top = counts[i];
    }
    int passes = 0;
    for (int64_t span = top; span > 0; span >>= RADIX_BITS) passes++;
    if (passes == 0 || kept < 2) return kept; /* all counts equal to top: already in order */
    int64_t *tmp = malloc(sizeof(int64_t) * (size_t)kept);
    if (!tmp) return -1;
    int64_t *src = order, *dst = tmp;
    for (int p = 0; p < passes; p++) {
        radix_pass(counts, top, src, dst, kept, p * RADIX_BITS);
        int64_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != order) memcpy(order, src, sizeof(int64_t) * (size_t)kept);
    free(tmp);
    return kept;
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
