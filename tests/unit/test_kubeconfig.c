/* Unit tests for kube/kubeconfig: kubectl's file list and merge rules (fixtures in
 * tests/fixtures/kubeconfig), flag overrides, relative paths, -data decoding, the in-cluster
 * fallback, tokenFile re-reading, and the exact text of every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/kubeconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "tests/fixtures/kubeconfig/"

struct tmp {
	char dir[64];
};

static void tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_kubeconfig.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
}

static char *tmp_write(const struct tmp *t, const char *name, const char *text)
{
	size_t n = strlen(t->dir) + strlen(name) + 2;
	char *path = malloc(n);
	snprintf(path, n, "%s/%s", t->dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void tmp_remove(struct tmp *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static const struct kube_env no_env = { NULL, NULL, NULL, NULL, NULL };

static struct kube_conn *ok_load(const struct kube_flags *fl, const struct kube_env *env)
{
	char *err = NULL;
	struct kube_conn *c = kubeconfig_load(fl, env, &err);
	if (!c)
		fail_msg("unexpected error: %s", err);
	return c;
}

static void expect_error(const struct kube_flags *fl, const struct kube_env *env, const char *want)
{
	char *err = NULL;
	struct kube_conn *c = kubeconfig_load(fl, env, &err);
	if (c) {
		kube_conn_free(c);
		fail_msg("expected error \"%s\"", want);
	}
	if (!err || strcmp(err, want) != 0)
		fail_msg("error\n  got:  %s\n  want: %s", err ? err : "(null)", want);
	free(err);
}

/* Loads one kubeconfig text from a temp file; flags may add --context etc. */
static void expect_file_error(const char *text, const char *context, const char *want_fmt)
{
	struct tmp t;
	tmp_make(&t);
	char *path = tmp_write(&t, "config", text);
	struct kube_flags fl = { .kubeconfig = path, .context = context };
	char want[1024];
	snprintf(want, sizeof(want), want_fmt, path, path, path);
	expect_error(&fl, &no_env, want);
	free(path);
	tmp_remove(&t);
}

static void test_merge_first_wins(void **state)
{
	(void)state;
	struct kube_env env = { .kubeconfig = FIX "first.yaml:" FIX "missing.yaml::" FIX "second.yaml" };
	struct kube_flags fl = { 0 };
	struct kube_conn *c = ok_load(&fl, &env);
	assert_string_equal(c->context, "ingest");             /* current-context of first */
	assert_string_equal(c->cluster, "shared");
	assert_string_equal(c->server, "https://first.example:6443");  /* first "shared" wins */
	assert_string_equal(c->ca_file, FIX "certs/ca.crt");    /* relative to the file */
	assert_string_equal(c->namespace_, "ingest");
	assert_true(c->namespace_set);
	assert_string_equal(c->user, "alice");
	assert_string_equal(c->token, "token-from-first");      /* first "alice" wins */
	assert_string_equal(c->cert_file, FIX "certs/client.crt");
	assert_string_equal(c->key_file, "/dev/null");          /* absolute stays */
	assert_string_equal(c->sources, FIX "first.yaml, " FIX "second.yaml");
	assert_int_equal(c->nwarnings, 0);
	kube_conn_free(c);

	/* a context only the second file defines, using a cluster only it defines */
	fl.context = "prod";
	c = ok_load(&fl, &env);
	assert_string_equal(c->server, "https://prod.example");
	assert_int_equal(c->ca_data.len, 9);
	assert_memory_equal(c->ca_data.data, "hello CA\n", 9);
	assert_string_equal(c->tls_server_name, "api.prod.internal");
	assert_string_equal(c->proxy_url, "http://proxy:3128");
	assert_string_equal(c->cert_data.data, "cert");
	assert_string_equal(c->key_data.data, "key");
	assert_null(c->token);
	assert_string_equal(c->namespace_, "default");
	assert_false(c->namespace_set);
	kube_conn_free(c);

	/* shared-ctx is in both: the first file's (cluster first-only, no user) wins */
	fl.context = "shared-ctx";
	c = ok_load(&fl, &env);
	assert_string_equal(c->cluster, "first-only");
	assert_string_equal(c->server, "http://127.0.0.1:8001");
	assert_null(c->user);
	kube_conn_free(c);

	/* the other order flips every winner */
	struct kube_env rev = { .kubeconfig = FIX "second.yaml:" FIX "first.yaml" };
	fl.context = NULL;
	c = ok_load(&fl, &rev);
	assert_string_equal(c->context, "prod");
	kube_conn_free(c);
	fl.context = "ingest";
	c = ok_load(&fl, &rev);
	assert_string_equal(c->server, "https://second.example:6443");
	assert_string_equal(c->token, "token-from-second");
	kube_conn_free(c);
}

