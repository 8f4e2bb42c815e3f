/* Unit tests for kube/logstream (timestamps, framing at every chunk boundary, resume
 * without gap or duplicate against a replaying server) and kube/logmux (targets,
 * selectors, merge ordering with skewed arrival). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/logbuf.h"
#include "core/model.h"
#include "kube/decode.h"
#include "kube/http.h"
#include "kube/logmux.h"
#include "kube/logstream.h"
#include "tui/loop.h"

#include "test_http_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_parse_ts(void **state)
{
	(void)state;
	int64_t ns = 0;
	const char *l = "2026-11-21T09:53:00.123456789Z hello";
	assert_int_equal(logstream_parse_ts(l, strlen(l), &ns), 31);
	assert_int_equal(ns, 1795254780123456789LL);
	/* RFC3339Nano drops trailing zeros; no fraction at all is fine too. */
	l = "2026-11-21T09:53:00.5Z x";
	assert_int_equal(logstream_parse_ts(l, strlen(l), &ns), 23);
	assert_int_equal(ns, 1795254780500000000LL);
	l = "2026-11-21T09:53:00Z x";
	assert_int_equal(logstream_parse_ts(l, strlen(l), &ns), 21);
	assert_int_equal(ns, 1795254780000000000LL);
	l = "2026-11-21T10:53:00+01:00 x";
	assert_int_equal(logstream_parse_ts(l, strlen(l), &ns), 26);
	assert_int_equal(ns, 1795254780000000000LL);
	l = "1969-12-31T23:59:59Z x";
	assert_int_equal(logstream_parse_ts(l, strlen(l), &ns), 21);
	assert_int_equal(ns, -1000000000LL);
	const char *bad[] = {"", "hello world", "2026-11-21T09:53:00.123Z", /* no space */
			     "2026-13-21T09:53:00Z x", "2026-11-21T09:53:00.Z x", "2026-11-21 09:53:00Z x",
			     "2026-11-21T09:53:00+0100 x", "2026-1a-21T09:53:00Z x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(logstream_parse_ts(bad[i], strlen(bad[i]), &ns), 0);
}

/* The memo gives what the plain parser gives, line after line: same second, next second,
 * another zone, bad lines in between (which must not be remembered). */
static void test_parse_ts_memo(void **state)
{
	(void)state;
	const char *lines[] = {
		"2026-11-21T09:53:00.1Z a", "2026-11-21T09:53:00.2Z b", "2026-11-21T09:53:01Z c",
		"2026-11-21T09:53:01.999999999Z d", "2026-11-21T10:53:01+01:00 e",
		"2026-11-21T10:53:01.5+01:00 f", "2026-11-21T09:53:01.5Zg", "2026-13-21T09:53:01Z h",
		"2026-11-21T09:53:01.7Z i", "2026-11-21T09:53:01.Z j", "2026-11-21T09:53:01.8Z k",
		"short", "2026-11-22T00:00:00Z l"};
	struct logts_memo m = {0};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int64_t a = -1, b = -2;
		size_t na = logstream_parse_ts(lines[i], strlen(lines[i]), &a);
		size_t nb = logstream_parse_ts_memo(&m, lines[i], strlen(lines[i]), &b);
		assert_int_equal(na, nb);
		if (na)
			assert_int_equal(a, b);
	}
	int64_t ns;
	const char *l = "2026-11-21T09:53:00.25Z x";
	assert_int_equal(logstream_parse_ts_memo(&m, l, strlen(l), &ns), 24);
	assert_int_equal(ns, 1795254780250000000LL);
}

struct collect {
	char lines[64][80];
	bool cut[64];
	size_t n;
};

static void collect_line(void *ud, const char *line, size_t len, bool truncated)
{
	struct collect *c = ud;
	assert_true(c->n < 64);
	snprintf(c->lines[c->n], sizeof(c->lines[0]), "%.*s", (int)len, line);
	c->cut[c->n++] = truncated;
}

