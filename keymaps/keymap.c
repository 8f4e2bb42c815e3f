/* keymaps/keymap: see keymap.h. */
#include "keymaps/keymap.h"

#include "core/xalloc.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	/* Aliases: accepted in files, never printed (the first name of a code wins). */
	{ "Escape", 27 },       { "Return", '\n' },       { "PageUp", KEY_PPAGE },
	{ "PageDown", KEY_NPAGE }, { "S-Tab", KEY_BTAB },
};

static const char *const keymap_ctx_names[KEYMAP_NCTX] = {
	[KEYMAP_CTX_GLOBAL] = "global",       [KEYMAP_CTX_PODS] = "pods",
	[KEYMAP_CTX_NODES] = "nodes",         [KEYMAP_CTX_WORKLOADS] = "workloads",
	[KEYMAP_CTX_EVENTS] = "events",       [KEYMAP_CTX_HOSTS] = "hosts",
	[KEYMAP_CTX_MATRIX] = "matrix",       [KEYMAP_CTX_LOGS] = "logs",
	[KEYMAP_CTX_DESCRIBE] = "describe",
};

int keymap_ctx_find(const char *name, size_t len)
{
	for (int i = 0; i < KEYMAP_NCTX; i++)
		if (strlen(keymap_ctx_names[i]) == len && memcmp(keymap_ctx_names[i], name, len) == 0)
			return i;
	return -1;
}

const char *keymap_ctx_name(enum keymap_ctx ctx)
{
	return (unsigned)ctx < KEYMAP_NCTX ? keymap_ctx_names[ctx] : "?";
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
}

void keymap_free(struct keymap *km)
{
	free(km->bindings);
	free(km->problems);
	keymap_init(km);
}

