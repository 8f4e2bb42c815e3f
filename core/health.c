/* core/health: see health.h. */
#include "core/health.h"

#include "core/logbuf.h"
#include "core/logcheck.h"
#include "core/xalloc.h"
#include "kube/logmux.h"
#include "ssh/probe.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *health_state_name(enum health_state s)
{
	switch (s) {
	case HEALTH_OK: return "ok";
	case HEALTH_UNKNOWN: return "unknown";
	case HEALTH_DEGRADED: return "degraded";
	case HEALTH_DOWN: return "down";
	case HEALTH_NOT_FOUND: return "not found";
	}
	return "unknown";
}

int health_state_rank(enum health_state s)
{
	switch (s) {
	case HEALTH_DOWN: return 0;
	case HEALTH_NOT_FOUND: return 1;
	case HEALTH_DEGRADED: return 2;
	case HEALTH_UNKNOWN: return 3;
	case HEALTH_OK: return 4;
	}
	return 3;
}

/* ---- Stuck pods: when each pod entered its bad state ---- */

struct health_seen_entry {
	char *key;              /* "ns/name" */
	char status[64];
	time_t since;
	bool touched;
};

struct health_seen {
	struct health_seen_entry *e;
	size_t n, cap;
};

struct health_seen *health_seen_new(void)
{
	return xcalloc(1, sizeof(struct health_seen));
}

void health_seen_free(struct health_seen *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].key);
	free(s->e);
	free(s);
}

/* The states `stuck:` looks for (the CrashLoopBackOff/Unknown/Pending, plus the
 * image pull and container-creating states that keep a pod from ever serving). */
static bool health_stuck_status(const char *st)
{
	static const char *const bad[] = { "CrashLoopBackOff", "Unknown", "Pending", "ImagePullBackOff",
					   "ErrImagePull", "ContainerCreating", "Error", NULL };
	const char *colon = strchr(st, ':'); /* "Init:CrashLoopBackOff" */
	const char *s = colon ? colon + 1 : st;
	for (const char *const *b = bad; *b; b++)
		if (!strcmp(s, *b))
			return true;
	return false;
}

static struct health_seen_entry *health_seen_find(const struct health_seen *s, const char *ns, const char *name)
{
	size_t nl = strlen(ns);
	for (size_t i = 0; s && i < s->n; i++)
		if (!strncmp(s->e[i].key, ns, nl) && s->e[i].key[nl] == '/' && !strcmp(s->e[i].key + nl + 1, name))
			return &s->e[i];
	return NULL;
}

void health_seen_update(struct health_seen *s, const struct model *m, time_t now)
{
	for (size_t i = 0; i < s->n; i++)
		s->e[i].touched = false;
	for (size_t i = 0; i < m->npods; i++) {
		const struct model_pod *p = m->pods[i];
		if (!health_stuck_status(p->status))
			continue;
		struct health_seen_entry *e = health_seen_find(s, p->ns, p->name);
		if (!e || strcmp(e->status, p->status)) {
			if (!e) {
				s->e = xgrow(s->e, &s->cap, s->n + 1, sizeof(*s->e));
				e = &s->e[s->n++];
				e->key = xasprintf("%s/%s", p->ns, p->name);
			}
			snprintf(e->status, sizeof(e->status), "%s", p->status);
			/* A pod that was Pending from birth has been so since it was created. */
			e->since = !strcmp(p->status, "Pending") && p->created ? p->created : now;
		}
		e->touched = true;
	}
	size_t o = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->e[i].touched)
			s->e[o++] = s->e[i];
		else
			free(s->e[i].key);
	}
	s->n = o;
}

/* ---- Evaluation ---- */

static bool health_target(const struct matrix_service *s, struct logtarget *t)
{
	char spec[600], err[200];
	matrix_format_target(s, spec, sizeof(spec));
	return logtarget_parse(spec, s->ns, t, err, sizeof(err)) == 0;
}

bool health_pod_of(const struct matrix_service *s, const struct model *m, const struct model_pod *p)
{
	struct logtarget t;
	if (strcmp(p->ns, s->ns) || !health_target(s, &t))
		return false;
	return logtarget_matches(&t, m, p);
}

