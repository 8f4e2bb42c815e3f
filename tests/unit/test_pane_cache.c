/* Unit tests for the row cache and dependency tracking of panels/pane: the cached view is
 * the view a fresh format would give after any sequence of changes, filters and sorts;
 * filters see changed cells and ages that tick over; the selection follows its object;
 * panes rebuild only for the kinds they read; typing a filter walks no model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "panels/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = { "Running", "Pending", "CrashLoopBackOff", "Error", "ContainerCreating" };

static void put_pod(struct model *m, const char *ns, const char *name, const char *node, const char *status,
		    int restarts, time_t created)
{
	bool healthy = strcmp(status, "Running") == 0;
	struct model_pod p = { .ns = (char *)ns, .name = (char *)name, .node = (char *)node, .ip = "10.0.0.1",
			       .healthy = healthy, .ready = healthy, .total = 1, .restarts = restarts,
			       .created = created, .last_restart = restarts ? created + 60 : 0 };
	snprintf(p.status, sizeof(p.status), "%s", status);
	model_pod_upsert(m, &p);
}

static void put_node(struct model *m, const char *name, bool ready, time_t created)
{
	struct model_node n = { .name = (char *)name, .ready = ready, .created = created };
	snprintf(n.status, sizeof(n.status), "%s", ready ? "Ready" : "NotReady");
	snprintf(n.roles, sizeof(n.roles), "<none>");
	model_node_upsert(m, &n);
}

/* Deterministic pseudo-random numbers (xorshift), so a failure can be replayed. */
static unsigned rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned)(*s >> 11);
}

/* The same pane without cache or deps: formats every row on every rebuild (the old way). */
static struct pane_ops uncached(const struct pane_ops *ops)
{
	struct pane_ops o = *ops;
	o.stamp = NULL;
	o.observe = NULL;
	o.deps = 0;
	return o;
}

/* The cached pane shows exactly what the uncached one does: same rows in the same order,
 * same cells, severity and widths.  hl is left out for pods: the uncached pane keeps no
 * restart history (its observe is off); test_restart_history covers it. */
static void assert_same_view(struct pane *a, struct pane *b, const struct model *m, time_t now, bool pods)
{
	assert_int_equal(a->nrows, b->nrows);
	assert_int_equal(a->total, b->total);
	for (size_t i = 0; i < a->nrows; i++) {
		assert_ptr_equal(a->rows[i], b->rows[i]);
		struct pane_row ra, rb;
		pane_row_fill(a, m, i, now, &ra);
		pane_row_fill(b, m, i, now, &rb);
		for (size_t c = 0; c < a->ops->ncolumns; c++)
			assert_string_equal(ra.cell[c], rb.cell[c]);
		assert_int_equal(ra.sev, rb.sev);
		if (!pods)
			assert_int_equal(ra.hl, rb.hl);
	}
	for (size_t c = 0; c < PANE_MAX_COLS; c++)
		assert_int_equal(a->ideal[c], b->ideal[c]);
}

