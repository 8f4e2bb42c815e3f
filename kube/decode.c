/* kube/decode: see decode.h. */
#include "kube/decode.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *decode_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* ---- list pages, decoded as they stream in ----
 *
 * A page is one JSON object {"kind":..,"metadata":{..},"items":[..]} of a few MiB.
 * Parsing it whole into one jansson tree and freeing that tree was most of the cold
 * list's CPU time (bench/README.md).  Instead a small scanner walks the top-level object
 * itself: each member value it needs (kind, metadata, message, reason) and each item,
 * once complete, goes to json_loadb on its own, every other member is skipped unparsed.
 * Item trees are small and short-lived, items reach the model while the next bytes are
 * still on the wire, and the list metadata (continue token) is known as soon as it has
 * arrived: the informer uses it to ask for the next page early.  jansson still checks
 * every byte that reaches the model; the scanner checks the top-level structure. */

enum ds_state {
	DS_START,       /* before the top-level value */
	DS_KEY_FIRST,   /* after '{': a member name or '}' */
	DS_KEY,         /* after ',': a member name */
	DS_IN_KEY,      /* inside a member name */
	DS_COLON,
	DS_VALUE,       /* before a member value */
	DS_IN_VALUE,    /* inside a member value */
	DS_MEMBER_END,  /* after a member: ',' or '}' */
	DS_ITEM_FIRST,  /* after "items":[ : an item or ']' */
	DS_ITEM,        /* after ',' between items: an item */
	DS_IN_ITEM,
	DS_ITEM_END,    /* after an item: ',' or ']' */
	DS_END,         /* after the top-level '}': whitespace only */
	DS_RAW,         /* the body is not an object: kept whole to say what it is */
	DS_FAILED,
};

/* What a member value is kept for. */
enum ds_member { DS_SKIP, DS_KIND, DS_METADATA, DS_MESSAGE, DS_REASON, DS_ITEMS };

/* Longest member name told apart (longer ones are skipped). */
enum { DS_KEY_MAX = 32 };
/* The item arena: a pod's tree takes ~20 KiB; an item that needs more than DS_ARENA_MAX
 * gets the rest from malloc, freed after the item. */
enum { DS_ARENA_START = 64 * 1024, DS_ARENA_MAX = 1024 * 1024 };

struct ds_arena {
	char *base;
	size_t used, cap;
	void **big;                  /* blocks that did not fit */
	size_t nbig, bigcap;
	size_t overflow;             /* their bytes */
};

struct decode_stream {
	enum kube_resource r;
	struct model *m;
	enum ds_state state;
	enum ds_member member;
	char key[DS_KEY_MAX + 1];
	size_t keylen;
	bool key_escaped, key_long;
	/* the value being scanned */
	long depth;
	bool in_str, esc, scalar;
	size_t vline, vcol;          /* where it started, for messages */
	char *buf;                   /* its bytes so far when it spans chunks */
	size_t len, cap;
	/* position of the next byte, for messages */
	size_t off, line, line_start;
	/* what the page said */
	char kind[64];
	bool kind_ok, status;
	char message[256], reason[256];
	json_t *late_items;          /* items seen before a matching kind: applied at the end */
	struct ds_arena arena;
	bool meta_ready;
	struct decode_meta meta;
	char err[512];
};

static void ds_arena_reset(struct ds_arena *a);

struct decode_stream *decode_stream_new(enum kube_resource r, struct model *m)
{
	struct decode_stream *s = xcalloc(1, sizeof(*s));
	s->r = r;
	s->m = m;
	s->arena.cap = DS_ARENA_START;
	s->arena.base = xmalloc(s->arena.cap);
	decode_stream_reset(s);
	return s;
}

