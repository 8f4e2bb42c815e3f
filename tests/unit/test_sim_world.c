/* Unit tests for sim/world: scenario content, synthetic counts, scenario file errors,
 * every fault's effect on the store (the reconcile step is driven directly with a fake
 * clock, no sleeping), and malformed fault bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/world_int.h"

struct fx {
	struct sim sim;
	double t; /* fake monotonic clock handed to the reconcile step */
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->sim.store = store_new(100000);
	f->sim.logs = logs_new(500);
	f->sim.seed = 42;
	f->sim.world = world_new(&f->sim);
	f->t = world_now();
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	world_free(f->sim.world);
	logs_free(f->sim.logs);
	store_free(f->sim.store);
	free(f);
	return 0;
}

static void fx_default(struct fx *f)
{
	char err[256] = "";
	assert_int_equal(world_load_default(f->sim.world, err, sizeof(err)), 0);
}

/* Advances the fake clock by `secs` in controller ticks. */
static void fx_run(struct fx *f, double secs)
{
	for (double d = 0; d < secs; d += 0.25) {
		f->t += 0.25;
		store_lock(f->sim.store);
		world_reconcile(f->sim.world, f->t);
		world_loggen_tick(f->sim.world, 0.25);
		store_unlock(f->sim.store);
	}
}

static int fx_fault(struct fx *f, const char *json, char *err, size_t len)
{
	json_t *b = json_loads(json, 0, NULL);
	assert_non_null(b);
	int rc = world_fault(f->sim.world, b, err, len);
	json_decref(b);
	return rc;
}

/* Pods of a deployment (by name prefix) in ns; counts those matching a predicate. */
static int count_pods(struct fx *f, const char *ns, const char *prefix,
		      int (*pred)(const json_t *pod))
{
	json_t **pods;
	store_lock(f->sim.store);
	size_t n = store_list(f->sim.store, SIM_PODS, ns, &pods);
	int c = 0;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(sim_obj_name(pods[i]), prefix, strlen(prefix)) &&
		    (!pred || pred(pods[i])))
			c++;
	free(pods);
	store_unlock(f->sim.store);
	return c;
}

static int pod_ready(const json_t *p)
{
	json_t *cs = json_array_get(world_get(p, "status.containerStatuses"), 0);
	return !world_get(p, "metadata.deletionTimestamp") &&
	       json_is_true(json_object_get(cs, "ready"));
}

static int pod_live(const json_t *p)
{
	return !world_get(p, "metadata.deletionTimestamp");
}

static int pod_nodelost(const json_t *p)
{
	const char *r = world_get_str(p, "status.reason");
	return world_get(p, "metadata.deletionTimestamp") && r && !strcmp(r, "NodeLost");
}

static const char *waiting_reason(const json_t *p)
{
	return world_get_str(json_array_get(world_get(p, "status.containerStatuses"), 0),
			     "state.waiting.reason");
}

static int pod_crashloop(const json_t *p)
{
	const char *w = waiting_reason(p);
	return w && !strcmp(w, "CrashLoopBackOff");
}

static int pod_pull_err(const json_t *p)
{
	const char *w = waiting_reason(p);
	return w && (!strcmp(w, "ErrImagePull") || !strcmp(w, "ImagePullBackOff"));
}

static int pod_unschedulable(const json_t *p)
{
	json_t *c = json_array_get(world_get(p, "status.conditions"), 0);
	const char *phase = world_get_str(p, "status.phase");
	const char *r = json_string_value(json_object_get(c, "reason"));
	return phase && !strcmp(phase, "Pending") && r && !strcmp(r, "Unschedulable") &&
	       pod_live(p);
}

