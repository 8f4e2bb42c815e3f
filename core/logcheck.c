/* core/logcheck: see logcheck.h. */
#include "core/logcheck.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LOGCHECK_MAX_WORDS = 24 };

int logcheck_split(const char *line, char (*words)[512], size_t max, char *err, size_t errcap)
{
	size_t n = 0;
	const char *p = line ? line : "";
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return (int)n;
		if (n == max) {
			snprintf(err, errcap, "too many words (at most %zu)", max);
			return -1;
		}
		size_t len = 0;
		char quote = 0;
		while (*p && (quote || !isspace((unsigned char)*p))) {
			char c = *p++;
			if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				continue;
			}
			if (quote && c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\' && quote != '\'' && *p) {
				/* Outside quotes and in "...": the next byte literally, except that
				 * a regex escape other than \" \\ \' keeps its backslash. */
				if (*p == '"' || *p == '\\' || *p == '\'' || (!quote && *p == ' '))
					c = *p++;
			}
			if (len + 1 >= 512) {
				snprintf(err, errcap, "word %zu is too long (at most 511 bytes)", n + 1);
				return -1;
			}
			words[n][len++] = c;
		}
		if (quote) {
			snprintf(err, errcap, "unterminated %c quote in word %zu", quote, n + 1);
			return -1;
		}
		words[n][len] = '\0';
		n++;
	}
}

long logcheck_duration(const char *s)
{
	if (!s || !*s)
		return -1;
	long total = 0;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		char *end;
		long v = strtol(s, &end, 10);
		if (errno || v < 0 || v > 100000000)
			return -1;
		long mult;
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: return -1;
		}
		total += v * mult;
		if (total > 10L * 365 * 86400)
			return -1;
		s = end + 1;
	}
	return total > 0 ? total : -1;
}

static int logcheck_long(const char *opt, const char *v, long *out, char *err, size_t errcap)
{
	char *end;
	errno = 0;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || n < 0) {
		snprintf(err, errcap, "%s needs a non-negative number, got '%.100s'", opt, v ? v : "");
		return -1;
	}
	*out = n;
	return 0;
}

/* Options shared by both commands; returns 1 when word i (and maybe i+1) was one, 0 when
 * not an option of this kind, -1 on error.  *i is advanced past a value. */
static int logcheck_common(char (*w)[512], size_t n, size_t *i, char *container, long *tail,
			   long *since, char *err, size_t errcap)
{
	const char *o = w[*i];
	const char *v = *i + 1 < n ? w[*i + 1] : NULL;
	if (!strcmp(o, "-c") || !strcmp(o, "--container")) {
		if (!v || strlen(v) >= 64 || !*v) {
			snprintf(err, errcap, "%s needs a container name", o);
			return -1;
		}
		snprintf(container, 64, "%s", v);
	} else if (!strcmp(o, "--tail")) {
		if (logcheck_long(o, v, tail, err, errcap) < 0)
			return -1;
	} else if (!strcmp(o, "--since")) {
		*since = logcheck_duration(v);
		if (*since < 0) {
			snprintf(err, errcap, "--since needs a duration such as 30s, 15m, 1h, got '%.50s'",
				 v ? v : "");
			return -1;
		}
	} else {
		return 0;
	}
	(*i)++;
	return 1;
}

