/* Unit tests for kube/drift: spec vs running images, two contexts side by side, Helm
 * releases from Secret labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/drift.h"
#include "panels/drift.h"
#include "panels/drift_int.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

static void add_deploy(struct model *m, const char *name, const char *images)
{
	char sel[64];
	snprintf(sel, sizeof(sel), "app=%s", name);
	struct model_workload w = { .kind = MODEL_DEPLOYMENT, .ns = (char *)"default", .name = (char *)name,
				    .desired = 2, .ready = 2, .images = (char *)images, .selector = sel };
	model_workload_upsert(m, &w);
}

static void add_pod(struct model *m, const char *name, const char *app, const char *images)
{
	char labels[64];
	snprintf(labels, sizeof(labels), "app=%s,pod-template-hash=abc", app);
	struct model_pod p = { .ns = (char *)"default", .name = (char *)name, .labels = labels,
			       .images = (char *)images, .healthy = true };
	snprintf(p.status, sizeof(p.status), "Running");
	model_pod_upsert(m, &p);
}

static const struct drift_row *row_of(const struct drift_report *r, const char *name)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].name, name))
			return &r->rows[i];
	return NULL;
}

static void test_one_context_rollout(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	add_deploy(&m, "web", "registry/web:1.5");
	add_pod(&m, "web-1", "web", "registry/web:1.5");
	add_pod(&m, "web-2", "web", "registry/web:1.4");
	add_pod(&m, "web-3", "web", "registry/web:1.4");
	add_deploy(&m, "api", "registry/api:2.0,envoy:1.29");
	add_pod(&m, "api-1", "api", "registry/api:2.0,envoy:1.29");
	struct drift_report r;
	drift_report_build(&r, &m, NULL);
	assert_int_equal(r.nrows, 2);
	const struct drift_row *w = row_of(&r, "web");
	assert_true(w->rollout);
	assert_int_equal(w->side[0].pods, 3);
	assert_int_equal(w->side[0].stale_pods, 2);
	assert_string_equal(w->side[0].running, "registry/web:1.4 x2; registry/web:1.5 x1");
	const struct drift_row *a = row_of(&r, "api");
	assert_false(a->rollout);
	assert_string_equal(a->side[0].running, "registry/api:2.0,envoy:1.29 x1");
	assert_false(a->differs);
	drift_report_free(&r);
	model_free(&m);
}

static void test_two_contexts(void **state)
{
	(void)state;
	struct model dev, prod;
	model_init(&dev);
	model_init(&prod);
	add_deploy(&dev, "hub", "hub:0.9.1");
	add_deploy(&prod, "hub", "hub:0.9.0");
	add_deploy(&dev, "proxy", "chp:3.1");
	add_deploy(&prod, "proxy", "chp:3.1");
	add_deploy(&dev, "only-dev", "x:1");
	struct drift_report r;
	drift_report_build(&r, &dev, &prod);
	assert_int_equal(r.nsides, 2);
	assert_int_equal(r.nrows, 3);
	assert_true(row_of(&r, "hub")->differs);
	assert_string_equal(row_of(&r, "hub")->side[1].spec, "hub:0.9.0");
	assert_false(row_of(&r, "proxy")->differs);
	assert_true(row_of(&r, "only-dev")->differs);
	assert_false(row_of(&r, "only-dev")->side[1].present);
	assert_string_equal(row_of(&r, "hub")->side[0].running, "-");
	drift_report_free(&r);
	model_free(&dev);
	model_free(&prod);
}

static void test_selector(void **state)
{
	(void)state;
	assert_true(drift_selector_matches("app=web", "x=1,app=web"));
	assert_false(drift_selector_matches("app=web", "app=webx"));
	assert_false(drift_selector_matches("app in (a,b)", "app=a"));
	assert_false(drift_selector_matches("", "app=a"));
	assert_true(drift_selector_matches("a=1,b=2", "b=2,a=1"));
}

static void test_helm(void **state)
{
	(void)state;
	const char *js =
		"{\"kind\":\"SecretList\",\"items\":["
		"{\"metadata\":{\"name\":\"sh.helm.release.v1.hub.v1\",\"namespace\":\"jh\","
		"\"creationTimestamp\":\"2026-11-20T10:00:00Z\",\"labels\":{\"owner\":\"helm\",\"name\":\"hub\","
		"\"status\":\"superseded\",\"version\":\"1\"}}},"
		"{\"metadata\":{\"name\":\"sh.helm.release.v1.hub.v2\",\"namespace\":\"jh\","
		"\"creationTimestamp\":\"2026-11-21T10:00:00Z\",\"labels\":{\"owner\":\"helm\",\"name\":\"hub\","
		"\"status\":\"failed\",\"version\":\"2\"}}},"
		"{\"metadata\":{\"name\":\"sh.helm.release.v1.db.v3\",\"namespace\":\"jh\","
		"\"labels\":{\"owner\":\"helm\",\"name\":\"db\",\"status\":\"deployed\",\"version\":\"3\","
		"\"modifiedAt\":\"1700000000\"}}},"
		"{\"metadata\":{\"name\":\"token\",\"namespace\":\"jh\",\"labels\":{\"name\":\"x\"}}},"
		"{\"metadata\":{\"name\":\"bad\",\"namespace\":\"jh\",\"labels\":{\"owner\":\"helm\","
		"\"name\":\"z\",\"status\":\"deployed\",\"version\":\"v1\"}}}"
		"]}";
	json_t *j = json_loads(js, 0, NULL);
	assert_non_null(j);
	struct helm_list l;
	char err[200];
	assert_int_equal(drift_helm_from_list(&l, j, err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "hub");
	assert_int_equal(l.v[0].version, 2);
	assert_string_equal(l.v[0].status, "failed");
	assert_true(l.v[0].flagged);
	assert_int_equal((long long)l.v[0].deployed, 1795255200LL);
	assert_string_equal(l.v[1].name, "db");
	assert_false(l.v[1].flagged);
	assert_int_equal((long long)l.v[1].deployed, 1700000000LL);
	drift_helm_free(&l);
	json_decref(j);
	j = json_loads("{\"kind\":\"PodList\",\"items\":[]}", 0, NULL);
	assert_int_equal(drift_helm_from_list(&l, j, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PodList"));
	json_decref(j);
}

/* The printed tables: flags in the DRIFT column, escapes from the server neutralised. */
static void test_print(void **state)
{
	(void)state;
	struct model dev, prod;
	model_init(&dev);
	model_init(&prod);
	add_deploy(&dev, "hub", "hub:0.9.1\x1b[31m");
	add_pod(&dev, "hub-1", "hub", "hub:0.9.0");
	add_deploy(&prod, "hub", "hub:0.9.0");
	struct drift_report r;
	drift_report_build(&r, &dev, &prod);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	const char *labels[2] = { "dev", "prod" };
	drift_print_report(&r, labels, out);
	struct helm_list h = { 0 };
	struct helm_release rel = { .ns = "jh", .name = "hub", .status = "failed", .version = 2, .flagged = true };
	h.v = &rel;
	h.n = 1;
	drift_print_helm(&h, "dev", 1000, out);
	fclose(out);
	assert_non_null(strstr(buf, "SPEC(dev)"));
	assert_non_null(strstr(buf, "RUNNING(prod)"));
	assert_non_null(strstr(buf, "DIFFERS, ROLLOUT 1/1 pods off spec (dev)"));
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "HELM RELEASES (dev)"));
	assert_non_null(strstr(buf, "FAILED"));
	assert_non_null(strstr(buf, "<unknown>"));
	free(buf);
	drift_report_free(&r);
	model_free(&dev);
	model_free(&prod);
}

