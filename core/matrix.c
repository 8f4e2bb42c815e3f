/* core/matrix: definition files -> struct matrix, every field checked with FILE:LINE
 * (see matrix.h).  Built on kube/yaml, which keeps the position of every node. */
#include "core/matrix.h"

#include "core/xalloc.h"
#include "kube/yaml.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Unknown keys are errors: a misspelt check would silently check nothing. */
static int mx_known_keys(const struct yaml_reader *r, const json_t *obj, const char *path, const char *const *allowed)
{
	return yaml_read_keys(r, obj, path, allowed, NULL, NULL, 0);
}

/* parent[key] (object) or parent[index] (array) as a string (see yaml_read_text): spaces
 * allowed, newlines and tabs only when `multiline` (symptom texts). */
static int mx_string_at(const struct yaml_reader *r, const json_t *parent, const char *key, size_t index,
			const char *what, bool multiline, char **out)
{
	return yaml_read_text(r, parent, key, index, what, YAML_TEXT_BLANKS | (multiline ? YAML_TEXT_MULTILINE : 0),
			      8192, out);
}

long matrix_parse_duration(const char *s)
{
	if (!s || !*s)
		return -1;
	long total = 0;
	bool unit_seen = false;
	const char *p = s;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		long v = 0;
		while (isdigit((unsigned char)*p)) {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*p++ - '0');
		}
		long unit;
		switch (*p) {
		case '\0':
			if (unit_seen)
				return -1; /* "1m30" is ambiguous */
			return total + v;
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return -1;
		}
		p++;
		unit_seen = true;
		if (v > 1000000000L / unit || total > 1000000000L - v * unit)
			return -1;
		total += v * unit;
	}
	return total;
}

/* A duration: a plain integer (seconds) or "5m"-style text. */
static int mx_duration(const struct yaml_reader *r, const json_t *obj, const char *key, const char *what, long *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	unsigned line = yaml_read_line(r, obj, key, 0);
	long d = -1;
	if (json_is_integer(v))
		d = json_integer_value(v) >= 0 && json_integer_value(v) <= 100000000 ? (long)json_integer_value(v) : -1;
	else if (json_is_string(v))
		d = matrix_parse_duration(json_string_value(v));
	if (d < 0)
		return yaml_read_fail(r, line, "%s: expected a duration (30s, 5m, 1h, or seconds)", what);
	*out = d;
	return 0;
}

static void mx_check_free(struct matrix_check *c)
{
	free(c->name);
	free(c->pattern);
	free(c->url);
	free(c->host);
}

static void mx_service_free(struct matrix_service *s)
{
	free(s->name);
	free(s->file);
	free(s->title);
	free(s->context);
	free(s->ns);
	free(s->workload);
	free(s->selector);
	for (size_t i = 0; i < s->nchecks; i++)
		mx_check_free(&s->checks[i]);
	free(s->checks);
	for (size_t i = 0; i < s->nsymptoms; i++) {
		free(s->symptoms[i].channel);
		free(s->symptoms[i].text);
	}
	free(s->symptoms);
	for (size_t i = 0; i < s->nsteps; i++) {
		free(s->steps[i].text);
		free(s->steps[i].command);
	}
	free(s->steps);
	for (size_t i = 0; i < s->nescalations; i++)
		free(s->escalations[i]);
	free(s->escalations);
	for (size_t i = 0; i < s->nlinks; i++) {
		free(s->links[i].title);
		free(s->links[i].url);
	}
	free(s->links);
}

void matrix_init(struct matrix *m)
{
	memset(m, 0, sizeof(*m));
}

void matrix_free(struct matrix *m)
{
	for (size_t i = 0; i < m->nservices; i++)
		mx_service_free(&m->services[i]);
	free(m->services);
	for (size_t i = 0; i < m->nchannels; i++)
		free(m->channels[i]);
	matrix_init(m);
}

