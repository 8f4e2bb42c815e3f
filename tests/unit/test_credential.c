/* Unit tests for kube/credential: exec credential plugins run through the non-blocking
 * runner and the blocking wrapper, with tests/fixtures/kubeconfig/exec-plugin.sh playing
 * the plugin (PLUGIN_MODE picks v1, v1beta1, cert, fail, hang, garbage, wrongapi, huge,
 * env).  Also the cache under a fake clock, invalidation, and ExecCredential parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/credential.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PLUGIN "tests/fixtures/kubeconfig/exec-plugin.sh"
#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

enum { T = 1714564800 }; /* 2024-05-01T12:00:00Z */

struct plug {
	struct kube_exec_config ex;
	struct kube_exec_env env[4];
	char *args[2];
	char dir[64];
	char count[96];
	char info[96];
};

static void plug_init(struct plug *p, const char *mode, const char *api)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/test_credential.XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	snprintf(p->count, sizeof(p->count), "%s/count", p->dir);
	snprintf(p->info, sizeof(p->info), "%s/info", p->dir);
	p->env[0] = (struct kube_exec_env){ "PLUGIN_MODE", (char *)mode };
	p->env[1] = (struct kube_exec_env){ "PLUGIN_COUNT", p->count };
	p->env[2] = (struct kube_exec_env){ "PLUGIN_INFO", p->info };
	p->ex.api_version = (char *)api;
	p->ex.command = (char *)PLUGIN;
	p->ex.env = p->env;
	p->ex.nenv = 3;
	p->ex.args = p->args;
	p->ex.interactive = KUBE_EXEC_NEVER;
}

static void plug_done(struct plug *p)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd), 0);
}

