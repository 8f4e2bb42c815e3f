/* kube/auth: see auth.h. */
#include "kube/auth.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { AUTH_POLL_MS = 50 };

struct kube_auth {
	struct loop *loop;
	struct kube_conn *conn;
	bool interactive_ok;
	struct http_client *http;       /* attached client, NULL if none */
	struct cred_cache cache;
	unsigned long generation;       /* bumped for every credential put in the cache */
	struct cred_run *run;           /* plugin in flight, NULL if none */
	int out_fd, err_fd;             /* its pipes as watched (-1: not watched) */
	long long timer_id;
	char *error;                    /* last plugin error, NULL after a success */
	bool failing;                   /* queued requests are being told the error */
	unsigned long runs;
	auth_notify_fn notify;
	void *notify_ud;
};

static void auth_on_fd(struct loop *loop, int fd, int revents, void *ud);

struct kube_auth *auth_new(struct loop *loop, struct kube_conn *conn, bool interactive_ok)
{
	struct kube_auth *a = xcalloc(1, sizeof(*a));
	a->loop = loop;
	a->conn = conn;
	a->interactive_ok = interactive_ok;
	a->out_fd = a->err_fd = -1;
	return a;
}

static void auth_unwatch(struct kube_auth *a)
{
	if (a->out_fd >= 0)
		loop_unwatch_fd(a->loop, a->out_fd);
	if (a->err_fd >= 0)
		loop_unwatch_fd(a->loop, a->err_fd);
	a->out_fd = a->err_fd = -1;
	if (a->timer_id) {
		loop_cancel_timer(a->loop, a->timer_id);
		a->timer_id = 0;
	}
}

void auth_free(struct kube_auth *a)
{
	if (!a)
		return;
	auth_detach(a);
	auth_unwatch(a);
	if (a->run)
		cred_run_cancel(a->run);
	cred_cache_invalidate(&a->cache);
	free(a->error);
	kube_conn_free(a->conn);
	free(a);
}

void auth_set_notify(struct kube_auth *a, auth_notify_fn fn, void *ud)
{
	a->notify = fn;
	a->notify_ud = ud;
}

void auth_tls_from_conn(const struct kube_conn *conn, struct http_tls *out)
{
	memset(out, 0, sizeof(*out));
	out->ca_file = conn->ca_file;
	out->ca_pem = conn->ca_data.data;
	out->ca_pem_len = conn->ca_data.len;
	out->cert_file = conn->cert_file;
	out->cert_pem = conn->cert_data.data;
	out->cert_pem_len = conn->cert_data.len;
	out->key_file = conn->key_file;
	out->key_pem = conn->key_data.data;
	out->key_pem_len = conn->key_data.len;
	out->insecure = conn->insecure;
	out->tls_server_name = conn->tls_server_name;
	out->proxy_url = conn->proxy_url;
	out->username = conn->username;
	out->password = conn->password;
	out->user_name = conn->user;
}

void auth_attach(struct kube_auth *a, struct http_client *c)
{
	if (a->http && a->http != c)
		auth_detach(a);
	struct http_tls tls;
	auth_tls_from_conn(a->conn, &tls);
	http_client_set_tls(c, &tls);
	http_client_set_auth(c, &auth_provider_ops, a);
	a->http = c;
}

void auth_detach(struct kube_auth *a)
{
	if (!a->http)
		return;
	http_client_set_auth(a->http, NULL, NULL);
	http_client_set_tls(a->http, NULL);
	a->http = NULL;
}

const struct kube_conn *auth_conn(const struct kube_auth *a)
{
	return a->conn;
}

const char *auth_state_text(const struct kube_auth *a)
{
	if (a->run)
		return "exec plugin running";
	return a->error ? a->error : "";
}

unsigned long auth_plugin_runs(const struct kube_auth *a)
{
	return a->runs;
}

/* The plugin ended: cache its credential or keep its error, then let the queued
 * requests go (or fail with the error). */
static void auth_run_over(struct kube_auth *a)
{
	auth_unwatch(a);
	struct cred_run *run = a->run;
	a->run = NULL;
	struct kube_credential cr;
	memset(&cr, 0, sizeof(cr));
	char *err = NULL;
	a->runs++;
	free(a->error);
	a->error = NULL;
	if (cred_run_finish(run, &cr, &err) == 0) {
		cred_cache_put(&a->cache, &cr);
		a->generation++;
	} else {
		a->error = err ? err : xstrdup("exec plugin failed");
		a->failing = true;
	}
	if (a->http)
		http_client_auth_ready(a->http);
	a->failing = false;
	if (a->notify)
		a->notify(a->notify_ud);
}