struct health_acc {
	enum health_state state;
	char why[400];
	size_t len;
	int worst_rank;
};

static void health_fail(struct health_acc *a, enum health_state st, const char *name, const char *msg)
{
	/* Worst first: a worse failure is put in front of the ones already named. */
	char item[300];
	snprintf(item, sizeof(item), "%s: %s", name, msg);
	int rank = health_state_rank(st);
	char old[400];
	snprintf(old, sizeof(old), "%s", a->why);
	if (!a->why[0])
		snprintf(a->why, sizeof(a->why), "%s", item);
	else if (rank < a->worst_rank)
		snprintf(a->why, sizeof(a->why), "%.190s; %.200s", item, old);
	else
		snprintf(a->why, sizeof(a->why), "%.200s; %.190s", old, item);
	if (rank < a->worst_rank) {
		a->worst_rank = rank;
		a->state = st;
	}
}

static enum health_state health_sev(enum matrix_severity sev, enum health_state dflt)
{
	return sev == MATRIX_SEV_DOWN ? HEALTH_DOWN : sev == MATRIX_SEV_DEGRADED ? HEALTH_DEGRADED : dflt;
}

static void health_fmt_dur(long s, char *out, size_t cap)
{
	if (s < 120)
		snprintf(out, cap, "%lds", s);
	else if (s < 7200)
		snprintf(out, cap, "%ldm", s / 60);
	else
		snprintf(out, cap, "%ldh", s / 3600);
}

