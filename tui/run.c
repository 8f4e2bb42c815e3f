/* tui/run: see run.h. */
#include "tui/run.h"

#include "core/xalloc.h"
#include "panels/confirm.h"
#include "panels/drift.h"
#include "panels/timeline.h"
#include "tui/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const run_pane_names[APP_NPANES] = {
	[APP_PANE_PODS] = "pods", [APP_PANE_NODES] = "nodes",
	[APP_PANE_WORKLOADS] = "workloads", [APP_PANE_EVENTS] = "events",
};

static int run_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run_fail(const char *fmt, ...)
{
	char raw[3000], safe[3600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	fprintf(stderr, "warroom: %s\n", safe);
	return 2;
}

int run_pane_index(const char *name)
{
	for (int i = 0; i < APP_NPANES; i++)
		if (strcmp(run_pane_names[i], name) == 0)
			return i;
	return -1;
}

static bool run_listed(const struct app *app)
{
	for (size_t i = 0; i < KUBE_NRESOURCES; i++)
		if (app->informers[i] && !informer_finished(app->informers[i]))
			return false;
	return true;
}

/* Ends the wait of run_list once every started informer has finished its list. */
static void run_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	struct app *app = ud;
	if (run_listed(app))
		loop_stop(app->loop);
}

static struct http_opts run_http_opts(const struct app *app, long timeout_ms)
{
	(void)app; /* credentials and TLS come from the auth provider (kube/auth), never from
		    * opts: a token here would override it and stop exec plugins re-running on 401 */
	struct http_opts o = { .timeout_ms = timeout_ms, .connect_timeout_ms = 5000 };
	return o;
}

/* Lists the resources once; 0, or 2 after printing why the first failed one failed. */
static int run_list(struct app *app, const bool want[KUBE_NRESOURCES])
{
	struct informer_config cfg = {
		.server = app->server,
		.ns = app->ns,
		.opts = run_http_opts(app, 20000),
		.page_limit = 500,
		.once = true,
	};
	bool any = false;
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		if (!want[r] || app->informers[r])
			continue;
		app->informers[r] = informer_new(app->loop, app->http, &app->model, (enum kube_resource)r, &cfg,
						 run_on_informer, app);
		informer_start(app->informers[r]);
		any = true;
	}
	if (any && !run_listed(app))
		loop_run(app->loop); /* until run_on_informer stops it; reusable for a later wait */
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		struct informer *inf = app->informers[r];
		if (inf && informer_state(inf) != INFORMER_LISTED) {
			long st = informer_error_status(inf);
			const char *hint = st == 401 ? " (the server refused the credentials)"
					   : st == 403 ? " (not allowed to list this resource)" : "";
			return run_fail("%s: %s%s", app->server, informer_error(inf), hint);
		}
	}
	return 0;
}

static void run_need(int pane, bool want[KUBE_NRESOURCES])
{
	switch (pane) {
	case APP_PANE_NODES:
		want[KUBE_NODES] = true;
		want[KUBE_PODS] = true; /* the PODS column counts pods per node */
		break;
	case APP_PANE_WORKLOADS:
		want[KUBE_DEPLOYMENTS] = true;
		want[KUBE_STATEFULSETS] = true;
		break;
	case APP_PANE_EVENTS:
		want[KUBE_EVENTS] = true;
		break;
	default:
		want[KUBE_PODS] = true;
		break;
	}
}

int run_panels(struct app *app, const char *const *names, size_t n)
{
	bool want[KUBE_NRESOURCES] = { false };
	for (size_t i = 0; i < n; i++) {
		/* The timeline is read from the state directory, not listed from the cluster. */
		if (strcmp(names[i], "timeline") == 0)
			continue;
		int idx = run_pane_index(names[i]);
		if (idx < 0)
			return run_fail("unknown panel '%s' (pods, nodes, workloads, events)", names[i]);
		run_need(idx, want);
	}
	int rc = run_list(app, want);
	if (rc)
		return rc;
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc('\n', stdout);
		if (strcmp(names[i], "timeline") == 0) {
			rc = timeline_run_panel(app);
			if (rc)
				return rc;
			continue;
		}
		pane_print_table(&app->panes[run_pane_index(names[i])], &app->model, now, stdout);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}

