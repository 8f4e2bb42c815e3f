/* panels/matrix: the matrix view, its console-less forms and the glue to the runbook
 * lines (see matrix.h). */
#include "panels/matrix.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int matrix_load_all(struct matrix *mx, char *const *files, size_t n, const char *argv0, char **err)
{
	for (size_t i = 0; i < n; i++)
		if (matrix_load_file(mx, files[i], err) < 0)
			return -1;
	if (n)
		return 0;
	char dir[4096];
	matrix_default_dir(argv0, dir, sizeof(dir));
	if (!dir[0]) {
		*err = xstrdup("no matrix definitions: give --matrix FILE (the shipped ones are in "
			       "share/warroom/runbooks next to the binary, or set WARROOM_RUNBOOKS=DIR)");
		return -1;
	}
	return matrix_load_dir(mx, dir, err);
}

struct matrix_view {
	struct matrix mx;
	const struct model *model;
	struct health_runner *runner;
	struct matrix_view_config cfg;  /* strings point at the copies below */
	char *server, *context, *watched_ns;
	struct health_result *results;
	size_t *order;                 /* rows: indices into mx.services */
	size_t nrows;
	size_t sel, top;
	bool listed;
	bool lookup;                   /* a symptom lookup narrows the rows */
	char query[256];
	struct symptom_hit *hits;
	long nhits;
	long rb;                       /* service whose runbook is open, -1 none */
	size_t rb_sel;                 /* selected step */
	size_t rb_top;
};

/* Collapses whitespace (newlines included) to single spaces: a symptom on one line. */
static void mv_flat(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	bool space = false;
	for (const char *p = in; *p && n + 1 < cap; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < cap)
			out[n++] = ' ';
		space = false;
		out[n++] = *p;
	}
	out[n] = '\0';
}