static void test_file_choice(void **state)
{
	(void)state;
	/* --kubeconfig alone, $KUBECONFIG ignored */
	struct kube_env env = { .kubeconfig = FIX "first.yaml" };
	struct kube_flags fl = { .kubeconfig = FIX "second.yaml" };
	struct kube_conn *c = ok_load(&fl, &env);
	assert_string_equal(c->context, "prod");
	assert_string_equal(c->sources, FIX "second.yaml");
	kube_conn_free(c);

	fl.kubeconfig = FIX "missing.yaml";
	expect_error(&fl, &env, "kubeconfig " FIX "missing.yaml: No such file or directory");

	/* ~/.kube/config when nothing else is given */
	struct tmp t;
	tmp_make(&t);
	char *p = tmp_write(&t, ".kube/config",
			    "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k}\n"
			    "clusters:\n- name: k\n  cluster: {server: 'https://home:1'}\n");
	struct kube_env home = { .home = t.dir };
	struct kube_flags none = { 0 };
	c = ok_load(&none, &home);
	assert_string_equal(c->server, "https://home:1");
	assert_string_equal(c->sources, p);
	kube_conn_free(c);
	free(p);
	tmp_remove(&t);

	/* nothing at all */
	expect_error(&none, &no_env, "no kubeconfig found: pass --kubeconfig or --server, or set "
		     "KUBECONFIG");
}

static void test_flag_overrides(void **state)
{
	(void)state;
	struct kube_env env = { .kubeconfig = FIX "first.yaml:" FIX "second.yaml" };
	struct kube_flags fl = { .namespace_ = "kube-system", .server = "http://127.0.0.1:9",
				 .token = "flag-token" };
	struct kube_conn *c = ok_load(&fl, &env);
	assert_string_equal(c->namespace_, "kube-system");
	assert_string_equal(c->server, "http://127.0.0.1:9");
	assert_string_equal(c->token, "flag-token");
	kube_conn_free(c);

	/* --insecure-skip-tls-verify drops the kubeconfig CA instead of clashing with it */
	struct kube_flags ins = { .insecure = true };
	c = ok_load(&ins, &env);
	assert_true(c->insecure);
	assert_null(c->ca_file);
	assert_int_equal(c->nwarnings, 1);
	assert_string_equal(c->warnings[0], "TLS verification is off (insecure-skip-tls-verify) "
			    "for cluster \"shared\"");
	kube_conn_free(c);

	struct kube_flags ca = { .context = "prod", .ca_file = FIX "certs/client.crt" };
	c = ok_load(&ca, &env);
	assert_string_equal(c->ca_file, FIX "certs/client.crt");
	assert_null(c->ca_data.data);
	kube_conn_free(c);

	/* --cluster and --user replace the context's choices */
	struct kube_flags cu = { .cluster = "prod", .user = "bob" };
	c = ok_load(&cu, &env);
	assert_string_equal(c->context, "ingest");
	assert_string_equal(c->cluster, "prod");
	assert_string_equal(c->user, "bob");
	assert_string_equal(c->namespace_, "ingest");
	kube_conn_free(c);
	cu.cluster = "nope";
	expect_error(&cu, &env, "cluster \"nope\" (from --cluster) not found in " FIX "first.yaml, "
		     FIX "second.yaml");
	cu.cluster = NULL;
	cu.user = "carol";
	expect_error(&cu, &env, "user \"carol\" (from --user) not found in " FIX "first.yaml, "
		     FIX "second.yaml");

	/* --server alone needs no kubeconfig */
	struct kube_flags srv = { .server = "127.0.0.1:8080" };
	c = ok_load(&srv, &no_env);
	assert_string_equal(c->server, "http://127.0.0.1:8080");   /* no TLS settings: http */
	assert_string_equal(c->namespace_, "default");
	assert_null(c->context);
	kube_conn_free(c);
	srv.server = "ftp://x";
	expect_error(&srv, &no_env, "--server: server \"ftp://x\" is not an http:// or https:// URL");
	srv.server = "https://ok";
	srv.namespace_ = "Bad_NS";
	expect_error(&srv, &no_env, "namespace \"Bad_NS\" is not a valid name (lowercase letters, "
		     "digits and '-', at most 63)");
}