void health_eval(const struct matrix_service *s, const struct model *m, const struct health_env *env,
		 const struct health_async *async, time_t now, struct health_result *out)
{
	memset(out, 0, sizeof(*out));
	struct health_acc acc = { .state = HEALTH_OK, .worst_rank = health_state_rank(HEALTH_OK) };
	if (s->context && env->context && strcmp(s->context, env->context)) {
		out->state = HEALTH_UNKNOWN;
		snprintf(out->why, sizeof(out->why), "context %s is not connected (using %s)", s->context,
			 env->context);
		snprintf(out->detail, sizeof(out->detail), "other context");
		return;
	}
	if (env->watched_ns && strcmp(env->watched_ns, s->ns)) {
		out->state = HEALTH_UNKNOWN;
		snprintf(out->why, sizeof(out->why), "namespace %s is not watched (-n %s): use -A", s->ns,
			 env->watched_ns);
		snprintf(out->detail, sizeof(out->detail), "not watched");
		return;
	}
	if (!env->listed) {
		out->state = HEALTH_UNKNOWN;
		snprintf(out->why, sizeof(out->why), "waiting for the cluster");
		return;
	}
	/* Desired and ready replicas: the workload's, or counted over a selector's pods. */
	int desired = 0, ready = 0;
	if (s->target != MATRIX_SELECTOR) {
		enum model_workload_kind k = s->target == MATRIX_DEPLOYMENT ? MODEL_DEPLOYMENT : MODEL_STATEFULSET;
		const struct model_workload *w = model_workload_find(m, k, s->ns, s->workload);
		if (!w) {
			out->state = HEALTH_NOT_FOUND;
			snprintf(out->why, sizeof(out->why), "%s %s/%s not found",
				 s->target == MATRIX_DEPLOYMENT ? "deployment" : "statefulset", s->ns, s->workload);
			snprintf(out->detail, sizeof(out->detail), "not found");
			return;
		}
		desired = w->desired;
		ready = w->ready;
	} else {
		size_t n = 0;
		for (size_t i = 0; i < m->npods; i++) {
			const struct model_pod *p = m->pods[i];
			if (!health_pod_of(s, m, p))
				continue;
			n++;
			ready += p->total > 0 && p->ready == p->total;
		}
		if (!n) {
			out->state = HEALTH_NOT_FOUND;
			snprintf(out->why, sizeof(out->why), "no pod in %s matches %s", s->ns, s->selector);
			snprintf(out->detail, sizeof(out->detail), "not found");
			return;
		}
		desired = (int)n;
	}
	snprintf(out->detail, sizeof(out->detail), "%d/%d ready", ready, desired);
	for (size_t c = 0; c < s->nchecks; c++) {
		const struct matrix_check *ck = &s->checks[c];
		char msg[300];
		switch (ck->kind) {
		case MATRIX_CHECK_REPLICAS: {
			int want = ck->min_ready < 0 ? desired : ck->min_ready;
			if (desired == 0 && ck->min_ready != 0) {
				health_fail(&acc, health_sev(ck->severity, HEALTH_DOWN), ck->name, "scaled to 0");
			} else if (ready < want) {
				if (ck->min_ready < 0)
					snprintf(msg, sizeof(msg), "%d/%d ready", ready, desired);
				else
					snprintf(msg, sizeof(msg), "%d/%d ready (need %d)", ready, desired, want);
				health_fail(&acc, health_sev(ck->severity, ready == 0 ? HEALTH_DOWN : HEALTH_DEGRADED),
					    ck->name, msg);
			}
			break;
		}
		case MATRIX_CHECK_STUCK: {
			size_t nbad = 0;
			char first[200] = "";
			for (size_t i = 0; i < m->npods; i++) {
				const struct model_pod *p = m->pods[i];
				if (!health_stuck_status(p->status) || !health_pod_of(s, m, p))
					continue;
				const struct health_seen_entry *e = health_seen_find(env->seen, p->ns, p->name);
				time_t since = e ? e->since : p->created;
				if (!since || now - since <= ck->stuck_s)
					continue;
				if (!nbad++) {
					char d[32];
					health_fmt_dur((long)(now - since), d, sizeof(d));
					snprintf(first, sizeof(first), "%.80s %.40s for %s", p->name, p->status, d);
				}
			}
			if (nbad) {
				if (nbad > 1)
					snprintf(msg, sizeof(msg), "%s (+%zu more)", first, nbad - 1);
				else
					snprintf(msg, sizeof(msg), "%s", first);
				health_fail(&acc, health_sev(ck->severity, HEALTH_DEGRADED), ck->name, msg);
			}
			break;
		}
		case MATRIX_CHECK_LOGS:
		case MATRIX_CHECK_HTTP:
		case MATRIX_CHECK_TCP: {
			const struct health_async *a = async ? &async[c] : NULL;
			enum health_state dflt = ck->kind == MATRIX_CHECK_LOGS ? HEALTH_DEGRADED : HEALTH_DOWN;
			if (!a || a->answer == HEALTH_PENDING)
				health_fail(&acc, HEALTH_UNKNOWN, ck->name, "no answer yet");
			else if (a->answer == HEALTH_ERROR)
				health_fail(&acc, HEALTH_UNKNOWN, ck->name, a->msg);
			else if (a->answer == HEALTH_FAIL)
				health_fail(&acc, health_sev(ck->severity, dflt), ck->name, a->msg);
			break;
		}
		}
	}
	out->state = acc.state;
	snprintf(out->why, sizeof(out->why), "%s", acc.why);
}

/* ---- The runner ---- */

struct health_job {
	struct health_runner *r;
	size_t svc, check;
	/* in flight: */
	struct logmux *mux;
	struct logbuf *lb;
	struct http_request *req;
	struct probe *probe;
	long long started_ms;
	unsigned long pods_version;   /* model pods version when the log read started */
};

struct health_runner {
	struct loop *loop;
	struct http_client *kube_http;
	struct http_client *probe_http;   /* no credentials: health URLs are not the cluster */
	const struct model *model;
	const struct matrix *mx;
	struct health_runner_config cfg;
	health_notify_fn notify;
	void *ud;
	struct health_async **async;      /* [service][check] */
	struct health_job **jobs;         /* [service][check] */
	struct health_seen *seen;
	long long round_timer, full_timer, poll_timer;
	unsigned long version;
	unsigned long logs_pods_version;  /* model pods version of the last log round */
};

static void health_notify(struct health_runner *r)
{
	r->version++;
	if (r->notify)
		r->notify(r->ud);
}

