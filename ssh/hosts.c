/* ssh/hosts: concurrent host polling (see hosts.h).  One entry per configured host; a poll
 * is one ssh/session (the checks) plus one ssh/probe per configured probe, all in flight
 * at once; the poll completes when the last of them called back. */
#include "ssh/hosts.h"

#include "core/xalloc.h"
#include "ssh/jump.h"
#include "ssh/pm2_rpc.h"
#include "ssh/ssh_config.h"
#include "tui/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The pm2 check asks pm2's daemon over its RPC socket through a direct-streamlocal
 * channel (ssh/pm2_rpc): no node process starts on the host.  The socket's directory
 * (PM2_HOME) is asked once per host with a cheap shell command; `pm2 jlist` runs on the
 * same connection instead when the RPC fails, and for that host's next polls until the
 * RPC is tried again (pm2_rpc_retry_delay_ms: a wait that doubles while it keeps failing;
 * the next poll at once when the channel was refused and `pm2 jlist` then answered, see
 * hosts_pm2_cli_answered). */
enum check_cmd { CMD_DF, CMD_PM2, CMD_PM2_HOME, CMD_PM2_RPC, CMD_UPTIME, CMD_FREE, CMD_N };

static const char *const hosts_cmd_text[CMD_N] = {
	[CMD_DF] = "LC_ALL=C df -P",
	[CMD_PM2] = "pm2 jlist",
	/* pm2's own rule (PM2_HOME, else ~/.pm2); sh -c: the login shell may not be sh. */
	[CMD_PM2_HOME] = "sh -c 'printf \"%s\\n\" \"${PM2_HOME:-$HOME/.pm2}\"'",
	[CMD_PM2_RPC] = "",
	[CMD_UPTIME] = "LC_ALL=C uptime",
	[CMD_FREE] = "LC_ALL=C free -b",
};
static const char *const hosts_cmd_name[CMD_N] = {
	[CMD_DF] = "df", [CMD_PM2] = "pm2", [CMD_PM2_HOME] = "pm2", [CMD_PM2_RPC] = "pm2",
	[CMD_UPTIME] = "uptime", [CMD_FREE] = "free",
};

struct host_entry {
	struct hosts *owner;
	size_t index;
	struct host_status st;
	char **identities;
	size_t nidentities;
	char *setup_error;       /* ~/.ssh/config problem or unsupported setting */
	struct ssh_target *jump; /* ProxyJump hops (ssh/jump), NULL: direct */
	enum check_cmd cmds[CMD_N];
	size_t ncmds;
	struct ssh_session *sess;
	struct probe **probes;
	size_t pending;          /* session + probes still running */
	long long kick_timer;    /* 0 ms timer used when a poll cannot start */
	char *passphrase;        /* typed at a prompt; wiped when replaced or freed */
	char *password;
	/* pm2 over RPC: */
	char *pm2_sock;          /* the daemon's rpc.sock on the host, NULL: not known yet */
	bool pm2_cli;            /* the RPC failed: `pm2 jlist` until pm2_retry_at */
	unsigned pm2_failures;   /* RPC failures in a row (0 once it answers) */
	long long pm2_retry_at;  /* loop_now_ms() from which the next poll tries the RPC */
	bool pm2_refused;        /* this poll: sshd refused the channel to the socket */
	long long poll_start_ms; /* when this poll was planned */
	char pm2_note[256];      /* why the RPC failed (sanitised), shown in the host's notes */
	char *rpc_id;            /* this poll's request id */
	struct pm2_list rpc_list; /* this poll's reply, parsed in the between callback */
	bool rpc_ok;
};

struct hosts {
	struct loop *loop;
	const struct config *cfg;
	char *known_hosts;
	char *agent_socket;
	struct host_entry *v;
	size_t n;
	hosts_notify_fn notify;
	void *notify_ud;
	long long interval_timer;
	long long pm2_retry_ms;  /* pm2_rpc_retry_period_ms: the first wait after a failure */
};

