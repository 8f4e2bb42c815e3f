/* panels/hosts: see hosts.h.  The view renders in two passes: one counts lines (to know
 * where the selected host starts and scroll to it), the second keeps the visible window.
 * Secrets typed at a prompt live in `input` only until Enter/Esc, then are wiped. */
#include "panels/hosts.h"

#include "core/xalloc.h"
#include "ssh/known_hosts.h"
#include "tui/text.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum hv_prompt { HV_NONE, HV_HOSTKEY, HV_PASSPHRASE, HV_PASSWORD };

struct hv_host {
	bool key_dismissed;      /* "no" to the host key prompt (until ssh HOST refresh) */
	bool secret_asked;       /* a passphrase/password was asked for since the last refresh */
};

struct hosts_view {
	struct loop *loop;
	const struct config *cfg;
	struct hosts *hosts;
	struct hv_host *hv;
	hosts_view_notify_fn notify;
	void *notify_ud;
	struct request_gate *gate;
	bool read_only;
	size_t sel;
	size_t top;
	/* The running (or last) action and its gate op (NULL when not gated / finished). */
	struct action_run *run;
	struct request_op *op;
	struct action_plan pending;   /* the plan waiting for the gate's confirmation */
	size_t pending_host;
	/* Prompt. */
	enum hv_prompt prompt;
	size_t prompt_host;
	char prompt_fp[64], prompt_type[32];
	char *prompt_key;
	size_t prompt_key_len;
	int prompt_key_type;
	char input[256];
	size_t input_len;
	char note[300];          /* last prompt outcome, shown in the title */
};

static void hv_notify(struct hosts_view *v)
{
	if (v->notify)
		v->notify(v->notify_ud);
}

static void hv_wipe_input(struct hosts_view *v)
{
	volatile char *p = v->input;
	for (size_t i = 0; i < sizeof(v->input); i++)
		p[i] = 0;
	v->input_len = 0;
}

static void hv_close_prompt(struct hosts_view *v)
{
	hv_wipe_input(v);
	free(v->prompt_key);
	v->prompt_key = NULL;
	v->prompt = HV_NONE;
}

/* Opens the next prompt a poll result calls for, if none is open. */
static void hv_next_prompt(struct hosts_view *v)
{
	if (v->prompt != HV_NONE)
		return;
	for (size_t i = 0; i < hosts_count(v->hosts); i++) {
		const struct host_status *st = hosts_status(v->hosts, i);
		if (!st->polled || st->busy)
			continue;
		if (st->fail == SSH_FAIL_HOSTKEY_UNKNOWN && st->hostkey && !v->hv[i].key_dismissed &&
		    !v->read_only) {
			v->prompt = HV_HOSTKEY;
			v->prompt_host = i;
			/* The key is copied now: a later poll must not change what "yes" records. */
			v->prompt_key = xmalloc(st->hostkey_len);
			memcpy(v->prompt_key, st->hostkey, st->hostkey_len);
			v->prompt_key_len = st->hostkey_len;
			v->prompt_key_type = st->hostkey_type;
			snprintf(v->prompt_fp, sizeof(v->prompt_fp), "%s", st->fingerprint);
			snprintf(v->prompt_type, sizeof(v->prompt_type), "%s", st->key_type);
			return;
		}
		if (st->fail == SSH_FAIL_AUTH && !v->hv[i].secret_asked) {
			if (st->locked_identity[0]) {
				v->prompt = HV_PASSPHRASE;
			} else if (st->cfg->password_auth && st->password_possible) {
				v->prompt = HV_PASSWORD;
			} else {
				continue;
			}
			v->prompt_host = i;
			v->hv[i].secret_asked = true;
			hv_wipe_input(v);
			return;
		}
	}
}

static void hv_on_poll(void *ud, size_t index)
{
	(void)index;
	struct hosts_view *v = ud;
	hv_next_prompt(v);
	hv_notify(v);
}

struct hosts_view *hosts_view_new(struct loop *loop, const struct config *cfg,
				  const struct hosts_opts *opts, hosts_view_notify_fn notify, void *ud)
{
	struct hosts_view *v = xcalloc(1, sizeof(*v));
	v->loop = loop;
	v->cfg = cfg;
	v->notify = notify;
	v->notify_ud = ud;
	v->hosts = hosts_new(loop, cfg, opts);
	v->hv = xcalloc(cfg->nhosts + 1, sizeof(*v->hv));
	hosts_set_notify(v->hosts, hv_on_poll, v);
	hosts_start_interval(v->hosts);
	return v;
}

