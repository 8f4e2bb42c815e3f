/* sim/world_loggen: what the simulated containers print.  Each workload family gets lines
 * shaped like its real counterpart (Spring Boot for ingest-core, AMQP chatter for the
 * broker, JSON-ish validator lines, klog for Go services, mongod's JSON log...), with an
 * occasional WARN, and managed-services-api runs a leader election in which exactly one
 * pod logs "Running as the leader and starting worker *workers.ClusterManager".
 * Store lock held throughout (the logs lock is taken inside logs_append). */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Upper bound of lines one pod writes per tick, whatever the rate asked. */
enum { WORLD_MAX_LINES_PER_TICK = 10000 };

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

static char *world_line(struct sim_world *w, const char *app, const struct world_pod *rt)
{
	char ts[64], id[32];
	(void)rt;
	bool warn = world_rand(w) % 20 == 0;
	unsigned r = world_rand(w);
	snprintf(id, sizeof(id), "%08x%08x", world_rand(w), world_rand(w));
	if (!strcmp(app, "ingest-core")) {
		static const char *const msgs[] = {
			"o.h.c.i.c.s.SubmissionEnvelopeService  : Submission envelope %s status "
			"changed to Valid",
			"o.h.c.i.c.web.BiomaterialController    : GET /biomaterials/%s 200",
			"o.h.c.i.c.m.MessageRouter              : Sending validation message for "
			"document %s",
			"o.h.c.i.c.s.ProcessService             : Linked process %s to 2 protocols"};
		world_clock(ts, sizeof(ts), false);
		char *m = xasprintf(msgs[r % 4], id);
		char *line = warn ? xasprintf("%s  WARN 1 --- [nio-8080-exec-%u] "
					      "o.h.c.i.c.s.SubmissionStateMachine     : Envelope %s "
					      "stuck in Pending for 120s",
					      ts, r % 10 + 1, id)
				  : xasprintf("%s  INFO 1 --- [nio-8080-exec-%u] %s", ts,
					      r % 10 + 1, m);
		free(m);
		return line;
	}
	if (!strcmp(app, "ingest-broker"))
		return warn ? xasprintf("WARNING:pika.adapters.blocking_connection:Channel 1 "
					"closed by broker, reconnecting")
			    : xasprintf("INFO:broker.listener:Received message on "
					"ingest.envelope.submitted.exchange routing_key="
					"ingest.submission.%s body_size=%u",
					id, 200 + r % 3000);
	if (!strcmp(app, "ingest-validator"))
		return xasprintf("{\"level\":\"%s\",\"msg\":\"%s\",\"documentId\":\"%s\","
				 "\"documentType\":\"biomaterial\",\"durationMs\":%u}",
				 warn ? "warn" : "info",
				 warn ? "schema fetch slow, using cached schema"
				      : "validated document, state Valid",
				 id, r % 400);
	if (!strcmp(app, world_leader_deploy)) {
		world_clock(ts, sizeof(ts), true);
		return xasprintf("%c%s       1 api_server.go:%u] %s /api/managed-services-api/v1/"
				 "kafkas%s %u (%u.%02ums)",
				 warn ? 'W' : 'I', ts, 100 + r % 50, r % 3 ? "GET" : "POST",
				 r % 3 ? "" : "?async=true", warn ? 503u : 200u, r % 40, r % 100);
	}
	if (!strcmp(app, "mongo")) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("{\"t\":{\"$date\":\"%s\"},\"s\":\"%s\",\"c\":\"NETWORK\","
				 "\"id\":22943,\"ctx\":\"listener\",\"msg\":\"Connection "
				 "accepted\",\"attr\":{\"remote\":\"100.96.%u.%u:%u\","
				 "\"connectionCount\":%u}}",
				 ts, warn ? "W" : "I", r % 4, r % 250, 40000 + r % 20000,
				 10 + r % 30);
	}
	if (!strcmp(app, "rabbitmq")) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("%s+00:00 [%s] <0.%u.0> accepting AMQP connection "
				 "100.96.%u.%u:%u -> 100.96.2.14:5672",
				 ts, warn ? "warning" : "info", 1000 + r % 9000, r % 4, r % 250,
				 40000 + r % 20000);
	}
	if (!strcmp(app, "kube-dns") || !strcmp(app, "coredns"))
		return xasprintf("[INFO] 100.96.%u.%u:%u - %u \"A IN ingest-core.ingest.svc."
				 "cluster.local. udp 58 false 512\" NOERROR qr,aa,rd 116 0.000%03us",
				 r % 4, r % 250, 30000 + r % 30000, r % 65536, r % 1000);
	if (!strcmp(app, "kube-proxy")) {
		world_clock(ts, sizeof(ts), true);
		return xasprintf("I%s       1 proxier.go:796] \"SyncProxyRules complete\" "
				 "elapsed=\"%u.%ums\"",
				 ts, 5 + r % 30, r % 10);
	}
	if (!strncmp(app, "ingest-", 7)) {
		world_clock(ts, sizeof(ts), false);
		return xasprintf("%s %s [%s] %s: processed message %s in %ums", ts,
				 warn ? "WARN " : "INFO ", app + 7, app, id, r % 900);
	}
	return xasprintf("level=%s msg=\"handled request\" path=/healthz status=200 "
			 "duration=%u.%ums",
			 warn ? "warn" : "info", r % 5, r % 10);
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
	for (size_t b = 0; b < w->npod_buckets; b++) {
		for (struct world_pod *p = w->pods[b]; p; p = p->next) {
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
			p->log_acc += rate * dt;
			unsigned n = 0;
			const char *app = world_pod_app(pod);
			const char *c0 = world_first_container(pod);
			/* Keep about three seconds of a fast writer, so a follower that lags a
			 * little never finds its next lines already dropped. */
			if (rate * 3 > 5000)
				logs_reserve(w->sim->logs, p->ns, p->name, c0, (size_t)(rate * 3));
			while (p->log_acc >= 1 && n < WORLD_MAX_LINES_PER_TICK) {
				p->log_acc -= 1;
				p->log_n++;
				n++;
				char *line;
				if (wl && json_array_size(wl->log_lines)) {
					json_t *t = json_array_get(
						wl->log_lines,
						p->log_n % json_array_size(wl->log_lines));
					line = world_expand(w, json_string_value(t), p);
				} else {
					line = world_line(w, app, p);
				}
				world_emit(w, p, c0, line);
				free(line);
			}
			if (p->log_acc > WORLD_MAX_LINES_PER_TICK)
				p->log_acc = 0;
		}
	}
}
