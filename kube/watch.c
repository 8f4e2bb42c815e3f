/* kube/watch: see watch.h. */
#include "kube/watch.h"

#include "core/xalloc.h"

#include <jansson.h>
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

int watch_apply_line(enum kube_resource r, const char *line, size_t len, struct model *m,
		     struct watch_event *ev, char *err, size_t errcap)
{
	memset(ev, 0, sizeof(*ev));
	if (watch_blank(line, len))
		return 0;
	json_error_t je;
	json_t *root = json_loadb(line, len, 0, &je);
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
	json_decref(root);
	if (rc < 0)
		ev->type = WATCH_NONE;
	return rc;
}