void hosts_view_free(struct hosts_view *v)
{
	if (!v)
		return;
	if (v->op)
		request_abort(v->op);
	actions_run_free(v->run);
	actions_plan_free(&v->pending);
	hv_close_prompt(v);
	hosts_free(v->hosts);
	free(v->hv);
	free(v);
}

void hosts_view_set_gate(struct hosts_view *v, struct request_gate *gate, bool read_only)
{
	v->gate = gate;
	v->read_only = read_only;
}

struct hosts *hosts_view_hosts(struct hosts_view *v)
{
	return v->hosts;
}

bool hosts_view_prompting(const struct hosts_view *v)
{
	return v->prompt != HV_NONE;
}

/* ---- actions -------------------------------------------------------------------- */

static void hv_on_run(void *ud, struct action_run *r)
{
	struct hosts_view *v = ud;
	if (actions_run_state(r) != ACTION_RUNNING && v->op) {
		char status[300];
		actions_run_status(r, status, sizeof(status));
		struct request_op *op = v->op;
		v->op = NULL;
		request_progress(op, status);
		if (actions_run_state(r) == ACTION_DONE)
			request_finish(op, "ok", NULL);
		else
			request_finish(op, "failed", actions_run_state(r) == ACTION_CANCELLED ?
				       "cancelled by the operator" : status);
	}
	hv_notify(v);
}

/* Starts the plan on host i; false with msg when the host cannot be reached. */
static bool hv_start(struct hosts_view *v, size_t i, const struct action_plan *p, char *msg, size_t cap)
{
	struct ssh_target t;
	char err[300];
	if (!hosts_target(v->hosts, i, &t, err, sizeof(err))) {
		snprintf(msg, cap, "ssh %s %s: %s", hosts_status(v->hosts, i)->cfg->name, p->name, err);
		return false;
	}
	char title[300];
	const char *name = hosts_status(v->hosts, i)->cfg->name;
	snprintf(title, sizeof(title), "%s: %s%s%s", name, p->name, p->arg[0] ? " " : "", p->arg);
	actions_run_free(v->run);
	v->run = actions_run_start(v->loop, &t, name, title, p->command, hv_on_run, v);
	return true;
}

/* The gate said yes (and audited "attempted"): run the pending plan. */
static void hv_perform(void *ud, struct request_op *op)
{
	struct hosts_view *v = ud;
	char msg[400];
	if (!hv_start(v, v->pending_host, &v->pending, msg, sizeof(msg))) {
		actions_plan_free(&v->pending);
		request_finish(op, "failed", msg);
		hv_notify(v);
		return;
	}
	v->op = op;
	actions_plan_free(&v->pending);
	hv_notify(v);
}

static bool hv_running(const struct hosts_view *v)
{
	return v->run && actions_run_state(v->run) == ACTION_RUNNING;
}

