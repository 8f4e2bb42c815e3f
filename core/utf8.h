#ifndef CORE_UTF8_H
#define CORE_UTF8_H
/* core/utf8: one code point to and from UTF-8, shared by the JSON decoder
 * (kube/decode_json.c) and the terminal sanitiser (tui/text.c), so the two cannot
 * disagree on what well-formed UTF-8 is.
 *
 * Contract:
 * - utf8_encode writes a Unicode scalar value (U+0000..U+10FFFF without the surrogates
 *   U+D800..U+DFFF) as 1-4 bytes into out and returns the count; for anything else it
 *   writes nothing and returns 0.
 * - utf8_decode reads one unit at s[0..len), len >= 1, and returns the bytes it consumed
 *   (always >= 1).  *cp is the code point, or UTF8_INVALID when the unit is ill-formed:
 *   a continuation byte where a character should start (1 byte), a bad lead byte
 *   (0xF8..0xFF, with up to 3 continuation bytes after it), a sequence cut short by the
 *   end of the input or by a byte that is not a continuation (the lead and the
 *   continuation bytes seen), an overlong form, a surrogate or a value above U+10FFFF
 *   (the whole sequence).  An ill-formed unit is thus always consumed as one piece,
 *   which is what a sanitiser that shows one U+FFFD per bad unit needs. */
#include <stddef.h>
#include <stdint.h>

enum { UTF8_MAX_BYTES = 4 };
#define UTF8_INVALID 0xFFFFFFFFu

size_t utf8_encode(uint32_t cp, char out[UTF8_MAX_BYTES]);
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
