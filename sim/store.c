/* sim/store: see store.h.
 *
 * Layout: per resource, a jansson object maps "namespace/name" to the stored object (a
 * hash, so get/put are O(1)); a sorted array of borrowed pointers serves listings and is
 * rebuilt lazily (O(n log n)) the first time a listing follows a change, so loading
 * 10,000 objects and listing them is never quadratic.  Watch history is a ring of events
 * holding references to the (immutable) objects.  Because stored objects never change,
 * their compact JSON is cached (store_json) in an open-addressing table keyed by the
 * object's address; every path that takes an object out of the index (replacement,
 * deletion, store_free) drops its entry first, so a freed and reused address is never
 * found with stale text.
 */
#include "sim/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

struct store_table {
	json_t *index;     /* "ns/name" -> object */
	json_t **sorted;   /* borrowed from index, sorted by (namespace, name) */
	size_t nsorted, cap;
	bool dirty;        /* sorted is stale */
};

/* One cached text; obj NULL marks an empty slot. */
struct store_text {
	const json_t *obj;
	char *text;
	size_t len;
};

struct sim_store {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t rv;
	uint64_t compact_gen, drop_gen, notify_gen;
	struct store_table tab[SIM_RES_COUNT];
	/* History ring: every event with rv > hist_floor is in it. */
	struct sim_watch_event *ring;
	size_t ring_cap, ring_head, ring_len;
	uint64_t hist_floor;
	uint64_t uid_state;
	struct store_text *texts; /* power-of-two capacity, at most 3/4 full */
	size_t ntexts, texts_cap;
};

struct sim_store *store_new(size_t history_cap)
{
	struct sim_store *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	/* store_wait deadlines are CLOCK_MONOTONIC, so the condvar must use that clock. */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	for (int i = 0; i < SIM_RES_COUNT; i++)
		s->tab[i].index = json_object();
	s->ring_cap = history_cap ? history_cap : 1;
	s->ring = xcalloc(s->ring_cap, sizeof(*s->ring));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	s->uid_state = ((uint64_t)now.tv_sec * 1000000007u) ^ (uint64_t)now.tv_nsec ^
		       ((uint64_t)getpid() << 32);
	return s;
}

void store_free(struct sim_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ring_len; i++)
		json_decref(s->ring[(s->ring_head + i) % s->ring_cap].obj);
	free(s->ring);
	for (size_t i = 0; i < s->texts_cap; i++)
		free(s->texts[i].text);
	free(s->texts);
	for (int i = 0; i < SIM_RES_COUNT; i++) {
		json_decref(s->tab[i].index);
		free(s->tab[i].sorted);
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

void store_lock(struct sim_store *s)
{
	pthread_mutex_lock(&s->mu);
}

void store_unlock(struct sim_store *s)
{
	pthread_mutex_unlock(&s->mu);
}

uint64_t store_rv(const struct sim_store *s)
{
	return s->rv;
}

const char *sim_obj_name(const json_t *obj)
{
	const char *v = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	return v ? v : "";
}

const char *sim_obj_namespace(const json_t *obj)
{
	const char *v =
		json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace"));
	return v ? v : "";
}

void sim_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The hash key; '/' cannot occur in namespaces or names. */
static char *store_key(const struct sim_resource_info *r, const char *ns, const char *name)
{
	return xasprintf("%s/%s", r->namespaced && ns ? ns : "", name ? name : "");
}

json_t *store_get(struct sim_store *s, enum sim_res res, const char *ns, const char *name)
{
	char *key = store_key(sim_resource(res), ns, name);
	json_t *o = json_object_get(s->tab[res].index, key);
	free(key);
	return o;
}

/* splitmix64: uids only need to be unique and look like uids. */
static uint64_t store_next_random(struct sim_store *s)
{
	uint64_t z = (s->uid_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void store_make_uid(struct sim_store *s, char *buf, size_t len)
{
	uint64_t a = store_next_random(s), b = store_next_random(s);
	/* Version 4 layout: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx */
	snprintf(buf, len, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xfff),
		 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
		 (unsigned long long)(b & 0xffffffffffffull));
}

static void store_set_rv(json_t *obj, uint64_t rv)
{
	json_t *md = json_object_get(obj, "metadata");
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rv);
	json_object_set_new(md, "resourceVersion", json_string(buf));
}

static void store_record(struct sim_store *s, enum sim_res res, enum sim_event_type type,
			 json_t *obj)
{
	if (s->ring_len == s->ring_cap) {
		struct sim_watch_event *old = &s->ring[s->ring_head];
		s->hist_floor = old->rv;
		json_decref(old->obj);
		s->ring_head = (s->ring_head + 1) % s->ring_cap;
		s->ring_len--;
	}
	struct sim_watch_event *e = &s->ring[(s->ring_head + s->ring_len) % s->ring_cap];
	e->rv = s->rv;
	e->res = res;
	e->type = type;
	e->obj = json_incref(obj);
	s->ring_len++;
	pthread_cond_broadcast(&s->cv);
}

/* Home slot of an address (Fibonacci hashing; the low bits of heap pointers are zero). */
static size_t store_text_home(const struct sim_store *s, const json_t *obj)
{
	uint64_t h = ((uint64_t)(uintptr_t)obj >> 4) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (s->texts_cap - 1);
}

/* The slot holding obj, or the empty slot where it would go. */
static size_t store_text_slot(const struct sim_store *s, const json_t *obj)
{
	size_t mask = s->texts_cap - 1, i = store_text_home(s, obj);
	while (s->texts[i].obj && s->texts[i].obj != obj)
		i = (i + 1) & mask;
	return i;
}

static void store_text_grow(struct sim_store *s)
{
	struct store_text *old = s->texts;
	size_t oldcap = s->texts_cap;
	s->texts_cap = oldcap ? oldcap * 2 : 1024;
	s->texts = xcalloc(s->texts_cap, sizeof(*s->texts));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].obj)
			s->texts[store_text_slot(s, old[i].obj)] = old[i];
	free(old);
}

