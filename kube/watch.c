/* kube/watch: see watch.h.
 *
 * Each event is parsed by decode_json_loadb with jansson's allocator pointed at an arena
 * on the stack, and the tree is dropped whole when the event has been applied: at 200
 * pod changes a second, parsing with json_loadb and freeing node by node was most of an
 * idle console's CPU.
 */
#include "kube/watch.h"

#include "core/xalloc.h"

#include <jansson.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void watch_framer_init(struct watch_framer *f, size_t max_line)
{
	memset(f, 0, sizeof(*f));
	f->max_line = max_line ? max_line : WATCH_DEFAULT_MAX_LINE;
}

void watch_framer_free(struct watch_framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

void watch_framer_reset(struct watch_framer *f)
{
	f->len = 0;
	/* A huge line's buffer is not worth keeping for the next stream. */
	if (f->cap > 1024 * 1024) {
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

size_t watch_framer_pending(const struct watch_framer *f)
{
	return f->len;
}

/* Hands out one line without its "\r" (servers and proxies may send CRLF). */
static bool watch_emit(const char *line, size_t len, watch_line_fn fn, void *ud)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	return fn(ud, line, len);
}

int watch_framer_feed(struct watch_framer *f, const char *data, size_t len, watch_line_fn line_fn,
		      void *ud)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t part = nl ? (size_t)(nl - data) : len;
		if (f->len + part > f->max_line)
			return -1;
		if (!nl) {
			f->buf = xgrow(f->buf, &f->cap, f->len + part + 1, 1);
			memcpy(f->buf + f->len, data, part);
			f->len += part;
			return 0;
		}
		bool go;
		if (f->len == 0) {
			go = watch_emit(data, part, line_fn, ud);
		} else {
			f->buf = xgrow(f->buf, &f->cap, f->len + part + 1, 1);
			memcpy(f->buf + f->len, data, part);
			size_t n = f->len + part;
			f->len = 0;
			go = watch_emit(f->buf, n, line_fn, ud);
		}
		data += part + 1;
		len -= part + 1;
		if (!go)
			return 1;
	}
	return 0;
}

/* A pod event's tree takes about 20 KiB; bigger trees spill to malloc'd blocks. */
enum { WATCH_ARENA_BYTES = 64 * 1024 };

struct watch_spill {
	struct watch_spill *next;
	max_align_t data[];
};

struct watch_arena {
	alignas(max_align_t) char block[WATCH_ARENA_BYTES];
	size_t used;
	struct watch_spill *spill;
	json_malloc_t saved_malloc;
	json_free_t saved_free;
};

/* jansson's allocator hooks are process-wide and take no context, hence this one
 * file-scope pointer: set only between watch_arena_begin and watch_arena_end, while one
 * event is parsed and applied on the (single) loop thread, NULL otherwise. */
static struct watch_arena *watch_arena_current;

static void *watch_arena_alloc(size_t n)
{
	struct watch_arena *a = watch_arena_current;
	size_t align = alignof(max_align_t);
	n = (n + align - 1) / align * align;
	if (n <= sizeof(a->block) - a->used) {
		void *p = a->block + a->used;
		a->used += n;
		return p;
	}
	struct watch_spill *sp = malloc(sizeof(*sp) + n);
	if (!sp)
		return NULL; /* jansson reports it as a parse failure */
	sp->next = a->spill;
	a->spill = sp;
	return sp->data;
}

static void watch_arena_free(void *p)
{
	(void)p; /* the whole tree goes at watch_arena_end */
}

static void watch_arena_begin(struct watch_arena *a)
{
	a->used = 0;
	a->spill = NULL;
	json_get_alloc_funcs(&a->saved_malloc, &a->saved_free);
	watch_arena_current = a;
	json_set_alloc_funcs(watch_arena_alloc, watch_arena_free);
}

static void watch_arena_end(struct watch_arena *a)
{
	json_set_alloc_funcs(a->saved_malloc, a->saved_free);
	watch_arena_current = NULL;
	while (a->spill) {
		struct watch_spill *next = a->spill->next;
		free(a->spill);
		a->spill = next;
	}
}

static const char *watch_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static bool watch_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

/* Parses and applies one event; the tree is left to the caller's arena. */
static int watch_decode_event(enum kube_resource r, const char *line, size_t len,
			      struct model *m, struct watch_event *ev, char *err, size_t errcap)
{
	json_error_t je;
	json_t *root = decode_json_loadb(line, len, &je);
	if (!root) {
		snprintf(err, errcap, "watch event is not JSON (column %d: %s)", je.column, je.text);
		return -1;
	}
	int rc = 0;
	const char *type = watch_str(root, "type");
	json_t *obj = json_object_get(root, "object");
	if (!json_is_object(root) || !json_is_object(obj)) {
		snprintf(err, errcap, "watch event without an object (type '%.32s')", type);
		rc = -1;
	} else if (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0 ||
		   strcmp(type, "DELETED") == 0) {
		ev->type = type[0] == 'A' ? WATCH_ADDED : type[0] == 'M' ? WATCH_MODIFIED : WATCH_DELETED;
		const char *kind = watch_str(obj, "kind");
		/* kind may be missing (it is optional in the wire format); when present it must
		 * be ours, or a confused proxy could put nodes into the pods table. */
		if (kind[0] && strcmp(kind, decode_resource_kind(r)) != 0) {
			snprintf(err, errcap, "watch event for %.40s in a %s stream", kind,
				 decode_resource_name(r));
			rc = -1;
		} else if (decode_apply(r, obj, ev->type == WATCH_DELETED, m, ev->rv, sizeof(ev->rv)) < 0) {
			ev->skipped = true;
		}
	} else if (strcmp(type, "BOOKMARK") == 0) {
		ev->type = WATCH_BOOKMARK;
		snprintf(ev->rv, sizeof(ev->rv), "%s",
			 watch_str(json_object_get(obj, "metadata"), "resourceVersion"));
		if (!ev->rv[0]) {
			snprintf(err, errcap, "BOOKMARK without metadata.resourceVersion");
			rc = -1;
		}
	} else if (strcmp(type, "ERROR") == 0) {
		ev->type = WATCH_ERROR;
		json_t *code = json_object_get(obj, "code");
		ev->code = json_is_integer(code) ? (long)json_integer_value(code) : 0;
		snprintf(ev->reason, sizeof(ev->reason), "%s", watch_str(obj, "reason"));
		snprintf(ev->message, sizeof(ev->message), "%s", watch_str(obj, "message"));
	} else {
		snprintf(err, errcap, "unknown watch event type '%.32s'", type);
		rc = -1;
	}
	return rc;
}

int watch_apply_line(enum kube_resource r, const char *line, size_t len, struct model *m,
		     struct watch_event *ev, char *err, size_t errcap)
{
	memset(ev, 0, sizeof(*ev));
	if (watch_blank(line, len))
		return 0;
	struct watch_arena arena;
	watch_arena_begin(&arena);
	int rc = watch_decode_event(r, line, len, m, ev, err, errcap);
	watch_arena_end(&arena);
	if (rc < 0)
		ev->type = WATCH_NONE;
	return rc;
}
