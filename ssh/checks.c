/* ssh/checks: parsers for df -P, pm2 jlist, uptime and free -b output (see checks.h). */
#include "ssh/checks.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* memmem without _GNU_SOURCE: first occurrence of needle in [hay, hay+len). */
static const char *checks_find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

int checks_failv(char *err, size_t cap, const char *prefix, const char *fmt, va_list ap)
{
	if (!err || !cap)
		return -1;
	int n = snprintf(err, cap, "%s", prefix);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	return -1;
}

static int checks_fail(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int checks_fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	checks_failv(err, cap, "", fmt, ap);
	va_end(ap);
	return -1;
}

/* One line of input: [s, s+len), without the newline and a trailing CR. */
struct checks_line {
	const char *s;
	size_t len;
};

/* Next line from *pos; false at the end of the input. */
static bool checks_next_line(const char *text, size_t len, size_t *pos, struct checks_line *out)
{
	if (*pos >= len)
		return false;
	const char *start = text + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && start[n - 1] == '\r')
		n--;
	out->s = start;
	out->len = n;
	return true;
}

/* Whitespace-separated tokens of a line, by offset. */
enum { CHECKS_MAX_TOKENS = 64 };
struct checks_tokens {
	size_t off[CHECKS_MAX_TOKENS];
	size_t len[CHECKS_MAX_TOKENS];
	size_t n;
};

static void checks_tokenize(const struct checks_line *l, struct checks_tokens *t)
{
	t->n = 0;
	size_t i = 0;
	while (i < l->len && t->n < CHECKS_MAX_TOKENS) {
		while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
			i++;
		if (i >= l->len)
			break;
		size_t start = i;
		while (i < l->len && l->s[i] != ' ' && l->s[i] != '\t')
			i++;
		t->off[t->n] = start;
		t->len[t->n] = i - start;
		t->n++;
	}
}

/* A token of decimal digits only, into *out; false on anything else or overflow. */
static bool checks_token_ll(const char *s, size_t len, long long *out)
{
	if (len == 0 || len > 19)
		return false;
	long long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		int d = s[i] - '0';
		if (v > (LLONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* df's Capacity column: "NN%" (0..100 and beyond for over-reserved filesystems) or "-". */
static bool checks_token_pct(const char *s, size_t len, int *out)
{
	if (len == 1 && s[0] == '-') {
		*out = -1;
		return true;
	}
	long long v;
	if (len < 2 || s[len - 1] != '%' || !checks_token_ll(s, len - 1, &v) || v > 1000)
		return false;
	*out = (int)v;
	return true;
}

void checks_free_df(struct df_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].fs);
		free(t->v[i].mount);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* One data line: FS (may hold spaces) N N N PCT MOUNT (may hold spaces).  The numeric
 * run is found from the left, so a mount point like "/mnt/a 1 2 3 4% b" still parses. */
static bool checks_df_line(const struct checks_line *l, int block_div, struct df_mount *m)
{
	struct checks_tokens t;
	checks_tokenize(l, &t);
	for (size_t i = 1; i + 4 < t.n; i++) {
		long long blocks, used, avail;
		int pct;
		/* Available may be negative for an over-full filesystem on some systems. */
		const char *a = l->s + t.off[i + 2];
		size_t alen = t.len[i + 2];
		bool neg = alen > 1 && a[0] == '-';
		if (!checks_token_ll(l->s + t.off[i], t.len[i], &blocks) ||
		    !checks_token_ll(l->s + t.off[i + 1], t.len[i + 1], &used) ||
		    !checks_token_ll(a + neg, alen - neg, &avail) ||
		    !checks_token_pct(l->s + t.off[i + 3], t.len[i + 3], &pct))
			continue;
		size_t fs_end = t.off[i - 1] + t.len[i - 1];
		m->fs = xstrndup(l->s, fs_end);
		m->size_kb = blocks / block_div;
		m->used_kb = used / block_div;
		m->avail_kb = (neg ? -avail : avail) / block_div;
		m->use_pct = pct;
		m->mount = xstrndup(l->s + t.off[i + 4], l->len - t.off[i + 4]);
		return true;
	}
	return false;
}

int checks_parse_df(const char *text, size_t len, struct df_table *out, char *err, size_t cap)
{
	out->v = NULL;
	out->n = 0;
	if (len > CHECKS_MAX_INPUT)
		return checks_fail(err, cap, "df output larger than %d bytes", CHECKS_MAX_INPUT);
	size_t pos = 0, lineno = 0, vcap = 0;
	struct checks_line l;
	int block_div = 1;
	bool header = false;
	while (checks_next_line(text, len, &pos, &l)) {
		lineno++;
		if (!header) {
			if (l.len == 0)
				continue;
			if (l.len < 10 || memcmp(l.s, "Filesystem", 10) != 0)
				return checks_fail(err, cap, "df line %zu: expected the 'Filesystem' header",
						   lineno);
			/* POSIX df -P may report 512-byte blocks (POSIXLY_CORRECT). */
			if (checks_find(l.s, l.len, "512-blocks"))
				block_div = 2;
			header = true;
			continue;
		}
		if (l.len == 0)
			continue;
		if (out->n >= CHECKS_MAX_ROWS) {
			checks_free_df(out);
			return checks_fail(err, cap, "df: more than %d mounts", CHECKS_MAX_ROWS);
		}
		struct df_mount m = { 0 };
		if (!checks_df_line(&l, block_div, &m)) {
			checks_free_df(out);
			return checks_fail(err, cap,
					   "df line %zu: expected FILESYSTEM BLOCKS USED AVAILABLE USE%% MOUNT",
					   lineno);
		}
		out->v = xgrow(out->v, &vcap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = m;
	}
	if (!header)
		return checks_fail(err, cap, "df: empty output");
	return 0;
}

void checks_free_pm2(struct pm2_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].status);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static long long checks_json_ll(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d > -9e18 && d < 9e18)
			return (long long)d;
	}
	return 0;
}

