/* core/logbuf: see logbuf.h.
 *
 * Layout: the index ring `idx` holds one entry per line (oldest at `head`); the byte ring
 * `bytes` holds each line's text contiguously followed by a NUL, in append order.  A line
 * that does not fit before the end of the byte ring starts again at offset 0; the lines of
 * the previous lap that it would overwrite are dropped first (they are the oldest).  Both
 * rings start small and double (relocating into a linear layout) until their cap. */
#include "core/logbuf.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct logbuf_entry {
	int64_t ts_ns;
	size_t off;
	uint32_t len;
	uint16_t src;
	uint16_t flags;
};

struct logbuf {
	size_t max_lines, max_bytes, max_line;
	struct logbuf_entry *idx;
	size_t icap, head, count;
	char *bytes;
	size_t bcap, wpos, held;    /* held: text bytes of the lines kept (no NULs) */
	uint64_t first_seq, dropped;
	struct logbuf_source *srcs;
	size_t nsrcs, capsrcs;
	unsigned npods;             /* distinct pods seen, for colours */
};

enum { LOGBUF_MIN_ICAP = 1024, LOGBUF_MIN_BCAP = 64 * 1024 };

struct logbuf *logbuf_new(const struct logbuf_config *cfg)
{
	struct logbuf *lb = xcalloc(1, sizeof(*lb));
	lb->max_lines = cfg && cfg->max_lines ? cfg->max_lines : 100000;
	lb->max_bytes = cfg && cfg->max_bytes ? cfg->max_bytes : 64u << 20;
	lb->max_line = cfg && cfg->max_line ? cfg->max_line : 64u << 10;
	if (lb->max_bytes < 16)
		lb->max_bytes = 16;
	/* A line (and its NUL) must always fit in the byte ring. */
	if (lb->max_line > lb->max_bytes / 2)
		lb->max_line = lb->max_bytes / 2;
	return lb;
}

static void logbuf_sources_free(struct logbuf *lb)
{
	for (size_t i = 0; i < lb->nsrcs; i++) {
		free(lb->srcs[i].ns);
		free(lb->srcs[i].pod);
		free(lb->srcs[i].container);
	}
	free(lb->srcs);
	lb->srcs = NULL;
	lb->nsrcs = lb->capsrcs = 0;
	lb->npods = 0;
}

void logbuf_free(struct logbuf *lb)
{
	if (!lb)
		return;
	logbuf_sources_free(lb);
	free(lb->idx);
	free(lb->bytes);
	free(lb);
}

static bool logbuf_streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

unsigned logbuf_source(struct logbuf *lb, const char *ns, const char *pod, const char *container)
{
	int colour = -1;
	for (size_t i = 0; i < lb->nsrcs; i++) {
		struct logbuf_source *s = &lb->srcs[i];
		if (!logbuf_streq(s->ns, ns) || !logbuf_streq(s->pod, pod))
			continue;
		if (logbuf_streq(s->container, container))
			return (unsigned)i;
		colour = (int)s->colour;
	}
	/* The index is stored in 16 bits; a mux that follows more containers than that
	 * shares the last slot rather than failing. */
	if (lb->nsrcs >= 0xffff)
		return 0xfffe;
	if (colour < 0)
		colour = (int)(lb->npods++ % LOGBUF_NCOLOURS);
	lb->srcs = xgrow(lb->srcs, &lb->capsrcs, lb->nsrcs + 1, sizeof(*lb->srcs));
	lb->srcs[lb->nsrcs] = (struct logbuf_source){.ns = xstrdup(ns ? ns : ""),
						     .pod = xstrdup(pod ? pod : ""),
						     .container = xstrdup(container ? container : ""),
						     .colour = (unsigned)colour};
	return (unsigned)lb->nsrcs++;
}

const struct logbuf_source *logbuf_source_get(const struct logbuf *lb, unsigned src)
{
	return src < lb->nsrcs ? &lb->srcs[src] : NULL;
}

size_t logbuf_nsources(const struct logbuf *lb)
{
	return lb->nsrcs;
}

void logbuf_source_set_gone(struct logbuf *lb, unsigned src, bool gone)
{
	if (src < lb->nsrcs)
		lb->srcs[src].gone = gone;
}

