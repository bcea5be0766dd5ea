/* fw2v_phrases.h: count unigrams and bigrams of word ids, and join known phrases.
 *
 * The C half of fastw2v.Phrases (word2phrase / gensim Phrases). Words are the ids the C
 * tokeniser (fw2v_tokenize.h) gives them; a chunk is a run of sentences as that tokeniser
 * records them: ids[0 .. ends[n_ends - 1]) and, for each sentence k, its end ends[k] (it
 * starts at ends[k - 1], or 0). A bigram is two consecutive ids of one sentence.
 *
 * Counting keeps one count per word (a dense array by id) and one per distinct bigram (an
 * open-addressing table keyed by the pair). Memory is bounded as word2phrase bounds it: the
 * table of counts holds unigrams and bigrams together, and when it holds more than
 * max_entries of them after a token, every entry with a count <= min_reduce is dropped and
 * min_reduce goes up by one (it starts at 1). A dropped entry counts again from zero when
 * its word or pair comes back, so after pruning the counts of rare entries are lower
 * bounds; entries seen more than min_reduce times before each prune are exact.
 *
 * Joining reads a chunk against a fixed set of phrases (pairs of ids) and writes its text:
 * left to right, a word and the next one are joined with the delimiter when the pair is a
 * phrase and the word is not already the second half of a phrase; words are separated by
 * one space and each sentence ends with a newline.
 *
 * Nothing here touches Python objects: it all runs with the GIL released.
 */
#ifndef FW2V_PHRASES_H
#define FW2V_PHRASES_H

#include <stdint.h>

#include "fw2v_tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FW2V_PHR_OK = 0,
    FW2V_PHR_NOMEM = -1,     /* out of memory: the state is unusable */
    FW2V_PHR_TOO_MANY = -2,  /* more than 2^31 - 1 distinct words */
};

/* ------------------------------------------------------------------ counting */

typedef struct fw2v_phrase_counts fw2v_phrase_counts_t;

/* max_entries >= 1: the bound on unigrams + bigrams held. NULL when out of memory. */
fw2v_phrase_counts_t *fw2v_phrase_counts_new(int64_t max_entries);
void fw2v_phrase_counts_free(fw2v_phrase_counts_t *c);

/* Count the n_ends sentences of a chunk (ids >= 0). Returns FW2V_PHR_OK or _NOMEM. */
int fw2v_phrase_count_chunk(fw2v_phrase_counts_t *c, const int32_t *ids, const int64_t *ends,
                            int64_t n_ends);

int64_t fw2v_phrase_counts_words(const fw2v_phrase_counts_t *c);   /* tokens counted */
int64_t fw2v_phrase_counts_n_ids(const fw2v_phrase_counts_t *c);   /* 1 + largest id seen */
int64_t fw2v_phrase_counts_n_bigrams(const fw2v_phrase_counts_t *c);
int64_t fw2v_phrase_counts_min_reduce(const fw2v_phrase_counts_t *c);
int64_t fw2v_phrase_counts_prunes(const fw2v_phrase_counts_t *c);
/* unigram[0 .. n_ids): the count of each id (0: never seen, or dropped). */
void fw2v_phrase_counts_unigrams(const fw2v_phrase_counts_t *c, int64_t *out);
/* a, b, count [0 .. n_bigrams): every bigram held, in table order. */
void fw2v_phrase_counts_bigrams(const fw2v_phrase_counts_t *c, int32_t *a, int32_t *b,
                                int64_t *count);

/* Tokenise one block of text (as fw2v_tokenize: `t` counts into `lex` and records) and
 * count every sentence it completes. Returns FW2V_PHR_OK, _NOMEM or _TOO_MANY. */
int fw2v_phrase_count_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, fw2v_phrase_counts_t *c,
                           const char *text, int64_t n, int end);

/* ------------------------------------------------------------------ joining */

typedef struct fw2v_phrase_set fw2v_phrase_set_t;

/* The n pairs (a[i], b[i]), ids >= 0. NULL when out of memory. */
fw2v_phrase_set_t *fw2v_phrase_set_new(const int32_t *a, const int32_t *b, int64_t n);
void fw2v_phrase_set_free(fw2v_phrase_set_t *s);
int fw2v_phrase_set_has(const fw2v_phrase_set_t *s, int32_t a, int32_t b);

/* Bytes written by joining; the caller empties it (len = 0) after taking them. */
typedef struct {
    char *data;
    int64_t len, cap;
} fw2v_phrase_buffer_t;

void fw2v_phrase_buffer_free(fw2v_phrase_buffer_t *buf);

/* Append the text of a chunk, phrases joined, to `out`; words are lex's. Returns
 * FW2V_PHR_OK or _NOMEM. */
int fw2v_phrase_join_chunk(const fw2v_phrase_set_t *s, const fw2v_lexicon_t *lex,
                           const int32_t *ids, const int64_t *ends, int64_t n_ends,
                           const char *delim, int64_t delim_len, fw2v_phrase_buffer_t *out);

/* Tokenise one block of text (`t` counts into `lex`, which starts with the words the
 * phrase ids refer to, and records) and append the text of every sentence it completes.
 * Returns FW2V_PHR_OK, _NOMEM or _TOO_MANY. */
int fw2v_phrase_join_text(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const fw2v_phrase_set_t *s,
                          const char *delim, int64_t delim_len, const char *text, int64_t n,
                          int end, fw2v_phrase_buffer_t *out);

#ifdef __cplusplus
}
#endif

#endif /* FW2V_PHRASES_H */
