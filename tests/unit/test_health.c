/* Unit tests for core/health: states from the model (replicas, stuck pods, not found,
 * scaled to 0, unknown before the list), asynchronous answers (leader log check, probes)
 * and the runner's TCP and HTTP probes against local sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/health.h"
#include "core/matrix.h"
#include "core/model.h"
#include "tui/loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const defs =
	"services:\n"
	"  - name: broker\n"
	"    namespace: ingest\n"
	"    deployment: ingest-broker\n"
	"  - name: api\n"
	"    namespace: ms\n"
	"    deployment: api\n"
	"    checks:\n"
	"      - replicas: desired\n"
	"      - replicas: 3\n"
	"        name: default replicas\n"
	"        severity: degraded\n"
	"      - logs: 'Running as the leader.*ClusterManager'\n"
	"        expect: 1\n"
	"        name: ClusterManager leader\n"
	"  - name: ghost\n"
	"    namespace: ingest\n"
	"    deployment: ingest-ghost\n"
	"  - name: web\n"
	"    namespace: shop\n"
	"    selector: app=web\n"
	"    context: prod\n";

static void add_workload(struct model *m, const char *ns, const char *name, int desired, int ready, const char *sel)
{
	struct model_workload w = { .kind = MODEL_DEPLOYMENT, .ns = (char *)ns, .name = (char *)name,
				    .desired = desired, .ready = ready, .updated = ready, .available = ready,
				    .current = desired, .images = "img:1", .selector = (char *)sel };
	model_workload_upsert(m, &w);
}

static void add_pod(struct model *m, const char *ns, const char *name, const char *labels, const char *status,
		    int ready, time_t created)
{
	struct model_pod p = { .ns = (char *)ns, .name = (char *)name, .node = "n1", .ip = "", .ready = ready,
			       .total = 1, .created = created, .healthy = ready == 1, .labels = (char *)labels,
			       .containers = "main", .last_exit = "" };
	snprintf(p.status, sizeof(p.status), "%s", status);
	model_pod_upsert(m, &p);
}

struct fx {
	struct matrix mx;
	struct model m;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	matrix_init(&f->mx);
	char *err = NULL;
	if (matrix_load_string(&f->mx, "t.yaml", defs, strlen(defs), &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	model_init(&f->m);
	add_workload(&f->m, "ingest", "ingest-broker", 1, 1, "app=ingest-broker");
	add_pod(&f->m, "ingest", "ingest-broker-1", "app=ingest-broker", "Running", 1, 1000);
	add_workload(&f->m, "ms", "api", 3, 3, "app=api");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	matrix_free(&f->mx);
	model_free(&f->m);
	free(f);
	return 0;
}

static const struct health_env listed = { .listed = true };

static void test_replicas(void **state)
{
	struct fx *f = *state;
	struct health_result r;
	const struct matrix_service *broker = &f->mx.services[0];
	health_eval(broker, &f->m, &listed, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_OK);
	assert_string_equal(r.why, "");
	assert_string_equal(r.detail, "1/1 ready");
	/* `unavailable`: running but not ready -> down, naming the check */
	add_workload(&f->m, "ingest", "ingest-broker", 1, 0, "app=ingest-broker");
	health_eval(broker, &f->m, &listed, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_DOWN);
	assert_string_equal(r.why, "replicas: 0/1 ready");
	assert_string_equal(health_state_name(r.state), "down");
	/* 1 of 2: degraded */
	add_workload(&f->m, "ingest", "ingest-broker", 2, 1, "app=ingest-broker");
	health_eval(broker, &f->m, &listed, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	/* the red button: scaled to 0 is down, not ok */
	add_workload(&f->m, "ingest", "ingest-broker", 0, 0, "app=ingest-broker");
	health_eval(broker, &f->m, &listed, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_DOWN);
	assert_string_equal(r.why, "replicas: scaled to 0");
	add_workload(&f->m, "ingest", "ingest-broker", 1, 1, "app=ingest-broker");
	/* a workload that does not exist is "not found" */
	health_eval(&f->mx.services[2], &f->m, &listed, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_NOT_FOUND);
	assert_string_equal(r.why, "deployment ingest/ingest-ghost not found");
	assert_string_equal(health_state_name(r.state), "not found");
	/* before the first list everything is unknown */
	struct health_env env = { .listed = false };
	health_eval(broker, &f->m, &env, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_UNKNOWN);
	/* an unwatched namespace is unknown, not healthy */
	env = (struct health_env){ .listed = true, .watched_ns = "other" };
	health_eval(broker, &f->m, &env, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_UNKNOWN);
	assert_non_null(strstr(r.why, "not watched"));
}