/* "N", ">=N", "<=N" (also as a YAML integer). */
static int mx_expect(const struct yaml_reader *r, const json_t *obj, const char *what, struct matrix_check *c)
{
	c->op = MATRIX_EXPECT_GE;
	c->expect = 1;
	const json_t *v = json_object_get(obj, "expect");
	if (!v || json_is_null(v))
		return 0;
	unsigned line = yaml_read_line(r, obj, "expect", 0);
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 100000) {
		c->op = MATRIX_EXPECT_EQ;
		c->expect = (long)json_integer_value(v);
		return 0;
	}
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	if (s) {
		enum matrix_expect_op op = MATRIX_EXPECT_EQ;
		if (!strncmp(s, ">=", 2))
			op = MATRIX_EXPECT_GE, s += 2;
		else if (!strncmp(s, "<=", 2))
			op = MATRIX_EXPECT_LE, s += 2;
		char *end;
		errno = 0;
		long n = strtol(s, &end, 10);
		if (isdigit((unsigned char)*s) && !*end && !errno && n >= 0 && n <= 100000) {
			c->op = op;
			c->expect = n;
			return 0;
		}
	}
	return yaml_read_fail(r, line, "%s.expect: expected N, >=N or <=N (pods whose logs match)", what);
}

/* "host:port" or "[v6]:port". */
static int mx_hostport(const struct yaml_reader *r, unsigned line, const char *what, const char *s,
		       struct matrix_check *c)
{
	const char *colon = strrchr(s, ':');
	const char *hs = s, *he = colon;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return yaml_read_fail(r, line, "%s.tcp: expected HOST:PORT, got '%.80s'", what, s);
		hs = s + 1, he = rb, colon = rb + 1;
	}
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || he == hs || !colon[1] || *end || port < 1 || port > 65535)
		return yaml_read_fail(r, line, "%s.tcp: expected HOST:PORT with a port 1..65535, got '%.80s'", what, s);
	for (const char *p = hs; p < he; p++)
		if (*p == ' ' || *p == '/' || *p == '@')
			return yaml_read_fail(r, line, "%s.tcp: '%.80s' is not a host name or address", what, s);
	c->host = xstrndup(hs, (size_t)(he - hs));
	c->port = (int)port;
	return 0;
}

