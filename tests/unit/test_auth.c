/* Unit tests for kube/auth: kubeconfig -> TLS option mapping, static and tokenFile
 * credentials, and exec plugins run on the loop (queued requests, cache, re-run and
 * retry after a 401, failure reported and retried) against a fake server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/auth.h"
#include "test_http_fake.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define FIX "tests/fixtures/kubeconfig/"

static struct kube_env no_env;

static struct kube_conn *load(const struct kube_flags *fl, const struct kube_env *env)
{
	char *err = NULL;
	struct kube_conn *c = kubeconfig_load(fl, env, &err);
	if (!c)
		fail_msg("kubeconfig_load: %s", err);
	return c;
}

static void test_tls_mapping(void **state)
{
	(void)state;
	struct kube_env env = { .kubeconfig = FIX "first.yaml:" FIX "second.yaml" };
	struct kube_flags fl = { .context = "prod" };
	struct kube_conn *c = load(&fl, &env);
	struct http_tls t;
	auth_tls_from_conn(c, &t);
	assert_null(t.ca_file);
	assert_int_equal(t.ca_pem_len, 9);
	assert_memory_equal(t.ca_pem, "hello CA\n", 9);
	assert_memory_equal(t.cert_pem, "cert", 4);
	assert_int_equal(t.cert_pem_len, 4);
	assert_memory_equal(t.key_pem, "key", 3);
	assert_int_equal(t.key_pem_len, 3);
	assert_false(t.insecure);
	assert_string_equal(t.tls_server_name, "api.prod.internal");
	assert_string_equal(t.proxy_url, "http://proxy:3128");
	assert_string_equal(t.user_name, "bob");
	assert_null(t.username);
	kube_conn_free(c);

	struct kube_flags fl2 = { .context = "ingest" };
	c = load(&fl2, &env);
	auth_tls_from_conn(c, &t);
	assert_string_equal(t.ca_file, FIX "certs/ca.crt");
	assert_null(t.ca_pem);
	assert_string_equal(t.cert_file, FIX "certs/client.crt");
	assert_string_equal(t.key_file, "/dev/null");
	assert_string_equal(t.user_name, "alice");
	kube_conn_free(c);

	/* --insecure-skip-tls-verify replaces the CA */
	struct kube_flags fl3 = { .context = "ingest", .insecure = true };
	c = load(&fl3, &env);
	auth_tls_from_conn(c, &t);
	assert_true(t.insecure);
	assert_null(t.ca_file);
	kube_conn_free(c);
}

/* ---- against the fake server ---- */

struct env {
	struct loop *loop;
	struct http_client *http;
	struct fake_server srv;
	char dir[PATH_MAX];
	char count[PATH_MAX + 16];
	const char *want;       /* the one bearer token the server accepts */
};

static void answer(struct fake_server *s, const char *path, const char *auth, int *status, const char **body)
{
	(void)path;
	const struct env *e = s->ud;
	char want[256];
	snprintf(want, sizeof(want), "Bearer %s", e->want);
	if (strcmp(auth, want) == 0) {
		*status = 200;
		*body = "{\"ok\":1}";
	} else {
		*status = 401;
		*body = "{\"kind\":\"Status\",\"code\":401}";
	}
}

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	e->loop = loop_new();
	e->http = http_client_new(e->loop);
	if (fake_start(&e->srv, e->loop, answer, e) < 0)
		return -1;
	snprintf(e->dir, sizeof(e->dir), "/tmp/warroom-auth-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->count, sizeof(e->count), "%s/count", e->dir);
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	http_client_free(e->http);
	fake_stop(&e->srv);
	loop_free(e->loop);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

/* A kubeconfig whose user is `user_yaml` (indented 4), cluster = the fake server. */
static struct kube_conn *env_conn(struct env *e, const char *user_yaml)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/config", e->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "current-context: c\nclusters:\n- name: k\n  cluster: {server: '%s'}\n"
		   "contexts:\n- name: c\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user:\n%s",
		e->srv.url, user_yaml);
	fclose(f);
	struct kube_flags fl = { .kubeconfig = path };
	return load(&fl, &no_env);
}

static char *exec_user(const struct env *e, const char *mode)
{
	char cwd[PATH_MAX / 2];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char *y = malloc(3 * PATH_MAX);
	snprintf(y, 3 * PATH_MAX,
		 "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
		 "      command: %s/" FIX "exec-plugin.sh\n      interactiveMode: Never\n"
		 "      env:\n      - {name: PLUGIN_COUNT, value: '%s'}\n      - {name: PLUGIN_MODE, value: %s}\n",
		 cwd, e->count, mode);
	return y;
}

