/* Unit tests for panels/: view order, filter, selection by identity, column layout and
 * the plain table of batch mode (sanitised, no escape sequences). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "panels/palette.h"
#include "panels/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_pod(struct model *m, const char *ns, const char *name, const char *status, bool healthy)
{
	struct model_pod p = { .ns = (char *)ns, .name = (char *)name, .node = "ip-172-20-110-97.ec2.internal",
			       .ip = "10.0.0.1", .healthy = healthy, .ready = healthy, .total = 1,
			       .created = 1000 };
	snprintf(p.status, sizeof(p.status), "%s", status);
	model_pod_upsert(m, &p);
}

static const char *row_name(const struct pane *p, size_t i)
{
	return ((const struct model_pod *)p->rows[i])->name;
}

static void test_unhealthy_first_then_namespace_name(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "a", "ok-1", "Running", true);
	put_pod(&m, "b", "pending", "Pending", false);
	put_pod(&m, "c", "crash", "CrashLoopBackOff", false);
	put_pod(&m, "a", "ok-0", "Running", true);
	assert_true(pane_sync(&p, &m, 2000));
	assert_false(pane_sync(&p, &m, 2000)); /* nothing changed: no rebuild */
	assert_int_equal(p.nrows, 4);
	assert_string_equal(row_name(&p, 0), "crash");
	assert_string_equal(row_name(&p, 1), "pending");
	assert_string_equal(row_name(&p, 2), "ok-0");
	assert_string_equal(row_name(&p, 3), "ok-1");
	pane_free(&p);
	model_free(&m);
}

static void test_filter_and_selection_follow_the_object(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "ingest", "broker", "Running", true);
	put_pod(&m, "ingest", "mongo-0", "Running", true);
	put_pod(&m, "kube-system", "coredns", "Running", true);
	pane_sync(&p, &m, 2000);
	pane_move_to(&p, 1); /* mongo-0 */
	assert_string_equal(row_name(&p, p.sel), "mongo-0");
	put_pod(&m, "ingest", "aaa", "Error", false); /* goes to the top */
	pane_sync(&p, &m, 2000);
	assert_string_equal(row_name(&p, p.sel), "mongo-0");
	pane_set_filter(&p, "MONGO"); /* case-insensitive */
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 1);
	assert_int_equal(p.total, 4);
	pane_set_filter(&p, "kube-sys");
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 1);
	assert_string_equal(row_name(&p, 0), "coredns");
	pane_set_filter(&p, "nothing-matches");
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 0);
	pane_move(&p, 5); /* harmless on an empty view */
	assert_int_equal(p.sel, 0);
	pane_free(&p);
	model_free(&m);
}

static void test_layout_drops_low_priority_columns(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "managed-services", "managed-services-api-75d59946bf-6bsnd", "CrashLoopBackOff", false);
	pane_sync(&p, &m, 2000);
	int w[PANE_MAX_COLS];
	char line[2048];
	pane_layout(&p, 80, w);
	pane_format_line(&p, NULL, w, 80, line, sizeof(line));
	assert_int_equal(strlen(line), 80); /* ASCII titles: bytes == columns */
	assert_non_null(strstr(line, "STATUS"));
	assert_null(strstr(line, "IP")); /* dropped first */
	pane_layout(&p, 200, w);
	pane_format_line(&p, NULL, w, 200, line, sizeof(line));
	assert_non_null(strstr(line, "IP"));
	assert_non_null(strstr(line, "NODE"));
	struct pane_row row;
	pane_row_fill(&p, &m, 0, 2000, &row);
	pane_format_line(&p, &row, w, 200, line, sizeof(line));
	assert_non_null(strstr(line, "managed-services-api-75d59946bf-6bsnd"));
	assert_non_null(strstr(line, "CrashLoopBackOff"));
	assert_int_equal(row.sev, SEV_BAD);
	/* 20 columns: whatever fits, never wider */
	pane_layout(&p, 20, w);
	pane_format_line(&p, &row, w, 20, line, sizeof(line));
	size_t cols = 0;
	for (const char *c = line; *c; c++)
		cols += ((unsigned char)*c & 0xC0) != 0x80;
	assert_int_equal(cols, 20);
	pane_free(&p);
	model_free(&m);
}