void decode_stream_reset(struct decode_stream *s)
{
	json_decref(s->late_items);
	s->late_items = NULL;
	s->state = DS_START;
	s->member = DS_SKIP;
	s->len = 0;
	s->off = 0;
	s->line = 1;
	s->line_start = 0;
	s->kind[0] = s->message[0] = s->reason[0] = s->err[0] = '\0';
	s->kind_ok = s->status = s->meta_ready = false;
	memset(&s->meta, 0, sizeof(s->meta));
	if (s->cap > 1024 * 1024) {
		/* One huge item is no reason to keep its buffer for the stream's lifetime. */
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
}

void decode_stream_free(struct decode_stream *s)
{
	if (!s)
		return;
	json_decref(s->late_items);
	ds_arena_reset(&s->arena);
	free(s->arena.base);
	free(s->arena.big);
	free(s->buf);
	free(s);
}

const struct decode_meta *decode_stream_meta(const struct decode_stream *s)
{
	return s->meta_ready ? &s->meta : NULL;
}

size_t decode_stream_items(const struct decode_stream *s)
{
	return s->meta.items;
}

static int ds_fail(struct decode_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ds_fail(struct decode_stream *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	/* One line: jansson quotes the offending input ("near '...'"), newlines and all. */
	for (char *p = s->err; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	s->state = DS_FAILED;
	return -1;
}

/* A syntax error at byte i of the chunk being scanned. */
static int ds_syntax(struct decode_stream *s, size_t i, const char *what)
{
	return ds_fail(s, "not JSON at line %zu column %zu: %s", s->line, s->off + i - s->line_start + 1,
		       what);
}

/* json_loadb's error inside a value that started at (vline, vcol). */
static int ds_json_error(struct decode_stream *s, const json_error_t *je)
{
	size_t line = s->vline + (je->line > 1 ? (size_t)je->line - 1 : 0);
	size_t col = je->line > 1 ? (size_t)je->column : s->vcol + (je->column > 0 ? (size_t)je->column - 1 : 0);
	return ds_fail(s, "not JSON at line %zu column %zu: %s", line, col, je->text);
}

static void ds_copy_string(const json_t *v, char *out, size_t cap)
{
	snprintf(out, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* The arena jansson allocates from while one item is parsed and applied.  jansson's
 * allocator hooks are process-wide and take no context, hence this one file-scope
 * pointer: it is set only inside ds_item (the program is single-threaded and nothing in
 * that window but the item's own tree allocates from jansson) and NULL otherwise. */
static struct ds_arena *ds_arena_current;

static void *ds_arena_alloc(size_t n)
{
	struct ds_arena *a = ds_arena_current;
	n = (n + 15) & ~(size_t)15;
	if (n <= a->cap - a->used) {
		void *p = a->base + a->used;
		a->used += n;
		return p;
	}
	/* Larger than what is left: its own block, released with the arena. */
	void *p = malloc(n);
	if (p) {
		a->big = xgrow(a->big, &a->bigcap, a->nbig + 1, sizeof(*a->big));
		a->big[a->nbig++] = p;
		a->overflow += n;
	}
	return p;
}

static void ds_arena_free(void *p)
{
	(void)p; /* released all at once by ds_arena_reset */
}

static void ds_arena_reset(struct ds_arena *a)
{
	for (size_t i = 0; i < a->nbig; i++)
		free(a->big[i]);
	a->nbig = 0;
	/* An item that overflowed: the next one likely looks alike, so grow (to a bound). */
	if (a->overflow && a->cap < DS_ARENA_MAX) {
		size_t want = a->cap + a->overflow;
		a->cap = want > DS_ARENA_MAX ? DS_ARENA_MAX : want;
		free(a->base);
		a->base = xmalloc(a->cap);
	}
	a->overflow = 0;
	a->used = 0;
}

/* Applies one complete item.  Its tree lives in the stream's arena and is dropped whole
 * afterwards: no malloc/free per node (a third of the decode's time with malloc). */
static int ds_item(struct decode_stream *s, const char *text, size_t n)
{
	json_malloc_t saved_alloc;
	json_free_t saved_free;
	json_get_alloc_funcs(&saved_alloc, &saved_free);
	ds_arena_current = &s->arena;
	json_set_alloc_funcs(ds_arena_alloc, ds_arena_free);
	json_error_t je;
	json_t *item = decode_json_loadb(text, n, &je);
	if (item && decode_apply(s->r, item, false, s->m, NULL, 0) < 0)
		s->meta.skipped++;
	else if (item)
		s->meta.items++;
	json_set_alloc_funcs(saved_alloc, saved_free);
	ds_arena_current = NULL;
	ds_arena_reset(&s->arena);
	return item ? 0 : ds_json_error(s, &je);
}

/* A complete member value the page is read for. */
static int ds_member(struct decode_stream *s, const char *text, size_t n)
{
	json_error_t je;
	json_t *v = json_loadb(text, n, JSON_DECODE_ANY, &je);
	if (!v)
		return ds_json_error(s, &je);
	const char *want = decode_resource_list_kind(s->r);
	switch (s->member) {
	case DS_KIND:
		ds_copy_string(v, s->kind, sizeof(s->kind));
		s->status = strcmp(s->kind, "Status") == 0;
		s->kind_ok = strcmp(s->kind, want) == 0;
		/* kind may be absent in some proxies' answers; when present it must match. */
		if (s->kind[0] && !s->kind_ok && !s->status) {
			json_decref(v);
			return ds_fail(s, "expected %s, got kind '%.40s'", want, s->kind);
		}
		break;
	case DS_METADATA:
		snprintf(s->meta.cont, sizeof(s->meta.cont), "%s", decode_str(v, "continue"));
		snprintf(s->meta.resource_version, sizeof(s->meta.resource_version), "%s",
			 decode_str(v, "resourceVersion"));
		s->meta_ready = true;
		break;
	case DS_MESSAGE:
		ds_copy_string(v, s->message, sizeof(s->message));
		break;
	case DS_REASON:
		ds_copy_string(v, s->reason, sizeof(s->reason));
		break;
	case DS_ITEMS:
		if (!json_is_array(v) && !json_is_null(v)) {
			json_decref(v);
			return ds_fail(s, "%s.items is not an array", want);
		}
		/* The last "items" wins, as in a parsed object. */
		json_decref(s->late_items);
		s->late_items = json_is_array(v) ? json_incref(v) : NULL;
		break;
	default:
		break;
	}
	json_decref(v);
	return 0;
}

static bool ds_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Starts scanning a value whose first byte c is at chunk index i. */
static void ds_value_begin(struct decode_stream *s, char c, size_t i)
{
	s->depth = 0;
	s->in_str = s->esc = false;
	s->scalar = c != '"' && c != '{' && c != '[';
	s->vline = s->line;
	s->vcol = s->off + i - s->line_start + 1;
	s->len = 0;
}

/* Scans the current value over p[0..n); returns the bytes that belong to it and sets
 * *complete when it ended there (a number or literal ends before its delimiter). */
static size_t ds_scan(struct decode_stream *s, const char *p, size_t n, size_t base, bool *complete)
{
	size_t i = 0;
	*complete = false;
	if (s->scalar) {
		for (; i < n; i++)
			if (ds_space(p[i]) || p[i] == ',' || p[i] == '}' || p[i] == ']') {
				*complete = true;
				return i;
			}
		return n;
	}
	while (i < n) {
		if (s->in_str) {
			/* Strings are most of a page: only a quote or a backslash matters here. */
			for (; i < n; i++) {
				char c = p[i];
				if (s->esc) {
					s->esc = false;
				} else if (c == '\\') {
					s->esc = true;
				} else if (c == '"') {
					s->in_str = false;
					i++;
					break;
				}
			}
			if (!s->in_str && s->depth == 0) {
				*complete = true;
				return i;
			}
			continue;
		}
		char c = p[i++];
		if (c == '"') {
			s->in_str = true;
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			/* Mismatched brackets are left to json_loadb to report. */
			if (--s->depth <= 0) {
				*complete = true;
				return i;
			}
		} else if (c == '\n') {
			s->line++;
			s->line_start = base + i;
		}
	}
	return n;
}

/* Keeps p[0..n) of a value that spans chunks. */
static void ds_keep(struct decode_stream *s, const char *p, size_t n)
{
	s->buf = xgrow(s->buf, &s->cap, s->len + n + 1, 1);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/* Continues the value (member or item) that started at chunk index `start` (or in an
 * earlier chunk, start == SIZE_MAX) from index i; returns the index after it. */
static size_t ds_value_step(struct decode_stream *s, const char *data, size_t len, size_t i, size_t start)
{
	bool complete;
	bool item = s->state == DS_IN_ITEM;
	size_t n = ds_scan(s, data + i, len - i, s->off + i, &complete);
	bool keep = item || s->member != DS_SKIP;
	size_t from = start == SIZE_MAX ? i : start;
	if (!complete) {
		if (keep)
			ds_keep(s, data + from, len - from);
		return len;
	}
	const char *text = data + from;
	size_t tlen = i + n - from;
	if (keep && s->len) {
		ds_keep(s, data + i, n);
		text = s->buf;
		tlen = s->len;
	}
	s->state = item ? DS_ITEM_END : DS_MEMBER_END;
	if (keep && (item ? ds_item(s, text, tlen) : ds_member(s, text, tlen)) < 0)
		return len;
	s->len = 0;
	return i + n;
}

/* The member a name selects, and whether its value is read. */
static void ds_key_done(struct decode_stream *s)
{
	char name[DS_KEY_MAX + 1];
	snprintf(name, sizeof(name), "%.*s", (int)s->keylen, s->key);
	if (s->key_escaped && !s->key_long) {
		/* "\u006bind" is "kind" too: let jansson read the rare escaped name. */
		char quoted[DS_KEY_MAX + 3];
		snprintf(quoted, sizeof(quoted), "\"%s\"", name);
		json_t *k = json_loads(quoted, JSON_DECODE_ANY, NULL);
		ds_copy_string(k, name, sizeof(name));
		json_decref(k);
	}
	s->member = DS_SKIP;
	if (s->key_long)
		return;
	if (strcmp(name, "kind") == 0)
		s->member = DS_KIND;
	else if (strcmp(name, "metadata") == 0)
		s->member = DS_METADATA;
	else if (strcmp(name, "message") == 0)
		s->member = DS_MESSAGE;
	else if (strcmp(name, "reason") == 0)
		s->member = DS_REASON;
	else if (strcmp(name, "items") == 0)
		s->member = DS_ITEMS;
}

/* Scans a member name from index i; returns the index after what it consumed. */
static size_t ds_key_step(struct decode_stream *s, const char *data, size_t len, size_t i)
{
	for (; i < len; i++) {
		char c = data[i];
		if (s->esc) {
			s->esc = false;
		} else if (c == '\\') {
			s->esc = s->key_escaped = true;
		} else if (c == '"') {
			ds_key_done(s);
			s->state = DS_COLON;
			return i + 1;
		} else if ((unsigned char)c < 0x20) {
			ds_syntax(s, i, "control character in a member name");
			return len;
		}
		if (s->keylen < DS_KEY_MAX)
			s->key[s->keylen++] = c;
		else
			s->key_long = true;
	}
	return len;
}

/* One structural byte c (not whitespace) at index i outside any value. */
static int ds_structure(struct decode_stream *s, char c, size_t i)
{
	switch (s->state) {
	case DS_START:
		if (c == '{') {
			s->state = DS_KEY_FIRST;
			return 0;
		}
		/* Not an object: keep it whole; the end says what it was. */
		s->state = DS_RAW;
		ds_value_begin(s, c, i);
		return 0;
	case DS_KEY_FIRST:
	case DS_KEY:
		if (c == '}' && s->state == DS_KEY_FIRST) {
			s->state = DS_END;
			return 0;
		}
		if (c != '"')
			return ds_syntax(s, i, "expected a member name");
		s->keylen = 0;
		s->key_escaped = s->key_long = s->esc = false;
		s->state = DS_IN_KEY;
		return 0;
	case DS_COLON:
		if (c != ':')
			return ds_syntax(s, i, "expected ':'");
		s->state = DS_VALUE;
		return 0;
	case DS_VALUE:
		if (c == '[' && s->member == DS_ITEMS && s->kind_ok) {
			s->state = DS_ITEM_FIRST;
			return 0;
		}
		ds_value_begin(s, c, i);
		s->state = DS_IN_VALUE;
		return 0;
	case DS_MEMBER_END:
		if (c == ',')
			s->state = DS_KEY;
		else if (c == '}')
			s->state = DS_END;
		else
			return ds_syntax(s, i, "expected ',' or '}'");
		return 0;
	case DS_ITEM_FIRST:
	case DS_ITEM:
		if (c == ']' && s->state == DS_ITEM_FIRST) {
			s->state = DS_MEMBER_END;
			return 0;
		}
		if (c == ']' || c == ',')
			return ds_syntax(s, i, "expected an item");
		ds_value_begin(s, c, i);
		s->state = DS_IN_ITEM;
		return 0;
	case DS_ITEM_END:
		if (c == ',')
			s->state = DS_ITEM;
		else if (c == ']')
			s->state = DS_MEMBER_END;
		else
			return ds_syntax(s, i, "expected ',' or ']' between items");
		return 0;
	case DS_END:
		return ds_syntax(s, i, "end of the body expected");
	default:
		return -1;
	}
}

int decode_stream_feed(struct decode_stream *s, const char *data, size_t len, char *err, size_t errcap)
{
	size_t i = 0;
	while (i < len && s->state != DS_FAILED) {
		size_t start = i;
		switch (s->state) {
		case DS_IN_KEY:
			i = ds_key_step(s, data, len, i);
			continue;
		case DS_IN_VALUE:
		case DS_IN_ITEM:
			i = ds_value_step(s, data, len, i, SIZE_MAX);
			continue;
		case DS_RAW:
			ds_keep(s, data + i, len - i);
			i = len;
			continue;
		default:
			break;
		}
		char c = data[i++];
		if (ds_space(c)) {
			if (c == '\n') {
				s->line++;
				s->line_start = s->off + i;
			}
			continue;
		}
		if (ds_structure(s, c, start) < 0)
			break;
		/* A value starts with this byte: scan it from here. */
		if (s->state == DS_IN_VALUE || s->state == DS_IN_ITEM)
			i = ds_value_step(s, data, len, start, start);
		else if (s->state == DS_RAW)
			i = start;
	}
	s->off += len;
	if (s->state != DS_FAILED)
		return 0;
	snprintf(err, errcap, "%s", s->err);
	return -1;
}

int decode_stream_finish(struct decode_stream *s, struct decode_meta *meta, char *err, size_t errcap)
{
	const char *want = decode_resource_list_kind(s->r);
	memset(meta, 0, sizeof(*meta));
	if (s->state == DS_START) {
		ds_fail(s, "not JSON: empty body");
	} else if (s->state == DS_RAW) {
		json_error_t je;
		json_t *root = json_loadb(s->buf, s->len, 0, &je);
		if (root)
			ds_fail(s, "expected a %s object, got another JSON value", want);
		else
			ds_json_error(s, &je);
		json_decref(root);
	} else if (s->state != DS_END && s->state != DS_FAILED) {
		ds_fail(s, "not JSON at line %zu column %zu: the body ends inside the %s", s->line,
			s->off - s->line_start + 1, want);
	} else if (s->status) {
		const char *msg = s->message[0] ? s->message : s->reason;
		ds_fail(s, "expected %s, got Status: %s", want, msg[0] ? msg : "(no message)");
	}
	if (s->state == DS_FAILED) {
		snprintf(err, errcap, "%s", s->err);
		return -1;
	}
	size_t i;
	json_t *item;
	json_array_foreach(s->late_items, i, item) {
		if (decode_apply(s->r, item, false, s->m, NULL, 0) < 0)
			s->meta.skipped++;
		else
			s->meta.items++;
	}
	json_decref(s->late_items);
	s->late_items = NULL;
	*meta = s->meta;
	return 0;
}

int decode_list(enum kube_resource r, const char *buf, size_t len, struct model *m,
		struct decode_meta *meta, char *err, size_t errcap)
{
	struct decode_stream *s = decode_stream_new(r, m);
	int rc = decode_stream_feed(s, buf, len, err, errcap);
	if (rc == 0)
		rc = decode_stream_finish(s, meta, err, errcap);
	else
		memset(meta, 0, sizeof(*meta));
	decode_stream_free(s);
	return rc;
}

int decode_pod_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		    char *err, size_t errcap)
{
	return decode_list(KUBE_PODS, buf, len, m, meta, err, errcap);
}

int decode_node_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		     char *err, size_t errcap)
{
	return decode_list(KUBE_NODES, buf, len, m, meta, err, errcap);
}

void decode_status_message(const char *buf, size_t len, char *out, size_t cap)
{
	if (len == 0) {
		snprintf(out, cap, "empty body");
		return;
	}
	json_t *root = json_loadb(buf, len, 0, NULL);
	if (!root) {
		snprintf(out, cap, "non-JSON body (%zu bytes)", len);
		return;
	}
	const char *msg = decode_str(root, "message");
	if (!msg[0])
		msg = decode_str(root, "reason");
	if (msg[0])
		snprintf(out, cap, "%s", msg);
	else
		snprintf(out, cap, "JSON body without a message (%zu bytes)", len);
	json_decref(root);
}
