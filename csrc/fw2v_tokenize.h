/* fw2v_tokenize.h: cut UTF-8 text into tokens and sentences, and map tokens to word ids.
 *
 * The C twin of fastw2v.corpus.sentences_from_blocks (which stays the reference the tests
 * compare against): tokens are separated by the characters Python's str.split() treats
 * as whitespace, a newline or carriage return ends a sentence, a sentence is cut every
 * max_len tokens, and a token still growing after 2^20 characters is cut at the end of
 * the block where it passed that length. The input must be valid UTF-8 in whole
 * characters (the Python side decodes each block, replacing invalid bytes, and encodes it
 * again), so this code never has to repair text.
 *
 * Two uses: counting (every token is added to a lexicon, which then holds the words in
 * first-appearance order with their counts) and encoding (each token becomes its id in a
 * fixed lexicon, tokens not in it are dropped, and the ids are cut into chunks of about
 * chunk_words raw tokens at sentence ends). Counting can also record: every token's id in
 * the growing lexicon goes into chunks as encoding would put it, so that once the
 * vocabulary is chosen, fw2v_remap_chunk turns them into the chunks encoding would have
 * made, without reading the text again. Nothing here touches Python objects, so it
 * runs with the GIL released, beside the training threads.
 */
#ifndef FW2V_TOKENIZE_H
#define FW2V_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FW2V_TOK_DONE = 0,       /* the text and the end actions are done */
    FW2V_TOK_CHUNK = 1,      /* a chunk is complete: take it, then call again with the rest */
    FW2V_TOK_NOMEM = -1,     /* out of memory: the state is unusable */
    FW2V_TOK_TOO_LONG = -2,  /* fw2v_count_range: a token of more than
                                FW2V_TOK_MAX_TOKEN_CHARS bytes */
};

enum {
    FW2V_TOK_BLOCK_END = 1, /* the text is one whole block of the file */
    FW2V_TOK_FILE_END = 2,  /* ... and the last one: the pending token and sentence end */
};

#define FW2V_TOK_MAX_TOKEN_CHARS (1 << 20)

/* A set of byte strings with ids 0, 1, ... in insertion order, and a count per id. */
typedef struct fw2v_lexicon fw2v_lexicon_t;

fw2v_lexicon_t *fw2v_lexicon_new(void);
void fw2v_lexicon_free(fw2v_lexicon_t *lex);
/* The id of `word` after adding it if it is new; its count goes up by `count`.
 * Returns -1 when out of memory. */
int64_t fw2v_lexicon_add(fw2v_lexicon_t *lex, const char *word, int64_t len, int64_t count);
/* fw2v_lexicon_add for a word whose bytes may be read (not changed) up to `limit`, which
 * lets the hash load eight bytes at a time. */
int64_t fw2v_lexicon_add_in(fw2v_lexicon_t *lex, const char *word, int64_t len,
                            const char *limit, int64_t count);
/* The id of `word`, or -1. */
int64_t fw2v_lexicon_find(const fw2v_lexicon_t *lex, const char *word, int64_t len);
int64_t fw2v_lexicon_size(const fw2v_lexicon_t *lex);
/* The bytes of word `id` (not NUL-terminated) and their length. */
const char *fw2v_lexicon_word(const fw2v_lexicon_t *lex, int64_t id, int64_t *len);
/* The count of word `id` (a lookup: the counts are kept in the hash table). */
int64_t fw2v_lexicon_count(const fw2v_lexicon_t *lex, int64_t id);
/* Add every word of `from` with its count to `lex`; map[id in from] = its id in lex (new
 * words get ids in no particular order). Returns 0, or -1 when out of memory. */
int fw2v_lexicon_absorb(fw2v_lexicon_t *lex, const fw2v_lexicon_t *from, int64_t *map);
/* Give word order[k] the id k (order: a permutation of the ids). Returns 0, or -1 when
 * out of memory (then nothing changed). */
int fw2v_lexicon_renumber(fw2v_lexicon_t *lex, const int64_t *order);
/* Every count, by id, into counts[0 .. size). */
void fw2v_lexicon_counts(const fw2v_lexicon_t *lex, int64_t *counts);

