/* fw2v_utf8.h: what each byte of valid UTF-8 text is to the tokenisers (internal).
 *
 * Shared by the serial tokeniser (fw2v_tokenize.c) and the parallel counter
 * (fw2v_count.c), which must cut exactly the same tokens.
 */
#ifndef FW2V_UTF8_H
#define FW2V_UTF8_H

#include <stdint.h>
#include <string.h>

/* What a byte starts: part of a token, a space, a line end, or (lead bytes C2, E1, E2,
 * E3) maybe one of the non-ASCII spaces, which is checked on the following bytes. The
 * ASCII spaces are str.isspace()'s: \t \v \f, space and the separators \x1c-\x1f. */
enum { FW2V_B_TOKEN = 0, FW2V_B_SPACE = 1, FW2V_B_NEWLINE = 2, FW2V_B_MAYBE = 3 };

static const uint8_t fw2v_byte_class[256] = {
    ['\t'] = FW2V_B_SPACE,   ['\n'] = FW2V_B_NEWLINE, ['\v'] = FW2V_B_SPACE,
    ['\f'] = FW2V_B_SPACE,   ['\r'] = FW2V_B_NEWLINE, [' '] = FW2V_B_SPACE,
    [0x1c] = FW2V_B_SPACE,   [0x1d] = FW2V_B_SPACE,   [0x1e] = FW2V_B_SPACE,
    [0x1f] = FW2V_B_SPACE,   [0xc2] = FW2V_B_MAYBE,   [0xe1] = FW2V_B_MAYBE,
    [0xe2] = FW2V_B_MAYBE,   [0xe3] = FW2V_B_MAYBE,
};

/* Bytes of the Unicode space at p (lead byte C2, E1, E2 or E3), 0 if it is not one:
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. */
static inline int fw2v_unicode_space(const uint8_t *p, const uint8_t *end) {
    const int64_t left = end - p;
    if (p[0] == 0xc2) return left >= 2 && (p[1] == 0x85 || p[1] == 0xa0) ? 2 : 0;
    if (left < 3) return 0;
    if (p[0] == 0xe1) return p[1] == 0x9a && p[2] == 0x80 ? 3 : 0;
    if (p[0] == 0xe3) return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    /* e2 */
    if (p[1] == 0x80)
        return (p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf ? 3 : 0;
    return p[1] == 0x81 && p[2] == 0x9f ? 3 : 0;
}

/* The first byte at or after p that is not ASCII token text (0x21-0x7e, 0x7f): a space,
 * a line end, a control byte or a non-ASCII byte, each left to the byte-by-byte loop; or
 * stop. Eight bytes a step (SWAR): a word's bytes cost one test instead of one each. In a
 * step, a byte below 0x21 sets its high bit in (x - 0x21...) & ~x, and a byte from 0x80
 * its own; a borrow can only flag bytes after the first true one, so the lowest flag is
 * exact. */
static inline const uint8_t *fw2v_skip_ascii_token(const uint8_t *p, const uint8_t *stop) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t high = 0x8080808080808080ULL;
    while (stop - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        const uint64_t flags = ((x - 0x2121212121212121ULL) & ~x & high) | (x & high);
        if (flags) return p + (__builtin_ctzll(flags) >> 3);
        p += 8;
    }
#endif
    while (p < stop && *p >= 0x21 && *p < 0x80) p++;
    return p;
}

#endif /* FW2V_UTF8_H */