static void run_on_describe(void *ud)
{
	struct app *app = ud;
	loop_stop(app->loop);
}

/* Namespace of pod `name` when none was given: the one namespace that has it. */
static int run_find_pod_ns(struct app *app, const char *name, char *ns, size_t cap)
{
	bool want[KUBE_NRESOURCES] = { false };
	want[KUBE_PODS] = true;
	int rc = run_list(app, want);
	if (rc)
		return rc;
	size_t found = 0;
	char list[300] = "";
	for (size_t i = 0; i < app->model.npods; i++) {
		const struct model_pod *p = app->model.pods[i];
		if (strcmp(p->name, name) != 0)
			continue;
		if (found++ == 0)
			snprintf(ns, cap, "%s", p->ns);
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", p->ns);
	}
	if (found == 0)
		return run_fail("describe: no pod named '%s' in any namespace", name);
	if (found > 1)
		return run_fail("describe: pod '%s' exists in several namespaces (%s): use pod/NAMESPACE/NAME", name,
				list);
	return 0;
}

static int run_describe(struct app *app, const char *arg)
{
	if (!arg[0])
		return run_fail("describe: needs KIND/NAME outside the console (pod/NAME, pod/NS/NAME, node/NAME)");
	struct describe_target t;
	char err[400];
	/* Without a namespace, a pod is looked up by name across namespaces. */
	const char *ns = app->ns ? app->ns : "default";
	if (describe_parse_target(arg, ns, &t, err, sizeof(err)) < 0)
		return run_fail("%s", err);
	if (!app->ns && t.kind == DESCRIBE_POD && strchr(strchr(arg, '/') + 1, '/') == NULL) {
		int rc = run_find_pod_ns(app, t.name, t.ns, sizeof(t.ns));
		if (rc)
			return rc;
	}
	struct http_opts o = run_http_opts(app, 20000);
	struct describe_view *v = describe_view_open(app->http, app->server, &o, &t, run_on_describe, app);
	if (!v->done)
		loop_run(app->loop); /* until run_on_describe stops it */
	int rc = 0;
	if (!v->done) {
		rc = run_fail("describe %s: interrupted", v->title);
	} else if (v->error) {
		rc = run_fail("%s", v->error);
	} else {
		char line[8192];
		for (size_t i = 0; i < v->text.n; i++) {
			describe_view_line(v, i, line, sizeof(line));
			fputs(line, stdout);
			fputc('\n', stdout);
		}
		rc = fflush(stdout) == 0 ? 0 : 2;
	}
	describe_view_free(v);
	return rc;
}

/* `run 'logs ...'` / `run 'logcheck ...'`: pods and workloads listed once, then the
 * log engine (panels/logs) prints and decides the exit status. */
static int run_logs(struct app *app, const char *arg, bool check)
{
	bool want[KUBE_NRESOURCES] = { false };
	want[KUBE_PODS] = want[KUBE_DEPLOYMENTS] = want[KUBE_STATEFULSETS] = true;
	int rc = run_list(app, want);
	if (rc)
		return rc;
	struct logs_view_config cfg = { .server = app->server, .default_ns = app->ns,
					.opts = run_http_opts(app, 60000) };
	return check ? logs_run_check(app->loop, app->http, &app->model, &cfg, arg, stdout, stderr)
		     : logs_run_print(app->loop, app->http, &app->model, &cfg, arg, stdout, stderr);
}