static int mx_check(const struct yaml_reader *r, const json_t *arr, size_t idx, const char *path,
		    struct matrix_check *c)
{
	static const char *const keys[] = { "replicas", "stuck", "logs", "http", "tcp", "name", "severity",
					    "expect", "status", "timeout", NULL };
	static const char *const kinds[] = { "replicas", "stuck", "logs", "http", "tcp" };
	char what[200];
	snprintf(what, sizeof(what), "%s[%zu]", path, idx);
	const json_t *o = json_array_get(arr, idx);
	unsigned line = yaml_read_line(r, arr, NULL, idx);
	memset(c, 0, sizeof(*c));
	c->line = line;
	c->timeout_ms = 5000;
	if (!json_is_object(o))
		return yaml_read_fail(r, line, "%s: expected a map such as {replicas: desired}", what);
	if (mx_known_keys(r, o, what, keys) < 0)
		return -1;
	int found = -1;
	for (int k = 0; k < 5; k++) {
		if (!json_object_get(o, kinds[k]))
			continue;
		if (found >= 0)
			return yaml_read_fail(r, line, "%s: both %s and %s: one check per item", what, kinds[found],
					      kinds[k]);
		found = k;
	}
	if (found < 0)
		return yaml_read_fail(r, line, "%s: no check: expected one of replicas, stuck, logs, http, tcp", what);
	c->kind = (enum matrix_check_kind)found;
	const char *kind = kinds[found];
	unsigned kline = yaml_read_line(r, o, kind, 0);
	bool uses_expect = c->kind == MATRIX_CHECK_LOGS, uses_status = c->kind == MATRIX_CHECK_HTTP;
	bool uses_timeout = c->kind == MATRIX_CHECK_HTTP || c->kind == MATRIX_CHECK_TCP;
	if (!uses_expect && json_object_get(o, "expect"))
		return yaml_read_fail(r, yaml_read_line(r, o, "expect", 0), "%s.expect: only for logs checks", what);
	if (!uses_status && json_object_get(o, "status"))
		return yaml_read_fail(r, yaml_read_line(r, o, "status", 0), "%s.status: only for http checks", what);
	if (!uses_timeout && json_object_get(o, "timeout"))
		return yaml_read_fail(r, yaml_read_line(r, o, "timeout", 0), "%s.timeout: only for http and tcp checks",
				      what);
	if (mx_string_at(r, o, "name", 0, "name", false, &c->name) < 0)
		return -1;
	char *sev = NULL;
	if (mx_string_at(r, o, "severity", 0, "severity", false, &sev) < 0)
		return -1;
	if (sev) {
		bool down = !strcmp(sev, "down"), degraded = !strcmp(sev, "degraded");
		free(sev);
		if (!down && !degraded)
			return yaml_read_fail(r, yaml_read_line(r, o, "severity", 0),
					      "%s.severity: expected down or degraded", what);
		c->severity = down ? MATRIX_SEV_DOWN : MATRIX_SEV_DEGRADED;
	}
	char sub[240];
	snprintf(sub, sizeof(sub), "%s.%s", what, kind);
	switch (c->kind) {
	case MATRIX_CHECK_REPLICAS: {
		const json_t *v = json_object_get(o, kind);
		if (json_is_string(v) && !strcmp(json_string_value(v), "desired"))
			c->min_ready = -1;
		else if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 100000)
			c->min_ready = (int)json_integer_value(v);
		else
			return yaml_read_fail(r, kline, "%s: expected desired or a number of ready replicas", sub);
		break;
	}
	case MATRIX_CHECK_STUCK:
		c->stuck_s = -1;
		if (mx_duration(r, o, kind, sub, &c->stuck_s) < 0)
			return -1;
		if (c->stuck_s < 0)
			return yaml_read_fail(r, kline, "%s: expected a duration (30s, 5m, 1h, or seconds)", sub);
		break;
	case MATRIX_CHECK_LOGS: {
		if (mx_string_at(r, o, kind, 0, sub, false, &c->pattern) < 0)
			return -1;
		if (!c->pattern)
			return yaml_read_fail(r, kline, "%s: expected a regular expression", sub);
		regex_t re;
		int rc = regcomp(&re, c->pattern, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char why[120];
			regerror(rc, &re, why, sizeof(why));
			return yaml_read_fail(r, kline, "%s: invalid regex '%.80s': %s", sub, c->pattern, why);
		}
		regfree(&re);
		if (mx_expect(r, o, what, c) < 0)
			return -1;
		break;
	}
	case MATRIX_CHECK_HTTP:
		if (mx_string_at(r, o, kind, 0, sub, false, &c->url) < 0)
			return -1;
		if (!c->url || (strncmp(c->url, "http://", 7) && strncmp(c->url, "https://", 8)) ||
		    strchr(c->url, ' ') || strlen(c->url) > 1000)
			return yaml_read_fail(r, kline, "%s: expected an http:// or https:// URL", sub);
		if (json_object_get(o, "status")) {
			const json_t *st = json_object_get(o, "status");
			if (!json_is_integer(st) || json_integer_value(st) < 100 || json_integer_value(st) > 599)
				return yaml_read_fail(r, yaml_read_line(r, o, "status", 0),
						      "%s.status: expected an HTTP status 100..599", what);
			c->status = (int)json_integer_value(st);
		}
		break;
	case MATRIX_CHECK_TCP: {
		char *hp = NULL;
		if (mx_string_at(r, o, kind, 0, sub, false, &hp) < 0)
			return -1;
		if (!hp)
			return yaml_read_fail(r, kline, "%s: expected HOST:PORT", sub);
		int rc = mx_hostport(r, kline, what, hp, c);
		free(hp);
		if (rc < 0)
			return -1;
		break;
	}
	}
	if (uses_timeout) {
		long t = -1;
		if (mx_duration(r, o, "timeout", "timeout", &t) < 0)
			return -1;
		if (t == 0 || t > 300)
			return yaml_read_fail(r, yaml_read_line(r, o, "timeout", 0), "%s.timeout: expected 1s..300s",
					      what);
		if (t > 0)
			c->timeout_ms = t * 1000;
	}
	if (!c->name) {
		/* Short default names: the check's text is in the detail view. */
		char def[200];
		matrix_format_check(c, def, sizeof(def));
		c->name = xstrdup(c->kind == MATRIX_CHECK_REPLICAS ? "replicas"
				  : c->kind == MATRIX_CHECK_STUCK ? "stuck pods" : def);
	}
	return 0;
}

