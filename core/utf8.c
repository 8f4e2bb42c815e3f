/* core/utf8: one code point to and from UTF-8 (contract in utf8.h). */
#include "core/utf8.h"

#include <stdbool.h>

/* The smallest code point each sequence length may carry (shorter forms are overlong). */
static const uint32_t utf8_min_for[4] = { 0, 0x80, 0x800, 0x10000 };

static bool utf8_is_scalar(uint32_t cp)
{
	return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

size_t utf8_encode(uint32_t cp, char out[UTF8_MAX_BYTES])
{
	if (!utf8_is_scalar(cp))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC0) { /* a continuation byte where a character should start */
		*cp = UTF8_INVALID;
		return 1;
	}
	size_t need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : c < 0xF8 ? 3 : 0;
	uint32_t v = need == 1 ? (c & 0x1Fu) : need == 2 ? (c & 0x0Fu) : (c & 0x07u);
	size_t got = 0;
	size_t max = need ? need : 3; /* swallow the tail of a 5/6-byte form as one unit */
	while (got < max && 1 + got < len && (s[1 + got] & 0xC0) == 0x80) {
		v = (v << 6) | (s[1 + got] & 0x3Fu);
		got++;
	}
	if (need == 0 || got < need || v < utf8_min_for[need] || !utf8_is_scalar(v))
		*cp = UTF8_INVALID;
	else
		*cp = v;
	return 1 + got;
}
