/* panels/logs_run: `warroom run 'logs ...'` and `warroom run 'logcheck ...'` (see
 * panels/logs.h): the same engine as the pane, printed as plain sanitised text. */
#include "panels/logs.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void logs_run_nop(void *ud)
{
	(void)ud;
}

/* Target of a run: parsed, container applied, namespace resolved. */
static int logs_run_target(const struct model *model, const struct logs_view_config *cfg,
			   const char *spec, const char *container, struct logtarget *t, char *err,
			   size_t errcap)
{
	if (logtarget_parse(spec, cfg->default_ns, t, err, errcap) < 0)
		return -1;
	if (container && *container)
		snprintf(t->container, sizeof(t->container), "%s", container);
	if (!t->ns_given && !cfg->default_ns && logs_resolve_ns(model, t, err, errcap) < 0)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < model->npods; i++)
		n += logtarget_matches(t, model, model->pods[i]);
	if (!n) {
		char tb[600];
		logtarget_format(t, tb, sizeof(tb));
		snprintf(err, errcap, "no pod matches %s", tb);
		return -1;
	}
	return 0;
}

static void logs_run_error(FILE *err_out, const char *what, const char *msg)
{
	char safe[2400];
	text_sanitize(msg, strlen(msg), safe, sizeof(safe));
	fprintf(err_out, "warroom: %s: %s\n", what, safe);
}

/* Prints lines [*next, end of ring) that pass the view. */
static void logs_run_emit(struct logbuf *lb, struct logview *view, bool tags, bool ts, uint64_t *next,
			  FILE *out)
{
	logview_update(view);
	size_t n = logview_count(view);
	const uint64_t *seqs = logview_seqs(view);
	char *buf = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (seqs[i] < *next)
			continue;
		struct logbuf_line l;
		if (!logbuf_get(lb, seqs[i], &l))
			continue;
		size_t need = l.len * 8 + 16;
		if (need > cap) {
			cap = need;
			buf = xrealloc(buf, cap);
		}
		if (tags) {
			char tag[300], safe[1200];
			logbuf_format_tag(lb, l.src, tag, sizeof(tag));
			text_sanitize(tag, strlen(tag), safe, sizeof(safe));
			fprintf(out, "[%s] ", safe);
		}
		if (ts) {
			char t[64];
			logbuf_format_ts(l.ts_ns, t, sizeof(t));
			fprintf(out, "%s ", t);
		}
		text_sanitize(l.text, l.len, buf, cap);
		fputs(buf, out);
		fputs((l.flags & LOGBUF_TRUNCATED) ? " [truncated]\n" : "\n", out);
	}
	free(buf);
	*next = logbuf_next_seq(lb);
	fflush(out);
}

int logs_run_print(struct loop *loop, struct http_client *http, const struct model *model,
		   const struct logs_view_config *cfg, const char *args, FILE *out, FILE *err_out)
{
	struct logs_args a;
	struct logtarget t;
	char err[1200];
	if (logcheck_parse_logs(args, &a, err, sizeof(err)) < 0 ||
	    logs_run_target(model, cfg, a.target, a.container, &t, err, sizeof(err)) < 0) {
		logs_run_error(err_out, "logs", err);
		return 2;
	}
	size_t cap = a.max_lines ? (size_t)a.max_lines : cfg->max_lines;
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = cap, .max_bytes = cfg->max_bytes});
	struct logview *view = logview_new(lb);
	if (*a.grep && logview_set_include(view, a.grep, true, err, sizeof(err)) < 0) {
		logs_run_error(err_out, "logs", err);
		logview_free(view);
		logbuf_free(lb);
		return 2;
	}
	struct logmux_config mc = {.server = cfg->server,
				   .opts = cfg->opts,
				   .follow = a.follow && !a.previous,
				   .previous = a.previous,
				   .tail_lines = a.tail,
				   .since_seconds = a.since_s};
	struct logmux *mux = logmux_new(loop, http, model, lb, &mc, &t, logs_run_nop, NULL);
	logmux_sync(mux);
	/* Tags when lines can come from several containers, as stern does. */
	bool tags = t.kind != LOGTARGET_POD || logmux_streams(mux) > 1;
	uint64_t next = 0;
	while (!logmux_finished(mux) && !loop_stopped(loop)) {
		loop_run_once(loop, 200);
		logs_run_emit(lb, view, tags, a.timestamps, &next, out);
	}
	logmux_flush(mux, true);
	logs_run_emit(lb, view, tags, a.timestamps, &next, out);
	int rc = 0;
	if (*logmux_error(mux)) {
		logs_run_error(err_out, "logs", logmux_error(mux));
		rc = 2;
	}
	logmux_free(mux);
	logview_free(view);
	logbuf_free(lb);
	return ferror(out) ? 2 : rc;
}

int logs_run_check(struct loop *loop, struct http_client *http, const struct model *model,
		   const struct logs_view_config *cfg, const char *args, FILE *out, FILE *err_out)
{
	struct logcheck_spec spec;
	struct logtarget t;
	char err[1200];
	if (logcheck_parse(args, &spec, err, sizeof(err)) < 0) {
		logs_run_error(err_out, "logcheck", err);
		return 2;
	}
	if (logs_run_target(model, cfg, spec.target, spec.container, &t, err, sizeof(err)) < 0) {
		/* A workload without pods is a failed check, not a usage error. */
		bool none = strstr(err, "no pod matches") != NULL;
		if (!none) {
			logs_run_error(err_out, "logcheck", err);
			logcheck_spec_free(&spec);
			return 2;
		}
	}
	struct logbuf *lb = logbuf_new(&(struct logbuf_config){.max_lines = cfg->max_lines,
							       .max_bytes = cfg->max_bytes});
	struct logmux_config mc = {.server = cfg->server,
				   .opts = cfg->opts,
				   .tail_lines = spec.tail,
				   .since_seconds = spec.since_s};
	struct logmux *mux = logmux_new(loop, http, model, lb, &mc, &t, logs_run_nop, NULL);
	logmux_sync(mux);
	while (!logmux_finished(mux) && !loop_stopped(loop))
		loop_run_once(loop, 200);
	logmux_flush(mux, true);
	struct logcheck_result r;
	logcheck_result_init(&r);
	for (size_t i = 0; i < model->npods; i++)
		if (logtarget_matches(&t, model, model->pods[i]))
			logcheck_add_pod(&r, model->pods[i]->ns, model->pods[i]->name);
	logcheck_evaluate(&spec, lb, &r);
	size_t cap = 4096 + r.npods * 400;
	char *report = xmalloc(cap), *safe = xmalloc(cap * 2);
	logcheck_report(&spec, &r, report, cap);
	/* The sanitiser shows newlines as ^J: sanitise and print line by line. */
	for (char *line = report; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		text_sanitize(line, len, safe, cap * 2);
		fprintf(out, "%s\n", safe);
		if (!nl)
			break;
		line = nl + 1;
	}
	if (*logmux_error(mux))
		logs_run_error(err_out, "logcheck", logmux_error(mux));
	int rc = ferror(out) ? 2 : r.pass ? 0 : 1;
	fflush(out);
	free(report);
	free(safe);
	logcheck_result_free(&r);
	logmux_free(mux);
	logbuf_free(lb);
	logcheck_spec_free(&spec);
	return rc;
}