static int mv_cmp_rank(const struct matrix_view *v, size_t a, size_t b)
{
	int ra = health_state_rank(v->results[a].state), rb = health_state_rank(v->results[b].state);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void mv_order(struct matrix_view *v)
{
	v->nrows = 0;
	if (v->lookup) {
		for (long i = 0; i < v->nhits && i < (long)v->mx.nservices; i++)
			v->order[v->nrows++] = v->hits[i].service;
		return;
	}
	for (size_t i = 0; i < v->mx.nservices; i++)
		v->order[v->nrows++] = i;
	/* Insertion sort: a few dozen services, and stable. */
	for (size_t i = 1; i < v->nrows; i++) {
		size_t x = v->order[i], j = i;
		while (j > 0 && mv_cmp_rank(v, x, v->order[j - 1]) < 0) {
			v->order[j] = v->order[j - 1];
			j--;
		}
		v->order[j] = x;
	}
	if (v->sel >= v->nrows)
		v->sel = v->nrows ? v->nrows - 1 : 0;
}

static void mv_eval(struct matrix_view *v, time_t now)
{
	struct health_env env = { .listed = v->listed, .context = v->cfg.context, .watched_ns = v->cfg.watched_ns };
	health_runner_eval(v->runner, &env, now, v->results);
}

struct matrix_view *matrix_view_new(struct loop *loop, struct http_client *http, const struct model *model,
				    struct matrix *mx, const struct matrix_view_config *cfg,
				    void (*notify)(void *ud), void *ud)
{
	struct matrix_view *v = xcalloc(1, sizeof(*v));
	v->mx = *mx;
	matrix_init(mx);
	v->model = model;
	v->cfg = *cfg;
	/* Own copies: the console replaces its strings when the context or namespace changes. */
	v->server = cfg->server ? xstrdup(cfg->server) : NULL;
	v->context = cfg->context ? xstrdup(cfg->context) : NULL;
	v->watched_ns = cfg->watched_ns ? xstrdup(cfg->watched_ns) : NULL;
	v->cfg.server = v->server;
	v->cfg.context = v->context;
	v->cfg.watched_ns = v->watched_ns;
	v->rb = -1;
	size_t n = v->mx.nservices ? v->mx.nservices : 1;
	v->results = xcalloc(n, sizeof(*v->results));
	v->order = xcalloc(n, sizeof(*v->order));
	v->hits = xcalloc(n, sizeof(*v->hits));
	struct health_runner_config rc = { .server = v->server, .kube_opts = cfg->opts, .periodic = cfg->periodic };
	v->runner = health_runner_new(loop, http, model, &v->mx, &rc, notify, ud);
	mv_eval(v, time(NULL));
	mv_order(v);
	return v;
}

void matrix_view_free(struct matrix_view *v)
{
	if (!v)
		return;
	health_runner_free(v->runner);
	matrix_free(&v->mx);
	free(v->server);
	free(v->context);
	free(v->watched_ns);
	free(v->results);
	free(v->order);
	free(v->hits);
	free(v);
}

static bool mv_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool matrix_view_follows(const struct matrix_view *v, const char *server, const char *watched_ns,
			 const char *context)
{
	return mv_same(v->server, server) && mv_same(v->watched_ns, watched_ns) && mv_same(v->context, context);
}

const struct matrix *matrix_view_matrix(const struct matrix_view *v)
{
	return &v->mx;
}

void matrix_view_set_listed(struct matrix_view *v, bool listed)
{
	if (listed && !v->listed) {
		v->listed = true;
		health_runner_start(v->runner); /* the first round needs the pods */
	}
	v->listed = listed;
}

void matrix_view_update(struct matrix_view *v, time_t now)
{
	mv_eval(v, now);
	if (v->lookup) {
		/* Unhealthy marks follow the health; ranks stay those of the lookup. */
		for (long i = 0; i < v->nhits && i < (long)v->mx.nservices; i++) {
			enum health_state st = v->results[v->hits[i].service].state;
			v->hits[i].unhealthy = st == HEALTH_DOWN || st == HEALTH_DEGRADED || st == HEALTH_NOT_FOUND;
		}
	}
	mv_order(v);
}

const struct health_result *matrix_view_result(const struct matrix_view *v, size_t i)
{
	return i < v->mx.nservices ? &v->results[i] : NULL;
}

static bool mv_unhealthy(enum health_state st)
{
	return st == HEALTH_DOWN || st == HEALTH_DEGRADED || st == HEALTH_NOT_FOUND;
}

int matrix_view_symptom(struct matrix_view *v, const char *query, char *msg, size_t cap)
{
	if (!query[0]) {
		v->lookup = false;
		v->query[0] = '\0';
		mv_order(v);
		snprintf(msg, cap, "symptom lookup cleared");
		return 0;
	}
	bool *bad = xcalloc(v->mx.nservices ? v->mx.nservices : 1, sizeof(*bad));
	for (size_t i = 0; i < v->mx.nservices; i++)
		bad[i] = mv_unhealthy(v->results[i].state);
	char err[200];
	long n = symptom_rank(&v->mx, query, bad, v->hits, v->mx.nservices, err, sizeof(err));
	free(bad);
	if (n < 0) {
		snprintf(msg, cap, "%s", err);
		return -1;
	}
	v->nhits = n;
	v->lookup = true;
	snprintf(v->query, sizeof(v->query), "%s", query);
	v->sel = v->top = 0;
	v->rb = -1;
	mv_order(v);
	snprintf(msg, cap, "symptom %.200s: %ld service%s", query, n, n == 1 ? "" : "s");
	return 0;
}

int matrix_view_runbook(struct matrix_view *v, const char *name, char *msg, size_t cap)
{
	long idx = -1;
	if (name && name[0]) {
		const struct matrix_service *s = matrix_find(&v->mx, name);
		if (!s) {
			snprintf(msg, cap, "runbook: no service '%.80s' in the matrix", name);
			return -1;
		}
		idx = (long)(s - v->mx.services);
	} else if (v->sel < v->nrows) {
		idx = (long)v->order[v->sel];
	} else {
		snprintf(msg, cap, "runbook: no service selected");
		return -1;
	}
	v->rb = idx;
	v->rb_top = 0;
	v->rb_sel = 0;
	/* Select the first step that has a command. */
	const struct matrix_service *s = &v->mx.services[idx];
	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].command) {
			v->rb_sel = i;
			break;
		}
	msg[0] = '\0';
	return 0;
}