/* Three contexts: side 0 is the reference; each other side says whether it departs. */
static void test_three_contexts(void **state)
{
	(void)state;
	struct model dev, stg, prod;
	model_init(&dev);
	model_init(&stg);
	model_init(&prod);
	add_deploy(&dev, "web", "web:2");
	add_deploy(&stg, "web", "web:2");
	add_deploy(&prod, "web", "web:1");
	add_deploy(&dev, "same", "s:1");
	add_deploy(&stg, "same", "s:1");
	add_deploy(&prod, "same", "s:1");
	add_deploy(&prod, "only-prod", "p:1");
	const struct model *ms[3] = { &dev, &stg, &prod };
	struct drift_report r;
	drift_report_build_n(&r, ms, 3);
	assert_int_equal(r.nsides, 3);
	assert_int_equal(r.nrows, 3);
	const struct drift_row *w = row_of(&r, "web");
	assert_true(w->differs);
	assert_false(w->side_differs[1]);
	assert_true(w->side_differs[2]);
	assert_false(row_of(&r, "same")->differs);
	const struct drift_row *o = row_of(&r, "only-prod");
	assert_true(o->differs);
	assert_false(o->side[0].present);
	assert_false(o->side_differs[1]);  /* absent on both dev and staging: no departure */
	assert_true(o->side_differs[2]);

	/* The console's marks: '!' leads a differing line, '*' marks the departing side,
	 * the header still starts with KIND (the screen makes it bold). */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	const char *labels[3] = { "dev", "stg", "prod" };
	drift_print_table(&r, labels, true, out);
	fclose(out);
	assert_int_equal(strncmp(buf, "KIND", 4), 0);
	assert_non_null(strstr(buf, "SPEC(stg)"));
	assert_non_null(strstr(buf, "\n!Deployment"));
	assert_non_null(strstr(buf, "*web:1"));
	assert_null(strstr(buf, "*web:2"));
	assert_non_null(strstr(buf, "*p:1"));
	assert_null(strstr(buf, "*(missing)"));
	/* An identical row leads with a blank, not a marker. */
	const char *same = strstr(buf, "\n Deployment");
	assert_non_null(same);
	assert_non_null(strstr(same, " same "));
	free(buf);
	/* Without marks the batch table is unchanged. */
	buf = NULL;
	out = open_memstream(&buf, &len);
	drift_print_table(&r, labels, false, out);
	fclose(out);
	assert_null(strstr(buf, "!Deployment"));
	assert_null(strchr(buf, '*'));
	free(buf);
	drift_report_free(&r);
	model_free(&dev);
	model_free(&stg);
	model_free(&prod);
}