/* The reading state of one stream of blocks, and the chunk being built. */
typedef struct {
    /* per file */
    char *carry;            /* the start of a token cut by the end of the previous block */
    int64_t carry_len, carry_cap, carry_chars;
    int64_t sentence_tokens; /* raw tokens of the current sentence so far */
    /* settings */
    int64_t max_len;        /* longest sentence, in raw tokens */
    int64_t chunk_words;    /* a chunk ends at the first sentence end with this many raw
                               tokens (0: never) */
    int count;              /* 1: add every token to the lexicon; 0: look tokens up */
    int record;             /* counting: also build chunks of the ids (the caller keeps
                               the lexicon under 2^31 words while this is set) */
    /* the chunk being built (encoding, or counting with record) */
    int32_t *ids;           /* ids of the in-lexicon tokens */
    int64_t n_ids, cap_ids;
    int64_t *ends;          /* n_ids at each sentence end */
    int64_t n_ends, cap_ends;
    int64_t raw;            /* raw tokens in this chunk */
} fw2v_tokenizer_t;

/* max_len >= 1; chunk_words >= 0. Returns NULL when out of memory. */
fw2v_tokenizer_t *fw2v_tokenizer_new(int64_t max_len, int64_t chunk_words, int count);
void fw2v_tokenizer_free(fw2v_tokenizer_t *t);
/* Start an empty chunk (after the caller copied the current one out). */
void fw2v_tokenizer_clear_chunk(fw2v_tokenizer_t *t);

/* Tokenise `text` (n bytes of valid UTF-8, whole characters); `end` is FW2V_TOK_BLOCK_END
 * or FW2V_TOK_FILE_END. Stops early when a chunk is complete: then *consumed says how
 * many bytes were used, and the caller takes the chunk and calls again with the rest (the
 * end actions are safe to repeat). Returns one of FW2V_TOK_DONE, _CHUNK, _NOMEM. */
int fw2v_tokenize(fw2v_tokenizer_t *t, fw2v_lexicon_t *lex, const char *text, int64_t n, int end,
                  int64_t *consumed);

/* One thread's share of a parallel count (fw2v_count.h): its own lexicon, where each of
 * its words first appeared, and (recording) its tokens' ids and the line ends after them. */
typedef struct {
    fw2v_lexicon_t *lex;
    int64_t *firsts; /* by id: byte position in the whole stream */
    int64_t cap_firsts;
    int32_t *ids;
    int64_t n_ids, cap_ids;
    int64_t *breaks; /* n_ids at line ends (one per run of them) */
    int64_t n_breaks, cap_breaks;
} fw2v_share_t;

/* Count the tokens of text[0 .. n) into the share: the text starts and ends at token
 * boundaries, may be read up to `end`, and its byte 0 is at stream position `base`.
 * Returns FW2V_TOK_DONE, _NOMEM or _TOO_LONG (the serial rules might cut that token). */
int fw2v_count_range(fw2v_share_t *sh, const char *text, int64_t n, const char *end, int64_t base,
                     int record);

/* Map a recorded chunk to final ids, in place: ids[i] becomes table[ids[i]], and ids the
 * table maps to -1 are dropped. offsets[0 .. n_sentences] are the sentence offsets in the
 * n_ids ids (from 0 to n_ids, never decreasing); they are moved to match. Returns the
 * number of ids kept; -1 if an id is outside the table, -2 if the offsets do not fit
 * (then the chunk may be left partly mapped). */
int64_t fw2v_remap_chunk(int32_t *ids, int64_t n_ids, int64_t *offsets, int64_t n_sentences,
                         const int32_t *table, int64_t table_len);

#ifdef __cplusplus
}
#endif

/* Grow *p (an array of *cap items of `item` bytes, realloc'd) to hold at least `need`
 * items, doubling from 1024; 0, or -1 when out of memory (*p and *cap then unchanged). */
int fw2v_grow(void **p, int64_t *cap, int64_t need, size_t item);

#endif /* FW2V_TOKENIZE_H */