bool matrix_view_in_runbook(const struct matrix_view *v)
{
	return v->rb >= 0;
}

/* Column widths of the table for `width`: service, state, detail, why, channels. */
struct mv_layout {
	int service, state, detail, why, chan;
	size_t nchan;
};

static void mv_layout(const struct matrix_view *v, int width, struct mv_layout *l)
{
	l->service = 7;
	for (size_t i = 0; i < v->mx.nservices; i++) {
		int w = (int)strlen(v->mx.services[i].name);
		if (w > l->service)
			l->service = w;
	}
	if (l->service > 24)
		l->service = 24;
	l->state = 9;
	l->detail = 10;
	l->nchan = v->mx.nchannels;
	int rest = width - l->service - l->state - l->detail - 6;
	l->why = rest / 3 > 40 ? 40 : rest / 3;
	if (l->why < 12)
		l->why = 12;
	rest -= l->why + 2;
	l->chan = l->nchan ? (rest - 2 * ((int)l->nchan - 1)) / (int)l->nchan : 0;
	if (l->chan < 8) {
		l->chan = 0; /* too narrow: the detail view has them */
		l->why += rest > 0 ? rest : 0;
	}
}

/* Appends raw text fitted to cols columns (sanitised) and a 2-space gap. */
static void mv_cell(char *out, size_t cap, size_t *len, const char *raw, int cols, bool last)
{
	if (cols <= 0)
		return;
	char safe[2048], fit[2048];
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	text_fit(safe, (size_t)cols, fit, sizeof(fit));
	*len += (size_t)snprintf(out + *len, *len < cap ? cap - *len : 0, "%s%s", fit, last ? "" : "  ");
	if (*len >= cap)
		*len = cap - 1;
}

static void mv_row_line(const struct matrix_view *v, size_t svc, const struct mv_layout *l, int width,
			struct matrix_row *row)
{
	const struct matrix_service *s = &v->mx.services[svc];
	const struct health_result *r = &v->results[svc];
	char buf[MATRIX_ROW_BYTES];
	size_t len = 0;
	buf[0] = '\0';
	char name[200];
	snprintf(name, sizeof(name), "%s", s->name);
	mv_cell(buf, sizeof(buf), &len, name, l->service, false);
	mv_cell(buf, sizeof(buf), &len, health_state_name(r->state), l->state, false);
	mv_cell(buf, sizeof(buf), &len, r->detail, l->detail, false);
	mv_cell(buf, sizeof(buf), &len, r->why[0] ? r->why : "-", l->why, l->chan == 0);
	for (size_t c = 0; l->chan && c < l->nchan; c++) {
		const char *t = matrix_symptom_text(s, v->mx.channels[c]);
		char flat[2048];
		mv_flat(t ? t : "-", flat, sizeof(flat));
		mv_cell(buf, sizeof(buf), &len, flat, l->chan, c + 1 == l->nchan);
	}
	text_fit(buf, (size_t)width, row->text, sizeof(row->text));
	row->state = r->state;
}

static void mv_title_line(const struct matrix_view *v, const struct mv_layout *l, int width, struct matrix_row *row)
{
	char buf[MATRIX_ROW_BYTES];
	size_t len = 0;
	buf[0] = '\0';
	mv_cell(buf, sizeof(buf), &len, "SERVICE", l->service, false);
	mv_cell(buf, sizeof(buf), &len, "HEALTH", l->state, false);
	mv_cell(buf, sizeof(buf), &len, "DETAIL", l->detail, false);
	mv_cell(buf, sizeof(buf), &len, "FAILING CHECKS", l->why, l->chan == 0);
	for (size_t c = 0; l->chan && c < l->nchan; c++) {
		char up[64];
		snprintf(up, sizeof(up), "%s", v->mx.channels[c]);
		for (char *p = up; *p; p++)
			*p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
		mv_cell(buf, sizeof(buf), &len, up, l->chan, c + 1 == l->nchan);
	}
	text_fit(buf, (size_t)width, row->text, sizeof(row->text));
	row->heading = true;
}

