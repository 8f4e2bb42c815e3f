#ifndef CORE_HEALTH_H
#define CORE_HEALTH_H
/* core/health: the health of each matrix service (core/matrix), measured from the model
 * (replicas, stuck pods), log checks (kube/logmux + core/logcheck) and probes (HTTP via
 * kube/http, TCP via ssh/probe).
 *
 * States, from worst to best: down, degraded, unknown, ok; and "not found" when the
 * service's workload does not exist (never shown as healthy).  The worst failing check
 * decides; `why` names every failing check, worst first ("replicas: 0/1 ready; stuck
 * pods: ingest-broker-x CrashLoopBackOff for 6m").
 * Default severities: replicas -> down when none is ready (or the workload is scaled to
 * 0), else degraded; stuck -> degraded; logs -> degraded; http and tcp -> down.  A
 * check's `severity:` overrides.  Unknown: the model is not listed yet, the service is in
 * another context or an unwatched namespace, or an asynchronous check has no answer yet.
 *
 * Two layers:
 * - health_eval: pure, from the model and the answers of the asynchronous checks (unit
 *   tested without a network).
 * - struct health_runner: runs the asynchronous checks on the loop.  One round starts
 *   every log check (a fresh, non-following read of the target's whole logs, so pods
 *   that went away stop counting), every HTTP probe (its own libcurl client without the
 *   cluster's credentials: a health URL never receives the bearer token) and every TCP
 *   probe.  With `periodic`, rounds repeat every interval and log checks re-run soon
 *   after the pods of the model change (a deleted leader shows at once).
 * Contract: notify(ud) runs from loop callbacks and must only mark things dirty.
 */
#include "core/matrix.h"
#include "core/model.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum health_state { HEALTH_OK, HEALTH_UNKNOWN, HEALTH_DEGRADED, HEALTH_DOWN, HEALTH_NOT_FOUND };

/* "ok", "unknown", "degraded", "down", "not found". */
const char *health_state_name(enum health_state s);
/* Display order: down, not found, degraded, unknown, ok (lower first). */
int health_state_rank(enum health_state s);

/* The answer of an asynchronous check (logs, http, tcp). */
enum health_answer { HEALTH_PENDING, HEALTH_PASS, HEALTH_FAIL, HEALTH_ERROR };
struct health_async {
	enum health_answer answer;
	char msg[240];          /* "2 pods match (expected 1)", "GET URL: connection refused" */
	time_t at;              /* when answered */
};

/* When each pod was first seen in a bad state (CrashLoopBackOff, Unknown, Pending...), so
 * `stuck: 5m` measures the state's duration and not the pod's age. */
struct health_seen;
struct health_seen *health_seen_new(void);
void health_seen_free(struct health_seen *s);
void health_seen_update(struct health_seen *s, const struct model *m, time_t now);

struct health_env {
	bool listed;            /* the model holds a complete list (else: unknown) */
	const char *context;    /* the connected context, NULL when unknown */
	const char *watched_ns; /* the only namespace the model follows, NULL for all */
	const struct health_seen *seen;   /* may be NULL: pod age is used */
};

struct health_result {
	enum health_state state;
	char why[400];          /* "" when ok */
	char detail[120];       /* "1/1 ready" or "not found": shown next to the state */
};

/* Evaluates service s.  async has s->nchecks entries (entries of model checks are
 * ignored); NULL means every asynchronous check is pending. */
void health_eval(const struct matrix_service *s, const struct model *m, const struct health_env *env,
		 const struct health_async *async, time_t now, struct health_result *out);

/* True when pod p belongs to service s (its workload's selector, or its selector). */
bool health_pod_of(const struct matrix_service *s, const struct model *m, const struct model_pod *p);

struct health_runner_config {
	const char *server;         /* API server, for log reads */
	struct http_opts kube_opts; /* for log reads (credentials come from the client) */
	bool periodic;              /* console: repeat rounds */
	long interval_ms;           /* between rounds, default 15000 */
};

struct health_runner;
typedef void (*health_notify_fn)(void *ud);

/* The matrix and model must outlive the runner.  kube_http is the cluster's client. */
struct health_runner *health_runner_new(struct loop *loop, struct http_client *kube_http,
					const struct model *model, const struct matrix *mx,
					const struct health_runner_config *cfg, health_notify_fn notify,
					void *ud);
void health_runner_free(struct health_runner *r);
/* Starts a round (checks still running from the last one are left to finish). */
void health_runner_start(struct health_runner *r);
/* No asynchronous check is running. */
bool health_runner_idle(const struct health_runner *r);
/* Re-reads the logs of services whose pods changed (call when model->pods_version moved;
 * the periodic runner also notices by itself). */
void health_runner_pods_changed(struct health_runner *r);
/* Answers of service i's checks (nchecks entries). */
const struct health_async *health_runner_async(const struct health_runner *r, size_t i);
/* Evaluates every service into results (mx->nservices entries). */
void health_runner_eval(struct health_runner *r, const struct health_env *env, time_t now,
			struct health_result *results);
/* Bumped whenever an asynchronous answer changes. */
unsigned long health_runner_version(const struct health_runner *r);
struct health_seen *health_runner_seen(struct health_runner *r);

#endif