static void test_errors(void **state)
{
	(void)state;
	expect_file_error("clusters:\n- name: a\n  cluster:\n    server: [x]\n", NULL,
			  "%s:4: clusters[0].cluster.server: expected a string");
	expect_file_error("clusters:\n- name: a\n  cluster:\n    insecure-skip-tls-verify: 'yes'\n",
			  NULL, "%s:4: clusters[0].cluster.insecure-skip-tls-verify: expected true "
			  "or false");
	expect_file_error("clusters: {a: 1}\n", NULL, "%s:1: clusters: expected a list");
	expect_file_error("users:\n- name: u\n  user: {token: [1]}\n", NULL,
			  "%s:3: users[0].user.token: expected a string");
	expect_file_error("- a\n", NULL, "%s:1: expected a kubeconfig map (apiVersion, clusters, "
			  "users, contexts)");
	expect_file_error("clusters:\n- name: a\n  cluster:\n    server: x\n"
			  "    certificate-authority-data: 'abc!def'\n", NULL,
			  "%s:5: clusters[0].cluster.certificate-authority-data: invalid base64 at "
			  "byte 3");
	expect_file_error("clusters:\n- name: a\n- name: b\n- name: a\n", NULL,
			  "%s:4: clusters[2]: cluster \"a\" is defined twice in this file");
	expect_file_error("contexts:\n- context: {cluster: a}\n", NULL,
			  "%s:2: contexts[0].name: missing");
	expect_file_error("current-context: x\nclusters: [\n", NULL,
			  "%s:3:1: did not find expected node content (while parsing a flow node "
			  "started at line 3)");
	expect_file_error("contexts:\n- name: a\n  context: {cluster: c}\n- name: b\n"
			  "  context: {cluster: c}\n", NULL,
			  "no context chosen: set current-context or pass --context; contexts: a, b");
	expect_file_error("contexts:\n- name: a\n  context: {cluster: c}\n", "x",
			  "context \"x\" not found in %s; contexts: a");
	expect_file_error("current-context: gone\n", NULL,
			  "%s:1: current-context \"gone\" not found in %s");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n", NULL,
			  "%s:3: context \"a\" refers to cluster \"c\", which is not defined in %s");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}"
			  "\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\n", NULL,
			  "%s:3: context \"a\" refers to user \"u\", which is not defined in %s");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {user: u}\n", NULL,
			  "%s:3: context \"a\" names no cluster");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n"
			  "clusters:\n- name: c\n  cluster: {server: 'gopher://x'}\n", NULL,
			  "cluster \"c\": server \"gopher://x\" is not an http:// or https:// URL");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n"
			  "clusters:\n- name: c\n  cluster: {}\n", NULL,
			  "cluster \"c\" has no server; set clusters[].cluster.server or pass --server");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}"
			  "\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n"
			  "- name: u\n  user: {token: t, username: me, password: pw}\n", NULL,
			  "%s:9: user \"u\": token and username/password are both set; only one "
			  "authentication method is allowed");
	expect_file_error("users:\n- name: u\n  user:\n    exec:\n      apiVersion: "
			  "client.authentication.k8s.io/v1\n      command: x\n", NULL,
			  "%s:5: users[0].user.exec.interactiveMode: must be set for "
			  "client.authentication.k8s.io/v1 (Never, IfAvailable or Always)");
	expect_file_error("users:\n- name: u\n  user:\n    exec:\n      apiVersion: "
			  "client.authentication.k8s.io/v1alpha1\n      command: x\n", NULL,
			  "%s:5: users[0].user.exec.apiVersion: \"client.authentication.k8s.io/"
			  "v1alpha1\" is not supported (use client.authentication.k8s.io/v1 or "
			  "v1beta1)");
	expect_file_error("users:\n- name: u\n  user:\n    exec:\n      apiVersion: "
			  "client.authentication.k8s.io/v1beta1\n      command: x\n      args: [a, {b: 1}]\n",
			  NULL, "%s:7: users[0].user.exec.args[1]: expected a string");
	expect_file_error("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}"
			  "\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n"
			  "- name: u\n  user:\n    auth-provider: {name: gcp}\n", NULL,
			  "%s:9: user \"u\": auth-provider \"gcp\" is not supported (it was removed "
			  "from kubectl); use an exec credential plugin");
}

