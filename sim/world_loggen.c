/* sim/world_loggen: what the simulated containers print.  Each workload family gets lines
 * shaped like its real counterpart (Spring Boot for ingest-core, AMQP chatter for the
 * broker, JSON-ish validator lines, klog for Go services, mongod's JSON log...), with an
 * occasional WARN, and managed-services-api runs a leader election in which exactly one
 * pod logs "Running as the leader and starting worker *workers.ClusterManager".
 *
 * Sequence numbers: every line of the generator carries its pod's sequence number as
 * "seq=" and at least 9 decimal digits ("seq=000123456"), once, inside the message (in
 * the "msg" string of JSON-shaped lines, so they stay valid JSON).  The count starts at
 * 1 for each pod and grows by one per generated line, so a client counts lost and
 * repeated lines exactly.  Lines the generator did not make (start-up, leader election,
 * `log` faults) carry none; a scenario's own templates carry what they say ({n} is the
 * same count).
 *
 * Rate: a pod owes rate x dt lines per tick (250 ms), all of them, with no cap but the
 * 2 s a tick may cover; their timestamps are spread evenly over the tick
 * (logs_append_spread).  Fast writers (more than WORLD_VARIANTS lines in a tick) do not
 * format each line: WORLD_VARIANTS lines are made per tick and copied with the sequence
 * number written in, so 200,000 lines/s cost a few percent of a core.
 * Store lock held throughout (the logs lock is taken inside logs_append*). */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* WORLD_VARIANTS: distinct lines made per tick for a fast writer.  WORLD_BATCH_BYTES:
 * generated text handed to sim/logs at a time.  WORLD_RESERVE_MAX: the most lines a
 * container keeps for followers that lag (3 s of its rate up to this). */
enum { WORLD_VARIANTS = 32, WORLD_BATCH_BYTES = 1 << 20, WORLD_RESERVE_MAX = 2000000 };

static const char world_seq_key[] = "seq=";
enum { WORLD_SEQ_DIGITS = 9 };

static const char *const world_leader_deploy = "managed-services-api";

static const char *world_pod_app(const json_t *pod)
{
	const char *app = world_get_str(pod, "metadata.labels.app");
	if (!app)
		app = json_string_value(json_object_get(world_get(pod, "metadata.labels"),
							"k8s-app"));
	return app ? app : "";
}

static const char *world_first_container(const json_t *pod)
{
	return json_string_value(json_object_get(json_array_get(world_get(pod, "spec.containers"),
								0),
						 "name"));
}

static void world_emit(struct sim_world *w, const struct world_pod *rt, const char *container,
		       const char *line)
{
	struct timespec ts = {w->instant ? w->instant_time : 0, 0};
	logs_append(w->sim->logs, rt->ns, rt->name, container, w->instant ? &ts : NULL, line,
		    strlen(line));
}

static void world_clock(char *buf, size_t len, bool klog)
{
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	time_t s = now.tv_sec;
	gmtime_r(&s, &tm);
	if (klog)
		snprintf(buf, len, "%02d%02d %02d:%02d:%02d.%06d", tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now.tv_nsec / 1000 % 1000000));
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(now.tv_nsec / 1000000 % 1000));
}

/* A scenario template: {n} counter, {pod}, {ns}, {rand} (a number). */
static char *world_expand(struct sim_world *w, const char *tmpl, const struct world_pod *rt)
{
	size_t cap = strlen(tmpl) + 64, n = 0;
	char *out = xmalloc(cap);
	for (const char *p = tmpl; *p;) {
		char rep[64];
		const char *r = NULL;
		size_t skip = 0;
		if (!strncmp(p, "{n}", 3)) {
			snprintf(rep, sizeof(rep), "%u", rt->log_n);
			r = rep, skip = 3;
		} else if (!strncmp(p, "{rand}", 6)) {
			snprintf(rep, sizeof(rep), "%u", world_rand(w) % 100000);
			r = rep, skip = 6;
		} else if (!strncmp(p, "{pod}", 5)) {
			r = rt->name, skip = 5;
		} else if (!strncmp(p, "{ns}", 4)) {
			r = rt->ns, skip = 4;
		}
		size_t add = r ? strlen(r) : 1;
		out = xgrow(out, &cap, n + add + 1, 1);
		if (r) {
			memcpy(out + n, r, add);
			p += skip;
		} else {
			out[n] = *p++;
		}
		n += add;
	}
	out[n] = '\0';
	return out;
}