static void health_answer(struct health_job *j, enum health_answer ans, const char *msg)
{
	struct health_async *a = &j->r->async[j->svc][j->check];
	bool changed = a->answer != ans || strcmp(a->msg, msg);
	a->answer = ans;
	snprintf(a->msg, sizeof(a->msg), "%s", msg);
	a->at = time(NULL);
	if (changed)
		health_notify(j->r);
}

static bool health_job_running(const struct health_job *j)
{
	return j->mux || j->req || j->probe;
}

/* Log check: counts the pods (of the read) with a matching line and compares. */
static void health_logs_finish(struct health_job *j)
{
	const struct matrix_check *ck = &j->r->mx->services[j->svc].checks[j->check];
	logmux_flush(j->mux, true);
	struct logcheck_spec spec;
	memset(&spec, 0, sizeof(spec));
	snprintf(spec.pattern, sizeof(spec.pattern), "%s", ck->pattern);
	spec.op = ck->op == MATRIX_EXPECT_EQ ? LOGCHECK_EQ : ck->op == MATRIX_EXPECT_GE ? LOGCHECK_GE : LOGCHECK_LE;
	spec.expect = ck->expect;
	spec.tail = -1;
	spec.compiled = regcomp(&spec.re, ck->pattern, REG_EXTENDED | REG_NOSUB) == 0;
	struct logcheck_result res;
	logcheck_result_init(&res);
	logcheck_evaluate(&spec, j->lb, &res);
	char msg[240], exp[32];
	logcheck_format_expect(&spec, exp, sizeof(exp));
	const char *err = logmux_error(j->mux);
	if (!spec.compiled) {
		health_answer(j, HEALTH_ERROR, "invalid regex");
	} else if (*err && !res.pass && logbuf_count(j->lb) == 0) {
		snprintf(msg, sizeof(msg), "cannot read logs: %.200s", err);
		health_answer(j, HEALTH_ERROR, msg);
	} else {
		snprintf(msg, sizeof(msg), "%ld pod%s match%s (expected %s)", res.matching_pods,
			 res.matching_pods == 1 ? "" : "s", res.matching_pods == 1 ? "es" : "", exp);
		health_answer(j, res.pass ? HEALTH_PASS : HEALTH_FAIL, msg);
	}
	logcheck_result_free(&res);
	logcheck_spec_free(&spec);
	logmux_free(j->mux);
	logbuf_free(j->lb);
	j->mux = NULL;
	j->lb = NULL;
}

enum { HEALTH_LOGS_LIMIT_MS = 30000 };

/* Finishes log reads that are complete (or too slow); runs while any is in flight. */
static long health_on_poll(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct health_runner *r = ud;
	bool running = false;
	long long now = loop_now_ms();
	for (size_t s = 0; s < r->mx->nservices; s++) {
		for (size_t c = 0; c < r->mx->services[s].nchecks; c++) {
			struct health_job *j = &r->jobs[s][c];
			if (!j->mux)
				continue;
			if (logmux_finished(j->mux)) {
				health_logs_finish(j);
			} else if (now - j->started_ms > HEALTH_LOGS_LIMIT_MS) {
				logmux_free(j->mux);
				logbuf_free(j->lb);
				j->mux = NULL;
				j->lb = NULL;
				health_answer(j, HEALTH_ERROR, "log read did not finish within 30 s");
			} else {
				running = true;
			}
		}
	}
	if (running)
		return 100;
	r->poll_timer = 0;
	return LOOP_TIMER_STOP;
}

static void health_on_logs(void *ud)
{
	struct health_runner *r = ud;
	/* Completion is checked from a timer: the mux must not be freed inside its own
	 * callback. */
	if (!r->poll_timer)
		r->poll_timer = loop_add_timer(r->loop, 0, health_on_poll, r);
}