struct result {
	bool done;
	long status;
	char error[1024];
	char problem[512];
};

static bool on_data(void *ud, const char *data, size_t len)
{
	(void)ud;
	(void)data;
	(void)len;
	return true;
}

static void on_done(void *ud, const struct http_result *res)
{
	struct result *r = ud;
	r->done = true;
	r->status = res->status;
	snprintf(r->error, sizeof(r->error), "%s", res->error ? res->error : "");
	snprintf(r->problem, sizeof(r->problem), "%s", res->problem ? res->problem : "");
}

static void get(struct env *e, struct result *r)
{
	memset(r, 0, sizeof(*r));
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/pods", e->srv.url);
	struct http_opts o = { .timeout_ms = 5000 };
	http_get(e->http, url, &o, on_data, on_done, r);
}

static void wait_done(struct env *e, struct result *r)
{
	long long end = loop_now_ms() + 15000;
	while (!r->done && loop_now_ms() < end)
		loop_run_once(e->loop, 100);
	assert_true(r->done);
}

static int notified;
static void on_notify(void *ud)
{
	(void)ud;
	notified++;
}

static void test_exec_plugin_retry_after_401(void **state)
{
	struct env *e = *state;
	e->want = "secret-token-2"; /* the plugin's first token is stale */
	char *y = exec_user(e, "v1");
	struct kube_auth *a = auth_new(e->loop, env_conn(e, y), false);
	free(y);
	notified = 0;
	auth_set_notify(a, on_notify, NULL);
	auth_attach(a, e->http);
	struct result r1, r2;
	get(e, &r1);
	get(e, &r2);
	assert_string_equal(auth_state_text(a), "exec plugin running");
	assert_int_equal(e->srv.requests, 0); /* queued until the plugin answers */
	wait_done(e, &r1);
	wait_done(e, &r2);
	assert_int_equal(r1.status, 200);
	assert_int_equal(r2.status, 200);
	assert_int_equal(auth_plugin_runs(a), 2);
	assert_string_equal(auth_state_text(a), "");
	assert_true(notified >= 2);
	/* cached now: no new run */
	get(e, &r1);
	wait_done(e, &r1);
	assert_int_equal(r1.status, 200);
	assert_int_equal(auth_plugin_runs(a), 2);
	auth_free(a);
}

static void test_exec_plugin_failure(void **state)
{
	struct env *e = *state;
	e->want = "x";
	char *y = exec_user(e, "fail");
	struct kube_auth *a = auth_new(e->loop, env_conn(e, y), false);
	free(y);
	auth_attach(a, e->http);
	struct result r;
	get(e, &r);
	wait_done(e, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.error, "exec plugin \"exec-plugin.sh\": exit status 3: ERROR: you are not logged in"));
	assert_non_null(strstr(auth_state_text(a), "exit status 3"));
	assert_int_equal(e->srv.requests, 0);
	/* the next request tries the plugin again */
	get(e, &r);
	wait_done(e, &r);
	assert_int_equal(auth_plugin_runs(a), 2);
	auth_free(a);
}

static void test_static_token_no_retry(void **state)
{
	struct env *e = *state;
	e->want = "right";
	struct kube_auth *a = auth_new(e->loop, env_conn(e, "    token: wrong\n"), false);
	auth_attach(a, e->http);
	struct result r;
	get(e, &r);
	wait_done(e, &r);
	assert_int_equal(r.status, 401);
	assert_int_equal(e->srv.requests, 1);
	assert_string_equal(r.problem, "401 Unauthorized: the server rejected the credentials of user u");
	auth_free(a);

	/* tokenFile: read at use, so a rotated file is picked up by the next request */
	char tf[PATH_MAX + 16], yaml[PATH_MAX + 64];
	snprintf(tf, sizeof(tf), "%s/token", e->dir);
	FILE *f = fopen(tf, "w");
	fputs("right\n", f);
	fclose(f);
	snprintf(yaml, sizeof(yaml), "    tokenFile: %s\n", tf);
	a = auth_new(e->loop, env_conn(e, yaml), false);
	auth_attach(a, e->http);
	get(e, &r);
	wait_done(e, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(e->srv.last_auth, "Bearer right");
	auth_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_mapping),
		cmocka_unit_test_setup_teardown(test_exec_plugin_retry_after_401, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_exec_plugin_failure, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_static_token_no_retry, env_setup, env_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