static int hv_action(struct hosts_view *v, size_t i, const char *verb, const char *arg, char *msg,
		     size_t cap)
{
	const struct host_status *st = hosts_status(v->hosts, i);
	if (hv_running(v)) {
		snprintf(msg, cap, "an action is already running (%s); ssh-cancel (X) stops it",
			 actions_run_title(v->run));
		return -1;
	}
	struct action_plan p;
	char err[300];
	if (actions_plan(st->cfg, verb, arg, &p, err, sizeof(err)) < 0) {
		snprintf(msg, cap, "ssh: %s", err);
		return -1;
	}
	v->sel = i;
	if (!p.mutates) {
		bool ok = hv_start(v, i, &p, msg, cap);
		if (ok)
			snprintf(msg, cap, "%s on %s (X cancels)", p.description, st->cfg->name);
		actions_plan_free(&p);
		return ok ? 0 : -1;
	}
	if (!v->gate) {
		snprintf(msg, cap, "ssh %s %s: mutating actions need the request gate (not available)",
			 st->cfg->name, verb);
		actions_plan_free(&p);
		return -1;
	}
	char command[400], equivalent[900], object[200], plan[400];
	snprintf(command, sizeof(command), "ssh %s %s%s%s", st->cfg->name, verb, *arg ? " " : "", arg);
	snprintf(equivalent, sizeof(equivalent), "ssh -p %d %s@%s %s", st->port, st->user, st->address,
		 p.command);
	snprintf(object, sizeof(object), "host/%s", st->cfg->name);
	snprintf(plan, sizeof(plan), "host/%s: %s", st->cfg->name, p.description);
	const char *objects[1] = { object };
	const char *plans[1] = { plan };
	struct request_action a = {
		.command = command, .objects = objects, .nobjects = 1, .equivalent = equivalent,
		.plan = plans, .nplan = 1, .mutates = true,
	};
	/* A plan left from a confirmation answered "no" is dropped (the dialog is modal). */
	actions_plan_free(&v->pending);
	v->pending = p;
	v->pending_host = i;
	/* A configured `confirm: false` action still passes the gate (read-only, audit). */
	struct request_gate *g = v->gate;
	bool saved_yes = g->assume_yes;
	if (!p.confirm)
		g->assume_yes = true;
	struct request_op *op = request_submit(g, &a, hv_perform, v);
	g->assume_yes = saved_yes;
	msg[0] = '\0';
	if (!op && v->pending.command) {
		/* Ended at once without running (refused in read-only mode; the gate's UI
		 * reported it). */
		actions_plan_free(&v->pending);
		return -1;
	}
	return 0;
}

int hosts_view_cancel(struct hosts_view *v, char *msg, size_t cap)
{
	if (!v->run || actions_run_state(v->run) != ACTION_RUNNING) {
		snprintf(msg, cap, "ssh-cancel: no action is running");
		return -1;
	}
	snprintf(msg, cap, "cancelled %s", actions_run_title(v->run));
	actions_run_cancel(v->run);
	return 0;
}

static long hv_find(struct hosts_view *v, const char *name)
{
	return hosts_find(v->hosts, name);
}

int hosts_view_ssh(struct hosts_view *v, const char *arg, char *msg, size_t cap)
{
	char host[128] = "", verb[64] = "", rest[128] = "";
	int n = sscanf(arg, "%127s %63s %127[^\n]", host, verb, rest);
	if (n < 2) {
		snprintf(msg, cap, "ssh: usage: ssh HOST df|pm2|refresh|ACTION [NAME]");
		return -1;
	}
	long i = hv_find(v, host);
	if (i < 0) {
		char safe[200];
		text_sanitize(host, strlen(host), safe, sizeof(safe));
		snprintf(msg, cap, "ssh: no host named '%s' in %s", safe, v->cfg->path ? v->cfg->path : "the config");
		return -1;
	}
	size_t rl = strlen(rest);
	while (rl && rest[rl - 1] == ' ')
		rest[--rl] = '\0';
	if (strcmp(verb, "df") == 0 || strcmp(verb, "pm2") == 0 || strcmp(verb, "refresh") == 0 ||
	    strcmp(verb, "load") == 0) {
		if (rest[0]) {
			snprintf(msg, cap, "ssh %s %s takes no argument", host, verb);
			return -1;
		}
		v->sel = (size_t)i;
		v->hv[i].key_dismissed = false;
		v->hv[i].secret_asked = false;
		hosts_poll(v->hosts, (size_t)i);
		snprintf(msg, cap, "polling %s (%s)", host, verb);
		hv_notify(v);
		return 0;
	}
	return hv_action(v, (size_t)i, verb, rest, msg, cap);
}

enum hosts_exec hosts_view_exec(struct hosts_view *v, const struct command_call *call, char *msg,
				size_t cap, bool *error)
{
	size_t n = hosts_count(v->hosts);
	msg[0] = '\0';
	*error = false;
	switch (call->id) {
	case CMD_QUIT:
	case CMD_CANCEL:
		return HOSTS_EXEC_CLOSE;
	case CMD_MOVE_UP:
		if (v->sel > 0)
			v->sel--;
		break;
	case CMD_MOVE_DOWN:
		if (v->sel + 1 < n)
			v->sel++;
		break;
	case CMD_PAGE_UP:
		v->sel = v->sel > 5 ? v->sel - 5 : 0;
		break;
	case CMD_PAGE_DOWN:
		v->sel = v->sel + 5 < n ? v->sel + 5 : (n ? n - 1 : 0);
		break;
	case CMD_MOVE_TOP:
		v->sel = 0;
		break;
	case CMD_MOVE_BOTTOM:
		v->sel = n ? n - 1 : 0;
		break;
	case CMD_REFRESH:
		for (size_t i = 0; i < n; i++)
			v->hv[i].secret_asked = v->hv[i].key_dismissed = false;
		hosts_poll_all(v->hosts);
		snprintf(msg, cap, "polling %zu hosts", n);
		break;
	default:
		return HOSTS_EXEC_NOT_MINE;
	}
	hv_notify(v);
	return HOSTS_EXEC_DONE;
}

