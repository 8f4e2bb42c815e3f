/* sim/world: lifecycle, helpers and Kubernetes Events of the simulated cluster; see
 * world.h for the contract and world_int.h for the private state. */
#include "sim/world_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Events kept before the oldest are deleted, as the API server's event TTL would. */
enum { WORLD_MAX_EVENTS = 3000 };

double world_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint32_t world_rand(struct sim_world *w)
{
	/* xorshift64*: repeatable from --seed, good enough for names and jitter. */
	uint64_t x = w->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return (uint32_t)((x * 2685821657736338717ULL) >> 32);
}

double world_randf(struct sim_world *w)
{
	return (double)world_rand(w) / 4294967296.0;
}

/* The alphabet Kubernetes uses for generated names: no vowels, no confusable digits. */
static const char world_alnum[] = "bcdfghjklmnpqrstvwxz2456789";

void world_rand_suffix(struct sim_world *w, char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = world_alnum[world_rand(w) % (sizeof(world_alnum) - 1)];
	buf[n] = '\0';
}

void world_hash_name(const json_t *v, char *buf, size_t len)
{
	char *s = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
	uint32_t h = 2166136261u;
	for (const char *p = s ? s : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	free(s);
	char dec[16];
	snprintf(dec, sizeof(dec), "%u", h);
	size_t i = 0;
	for (; dec[i] && i + 1 < len; i++)
		buf[i] = world_alnum[(unsigned char)dec[i] % (sizeof(world_alnum) - 1)];
	buf[i] = '\0';
}

void world_time_str(time_t t, char *buf, size_t len)
{
	sim_format_time(t, buf, len);
}

void world_set(json_t *obj, const char *path, json_t *v)
{
	char key[128];
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, path, n);
		key[n] = '\0';
		json_t *c = json_object_get(obj, key);
		if (!json_is_object(c)) {
			c = json_object();
			json_object_set_new(obj, key, c);
		}
		obj = c;
		path = dot + 1;
	}
	json_object_set_new(obj, path, v);
}

json_t *world_get(const json_t *obj, const char *path)
{
	char key[128];
	const char *dot;
	while (obj && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		obj = json_object_get(obj, key);
		path = dot + 1;
	}
	return obj ? json_object_get(obj, path) : NULL;
}

const char *world_get_str(const json_t *obj, const char *path)
{
	return json_string_value(world_get(obj, path));
}

const char *world_annotation(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(world_get(obj, "metadata.annotations"), key));
}

const char *world_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static size_t world_pod_bucket(const struct sim_world *w, const char *ns, const char *name)
{
	uint32_t h = 2166136261u;
	for (const char *p = ns; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % w->npod_buckets;
}

static void world_pod_free(struct world_pod *p)
{
	free(p->ns);
	free(p->name);
	free(p->uid);
	free(p->term_message);
	free(p);
}

static void world_pods_rehash(struct sim_world *w)
{
	size_t old = w->npod_buckets;
	struct world_pod **ob = w->pods;
	w->npod_buckets = old * 2;
	w->pods = xcalloc(w->npod_buckets, sizeof(*w->pods));
	for (size_t b = 0; b < old; b++) {
		struct world_pod *p = ob[b], *n;
		for (; p; p = n) {
			n = p->next;
			size_t i = world_pod_bucket(w, p->ns, p->name);
			p->next = w->pods[i];
			w->pods[i] = p;
		}
	}
	free(ob);
}

struct world_pod *world_pod_rt(struct sim_world *w, const char *ns, const char *name,
			       const char *uid, bool create)
{
	struct world_pod **pp = &w->pods[world_pod_bucket(w, ns, name)];
	for (; *pp; pp = &(*pp)->next) {
		struct world_pod *p = *pp;
		if (strcmp(p->ns, ns) || strcmp(p->name, name))
			continue;
		if (!uid || !strcmp(p->uid, uid))
			return p;
		/* Same name, new pod (a statefulset ordinal came back): start over. */
		*pp = p->next;
		w->npods--;
		world_pod_free(p);
		break;
	}
	if (!create)
		return NULL;
	struct world_pod *p = xcalloc(1, sizeof(*p));
	p->ns = xstrdup(ns);
	p->name = xstrdup(name);
	p->uid = xstrdup(uid ? uid : "");
	p->stage = WS_PENDING;
	p->gen = w->gen;
	size_t i = world_pod_bucket(w, ns, name);
	p->next = w->pods[i];
	w->pods[i] = p;
	if (++w->npods > w->npod_buckets)
		world_pods_rehash(w);
	return p;
}

void world_pod_rt_drop(struct sim_world *w, struct world_pod *p)
{
	struct world_pod **pp = &w->pods[world_pod_bucket(w, p->ns, p->name)];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			w->npods--;
			world_pod_free(p);
			return;
		}
	}
}