static void health_start_logs(struct health_job *j)
{
	struct health_runner *r = j->r;
	const struct matrix_service *s = &r->mx->services[j->svc];
	struct logtarget t;
	if (!health_target(s, &t)) {
		health_answer(j, HEALTH_ERROR, "invalid target");
		return;
	}
	j->lb = logbuf_new(&(struct logbuf_config){ .max_lines = 200000 });
	struct logmux_config mc = { .server = r->cfg.server, .opts = r->cfg.kube_opts, .tail_lines = -1 };
	if (!mc.opts.timeout_ms)
		mc.opts.timeout_ms = 20000;
	j->mux = logmux_new(r->loop, r->kube_http, r->model, j->lb, &mc, &t, health_on_logs, r);
	j->started_ms = loop_now_ms();
	j->pods_version = r->model->pods_version;
	logmux_sync(j->mux);
	if (!r->poll_timer)
		r->poll_timer = loop_add_timer(r->loop, 50, health_on_poll, r);
}

static bool health_http_data(void *ud, const char *data, size_t len)
{
	(void)ud;
	(void)data;
	(void)len;
	return true; /* the body does not matter, only the status */
}

static void health_http_done(void *ud, const struct http_result *res)
{
	struct health_job *j = ud;
	j->req = NULL;
	const struct matrix_check *ck = &j->r->mx->services[j->svc].checks[j->check];
	char msg[240];
	if (res->error) {
		snprintf(msg, sizeof(msg), "%.230s", res->error);
		health_answer(j, HEALTH_FAIL, msg);
		return;
	}
	bool ok = ck->status ? res->status == ck->status : res->status >= 200 && res->status < 300;
	if (ck->status)
		snprintf(msg, sizeof(msg), "HTTP %ld (expected %d)", res->status, ck->status);
	else
		snprintf(msg, sizeof(msg), "HTTP %ld (expected 2xx)", res->status);
	health_answer(j, ok ? HEALTH_PASS : HEALTH_FAIL, msg);
}

static void health_tcp_done(struct probe *p, void *ud)
{
	struct health_job *j = ud;
	char msg[240];
	bool ok = probe_get_result(p) == PROBE_OK;
	const struct matrix_check *ck = &j->r->mx->services[j->svc].checks[j->check];
	snprintf(msg, sizeof(msg), "%.150s:%d %.80s", ck->host, ck->port, probe_message(p));
	/* The probe is freed from a timer: not inside its own callback. */
	health_answer(j, ok ? HEALTH_PASS : HEALTH_FAIL, msg);
}

static void health_start_job(struct health_job *j, bool logs_only)
{
	if (health_job_running(j))
		return;
	struct health_runner *r = j->r;
	const struct matrix_check *ck = &r->mx->services[j->svc].checks[j->check];
	switch (ck->kind) {
	case MATRIX_CHECK_LOGS:
		health_start_logs(j);
		break;
	case MATRIX_CHECK_HTTP:
		if (logs_only)
			break;
		j->req = http_get(r->probe_http, ck->url,
				  &(struct http_opts){ .timeout_ms = ck->timeout_ms,
						       .connect_timeout_ms = ck->timeout_ms,
						       .accept = "*/*" },
				  health_http_data, health_http_done, j);
		break;
	case MATRIX_CHECK_TCP:
		if (logs_only)
			break;
		if (j->probe) /* a finished probe of the last round */
			probe_free(j->probe);
		j->probe = probe_start(r->loop, ck->host, ck->port, (int)ck->timeout_ms, health_tcp_done, j);
		break;
	default:
		break;
	}
}

static void health_round(struct health_runner *r, bool logs_only)
{
	if (!logs_only) {
		/* Finished TCP probes are kept until here (freeing one inside its callback is not
		 * allowed). */
		for (size_t s = 0; s < r->mx->nservices; s++)
			for (size_t c = 0; c < r->mx->services[s].nchecks; c++) {
				struct health_job *j = &r->jobs[s][c];
				if (j->probe && probe_get_result(j->probe) != PROBE_PENDING) {
					probe_free(j->probe);
					j->probe = NULL;
				}
			}
	}
	r->logs_pods_version = r->model->pods_version;
	for (size_t s = 0; s < r->mx->nservices; s++)
		for (size_t c = 0; c < r->mx->services[s].nchecks; c++)
			health_start_job(&r->jobs[s][c], logs_only);
}

