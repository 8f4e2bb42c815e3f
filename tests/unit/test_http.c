/* Unit tests for kube/http: request descriptions and status problems, credentials from
 * options and from an auth provider (queueing, failure, one silent retry after a 401),
 * basic auth, and transport error wording, against a fake server on the same loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/http.h"
#include "test_http_fake.h"

#include <stdlib.h>
#include <string.h>

static void expect_describe(const char *method, const char *url, const char *want)
{
	char out[512];
	http_describe_request(method, url, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_describe_request(void **state)
{
	(void)state;
	expect_describe("GET", "https://h:6443/api/v1/namespaces/ingest/pods?limit=500",
			"list pods in namespace ingest");
	expect_describe("GET", "http://h/api/v1/pods?limit=500&continue=x", "list pods");
	expect_describe("GET", "http://h/api/v1/nodes?watch=1&resourceVersion=5", "watch nodes");
	expect_describe("GET", "http://h/api/v1/namespaces/x/pods?resourceVersion=1&watch=true",
			"watch pods in namespace x");
	expect_describe("GET", "http://h/apis/apps/v1/namespaces/ingest/deployments",
			"list deployments.apps in namespace ingest");
	expect_describe("GET", "http://h/api/v1/namespaces/x/pods/web-1/log?follow=true",
			"get pods/log web-1 in namespace x");
	expect_describe("GET", "http://h/api/v1/namespaces", "list namespaces");
	expect_describe("GET", "http://h/api/v1/namespaces/kube-system", "get namespaces kube-system");
	expect_describe("DELETE", "http://h/api/v1/namespaces/x/pods/p", "delete pods p in namespace x");
	expect_describe("PATCH", "http://h/apis/apps/v1/namespaces/x/deployments/d/scale",
			"patch deployments.apps/scale d in namespace x");
	/* a proxy prefix before the API path (kubectl proxy, rancher) */
	expect_describe("GET", "https://r/k8s/clusters/c-1/api/v1/nodes", "list nodes");
	expect_describe("GET", "http://h/version?timeout=5s", "GET /version");
	expect_describe("GET", "http://h", "GET ");
	expect_describe("GET", "http://h/api", "GET /api");
	char tiny[8];
	http_describe_request("GET", "http://h/api/v1/pods", tiny, sizeof(tiny));
	assert_string_equal(tiny, "list po");
}

static void test_status_problem(void **state)
{
	(void)state;
	char out[512];
	http_status_problem(401, "GET", "http://h/api/v1/pods", "alice", out, sizeof(out));
	assert_string_equal(out, "401 Unauthorized: the server rejected the credentials of user alice");
	http_status_problem(401, "GET", "http://h/api/v1/pods", NULL, out, sizeof(out));
	assert_string_equal(out, "401 Unauthorized: the server rejected the credentials");
	http_status_problem(403, "GET", "http://h/api/v1/namespaces/ingest/pods?limit=1", "a", out, sizeof(out));
	assert_string_equal(out, "403 Forbidden: list pods in namespace ingest");
	http_status_problem(503, "GET", "http://h/api/v1/nodes", NULL, out, sizeof(out));
	assert_string_equal(out, "503 Service Unavailable: list nodes");
	http_status_problem(299 + 300, "GET", "http://h/api/v1/nodes", NULL, out, sizeof(out));
	assert_string_equal(out, "HTTP 599: list nodes");
}

/* ---- requests against the fake server ---- */

struct result {
	bool done;
	long status;
	char error[1024];
	char problem[512];
	char body[4096];
	size_t len;
	bool in_get;            /* set while http_get runs: done_fn must never see it */
	bool done_in_get;
};

static bool on_data(void *ud, const char *data, size_t len)
{
	struct result *r = ud;
	size_t room = sizeof(r->body) - 1 - r->len;
	if (len > room)
		len = room;
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return true;
}

static void on_done(void *ud, const struct http_result *res)
{
	struct result *r = ud;
	r->done = true;
	r->done_in_get = r->in_get;
	r->status = res->status;
	snprintf(r->error, sizeof(r->error), "%s", res->error ? res->error : "");
	snprintf(r->problem, sizeof(r->problem), "%s", res->problem ? res->problem : "");
}

static void run_until_done(struct loop *loop, struct result *r)
{
	long long end = loop_now_ms() + 10000;
	while (!r->done && loop_now_ms() < end)
		loop_run_once(loop, 100);
	assert_true(r->done);
}

static void start(struct http_client *c, const char *url, const struct http_opts *o, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->in_get = true;
	http_get(c, url, o, on_data, on_done, r);
	r->in_get = false;
}