/* ---- prompts --------------------------------------------------------------------- */

static void hv_answer_hostkey(struct hosts_view *v, bool yes)
{
	const struct host_status *st = hosts_status(v->hosts, v->prompt_host);
	if (!yes) {
		v->hv[v->prompt_host].key_dismissed = true;
		snprintf(v->note, sizeof(v->note), "%s: host key not recorded", st->cfg->name);
	} else {
		char err[200];
		if (known_hosts_record_key(hosts_known_hosts(v->hosts), st->address, st->port, v->prompt_key,
					   v->prompt_key_len, v->prompt_key_type, err, sizeof(err)) < 0) {
			snprintf(v->note, sizeof(v->note), "%s: cannot record the host key: %s", st->cfg->name, err);
			v->hv[v->prompt_host].key_dismissed = true;
		} else {
			snprintf(v->note, sizeof(v->note), "%s: recorded %s in %s", st->cfg->name, v->prompt_fp,
				 hosts_known_hosts(v->hosts));
			hosts_poll(v->hosts, v->prompt_host);
		}
	}
	hv_close_prompt(v);
	hv_next_prompt(v);
}

static void hv_answer_secret(struct hosts_view *v, bool submit)
{
	size_t i = v->prompt_host;
	const struct host_status *st = hosts_status(v->hosts, i);
	if (submit) {
		if (v->prompt == HV_PASSPHRASE)
			hosts_set_passphrase(v->hosts, i, v->input);
		else
			hosts_set_password(v->hosts, i, v->input);
		snprintf(v->note, sizeof(v->note), "%s: retrying with the %s", st->cfg->name,
			 v->prompt == HV_PASSPHRASE ? "passphrase" : "password");
		hv_close_prompt(v);
		hosts_poll(v->hosts, i);
	} else {
		snprintf(v->note, sizeof(v->note), "%s: %s not given", st->cfg->name,
			 v->prompt == HV_PASSPHRASE ? "passphrase" : "password");
		hv_close_prompt(v);
	}
	hv_next_prompt(v);
}

bool hosts_view_key(struct hosts_view *v, int key)
{
	if (v->prompt == HV_NONE)
		return false;
	if (v->prompt == HV_HOSTKEY) {
		if (key == 'y' || key == 'Y')
			hv_answer_hostkey(v, true);
		else if (key == 'n' || key == 'N' || key == 27)
			hv_answer_hostkey(v, false);
		hv_notify(v);
		return true;
	}
	if (key == '\n') {
		hv_answer_secret(v, true);
	} else if (key == 27) {
		hv_answer_secret(v, false);
	} else if (key == 127) {
		while (v->input_len > 0 && ((unsigned char)v->input[v->input_len - 1] & 0xC0) == 0x80)
			v->input[--v->input_len] = '\0';
		if (v->input_len > 0)
			v->input[--v->input_len] = '\0';
	} else if (key == 21) { /* C-u */
		hv_wipe_input(v);
	} else if (key >= 0x20) {
		char mb[MB_LEN_MAX];
		mbstate_t mbs;
		memset(&mbs, 0, sizeof(mbs));
		size_t k = wcrtomb(mb, (wchar_t)key, &mbs);
		if (k != (size_t)-1 && v->input_len + k < sizeof(v->input)) {
			memcpy(v->input + v->input_len, mb, k);
			v->input_len += k;
			v->input[v->input_len] = '\0';
		}
	}
	hv_notify(v);
	return true;
}

/* ---- formatting ------------------------------------------------------------------ */

