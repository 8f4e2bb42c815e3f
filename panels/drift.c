/* panels/drift: `warroom --batch --panel drift [--context A --context B]`, the
 * comparison of kube/drift printed as plain tables.  See drift.h. */
#include "panels/drift.h"

#include "core/xalloc.h"
#include "kube/drift.h"
#include "kube/informer.h"
#include "tui/app.h"
#include "tui/text.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DRIFT_NINF = 3 };
static const enum kube_resource drift_resources[DRIFT_NINF] = { KUBE_PODS, KUBE_DEPLOYMENTS,
								 KUBE_STATEFULSETS };

/* One context: its own connection (or the app's), model and Helm list request. */
struct drift_source {
	char label[128];
	char *server;
	struct kube_auth *auth;       /* owned, NULL when borrowing the app's */
	struct http_client *http;     /* owned when auth is */
	struct model model;
	struct informer *inf[DRIFT_NINF];
	char *helm_body;
	size_t helm_len;
	bool helm_done;
	char helm_err[400];
	struct helm_list helm;
};

struct drift_run {
	struct loop *loop;
	struct drift_source src[2];
	int n;
};

static bool drift_all_done(const struct drift_run *d)
{
	for (int s = 0; s < d->n; s++) {
		if (!d->src[s].helm_done)
			return false;
		for (int i = 0; i < DRIFT_NINF; i++)
			if (d->src[s].inf[i] && !informer_finished(d->src[s].inf[i]))
				return false;
	}
	return true;
}

static void drift_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	struct drift_run *d = ud;
	if (drift_all_done(d))
		loop_stop(d->loop);
}

struct drift_helm_ctx {
	struct drift_run *run;
	struct drift_source *src;
};

static bool drift_helm_data(void *ud, const char *data, size_t len)
{
	struct drift_source *s = ((struct drift_helm_ctx *)ud)->src;
	if (s->helm_len + len > 64u << 20) {
		snprintf(s->helm_err, sizeof(s->helm_err), "helm: the Secret list is larger than 64 MiB");
		return false;
	}
	s->helm_body = xrealloc(s->helm_body, s->helm_len + len + 1);
	memcpy(s->helm_body + s->helm_len, data, len);
	s->helm_len += len;
	s->helm_body[s->helm_len] = '\0';
	return true;
}

static void drift_helm_done(void *ud, const struct http_result *res)
{
	struct drift_helm_ctx *hc = ud;
	struct drift_source *s = hc->src;
	s->helm_done = true;
	if (!s->helm_err[0] && (res->error || res->status != 200)) {
		/* 403: not allowed to read secrets; the workloads comparison still stands. */
		snprintf(s->helm_err, sizeof(s->helm_err), "helm releases: %s",
			 res->error ? res->error : res->problem ? res->problem : "unexpected status");
	} else if (!s->helm_err[0]) {
		json_error_t je;
		json_t *j = json_loadb(s->helm_body ? s->helm_body : "", s->helm_len, 0, &je);
		char err[300];
		if (!j)
			snprintf(s->helm_err, sizeof(s->helm_err), "helm releases: bad JSON at line %d: %s", je.line,
				 je.text);
		else if (drift_helm_from_list(&s->helm, j, err, sizeof(err)) < 0)
			snprintf(s->helm_err, sizeof(s->helm_err), "%s", err);
		json_decref(j);
	}
	free(s->helm_body);
	s->helm_body = NULL;
	/* Batch waits for every source; the console (n == 0) never stops its loop here. */
	if (hc->run->n > 0 && drift_all_done(hc->run))
		loop_stop(hc->run->loop);
}

/* Loads kubeconfig context `name` into s (its own auth and client).  0, or -1 with err. */
static int drift_source_connect(struct drift_source *s, struct app *app, const char *name, char *err,
				size_t cap)
{
	struct kube_flags fl = { .kubeconfig = app->kflags.kubeconfig, .context = name };
	struct kube_env env;
	kubeconfig_env_from_process(&env);
	char *why = NULL;
	struct kube_conn *conn = kubeconfig_load(&fl, &env, &why);
	if (!conn) {
		snprintf(err, cap, "context %s: %s", name, why ? why : "cannot load the kubeconfig");
		free(why);
		return -1;
	}
	size_t slen = strlen(conn->server);
	while (slen > 0 && conn->server[slen - 1] == '/')
		slen--;
	s->server = xstrndup(conn->server, slen);
	s->http = http_client_new(app->loop);
	s->auth = auth_new(app->loop, conn, false);
	auth_attach(s->auth, s->http);
	snprintf(s->label, sizeof(s->label), "%s", name);
	return 0;
}