static void mv_put(struct matrix_row *rows, size_t *n, int height, const char *raw, int width,
		   enum health_state st, bool heading, bool plain)
{
	if ((int)*n >= height)
		return;
	struct matrix_row *r = &rows[(*n)++];
	memset(r, 0, sizeof(*r));
	char safe[MATRIX_ROW_BYTES];
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	text_fit(safe, (size_t)width, r->text, sizeof(r->text));
	r->state = st;
	r->heading = heading;
	r->plain = plain;
}

static size_t mv_render_runbook(struct matrix_view *v, const struct keymap *km, int width, int height,
				struct matrix_row *rows)
{
	const struct matrix_service *s = &v->mx.services[v->rb];
	struct runbook_line *l;
	size_t n = runbook_lines(s, &v->results[v->rb], health_runner_async(v->runner, (size_t)v->rb), km, &l);
	/* Keep the selected step on screen. */
	size_t first_sel = 0;
	for (size_t i = 0; i < n; i++)
		if (l[i].kind == 2 && l[i].step == v->rb_sel) {
			first_sel = i;
			break;
		}
	if (first_sel < v->rb_top)
		v->rb_top = first_sel;
	if (height > 2 && first_sel + 2 >= v->rb_top + (size_t)height)
		v->rb_top = first_sel + 3 - (size_t)height;
	if (v->rb_top >= n)
		v->rb_top = n ? n - 1 : 0;
	size_t out = 0;
	for (size_t i = v->rb_top; i < n && (int)out < height; i++) {
		mv_put(rows, &out, height, l[i].text, width, l[i].state, l[i].kind == 1, l[i].plain);
		rows[out - 1].selected = l[i].kind == 2 && l[i].step == v->rb_sel;
	}
	runbook_lines_free(l, n);
	return out;
}

size_t matrix_view_render(struct matrix_view *v, const struct keymap *km, int width, int height,
			  struct matrix_row *rows)
{
	if (width < 10 || height < 1)
		return 0;
	if (v->rb >= 0)
		return mv_render_runbook(v, km, width, height, rows);
	size_t n = 0;
	struct mv_layout l;
	mv_layout(v, width, &l);
	if (v->lookup) {
		char t[400];
		snprintf(t, sizeof(t), "symptom %.250s: %ld service%s, best match first (Esc: all services)", v->query,
			 v->nhits, v->nhits == 1 ? "" : "s");
		mv_put(rows, &n, height, t, width, HEALTH_OK, true, false);
	}
	if ((int)n < height)
		mv_title_line(v, &l, width, &rows[n++]);
	/* The table, then (space permitting) what users of the unhealthy services see. */
	size_t bad = 0;
	for (size_t i = 0; i < v->nrows; i++)
		bad += mv_unhealthy(v->results[v->order[i]].state) && v->mx.services[v->order[i]].nsymptoms;
	int table_h = height - (int)n;
	if (bad && !v->lookup)
		table_h -= table_h > 12 ? 2 + (int)bad * 2 : 0;
	if (table_h < 1)
		table_h = 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)table_h)
		v->top = v->sel + 1 - (size_t)table_h;
	for (size_t i = v->top; i < v->nrows && (int)(i - v->top) < table_h && (int)n < height; i++) {
		struct matrix_row *r = &rows[n++];
		memset(r, 0, sizeof(*r));
		mv_row_line(v, v->order[i], &l, width, r);
		r->selected = i == v->sel;
	}
	if (!v->nrows && (int)n < height)
		mv_put(rows, &n, height, v->lookup ? "  no service lists a matching symptom" : "  no services", width,
		       HEALTH_OK, false, true);
	if (bad && !v->lookup && (int)n + 2 < height) {
		mv_put(rows, &n, height, "", width, HEALTH_OK, false, true);
		mv_put(rows, &n, height, "What users see now (symptoms of the services that are not ok):", width,
		       HEALTH_OK, true, false);
		for (size_t i = 0; i < v->nrows && (int)n < height; i++) {
			const struct matrix_service *s = &v->mx.services[v->order[i]];
			if (!mv_unhealthy(v->results[v->order[i]].state))
				continue;
			for (size_t c = 0; c < s->nsymptoms && (int)n < height; c++) {
				char flat[3000], line[3200];
				mv_flat(s->symptoms[c].text, flat, sizeof(flat));
				snprintf(line, sizeof(line), "  %s, %s: %s", s->name, s->symptoms[c].channel, flat);
				mv_put(rows, &n, height, line, width, v->results[v->order[i]].state, false, false);
			}
		}
	}
	return n;
}

