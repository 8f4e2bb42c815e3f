/* kube/kubeconfig_parse: one kubeconfig file's YAML tree -> typed cluster/user/context
 * entries, merged first-wins into a struct kc_merged.  Every entry is checked, not just the
 * one in use, because kubectl decodes whole files and a config it rejects should not
 * quietly work here.  Field names follow the kubeconfig v1 schema (clientcmd/api/v1). */
#include "kube/kubeconfig_int.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The readers below return true when the field was read.  On bad input they set the
 * error through yaml_read_fail ("FILE:LINE: what", shared with core/config and
 * core/matrix), which returns -1: `return yaml_read_fail(...) == 0` is their false. */
struct kc_reader {
	struct yaml_reader yr;   /* the file's doc and the caller's error */
	const struct kc_file *file;
};

/* obj[key] as a string: strings as they are, other plain scalars as written (what
 * kubectl's YAML-to-JSON step does for string fields).  Absent or null: *out NULL. */
static bool kc_string(const struct kc_reader *r, const json_t *obj, const char *key,
		      const char *path, char **out)
{
	*out = NULL;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	unsigned line = yaml_read_line(&r->yr, obj, key, 0);
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return yaml_read_fail(&r->yr, line, "%s.%s: contains a NUL byte", path,
					      key) == 0;
		*out = xstrdup(json_string_value(v));
		return true;
	}
	const char *text = yaml_doc_text(r->file->doc, obj, key, 0);
	if (text && !json_is_object(v) && !json_is_array(v)) {
		*out = xstrdup(text);
		return true;
	}
	return yaml_read_fail(&r->yr, line, "%s%s%s: expected a string", path, *path ? "." : "",
			      key) == 0;
}

static bool kc_bool(const struct kc_reader *r, const json_t *obj, const char *key,
		    const char *path, bool *out)
{
	*out = false;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_boolean(v))
		return yaml_read_fail(&r->yr, yaml_read_line(&r->yr, obj, key, 0),
				      "%s.%s: expected true or false", path, key) == 0;
	*out = json_is_true(v);
	return true;
}

/* obj[key] as a map (NULL when absent or null). */
static bool kc_object(const struct kc_reader *r, const json_t *obj, const char *key,
		      const char *path, const json_t **out)
{
	*out = NULL;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_object(v))
		return yaml_read_fail(&r->yr, yaml_read_line(&r->yr, obj, key, 0),
				      "%s%s%s: expected a map", path, *path ? "." : "", key) == 0;
	*out = v;
	return true;
}

static bool kc_array(const struct kc_reader *r, const json_t *obj, const char *key,
		     const char *path, const json_t **out)
{
	*out = NULL;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v))
		return yaml_read_fail(&r->yr, yaml_read_line(&r->yr, obj, key, 0),
				      "%s%s%s: expected a list", path, *path ? "." : "", key) == 0;
	*out = v;
	return true;
}

/* A file path field, resolved against the kubeconfig's directory when relative. */
static bool kc_path(const struct kc_reader *r, const json_t *obj, const char *key,
		    const char *path, char **out)
{
	if (!kc_string(r, obj, key, path, out))
		return false;
	if (*out && **out == '\0') {
		free(*out);
		*out = NULL;
	}
	if (*out && (*out)[0] != '/') {
		char *abs = xasprintf("%s/%s", r->file->dir, *out);
		free(*out);
		*out = abs;
	}
	return true;
}

static bool kc_data(const struct kc_reader *r, const json_t *obj, const char *key,
		    const char *path, struct kube_blob *out)
{
	out->data = NULL;
	out->len = 0;
	char *s;
	if (!kc_string(r, obj, key, path, &s))
		return false;
	if (!s || !*s) {
		free(s);
		return true;
	}
	size_t bad;
	bool ok = kubeconfig_base64_decode(s, strlen(s), out, &bad);
	free(s);
	if (!ok)
		return yaml_read_fail(&r->yr, yaml_read_line(&r->yr, obj, key, 0),
				      "%s.%s: invalid base64 at byte %zu", path, key, bad) == 0;
	return true;
}

