/* Unit tests for core/matrix: the shipped definitions load and say what runbooks 000 and
 * 004 say; every kind of check parses; invalid definitions give FILE:LINE errors.
 * Run from the source tree (tests/run does), where runbooks/ is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_shipped_ingest(void **state)
{
	(void)state;
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	int rc = matrix_load_file(&m, "runbooks/ingest.yaml", &err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(m.nservices, 8);
	static const char *const names[] = { "accessioner", "broker", "core", "exporter", "ontology",
					     "staging manager", "state tracking", "validator" };
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(m.services[i].name, names[i]);
	assert_int_equal(m.nchannels, 2);
	assert_string_equal(m.channels[0], "UI");
	assert_string_equal(m.channels[1], "Integration test");
	const struct matrix_service *b = matrix_find(&m, "BROKER");
	assert_non_null(b);
	assert_string_equal(b->ns, "ingest");
	assert_int_equal(b->target, MATRIX_DEPLOYMENT);
	assert_string_equal(b->workload, "ingest-broker");
	assert_non_null(strstr(matrix_symptom_text(b, "ui"), "An error occurred in uploading spreadsheet"));
	assert_string_equal(matrix_symptom_text(matrix_find(&m, "exporter"), "UI"), "TBD");
	assert_string_equal(matrix_symptom_text(matrix_find(&m, "ontology"), "Integration test"), "No symptoms.");
	assert_non_null(strstr(matrix_symptom_text(matrix_find(&m, "core"), "UI"), "Loading your submissions..."));
	assert_int_equal(b->nchecks, 2);
	assert_int_equal(b->checks[0].kind, MATRIX_CHECK_REPLICAS);
	assert_int_equal(b->checks[0].min_ready, -1);
	assert_int_equal(b->checks[1].kind, MATRIX_CHECK_STUCK);
	assert_int_equal(b->checks[1].stuck_s, 300);
	assert_true(b->nsteps >= 2);
	assert_string_equal(b->steps[1].command, "restart deployment/ingest-broker -n ingest");
	char t[200];
	matrix_format_target(b, t, sizeof(t));
	assert_string_equal(t, "deployment/ingest/ingest-broker");
	matrix_free(&m);
}

static void test_shipped_managed_services(void **state)
{
	(void)state;
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	assert_int_equal(matrix_load_file(&m, "runbooks/managed-services.yaml", &err), 0);
	assert_int_equal(m.nservices, 1);
	const struct matrix_service *s = &m.services[0];
	assert_int_equal(s->replicas, 3);
	size_t leaders = 0;
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct matrix_check *c = &s->checks[i];
		if (c->kind == MATRIX_CHECK_LOGS) {
			assert_int_equal(c->op, MATRIX_EXPECT_EQ);
			assert_int_equal(c->expect, 1);
			leaders++;
		}
	}
	assert_int_equal(leaders, 2);
	assert_int_equal(s->nescalations, 5);
	assert_non_null(strstr(s->escalations[4], "Control Plane team"));
	assert_true(s->nlinks >= 2);
	bool scale = false, leader_step = false;
	for (size_t i = 0; i < s->nsteps; i++) {
		if (s->steps[i].command && !strcmp(s->steps[i].command, "scale deployment/managed-services-api 3 -n managed-services"))
			scale = true;
		if (s->steps[i].command && strstr(s->steps[i].command, "logcheck") && strstr(s->steps[i].command, "ClusterManager"))
			leader_step = true;
	}
	assert_true(scale);
	assert_true(leader_step);
	/* Loading both: names stay unique, channels accumulate in first-seen order. */
	assert_int_equal(matrix_load_file(&m, "runbooks/ingest.yaml", &err), 0);
	assert_int_equal(m.nservices, 9);
	assert_string_equal(m.channels[0], "Alert");
	assert_string_equal(m.channels[2], "UI");
	matrix_free(&m);
}

static const char *const all_checks =
	"title: t\n"
	"services:\n"
	"  - name: web\n"
	"    namespace: shop\n"
	"    selector: app=web,tier!=db\n"
	"    checks:\n"
	"      - replicas: 2\n"
	"      - stuck: 90\n"
	"      - logs: 'ready to serve'\n"
	"        expect: '>=2'\n"
	"      - http: http://127.0.0.1:8080/healthz\n"
	"        status: 204\n"
	"        timeout: 2s\n"
	"        severity: degraded\n"
	"      - tcp: db.internal:5432\n"
	"        name: database port\n"
	"      - tcp: '[::1]:6379'\n";