static void test_cache_matches_fresh_format(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	const struct pane_ops pods_plain = uncached(&pane_pods_ops), nodes_plain = uncached(&pane_nodes_ops);
	struct pane pc, pp, nc, np;
	pane_init(&pc, &pane_pods_ops);
	pane_init(&pp, &pods_plain);
	pane_init(&nc, &pane_nodes_ops);
	pane_init(&np, &nodes_plain);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	time_t now = 1700000000;
	char name[32], node[32];
	for (int i = 0; i < 8; i++) {
		snprintf(node, sizeof(node), "node-%d", i);
		put_node(&m, node, i != 3, now - 86400 * (i + 1));
	}
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "pod-%03d", i);
		snprintf(node, sizeof(node), "node-%d", i % 9); /* node-8 is not in the model */
		put_pod(&m, i % 3 ? "ingest" : "Kube-System", name, node, statuses[i % 5], i % 4,
			now - (time_t)(rnd(&seed) % 20000));
	}
	static const char *const filters[] = { "", "crash", "INGEST", "node-2", "~^pod-0[0-4]", "10m", "(1m" };
	static const char *const sorts[] = { "", "AGE", "RESTARTS", "NAME", "STATUS", "PODS" };
	for (int step = 0; step < 400; step++) {
		unsigned op = rnd(&seed) % 10;
		snprintf(name, sizeof(name), "pod-%03u", rnd(&seed) % 320);
		snprintf(node, sizeof(node), "node-%u", rnd(&seed) % 9);
		if (op < 5)
			put_pod(&m, "ingest", name, node, statuses[rnd(&seed) % 5], (int)(rnd(&seed) % 5),
				now - (time_t)(rnd(&seed) % 20000));
		else if (op == 5)
			model_pod_delete(&m, "ingest", name);
		else if (op == 6)
			put_node(&m, node, rnd(&seed) % 2, now - 3600);
		else if (op == 7)
			now += rnd(&seed) % 90; /* ages tick over with no change of the model */
		else if (op == 8) {
			const char *f = filters[rnd(&seed) % (sizeof(filters) / sizeof(filters[0]))];
			pane_set_filter(&pc, f);
			pane_set_filter(&pp, f);
			pane_set_filter(&nc, f);
			pane_set_filter(&np, f);
		} else {
			char err[300];
			const char *s = sorts[rnd(&seed) % (sizeof(sorts) / sizeof(sorts[0]))];
			if (pane_set_sort(&pc, s, err, sizeof(err)) == 0)
				pane_set_sort(&pp, s, err, sizeof(err));
			if (pane_set_sort(&nc, s, err, sizeof(err)) == 0)
				pane_set_sort(&np, s, err, sizeof(err));
		}
		pp.filter_changed = np.filter_changed = true; /* the reference always rebuilds */
		pane_sync(&pc, &m, now);
		pane_sync(&pp, &m, now);
		pane_sync(&nc, &m, now);
		pane_sync(&np, &m, now);
		assert_same_view(&pc, &pp, &m, now, true);
		assert_same_view(&nc, &np, &m, now, false);
		/* Drawn a little later than the rebuild: stale rows are formatted again. */
		assert_same_view(&pc, &pp, &m, now + 61, true);
	}
	pane_free(&pc);
	pane_free(&pp);
	pane_free(&nc);
	pane_free(&np);
	model_free(&m);
}

static void test_filter_sees_changed_cells(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	put_pod(&m, "ingest", "broker", "n1", "Running", 0, 1000);
	put_pod(&m, "ingest", "mongo-0", "n1", "Running", 0, 1000);
	pane_set_filter(&p, "crashloop");
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 0);
	put_pod(&m, "ingest", "mongo-0", "n1", "CrashLoopBackOff", 1, 1000);
	assert_true(pane_sync(&p, &m, 5000));
	assert_int_equal(p.nrows, 1);
	assert_string_equal(((const struct model_pod *)p.rows[0])->name, "mongo-0");
	put_pod(&m, "ingest", "mongo-0", "n1", "Running", 1, 1000);
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 0);
	/* A match lies within one cell: never across the cells' separators. */
	pane_set_filter(&p, "T\x1f"); /* the end of "ingest", then the separator */
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 0);
	pane_set_filter(&p, "ingestbroker");
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 0);
	pane_set_filter(&p, "gest");
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 2);
	pane_set_filter(&p, "~st.b"); /* a regex is matched per cell too */
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.nrows, 0);
	pane_free(&p);
	model_free(&m);
}

/* A pod 9m59s old: at the next second its AGE reads "10m"; the pane rebuilds for that
 * alone (no change of the model) and the filter sees it. */
