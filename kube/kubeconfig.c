/* kube/kubeconfig: which files, how they merge, and how flags and a context turn them into
 * one struct kube_conn.  See kubeconfig.h; the rules are kubectl's (client-go clientcmd:
 * loader.go for the file list and merge, client_config.go for overrides). */
#include "kube/kubeconfig_int.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { KC_TOKEN_MAX = 1 << 20 };

static const char kc_sa_dir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

void kubeconfig_env_from_process(struct kube_env *env)
{
	env->kubeconfig = getenv("KUBECONFIG");
	env->home = getenv("HOME");
	env->service_host = getenv("KUBERNETES_SERVICE_HOST");
	env->service_port = getenv("KUBERNETES_SERVICE_PORT");
	env->sa_dir = NULL;
}

static char *kc_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Loads path into m.  A missing file is skipped unless required. */
static bool kc_add_file(struct kc_merged *m, const char *path, bool required, char **err)
{
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return true;        /* KUBECONFIG=a:a reads a once, as kubectl does */
	struct stat st;
	if (stat(path, &st) != 0) {
		if (!required && errno == ENOENT)
			return true;
		*err = xasprintf("kubeconfig %s: %s", path, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		*err = xasprintf("kubeconfig %s: is a directory", path);
		return false;
	}
	struct yaml_doc *doc = yaml_doc_load_file(path, err);
	if (!doc)
		return false;
	m->files = xgrow(m->files, &m->files_cap, m->nfiles + 1, sizeof(*m->files));
	struct kc_file *f = &m->files[m->nfiles++];
	f->path = xstrdup(path);
	f->dir = kc_dirname(path);
	f->doc = doc;
	return kc_parse_file(m, f, err);
}

static bool kc_load_files(struct kc_merged *m, const struct kube_flags *fl,
			  const struct kube_env *env, char **err)
{
	if (fl->kubeconfig && *fl->kubeconfig)
		return kc_add_file(m, fl->kubeconfig, true, err);
	if (env->kubeconfig && *env->kubeconfig) {
		const char *p = env->kubeconfig;
		while (*p) {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			if (n) {
				char *one = xstrndup(p, n);
				bool ok = kc_add_file(m, one, false, err);
				free(one);
				if (!ok)
					return false;
			}
			p += n;
			if (*p == ':')
				p++;
		}
		return true;
	}
	if (!env->home || !*env->home)
		return true;
	char *path = xasprintf("%s/.kube/config", env->home);
	bool ok = kc_add_file(m, path, false, err);
	free(path);
	return ok;
}

static char *kc_sources(const struct kc_merged *m)
{
	size_t len = 1;
	for (size_t i = 0; i < m->nfiles; i++)
		len += strlen(m->files[i].path) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < m->nfiles; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, m->files[i].path);
	}
	return s;
}

static void kc_warn(struct kube_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kc_warn(struct kube_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->warnings = xrealloc(c->warnings, (c->nwarnings + 1) * sizeof(*c->warnings));
	c->warnings[c->nwarnings++] = xstrdup(msg);
}

void kube_conn_free(struct kube_conn *c)
{
	if (!c)
		return;
	free(c->context);
	free(c->cluster);
	free(c->user);
	free(c->server);
	free(c->namespace_);
	free(c->ca_file);
	free(c->ca_data.data);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c->cert_file);
	free(c->cert_data.data);
	free(c->key_file);
	free(c->key_data.data);
	free(c->token);
	free(c->token_file);
	free(c->username);
	free(c->password);
	kc_exec_free(c->exec);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->sources);
	free(c->token_cache);
	free(c);
}

static struct kube_blob kc_blob_dup(struct kube_blob b)
{
	struct kube_blob r = { NULL, 0 };
	if (b.data) {
		r.data = xmalloc(b.len + 1);
		memcpy(r.data, b.data, b.len);
		r.data[b.len] = '\0';
		r.len = b.len;
	}
	return r;
}