static void drift_source_start(struct drift_run *d, struct drift_source *s, struct drift_helm_ctx *hc,
			       const char *ns)
{
	struct informer_config cfg = { .server = s->server, .ns = ns,
				       .opts = { .timeout_ms = 20000, .connect_timeout_ms = 5000 },
				       .page_limit = 500, .once = true };
	for (int i = 0; i < DRIFT_NINF; i++) {
		s->inf[i] = informer_new(d->loop, s->http, &s->model, drift_resources[i], &cfg, drift_on_informer, d);
		informer_start(s->inf[i]);
	}
	/* Only Helm's records (labelSelector owner=helm); only their labels are read. */
	char *url = ns ? xasprintf("%s/api/v1/namespaces/%s/secrets?labelSelector=owner%%3Dhelm", s->server, ns)
		       : xasprintf("%s/api/v1/secrets?labelSelector=owner%%3Dhelm", s->server);
	struct http_opts o = { .timeout_ms = 20000, .connect_timeout_ms = 5000 };
	hc->run = d;
	hc->src = s;
	http_get(s->http, url, &o, drift_helm_data, drift_helm_done, hc);
	free(url);
}

static void drift_source_free(struct drift_source *s)
{
	for (int i = 0; i < DRIFT_NINF; i++)
		if (s->inf[i])
			informer_free(s->inf[i]);
	model_free(&s->model);
	if (s->auth) {
		/* The provider detaches itself from the client: it goes first. */
		auth_free(s->auth);
		http_client_free(s->http);
	}
	free(s->server);
	free(s->helm_body);
	drift_helm_free(&s->helm);
}

/* A cell: sanitised (the server's strings may carry escapes), cut to width. */
static void drift_cell(char *out, size_t cap, const char *raw)
{
	text_sanitize(raw, strlen(raw), out, cap);
}

static void drift_print_row(FILE *out, const int *w, int ncol, char cells[][600])
{
	for (int c = 0; c < ncol; c++) {
		if (c == ncol - 1)
			fprintf(out, "%s\n", cells[c]);
		else
			fprintf(out, "%-*s   ", w[c], cells[c]);
	}
}

