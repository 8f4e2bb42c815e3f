/* panels/drift: `warroom --batch --panel drift [--context A --context B...]`, the
 * comparison of kube/drift printed as plain tables, and the context sources the console's
 * view shares (drift_console.c).  See drift.h. */
#include "panels/drift.h"
#include "panels/drift_int.h"

#include "core/xalloc.h"
#include "kube/kubeconfig.h"
#include "tui/app.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const enum kube_resource drift_resources[DRIFT_NINF] = { KUBE_PODS, KUBE_DEPLOYMENTS,
								 KUBE_STATEFULSETS, KUBE_NODES };

/* ---- context sources ---- */

int drift_source_connect(struct drift_source *s, struct app *app, const char *name, char *err, size_t cap)
{
	struct kube_flags fl = { .kubeconfig = app->kflags.kubeconfig, .context = name };
	struct kube_env env;
	kubeconfig_env_from_process(&env);
	char *why = NULL;
	struct kube_conn *conn = kubeconfig_load(&fl, &env, &why);
	snprintf(s->label, sizeof(s->label), "%s", name);
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
	return 0;
}

void drift_source_start(struct drift_source *s, struct loop *loop, const char *ns, bool once, int ninf,
			informer_notify_fn on_inf, helm_watch_fn on_helm, void *ud)
{
	struct informer_config cfg = { .server = s->server, .ns = ns,
				       .opts = { .timeout_ms = once ? 20000 : 30000, .connect_timeout_ms = 5000 },
				       .page_limit = 500, .once = once };
	for (int i = 0; i < ninf && i < DRIFT_NINF; i++) {
		s->inf[i] = informer_new(loop, s->http, &s->model, drift_resources[i], &cfg, on_inf, ud);
		informer_start(s->inf[i]);
	}
	/* Only Helm's records (labelSelector owner=helm); only their labels are read. */
	s->helm = helm_watch_new(loop, s->http, s->server, ns, on_helm, ud);
}

void drift_source_free(struct drift_source *s)
{
	for (int i = 0; i < DRIFT_NINF; i++)
		if (s->inf[i])
			informer_free(s->inf[i]);
	helm_watch_free(s->helm);
	model_free(&s->model);
	if (s->auth) {
		/* The provider detaches itself from the client: it goes first. */
		auth_free(s->auth);
		http_client_free(s->http);
	}
	free(s->server);
	memset(s, 0, sizeof(*s));
}

/* ---- the tables ---- */

enum { DRIFT_CELL = 600, DRIFT_MAXC = 3 + 2 * DRIFT_MAX_SIDES + 1 };

/* A cell: sanitised (the server's strings may carry escapes), cut to width. */
static void drift_cell(char *out, size_t cap, const char *raw)
{
	text_sanitize(raw, strlen(raw), out, cap);
}

/* Prints the cells in the order `order` (NULL: as they are). */
static void drift_print_cols(FILE *out, const int *w, int ncol, char cells[][DRIFT_CELL], const int *order)
{
	for (int k = 0; k < ncol; k++) {
		int c = order ? order[k] : k;
		if (k == ncol - 1)
			fprintf(out, "%s\n", cells[c]);
		else
			fprintf(out, "%-*s   ", w[c], cells[c]);
	}
}

static void drift_print_row(FILE *out, const int *w, int ncol, char cells[][DRIFT_CELL])
{
	drift_print_cols(out, w, ncol, cells, NULL);
}

/* The DRIFT cell: what to look at, worst first: a difference between contexts, then pods
 * that do not run what the spec says (a rollout in progress or stuck). */
static void drift_flag(const struct drift_report *r, const struct drift_row *row, const char *const *labels,
		       char *flag, size_t cap)
{
	flag[0] = '\0';
	if (row->differs)
		snprintf(flag, cap, "DIFFERS");
	for (int s = 0; s < r->nsides; s++)
		if (row->side[s].present && row->side[s].stale_pods > 0) {
			size_t len = strlen(flag);
			char l[200];
			drift_cell(l, sizeof(l), labels[s]);
			snprintf(flag + len, cap - len, "%sROLLOUT %d/%d pods off spec%s%s%s", len ? ", " : "",
				 row->side[s].stale_pods, row->side[s].pods, r->nsides > 1 ? " (" : "",
				 r->nsides > 1 ? l : "", r->nsides > 1 ? ")" : "");
		}
	if (!flag[0])
		snprintf(flag, cap, "-");
}

