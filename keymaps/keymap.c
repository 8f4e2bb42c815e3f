/* keymaps/keymap: see keymap.h. */
#include "keymaps/keymap.h"

#include "core/xalloc.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Named keys; the curses key codes are the values wgetch returns. */
static const struct {
	const char *name;
	int code;
} keymap_names[] = {
	{ "Space", ' ' },       { "Tab", '\t' },          { "BTab", KEY_BTAB },
	{ "Enter", '\n' },      { "Esc", 27 },            { "Backspace", KEY_BACKSPACE },
	{ "Up", KEY_UP },       { "Down", KEY_DOWN },     { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },    { "PgDn", KEY_NPAGE },
	{ "Home", KEY_HOME },   { "End", KEY_END },       { "Insert", KEY_IC },
	{ "Delete", KEY_DC },
};

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
}

void keymap_free(struct keymap *km)
{
	free(km->bindings);
	keymap_init(km);
}

int keymap_key_code(const char *name, size_t len)
{
	if (len == 1 && name[0] > 0x20 && name[0] < 0x7f)
		return (unsigned char)name[0];
	for (size_t i = 0; i < sizeof(keymap_names) / sizeof(keymap_names[0]); i++)
		if (strlen(keymap_names[i].name) == len && memcmp(keymap_names[i].name, name, len) == 0)
			return keymap_names[i].code;
	if (len == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z')
		return name[2] - 'a' + 1;
	if (len >= 2 && len <= 3 && name[0] == 'F') {
		int n = 0;
		for (size_t i = 1; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			n = n * 10 + (name[i] - '0');
		}
		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

void keymap_key_name(int key, char *out, size_t cap)
{
	for (size_t i = 0; i < sizeof(keymap_names) / sizeof(keymap_names[0]); i++) {
		if (keymap_names[i].code == key) {
			snprintf(out, cap, "%s", keymap_names[i].name);
			return;
		}
	}
	if (key > 0x20 && key < 0x7f)
		snprintf(out, cap, "%c", key);
	else if (key >= 1 && key <= 26)
		snprintf(out, cap, "C-%c", 'a' + key - 1);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(out, cap, "F%d", key - KEY_F(0));
	else
		snprintf(out, cap, "key%d", key);
}

static void keymap_set(struct keymap *km, int key, const struct command_call *call)
{
	for (size_t i = 0; i < km->n; i++) {
		if (km->bindings[i].key == key) {
			km->bindings[i].call = *call;
			return;
		}
	}
	km->bindings = xgrow(km->bindings, &km->cap, km->n + 1, sizeof(*km->bindings));
	km->bindings[km->n].key = key;
	km->bindings[km->n].call = *call;
	km->n++;
}

static void keymap_unset(struct keymap *km, int key)
{
	for (size_t i = 0; i < km->n; i++) {
		if (km->bindings[i].key == key) {
			memmove(&km->bindings[i], &km->bindings[i + 1],
				(km->n - i - 1) * sizeof(*km->bindings));
			km->n--;
			return;
		}
	}
}

static const char *keymap_skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *keymap_word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* Parses one line [p, end); 0 or -1 with the reason (without file:line) in why. */
static int keymap_parse_line(struct keymap *km, const char *p, const char *end, char *why,
			     size_t whycap)
{
	p = keymap_skip_blank(p, end);
	if (p == end || *p == '#')
		return 0;
	const char *verb = p;
	p = keymap_word_end(p, end);
	size_t vlen = (size_t)(p - verb);
	p = keymap_skip_blank(p, end);
	const char *key = p;
	p = keymap_word_end(p, end);
	size_t klen = (size_t)(p - key);
	p = keymap_skip_blank(p, end);
	bool is_bind = vlen == 4 && memcmp(verb, "bind", 4) == 0;
	bool is_unbind = vlen == 6 && memcmp(verb, "unbind", 6) == 0;
	if (!is_bind && !is_unbind) {
		snprintf(why, whycap, "expected 'bind KEY COMMAND' or 'unbind KEY'");
		return -1;
	}
	if (klen == 0) {
		snprintf(why, whycap, "missing KEY");
		return -1;
	}
	int code = keymap_key_code(key, klen);
	if (code < 0) {
		snprintf(why, whycap, "unknown key '%.*s'", klen > 20 ? 20 : (int)klen, key);
		return -1;
	}
	if (is_unbind) {
		if (p != end) {
			snprintf(why, whycap, "'unbind' takes only a KEY");
			return -1;
		}
		keymap_unset(km, code);
		return 0;
	}
	if (p == end) {
		snprintf(why, whycap, "missing COMMAND after key '%.*s'", (int)klen, key);
		return -1;
	}
	char line[512];
	size_t clen = (size_t)(end - p);
	if (clen >= sizeof(line)) {
		snprintf(why, whycap, "line too long");
		return -1;
	}
	memcpy(line, p, clen);
	line[clen] = '\0';
	struct command_call call;
	if (commands_parse(line, &call, why, whycap) < 0)
		return -1;
	keymap_set(km, code, &call);
	return 0;
}

int keymap_parse(struct keymap *km, const char *text, const char *file, char *err, size_t errcap)
{
	const char *p = text;
	int lineno = 0;
	while (*p) {
		lineno++;
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		const char *next = eol ? eol + 1 : end;
		if (end > p && end[-1] == '\r')
			end--;
		for (const char *c = p; c < end; c++) {
			if ((unsigned char)*c < 0x20 && *c != '\t') {
				snprintf(err, errcap, "%s:%d: control character in line", file, lineno);
				return -1;
			}
		}
		char why[256];
		if (keymap_parse_line(km, p, end, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "%s:%d: %s", file, lineno, why);
			return -1;
		}
		p = next;
	}
	return 0;
}

int keymap_load_file(struct keymap *km, const char *path, char *err, size_t errcap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + got > 1 << 20) {
			fclose(f);
			free(buf);
			snprintf(err, errcap, "%s: larger than 1 MiB, not a keymap", path);
			return -1;
		}
		buf = xgrow(buf, &cap, len + got + 1, 1);
		memcpy(buf + len, chunk, got);
		len += got;
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(buf);
		snprintf(err, errcap, "%s: read error", path);
		return -1;
	}
	if (!buf)
		return 0;
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		snprintf(err, errcap, "%s: contains a NUL byte, not a keymap", path);
		return -1;
	}
	int rc = keymap_parse(km, buf, path, err, errcap);
	free(buf);
	return rc;
}

const struct command_call *keymap_lookup(const struct keymap *km, int key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->bindings[i].key == key)
			return &km->bindings[i].call;
	return NULL;
}

void keymap_keys_for(const struct keymap *km, enum cmd_id id, char *out, size_t cap)
{
	size_t len = 0;
	if (cap)
		out[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		if (km->bindings[i].call.id != id)
			continue;
		char name[16];
		keymap_key_name(km->bindings[i].key, name, sizeof(name));
		int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", name);
		if (w < 0 || (size_t)w >= cap - len)
			return;
		len += (size_t)w;
	}
}