static struct logbuf_entry *logbuf_at(const struct logbuf *lb, size_t i)
{
	return &lb->idx[(lb->head + i) % lb->icap];
}

static void logbuf_drop_oldest(struct logbuf *lb)
{
	struct logbuf_entry *e = logbuf_at(lb, 0);
	lb->held -= e->len;
	lb->head = (lb->head + 1) % lb->icap;
	lb->count--;
	lb->first_seq++;
	lb->dropped++;
	if (!lb->count) {
		lb->head = 0;
		lb->wpos = 0;
	}
}

/* Doubles the index ring (up to max_lines), oldest entry moved to slot 0. */
static void logbuf_grow_index(struct logbuf *lb)
{
	size_t ncap = lb->icap ? lb->icap * 2 : LOGBUF_MIN_ICAP;
	if (ncap > lb->max_lines)
		ncap = lb->max_lines;
	struct logbuf_entry *n = xmalloc(ncap * sizeof(*n));
	for (size_t i = 0; i < lb->count; i++)
		n[i] = *logbuf_at(lb, i);
	free(lb->idx);
	lb->idx = n;
	lb->icap = ncap;
	lb->head = 0;
}

/* Grows the byte ring to hold at least `need` more bytes, packing the lines from 0. */
static void logbuf_grow_bytes(struct logbuf *lb, size_t need)
{
	size_t ncap = lb->bcap ? lb->bcap * 2 : LOGBUF_MIN_BCAP;
	while (ncap < lb->held + lb->count + need && ncap < lb->max_bytes)
		ncap *= 2;
	if (ncap > lb->max_bytes)
		ncap = lb->max_bytes;
	char *n = xmalloc(ncap);
	size_t pos = 0;
	for (size_t i = 0; i < lb->count; i++) {
		struct logbuf_entry *e = logbuf_at(lb, i);
		memcpy(n + pos, lb->bytes + e->off, (size_t)e->len + 1);
		e->off = pos;
		pos += (size_t)e->len + 1;
	}
	free(lb->bytes);
	lb->bytes = n;
	lb->bcap = ncap;
	lb->wpos = pos;
}

/* Offset where `need` bytes go, after dropping the old lines in the way. */
static size_t logbuf_make_room(struct logbuf *lb, size_t need)
{
	for (;;) {
		if (need > lb->bcap) {
			logbuf_grow_bytes(lb, need);
			continue;
		}
		bool wrap = lb->wpos + need > lb->bcap;
		size_t p = wrap ? 0 : lb->wpos;
		if (!lb->count)
			return p;
		struct logbuf_entry *old = logbuf_at(lb, 0);
		/* The oldest line is the first one of the previous lap when there is one;
		 * on a wrap every line of the previous lap lies beyond wpos. */
		bool clash = (old->off < p + need && old->off + old->len + 1 > p) ||
			     (wrap && old->off >= lb->wpos);
		if (!clash) {
			if (wrap)
				lb->wpos = 0;
			return p;
		}
		if (lb->bcap < lb->max_bytes)
			logbuf_grow_bytes(lb, need);
		else
			logbuf_drop_oldest(lb);
	}
}

uint64_t logbuf_append(struct logbuf *lb, unsigned src, int64_t ts_ns, unsigned flags,
		       const char *text, size_t len)
{
	if (len > lb->max_line) {
		len = lb->max_line;
		flags |= LOGBUF_TRUNCATED;
	}
	if (lb->count == lb->max_lines)
		logbuf_drop_oldest(lb);
	if (lb->count == lb->icap)
		logbuf_grow_index(lb);
	size_t off = logbuf_make_room(lb, len + 1);
	if (len)
		memcpy(lb->bytes + off, text, len);
	lb->bytes[off + len] = '\0';
	lb->wpos = off + len + 1;
	struct logbuf_entry *e = &lb->idx[(lb->head + lb->count) % lb->icap];
	*e = (struct logbuf_entry){.ts_ns = ts_ns,
				   .off = off,
				   .len = (uint32_t)len,
				   .src = (uint16_t)(src > 0xffff ? 0xffff : src),
				   .flags = (uint16_t)flags};
	lb->count++;
	lb->held += len;
	return lb->first_seq + lb->count - 1;
}

uint64_t logbuf_first_seq(const struct logbuf *lb)
{
	return lb->first_seq;
}