struct world_wl *world_wl_get(struct sim_world *w, const char *ns, const char *name,
			      bool create)
{
	for (size_t i = 0; i < w->nwls; i++)
		if (!strcmp(w->wls[i].ns, ns) && !strcmp(w->wls[i].name, name))
			return &w->wls[i];
	if (!create)
		return NULL;
	w->wls = xgrow(w->wls, &w->capwls, w->nwls + 1, sizeof(*w->wls));
	struct world_wl *wl = &w->wls[w->nwls++];
	memset(wl, 0, sizeof(*wl));
	wl->ns = xstrdup(ns);
	wl->name = xstrdup(name);
	wl->log_rate = -1;
	return wl;
}

struct world_wl *world_pod_workload(struct sim_world *w, const json_t *pod, const char **name)
{
	const char *kind = NULL, *owner = NULL;
	const char *ns = sim_obj_namespace(pod);
	json_t *ref = json_array_get(world_get(pod, "metadata.ownerReferences"), 0);
	kind = json_string_value(json_object_get(ref, "kind"));
	owner = json_string_value(json_object_get(ref, "name"));
	if (!kind || !owner)
		return NULL;
	if (!strcmp(kind, "ReplicaSet")) {
		json_t *rs = store_get(w->sim->store, SIM_REPLICASETS, ns, owner);
		ref = json_array_get(world_get(rs, "metadata.ownerReferences"), 0);
		kind = json_string_value(json_object_get(ref, "kind"));
		owner = json_string_value(json_object_get(ref, "name"));
		if (!kind || strcmp(kind, "Deployment") || !owner)
			return NULL;
	} else if (strcmp(kind, "StatefulSet")) {
		return NULL;
	}
	if (name)
		*name = owner;
	return world_wl_get(w, ns, owner, false);
}

struct sim_world *world_new(struct sim *sim)
{
	struct sim_world *w = xcalloc(1, sizeof(*w));
	w->sim = sim;
	w->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)sim->seed * 0x100000001b3ULL);
	if (!w->rng)
		w->rng = 1;
	w->npod_buckets = 1024;
	w->pods = xcalloc(w->npod_buckets, sizeof(*w->pods));
	w->daemonsets = true;
	atomic_init(&w->stop, false);
	return w;
}

void world_free(struct sim_world *w)
{
	if (!w)
		return;
	world_stop(w);
	for (size_t b = 0; b < w->npod_buckets; b++) {
		struct world_pod *p = w->pods[b], *n;
		for (; p; p = n) {
			n = p->next;
			world_pod_free(p);
		}
	}
	free(w->pods);
	for (size_t i = 0; i < w->nwls; i++) {
		free(w->wls[i].ns);
		free(w->wls[i].name);
		free(w->wls[i].crash_message);
		free(w->wls[i].bad_image);
		free(w->wls[i].orig_image);
		free(w->wls[i].leader);
		json_decref(w->wls[i].log_lines);
	}
	free(w->wls);
	for (size_t i = 0; i < w->ntimed; i++)
		json_decref(w->timed[i].body);
	free(w->timed);
	for (size_t i = 0; i < w->nevs; i++) {
		free(w->evs[i].key);
		free(w->evs[i].ns);
		free(w->evs[i].name);
	}
	free(w->evs);
	free(w);
}

