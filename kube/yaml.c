/* kube/yaml: see yaml.h.  libyaml events drive an explicit stack (no recursion, so
 * depth is only bounded by YAML_MAX_DEPTH); a side table keyed by (parent, key|index)
 * keeps each value's mark and plain-scalar text, because jansson's singletons (true,
 * false, null) cannot carry per-node data themselves. */
#include "kube/yaml.h"

#include "core/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct yaml_entry {
	const json_t *parent;   /* NULL marks an empty slot */
	char *key;              /* NULL for array slots */
	size_t index;
	struct yaml_mark mark;
	char *text;             /* plain scalar source text, or NULL */
};

struct yaml_doc {
	char *name;
	json_t *root;
	struct yaml_mark root_mark;
	char *root_text;
	struct yaml_entry *slots;
	size_t nslots;          /* power of two */
	size_t used;
};

struct yaml_anchor {
	char *name;
	json_t *value;          /* one reference held */
	size_t weight;          /* nodes in the anchored value, counting through aliases */
};

struct yaml_frame {
	json_t *node;           /* owned until attached to its parent */
	bool is_map;
	char *key;              /* pending key of a map, owned */
	struct yaml_mark mark;  /* where the container starts */
	char *anchor;           /* owned, NULL if none */
	size_t start_total;
};

struct yaml_builder {
	struct yaml_doc *doc;
	struct yaml_frame *stack;
	size_t depth, cap;
	struct yaml_anchor *anchors;
	size_t nanchors, anchors_cap;
	size_t total;           /* nodes so far, aliases counted at their full weight */
	bool have_root;
	char *err;
};

