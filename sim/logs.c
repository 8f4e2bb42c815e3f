/* sim/logs: container log buffers of warroom-sim; see logs.h.
 *
 * Layout: a chained hash table of pods (key namespace + pod); each pod holds a small array
 * of containers; each container holds two rings (current, previous) of lines.  Every
 * container numbers its lines with a sequence that starts at 1 and never goes back,
 * across restarts, so a cursor (the next sequence wanted) stays meaningful whatever the
 * ring dropped or a restart moved.
 *
 * A ring's lines are consecutive in that sequence, so a line's number is the ring's
 * first_seq plus its position: a cursor is an index, not a search.  Texts are copied
 * into blocks (a FIFO, oldest first); lines leave in the order they came, so the oldest
 * line always lives in the oldest block, which is freed when its last line goes. */
#include "sim/logs.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { LOG_BLOCK_BYTES = 64 << 10 };

struct log_block {
	struct log_block *next;
	size_t used, cap, lines;
	char data[];
};

struct log_ent {
	int64_t ts;          /* ns since the epoch */
	const char *text;    /* in a block of the ring */
	uint32_t len;
};

/* Grows up to the configured bound; while it is not full, head stays 0 because lines are
 * only ever dropped once the ring is at its bound. */
struct log_ring {
	struct log_ent *v;
	size_t alloc, head, count;
	uint64_t first_seq;  /* sequence of v[head] */
	struct log_block *oldest, *newest;
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
	for (struct log_block *b = r->oldest, *n; b; b = n) {
		n = b->next;
		free(b);
	}
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

static struct log_ent *logs_ring_at(const struct log_ring *r, size_t i)
{
	return &r->v[(r->head + i) % r->alloc];
}

/* The oldest line leaves; its block goes with its last line (the newest block stays, to
 * be filled again). */
static void logs_ring_drop(struct log_ring *r)
{
	struct log_block *b = r->oldest;
	r->head = (r->head + 1) % r->alloc;
	r->count--;
	r->first_seq++;
	if (--b->lines)
		return;
	if (b == r->newest) {
		b->used = 0;
		return;
	}
	r->oldest = b->next;
	free(b);
}

/* Room for len bytes of text in the newest block (a new block when it is full). */
static char *logs_ring_text(struct log_ring *r, size_t len)
{
	struct log_block *b = r->newest;
	if (b && !b->lines) {
		/* Empty, so also the oldest: make way for a block big enough. */
		b->used = 0;
		if (b->cap < len) {
			free(b);
			r->oldest = r->newest = b = NULL;
		}
	}
	if (!b || b->cap - b->used < len) {
		size_t cap = len > LOG_BLOCK_BYTES ? len : LOG_BLOCK_BYTES;
		struct log_block *nb = xmalloc(sizeof(*nb) + cap);
		nb->next = NULL;
		nb->used = nb->lines = 0;
		nb->cap = cap;
		if (b)
			b->next = nb;
		else
			r->oldest = nb;
		r->newest = b = nb;
	}
	char *p = b->data + b->used;
	b->used += len;
	b->lines++;
	return p;
}

/* Appends one line numbered seq (the ring's lines are consecutive: seq is first_seq +
 * count), dropping the oldest when the ring is at its bound. */
static void logs_ring_push(struct log_ring *r, size_t bound, uint64_t seq, int64_t ts,
			   const char *text, size_t len)
{
	if (r->count >= bound)
		logs_ring_drop(r);
	if (!r->count)
		r->first_seq = seq;
	if (r->count == r->alloc) {
		/* Not full (else a line was just dropped): head is 0, see struct log_ring. */
		size_t na = r->alloc ? r->alloc * 2 : 16;
		if (na > bound)
			na = bound;
		r->v = xrealloc(r->v, na * sizeof(*r->v));
		r->alloc = na;
	}
	/* A line's length is kept in 32 bits: a longer one (not from any real container)
	 * is cut. */
	uint32_t n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	char *dst = logs_ring_text(r, n);
	memcpy(dst, text, n);
	*logs_ring_at(r, r->count++) = (struct log_ent){.ts = ts, .text = dst, .len = n};
}

/* A full ring whose bound was raised grows again: unroll it so head is 0, then append. */
static void logs_ring_unroll(struct log_ring *r)
{
	if (r->head == 0)
		return;
	struct log_ent *v = xmalloc(r->alloc * sizeof(*v));
	for (size_t i = 0; i < r->count; i++)
		v[i] = *logs_ring_at(r, i);
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

static int64_t logs_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The container lines go to (created when new), under the lock. */
static struct log_ctr *logs_ctr_for(struct sim_logs *l, const char *ns, const char *pod,
				    const char *container)
{
	struct log_pod *p = logs_pod_get(l, ns, pod, true);
	struct log_ctr *c = logs_ctr_get(p, container ? container : "", true);
	return c ? c : logs_ctr_get(p, "main", true);
}

/* Splits text into lines, stamping line i (of n) at from + (i + 1) * step, never earlier
 * than just after the container's newest line when `strict`. */
static void logs_ctr_add(struct sim_logs *l, struct log_ctr *c, int64_t from, int64_t span,
			 bool strict, const char *text, size_t len)
{
	size_t n = 0;
	if (span > 0) {
		for (size_t i = 0; i < len; i++)
			n += text[i] == '\n';
		if (!len || text[len - 1] != '\n')
			n++;
	}
	size_t bound = c->bound > l->max_lines ? c->bound : l->max_lines;
	int64_t last = c->cur.count ? logs_ring_at(&c->cur, c->cur.count - 1)->ts : INT64_MIN;
	if (strict && span > 0 && from < last) {
		/* The span overlaps the lines before: spread over what is left of it. */
		span = from + span > last ? from + span - last : 0;
		from = last;
	}
	size_t off = 0, i = 0;
	do {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t k = nl ? (size_t)(nl - (text + off)) : len - off;
		int64_t ts = span > 0 ? from + (int64_t)((double)span * (double)(i + 1) / (double)n)
				      : from;
		if (strict && ts <= last)
			ts = last + 1;
		logs_ring_push(&c->cur, bound, c->next_seq++, ts, text + off, k);
		last = ts;
		off += k + (nl ? 1 : 0);
		i++;
	} while (off < len);
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
	logs_ctr_add(l, logs_ctr_for(l, ns, pod, container), logs_ns(ts), 0, false, text, len);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void logs_append_spread(struct sim_logs *l, const char *ns, const char *pod,
			const char *container, const struct timespec *from,
			const struct timespec *to, const char *text, size_t len)
{
	int64_t f = logs_ns(from), span = logs_ns(to) - f;
	pthread_mutex_lock(&l->mu);
	logs_ctr_add(l, logs_ctr_for(l, ns, pod, container), f, span > 0 ? span : 0, true, text,
		     len);
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

/* RFC 3339 with nanoseconds and a space, "2026-11-21T09:53:00.123456789Z ": the date and
 * time of day are formatted once per second (a stream's lines mostly share it). */
struct logs_tsfmt {
	int64_t sec;
	bool valid;
	char head[32];
	size_t hlen;
};

enum { LOGS_TS_MAX = 48 };

static size_t logs_format_ts(struct logs_tsfmt *f, int64_t ts, char *buf)
{
	int64_t sec = ts / 1000000000, nsec = ts % 1000000000;
	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	if (!f->valid || f->sec != sec) {
		struct tm tm;
		time_t t = (time_t)sec;
		gmtime_r(&t, &tm);
		f->hlen = strftime(f->head, sizeof(f->head), "%Y-%m-%dT%H:%M:%S.", &tm);
		f->sec = sec;
		f->valid = true;
	}
	memcpy(buf, f->head, f->hlen);
	char *p = buf + f->hlen;
	for (int i = 8; i >= 0; i--) {
		p[i] = (char)('0' + nsec % 10);
		nsec /= 10;
	}
	p[9] = 'Z';
	p[10] = ' ';
	return f->hlen + 11;
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

/* Index of the first line to return: by cursor (the next sequence wanted), or on the first
 * call by since and tail. */
static size_t logs_read_start(const struct log_ring *r, const struct logs_query *q,
			      uint64_t cursor)
{
	if (cursor) {
		if (!r->count || cursor <= r->first_seq)
			return 0;
		uint64_t d = cursor - r->first_seq;
		return d < r->count ? (size_t)d : r->count;
	}
	size_t start = 0;
	int64_t since = logs_ns(&q->since);
	if (q->since.tv_sec || q->since.tv_nsec)
		while (start < r->count && logs_ring_at(r, start)->ts < since)
			start++;
	if (q->tail_lines >= 0 && r->count - start > (size_t)q->tail_lines)
		start = r->count - (size_t)q->tail_lines;
	return start;
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
	size_t start = logs_read_start(r, q, *cursor), end = r->count;
	/* One allocation for the whole answer: the text, a newline per line and, with
	 * timestamps, at most LOGS_TS_MAX bytes each. */
	size_t cap = 1, n = 0;
	for (size_t i = start; i < end && cap <= (q->chunk_bytes ? q->chunk_bytes : SIZE_MAX); i++)
		cap += logs_ring_at(r, i)->len + 1 + (q->timestamps ? LOGS_TS_MAX : 0);
	size_t lim = q->limit_bytes >= 0 ? (size_t)q->limit_bytes + 1 : SIZE_MAX;
	if (q->chunk_bytes && q->chunk_bytes < lim)
		lim = q->chunk_bytes;
	if (cap > lim) {
		/* Up to the line that reaches the limit (or the chunk), that line included. */
		for (end = start, cap = 1; end < r->count && cap < lim; end++)
			cap += logs_ring_at(r, end)->len + 1 + (q->timestamps ? LOGS_TS_MAX : 0);
	}
	char *buf = xmalloc(cap);
	struct logs_tsfmt tf = {.valid = false};
	uint64_t next = *cursor;
	for (size_t i = start; i < end; i++) {
		const struct log_ent *e = logs_ring_at(r, i);
		if (q->timestamps)
			n += logs_format_ts(&tf, e->ts, buf + n);
		memcpy(buf + n, e->text, e->len);
		n += e->len;
		buf[n++] = '\n';
		next = r->first_seq + i + 1;
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
	return r && r->count && r->first_seq + r->count - 1 >= cursor;
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