/* The controller thread: a tick every 250 ms; timed faults from the scenario fire here. */
static void *world_thread_main(void *arg)
{
	struct sim_world *w = arg;
	struct sim_store *s = w->sim->store;
	double last = world_now();
	while (!atomic_load(&w->stop) && !atomic_load(&w->sim->stopping)) {
		double now = world_now();
		store_lock(s);
		for (size_t i = 0; i < w->ntimed; i++) {
			struct world_timed *t = &w->timed[i];
			if (t->done || now - w->t_start < t->at)
				continue;
			char err[256];
			t->done = true;
			if (world_fault_locked(w, t->body, err, sizeof(err)) < 0)
				fprintf(stderr, "warroom-sim: timed fault at %gs: %s\n", t->at, err);
		}
		world_reconcile(w, now);
		world_loggen_tick(w, now - last);
		store_unlock(s);
		last = now;
		struct timespec ts = {0, 250 * 1000 * 1000};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

int world_start(struct sim_world *w)
{
	if (w->running)
		return 0;
	atomic_store(&w->stop, false);
	w->t_start = world_now();
	if (pthread_create(&w->thread, NULL, world_thread_main, w) != 0)
		return -1;
	w->running = true;
	return 0;
}

void world_stop(struct sim_world *w)
{
	if (!w->running)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
	w->running = false;
}

int world_fault(struct sim_world *w, const json_t *body, char *err, size_t errlen)
{
	store_lock(w->sim->store);
	int rc = world_fault_locked(w, body, err, errlen);
	store_unlock(w->sim->store);
	return rc;
}

/* Which component reports a reason, as a real cluster's would. */
static const char *world_event_source(const char *kind, const char *reason)
{
	static const struct {
		const char *reason, *component;
	} map[] = {
		{"Scheduled", "default-scheduler"},
		{"FailedScheduling", "default-scheduler"},
		{"ScalingReplicaSet", "deployment-controller"},
		{"NodeNotReady", "node-controller"},
		{"TaintManagerEviction", "taint-controller"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].reason, reason))
			return map[i].component;
	if (!strcmp(reason, "SuccessfulCreate") || !strcmp(reason, "SuccessfulDelete"))
		return !strcmp(kind, "StatefulSet") ? "statefulset-controller"
						    : "replicaset-controller";
	if (!strcmp(kind, "Pod") || !strcmp(kind, "Node"))
		return "kubelet";
	return "warroom-sim";
}

static enum sim_res world_kind_res(const char *kind)
{
	for (int i = 0; i < SIM_RES_COUNT; i++)
		if (!strcmp(sim_resource(i)->kind, kind))
			return (enum sim_res)i;
	return SIM_RES_COUNT;
}

void world_events_trim(struct sim_world *w)
{
	size_t drop = 0;
	while (w->nevs - drop > WORLD_MAX_EVENTS) {
		struct world_evref *e = &w->evs[drop++];
		store_delete(w->sim->store, SIM_EVENTS, e->ns, e->name);
		free(e->key);
		free(e->ns);
		free(e->name);
	}
	if (drop) {
		memmove(w->evs, w->evs + drop, (w->nevs - drop) * sizeof(*w->evs));
		w->nevs -= drop;
	}
}

void world_record_event(struct sim_world *w, const char *ns, const char *kind,
			const char *name, const char *type, const char *reason,
			const char *message)
{
	struct sim_store *s = w->sim->store;
	char ts[32];
	time_t now = w->instant ? w->instant_time : time(NULL);
	world_time_str(now, ts, sizeof(ts));
	char *key = xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s", ns, kind, name, reason, message);
	/* Newest first: repeats are usually recent. */
	for (size_t i = w->nevs; i-- > 0;) {
		if (strcmp(w->evs[i].key, key))
			continue;
		json_t *old = store_get(s, SIM_EVENTS, w->evs[i].ns, w->evs[i].name);
		if (!old)
			break;
		json_t *ev = json_deep_copy(old);
		json_int_t count = json_integer_value(json_object_get(ev, "count"));
		json_object_set_new(ev, "count", json_integer(count + 1));
		json_object_set_new(ev, "lastTimestamp", json_string(ts));
		store_put(s, SIM_EVENTS, ev);
		free(key);
		return;
	}
	enum sim_res res = world_kind_res(kind);
	const json_t *obj = res < SIM_RES_COUNT ? store_get(s, res, ns, name) : NULL;
	json_t *inv = json_pack("{s:s,s:s,s:s}", "kind", kind, "name", name, "namespace", ns);
	if (res < SIM_RES_COUNT)
		json_object_set_new(inv, "apiVersion",
				    json_string(sim_resource_api_version(sim_resource(res))));
	if (obj) {
		const char *uid = world_get_str(obj, "metadata.uid");
		const char *rv = world_get_str(obj, "metadata.resourceVersion");
		if (uid)
			json_object_set_new(inv, "uid", json_string(uid));
		if (rv)
			json_object_set_new(inv, "resourceVersion", json_string(rv));
	}
	if (res < SIM_RES_COUNT && !sim_resource(res)->namespaced)
		json_object_set_new(inv, "namespace", json_string(""));
	const char *evns = ns && *ns ? ns : "default";
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	char *evname = xasprintf("%s.%016llx", name,
				 (unsigned long long)rt.tv_sec * 1000000000ULL +
					 (unsigned long long)rt.tv_nsec + w->nevs);
	json_t *source = json_pack("{s:s}", "component", world_event_source(kind, reason));
	if (obj && !strcmp(kind, "Pod") && world_get_str(obj, "spec.nodeName") &&
	    !strcmp(world_event_source(kind, reason), "kubelet"))
		json_object_set_new(source, "host",
				    json_string(world_get_str(obj, "spec.nodeName")));
	json_t *ev = json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:o,s:s,s:s,s:s,s:i,s:s,s:s,s:n,s:o,"
			       "s:s,s:s}",
			       "apiVersion", "v1", "kind", "Event", "metadata", "name", evname,
			       "namespace", evns, "creationTimestamp", ts, "involvedObject", inv,
			       "reason", reason, "message", message, "type", type, "count", 1,
			       "firstTimestamp", ts, "lastTimestamp", ts, "eventTime", "source",
			       source, "reportingComponent", "", "reportingInstance", "");
	store_put(s, SIM_EVENTS, ev);
	w->evs = xgrow(w->evs, &w->capevs, w->nevs + 1, sizeof(*w->evs));
	w->evs[w->nevs].key = key;
	w->evs[w->nevs].ns = xstrdup(evns);
	w->evs[w->nevs].name = evname;
	w->nevs++;
	world_events_trim(w);
}