void matrix_view_status(const struct matrix_view *v, char *out, size_t cap)
{
	size_t counts[5] = { 0 };
	for (size_t i = 0; i < v->mx.nservices; i++)
		counts[v->results[i].state]++;
	if (v->rb >= 0)
		snprintf(out, cap, "runbook %s | j/k: step, Enter: run its command, Esc: back", v->mx.services[v->rb].name);
	else
		snprintf(out, cap, "matrix: %zu services, %zu down, %zu not found, %zu degraded, %zu unknown | Enter: runbook",
			 v->mx.nservices, counts[HEALTH_DOWN], counts[HEALTH_NOT_FOUND], counts[HEALTH_DEGRADED],
			 counts[HEALTH_UNKNOWN]);
}

/* Moves the runbook selection to the next/previous step that has a command. */
static void mv_step_move(struct matrix_view *v, long delta)
{
	const struct matrix_service *s = &v->mx.services[v->rb];
	long i = (long)v->rb_sel;
	long dir = delta < 0 ? -1 : 1;
	for (long moved = 0; moved < (delta < 0 ? -delta : delta);) {
		long j = i + dir;
		while (j >= 0 && j < (long)s->nsteps && !s->steps[j].command)
			j += dir;
		if (j < 0 || j >= (long)s->nsteps)
			break;
		i = j;
		moved++;
	}
	v->rb_sel = (size_t)i;
}

enum matrix_exec matrix_view_exec(struct matrix_view *v, const struct command_call *call, int page,
				  char *line, size_t linecap, char *msg, size_t msgcap, bool *error)
{
	msg[0] = '\0';
	*error = false;
	if (page < 1)
		page = 1;
	if (v->rb >= 0) {
		const struct matrix_service *s = &v->mx.services[v->rb];
		switch (call->id) {
		case CMD_QUIT:
		case CMD_CANCEL:
			v->rb = -1;
			return MATRIX_EXEC_DONE;
		case CMD_MOVE_UP: mv_step_move(v, -1); return MATRIX_EXEC_DONE;
		case CMD_MOVE_DOWN: mv_step_move(v, 1); return MATRIX_EXEC_DONE;
		case CMD_PAGE_UP: v->rb_top = v->rb_top > (size_t)page ? v->rb_top - (size_t)page : 0; return MATRIX_EXEC_DONE;
		case CMD_PAGE_DOWN: v->rb_top += (size_t)page; return MATRIX_EXEC_DONE;
		case CMD_DESCRIBE:
			if (call->arg[0])
				return MATRIX_EXEC_NOT_MINE;
			if (v->rb_sel < s->nsteps && s->steps[v->rb_sel].command) {
				snprintf(line, linecap, "%s", s->steps[v->rb_sel].command);
				return MATRIX_EXEC_RUN;
			}
			snprintf(msg, msgcap, "runbook: this step names no command");
			*error = true;
			return MATRIX_EXEC_DONE;
		default:
			break;
		}
		/* The key of a command a step names runs that step (l: its logs...), when typed
		 * without an argument of its own. */
		long step = call->arg[0] ? -1 : runbook_step_for(s, call->id);
		if (step >= 0) {
			v->rb_sel = (size_t)step;
			snprintf(line, linecap, "%s", s->steps[step].command);
			return MATRIX_EXEC_RUN;
		}
		return MATRIX_EXEC_NOT_MINE;
	}
	switch (call->id) {
	case CMD_QUIT:
		return MATRIX_EXEC_CLOSE;
	case CMD_CANCEL:
		if (v->lookup) {
			matrix_view_symptom(v, "", msg, msgcap);
			return MATRIX_EXEC_DONE;
		}
		return MATRIX_EXEC_CLOSE;
	case CMD_MOVE_UP: if (v->sel) v->sel--; return MATRIX_EXEC_DONE;
	case CMD_MOVE_DOWN: if (v->sel + 1 < v->nrows) v->sel++; return MATRIX_EXEC_DONE;
	case CMD_PAGE_UP: v->sel = v->sel > (size_t)page ? v->sel - (size_t)page : 0; return MATRIX_EXEC_DONE;
	case CMD_PAGE_DOWN:
		v->sel = v->sel + (size_t)page < v->nrows ? v->sel + (size_t)page : (v->nrows ? v->nrows - 1 : 0);
		return MATRIX_EXEC_DONE;
	case CMD_MOVE_TOP: v->sel = 0; return MATRIX_EXEC_DONE;
	case CMD_MOVE_BOTTOM: v->sel = v->nrows ? v->nrows - 1 : 0; return MATRIX_EXEC_DONE;
	case CMD_DESCRIBE:
		if (call->arg[0])
			return MATRIX_EXEC_NOT_MINE;
		*error = matrix_view_runbook(v, "", msg, msgcap) < 0;
		return MATRIX_EXEC_DONE;
	default:
		return MATRIX_EXEC_NOT_MINE;
	}
}