static void test_default_content(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	struct sim_store *s = f->sim.store;
	store_lock(s);
	assert_int_equal(store_count(s, SIM_NODES, NULL), 3);
	assert_non_null(store_get(s, SIM_NODES, NULL, "ip-172-20-110-97.ec2.internal"));
	assert_int_equal(store_count(s, SIM_DEPLOYMENTS, "ingest"), 8);
	assert_int_equal(store_count(s, SIM_STATEFULSETS, "ingest"), 2);
	assert_non_null(store_get(s, SIM_PODS, "ingest", "mongo-0"));
	assert_non_null(store_get(s, SIM_PODS, "ingest", "rabbitmq-0"));
	assert_non_null(store_get(s, SIM_NAMESPACES, NULL, "kube-system"));
	assert_non_null(store_get(s, SIM_CRONJOBS, "ingest", "ingest-backup"));
	const json_t *d = store_get(s, SIM_DEPLOYMENTS, "managed-services", "managed-services-api");
	assert_non_null(d);
	assert_int_equal(json_integer_value(world_get(d, "status.readyReplicas")), 3);
	store_unlock(s);
	assert_int_equal(count_pods(f, "managed-services", "managed-services-api-", pod_ready), 3);
	assert_int_equal(count_pods(f, "kube-system", "kube-proxy-", pod_ready), 3);
	/* everything starts healthy */
	int all = count_pods(f, "ingest", "ingest-", NULL);
	int ready = count_pods(f, "ingest", "ingest-", pod_ready);
	assert_int_equal(all - 1, ready); /* all but the completed backup job's pod */
	/* exactly one leader */
	json_t **pods;
	store_lock(s);
	size_t n = store_list(s, SIM_PODS, "managed-services", &pods);
	int leaders = 0;
	for (size_t i = 0; i < n; i++) {
		struct logs_query q = {.ns = "managed-services", .pod = sim_obj_name(pods[i]),
				       .container = "service", .tail_lines = -1,
				       .limit_bytes = -1};
		uint64_t cur = 0;
		char *out;
		size_t len;
		assert_int_equal(logs_read(f->sim.logs, &q, &cur, &out, &len), 0);
		if (strstr(out, "Running as the leader and starting worker *workers.ClusterManager"))
			leaders++;
		free(out);
	}
	free(pods);
	store_unlock(s);
	assert_int_equal(leaders, 1);
}

static void test_synthetic(void **state)
{
	struct fx *f = *state;
	char err[256];
	assert_int_equal(world_load_synthetic(f->sim.world, 1000, 40, err, sizeof(err)), 0);
	store_lock(f->sim.store);
	assert_int_equal(store_count(f->sim.store, SIM_PODS, NULL), 1000);
	assert_int_equal(store_count(f->sim.store, SIM_NODES, NULL), 40);
	assert_int_equal(store_count(f->sim.store, SIM_DEPLOYMENTS, NULL), 40);
	store_unlock(f->sim.store);
	assert_int_equal(world_load_synthetic(f->sim.world, 10, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--nodes"));
}

static void test_scenario_file(void **state)
{
	struct fx *f = *state;
	char err[512] = "";
	assert_int_equal(world_load_file(f->sim.world, "tests/fixtures/scenarios/shop.yaml", err,
					 sizeof(err)),
			 0);
	assert_int_equal(count_pods(f, "shop", "frontend-", pod_ready), 2);
	assert_int_equal(count_pods(f, "shop", "postgres-0", pod_ready), 1);
	assert_int_equal(f->sim.world->ntimed, 1);
}

static void test_scenario_json(void **state)
{
	struct fx *f = *state;
	char err[512] = "";
	assert_int_equal(world_load_file(f->sim.world, "tests/fixtures/scenarios/shop.json", err,
					 sizeof(err)),
			 0);
	assert_int_equal(count_pods(f, "shop", "frontend-", pod_ready), 2);
}

static void test_scenario_errors(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *file, *want1, *want2;
	} cases[] = {
		{"bad-key.yaml", "bad-key.yaml:5:", "unknown key \"replica\""},
		{"bad-syntax.yaml", "bad-syntax.yaml:5:", "YAML error"},
		{"bad-fault.yaml", "bad-fault.yaml:6:", "\"at\""},
		{"missing.yaml", "missing.yaml", "cannot open"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[128], err[512] = "";
		snprintf(path, sizeof(path), "tests/fixtures/scenarios/%s", cases[i].file);
		assert_int_equal(world_load_file(f->sim.world, path, err, sizeof(err)), -1);
		if (!strstr(err, cases[i].want1) || !strstr(err, cases[i].want2))
			fail_msg("%s: unexpected error: %s", cases[i].file, err);
	}
}

static void test_fault_node_down_up(void **state)
{
	struct fx *f = *state;
	char err[256];
	fx_default(f);
	const char *node = "ip-172-20-110-97.ec2.internal";
	assert_int_equal(fx_fault(f, "{\"type\":\"node-down\",\"node\":\"ip-172-20-110-97.ec2.internal\"}",
				  err, sizeof(err)),
			 0);
	store_lock(f->sim.store);
	const json_t *n = store_get(f->sim.store, SIM_NODES, NULL, node);
	const json_t *ready = json_array_get(world_get(n, "status.conditions"), 3);
	assert_string_equal(world_get_str(ready, "status"), "Unknown");
	store_unlock(f->sim.store);
	int lost = count_pods(f, NULL, "", pod_nodelost);
	assert_true(lost > 0);
	fx_run(f, 6);
	/* lost pods stay (no kubelet to confirm), replacements run elsewhere */
	assert_int_equal(count_pods(f, NULL, "", pod_nodelost), lost);
	assert_int_equal(count_pods(f, "managed-services", "managed-services-api-", pod_ready), 3);
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_ready), 2);
	assert_int_equal(fx_fault(f, "{\"type\":\"node-up\",\"node\":\"ip-172-20-110-97.ec2.internal\"}",
				  err, sizeof(err)),
			 0);
	fx_run(f, 4);
	assert_int_equal(count_pods(f, NULL, "", pod_nodelost), 0);
	assert_int_equal(count_pods(f, "managed-services", "managed-services-api-", NULL), 3);
}