static const unsigned char kc_b64[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

bool kubeconfig_base64_decode(const char *in, size_t len, struct kube_blob *out, size_t *bad_at)
{
	char *buf = xmalloc(len / 4 * 3 + 4);
	size_t n = 0, quad = 0, pad = 0;
	unsigned acc = 0;
	*bad_at = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			if (pad > 2 || quad < 2 || quad + pad > 4) {
				*bad_at = i;
				free(buf);
				return false;
			}
			continue;
		}
		if (!kc_b64[c] || pad) {
			*bad_at = i;
			free(buf);
			return false;
		}
		acc = (acc << 6) | (unsigned)(kc_b64[c] - 1);
		if (++quad == 4) {
			buf[n++] = (char)(acc >> 16);
			buf[n++] = (char)(acc >> 8);
			buf[n++] = (char)acc;
			quad = 0;
			acc = 0;
		}
	}
	if (quad == 1 || (pad && quad + pad != 4)) {
		*bad_at = len;
		free(buf);
		return false;
	}
	if (quad == 2) {
		buf[n++] = (char)(acc >> 4);
	} else if (quad == 3) {
		buf[n++] = (char)(acc >> 10);
		buf[n++] = (char)(acc >> 2);
	}
	buf[n] = '\0';
	out->data = buf;
	out->len = n;
	return true;
}