static int plug_runs(const struct plug *p)
{
	FILE *f = fopen(p->count, "r");
	if (!f)
		return 0;
	int n = 0, c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Runs the plugin once through the blocking wrapper; returns the error (caller frees) or
 * NULL, leaving the credential in cache. */
static char *run(struct plug *p, struct cred_cache *cache, long timeout_ms, time_t now)
{
	char *err = NULL;
	const struct kube_credential *cr = cred_get_blocking(cache, &p->ex, NULL, false, timeout_ms,
							     now, &err);
	if (cr)
		assert_null(err);
	else
		assert_non_null(err);
	return err;
}

static void expect_run_error(const char *mode, const char *api, long timeout_ms, const char *want)
{
	struct plug p;
	plug_init(&p, mode, api);
	struct cred_cache cache = { 0 };
	char *err = run(&p, &cache, timeout_ms, T);
	if (!err || strcmp(err, want) != 0)
		fail_msg("error\n  got:  %s\n  want: %s", err ? err : "(none)", want);
	assert_null(strstr(err, "secret"));     /* stdout never leaks into messages */
	free(err);
	assert_false(cache.valid);
	plug_done(&p);
}

static void test_v1_cached_until_expiry(void **state)
{
	(void)state;
	struct plug p;
	plug_init(&p, "v1", V1);
	p.env[3] = (struct kube_exec_env){ "PLUGIN_EXPIRY", "2024-05-01T12:00:00Z" };
	p.ex.nenv = 4;
	struct cred_cache cache = { 0 };
	assert_null(run(&p, &cache, 5000, T - 3600));
	assert_string_equal(cache.cred.token, "secret-token-1");
	assert_int_equal(cache.cred.expiry, T);
	/* still fresh: no second run */
	assert_null(run(&p, &cache, 5000, T - 100));
	assert_int_equal(plug_runs(&p), 1);
	assert_non_null(cred_cache_get(&cache, T - CRED_EXPIRY_MARGIN - 1));
	/* inside the margin before expiry: re-run */
	assert_null(cred_cache_get(&cache, T - CRED_EXPIRY_MARGIN));
	assert_null(run(&p, &cache, 5000, T - 5));
	assert_int_equal(plug_runs(&p), 2);
	assert_string_equal(cache.cred.token, "secret-token-2");
	/* a 401 invalidates */
	cred_cache_invalidate(&cache);
	assert_false(cache.valid);
	assert_null(run(&p, &cache, 5000, T - 3600));
	assert_int_equal(plug_runs(&p), 3);
	assert_string_equal(cache.cred.token, "secret-token-3");
	cred_cache_invalidate(&cache);
	plug_done(&p);
}

static void test_v1beta1_and_cert(void **state)
{
	(void)state;
	struct plug p;
	plug_init(&p, "v1beta1", V1BETA1);
	struct cred_cache cache = { 0 };
	assert_null(run(&p, &cache, 5000, T));
	assert_string_equal(cache.cred.token, "secret-beta-1");
	assert_int_equal(cache.cred.expiry, 0);
	assert_non_null(cred_cache_get(&cache, T + 365 * 86400));   /* no expiry: kept */
	cred_cache_invalidate(&cache);
	plug_done(&p);

	plug_init(&p, "cert", V1);
	assert_null(run(&p, &cache, 5000, T));
	assert_null(cache.cred.token);
	assert_string_equal(cache.cred.cert_pem, "CERT");
	assert_string_equal(cache.cred.key_pem, "KEY");
	cred_cache_invalidate(&cache);
	plug_done(&p);
}

static void test_env_args_and_exec_info(void **state)
{
	(void)state;
	struct plug p;
	plug_init(&p, "env", V1);
	p.env[3] = (struct kube_exec_env){ "PLUGIN_ARG_ENV", "from-env" };
	p.ex.nenv = 4;
	p.args[0] = "first-arg";
	p.ex.nargs = 1;
	p.ex.provide_cluster_info = true;
	struct kube_blob ca = { "hello", 5 };
	struct cred_cluster_info ci = { .server = "https://x:6443", .ca_data = &ca };
	struct cred_cache cache = { 0 };
	char *err = NULL;
	assert_non_null(cred_get_blocking(&cache, &p.ex, &ci, false, 5000, T, &err));
	assert_string_equal(cache.cred.token, "from-env-first-arg");
	FILE *f = fopen(p.info, "r");
	assert_non_null(f);
	char info[1024] = { 0 };
	assert_true(fread(info, 1, sizeof(info) - 1, f) > 0);
	fclose(f);
	json_error_t je;
	json_t *doc = json_loads(info, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "ExecCredential");
	assert_string_equal(json_string_value(json_object_get(doc, "apiVersion")), V1);
	json_t *spec = json_object_get(doc, "spec");
	assert_true(json_is_false(json_object_get(spec, "interactive")));
	json_t *cl = json_object_get(spec, "cluster");
	assert_string_equal(json_string_value(json_object_get(cl, "server")), "https://x:6443");
	assert_string_equal(json_string_value(json_object_get(cl, "certificate-authority-data")),
			    "aGVsbG8=");
	json_decref(doc);
	cred_cache_invalidate(&cache);
	plug_done(&p);
}

static void test_failures(void **state)
{
	(void)state;
	expect_run_error("fail", V1, 5000, "exec plugin \"exec-plugin.sh\": exit status 3: ERROR: "
			 "you are not logged in (run gcloud auth login)");
	expect_run_error("garbage", V1, 5000, "exec plugin \"exec-plugin.sh\": printed invalid JSON "
			 "at byte 6");
	expect_run_error("wrongapi", V1, 5000, "exec plugin \"exec-plugin.sh\": apiVersion "
			 V1BETA1 " does not match the requested " V1);
	expect_run_error("huge", V1, 5000, "exec plugin \"exec-plugin.sh\": printed more than 1024 "
			 "KiB; refusing");
	long long t0 = cred_now_ms();
	expect_run_error("hang", V1, 300, "exec plugin \"exec-plugin.sh\": did not answer within "
			 "0.3 s");
	assert_true(cred_now_ms() - t0 < 3000);
}

static void test_start_errors(void **state)
{
	(void)state;
	struct plug p;
	plug_init(&p, "v1", V1);
	p.ex.command = "/nonexistent/gke-gcloud-auth-plugin";
	p.ex.install_hint = "install it with gcloud components install gke-gcloud-auth-plugin";
	char *err = NULL;
	assert_null(cred_run_start(&p.ex, NULL, false, 1000, cred_now_ms(), &err));
	assert_string_equal(err, "exec plugin \"gke-gcloud-auth-plugin\": command "
			    "/nonexistent/gke-gcloud-auth-plugin not found (install it with gcloud "
			    "components install gke-gcloud-auth-plugin)");
	free(err);
	p.ex.command = PLUGIN;
	p.ex.interactive = KUBE_EXEC_ALWAYS;
	assert_null(cred_run_start(&p.ex, NULL, false, 1000, cred_now_ms(), &err));
	assert_non_null(strstr(err, "needs a terminal (interactiveMode: Always)"));
	free(err);
	plug_done(&p);
}

/* The loop's view: start returns at once, fds are watched, a cancel kills the plugin. */
static void test_nonblocking(void **state)
{
	(void)state;
	struct plug p;
	plug_init(&p, "hang", V1);
	char *err = NULL;
	long long t0 = cred_now_ms();
	struct cred_run *r = cred_run_start(&p.ex, NULL, false, 10000, t0, &err);
	assert_non_null(r);
	assert_true(cred_now_ms() - t0 < 1000);
	int ofd, efd;
	cred_run_fds(r, &ofd, &efd);
	assert_true(ofd >= 0 && efd >= 0);
	assert_false(cred_run_check(r, cred_now_ms()));
	pid_t pid = cred_run_pid(r);
	assert_int_equal(kill(pid, 0), 0);
	/* time passes (fake clock): the check enforces the timeout */
	assert_true(cred_run_check(r, t0 + 10001));
	assert_int_equal(kill(pid, 0), -1);     /* killed and reaped */
	struct kube_credential cr;
	assert_int_equal(cred_run_finish(r, &cr, &err), -1);
	assert_string_equal(err, "exec plugin \"exec-plugin.sh\": did not answer within 10 s");
	free(err);

	/* a successful run driven by hand */
	plug_done(&p);
	plug_init(&p, "v1beta1", V1BETA1);
	r = cred_run_start(&p.ex, NULL, false, 5000, cred_now_ms(), &err);
	assert_non_null(r);
	bool done = false;
	while (!done) {
		cred_run_fds(r, &ofd, &efd);
		struct pollfd pfd[2] = { { .fd = ofd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
		poll(pfd, 2, 50);
		for (int i = 0; i < 2 && !done; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents)
				done = cred_run_feed(r, pfd[i].fd, cred_now_ms());
		if (!done)
			done = cred_run_check(r, cred_now_ms());
	}
	assert_int_equal(cred_run_finish(r, &cr, &err), 0);
	assert_string_equal(cr.token, "secret-beta-1");
	cred_clear(&cr);

	/* cancel while running */
	r = cred_run_start(&p.ex, NULL, false, 5000, cred_now_ms(), &err);
	assert_non_null(r);
	cred_run_cancel(r);
	plug_done(&p);
}

static void expect_parse_error(const char *json, const char *want_part)
{
	struct kube_credential cr;
	char *err = NULL;
	assert_int_equal(cred_parse("p", V1, json, strlen(json), &cr, &err), -1);
	if (!strstr(err, want_part))
		fail_msg("error \"%s\" lacks \"%s\"", err, want_part);
	assert_null(strstr(err, "SECRET"));
	free(err);
}

static void test_parse(void **state)
{
	(void)state;
	struct kube_credential cr;
	char *err = NULL;
	const char *ok = "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			 "{\"token\":\"t\",\"expirationTimestamp\":\"2024-05-01T14:00:00.5+02:00\"}}";
	assert_int_equal(cred_parse("p", V1, ok, strlen(ok), &cr, &err), 0);
	assert_int_equal(cr.expiry, T);
	cred_clear(&cr);
	expect_parse_error("[1]", "not an ExecCredential object");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\"}", "no status");
	expect_parse_error("{\"kind\":\"Other\",\"apiVersion\":\"" V1 "\",\"status\":{}}",
			   "kind Other is not ExecCredential");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":{}}",
			   "neither token nor clientCertificateData");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			   "{\"clientCertificateData\":\"SECRET\"}}", "needs both");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			   "{\"token\":\"SECRET\\r\\nX-Evil: 1\"}}", "control characters");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			   "{\"token\":\"SECRET\",\"expirationTimestamp\":\"tomorrow\"}}",
			   "not an RFC 3339 time");
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"status\":"
			   "{\"token\":\"SECRET\",\"expirationTimestamp\":\"2024-13-01T00:00:00Z\"}}",
			   "not an RFC 3339 time");
	expect_parse_error("{\"token\": \"SECRET\" garbage", "invalid JSON at byte");
	/* fuzz_credential: a control character in a quoted field made a multi-line message
	 * carrying the plugin's raw escapes. */
	expect_parse_error("{\"kind\":\"ExecCredential\",\"apiVersion\":\"v1\\n\\u001b]0;x\\u0007\","
			   "\"status\":{\"token\":\"SECRET\"}}", "apiVersion (not printable) does not");
	expect_parse_error("{\"kind\":\"Exec\\r\",\"apiVersion\":\"" V1 "\",\"status\":{}}",
			   "kind (not printable) is not");
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_cached_until_expiry),
		cmocka_unit_test(test_v1beta1_and_cert),
		cmocka_unit_test(test_env_args_and_exec_info),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_nonblocking),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
