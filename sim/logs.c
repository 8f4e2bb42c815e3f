/* sim/logs: container log buffers of warroom-sim; see logs.h.
 *
 * Layout: a chained hash table of pods (key namespace + pod); each pod holds a small array
 * of containers; each container holds two rings (current, previous) of lines.  A line is
 * one allocation (header + bytes).  Every container numbers its lines with a sequence that
 * starts at 1 and never goes back, across restarts, so a cursor (the next sequence wanted)
 * stays meaningful whatever the ring dropped or a restart moved. */
#include "sim/logs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct log_line {
	struct timespec ts;
	uint64_t seq;
	size_t len;
	char text[];
};

/* Grows up to the configured bound; while it is not full, head stays 0 because lines are
 * only ever dropped once the ring is at its bound. */
struct log_ring {
	struct log_line **v;
	size_t alloc, head, count;
};

struct log_ctr {
	char *name;
	struct log_ring cur, prev;
	bool has_prev;
	uint64_t next_seq;
	size_t bound; /* line bound of this container's rings, >= the global one */
};

struct log_pod {
	char *ns, *pod;
	struct log_ctr *ctrs;
	size_t nctr, capctr;
	struct timespec last_read; /* CLOCK_MONOTONIC; {0,0} = never */
	struct log_pod *next;
};

struct sim_logs {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t max_lines;
	struct log_pod **buckets;
	size_t nbuckets, npods;
};

static uint64_t logs_hash(const char *ns, const char *pod)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = ns; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *p = pod; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

struct sim_logs *logs_new(size_t lines_per_container)
{
	struct sim_logs *l = xcalloc(1, sizeof(*l));
	pthread_condattr_t ca;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->max_lines = lines_per_container ? lines_per_container : 1;
	l->nbuckets = 256;
	l->buckets = xcalloc(l->nbuckets, sizeof(*l->buckets));
	return l;
}

static void logs_ring_clear(struct log_ring *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->v[(r->head + i) % r->alloc]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void logs_pod_free(struct log_pod *p)
{
	for (size_t i = 0; i < p->nctr; i++) {
		logs_ring_clear(&p->ctrs[i].cur);
		logs_ring_clear(&p->ctrs[i].prev);
		free(p->ctrs[i].name);
	}
	free(p->ctrs);
	free(p->ns);
	free(p->pod);
	free(p);
}

void logs_free(struct sim_logs *l)
{
	if (!l)
		return;
	for (size_t b = 0; b < l->nbuckets; b++) {
		struct log_pod *p = l->buckets[b], *n;
		for (; p; p = n) {
			n = p->next;
			logs_pod_free(p);
		}
	}
	free(l->buckets);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static struct log_pod **logs_pod_slot(struct sim_logs *l, const char *ns, const char *pod)
{
	struct log_pod **pp = &l->buckets[logs_hash(ns, pod) % l->nbuckets];
	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->ns, ns) && !strcmp((*pp)->pod, pod))
			break;
	return pp;
}

/* Doubles the table when pods outnumber buckets, so lookups stay short at 10,000 pods. */
static void logs_rehash(struct sim_logs *l)
{
	size_t nb = l->nbuckets * 2;
	struct log_pod **nbk = xcalloc(nb, sizeof(*nbk));
	for (size_t b = 0; b < l->nbuckets; b++) {
		struct log_pod *p = l->buckets[b], *n;
		for (; p; p = n) {
			n = p->next;
			size_t i = logs_hash(p->ns, p->pod) % nb;
			p->next = nbk[i];
			nbk[i] = p;
		}
	}
	free(l->buckets);
	l->buckets = nbk;
	l->nbuckets = nb;
}

static struct log_pod *logs_pod_get(struct sim_logs *l, const char *ns, const char *pod,
				    bool create)
{
	struct log_pod **pp = logs_pod_slot(l, ns, pod);
	if (*pp || !create)
		return *pp;
	struct log_pod *p = xcalloc(1, sizeof(*p));
	p->ns = xstrdup(ns);
	p->pod = xstrdup(pod);
	*pp = p;
	if (++l->npods > l->nbuckets)
		logs_rehash(l);
	return p;
}