void drift_print_table(const struct drift_report *r, const char *const *labels, bool marks, FILE *out)
{
	int ncol = 3 + 2 * r->nsides + 1;
	char head[DRIFT_MAXC][DRIFT_CELL];
	snprintf(head[0], DRIFT_CELL, "KIND");
	snprintf(head[1], DRIFT_CELL, "NAMESPACE");
	snprintf(head[2], DRIFT_CELL, "NAME");
	for (int s = 0; s < r->nsides; s++) {
		char l[200];
		drift_cell(l, sizeof(l), labels[s]);
		if (r->nsides > 1) {
			snprintf(head[3 + 2 * s], DRIFT_CELL, "SPEC(%s)", l);
			snprintf(head[4 + 2 * s], DRIFT_CELL, "RUNNING(%s)", l);
		} else {
			snprintf(head[3], DRIFT_CELL, "SPEC");
			snprintf(head[4], DRIFT_CELL, "RUNNING");
		}
	}
	snprintf(head[ncol - 1], DRIFT_CELL, "DRIFT");
	char (*cells)[DRIFT_MAXC][DRIFT_CELL] = xcalloc(r->nrows + 1, sizeof(*cells));
	int w[DRIFT_MAXC];
	for (int c = 0; c < ncol; c++)
		w[c] = (int)text_width(head[c]);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct drift_row *row = &r->rows[i];
		/* The console's marker leads the line (the header's KIND stays first). */
		snprintf(cells[i][0], DRIFT_CELL, "%s%s", !marks ? "" : row->differs ? "!" : row->rollout ? "~" : " ",
			 model_workload_kind_name(row->kind));
		drift_cell(cells[i][1], DRIFT_CELL, row->ns);
		drift_cell(cells[i][2], DRIFT_CELL, row->name);
		for (int s = 0; s < r->nsides; s++) {
			const struct drift_side *d = &row->side[s];
			char spec[DRIFT_CELL - 2];
			drift_cell(spec, sizeof(spec), d->present ? d->spec : "(missing)");
			snprintf(cells[i][3 + 2 * s], DRIFT_CELL, "%s%s", marks && s > 0 && row->side_differs[s] ? "*" : "",
				 spec);
			drift_cell(cells[i][4 + 2 * s], DRIFT_CELL, d->present ? d->running : "-");
		}
		drift_flag(r, row, labels, cells[i][ncol - 1], DRIFT_CELL);
		for (int c = 0; c < ncol; c++) {
			int cw = (int)text_width(cells[i][c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	/* The console puts DRIFT right after NAME: side by side the image columns are wide,
	 * and the verdict must not fall off the right edge of the screen. */
	int order[DRIFT_MAXC];
	for (int k = 0; k < ncol; k++)
		order[k] = !marks || k < 3 ? k : k == 3 ? ncol - 1 : k - 1;
	drift_print_cols(out, w, ncol, head, order);
	for (size_t i = 0; i < r->nrows; i++)
		drift_print_cols(out, w, ncol, cells[i], order);
	free(cells);
}

void drift_print_report(const struct drift_report *r, const char *const *labels, FILE *out)
{
	drift_print_table(r, labels, false, out);
}

static bool drift_table_current(const struct drift_table_cache *c, const struct model *const *ms,
				const char *const *labels, int n)
{
	if (!c->text || c->n != n)
		return false;
	for (int s = 0; s < n; s++)
		if (c->ms[s] != ms[s] || c->pods_version[s] != ms[s]->pods_version ||
		    c->workloads_version[s] != ms[s]->workloads_version || strcmp(c->labels[s], labels[s]))
			return false;
	return true;
}

void drift_table_cache_free(struct drift_table_cache *c)
{
	free(c->text);
	c->text = NULL;
	for (int s = 0; s < DRIFT_MAX_SIDES; s++) {
		free(c->labels[s]);
		c->labels[s] = NULL;
	}
	c->n = 0;
}

const char *drift_table_cached(struct drift_table_cache *c, const struct model *const *ms,
			       const char *const *labels, int n)
{
	if (n > DRIFT_MAX_SIDES)
		n = DRIFT_MAX_SIDES;
	if (drift_table_current(c, ms, labels, n))
		return c->text;
	drift_table_cache_free(c);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return "";   /* out of memory: nothing to show, nothing kept */
	struct drift_report r;
	drift_report_build_n(&r, ms, n);
	drift_print_table(&r, labels, true, out);
	drift_report_free(&r);
	fclose(out);
	c->builds++;
	c->text = buf;
	c->n = n;
	for (int s = 0; s < n; s++) {
		c->ms[s] = ms[s];
		c->pods_version[s] = ms[s]->pods_version;
		c->workloads_version[s] = ms[s]->workloads_version;
		c->labels[s] = xstrdup(labels[s]);
	}
	return c->text;
}

void drift_print_releases(const struct helm_list *h, const char *label, time_t now, bool marks, FILE *out)
{
	char l[200];
	drift_cell(l, sizeof(l), label);
	fprintf(out, "HELM RELEASES (%s)\n", l);
	if (h->n == 0) {
		fprintf(out, "(none)\n");
		return;
	}
	char cells[6][DRIFT_CELL];
	int w[6] = { 9, 4, 8, 6, 8, 4 };
	/* Two passes: widths, then lines. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			snprintf(cells[0], DRIFT_CELL, "NAMESPACE");
			snprintf(cells[1], DRIFT_CELL, "NAME");
			snprintf(cells[2], DRIFT_CELL, "REVISION");
			snprintf(cells[3], DRIFT_CELL, "STATUS");
			snprintf(cells[4], DRIFT_CELL, "DEPLOYED");
			snprintf(cells[5], DRIFT_CELL, "FLAG");
			drift_print_row(out, w, 6, cells);
		}
		for (size_t i = 0; i < h->n; i++) {
			const struct helm_release *r = &h->v[i];
			char ns[DRIFT_CELL - 2];
			drift_cell(ns, sizeof(ns), r->ns);
			snprintf(cells[0], DRIFT_CELL, "%s%s", !marks ? "" : r->flagged ? "!" : " ", ns);
			drift_cell(cells[1], DRIFT_CELL, r->name);
			snprintf(cells[2], DRIFT_CELL, "%d", r->version);
			drift_cell(cells[3], DRIFT_CELL, r->status);
			if (r->deployed) {
				char age[32], ts[40];
				struct tm tm;
				localtime_r(&r->deployed, &tm);
				strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M", &tm);
				model_format_age(r->deployed, now, age, sizeof(age));
				snprintf(cells[4], DRIFT_CELL, "%s (%s ago)", ts, age);
			} else {
				snprintf(cells[4], DRIFT_CELL, "<unknown>");
			}
			snprintf(cells[5], DRIFT_CELL, "%s", !r->flagged ? "-" : !strcmp(r->status, "failed") ? "FAILED"
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

void drift_print_helm(const struct helm_list *h, const char *label, time_t now, FILE *out)
{
	drift_print_releases(h, label, now, false, out);
}

/* ---- batch ---- */

struct drift_run {
	struct loop *loop;
	struct drift_source src[DRIFT_MAX_SIDES];
	int n;
};

static bool drift_all_done(const struct drift_run *d)
{
	for (int s = 0; s < d->n; s++) {
		const struct helm_watch *h = d->src[s].helm;
		if (h && !helm_watch_synced(h) && !helm_watch_error(h)[0])
			return false;
		for (int i = 0; i < DRIFT_NINF; i++)
			if (d->src[s].inf[i] && !informer_finished(d->src[s].inf[i]))
				return false;
	}
	return true;
}

static void drift_on_helm(void *ud)
{
	struct drift_run *d = ud;
	if (drift_all_done(d))
		loop_stop(d->loop);
}

static void drift_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	drift_on_helm(ud);
}

int drift_run_panel(struct app *app, const char *const *contexts, size_t n)
{
	if (n > DRIFT_MAX_SIDES) {
		fprintf(stderr, "warroom: --panel drift compares at most %d contexts (got %zu --context)\n",
			DRIFT_MAX_SIDES, n);
		return 2;
	}
	struct drift_run *d = xcalloc(1, sizeof(*d));
	d->loop = app->loop;
	d->n = n >= 2 ? (int)n : 1;
	char err[800];
	int rc = 0;
	for (int s = 0; s < d->n; s++)
		model_init(&d->src[s].model);
	if (n >= 2) {
		for (int s = 0; s < d->n && rc == 0; s++)
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
			drift_source_start(&d->src[s], d->loop, app->ns, true, DRIFT_NINF_BATCH, drift_on_informer,
					   drift_on_helm, d);
		if (!drift_all_done(d))
			loop_run(app->loop);
		for (int s = 0; s < d->n && rc == 0; s++)
			for (int i = 0; i < DRIFT_NINF_BATCH; i++)
				if (informer_state(d->src[s].inf[i]) != INFORMER_LISTED) {
					snprintf(err, sizeof(err), "%s: %s", d->src[s].label, informer_error(d->src[s].inf[i]));
					rc = 2;
					break;
				}
	}
	if (rc == 0) {
		struct drift_report r;
		const struct model *ms[DRIFT_MAX_SIDES];
		const char *labels[DRIFT_MAX_SIDES];
		for (int s = 0; s < d->n; s++) {
			ms[s] = &d->src[s].model;
			labels[s] = d->src[s].label;
		}
		drift_report_build_n(&r, ms, d->n);
		drift_print_report(&r, labels, stdout);
		drift_report_free(&r);
		time_t now = time(NULL);
		for (int s = 0; s < d->n; s++) {
			fputc('\n', stdout);
			const char *herr = helm_watch_error(d->src[s].helm);
			if (herr[0]) {
				/* 403: not allowed to read secrets; the workloads comparison still stands. */
				char safe[900], l[200];
				text_sanitize(herr, strlen(herr), safe, sizeof(safe));
				drift_cell(l, sizeof(l), d->src[s].label);
				fprintf(stdout, "HELM RELEASES (%s)\n(not read: %s)\n", l, safe);
			} else {
				drift_print_helm(helm_watch_releases(d->src[s].helm), d->src[s].label, now, stdout);
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
