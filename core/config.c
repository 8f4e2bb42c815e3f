/* core/config: the YAML config file -> struct config, every field checked with FILE:LINE
 * (see config.h).  Built on kube/yaml, which keeps the position of every node. */
#include "core/config.h"

#include "core/xalloc.h"
#include "kube/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cfg_reader {
	struct yaml_reader y;    /* the doc and where the first error goes */
	struct config *c;        /* where warnings go */
};

/* Unknown keys are warnings with FILE:LINE in c->warnings: a newer or misspelt key must
 * not stop the console from starting. */
static int cfg_known_keys(const struct cfg_reader *r, const json_t *obj, const char *path,
			  const char *const *allowed)
{
	return yaml_read_keys(&r->y, obj, path, allowed, &r->c->warnings, &r->c->nwarnings, CONFIG_MAX_WARNINGS);
}

/* The strict form, for user action definitions: those run commands on hosts, so a
 * misspelt key there (sudo, confirm) must stop the program rather than change what runs. */
static int cfg_known_keys_strict(const struct cfg_reader *r, const json_t *obj, const char *path,
				 const char *const *allowed)
{
	return yaml_read_keys(&r->y, obj, path, allowed, NULL, NULL, 0);
}

/* parent[key] (object) or parent[index] (array) as a string (see yaml_read_text); a word
 * unless `blanks`. */
static int cfg_string_at(const struct cfg_reader *r, const json_t *parent, const char *key,
			 size_t index, const char *what, bool blanks, char **out)
{
	return yaml_read_text(&r->y, parent, key, index, what, blanks ? YAML_TEXT_BLANKS : 0, 0, out);
}

static int cfg_int(const struct cfg_reader *r, const json_t *obj, const char *key,
		   const char *what, long lo, long hi, int *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, obj, key, 0), "%s: expected an integer %ld..%ld",
				      what, lo, hi);
	*out = (int)json_integer_value(v);
	return 0;
}

/* obj[key] as a list of strings (a single string is taken as a one-item list). */
static int cfg_strings(const struct cfg_reader *r, const json_t *obj, const char *key,
		       const char *what, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		*out = xcalloc(1, sizeof(**out));
		if (cfg_string_at(r, obj, key, 0, what, false, &(*out)[0]) < 0)
			return -1;
		*n = (*out)[0] ? 1 : 0;
		return 0;
	}
	size_t count = json_array_size(v);
	*out = xcalloc(count ? count : 1, sizeof(**out));
	for (size_t i = 0; i < count; i++) {
		char item[160];
		snprintf(item, sizeof(item), "%s[%zu]", what, i);
		char *s;
		if (cfg_string_at(r, v, NULL, i, item, false, &s) < 0)
			return -1;
		if (!s)
			return yaml_read_fail(&r->y, yaml_read_line(&r->y, v, NULL, i), "%s: expected a string", item);
		(*out)[(*n)++] = s;
	}
	return 0;
}