/* One line of app's kind with "seq=NNNNNNNNN" (see the top of the file) in its message. */
static char *world_line(struct sim_world *w, const char *app, unsigned seq)
{
	char ts[64], id[32], sq[24];
	bool warn = world_rand(w) % 20 == 0;
	unsigned r = world_rand(w);
	snprintf(id, sizeof(id), "%08x%08x", world_rand(w), world_rand(w));
	snprintf(sq, sizeof(sq), "%s%0*u", world_seq_key, WORLD_SEQ_DIGITS, seq);
	if (!strcmp(app, "ingest-core")) {
		static const char *const msgs[] = {
			"o.h.c.i.c.s.SubmissionEnvelopeService  : Submission envelope %s status "
			"changed to Valid %s",
			"o.h.c.i.c.web.BiomaterialController    : GET /biomaterials/%s 200 %s",
			"o.h.c.i.c.m.MessageRouter              : Sending validation message for "
			"document %s %s",
			"o.h.c.i.c.s.ProcessService             : Linked process %s to 2 protocols %s"};
		world_clock(ts, sizeof(ts), false);
		char *m = xasprintf(msgs[r % 4], id, sq);
		char *line = warn ? xasprintf("%s  WARN 1 --- [nio-8080-exec-%u] "
					      "o.h.c.i.c.s.SubmissionStateMachine     : Envelope %s "
					      "stuck in Pending for 120s %s",
					      ts, r % 10 + 1, id, sq)
				  : xasprintf("%s  INFO 1 --- [nio-8080-exec-%u] %s", ts,
					      r % 10 + 1, m);
		free(m);
		return line;
	}
	if (!strcmp(app, "ingest-broker"))
		return warn ? xasprintf("WARNING:pika.adapters.blocking_connection:Channel 1 "
					"closed by broker, reconnecting %s", sq)
			    : xasprintf("INFO:broker.listener:Received message on "
					"ingest.envelope.submitted.exchange routing_key="
					"ingest.submission.%s body_size=%u %s",
					id, 200 + r % 3000, sq);
	if (!strcmp(app, "ingest-validator"))
		return xasprintf("{\"level\":\"%s\",\"msg\":\"%s %s\",\"documentId\":\"%s\","
				 "\"documentType\":\"biomaterial\",\"durationMs\":%u}",
				 warn ? "warn" : "info",
				 warn ? "schema fetch slow, using cached schema"
				      : "validated document, state Valid",
				 sq, id, r % 400);
	if (!strcmp(app, world_leader_deploy)) {
		world_clock(ts, sizeof(ts), true);
		return xasprintf("%c%s       1 api_server.go:%u] %s /api/managed-services-api/v1/"
				 "kafkas%s %u (%u.%02ums) %s",
				 warn ? 'W' : 'I', ts, 100 + r % 50, r % 3 ? "GET" : "POST",
				 r % 3 ? "" : "?async=true", warn ? 503u : 200u, r % 40, r % 100, sq);
	}
	if (!strcmp(app, "mongo")) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("{\"t\":{\"$date\":\"%s\"},\"s\":\"%s\",\"c\":\"NETWORK\","
				 "\"id\":22943,\"ctx\":\"listener\",\"msg\":\"Connection "
				 "accepted %s\",\"attr\":{\"remote\":\"100.96.%u.%u:%u\","
				 "\"connectionCount\":%u}}",
				 ts, warn ? "W" : "I", sq, r % 4, r % 250, 40000 + r % 20000,
				 10 + r % 30);
	}
	if (!strcmp(app, "rabbitmq")) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("%s+00:00 [%s] <0.%u.0> accepting AMQP connection "
				 "100.96.%u.%u:%u -> 100.96.2.14:5672 %s",
				 ts, warn ? "warning" : "info", 1000 + r % 9000, r % 4, r % 250,
				 40000 + r % 20000, sq);
	}
	if (!strcmp(app, "kube-dns") || !strcmp(app, "coredns"))
		return xasprintf("[INFO] 100.96.%u.%u:%u - %u \"A IN ingest-core.ingest.svc."
				 "cluster.local. udp 58 false 512\" NOERROR qr,aa,rd 116 0.000%03us %s",
				 r % 4, r % 250, 30000 + r % 30000, r % 65536, r % 1000, sq);
	if (!strcmp(app, "kube-proxy")) {
		world_clock(ts, sizeof(ts), true);
		return xasprintf("I%s       1 proxier.go:796] \"SyncProxyRules complete\" "
				 "elapsed=\"%u.%ums\" %s",
				 ts, 5 + r % 30, r % 10, sq);
	}
	if (!strncmp(app, "ingest-", 7)) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("%s %s [%s] %s: processed message %s in %ums %s", ts,
				 warn ? "WARN " : "INFO ", app + 7, app, id, r % 900, sq);
	}
	return xasprintf("level=%s msg=\"handled request %s\" path=/healthz status=200 "
			 "duration=%u.%ums",
			 warn ? "warn" : "info", sq, r % 5, r % 10);
}