/* The checks a service gets without a `checks:` key. */
static void mx_default_checks(struct matrix_service *s)
{
	s->checks = xcalloc(2, sizeof(*s->checks));
	s->checks[0] = (struct matrix_check){ .kind = MATRIX_CHECK_REPLICAS, .min_ready = -1,
					      .name = xstrdup("replicas"), .line = s->line };
	s->checks[1] = (struct matrix_check){ .kind = MATRIX_CHECK_STUCK, .stuck_s = 300,
					      .name = xstrdup("stuck pods"), .line = s->line };
	s->nchecks = 2;
}

static int mx_steps(const struct yaml_reader *r, const json_t *o, const char *what, struct matrix_service *s)
{
	const json_t *v = json_object_get(o, "steps");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return yaml_read_fail(r, yaml_read_line(r, o, "steps", 0), "%s.steps: expected a list", what);
	size_t n = json_array_size(v);
	s->steps = xcalloc(n ? n : 1, sizeof(*s->steps));
	for (size_t i = 0; i < n; i++) {
		char item[200];
		snprintf(item, sizeof(item), "%s.steps[%zu]", what, i);
		const json_t *st = json_array_get(v, i);
		struct matrix_step *step = &s->steps[s->nsteps++];
		if (!json_is_object(st)) {
			if (mx_string_at(r, v, NULL, i, item, true, &step->text) < 0)
				return -1;
			if (!step->text)
				return yaml_read_fail(r, yaml_read_line(r, v, NULL, i),
						      "%s: expected text or {text, command}", item);
			continue;
		}
		static const char *const keys[] = { "text", "command", NULL };
		if (mx_known_keys(r, st, item, keys) < 0)
			return -1;
		char t[240], cmd[240];
		snprintf(t, sizeof(t), "%s.text", item);
		snprintf(cmd, sizeof(cmd), "%s.command", item);
		if (mx_string_at(r, st, "text", 0, t, true, &step->text) < 0 ||
		    mx_string_at(r, st, "command", 0, cmd, false, &step->command) < 0)
			return -1;
		if (!step->text)
			return yaml_read_fail(r, yaml_read_line(r, v, NULL, i), "%s: missing text", item);
		if (step->command && strlen(step->command) > 250)
			return yaml_read_fail(r, yaml_read_line(r, st, "command", 0), "%s: longer than 250 bytes", cmd);
	}
	return 0;
}

