/* fw2v_keys.h: a key index over words kept as one byte string, without Python objects.
 *
 * Millions of words read from a vector file are kept as their UTF-8 bytes joined in one
 * blob, word i being blob[starts[i] : starts[i+1] - 1] (each word followed by one separator
 * byte, starts holding n + 1 offsets). The index is an open-addressing table (at most 2/3
 * full, probed linearly), each slot holding 32 bits of the word's hash and its row + 1
 * (0: empty); a look-up compares the bytes of a row only when the hash bits match. Building
 * it is the reader's duplicate check too: it stops at the first word whose bytes an earlier
 * word has.
 * Nothing here touches Python objects: fastw2v/_vecio.pyx releases the GIL around it.
 */
#ifndef FW2V_KEYS_H
#define FW2V_KEYS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Slots of the table for n words (1.5n + 2). */
uint64_t fw2v_keys_slots(int64_t n);

/* Fill table[0:size) (zeroed by the caller, size from fw2v_keys_slots, n < UINT32_MAX).
 * Returns -1 when the words are distinct, else the row of the first repeated word, the
 * earlier row with the same bytes in *first. */
int64_t fw2v_keys_build(const char *blob, const int64_t *starts, int64_t n, uint64_t *table,
                        uint64_t size, int64_t *first);

/* Row of the word key[0:len), or -1. */
int64_t fw2v_keys_find(const char *blob, const int64_t *starts, const uint64_t *table,
                       uint64_t size, const char *key, int64_t len);

/* 1 if a word of the valid UTF-8 blob[0:len) (each word followed by '\n') is empty or
 * holds a character that Python's str.isspace() calls whitespace, else 0: whether the
 * words can be written in a word2vec file as they are. */
int fw2v_blob_has_space(const char *blob, int64_t len);

/* The native vocab.tsv (`word<TAB>count` or `word` lines) in one pass: the words copied to
 * words_out (each followed by '\n'; room for len + 1 bytes), starts (room for the lines + 1)
 * and, when the lines have counts, counts. Returns the number of words, or -1 when the file
 * is outside the plain grammar (a line without its tab while others have one, a second tab,
 * a count that is not 1-18 ASCII digits or exceeds max_count): the caller's line reader then
 * words the error. *has_counts says whether the lines held counts. */
int64_t fw2v_native_vocab(const char *data, int64_t len, int64_t max_count, char *words_out,
                          int64_t *starts, int64_t *counts, int *has_counts);

#ifdef __cplusplus
}
#endif

#endif