/* The leader holds its lease while its pod runs and is not being deleted (a pod on a lost
 * node stops renewing it). */
static struct world_pod *world_leader_alive(struct sim_world *w, const struct world_wl *wl)
{
	struct world_pod *lead = wl->leader ? world_pod_rt(w, wl->ns, wl->leader, NULL, false)
					    : NULL;
	if (!lead || lead->stage != WS_RUNNING)
		return NULL;
	const json_t *pod = store_get(w->sim->store, SIM_PODS, wl->ns, wl->leader);
	return pod && !world_pod_deleting(pod) ? lead : NULL;
}

/* The first pod to start (or the first running one after the leader left) wins. */
static void world_leader_check(struct sim_world *w, const json_t *pod, const struct world_pod *rt,
			       const char *container)
{
	const char *wname = NULL;
	world_pod_workload(w, pod, &wname);
	if (!wname)
		return;
	struct world_wl *wl = world_wl_get(w, rt->ns, wname, true);
	struct world_pod *lead = world_leader_alive(w, wl);
	if (lead && lead != rt) {
		char *m = xasprintf("I0000 leader.go:88] Not the leader: %s holds the lease, "
				    "worker *workers.ClusterManager waiting",
				    wl->leader);
		world_emit(w, rt, container, m);
		free(m);
		return;
	}
	free(wl->leader);
	wl->leader = xstrdup(rt->name);
	world_emit(w, rt, container,
		   "I0000 leader.go:64] Running as the leader and starting worker "
		   "*workers.ClusterManager");
	world_emit(w, rt, container,
		   "I0000 leader.go:64] Running as the leader and starting worker "
		   "*workers.KafkaManager");
}

void world_loggen_start(struct sim_world *w, const json_t *pod, const struct world_pod *rt)
{
	const char *app = world_pod_app(pod);
	const char *img = json_string_value(
		json_object_get(json_array_get(world_get(pod, "spec.containers"), 0), "image"));
	const char *c0 = world_first_container(pod);
	char *l1 = xasprintf("Starting %s (image %s) on %s", app, img ? img : "?", rt->name);
	world_emit(w, rt, c0, l1);
	free(l1);
	if (!strcmp(app, "ingest-core"))
		world_emit(w, rt, c0,
			   "INFO 1 --- [main] o.h.c.i.c.IngestCoreApplication : Started "
			   "IngestCoreApplication in 41.873 seconds (JVM running for 44.02)");
	if (!strcmp(app, world_leader_deploy))
		world_leader_check(w, pod, rt, c0);
	/* Sidecars get a line too, so `logs -c` has something to show. */
	size_t i;
	json_t *c;
	json_array_foreach(world_get(pod, "spec.containers"), i, c) {
		const char *cn = json_string_value(json_object_get(c, "name"));
		if (i > 0 && cn)
			world_emit(w, rt, cn, "sidecar started");
	}
}

