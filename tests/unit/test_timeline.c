/* Unit tests for core/timeline: transitions observed from the model, folding, the
 * append-only file surviving a restart, audit ingestion, merging and the export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tdir, sizeof(tdir), "/tmp/tl-test-XXXXXX");
	assert_non_null(mkdtemp(tdir));
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void add_pod(struct model *m, const char *name, const char *node, const char *status, bool healthy,
		    const char *labels)
{
	struct model_pod p = { .ns = (char *)"default", .name = (char *)name, .node = (char *)node,
			       .ip = (char *)"", .healthy = healthy, .labels = (char *)labels,
			       .containers = (char *)"app", .last_exit = (char *)"" };
	snprintf(p.status, sizeof(p.status), "%s", status);
	model_pod_upsert(m, &p);
}

static void add_node(struct model *m, const char *name, bool ready, const char *status)
{
	struct model_node n = { .name = (char *)name, .ready = ready };
	snprintf(n.status, sizeof(n.status), "%s", status);
	model_node_upsert(m, &n);
}

static void add_deploy(struct model *m, const char *name, int desired, int ready)
{
	char sel[64];
	snprintf(sel, sizeof(sel), "app=%s", name);
	struct model_workload w = { .kind = MODEL_DEPLOYMENT, .ns = (char *)"default", .name = (char *)name,
				    .desired = desired, .ready = ready, .images = (char *)"x:1",
				    .selector = sel };
	model_workload_upsert(m, &w);
}

static const struct timeline_entry *find_text(const struct timeline *tl, const char *needle, size_t *at)
{
	for (size_t i = 0; i < tl->nentries; i++)
		if (strstr(tl->entries[i]->text, needle)) {
			if (at)
				*at = i;
			return tl->entries[i];
		}
	return NULL;
}

static void healthy_cluster(struct model *m)
{
	add_node(m, "n1", true, "Ready");
	add_node(m, "n2", true, "Ready");
	add_deploy(m, "web", 4, 4);
	add_deploy(m, "api", 1, 1);
	add_pod(m, "web-5d8f7c9b6-aaaaa", "n1", "Running", true, "app=web,pod-template-hash=5d8f7c9b6");
	add_pod(m, "web-5d8f7c9b6-bbbbb", "n1", "Running", true, "app=web,pod-template-hash=5d8f7c9b6");
	add_pod(m, "web-5d8f7c9b6-ccccc", "n1", "Running", true, "app=web,pod-template-hash=5d8f7c9b6");
	add_pod(m, "web-5d8f7c9b6-ddddd", "n2", "Running", true, "app=web,pod-template-hash=5d8f7c9b6");
	add_pod(m, "api-7f9c4d6b8-zzzzz", "n2", "Running", true, "app=api");
}

static void write_audit(const char *path, const char *time, const char *cmd, const char *result)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "{\"time\":\"%s\",\"user\":\"op\",\"context\":\"prod\",\"command\":\"%s\","
		"\"objects\":[\"deployment/web\"],\"result\":\"%s\",\"dry_run\":false,\"error\":null}\n",
		time, cmd, result);
	fclose(f);
}

/* 1000000020 = 2001-09-09T01:47:00Z */
enum { T0 = 1000000020 };