/* Case-insensitive equality of [a, a+len) and the NUL-terminated b (ASCII only). */
static bool keymap_name_eq(const char *a, size_t len, const char *b)
{
	if (strlen(b) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

int keymap_key_code(const char *name, size_t len)
{
	if (len == 1 && name[0] > 0x20 && name[0] < 0x7f)
		return (unsigned char)name[0];
	for (size_t i = 0; i < sizeof(keymap_names) / sizeof(keymap_names[0]); i++)
		if (keymap_name_eq(name, len, keymap_names[i].name))
			return keymap_names[i].code;
	/* Control keys: C-r, ctrl-r, Ctrl-R (tmux, emacs and k9s spellings). */
	size_t pfx = 0;
	if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-')
		pfx = 2;
	else if (len == 6 && keymap_name_eq(name, 5, "ctrl-"))
		pfx = 5;
	if (pfx) {
		char c = name[pfx];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		return c >= 'a' && c <= 'z' ? c - 'a' + 1 : -1;
	}
	if (len >= 2 && len <= 3 && (name[0] == 'F' || name[0] == 'f')) {
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

static struct keymap_binding *keymap_find(const struct keymap *km, enum keymap_ctx ctx, int key)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->bindings[i].ctx == ctx && km->bindings[i].key == key)
			return &km->bindings[i];
	return NULL;
}

/* call NULL: an `unbind` marker (only kept for a context, where it hides the global key). */
static void keymap_set(struct keymap *km, enum keymap_ctx ctx, int key, const struct command_call *call)
{
	struct keymap_binding *b = keymap_find(km, ctx, key);
	if (!b) {
		km->bindings = xgrow(km->bindings, &km->cap, km->n + 1, sizeof(*km->bindings));
		b = &km->bindings[km->n++];
	}
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	b->key = key;
	b->unbound = call == NULL;
	if (call)
		b->call = *call;
}

static void keymap_unset(struct keymap *km, enum keymap_ctx ctx, int key)
{
	if (ctx != KEYMAP_CTX_GLOBAL) {
		keymap_set(km, ctx, key, NULL);
		return;
	}
	struct keymap_binding *b = keymap_find(km, ctx, key);
	if (!b)
		return;
	size_t i = (size_t)(b - km->bindings);
	memmove(b, b + 1, (km->n - i - 1) * sizeof(*km->bindings));
	km->n--;
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
		snprintf(why, whycap, "expected 'bind [CONTEXT] KEY COMMAND' or 'unbind [CONTEXT] KEY'");
		return -1;
	}
	if (klen == 0) {
		snprintf(why, whycap, "missing KEY");
		return -1;
	}
	/* A context name is never a key (keys are one character or capitalised names), so
	 * the optional CONTEXT is recognised by name alone. */
	enum keymap_ctx ctx = KEYMAP_CTX_GLOBAL;
	int c = klen > 1 ? keymap_ctx_find(key, klen) : -1;
	if (c >= 0) {
		ctx = (enum keymap_ctx)c;
		key = p;
		p = keymap_word_end(p, end);
		klen = (size_t)(p - key);
		p = keymap_skip_blank(p, end);
		if (klen == 0) {
			snprintf(why, whycap, "missing KEY after context '%s'", keymap_ctx_name(ctx));
			return -1;
		}
	}
	int code = keymap_key_code(key, klen);
	if (code < 0) {
		snprintf(why, whycap, "unknown key '%.*s' (keys: q, Tab, Enter, Esc, PgDn, F5, ctrl-r...; "
			 "contexts: global, pods, nodes, workloads, events, hosts, matrix, logs, describe)",
			 klen > 20 ? 20 : (int)klen, key);
		return -1;
	}
	if (is_unbind) {
		if (p != end) {
			snprintf(why, whycap, "'unbind' takes only [CONTEXT] KEY");
			return -1;
		}
		keymap_unset(km, ctx, code);
		return 0;
	}
	if (p == end) {
		snprintf(why, whycap, "missing COMMAND after key '%.*s'", klen > 20 ? 20 : (int)klen, key);
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
	keymap_set(km, ctx, code, &call);
	return 0;
}

/* Appends one error line to err; "..." marks the point where err ran out of room. */
static void keymap_add_error(char *err, size_t errcap, const char *msg)
{
	if (!errcap)
		return;
	size_t len = strlen(err);
	if (len + 4 >= errcap)
		return; /* already full (and marked) */
	int w = snprintf(err + len, errcap - len, "%s%s", len ? "\n" : "", msg);
	if (w < 0 || (size_t)w >= errcap - len) {
		if (errcap >= 4)
			memcpy(err + errcap - 4, "...", 4);
	}
}

static void keymap_add_problem(struct keymap *km, const char *msg)
{
	size_t have = km->problems ? strlen(km->problems) : 0;
	if (have > 4096)
		return;
	char *joined = xasprintf("%s%s%s", have ? km->problems : "", have ? "\n" : "", msg);
	free(km->problems);
	km->problems = joined;
}

int keymap_parse(struct keymap *km, const char *text, const char *file, char *err, size_t errcap)
{
	const char *p = text;
	int lineno = 0;
	int bad = 0;
	if (errcap)
		err[0] = '\0';
	while (*p) {
		lineno++;
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		const char *next = eol ? eol + 1 : end;
		if (end > p && end[-1] == '\r')
			end--;
		char why[300], msg[700];
		why[0] = '\0';
		for (const char *c = p; c < end; c++) {
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
				snprintf(why, sizeof(why), "control character in line");
				break;
			}
		}
		if (why[0] || keymap_parse_line(km, p, end, why, sizeof(why)) < 0) {
			snprintf(msg, sizeof(msg), "%s:%d: %s", file, lineno, why);
			keymap_add_error(err, errcap, msg);
			keymap_add_problem(km, msg);
			bad++;
		}
		p = next;
	}
	return bad ? -1 : 0;
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

int keymap_user_path(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int w;
	/* The XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored. */
	if (xdg && xdg[0] == '/')
		w = snprintf(out, cap, "%s/warroom/keymap", xdg);
	else if (home && home[0])
		w = snprintf(out, cap, "%s/.config/warroom/keymap", home);
	else
		return -1;
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

int keymap_load_user(struct keymap *km, const char *path, char *err, size_t errcap)
{
	char def[4096];
	if (!path) {
		if (keymap_user_path(def, sizeof(def)) < 0 || access(def, F_OK) != 0)
			return 0;
		path = def;
	}
	/* Tell "cannot use the file" (fatal) from "some lines were bad" (a warning). */
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	size_t before = km->problems ? strlen(km->problems) : 0;
	if (keymap_load_file(km, path, err, errcap) == 0)
		return 0;
	return (km->problems ? strlen(km->problems) : 0) > before ? 1 : -1;
}

const struct command_call *keymap_lookup(const struct keymap *km, int key)
{
	const struct keymap_binding *b = keymap_find(km, KEYMAP_CTX_GLOBAL, key);
	return b ? &b->call : NULL;
}

const struct command_call *keymap_lookup_ctx(const struct keymap *km, enum keymap_ctx ctx, int key)
{
	const struct keymap_binding *b = keymap_find(km, ctx, key);
	if (b)
		return b->unbound ? NULL : &b->call;
	return keymap_lookup(km, key);
}

/* Appends the names of keys bound to id in ctx; with also_global, the global keys that
 * ctx does not override too. */
static void keymap_collect(const struct keymap *km, enum keymap_ctx ctx, bool also_global,
			   enum cmd_id id, char *out, size_t cap)
{
	size_t len = 0;
	if (cap)
		out[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		enum keymap_ctx want = pass == 0 ? ctx : KEYMAP_CTX_GLOBAL;
		if (pass == 1 && (!also_global || ctx == KEYMAP_CTX_GLOBAL))
			break;
		for (size_t i = 0; i < km->n; i++) {
			const struct keymap_binding *b = &km->bindings[i];
			if (b->ctx != want || b->unbound || b->call.id != id)
				continue;
			if (pass == 1 && keymap_find(km, ctx, b->key))
				continue; /* overridden (or unbound) in ctx */
			char name[16];
			keymap_key_name(b->key, name, sizeof(name));
			int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", name);
			if (w < 0 || (size_t)w >= cap - len)
				return;
			len += (size_t)w;
		}
	}
}

void keymap_keys_for(const struct keymap *km, enum cmd_id id, char *out, size_t cap)
{
	keymap_collect(km, KEYMAP_CTX_GLOBAL, false, id, out, cap);
}

void keymap_keys_for_ctx(const struct keymap *km, enum keymap_ctx ctx, enum cmd_id id, char *out,
			 size_t cap)
{
	keymap_collect(km, ctx, true, id, out, cap);
}

static void keymap_help_add(char ***lines, size_t *n, size_t *cap, char *line)
{
	*lines = xgrow(*lines, cap, *n + 1, sizeof(**lines));
	(*lines)[(*n)++] = line;
}

static char *keymap_help_row(const char *keys, const struct command_info *ci, const char *arg)
{
	char name[300];
	snprintf(name, sizeof(name), "%s%s%s", ci->name, arg[0] ? " " : "", arg);
	return xasprintf(" %-16.16s %-24s %s", keys[0] ? keys : "-", name, ci->help);
}

char **keymap_help(const struct keymap *km, bool hide_mutating, size_t *n)
{
	char **lines = NULL;
	size_t cap = 0;
	*n = 0;
	if (km->problems) {
		keymap_help_add(&lines, n, &cap, xstrdup(" Problems in keymap files (these lines were skipped)"));
		for (const char *p = km->problems; *p;) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			keymap_help_add(&lines, n, &cap, xasprintf("   %.*s", (int)len, p));
			p += len + (e ? 1 : 0);
		}
		keymap_help_add(&lines, n, &cap, xstrdup(" "));
	}
	keymap_help_add(&lines, n, &cap, xstrdup(" Global keys"));
	keymap_help_add(&lines, n, &cap, xasprintf(" %-16s %-24s %s", "KEYS", "COMMAND", "WHAT IT DOES"));
	for (size_t i = 0; i < CMD__COUNT; i++) {
		const struct command_info *ci = &commands_table[i];
		if (ci->mutates && hide_mutating)
			continue; /* read-only: the gate refuses them anyway; do not advertise them */
		char keys[64];
		keymap_keys_for(km, ci->id, keys, sizeof(keys));
		keymap_help_add(&lines, n, &cap, keymap_help_row(keys, ci, commands_arg_name(ci->id)));
	}
	/* Per context: only what differs from the global keys, in binding order. */
	for (int c = 1; c < KEYMAP_NCTX; c++) {
		bool title = false;
		for (size_t i = 0; i < km->n; i++) {
			const struct keymap_binding *b = &km->bindings[i];
			if ((int)b->ctx != c)
				continue;
			const struct command_info *ci = b->unbound ? NULL : &commands_table[b->call.id];
			if (ci && ci->mutates && hide_mutating)
				continue;
			if (!title) {
				keymap_help_add(&lines, n, &cap, xstrdup(" "));
				keymap_help_add(&lines, n, &cap,
						xasprintf(" In %s (overrides the global keys there)",
							  keymap_ctx_name((enum keymap_ctx)c)));
				title = true;
			}
			char key[16];
			keymap_key_name(b->key, key, sizeof(key));
			if (!ci)
				keymap_help_add(&lines, n, &cap, xasprintf(" %-16.16s %-24s %s", key, "-", "(does nothing here)"));
			else
				keymap_help_add(&lines, n, &cap, keymap_help_row(key, ci, b->call.arg[0] ? b->call.arg : commands_arg_name(ci->id)));
		}
	}
	return lines;
}

void keymap_help_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
