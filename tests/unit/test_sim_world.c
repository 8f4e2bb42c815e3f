/* Unit tests for sim/world: scenario content, synthetic counts, scenario file errors,
 * every fault's effect on the store (the reconcile step is driven directly with a fake
 * clock, no sleeping), malformed fault bodies, and the log generator's rate, sequence
 * numbers and timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* ---- the log generator (sim/world_loggen.c; issue 10 benchmark 4): the rate asked
 * is the rate written (200,000 lines/s for one pod, no cap per tick), every generated
 * line carries its pod's "seq=NNNNNNNNN" with no gap and no repeat across ticks,
 * JSON-shaped lines stay valid JSON with the number in "msg", timestamps grow strictly */

static void fx_rate(struct fx *f, const char *ns, const char *wl, long rate)
{
	char body[256], err[256] = "";
	snprintf(body, sizeof(body),
		 "{\"type\":\"log-rate\",\"namespace\":\"%s\",\"deployment\":\"%s\","
		 "\"lines_per_s\":%ld}",
		 ns, wl, rate);
	assert_int_equal(fx_fault(f, body, err, sizeof(err)), 0);
}

/* Name of the first pod of ns whose name starts with prefix (static buffer of the caller). */
static void fx_pod(struct fx *f, const char *ns, const char *prefix, char *out, size_t cap)
{
	json_t **pods;
	store_lock(f->sim.store);
	size_t n = store_list(f->sim.store, SIM_PODS, ns, &pods);
	out[0] = '\0';
	for (size_t i = 0; i < n && !out[0]; i++)
		if (!strncmp(sim_obj_name(pods[i]), prefix, strlen(prefix)))
			snprintf(out, cap, "%s", sim_obj_name(pods[i]));
	free(pods);
	store_unlock(f->sim.store);
	assert_true(out[0] != '\0');
}

/* Every line of the pod's log (timestamps on when ts), NUL-terminated. */
static char *fx_log(struct fx *f, const char *ns, const char *pod, bool ts, size_t *len)
{
	struct logs_query q = {.ns = ns, .pod = pod, .tail_lines = -1, .limit_bytes = -1,
			       .timestamps = ts};
	uint64_t cur = 0;
	char *out;
	assert_int_equal(logs_read(f->sim.logs, &q, &cur, &out, len), 0);
	return out;
}

/* Walks the lines carrying "seq=": *count of them, *first and *last number; fails on a
 * gap, a repeat or a number of fewer than 9 digits. */
/* "seq=" within [s, end), else NULL.  Bounded to the line: strstr on the whole log would
 * make the scan quadratic under ASan, whose strstr measures its haystack on every call. */
static const char *seq_find(const char *s, const char *end)
{
	for (; end - s >= 4; s++)
		if (memcmp(s, "seq=", 4) == 0)
			return s;
	return NULL;
}

static void seq_scan(const char *log, unsigned long *count, unsigned long *first,
		     unsigned long *last)
{
	*count = *first = *last = 0;
	for (const char *line = log; *line;) {
		const char *nl = strchr(line, '\n');
		assert_non_null(nl);
		const char *s = seq_find(line, nl);
		if (s) {
			char *end;
			unsigned long v = strtoul(s + 4, &end, 10);
			assert_true(end - (s + 4) >= 9);
			if (*count)
				assert_int_equal(v, *last + 1);
			else
				*first = v;
			*last = v;
			(*count)++;
			assert_null(seq_find(end, nl));
		}
		line = nl + 1;
	}
}

static void test_rate_200k_one_pod(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	char pod[256];
	fx_pod(f, "ingest", "ingest-core-", pod, sizeof(pod));
	fx_run(f, 1);
	size_t len;
	char *log = fx_log(f, "ingest", pod, false, &len);
	unsigned long n0, first, last0;
	seq_scan(log, &n0, &first, &last0);
	free(log);
	fx_rate(f, "ingest", "ingest-core", 200000);
	fx_run(f, 2);
	log = fx_log(f, "ingest", pod, false, &len);
	unsigned long n, last;
	seq_scan(log, &n, &first, &last);
	free(log);
	/* Two seconds at 200,000 lines/s: all of them, numbered on from before the fault. */
	assert_int_equal(last - last0, 400000);
	assert_int_equal(first, 1);
	assert_int_equal(n, n0 + 400000);
	/* The other pod of the deployment writes as much; rate 0 stops both. */
	fx_rate(f, "ingest", "ingest-core", 0);
	fx_run(f, 1);
	log = fx_log(f, "ingest", pod, false, &len);
	unsigned long n2;
	seq_scan(log, &n2, &first, &last);
	free(log);
	assert_int_equal(n2, n);
}

