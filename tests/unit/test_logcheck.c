/* Unit tests for core/logcheck: word splitting, durations, `logs` options, and log
 * check expectations (the runbook 004 leader check among them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/logbuf.h"
#include "core/logcheck.h"

#include <stdio.h>
#include <string.h>

static void test_split_quotes(void **state)
{
	(void)state;
	char w[8][512], err[128];
	int n = logcheck_split("  deployment/x 'Running as the leader.*Cluster' --expect \"1\" a\\ b \"q\\\"\" ",
			       w, 8, err, sizeof(err));
	assert_int_equal(n, 6);
	assert_string_equal(w[0], "deployment/x");
	assert_string_equal(w[1], "Running as the leader.*Cluster");
	assert_string_equal(w[2], "--expect");
	assert_string_equal(w[3], "1");
	assert_string_equal(w[4], "a b");
	assert_string_equal(w[5], "q\"");
	n = logcheck_split("re 'a\\.b'", w, 8, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_string_equal(w[1], "a\\.b");
	assert_int_equal(logcheck_split("a 'open", w, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unterminated ' quote in word 2"));
	assert_int_equal(logcheck_split("a b c", w, 2, err, sizeof(err)), -1);
	assert_int_equal(logcheck_split("", w, 2, err, sizeof(err)), 0);
}

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(logcheck_duration("30s"), 30);
	assert_int_equal(logcheck_duration("15m"), 900);
	assert_int_equal(logcheck_duration("1h"), 3600);
	assert_int_equal(logcheck_duration("2h30m"), 9000);
	assert_int_equal(logcheck_duration("1d"), 86400);
	assert_int_equal(logcheck_duration("0s"), -1);
	assert_int_equal(logcheck_duration("5"), -1);
	assert_int_equal(logcheck_duration("m"), -1);
	assert_int_equal(logcheck_duration("-1m"), -1);
	assert_int_equal(logcheck_duration(""), -1);
	assert_int_equal(logcheck_duration("99999999d"), -1);
}

static void test_parse_logs_args(void **state)
{
	(void)state;
	struct logs_args a;
	char err[256];
	assert_int_equal(logcheck_parse_logs("deployment/web --tail 20 --grep 'ERR|WARN' -f --since 15m -c app",
					     &a, err, sizeof(err)), 0);
	assert_string_equal(a.target, "deployment/web");
	assert_int_equal(a.tail, 20);
	assert_string_equal(a.grep, "ERR|WARN");
	assert_true(a.follow);
	assert_false(a.previous);
	assert_int_equal(a.since_s, 900);
	assert_string_equal(a.container, "app");
	assert_int_equal(a.max_lines, 0);
	assert_int_equal(logcheck_parse_logs("pod/x --max-lines 10000", &a, err, sizeof(err)), 0);
	assert_int_equal(a.max_lines, 10000);
	assert_int_equal(logcheck_parse_logs("pod/x --max-lines 5", &a, err, sizeof(err)), -1);
	assert_int_equal(logcheck_parse_logs("pod/x -p", &a, err, sizeof(err)), 0);
	assert_true(a.previous);
	assert_int_equal(a.tail, -1);
	assert_int_equal(logcheck_parse_logs("-l app=web", &a, err, sizeof(err)), 0);
	assert_string_equal(a.target, "label/app=web");
	assert_int_equal(logcheck_parse_logs("pod/x --tail abc", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--tail needs a non-negative number, got 'abc'"));
	assert_int_equal(logcheck_parse_logs("pod/x --bogus", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	assert_int_equal(logcheck_parse_logs("pod/x pod/y", &a, err, sizeof(err)), -1);
	assert_int_equal(logcheck_parse_logs("--tail 5", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs a TARGET"));
	assert_int_equal(logcheck_parse_logs("pod/x --since 5", &a, err, sizeof(err)), -1);
}

static void test_parse_check(void **state)
{
	(void)state;
	struct logcheck_spec s;
	char err[256], buf[32];
	assert_int_equal(logcheck_parse("deployment/managed-services-api 'Running as the leader.*ClusterManager' --expect 1",
					&s, err, sizeof(err)), 0);
	assert_string_equal(s.target, "deployment/managed-services-api");
	assert_string_equal(s.pattern, "Running as the leader.*ClusterManager");
	assert_int_equal(s.op, LOGCHECK_EQ);
	assert_int_equal(s.expect, 1);
	logcheck_spec_free(&s);
	assert_int_equal(logcheck_parse("pod/x err --expect '>=2' --tail 100 -i", &s, err, sizeof(err)), 0);
	assert_int_equal(s.op, LOGCHECK_GE);
	assert_int_equal(s.expect, 2);
	assert_int_equal(s.tail, 100);
	assert_true(s.icase);
	logcheck_format_expect(&s, buf, sizeof(buf));
	assert_string_equal(buf, ">=2");
	logcheck_spec_free(&s);
	assert_int_equal(logcheck_parse("pod/x err", &s, err, sizeof(err)), 0);
	assert_int_equal(s.op, LOGCHECK_GE); /* default: at least one pod */
	assert_int_equal(s.expect, 1);
	logcheck_spec_free(&s);
	assert_int_equal(logcheck_parse("pod/x", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs TARGET and REGEX"));
	assert_int_equal(logcheck_parse("pod/x 'a(' --expect 1", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "regex 'a('"));
	assert_int_equal(logcheck_parse("pod/x a --expect many", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--expect"));
	assert_int_equal(logcheck_parse("pod/x a b", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unexpected word 'b'"));
}

static void add(struct logbuf *lb, const char *pod, const char *container, const char *text)
{
	unsigned s = logbuf_source(lb, "msa", pod, container);
	logbuf_append(lb, s, 0, 0, text, strlen(text));
}

static bool run_check(const char *args, struct logbuf *lb, const char *extra_pod, long *matching,
		      char *report, size_t cap)
{
	struct logcheck_spec s;
	char err[256];
	assert_int_equal(logcheck_parse(args, &s, err, sizeof(err)), 0);
	struct logcheck_result r;
	logcheck_result_init(&r);
	if (extra_pod)
		logcheck_add_pod(&r, "msa", extra_pod);
	logcheck_evaluate(&s, lb, &r);
	*matching = r.matching_pods;
	bool pass = r.pass;
	logcheck_report(&s, &r, report, cap);
	logcheck_result_free(&r);
	logcheck_spec_free(&s);
	return pass;
}

static void test_leader_check(void **state)
{
	(void)state;
	const char *check = "deployment/managed-services-api 'Running as the leader.*ClusterManager' --expect 1";
	struct logbuf *lb = logbuf_new(NULL);
	add(lb, "api-1", "", "I0000 leader.go:64] Running as the leader and starting worker *workers.ClusterManager");
	add(lb, "api-1", "", "I0000 leader.go:64] Running as the leader and starting worker *workers.KafkaManager");
	add(lb, "api-1", "", "I1121 api_server.go:120] GET /kafkas 200");
	add(lb, "api-2", "", "I0000 leader.go:88] Not the leader: api-1 holds the lease, worker *workers.ClusterManager waiting");
	add(lb, "api-3", "sidecar", "sidecar started");
	unsigned m = logbuf_source(lb, "msa", "api-2", "");
	logbuf_append(lb, m, 0, LOGBUF_MARKER, "--- Running as the leader ClusterManager ---", 44);
	long matching;
	char report[1024];
	assert_true(run_check(check, lb, "api-4", &matching, report, sizeof(report)));
	assert_int_equal(matching, 1);
	assert_non_null(strstr(report, "PASS logcheck deployment/managed-services-api"));
	assert_non_null(strstr(report, "1 pod matching (expected 1)"));
	assert_non_null(strstr(report, "api-1  1 matching line of 3"));
	assert_non_null(strstr(report, "api-4  0 matching lines of 0"));
	/* Two leaders: exactly-one fails, >=1 passes, <=1 fails. */
	add(lb, "api-3", "app", "Running as the leader and starting worker *workers.ClusterManager");
	assert_false(run_check(check, lb, NULL, &matching, report, sizeof(report)));
	assert_int_equal(matching, 2);
	assert_non_null(strstr(report, "FAIL"));
	assert_true(run_check("deployment/x 'ClusterManager$' --expect >=1", lb, NULL, &matching, report,
			      sizeof(report)));
	assert_int_equal(matching, 2);
	assert_false(run_check("deployment/x 'leader.*ClusterManager$' --expect '<=1'", lb, NULL, &matching,
			       report, sizeof(report)));
	/* No leader at all. */
	struct logbuf *empty = logbuf_new(NULL);
	add(empty, "api-1", "", "Not the leader");
	assert_false(run_check(check, empty, NULL, &matching, report, sizeof(report)));
	assert_int_equal(matching, 0);
	logbuf_free(empty);
	logbuf_free(lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_parse_logs_args),
		cmocka_unit_test(test_parse_check),
		cmocka_unit_test(test_leader_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