static void test_fault_crashloop(void **state)
{
	struct fx *f = *state;
	char err[256];
	fx_default(f);
	assert_int_equal(fx_fault(f, "{\"type\":\"crashloop\",\"namespace\":\"ingest\","
				     "\"deployment\":\"ingest-broker\",\"message\":\"boom: no amqp\"}",
				  err, sizeof(err)),
			 0);
	int seen_backoff = 0;
	for (int i = 0; i < 40; i++) {
		fx_run(f, 0.5);
		seen_backoff |= count_pods(f, "ingest", "ingest-broker-", pod_crashloop) == 1;
	}
	assert_true(seen_backoff);
	json_t **pods;
	store_lock(f->sim.store);
	size_t n = store_list(f->sim.store, SIM_PODS, "ingest", &pods);
	const json_t *p = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(sim_obj_name(pods[i]), "ingest-broker-", 14))
			p = pods[i];
	assert_non_null(p);
	json_t *cs = json_array_get(world_get(p, "status.containerStatuses"), 0);
	assert_true(json_integer_value(json_object_get(cs, "restartCount")) >= 3);
	assert_string_equal(world_get_str(cs, "lastState.terminated.message"), "boom: no amqp");
	assert_int_equal(json_integer_value(world_get(cs, "lastState.terminated.exitCode")), 1);
	struct logs_query q = {.ns = "ingest", .pod = sim_obj_name(p), .previous = true,
			       .tail_lines = 1, .limit_bytes = -1};
	uint64_t cur = 0;
	char *out;
	size_t len;
	assert_int_equal(logs_read(f->sim.logs, &q, &cur, &out, &len), 0);
	assert_string_equal(out, "boom: no amqp\n");
	free(out);
	free(pods);
	store_unlock(f->sim.store);
	assert_int_equal(fx_fault(f, "{\"type\":\"clear\"}", err, sizeof(err)), 0);
	fx_run(f, 6);
	assert_int_equal(count_pods(f, "ingest", "ingest-broker-", pod_ready), 1);
}