static void test_all_checks(void **state)
{
	(void)state;
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	int rc = matrix_load_string(&m, "t.yaml", all_checks, strlen(all_checks), &err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	const struct matrix_service *s = &m.services[0];
	assert_int_equal(s->target, MATRIX_SELECTOR);
	assert_string_equal(s->selector, "app=web,tier!=db");
	assert_int_equal(s->nchecks, 6);
	assert_int_equal(s->checks[0].min_ready, 2);
	assert_int_equal(s->checks[1].stuck_s, 90);
	assert_int_equal(s->checks[2].op, MATRIX_EXPECT_GE);
	assert_int_equal(s->checks[2].expect, 2);
	assert_int_equal(s->checks[3].status, 204);
	assert_int_equal(s->checks[3].timeout_ms, 2000);
	assert_int_equal(s->checks[3].severity, MATRIX_SEV_DEGRADED);
	assert_string_equal(s->checks[4].host, "db.internal");
	assert_int_equal(s->checks[4].port, 5432);
	assert_string_equal(s->checks[4].name, "database port");
	assert_string_equal(s->checks[5].host, "::1");
	char f[200];
	matrix_format_check(&s->checks[5], f, sizeof(f));
	assert_string_equal(f, "tcp [::1]:6379");
	matrix_format_check(&s->checks[1], f, sizeof(f));
	assert_string_equal(f, "stuck > 90s");
	assert_string_equal(s->checks[0].name, "replicas");
	assert_string_equal(s->checks[2].name, "logs 'ready to serve' >= 2");
	/* No checks given: replicas = desired and stuck > 5m. */
	const char *plain = "services:\n  - {name: a, namespace: x, statefulset: mongo}\n";
	assert_int_equal(matrix_load_string(&m, "p.yaml", plain, strlen(plain), &err), 0);
	assert_int_equal(m.services[1].nchecks, 2);
	assert_int_equal(m.services[1].target, MATRIX_STATEFULSET);
	matrix_free(&m);
}

/* Loads text and expects an error starting with `want`. */
static void expect_error(const char *text, const char *want)
{
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	assert_int_equal(matrix_load_string(&m, "bad.yaml", text, strlen(text), &err), -1);
	assert_non_null(err);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, want);
	assert_int_equal(m.nservices, 0);
	free(err);
	matrix_free(&m);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: [1\n",
		     "bad.yaml:"); /* the YAML parser's own position */
	expect_error("services:\n  - name: a\n    namespace: x\n    deploymnt: b\n",
		     "bad.yaml:4: services[0].deploymnt: unknown key (expected one of: name, namespace, deployment, ");
	expect_error("services:\n  - name: a\n    namespace: x\n",
		     "bad.yaml:2: services[0] (a): missing deployment, statefulset or selector");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - replicas: most\n",
		     "bad.yaml:6: services[0].checks[0].replicas: expected desired or a number");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - logs: 'x('\n",
		     "bad.yaml:6: services[0].checks[0].logs: invalid regex");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - logs: x\n        expect: lots\n",
		     "bad.yaml:7: services[0].checks[0].expect: expected N, >=N or <=N");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - tcp: db\n",
		     "bad.yaml:6: services[0].checks[0].tcp: expected HOST:PORT");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - http: ftp://x\n",
		     "bad.yaml:6: services[0].checks[0].http: expected an http:// or https:// URL");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - stuck: 5 minutes\n",
		     "bad.yaml:6: services[0].checks[0].stuck: expected a duration");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - {replicas: 1, tcp: 'a:1'}\n",
		     "bad.yaml:6: services[0].checks[0]: both replicas and tcp");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    checks:\n      - replicas: 1\n        status: 200\n",
		     "bad.yaml:7: services[0].checks[0].status: only for http checks");
	expect_error("services:\n  - name: a\n    namespace: Bad_NS\n    deployment: b\n",
		     "bad.yaml:3: services[0].namespace: 'Bad_NS' is not a namespace name");
	expect_error("services:\n  - {name: a, namespace: x, deployment: b}\n  - {name: A, namespace: x, deployment: c}\n",
		     "bad.yaml:3: services[1]: name 'A' is already used (bad.yaml:2)");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    symptoms: [x]\n",
		     "bad.yaml:5: services[0].symptoms: expected a map CHANNEL: TEXT");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    links:\n      - {title: x}\n",
		     "bad.yaml:6: services[0].links[0]: needs both title and url");
	expect_error("services:\n  - name: a\n    namespace: x\n    deployment: b\n    steps:\n      - {text: x, cmd: y}\n",
		     "bad.yaml:6: services[0].steps[0].cmd: unknown key (expected one of: text, command)");
	expect_error("services: []\n", "bad.yaml:1: services: expected a non-empty list");
	expect_error("- a\n", "bad.yaml:1: expected a map with a services list");
	expect_error("", "bad.yaml:");
	/* A file that does not exist names itself. */
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	assert_int_equal(matrix_load_file(&m, "/nonexistent/x.yaml", &err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.yaml"));
	free(err);
	/* A failing second file leaves the first one's services alone. */
	const char *good = "services:\n  - {name: a, namespace: x, deployment: b}\n";
	const char *bad = "services:\n  - {name: c, namespace: x, deployment: d}\n  - {name: e}\n";
	assert_int_equal(matrix_load_string(&m, "g.yaml", good, strlen(good), &err), 0);
	assert_int_equal(matrix_load_string(&m, "b.yaml", bad, strlen(bad), &err), -1);
	free(err);
	assert_int_equal(m.nservices, 1);
	matrix_free(&m);
}

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(matrix_parse_duration("5m"), 300);
	assert_int_equal(matrix_parse_duration("1h30m"), 5400);
	assert_int_equal(matrix_parse_duration("45"), 45);
	assert_int_equal(matrix_parse_duration("2d"), 172800);
	assert_int_equal(matrix_parse_duration(""), -1);
	assert_int_equal(matrix_parse_duration("1m30"), -1);
	assert_int_equal(matrix_parse_duration("5 m"), -1);
	assert_int_equal(matrix_parse_duration("99999999999999h"), -1);
}

static void test_load_dir(void **state)
{
	(void)state;
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	assert_int_equal(matrix_load_dir(&m, "runbooks", &err), 0);
	/* ingest.yaml sorts before managed-services.yaml */
	assert_int_equal(m.nservices, 9);
	assert_string_equal(m.services[0].name, "accessioner");
	assert_string_equal(m.services[8].name, "managed-services-api");
	matrix_free(&m);
	setenv("WARROOM_RUNBOOKS", "/some/where", 1);
	char dir[512];
	matrix_default_dir(NULL, dir, sizeof(dir));
	assert_string_equal(dir, "/some/where");
	unsetenv("WARROOM_RUNBOOKS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_ingest),
		cmocka_unit_test(test_shipped_managed_services),
		cmocka_unit_test(test_all_checks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_load_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