static void test_sequence_fold_restart_export(void **state)
{
	(void)state;
	char err[300], dir[128], audit[128];
	snprintf(dir, sizeof(dir), "%s/incidents", tdir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", tdir);
	struct timeline tl;
	assert_int_equal(timeline_open(&tl, dir, audit, T0, err, sizeof(err)), 0);
	assert_string_equal(tl.name, "2001-09-09");
	struct model m;
	model_init(&m);
	healthy_cluster(&m);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0, err, sizeof(err)), 0);
	assert_int_equal(tl.nentries, 0);

	/* node-down: n1 NotReady, its three web pods Unknown, web 1/4 ready. */
	add_node(&m, "n1", false, "NotReady");
	add_pod(&m, "web-5d8f7c9b6-aaaaa", "n1", "Unknown", false, "app=web,pod-template-hash=5d8f7c9b6");
	add_pod(&m, "web-5d8f7c9b6-bbbbb", "n1", "Unknown", false, "app=web,pod-template-hash=5d8f7c9b6");
	add_deploy(&m, "web", 4, 2);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 60, err, sizeof(err)), 3);
	const struct timeline_entry *e = find_text(&tl, "pods of deployment default/web entered Unknown", NULL);
	assert_non_null(e);
	assert_int_equal(e->count, 2);
	/* A third pod a few seconds later folds into the same entry. */
	add_pod(&m, "web-5d8f7c9b6-ccccc", "n1", "Unknown", false, "app=web,pod-template-hash=5d8f7c9b6");
	add_deploy(&m, "web", 4, 1);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 65, err, sizeof(err)), 1);
	assert_int_equal(tl.nentries, 3);
	e = find_text(&tl, "3 pods of deployment default/web entered Unknown", NULL);
	assert_non_null(e);
	assert_int_equal(e->count, 3);
	assert_non_null(find_text(&tl, "Node n1 is NotReady", NULL));
	assert_non_null(find_text(&tl, "Deployment default/web dropped below desired: ready 2/4", NULL));

	/* "SIGKILL": drop the memory, reopen from the file.  Nothing is recorded twice. */
	timeline_close(&tl);
	assert_int_equal(timeline_open(&tl, dir, audit, T0 + 70, err, sizeof(err)), 0);
	assert_int_equal(tl.nentries, 3);
	assert_int_equal(find_text(&tl, "3 pods of", NULL)->count, 3);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 75, err, sizeof(err)), 0);

	/* crashloop; the pod passing through Error is not a new entry. */
	add_pod(&m, "api-7f9c4d6b8-zzzzz", "n2", "CrashLoopBackOff", false, "app=api");
	add_deploy(&m, "api", 1, 0);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 120, err, sizeof(err)), 2);
	assert_non_null(find_text(&tl, "Pod default/api-7f9c4d6b8-zzzzz (deployment api) entered CrashLoopBackOff", NULL));
	add_pod(&m, "api-7f9c4d6b8-zzzzz", "n2", "Error", false, "app=api");
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 130, err, sizeof(err)), 0);

	/* red button and restore from the audit trail ("attempted" lines are not entries). */
	write_audit(audit, "2001-09-09T01:50:00Z", "red-button default", "attempted");
	write_audit(audit, "2001-09-09T01:50:01Z", "red-button default", "ok");
	assert_int_equal(timeline_ingest_audit(&tl, err, sizeof(err)), 1);
	write_audit(audit, "2001-09-09T01:52:00Z", "restore default", "ok");
	write_audit(audit, "2001-09-09T01:40:00Z", "scale deployment/web 1", "ok"); /* before the incident */
	assert_int_equal(timeline_ingest_audit(&tl, err, sizeof(err)), 1);
	timeline_close(&tl);
	assert_int_equal(timeline_open(&tl, dir, audit, T0 + 300, err, sizeof(err)), 0);
	assert_int_equal(timeline_ingest_audit(&tl, err, sizeof(err)), 0); /* re-read: no duplicates */

	/* node-up: the Unknown pods are replaced (gone), the node is Ready, web recovers. */
	add_node(&m, "n1", true, "Ready");
	model_pod_delete(&m, "default", "web-5d8f7c9b6-aaaaa");
	model_pod_delete(&m, "default", "web-5d8f7c9b6-bbbbb");
	model_pod_delete(&m, "default", "web-5d8f7c9b6-ccccc");
	add_pod(&m, "api-7f9c4d6b8-zzzzz", "n2", "Running", true, "app=api");
	add_deploy(&m, "web", 4, 4);
	add_deploy(&m, "api", 1, 1);
	assert_int_equal(timeline_observe_model(&tl, &m, "prod", T0 + 400, err, sizeof(err)), 5);
	e = find_text(&tl, "3 pods of deployment default/web left Unknown", NULL);
	assert_non_null(e);
	size_t i_down = 0, i_crash = 0, i_red = 0, i_restore = 0, i_up = 0;
	assert_non_null(find_text(&tl, "Node n1 is NotReady", &i_down));
	assert_non_null(find_text(&tl, "entered CrashLoopBackOff", &i_crash));
	assert_non_null(find_text(&tl, "`red-button default`: ok", &i_red));
	assert_non_null(find_text(&tl, "`restore default`: ok", &i_restore));
	assert_non_null(find_text(&tl, "Node n1 is Ready again", &i_up));
	assert_true(i_down < i_crash && i_crash < i_red && i_red < i_restore && i_restore < i_up);

	/* Export: the postmortem's shape, entries in order. */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	timeline_export_markdown(&tl, out);
	fclose(out);
	assert_true(!strncmp(buf, "# 2001-09-09 - 2001-09-09\n\n## Summary ##\n", 40));
	const char *marks[] = { "## Timeline ##", "All times in UTC (UTC+00:00)",
				"### September 9 2001 01:48 ###", "[prod] Node n1 is NotReady",
				"[prod] 3 pods of deployment default/web entered Unknown",
				"[prod] Deployment default/web dropped below desired: ready 2/4", "### 01:49 ###",
				"entered CrashLoopBackOff", "### 01:50 ###", "Action: `red-button default`: ok",
				"### 01:53 ###", "Node n1 is Ready again", "3 pods of deployment default/web left Unknown", "## Actions taken ##",
				"- 01:50 [prod] `red-button default`: ok", "- 01:52 [prod] `restore default`: ok",
				"## Action items ##" };
	const char *at = buf;
	for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
		const char *p = strstr(at, marks[k]);
		if (!p)
			fail_msg("export: '%s' missing or out of order in:\n%s", marks[k], buf);
		at = p;
	}
	assert_null(strstr(buf, "scale deployment/web"));
	free(buf);
	timeline_close(&tl);
	model_free(&m);
}

