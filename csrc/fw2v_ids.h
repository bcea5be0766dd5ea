/* fw2v_ids.h: count integer ids and map them to vocabulary ids, for integer corpora.
 *
 * An id table maps non-negative int64 ids to a count, the position of their first
 * occurrence and a value (a vocabulary id, -1 for none). Ids below `dense_len` live in
 * plain arrays indexed by the id (one load per token: the common case of ids 0..n-1);
 * the others in an open-addressing hash table, so that a few huge ids (hashes, 64-bit
 * item ids) cost memory in proportion to the distinct ids, not to the largest one.
 *
 * Callers check that every id is >= 0 (fw2v_ids_scan_*) before adding or looking up:
 * nothing here reports a bad id. Nothing touches Python objects; no globals.
 */
#ifndef FW2V_IDS_H
#define FW2V_IDS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fw2v_idtable fw2v_idtable_t;

/* A table with ids [0, dense_len) held densely (dense_len >= 0). NULL when out of memory. */
fw2v_idtable_t *fw2v_idtable_new(int64_t dense_len);
void fw2v_idtable_free(fw2v_idtable_t *t);

/* Count tokens[0..n); tokens[i] is at global position pos0 + i (for first occurrences).
 * Returns 0, or -1 when out of memory (the table then holds part of the tokens). */
int fw2v_idtable_count_i32(fw2v_idtable_t *t, const int32_t *tokens, int64_t n, int64_t pos0);
int fw2v_idtable_count_i64(fw2v_idtable_t *t, const int64_t *tokens, int64_t n, int64_t pos0);

/* Distinct ids counted or put. */
int64_t fw2v_idtable_size(const fw2v_idtable_t *t);

/* Write every distinct id, its count and first position: dense ids in increasing order,
 * then the hashed ones in slot order (the same order on every call). */
void fw2v_idtable_export(const fw2v_idtable_t *t, int64_t *ids, int64_t *counts,
                         int64_t *firsts);

/* Set the value of `id` (adding it if new). Returns 0, or -1 when out of memory. */
int fw2v_idtable_put(fw2v_idtable_t *t, int64_t id, int32_t value);

/* The value of `id`: -1 if it was never put. */
int32_t fw2v_idtable_get(const fw2v_idtable_t *t, int64_t id);

/* Smallest and largest of tokens[0..n) (n >= 1), and the index of the first negative one
 * (-1 if none). */
int64_t fw2v_ids_scan_i32(const int32_t *tokens, int64_t n, int64_t *lo, int64_t *hi);
int64_t fw2v_ids_scan_i64(const int64_t *tokens, int64_t n, int64_t *lo, int64_t *hi);

/* The index s of the first offsets[s + 1] < offsets[s] in offsets[0..n), or -1. */
int64_t fw2v_offsets_decrease(const int64_t *offsets, int64_t n);

/* Cut one chunk of a CSR corpus (sequence s is tokens[indptr[s]:indptr[s + 1]]).
 *
 * Starting at sequence *seq, token *pos within it, each sequence is cut into pieces of at
 * most max_len tokens; each non-empty piece becomes one sentence of the chunk, its tokens
 * mapped through the table's values, those without one (-1) dropped. The chunk ends at the
 * first sentence end at which it holds chunk_words raw tokens (dropped ones included), or
 * at the end of the corpus. ids_out needs chunk_words + max_len - 1 entries, offsets_out
 * chunk_words + 1. Writes offsets_out[0] = 0 and one more offset per sentence, moves *seq
 * and *pos to where the next chunk starts, sets *n_sentences, and returns the ids kept. */
int64_t fw2v_ids_chunk_i32(const fw2v_idtable_t *t, const int32_t *tokens,
                           const int64_t *indptr, int64_t n_seq, int64_t *seq, int64_t *pos,
                           int64_t chunk_words, int64_t max_len, int32_t *ids_out,
                           int64_t *offsets_out, int64_t *n_sentences);
int64_t fw2v_ids_chunk_i64(const fw2v_idtable_t *t, const int64_t *tokens,
                           const int64_t *indptr, int64_t n_seq, int64_t *seq, int64_t *pos,
                           int64_t chunk_words, int64_t max_len, int32_t *ids_out,
                           int64_t *offsets_out, int64_t *n_sentences);

#ifdef __cplusplus
}
#endif
#endif
