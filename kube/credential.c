/* kube/credential: see credential.h.  posix_spawnp rather than fork: no async-signal-safety
 * traps in the child, and glibc reports a missing command as the spawn's return value. */
#include "kube/credential.h"

#include "core/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct cred_run {
	char *name;             /* base name of the command, for messages */
	char *want;             /* requested apiVersion */
	pid_t pid;
	bool own_group;         /* child leads its own process group */
	int out_fd, err_fd;
	char *out;
	size_t out_len, out_cap;
	char err[CRED_MAX_STDERR + 1];
	size_t err_len;
	long long deadline_ms;
	long timeout_ms;
	bool reaped, timed_out, too_big;
	int status;
};

long long cred_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cred_clear(struct kube_credential *cr)
{
	if (cr->token)
		memset(cr->token, 0, strlen(cr->token));
	if (cr->key_pem)
		memset(cr->key_pem, 0, strlen(cr->key_pem));
	free(cr->token);
	free(cr->cert_pem);
	free(cr->key_pem);
	memset(cr, 0, sizeof(*cr));
}

static char *cred_base64(const char *in, size_t len)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* KUBERNETES_EXEC_INFO: the ExecCredential "request" kubectl hands the plugin. */
static char *cred_exec_info(const struct kube_exec_config *ex, const struct cred_cluster_info *ci,
			    bool interactive)
{
	json_t *spec = json_pack("{s:b}", "interactive", interactive);
	if (ex->provide_cluster_info && ci) {
		json_t *cl = json_object();
		if (ci->server)
			json_object_set_new(cl, "server", json_string(ci->server));
		if (ci->tls_server_name)
			json_object_set_new(cl, "tls-server-name", json_string(ci->tls_server_name));
		if (ci->proxy_url)
			json_object_set_new(cl, "proxy-url", json_string(ci->proxy_url));
		if (ci->insecure)
			json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
		if (ci->ca_data && ci->ca_data->data) {
			char *b = cred_base64(ci->ca_data->data, ci->ca_data->len);
			json_object_set_new(cl, "certificate-authority-data", json_string(b));
			free(b);
		}
		json_object_set_new(spec, "cluster", cl);
	}
	json_t *doc = json_pack("{s:s,s:s,s:o}", "kind", "ExecCredential", "apiVersion",
				ex->api_version, "spec", spec);
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s ? s : xstrdup("{}");
}

static bool cred_env_overridden(const char *entry, const struct kube_exec_config *ex)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	if (n == 20 && strncmp(entry, "KUBERNETES_EXEC_INFO", 20) == 0)
		return true;
	for (size_t i = 0; i < ex->nenv; i++)
		if (strlen(ex->env[i].name) == n && strncmp(entry, ex->env[i].name, n) == 0)
			return true;
	return false;
}