static int mx_links(const struct yaml_reader *r, const json_t *o, const char *what, struct matrix_service *s)
{
	const json_t *v = json_object_get(o, "links");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return yaml_read_fail(r, yaml_read_line(r, o, "links", 0), "%s.links: expected a list of {title, url}",
				      what);
	size_t n = json_array_size(v);
	s->links = xcalloc(n ? n : 1, sizeof(*s->links));
	for (size_t i = 0; i < n; i++) {
		char item[200], t[240], u[240];
		snprintf(item, sizeof(item), "%s.links[%zu]", what, i);
		snprintf(t, sizeof(t), "%s.title", item);
		snprintf(u, sizeof(u), "%s.url", item);
		const json_t *l = json_array_get(v, i);
		static const char *const keys[] = { "title", "url", NULL };
		if (!json_is_object(l))
			return yaml_read_fail(r, yaml_read_line(r, v, NULL, i), "%s: expected {title, url}", item);
		if (mx_known_keys(r, l, item, keys) < 0)
			return -1;
		struct matrix_link *lk = &s->links[s->nlinks++];
		if (mx_string_at(r, l, "title", 0, t, false, &lk->title) < 0 ||
		    mx_string_at(r, l, "url", 0, u, false, &lk->url) < 0)
			return -1;
		if (!lk->title || !lk->url)
			return yaml_read_fail(r, yaml_read_line(r, v, NULL, i), "%s: needs both title and url", item);
	}
	return 0;
}

static int mx_strings(const struct yaml_reader *r, const json_t *o, const char *key, const char *what, char ***out,
		      size_t *n)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	char item[200];
	snprintf(item, sizeof(item), "%s.%s", what, key);
	if (!json_is_array(v))
		return yaml_read_fail(r, yaml_read_line(r, o, key, 0), "%s: expected a list", item);
	size_t count = json_array_size(v);
	*out = xcalloc(count ? count : 1, sizeof(**out));
	for (size_t i = 0; i < count; i++) {
		char it[240];
		snprintf(it, sizeof(it), "%s[%zu]", item, i);
		char *s;
		if (mx_string_at(r, v, NULL, i, it, true, &s) < 0)
			return -1;
		if (!s)
			return yaml_read_fail(r, yaml_read_line(r, v, NULL, i), "%s: expected text", it);
		(*out)[(*n)++] = s;
	}
	return 0;
}

static int mx_symptoms(const struct yaml_reader *r, const json_t *o, const char *what, struct matrix_service *s)
{
	const json_t *v = json_object_get(o, "symptoms");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return yaml_read_fail(r, yaml_read_line(r, o, "symptoms", 0),
				      "%s.symptoms: expected a map CHANNEL: TEXT", what);
	size_t n = json_object_size(v);
	if (n > MATRIX_MAX_CHANNELS)
		return yaml_read_fail(r, yaml_read_line(r, o, "symptoms", 0), "%s.symptoms: more than %d channels",
				      what, MATRIX_MAX_CHANNELS);
	s->symptoms = xcalloc(n ? n : 1, sizeof(*s->symptoms));
	/* Keys in file order: jansson's iteration order is insertion order. */
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)v, key, val) {
		char item[300];
		snprintf(item, sizeof(item), "%s.symptoms.%.60s", what, key);
		if (!*key || strlen(key) > 40 || !yaml_text_clean(key, YAML_TEXT_BLANKS))
			return yaml_read_fail(r, yaml_read_line(r, v, key, 0),
					      "%s: a channel name is 1..40 printable characters", item);
		struct matrix_symptom *sy = &s->symptoms[s->nsymptoms];
		if (mx_string_at(r, v, key, 0, item, true, &sy->text) < 0)
			return -1;
		if (!sy->text)
			return yaml_read_fail(r, yaml_read_line(r, v, key, 0),
					      "%s: expected text (write \"No symptoms\" or TBD)", item);
		sy->channel = xstrdup(key);
		s->nsymptoms++;
	}
	return 0;
}

static int mx_name_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_'))
			return 0;
	return *s != 0 && strlen(s) < 254;
}

