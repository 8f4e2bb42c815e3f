/* ssh/actions: see actions.h.  Output is split into lines per stream (stdout and stderr
 * have separate partial-line buffers) in a ring of the newest ACTIONS_MAX_LINES. */
#include "ssh/actions.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const actions_builtin[] = { "docker-gc", "docker-restart", "pm2-restart", "pm2-logs" };
enum { ACTIONS_NBUILTIN = 4 };

static bool actions_name_ok(const char *s)
{
	if (!*s || strlen(s) > 100 || s[0] == '-')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-' || *p == '@' || *p == ':'))
			return false;
	return true;
}

int actions_plan(const struct config_host *h, const char *verb, const char *arg,
		 struct action_plan *out, char *err, size_t cap)
{
	memset(out, 0, sizeof(*out));
	arg = arg ? arg : "";
	const struct config_action *ca = NULL;
	if (!config_host_offers(h, verb, &ca)) {
		snprintf(err, cap, "%s does not offer '%.60s' (ssh %s df|pm2|refresh|ACTION; actions: see help)",
			 h->name, verb, h->name);
		return -1;
	}
	snprintf(out->name, sizeof(out->name), "%s", verb);
	if (ca && !ca->builtin) {
		if (*arg) {
			snprintf(err, cap, "%s takes no argument (it runs its configured command)", verb);
			return -1;
		}
		out->command = ca->sudo ? xasprintf("sudo -n %s", ca->command) : xstrdup(ca->command);
		out->mutates = true;
		out->confirm = ca->confirm;
		snprintf(out->description, sizeof(out->description), "%s",
			 ca->description ? ca->description : ca->command);
		return 0;
	}
	bool needs_name = strcmp(verb, "pm2-restart") == 0 || strcmp(verb, "pm2-logs") == 0;
	if (needs_name && !*arg) {
		snprintf(err, cap, "%s needs a process NAME (ssh %s %s NAME)", verb, h->name, verb);
		return -1;
	}
	if (!needs_name && *arg) {
		snprintf(err, cap, "%s takes no argument", verb);
		return -1;
	}
	if (needs_name && !actions_name_ok(arg)) {
		snprintf(err, cap, "'%.60s' is not a pm2 process name (letters, digits, . _ - @ :)", arg);
		return -1;
	}
	snprintf(out->arg, sizeof(out->arg), "%s", arg);
	out->mutates = true;
	out->confirm = true;
	if (strcmp(verb, "docker-gc") == 0) {
		out->command = xstrdup("docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/etc spotify/docker-gc");
		snprintf(out->description, sizeof(out->description), "remove exited containers and unused images (spotify/docker-gc)");
	} else if (strcmp(verb, "docker-restart") == 0) {
		out->command = xstrdup("sudo -n service docker restart");
		snprintf(out->description, sizeof(out->description), "restart the docker daemon");
	} else if (strcmp(verb, "pm2-restart") == 0) {
		out->command = xasprintf("pm2 restart '%s'", arg);
		snprintf(out->description, sizeof(out->description), "restart pm2 process %s", arg);
	} else {
		out->command = xasprintf("pm2 logs '%s' --raw --lines 100", arg);
		out->mutates = false;
		out->confirm = false;
		snprintf(out->description, sizeof(out->description), "follow the logs of pm2 process %s", arg);
	}
	return 0;
}

void actions_plan_free(struct action_plan *p)
{
	free(p->command);
	p->command = NULL;
}

size_t actions_list(const struct config_host *h, const char **out, size_t cap)
{
	size_t n = 0;
	for (size_t k = 0; k < ACTIONS_NBUILTIN && n < cap; k++)
		if (config_host_offers(h, actions_builtin[k], NULL))
			out[n++] = actions_builtin[k];
	for (size_t i = 0; i < h->nactions && n < cap; i++)
		if (!h->actions[i].builtin)
			out[n++] = h->actions[i].name;
	return n;
}

struct action_line {
	char *text;
	bool err;
};

struct action_run {
	struct loop *loop;
	struct ssh_session *sess;
	char *host, *title;
	action_fn fn;
	void *ud;
	enum action_state state;
	int exit_status;
	char message[512];
	long long start_ms, end_ms;
	struct action_line *ring;  /* ACTIONS_MAX_LINES slots */
	size_t first, n;
	size_t bytes;              /* text held by the ring (ACTIONS_MAX_BYTES) */
	char *partial[2];          /* unfinished last line per stream */
	size_t plen[2];
};

static void actions_push(struct action_run *r, const char *text, size_t len, bool err)
{
	if (len > ACTIONS_LINE_MAX)
		len = ACTIONS_LINE_MAX;
	/* Oldest lines go first, when the ring is full by count or by bytes: a command that
	 * prints long lines without end must not hold ACTIONS_MAX_LINES * 4 KiB. */
	while (r->n && (r->n >= ACTIONS_MAX_LINES || r->bytes + len > ACTIONS_MAX_BYTES)) {
		struct action_line *old = &r->ring[r->first];
		r->bytes -= strlen(old->text);
		free(old->text);
		old->text = NULL;
		r->first = (r->first + 1) % ACTIONS_MAX_LINES;
		r->n--;
	}
	size_t slot = (r->first + r->n++) % ACTIONS_MAX_LINES;
	r->ring[slot].text = xstrndup(text, len);
	r->bytes += strlen(r->ring[slot].text); /* a NUL in the output ends the kept text */
	r->ring[slot].err = err;
}