int run_matrix(struct app *app, enum matrix_run_mode mode, const char *arg)
{
	struct matrix mx;
	matrix_init(&mx);
	char *merr = NULL;
	if (matrix_load_all(&mx, app->matrix_files, app->nmatrix_files, app->argv0, &merr) < 0) {
		int rc = run_fail("matrix: %s", merr);
		free(merr);
		matrix_free(&mx);
		return rc;
	}
	bool want[KUBE_NRESOURCES] = { false };
	want[KUBE_PODS] = want[KUBE_DEPLOYMENTS] = want[KUBE_STATEFULSETS] = true;
	int rc = run_list(app, want);
	if (rc) {
		matrix_free(&mx);
		return rc;
	}
	const struct kube_conn *kc = app->auth ? auth_conn(app->auth) : NULL;
	struct matrix_view_config cfg = { .server = app->server, .opts = run_http_opts(app, 20000),
					  .context = kc ? kc->context : NULL, .watched_ns = app->ns };
	rc = matrix_run(app->loop, app->http, &app->model, &mx, &cfg, mode, arg ? arg : "", stdout, stderr);
	matrix_free(&mx);
	return rc;
}

static void run_help(const struct app *app)
{
	printf("%-16s %-28s %s\n", "KEYS", "COMMAND", "WHAT IT DOES");
	for (size_t i = 0; i < CMD__COUNT; i++) {
		const struct command_info *ci = &commands_table[i];
		char keys[64], name[64];
		keymap_keys_for(&app->keymap, ci->id, keys, sizeof(keys));
		const char *an = commands_arg_name(ci->id);
		snprintf(name, sizeof(name), "%s%s%s", ci->name, an[0] ? " " : "", an);
		printf("%-16s %-28s %s\n", keys[0] ? keys : "-", name, ci->help);
	}
}

int run_command(struct app *app, const char *line)
{
	struct command_call call;
	char err[400];
	if (commands_parse(line, &call, err, sizeof(err)) < 0)
		return run_fail("run: %s", err);
	switch (call.id) {
	case CMD_PODS:
	case CMD_NODES:
	case CMD_WORKLOADS:
	case CMD_EVENTS: {
		const char *name = commands_table[call.id].name;
		return run_panels(app, &name, 1);
	}
	case CMD_DESCRIBE:
		return run_describe(app, call.arg);
	case CMD_LOGS:
	case CMD_LOGCHECK:
		return run_logs(app, call.arg, call.id == CMD_LOGCHECK);
	case CMD_MATRIX:
		return run_matrix(app, MATRIX_RUN_TABLE, NULL);
	case CMD_SYMPTOM:
		return run_matrix(app, MATRIX_RUN_SYMPTOM, call.arg);
	case CMD_INCIDENT:
		return timeline_run_incident(app, call.arg);
	case CMD_TIMELINE:
		return timeline_run_panel(app);
	case CMD_DRIFT:
		return drift_run_panel(app, NULL, 0);
	case CMD_RUNBOOK:
		if (!call.arg[0])
			return run_fail("run: runbook needs a SERVICE outside the console (warroom run 'runbook broker')");
		return run_matrix(app, MATRIX_RUN_RUNBOOK, call.arg);
	case CMD_HELP:
		run_help(app);
		return fflush(stdout) == 0 ? 0 : 2;
	case CMD_QUIT:
		return 0;
	case CMD_NS:
		return run_fail("run: 'ns' only switches the console's namespace; use -n NAME (e.g. warroom -n %s run pods)",
				call.arg);
	case CMD_CTX:
		return run_fail("run: 'ctx' only switches the console's context; use --context NAME");
	case CMD_SCALE:
	case CMD_RESTART:
	case CMD_DELETE:
	case CMD_CORDON:
	case CMD_UNCORDON:
	case CMD_DRAIN:
	case CMD_RED_BUTTON:
	case CMD_RESTORE:
		/* Through the request gate: read-only, confirmation (--yes), dry-run, audit. */
		return confirm_run_action(app, call.id, call.arg);
	default:
		return run_fail("run: '%s' only works in the console (run takes pods, nodes, workloads, events, "
				"describe KIND/NAME, logs TARGET, logcheck KIND/NAME REGEX, matrix, symptom TEXT, runbook SERVICE, help)", commands_table[call.id].name);
	}
}