static int cfg_checks(const struct cfg_reader *r, const json_t *obj, const char *what,
		      unsigned *out)
{
	char **names;
	size_t n;
	int rc = cfg_strings(r, obj, "checks", what, &names, &n);
	if (rc == 0 && json_object_get(obj, "checks") && !json_is_null(json_object_get(obj, "checks")))
		*out = 0;
	const json_t *arr = json_object_get(obj, "checks");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strcmp(names[i], "df") == 0)
			*out |= CONFIG_CHECK_DF;
		else if (strcmp(names[i], "pm2") == 0)
			*out |= CONFIG_CHECK_PM2;
		else if (strcmp(names[i], "load") == 0)
			*out |= CONFIG_CHECK_LOAD;
		else
			rc = yaml_read_fail(&r->y,
					    json_is_array(arr) ? yaml_read_line(&r->y, arr, NULL, i)
							       : yaml_read_line(&r->y, obj, "checks", 0),
					    "%s[%zu]: unknown check '%s' (df, pm2, load)", what, i, names[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* "host:port" or "[v6]:port". */
static int cfg_probe(const struct cfg_reader *r, const json_t *arr, size_t i, const char *what,
		     struct config_probe *p)
{
	char *s;
	if (cfg_string_at(r, arr, NULL, i, what, false, &s) < 0)
		return -1;
	unsigned line = yaml_read_line(&r->y, arr, NULL, i);
	if (!s)
		return yaml_read_fail(&r->y, line, "%s: expected HOST:PORT", what);
	char *colon = strrchr(s, ':');
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || colon == s || !end || *end || colon[1] == '\0' || port < 1 || port > 65535) {
		free(s);
		return yaml_read_fail(&r->y, line, "%s: expected HOST:PORT with a port 1..65535", what);
	}
	*colon = '\0';
	if (s[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		memmove(s, s + 1, strlen(s));
	}
	p->host = s;
	p->port = (int)port;
	return 0;
}

static int cfg_mounts(const struct cfg_reader *r, const json_t *h, const char *what,
		      struct config_host *out)
{
	const json_t *v = json_object_get(h, "mounts");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, h, "mounts", 0), "%s.mounts: expected a list", what);
	out->mounts = xcalloc(json_array_size(v) + 1, sizeof(*out->mounts));
	for (size_t i = 0; i < json_array_size(v); i++) {
		char p[200];
		snprintf(p, sizeof(p), "%s.mounts[%zu]", what, i);
		const json_t *m = json_array_get(v, i);
		if (!json_is_object(m))
			return yaml_read_fail(&r->y, yaml_read_line(&r->y, v, NULL, i),
					      "%s: expected {path, warn, crit}", p);
		static const char *const keys[] = { "path", "warn", "crit", NULL };
		struct config_mount *cm = &out->mounts[out->nmounts++];
		cm->warn = cm->crit = -1;
		char pp[220];
		snprintf(pp, sizeof(pp), "%s.path", p);
		if (cfg_known_keys(r, m, p, keys) < 0 ||
		    cfg_string_at(r, m, "path", 0, pp, true, &cm->path) < 0 ||
		    cfg_int(r, m, "warn", p, 0, 100, &cm->warn) < 0 ||
		    cfg_int(r, m, "crit", p, 0, 100, &cm->crit) < 0)
			return -1;
		if (!cm->path)
			return yaml_read_fail(&r->y, yaml_read_line(&r->y, v, NULL, i), "%s: missing path", p);
	}
	return 0;
}

const char *const config_reserved_actions[] = { "docker-gc", "docker-restart", "pm2-restart",
	"pm2-logs", "df", "pm2", "refresh", "load", NULL };
/* The first four of config_reserved_actions are the built-in actions. */
enum { CFG_NBUILTIN = 4 };

static int cfg_bool(const struct cfg_reader *r, const json_t *obj, const char *key,
		    const char *what, bool *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, obj, key, 0), "%s: expected true or false", what);
	*out = json_is_true(v);
	return 0;
}