/* Forgets obj's text (it is leaving the index).  Linear probing's backward-shift
 * deletion: later entries of the same run move up so lookups never stop early. */
static void store_text_drop(struct sim_store *s, const json_t *obj)
{
	if (!s->ntexts)
		return;
	size_t mask = s->texts_cap - 1, i = store_text_slot(s, obj);
	if (!s->texts[i].obj)
		return;
	free(s->texts[i].text);
	s->ntexts--;
	for (size_t j = (i + 1) & mask; s->texts[j].obj; j = (j + 1) & mask) {
		size_t home = store_text_home(s, s->texts[j].obj);
		/* Entry j may fill the hole at i unless its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		s->texts[i] = s->texts[j];
		i = j;
	}
	s->texts[i] = (struct store_text){0};
}

struct store_dump {
	char *p;
	size_t len, cap;
};

static int store_dump_cb(const char *buf, size_t size, void *data)
{
	struct store_dump *d = data;
	d->p = xgrow(d->p, &d->cap, d->len + size + 1, 1);
	memcpy(d->p + d->len, buf, size);
	d->len += size;
	d->p[d->len] = '\0';
	return 0;
}

const char *store_json(struct sim_store *s, const json_t *obj, size_t *len)
{
	if ((s->ntexts + 1) * 4 > s->texts_cap * 3)
		store_text_grow(s);
	struct store_text *t = &s->texts[store_text_slot(s, obj)];
	if (!t->obj) {
		struct store_dump d = {0};
		json_dump_callback(obj, store_dump_cb, &d, JSON_COMPACT);
		t->obj = obj;
		t->text = d.p ? d.p : xstrdup("");
		t->len = d.len;
		s->ntexts++;
	}
	*len = t->len;
	return t->text;
}

static int store_cmp_objs(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(sim_obj_namespace(x), sim_obj_namespace(y));
	return c ? c : strcmp(sim_obj_name(x), sim_obj_name(y));
}

/* A replacement keeps its key, so the sorted array only needs the new pointer. */
static void store_sorted_replace(struct store_table *t, json_t *old, json_t *obj)
{
	json_t **hit = bsearch(&old, t->sorted, t->nsorted, sizeof(*t->sorted), store_cmp_objs);
	if (hit)
		*hit = obj;
	else
		t->dirty = true;
}

json_t *store_put(struct sim_store *s, enum sim_res res, json_t *obj)
{
	const struct sim_resource_info *r = sim_resource(res);
	struct store_table *t = &s->tab[res];
	json_t *md = json_object_get(obj, "metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(obj, "metadata", md);
	}
	if (!r->namespaced)
		json_object_del(md, "namespace");
	/* Every stored object names its kind, so lists and watches can hand it out as is. */
	if (!json_is_string(json_object_get(obj, "kind")))
		json_object_set_new(obj, "kind", json_string(r->kind));
	if (!json_is_string(json_object_get(obj, "apiVersion")))
		json_object_set_new(obj, "apiVersion", json_string(sim_resource_api_version(r)));

	char *key = store_key(r, sim_obj_namespace(obj), sim_obj_name(obj));
	json_t *old = json_object_get(t->index, key);
	enum sim_event_type type = old ? SIM_MODIFIED : SIM_ADDED;
	if (old) {
		json_t *omd = json_object_get(old, "metadata");
		json_object_set(md, "uid", json_object_get(omd, "uid"));
		json_object_set(md, "creationTimestamp", json_object_get(omd, "creationTimestamp"));
		json_int_t gen = json_integer_value(json_object_get(omd, "generation"));
		if (gen < 1)
			gen = 1;
		if (!json_equal(json_object_get(old, "spec"), json_object_get(obj, "spec")))
			gen++;
		json_object_set_new(md, "generation", json_integer(gen));
	} else {
		if (!json_is_string(json_object_get(md, "uid"))) {
			char uid[40];
			store_make_uid(s, uid, sizeof(uid));
			json_object_set_new(md, "uid", json_string(uid));
		}
		if (!json_is_string(json_object_get(md, "creationTimestamp"))) {
			char ts[32];
			sim_format_time(time(NULL), ts, sizeof(ts));
			json_object_set_new(md, "creationTimestamp", json_string(ts));
		}
		if (!json_is_integer(json_object_get(md, "generation")))
			json_object_set_new(md, "generation", json_integer(1));
		t->dirty = true;
	}
	s->rv++;
	store_set_rv(obj, s->rv);
	if (old && !t->dirty)
		store_sorted_replace(t, old, obj);
	if (old)
		store_text_drop(s, old);
	/* set_new drops the old object's reference; readers that kept one increfed it. */
	json_object_set_new_nocheck(t->index, key, obj);
	free(key);
	store_record(s, res, type, obj);
	return obj;
}

int store_delete(struct sim_store *s, enum sim_res res, const char *ns, const char *name)
{
	struct store_table *t = &s->tab[res];
	char *key = store_key(sim_resource(res), ns, name);
	json_t *old = json_object_get(t->index, key);
	if (!old) {
		free(key);
		return -1;
	}
	/* The DELETED event carries the last state, stamped with the deletion's rv. */
	json_t *last = json_deep_copy(old);
	store_text_drop(s, old);
	json_object_del(t->index, key);
	free(key);
	t->dirty = true;
	s->rv++;
	store_set_rv(last, s->rv);
	store_record(s, res, SIM_DELETED, last);
	json_decref(last);
	return 0;
}

static void store_sort(struct store_table *t)
{
	if (!t->dirty)
		return;
	size_t n = json_object_size(t->index);
	t->sorted = xgrow(t->sorted, &t->cap, n, sizeof(*t->sorted));
	size_t i = 0;
	const char *k;
	json_t *v;
	json_object_foreach(t->index, k, v) t->sorted[i++] = v;
	t->nsorted = i;
	qsort(t->sorted, t->nsorted, sizeof(*t->sorted), store_cmp_objs);
	t->dirty = false;
}

/* First index in the sorted array whose namespace is >= ns. */
static size_t store_lower_bound(struct store_table *t, const char *ns)
{
	size_t lo = 0, hi = t->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(sim_obj_namespace(t->sorted[mid]), ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t store_count(struct sim_store *s, enum sim_res res, const char *ns)
{
	struct store_table *t = &s->tab[res];
	if (!ns || !sim_resource(res)->namespaced)
		return json_object_size(t->index);
	store_sort(t);
	size_t n = 0;
	for (size_t i = store_lower_bound(t, ns);
	     i < t->nsorted && !strcmp(sim_obj_namespace(t->sorted[i]), ns); i++)
		n++;
	return n;
}

size_t store_list(struct sim_store *s, enum sim_res res, const char *ns, json_t ***out)
{
	struct store_table *t = &s->tab[res];
	store_sort(t);
	size_t start = 0, end = t->nsorted;
	if (ns && sim_resource(res)->namespaced) {
		start = store_lower_bound(t, ns);
		end = start;
		while (end < t->nsorted && !strcmp(sim_obj_namespace(t->sorted[end]), ns))
			end++;
	}
	*out = xmalloc((end - start + 1) * sizeof(**out));
	if (end > start)
		memcpy(*out, t->sorted + start, (end - start) * sizeof(**out));
	return end - start;
}

int store_events_since(struct sim_store *s, enum sim_res res, const char *ns, uint64_t since,
		       struct sim_watch_event *out, int max)
{
	if (since < s->hist_floor)
		return -1;
	bool filter_ns = ns && sim_resource(res)->namespaced;
	int n = 0;
	for (size_t i = 0; i < s->ring_len && n < max; i++) {
		struct sim_watch_event *e = &s->ring[(s->ring_head + i) % s->ring_cap];
		if (e->rv <= since || e->res != res)
			continue;
		if (filter_ns && strcmp(sim_obj_namespace(e->obj), ns))
			continue;
		out[n] = *e;
		json_incref(out[n].obj);
		n++;
	}
	return n;
}

void store_compact(struct sim_store *s)
{
	for (size_t i = 0; i < s->ring_len; i++)
		json_decref(s->ring[(s->ring_head + i) % s->ring_cap].obj);
	s->ring_head = s->ring_len = 0;
	s->hist_floor = s->rv;
	s->compact_gen++;
	pthread_cond_broadcast(&s->cv);
}

uint64_t store_compact_gen(const struct sim_store *s)
{
	return s->compact_gen;
}

uint64_t store_drop_gen(const struct sim_store *s)
{
	return s->drop_gen;
}

void store_drop_watches(struct sim_store *s)
{
	s->drop_gen++;
	pthread_cond_broadcast(&s->cv);
}

void store_wait(struct sim_store *s, uint64_t rv, const struct timespec *deadline)
{
	uint64_t cg = s->compact_gen, dg = s->drop_gen, ng = s->notify_gen;
	while (s->rv <= rv && cg == s->compact_gen && dg == s->drop_gen && ng == s->notify_gen) {
		if (pthread_cond_timedwait(&s->cv, &s->mu, deadline))
			break; /* ETIMEDOUT (or an error: never spin) */
	}
}

void store_notify(struct sim_store *s)
{
	s->notify_gen++;
	pthread_cond_broadcast(&s->cv);
}