static void test_fault_unavailable_pending(void **state)
{
	struct fx *f = *state;
	char err[256];
	fx_default(f);
	assert_int_equal(fx_fault(f, "{\"type\":\"unavailable\",\"namespace\":\"ingest\","
				     "\"deployment\":\"ingest-validator\"}",
				  err, sizeof(err)),
			 0);
	assert_int_equal(fx_fault(f, "{\"type\":\"pending\",\"namespace\":\"ingest\","
				     "\"deployment\":\"ingest-ontology\"}",
				  err, sizeof(err)),
			 0);
	fx_run(f, 4);
	assert_int_equal(count_pods(f, "ingest", "ingest-validator-", pod_live), 2);
	assert_int_equal(count_pods(f, "ingest", "ingest-validator-", pod_ready), 0);
	assert_int_equal(count_pods(f, "ingest", "ingest-ontology-", pod_unschedulable), 1);
	assert_int_equal(fx_fault(f, "{\"type\":\"clear\"}", err, sizeof(err)), 0);
	fx_run(f, 6);
	assert_int_equal(count_pods(f, "ingest", "ingest-validator-", pod_ready), 2);
	assert_int_equal(count_pods(f, "ingest", "ingest-ontology-", pod_ready), 1);
}

static void test_fault_image_pull(void **state)
{
	struct fx *f = *state;
	char err[256];
	fx_default(f);
	assert_int_equal(fx_fault(f, "{\"type\":\"image-pull\",\"namespace\":\"ingest\","
				     "\"deployment\":\"ingest-core\",\"image\":\"quay.io/ingest/core:nope\"}",
				  err, sizeof(err)),
			 0);
	fx_run(f, 5);
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_pull_err), 2);
	/* the old pods keep serving */
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_ready), 2);
	assert_int_equal(fx_fault(f, "{\"type\":\"clear\"}", err, sizeof(err)), 0);
	fx_run(f, 6);
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_pull_err), 0);
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_ready), 2);
}

static void test_fault_log_event_latency(void **state)
{
	struct fx *f = *state;
	char err[256];
	fx_default(f);
	assert_int_equal(fx_fault(f, "{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"mongo-0\","
				     "\"lines\":[\"\\u001b[31mEVIL\\u001b[0m\",\"second\"]}",
				  err, sizeof(err)),
			 0);
	struct logs_query q = {.ns = "ingest", .pod = "mongo-0", .tail_lines = 2,
			       .limit_bytes = -1};
	uint64_t cur = 0;
	char *out;
	size_t len;
	assert_int_equal(logs_read(f->sim.logs, &q, &cur, &out, &len), 0);
	assert_string_equal(out, "\x1b[31mEVIL\x1b[0m\nsecond\n");
	free(out);
	assert_int_equal(fx_fault(f, "{\"type\":\"event\",\"namespace\":\"ingest\",\"kind\":\"Pod\","
				     "\"name\":\"mongo-0\",\"event_type\":\"Warning\",\"reason\":\"Drill\","
				     "\"message\":\"fire drill\"}",
				  err, sizeof(err)),
			 0);
	assert_int_equal(fx_fault(f, "{\"type\":\"latency\",\"ms\":250}", err, sizeof(err)), 0);
	assert_int_equal(atomic_load(&f->sim.latency_ms), 250);
	assert_int_equal(fx_fault(f, "{\"type\":\"log-rate\",\"namespace\":\"ingest\","
				     "\"deployment\":\"ingest-core\",\"lines_per_s\":1000}",
				  err, sizeof(err)),
			 0);
	fx_run(f, 1);
	q.pod = NULL;
	json_t **pods;
	store_lock(f->sim.store);
	size_t n = store_list(f->sim.store, SIM_PODS, "ingest", &pods);
	for (size_t i = 0; i < n && !q.pod; i++)
		if (!strncmp(sim_obj_name(pods[i]), "ingest-core-", 12))
			q.pod = sim_obj_name(pods[i]);
	q.tail_lines = -1;
	cur = 0;
	assert_int_equal(logs_read(f->sim.logs, &q, &cur, &out, &len), 0);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += out[i] == '\n';
	free(out);
	free(pods);
	store_unlock(f->sim.store);
	assert_true(lines >= 400); /* the ring (500 here) holds the burst, bounded */
	assert_true(lines <= 500);
	assert_int_equal(fx_fault(f, "{\"type\":\"clear\"}", err, sizeof(err)), 0);
	assert_int_equal(atomic_load(&f->sim.latency_ms), 0);
}