static void test_batch_table_is_sanitised(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "evil", "pod\x1b]0;owned\x07-\x1b[31mred", "Running", true);
	put_pod(&m, "ingest", "broker", "Running", true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	pane_print_table(&p, &m, 2000, f);
	fclose(f);
	assert_null(memchr(buf, 0x1b, len));
	assert_null(memchr(buf, 0x07, len));
	assert_non_null(strstr(buf, "NAMESPACE   NAME"));
	assert_non_null(strstr(buf, "ingest      broker"));
	assert_non_null(strstr(buf, "-red"));
	/* three lines: header and two pods */
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 3);
	free(buf);
	pane_free(&p);
	model_free(&m);
}

static void test_nodes_pane_counts_pods(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_nodes_ops);
	struct model_node n = { .name = "ip-172-20-110-97.ec2.internal", .ready = true, .created = 1000 };
	snprintf(n.status, sizeof(n.status), "Ready");
	snprintf(n.roles, sizeof(n.roles), "<none>");
	model_node_upsert(&m, &n);
	n.name = "down";
	n.ready = false;
	snprintf(n.status, sizeof(n.status), "NotReady");
	model_node_upsert(&m, &n);
	put_pod(&m, "a", "x", "Running", true);
	put_pod(&m, "a", "y", "Running", true);
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 2);
	struct pane_row row;
	pane_row_fill(&p, &m, 0, 2000, &row);
	assert_string_equal(row.cell[0], "down"); /* NotReady first */
	assert_int_equal(row.sev, SEV_BAD);
	pane_row_fill(&p, &m, 1, 2000, &row);
	assert_string_equal(row.cell[5], "2");
	assert_string_equal(row.cell[3], "16m"); /* 1000 s: kubectl drops seconds past 10 minutes */
	pane_free(&p);
	model_free(&m);
}

static void test_regex_filter_and_errors(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "ingest", "mongo-0", "Running", true);
	put_pod(&m, "ingest", "rabbitmq-0", "Running", true);
	put_pod(&m, "ingest", "broker", "CrashLoopBackOff", false);
	pane_set_filter(&p, "~MONGO|rabbit");
	assert_string_equal(p.filter_error, "");
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 2);
	pane_set_filter(&p, "~^crash"); /* anchored per cell: STATUS starts with it */
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 1);
	assert_string_equal(row_name(&p, 0), "broker");
	pane_set_filter(&p, "~(");
	assert_non_null(strstr(p.filter_error, "invalid regex '('"));
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 3); /* an invalid regex hides nothing */
	pane_set_filter(&p, "mongo|rabbit"); /* no '~': a plain substring */
	pane_sync(&p, &m, 2000);
	assert_int_equal(p.nrows, 0);
	pane_free(&p);
	model_free(&m);
}