static void test_ages_roll_over(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	time_t now = 2000000;
	put_pod(&m, "ingest", "young", "n1", "Running", 0, now - 599);
	put_pod(&m, "ingest", "old", "n1", "Running", 0, now - 86400 * 9);
	pane_set_filter(&p, "10m");
	assert_true(pane_sync(&p, &m, now));
	assert_int_equal(p.nrows, 0);
	assert_int_equal(p.stale_at, now + 1);
	assert_true(pane_sync(&p, &m, now + 1));
	assert_int_equal(p.nrows, 1);
	struct pane_row row;
	pane_row_fill(&p, &m, 0, now + 1, &row);
	assert_string_equal(row.cell[5], "10m");
	assert_int_equal(p.stale_at, now + 61); /* 11m: the next minute of its age */
	assert_false(pane_sync(&p, &m, now + 30));
	pane_row_fill(&p, &m, 0, now + 61, &row); /* drawn later than built: fresh text */
	assert_string_equal(row.cell[5], "11m");
	pane_set_filter(&p, "");
	pane_sync(&p, &m, now + 61);
	pane_row_fill(&p, &m, 0, now + 61, &row); /* by name: old, young */
	assert_string_equal(row.cell[1], "old");
	assert_string_equal(row.cell[5], "9d");
	pane_free(&p);
	model_free(&m);
}

static const char *sel_name(const struct pane *p)
{
	return p->sel < p->nrows ? ((const struct model_pod *)p->rows[p->sel])->name : "";
}

/* Pods a/pod-000 ... on node n1, Running. */
static void put_numbered(struct model *m, int n, int restarts, time_t created)
{
	char name[32];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "pod-%03d", i);
		put_pod(m, "a", name, "n1", "Running", restarts, created);
	}
}

static void test_selection_survives_churn(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	char name[32];
	put_numbered(&m, 50, 0, 1000);
	pane_sync(&p, &m, 5000);
	pane_move_to(&p, 20);
	assert_string_equal(sel_name(&p), "pod-020");
	for (int i = 0; i < 50; i += 3) { /* every third pod changes, some go bad and move up */
		snprintf(name, sizeof(name), "pod-%03d", i);
		put_pod(&m, "a", name, "n1", i % 2 ? "Error" : "Running", 1, 1000);
	}
	model_pod_delete(&m, "a", "pod-001");
	pane_sync(&p, &m, 5000);
	assert_string_equal(sel_name(&p), "pod-020");
	put_pod(&m, "a", "pod-020", "n1", "CrashLoopBackOff", 2, 1000); /* the selected pod itself */
	pane_sync(&p, &m, 5000);
	assert_string_equal(sel_name(&p), "pod-020");
	assert_int_equal(p.sel, 3); /* after the bad pod-003, pod-009 and pod-015 */
	size_t at = p.sel;
	model_pod_delete(&m, "a", "pod-020"); /* gone: the position stays */
	pane_sync(&p, &m, 5000);
	assert_int_equal(p.sel, at);
	assert_string_not_equal(sel_name(&p), "pod-020");
	pane_free(&p);
	model_free(&m);
}

/* Panes rebuild for the kinds they read only; the nodes pane reads pods too. */
static void test_rebuild_only_for_own_kinds(void **state)
{
	(void)state;
	struct model m;
	struct pane pods, nodes, wl, ev;
	model_init(&m);
	pane_init(&pods, &pane_pods_ops);
	pane_init(&nodes, &pane_nodes_ops);
	pane_init(&wl, &pane_workloads_ops);
	pane_init(&ev, &pane_events_ops);
	put_node(&m, "n1", true, 1000);
	put_node(&m, "n2", true, 1000);
	put_pod(&m, "a", "p1", "n1", "Running", 0, 1000);
	struct pane *all[] = { &pods, &nodes, &wl, &ev };
	for (size_t i = 0; i < 4; i++)
		assert_true(pane_sync(all[i], &m, 90000));
	put_pod(&m, "a", "p1", "n2", "Running", 0, 1000); /* moved to n2 */
	assert_true(pane_sync(&pods, &m, 90000));
	assert_true(pane_sync(&nodes, &m, 90000));
	assert_false(pane_sync(&wl, &m, 90000));
	assert_false(pane_sync(&ev, &m, 90000));
	struct pane_row row;
	for (size_t i = 0; i < nodes.nrows; i++) {
		pane_row_fill(&nodes, &m, i, 90000, &row);
		assert_string_equal(row.cell[5], strcmp(row.cell[0], "n2") == 0 ? "1" : "0");
	}
	put_node(&m, "n3", false, 1000);
	assert_false(pane_sync(&pods, &m, 90000));
	assert_true(pane_sync(&nodes, &m, 90000));
	struct model_workload w = { .kind = MODEL_DEPLOYMENT, .ns = "a", .name = "web", .desired = 1, .created = 1000 };
	model_workload_upsert(&m, &w);
	assert_false(pane_sync(&pods, &m, 90000));
	assert_true(pane_sync(&wl, &m, 90000));
	struct model_event e = { .ns = "a", .name = "e1", .obj_kind = "Pod", .obj_name = "p1", .type = "Warning",
				 .reason = "BackOff", .message = "back-off", .count = 2, .last = 89000 };
	model_event_upsert(&m, &e);
	assert_false(pane_sync(&pods, &m, 90000));
	assert_false(pane_sync(&nodes, &m, 90000));
	assert_true(pane_sync(&ev, &m, 90000));
	pane_row_fill(&ev, &m, 0, 90000, &row);
	assert_string_equal(row.cell[1], "16m");
	assert_true(row.hl & (1u << 5));
	for (size_t i = 0; i < 4; i++)
		pane_free(all[i]);
	model_free(&m);
}