/* Copies a string field, refusing embedded NULs (jansson allows them). */
static char *checks_json_str(const json_t *v)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return xstrdup(json_string_value(v));
}

static int checks_pm2_entry(const json_t *e, const char *what, size_t idx, struct pm2_proc *p,
			    char *err, size_t cap)
{
	if (!json_is_object(e))
		return checks_fail(err, cap, "%s [%zu]: expected an object", what, idx);
	p->name = checks_json_str(json_object_get(e, "name"));
	if (!p->name)
		return checks_fail(err, cap, "%s [%zu]: missing or invalid \"name\"", what, idx);
	p->pm_id = checks_json_ll(json_object_get(e, "pm_id"));
	const json_t *env = json_object_get(e, "pm2_env");
	if (json_is_object(env)) {
		p->status = checks_json_str(json_object_get(env, "status"));
		p->restarts = checks_json_ll(json_object_get(env, "restart_time"));
		p->started_ms = checks_json_ll(json_object_get(env, "pm_uptime"));
	}
	if (!p->status)
		p->status = xstrdup("unknown");
	const json_t *monit = json_object_get(e, "monit");
	if (json_is_object(monit)) {
		const json_t *cpu = json_object_get(monit, "cpu");
		p->cpu = json_is_number(cpu) ? json_number_value(cpu) : 0;
		p->memory = checks_json_ll(json_object_get(monit, "memory"));
	}
	return 0;
}

/* Where the JSON array starts: the first '[' whose next non-blank byte opens an object or
 * closes an empty array.  pm2 prints "[PM2] Spawning PM2 daemon..." before the list when
 * it had to start its daemon, so the very first '[' is not always the list. */
static const char *checks_pm2_start(const char *text, size_t len)
{
	const char *end = text + len;
	for (const char *p = memchr(text, '[', len); p; p = memchr(p + 1, '[', (size_t)(end - p - 1))) {
		const char *q = p + 1;
		while (q < end && isspace((unsigned char)*q))
			q++;
		if (q < end && (*q == '{' || *q == ']'))
			return p;
		if (p + 1 >= end)
			break;
	}
	return NULL;
}

int checks_parse_pm2(const char *text, size_t len, struct pm2_list *out, char *err, size_t cap)
{
	out->v = NULL;
	out->n = 0;
	if (len > CHECKS_MAX_INPUT)
		return checks_fail(err, cap, "pm2 jlist output larger than %d bytes", CHECKS_MAX_INPUT);
	const char *start = len ? checks_pm2_start(text, len) : NULL;
	if (!start)
		return checks_fail(err, cap, "pm2 jlist: no JSON list in the output");
	json_error_t jerr;
	json_t *root = json_loadb(start, len - (size_t)(start - text), JSON_DISABLE_EOF_CHECK, &jerr);
	if (!root)
		return checks_fail(err, cap, "pm2 jlist: invalid JSON at byte %d: %s",
				   (int)(jerr.position + (start - text)), jerr.text);
	int rc = checks_pm2_from_json(root, "pm2 jlist", out, err, cap);
	/* The tree, env sections and all, goes now: nothing but the fields above is kept. */
	json_decref(root);
	return rc;
}