static void test_sort_by_column(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	char err[300];
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	struct model_pod a = { .ns = "x", .name = "a", .node = "", .ip = "", .restarts = 10, .created = 1000, .healthy = true };
	struct model_pod b = { .ns = "x", .name = "b", .node = "", .ip = "", .restarts = 9, .created = 1900, .healthy = true };
	struct model_pod c = { .ns = "x", .name = "c", .node = "", .ip = "", .restarts = 0, .created = 1500, .healthy = false };
	snprintf(a.status, sizeof(a.status), "Running");
	snprintf(b.status, sizeof(b.status), "Running");
	snprintf(c.status, sizeof(c.status), "Error");
	model_pod_upsert(&m, &a);
	model_pod_upsert(&m, &b);
	model_pod_upsert(&m, &c);
	pane_sync(&p, &m, 2000);
	assert_string_equal(row_name(&p, 0), "c"); /* default: unhealthy first */
	assert_int_equal(pane_set_sort(&p, "restarts", err, sizeof(err)), 0);
	pane_sync(&p, &m, 2000);
	assert_string_equal(row_name(&p, 0), "c"); /* 0 < 9 < 10 numerically */
	assert_string_equal(row_name(&p, 1), "b");
	assert_string_equal(row_name(&p, 2), "a");
	assert_int_equal(pane_set_sort(&p, "AGE", err, sizeof(err)), 0);
	pane_sync(&p, &m, 2000);
	assert_string_equal(row_name(&p, 0), "b"); /* 100s < 500s < 16m40s */
	assert_string_equal(row_name(&p, 2), "a");
	assert_string_equal(pane_sort_name(&p), "AGE");
	assert_int_equal(pane_set_sort(&p, "bogus", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no column 'bogus'"));
	assert_non_null(strstr(err, "RESTARTS"));
	pane_set_sort(&p, "", err, sizeof(err));
	assert_string_equal(pane_sort_name(&p), "default");
	pane_sort_next(&p);
	assert_string_equal(pane_sort_name(&p), "NAMESPACE");
	for (size_t i = 1; i < pane_pods_ops.ncolumns; i++)
		pane_sort_next(&p);
	pane_sort_next(&p);
	assert_string_equal(pane_sort_name(&p), "default"); /* cycles back */
	assert_true(pane_cell_compare("3m1s", "2h") < 0);
	assert_true(pane_cell_compare("9", "10") < 0);
	assert_true(pane_cell_compare("3 (2m ago)", "12") < 0);
	assert_true(pane_cell_compare("abc", "ABD") < 0);
	pane_free(&p);
	model_free(&m);
}

static void test_restart_count_highlighted_when_it_climbs(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	struct model_pod a = { .ns = "x", .name = "a", .node = "", .ip = "", .restarts = 2, .created = 1000, .total = 1 };
	snprintf(a.status, sizeof(a.status), "Running");
	model_pod_upsert(&m, &a);
	time_t now = 100000;
	pane_sync(&p, &m, now);
	struct pane_row row;
	pane_row_fill(&p, &m, 0, now, &row);
	assert_int_equal(row.hl, 0); /* restarted long ago (unknown when): no highlight */
	a.restarts = 3;
	model_pod_upsert(&m, &a);
	pane_sync(&p, &m, now + 10);
	pane_row_fill(&p, &m, 0, now + 10, &row);
	assert_true(row.hl & (1u << 4)); /* RESTARTS climbed */
	pane_sync(&p, &m, now + 20);
	pane_row_fill(&p, &m, 0, now + 200, &row);
	assert_true(row.hl & (1u << 4)); /* still within a few minutes */
	pane_row_fill(&p, &m, 0, now + 400, &row);
	assert_int_equal(row.hl, 0); /* calm again */
	a.last_restart = now + 390; /* the pod's own restart time counts too */
	model_pod_upsert(&m, &a);
	pane_sync(&p, &m, now + 400);
	pane_row_fill(&p, &m, 0, now + 400, &row);
	assert_true(row.hl & (1u << 4));
	assert_string_equal(row.cell[4], "3 (10s ago)");
	pane_free(&p);
	model_free(&m);
}

static void test_workloads_and_events_panes(void **state)
{
	(void)state;
	struct model m;
	struct pane w, e;
	model_init(&m);
	pane_init(&w, &pane_workloads_ops);
	pane_init(&e, &pane_events_ops);
	struct model_workload ok = { .kind = MODEL_DEPLOYMENT, .ns = "a", .name = "fine", .desired = 2, .ready = 2,
				     .updated = 2, .available = 2, .images = "nginx:1.25", .created = 1000 };
	struct model_workload bad = { .kind = MODEL_STATEFULSET, .ns = "b", .name = "broken", .desired = 1,
				      .images = "mongo:4.4", .created = 1000 };
	model_workload_upsert(&m, &ok);
	model_workload_upsert(&m, &bad);
	pane_sync(&w, &m, 2000);
	assert_int_equal(w.nrows, 2);
	struct pane_row row;
	pane_row_fill(&w, &m, 0, 2000, &row);
	assert_string_equal(row.cell[1], "broken"); /* ready < desired first */
	assert_string_equal(row.cell[2], "StatefulSet");
	assert_string_equal(row.cell[3], "0/1");
	assert_string_equal(row.cell[7], "mongo:4.4");
	assert_int_equal(row.sev, SEV_BAD);
	assert_true(row.hl & (1u << 3));
	struct model_event n1 = { .ns = "a", .name = "e1", .obj_kind = "Pod", .obj_name = "web-1", .obj_ns = "a",
				  .type = "Normal", .reason = "Pulled", .message = "pulled", .count = 1, .last = 1990 };
	struct model_event w1 = { .ns = "a", .name = "e2", .obj_kind = "Pod", .obj_name = "web-1", .obj_ns = "a",
				  .type = "Warning", .reason = "BackOff", .message = "back-off\nrestarting", .count = 7,
				  .last = 1500 };
	struct model_event w2 = { .ns = "a", .name = "e3", .obj_kind = "Node", .obj_name = "n1",
				  .type = "Warning", .reason = "NodeNotReady", .message = "down", .count = 1, .last = 1800 };
	model_event_upsert(&m, &n1);
	model_event_upsert(&m, &w1);
	model_event_upsert(&m, &w2);
	pane_sync(&e, &m, 2000);
	assert_int_equal(e.nrows, 3);
	pane_row_fill(&e, &m, 0, 2000, &row);
	assert_string_equal(row.cell[3], "NodeNotReady"); /* Warning, newest first */
	assert_string_equal(row.cell[4], "node/n1");
	pane_row_fill(&e, &m, 1, 2000, &row);
	assert_string_equal(row.cell[3], "BackOff");
	assert_string_equal(row.cell[5], "x7");
	assert_string_equal(row.cell[6], "back-off restarting"); /* one line */
	pane_row_fill(&e, &m, 2, 2000, &row);
	assert_string_equal(row.cell[2], "Normal");
	pane_free(&w);
	pane_free(&e);
	model_free(&m);
}

static void test_palette_completion(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "ingest", "broker-1", "Running", true);
	put_pod(&m, "ingest", "core-1", "Running", true);
	put_pod(&m, "kube-system", "coredns-1", "Running", true);
	struct model_node n = { .name = "ip-10-0-0-1" };
	model_node_upsert(&m, &n);
	struct palette_ctx ctx = { .model = &m, .focused = &p, .ns = NULL };
	char out[300];
	assert_int_equal(palette_complete(&ctx, "ns in", out, sizeof(out)), 1);
	assert_string_equal(out, "ns ingest");
	assert_int_equal(palette_complete(&ctx, "ns ", out, sizeof(out)), 3); /* all, ingest, kube-system */
	assert_int_equal(palette_complete(&ctx, "wor", out, sizeof(out)), 1);
	assert_string_equal(out, "workloads ");
	assert_int_equal(palette_complete(&ctx, "describe node/", out, sizeof(out)), 1);
	assert_string_equal(out, "describe node/ip-10-0-0-1");
	assert_int_equal(palette_complete(&ctx, "describe pod/ingest/c", out, sizeof(out)), 1);
	assert_string_equal(out, "describe pod/ingest/core-1");
	assert_int_equal(palette_complete(&ctx, "describe pod/core", out, sizeof(out)), 2);
	assert_string_equal(out, "describe pod/core");
	assert_int_equal(palette_complete(&ctx, "sort RES", out, sizeof(out)), 1);
	assert_string_equal(out, "sort RESTARTS");
	assert_int_equal(palette_complete(&ctx, "quit x", out, sizeof(out)), 0);
	assert_string_equal(out, "quit x");
	palette_hint("ns in", out, sizeof(out));
	assert_non_null(strstr(out, "ns NAME|all: Switch namespace"));
	palette_hint("zzz", out, sizeof(out));
	assert_string_equal(out, "");
	pane_free(&p);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhealthy_first_then_namespace_name),
		cmocka_unit_test(test_filter_and_selection_follow_the_object),
		cmocka_unit_test(test_layout_drops_low_priority_columns),
		cmocka_unit_test(test_batch_table_is_sanitised),
		cmocka_unit_test(test_nodes_pane_counts_pods),
		cmocka_unit_test(test_regex_filter_and_errors),
		cmocka_unit_test(test_sort_by_column),
		cmocka_unit_test(test_restart_count_highlighted_when_it_climbs),
		cmocka_unit_test(test_workloads_and_events_panes),
		cmocka_unit_test(test_palette_completion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
