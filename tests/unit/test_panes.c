/* Unit tests for panels/: view order, filter, selection by identity, column layout and
 * the plain table of batch mode (sanitised, no escape sequences). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhealthy_first_then_namespace_name),
		cmocka_unit_test(test_filter_and_selection_follow_the_object),
		cmocka_unit_test(test_layout_drops_low_priority_columns),
		cmocka_unit_test(test_batch_table_is_sanitised),
		cmocka_unit_test(test_nodes_pane_counts_pods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