static int cfg_action(const struct cfg_reader *r, const json_t *arr, size_t i, const char *what,
		      struct config_action *a)
{
	const json_t *v = json_array_get(arr, i);
	unsigned line = yaml_read_line(&r->y, arr, NULL, i);
	a->confirm = true;
	if (!json_is_object(v)) {
		if (cfg_string_at(r, arr, NULL, i, what, false, &a->name) < 0)
			return -1;
		for (size_t k = 0; a->name && k < CFG_NBUILTIN; k++)
			if (strcmp(a->name, config_reserved_actions[k]) == 0)
				a->builtin = true;
		if (!a->builtin)
			return yaml_read_fail(&r->y, line,
					      "%s: '%s' is not a built-in action (docker-gc, docker-restart, "
					      "pm2-restart, pm2-logs); define it as {name, command}",
					      what, a->name ? a->name : "");
		return 0;
	}
	static const char *const keys[] = { "name", "command", "sudo", "confirm", "description", NULL };
	char f[3][200];
	snprintf(f[0], sizeof(f[0]), "%s.name", what);
	snprintf(f[1], sizeof(f[1]), "%s.command", what);
	snprintf(f[2], sizeof(f[2]), "%s.description", what);
	if (cfg_known_keys_strict(r, v, what, keys) < 0 ||
	    cfg_string_at(r, v, "name", 0, f[0], false, &a->name) < 0 ||
	    cfg_string_at(r, v, "command", 0, f[1], true, &a->command) < 0 ||
	    cfg_string_at(r, v, "description", 0, f[2], true, &a->description) < 0 ||
	    cfg_bool(r, v, "sudo", what, &a->sudo) < 0 ||
	    cfg_bool(r, v, "confirm", what, &a->confirm) < 0)
		return -1;
	if (!a->name || !a->command)
		return yaml_read_fail(&r->y, line, "%s: needs both 'name' and 'command'", what);
	if (a->name[0] == '-')
		return yaml_read_fail(&r->y, line, "%s.name: must not start with '-'", what);
	for (const char *const *k = config_reserved_actions; *k; k++)
		if (strcmp(a->name, *k) == 0)
			return yaml_read_fail(&r->y, line, "%s.name: '%s' is a built-in name; choose another", what,
					      a->name);
	return 0;
}

static int cfg_actions(const struct cfg_reader *r, const json_t *o, const char *what,
		       struct config_host *h)
{
	const json_t *v = json_object_get(o, "actions");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, o, "actions", 0), "%s.actions: expected a list",
				      what);
	h->actions_set = true;
	h->actions = xcalloc(json_array_size(v) + 1, sizeof(*h->actions));
	for (size_t i = 0; i < json_array_size(v); i++) {
		char w[96];
		snprintf(w, sizeof(w), "%s.actions[%zu]", what, i);
		h->nactions++;
		if (cfg_action(r, v, i, w, &h->actions[i]) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (strcmp(h->actions[k].name, h->actions[i].name) == 0)
				return yaml_read_fail(&r->y, yaml_read_line(&r->y, v, NULL, i),
						      "%s: action '%s' listed twice", w, h->actions[i].name);
	}
	return 0;
}

bool config_host_offers(const struct config_host *h, const char *name,
			const struct config_action **entry)
{
	if (entry)
		*entry = NULL;
	for (size_t i = 0; h && i < h->nactions; i++) {
		if (strcmp(h->actions[i].name, name) == 0) {
			if (entry)
				*entry = &h->actions[i];
			return true;
		}
	}
	if (h && h->actions_set)
		return false;
	for (size_t k = 0; k < CFG_NBUILTIN; k++)
		if (strcmp(name, config_reserved_actions[k]) == 0)
			return true;
	return false;
}

