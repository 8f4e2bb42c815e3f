/* kube/logtarget: the target half of kube/logmux (see logmux.h): parsing "KIND/NAME"
 * specs and deciding which pods of the model belong to a target. */
#include "kube/logmux.h"

#include "kube/informer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* DNS-1123 subdomain: what a pod or workload name may be. */
static bool logtarget_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

static bool logtarget_kind(const char *k, size_t len, enum logtarget_kind *out)
{
	static const struct {
		const char *name;
		enum logtarget_kind kind;
	} kinds[] = {{"pod", LOGTARGET_POD},
		     {"pods", LOGTARGET_POD},
		     {"po", LOGTARGET_POD},
		     {"deployment", LOGTARGET_DEPLOYMENT},
		     {"deployments", LOGTARGET_DEPLOYMENT},
		     {"deploy", LOGTARGET_DEPLOYMENT},
		     {"statefulset", LOGTARGET_STATEFULSET},
		     {"statefulsets", LOGTARGET_STATEFULSET},
		     {"sts", LOGTARGET_STATEFULSET},
		     {"label", LOGTARGET_SELECTOR},
		     {"selector", LOGTARGET_SELECTOR}};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == len && !strncasecmp(kinds[i].name, k, len)) {
			*out = kinds[i].kind;
			return true;
		}
	return false;
}

int logtarget_parse(const char *spec, const char *default_ns, struct logtarget *t, char *err,
		    size_t errcap)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->ns, sizeof(t->ns), "%s", default_ns && *default_ns ? default_ns : "default");
	while (spec && isspace((unsigned char)*spec))
		spec++;
	if (!spec || !*spec) {
		snprintf(err, errcap, "no target: expected pod/NAME, deployment/NAME, statefulset/NAME "
				      "or label/SELECTOR");
		return -1;
	}
	const char *rest = spec;
	if (!strncmp(spec, "-l", 2) && (spec[2] == ' ' || spec[2] == '=')) {
		t->kind = LOGTARGET_SELECTOR;
		rest = spec + 3;
		while (isspace((unsigned char)*rest))
			rest++;
	} else {
		const char *slash = strchr(spec, '/');
		if (slash && logtarget_kind(spec, (size_t)(slash - spec), &t->kind)) {
			rest = slash + 1;
		} else if (slash && strchr(slash + 1, '/')) {
			snprintf(err, errcap, "unknown kind '%.*s' in target '%.200s' (pod, deployment, "
					      "statefulset or label)",
				 (int)(slash - spec > 40 ? 40 : slash - spec), spec, spec);
			return -1;
		} else {
			t->kind = LOGTARGET_POD; /* NAME or NS/NAME */
		}
	}
	if (t->kind == LOGTARGET_SELECTOR) {
		if (!*rest || strlen(rest) >= sizeof(t->selector)) {
			snprintf(err, errcap, "label target needs a selector such as app=web");
			return -1;
		}
		snprintf(t->selector, sizeof(t->selector), "%s", rest);
		return 0;
	}
	const char *slash = strchr(rest, '/');
	const char *name = rest;
	if (slash) {
		size_t nl = (size_t)(slash - rest);
		if (nl == 0 || nl >= sizeof(t->ns)) {
			snprintf(err, errcap, "bad namespace in target '%.200s'", spec);
			return -1;
		}
		memcpy(t->ns, rest, nl);
		t->ns[nl] = '\0';
		t->ns_given = true;
		name = slash + 1;
	}
	if (!informer_namespace_valid(t->ns)) {
		snprintf(err, errcap, "invalid namespace '%.63s' in target '%.200s'", t->ns, spec);
		return -1;
	}
	if (strlen(name) >= sizeof(t->name) || !logtarget_name_valid(name)) {
		snprintf(err, errcap, "invalid name '%.200s' in target '%.200s' (lower-case letters, "
				      "digits, '-' and '.')",
			 name, spec);
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	return 0;
}

void logtarget_format(const struct logtarget *t, char *out, size_t cap)
{
	static const char *const kinds[] = {"pod", "deployment", "statefulset", "label"};
	if (t->kind == LOGTARGET_SELECTOR)
		snprintf(out, cap, "label/%s in %s", t->selector, t->ns);
	else
		snprintf(out, cap, "%s/%s/%s", kinds[t->kind], t->ns, t->name);
}