/* Each kind of line (Spring Boot, AMQP, JSON validator, klog, mongod JSON, rabbitmq,
 * coredns) carries the number once; JSON-shaped lines parse, with it in "msg". */
static void test_seq_in_every_kind(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	static const char *const wl[][3] = {
		{"ingest", "ingest-core", "ingest-core-"},
		{"ingest", "ingest-broker", "ingest-broker-"},
		{"ingest", "ingest-validator", "ingest-validator-"},
		{"ingest", "ingest-exporter", "ingest-exporter-"},
		{"ingest", "mongo", "mongo-0"},
		{"ingest", "rabbitmq", "rabbitmq-0"},
		{"managed-services", "managed-services-api", "managed-services-api-"},
		{"kube-system", "coredns", "coredns-"},
	};
	/* 20 lines/s takes the formatted path, 4,000 the copied one: both are checked. */
	for (int pass = 0; pass < 2; pass++) {
		long rate = pass ? 4000 : 20;
		for (size_t i = 0; i < sizeof(wl) / sizeof(wl[0]); i++)
			fx_rate(f, wl[i][0], wl[i][1], rate);
		fx_run(f, 1);
		for (size_t i = 0; i < sizeof(wl) / sizeof(wl[0]); i++) {
			char pod[256];
			fx_pod(f, wl[i][0], wl[i][2], pod, sizeof(pod));
			size_t len;
			char *log = fx_log(f, wl[i][0], pod, false, &len);
			unsigned long n, first, last;
			seq_scan(log, &n, &first, &last);
			assert_true(n >= (unsigned long)rate);
			size_t json = 0;
			for (char *line = log; *line;) {
				char *nl = strchr(line, '\n');
				*nl = '\0';
				if (line[0] == '{' && strstr(line, "seq=")) {
					json_error_t e;
					json_t *j = json_loads(line, 0, &e);
					assert_non_null(j);
					const char *msg =
						json_string_value(json_object_get(j, "msg"));
					assert_non_null(msg);
					assert_non_null(strstr(msg, "seq="));
					json_decref(j);
					json++;
				}
				line = nl + 1;
			}
			if (!strcmp(wl[i][1], "ingest-validator") || !strcmp(wl[i][1], "mongo"))
				assert_true(json >= (size_t)rate);
			free(log);
		}
	}
}

/* RFC 3339 nano timestamp at the start of a line, as ns since the epoch. */
static long long ts_ns(const char *s)
{
	struct tm tm = {0};
	long ns;
	char head[40]; /* sscanf measures its whole input: give it the stamp only */
	snprintf(head, sizeof(head), "%.31s", s);
	assert_int_equal(sscanf(head, "%4d-%2d-%2dT%2d:%2d:%2d.%9ldZ ", &tm.tm_year, &tm.tm_mon,
				&tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ns),
			 7);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000000000LL + ns;
}

static void test_timestamps_strictly_grow(void **state)
{
	struct fx *f = *state;
	fx_default(f);
	char pod[256];
	fx_pod(f, "ingest", "ingest-broker-", pod, sizeof(pod));
	fx_rate(f, "ingest", "ingest-broker", 100000);
	fx_run(f, 1);
	size_t len;
	char *log = fx_log(f, "ingest", pod, true, &len);
	long long prev = -1;
	size_t lines = 0;
	for (char *line = log; *line; lines++) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		long long t = ts_ns(line);
		if (prev >= 0)
			assert_true(t > prev);
		prev = t;
		line = nl + 1;
	}
	/* (How evenly they spread is checked in test_sim_logs: here the fake clock runs the
	 * ticks faster than real time, so their spans overlap and are squeezed.) */
	assert_true(lines >= 100000);
	free(log);
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
		cmocka_unit_test_setup_teardown(test_rate_200k_one_pod, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_seq_in_every_kind, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_timestamps_strictly_grow, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