static int cfg_host(const struct cfg_reader *r, const json_t *arr, size_t i, struct config_host *h)
{
	char what[64];
	snprintf(what, sizeof(what), "hosts[%zu]", i);
	const json_t *o = json_array_get(arr, i);
	h->line = yaml_read_line(&r->y, arr, NULL, i);
	h->checks = CONFIG_CHECK_DF | CONFIG_CHECK_LOAD;
	h->disk_warn = r->c->disk_warn;
	h->disk_crit = r->c->disk_crit;
	if (!json_is_object(o))
		return yaml_read_fail(&r->y, h->line, "%s: expected a map with at least 'name'", what);
	static const char *const keys[] = { "name", "address", "port", "user", "identity", "jump",
		"groups", "checks", "expect_pm2", "disk_warn", "disk_crit", "mounts", "probes",
		"password_auth", "actions", "pm2", NULL };
	char f[6][96];
	const char *names[6] = { "name", "address", "user", "identity", "jump", NULL };
	for (int k = 0; names[k]; k++)
		snprintf(f[k], sizeof(f[k]), "%s.%s", what, names[k]);
	if (cfg_known_keys(r, o, what, keys) < 0 ||
	    cfg_string_at(r, o, "name", 0, f[0], false, &h->name) < 0 ||
	    cfg_string_at(r, o, "address", 0, f[1], false, &h->address) < 0 ||
	    cfg_string_at(r, o, "user", 0, f[2], false, &h->user) < 0 ||
	    cfg_string_at(r, o, "identity", 0, f[3], true, &h->identity) < 0 ||
	    cfg_string_at(r, o, "jump", 0, f[4], false, &h->jump) < 0)
		return -1;
	if (!h->name)
		return yaml_read_fail(&r->y, h->line, "%s: missing 'name'", what);
	if (h->name[0] == '-' || (h->address && h->address[0] == '-'))
		return yaml_read_fail(&r->y, h->line, "%s: a name or address must not start with '-'", what);
	snprintf(f[5], sizeof(f[5]), "%s.port", what);
	if (cfg_int(r, o, "port", f[5], 1, 65535, &h->port) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.groups", what);
	if (cfg_strings(r, o, "groups", f[5], &h->groups, &h->ngroups) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.checks", what);
	if (cfg_checks(r, o, f[5], &h->checks) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.expect_pm2", what);
	if (cfg_strings(r, o, "expect_pm2", f[5], &h->expect_pm2, &h->nexpect) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.disk_warn", what);
	if (cfg_int(r, o, "disk_warn", f[5], 0, 100, &h->disk_warn) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.disk_crit", what);
	if (cfg_int(r, o, "disk_crit", f[5], 0, 100, &h->disk_crit) < 0)
		return -1;
	if (h->disk_warn > h->disk_crit)
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, o, "disk_warn", 0),
				      "%s: disk_warn %d is above disk_crit %d", what, h->disk_warn, h->disk_crit);
	if (cfg_mounts(r, o, what, h) < 0)
		return -1;
	snprintf(f[5], sizeof(f[5]), "%s.pm2", what);
	char *pm2 = NULL;
	if (cfg_string_at(r, o, "pm2", 0, f[5], false, &pm2) < 0)
		return -1;
	if (pm2 && strcmp(pm2, "cli") != 0 && strcmp(pm2, "auto") != 0) {
		free(pm2);
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, o, "pm2", 0),
				      "%s: expected auto or cli", f[5]);
	}
	h->pm2_cli = pm2 && strcmp(pm2, "cli") == 0;
	free(pm2);
	snprintf(f[5], sizeof(f[5]), "%s.password_auth", what);
	if (cfg_bool(r, o, "password_auth", f[5], &h->password_auth) < 0 ||
	    cfg_actions(r, o, what, h) < 0)
		return -1;
	const json_t *pr = json_object_get(o, "probes");
	if (pr && !json_is_null(pr)) {
		if (!json_is_array(pr))
			return yaml_read_fail(&r->y, yaml_read_line(&r->y, o, "probes", 0),
					      "%s.probes: expected a list of HOST:PORT", what);
		h->probes = xcalloc(json_array_size(pr) + 1, sizeof(*h->probes));
		for (size_t k = 0; k < json_array_size(pr); k++) {
			char pw[96];
			snprintf(pw, sizeof(pw), "%s.probes[%zu]", what, k);
			if (cfg_probe(r, pr, k, pw, &h->probes[h->nprobes]) < 0)
				return -1;
			h->nprobes++;
		}
	}
	return 0;
}

static int cfg_thresholds(const struct cfg_reader *r, const json_t *root, struct config *c)
{
	const json_t *t = json_object_get(root, "thresholds");
	if (!t || json_is_null(t))
		return 0;
	if (!json_is_object(t))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, root, "thresholds", 0),
				      "thresholds: expected a map (disk_warn, disk_crit)");
	static const char *const keys[] = { "disk_warn", "disk_crit", NULL };
	if (cfg_known_keys(r, t, "thresholds", keys) < 0 ||
	    cfg_int(r, t, "disk_warn", "thresholds.disk_warn", 0, 100, &c->disk_warn) < 0 ||
	    cfg_int(r, t, "disk_crit", "thresholds.disk_crit", 0, 100, &c->disk_crit) < 0)
		return -1;
	if (c->disk_warn > c->disk_crit)
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, t, "disk_warn", 0),
				      "thresholds: disk_warn %d is above disk_crit %d", c->disk_warn, c->disk_crit);
	return 0;
}