/* ---- Console-less ---- */

static void mv_print(FILE *out, const char *raw)
{
	char safe[8192];
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	fputs(safe, out);
}

/* The plain table: SERVICE HEALTH DETAIL FAILING-CHECKS CHANNEL..., full texts on one
 * line each (so they can be grepped), columns 3 spaces apart. */
static void mv_print_table(struct matrix_view *v, FILE *out)
{
	size_t nc = 4 + v->mx.nchannels;
	char ***cells = xcalloc(v->nrows + 1, sizeof(*cells));
	int *w = xcalloc(nc, sizeof(*w));
	for (size_t i = 0; i <= v->nrows; i++) {
		cells[i] = xcalloc(nc, sizeof(**cells));
		if (i == 0) {
			cells[0][0] = xstrdup("SERVICE");
			cells[0][1] = xstrdup("HEALTH");
			cells[0][2] = xstrdup("DETAIL");
			cells[0][3] = xstrdup("FAILING CHECKS");
			for (size_t c = 0; c < v->mx.nchannels; c++) {
				cells[0][4 + c] = xstrdup(v->mx.channels[c]);
				for (char *p = cells[0][4 + c]; *p; p++)
					*p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
			}
		} else {
			size_t si = v->order[i - 1];
			const struct matrix_service *s = &v->mx.services[si];
			const struct health_result *r = &v->results[si];
			cells[i][0] = xstrdup(s->name);
			cells[i][1] = xstrdup(health_state_name(r->state));
			cells[i][2] = xstrdup(r->detail[0] ? r->detail : "-");
			cells[i][3] = xstrdup(r->why[0] ? r->why : "-");
			for (size_t c = 0; c < v->mx.nchannels; c++) {
				const char *t = matrix_symptom_text(s, v->mx.channels[c]);
				char flat[4096];
				mv_flat(t ? t : "-", flat, sizeof(flat));
				cells[i][4 + c] = xstrdup(flat);
			}
		}
		for (size_t c = 0; c < nc; c++) {
			char safe[8192];
			text_sanitize(cells[i][c], strlen(cells[i][c]), safe, sizeof(safe));
			free(cells[i][c]);
			cells[i][c] = xstrdup(safe);
			int cw = (int)text_width(safe);
			if (cw > w[c] && c + 1 < nc)
				w[c] = cw;
		}
	}
	for (size_t i = 0; i <= v->nrows; i++) {
		for (size_t c = 0; c < nc; c++) {
			fputs(cells[i][c], out);
			if (c + 1 < nc)
				for (int pad = (int)text_width(cells[i][c]); pad < w[c] + 3; pad++)
					fputc(' ', out);
			free(cells[i][c]);
		}
		fputc('\n', out);
		free(cells[i]);
	}
	free(cells);
	free(w);
}

static void mv_nop(void *ud)
{
	(void)ud;
}