/* container NULL or "" means the pod's first container, as the API's default does for a
 * one-container pod. */
static struct log_ctr *logs_ctr_get(struct log_pod *p, const char *container, bool create)
{
	if (!container || !*container)
		return p->nctr ? &p->ctrs[0] : NULL;
	for (size_t i = 0; i < p->nctr; i++)
		if (!strcmp(p->ctrs[i].name, container))
			return &p->ctrs[i];
	if (!create)
		return NULL;
	p->ctrs = xgrow(p->ctrs, &p->capctr, p->nctr + 1, sizeof(*p->ctrs));
	struct log_ctr *c = &p->ctrs[p->nctr++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(container);
	c->next_seq = 1;
	return c;
}

static void logs_ring_push(struct log_ring *r, size_t bound, struct log_line *ln)
{
	if (r->count < bound) {
		if (r->count == r->alloc) {
			size_t na = r->alloc ? r->alloc * 2 : 16;
			if (na > bound)
				na = bound;
			r->v = xrealloc(r->v, na * sizeof(*r->v));
			r->alloc = na;
		}
		r->v[r->count++] = ln;
		return;
	}
	free(r->v[r->head]);
	r->v[r->head] = ln;
	r->head = (r->head + 1) % r->alloc;
}

/* A full ring whose bound was raised grows again: unroll it so head is 0, then append. */
static void logs_ring_unroll(struct log_ring *r)
{
	if (r->head == 0)
		return;
	struct log_line **v = xmalloc(r->alloc * sizeof(*v));
	for (size_t i = 0; i < r->count; i++)
		v[i] = r->v[(r->head + i) % r->alloc];
	free(r->v);
	r->v = v;
	r->head = 0;
}

void logs_reserve(struct sim_logs *l, const char *ns, const char *pod, const char *container,
		  size_t lines)
{
	pthread_mutex_lock(&l->mu);
	struct log_pod *p = logs_pod_get(l, ns, pod, true);
	struct log_ctr *c = logs_ctr_get(p, container ? container : "", true);
	if (c && lines > c->bound) {
		c->bound = lines;
		logs_ring_unroll(&c->cur);
		logs_ring_unroll(&c->prev);
	}
	pthread_mutex_unlock(&l->mu);
}

static struct log_line *logs_ring_at(const struct log_ring *r, size_t i)
{
	return r->v[(r->head + i) % r->alloc];
}

void logs_append(struct sim_logs *l, const char *ns, const char *pod, const char *container,
		 const struct timespec *ts, const char *text, size_t len)
{
	struct timespec now;
	if (!ts) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	pthread_mutex_lock(&l->mu);
	struct log_pod *p = logs_pod_get(l, ns, pod, true);
	struct log_ctr *c = logs_ctr_get(p, container ? container : "", true);
	if (!c)
		c = logs_ctr_get(p, "main", true);
	size_t off = 0;
	do {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		struct log_line *ln = xmalloc(sizeof(*ln) + n + 1);
		ln->ts = *ts;
		ln->seq = c->next_seq++;
		ln->len = n;
		memcpy(ln->text, text + off, n);
		ln->text[n] = '\0';
		logs_ring_push(&c->cur, c->bound > l->max_lines ? c->bound : l->max_lines, ln);
		off += n + (nl ? 1 : 0);
	} while (off < len);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void logs_restart(struct sim_logs *l, const char *ns, const char *pod, const char *container)
{
	pthread_mutex_lock(&l->mu);
	struct log_pod *p = logs_pod_get(l, ns, pod, true);
	struct log_ctr *c = logs_ctr_get(p, container ? container : "", true);
	if (c) {
		logs_ring_clear(&c->prev);
		c->prev = c->cur;
		memset(&c->cur, 0, sizeof(c->cur));
		c->has_prev = true;
	}
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void logs_forget_pod(struct sim_logs *l, const char *ns, const char *pod)
{
	pthread_mutex_lock(&l->mu);
	struct log_pod **pp = logs_pod_slot(l, ns, pod);
	struct log_pod *p = *pp;
	if (p) {
		*pp = p->next;
		l->npods--;
		logs_pod_free(p);
	}
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* "2026-11-21T09:53:00.123456789Z " into buf (>= 32 bytes); returns the length. */
static size_t logs_format_ts(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	int m = snprintf(buf + n, len - n, ".%09ldZ ", (long)ts->tv_nsec);
	return n + (m > 0 ? (size_t)m : 0);
}

static const struct log_ring *logs_query_ring(struct sim_logs *l, const struct logs_query *q,
					      struct log_pod **podp)
{
	struct log_pod *p = logs_pod_get(l, q->ns ? q->ns : "", q->pod ? q->pod : "", false);
	if (podp)
		*podp = p;
	if (!p)
		return NULL;
	struct log_ctr *c = logs_ctr_get(p, q->container, false);
	if (!c || (q->previous && !c->has_prev))
		return NULL;
	return q->previous ? &c->prev : &c->cur;
}

static bool logs_ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int logs_read(struct sim_logs *l, const struct logs_query *q, uint64_t *cursor, char **out,
	      size_t *outlen)
{
	pthread_mutex_lock(&l->mu);
	struct log_pod *p;
	const struct log_ring *r = logs_query_ring(l, q, &p);
	if (!r) {
		pthread_mutex_unlock(&l->mu);
		*out = NULL;
		*outlen = 0;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &p->last_read);
	size_t start = 0;
	if (*cursor == 0) {
		if (q->since.tv_sec || q->since.tv_nsec)
			while (start < r->count &&
			       logs_ts_before(&logs_ring_at(r, start)->ts, &q->since))
				start++;
		if (q->tail_lines >= 0 && r->count - start > (size_t)q->tail_lines)
			start = r->count - (size_t)q->tail_lines;
	} else {
		while (start < r->count && logs_ring_at(r, start)->seq < *cursor)
			start++;
	}
	size_t cap = 256, n = 0;
	char *buf = xmalloc(cap);
	uint64_t next = *cursor;
	for (size_t i = start; i < r->count; i++) {
		const struct log_line *ln = logs_ring_at(r, i);
		char tsb[48];
		size_t tl = q->timestamps ? logs_format_ts(&ln->ts, tsb, sizeof(tsb)) : 0;
		size_t need = tl + ln->len + 1;
		buf = xgrow(buf, &cap, n + need + 1, 1);
		memcpy(buf + n, tsb, tl);
		memcpy(buf + n + tl, ln->text, ln->len);
		buf[n + tl + ln->len] = '\n';
		n += need;
		next = ln->seq + 1;
		if (q->limit_bytes >= 0 && n >= (size_t)q->limit_bytes) {
			n = (size_t)q->limit_bytes;
			break;
		}
	}
	if (next == 0 || next < *cursor) {
		/* Nothing returned: continue after whatever exists now, never at 0 (which
		 * would mean "first call" again). */
		const struct log_ctr *c = logs_ctr_get(p, q->container, false);
		next = c->next_seq;
	}
	*cursor = next;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

bool logs_active(struct sim_logs *l, const char *ns, const char *pod, long within_s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&l->mu);
	struct log_pod *p = logs_pod_get(l, ns, pod, false);
	bool active = p && (p->last_read.tv_sec || p->last_read.tv_nsec) &&
		      now.tv_sec - p->last_read.tv_sec <= within_s;
	pthread_mutex_unlock(&l->mu);
	return active;
}

/* True when q's ring holds a line at or after cursor. */
static bool logs_has_after(struct sim_logs *l, const struct logs_query *q, uint64_t cursor)
{
	struct log_pod *p;
	const struct log_ring *r = logs_query_ring(l, q, &p);
	if (p)
		clock_gettime(CLOCK_MONOTONIC, &p->last_read);
	return r && r->count && logs_ring_at(r, r->count - 1)->seq >= cursor;
}

void logs_wait(struct sim_logs *l, const struct logs_query *q, uint64_t cursor,
	       const struct timespec *deadline)
{
	pthread_mutex_lock(&l->mu);
	while (!logs_has_after(l, q, cursor)) {
		if (pthread_cond_timedwait(&l->cv, &l->mu, deadline) != 0)
			break;
	}
	pthread_mutex_unlock(&l->mu);
}