/* Every way of cutting the input into two and three chunks yields the same lines. */
static void test_split_at_every_chunk_boundary(void **state)
{
	(void)state;
	const char in[] = "first\n\nthird line\nthis one is far too long\nlast-no-newline";
	size_t len = strlen(in);
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			struct logsplit s;
			struct collect c = {0};
			logsplit_init(&s, 12);
			logsplit_feed(&s, in, a, collect_line, &c);
			logsplit_feed(&s, in + a, b - a, collect_line, &c);
			logsplit_feed(&s, in + b, len - b, collect_line, &c);
			logsplit_finish(&s, collect_line, &c);
			assert_int_equal(c.n, 5);
			assert_string_equal(c.lines[0], "first");
			assert_string_equal(c.lines[1], "");
			assert_string_equal(c.lines[2], "third line");
			assert_string_equal(c.lines[3], "this one is ");
			assert_true(c.cut[3]);
			assert_false(c.cut[2]);
			assert_string_equal(c.lines[4], "last-no-newl");
			logsplit_free(&s);
		}
	}
}

static void test_resume_skips_replay_only(void **state)
{
	(void)state;
	struct logresume r;
	logresume_init(&r);
	/* Delivered: t1 a, t2 b, t2 b (the same text twice at one instant), t2 c. */
	logresume_seen(&r, 1, "a", 1);
	logresume_seen(&r, 2, "b", 1);
	logresume_seen(&r, 2, "b", 1);
	logresume_seen(&r, 2, "c", 1);
	logresume_begin(&r);
	/* Replay from the start of the second: t1 a, t2 b, t2 b, t2 c, then new: t2 d, t2 b, t3 e. */
	assert_false(logresume_keep(&r, 1, "a", 1));
	assert_false(logresume_keep(&r, 2, "b", 1));
	assert_false(logresume_keep(&r, 2, "b", 1));
	assert_false(logresume_keep(&r, 2, "c", 1));
	assert_true(logresume_keep(&r, 2, "d", 1));
	assert_true(logresume_keep(&r, 2, "b", 1)); /* a third b is new */
	assert_true(logresume_keep(&r, 3, "e", 1));
	assert_true(logresume_keep(&r, 1, "old", 3)); /* resume over: everything passes */
}

/* ---- A follow stream against a server that drops the connection after each answer and
 * replays from sinceTime (whole seconds) on reconnect. ---- */

struct replay {
	struct fake_server srv;
	const char *const *lines;   /* "SECONDS TEXT" */
	size_t nlines;
	size_t served_upto[8];      /* per request: how far the log had got */
	int nreq;
	char body[8192];
	char paths[8][512];
};

static void replay_answer(struct fake_server *s, const char *path, const char *auth, int *status,
			  const char **body)
{
	(void)auth;
	struct replay *r = s->ud;
	int k = r->nreq++;
	snprintf(r->paths[k < 8 ? k : 7], sizeof(r->paths[0]), "%s", path);
	if (k >= 3) {
		*status = 404;
		*body = "{\"kind\":\"Status\",\"message\":\"pods \\\"web-1\\\" not found\"}";
		return;
	}
	long since = 0;
	const char *st = strstr(path, "sinceTime=");
	if (st) {
		int hh, mm, ss;
		assert_int_equal(sscanf(st + 10, "2026-11-21T%2d:%2d:%2dZ", &hh, &mm, &ss), 3);
		since = ss; /* the test's lines live in minute 09:53 */
	}
	size_t upto = k == 0 ? 5 : k == 1 ? 9 : r->nlines;
	r->body[0] = '\0';
	size_t n = 0;
	for (size_t i = 0; i < upto; i++) {
		long sec = strtol(r->lines[i], NULL, 10);
		if (sec < since)
			continue;
		n += (size_t)snprintf(r->body + n, sizeof(r->body) - n, "2026-11-21T09:53:%02ld.%09ldZ %s\n",
				      sec, (long)(i % 2), strchr(r->lines[i], ' ') + 1);
	}
	*status = 200;
	*body = r->body;
}