/* Accepts "Bearer good" (and basic alice:pw); 403 for kube-system; 401 otherwise. */
static void answer_token(struct fake_server *s, const char *path, const char *auth, int *status, const char **body)
{
	(void)s;
	if (strstr(path, "kube-system")) {
		*status = 403;
		*body = "{\"kind\":\"Status\",\"code\":403}";
	} else if (strcmp(auth, "Bearer good") == 0 || strcmp(auth, "Basic YWxpY2U6cHc=") == 0) {
		*status = 200;
		*body = "{\"ok\":1}";
	} else {
		*status = 401;
		*body = "{\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}";
	}
}

struct env {
	struct loop *loop;
	struct http_client *http;
	struct fake_server srv;
};

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	e->loop = loop_new();
	e->http = http_client_new(e->loop);
	if (fake_start(&e->srv, e->loop, answer_token, NULL) < 0)
		return -1;
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	http_client_free(e->http);
	fake_stop(&e->srv);
	loop_free(e->loop);
	free(e);
	return 0;
}

static void test_token_option(void **state)
{
	struct env *e = *state;
	struct http_opts o = { .token = "good", .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_false(r.done_in_get);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"ok\":1}");
	assert_string_equal(r.error, "");
	assert_string_equal(r.problem, "");
	assert_string_equal(e->srv.last_auth, "Bearer good");
}

static void test_no_credentials_401(void **state)
{
	struct env *e = *state;
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.problem, "401 Unauthorized: the server wants credentials and none were given");
	assert_string_equal(e->srv.last_auth, "");
	assert_non_null(strstr(r.body, "Unauthorized")); /* the body still reaches the caller */
}

static void test_basic_auth_and_403(void **state)
{
	struct env *e = *state;
	struct http_tls tls = { .username = "alice", .password = "pw", .user_name = "alice-user" };
	http_client_set_tls(e->http, &tls);
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/nodes", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(e->srv.last_auth, "Basic YWxpY2U6cHc=");
	snprintf(url, sizeof(url), "%s/api/v1/namespaces/kube-system/pods?limit=500", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.problem, "403 Forbidden: list pods in namespace kube-system");
	http_client_set_tls(e->http, NULL);
}

/* A provider like an exec plugin: hands out "stale" first; when rejected, "fetches"
 * (WAIT, finished by a timer) and then hands out the token in `fresh`. */
struct provider {
	struct http_client *http;
	struct loop *loop;
	const char *token;
	const char *fresh;
	unsigned long gen;
	bool fetching;
	const char *fail;       /* non-NULL: get() fails with it */
	int gets, rejections, fetches;
};

static long provider_fetched(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct provider *p = ud;
	p->fetching = false;
	p->token = p->fresh;
	p->gen++;
	p->fetches++;
	http_client_auth_ready(p->http);
	return LOOP_TIMER_STOP;
}

static enum http_auth_answer provider_get(void *ud, struct http_cred *cred, const char **err)
{
	struct provider *p = ud;
	p->gets++;
	if (p->fail) {
		*err = p->fail;
		return HTTP_AUTH_FAILED;
	}
	if (p->fetching)
		return HTTP_AUTH_WAIT;
	if (!p->token) {
		p->fetching = true;
		loop_add_timer(p->loop, 20, provider_fetched, p);
		return HTTP_AUTH_WAIT;
	}
	cred->token = p->token;
	cred->generation = p->gen;
	return HTTP_AUTH_READY;
}

static bool provider_rejected(void *ud, unsigned long gen)
{
	struct provider *p = ud;
	p->rejections++;
	if (gen == p->gen)
		p->token = NULL;
	return true;
}

static const struct http_auth_ops provider_ops = { provider_get, provider_rejected };

static void test_provider_retry_after_401(void **state)
{
	struct env *e = *state;
	struct provider p = { .http = e->http, .loop = e->loop, .token = "stale", .fresh = "good", .gen = 1 };
	http_client_set_auth(e->http, &provider_ops, &p);
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	/* the caller sees only the answer to the fresh credential */
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"ok\":1}");
	assert_string_equal(r.problem, "");
	assert_int_equal(e->srv.requests, 2);
	assert_int_equal(p.rejections, 1);
	assert_int_equal(p.fetches, 1);
	/* the next request reuses the fresh credential: no rejection, no fetch */
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(p.rejections, 1);
	assert_int_equal(p.fetches, 1);
	http_client_set_auth(e->http, NULL, NULL);
}