/* Every second: re-read the logs when pods came or went (a deleted leader shows at once). */
static long health_on_round(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct health_runner *r = ud;
	if (r->model->pods_version != r->logs_pods_version)
		health_round(r, true);
	return 1000;
}

static long health_on_full(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct health_runner *r = ud;
	health_round(r, false);
	return r->cfg.interval_ms;
}

struct health_runner *health_runner_new(struct loop *loop, struct http_client *kube_http,
					const struct model *model, const struct matrix *mx,
					const struct health_runner_config *cfg, health_notify_fn notify,
					void *ud)
{
	struct health_runner *r = xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->kube_http = kube_http;
	r->probe_http = http_client_new(loop);
	r->model = model;
	r->mx = mx;
	r->cfg = *cfg;
	if (r->cfg.interval_ms <= 0)
		r->cfg.interval_ms = 15000;
	r->notify = notify;
	r->ud = ud;
	r->seen = health_seen_new();
	size_t n = mx->nservices ? mx->nservices : 1;
	r->async = xcalloc(n, sizeof(*r->async));
	r->jobs = xcalloc(n, sizeof(*r->jobs));
	for (size_t s = 0; s < mx->nservices; s++) {
		size_t nc = mx->services[s].nchecks ? mx->services[s].nchecks : 1;
		r->async[s] = xcalloc(nc, sizeof(**r->async));
		r->jobs[s] = xcalloc(nc, sizeof(**r->jobs));
		for (size_t c = 0; c < mx->services[s].nchecks; c++)
			r->jobs[s][c] = (struct health_job){ .r = r, .svc = s, .check = c };
	}
	if (r->cfg.periodic) {
		r->round_timer = loop_add_timer(loop, 1000, health_on_round, r);
		r->full_timer = loop_add_timer(loop, r->cfg.interval_ms, health_on_full, r);
	}
	return r;
}

void health_runner_free(struct health_runner *r)
{
	if (!r)
		return;
	for (size_t s = 0; s < r->mx->nservices; s++) {
		for (size_t c = 0; c < r->mx->services[s].nchecks; c++) {
			struct health_job *j = &r->jobs[s][c];
			if (j->mux)
				logmux_free(j->mux);
			logbuf_free(j->lb);
			if (j->probe)
				probe_free(j->probe);
		}
		free(r->async[s]);
		free(r->jobs[s]);
	}
	free(r->async);
	free(r->jobs);
	if (r->poll_timer)
		loop_cancel_timer(r->loop, r->poll_timer);
	if (r->round_timer)
		loop_cancel_timer(r->loop, r->round_timer);
	if (r->full_timer)
		loop_cancel_timer(r->loop, r->full_timer);
	http_client_free(r->probe_http); /* cancels probes in flight without callbacks */
	health_seen_free(r->seen);
	free(r);
}

void health_runner_start(struct health_runner *r)
{
	health_round(r, false);
}

bool health_runner_idle(const struct health_runner *r)
{
	for (size_t s = 0; s < r->mx->nservices; s++)
		for (size_t c = 0; c < r->mx->services[s].nchecks; c++) {
			const struct health_job *j = &r->jobs[s][c];
			if (j->mux || j->req || (j->probe && probe_get_result(j->probe) == PROBE_PENDING))
				return false;
		}
	return true;
}

void health_runner_pods_changed(struct health_runner *r)
{
	if (r->model->pods_version != r->logs_pods_version)
		health_round(r, true);
}

const struct health_async *health_runner_async(const struct health_runner *r, size_t i)
{
	return i < r->mx->nservices ? r->async[i] : NULL;
}

void health_runner_eval(struct health_runner *r, const struct health_env *env, time_t now,
			struct health_result *results)
{
	health_seen_update(r->seen, r->model, now);
	struct health_env e = *env;
	e.seen = r->seen;
	for (size_t s = 0; s < r->mx->nservices; s++)
		health_eval(&r->mx->services[s], r->model, &e, r->async[s], now, &results[s]);
}

unsigned long health_runner_version(const struct health_runner *r)
{
	return r->version;
}

struct health_seen *health_runner_seen(struct health_runner *r)
{
	return r->seen;
}