/* The restart history follows new pod versions only, and forgets deleted pods. */
static void test_restart_history(void **state)
{
	(void)state;
	struct model m;
	struct pane p;
	model_init(&m);
	pane_init(&p, &pane_pods_ops);
	char name[32];
	put_numbered(&m, 100, 1, 0);
	time_t now = 50000;
	pane_sync(&p, &m, now);
	put_pod(&m, "a", "pod-042", "n1", "Running", 2, 0); /* climbed */
	put_pod(&m, "a", "pod-043", "n1", "Running", 1, 0); /* a new version, same count */
	pane_sync(&p, &m, now + 5);
	struct pane_row row;
	size_t hl = 0;
	for (size_t i = 0; i < p.nrows; i++) {
		pane_row_fill(&p, &m, i, now + 5, &row);
		if (row.hl) {
			hl++;
			assert_string_equal(row.cell[1], "pod-042");
		}
	}
	assert_int_equal(hl, 1);
	assert_int_equal(p.stale_at, now + 5 + 300); /* when the highlight ends */
	assert_true(pane_sync(&p, &m, now + 305));
	for (size_t i = 0; i < p.nrows; i++) {
		pane_row_fill(&p, &m, i, now + 305, &row);
		assert_int_equal(row.hl, 0);
	}
	/* Delete and re-create many pods: the history is pruned, counts start afresh. */
	for (int round = 0; round < 5; round++)
		for (int i = 0; i < 100; i++) {
			if (round == 0)
				snprintf(name, sizeof(name), "pod-%03d", i);
			else
				snprintf(name, sizeof(name), "r%d-%03d", round - 1, i);
			assert_true(model_pod_delete(&m, "a", name));
			snprintf(name, sizeof(name), "r%d-%03d", round, i);
			put_pod(&m, "a", name, "n1", "Running", 0, 0);
			if (i % 25 == 0)
				pane_sync(&p, &m, now + 400);
		}
	put_pod(&m, "a", "r4-007", "n1", "Running", 3, 0);
	pane_sync(&p, &m, now + 500);
	assert_int_equal(p.nrows, 100);
	hl = 0;
	for (size_t i = 0; i < p.nrows; i++) {
		pane_row_fill(&p, &m, i, now + 500, &row);
		hl += row.hl != 0;
	}
	assert_int_equal(hl, 1);
	pane_free(&p);
	model_free(&m);
}

/* Counts rebuilds from the model: the pods pane's collect, counted. */
static int collects;
static void counting_collect(struct pane *p, const struct model *m)
{
	collects++;
	pane_pods_ops.collect(p, m);
}

/* Typing a filter and taking it back: each keystroke's view is what a rebuild from the
 * model gives, yet the model is walked only when it changed (or the sort, the ages, a
 * regex): narrowing filters the rows shown, taking a character back restores a view. */