/* The value of key in labels ("k=v,k2=v2"), copied to val; false when absent. */
static bool logtarget_label(const char *labels, const char *key, size_t klen, char *val, size_t cap)
{
	const char *p = labels ? labels : "";
	while (*p) {
		size_t l = strcspn(p, ",");
		const char *eq = memchr(p, '=', l);
		size_t kl = eq ? (size_t)(eq - p) : l;
		if (kl == klen && !strncmp(p, key, klen)) {
			size_t vl = eq ? l - kl - 1 : 0;
			snprintf(val, cap, "%.*s", (int)vl, eq ? eq + 1 : "");
			return true;
		}
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

static void logtarget_trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* "v" in "(a, b, v)". */
static bool logtarget_in_set(const char *set, size_t len, const char *v)
{
	logtarget_trim(&set, &len);
	if (len < 2 || set[0] != '(' || set[len - 1] != ')')
		return false;
	set++, len -= 2;
	while (len) {
		const char *c = memchr(set, ',', len);
		size_t l = c ? (size_t)(c - set) : len;
		const char *w = set;
		size_t wl = l;
		logtarget_trim(&w, &wl);
		if (wl == strlen(v) && !strncmp(w, v, wl))
			return true;
		set += l, len -= l;
		if (len)
			set++, len--;
	}
	return false;
}

/* One requirement of a selector. */
static bool logtarget_requirement(const char *r, size_t len, const char *labels)
{
	char val[320];
	logtarget_trim(&r, &len);
	if (!len)
		return true;
	if (r[0] == '!') {
		const char *k = r + 1;
		size_t kl = len - 1;
		logtarget_trim(&k, &kl);
		return !logtarget_label(labels, k, kl, val, sizeof(val));
	}
	const char *op = NULL;
	size_t oplen = 0;
	for (size_t i = 0; i < len && !op; i++) {
		if (r[i] == '!' && i + 1 < len && r[i + 1] == '=')
			op = r + i, oplen = 2;
		else if (r[i] == '=')
			op = r + i, oplen = (i + 1 < len && r[i + 1] == '=') ? 2 : 1;
		else if (isspace((unsigned char)r[i])) {
			const char *w = r + i;
			while (w < r + len && isspace((unsigned char)*w))
				w++;
			if (r + len - w > 3 && !strncmp(w, "in", 2) &&
			    (isspace((unsigned char)w[2]) || w[2] == '('))
				op = r + i, oplen = (size_t)(w + 2 - (r + i));
			else if (r + len - w > 6 && !strncmp(w, "notin", 5))
				op = r + i, oplen = (size_t)(w + 5 - (r + i));
		}
	}
	if (!op)
		return logtarget_label(labels, r, len, val, sizeof(val));
	const char *k = r;
	size_t kl = (size_t)(op - r);
	logtarget_trim(&k, &kl);
	const char *v = op + oplen;
	size_t vl = len - (size_t)(v - r);
	logtarget_trim(&v, &vl);
	bool has = logtarget_label(labels, k, kl, val, sizeof(val));
	const char *word = op;
	size_t wl = oplen;
	logtarget_trim(&word, &wl);
	if (wl == 5 && !strncmp(word, "notin", 5))
		return !has || !logtarget_in_set(v, vl, val);
	if (wl == 2 && !strncmp(word, "in", 2))
		return has && logtarget_in_set(v, vl, val);
	bool eq = has && strlen(val) == vl && !strncmp(val, v, vl);
	return word[0] == '!' ? !eq : eq;
}

bool logtarget_selector_match(const char *selector, const char *labels)
{
	const char *p = selector ? selector : "";
	if (!*p)
		return false; /* an empty selector selects nothing here, never everything */
	while (*p) {
		size_t l = 0;
		int depth = 0;
		while (p[l] && (p[l] != ',' || depth > 0)) {
			depth += p[l] == '(';
			depth -= p[l] == ')';
			l++;
		}
		if (!logtarget_requirement(p, l, labels))
			return false;
		p += l;
		if (*p == ',')
			p++;
	}
	return true;
}

/* Pod names a workload's controller gives: NAME-HASH-XXXXX (deployments via their
 * replica set) and NAME-ORDINAL (statefulsets).  Used when the model has no selector. */
static bool logtarget_name_owned(const char *pod, const char *name, enum logtarget_kind kind)
{
	size_t n = strlen(name);
	if (strncmp(pod, name, n) || pod[n] != '-')
		return false;
	const char *rest = pod + n + 1;
	if (kind == LOGTARGET_STATEFULSET) {
		if (!*rest)
			return false;
		for (const char *c = rest; *c; c++)
			if (!isdigit((unsigned char)*c))
				return false;
		return true;
	}
	const char *dash = strchr(rest, '-');
	if (!dash || dash == rest || strchr(dash + 1, '-') || strlen(dash + 1) != 5)
		return false;
	for (const char *c = rest; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
	return true;
}

bool logtarget_matches(const struct logtarget *t, const struct model *m, const struct model_pod *p)
{
	if (strcmp(p->ns, t->ns))
		return false;
	switch (t->kind) {
	case LOGTARGET_POD:
		return !strcmp(p->name, t->name);
	case LOGTARGET_SELECTOR:
		return logtarget_selector_match(t->selector, p->labels);
	case LOGTARGET_DEPLOYMENT:
	case LOGTARGET_STATEFULSET: {
		enum model_workload_kind k =
			t->kind == LOGTARGET_DEPLOYMENT ? MODEL_DEPLOYMENT : MODEL_STATEFULSET;
		const struct model_workload *w = model_workload_find(m, k, t->ns, t->name);
		if (w && w->selector && *w->selector && p->labels && *p->labels)
			return logtarget_selector_match(w->selector, p->labels);
		return logtarget_name_owned(p->name, t->name, t->kind);
	}
	}
	return false;
}