int logcheck_parse_logs(const char *args, struct logs_args *out, char *err, size_t errcap)
{
	char w[LOGCHECK_MAX_WORDS][512];
	int n = logcheck_split(args, w, LOGCHECK_MAX_WORDS, err, errcap);
	if (n < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->tail = -1;
	for (size_t i = 0; i < (size_t)n; i++) {
		int r = logcheck_common(w, (size_t)n, &i, out->container, &out->tail, &out->since_s,
					err, errcap);
		if (r < 0)
			return -1;
		if (r)
			continue;
		const char *o = w[i];
		if (!strcmp(o, "-f") || !strcmp(o, "--follow")) {
			out->follow = true;
		} else if (!strcmp(o, "-p") || !strcmp(o, "--previous")) {
			out->previous = true;
		} else if (!strcmp(o, "--timestamps")) {
			out->timestamps = true;
		} else if (!strcmp(o, "--max-lines")) {
			if (logcheck_long(o, i + 1 < (size_t)n ? w[++i] : NULL, &out->max_lines, err,
					  errcap) < 0)
				return -1;
			if (out->max_lines < 10 || out->max_lines > 10000000) {
				snprintf(err, errcap, "--max-lines must be between 10 and 10000000");
				return -1;
			}
		} else if (!strcmp(o, "--grep")) {
			if (i + 1 >= (size_t)n) {
				snprintf(err, errcap, "--grep needs a regex");
				return -1;
			}
			snprintf(out->grep, sizeof(out->grep), "%s", w[++i]);
		} else if (!strcmp(o, "-l") && i + 1 < (size_t)n && !out->target[0]) {
			snprintf(out->target, sizeof(out->target), "label/%.500s", w[++i]);
		} else if (o[0] == '-' && o[1]) {
			snprintf(err, errcap, "unknown option '%.100s'", o);
			return -1;
		} else if (out->target[0]) {
			snprintf(err, errcap, "one target only, got '%.200s' and '%.200s'",
				 out->target, o);
			return -1;
		} else {
			snprintf(out->target, sizeof(out->target), "%s", o);
		}
	}
	if (!out->target[0]) {
		snprintf(err, errcap, "needs a TARGET: pod/NAME, deployment/NAME, statefulset/NAME "
				      "or label/SELECTOR");
		return -1;
	}
	return 0;
}

static int logcheck_expect(const char *v, struct logcheck_spec *spec, char *err, size_t errcap)
{
	const char *num = v ? v : "";
	spec->op = LOGCHECK_EQ;
	if (!strncmp(num, ">=", 2)) {
		spec->op = LOGCHECK_GE;
		num += 2;
	} else if (!strncmp(num, "<=", 2)) {
		spec->op = LOGCHECK_LE;
		num += 2;
	} else if (*num == '=') {
		num++;
	}
	return logcheck_long("--expect", num, &spec->expect, err, errcap);
}

int logcheck_parse(const char *args, struct logcheck_spec *spec, char *err, size_t errcap)
{
	char w[LOGCHECK_MAX_WORDS][512];
	memset(spec, 0, sizeof(*spec));
	spec->op = LOGCHECK_GE;
	spec->expect = 1;
	spec->tail = -1;
	int n = logcheck_split(args, w, LOGCHECK_MAX_WORDS, err, errcap);
	if (n < 0)
		return -1;
	size_t pos = 0;
	for (size_t i = 0; i < (size_t)n; i++) {
		int r = logcheck_common(w, (size_t)n, &i, spec->container, &spec->tail, &spec->since_s,
					err, errcap);
		if (r < 0)
			return -1;
		if (r)
			continue;
		const char *o = w[i];
		if (!strcmp(o, "--expect")) {
			if (logcheck_expect(i + 1 < (size_t)n ? w[++i] : NULL, spec, err, errcap) < 0)
				return -1;
		} else if (!strcmp(o, "-i") || !strcmp(o, "--ignore-case")) {
			spec->icase = true;
		} else if (o[0] == '-' && o[1] == '-') {
			snprintf(err, errcap, "unknown option '%.100s'", o);
			return -1;
		} else if (pos == 0) {
			snprintf(spec->target, sizeof(spec->target), "%s", o);
			pos++;
		} else if (pos == 1) {
			snprintf(spec->pattern, sizeof(spec->pattern), "%s", o);
			pos++;
		} else {
			snprintf(err, errcap, "unexpected word '%.100s' (quote the regex)", o);
			return -1;
		}
	}
	if (pos < 2) {
		snprintf(err, errcap, "needs TARGET and REGEX, e.g. logcheck deployment/NAME "
				      "'Running as the leader' --expect 1");
		return -1;
	}
	int rc = regcomp(&spec->re, spec->pattern, REG_EXTENDED | REG_NOSUB | (spec->icase ? REG_ICASE : 0));
	if (rc) {
		char msg[200];
		regerror(rc, &spec->re, msg, sizeof(msg));
		snprintf(err, errcap, "regex '%.200s': %s", spec->pattern, msg);
		return -1;
	}
	spec->compiled = true;
	return 0;
}

void logcheck_spec_free(struct logcheck_spec *spec)
{
	if (spec->compiled)
		regfree(&spec->re);
	spec->compiled = false;
}

void logcheck_format_expect(const struct logcheck_spec *spec, char *out, size_t cap)
{
	snprintf(out, cap, "%s%ld", spec->op == LOGCHECK_GE ? ">=" : spec->op == LOGCHECK_LE ? "<=" : "",
		 spec->expect);
}

void logcheck_result_init(struct logcheck_result *r)
{
	memset(r, 0, sizeof(*r));
}

void logcheck_result_free(struct logcheck_result *r)
{
	for (size_t i = 0; i < r->npods; i++) {
		free(r->pods[i].ns);
		free(r->pods[i].pod);
	}
	free(r->pods);
	logcheck_result_init(r);
}

static struct logcheck_pod *logcheck_pod(struct logcheck_result *r, const char *ns, const char *pod)
{
	for (size_t i = 0; i < r->npods; i++)
		if (!strcmp(r->pods[i].ns, ns) && !strcmp(r->pods[i].pod, pod))
			return &r->pods[i];
	r->pods = xgrow(r->pods, &r->cap, r->npods + 1, sizeof(*r->pods));
	r->pods[r->npods] = (struct logcheck_pod){.ns = xstrdup(ns), .pod = xstrdup(pod)};
	return &r->pods[r->npods++];
}

void logcheck_add_pod(struct logcheck_result *r, const char *ns, const char *pod)
{
	logcheck_pod(r, ns, pod);
}

static int logcheck_pod_cmp(const void *a, const void *b)
{
	const struct logcheck_pod *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->pod, y->pod);
}