static int mx_service(const struct yaml_reader *r, const json_t *arr, size_t idx, const char *title,
		      struct matrix_service *s)
{
	static const char *const keys[] = { "name", "namespace", "deployment", "statefulset", "selector",
					    "context", "replicas", "checks", "symptoms", "steps",
					    "escalations", "links", NULL };
	char what[64];
	snprintf(what, sizeof(what), "services[%zu]", idx);
	const json_t *o = json_array_get(arr, idx);
	s->line = yaml_read_line(r, arr, NULL, idx);
	s->file = xstrdup(yaml_doc_name(r->doc));
	s->title = title ? xstrdup(title) : NULL;
	if (!json_is_object(o))
		return yaml_read_fail(r, s->line, "%s: expected a map with name, namespace, deployment...", what);
	if (mx_known_keys(r, o, what, keys) < 0)
		return -1;
	char f[120];
	snprintf(f, sizeof(f), "%s.name", what);
	if (mx_string_at(r, o, "name", 0, f, false, &s->name) < 0)
		return -1;
	if (!s->name)
		return yaml_read_fail(r, s->line, "%s: missing name", what);
	if (strlen(s->name) > 60)
		return yaml_read_fail(r, yaml_read_line(r, o, "name", 0), "%s: longer than 60 characters", f);
	snprintf(f, sizeof(f), "%s.namespace", what);
	if (mx_string_at(r, o, "namespace", 0, f, false, &s->ns) < 0)
		return -1;
	if (!s->ns)
		return yaml_read_fail(r, s->line, "%s (%s): missing namespace", what, s->name);
	if (!mx_name_ok(s->ns) || strchr(s->ns, '_') || strchr(s->ns, '.'))
		return yaml_read_fail(r, yaml_read_line(r, o, "namespace", 0), "%s: '%.80s' is not a namespace name", f,
				      s->ns);
	snprintf(f, sizeof(f), "%s.context", what);
	if (mx_string_at(r, o, "context", 0, f, false, &s->context) < 0)
		return -1;
	static const char *const tk[] = { "deployment", "statefulset", "selector" };
	int found = -1;
	for (int k = 0; k < 3; k++) {
		if (!json_object_get(o, tk[k]))
			continue;
		if (found >= 0)
			return yaml_read_fail(r, yaml_read_line(r, o, tk[k], 0), "%s: both %s and %s: give one", what,
					      tk[found], tk[k]);
		found = k;
	}
	if (found < 0)
		return yaml_read_fail(r, s->line, "%s (%s): missing deployment, statefulset or selector", what,
				      s->name);
	s->target = (enum matrix_target_kind)found;
	snprintf(f, sizeof(f), "%s.%s", what, tk[found]);
	char *val;
	if (mx_string_at(r, o, tk[found], 0, f, found == 2, &val) < 0)
		return -1;
	if (!val)
		return yaml_read_fail(r, yaml_read_line(r, o, tk[found], 0), "%s: expected a name", f);
	if (found == 2) {
		s->selector = val;
		if (strlen(val) > 500)
			return yaml_read_fail(r, yaml_read_line(r, o, tk[found], 0), "%s: longer than 500 bytes", f);
	} else {
		s->workload = val;
		if (!mx_name_ok(val))
			return yaml_read_fail(r, yaml_read_line(r, o, tk[found], 0),
					      "%s: '%.80s' is not a workload name", f, val);
	}
	const json_t *rep = json_object_get(o, "replicas");
	if (rep && !json_is_null(rep)) {
		if (!json_is_integer(rep) || json_integer_value(rep) < 0 || json_integer_value(rep) > 100000)
			return yaml_read_fail(r, yaml_read_line(r, o, "replicas", 0),
					      "%s.replicas: expected a count 0..100000", what);
		s->replicas = (int)json_integer_value(rep);
	}
	const json_t *checks = json_object_get(o, "checks");
	if (!checks || json_is_null(checks)) {
		mx_default_checks(s);
	} else {
		snprintf(f, sizeof(f), "%s.checks", what);
		if (!json_is_array(checks) || !json_array_size(checks) || json_array_size(checks) > MATRIX_MAX_CHECKS)
			return yaml_read_fail(r, yaml_read_line(r, o, "checks", 0),
					      "%s: expected a list of 1..%d checks", f, MATRIX_MAX_CHECKS);
		s->checks = xcalloc(json_array_size(checks), sizeof(*s->checks));
		for (size_t i = 0; i < json_array_size(checks); i++) {
			if (mx_check(r, checks, i, f, &s->checks[i]) < 0) {
				mx_check_free(&s->checks[i]);
				return -1;
			}
			s->nchecks++;
		}
	}
	if (mx_symptoms(r, o, what, s) < 0 || mx_steps(r, o, what, s) < 0 ||
	    mx_strings(r, o, "escalations", what, &s->escalations, &s->nescalations) < 0 || mx_links(r, o, what, s) < 0)
		return -1;
	return 0;
}

