/* libFuzzer target for tui/text, the one path from outside text to the terminal.
 * Build by hand (see the report / `make fuzz`):
 *   clang -std=c11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_text.c tui/text.c core/utf8.c -o build/fuzz_text
 *   build/fuzz_text -max_total_time=60 tests/fuzz/corpus/text
 * Input: byte 0 picks the output capacity, byte 1 the text_fit width, the rest is text.
 * Buffers are allocated at their exact sizes so ASan sees any read past `len` or write
 * past `cap`; the invariants of text.h are checked and any breach aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 with no C0, DEL or C1 (raw or encoded): nothing a terminal acts on. */
static int fuzz_is_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7F)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0 || *p == 0xC0 || *p == 0xC1 || *p > 0xF4)
			return 0;
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return 0;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		uint32_t cp = n == 1 ? (p[0] & 0x1Fu) : n == 2 ? (p[0] & 0x0Fu) : (p[0] & 0x07u);
		for (int i = 1; i <= n; i++)
			cp = (cp << 6) | (p[i] & 0x3Fu);
		static const uint32_t min_for[4] = { 0, 0x80, 0x800, 0x10000 };
		if (cp < min_for[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		/* bidi controls must have been dropped */
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			return 0;
		p += n + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cap = data[0];
	size_t cols = data[1] % 96;
	size_t len = size - 2;

	/* exact-size copy, not NUL-terminated: text_sanitize must honour len */
	char *in = malloc(len ? len : 1);
	if (!in)
		return 0;
	memcpy(in, data + 2, len);

	char *out = malloc(cap ? cap : 1);
	if (!out) {
		free(in);
		return 0;
	}
	size_t w = text_sanitize(in, len, out, cap);
	if (cap > 0) {
		if (strlen(out) >= cap || !fuzz_is_inert(out) || text_width(out) != w)
			abort();
		/* sanitising sanitised text changes nothing when it fits */
		char *again = malloc(cap);
		if (again) {
			size_t w2 = text_sanitize(out, strlen(out), again, cap);
			if (w2 != w || strcmp(again, out) != 0)
				abort();
			free(again);
		}
	} else if (w != 0) {
		abort();
	}
	free(out);

	/* text_fit on a NUL-terminated copy; with room enough it fills exactly cols */
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, data + 2, len);
		s[len] = '\0';
		size_t fcap = cols * 4 + 4;
		char *fit = malloc(fcap);
		if (fit) {
			text_fit(s, cols, fit, fcap);
			if (!fuzz_is_inert(fit) || text_width(fit) != cols)
				abort();
			free(fit);
		}
		if (cap > 0) {
			char *small = malloc(cap);
			if (small) {
				text_fit(s, cols, small, cap);
				if (strlen(small) >= cap || !fuzz_is_inert(small) || text_width(small) > cols)
					abort();
				free(small);
			}
		}
		free(s);
	}
	free(in);
	return 0;
}