struct sink {
	char lines[32][64];
	size_t n;
	int ended, dropped, failed;
	char msg[512];
	struct loop *loop;
};

static void sink_line(void *ud, struct logstream *s, int64_t ts, unsigned flags, const char *text,
		      size_t len)
{
	(void)s;
	(void)ts;
	(void)flags;
	struct sink *k = ud;
	assert_true(k->n < 32);
	snprintf(k->lines[k->n++], 64, "%.*s", (int)len, text);
}

static void sink_event(void *ud, struct logstream *s, enum logstream_event ev, const char *msg)
{
	(void)s;
	struct sink *k = ud;
	if (ev == LOGSTREAM_DROPPED)
		k->dropped++;
	if (ev == LOGSTREAM_ENDED || ev == LOGSTREAM_FAILED) {
		k->ended += ev == LOGSTREAM_ENDED;
		k->failed += ev == LOGSTREAM_FAILED;
		snprintf(k->msg, sizeof(k->msg), "%s", msg ? msg : "");
		loop_stop(k->loop);
	}
}

static void test_stream_resumes_without_gap_or_duplicate(void **state)
{
	(void)state;
	/* Several lines share a second and even a text: the replay from the whole second
	 * must be cut exactly where the first connection stopped. */
	static const char *const lines[] = {"1 one", "2 two", "2 same", "2 same", "3 three",
					    "3 same", "3 same", "4 four", "4 same", "5 five",
					    "5 same", "6 six"};
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct replay r = {.lines = lines, .nlines = 12};
	assert_int_equal(fake_start(&r.srv, loop, replay_answer, &r), 0);
	struct sink k = {.loop = loop};
	struct logstream_config cfg = {.server = r.srv.url, .ns = "ingest", .pod = "web-1",
				       .follow = true, .tail_lines = 100, .backoff_min_ms = 10};
	char err[256];
	struct logstream *s = logstream_new(loop, http, &cfg, sink_line, sink_event, &k, err, sizeof(err));
	assert_non_null(s);
	long long until = loop_now_ms() + 10000;
	while (!loop_stopped(loop) && loop_now_ms() < until)
		loop_run_once(loop, 100);
	assert_int_equal(k.ended, 1);
	assert_non_null(strstr(k.msg, "not found"));
	assert_int_equal(k.dropped, 3);
	assert_int_equal(k.n, 12);
	for (size_t i = 0; i < 12; i++)
		assert_string_equal(k.lines[i], strchr(lines[i], ' ') + 1);
	assert_non_null(strstr(r.paths[0], "tailLines=100"));
	assert_non_null(strstr(r.paths[0], "follow=true"));
	assert_non_null(strstr(r.paths[0], "timestamps=true"));
	assert_non_null(strstr(r.paths[1], "sinceTime=2026-11-21T09:53:03Z"));
	assert_null(strstr(r.paths[1], "tailLines"));
	assert_non_null(strstr(r.paths[2], "sinceTime=2026-11-21T09:53:04Z"));
	logstream_free(s);
	fake_stop(&r.srv);
	http_client_free(http);
	loop_free(loop);
}

static void refuse_answer(struct fake_server *s, const char *path, const char *auth, int *status,
			  const char **body)
{
	(void)s;
	(void)path;
	(void)auth;
	*status = 400;
	*body = "{\"kind\":\"Status\",\"message\":\"previous terminated container \\\"app\\\" in pod "
		"\\\"web-1\\\" not found\"}";
}

