#ifndef KUBE_YAML_H
#define KUBE_YAML_H
/* kube/yaml: one YAML document (libyaml's event API) loaded into a jansson tree that
 * remembers where every value came from, so callers can say "FILE:LINE: what is wrong".
 * Used for kubeconfig files; meant to be reused for warroom's own config and matrix files.
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

#endif
