#ifndef KUBE_YAML_H
#define KUBE_YAML_H
/* kube/yaml: one YAML document (libyaml's event API) loaded into a jansson tree that
 * remembers where every value came from, so callers can say "FILE:LINE: what is wrong".
 * Used for kubeconfig files and, through the yaml_read_* helpers at the end, for
 * warroom's own config and matrix files.
 *
 * Contract:
 * - Maps become objects, sequences arrays.  Quoted, literal and folded scalars and `!!str`
 *   are strings.  Plain scalars resolve as YAML 1.1 does (what kubectl's go-yaml does):
 *   ~/null/Null/NULL/empty -> null; true/false/yes/no/on/off/y/n (three casings) -> bool;
 *   decimal, 0x hex and 0o octal integers -> integer; decimals with '.'/exponent -> real;
 *   anything else (including .inf/.nan, which JSON cannot hold) -> string.  The source text
 *   of every plain scalar stays available (yaml_doc_text), so a reader wanting a string
 *   can take `namespace: no` or `server: 8080` as written.
 * - Mapping keys must be scalars and unique within their map; keys are their text.
 * - Anchors and aliases work; an alias shares the anchored value (json_incref), and the
 *   total number of nodes reachable through aliases is bounded (YAML_MAX_NODES) so an
 *   "alias bomb" is refused instead of exploding a walker.  An alias to an anchor that is
 *   not yet complete (a cycle) is an unknown anchor.
 * - Nesting deeper than YAML_MAX_DEPTH, a second document in the stream, NUL bytes in keys
 *   and inputs larger than YAML_MAX_BYTES are errors.  An empty stream loads as null.
 * - Errors are one line, "NAME:LINE:COL: message", LINE and COL 1-based, from libyaml's
 *   marks (NAME is the path or the name given).  Never crashes on any input.
 * - The tree is read-only for callers (aliased values are shared).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum { YAML_MAX_DEPTH = 100, YAML_MAX_NODES = 1000000, YAML_MAX_BYTES = 32 << 20 };

struct yaml_doc;

struct yaml_mark {
	unsigned line;          /* 1-based; 0 when unknown */
	unsigned col;           /* 1-based */
};

/* Loads one document from a file.  NULL with *err (malloc'd) on failure; a missing or
 * unreadable file gives "NAME: strerror". */
struct yaml_doc *yaml_doc_load_file(const char *path, char **err);
/* Loads one document from memory; name is used in messages. */
struct yaml_doc *yaml_doc_load_string(const char *name, const char *text, size_t len, char **err);
void yaml_doc_free(struct yaml_doc *d);

/* The root value (never NULL; json_null() for an empty document), owned by the doc. */
json_t *yaml_doc_root(const struct yaml_doc *d);
/* The name given at load (the path for files). */
const char *yaml_doc_name(const struct yaml_doc *d);

/* Where a value starts.  parent == NULL asks for the root.  For an object parent pass the
 * key (index ignored); for an array parent pass key NULL and the index.  Returns a mark with
 * line 0 when the value is not in the doc. */
struct yaml_mark yaml_doc_mark(const struct yaml_doc *d, const json_t *parent, const char *key,
			       size_t index);
/* The source text of a plain scalar value at the same address, or NULL when the value was
 * not a plain scalar (quoted strings, maps, sequences, aliases).  Owned by the doc. */
const char *yaml_doc_text(const struct yaml_doc *d, const json_t *parent, const char *key,
			  size_t index);

/* ---- reading a loaded document into typed structs (kube/yaml_read.c) ----
 * The helpers warroom's own files (config.yaml, matrix definitions) are read with, so
 * every error names FILE:LINE the same way.  A helper that fails sets *r->err (malloc'd,
 * one line "NAME:LINE: message", or "NAME: message" when the line is unknown) and returns
 * -1; the caller stops at the first error. */
struct yaml_reader {
	const struct yaml_doc *doc;
	char **err;
};

/* Sets the error "NAME:LINE: message" (line 0: "NAME: message"); returns -1. */
int yaml_read_fail(const struct yaml_reader *r, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The line where parent[key] (object) or parent[index] (array) starts; 0 when unknown. */
unsigned yaml_read_line(const struct yaml_reader *r, const json_t *parent, const char *key, size_t index);

/* Keys of map obj outside allowed (NULL-terminated); path names obj ("" for the root).
 * warnings NULL: the first is an error, "NAME:LINE: PATH.KEY: unknown key (expected one
 * of: A, B)".  Otherwise each is a warning "NAME:LINE: PATH.KEY: unknown key (ignored)"
 * appended to *warnings (realloc'd) while *nwarnings < max, and the result is 0: a newer
 * or misspelt key must not stop a program from starting.  Keys are shown with control
 * bytes replaced by '?' and cut at 60 bytes. */
int yaml_read_keys(const struct yaml_reader *r, const json_t *obj, const char *path,
		   const char *const *allowed, char ***warnings, size_t *nwarnings, size_t max);

enum {
	YAML_TEXT_BLANKS = 1,      /* spaces allowed */
	YAML_TEXT_MULTILINE = 2,   /* newlines and tabs allowed */
};
/* Whether s has no control characters, spaces only with YAML_TEXT_BLANKS, newlines and
 * tabs only with YAML_TEXT_MULTILINE (yaml_read_text's rule, for keys read as names). */
bool yaml_text_clean(const char *s, unsigned flags);
/* parent[key] (object) or parent[index] (array, key NULL) as text: a string, or a plain
 * scalar as written (`name: 2024`, `address: 10.0.0.1` are text).  Absent or null: *out
 * NULL and 0.  Errors name `what`: a NUL byte, a map or list, an empty string, more than
 * max bytes (0: no limit), control characters (and spaces without YAML_TEXT_BLANKS,
 * newlines and tabs without YAML_TEXT_MULTILINE).  *out is malloc'd. */
int yaml_read_text(const struct yaml_reader *r, const json_t *parent, const char *key, size_t index,
		   const char *what, unsigned flags, size_t max, char **out);

#endif