static void actions_on_output(struct ssh_session *s, void *ud, int stream, const char *data, size_t len)
{
	(void)s;
	struct action_run *r = ud;
	int k = stream ? 1 : 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n' || r->plen[k] >= ACTIONS_LINE_MAX) {
			size_t l = r->plen[k];
			if (l && r->partial[k][l - 1] == '\r')
				l--;
			actions_push(r, r->partial[k] ? r->partial[k] : "", l, k == 1);
			r->plen[k] = 0;
			if (data[i] == '\n')
				continue;
		}
		if (!r->partial[k])
			r->partial[k] = xmalloc(ACTIONS_LINE_MAX + 1);
		r->partial[k][r->plen[k]++] = data[i];
	}
	if (r->fn)
		r->fn(r->ud, r);
}

static void actions_flush(struct action_run *r)
{
	for (int k = 0; k < 2; k++)
		if (r->plen[k]) {
			actions_push(r, r->partial[k], r->plen[k], k == 1);
			r->plen[k] = 0;
		}
}

static void actions_on_done(struct ssh_session *s, void *ud)
{
	struct action_run *r = ud;
	actions_flush(r);
	r->end_ms = loop_now_ms();
	const struct ssh_result *res = ssh_session_result(s, 0);
	r->exit_status = res ? res->exit_status : -1;
	if (ssh_session_fail(s) != SSH_OK) {
		r->state = ACTION_FAILED;
		snprintf(r->message, sizeof(r->message), "%s: %s", ssh_fail_name(ssh_session_fail(s)),
			 ssh_session_message(s));
	} else {
		r->state = r->exit_status == 0 ? ACTION_DONE : ACTION_FAILED;
		snprintf(r->message, sizeof(r->message), "exit %d", r->exit_status);
	}
	ssh_session_free(s);
	r->sess = NULL;
	if (r->fn)
		r->fn(r->ud, r);
}

struct action_run *actions_run_start(struct loop *loop, const struct ssh_target *target,
				     const char *host, const char *title, const char *command,
				     action_fn fn, void *ud)
{
	struct action_run *r = xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->host = xstrdup(host);
	r->title = xstrdup(title);
	r->fn = fn;
	r->ud = ud;
	r->exit_status = -1;
	r->ring = xcalloc(ACTIONS_MAX_LINES, sizeof(*r->ring));
	r->start_ms = loop_now_ms();
	struct ssh_target t = *target;
	t.no_read_timeout = true;
	const char *cmds[1] = { command };
	r->sess = ssh_session_start(loop, &t, cmds, 1, actions_on_done, r);
	ssh_session_set_output(r->sess, actions_on_output, r);
	return r;
}

void actions_run_cancel(struct action_run *r)
{
	if (!r || r->state != ACTION_RUNNING)
		return;
	ssh_session_free(r->sess);
	r->sess = NULL;
	actions_flush(r);
	r->end_ms = loop_now_ms();
	r->state = ACTION_CANCELLED;
	snprintf(r->message, sizeof(r->message), "cancelled");
	if (r->fn)
		r->fn(r->ud, r);
}

void actions_run_free(struct action_run *r)
{
	if (!r)
		return;
	ssh_session_free(r->sess);
	for (size_t i = 0; i < r->n; i++)
		free(r->ring[(r->first + i) % ACTIONS_MAX_LINES].text);
	free(r->ring);
	free(r->partial[0]);
	free(r->partial[1]);
	free(r->host);
	free(r->title);
	free(r);
}

enum action_state actions_run_state(const struct action_run *r)
{
	return r->state;
}

const char *actions_run_title(const struct action_run *r)
{
	return r->title;
}

const char *actions_run_host(const struct action_run *r)
{
	return r->host;
}

int actions_run_exit(const struct action_run *r)
{
	return r->exit_status;
}

long long actions_run_elapsed_ms(const struct action_run *r)
{
	return (r->state == ACTION_RUNNING ? loop_now_ms() : r->end_ms) - r->start_ms;
}

void actions_run_status(const struct action_run *r, char *out, size_t cap)
{
	double secs = (double)actions_run_elapsed_ms(r) / 1000;
	switch (r->state) {
	case ACTION_RUNNING:
		snprintf(out, cap, "running %.0fs", secs);
		break;
	case ACTION_DONE:
	case ACTION_FAILED:
		snprintf(out, cap, "%s after %.1f s", r->message, secs);
		break;
	case ACTION_CANCELLED:
		snprintf(out, cap, "cancelled after %.1f s", secs);
		break;
	}
}

size_t actions_run_nlines(const struct action_run *r)
{
	return r->n;
}

const char *actions_run_line(const struct action_run *r, size_t i, bool *is_stderr)
{
	if (i >= r->n) {
		if (is_stderr)
			*is_stderr = false;
		return "";
	}
	const struct action_line *l = &r->ring[(r->first + i) % ACTIONS_MAX_LINES];
	if (is_stderr)
		*is_stderr = l->err;
	return l->text;
}