static int cfg_colors(const struct cfg_reader *r, const json_t *root, struct config *c)
{
	char *v = NULL;
	if (cfg_string_at(r, root, "colors", 0, "colors", false, &v) < 0)
		return -1;
	if (!v)
		return 0;
	static const char *const names[] = { "auto", "256", "16", "8", "none" };
	int found = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(v, names[i]) == 0)
			found = i;
	free(v);
	if (found < 0)
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, root, "colors", 0),
				      "colors: expected auto, 256, 16, 8 or none");
	c->colors = (enum config_colors)found;
	return 0;
}

static int cfg_root(const struct cfg_reader *r, struct config *c)
{
	const json_t *root = yaml_doc_root(r->y.doc);
	if (json_is_null(root))
		return yaml_read_fail(&r->y, 0, "empty config (expected a map with 'hosts')");
	if (!json_is_object(root))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, NULL, NULL, 0), "expected a map with 'hosts'");
	static const char *const keys[] = { "known_hosts", "interval", "timeout", "hosts", "audit_events",
		"contexts", "matrix", "thresholds", "rotate", "colors", "keymap", NULL };
	if (cfg_known_keys(r, root, "", keys) < 0 ||
	    cfg_bool(r, root, "audit_events", "audit_events", &c->audit_events) < 0 ||
	    cfg_string_at(r, root, "known_hosts", 0, "known_hosts", true, &c->known_hosts) < 0 ||
	    cfg_int(r, root, "interval", "interval", 1, 86400, &c->interval_s) < 0 ||
	    cfg_int(r, root, "timeout", "timeout", 1, 3600, &c->timeout_s) < 0 ||
	    cfg_int(r, root, "rotate", "rotate", 1, 3600, &c->rotate_s) < 0 ||
	    cfg_strings(r, root, "contexts", "contexts", &c->contexts, &c->ncontexts) < 0 ||
	    cfg_strings(r, root, "matrix", "matrix", &c->matrix_files, &c->nmatrix_files) < 0 ||
	    cfg_string_at(r, root, "keymap", 0, "keymap", true, &c->keymap) < 0 ||
	    cfg_thresholds(r, root, c) < 0 || cfg_colors(r, root, c) < 0)
		return -1;
	if (!c->known_hosts)
		c->known_hosts = xstrdup("~/.ssh/known_hosts");
	const json_t *hosts = json_object_get(root, "hosts");
	if (!hosts || json_is_null(hosts))
		return 0;
	if (!json_is_array(hosts))
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, root, "hosts", 0), "hosts: expected a list");
	size_t n = json_array_size(hosts);
	if (n > CONFIG_MAX_HOSTS)
		return yaml_read_fail(&r->y, yaml_read_line(&r->y, root, "hosts", 0), "hosts: more than %d entries",
				      CONFIG_MAX_HOSTS);
	c->hosts = xcalloc(n + 1, sizeof(*c->hosts));
	for (size_t i = 0; i < n; i++) {
		c->nhosts++;
		if (cfg_host(r, hosts, i, &c->hosts[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->hosts[j].name, c->hosts[i].name) == 0)
				return yaml_read_fail(&r->y, c->hosts[i].line,
						      "hosts[%zu]: name '%s' already used by hosts[%zu] (line %u)", i,
						      c->hosts[i].name, j, c->hosts[j].line);
	}
	/* A jump that names a configured host must not loop back on itself. */
	for (size_t i = 0; i < n; i++) {
		const struct config_host *h = &c->hosts[i];
		for (size_t hops = 0; h && h->jump; hops++) {
			if (hops >= n)
				return yaml_read_fail(&r->y, c->hosts[i].line, "hosts[%zu]: jump hosts form a loop", i);
			h = config_find_host(c, h->jump);
		}
	}
	return 0;
}