static void test_record_event_dedup(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	store_lock(f->sim.store);
	size_t before = store_count(f->sim.store, SIM_EVENTS, "ingest");
	world_record_event(f->sim.world, "ingest", "Pod", "mongo-0", "Warning", "Drill", "x");
	world_record_event(f->sim.world, "ingest", "Pod", "mongo-0", "Warning", "Drill", "x");
	assert_int_equal(store_count(f->sim.store, SIM_EVENTS, "ingest"), before + 1);
	json_t **evs;
	size_t n = store_list(f->sim.store, SIM_EVENTS, "ingest", &evs);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		const char *r = world_get_str(evs[i], "reason");
		if (r && !strcmp(r, "Drill")) {
			found = 1;
			assert_int_equal(json_integer_value(json_object_get(evs[i], "count")), 2);
			assert_string_equal(world_get_str(evs[i], "involvedObject.name"), "mongo-0");
			assert_string_equal(world_get_str(evs[i], "source.component"), "kubelet");
		}
	}
	free(evs);
	store_unlock(f->sim.store);
	assert_true(found);
}

static void test_bad_fault_bodies(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	static const struct {
		const char *body, *want;
	} cases[] = {
		{"[]", "JSON object"},
		{"{}", "missing string field \"type\""},
		{"{\"type\":3}", "non-string field \"type\""},
		{"{\"type\":\"meteor\"}", "unknown type \"meteor\""},
		{"{\"type\":\"node-down\"}", "fault \"node-down\": missing string field \"node\""},
		{"{\"type\":\"node-down\",\"node\":\"ghost\"}", "node \"ghost\" not found"},
		{"{\"type\":\"crashloop\",\"namespace\":\"ingest\",\"message\":\"m\"}",
		 "fault \"crashloop\": missing string field \"deployment\""},
		{"{\"type\":\"crashloop\",\"namespace\":\"ingest\",\"deployment\":\"nope\",\"message\":\"m\"}",
		 "deployment \"ingest/nope\" not found"},
		{"{\"type\":\"crashloop\",\"namespace\":\"ingest\",\"deployment\":\"ingest-core\"}",
		 "missing string field \"message\""},
		{"{\"type\":\"image-pull\",\"namespace\":\"ingest\",\"deployment\":\"ingest-core\"}",
		 "missing string field \"image\""},
		{"{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"mongo-0\",\"lines\":\"x\"}",
		 "non-array field \"lines\""},
		{"{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"mongo-0\",\"lines\":[1]}",
		 "lines[0] is not a string"},
		{"{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"ghost\",\"lines\":[]}",
		 "pod \"ingest/ghost\" not found"},
		{"{\"type\":\"log-rate\",\"namespace\":\"ingest\",\"deployment\":\"ingest-core\","
		 "\"lines_per_s\":-1}",
		 "lines_per_s"},
		{"{\"type\":\"latency\",\"ms\":\"slow\"}", "field \"ms\""},
		{"{\"type\":\"latency\",\"ms\":60001}", "0..60000"},
		{"{\"type\":\"event\",\"namespace\":\"ingest\"}", "missing string field \"kind\""},
		{"{\"type\":\"node-up\",\"node\":\"\"}", "non-empty string field \"node\""},
		{"{\"type\":\"event\",\"namespace\":\"ingest\",\"kind\":\"Pod\",\"name\":\"x\","
		 "\"reason\":\"R\",\"message\":\"m\",\"event_type\":\"Bad\"}",
		 "\"Normal\" or \"Warning\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		if (fx_fault(f, cases[i].body, err, sizeof(err)) != -1 || !strstr(err, cases[i].want))
			fail_msg("body %s: expected error with '%s', got '%s'", cases[i].body,
				 cases[i].want, err);
	}
	/* nothing changed */
	assert_int_equal(count_pods(f, "ingest", "ingest-core-", pod_ready), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_content, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_synthetic, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scenario_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scenario_json, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scenario_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_node_down_up, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_crashloop, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_unavailable_pending, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_image_pull, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fault_log_event_latency, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_record_event_dedup, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_fault_bodies, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