static void test_stream_refusal_names_reason(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct fake_server srv;
	assert_int_equal(fake_start(&srv, loop, refuse_answer, NULL), 0);
	struct sink k = {.loop = loop};
	struct logstream_config cfg = {.server = srv.url, .ns = "ingest", .pod = "web-1",
				       .previous = true, .tail_lines = -1};
	char err[256];
	struct logstream *s = logstream_new(loop, http, &cfg, sink_line, sink_event, &k, err, sizeof(err));
	assert_non_null(s);
	long long until = loop_now_ms() + 5000;
	while (!loop_stopped(loop) && loop_now_ms() < until)
		loop_run_once(loop, 100);
	assert_int_equal(k.failed, 1);
	assert_int_equal(k.n, 0); /* the Status body is not shown as log lines */
	assert_non_null(strstr(k.msg, "previous terminated container \"app\""));
	assert_non_null(strstr(logstream_url(s), "previous=true"));
	logstream_free(s);
	cfg.pod = "Bad/../name";
	assert_null(logstream_new(loop, http, &cfg, sink_line, sink_event, &k, err, sizeof(err)));
	assert_non_null(strstr(err, "invalid pod name"));
	fake_stop(&srv);
	http_client_free(http);
	loop_free(loop);
}

/* ---- logmux ---- */