void hosts_view_age(long long ms, char *out, size_t cap)
{
	long long s = ms / 1000;
	if (s < 0)
		snprintf(out, cap, "?");
	else if (s < 60)
		snprintf(out, cap, "%llds", s);
	else if (s < 3600)
		snprintf(out, cap, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(out, cap, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, cap, "%lldd%lldh", s / 86400, s % 86400 / 3600);
}

void hosts_view_bar(int pct, int cols, char *out, size_t cap)
{
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	int full = (pct * cols + 50) / 100;
	if (pct > 0 && full == 0)
		full = 1;
	size_t n = 0;
	for (int i = 0; i < cols && n + 4 < cap; i++) {
		const char *c = i < full ? "\xe2\x96\x88" : "\xe2\x96\x91"; /* U+2588 / U+2591 */
		memcpy(out + n, c, 3);
		n += 3;
	}
	out[n] = '\0';
}

const char *hosts_view_key_name(const char *t)
{
	if (strcmp(t, "ssh-ed25519") == 0)
		return "ED25519";
	if (strncmp(t, "ecdsa-", 6) == 0)
		return "ECDSA";
	if (strcmp(t, "ssh-rsa") == 0)
		return "RSA";
	if (strcmp(t, "ssh-dss") == 0)
		return "DSA";
	return t;
}

static void hv_size(long long bytes, char *out, size_t cap)
{
	static const char units[] = "BKMGTP";
	double d = (double)bytes;
	size_t u = 0;
	while (d >= 1024 && u + 2 < sizeof(units)) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%lldB", bytes);
	else
		snprintf(out, cap, "%.1f%c", d, units[u]);
}

/* Line builder: appends sanitised, width-limited segments. */
struct hv_out {
	struct hosts_line *lines;   /* NULL: counting pass */
	size_t first, height;       /* window */
	size_t n;                   /* lines emitted so far */
	int width;
	struct hosts_line cur;
};

static void hv_seg(struct hv_out *o, enum hosts_attr attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hv_seg(struct hv_out *o, enum hosts_attr attr, const char *fmt, ...)
{
	if (!o->lines || o->n < o->first || o->n >= o->first + o->height)
		return; /* outside the window: not worth formatting */
	struct hosts_line *l = &o->cur;
	if (l->nseg >= HOSTS_MAX_SEGS || l->cols >= o->width)
		return;
	char raw[HOSTS_LINE_BYTES], safe[HOSTS_LINE_BYTES];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	size_t w = text_width(safe);
	size_t room = (size_t)(o->width - l->cols);
	if (w > room) {
		text_fit(safe, room, raw, sizeof(raw));
		snprintf(safe, sizeof(safe), "%s", raw);
		w = room;
	}
	size_t off = strlen(l->text), len = strlen(safe);
	if (off + len + 1 > sizeof(l->text))
		return;
	memcpy(l->text + off, safe, len + 1);
	l->seg[l->nseg++] = (struct hosts_seg){ (unsigned short)off, (unsigned short)len, (unsigned char)attr };
	l->cols += (int)w;
}

static void hv_end(struct hv_out *o)
{
	if (o->lines && o->n >= o->first && o->n < o->first + o->height)
		o->lines[o->n - o->first] = o->cur;
	memset(&o->cur, 0, sizeof(o->cur));
	o->n++;
}

static enum hosts_attr hv_level_attr(enum disk_level l)
{
	return l == DISK_CRIT ? HOSTS_ATTR_BAD : l == DISK_WARN ? HOSTS_ATTR_WARN : HOSTS_ATTR_OK;
}

static void hv_host_block(struct hosts_view *v, struct hv_out *o, size_t i, time_t now)
{
	const struct host_status *st = hosts_status(v->hosts, i);
	char a[64], b[64], c[64];
	bool ok = st->polled && st->fail == SSH_OK;
	bool selected = i == v->sel;
	hv_seg(o, selected ? HOSTS_ATTR_SEL : HOSTS_ATTR_HEAD, "%s%s", selected ? "> " : "  ", st->cfg->name);
	if (!st->polled)
		hv_seg(o, HOSTS_ATTR_DIM, "  %s", st->busy ? "connecting..." : "not polled yet");
	else
		hv_seg(o, ok && !st->nmissing && !st->nduplicated ? HOSTS_ATTR_OK : HOSTS_ATTR_BAD, "  %s",
		       ssh_fail_name(st->fail));
	hv_seg(o, HOSTS_ATTR_DIM, "  %s@%s:%d", st->user, st->address, st->port);
	if (st->polled) {
		hosts_view_age(loop_now_ms() - st->polled_at_ms, a, sizeof(a));
		hv_seg(o, HOSTS_ATTR_DIM, "  polled %s ago (%.2f s)%s", a, (double)st->elapsed_ms / 1000,
		       st->busy ? ", polling" : "");
	}
	if (st->load.has_load)
		hv_seg(o, HOSTS_ATTR_TEXT, "  load %.2f %.2f %.2f", st->load.load1, st->load.load5, st->load.load15);
	if (st->load.has_mem) {
		hv_size(st->load.mem_used, a, sizeof(a));
		hv_size(st->load.mem_total, b, sizeof(b));
		hv_seg(o, HOSTS_ATTR_TEXT, "  mem %s/%s", a, b);
	}
	hv_end(o);
	if (st->polled && st->fail != SSH_OK) {
		hv_seg(o, HOSTS_ATTR_BAD, "    %s", st->message);
		hv_end(o);
		if (st->fail == SSH_FAIL_HOSTKEY_UNKNOWN || st->fail == SSH_FAIL_HOSTKEY_CHANGED) {
			hv_seg(o, HOSTS_ATTR_WARN, "    server key %s %s%s", hosts_view_key_name(st->key_type),
			       st->fingerprint,
			       st->fail == SSH_FAIL_HOSTKEY_CHANGED ? "  (changed: refused; fix known_hosts by hand)" :
			       v->read_only ? "  (read-only: not recorded)" :
			       v->hv[i].key_dismissed ? "  (not recorded; ssh HOST refresh asks again)" : "");
			hv_end(o);
		}
	} else if (st->check_errors[0]) {
		hv_seg(o, HOSTS_ATTR_WARN, "    %s", st->check_errors);
		hv_end(o);
	}
	for (size_t k = 0; k < st->nprobes; k++) {
		const struct host_probe_status *p = &st->probes[k];
		hv_seg(o, HOSTS_ATTR_TEXT, "    probe %s:%d ", p->cfg->host, p->cfg->port);
		hv_seg(o, p->result == PROBE_OK ? HOSTS_ATTR_OK : p->result == PROBE_PENDING ? HOSTS_ATTR_DIM : HOSTS_ATTR_BAD,
		       "%s", p->result == PROBE_OK ? "open" : p->message);
		hv_end(o);
	}
	for (size_t k = 0; st->have_df && k < st->df.n; k++) {
		const struct df_mount *m = &st->df.v[k];
		char bar[128];
		hosts_view_bar(m->use_pct, 20, bar, sizeof(bar));
		hv_size(m->avail_kb * 1024, a, sizeof(a));
		enum hosts_attr at = hv_level_attr(st->disk[k]);
		hv_seg(o, HOSTS_ATTR_TEXT, "    %-20s ", m->mount);
		hv_seg(o, at, "%s", bar);
		if (m->use_pct < 0)
			hv_seg(o, at, "    -");
		else
			hv_seg(o, at, " %3d%%", m->use_pct);
		hv_seg(o, HOSTS_ATTR_DIM, "  %s free", a);
		if (st->disk[k] != DISK_OK)
			hv_seg(o, at, "  %s", st->disk[k] == DISK_CRIT ? "CRITICAL" : "WARN");
		hv_end(o);
	}
	if (st->have_pm2) {
		hv_seg(o, HOSTS_ATTR_DIM, "    %-28s %-9s %-12s %-8s %6s %8s", "PM2 PROCESS", "STATUS", "RESTARTS",
		       "UPTIME", "CPU", "MEM");
		hv_end(o);
	}
	long long now_ms = (long long)now * 1000;
	for (size_t k = 0; st->have_pm2 && k < st->pm2.n; k++) {
		const struct pm2_proc *p = &st->pm2.v[k];
		const struct host_pm2_flags *f = &st->pm2_flags[k];
		bool online = p->status && strcmp(p->status, "online") == 0;
		if (online && p->started_ms > 0)
			hosts_view_age(now_ms - p->started_ms, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "-");
		hv_size(p->memory, b, sizeof(b));
		snprintf(c, sizeof(c), "%lld%s%s", p->restarts, f->restarts_rising ? " rising" : "",
			 f->restarts_high ? " HIGH" : "");
		hv_seg(o, HOSTS_ATTR_TEXT, "    %-28s ", p->name);
		hv_seg(o, online ? HOSTS_ATTR_OK : HOSTS_ATTR_BAD, "%-9s ", p->status ? p->status : "?");
		hv_seg(o, f->restarts_rising || f->restarts_high ? HOSTS_ATTR_BAD : HOSTS_ATTR_TEXT, "%-12s ", c);
		hv_seg(o, HOSTS_ATTR_TEXT, "%-8s %5.1f%% %8s", a, p->cpu, b);
		hv_end(o);
	}
	for (size_t k = 0; k < st->nmissing; k++) {
		hv_seg(o, HOSTS_ATTR_BAD, "    MISSING %s (expected in pm2, not online)", st->missing[k]);
		hv_end(o);
	}
	for (size_t k = 0; k < st->nduplicated; k++) {
		hv_seg(o, HOSTS_ATTR_BAD, "    DUPLICATED %s (expected once, running more than once)", st->duplicated[k]);
		hv_end(o);
	}
	hv_end(o); /* blank line between hosts */
}

static void hv_prompt_block(struct hosts_view *v, struct hv_out *o)
{
	const struct host_status *st = hosts_status(v->hosts, v->prompt_host);
	if (v->prompt == HV_HOSTKEY) {
		/* OpenSSH's wording, so the operator recognises the question. */
		if (st->port == 22)
			hv_seg(o, HOSTS_ATTR_PROMPT, "The authenticity of host '%s' (%s) can't be established.",
			       st->address, st->cfg->name);
		else
			hv_seg(o, HOSTS_ATTR_PROMPT, "The authenticity of host '[%s]:%d' (%s) can't be established.",
			       st->address, st->port, st->cfg->name);
		hv_end(o);
		hv_seg(o, HOSTS_ATTR_PROMPT, "%s key fingerprint is %s.", hosts_view_key_name(v->prompt_type),
		       v->prompt_fp);
		hv_end(o);
		hv_seg(o, HOSTS_ATTR_PROMPT, "Record it in %s and connect? (y/n)", hosts_known_hosts(v->hosts));
		hv_end(o);
	} else {
		if (v->prompt == HV_PASSPHRASE)
			hv_seg(o, HOSTS_ATTR_PROMPT, "Enter passphrase for key '%s' (%s): ", st->locked_identity,
			       st->cfg->name);
		else
			hv_seg(o, HOSTS_ATTR_PROMPT, "%s@%s's password (%s): ", st->user, st->address, st->cfg->name);
		hv_end(o);
		hv_seg(o, HOSTS_ATTR_DIM, "(not echoed, kept in memory only; Enter sends, Esc skips)");
		hv_end(o);
	}
	hv_end(o);
}

/* Lines of the host list; with lines NULL only counts (and finds the selection). */
static size_t hv_layout(struct hosts_view *v, struct hv_out *o, time_t now, size_t *sel_first,
			size_t *sel_last)
{
	if (v->prompt != HV_NONE)
		hv_prompt_block(v, o);
	for (size_t i = 0; i < hosts_count(v->hosts); i++) {
		if (i == v->sel)
			*sel_first = o->n;
		hv_host_block(v, o, i, now);
		if (i == v->sel)
			*sel_last = o->n;
	}
	return o->n;
}

static void hv_run_block(struct hosts_view *v, struct hv_out *o, size_t rows)
{
	struct action_run *r = v->run;
	char status[300];
	actions_run_status(r, status, sizeof(status));
	enum action_state s = actions_run_state(r);
	hv_seg(o, HOSTS_ATTR_HEAD, "-- %s  ", actions_run_title(r));
	hv_seg(o, s == ACTION_RUNNING ? HOSTS_ATTR_WARN : s == ACTION_DONE ? HOSTS_ATTR_OK : HOSTS_ATTR_BAD, "%s",
	       status);
	hv_seg(o, HOSTS_ATTR_DIM, "%s", s == ACTION_RUNNING ? "  (X cancels)" : "");
	hv_end(o);
	size_t n = actions_run_nlines(r), want = rows > 1 ? rows - 1 : 0;
	size_t from = n > want ? n - want : 0;
	for (size_t k = from; k < n; k++) {
		bool err;
		const char *t = actions_run_line(r, k, &err);
		hv_seg(o, err ? HOSTS_ATTR_WARN : HOSTS_ATTR_TEXT, "%s", t);
		hv_end(o);
	}
}

size_t hosts_view_render(struct hosts_view *v, int width, int height, time_t now, struct hosts_line *lines)
{
	if (height <= 0 || width <= 0)
		return 0;
	size_t nh = hosts_count(v->hosts);
	if (v->sel >= nh)
		v->sel = nh ? nh - 1 : 0;
	size_t run_rows = 0;
	if (v->run) {
		run_rows = (size_t)height * 2 / 5;
		if (run_rows < 4)
			run_rows = (size_t)height > 6 ? 4 : 0;
	}
	size_t list_rows = (size_t)height - run_rows;
	struct hv_out o;
	memset(&o, 0, sizeof(o));
	o.width = width;
	size_t sf = 0, sl = 0;
	size_t total = hv_layout(v, &o, now, &sf, &sl);
	/* Keep the selected host in view: its whole block when it fits, else its head. */
	if (sf < v->top)
		v->top = sf;
	else if (sl > v->top + list_rows)
		v->top = sl - sf > list_rows ? sf : sl - list_rows;
	if (v->prompt != HV_NONE)
		v->top = 0; /* the question is always on screen */
	if (v->top + list_rows > total)
		v->top = total > list_rows ? total - list_rows : 0;
	memset(&o, 0, sizeof(o));
	o.width = width;
	o.lines = lines;
	o.first = v->top;
	o.height = list_rows;
	hv_layout(v, &o, now, &sf, &sl);
	size_t got = o.n > o.first ? o.n - o.first : 0;
	if (got > list_rows)
		got = list_rows;
	for (size_t k = got; k < list_rows; k++)
		memset(&lines[k], 0, sizeof(lines[k]));
	if (run_rows) {
		struct hv_out r;
		memset(&r, 0, sizeof(r));
		r.width = width;
		r.lines = lines + list_rows;
		r.height = run_rows;
		hv_run_block(v, &r, run_rows);
		for (size_t k = r.n; k < run_rows; k++)
			memset(&lines[list_rows + k], 0, sizeof(lines[k]));
	}
	return list_rows + run_rows;
}

void hosts_view_title(struct hosts_view *v, char *out, size_t cap)
{
	size_t n = hosts_count(v->hosts), ok = 0, failing = 0;
	for (size_t i = 0; i < n; i++) {
		const struct host_status *st = hosts_status(v->hosts, i);
		if (!st->polled)
			continue;
		if (st->fail == SSH_OK && !st->nmissing && !st->nduplicated)
			ok++;
		else
			failing++;
	}
	size_t busy = hosts_busy_count(v->hosts);
	int len = snprintf(out, cap, "Hosts %zu: %zu ok, %zu failing%s", n, ok, failing, v->read_only ? ", read-only" : "");
	if (busy && len >= 0 && (size_t)len < cap)
		len += snprintf(out + len, cap - (size_t)len, " (%zu polling)", busy);
	if (len >= 0 && (size_t)len < cap)
		len += snprintf(out + len, cap - (size_t)len, "  r refresh, :ssh HOST ACTION, X cancel, Esc back");
	if (v->note[0] && len >= 0 && (size_t)len < cap)
		snprintf(out + len, cap - (size_t)len, "  | %s", v->note);
}

void hosts_view_summary(struct hosts_view *v, char *out, size_t cap, bool *bad)
{
	size_t n = hosts_count(v->hosts), ok = 0;
	int len = 0;
	*bad = false;
	char fails[600] = "";
	size_t fl = 0;
	for (size_t i = 0; i < n; i++) {
		const struct host_status *st = hosts_status(v->hosts, i);
		if (st->polled && st->fail == SSH_OK && !st->nmissing && !st->nduplicated) {
			ok++;
		} else if (st->polled && fl + 2 < sizeof(fails)) {
			*bad = true;
			fl += (size_t)snprintf(fails + fl, sizeof(fails) - fl, ", %s %s", st->cfg->name,
					       st->fail != SSH_OK ? ssh_fail_name(st->fail) :
					       st->nmissing ? "pm2 missing" : "pm2 duplicated");
			if (fl >= sizeof(fails))
				fl = sizeof(fails) - 1;
		}
	}
	len = snprintf(out, cap, "Hosts %zu: %zu ok%s", n, ok, fails);
	(void)len;
}