int checks_pm2_from_json(const json_t *root, const char *what, struct pm2_list *out, char *err,
			 size_t cap)
{
	out->v = NULL;
	out->n = 0;
	if (!json_is_array(root))
		return checks_fail(err, cap, "%s: expected a JSON array", what);
	size_t n = json_array_size(root);
	if (n > CHECKS_MAX_ROWS)
		return checks_fail(err, cap, "%s: more than %d processes", what, CHECKS_MAX_ROWS);
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	for (size_t i = 0; i < n; i++) {
		if (checks_pm2_entry(json_array_get(root, i), what, i, &out->v[i], err, cap) < 0) {
			out->n = i + 1;
			checks_free_pm2(out);
			return -1;
		}
	}
	out->n = n;
	return 0;
}

/* A non-negative decimal number with '.' as the separator (commands run with LC_ALL=C). */
static bool checks_parse_double(const char **pp, const char *end, double *out)
{
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
		p++;
	char buf[32];
	size_t n = 0;
	while (p < end && n + 1 < sizeof(buf) && ((*p >= '0' && *p <= '9') || *p == '.'))
		buf[n++] = *p++;
	if (n == 0)
		return false;
	buf[n] = '\0';
	char *e;
	errno = 0;
	double d = strtod(buf, &e);
	if (*e || errno)
		return false;
	*out = d;
	*pp = p;
	return true;
}

int checks_parse_uptime(const char *text, size_t len, struct load_info *out, char *err, size_t cap)
{
	out->has_load = false;
	if (len > CHECKS_MAX_INPUT)
		return checks_fail(err, cap, "uptime output too large");
	const char *p = checks_find(text, len, "load average");
	if (!p)
		return checks_fail(err, cap, "uptime: no 'load average' in the output");
	const char *end = text + len;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon)
		return checks_fail(err, cap, "uptime: no ':' after 'load average'");
	p = colon + 1;
	double v[3];
	for (int i = 0; i < 3; i++)
		if (!checks_parse_double(&p, end, &v[i]))
			return checks_fail(err, cap, "uptime: load average %d is not a number", i + 1);
	out->load1 = v[0];
	out->load5 = v[1];
	out->load15 = v[2];
	out->has_load = true;
	return 0;
}

int checks_parse_free(const char *text, size_t len, struct load_info *out, char *err, size_t cap)
{
	out->has_mem = false;
	if (len > CHECKS_MAX_INPUT)
		return checks_fail(err, cap, "free output too large");
	size_t pos = 0;
	struct checks_line l;
	struct checks_tokens head = { .n = 0 };
	struct checks_line headline = { 0 };
	while (checks_next_line(text, len, &pos, &l)) {
		struct checks_tokens t;
		checks_tokenize(&l, &t);
		if (t.n == 0)
			continue;
		if (head.n == 0 && t.len[0] == 5 && memcmp(l.s + t.off[0], "total", 5) == 0) {
			head = t;
			headline = l;
			continue;
		}
		if (t.len[0] != 4 || memcmp(l.s + t.off[0], "Mem:", 4) != 0)
			continue;
		long long v[3];
		for (int i = 0; i < 3; i++)
			if ((size_t)i + 1 >= t.n ||
			    !checks_token_ll(l.s + t.off[i + 1], t.len[i + 1], &v[i]))
				return checks_fail(err, cap, "free: Mem: column %d is not a number", i + 1);
		out->mem_total = v[0];
		out->mem_used = v[1];
		out->mem_avail = v[2]; /* "free" unless an "available" column exists */
		for (size_t h = 0; h < head.n; h++) {
			if (head.len[h] == 9 && memcmp(headline.s + head.off[h], "available", 9) == 0 &&
			    h + 1 < t.n) {
				long long a;
				if (checks_token_ll(l.s + t.off[h + 1], t.len[h + 1], &a))
					out->mem_avail = a;
			}
		}
		out->has_mem = true;
		return 0;
	}
	return checks_fail(err, cap, "free: no 'Mem:' line in the output");
}