/* Watches the pipes cred_run_fds reports, dropping the ones it closed. */
static void auth_rewatch(struct kube_auth *a)
{
	int out_fd, err_fd;
	cred_run_fds(a->run, &out_fd, &err_fd);
	if (a->out_fd >= 0 && a->out_fd != out_fd)
		loop_unwatch_fd(a->loop, a->out_fd);
	if (a->err_fd >= 0 && a->err_fd != err_fd)
		loop_unwatch_fd(a->loop, a->err_fd);
	if (out_fd >= 0 && out_fd != a->out_fd)
		loop_watch_fd(a->loop, out_fd, LOOP_READ, auth_on_fd, a);
	if (err_fd >= 0 && err_fd != a->err_fd)
		loop_watch_fd(a->loop, err_fd, LOOP_READ, auth_on_fd, a);
	a->out_fd = out_fd;
	a->err_fd = err_fd;
}

static void auth_on_fd(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)revents;
	struct kube_auth *a = ud;
	if (!a->run)
		return;
	if (cred_run_feed(a->run, fd, cred_now_ms()))
		auth_run_over(a);
	else
		auth_rewatch(a);
}

static long auth_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct kube_auth *a = ud;
	if (!a->run) {
		a->timer_id = 0;
		return LOOP_TIMER_STOP;
	}
	if (cred_run_check(a->run, cred_now_ms())) {
		a->timer_id = 0; /* auth_unwatch must not cancel the timer that is firing */
		auth_run_over(a);
		return LOOP_TIMER_STOP;
	}
	return AUTH_POLL_MS;
}

static bool auth_start_plugin(struct kube_auth *a, char **err)
{
	const struct kube_conn *k = a->conn;
	struct cred_cluster_info info = {
		.server = k->server,
		.tls_server_name = k->tls_server_name,
		.proxy_url = k->proxy_url,
		.ca_data = k->ca_data.data ? &k->ca_data : NULL,
		.insecure = k->insecure,
	};
	a->run = cred_run_start(k->exec, &info, a->interactive_ok, CRED_DEFAULT_TIMEOUT_MS, cred_now_ms(), err);
	if (!a->run)
		return false;
	a->out_fd = a->err_fd = -1;
	auth_rewatch(a);
	a->timer_id = loop_add_timer(a->loop, AUTH_POLL_MS, auth_on_timer, a);
	if (a->notify)
		a->notify(a->notify_ud);
	return true;
}

static enum http_auth_answer auth_get(void *ud, struct http_cred *cred, const char **err)
{
	struct kube_auth *a = ud;
	struct kube_conn *k = a->conn;
	memset(cred, 0, sizeof(*cred));
	if (!k->exec) {
		char *why = NULL;
		cred->token = kube_conn_token(k, &why);
		if (why) {
			free(a->error);
			a->error = why;
			*err = a->error;
			return HTTP_AUTH_FAILED;
		}
		return HTTP_AUTH_READY;
	}
	if (a->failing) {
		*err = a->error;
		return HTTP_AUTH_FAILED;
	}
	const struct kube_credential *c = cred_cache_get(&a->cache, time(NULL));
	if (c) {
		cred->token = c->token;
		cred->cert_pem = c->cert_pem;
		cred->key_pem = c->key_pem;
		cred->generation = a->generation;
		return HTTP_AUTH_READY;
	}
	if (a->run)
		return HTTP_AUTH_WAIT;
	char *why = NULL;
	if (!auth_start_plugin(a, &why)) {
		free(a->error);
		a->error = why ? why : xstrdup("exec plugin could not start");
		*err = a->error;
		return HTTP_AUTH_FAILED;
	}
	return HTTP_AUTH_WAIT;
}

static bool auth_rejected(void *ud, unsigned long generation)
{
	struct kube_auth *a = ud;
	if (!a->conn->exec)
		return false;
	/* Only the credential still cached is dropped: answers to an older one, arriving
	 * after a refresh, just retry with the new one. */
	if (generation == a->generation)
		cred_cache_invalidate(&a->cache);
	return true;
}

const struct http_auth_ops auth_provider_ops = {
	.get = auth_get,
	.rejected = auth_rejected,
};