/* Promotes a follower when the leader went away. */
static void world_leader_tick(struct sim_world *w)
{
	for (size_t i = 0; i < w->nwls; i++) {
		struct world_wl *wl = &w->wls[i];
		if (!wl->leader)
			continue;
		if (world_leader_alive(w, wl))
			continue;
		struct world_pod *lead = world_pod_rt(w, wl->ns, wl->leader, NULL, false);
		size_t plen = strlen(wl->name);
		for (size_t b = 0; b < w->npod_buckets; b++) {
			for (struct world_pod *p = w->pods[b]; p; p = p->next) {
				if (p == lead || p->stage != WS_RUNNING || strcmp(p->ns, wl->ns) ||
				    strncmp(p->name, wl->name, plen) || p->name[plen] != '-')
					continue;
				const json_t *pod = store_get(w->sim->store, SIM_PODS, p->ns,
							      p->name);
				if (!pod || world_pod_deleting(pod))
					continue;
				free(wl->leader);
				wl->leader = NULL;
				world_leader_check(w, pod, p, world_first_container(pod));
				goto next;
			}
		}
next:;
	}
}

/* Generated text on its way to sim/logs: lines joined by '\n', handed over about
 * WORLD_BATCH_BYTES at a time, each piece with its share of the tick's time span. */
struct world_batch {
	struct sim_logs *logs;
	const struct world_pod *p;
	const char *container;
	int64_t from, span;         /* ns since the epoch, and the tick's length */
	unsigned total, done, held; /* lines of the tick, handed over, waiting in buf */
	char *buf;
	size_t len, cap;
};

static struct timespec world_ts(int64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000), .tv_nsec = ns % 1000000000};
}

static void world_batch_flush(struct world_batch *b)
{
	if (!b->held)
		return;
	double per = b->total ? (double)b->span / b->total : 0;
	struct timespec from = world_ts(b->from + (int64_t)(per * b->done));
	struct timespec to = world_ts(b->from + (int64_t)(per * (b->done + b->held)));
	logs_append_spread(b->logs, b->p->ns, b->p->name, b->container, &from, &to, b->buf,
			   b->len);
	b->done += b->held;
	b->held = 0;
	b->len = 0;
}

/* Room for `need` more bytes of the line being written (a flush first when full). */
static char *world_batch_room(struct world_batch *b, size_t need)
{
	if (b->len && b->len + need > WORLD_BATCH_BYTES)
		world_batch_flush(b);
	b->buf = xgrow(b->buf, &b->cap, b->len + need, 1);
	return b->buf + b->len;
}

static void world_batch_add(struct world_batch *b, const char *line)
{
	size_t n = strlen(line);
	char *d = world_batch_room(b, n + 1);
	memcpy(d, line, n);
	d[n] = '\n';
	b->len += n + 1;
	b->held++;
}

/* A line made once per tick, copied for many lines with their own sequence number. */
struct world_variant {
	char *text;
	size_t len, at; /* at: offset of the digits after "seq=" */
};

/* n lines of app's kind for a fast writer: WORLD_VARIANTS formatted lines, each copy
 * with the next sequence number written over the placeholder. */