/* "a, b, c" of the context names, for the no-context message. */
static char *kc_context_names(const struct kc_merged *m)
{
	size_t len = 1;
	for (size_t i = 0; i < m->ncontexts; i++)
		len += strlen(m->contexts[i].name) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < m->ncontexts; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, m->contexts[i].name);
	}
	return s;
}

static const struct kc_context *kc_context_get(const struct kc_merged *m, const char *name)
{
	for (size_t i = 0; i < m->ncontexts; i++)
		if (strcmp(m->contexts[i].name, name) == 0)
			return &m->contexts[i];
	return NULL;
}

static const struct kc_cluster *kc_cluster_get(const struct kc_merged *m, const char *name)
{
	for (size_t i = 0; i < m->nclusters; i++)
		if (strcmp(m->clusters[i].name, name) == 0)
			return &m->clusters[i];
	return NULL;
}

static const struct kc_user *kc_user_get(const struct kc_merged *m, const char *name)
{
	for (size_t i = 0; i < m->nusers; i++)
		if (strcmp(m->users[i].name, name) == 0)
			return &m->users[i];
	return NULL;
}

/* Checks the server URL and adds a scheme when there is none, as client-go does (https when
 * any TLS setting is present, else http). */
static bool kc_check_server(struct kube_conn *c, const char *where, char **err)
{
	for (const char *p = c->server; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			*err = xasprintf("%s: server URL contains a space or control character", where);
			return false;
		}
	}
	const char *sep = strstr(c->server, "://");
	if (!sep) {
		bool tls = c->ca_file || c->ca_data.data || c->cert_file || c->cert_data.data ||
			   c->insecure;
		char *s = xasprintf("%s://%s", tls ? "https" : "http", c->server);
		free(c->server);
		c->server = s;
		sep = strstr(c->server, "://");
	}
	size_t slen = (size_t)(sep - c->server);
	bool https = slen == 5 && strncasecmp(c->server, "https", 5) == 0;
	bool http = slen == 4 && strncasecmp(c->server, "http", 4) == 0;
	if (!http && !https) {
		*err = xasprintf("%s: server \"%.200s\" is not an http:// or https:// URL", where,
				 c->server);
		return false;
	}
	if (sep[3] == '\0' || sep[3] == '/') {
		*err = xasprintf("%s: server \"%.200s\" has no host", where, c->server);
		return false;
	}
	for (size_t i = 0; i < slen; i++)
		c->server[i] = (char)tolower((unsigned char)c->server[i]);
	return true;
}

