#ifndef KEYMAPS_KEYMAP_H
#define KEYMAPS_KEYMAP_H
/* keymaps/keymap: key bindings from keymap files.  The default keymap
 * (keymaps/default.keymap, compiled in as keymap_default_text) is parsed by this same
 * parser, then a user's file may add or override bindings.
 *
 * File format, one binding a line; '#' starts a comment line; blank lines ignored:
 *     bind KEY COMMAND [ARG]
 *     unbind KEY
 * KEY: a printable ASCII character (q, /, ?), Space, Tab, BTab (shift-tab), Enter, Esc,
 *      Backspace, Up, Down, Left, Right, PgUp, PgDn, Home, End, Insert, Delete, F1..F12,
 *      C-a..C-z (control keys).
 * COMMAND [ARG] must parse with commands_parse (unknown names are rejected).
 * Key codes are ncurses key codes (wgetch values).
 * Contract: keymap_parse stops at the first error, returning -1 with "FILE:LINE: what"
 * in err; bindings before the error line are kept.  Never reads past the NUL.
 */
#include "core/commands.h"

#include <stddef.h>

extern const char keymap_default_text[];

struct keymap_binding {
	int key;
	struct command_call call;
};

struct keymap {
	struct keymap_binding *bindings;
	size_t n, cap;
};

void keymap_init(struct keymap *km);
void keymap_free(struct keymap *km);

int keymap_parse(struct keymap *km, const char *text, const char *file, char *err, size_t errcap);
/* Reads and parses a file; errors name the file (and line). */
int keymap_load_file(struct keymap *km, const char *path, char *err, size_t errcap);

/* The binding for key, NULL when unbound. */
const struct command_call *keymap_lookup(const struct keymap *km, int key);

/* Key code for a key name, -1 if the name is not a key. */
int keymap_key_code(const char *name, size_t len);
/* Printable name of a key code ("q", "Tab", "C-c", "PgDn"). */
void keymap_key_name(int key, char *out, size_t cap);

/* Names of every key bound to command `id` with no argument or any argument, joined by
 * ", " ("j, Down"); empty when unbound. */
void keymap_keys_for(const struct keymap *km, enum cmd_id id, char *out, size_t cap);

#endif