static void test_stuck(void **state)
{
	struct fx *f = *state;
	const struct matrix_service *broker = &f->mx.services[0];
	struct health_result r;
	add_workload(&f->m, "ingest", "ingest-broker", 2, 1, "app=ingest-broker");
	add_pod(&f->m, "ingest", "ingest-broker-2", "app=ingest-broker", "CrashLoopBackOff", 0, 1000);
	struct health_seen *seen = health_seen_new();
	health_seen_update(seen, &f->m, 5000);
	struct health_env env = { .listed = true, .seen = seen };
	/* just entered CrashLoopBackOff: only the replicas are short */
	health_eval(broker, &f->m, &env, NULL, 5100, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	assert_string_equal(r.why, "replicas: 1/2 ready");
	/* six minutes later the stuck check names the pod */
	health_seen_update(seen, &f->m, 5360);
	health_eval(broker, &f->m, &env, NULL, 5360, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	assert_string_equal(r.why, "replicas: 1/2 ready; stuck pods: ingest-broker-2 CrashLoopBackOff for 6m");
	/* recovering resets the clock */
	add_pod(&f->m, "ingest", "ingest-broker-2", "app=ingest-broker", "Running", 1, 1000);
	health_seen_update(seen, &f->m, 5400);
	add_pod(&f->m, "ingest", "ingest-broker-2", "app=ingest-broker", "CrashLoopBackOff", 0, 1000);
	health_seen_update(seen, &f->m, 5401);
	health_eval(broker, &f->m, &env, NULL, 5500, &r);
	assert_null(strstr(r.why, "stuck"));
	health_seen_free(seen);
	model_pod_delete(&f->m, "ingest", "ingest-broker-2");
	add_workload(&f->m, "ingest", "ingest-broker", 1, 1, "app=ingest-broker");
}

static void test_leader_check(void **state)
{
	struct fx *f = *state;
	const struct matrix_service *api = &f->mx.services[1];
	struct health_result r;
	struct health_async a[3] = { { 0 } };
	/* no answer yet: unknown, naming the check */
	health_eval(api, &f->m, &listed, a, 5000, &r);
	assert_int_equal(r.state, HEALTH_UNKNOWN);
	assert_string_equal(r.why, "ClusterManager leader: no answer yet");
	a[2].answer = HEALTH_PASS;
	health_eval(api, &f->m, &listed, a, 5000, &r);
	assert_int_equal(r.state, HEALTH_OK);
	/* the leader pod deleted: 0 pods match -> degraded (not down: the API serves) */
	a[2].answer = HEALTH_FAIL;
	snprintf(a[2].msg, sizeof(a[2].msg), "0 pods match (expected 1)");
	health_eval(api, &f->m, &listed, a, 5000, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	assert_string_equal(r.why, "ClusterManager leader: 0 pods match (expected 1)");
	/* 2 of 3 ready and no leader: degraded twice; scaled to 0: down comes first */
	add_workload(&f->m, "ms", "api", 2, 2, "app=api");
	health_eval(api, &f->m, &listed, a, 5000, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	assert_string_equal(r.why, "default replicas: 2/2 ready (need 3); ClusterManager leader: 0 pods match (expected 1)");
	add_workload(&f->m, "ms", "api", 0, 0, "app=api");
	health_eval(api, &f->m, &listed, a, 5000, &r);
	assert_int_equal(r.state, HEALTH_DOWN);
	if (strncmp(r.why, "replicas: scaled to 0", 21) != 0)
		fail_msg("why: %s", r.why);
	add_workload(&f->m, "ms", "api", 3, 3, "app=api");
}

static void test_selector_and_context(void **state)
{
	struct fx *f = *state;
	const struct matrix_service *web = &f->mx.services[3];
	struct health_result r;
	struct health_env env = { .listed = true, .context = "prod" };
	health_eval(web, &f->m, &env, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_NOT_FOUND);
	assert_string_equal(r.why, "no pod in shop matches app=web");
	add_pod(&f->m, "shop", "web-1", "app=web", "Running", 1, 1000);
	add_pod(&f->m, "shop", "web-2", "app=web", "Running", 0, 1000);
	add_pod(&f->m, "shop", "db-1", "app=db", "Running", 0, 1000);
	health_eval(web, &f->m, &env, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_DEGRADED);
	assert_string_equal(r.detail, "1/2 ready");
	assert_true(health_pod_of(web, &f->m, model_pod_find(&f->m, "shop", "web-1")));
	assert_false(health_pod_of(web, &f->m, model_pod_find(&f->m, "shop", "db-1")));
	env.context = "staging";
	health_eval(web, &f->m, &env, NULL, 5000, &r);
	assert_int_equal(r.state, HEALTH_UNKNOWN);
	assert_non_null(strstr(r.why, "context prod"));
}

static void test_ranks(void **state)
{
	(void)state;
	assert_true(health_state_rank(HEALTH_DOWN) < health_state_rank(HEALTH_NOT_FOUND));
	assert_true(health_state_rank(HEALTH_NOT_FOUND) < health_state_rank(HEALTH_DEGRADED));
	assert_true(health_state_rank(HEALTH_DEGRADED) < health_state_rank(HEALTH_UNKNOWN));
	assert_true(health_state_rank(HEALTH_UNKNOWN) < health_state_rank(HEALTH_OK));
}

/* A listening socket on 127.0.0.1; returns its fd and port. */
static int listen_local(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	socklen_t len = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_runner_probes(void **state)
{
	(void)state;
	int open_port, closed_port;
	int lfd = listen_local(&open_port);
	int cfd = listen_local(&closed_port);
	close(cfd); /* nothing listens there any more */
	char defs2[1024];
	snprintf(defs2, sizeof(defs2),
		 "services:\n"
		 "  - name: p\n"
		 "    namespace: x\n"
		 "    deployment: p\n"
		 "    checks:\n"
		 "      - tcp: 127.0.0.1:%d\n"
		 "        name: open port\n"
		 "      - tcp: 127.0.0.1:%d\n"
		 "        name: database port\n"
		 "        timeout: 3s\n"
		 "      - http: http://127.0.0.1:%d/healthz\n"
		 "        name: health URL\n"
		 "        timeout: 3s\n",
		 open_port, closed_port, closed_port);
	struct matrix mx;
	matrix_init(&mx);
	char *err = NULL;
	assert_int_equal(matrix_load_string(&mx, "p.yaml", defs2, strlen(defs2), &err), 0);
	struct model m;
	model_init(&m);
	add_workload(&m, "x", "p", 1, 1, "app=p");
	struct loop *loop = loop_new();
	struct health_runner_config cfg = { .server = "http://127.0.0.1:1" };
	struct health_runner *r = health_runner_new(loop, NULL, &m, &mx, &cfg, NULL, NULL);
	health_runner_start(r);
	long long end = loop_now_ms() + 8000;
	while (!health_runner_idle(r) && loop_now_ms() < end)
		loop_run_once(loop, 100);
	assert_true(health_runner_idle(r));
	const struct health_async *a = health_runner_async(r, 0);
	assert_int_equal(a[0].answer, HEALTH_PASS);
	assert_int_equal(a[1].answer, HEALTH_FAIL);
	assert_non_null(strstr(a[1].msg, "refused"));
	assert_int_equal(a[2].answer, HEALTH_FAIL);
	assert_non_null(strstr(a[2].msg, "refused"));
	struct health_result res;
	health_runner_eval(r, &listed, time(NULL), &res);
	assert_int_equal(res.state, HEALTH_DOWN);
	assert_non_null(strstr(res.why, "database port: 127.0.0.1:"));
	assert_non_null(strstr(res.why, "health URL: GET http://127.0.0.1:"));
	assert_null(strstr(res.why, "open port"));
	assert_true(health_runner_version(r) > 0);
	/* a second round reuses the jobs */
	health_runner_start(r);
	end = loop_now_ms() + 8000;
	while (!health_runner_idle(r) && loop_now_ms() < end)
		loop_run_once(loop, 100);
	assert_int_equal(health_runner_async(r, 0)[0].answer, HEALTH_PASS);
	health_runner_free(r);
	loop_free(loop);
	model_free(&m);
	matrix_free(&mx);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replicas),
		cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_leader_check),
		cmocka_unit_test(test_selector_and_context),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_runner_probes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