/* Checks the whole document into `add`; m is only read (for duplicate names). */
static int mx_document(const struct yaml_reader *r, const struct matrix *m, struct matrix *add)
{
	const json_t *root = yaml_doc_root(r->doc);
	if (!json_is_object(root))
		return yaml_read_fail(r, yaml_read_line(r, NULL, NULL, 0), "expected a map with a services list");
	static const char *const keys[] = { "title", "services", NULL };
	if (mx_known_keys(r, root, "", keys) < 0)
		return -1;
	char *title = NULL;
	if (mx_string_at(r, root, "title", 0, "title", false, &title) < 0)
		return -1;
	const json_t *sv = json_object_get(root, "services");
	int rc = 0;
	if (!json_is_array(sv) || !json_array_size(sv)) {
		rc = yaml_read_fail(r, sv ? yaml_read_line(r, root, "services", 0) : 1,
				    "services: expected a non-empty list");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(sv) && rc == 0; i++) {
		add->services = xgrow(add->services, &add->cap, add->nservices + 1, sizeof(*add->services));
		struct matrix_service *s = &add->services[add->nservices];
		memset(s, 0, sizeof(*s));
		if (mx_service(r, sv, i, title, s) < 0) {
			mx_service_free(s);
			rc = -1;
			break;
		}
		add->nservices++;
		const struct matrix_service *dup = matrix_find(m, s->name);
		for (size_t j = 0; !dup && j + 1 < add->nservices; j++)
			if (!strcasecmp(add->services[j].name, s->name))
				dup = &add->services[j];
		if (dup)
			rc = yaml_read_fail(r, s->line, "services[%zu]: name '%.60s' is already used (%s:%u)", i,
					    s->name, dup->file, dup->line);
	}
out:
	free(title);
	return rc;
}

static void mx_add_channel(struct matrix *m, const char *ch)
{
	for (size_t i = 0; i < m->nchannels; i++)
		if (!strcasecmp(m->channels[i], ch))
			return;
	if (m->nchannels < MATRIX_MAX_CHANNELS)
		m->channels[m->nchannels++] = xstrdup(ch);
}

static int mx_load_doc(struct matrix *m, struct yaml_doc *doc, char **err)
{
	struct yaml_reader r = {doc, err};
	struct matrix add;
	matrix_init(&add);
	int rc = mx_document(&r, m, &add);
	if (rc == 0) {
		for (size_t i = 0; i < add.nservices; i++) {
			m->services = xgrow(m->services, &m->cap, m->nservices + 1, sizeof(*m->services));
			m->services[m->nservices++] = add.services[i];
			for (size_t k = 0; k < add.services[i].nsymptoms; k++)
				mx_add_channel(m, add.services[i].symptoms[k].channel);
		}
		add.nservices = 0;
	}
	matrix_free(&add);
	yaml_doc_free(doc);
	return rc;
}

int matrix_load_file(struct matrix *m, const char *path, char **err)
{
	struct yaml_doc *doc = yaml_doc_load_file(path, err);
	return doc ? mx_load_doc(m, doc, err) : -1;
}

