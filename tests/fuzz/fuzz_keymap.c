/* libFuzzer target for keymaps/keymap (a user's keymap file) over arbitrary content.
 * Built by `make fuzz`.
 * Checks the contract of keymap.h: never crashes nor reads past the NUL; a failure gives
 * one "FILE:LINE: what" line per bad line, quoting no control characters; every binding made can be looked up and named;
 * the generated help text holds no control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keymaps/keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One "fuzz.keymap:LINE: what" per bad line (the last may be cut at the buffer's end),
 * and no control characters quoted from the file. */
static void fuzz_check_errors(const char *err)
{
	static const char prefix[] = "fuzz.keymap:";
	if (!*err)
		abort();
	for (const char *line = err; *line;) {
		size_t n = strcspn(line, "\n");
		size_t cut = n;  /* a line cut at the buffer's end ends in "..." */
		if (!line[n] && n >= 3 && !memcmp(line + n - 3, "...", 3))
			cut = n - 3;
		size_t k = cut < sizeof(prefix) - 1 ? cut : sizeof(prefix) - 1;
		if (strncmp(line, prefix, k) != 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				abort();
		line += n + (line[n] == '\n');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct keymap km;
	keymap_init(&km);
	char err[1024];
	err[0] = '\0';
	if (keymap_parse(&km, text, "fuzz.keymap", err, sizeof(err)) < 0)
		fuzz_check_errors(err);
	for (size_t i = 0; i < km.n; i++) {
		const struct keymap_binding *b = &km.bindings[i];
		if ((unsigned)b->ctx >= KEYMAP_NCTX)
			abort();
		keymap_lookup_ctx(&km, b->ctx, b->key);
		keymap_lookup(&km, b->key);
		char name[32];
		keymap_key_name(b->key, name, sizeof(name));
		if (!memchr(name, 0, sizeof(name)) || !name[0])
			abort();
		char keys[16];
		keymap_keys_for_ctx(&km, b->ctx, b->call.id, keys, sizeof(keys));
	}
	/* The help screen is drawn from the keymap: nothing in it may carry a control
	 * character from the file. */
	size_t n = 0;
	char **help = keymap_help(&km, size & 1, &n);
	for (size_t i = 0; i < n; i++)
		for (const char *c = help[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();
	keymap_help_free(help, n);
	keymap_free(&km);
	free(text);
	return 0;
}
