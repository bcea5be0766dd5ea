/* fw2v_count.h: the vocabulary pass over counted words: rank them, and count in parallel.
 *
 * Ranking puts the words counted in a lexicon (fw2v_tokenize.h) in vocabulary order:
 * most frequent first, ties in order of first appearance (which is id order), with a
 * stable radix sort, so that the Python side builds no per-word object before it knows
 * which words are kept.
 *
 * Parallel counting (fw2v_pcount_*) cuts a text into one byte range per thread at ASCII
 * whitespace, counts each range into its own lexicon with the position of each word's
 * first appearance, and merges the lexicons into the one serial counting would have built:
 * the same words, counts and ids (ids in order of first appearance over the whole text).
 * Nothing here touches Python objects; no globals.
 */
#ifndef FW2V_COUNT_H
#define FW2V_COUNT_H

#include <stdint.h>

#include "fw2v_tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ids i (0 <= i < n) with counts[i] >= keep, most frequent first, ties by id, into
 * order[0 .. kept); returns kept, or -1 when out of memory. */
int64_t fw2v_rank_counts(const int64_t *counts, int64_t n, int64_t keep, int64_t *order);

/* The words order[0 .. n) of `lex` joined by '\n' into out (NULL: only measure). Returns
 * the number of bytes written (or needed). */
int64_t fw2v_lexicon_join(const fw2v_lexicon_t *lex, const int64_t *order, int64_t n, char *out);

#ifdef __cplusplus
}
#endif

#endif /* FW2V_COUNT_H */
