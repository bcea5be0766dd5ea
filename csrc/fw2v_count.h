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

enum {
    FW2V_PCOUNT_OK = 0,
    FW2V_PCOUNT_NOMEM = -1,
    FW2V_PCOUNT_LONG = FW2V_TOK_TOO_LONG, /* a token longer than FW2V_TOK_MAX_TOKEN_CHARS
                                             bytes, which the serial tokeniser may cut at
                                             a block end: count serially instead */
};

typedef struct fw2v_pcount fw2v_pcount_t;

/* A counter for 1 <= n_threads <= 64 threads (more are cut to 64); record: also keep every
 * token's id and the line ends, for fw2v_pcount_assemble. NULL when out of memory. */
fw2v_pcount_t *fw2v_pcount_new(int n_threads, int record);
void fw2v_pcount_free(fw2v_pcount_t *pc);
/* Count the next text of the stream (valid UTF-8): up to its last ASCII whitespace, or all
 * of it when file_end (the file ends there); *consumed says how far, and the caller gives
 * the rest again with what follows. Returns FW2V_PCOUNT_OK, _NOMEM or _LONG. */
int fw2v_pcount_feed(fw2v_pcount_t *pc, const char *text, int64_t n, int file_end,
                     int64_t *consumed);
/* Drop the recording (to bound memory); counting goes on. */
void fw2v_pcount_stop_recording(fw2v_pcount_t *pc);
/* Ids and line ends recorded so far. */
int64_t fw2v_pcount_recorded(const fw2v_pcount_t *pc);
/* The lexicon serial counting of the whole stream would have built (the caller owns it),
 * or NULL when out of memory. Call once, after the last feed. */
fw2v_lexicon_t *fw2v_pcount_merge(fw2v_pcount_t *pc);
/* After merging: the recorded ids as merged ids, in stream order, into ids (NULL: skip), and
 * the sentence ends (token positions, as the serial tokeniser with max_len cuts them) into
 * ends (NULL: only count); *n_ids set. Returns the number of sentence ends. */
int64_t fw2v_pcount_assemble(const fw2v_pcount_t *pc, int64_t max_len, int32_t *ids,
                             int64_t *ends, int64_t *n_ids);
/* Chunks as fw2v_tokenize cuts them: a chunk ends at the first sentence end with at least
 * chunk_words tokens in it, the last one at the last end. last_of_chunk[k]: the index in
 * ends of chunk k's last sentence end. Returns the number of chunks. */
int64_t fw2v_cut_chunks(const int64_t *ends, int64_t n_ends, int64_t chunk_words,
                        int64_t *last_of_chunk);

#ifdef __cplusplus
}
#endif

#endif /* FW2V_COUNT_H */