/* The child's environment: ours, minus names the plugin config sets, plus its entries. */
static char **cred_envp(const struct kube_exec_config *ex, const char *info)
{
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	char **envp = xcalloc(n + ex->nenv + 2, sizeof(*envp));
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		if (!cred_env_overridden(*e, ex))
			envp[k++] = xstrdup(*e);
	for (size_t i = 0; i < ex->nenv; i++)
		envp[k++] = xasprintf("%s=%s", ex->env[i].name, ex->env[i].value);
	envp[k++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	envp[k] = NULL;
	return envp;
}

static void cred_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* A close-on-exec pipe (pipe2 is not POSIX; warroom has one thread, so no race here). */
static int cred_pipe(int p[2])
{
	if (pipe(p) != 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static char *cred_name(const char *command)
{
	const char *slash = strrchr(command, '/');
	return xstrdup(slash ? slash + 1 : command);
}

struct cred_run *cred_run_start(const struct kube_exec_config *ex,
				const struct cred_cluster_info *cluster, bool interactive_ok,
				long timeout_ms, long long now_ms, char **err)
{
	*err = NULL;
	char *name = cred_name(ex->command);
	if (ex->interactive == KUBE_EXEC_ALWAYS && !interactive_ok) {
		*err = xasprintf("exec plugin \"%s\": needs a terminal (interactiveMode: Always), "
				 "which warroom cannot give it here; log in with it from a shell "
				 "first", name);
		free(name);
		return NULL;
	}
	bool interactive = interactive_ok && ex->interactive != KUBE_EXEC_NEVER && isatty(0);
	int outp[2], errp[2];
	if (cred_pipe(outp) != 0) {
		*err = xasprintf("exec plugin \"%s\": pipe: %s", name, strerror(errno));
		free(name);
		return NULL;
	}
	if (cred_pipe(errp) != 0) {
		*err = xasprintf("exec plugin \"%s\": pipe: %s", name, strerror(errno));
		close(outp[0]);
		close(outp[1]);
		free(name);
		return NULL;
	}
	char *info = cred_exec_info(ex, cluster, interactive);
	char **envp = cred_envp(ex, info);
	free(info);
	char **argv = xcalloc(ex->nargs + 2, sizeof(*argv));
	argv[0] = ex->command;
	for (size_t i = 0; i < ex->nargs; i++)
		argv[i + 1] = ex->args[i];

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (!interactive)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGCHLD);
	sigaddset(&defaults, SIGWINCH);
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	if (!interactive)
		flags |= POSIX_SPAWN_SETPGROUP;   /* so a timeout kills the plugin's children too */
	posix_spawnattr_setflags(&at, flags);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &defaults);
	posix_spawnattr_setpgroup(&at, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, ex->command, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(argv);
	cred_strv_free(envp);
	close(outp[1]);
	close(errp[1]);
	if (rc != 0) {
		close(outp[0]);
		close(errp[0]);
		if (rc == ENOENT)
			*err = xasprintf("exec plugin \"%s\": command %s not found%s%s%s", name,
					 ex->command, ex->install_hint ? " (" : "",
					 ex->install_hint ? ex->install_hint : "",
					 ex->install_hint ? ")" : "");
		else
			*err = xasprintf("exec plugin \"%s\": cannot run %s: %s", name, ex->command,
					 strerror(rc));
		free(name);
		return NULL;
	}
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	struct cred_run *r = xcalloc(1, sizeof(*r));
	r->name = name;
	r->want = xstrdup(ex->api_version);
	r->pid = pid;
	r->own_group = !interactive;
	r->out_fd = outp[0];
	r->err_fd = errp[0];
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : CRED_DEFAULT_TIMEOUT_MS;
	r->deadline_ms = now_ms + r->timeout_ms;
	return r;
}

pid_t cred_run_pid(const struct cred_run *r)
{
	return r->pid;
}

void cred_run_fds(const struct cred_run *r, int *out_fd, int *err_fd)
{
	*out_fd = r->out_fd;
	*err_fd = r->err_fd;
}

static void cred_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void cred_kill(struct cred_run *r)
{
	if (r->reaped)
		return;
	kill(r->own_group ? -r->pid : r->pid, SIGKILL);
	/* SIGKILL cannot be caught, so this wait is short. */
	while (waitpid(r->pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->reaped = true;
}

/* Reads fd until it would block or ends, at most CRED_DRAIN_BUDGET bytes per call: a
 * plugin (or a child it left behind) writing stderr without pause keeps the pipe full,
 * and an unbounded loop here would hold the event loop (keys, drawing) until the
 * deadline.  What is left is read at the next readiness or check. */
static void cred_drain(struct cred_run *r, int *fd)
{
	char buf[8192];
	for (size_t taken = 0; taken < CRED_DRAIN_BUDGET;) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			cred_close(fd);
			return;
		}
		taken += (size_t)n;
		if (fd == &r->out_fd) {
			if (r->out_len + (size_t)n > CRED_MAX_STDOUT) {
				r->too_big = true;
				cred_kill(r);
				cred_close(&r->out_fd);
				cred_close(&r->err_fd);
				return;
			}
			r->out = xgrow(r->out, &r->out_cap, r->out_len + (size_t)n + 1, 1);
			memcpy(r->out + r->out_len, buf, (size_t)n);
			r->out_len += (size_t)n;
		} else {
			size_t room = CRED_MAX_STDERR - r->err_len;
			size_t take = (size_t)n < room ? (size_t)n : room;
			memcpy(r->err + r->err_len, buf, take);
			r->err_len += take;
		}
	}
}

bool cred_run_check(struct cred_run *r, long long now_ms)
{
	if (!r->reaped) {
		pid_t p = waitpid(r->pid, &r->status, WNOHANG);
		if (p == r->pid)
			r->reaped = true;
	}
	if (!r->reaped && now_ms >= r->deadline_ms) {
		r->timed_out = true;
		cred_kill(r);
		cred_close(&r->out_fd);
		cred_close(&r->err_fd);
	}
	if (!r->reaped)
		return false;
	/* The child is gone: take what is left in the pipes; a grandchild holding them open
	 * must not keep the run alive. */
	if (r->out_fd >= 0)
		cred_drain(r, &r->out_fd);
	if (r->err_fd >= 0)
		cred_drain(r, &r->err_fd);
	cred_close(&r->out_fd);
	cred_close(&r->err_fd);
	return true;
}

bool cred_run_feed(struct cred_run *r, int fd, long long now_ms)
{
	if (fd >= 0 && fd == r->out_fd)
		cred_drain(r, &r->out_fd);
	else if (fd >= 0 && fd == r->err_fd)
		cred_drain(r, &r->err_fd);
	if (r->too_big)
		return true;
	return cred_run_check(r, now_ms);
}

void cred_run_cancel(struct cred_run *r)
{
	if (!r)
		return;
	cred_kill(r);
	cred_close(&r->out_fd);
	cred_close(&r->err_fd);
	if (r->out)
		memset(r->out, 0, r->out_len);
	free(r->out);
	free(r->name);
	free(r->want);
	free(r);
}

/* First line of stderr, printable ASCII only, for the error message. */
static void cred_first_line(const struct cred_run *r, char *out, size_t size)
{
	size_t o = 0;
	size_t i = 0;
	while (i < r->err_len && (r->err[i] == '\n' || r->err[i] == '\r' || r->err[i] == ' '))
		i++;
	for (; i < r->err_len && r->err[i] != '\n' && o + 1 < size && o < 200; i++) {
		unsigned char c = (unsigned char)r->err[i];
		out[o++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? (char)(c == '\t' ? ' ' : c) : '?';
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int cred_run_finish(struct cred_run *r, struct kube_credential *out, char **err)
{
	memset(out, 0, sizeof(*out));
	*err = NULL;
	char line[256];
	cred_first_line(r, line, sizeof(line));
	const char *sep = line[0] ? ": " : "";
	int rc = -1;
	if (r->too_big) {
		*err = xasprintf("exec plugin \"%s\": printed more than %d KiB; refusing", r->name,
				 CRED_MAX_STDOUT >> 10);
	} else if (r->timed_out) {
		*err = xasprintf("exec plugin \"%s\": did not answer within %g s", r->name,
				 (double)r->timeout_ms / 1000.0);
	} else if (!r->reaped) {
		*err = xasprintf("exec plugin \"%s\": still running", r->name);
	} else if (WIFSIGNALED(r->status)) {
		*err = xasprintf("exec plugin \"%s\": killed by signal %d%s%s", r->name,
				 WTERMSIG(r->status), sep, line);
	} else if (WIFEXITED(r->status) && WEXITSTATUS(r->status) != 0) {
		*err = xasprintf("exec plugin \"%s\": exit status %d%s%s", r->name,
				 WEXITSTATUS(r->status), sep, line);
	} else {
		rc = cred_parse(r->name, r->want, r->out ? r->out : "", r->out_len, out, err);
	}
	r->reaped = true;       /* nothing left to kill */
	cred_run_cancel(r);
	return rc;
}

/* RFC 3339 ("2024-05-01T12:00:00Z", "...T12:00:00.123+02:00") to epoch seconds. */
static bool cred_parse_time(const char *s, time_t *out)
{
	int f[6] = { 0 };
	const char *p = s;
	static const char seps[] = "--T::";
	static const int widths[] = { 4, 2, 2, 2, 2, 2 };
	for (int i = 0; i < 6; i++) {
		for (int k = 0; k < widths[i]; k++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			f[i] = f[i] * 10 + (*p - '0');
		}
		if (i < 5) {
			char want = seps[i];
			if (!(*p == want || (want == 'T' && (*p == 't' || *p == ' '))))
				return false;
			p++;
		}
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] == ':' &&
		      p[3] >= '0' && p[3] <= '9' && p[4] >= '0' && p[4] <= '9'))
			return false;
		off = sign * (((p[0] - '0') * 10 + (p[1] - '0')) * 3600L +
			      ((p[3] - '0') * 10 + (p[4] - '0')) * 60L);
		p += 5;
	} else {
		return false;
	}
	if (*p || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 ||
	    f[5] > 60)
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	time_t t = timegm(&tm);
	*out = t - off;
	return true;
}

static bool cred_header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* A field of the plugin's output as it may be quoted in a message: messages are one line
 * that reaches the status line and stderr, so text with controls (newlines, escapes) is
 * not quoted at all (found by tests/fuzz/fuzz_credential). */
static const char *cred_quotable(const char *s)
{
	if (!s)
		return "(missing)";
	return cred_header_safe(s) ? s : "(not printable)";
}

int cred_parse(const char *name, const char *want, const char *text, size_t len,
	       struct kube_credential *out, char **err)
{
	memset(out, 0, sizeof(*out));
	*err = NULL;
	json_error_t je;
	json_t *doc = json_loadb(text, len, 0, &je);
	if (!doc) {
		/* je.text may quote the output (the secret), so only the position is reported. */
		*err = xasprintf("exec plugin \"%s\": printed invalid JSON at byte %d", name,
				 je.position);
		return -1;
	}
	const char *api = json_string_value(json_object_get(doc, "apiVersion"));
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	json_t *st = json_object_get(doc, "status");
	const char *token = json_string_value(json_object_get(st, "token"));
	const char *cert = json_string_value(json_object_get(st, "clientCertificateData"));
	const char *key = json_string_value(json_object_get(st, "clientKeyData"));
	const char *exp = json_string_value(json_object_get(st, "expirationTimestamp"));
	if (token && !*token)
		token = NULL;
	if (cert && !*cert)
		cert = NULL;
	if (key && !*key)
		key = NULL;
	time_t expiry = 0;
	if (!json_is_object(doc))
		*err = xasprintf("exec plugin \"%s\": printed JSON that is not an ExecCredential "
				 "object", name);
	else if (!api || strcmp(api, want) != 0)
		*err = xasprintf("exec plugin \"%s\": apiVersion %.80s does not match the requested "
				 "%s", name, cred_quotable(api), want);
	else if (!kind || strcmp(kind, "ExecCredential") != 0)
		*err = xasprintf("exec plugin \"%s\": kind %.80s is not ExecCredential", name,
				 cred_quotable(kind));
	else if (!json_is_object(st))
		*err = xasprintf("exec plugin \"%s\": printed no status", name);
	else if (!token && !cert)
		*err = xasprintf("exec plugin \"%s\": status has neither token nor "
				 "clientCertificateData", name);
	else if (!!cert != !!key)
		*err = xasprintf("exec plugin \"%s\": status needs both clientCertificateData and "
				 "clientKeyData", name);
	else if (token && (!cred_header_safe(token) ||
			   strlen(token) != json_string_length(json_object_get(st, "token"))))
		*err = xasprintf("exec plugin \"%s\": status.token contains control characters",
				 name);
	else if (json_object_get(st, "expirationTimestamp") && !json_is_null(
			 json_object_get(st, "expirationTimestamp")) &&
		 (!exp || !cred_parse_time(exp, &expiry)))
		*err = xasprintf("exec plugin \"%s\": status.expirationTimestamp is not an RFC 3339 "
				 "time", name);
	if (*err) {
		json_decref(doc);
		return -1;
	}
	out->token = xstrdup(token);
	out->cert_pem = xstrdup(cert);
	out->key_pem = xstrdup(key);
	out->expiry = expiry;
	json_decref(doc);
	return 0;
}

const struct kube_credential *cred_cache_get(const struct cred_cache *c, time_t now)
{
	if (!c->valid)
		return NULL;
	if (c->cred.expiry && now >= c->cred.expiry - CRED_EXPIRY_MARGIN)
		return NULL;
	return &c->cred;
}

void cred_cache_put(struct cred_cache *c, struct kube_credential *cr)
{
	cred_clear(&c->cred);
	c->cred = *cr;
	c->valid = true;
	memset(cr, 0, sizeof(*cr));
}

void cred_cache_invalidate(struct cred_cache *c)
{
	cred_clear(&c->cred);
	c->valid = false;
}

const struct kube_credential *cred_get_blocking(struct cred_cache *c,
						const struct kube_exec_config *ex,
						const struct cred_cluster_info *cluster,
						bool interactive_ok, long timeout_ms, time_t now,
						char **err)
{
	*err = NULL;
	const struct kube_credential *hit = cred_cache_get(c, now);
	if (hit)
		return hit;
	struct cred_run *r = cred_run_start(ex, cluster, interactive_ok, timeout_ms, cred_now_ms(),
					    err);
	if (!r)
		return NULL;
	bool done = false;
	while (!done) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		int ofd, efd;
		cred_run_fds(r, &ofd, &efd);
		if (ofd >= 0)
			pfd[n++] = (struct pollfd){ .fd = ofd, .events = POLLIN };
		if (efd >= 0)
			pfd[n++] = (struct pollfd){ .fd = efd, .events = POLLIN };
		long long left = r->deadline_ms - cred_now_ms();
		int wait_ms = n ? (int)(left > 0 ? (left < 1000 ? left : 1000) : 0) : 10;
		int pr = poll(pfd, n, wait_ms);
		if (pr < 0 && errno != EINTR)
			break;
		for (nfds_t i = 0; pr > 0 && i < n && !done; i++)
			if (pfd[i].revents)
				done = cred_run_feed(r, pfd[i].fd, cred_now_ms());
		if (!done)
			done = cred_run_check(r, cred_now_ms());
	}
	struct kube_credential cr;
	if (!done) {
		*err = xasprintf("exec plugin: poll: %s", strerror(errno));
		cred_run_cancel(r);
		return NULL;
	}
	if (cred_run_finish(r, &cr, err) != 0)
		return NULL;
	cred_cache_put(c, &cr);
	return &c->cred;
}