static int cfg_load(struct yaml_doc *doc, const char *path, struct config *out, char **err)
{
	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	out->interval_s = CONFIG_DEFAULT_INTERVAL;
	out->audit_events = true;
	out->timeout_s = CONFIG_DEFAULT_TIMEOUT;
	out->rotate_s = CONFIG_DEFAULT_ROTATE;
	out->disk_warn = 85;
	out->disk_crit = 95;
	struct cfg_reader r = {.y = {.doc = doc, .err = err}, .c = out};
	int rc = cfg_root(&r, out);
	yaml_doc_free(doc);
	if (rc < 0)
		config_free(out);
	return rc;
}

int config_user_path(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int w;
	if (xdg && xdg[0] == '/') /* the XDG spec: a relative XDG_CONFIG_HOME is ignored */
		w = snprintf(out, cap, "%s/warroom/config.yaml", xdg);
	else if (home && home[0])
		w = snprintf(out, cap, "%s/.config/warroom/config.yaml", home);
	else
		return -1;
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}

int config_load_file(const char *path, struct config *out, char **err)
{
	*err = NULL;
	memset(out, 0, sizeof(*out));
	struct yaml_doc *doc = yaml_doc_load_file(path, err);
	if (!doc)
		return -1;
	return cfg_load(doc, path, out, err);
}

int config_load_string(const char *name, const char *text, size_t len, struct config *out,
		       char **err)
{
	*err = NULL;
	memset(out, 0, sizeof(*out));
	struct yaml_doc *doc = yaml_doc_load_string(name, text, len, err);
	if (!doc)
		return -1;
	return cfg_load(doc, name, out, err);
}

static void cfg_free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nhosts; i++) {
		struct config_host *h = &c->hosts[i];
		free(h->name);
		free(h->address);
		free(h->user);
		free(h->identity);
		free(h->jump);
		cfg_free_strv(h->groups, h->ngroups);
		cfg_free_strv(h->expect_pm2, h->nexpect);
		for (size_t k = 0; k < h->nmounts; k++)
			free(h->mounts[k].path);
		free(h->mounts);
		for (size_t k = 0; k < h->nprobes; k++)
			free(h->probes[k].host);
		free(h->probes);
		for (size_t k = 0; k < h->nactions; k++) {
			free(h->actions[k].name);
			free(h->actions[k].command);
			free(h->actions[k].description);
		}
		free(h->actions);
	}
	free(c->hosts);
	free(c->path);
	free(c->known_hosts);
	cfg_free_strv(c->contexts, c->ncontexts);
	cfg_free_strv(c->matrix_files, c->nmatrix_files);
	cfg_free_strv(c->warnings, c->nwarnings);
	free(c->keymap);
	memset(c, 0, sizeof(*c));
}

const struct config_host *config_find_host(const struct config *c, const char *name)
{
	for (size_t i = 0; name && i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return &c->hosts[i];
	return NULL;
}

char *config_expand_path(const char *path, const char *home)
{
	if (!path)
		return NULL;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		if (!home)
			home = getenv("HOME");
		if (home && *home)
			return xasprintf("%s%s", home, path + 1);
	}
	return xstrdup(path);
}

void config_disk_limits(const struct config_host *h, const char *mount, int *warn, int *crit)
{
	*warn = h ? h->disk_warn : 85;
	*crit = h ? h->disk_crit : 95;
	for (size_t i = 0; h && mount && i < h->nmounts; i++) {
		if (strcmp(h->mounts[i].path, mount) != 0)
			continue;
		if (h->mounts[i].warn >= 0)
			*warn = h->mounts[i].warn;
		if (h->mounts[i].crit >= 0)
			*crit = h->mounts[i].crit;
	}
}