/* A missing CA file is named, with the path resolved against the kubeconfig's directory. */
static void test_missing_ca(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	char *path = tmp_write(&t, "config", "current-context: a\ncontexts:\n- name: a\n  context: "
			       "{cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', "
			       "certificate-authority: nope.crt}\n");
	struct kube_flags fl = { .kubeconfig = path };
	char want[256];
	snprintf(want, sizeof(want), "certificate-authority %s/nope.crt: No such file or directory",
		 t.dir);
	expect_error(&fl, &no_env, want);
	free(path);
	tmp_remove(&t);
}

static void test_exec_and_scalars(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	char *path = tmp_write(&t, "config",
		"current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u, "
		"namespace: no}\nclusters:\n- name: c\n  cluster: {server: 'https://x:6443', "
		"insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user:\n    exec:\n"
		"      apiVersion: client.authentication.k8s.io/v1\n      command: bin/plugin\n"
		"      args: [get-token, --cluster, 42]\n      env:\n      - {name: A, value: '1'}\n"
		"      - name: B\n      interactiveMode: Never\n      provideClusterInfo: true\n"
		"      installHint: install it\n- name: v\n  user:\n    exec: {apiVersion: "
		"client.authentication.k8s.io/v1beta1, command: aws}\n");
	struct kube_flags fl = { .kubeconfig = path };
	struct kube_conn *c = ok_load(&fl, &no_env);
	assert_string_equal(c->namespace_, "no");       /* YAML 1.1 "no" taken as written */
	assert_true(c->insecure);
	struct kube_exec_config *e = c->exec;
	assert_non_null(e);
	char want[128];
	snprintf(want, sizeof(want), "%s/bin/plugin", t.dir);
	assert_string_equal(e->command, want);
	assert_int_equal(e->nargs, 3);
	assert_string_equal(e->args[2], "42");
	assert_int_equal(e->nenv, 2);
	assert_string_equal(e->env[0].name, "A");
	assert_string_equal(e->env[0].value, "1");
	assert_string_equal(e->env[1].value, "");
	assert_int_equal(e->interactive, KUBE_EXEC_NEVER);
	assert_true(e->provide_cluster_info);
	assert_string_equal(e->install_hint, "install it");
	kube_conn_free(c);
	fl.user = "v";
	c = ok_load(&fl, &no_env);
	assert_string_equal(c->exec->command, "aws");   /* no '/': left for $PATH */
	assert_int_equal(c->exec->interactive, KUBE_EXEC_IF_AVAILABLE);
	kube_conn_free(c);
	/* --token replaces the exec plugin */
	fl.token = "t";
	c = ok_load(&fl, &no_env);
	assert_null(c->exec);
	assert_string_equal(c->token, "t");
	kube_conn_free(c);
	free(path);
	tmp_remove(&t);
}

static void test_basic_auth_warns(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	char *path = tmp_write(&t, "config",
		"current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		"clusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n"
		"  user: {username: admin, password: hunter2}\n");
	struct kube_flags fl = { .kubeconfig = path };
	struct kube_conn *c = ok_load(&fl, &no_env);
	assert_string_equal(c->username, "admin");
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "basic auth"));
	assert_null(strstr(c->warnings[0], "hunter2"));
	kube_conn_free(c);
	free(path);
	tmp_remove(&t);
}

