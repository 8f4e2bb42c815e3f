/* core/logview: see logview.h.
 *
 * The view is a deque of sequence numbers (`seqs[start..start+n)`), each with a bit saying
 * whether it is an include match or a context line.  update() scans lines from `scanned`
 * to the ring's end; entries older than the ring's first line are trimmed from the front
 * and the array is compacted when the dead prefix is more than half of it. */
#include "core/logview.h"

#include "core/xalloc.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct logview_re {
	regex_t re;
	bool set;
	char *src;
};

struct logview {
	struct logbuf *lb;
	struct logview_re inc, exc, search;
	struct logview_re *rules;
	size_t nrules;
	unsigned context;
	uint64_t *seqs;
	unsigned char *match;     /* parallel to seqs */
	size_t start, n, cap;
	uint64_t scanned;         /* next sequence number to look at */
	uint64_t last_pushed;     /* last sequence number in the view + 1, 0 when none */
	uint64_t last_match;      /* last include match + 1, 0 when none */
	uint64_t added;           /* entries ever added (for the pause counter) */
	uint64_t added_at_pause;
	bool paused;
};

static const char *const logview_default_rules[] = {"Error", "Exception", "panic", "FATAL",
						    "Traceback"};

static void logview_re_clear(struct logview_re *r)
{
	if (r->set)
		regfree(&r->re);
	free(r->src);
	r->set = false;
	r->src = NULL;
}

/* Compiles pattern into *r (replacing it) or reports why not. */
static int logview_re_set(struct logview_re *r, const char *what, const char *pattern, bool icase,
			  char *err, size_t errcap)
{
	if (!pattern || !*pattern) {
		logview_re_clear(r);
		return 0;
	}
	regex_t re;
	int rc = regcomp(&re, pattern, REG_EXTENDED | (icase ? REG_ICASE : 0));
	if (rc != 0) {
		char msg[200];
		regerror(rc, &re, msg, sizeof(msg));
		snprintf(err, errcap, "%s regex '%s': %s", what, pattern, msg);
		return -1;
	}
	logview_re_clear(r);
	r->re = re;
	r->set = true;
	r->src = xstrdup(pattern);
	return 0;
}

/* First match of r in text[from..len), as byte offsets; false when none. */
static bool logview_re_exec(const struct logview_re *r, const char *text, size_t len, size_t from,
			    size_t *mstart, size_t *mend)
{
	regmatch_t m[1];
	int flags = 0;
#ifdef REG_STARTEND
	/* glibc and the BSDs: match over embedded NULs, up to len exactly. */
	m[0].rm_so = (regoff_t)from;
	m[0].rm_eo = (regoff_t)len;
	flags = REG_STARTEND;
	if (from > 0)
		flags |= REG_NOTBOL;
	if (regexec(&r->re, text, 1, m, flags) != 0)
		return false;
	*mstart = (size_t)m[0].rm_so;
	*mend = (size_t)m[0].rm_eo;
#else
	(void)len;
	if (from > 0)
		flags |= REG_NOTBOL;
	if (regexec(&r->re, text + from, 1, m, flags) != 0)
		return false;
	*mstart = from + (size_t)m[0].rm_so;
	*mend = from + (size_t)m[0].rm_eo;
#endif
	return true;
}

static bool logview_re_match(const struct logview_re *r, const struct logbuf_line *l)
{
	size_t s, e;
	return logview_re_exec(r, l->text, l->len, 0, &s, &e);
}

struct logview *logview_new(struct logbuf *lb)
{
	struct logview *v = xcalloc(1, sizeof(*v));
	v->lb = lb;
	v->scanned = logbuf_first_seq(lb);
	char err[256];
	logview_set_highlights(v, logview_default_rules,
			       sizeof(logview_default_rules) / sizeof(logview_default_rules[0]), err,
			       sizeof(err));
	return v;
}

static void logview_rules_free(struct logview_re *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		logview_re_clear(&rules[i]);
	free(rules);
}