void logcheck_evaluate(const struct logcheck_spec *spec, const struct logbuf *lb,
		       struct logcheck_result *r)
{
	for (uint64_t s = logbuf_first_seq(lb); s < logbuf_next_seq(lb); s++) {
		struct logbuf_line l;
		if (!logbuf_get(lb, s, &l) || (l.flags & LOGBUF_MARKER))
			continue;
		const struct logbuf_source *src = logbuf_source_get(lb, l.src);
		if (!src)
			continue;
		struct logcheck_pod *p = logcheck_pod(r, src->ns, src->pod);
		p->lines++;
		/* Lines are NUL-terminated in the ring; an embedded NUL ends the match there. */
		if (spec->compiled && regexec(&spec->re, l.text, 0, NULL, 0) == 0)
			p->matches++;
	}
	qsort(r->pods, r->npods, sizeof(*r->pods), logcheck_pod_cmp);
	r->matching_pods = 0;
	for (size_t i = 0; i < r->npods; i++)
		r->matching_pods += r->pods[i].matches > 0;
	switch (spec->op) {
	case LOGCHECK_EQ: r->pass = r->matching_pods == spec->expect; break;
	case LOGCHECK_GE: r->pass = r->matching_pods >= spec->expect; break;
	case LOGCHECK_LE: r->pass = r->matching_pods <= spec->expect; break;
	}
}

void logcheck_report(const struct logcheck_spec *spec, const struct logcheck_result *r, char *out,
		     size_t cap)
{
	if (!cap)
		return;
	char exp[32];
	logcheck_format_expect(spec, exp, sizeof(exp));
	size_t n = (size_t)snprintf(out, cap, "%s logcheck %s '%s': %ld pod%s matching (expected %s)\n",
				    r->pass ? "PASS" : "FAIL", spec->target, spec->pattern,
				    r->matching_pods, r->matching_pods == 1 ? "" : "s", exp);
	int w = 0;
	for (size_t i = 0; i < r->npods; i++)
		if ((int)strlen(r->pods[i].pod) > w)
			w = (int)strlen(r->pods[i].pod);
	if (!r->npods && n < cap)
		n += (size_t)snprintf(out + n, cap - n, "  no pod found\n");
	for (size_t i = 0; i < r->npods && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "  %-*s  %ld matching line%s of %ld\n", w,
				      r->pods[i].pod, r->pods[i].matches,
				      r->pods[i].matches == 1 ? "" : "s", r->pods[i].lines);
}