static void test_target_parse(void **state)
{
	(void)state;
	struct logtarget t;
	char err[256], buf[300];
	assert_int_equal(logtarget_parse("deployment/managed-services-api", "msa", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, LOGTARGET_DEPLOYMENT);
	logtarget_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "deployment/msa/managed-services-api");
	assert_int_equal(logtarget_parse("sts/ingest/mongo", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, LOGTARGET_STATEFULSET);
	assert_string_equal(t.ns, "ingest");
	assert_int_equal(logtarget_parse("ingest/web-1", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, LOGTARGET_POD);
	assert_string_equal(t.name, "web-1");
	assert_int_equal(logtarget_parse("web-1", NULL, &t, err, sizeof(err)), 0);
	assert_string_equal(t.ns, "default");
	assert_int_equal(logtarget_parse("-l app=web", "x", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, LOGTARGET_SELECTOR);
	assert_string_equal(t.selector, "app=web");
	assert_int_equal(logtarget_parse("job/a/b", NULL, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown kind 'job'"));
	assert_int_equal(logtarget_parse("pod/Web_1", NULL, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid name 'Web_1'"));
	assert_int_equal(logtarget_parse("", NULL, &t, err, sizeof(err)), -1);
}

static void test_selector_match(void **state)
{
	(void)state;
	const char *labels = "app=web,tier=front,pod-template-hash=abc";
	assert_true(logtarget_selector_match("app=web", labels));
	assert_true(logtarget_selector_match("app==web,tier=front", labels));
	assert_false(logtarget_selector_match("app=web,tier=back", labels));
	assert_true(logtarget_selector_match("tier!=back", labels));
	assert_true(logtarget_selector_match("tier in (back, front)", labels));
	assert_false(logtarget_selector_match("tier notin (back,front)", labels));
	assert_true(logtarget_selector_match("app,!canary", labels));
	assert_false(logtarget_selector_match("canary", labels));
	assert_false(logtarget_selector_match("", labels));
	assert_false(logtarget_selector_match("app=we", labels));
}

static void put_pod(struct model *m, const char *ns, const char *name, const char *labels)
{
	struct model_pod p = {.ns = (char *)ns, .name = (char *)name, .labels = (char *)labels};
	snprintf(p.status, sizeof(p.status), "Running");
	model_pod_upsert(m, &p);
}

static void test_target_matches_workload_pods(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct model_workload w = {.kind = MODEL_DEPLOYMENT, .ns = "msa", .name = "api", .selector = "app=api"};
	model_workload_upsert(&m, &w);
	put_pod(&m, "msa", "api-5c6d7f8b9-abcde", "app=api,pod-template-hash=5c6d7f8b9");
	put_pod(&m, "msa", "api-gateway-1-xyzab", "app=api-gateway");
	put_pod(&m, "other", "api-5c6d7f8b9-zzzzz", "app=api");
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("deployment/msa/api", NULL, &t, err, sizeof(err)), 0);
	assert_true(logtarget_matches(&t, &m, model_pod_find(&m, "msa", "api-5c6d7f8b9-abcde")));
	assert_false(logtarget_matches(&t, &m, model_pod_find(&m, "msa", "api-gateway-1-xyzab")));
	assert_false(logtarget_matches(&t, &m, model_pod_find(&m, "other", "api-5c6d7f8b9-zzzzz")));
	/* Without the workload in the model: the controllers' naming scheme. */
	assert_int_equal(logtarget_parse("sts/msa/db", NULL, &t, err, sizeof(err)), 0);
	put_pod(&m, "msa", "db-0", "");
	put_pod(&m, "msa", "db-extra", "");
	assert_true(logtarget_matches(&t, &m, model_pod_find(&m, "msa", "db-0")));
	assert_false(logtarget_matches(&t, &m, model_pod_find(&m, "msa", "db-extra")));
	model_free(&m);
}

/* The pod fields the mux needs come from kube/decode: labels, containers, last exit. */
static void test_decode_pod_fields_for_logs(void **state)
{
	(void)state;
	const char *js = "{\"metadata\":{\"name\":\"api-1\",\"namespace\":\"msa\",\"labels\":{\"app\":\"api\",\"tier\":\"back\"}},"
			 "\"spec\":{\"containers\":[{\"name\":\"service\"},{\"name\":\"envoy\"}]},"
			 "\"status\":{\"containerStatuses\":[{\"name\":\"service\",\"restartCount\":2,"
			 "\"lastState\":{\"terminated\":{\"exitCode\":1,\"message\":\"bad config\","
			 "\"finishedAt\":\"2026-11-21T10:00:00Z\"}}}]}}";
	json_error_t jerr;
	json_t *obj = json_loads(js, 0, &jerr);
	assert_non_null(obj);
	struct model m;
	model_init(&m);
	assert_int_equal(decode_apply(KUBE_PODS, obj, false, &m, NULL, 0), 0);
	json_decref(obj);
	const struct model_pod *p = model_pod_find(&m, "msa", "api-1");
	assert_non_null(p);
	assert_string_equal(p->labels, "app=api,tier=back");
	assert_string_equal(p->containers, "service,envoy");
	assert_string_equal(p->last_exit, "exit 1: bad config");
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("-l tier=back", "msa", &t, err, sizeof(err)), 0);
	assert_true(logtarget_matches(&t, &m, p));
	model_free(&m);
}

static const char *ring_text(struct logbuf *lb, uint64_t seq)
{
	static struct logbuf_line l;
	return logbuf_get(lb, seq, &l) ? l.text : "(none)";
}

/* Two pods whose lines arrive in bursts, B's up to 3 lines late: the ring receives them
 * in timestamp order, and never more than the merge rule allows early. */
static void test_merge_orders_skewed_arrival(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct logbuf *lb = logbuf_new(NULL);
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("-l app=x", "ns", &t, err, sizeof(err)), 0);
	struct logmux_config cfg = {.follow = true, .window_ms = 3600000};
	struct logmux *mux = logmux_new(NULL, NULL, &m, lb, &cfg, &t, NULL, NULL);
	/* A: t=10,20,30,40   B: t=15,25,35 arriving after A's 30. */
	logmux_inject(mux, "ns", "a", "", 10, 0, "a10", 3);
	logmux_inject(mux, "ns", "a", "", 20, 0, "a20", 3);
	/* Only A is known so far: it is the only live stream, so it flows. */
	assert_int_equal(logbuf_count(lb), 2);
	logmux_inject(mux, "ns", "b", "", 15, 0, "b15", 3);
	/* A cannot send anything older than its 20 any more: B's 15 is safe to release. */
	assert_int_equal(logbuf_count(lb), 3);
	logmux_inject(mux, "ns", "a", "", 30, 0, "a30", 3);
	assert_int_equal(logbuf_count(lb), 3); /* B may still send something older than 30 */
	logmux_inject(mux, "ns", "a", "", 40, 0, "a40", 3);
	assert_int_equal(logbuf_count(lb), 3);
	logmux_inject(mux, "ns", "b", "", 25, 0, "b25", 3);
	/* 25 < 30: out; then A's 30 waits for B again. */
	assert_int_equal(logbuf_count(lb), 4);
	assert_string_equal(ring_text(lb, 3), "b25");
	logmux_inject(mux, "ns", "b", "", 35, 0, "b35", 3);
	assert_int_equal(logbuf_count(lb), 6);
	assert_string_equal(ring_text(lb, 4), "a30");
	assert_string_equal(ring_text(lb, 5), "b35");
	assert_int_equal(logmux_pending(mux), 1);
	logmux_flush(mux, true);
	assert_int_equal(logmux_pending(mux), 0);
	assert_string_equal(ring_text(lb, 6), "a40");
	const struct logbuf_source *s = logbuf_source_get(lb, 0);
	assert_string_equal(s->pod, "a");
	logmux_free(mux);
	logbuf_free(lb);
	model_free(&m);
}

static void test_merge_releases_after_window(void **state)
{
	(void)state;
	struct model m;
	model_init(&m);
	struct logbuf *lb = logbuf_new(NULL);
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("-l app=x", "ns", &t, err, sizeof(err)), 0);
	struct loop *loop = loop_new();
	struct logmux_config cfg = {.follow = true, .window_ms = 30};
	struct logmux *mux = logmux_new(loop, NULL, &m, lb, &cfg, &t, NULL, NULL);
	logmux_inject(mux, "ns", "b", "", 5, 0, "b5", 2);
	logmux_inject(mux, "ns", "a", "", 10, 0, "a10", 3);
	logmux_inject(mux, "ns", "b", "", 20, 0, "b20", 3);
	assert_int_equal(logbuf_count(lb), 2);
	/* A is idle: B's 20 goes out once it has waited the window (the mux's timer). */
	long long until = loop_now_ms() + 2000;
	while (logbuf_count(lb) < 3 && loop_now_ms() < until)
		loop_run_once(loop, 20);
	assert_int_equal(logbuf_count(lb), 3);
	assert_string_equal(ring_text(lb, 0), "b5");
	assert_string_equal(ring_text(lb, 1), "a10");
	assert_string_equal(ring_text(lb, 2), "b20");
	logmux_free(mux);
	loop_free(loop);
	logbuf_free(lb);
	model_free(&m);
}

static void hello_answer(struct fake_server *s, const char *path, const char *auth, int *status,
			 const char **body)
{
	(void)s;
	(void)path;
	(void)auth;
	*status = 200;
	*body = "2026-11-21T09:53:00.000000001Z hello\n";
}

static bool ring_has(struct logbuf *lb, const char *text, unsigned *flags)
{
	for (uint64_t q = logbuf_first_seq(lb); q < logbuf_next_seq(lb); q++) {
		struct logbuf_line l;
		if (logbuf_get(lb, q, &l) && strstr(l.text, text)) {
			*flags = l.flags;
			return true;
		}
	}
	return false;
}

/* The mux follows the model: a new pod gets a stream, a restart a marker line with the
 * exit, a pod that goes away a "pod gone" marker and its source flagged. */
static void test_mux_follows_model(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct fake_server srv;
	assert_int_equal(fake_start(&srv, loop, hello_answer, NULL), 0);
	struct model m;
	model_init(&m);
	struct model_workload w = {.kind = MODEL_DEPLOYMENT, .ns = "ns", .name = "api", .selector = "app=api"};
	model_workload_upsert(&m, &w);
	struct model_pod p = {.ns = "ns", .name = "api-7d9f8c6b5-abcde", .labels = "app=api", .containers = "main"};
	model_pod_upsert(&m, &p);
	struct logbuf *lb = logbuf_new(NULL);
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("deployment/api", "ns", &t, err, sizeof(err)), 0);
	struct logmux_config cfg = {.server = srv.url, .follow = true, .tail_lines = 10, .window_ms = 10,
				    .backoff_min_ms = 5000};
	struct logmux *mux = logmux_new(loop, http, &m, lb, &cfg, &t, NULL, NULL);
	logmux_sync(mux);
	assert_int_equal(logmux_streams(mux), 1);
	assert_int_equal(logmux_pods(mux), 1);
	unsigned flags = 0;
	long long until = loop_now_ms() + 5000;
	while (!ring_has(lb, "hello", &flags) && loop_now_ms() < until)
		loop_run_once(loop, 50);
	assert_true(ring_has(lb, "hello", &flags));
	assert_int_equal(flags, 0);
	/* A restart: marker with the exit code and message. */
	p.restarts = 1;
	p.last_exit = "exit 1: bad config";
	model_pod_upsert(&m, &p);
	logmux_sync(mux);
	logmux_flush(mux, true);
	assert_true(ring_has(lb, "--- container restarted (exit 1: bad config) ---", &flags));
	assert_int_equal(flags, LOGBUF_MARKER);
	/* Gone. */
	model_pod_delete(&m, "ns", "api-7d9f8c6b5-abcde");
	logmux_sync(mux);
	logmux_flush(mux, true);
	assert_true(ring_has(lb, "--- pod gone ---", &flags));
	assert_true(logbuf_source_get(lb, 0)->gone);
	assert_int_equal(logmux_pods(mux), 0);
	logmux_free(mux);
	logbuf_free(lb);
	model_free(&m);
	fake_stop(&srv);
	http_client_free(http);
	loop_free(loop);
}

static void test_mux_caps_streams(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct model m;
	model_init(&m);
	for (int i = 0; i < 70; i++) {
		char name[32];
		snprintf(name, sizeof(name), "web-%d", i);
		struct model_pod p = {.ns = "ns", .name = name, .labels = "app=web", .containers = "main"};
		model_pod_upsert(&m, &p);
	}
	struct logbuf *lb = logbuf_new(NULL);
	struct logtarget t;
	char err[128];
	assert_int_equal(logtarget_parse("-l app=web", "ns", &t, err, sizeof(err)), 0);
	struct logmux_config cfg = {.server = "http://127.0.0.1:9", .follow = true, .backoff_min_ms = 60000};
	struct logmux *mux = logmux_new(loop, http, &m, lb, &cfg, &t, NULL, NULL);
	logmux_sync(mux);
	assert_int_equal(logmux_streams(mux), 64);
	assert_non_null(strstr(logmux_error(mux), "following the first 64 only"));
	logmux_free(mux);
	logbuf_free(lb);
	model_free(&m);
	http_client_free(http);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ts),
		cmocka_unit_test(test_parse_ts_memo),
		cmocka_unit_test(test_split_at_every_chunk_boundary),
		cmocka_unit_test(test_resume_skips_replay_only),
		cmocka_unit_test(test_stream_resumes_without_gap_or_duplicate),
		cmocka_unit_test(test_stream_refusal_names_reason),
		cmocka_unit_test(test_target_parse),
		cmocka_unit_test(test_selector_match),
		cmocka_unit_test(test_target_matches_workload_pods),
		cmocka_unit_test(test_decode_pod_fields_for_logs),
		cmocka_unit_test(test_merge_orders_skewed_arrival),
		cmocka_unit_test(test_merge_releases_after_window),
		cmocka_unit_test(test_mux_follows_model),
		cmocka_unit_test(test_mux_caps_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