/* Namespaces go into URL paths, so only RFC 1123 labels are accepted. */
static bool kc_check_namespace(const char *ns, char **err)
{
	size_t n = strlen(ns);
	bool ok = n > 0 && n <= 63 && ns[0] != '-' && ns[n - 1] != '-';
	for (size_t i = 0; ok && i < n; i++)
		ok = (ns[i] >= 'a' && ns[i] <= 'z') || (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-';
	if (!ok)
		*err = xasprintf("namespace \"%.80s\" is not a valid name (lowercase letters, digits "
				 "and '-', at most 63)", ns);
	return ok;
}

static bool kc_readable(const char *what, const char *path, char **err)
{
	if (access(path, R_OK) == 0)
		return true;
	*err = xasprintf("%s %s: %s", what, path, strerror(errno));
	return false;
}

static bool kc_in_cluster(struct kube_conn *c, const struct kube_env *env, char **err)
{
	const char *dir = env->sa_dir ? env->sa_dir : kc_sa_dir;
	const char *host = env->service_host;
	c->in_cluster = true;
	c->server = xasprintf(strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host,
			      env->service_port);
	c->token_file = xasprintf("%s/token", dir);
	char *ca = xasprintf("%s/ca.crt", dir);
	if (access(ca, R_OK) == 0)
		c->ca_file = ca;
	else
		free(ca);
	char *nsfile = xasprintf("%s/namespace", dir);
	FILE *f = fopen(nsfile, "r");
	free(nsfile);
	if (f) {
		char buf[128];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		while (n && isspace((unsigned char)buf[n - 1]))
			buf[--n] = '\0';
		if (n) {
			free(c->namespace_);
			c->namespace_ = xstrdup(buf);
			c->namespace_set = true;
		}
	}
	(void)err;
	return true;
}

static bool kc_apply_user(struct kube_conn *c, const struct kc_user *u, char **err)
{
	c->user = xstrdup(u->name);
	c->cert_file = xstrdup(u->cert_file);
	c->key_file = xstrdup(u->key_file);
	c->cert_data = kc_blob_dup(u->cert_data);
	c->key_data = kc_blob_dup(u->key_data);
	c->token = xstrdup(u->token);
	c->token_file = xstrdup(u->token_file);
	c->username = xstrdup(u->username);
	c->password = xstrdup(u->password);
	c->exec = kc_exec_dup(u->exec);
	bool basic = u->username || u->password;
	if (basic && (u->token || u->token_file)) {
		*err = xasprintf("%s:%u: user \"%s\": token and username/password are both set; "
				 "only one authentication method is allowed", u->file->path, u->line,
				 u->name);
		return false;
	}
	if (basic && u->exec) {
		*err = xasprintf("%s:%u: user \"%s\": exec and username/password are both set; "
				 "only one authentication method is allowed", u->file->path, u->line,
				 u->name);
		return false;
	}
	if (u->auth_provider && !u->token && !u->token_file && !u->exec && !basic &&
	    !u->cert_file && !u->cert_data.data) {
		*err = xasprintf("%s:%u: user \"%s\": auth-provider \"%.40s\" is not supported (it "
				 "was removed from kubectl); use an exec credential plugin",
				 u->file->path, u->line, u->name, u->auth_provider);
		return false;
	}
	if (u->auth_provider)
		kc_warn(c, "user %s: auth-provider %.40s ignored", u->name, u->auth_provider);
	if (basic)
		kc_warn(c, "user %s uses basic auth (username/password), removed from Kubernetes "
			"in 1.19", u->name);
	if ((c->cert_file || c->cert_data.data) != (c->key_file || c->key_data.data)) {
		*err = xasprintf("%s:%u: user \"%s\": a client certificate needs both "
				 "client-certificate and client-key", u->file->path, u->line, u->name);
		return false;
	}
	return true;
}

static void kc_apply_cluster(struct kube_conn *c, const struct kc_cluster *k)
{
	c->cluster = xstrdup(k->name);
	c->server = xstrdup(k->server);
	c->ca_file = xstrdup(k->ca_file);
	c->ca_data = kc_blob_dup(k->ca_data);
	c->insecure = k->insecure;
	c->tls_server_name = xstrdup(k->tls_server_name);
	c->proxy_url = xstrdup(k->proxy_url);
}

/* Picks context, cluster and user from m per the flags and fills c. */
static bool kc_resolve(struct kube_conn *c, const struct kc_merged *m, const struct kube_flags *fl,
		       const char *srcs, char **err)
{
	const char *in = *srcs ? srcs : "(no kubeconfig file)";
	const char *ctx_name = fl->context && *fl->context ? fl->context : m->current_context;
	const struct kc_context *ctx = NULL;
	if (ctx_name) {
		ctx = kc_context_get(m, ctx_name);
		if (!ctx) {
			if (fl->context && *fl->context) {
				/* Name the choices, as an operator mistyping a context needs them. */
				char *names = kc_context_names(m);
				*err = xasprintf("context \"%.100s\" not found in %s; contexts: %s", ctx_name, in,
						 m->ncontexts ? names : "(none)");
				free(names);
			} else
				*err = xasprintf("%s:%u: current-context \"%.100s\" not found in %s",
						 m->current_file->path, m->current_line, ctx_name, in);
			return false;
		}
		c->context = xstrdup(ctx->name);
	} else if (!fl->server || !*fl->server) {
		char *names = kc_context_names(m);
		if (m->ncontexts)
			*err = xasprintf("no context chosen: set current-context or pass --context; "
					 "contexts: %s", names);
		else if (m->nfiles)
			*err = xasprintf("no context chosen: %s defines no contexts; pass --context "
					 "with a kubeconfig that has one, or --server", in);
		else
			*err = xasprintf("no kubeconfig found: pass --kubeconfig or --server, or set "
					 "KUBECONFIG");
		free(names);
		return false;
	}
	const char *cl_name = fl->cluster && *fl->cluster ? fl->cluster : ctx ? ctx->cluster : NULL;
	if (cl_name && *cl_name) {
		const struct kc_cluster *k = kc_cluster_get(m, cl_name);
		if (!k) {
			if (fl->cluster && *fl->cluster)
				*err = xasprintf("cluster \"%.100s\" (from --cluster) not found in %s",
						 cl_name, in);
			else
				*err = xasprintf("%s:%u: context \"%s\" refers to cluster \"%.100s\", "
						 "which is not defined in %s", ctx->file->path,
						 ctx->line, ctx->name, cl_name, in);
			return false;
		}
		kc_apply_cluster(c, k);
	} else if (ctx && (!fl->server || !*fl->server)) {
		*err = xasprintf("%s:%u: context \"%s\" names no cluster", ctx->file->path, ctx->line,
				 ctx->name);
		return false;
	}
	const char *us_name = fl->user && *fl->user ? fl->user : ctx ? ctx->user : NULL;
	if (us_name && *us_name) {
		const struct kc_user *u = kc_user_get(m, us_name);
		if (!u) {
			if (fl->user && *fl->user)
				*err = xasprintf("user \"%.100s\" (from --user) not found in %s", us_name,
						 in);
			else
				*err = xasprintf("%s:%u: context \"%s\" refers to user \"%.100s\", which "
						 "is not defined in %s", ctx->file->path, ctx->line,
						 ctx->name, us_name, in);
			return false;
		}
		if (!kc_apply_user(c, u, err))
			return false;
	}
	if (ctx && ctx->namespace_ && *ctx->namespace_) {
		free(c->namespace_);
		c->namespace_ = xstrdup(ctx->namespace_);
		c->namespace_set = true;
	}
	return true;
}

/* Flags override what the files said (client_config.go's overrides). */
static void kc_apply_flags(struct kube_conn *c, const struct kube_flags *fl)
{
	if (fl->server && *fl->server) {
		free(c->server);
		c->server = xstrdup(fl->server);
	}
	if (fl->namespace_ && *fl->namespace_) {
		free(c->namespace_);
		c->namespace_ = xstrdup(fl->namespace_);
		c->namespace_set = true;
	}
	/* --insecure-skip-tls-verify or --certificate-authority replace the trust settings as a
	 * whole, so a kubeconfig CA does not clash with --insecure-skip-tls-verify. */
	if (fl->insecure || (fl->ca_file && *fl->ca_file)) {
		free(c->ca_file);
		free(c->ca_data.data);
		c->ca_data.data = NULL;
		c->ca_data.len = 0;
		c->ca_file = fl->ca_file && *fl->ca_file ? xstrdup(fl->ca_file) : NULL;
		c->insecure = fl->insecure;
	}
	if (fl->token && *fl->token) {
		free(c->token);
		free(c->token_file);
		free(c->username);
		free(c->password);
		kc_exec_free(c->exec);
		c->token = xstrdup(fl->token);
		c->token_file = c->username = c->password = NULL;
		c->exec = NULL;
	}
}

static bool kc_validate(struct kube_conn *c, char **err)
{
	char *where = c->cluster ? xasprintf("cluster \"%s\"", c->cluster)
				 : xstrdup(c->in_cluster ? "in-cluster config" : "--server");
	bool ok = true;
	if (!c->server || !*c->server) {
		*err = xasprintf("%s has no server; set clusters[].cluster.server or pass --server",
				 where);
		ok = false;
	}
	if (ok && c->insecure && (c->ca_file || c->ca_data.data)) {
		*err = xasprintf("%s: certificate-authority and insecure-skip-tls-verify are both set; "
				 "choose one", where);
		ok = false;
	}
	ok = ok && kc_check_server(c, where, err) && kc_check_namespace(c->namespace_, err);
	ok = ok && (!c->ca_file || kc_readable("certificate-authority", c->ca_file, err)) &&
	     (!c->cert_file || kc_readable("client-certificate", c->cert_file, err)) &&
	     (!c->key_file || kc_readable("client-key", c->key_file, err));
	if (ok && c->insecure)
		kc_warn(c, "TLS verification is off (insecure-skip-tls-verify) for %s", where);
	free(where);
	return ok;
}

struct kube_conn *kubeconfig_load(const struct kube_flags *fl, const struct kube_env *env,
				  char **err)
{
	struct kc_merged m;
	memset(&m, 0, sizeof(m));
	*err = NULL;
	if (!kc_load_files(&m, fl, env, err)) {
		kc_merged_free(&m);
		return NULL;
	}
	struct kube_conn *c = xcalloc(1, sizeof(*c));
	c->namespace_ = xstrdup("default");
	c->sources = kc_sources(&m);
	bool empty = !m.nclusters && !m.nusers && !m.ncontexts && !m.current_context;
	bool no_names = !(fl->context && *fl->context) && !(fl->cluster && *fl->cluster) &&
			!(fl->user && *fl->user);
	const char *dir = env->sa_dir ? env->sa_dir : kc_sa_dir;
	char *tok = xasprintf("%s/token", dir);
	bool icc = empty && no_names && env->service_host && *env->service_host &&
		   env->service_port && *env->service_port && access(tok, R_OK) == 0;
	free(tok);
	bool ok = icc ? kc_in_cluster(c, env, err) : kc_resolve(c, &m, fl, c->sources, err);
	kc_merged_free(&m);
	if (ok) {
		kc_apply_flags(c, fl);
		ok = kc_validate(c, err);
	}
	if (!ok) {
		kube_conn_free(c);
		return NULL;
	}
	return c;
}

const char *kube_conn_token(struct kube_conn *c, char **err)
{
	*err = NULL;
	if (!c->token_file)
		return c->token;
	struct stat st;
	if (stat(c->token_file, &st) != 0) {
		if (!c->token_cache && !c->token)
			*err = xasprintf("tokenFile %s: %s", c->token_file, strerror(errno));
		return c->token_cache ? c->token_cache : c->token;
	}
	if (c->token_cache && st.st_mtim.tv_sec == c->token_mtime &&
	    st.st_mtim.tv_nsec == c->token_mtime_ns && (long long)st.st_size == c->token_size)
		return c->token_cache;
	FILE *f = fopen(c->token_file, "rb");
	char *buf = xmalloc(KC_TOKEN_MAX + 1);
	size_t n = f ? fread(buf, 1, KC_TOKEN_MAX + 1, f) : 0;
	int e = errno;
	if (f)
		fclose(f);
	const char *problem = !f ? strerror(e) : n > KC_TOKEN_MAX ? "larger than 1 MiB" : NULL;
	if (!problem) {
		buf[n] = '\0';
		while (n && isspace((unsigned char)buf[n - 1]))
			buf[--n] = '\0';
		size_t lead = strspn(buf, " \t\r\n");
		if (!buf[lead] || strlen(buf) != n)
			problem = !buf[lead] ? "empty" : "contains a NUL byte";
		else
			memmove(buf, buf + lead, n - lead + 1);
	}
	if (problem) {
		free(buf);
		if (!c->token_cache && !c->token)
			*err = xasprintf("tokenFile %s: %s", c->token_file, problem);
		return c->token_cache ? c->token_cache : c->token;
	}
	free(c->token_cache);
	c->token_cache = buf;
	c->token_mtime = st.st_mtim.tv_sec;
	c->token_mtime_ns = st.st_mtim.tv_nsec;
	c->token_size = (long long)st.st_size;
	return c->token_cache;
}
