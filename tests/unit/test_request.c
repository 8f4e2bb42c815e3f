/* Unit tests for kube/request, the gate: read-only refuses before any network traffic and
 * audits "refused"; confirmation; "attempted" written before perform runs; dry-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rec {
	int confirms, finished, performed, sent;
	char result[40];
	char error[400];
	char audit_at_perform[4000];
	struct audit *audit;
	bool answer;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[20000];
	buf[0] = '\0';
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static void on_confirm(void *ud, struct request_op *op)
{
	struct rec *r = ud;
	r->confirms++;
	request_decide(op, r->answer);
}

static void on_progress(void *ud, struct request_op *op, const char *line)
{
	(void)ud;
	(void)op;
	(void)line;
}

static void on_finished(void *ud, struct request_op *op)
{
	struct rec *r = ud;
	r->finished++;
	snprintf(r->result, sizeof(r->result), "%s", request_op_result(op));
	snprintf(r->error, sizeof(r->error), "%s", request_op_error(op) ? request_op_error(op) : "");
}

static const struct request_ui_ops ui = { on_confirm, on_progress, on_finished };

static void on_sent(void *ud, const struct request_result *res)
{
	struct rec *r = ud;
	r->sent++;
	snprintf(r->error, sizeof(r->error), "%s", res->error ? res->error : "");
}

static void perform(void *ud, struct request_op *op)
{
	struct rec *r = ud;
	r->performed++;
	/* The record exists before anything could be sent. */
	snprintf(r->audit_at_perform, sizeof(r->audit_at_perform), "%s", slurp(r->audit->path));
	request_finish(op, "ok", NULL);
}

struct fixture {
	char dir[64];
	struct audit audit;
	struct loop *loop;
	struct http_client *http;
	struct request_gate g;
	struct rec rec;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/warroom-req-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char path[128], err[200];
	snprintf(path, sizeof(path), "%s/audit.jsonl", f->dir);
	if (audit_init(&f->audit, path, "ctx", "u", "http://127.0.0.1:1", err, sizeof(err)) < 0)
		return -1;
	f->loop = loop_new();
	f->http = http_client_new(f->loop);
	f->rec.audit = &f->audit;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	http_client_free(f->http);
	loop_free(f->loop);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	audit_free(&f->audit);
	free(f);
	return 0;
}

static const char *objs[] = { "deployment/web" };
static const char *plan[] = { "deployment/web: replicas 3 -> 0" };

static struct request_action action(void)
{
	struct request_action a = { .command = "scale deployment/web 0", .ns = "ingest", .objects = objs,
				    .nobjects = 1, .equivalent = "kubectl -n ingest scale deployment/web --replicas=0",
				    .plan = plan, .nplan = 1, .mutates = true };
	return a;
}

static void test_read_only_refuses(void **state)
{
	struct fixture *f = *state;
	/* Port 1 on loopback: if anything were sent, it would fail differently. */
	request_gate_init(&f->g, f->loop, f->http, "http://127.0.0.1:1", &f->audit, true, false);
	f->g.ui = &ui;
	f->g.ui_ud = &f->rec;
	struct request_action a = action();
	assert_null(request_submit(&f->g, &a, perform, &f->rec));
	assert_int_equal(f->rec.performed, 0);
	assert_int_equal(f->rec.confirms, 0);
	assert_int_equal(f->rec.finished, 1);
	assert_string_equal(f->rec.result, "refused");
	assert_non_null(strstr(f->rec.error, "read-only"));
	assert_non_null(strstr(slurp(f->audit.path), "\"result\":\"refused\""));
	/* request_send itself refuses at once, without a transfer. */
	f->rec.error[0] = '\0';
	request_send(&f->g, "PATCH", "/apis/apps/v1/namespaces/x/deployments/y", "application/merge-patch+json", "{}",
		     on_sent, &f->rec);
	assert_int_equal(f->rec.sent, 1);
	assert_non_null(strstr(f->rec.error, "read-only"));
	assert_int_equal(http_pending(f->http), 0);
	/* And so does the http backstop, for a caller that skips the gate. */
	assert_int_equal(request_allowed(&f->g, "drain n1", NULL), false);
	assert_int_equal(f->rec.finished, 2);
}

static void test_confirm_then_audit_then_perform(void **state)
{
	struct fixture *f = *state;
	request_gate_init(&f->g, f->loop, f->http, "http://127.0.0.1:1", &f->audit, false, false);
	f->g.ui = &ui;
	f->g.ui_ud = &f->rec;
	struct request_action a = action();
	f->rec.answer = false;
	request_submit(&f->g, &a, perform, &f->rec);
	assert_int_equal(f->rec.confirms, 1);
	assert_int_equal(f->rec.performed, 0);
	assert_string_equal(f->rec.result, "cancelled");
	f->rec.answer = true;
	request_submit(&f->g, &a, perform, &f->rec);
	assert_int_equal(f->rec.confirms, 2);
	assert_int_equal(f->rec.performed, 1);
	assert_string_equal(f->rec.result, "ok");
	assert_non_null(strstr(f->rec.audit_at_perform, "\"result\":\"attempted\""));
	const char *all = slurp(f->audit.path);
	assert_non_null(strstr(all, "\"result\":\"cancelled\""));
	assert_non_null(strstr(all, "\"result\":\"ok\""));
	/* --yes: no question asked. */
	f->g.assume_yes = true;
	request_submit(&f->g, &a, perform, &f->rec);
	assert_int_equal(f->rec.confirms, 2);
	assert_int_equal(f->rec.performed, 2);
}

static void test_no_ui_no_yes_refuses(void **state)
{
	struct fixture *f = *state;
	request_gate_init(&f->g, f->loop, f->http, "http://127.0.0.1:1", &f->audit, false, false);
	struct request_action a = action();
	request_submit(&f->g, &a, perform, &f->rec);
	assert_int_equal(f->rec.performed, 0);
	assert_non_null(strstr(slurp(f->audit.path), "no way to confirm"));
}

static void test_describe_failure(void **state)
{
	(void)state;
	char out[600];
	struct request_result r = { .status = 403, .message = "User \"x\" cannot patch",
				    .problem = "403 Forbidden: patch deployments.apps web in namespace ingest" };
	request_describe_failure(&r, out, sizeof(out));
	assert_non_null(strstr(out, "patch deployments.apps web in namespace ingest"));
	assert_non_null(strstr(out, "cannot patch"));
	struct request_result nf = { .status = 404, .message = "" };
	request_describe_failure(&nf, out, sizeof(out));
	assert_non_null(strstr(out, "someone else"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_only_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_then_audit_then_perform, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_ui_no_yes_refuses, setup, teardown),
		cmocka_unit_test(test_describe_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