void logview_free(struct logview *v)
{
	if (!v)
		return;
	logview_re_clear(&v->inc);
	logview_re_clear(&v->exc);
	logview_re_clear(&v->search);
	logview_rules_free(v->rules, v->nrules);
	free(v->seqs);
	free(v->match);
	free(v);
}

/* Forgets every entry and rescans the ring from its oldest line on the next update. */
static void logview_reset(struct logview *v)
{
	v->start = v->n = 0;
	v->scanned = logbuf_first_seq(v->lb);
	v->last_pushed = v->last_match = 0;
	v->added_at_pause = v->added = 0;
}

int logview_set_include(struct logview *v, const char *re, bool icase, char *err, size_t errcap)
{
	if (logview_re_set(&v->inc, "include", re, icase, err, errcap) < 0)
		return -1;
	logview_reset(v);
	return 0;
}

int logview_set_exclude(struct logview *v, const char *re, bool icase, char *err, size_t errcap)
{
	if (logview_re_set(&v->exc, "exclude", re, icase, err, errcap) < 0)
		return -1;
	logview_reset(v);
	return 0;
}

void logview_set_context(struct logview *v, unsigned lines)
{
	if (v->context == lines)
		return;
	v->context = lines;
	logview_reset(v);
}

unsigned logview_context(const struct logview *v)
{
	return v->context;
}

bool logview_filtered(const struct logview *v)
{
	return v->inc.set || v->exc.set;
}

const char *logview_include(const struct logview *v)
{
	return v->inc.src ? v->inc.src : "";
}

const char *logview_exclude(const struct logview *v)
{
	return v->exc.src ? v->exc.src : "";
}

static void logview_push(struct logview *v, uint64_t seq, bool is_match)
{
	if (v->start + v->n == v->cap) {
		if (v->start > v->cap / 2) {
			memmove(v->seqs, v->seqs + v->start, v->n * sizeof(*v->seqs));
			memmove(v->match, v->match + v->start, v->n);
			v->start = 0;
		} else {
			size_t c = v->cap;
			v->seqs = xgrow(v->seqs, &c, v->cap + 1, sizeof(*v->seqs));
			v->match = xrealloc(v->match, c);
			v->cap = c;
		}
	}
	v->seqs[v->start + v->n] = seq;
	v->match[v->start + v->n] = is_match;
	v->n++;
	v->added++;
	v->last_pushed = seq + 1;
}

static bool logview_excluded(const struct logview *v, const struct logbuf_line *l)
{
	return v->exc.set && logview_re_match(&v->exc, l);
}

void logview_update(struct logview *v)
{
	uint64_t first = logbuf_first_seq(v->lb), next = logbuf_next_seq(v->lb);
	while (v->n && v->seqs[v->start] < first) {
		v->start++;
		v->n--;
	}
	if (!v->n)
		v->start = 0;
	if (v->scanned < first)
		v->scanned = first;
	for (; v->scanned < next; v->scanned++) {
		struct logbuf_line l;
		if (!logbuf_get(v->lb, v->scanned, &l) || logview_excluded(v, &l))
			continue;
		if (!v->inc.set) {
			logview_push(v, v->scanned, false);
			continue;
		}
		if (logview_re_match(&v->inc, &l)) {
			/* Leading context: lines already scanned but not shown. */
			uint64_t from = v->scanned >= v->context ? v->scanned - v->context : 0;
			if (from < v->last_pushed)
				from = v->last_pushed;
			if (from < first)
				from = first;
			for (uint64_t s = from; s < v->scanned; s++) {
				struct logbuf_line c;
				if (logbuf_get(v->lb, s, &c) && !logview_excluded(v, &c))
					logview_push(v, s, false);
			}
			logview_push(v, v->scanned, true);
			v->last_match = v->scanned + 1;
		} else if (v->context && v->last_match && v->scanned < v->last_match + v->context) {
			logview_push(v, v->scanned, false);
		}
	}
}

size_t logview_count(const struct logview *v)
{
	return v->n;
}