static uint64_t yaml_hash(const json_t *parent, const char *key, size_t index)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;
	h *= 1099511628211ULL;
	if (key) {
		for (const unsigned char *p = (const unsigned char *)key; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
	} else {
		h = (h ^ (uint64_t)index) * 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static bool yaml_entry_matches(const struct yaml_entry *e, const json_t *parent, const char *key,
			       size_t index)
{
	if (e->parent != parent)
		return false;
	if (key)
		return e->key && strcmp(e->key, key) == 0;
	return !e->key && e->index == index;
}

static void yaml_table_grow(struct yaml_doc *d);

static void yaml_table_put(struct yaml_doc *d, const json_t *parent, const char *key, size_t index,
			   struct yaml_mark mark, const char *text)
{
	if ((d->used + 1) * 2 > d->nslots)
		yaml_table_grow(d);
	size_t mask = d->nslots - 1;
	size_t i = (size_t)yaml_hash(parent, key, index) & mask;
	while (d->slots[i].parent) {
		if (yaml_entry_matches(&d->slots[i], parent, key, index))
			break;
		i = (i + 1) & mask;
	}
	struct yaml_entry *e = &d->slots[i];
	if (!e->parent)
		d->used++;
	free(e->key);
	free(e->text);
	e->parent = parent;
	e->key = xstrdup(key);
	e->index = index;
	e->mark = mark;
	e->text = xstrdup(text);
}

static void yaml_table_grow(struct yaml_doc *d)
{
	struct yaml_entry *old = d->slots;
	size_t oldn = d->nslots;
	d->nslots = oldn ? oldn * 2 : 64;
	d->slots = xcalloc(d->nslots, sizeof(*d->slots));
	d->used = 0;
	for (size_t i = 0; i < oldn; i++) {
		struct yaml_entry *e = &old[i];
		if (!e->parent)
			continue;
		size_t mask = d->nslots - 1;
		size_t j = (size_t)yaml_hash(e->parent, e->key, e->index) & mask;
		while (d->slots[j].parent)
			j = (j + 1) & mask;
		d->slots[j] = *e;
		d->used++;
	}
	free(old);
}

static const struct yaml_entry *yaml_table_get(const struct yaml_doc *d, const json_t *parent,
					       const char *key, size_t index)
{
	if (!d->nslots)
		return NULL;
	size_t mask = d->nslots - 1;
	size_t i = (size_t)yaml_hash(parent, key, index) & mask;
	while (d->slots[i].parent) {
		if (yaml_entry_matches(&d->slots[i], parent, key, index))
			return &d->slots[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

struct yaml_mark yaml_doc_mark(const struct yaml_doc *d, const json_t *parent, const char *key,
			       size_t index)
{
	struct yaml_mark none = { 0, 0 };
	if (!d)
		return none;
	if (!parent)
		return d->root_mark;
	const struct yaml_entry *e = yaml_table_get(d, parent, json_is_object(parent) ? key : NULL,
						    index);
	return e ? e->mark : none;
}

const char *yaml_doc_text(const struct yaml_doc *d, const json_t *parent, const char *key,
			  size_t index)
{
	if (!d)
		return NULL;
	if (!parent)
		return d->root_text;
	const struct yaml_entry *e = yaml_table_get(d, parent, json_is_object(parent) ? key : NULL,
						    index);
	return e ? e->text : NULL;
}

json_t *yaml_doc_root(const struct yaml_doc *d)
{
	return d->root;
}

const char *yaml_doc_name(const struct yaml_doc *d)
{
	return d->name;
}

void yaml_doc_free(struct yaml_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nslots; i++) {
		free(d->slots[i].key);
		free(d->slots[i].text);
	}
	free(d->slots);
	json_decref(d->root);
	free(d->root_text);
	free(d->name);
	free(d);
}

static struct yaml_mark yaml_mark_from(yaml_mark_t m)
{
	struct yaml_mark r = { (unsigned)m.line + 1, (unsigned)m.column + 1 };
	return r;
}

static void yaml_fail(struct yaml_builder *b, struct yaml_mark m, const char *msg)
{
	if (!b->err)
		b->err = xasprintf("%s:%u:%u: %s", b->doc->name, m.line, m.col, msg);
}

/* ---- plain scalar resolution (YAML 1.1, as go-yaml v2 does it) ---- */

static bool yaml_word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static const char *const yaml_nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const yaml_trues[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					  "on", "On", "ON", NULL };
static const char *const yaml_falses[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					   "off", "Off", "OFF", NULL };

/* Integer per YAML 1.1: optional sign, then 0x hex, 0o or leading-0 octal, or decimal;
 * '_' separators allowed.  False when s is not one or does not fit in long long. */
static bool yaml_parse_int(const char *s, long long *out)
{
	char buf[80];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '_')
			continue;
		if (n + 1 >= sizeof(buf))
			return false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	int base = 10;
	const char *digits = p;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		digits = p + 2;
	} else if (p[0] == '0' && p[1] == 'o') {
		base = 8;
		digits = p + 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		digits = p + 1;
	}
	if (!*digits)
		return false;
	for (const char *q = digits; *q; q++) {
		int v = (*q >= '0' && *q <= '9') ? *q - '0'
			: (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10
			: (*q >= 'A' && *q <= 'F') ? *q - 'A' + 10 : 99;
		if (v >= base)
			return false;
	}
	errno = 0;
	char *end;
	unsigned long long u = strtoull(digits, &end, base);
	if (errno || *end)
		return false;
	bool neg = buf[0] == '-';
	if (!neg && u > (unsigned long long)LLONG_MAX)
		return false;
	if (neg && u > (unsigned long long)LLONG_MAX + 1ULL)
		return false;
	*out = neg ? (long long)(0ULL - u) : (long long)u;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)? with a '.' or an exponent. */
static bool yaml_parse_real(const char *s, double *out)
{
	char buf[80];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '_')
			continue;
		if (n + 1 >= sizeof(buf))
			return false;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	size_t intd = 0, fracd = 0;
	while (*p >= '0' && *p <= '9') {
		p++;
		intd++;
	}
	bool dot = false, exp = false;
	if (*p == '.') {
		dot = true;
		p++;
		while (*p >= '0' && *p <= '9') {
			p++;
			fracd++;
		}
	}
	if (intd + fracd == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		exp = true;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p || (!dot && !exp))
		return false;
	double v = strtod(buf, NULL);
	if (!isfinite(v))
		return false;
	*out = v;
	return true;
}

static json_t *yaml_resolve_plain(const char *s, size_t len)
{
	if (strlen(s) != len)
		return json_stringn(s, len);
	if (yaml_word_in(s, yaml_nulls))
		return json_null();
	if (yaml_word_in(s, yaml_trues))
		return json_true();
	if (yaml_word_in(s, yaml_falses))
		return json_false();
	long long i;
	if (yaml_parse_int(s, &i))
		return json_integer(i);
	double r;
	if (yaml_parse_real(s, &r))
		return json_real(r);
	return json_stringn(s, len);
}

/* ---- building ---- */

static bool yaml_count(struct yaml_builder *b, size_t weight, struct yaml_mark m)
{
	if (weight > YAML_MAX_NODES - b->total) {
		char *msg = xasprintf("document too large: more than %d nodes (counting every alias "
				      "expansion); refusing", YAML_MAX_NODES);
		yaml_fail(b, m, msg);
		free(msg);
		return false;
	}
	b->total += weight;
	return true;
}

static void yaml_anchor_add(struct yaml_builder *b, const char *name, json_t *value, size_t weight)
{
	b->anchors = xgrow(b->anchors, &b->anchors_cap, b->nanchors + 1, sizeof(*b->anchors));
	struct yaml_anchor *a = &b->anchors[b->nanchors++];
	a->name = xstrdup(name);
	a->value = json_incref(value);
	a->weight = weight;
}

static const struct yaml_anchor *yaml_anchor_find(const struct yaml_builder *b, const char *name)
{
	for (size_t i = b->nanchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, name) == 0)
			return &b->anchors[i];
	return NULL;
}

/* Gives value (a new reference) to the current container or makes it the root. */
static bool yaml_attach(struct yaml_builder *b, json_t *value, struct yaml_mark m, const char *text)
{
	if (!value) {
		yaml_fail(b, m, "value is not valid UTF-8");
		return false;
	}
	if (b->depth == 0) {
		if (b->have_root) {
			json_decref(value);
			yaml_fail(b, m, "more than one root value");
			return false;
		}
		b->doc->root = value;
		b->doc->root_mark = m;
		b->doc->root_text = xstrdup(text);
		b->have_root = true;
		return true;
	}
	struct yaml_frame *f = &b->stack[b->depth - 1];
	if (f->is_map) {
		if (!f->key) {
			json_decref(value);
			yaml_fail(b, m, "mapping keys must be scalars");
			return false;
		}
		json_object_set_new(f->node, f->key, value);
		yaml_table_put(b->doc, f->node, f->key, 0, m, text);
		free(f->key);
		f->key = NULL;
	} else {
		size_t idx = json_array_size(f->node);
		json_array_append_new(f->node, value);
		yaml_table_put(b->doc, f->node, NULL, idx, m, text);
	}
	return true;
}

static bool yaml_on_scalar(struct yaml_builder *b, const yaml_event_t *ev)
{
	struct yaml_mark m = yaml_mark_from(ev->start_mark);
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		     (!tag || (strcmp(tag, "!") != 0 && strcmp(tag, YAML_STR_TAG) != 0));
	if (!yaml_count(b, 1, m))
		return false;
	struct yaml_frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
	if (f && f->is_map && !f->key) {
		if (strlen(s) != len) {
			yaml_fail(b, m, "mapping key contains a NUL byte");
			return false;
		}
		if (json_object_get(f->node, s)) {
			char *msg = xasprintf("duplicate key \"%.64s\"", s);
			yaml_fail(b, m, msg);
			free(msg);
			return false;
		}
		if (ev->data.scalar.anchor) {
			json_t *k = json_string(s);
			if (k) {
				yaml_anchor_add(b, (const char *)ev->data.scalar.anchor, k, 1);
				json_decref(k);
			}
		}
		f->key = xstrndup(s, len);
		return true;
	}
	json_t *v = plain ? yaml_resolve_plain(s, len) : json_stringn(s, len);
	if (v && ev->data.scalar.anchor)
		yaml_anchor_add(b, (const char *)ev->data.scalar.anchor, v, 1);
	return yaml_attach(b, v, m, plain ? s : NULL);
}

static bool yaml_on_alias(struct yaml_builder *b, const yaml_event_t *ev)
{
	struct yaml_mark m = yaml_mark_from(ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	const struct yaml_anchor *a = yaml_anchor_find(b, name);
	if (!a) {
		char *msg = xasprintf("unknown anchor \"%.64s\" (aliases must follow a complete "
				      "anchored value)", name);
		yaml_fail(b, m, msg);
		free(msg);
		return false;
	}
	if (!yaml_count(b, a->weight, m))
		return false;
	struct yaml_frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
	if (f && f->is_map && !f->key) {
		if (!json_is_string(a->value)) {
			yaml_fail(b, m, "mapping keys must be scalars");
			return false;
		}
		const char *s = json_string_value(a->value);
		if (strlen(s) != json_string_length(a->value)) {
			yaml_fail(b, m, "mapping key contains a NUL byte");
			return false;
		}
		if (json_object_get(f->node, s)) {
			char *msg = xasprintf("duplicate key \"%.64s\"", s);
			yaml_fail(b, m, msg);
			free(msg);
			return false;
		}
		f->key = xstrdup(s);
		return true;
	}
	return yaml_attach(b, json_incref(a->value), m, NULL);
}

static bool yaml_on_start(struct yaml_builder *b, const yaml_event_t *ev, bool is_map)
{
	struct yaml_mark m = yaml_mark_from(ev->start_mark);
	if (b->depth >= YAML_MAX_DEPTH) {
		char *msg = xasprintf("nesting deeper than %d levels", YAML_MAX_DEPTH);
		yaml_fail(b, m, msg);
		free(msg);
		return false;
	}
	struct yaml_frame *parent = b->depth ? &b->stack[b->depth - 1] : NULL;
	if (parent && parent->is_map && !parent->key) {
		yaml_fail(b, m, "mapping keys must be scalars");
		return false;
	}
	if (!yaml_count(b, 1, m))
		return false;
	b->stack = xgrow(b->stack, &b->cap, b->depth + 1, sizeof(*b->stack));
	struct yaml_frame *f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = is_map ? json_object() : json_array();
	f->is_map = is_map;
	f->mark = m;
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
					   : ev->data.sequence_start.anchor;
	f->anchor = xstrdup((const char *)anchor);
	f->start_total = b->total;
	return true;
}

static bool yaml_on_end(struct yaml_builder *b)
{
	struct yaml_frame f = b->stack[--b->depth];
	if (f.anchor) {
		yaml_anchor_add(b, f.anchor, f.node, b->total - f.start_total + 1);
		free(f.anchor);
	}
	free(f.key);
	return yaml_attach(b, f.node, f.mark, NULL);
}

static void yaml_parser_message(struct yaml_builder *b, const yaml_parser_t *p)
{
	if (b->err)
		return;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->error == YAML_READER_ERROR) {
		b->err = xasprintf("%s: byte %zu: %s", b->doc->name, p->problem_offset, problem);
		return;
	}
	struct yaml_mark m = yaml_mark_from(p->problem_mark);
	if (p->context)
		b->err = xasprintf("%s:%u:%u: %s (%s started at line %u)", b->doc->name, m.line,
				   m.col, problem, p->context,
				   (unsigned)p->context_mark.line + 1);
	else
		b->err = xasprintf("%s:%u:%u: %s", b->doc->name, m.line, m.col, problem);
}

static bool yaml_on_event(struct yaml_builder *b, const yaml_event_t *ev, int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			yaml_fail(b, yaml_mark_from(ev->start_mark),
				  "a second YAML document (---) is not supported here; one document "
				  "per file");
			return false;
		}
		return true;
	case YAML_SCALAR_EVENT:
		return yaml_on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return yaml_on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return yaml_on_start(b, ev, false);
	case YAML_MAPPING_START_EVENT:
		return yaml_on_start(b, ev, true);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return b->depth ? yaml_on_end(b) : false;
	default:
		return true;
	}
}

