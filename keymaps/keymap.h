#ifndef KEYMAPS_KEYMAP_H
#define KEYMAPS_KEYMAP_H
/* keymaps/keymap: key bindings from keymap files, per context.  The default keymap
 * (keymaps/default.keymap, compiled in as keymap_default_text) is parsed by this same
 * parser, then a user's file ($XDG_CONFIG_HOME/warroom/keymap, or --keymap FILE) adds to
 * or overrides bindings, context by context.
 *
 * File format, one binding a line; '#' starts a comment line; blank lines ignored:
 *     bind [CONTEXT] KEY COMMAND [ARG]
 *     unbind [CONTEXT] KEY
 * CONTEXT: global (the default when omitted), pods, nodes, workloads, events, hosts,
 *      matrix, logs, describe.  A binding in a context wins over the global one for the
 *      same key while that pane or view has the focus; `unbind CONTEXT KEY` makes the key
 *      do nothing there even when it is bound globally.
 * KEY: a printable ASCII character (q, /, ?), Space, Tab, BTab (shift-tab), Enter, Esc,
 *      Backspace, Up, Down, Left, Right, PgUp, PgDn, Home, End, Insert, Delete, F1..F12,
 *      control keys as C-r, ctrl-r or Ctrl-R.  Multi-letter names ignore case (pgdn,
 *      ESC); aliases Escape, Return, PageUp, PageDown, S-Tab.
 * COMMAND [ARG] must parse with commands_parse (unknown names are rejected).
 * Key codes are ncurses key codes (wgetch values).
 * Contract: keymap_parse applies every good line and skips bad ones; it returns 0 when
 * all lines were good, else -1 with one "FILE:LINE: what" message per bad line in err,
 * separated by '\n' (cut with "..." when err is full).  Never reads past the NUL.
 */
#include "core/commands.h"

#include <stdbool.h>
#include <stddef.h>

extern const char keymap_default_text[];

/* Where a binding applies.  KEYMAP_CTX_GLOBAL is everywhere a context has no binding. */
enum keymap_ctx {
	KEYMAP_CTX_GLOBAL,
	KEYMAP_CTX_PODS,
	KEYMAP_CTX_NODES,
	KEYMAP_CTX_WORKLOADS,
	KEYMAP_CTX_EVENTS,
	KEYMAP_CTX_HOSTS,
	KEYMAP_CTX_MATRIX,
	KEYMAP_CTX_LOGS,
	KEYMAP_CTX_DESCRIBE,
	KEYMAP_NCTX
};

struct keymap_binding {
	enum keymap_ctx ctx;
	int key;
	bool unbound;            /* `unbind CONTEXT KEY`: the key does nothing in ctx */
	struct command_call call;
};

struct keymap {
	struct keymap_binding *bindings;
	size_t n, cap;
	/* Every bad line seen by keymap_parse ("FILE:LINE: what", '\n'-separated, at most
	 * about 4 KiB), NULL when none: the help screen shows them, since a warning printed
	 * before the console starts is hidden by it. */
	char *problems;
};

void keymap_init(struct keymap *km);
void keymap_free(struct keymap *km);

int keymap_parse(struct keymap *km, const char *text, const char *file, char *err, size_t errcap);
/* Reads and parses a file; errors name the file (and line).  A file that cannot be read
 * or is not text (NUL bytes, over 1 MiB) loads nothing and returns -1. */
int keymap_load_file(struct keymap *km, const char *path, char *err, size_t errcap);

/* The user's keymap path: $XDG_CONFIG_HOME/warroom/keymap, else
 * $HOME/.config/warroom/keymap.  0 with the path in out, -1 when neither variable is set
 * (or the path does not fit).  Does not check that the file exists. */
int keymap_user_path(char *out, size_t cap);

/* Loads the user's keymap: `path` when given (--keymap), else keymap_user_path() when that
 * file exists.  0: loaded (or nothing to load); 1: loaded, but bad lines were skipped
 * (err: "FILE:LINE: what" lines, to warn about); -1: the file could not be used at all
 * (unreadable, not text: err says why; for the implicit file a missing one is fine). */
int keymap_load_user(struct keymap *km, const char *path, char *err, size_t errcap);

/* The global binding for key, NULL when unbound. */
const struct command_call *keymap_lookup(const struct keymap *km, int key);
/* The binding for key in ctx: the context's own, else the global one; NULL when unbound
 * (or unbound in ctx). */
const struct command_call *keymap_lookup_ctx(const struct keymap *km, enum keymap_ctx ctx, int key);

/* Context by name ("pods"), -1 when not a context; the name of a context. */
int keymap_ctx_find(const char *name, size_t len);
const char *keymap_ctx_name(enum keymap_ctx ctx);

/* Key code for a key name, -1 if the name is not a key. */
int keymap_key_code(const char *name, size_t len);
/* Printable name of a key code ("q", "Tab", "C-c", "PgDn"). */
void keymap_key_name(int key, char *out, size_t cap);

/* Names of every global key bound to command `id` (any argument), joined by ", "
 * ("j, Down"); empty when unbound. */
void keymap_keys_for(const struct keymap *km, enum cmd_id id, char *out, size_t cap);
/* The same for the keys that run `id` in ctx: the context's bindings and the global ones
 * it does not override. */
void keymap_keys_for_ctx(const struct keymap *km, enum keymap_ctx ctx, enum cmd_id id, char *out,
			 size_t cap);

/* The help text generated from the keymap: first the keymap's problems if any, then a
 * "Global keys" section (every command with
 * its keys, or '-'), then one section per context that has bindings of its own, listing
 * only those.  hide_mutating drops commands that change the cluster (read-only mode).
 * Returns an array of *n lines (xstrdup'd), free with keymap_help_free. */
char **keymap_help(const struct keymap *km, bool hide_mutating, size_t *n);
void keymap_help_free(char **lines, size_t n);

#endif