static void test_merge_and_bad_lines(void **state)
{
	(void)state;
	char err[300], d1[128], d2[128];
	snprintf(d1, sizeof(d1), "%s/m1", tdir);
	snprintf(d2, sizeof(d2), "%s/m2", tdir);
	struct timeline a, b;
	assert_int_equal(timeline_open(&a, d1, NULL, T0, err, sizeof(err)), 0);
	assert_int_equal(timeline_open(&b, d2, NULL, T0, err, sizeof(err)), 0);
	snprintf(b.origin, sizeof(b.origin), "other-machine");
	assert_int_equal(timeline_observe_state(&a, "prod", "service/api", "down", NULL, T0 + 10, err, sizeof(err)), 1);
	assert_int_equal(timeline_observe_state(&a, "prod", "service/api", "down", NULL, T0 + 11, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_state(&b, "prod", "service/api", "down", NULL, T0 + 12, err, sizeof(err)), 1);
	assert_int_equal(timeline_observe_state(&b, "web1", "host/web1", "disk 93%", "Host web1 disk over 90%",
						T0 + 5, err, sizeof(err)), 1);
	assert_int_equal(timeline_merge_file(&a, b.path, err, sizeof(err)), 2);
	assert_int_equal(timeline_merge_file(&a, b.path, err, sizeof(err)), 0);
	assert_int_equal(a.nentries, 3);
	assert_non_null(strstr(a.entries[0]->text, "disk over 90%")); /* merged in time order */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	timeline_export_markdown(&a, out);
	fclose(out);
	/* The same observation from the other machine is exported once. */
	const char *p = strstr(buf, "service/api is down");
	assert_non_null(p);
	assert_null(strstr(p + 1, "service/api is down"));
	free(buf);

	/* A torn or foreign line is skipped on load, not fatal. */
	FILE *f = fopen(a.path, "a");
	fputs("{\"id\":\"x\",\"time\":\"yesterday\"}\nnot json\n{\"id\":\"trunc", f);
	fclose(f);
	timeline_close(&a);
	assert_int_equal(timeline_open(&a, d1, NULL, T0, err, sizeof(err)), 0);
	assert_int_equal(a.nentries, 3);
	assert_int_equal(a.bad_lines, 3);
	assert_int_equal(timeline_merge_file(&a, "/nonexistent/x.jsonl", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.jsonl"));
	timeline_close(&a);
	timeline_close(&b);
}

static void test_incident_start_end(void **state)
{
	(void)state;
	char err[300], dir[128];
	snprintf(dir, sizeof(dir), "%s/inc", tdir);
	struct timeline tl;
	assert_int_equal(timeline_open(&tl, dir, NULL, T0, err, sizeof(err)), 0);
	assert_int_equal(timeline_incident_start(&tl, "../etc", T0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "../etc"));
	assert_int_equal(timeline_incident_start(&tl, "db-outage", T0, err, sizeof(err)), 0);
	assert_string_equal(tl.name, "db-outage");
	assert_int_equal(tl.nentries, 1);
	timeline_close(&tl);
	/* The current incident survives a restart. */
	assert_int_equal(timeline_open(&tl, dir, NULL, T0 + 86400, err, sizeof(err)), 0);
	assert_string_equal(tl.name, "db-outage");
	assert_int_equal(timeline_incident_end(&tl, T0 + 86400, err, sizeof(err)), 0);
	assert_string_equal(tl.name, "2001-09-10");
	assert_int_equal(tl.nentries, 0);
	timeline_close(&tl);
	assert_int_equal(timeline_open(&tl, dir, NULL, T0 + 86400, err, sizeof(err)), 0);
	assert_string_equal(tl.name, "2001-09-10");
	/* Another warroom starts an incident: this one follows; midnight rolls the day. */
	struct timeline other;
	assert_int_equal(timeline_open(&other, dir, NULL, T0 + 86400, err, sizeof(err)), 0);
	assert_int_equal(timeline_incident_start(&other, "from-run", T0 + 86400, err, sizeof(err)), 0);
	assert_int_equal(timeline_follow(&tl, T0 + 86400, err, sizeof(err)), 1);
	assert_string_equal(tl.name, "from-run");
	assert_int_equal(tl.nentries, 1);
	assert_int_equal(timeline_follow(&tl, T0 + 86400, err, sizeof(err)), 0);
	assert_int_equal(timeline_incident_end(&other, T0 + 86400, err, sizeof(err)), 0);
	assert_int_equal(timeline_follow(&tl, T0 + 2 * 86400, err, sizeof(err)), 1);
	assert_string_equal(tl.name, "2001-09-11");
	timeline_close(&other);
	timeline_close(&tl);
}

static void test_pod_group(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	add_deploy(&m, "web", 1, 1);
	add_pod(&m, "web-5d8f7c9b6-aaaaa", "n1", "Running", true, "app=web");
	add_pod(&m, "other-5d8f7c9b6-bbbbb", "n1", "Running", true, "app=zzz");
	add_pod(&m, "db-0", "n1", "Running", true, "");
	char g[256];
	timeline_pod_group(&m, model_pod_find(&m, "default", "web-5d8f7c9b6-aaaaa"), g, sizeof(g));
	assert_string_equal(g, "deployment/default/web");
	timeline_pod_group(&m, model_pod_find(&m, "default", "other-5d8f7c9b6-bbbbb"), g, sizeof(g));
	assert_string_equal(g, "pods/default/other");
	timeline_pod_group(&m, model_pod_find(&m, "default", "db-0"), g, sizeof(g));
	assert_string_equal(g, "pods/default/db");
	model_free(&m);
}

/* Two contexts (a console given --context dev --context prod): the same object in each
 * has its own state, a model observed per context records under that context, and a
 * restart replays both so that nothing is recorded twice. */
static void test_contexts_restart(void **state)
{
	(void)state;
	char err[300], dir[128];
	snprintf(dir, sizeof(dir), "%s/ctx", tdir);
	struct timeline tl;
	assert_int_equal(timeline_open(&tl, dir, NULL, T0, err, sizeof(err)), 0);
	const char *obj = "helm/ingest/ingest-stack";
	assert_int_equal(timeline_observe_state(&tl, "dev", obj, "failed", "Helm release ingest/ingest-stack revision 5 is failed",
						T0 + 1, err, sizeof(err)), 1);
	assert_int_equal(timeline_observe_state(&tl, "prod", obj, "failed", "Helm release ingest/ingest-stack revision 5 is failed",
						T0 + 1, err, sizeof(err)), 1);
	assert_int_equal(timeline_observe_state(&tl, "dev", obj, "failed", NULL, T0 + 2, err, sizeof(err)), 0);
	struct model dev, prod;
	model_init(&dev);
	model_init(&prod);
	healthy_cluster(&dev);
	healthy_cluster(&prod);
	assert_true(timeline_observe_model(&tl, &dev, "dev", T0 + 3, err, sizeof(err)) >= 0);
	assert_true(timeline_observe_model(&tl, &prod, "prod", T0 + 3, err, sizeof(err)) >= 0);
	add_node(&prod, "n1", false, "NotReady");
	assert_int_equal(timeline_observe_model(&tl, &dev, "dev", T0 + 4, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_model(&tl, &prod, "prod", T0 + 4, err, sizeof(err)), 1);
	size_t at = 0;
	const struct timeline_entry *e = find_text(&tl, "Node n1 is NotReady", &at);
	assert_non_null(e);
	assert_string_equal(e->ctx, "prod");
	assert_string_equal(e->object, "node/n1");
	size_t n = tl.nentries;
	timeline_close(&tl);

	/* The restart: the same observations add nothing, a change in dev still does. */
	assert_int_equal(timeline_open(&tl, dir, NULL, T0 + 10, err, sizeof(err)), 0);
	assert_int_equal(tl.nentries, n);
	assert_int_equal(timeline_observe_state(&tl, "prod", obj, "failed", NULL, T0 + 11, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_model(&tl, &prod, "prod", T0 + 11, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_model(&tl, &dev, "dev", T0 + 11, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_state(&tl, "dev", obj, "", "Helm release ingest/ingest-stack recovered: revision 6 is deployed",
						T0 + 12, err, sizeof(err)), 1);
	assert_int_equal(tl.nentries, n + 1);
	assert_string_equal(tl.entries[n]->ctx, "dev");
	assert_string_equal(tl.entries[n]->state, "");
	timeline_close(&tl);
	model_free(&dev);
	model_free(&prod);
}

/* Hostile text (an Event message, a pm2 name) reaches the export: no escape, C1 control
 * or BiDi override survives, and a newline cannot start a Markdown heading. */
static void test_export_sanitised(void **state)
{
	(void)state;
	char err[300], dir[128];
	snprintf(dir, sizeof(dir), "%s/hostile", tdir);
	struct timeline tl;
	assert_int_equal(timeline_open(&tl, dir, NULL, T0, err, sizeof(err)), 0);
	assert_int_equal(timeline_observe_state(&tl, "prod", "host/vm1",
						"down", "pm2 app \x1b]0;owned\x07 \xc2\x9b" "31m red \xe2\x80\xae" "evil\n# Heading",
						T0, err, sizeof(err)), 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	timeline_export_markdown(&tl, out);
	fclose(out);
	assert_non_null(strstr(buf, "red"));
	assert_null(strchr(buf, '\x1b'));
	assert_null(strstr(buf, "\xc2\x9b"));
	assert_null(strstr(buf, "\xe2\x80\xae"));
	assert_null(strstr(buf, "\n# Heading"));
	free(buf);
	timeline_close(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_fold_restart_export),
		cmocka_unit_test(test_merge_and_bad_lines),
		cmocka_unit_test(test_incident_start_end),
		cmocka_unit_test(test_pod_group),
		cmocka_unit_test(test_contexts_restart),
		cmocka_unit_test(test_export_sanitised),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