struct yaml_doc *yaml_doc_load_string(const char *name, const char *text, size_t len, char **err)
{
	struct yaml_builder b;
	memset(&b, 0, sizeof(b));
	b.doc = xcalloc(1, sizeof(*b.doc));
	b.doc->name = xstrdup(name ? name : "<input>");
	*err = NULL;
	if (len > YAML_MAX_BYTES) {
		*err = xasprintf("%s: larger than %d MiB; refusing", b.doc->name, YAML_MAX_BYTES >> 20);
		yaml_doc_free(b.doc);
		return NULL;
	}
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		*err = xasprintf("%s: cannot initialise the YAML parser", b.doc->name);
		yaml_doc_free(b.doc);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int docs = 0;
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_parser_message(&b, &parser);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = yaml_on_event(&b, &ev, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < b.depth; i++) {
		json_decref(b.stack[i].node);
		free(b.stack[i].key);
		free(b.stack[i].anchor);
	}
	free(b.stack);
	for (size_t i = 0; i < b.nanchors; i++) {
		free(b.anchors[i].name);
		json_decref(b.anchors[i].value);
	}
	free(b.anchors);
	if (!ok) {
		*err = b.err ? b.err : xasprintf("%s: malformed YAML", b.doc->name);
		yaml_doc_free(b.doc);
		return NULL;
	}
	if (!b.doc->root)
		b.doc->root = json_null();
	return b.doc;
}

struct yaml_doc *yaml_doc_load_file(const char *path, char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > (size_t)YAML_MAX_BYTES) {
				fclose(f);
				free(buf);
				*err = xasprintf("%s: larger than %d MiB; refusing", path,
						 YAML_MAX_BYTES >> 20);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	bool bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		*err = xasprintf("%s: %s", path, strerror(e));
		return NULL;
	}
	struct yaml_doc *d = yaml_doc_load_string(path, buf, len, err);
	free(buf);
	return d;
}