int matrix_run(struct loop *loop, struct http_client *http, const struct model *model, struct matrix *mx,
	       const struct matrix_view_config *cfg, enum matrix_run_mode mode, const char *arg, FILE *out,
	       FILE *err_out)
{
	struct matrix_view_config c = *cfg;
	c.periodic = false;
	struct matrix_view *v = matrix_view_new(loop, http, model, mx, &c, mv_nop, NULL);
	matrix_view_set_listed(v, true); /* starts the log checks and probes */
	while (!health_runner_idle(v->runner) && !loop_stopped(loop))
		loop_run_once(loop, 200);
	matrix_view_update(v, time(NULL));
	int rc = 0;
	char msg[600];
	switch (mode) {
	case MATRIX_RUN_TABLE:
		mv_print_table(v, out);
		/* What users of the services that are not ok are reporting now. */
		for (size_t i = 0, first = 1; i < v->nrows; i++) {
			const struct matrix_service *s = &v->mx.services[v->order[i]];
			if (!mv_unhealthy(v->results[v->order[i]].state))
				continue;
			for (size_t k = 0; k < s->nsymptoms; k++) {
				if (first) {
					fputs("\nWhat users see now:\n", out);
					first = 0;
				}
				char flat[3000], line[3200];
				mv_flat(s->symptoms[k].text, flat, sizeof(flat));
				snprintf(line, sizeof(line), "  %s, %s: %s", s->name, s->symptoms[k].channel, flat);
				mv_print(out, line);
				fputc('\n', out);
			}
		}
		break;
	case MATRIX_RUN_CHECK: {
		int worst = 0;
		for (size_t i = 0; i < v->nrows; i++) {
			size_t si = v->order[i];
			const struct health_result *r = &v->results[si];
			char line[1200];
			snprintf(line, sizeof(line), "%-10s %s%s%s", health_state_name(r->state), v->mx.services[si].name,
				 r->why[0] ? ": " : "", r->why);
			mv_print(out, line);
			fputc('\n', out);
			int code = r->state == HEALTH_OK ? 0 : r->state == HEALTH_UNKNOWN ? 2 : 1;
			if (code == 2 || (code == 1 && worst == 0))
				worst = code;
		}
		rc = worst;
		break;
	}
	case MATRIX_RUN_SYMPTOM:
		if (matrix_view_symptom(v, arg, msg, sizeof(msg)) < 0) {
			fputs("warroom: ", err_out);
			mv_print(err_out, msg);
			fputc('\n', err_out);
			rc = 2;
			break;
		}
		matrix_view_update(v, time(NULL));
		for (long i = 0; i < v->nhits && i < (long)v->mx.nservices; i++) {
			const struct symptom_hit *h = &v->hits[i];
			const struct matrix_service *s = &v->mx.services[h->service];
			const struct health_result *r = &v->results[h->service];
			char line[1200];
			snprintf(line, sizeof(line), "%ld. %s  %s%s  (score %d)", i + 1, s->name,
				 health_state_name(r->state), h->unhealthy ? " <- UNHEALTHY" : "", h->score);
			mv_print(out, line);
			fputc('\n', out);
			for (size_t ch = 0; ch < s->nsymptoms; ch++) {
				if (!(h->channels & (1u << (ch < 31 ? ch : 31))))
					continue;
				char flat[3000], l2[3200];
				mv_flat(s->symptoms[ch].text, flat, sizeof(flat));
				snprintf(l2, sizeof(l2), "   %s: %s", s->symptoms[ch].channel, flat);
				mv_print(out, l2);
				fputc('\n', out);
			}
		}
		if (!v->nhits)
			fputs("no service lists a matching symptom\n", out);
		break;
	case MATRIX_RUN_RUNBOOK: {
		const struct matrix_service *s = matrix_find(&v->mx, arg);
		if (!s) {
			fputs("warroom: runbook: no service '", err_out);
			mv_print(err_out, arg);
			fputs("' in the matrix\n", err_out);
			rc = 2;
			break;
		}
		size_t si = (size_t)(s - v->mx.services);
		struct runbook_line *l;
		size_t n = runbook_lines(s, &v->results[si], health_runner_async(v->runner, si), NULL, &l);
		for (size_t i = 0; i < n; i++) {
			mv_print(out, l[i].text);
			fputc('\n', out);
		}
		runbook_lines_free(l, n);
		break;
	}
	}
	matrix_view_free(v);
	if (fflush(out) != 0 || ferror(out))
		rc = 2;
	return rc;
}