uint64_t logview_seq(const struct logview *v, size_t i)
{
	return i < v->n ? v->seqs[v->start + i] : UINT64_MAX;
}

const uint64_t *logview_seqs(const struct logview *v)
{
	return v->seqs ? v->seqs + v->start : NULL;
}

bool logview_is_match(const struct logview *v, size_t i)
{
	return i < v->n && v->match[v->start + i];
}

int logview_set_search(struct logview *v, const char *re, bool icase, char *err, size_t errcap)
{
	return logview_re_set(&v->search, "search", re, icase, err, errcap);
}

const char *logview_search(const struct logview *v)
{
	return v->search.src ? v->search.src : "";
}

long logview_find(const struct logview *v, long from, int dir)
{
	if (!v->search.set || !v->n)
		return -1;
	long n = (long)v->n;
	long step = dir < 0 ? -1 : 1;
	long i = from;
	for (long k = 0; k < n; k++) {
		i += step;
		if (i >= n)
			i = 0;
		if (i < 0)
			i = n - 1;
		struct logbuf_line l;
		if (logbuf_get(v->lb, v->seqs[v->start + (size_t)i], &l) &&
		    logview_re_match(&v->search, &l))
			return i;
	}
	return -1;
}

int logview_set_highlights(struct logview *v, const char *const *patterns, size_t n, char *err,
			   size_t errcap)
{
	struct logview_re *rules = xcalloc(n ? n : 1, sizeof(*rules));
	for (size_t i = 0; i < n; i++) {
		if (logview_re_set(&rules[i], "highlight", patterns[i], false, err, errcap) < 0) {
			logview_rules_free(rules, n);
			return -1;
		}
	}
	logview_rules_free(v->rules, v->nrules);
	v->rules = rules;
	v->nrules = n;
	return 0;
}

/* Adds the matches of r to spans (kind k); returns the new count. */
static size_t logview_collect(const struct logview_re *r, enum logview_span_kind k, const char *text,
			      size_t len, struct logview_span *spans, size_t n, size_t max)
{
	size_t from = 0;
	while (n < max && from <= len) {
		size_t s, e;
		if (!logview_re_exec(r, text, len, from, &s, &e))
			break;
		if (e > s)
			spans[n++] = (struct logview_span){s, e, k};
		from = e > s ? e : e + 1;
	}
	return n;
}

static int logview_span_cmp(const void *a, const void *b)
{
	const struct logview_span *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Search spans first at the same start: they win overlaps. */
	return (int)y->kind - (int)x->kind;
}

size_t logview_spans(const struct logview *v, const char *text, size_t len,
		     struct logview_span *spans, size_t max)
{
	enum { CAP = 64 };
	struct logview_span all[CAP];
	size_t n = 0;
	if (v->search.set)
		n = logview_collect(&v->search, LOGVIEW_SPAN_SEARCH, text, len, all, n, CAP);
	for (size_t i = 0; i < v->nrules; i++)
		n = logview_collect(&v->rules[i], LOGVIEW_SPAN_RULE, text, len, all, n, CAP);
	qsort(all, n, sizeof(all[0]), logview_span_cmp);
	size_t out = 0, end = 0;
	for (size_t i = 0; i < n && out < max; i++) {
		struct logview_span s = all[i];
		if (out && s.start < end) {
			/* Overlap: a search span replaces a rule span it overlaps. */
			if (s.kind == LOGVIEW_SPAN_SEARCH && spans[out - 1].kind == LOGVIEW_SPAN_RULE) {
				spans[out - 1].end = s.start;
				if (spans[out - 1].end <= spans[out - 1].start)
					out--;
			} else {
				continue;
			}
		}
		spans[out++] = s;
		end = s.end;
	}
	return out;
}

void logview_pause(struct logview *v, bool paused)
{
	v->paused = paused;
	v->added_at_pause = v->added;
}

bool logview_paused(const struct logview *v)
{
	return v->paused;
}

uint64_t logview_new_lines(const struct logview *v)
{
	return v->paused ? v->added - v->added_at_pause : 0;
}