static void world_fast_lines(struct sim_world *w, struct world_batch *b, struct world_pod *p,
			     const char *app, unsigned n)
{
	struct world_variant v[WORLD_VARIANTS];
	for (size_t k = 0; k < WORLD_VARIANTS; k++) {
		v[k].text = world_line(w, app, 0);
		v[k].len = strlen(v[k].text);
		const char *at = strstr(v[k].text, world_seq_key);
		v[k].at = (size_t)(at - v[k].text) + sizeof(world_seq_key) - 1;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned seq = ++p->log_n;
		const struct world_variant *x = &v[seq % WORLD_VARIANTS];
		char dig[16];
		int nd = 0;
		for (unsigned q = seq; q || nd < WORLD_SEQ_DIGITS; q /= 10)
			dig[nd++] = (char)('0' + q % 10);
		size_t tail = x->len - x->at - WORLD_SEQ_DIGITS;
		char *d = world_batch_room(b, x->at + (size_t)nd + tail + 1);
		memcpy(d, x->text, x->at);
		d += x->at;
		while (nd)
			*d++ = dig[--nd];
		memcpy(d, x->text + x->at + WORLD_SEQ_DIGITS, tail);
		d[tail] = '\n';
		b->len = (size_t)(d + tail + 1 - b->buf);
		b->held++;
	}
	for (size_t k = 0; k < WORLD_VARIANTS; k++)
		free(v[k].text);
}

/* The n lines pod p owes this tick, stamped over (now - dt, now]. */
static void world_pod_lines(struct sim_world *w, struct world_batch *b, struct world_pod *p,
			    const struct world_wl *wl, const char *app, unsigned n, double dt)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t to = w->instant ? (int64_t)w->instant_time * 1000000000
				: (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	b->p = p;
	b->span = w->instant ? 0 : (int64_t)(dt * 1e9);
	b->from = to - b->span;
	b->total = n;
	b->done = b->held = 0;
	b->len = 0;
	if (wl && json_array_size(wl->log_lines)) {
		for (unsigned i = 0; i < n; i++) {
			p->log_n++;
			json_t *t = json_array_get(wl->log_lines,
						   p->log_n % json_array_size(wl->log_lines));
			char *line = world_expand(w, json_string_value(t), p);
			world_batch_add(b, line);
			free(line);
		}
	} else if (n > WORLD_VARIANTS) {
		world_fast_lines(w, b, p, app, n);
	} else {
		for (unsigned i = 0; i < n; i++) {
			char *line = world_line(w, app, ++p->log_n);
			world_batch_add(b, line);
			free(line);
		}
	}
	world_batch_flush(b);
}

void world_loggen_tick(struct sim_world *w, double dt)
{
	if (dt <= 0)
		return;
	if (dt > 2)
		dt = 2; /* after a stall, do not dump a burst */
	bool any_rate = false;
	for (size_t i = 0; i < w->nwls; i++)
		any_rate |= w->wls[i].log_rate >= 0 || w->wls[i].log_lines;
	world_leader_tick(w);
	struct world_batch b = {.logs = w->sim->logs};
	for (size_t k = 0; k < w->npod_buckets; k++) {
		for (struct world_pod *p = w->pods[k]; p; p = p->next) {
			if (p->stage != WS_RUNNING)
				continue;
			bool active = !w->synthetic || logs_active(w->sim->logs, p->ns, p->name, 60);
			if (!active && !any_rate)
				continue;
			const json_t *pod = store_get(w->sim->store, SIM_PODS, p->ns, p->name);
			if (!pod || world_pod_deleting(pod))
				continue;
			struct world_wl *wl = world_pod_workload(w, pod, NULL);
			/* A steady per-pod rate between 0.3 and 1 line/s, from the pod's name. */
			double rate = 0.3 + (double)(strlen(p->name) * 7 % 8) / 10.0;
			if (wl && wl->log_rate >= 0)
				rate = wl->log_rate;
			else if (!active)
				continue;
			/* What is owed is written, whatever the rate: dt <= 2 s bounds it. */
			p->log_acc += rate * dt;
			unsigned n = (unsigned)p->log_acc;
			p->log_acc -= n;
			b.container = world_first_container(pod);
			/* Keep about three seconds of a fast writer, so a follower that lags a
			 * little never finds its next lines already dropped. */
			if (rate * 3 > 5000)
				logs_reserve(w->sim->logs, p->ns, p->name, b.container,
					     rate * 3 < WORLD_RESERVE_MAX ? (size_t)(rate * 3)
								  : WORLD_RESERVE_MAX);
			if (n)
				world_pod_lines(w, &b, p, wl, world_pod_app(pod), n, dt);
		}
	}
	free(b.buf);
}