int matrix_load_string(struct matrix *m, const char *name, const char *text, size_t len, char **err)
{
	struct yaml_doc *doc = yaml_doc_load_string(name, text, len, err);
	return doc ? mx_load_doc(m, doc, err) : -1;
}

const struct matrix_service *matrix_find(const struct matrix *m, const char *name)
{
	for (size_t i = 0; i < m->nservices; i++)
		if (!strcasecmp(m->services[i].name, name))
			return &m->services[i];
	return NULL;
}

const char *matrix_symptom_text(const struct matrix_service *s, const char *channel)
{
	for (size_t i = 0; i < s->nsymptoms; i++)
		if (!strcasecmp(s->symptoms[i].channel, channel))
			return s->symptoms[i].text;
	return NULL;
}

void matrix_format_target(const struct matrix_service *s, char *out, size_t cap)
{
	switch (s->target) {
	case MATRIX_DEPLOYMENT: snprintf(out, cap, "deployment/%s/%s", s->ns, s->workload); break;
	case MATRIX_STATEFULSET: snprintf(out, cap, "statefulset/%s/%s", s->ns, s->workload); break;
	case MATRIX_SELECTOR: snprintf(out, cap, "label/%s", s->selector); break;
	}
}

static void mx_format_seconds(long s, char *out, size_t cap)
{
	if (s && s % 3600 == 0)
		snprintf(out, cap, "%ldh", s / 3600);
	else if (s && s % 60 == 0)
		snprintf(out, cap, "%ldm", s / 60);
	else
		snprintf(out, cap, "%lds", s);
}

void matrix_format_check(const struct matrix_check *c, char *out, size_t cap)
{
	char d[32];
	switch (c->kind) {
	case MATRIX_CHECK_REPLICAS:
		if (c->min_ready < 0)
			snprintf(out, cap, "replicas = desired");
		else
			snprintf(out, cap, "replicas >= %d", c->min_ready);
		break;
	case MATRIX_CHECK_STUCK:
		mx_format_seconds(c->stuck_s, d, sizeof(d));
		snprintf(out, cap, "stuck > %s", d);
		break;
	case MATRIX_CHECK_LOGS:
		snprintf(out, cap, "logs '%.200s' %s%ld", c->pattern,
			 c->op == MATRIX_EXPECT_EQ ? "= " : c->op == MATRIX_EXPECT_GE ? ">= " : "<= ", c->expect);
		break;
	case MATRIX_CHECK_HTTP:
		snprintf(out, cap, "http %.300s", c->url);
		break;
	case MATRIX_CHECK_TCP:
		snprintf(out, cap, strchr(c->host, ':') ? "tcp [%.200s]:%d" : "tcp %.200s:%d", c->host, c->port);
		break;
	}
}

static bool mx_is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void matrix_default_dir(const char *exe, char *out, size_t cap)
{
	out[0] = '\0';
	const char *env = getenv("WARROOM_RUNBOOKS");
	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0)
		self[n] = '\0';
	else if (exe && strchr(exe, '/'))
		snprintf(self, sizeof(self), "%s", exe);
	else
		return;
	char *slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = '\0';
	static const char *const rel[] = { "../share/warroom/runbooks", "../runbooks" };
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char p[PATH_MAX + 40];
		snprintf(p, sizeof(p), "%s/%s", self, rel[i]);
		if (mx_is_dir(p)) {
			snprintf(out, cap, "%s", p);
			return;
		}
	}
}

static int mx_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int matrix_load_dir(struct matrix *m, const char *dir, char **err)
{
	DIR *d = opendir(dir);
	if (!d) {
		*err = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), mx_name_cmp);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && matrix_load_file(m, names[i], err) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc == 0 && n == 0) {
		*err = xasprintf("%s: no *.yaml definition files", dir);
		rc = -1;
	}
	return rc;
}