void kc_exec_free(struct kube_exec_config *e)
{
	if (!e)
		return;
	free(e->api_version);
	free(e->command);
	for (size_t i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (size_t i = 0; i < e->nenv; i++) {
		free(e->env[i].name);
		free(e->env[i].value);
	}
	free(e->env);
	free(e->install_hint);
	free(e);
}

struct kube_exec_config *kc_exec_dup(const struct kube_exec_config *e)
{
	if (!e)
		return NULL;
	struct kube_exec_config *d = xcalloc(1, sizeof(*d));
	*d = *e;
	d->api_version = xstrdup(e->api_version);
	d->command = xstrdup(e->command);
	d->install_hint = xstrdup(e->install_hint);
	d->args = xcalloc(e->nargs + 1, sizeof(*d->args));
	for (size_t i = 0; i < e->nargs; i++)
		d->args[i] = xstrdup(e->args[i]);
	d->env = xcalloc(e->nenv + 1, sizeof(*d->env));
	for (size_t i = 0; i < e->nenv; i++) {
		d->env[i].name = xstrdup(e->env[i].name);
		d->env[i].value = xstrdup(e->env[i].value);
	}
	return d;
}

static bool kc_parse_exec(const struct kc_reader *r, const json_t *user, const char *upath,
			  struct kube_exec_config **out)
{
	*out = NULL;
	const json_t *x;
	if (!kc_object(r, user, "exec", upath, &x))
		return false;
	if (!x)
		return true;
	unsigned xline = yaml_read_line(&r->yr, user, "exec", 0);
	char *path = xasprintf("%s.exec", upath);
	struct kube_exec_config *e = xcalloc(1, sizeof(*e));
	char *mode = NULL;
	const json_t *args, *env;
	bool ok = kc_string(r, x, "apiVersion", path, &e->api_version) &&
		  kc_string(r, x, "command", path, &e->command) &&
		  kc_string(r, x, "installHint", path, &e->install_hint) &&
		  kc_string(r, x, "interactiveMode", path, &mode) &&
		  kc_bool(r, x, "provideClusterInfo", path, &e->provide_cluster_info) &&
		  kc_array(r, x, "args", path, &args) && kc_array(r, x, "env", path, &env);
	if (ok && (!e->command || !*e->command))
		ok = yaml_read_fail(&r->yr, xline, "%s.command: missing", path) == 0;
	bool v1 = e->api_version && strcmp(e->api_version, "client.authentication.k8s.io/v1") == 0;
	bool v1beta1 = e->api_version &&
		       strcmp(e->api_version, "client.authentication.k8s.io/v1beta1") == 0;
	if (ok && !v1 && !v1beta1)
		ok = yaml_read_fail(&r->yr,
				    e->api_version ? yaml_read_line(&r->yr, x, "apiVersion", 0) : xline,
				    "%s.apiVersion: \"%.80s\" is not supported (use "
				    "client.authentication.k8s.io/v1 or v1beta1)", path,
				    e->api_version ? e->api_version : "") == 0;
	if (ok) {
		if (!mode || !*mode) {
			if (v1)
				ok = yaml_read_fail(&r->yr, xline, "%s.interactiveMode: must be set "
						    "for client.authentication.k8s.io/v1 (Never, "
						    "IfAvailable or Always)", path) == 0;
			e->interactive = KUBE_EXEC_IF_AVAILABLE;
		} else if (strcmp(mode, "Never") == 0) {
			e->interactive = KUBE_EXEC_NEVER;
		} else if (strcmp(mode, "IfAvailable") == 0) {
			e->interactive = KUBE_EXEC_IF_AVAILABLE;
		} else if (strcmp(mode, "Always") == 0) {
			e->interactive = KUBE_EXEC_ALWAYS;
		} else {
			ok = yaml_read_fail(&r->yr, yaml_read_line(&r->yr, x, "interactiveMode", 0),
					    "%s.interactiveMode: \"%.40s\" is not Never, "
					    "IfAvailable or Always", path, mode) == 0;
		}
	}
	free(mode);
	size_t na = json_array_size(args);
	e->args = xcalloc(na + 1, sizeof(*e->args));
	for (size_t i = 0; ok && i < na; i++) {
		const json_t *a = json_array_get(args, i);
		const char *text = yaml_doc_text(r->file->doc, args, NULL, i);
		if (json_is_string(a) && strlen(json_string_value(a)) == json_string_length(a))
			e->args[e->nargs++] = xstrdup(json_string_value(a));
		else if (text && !json_is_object(a) && !json_is_array(a))
			e->args[e->nargs++] = xstrdup(text);
		else
			ok = yaml_read_fail(&r->yr, yaml_read_line(&r->yr, args, NULL, i),
					    "%s.args[%zu]: expected a string", path, i) == 0;
	}
	size_t ne = json_array_size(env);
	e->env = xcalloc(ne + 1, sizeof(*e->env));
	for (size_t i = 0; ok && i < ne; i++) {
		const json_t *v = json_array_get(env, i);
		char *epath = xasprintf("%s.env[%zu]", path, i);
		struct kube_exec_env *ev = &e->env[e->nenv++];
		if (!json_is_object(v))
			ok = yaml_read_fail(&r->yr, yaml_read_line(&r->yr, env, NULL, i),
					    "%s: expected a map", epath) == 0;
		else
			ok = kc_string(r, v, "name", epath, &ev->name) &&
			     kc_string(r, v, "value", epath, &ev->value);
		if (ok && (!ev->name || !*ev->name || strchr(ev->name, '=')))
			ok = yaml_read_fail(&r->yr, yaml_read_line(&r->yr, env, NULL, i),
					    "%s.name: missing or contains '='", epath) == 0;
		if (ok && !ev->value)
			ev->value = xstrdup("");
		free(epath);
	}
	/* A command with a '/' is a path (relative to the file); otherwise $PATH finds it. */
	if (ok && strchr(e->command, '/') && e->command[0] != '/') {
		char *abs = xasprintf("%s/%s", r->file->dir, e->command);
		free(e->command);
		e->command = abs;
	}
	free(path);
	if (!ok) {
		kc_exec_free(e);
		return false;
	}
	*out = e;
	return true;
}

static void kc_cluster_free(struct kc_cluster *c)
{
	free(c->name);
	free(c->server);
	free(c->ca_file);
	free(c->ca_data.data);
	free(c->tls_server_name);
	free(c->proxy_url);
}

static void kc_user_free(struct kc_user *u)
{
	free(u->name);
	free(u->cert_file);
	free(u->key_file);
	free(u->cert_data.data);
	free(u->key_data.data);
	free(u->token);
	free(u->token_file);
	free(u->username);
	free(u->password);
	kc_exec_free(u->exec);
	free(u->auth_provider);
}

static void kc_context_free(struct kc_context *c)
{
	free(c->name);
	free(c->cluster);
	free(c->user);
	free(c->namespace_);
}

void kc_merged_free(struct kc_merged *m)
{
	for (size_t i = 0; i < m->nclusters; i++)
		kc_cluster_free(&m->clusters[i]);
	for (size_t i = 0; i < m->nusers; i++)
		kc_user_free(&m->users[i]);
	for (size_t i = 0; i < m->ncontexts; i++)
		kc_context_free(&m->contexts[i]);
	free(m->clusters);
	free(m->users);
	free(m->contexts);
	for (size_t i = 0; i < m->nfiles; i++) {
		free(m->files[i].path);
		free(m->files[i].dir);
		yaml_doc_free(m->files[i].doc);
	}
	free(m->files);
	free(m->current_context);
	memset(m, 0, sizeof(*m));
}

static bool kc_parse_cluster(const struct kc_reader *r, const json_t *body, const char *path,
			     struct kc_cluster *c)
{
	return kc_string(r, body, "server", path, &c->server) &&
	       kc_path(r, body, "certificate-authority", path, &c->ca_file) &&
	       kc_data(r, body, "certificate-authority-data", path, &c->ca_data) &&
	       kc_bool(r, body, "insecure-skip-tls-verify", path, &c->insecure) &&
	       kc_string(r, body, "tls-server-name", path, &c->tls_server_name) &&
	       kc_string(r, body, "proxy-url", path, &c->proxy_url);
}

static bool kc_parse_user(const struct kc_reader *r, const json_t *body, const char *path,
			  struct kc_user *u)
{
	const json_t *ap;
	bool ok = kc_path(r, body, "client-certificate", path, &u->cert_file) &&
		  kc_data(r, body, "client-certificate-data", path, &u->cert_data) &&
		  kc_path(r, body, "client-key", path, &u->key_file) &&
		  kc_data(r, body, "client-key-data", path, &u->key_data) &&
		  kc_string(r, body, "token", path, &u->token) &&
		  kc_path(r, body, "tokenFile", path, &u->token_file) &&
		  kc_string(r, body, "username", path, &u->username) &&
		  kc_string(r, body, "password", path, &u->password) &&
		  kc_parse_exec(r, body, path, &u->exec) &&
		  kc_object(r, body, "auth-provider", path, &ap);
	if (ok && ap) {
		char *ppath = xasprintf("%s.auth-provider", path);
		ok = kc_string(r, ap, "name", ppath, &u->auth_provider);
		if (ok && !u->auth_provider)
			u->auth_provider = xstrdup("?");
		free(ppath);
	}
	return ok;
}

static bool kc_parse_context(const struct kc_reader *r, const json_t *body, const char *path,
			     struct kc_context *c)
{
	return kc_string(r, body, "cluster", path, &c->cluster) &&
	       kc_string(r, body, "user", path, &c->user) &&
	       kc_string(r, body, "namespace", path, &c->namespace_);
}

enum kc_kind { KC_CLUSTERS, KC_USERS, KC_CONTEXTS };

static const char *const kc_list_key[] = { "clusters", "users", "contexts" };
static const char *const kc_body_key[] = { "cluster", "user", "context" };

/* The index of name among the entries of kind in m, or (size_t)-1. */
static size_t kc_find(const struct kc_merged *m, enum kc_kind kind, const char *name)
{
	size_t n = kind == KC_CLUSTERS ? m->nclusters : kind == KC_USERS ? m->nusers : m->ncontexts;
	for (size_t i = 0; i < n; i++) {
		const char *en = kind == KC_CLUSTERS ? m->clusters[i].name
				 : kind == KC_USERS ? m->users[i].name : m->contexts[i].name;
		if (strcmp(en, name) == 0)
			return i;
	}
	return (size_t)-1;
}

/* Parses entry i of the list of kind and appends it to m unless an earlier file named it. */
static bool kc_parse_entry(struct kc_merged *m, const struct kc_reader *r, enum kc_kind kind,
			   const json_t *list, size_t i, size_t first_of_file)
{
	const json_t *item = json_array_get(list, i);
	unsigned line = yaml_read_line(&r->yr, list, NULL, i);
	char *path = xasprintf("%s[%zu]", kc_list_key[kind], i);
	char *name = NULL;
	const json_t *body = NULL;
	bool ok;
	if (!json_is_object(item))
		ok = yaml_read_fail(&r->yr, line, "%s: expected a map with name and %s", path,
				    kc_body_key[kind]) == 0;
	else
		ok = kc_string(r, item, "name", path, &name) &&
		     kc_object(r, item, kc_body_key[kind], path, &body);
	if (ok && (!name || !*name))
		ok = yaml_read_fail(&r->yr, line, "%s.name: missing", path) == 0;
	if (!ok) {
		free(path);
		free(name);
		return false;
	}
	char *bpath = xasprintf("%s.%s", path, kc_body_key[kind]);
	json_t *empty = json_object();
	if (!body)
		body = empty;
	struct kc_cluster c = { 0 };
	struct kc_user u = { 0 };
	struct kc_context x = { 0 };
	ok = kind == KC_CLUSTERS ? kc_parse_cluster(r, body, bpath, &c)
	     : kind == KC_USERS ? kc_parse_user(r, body, bpath, &u)
	     : kc_parse_context(r, body, bpath, &x);
	json_decref(empty);
	free(bpath);
	size_t at = ok ? kc_find(m, kind, name) : (size_t)-1;
	if (ok && at != (size_t)-1 && at >= first_of_file) {
		ok = yaml_read_fail(&r->yr, line, "%s: %s \"%.80s\" is defined twice in this file",
				    path, kc_body_key[kind], name) == 0;
	} else if (ok && at == (size_t)-1) {
		/* first definition wins: later files' entries of the same name are dropped */
		if (kind == KC_CLUSTERS) {
			m->clusters = xgrow(m->clusters, &m->clusters_cap, m->nclusters + 1,
					    sizeof(*m->clusters));
			c.name = name, c.file = r->file, c.line = line;
			m->clusters[m->nclusters++] = c;
		} else if (kind == KC_USERS) {
			m->users = xgrow(m->users, &m->users_cap, m->nusers + 1, sizeof(*m->users));
			u.name = name, u.file = r->file, u.line = line;
			m->users[m->nusers++] = u;
		} else {
			m->contexts = xgrow(m->contexts, &m->contexts_cap, m->ncontexts + 1,
					    sizeof(*m->contexts));
			x.name = name, x.file = r->file, x.line = line;
			m->contexts[m->ncontexts++] = x;
		}
		name = NULL;
		memset(&c, 0, sizeof(c));
		memset(&u, 0, sizeof(u));
		memset(&x, 0, sizeof(x));
	}
	kc_cluster_free(&c);
	kc_user_free(&u);
	kc_context_free(&x);
	free(name);
	free(path);
	return ok;
}

bool kc_parse_file(struct kc_merged *m, const struct kc_file *f, char **err)
{
	struct kc_reader r = { { f->doc, err }, f };
	const json_t *root = yaml_doc_root(f->doc);
	if (json_is_null(root))
		return true;
	if (!json_is_object(root))
		return yaml_read_fail(&r.yr, yaml_doc_mark(f->doc, NULL, NULL, 0).line, "expected a "
				      "kubeconfig map (apiVersion, clusters, users, contexts)") == 0;
	const json_t *lists[3];
	for (int k = KC_CLUSTERS; k <= KC_CONTEXTS; k++)
		if (!kc_array(&r, root, kc_list_key[k], "", &lists[k]))
			return false;
	size_t firsts[3] = { m->nclusters, m->nusers, m->ncontexts };
	for (int k = KC_CLUSTERS; k <= KC_CONTEXTS; k++)
		for (size_t i = 0; i < json_array_size(lists[k]); i++)
			if (!kc_parse_entry(m, &r, (enum kc_kind)k, lists[k], i, firsts[k]))
				return false;
	char *cur;
	if (!kc_string(&r, root, "current-context", "", &cur))
		return false;
	if (cur && *cur && !m->current_context) {
		m->current_context = cur;
		m->current_file = f;
		m->current_line = yaml_read_line(&r.yr, root, "current-context", 0);
	} else {
		free(cur);
	}
	return true;
}
