/* kube/lister: see lister.h. */
#include "kube/lister.h"

#include "core/xalloc.h"
#include "kube/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A page larger than this is not a list we can show: refuse it rather than eat memory. */
enum { LISTER_MAX_BODY = 256 * 1024 * 1024 };
enum { LISTER_BACKOFF_MIN_MS = 1000, LISTER_BACKOFF_MAX_MS = 30000 };

struct lister {
	struct loop *loop;
	struct http_client *http;
	struct model *model;
	enum lister_kind kind;
	char *server;
	char *ns;
	char *token, *ca_file, *accept;
	struct http_opts opts;
	long interval_ms, page_limit;
	bool once, finished;
	lister_notify_fn notify;
	void *ud;

	char path[512];
	struct http_request *req;
	char *body;
	size_t len, cap;
	bool too_big;
	char cont[1024];       /* continue token of the page being fetched, "" for the first */
	bool in_snapshot;
	long long timer_id;
	long long retry_at;    /* monotonic ms of the next retry after an error, 0 if none */
	long backoff_ms;

	enum lister_state state;
	char error[1024];
	long error_status;
	long long last_ok_ms;
};

static void lister_fetch(struct lister *l);

static void lister_build_path(struct lister *l)
{
	if (l->kind == LISTER_NODES)
		snprintf(l->path, sizeof(l->path), "/api/v1/nodes");
	else if (l->ns)
		snprintf(l->path, sizeof(l->path), "/api/v1/namespaces/%s/pods", l->ns);
	else
		snprintf(l->path, sizeof(l->path), "/api/v1/pods");
}

struct lister *lister_new(struct loop *loop, struct http_client *http, struct model *model,
			  enum lister_kind kind, const struct lister_config *cfg,
			  lister_notify_fn notify, void *ud)
{
	struct lister *l = xcalloc(1, sizeof(*l));
	l->loop = loop;
	l->http = http;
	l->model = model;
	l->kind = kind;
	size_t slen = strlen(cfg->server);
	while (slen > 0 && cfg->server[slen - 1] == '/')
		slen--;
	l->server = xstrndup(cfg->server, slen);
	l->ns = kind == LISTER_PODS && cfg->ns ? xstrdup(cfg->ns) : NULL;
	l->opts = cfg->opts;
	l->token = xstrdup(cfg->opts.token);
	l->ca_file = xstrdup(cfg->opts.ca_file);
	l->accept = xstrdup(cfg->opts.accept);
	l->opts.token = l->token;
	l->opts.ca_file = l->ca_file;
	l->opts.accept = l->accept;
	if (l->opts.timeout_ms <= 0)
		l->opts.timeout_ms = 30000;
	l->interval_ms = cfg->interval_ms > 0 ? cfg->interval_ms : 2000;
	l->page_limit = cfg->page_limit > 0 ? cfg->page_limit : 500;
	l->once = cfg->once;
	l->notify = notify;
	l->ud = ud;
	l->state = LISTER_LISTING;
	l->backoff_ms = LISTER_BACKOFF_MIN_MS;
	lister_build_path(l);
	return l;
}

static void lister_stop_request(struct lister *l)
{
	if (l->req) {
		http_cancel(l->http, l->req);
		l->req = NULL;
	}
	if (l->timer_id) {
		loop_cancel_timer(l->loop, l->timer_id);
		l->timer_id = 0;
	}
	l->len = 0;
	l->too_big = false;
}

void lister_free(struct lister *l)
{
	if (!l)
		return;
	lister_stop_request(l);
	if (l->token)
		memset(l->token, 0, strlen(l->token));
	free(l->token);
	free(l->ca_file);
	free(l->accept);
	free(l->body);
	free(l->server);
	free(l->ns);
	free(l);
}

static long lister_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct lister *l = ud;
	l->timer_id = 0;
	l->retry_at = 0;
	l->cont[0] = '\0';
	lister_fetch(l);
	return LOOP_TIMER_STOP;
}

static void lister_schedule(struct lister *l, long ms)
{
	if (l->timer_id)
		loop_cancel_timer(l->loop, l->timer_id);
	l->timer_id = loop_add_timer(l->loop, ms, lister_on_timer, l);
}

static void lister_fail(struct lister *l, long status, const char *fmt, const char *detail)
{
	snprintf(l->error, sizeof(l->error), fmt, detail);
	l->error_status = status;
	l->state = LISTER_ERROR;
	l->in_snapshot = false;
	if (l->once) {
		l->finished = true;
	} else {
		lister_schedule(l, l->backoff_ms);
		l->retry_at = loop_now_ms() + l->backoff_ms;
		l->backoff_ms = l->backoff_ms * 2 > LISTER_BACKOFF_MAX_MS ? LISTER_BACKOFF_MAX_MS
									  : l->backoff_ms * 2;
	}
	l->notify(l->ud, l);
}

static bool lister_on_data(void *ud, const char *data, size_t len)
{
	struct lister *l = ud;
	if (l->len + len > LISTER_MAX_BODY) {
		l->too_big = true;
		return false;
	}
	l->body = xgrow(l->body, &l->cap, l->len + len + 1, 1);
	memcpy(l->body + l->len, data, len);
	l->len += len;
	return true;
}

/* The API path and query of the page in flight, for messages. */
static void lister_page_label(const struct lister *l, char *out, size_t cap)
{
	snprintf(out, cap, "GET %s%s", l->path, l->cont[0] ? " (next page)" : "");
}