static void hosts_addf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hosts_addf(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	if (n + 1 >= cap)
		return;
	if (n)
		n += (size_t)snprintf(buf + n, cap - n, "; ");
	if (n + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

/* Effective settings: config file, then ~/.ssh/config, then defaults. */
static void hosts_setup(struct hosts *h, struct host_entry *e, const struct hosts_opts *o)
{
	const struct config_host *c = e->st.cfg;
	const char *home = o && o->home ? o->home : getenv("HOME");
	const char *user = o && o->local_user ? o->local_user : getenv("USER");
	if (!user || !*user)
		user = "root";
	const char *alias = c->address ? c->address : c->name;
	char *scpath = o && o->ssh_config ? xstrdup(o->ssh_config) :
		       xasprintf("%s/.ssh/config", home ? home : "");
	struct ssh_host_config sc;
	char err[512];
	if (ssh_config_load(scpath, alias, home, user, &sc, err, sizeof(err)) < 0) {
		e->setup_error = xstrdup(err);
		memset(&sc, 0, sizeof(sc));
	}
	e->st.address = xstrdup(sc.hostname ? sc.hostname : alias);
	e->st.port = c->port ? c->port : sc.port ? sc.port : 22;
	e->st.user = xstrdup(c->user ? c->user : sc.user ? sc.user : user);
	const char *jump = c->jump ? c->jump : sc.proxy_jump;
	if (jump && strcmp(jump, "none") != 0) {
		e->st.jump = xstrdup(jump);
		struct jump_opts jo = {
			.cfg = h->cfg, .ssh_config = scpath, .home = home, .local_user = user,
			.known_hosts = h->known_hosts, .agent_socket = h->agent_socket,
			.timeout_ms = (h->cfg->timeout_s > 0 ? h->cfg->timeout_s : CONFIG_DEFAULT_TIMEOUT) * 1000,
		};
		e->jump = jump_resolve(jump, &jo, err, sizeof(err));
		if (!e->jump && !e->setup_error)
			e->setup_error = xstrdup(err);
	}
	free(scpath);
	if (c->identity) {
		e->identities = xcalloc(1, sizeof(char *));
		e->identities[e->nidentities++] = config_expand_path(c->identity, home);
	} else if (sc.nidentity) {
		e->identities = xcalloc(sc.nidentity, sizeof(char *));
		for (size_t i = 0; i < sc.nidentity; i++)
			if (strcmp(sc.identity_files[i], "none") != 0)
				e->identities[e->nidentities++] = xstrdup(sc.identity_files[i]);
	} else {
		static const char *const defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
		e->identities = xcalloc(3, sizeof(char *));
		for (size_t i = 0; i < 3 && home; i++) {
			char *p = xasprintf("%s/.ssh/%s", home, defaults[i]);
			if (access(p, R_OK) == 0)
				e->identities[e->nidentities++] = p;
			else
				free(p);
		}
	}
	ssh_host_config_free(&sc);
	e->st.nprobes = c->nprobes;
	e->st.probes = xcalloc(c->nprobes + 1, sizeof(*e->st.probes));
	e->probes = xcalloc(c->nprobes + 1, sizeof(*e->probes));
	for (size_t i = 0; i < c->nprobes; i++) {
		e->st.probes[i].cfg = &c->probes[i];
		e->st.probes[i].result = PROBE_PENDING;
	}
	e->st.fail = SSH_OK;
	snprintf(e->st.message, sizeof(e->st.message), "not polled yet");
}

struct hosts *hosts_new(struct loop *loop, const struct config *cfg, const struct hosts_opts *opts)
{
	struct hosts *h = xcalloc(1, sizeof(*h));
	h->loop = loop;
	h->cfg = cfg;
	const char *home = opts && opts->home ? opts->home : NULL;
	h->known_hosts = config_expand_path(cfg->known_hosts ? cfg->known_hosts : "~/.ssh/known_hosts",
					    home);
	h->agent_socket = xstrdup(opts ? opts->agent_socket : NULL);
	h->pm2_retry_ms = pm2_rpc_retry_period_ms(getenv("WARROOM_PM2_RPC_RETRY"));
	h->n = cfg->nhosts;
	h->v = xcalloc(h->n + 1, sizeof(*h->v));
	for (size_t i = 0; i < h->n; i++) {
		h->v[i].owner = h;
		h->v[i].index = i;
		h->v[i].st.cfg = &cfg->hosts[i];
		hosts_setup(h, &h->v[i], opts);
	}
	return h;
}

static void hosts_wipe(char **secret)
{
	if (!*secret)
		return;
	volatile char *p = *secret;
	while (*p)
		*p++ = '\0';
	free(*secret);
	*secret = NULL;
}

static void hosts_clear_data(struct host_status *st)
{
	checks_free_df(&st->df);
	free(st->disk);
	st->disk = NULL;
	checks_free_pm2(&st->pm2);
	free(st->pm2_flags);
	st->pm2_flags = NULL;
	for (size_t i = 0; i < st->nmissing; i++)
		free(st->missing[i]);
	free(st->missing);
	st->missing = NULL;
	st->nmissing = 0;
	for (size_t i = 0; i < st->nduplicated; i++)
		free(st->duplicated[i]);
	free(st->duplicated);
	st->duplicated = NULL;
	st->nduplicated = 0;
	st->have_df = st->have_pm2 = st->have_load = false;
	memset(&st->load, 0, sizeof(st->load));
}

void hosts_free(struct hosts *h)
{
	if (!h)
		return;
	if (h->interval_timer)
		loop_cancel_timer(h->loop, h->interval_timer);
	for (size_t i = 0; i < h->n; i++) {
		struct host_entry *e = &h->v[i];
		ssh_session_free(e->sess);
		for (size_t k = 0; k < e->st.nprobes; k++)
			probe_free(e->probes[k]);
		if (e->kick_timer)
			loop_cancel_timer(h->loop, e->kick_timer);
		free(e->probes);
		hosts_clear_data(&e->st);
		free(e->st.probes);
		free(e->st.address);
		free(e->st.user);
		free(e->st.jump);
		for (size_t k = 0; k < e->nidentities; k++)
			free(e->identities[k]);
		free(e->identities);
		free(e->setup_error);
		jump_target_free(e->jump);
		free(e->st.hostkey);
		hosts_wipe(&e->passphrase);
		hosts_wipe(&e->password);
		free(e->pm2_sock);
		free(e->rpc_id);
		checks_free_pm2(&e->rpc_list);
	}
	free(h->v);
	free(h->known_hosts);
	free(h->agent_socket);
	free(h);
}

void hosts_set_notify(struct hosts *h, hosts_notify_fn fn, void *ud)
{
	h->notify = fn;
	h->notify_ud = ud;
}

void hosts_flag_pm2(struct host_status *st, const struct pm2_list *prev,
		    const struct host_pm2_flags *prev_flags)
{
	st->pm2_flags = xcalloc(st->pm2.n + 1, sizeof(*st->pm2_flags));
	for (size_t i = 0; i < st->pm2.n; i++) {
		const struct pm2_proc *p = &st->pm2.v[i];
		struct host_pm2_flags *f = &st->pm2_flags[i];
		f->restarts_before = -1;
		f->restarts_first = p->restarts;
		f->restarts_high = p->restarts >= HOSTS_RESTARTS_HIGH;
		for (size_t k = 0; prev && k < prev->n; k++) {
			if (prev->v[k].pm_id == p->pm_id && strcmp(prev->v[k].name, p->name) == 0) {
				f->restarts_before = prev->v[k].restarts;
				f->restarts_rising = p->restarts > prev->v[k].restarts;
				f->restarts_first = prev_flags ? prev_flags[k].restarts_first : prev->v[k].restarts;
			}
		}
	}
	const struct config_host *c = st->cfg;
	st->missing = xcalloc(c->nexpect + 1, sizeof(char *));
	st->duplicated = xcalloc(c->nexpect + 1, sizeof(char *));
	for (size_t k = 0; k < c->nexpect; k++) {
		size_t online = 0;
		for (size_t i = 0; i < st->pm2.n; i++)
			if (strcmp(st->pm2.v[i].name, c->expect_pm2[k]) == 0 &&
			    strcmp(st->pm2.v[i].status, "online") == 0)
				online++;
		if (online == 0)
			st->missing[st->nmissing++] = xstrdup(c->expect_pm2[k]);
		else if (online > 1)
			st->duplicated[st->nduplicated++] = xstrdup(c->expect_pm2[k]);
	}
}

static bool hosts_cmd_failed(struct host_status *st, enum check_cmd k, const struct ssh_result *r,
			     const char *parse_err)
{
	if (r->exit_status == 0 && !parse_err)
		return false;
	char msg[200] = "";
	if (r->err && r->errlen) {
		/* The first line of the remote stderr, sanitised: it reaches the status line,
		 * the timeline and the batch report. */
		const char *nl = memchr(r->err, '\n', r->errlen);
		size_t n = nl ? (size_t)(nl - r->err) : r->errlen;
		text_sanitize(r->err, n, msg, sizeof(msg));
	}
	if (parse_err)
		hosts_addf(st->check_errors, sizeof(st->check_errors), "%s: exit %d: %s%s%s",
			   hosts_cmd_name[k], r->exit_status, parse_err, *msg ? ": " : "", msg);
	else
		hosts_addf(st->check_errors, sizeof(st->check_errors), "%s: exit %d%s%s",
			   hosts_cmd_name[k], r->exit_status, *msg ? ": " : "", msg);
	return parse_err != NULL;
}

/* Remote names (mounts, filesystems, pm2 processes and states) enter the model sanitised
 * (tui/text): every consumer (hosts pane, timeline and its export, wall, audit, batch)
 * then holds printable text, not only the ones that remember to sanitise on output.
 * Ordinary names are unchanged, so config matches (expect_pm2, per-mount limits) still
 * work; sanitising is idempotent, so later output sanitising changes nothing. */
static void hosts_make_safe(char **s)
{
	if (!*s)
		return;
	size_t len = strlen(*s);
	size_t cap = len * 3 + 1; /* worst case: every byte becomes U+FFFD */
	char *safe = xmalloc(cap);
	text_sanitize(*s, len, safe, cap);
	free(*s);
	*s = safe;
}

static void hosts_make_tables_safe(struct host_status *st)
{
	for (size_t i = 0; i < st->df.n; i++) {
		hosts_make_safe(&st->df.v[i].fs);
		hosts_make_safe(&st->df.v[i].mount);
	}
	for (size_t i = 0; i < st->pm2.n; i++) {
		hosts_make_safe(&st->pm2.v[i].name);
		hosts_make_safe(&st->pm2.v[i].status);
	}
}

/* The pm2 RPC failed on this host: `pm2 jlist` runs (this poll, on the same connection,
 * and the next ones) until the retry time, and the host's notes say why (the reason
 * sanitised: it may quote the server).  The wait counts from the poll's start, so a
 * period equal to the poll interval means every other poll, not every third. */
static void hosts_pm2_fallback(struct host_entry *e, const char *why)
{
	text_sanitize(why, strlen(why), e->pm2_note, sizeof(e->pm2_note));
	e->pm2_cli = true;
	e->pm2_failures++;
	e->pm2_retry_at = e->poll_start_ms + pm2_rpc_retry_delay_ms(e->pm2_failures,
								    e->owner->pm2_retry_ms);
}

/* `pm2 jlist` answered in a poll whose RPC channel was refused.  The usual cause is that
 * no daemon ran (its socket was missing), and the CLI starts one: the next poll asks it
 * over RPC.  Only once in a row: a refusal that stays (AllowStreamLocalForwarding no)
 * then waits like any other failure, so it costs one extra channel, not one a poll. */
static void hosts_pm2_cli_answered(struct host_entry *e)
{
	if (e->pm2_refused && e->pm2_failures == 1)
		e->pm2_retry_at = 0;
}

/* "RPC tried again in 5 min" for the host's note (before the reason, which is long and
 * may be cut on a narrow pane). */
static void hosts_pm2_next_try(const struct host_entry *e, char *out, size_t cap)
{
	long long s = (e->pm2_retry_at - loop_now_ms() + 999) / 1000;
	if (s <= 0)
		snprintf(out, cap, "RPC tried again at the next poll");
	else if (s < 120)
		snprintf(out, cap, "RPC tried again in %lld s", s);
	else
		snprintf(out, cap, "RPC tried again in %lld min", (s + 59) / 60);
}

/* Takes the session's results into the status (session succeeded). */
static void hosts_take_results(struct host_entry *e)
{
	struct host_status *st = &e->st;
	struct pm2_list prev = st->pm2;
	struct host_pm2_flags *prev_flags = st->pm2_flags;  /* one per prev row, or NULL */
	st->pm2.v = NULL;
	st->pm2.n = 0;
	st->pm2_flags = NULL;
	hosts_clear_data(st);
	st->check_errors[0] = '\0';
	bool failed = false;
	char err[256];
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct ssh_result *r = ssh_session_result(e->sess, i);
		/* The RPC's steps were judged as they ended (hosts_on_between): a reply is
		 * the pm2 table, and `pm2 jlist` did not run. */
		if (e->cmds[i] == CMD_PM2_HOME || (e->cmds[i] == CMD_PM2 && e->rpc_ok))
			continue;
		if (e->cmds[i] == CMD_PM2_RPC) {
			if (e->rpc_ok) {
				st->pm2 = e->rpc_list;
				e->rpc_list = (struct pm2_list){ 0 };
				st->have_pm2 = true;
			}
			continue;
		}
		const char *out = r->out ? r->out : "";
		int rc = -1;
		err[0] = '\0';
		if (r->truncated) {
			/* A check that prints megabytes is broken or hostile: its cut output
			 * would only parse into a partial (misleading) table. */
			hosts_addf(st->check_errors, sizeof(st->check_errors),
				   "%s: printed more than %d MiB (stopped reading; not parsed)",
				   hosts_cmd_name[e->cmds[i]], SSH_MAX_OUTPUT >> 20);
			failed = true;
			continue;
		}
		switch (e->cmds[i]) {
		case CMD_DF:
			rc = checks_parse_df(out, r->outlen, &st->df, err, sizeof(err));
			st->have_df = rc == 0;
			break;
		case CMD_PM2:
			rc = checks_parse_pm2(out, r->outlen, &st->pm2, err, sizeof(err));
			st->have_pm2 = rc == 0;
			if (rc == 0 && r->exit_status == 0)
				hosts_pm2_cli_answered(e);
			break;
		case CMD_UPTIME:
			rc = checks_parse_uptime(out, r->outlen, &st->load, err, sizeof(err));
			break;
		case CMD_FREE:
			rc = checks_parse_free(out, r->outlen, &st->load, err, sizeof(err));
			break;
		case CMD_PM2_HOME:
		case CMD_PM2_RPC:
		case CMD_N:
			break;
		}
		failed |= hosts_cmd_failed(st, e->cmds[i], r, rc < 0 ? err : NULL);
	}
	if (e->pm2_cli) {
		char when[64];
		hosts_pm2_next_try(e, when, sizeof(when));
		hosts_addf(st->check_errors, sizeof(st->check_errors),
			   "pm2: read with 'pm2 jlist', %s (RPC: %s)", when, e->pm2_note);
	}
	st->have_load = st->load.has_load || st->load.has_mem;
	hosts_make_tables_safe(st);
	if (st->have_df) {
		st->disk = xcalloc(st->df.n + 1, sizeof(*st->disk));
		for (size_t i = 0; i < st->df.n; i++) {
			int warn, crit;
			config_disk_limits(st->cfg, st->df.v[i].mount, &warn, &crit);
			int u = st->df.v[i].use_pct;
			st->disk[i] = u >= crit ? DISK_CRIT : u >= warn ? DISK_WARN : DISK_OK;
		}
	}
	if (st->have_pm2)
		hosts_flag_pm2(st, &prev, prev_flags);
	checks_free_pm2(&prev);
	free(prev_flags);
	st->fail = failed ? SSH_FAIL_COMMAND : SSH_OK;
	snprintf(st->message, sizeof(st->message), "%s", failed ? st->check_errors : "ok");
}

static void hosts_complete(struct host_entry *e)
{
	if (e->pending > 0)
		return;
	e->st.busy = false;
	e->st.polled = true;
	e->st.polled_at_ms = loop_now_ms();
	e->st.polls++;
	if (e->owner->notify)
		e->owner->notify(e->owner->notify_ud, e->index);
}

static void hosts_on_session(struct ssh_session *s, void *ud)
{
	struct host_entry *e = ud;
	struct host_status *st = &e->st;
	st->elapsed_ms = ssh_session_elapsed_ms(s);
	snprintf(st->fingerprint, sizeof(st->fingerprint), "%s", ssh_session_fingerprint(s));
	snprintf(st->key_type, sizeof(st->key_type), "%s", ssh_session_key_type(s));
	free(st->hostkey);
	st->hostkey = NULL;
	size_t klen = 0;
	int ktype = 0;
	const char *key = ssh_session_hostkey(s, &klen, &ktype);
	if (key && klen) {
		st->hostkey = xmalloc(klen);
		memcpy(st->hostkey, key, klen);
		st->hostkey_len = klen;
		st->hostkey_type = ktype;
	}
	const char *locked = ssh_session_locked_identity(s);
	snprintf(st->locked_identity, sizeof(st->locked_identity), "%s", locked ? locked : "");
	st->password_possible = ssh_session_password_possible(s);
	if (ssh_session_fail(s) == SSH_OK) {
		hosts_take_results(e);
	} else {
		/* Stale data is dropped: a host that cannot be reached shows no green rows. */
		hosts_clear_data(st);
		st->fail = ssh_session_fail(s);
		/* A daemon that accepts and never answers costs the whole poll (the phase's
		 * deadline): the next polls use `pm2 jlist` rather than hang on it again. */
		size_t k = ssh_session_cmd_index(s);
		if (st->fail == SSH_FAIL_TIMEOUT && k < e->ncmds && e->cmds[k] == CMD_PM2_RPC)
			hosts_pm2_fallback(e, "the daemon did not answer in time");
		/* May quote the server (libssh2 errors, disconnect reasons): sanitised. */
		const char *m = ssh_session_message(s);
		text_sanitize(m, strlen(m), st->message, sizeof(st->message));
	}
	ssh_session_free(s);
	e->sess = NULL;
	checks_free_pm2(&e->rpc_list);
	e->rpc_ok = false;
	e->pending--;
	hosts_complete(e);
}

static void hosts_on_probe(struct probe *p, void *ud)
{
	struct host_entry *e = ud;
	for (size_t i = 0; i < e->st.nprobes; i++) {
		if (e->probes[i] != p)
			continue;
		struct host_probe_status *ps = &e->st.probes[i];
		ps->result = probe_get_result(p);
		ps->elapsed_ms = probe_elapsed_ms(p);
		snprintf(ps->message, sizeof(ps->message), "%s", probe_message(p));
		probe_free(p);
		e->probes[i] = NULL;
	}
	e->pending--;
	hosts_complete(e);
}

/* The socket path from PM2_HOME as the host printed it: one line, absolute, printable, no
 * longer than a unix socket path may be.  NULL, with why, otherwise. */
static char *hosts_pm2_sock(const struct ssh_result *r, char *why, size_t cap)
{
	size_t n = r->out ? strcspn(r->out, "\n") : 0;
	if (r->exit_status != 0 || n == 0) {
		snprintf(why, cap, "cannot read PM2_HOME on the host (exit %d)", r->exit_status);
		return NULL;
	}
	bool ok = r->out[0] == '/' && n + sizeof("/rpc.sock") <= 108;
	for (size_t k = 0; ok && k < n; k++)
		ok = (unsigned char)r->out[k] >= 0x20 && r->out[k] != 0x7f;
	if (!ok) {
		snprintf(why, cap, "PM2_HOME on the host is not a usable absolute path");
		return NULL;
	}
	return xasprintf("%.*s/rpc.sock", (int)n, r->out);
}

/* The RPC command of this poll into *c: this poll's request to e's socket.  Returns the
 * request, which *c points at and the caller frees once the session has copied it. */
static char *hosts_rpc_cmd(const struct host_entry *e, struct ssh_cmd *c)
{
	size_t len = 0;
	char *req = pm2_rpc_encode_request(e->rpc_id, &len);
	*c = (struct ssh_cmd){ .kind = SSH_CMD_UNIX, .text = e->pm2_sock, .request = req,
			       .request_len = len, .reply_done = pm2_rpc_reply_done };
	return req;
}

/* Command i of this poll's session ended: the pm2 RPC's steps decide what follows (the
 * socket path for the request, or `pm2 jlist` on the same connection). */
static void hosts_on_between(struct ssh_session *s, size_t i, void *ud)
{
	struct host_entry *e = ud;
	const struct ssh_result *r = ssh_session_result(s, i);
	char why[512];
	if (e->cmds[i] == CMD_PM2_HOME) {
		e->pm2_sock = hosts_pm2_sock(r, why, sizeof(why));
		if (!e->pm2_sock) {
			hosts_pm2_fallback(e, why);
			return; /* the RPC slot stays skipped, `pm2 jlist` runs */
		}
		struct ssh_cmd c;
		char *req = hosts_rpc_cmd(e, &c);
		ssh_session_set_cmd(s, i + 1, &c);
		free(req);
		return;
	}
	/* No socket: PM2_HOME was unusable, the fallback is already decided and the RPC slot
	 * was skipped, so there is no reply to judge. */
	if (e->cmds[i] != CMD_PM2_RPC || !e->pm2_sock)
		return;
	if (r->open_failed) {
		e->pm2_refused = true;
		hosts_pm2_fallback(e, r->err ? r->err : "channel refused");
		return;
	}
	if (pm2_rpc_parse_reply(r->out ? r->out : "", r->outlen, e->rpc_id, e->st.address,
				&e->rpc_list, why, sizeof(why)) < 0) {
		hosts_pm2_fallback(e, why);
		return;
	}
	e->rpc_ok = true;
	e->pm2_cli = false; /* back on the RPC (after a retry): the note goes */
	e->pm2_failures = 0;
	e->pm2_note[0] = '\0';
	struct ssh_cmd skip = { .kind = SSH_CMD_SKIP, .text = "" };
	ssh_session_set_cmd(s, i + 1, &skip);
}

/* This poll's commands into e->cmds and cmds (texts point at static tables, e or the
 * returned request, which the caller frees after starting the session). */
static char *hosts_plan(struct host_entry *e, struct ssh_cmd *cmds)
{
	const struct config_host *c = e->st.cfg;
	e->poll_start_ms = loop_now_ms();
	e->pm2_refused = false;
	bool rpc = !c->pm2_cli && (!e->pm2_cli || e->poll_start_ms >= e->pm2_retry_at);
	e->ncmds = 0;
	if (c->checks & CONFIG_CHECK_DF)
		e->cmds[e->ncmds++] = CMD_DF;
	if ((c->checks & CONFIG_CHECK_PM2) && rpc) {
		if (!e->pm2_sock)
			e->cmds[e->ncmds++] = CMD_PM2_HOME;
		e->cmds[e->ncmds++] = CMD_PM2_RPC;
	}
	if (c->checks & CONFIG_CHECK_PM2)
		e->cmds[e->ncmds++] = CMD_PM2; /* after an RPC: skipped when that answered */
	if (c->checks & CONFIG_CHECK_LOAD) {
		e->cmds[e->ncmds++] = CMD_UPTIME;
		e->cmds[e->ncmds++] = CMD_FREE;
	}
	char *req = NULL;
	free(e->rpc_id);
	e->rpc_id = xasprintf("warroom:%u", e->st.polls + 1);
	checks_free_pm2(&e->rpc_list);
	e->rpc_ok = false;
	for (size_t k = 0; k < e->ncmds; k++) {
		cmds[k] = (struct ssh_cmd){ .kind = SSH_CMD_EXEC, .text = hosts_cmd_text[e->cmds[k]] };
		if (e->cmds[k] != CMD_PM2_RPC)
			continue;
		if (!e->pm2_sock) {
			cmds[k].kind = SSH_CMD_SKIP; /* until PM2_HOME is known (hosts_on_between) */
			continue;
		}
		req = hosts_rpc_cmd(e, &cmds[k]);
	}
	return req;
}

/* A poll that cannot connect at all (setup error) ends from a 0 ms timer. */
static long hosts_on_kick(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct host_entry *e = ud;
	e->kick_timer = 0;
	hosts_clear_data(&e->st);
	e->st.fail = SSH_FAIL_CONNECT;
	snprintf(e->st.message, sizeof(e->st.message), "%s", e->setup_error);
	e->pending--;
	hosts_complete(e);
	return LOOP_TIMER_STOP;
}

void hosts_poll(struct hosts *h, size_t i)
{
	if (i >= h->n || h->v[i].st.busy)
		return;
	struct host_entry *e = &h->v[i];
	e->st.busy = true;
	e->pending = 1 + e->st.nprobes;
	int timeout_ms = (h->cfg->timeout_s > 0 ? h->cfg->timeout_s : CONFIG_DEFAULT_TIMEOUT) * 1000;
	for (size_t k = 0; k < e->st.nprobes; k++) {
		const struct config_probe *p = e->st.probes[k].cfg;
		e->probes[k] = probe_start(h->loop, p->host, p->port, timeout_ms, hosts_on_probe, e);
	}
	if (e->setup_error) {
		e->kick_timer = loop_add_timer(h->loop, 0, hosts_on_kick, e);
		return;
	}
	struct ssh_cmd cmds[CMD_N];
	char *req = hosts_plan(e, cmds);
	struct ssh_target t;
	char err[200];
	(void)hosts_target(h, i, &t, err, sizeof(err));
	e->sess = ssh_session_start_cmds(h->loop, &t, cmds, e->ncmds, hosts_on_session, e);
	ssh_session_set_between(e->sess, hosts_on_between, e);
	free(req);
}

bool hosts_target(const struct hosts *h, size_t i, struct ssh_target *t, char *err, size_t cap)
{
	memset(t, 0, sizeof(*t));
	if (i >= h->n) {
		snprintf(err, cap, "no host %zu", i);
		return false;
	}
	const struct host_entry *e = &h->v[i];
	if (e->setup_error) {
		snprintf(err, cap, "%s", e->setup_error);
		return false;
	}
	t->address = e->st.address;
	t->port = e->st.port;
	t->user = e->st.user;
	t->identities = (const char *const *)e->identities;
	t->nidentities = e->nidentities;
	t->known_hosts = h->known_hosts;
	t->agent_socket = h->agent_socket;
	t->timeout_ms = (h->cfg->timeout_s > 0 ? h->cfg->timeout_s : CONFIG_DEFAULT_TIMEOUT) * 1000;
	t->passphrase = e->passphrase;
	/* A password is only ever tried for hosts configured to allow it. */
	t->password = e->st.cfg->password_auth ? e->password : NULL;
	t->jump = e->jump;
	return true;
}

void hosts_set_passphrase(struct hosts *h, size_t i, const char *passphrase)
{
	if (i >= h->n)
		return;
	hosts_wipe(&h->v[i].passphrase);
	h->v[i].passphrase = passphrase ? xstrdup(passphrase) : NULL;
	h->v[i].st.have_passphrase = passphrase != NULL;
}

void hosts_set_password(struct hosts *h, size_t i, const char *password)
{
	if (i >= h->n)
		return;
	hosts_wipe(&h->v[i].password);
	h->v[i].password = password ? xstrdup(password) : NULL;
	h->v[i].st.have_password = password != NULL;
}

const char *hosts_known_hosts(const struct hosts *h)
{
	return h->known_hosts;
}

void hosts_poll_all(struct hosts *h)
{
	for (size_t i = 0; i < h->n; i++)
		hosts_poll(h, i);
}

static long hosts_on_interval(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct hosts *h = ud;
	hosts_poll_all(h);
	return (long)(h->cfg->interval_s > 0 ? h->cfg->interval_s : CONFIG_DEFAULT_INTERVAL) * 1000;
}

void hosts_start_interval(struct hosts *h)
{
	if (h->interval_timer)
		loop_cancel_timer(h->loop, h->interval_timer);
	h->interval_timer = loop_add_timer(h->loop, 0, hosts_on_interval, h);
}

size_t hosts_count(const struct hosts *h)
{
	return h->n;
}

size_t hosts_busy_count(const struct hosts *h)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		n += h->v[i].st.busy;
	return n;
}

const struct host_status *hosts_status(const struct hosts *h, size_t i)
{
	return i < h->n ? &h->v[i].st : NULL;
}

long hosts_find(const struct hosts *h, const char *name)
{
	for (size_t i = 0; name && i < h->n; i++)
		if (strcmp(h->v[i].st.cfg->name, name) == 0)
			return (long)i;
	return -1;
}