uint64_t logbuf_next_seq(const struct logbuf *lb)
{
	return lb->first_seq + lb->count;
}

size_t logbuf_count(const struct logbuf *lb)
{
	return lb->count;
}

size_t logbuf_bytes(const struct logbuf *lb)
{
	return lb->held;
}

uint64_t logbuf_dropped(const struct logbuf *lb)
{
	return lb->dropped;
}

size_t logbuf_footprint(const struct logbuf *lb)
{
	return lb->bcap + lb->icap * sizeof(struct logbuf_entry);
}

int64_t logbuf_newest_ts(const struct logbuf *lb)
{
	return lb->count ? logbuf_at(lb, lb->count - 1)->ts_ns : 0;
}

bool logbuf_get(const struct logbuf *lb, uint64_t seq, struct logbuf_line *out)
{
	if (seq < lb->first_seq || seq >= lb->first_seq + lb->count)
		return false;
	const struct logbuf_entry *e = logbuf_at(lb, (size_t)(seq - lb->first_seq));
	*out = (struct logbuf_line){.seq = seq,
				    .ts_ns = e->ts_ns,
				    .src = e->src,
				    .flags = e->flags,
				    .text = lb->bytes + e->off,
				    .len = e->len};
	return true;
}

void logbuf_clear(struct logbuf *lb)
{
	lb->first_seq += lb->count;
	lb->count = 0;
	lb->head = 0;
	lb->wpos = 0;
	lb->held = 0;
	logbuf_sources_free(lb);
}

void logbuf_format_ts(int64_t ts_ns, char *out, size_t cap)
{
	time_t s = (time_t)(ts_ns / 1000000000);
	long ns = (long)(ts_ns % 1000000000);
	if (ns < 0) {
		ns += 1000000000;
		s--;
	}
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		snprintf(out, cap, "?");
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
}

void logbuf_format_tag(const struct logbuf *lb, unsigned src, char *out, size_t cap)
{
	const struct logbuf_source *s = logbuf_source_get(lb, src);
	if (!s)
		snprintf(out, cap, "?");
	else if (*s->container)
		snprintf(out, cap, "%s/%s", s->pod, s->container);
	else
		snprintf(out, cap, "%s", s->pod);
}

static bool logbuf_write_line(const struct logbuf *lb, const struct logbuf_line *l, unsigned fmt,
			      FILE *f)
{
	char tag[512], ts[64];
	if (fmt & LOGBUF_FMT_TAG) {
		logbuf_format_tag(lb, l->src, tag, sizeof(tag));
		if (fprintf(f, "[%s] ", tag) < 0)
			return false;
	}
	if (fmt & LOGBUF_FMT_TIME) {
		logbuf_format_ts(l->ts_ns, ts, sizeof(ts));
		if (fprintf(f, "%s ", ts) < 0)
			return false;
	}
	if (l->len && fwrite(l->text, 1, l->len, f) != l->len)
		return false;
	return fputc('\n', f) != EOF;
}

long logbuf_save(const struct logbuf *lb, const uint64_t *seqs, size_t n, unsigned fmt,
		 const char *path, char *err, size_t errcap)
{
	if (!path || !*path) {
		snprintf(err, errcap, "save: no file name given");
		return -1;
	}
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errcap, "save %s: cannot create a temporary file there: %s", path,
			 strerror(errno));
		free(tmp);
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errcap, "save %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	long written = 0;
	bool ok = true;
	size_t total = seqs ? n : lb->count;
	for (size_t i = 0; i < total && ok; i++) {
		struct logbuf_line l;
		uint64_t seq = seqs ? seqs[i] : lb->first_seq + i;
		if (!logbuf_get(lb, seq, &l))
			continue; /* dropped since the view was built */
		ok = logbuf_write_line(lb, &l, fmt, f);
		written++;
	}
	int saved_errno = errno;
	if (ok && fflush(f) != 0)
		ok = false, saved_errno = errno;
	if (ok && fsync(fileno(f)) != 0)
		ok = false, saved_errno = errno;
	if (fclose(f) != 0 && ok)
		ok = false, saved_errno = errno;
	if (ok && rename(tmp, path) != 0)
		ok = false, saved_errno = errno;
	if (!ok) {
		snprintf(err, errcap, "save %s: %s", path, strerror(saved_errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return written;
}