static void test_provider_retries_only_once(void **state)
{
	struct env *e = *state;
	struct provider p = { .http = e->http, .loop = e->loop, .token = "stale", .fresh = "still-bad", .gen = 1 };
	http_client_set_auth(e->http, &provider_ops, &p);
	struct http_tls tls = { .user_name = "gke_user" };
	http_client_set_tls(e->http, &tls);
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 401);
	assert_int_equal(e->srv.requests, 2);
	assert_string_equal(e->srv.last_auth, "Bearer still-bad");
	assert_string_equal(r.problem, "401 Unauthorized: the server rejected the credentials of user gke_user");
	assert_null(strstr(r.problem, "still-bad"));
	assert_non_null(strstr(r.body, "Unauthorized")); /* the final 401's body is delivered */
	http_client_set_auth(e->http, NULL, NULL);
	http_client_set_tls(e->http, NULL);
}

static void test_provider_queues_until_ready(void **state)
{
	struct env *e = *state;
	struct provider p = { .http = e->http, .loop = e->loop, .token = NULL, .fresh = "good" };
	http_client_set_auth(e->http, &provider_ops, &p);
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r1, r2;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/nodes", e->srv.url);
	start(e->http, url, &o, &r1);
	start(e->http, url, &o, &r2);
	assert_int_equal(http_pending(e->http), 2);
	assert_int_equal(e->srv.requests, 0);
	run_until_done(e->loop, &r1);
	run_until_done(e->loop, &r2);
	assert_int_equal(r1.status, 200);
	assert_int_equal(r2.status, 200);
	assert_int_equal(p.fetches, 1); /* one fetch served both */
	assert_int_equal(e->srv.requests, 2);
	assert_int_equal(http_pending(e->http), 0);
	/* a waiting request can be cancelled: no done_fn, nothing sent */
	p.token = NULL;
	struct result r3;
	memset(&r3, 0, sizeof(r3));
	struct http_request *req = http_get(e->http, url, &o, on_data, on_done, &r3);
	assert_int_equal(http_pending(e->http), 1);
	http_cancel(e->http, req);
	assert_int_equal(http_pending(e->http), 0);
	for (int i = 0; i < 5; i++)
		loop_run_once(e->loop, 30);
	assert_false(r3.done);
	assert_int_equal(p.fetches, 2);
	assert_int_equal(e->srv.requests, 2);
	http_client_set_auth(e->http, NULL, NULL);
}

static void test_provider_failure(void **state)
{
	struct env *e = *state;
	struct provider p = { .http = e->http, .loop = e->loop, .fail = "exec plugin \"gke\": exit status 1: not logged in" };
	http_client_set_auth(e->http, &provider_ops, &p);
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	start(e->http, url, &o, &r);
	assert_false(r.done); /* never inside http_get */
	run_until_done(e->loop, &r);
	assert_false(r.done_in_get);
	assert_int_equal(r.status, 0);
	char want[256];
	snprintf(want, sizeof(want), "GET %s: exec plugin \"gke\": exit status 1: not logged in", url);
	assert_string_equal(r.error, want);
	assert_int_equal(e->srv.requests, 0);
	assert_int_equal(http_pending(e->http), 0);
	/* cancelled before delivery: no done_fn at all */
	struct result r2;
	memset(&r2, 0, sizeof(r2));
	struct http_request *req = http_get(e->http, url, &o, on_data, on_done, &r2);
	http_cancel(e->http, req);
	for (int i = 0; i < 5; i++)
		loop_run_once(e->loop, 20);
	assert_false(r2.done);
	http_client_set_auth(e->http, NULL, NULL);
}

static void test_refused_and_tls_errors(void **state)
{
	struct env *e = *state;
	struct http_opts o = { .timeout_ms = 5000 };
	struct result r;
	/* a port nobody listens on: bind one, close it */
	struct fake_server tmp;
	assert_int_equal(fake_start(&tmp, e->loop, answer_token, NULL), 0);
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", tmp.url);
	fake_stop(&tmp);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	char want[256];
	snprintf(want, sizeof(want), "GET %s: connection refused", url);
	assert_string_equal(r.error, want);
	/* https to a plain-HTTP server: a TLS handshake failure, named as such */
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/api/v1/pods", e->srv.port);
	struct http_tls tls = { .ca_pem = "not a pem", .ca_pem_len = 9 };
	http_client_set_tls(e->http, &tls);
	start(e->http, url, &o, &r);
	run_until_done(e->loop, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.error, ": TLS: "));
	http_client_set_tls(e->http, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_request),
		cmocka_unit_test(test_status_problem),
		cmocka_unit_test_setup_teardown(test_token_option, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_no_credentials_401, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_basic_auth_and_403, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_provider_retry_after_401, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_provider_retries_only_once, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_provider_queues_until_ready, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_provider_failure, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_refused_and_tls_errors, env_setup, env_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