void drift_print_report(const struct drift_report *r, const char *const *labels, FILE *out)
{
	enum { MAXC = 8 };
	int ncol = r->nsides == 2 ? 8 : 6;
	char head[MAXC][600];
	snprintf(head[0], 600, "KIND");
	snprintf(head[1], 600, "NAMESPACE");
	snprintf(head[2], 600, "NAME");
	for (int s = 0; s < r->nsides; s++) {
		char l[200];
		drift_cell(l, sizeof(l), labels[s]);
		if (r->nsides == 2) {
			snprintf(head[3 + 2 * s], 600, "SPEC(%s)", l);
			snprintf(head[4 + 2 * s], 600, "RUNNING(%s)", l);
		} else {
			snprintf(head[3], 600, "SPEC");
			snprintf(head[4], 600, "RUNNING");
		}
	}
	snprintf(head[ncol - 1], 600, "DRIFT");
	char (*cells)[MAXC][600] = xcalloc(r->nrows + 1, sizeof(*cells));
	int w[MAXC];
	for (int c = 0; c < ncol; c++)
		w[c] = (int)text_width(head[c]);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct drift_row *row = &r->rows[i];
		snprintf(cells[i][0], 600, "%s", model_workload_kind_name(row->kind));
		drift_cell(cells[i][1], 600, row->ns);
		drift_cell(cells[i][2], 600, row->name);
		for (int s = 0; s < r->nsides; s++) {
			const struct drift_side *d = &row->side[s];
			drift_cell(cells[i][3 + 2 * s], 600, d->present ? d->spec : "(missing)");
			drift_cell(cells[i][4 + 2 * s], 600, d->present ? d->running : "-");
		}
		/* What to look at, worst first: a difference between contexts, then pods that
		 * do not run what the spec says (a rollout in progress or stuck). */
		char flag[600] = "";
		if (row->differs)
			snprintf(flag, sizeof(flag), "DIFFERS");
		for (int s = 0; s < r->nsides; s++)
			if (row->side[s].present && row->side[s].stale_pods > 0) {
				size_t len = strlen(flag);
				char l[200];
				drift_cell(l, sizeof(l), labels[s]);
				snprintf(flag + len, sizeof(flag) - len, "%sROLLOUT %d/%d pods off spec%s%s%s",
					 len ? ", " : "", row->side[s].stale_pods, row->side[s].pods,
					 r->nsides == 2 ? " (" : "", r->nsides == 2 ? l : "", r->nsides == 2 ? ")" : "");
			}
		snprintf(cells[i][ncol - 1], 600, "%s", flag[0] ? flag : "-");
		for (int c = 0; c < ncol; c++) {
			int cw = (int)text_width(cells[i][c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	drift_print_row(out, w, ncol, head);
	for (size_t i = 0; i < r->nrows; i++)
		drift_print_row(out, w, ncol, cells[i]);
	free(cells);
}

void drift_print_helm(const struct helm_list *h, const char *label, time_t now, FILE *out)
{
	char l[200];
	drift_cell(l, sizeof(l), label);
	fprintf(out, "HELM RELEASES (%s)\n", l);
	if (h->n == 0) {
		fprintf(out, "(none)\n");
		return;
	}
	char cells[6][600];
	int w[6] = { 9, 4, 8, 6, 8, 4 };
	/* Two passes: widths, then lines. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			snprintf(cells[0], 600, "NAMESPACE");
			snprintf(cells[1], 600, "NAME");
			snprintf(cells[2], 600, "REVISION");
			snprintf(cells[3], 600, "STATUS");
			snprintf(cells[4], 600, "DEPLOYED");
			snprintf(cells[5], 600, "FLAG");
			drift_print_row(out, w, 6, cells);
		}
		for (size_t i = 0; i < h->n; i++) {
			const struct helm_release *r = &h->v[i];
			drift_cell(cells[0], 600, r->ns);
			drift_cell(cells[1], 600, r->name);
			snprintf(cells[2], 600, "%d", r->version);
			drift_cell(cells[3], 600, r->status);
			if (r->deployed) {
				char age[32], ts[40];
				struct tm tm;
				localtime_r(&r->deployed, &tm);
				strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M", &tm);
				model_format_age(r->deployed, now, age, sizeof(age));
				snprintf(cells[4], 600, "%s (%s ago)", ts, age);
			} else {
				snprintf(cells[4], 600, "<unknown>");
			}
			snprintf(cells[5], 600, "%s", !r->flagged ? "-" : !strcmp(r->status, "failed") ? "FAILED"
						   : "PENDING");
			if (pass == 0) {
				for (int c = 0; c < 6; c++)
					if ((int)text_width(cells[c]) > w[c])
						w[c] = (int)text_width(cells[c]);
			} else {
				drift_print_row(out, w, 6, cells);
			}
		}
	}
}

int drift_run_panel(struct app *app, const char *const *contexts, size_t n)
{
	if (n > 2) {
		fprintf(stderr, "warroom: --panel drift compares at most two contexts (got %zu --context)\n", n);
		return 2;
	}
	struct drift_run *d = xcalloc(1, sizeof(*d));
	struct drift_helm_ctx hc[2];
	d->loop = app->loop;
	d->n = n == 2 ? 2 : 1;
	char err[800];
	int rc = 0;
	for (int s = 0; s < d->n; s++)
		model_init(&d->src[s].model);
	if (n == 2) {
		for (int s = 0; s < 2 && rc == 0; s++)
			if (drift_source_connect(&d->src[s], app, contexts[s], err, sizeof(err)) < 0)
				rc = 2;
	} else {
		const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
		snprintf(d->src[0].label, sizeof(d->src[0].label), "%s", kc && kc->context ? kc->context : app->server);
		d->src[0].server = xstrdup(app->server);
		d->src[0].http = app->http;
	}
	if (rc == 0) {
		for (int s = 0; s < d->n; s++)
			drift_source_start(d, &d->src[s], &hc[s], app->ns);
		if (!drift_all_done(d))
			loop_run(app->loop);
		for (int s = 0; s < d->n && rc == 0; s++)
			for (int i = 0; i < DRIFT_NINF; i++)
				if (informer_state(d->src[s].inf[i]) != INFORMER_LISTED) {
					snprintf(err, sizeof(err), "%s: %s", d->src[s].label, informer_error(d->src[s].inf[i]));
					rc = 2;
					break;
				}
	}
	if (rc == 0) {
		struct drift_report r;
		drift_report_build(&r, &d->src[0].model, d->n == 2 ? &d->src[1].model : NULL);
		const char *labels[2] = { d->src[0].label, d->src[1].label };
		drift_print_report(&r, labels, stdout);
		drift_report_free(&r);
		time_t now = time(NULL);
		for (int s = 0; s < d->n; s++) {
			fputc('\n', stdout);
			if (d->src[s].helm_err[0]) {
				char safe[900];
				text_sanitize(d->src[s].helm_err, strlen(d->src[s].helm_err), safe, sizeof(safe));
				fprintf(stdout, "HELM RELEASES (%s)\n(not read: %s)\n", d->src[s].label, safe);
			} else {
				drift_print_helm(&d->src[s].helm, d->src[s].label, now, stdout);
			}
		}
		rc = fflush(stdout) == 0 ? 0 : 2;
	} else {
		char safe[1200];
		text_sanitize(err, strlen(err), safe, sizeof(safe));
		fprintf(stderr, "warroom: drift: %s\n", safe);
	}
	for (int s = 0; s < d->n; s++)
		drift_source_free(&d->src[s]);
	free(d);
	return rc;
}

/* ---- the console's view (the connected context, live) ---- */

struct drift_console {
	bool shown;
	size_t top;
	struct helm_list helm;
	char helm_err[400];
	struct drift_source fetch;     /* borrows app->http for the Helm list */
	struct drift_helm_ctx hc;
	struct drift_run run;
	bool fetching;
};

static void drift_console_fetch(struct app *app)
{
	struct drift_console *dc = app->drift;
	if (dc->fetching)
		return;
	drift_helm_free(&dc->fetch.helm);
	free(dc->fetch.server);
	memset(&dc->fetch, 0, sizeof(dc->fetch));
	dc->fetch.server = xstrdup(app->server);
	dc->fetch.http = app->http;
	dc->run.loop = app->loop;
	dc->run.n = 0;  /* nothing to wait for: the loop is the console's */
	dc->hc.run = &dc->run;
	dc->hc.src = &dc->fetch;
	char *url = app->ns ? xasprintf("%s/api/v1/namespaces/%s/secrets?labelSelector=owner%%3Dhelm", app->server, app->ns)
			    : xasprintf("%s/api/v1/secrets?labelSelector=owner%%3Dhelm", app->server);
	struct http_opts o = { .timeout_ms = 20000, .connect_timeout_ms = 5000 };
	dc->fetching = true;
	http_get(app->http, url, &o, drift_helm_data, drift_helm_done, &dc->hc);
	free(url);
}

bool drift_console_shown(const struct app *app)
{
	return app->drift && app->drift->shown && !app->describe && !app->logs;
}

void drift_console_show(struct app *app, bool on)
{
	if (!app->drift) {
		if (!on)
			return;
		app->drift = xcalloc(1, sizeof(*app->drift));
	}
	app->drift->shown = on;
	if (on) {
		app->drift->top = 0;
		drift_console_fetch(app);  /* Helm releases change rarely: read on opening */
	}
}

void drift_console_free(struct app *app)
{
	struct drift_console *dc = app->drift;
	if (!dc)
		return;
	/* A pending Helm request would call back into dc: the client is freed after this,
	 * and a request still in flight is cancelled with it (no callbacks). */
	drift_helm_free(&dc->fetch.helm);
	free(dc->fetch.server);
	free(dc->fetch.helm_body);
	free(dc);
	app->drift = NULL;
}

size_t drift_console_lines(struct app *app, char ***lines_out)
{
	struct drift_console *dc = app->drift;
	if (dc->fetching && dc->fetch.helm_done)
		dc->fetching = false;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out) {
		*lines_out = NULL;
		return 0;
	}
	struct drift_report r;
	drift_report_build(&r, &app->model, NULL);
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	const char *label = kc && kc->context ? kc->context : app->server;
	const char *labels[2] = { label, label };
	drift_print_report(&r, labels, out);
	drift_report_free(&r);
	fputc('\n', out);
	if (!dc->fetch.helm_done)
		fprintf(out, "HELM RELEASES\n(reading...)\n");
	else if (dc->fetch.helm_err[0])
		fprintf(out, "HELM RELEASES\n(not read: %s)\n", dc->fetch.helm_err);
	else
		drift_print_helm(&dc->fetch.helm, label, time(NULL), out);
	fclose(out);
	size_t n = 0, cap = 0;
	char **lines = NULL;
	for (char *p = buf; p && *p;) {
		size_t l = strcspn(p, "\n");
		lines = xgrow(lines, &cap, n + 1, sizeof(*lines));
		lines[n++] = xstrndup(p, l);
		p += l + (p[l] == '\n');
	}
	free(buf);
	*lines_out = lines;
	return n;
}

bool drift_console_exec(struct app *app, const struct command_call *call, size_t page)
{
	struct drift_console *dc = app->drift;
	if (!drift_console_shown(app))
		return false;
	switch (call->id) {
	case CMD_QUIT:
	case CMD_CANCEL:
	case CMD_DRIFT:
		dc->shown = false;
		return true;
	case CMD_REFRESH:
		drift_console_fetch(app);
		return false;  /* and the informers re-list as usual */
	case CMD_MOVE_UP:
		dc->top = dc->top ? dc->top - 1 : 0;
		return true;
	case CMD_MOVE_DOWN:
		dc->top++;
		return true;
	case CMD_PAGE_UP:
		dc->top = dc->top > page ? dc->top - page : 0;
		return true;
	case CMD_PAGE_DOWN:
		dc->top += page;
		return true;
	case CMD_MOVE_TOP:
		dc->top = 0;
		return true;
	default:
		return false;
	}
}

size_t drift_console_top(const struct app *app, size_t nlines, size_t rows)
{
	struct drift_console *dc = app->drift;
	size_t max = nlines > rows ? nlines - rows : 0;
	if (dc->top > max)
		dc->top = max;
	return dc->top;
}