/* One Secret at a time (the watch): the newest revision wins whatever the order. */
static void test_helm_parse_add(void **state)
{
	(void)state;
	json_t *a = json_loads("{\"metadata\":{\"name\":\"sh.helm.release.v1.x.v2\",\"namespace\":\"n\","
			       "\"labels\":{\"owner\":\"helm\",\"name\":\"x\",\"status\":\"pending-upgrade\","
			       "\"version\":\"2\"}}}", 0, NULL);
	json_t *b = json_loads("{\"metadata\":{\"name\":\"sh.helm.release.v1.x.v1\",\"namespace\":\"n\","
			       "\"labels\":{\"owner\":\"helm\",\"name\":\"x\",\"status\":\"superseded\","
			       "\"version\":\"1\"}}}", 0, NULL);
	json_t *c = json_loads("{\"metadata\":{\"name\":\"t\",\"labels\":{\"owner\":\"someone\"}}}", 0, NULL);
	struct helm_release ra, rb, rc;
	assert_true(drift_helm_parse(a, &ra));
	assert_true(ra.flagged);
	assert_true(drift_helm_parse(b, &rb));
	assert_false(rb.flagged);
	assert_false(drift_helm_parse(c, &rc));
	struct helm_list l = { 0 };
	drift_helm_add(&l, &ra);
	drift_helm_add(&l, &rb);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].version, 2);
	assert_string_equal(l.v[0].status, "pending-upgrade");
	drift_helm_free(&l);
	drift_helm_add(&l, &rb);
	drift_helm_add(&l, &ra);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].version, 2);
	/* The console marks a flagged release with '!'. */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	drift_print_releases(&l, "dev", 1000, true, out);
	fclose(out);
	assert_non_null(strstr(buf, "\n!n "));
	assert_non_null(strstr(buf, "PENDING"));
	free(buf);
	drift_helm_free(&l);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* The console's table is matched again only when a side's workloads or pods change (or
 * the sides or their labels do); a change of another kind reuses the text. */
static void test_table_cache(void **state)
{
	(void)state;
	struct model dev, prod;
	model_init(&dev);
	model_init(&prod);
	add_deploy(&dev, "web", "web:1.5");
	add_pod(&dev, "web-1", "web", "web:1.5");
	add_deploy(&prod, "web", "web:1.4");
	const struct model *ms[2] = { &dev, &prod };
	const char *labels[2] = { "dev", "prod" };
	struct drift_table_cache c = { 0 };

	const char *t = drift_table_cached(&c, ms, labels, 2);
	assert_int_equal(c.builds, 1);
	/* The text is what the console printed before the cache: the marked table. */
	struct drift_report r;
	drift_report_build_n(&r, ms, 2);
	char *want = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&want, &len);
	drift_print_table(&r, labels, true, out);
	fclose(out);
	drift_report_free(&r);
	assert_string_equal(t, want);
	free(want);
	assert_non_null(strstr(t, "DIFFERS"));

	/* No change: no matching, the same text. */
	assert_ptr_equal(drift_table_cached(&c, ms, labels, 2), t);
	assert_int_equal(c.builds, 1);

	/* Nodes and events are not in the table: still no matching. */
	struct model_node node = { .name = (char *)"n1", .ready = true };
	model_node_upsert(&prod, &node);
	struct model_event ev = { .ns = (char *)"default", .name = (char *)"e1" };
	model_event_upsert(&dev, &ev);
	drift_table_cached(&c, ms, labels, 2);
	assert_int_equal(c.builds, 1);

	/* A pod on another image: matched again, and the table says so. */
	add_pod(&dev, "web-2", "web", "web:1.4");
	t = drift_table_cached(&c, ms, labels, 2);
	assert_int_equal(c.builds, 2);
	assert_non_null(strstr(t, "ROLLOUT 1/2 pods off spec (dev)"));

	/* A workload change on the other side. */
	add_deploy(&prod, "web", "web:1.5");
	t = drift_table_cached(&c, ms, labels, 2);
	assert_int_equal(c.builds, 3);

	/* Another label (a `ctx` switch), then fewer sides: rebuilt each time. */
	const char *relabel[2] = { "staging", "prod" };
	t = drift_table_cached(&c, ms, relabel, 2);
	assert_int_equal(c.builds, 4);
	assert_non_null(strstr(t, "SPEC(staging)"));
	t = drift_table_cached(&c, ms, relabel, 1);
	assert_int_equal(c.builds, 5);
	assert_null(strstr(t, "prod"));
	drift_table_cached(&c, ms, relabel, 1);
	assert_int_equal(c.builds, 5);

	drift_table_cache_free(&c);
	model_free(&dev);
	model_free(&prod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_context_rollout),
		cmocka_unit_test(test_two_contexts),
		cmocka_unit_test(test_selector),
		cmocka_unit_test(test_helm),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_three_contexts),
		cmocka_unit_test(test_helm_parse_add),
		cmocka_unit_test(test_table_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