static void test_in_cluster(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	free(tmp_write(&t, "sa/token", "sa-token-1\n"));
	free(tmp_write(&t, "sa/ca.crt", "CA"));
	free(tmp_write(&t, "sa/namespace", "ingest\n"));
	char sa[128];
	snprintf(sa, sizeof(sa), "%s/sa", t.dir);
	struct kube_env env = { .home = t.dir, .service_host = "10.96.0.1", .service_port = "443",
				.sa_dir = sa };
	struct kube_flags fl = { 0 };
	struct kube_conn *c = ok_load(&fl, &env);
	assert_true(c->in_cluster);
	assert_string_equal(c->server, "https://10.96.0.1:443");
	assert_string_equal(c->namespace_, "ingest");
	char ca[160];
	snprintf(ca, sizeof(ca), "%s/ca.crt", sa);
	assert_string_equal(c->ca_file, ca);
	char *err = NULL;
	assert_string_equal(kube_conn_token(c, &err), "sa-token-1");
	assert_null(err);
	/* the token is re-read when the file changes (kubelet rotates it) */
	free(tmp_write(&t, "sa/token", "sa-token-22\n"));
	assert_string_equal(kube_conn_token(c, &err), "sa-token-22");
	/* a broken re-read keeps the last good token */
	free(tmp_write(&t, "sa/token", "\n"));
	assert_string_equal(kube_conn_token(c, &err), "sa-token-22");
	assert_null(err);
	kube_conn_free(c);

	/* -n and IPv6 */
	env.service_host = "fd00::1";
	fl.namespace_ = "other";
	c = ok_load(&fl, &env);
	assert_string_equal(c->server, "https://[fd00::1]:443");
	assert_string_equal(c->namespace_, "other");
	kube_conn_free(c);

	/* a kubeconfig with content wins over in-cluster */
	struct kube_env both = env;
	both.kubeconfig = FIX "second.yaml";
	c = ok_load(&(struct kube_flags){ 0 }, &both);
	assert_false(c->in_cluster);
	kube_conn_free(c);

	/* no token file: not in-cluster */
	char tok[160];
	snprintf(tok, sizeof(tok), "%s/token", sa);
	unlink(tok);
	expect_error(&(struct kube_flags){ 0 }, &env, "no kubeconfig found: pass --kubeconfig or "
		     "--server, or set KUBECONFIG");
	tmp_remove(&t);
}

static void test_token_file(void **state)
{
	(void)state;
	struct tmp t;
	tmp_make(&t);
	char *path = tmp_write(&t, "config",
		"current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n"
		"clusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n"
		"  user: {token: fallback, tokenFile: tok}\n");
	struct kube_flags fl = { .kubeconfig = path };
	struct kube_conn *c = ok_load(&fl, &no_env);
	char *err = NULL;
	/* tokenFile missing: the inline token is used, no error */
	assert_string_equal(kube_conn_token(c, &err), "fallback");
	assert_null(err);
	free(tmp_write(&t, "tok", "  from-file \n"));
	assert_string_equal(kube_conn_token(c, &err), "from-file");
	kube_conn_free(c);
	free(path);
	tmp_remove(&t);
}

static void test_base64(void **state)
{
	(void)state;
	struct kube_blob b;
	size_t bad;
	assert_true(kubeconfig_base64_decode("aGk=", 4, &b, &bad));
	assert_string_equal(b.data, "hi");
	free(b.data);
	assert_true(kubeconfig_base64_decode("aGk", 3, &b, &bad));   /* padding optional */
	assert_string_equal(b.data, "hi");
	free(b.data);
	assert_true(kubeconfig_base64_decode("aGVs\nbG8=\n", 10, &b, &bad));
	assert_string_equal(b.data, "hello");
	free(b.data);
	assert_false(kubeconfig_base64_decode("a", 1, &b, &bad));
	assert_false(kubeconfig_base64_decode("aG=k", 4, &b, &bad));
	assert_int_equal(bad, 3);
	assert_false(kubeconfig_base64_decode("====", 4, &b, &bad));
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_first_wins),
		cmocka_unit_test(test_file_choice),
		cmocka_unit_test(test_flag_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_ca),
		cmocka_unit_test(test_exec_and_scalars),
		cmocka_unit_test(test_basic_auth_warns),
		cmocka_unit_test(test_in_cluster),
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