static void test_filter_typing(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct pane_ops counted = pane_pods_ops;
	counted.collect = counting_collect;
	const struct pane_ops plain = uncached(&pane_pods_ops);
	struct pane pc, pp;
	pane_init(&pc, &counted);
	pane_init(&pp, &plain);
	uint64_t seed = 42;
	time_t now = 1700000000;
	char name[32], node[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "pod-%03d", i);
		snprintf(node, sizeof(node), "node-%d", i % 9);
		put_pod(&m, i % 3 ? "ingest" : "Kube-System", name, node, statuses[i % 5], i % 4,
			now - (time_t)(rnd(&seed) % 20000));
	}
	collects = 0;
	pane_sync(&pc, &m, now);
	pane_sync(&pp, &m, now);
	assert_int_equal(collects, 1);
	static const char *const words[] = { "Ingest", "pod-01", "crashloop", "node-3", "zzz" };
	char typed[64];
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t len = strlen(words[w]);
		pane_move_to(&pc, 150);
		for (size_t k = 1; k <= 2 * len + 1; k++) {
			/* k <= len: typing; then back to "", and the word once more at once (a paste). */
			size_t n = k <= len ? k : k <= 2 * len ? 2 * len - k : len;
			snprintf(typed, sizeof(typed), "%.*s", (int)n, words[w]);
			pane_set_filter(&pc, typed);
			pane_set_filter(&pp, typed);
			int before = collects;
			pane_sync(&pc, &m, now);
			pane_sync(&pp, &m, now);
			assert_int_equal(collects, before);
			assert_same_view(&pc, &pp, &m, now, true);
		}
		/* The model changes mid-word: one rebuild, then typing goes on without. */
		snprintf(name, sizeof(name), "pod-%03u", rnd(&seed) % 300);
		put_pod(&m, "ingest", name, "node-1", statuses[rnd(&seed) % 5], 7, now - 100);
		pane_set_filter(&pc, "p");
		pane_set_filter(&pp, "p");
		pane_sync(&pc, &m, now);
		pane_sync(&pp, &m, now);
		assert_same_view(&pc, &pp, &m, now, true);
		int before = collects;
		pane_set_filter(&pc, "po");
		pane_set_filter(&pp, "po");
		pane_sync(&pc, &m, now);
		pane_sync(&pp, &m, now);
		assert_int_equal(collects, before);
		assert_same_view(&pc, &pp, &m, now, true);
		/* The old views held rows of the model as it was: after the change, taking
		 * characters back rebuilds rather than restore them. */
		pane_set_filter(&pc, "");
		pane_set_filter(&pp, "");
		pane_sync(&pc, &m, now);
		pane_sync(&pp, &m, now);
		assert_int_equal(collects, before + 1);
		assert_same_view(&pc, &pp, &m, now, true);
	}
	/* A sort, a regex and an age ticking over each rebuild; the views stay right. */
	char err[200];
	assert_int_equal(pane_set_sort(&pc, "AGE", err, sizeof(err)), 0);
	assert_int_equal(pane_set_sort(&pp, "AGE", err, sizeof(err)), 0);
	static const char *const seq[] = { "i", "in", "~^pod-0", "~^pod-00", "in", "ing", "i", "" };
	for (size_t k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
		pane_set_filter(&pc, seq[k]);
		pane_set_filter(&pp, seq[k]);
		now += k == 5 ? 3600 : 0;
		pane_sync(&pc, &m, now);
		pane_sync(&pp, &m, now);
		assert_same_view(&pc, &pp, &m, now, true);
	}
	pane_free(&pc);
	pane_free(&pp);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_matches_fresh_format),
		cmocka_unit_test(test_filter_sees_changed_cells),
		cmocka_unit_test(test_ages_roll_over),
		cmocka_unit_test(test_selection_survives_churn),
		cmocka_unit_test(test_rebuild_only_for_own_kinds),
		cmocka_unit_test(test_restart_history),
		cmocka_unit_test(test_filter_typing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