static void lister_on_done(void *ud, const struct http_result *res)
{
	struct lister *l = ud;
	l->req = NULL;
	char label[700], msg[2400];
	lister_page_label(l, label, sizeof(label));
	if (l->too_big) {
		snprintf(msg, sizeof(msg), "%s: response larger than %d MiB", label, LISTER_MAX_BODY >> 20);
		lister_fail(l, 0, "%s", msg);
		return;
	}
	if (res->error) {
		/* res->error names the full URL; the status line wants the API path. */
		const char *why = strstr(res->error, ": ");
		snprintf(msg, sizeof(msg), "%s: %s", label, why ? why + 2 : res->error);
		lister_fail(l, 0, "%s", msg);
		return;
	}
	if (res->status == 410 && l->cont[0]) {
		/* The continue token expired: start the snapshot again from the first page. */
		l->cont[0] = '\0';
		l->in_snapshot = false;
		lister_fetch(l);
		return;
	}
	if (res->status < 200 || res->status > 299) {
		char status_msg[400];
		decode_status_message(l->body ? l->body : "", l->len, status_msg, sizeof(status_msg));
		snprintf(msg, sizeof(msg), "%s: HTTP %ld: %s", label, res->status, status_msg);
		lister_fail(l, res->status, "%s", msg);
		return;
	}
	if (!l->in_snapshot) {
		if (l->kind == LISTER_PODS)
			model_pods_begin_snapshot(l->model);
		else
			model_nodes_begin_snapshot(l->model);
		l->in_snapshot = true;
	}
	struct decode_meta meta;
	char err[512];
	int rc = l->kind == LISTER_PODS
			 ? decode_pod_list(l->body ? l->body : "", l->len, l->model, &meta, err, sizeof(err))
			 : decode_node_list(l->body ? l->body : "", l->len, l->model, &meta, err, sizeof(err));
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", label, err);
		lister_fail(l, res->status, "%s", msg);
		return;
	}
	if (meta.cont[0]) {
		snprintf(l->cont, sizeof(l->cont), "%s", meta.cont);
		l->notify(l->ud, l);
		lister_fetch(l);
		return;
	}
	if (l->kind == LISTER_PODS)
		model_pods_end_snapshot(l->model, l->ns);
	else
		model_nodes_end_snapshot(l->model);
	l->in_snapshot = false;
	l->cont[0] = '\0';
	l->state = LISTER_OK;
	l->error[0] = '\0';
	l->error_status = 0;
	l->last_ok_ms = loop_now_ms();
	l->backoff_ms = LISTER_BACKOFF_MIN_MS;
	if (l->once)
		l->finished = true;
	else
		lister_schedule(l, l->interval_ms);
	l->notify(l->ud, l);
}

/* Percent-encodes a query value (continue tokens are opaque base64-ish strings). */
static void lister_escape(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && k + 4 < cap; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			out[k++] = (char)*p;
		} else {
			out[k++] = '%';
			out[k++] = hex[*p >> 4];
			out[k++] = hex[*p & 15];
		}
	}
	out[k] = '\0';
}

static void lister_fetch(struct lister *l)
{
	if (l->req) {
		http_cancel(l->http, l->req);
		l->req = NULL;
	}
	l->len = 0;
	l->too_big = false;
	char cont[3200] = "";
	if (l->cont[0]) {
		char esc[3100];
		lister_escape(l->cont, esc, sizeof(esc));
		snprintf(cont, sizeof(cont), "&continue=%s", esc);
	}
	char *url = xasprintf("%s%s?limit=%ld%s", l->server, l->path, l->page_limit, cont);
	l->req = http_get(l->http, url, &l->opts, lister_on_data, lister_on_done, l);
	free(url);
}

void lister_refresh(struct lister *l)
{
	lister_stop_request(l);
	l->cont[0] = '\0';
	l->in_snapshot = false;
	l->retry_at = 0;
	l->finished = false;
	if (l->state == LISTER_ERROR)
		l->backoff_ms = LISTER_BACKOFF_MIN_MS;
	lister_fetch(l);
}

void lister_set_namespace(struct lister *l, const char *ns)
{
	if (l->kind != LISTER_PODS)
		return;
	free(l->ns);
	l->ns = ns ? xstrdup(ns) : NULL;
	lister_build_path(l);
	model_pods_clear(l->model, NULL);
	l->state = LISTER_LISTING;
	l->last_ok_ms = 0;
	lister_refresh(l);
	l->notify(l->ud, l);
}

enum lister_state lister_state(const struct lister *l)
{
	return l->state;
}

const char *lister_error(const struct lister *l)
{
	return l->error;
}

long lister_error_status(const struct lister *l)
{
	return l->error_status;
}

long long lister_last_ok_ms(const struct lister *l)
{
	return l->last_ok_ms;
}

bool lister_finished(const struct lister *l)
{
	return l->finished;
}

const char *lister_path(const struct lister *l)
{
	return l->path;
}

long lister_retry_in_s(const struct lister *l)
{
	if (!l->retry_at)
		return 0;
	long long ms = l->retry_at - loop_now_ms();
	return ms > 0 ? (long)((ms + 999) / 1000) : 0;
}

bool lister_namespace_valid(const char *ns)
{
	size_t n = strlen(ns);
	if (n == 0 || n > 63 || ns[0] == '-' || ns[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((ns[i] >= 'a' && ns[i] <= 'z') || (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
			return false;
	return true;
}
