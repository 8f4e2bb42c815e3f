/* panels/describe: see describe.h. */
#include "panels/describe.h"

#include "core/xalloc.h"
#include "kube/decode.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DV_MAX_BODY = 8 << 20, DV_TIMEOUT_MS = 20000, DV_CONNECT_MS = 5000 };
enum { DV_OBJECT = 0, DV_EVENTS = 1 };

struct describe_view_fetch {
	struct describe_view *v;
	struct http_request *req;
	char path[1200];
	char *body;
	size_t len, cap;
	bool too_big, finished;
	long status;
	char *error;               /* transport error or non-2xx explanation */
};

static bool dv_on_data(void *ud, const char *data, size_t len)
{
	struct describe_view_fetch *f = ud;
	if (f->len + len > DV_MAX_BODY) {
		f->too_big = true;
		return false; /* a describe answer this large is not an object we can show */
	}
	f->body = xgrow(f->body, &f->cap, f->len + len + 1, 1);
	memcpy(f->body + f->len, data, len);
	f->len += len;
	f->body[f->len] = '\0';
	return true;
}

static void dv_finish(struct describe_view *v)
{
	struct describe_view_fetch *o = v->fetch[DV_OBJECT], *e = v->fetch[DV_EVENTS];
	if (o->error) {
		v->error = xstrdup(o->error);
		v->status = o->status;
	} else {
		char err[600];
		const char *events_err = e->error ? e->error : NULL;
		if (describe_build(&v->text, v->target.kind, o->body ? o->body : "", o->len,
				   events_err ? NULL : (e->body ? e->body : ""), e->len, events_err,
				   time(NULL), err, sizeof(err)) < 0)
			v->error = xasprintf("GET %s: %s", o->path, err);
	}
	v->done = true;
	for (size_t i = 0; i < 2; i++) {
		free(v->fetch[i]->body);
		v->fetch[i]->body = NULL;
	}
	if (v->notify)
		v->notify(v->ud);
}

static void dv_on_done(void *ud, const struct http_result *res)
{
	struct describe_view_fetch *f = ud;
	struct describe_view *v = f->v;
	f->req = NULL;
	f->finished = true;
	f->status = res->status;
	if (f->too_big) {
		f->error = xasprintf("GET %s: answer larger than %d MiB", f->path, DV_MAX_BODY >> 20);
	} else if (res->error) {
		f->error = xstrdup(res->error);
	} else if (res->status < 200 || res->status > 299) {
		char msg[400];
		decode_status_message(f->body ? f->body : "", f->len, msg, sizeof(msg));
		if (res->problem)
			f->error = xasprintf("GET %s: %s (%s)", f->path, res->problem, msg);
		else
			f->error = xasprintf("GET %s: HTTP %ld: %s", f->path, res->status, msg);
	}
	if (v->fetch[DV_OBJECT]->finished && v->fetch[DV_EVENTS]->finished)
		dv_finish(v);
}

struct describe_view *describe_view_open(struct http_client *http, const char *server,
					 const struct http_opts *opts, const struct describe_target *t,
					 describe_view_notify_fn notify, void *ud)
{
	struct describe_view *v = xcalloc(1, sizeof(*v));
	v->target = *t;
	v->http = http;
	v->notify = notify;
	v->ud = ud;
	describe_init(&v->text);
	if (t->kind == DESCRIBE_POD)
		snprintf(v->title, sizeof(v->title), "pod %s/%s", t->ns, t->name);
	else
		snprintf(v->title, sizeof(v->title), "node %s", t->name);
	struct http_opts o = *opts;
	o.timeout_ms = DV_TIMEOUT_MS;
	o.connect_timeout_ms = DV_CONNECT_MS;
	for (size_t i = 0; i < 2; i++) {
		struct describe_view_fetch *f = xcalloc(1, sizeof(*f));
		f->v = v;
		if (i == DV_OBJECT)
			describe_object_path(t, f->path, sizeof(f->path));
		else
			describe_events_path(t, f->path, sizeof(f->path));
		v->fetch[i] = f;
	}
	/* Both requests exist before either starts: done_fn is never called from http_get,
	 * but the second fetch must be ready when the first finishes. */
	for (size_t i = 0; i < 2; i++) {
		char *url = xasprintf("%s%s", server, v->fetch[i]->path);
		v->fetch[i]->req = http_get(http, url, &o, dv_on_data, dv_on_done, v->fetch[i]);
		free(url);
	}
	return v;
}

void describe_view_free(struct describe_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < 2; i++) {
		struct describe_view_fetch *f = v->fetch[i];
		if (!f)
			continue;
		if (f->req)
			http_cancel(v->http, f->req);
		free(f->body);
		free(f->error);
		free(f);
	}
	describe_free(&v->text);
	free(v->error);
	free(v);
}

void describe_view_line(const struct describe_view *v, size_t i, char *out, size_t cap)
{
	if (i >= v->text.n) {
		if (cap)
			out[0] = '\0';
		return;
	}
	const char *t = v->text.lines[i].text;
	text_sanitize(t, strlen(t), out, cap);
}

void describe_view_scroll(struct describe_view *v, long delta, size_t height)
{
	long top = (long)v->top + delta;
	long max = (long)v->text.n - (long)height;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	v->top = (size_t)top;
}

enum model_severity describe_view_sev(const struct describe_view *v, size_t i)
{
	return i < v->text.n ? v->text.lines[i].sev : SEV_OK;
}
