/* panels/logs: see logs.h.  The console-less runners are in panels/logs_run.c. */
#include "panels/logs.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int logs_resolve_ns(const struct model *model, struct logtarget *t, char *err, size_t errcap)
{
	if (t->kind == LOGTARGET_SELECTOR) {
		snprintf(err, errcap, "a label target needs a namespace (-n NAME or ns NAME)");
		return -1;
	}
	char found[64] = "";
	size_t n = 0;
	for (size_t i = 0; i < model->npods; i++) {
		const struct model_pod *p = model->pods[i];
		struct logtarget probe = *t;
		snprintf(probe.ns, sizeof(probe.ns), "%s", p->ns);
		if (!logtarget_matches(&probe, model, p) || !strcmp(found, p->ns))
			continue;
		if (n++ == 0)
			snprintf(found, sizeof(found), "%s", p->ns);
	}
	if (n == 1) {
		snprintf(t->ns, sizeof(t->ns), "%s", found);
		return 0;
	}
	snprintf(err, errcap, n ? "'%s' exists in several namespaces: name one (KIND/NAMESPACE/NAME)"
				: "no pod of '%s' in any namespace",
		 t->name);
	return -1;
}

static void logs_on_mux(void *ud)
{
	struct logs_view *v = ud;
	if (v->notify)
		v->notify(v->ud);
}

static struct logs_view *logs_view_open_args(struct loop *loop, struct http_client *http,
					     const struct model *model, const struct logs_view_config *cfg,
					     const struct logs_args *args, logs_view_notify_fn notify,
					     void *ud, char *err, size_t errcap)
{
	struct logs_args a = *args;
	struct logtarget t;
	if (logtarget_parse(a.target, cfg->default_ns, &t, err, errcap) < 0)
		return NULL;
	if (*a.container)
		snprintf(t.container, sizeof(t.container), "%s", a.container);
	if (!t.ns_given && !cfg->default_ns && logs_resolve_ns(model, &t, err, errcap) < 0)
		return NULL;
	struct logs_view *v = xcalloc(1, sizeof(*v));
	v->args = a;
	v->target = t;
	char tb[600];
	logtarget_format(&t, tb, sizeof(tb));
	snprintf(v->title, sizeof(v->title), "logs %s%s%s%s", tb, *t.container ? " -c " : "",
		 t.container, a.previous ? " (previous)" : "");
	size_t cap = a.max_lines ? (size_t)a.max_lines : cfg->max_lines;
	v->lb = logbuf_new(&(struct logbuf_config){.max_lines = cap, .max_bytes = cfg->max_bytes});
	v->view = logview_new(v->lb);
	if (*a.grep && logview_set_include(v->view, a.grep, true, err, errcap) < 0) {
		logs_view_free(v);
		return NULL;
	}
	v->model = model;
	v->follow = true;
	v->timestamps = a.timestamps;
	v->wrap = false;
	v->cursor_seq = UINT64_MAX;
	v->notify = notify;
	v->ud = ud;
	struct logmux_config mc = {.server = cfg->server,
				   .opts = cfg->opts,
				   .follow = !a.previous,
				   .previous = a.previous,
				   .tail_lines = a.tail >= 0 ? a.tail : (a.since_s || a.all ? -1 : 500),
				   .since_seconds = a.since_s};
	v->mux = logmux_new(loop, http, model, v->lb, &mc, &v->target, logs_on_mux, v);
	logs_view_sync(v);
	return v;
}

struct logs_view *logs_view_open(struct loop *loop, struct http_client *http, const struct model *model,
				 const struct logs_view_config *cfg, const char *args,
				 logs_view_notify_fn notify, void *ud, char *err, size_t errcap)
{
	struct logs_args a;
	if (logcheck_parse_logs(args, &a, err, errcap) < 0)
		return NULL;
	return logs_view_open_args(loop, http, model, cfg, &a, notify, ud, err, errcap);
}

struct logs_view *logs_view_open_check(struct loop *loop, struct http_client *http,
				       const struct model *model, const struct logs_view_config *cfg,
				       const char *args, logs_view_notify_fn notify, void *ud, char *err,
				       size_t errcap)
{
	struct logcheck_spec *spec = xcalloc(1, sizeof(*spec));
	if (logcheck_parse(args, spec, err, errcap) < 0) {
		free(spec);
		return NULL;
	}
	struct logs_args a = {.tail = spec->tail, .since_s = spec->since_s, .all = true};
	snprintf(a.target, sizeof(a.target), "%s", spec->target);
	snprintf(a.container, sizeof(a.container), "%s", spec->container);
	snprintf(a.grep, sizeof(a.grep), "%s", spec->pattern);
	struct logs_view *v = logs_view_open_args(loop, http, model, cfg, &a, notify, ud, err, errcap);
	if (!v) {
		logcheck_spec_free(spec);
		free(spec);
		return NULL;
	}
	/* The check reads every line of the pods, not only the last 500. */
	v->check = spec;
	char tb[600];
	logtarget_format(&v->target, tb, sizeof(tb));
	snprintf(v->title, sizeof(v->title), "logcheck %.300s '%.300s'", tb, spec->pattern);
	return v;
}

void logs_view_free(struct logs_view *v)
{
	if (!v)
		return;
	if (v->check) {
		logcheck_spec_free(v->check);
		free(v->check);
	}
	logmux_free(v->mux);
	logview_free(v->view);
	logbuf_free(v->lb);
	free(v);
}

void logs_view_sync(struct logs_view *v)
{
	if (v->pods_version == v->model->pods_version && v->pods_version)
		return;
	v->pods_version = v->model->pods_version;
	logmux_sync(v->mux);
}

/* ---- Rendering ---- */

struct logs_piece {
	const char *s;      /* sanitised UTF-8 */
	enum logs_attr attr;
	unsigned colour;
};

static size_t logs_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

struct logs_layout {
	struct logs_row *rows;
	size_t max, n;      /* rows available / used */
	int width, col;
	size_t skip;        /* columns still to skip (horizontal scroll) */
	size_t drop;        /* rows still to lay out without keeping (top of a wrapped line) */
	bool discard;       /* the current row is being dropped */
	bool wrap, full;
};

static void logs_row_start(struct logs_layout *L)
{
	if (L->n == L->max) {
		L->full = true;
		return;
	}
	L->col = 0;
	L->discard = !L->rows || L->drop;
	if (L->drop) {
		L->drop--;
		return;
	}
	if (!L->rows) { /* counting rows only */
		L->n++;
		return;
	}
	struct logs_row *r = &L->rows[L->n++];
	r->text[0] = '\0';
	r->nseg = 0;
	r->match = false;
	L->col = 0;
}

static void logs_put(struct logs_layout *L, const char *ch, size_t len, int w, enum logs_attr attr,
		     unsigned colour)
{
	if (L->skip) {
		L->skip = (size_t)w > L->skip ? 0 : L->skip - (size_t)w;
		return;
	}
	if (L->col + w > L->width) {
		if (!L->wrap) {
			L->full = true; /* the rest of the line is cut */
			return;
		}
		logs_row_start(L);
		if (L->full)
			return;
	}
	if (L->discard) {
		L->col += w;
		return;
	}
	struct logs_row *r = &L->rows[L->n - 1];
	size_t used = r->nseg ? (size_t)r->seg[r->nseg - 1].off + r->seg[r->nseg - 1].len : 0;
	if (used + len + 1 > sizeof(r->text))
		return;
	struct logs_seg *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;
	if (!last || ((last->attr != attr || last->colour != colour) && r->nseg < LOGS_MAX_SEGS)) {
		r->seg[r->nseg++] = (struct logs_seg){.off = (unsigned short)used, .attr = (unsigned char)attr,
						      .colour = (unsigned char)colour};
		last = &r->seg[r->nseg - 1];
	}
	memcpy(r->text + used, ch, len);
	r->text[used + len] = '\0';
	last->len = (unsigned short)(last->len + len);
	L->col += w;
}

static void logs_put_piece(struct logs_layout *L, const struct logs_piece *p)
{
	const char *s = p->s;
	while (*s && !L->full) {
		size_t cl = logs_utf8_len((unsigned char)*s);
		char ch[5] = {0};
		size_t k = 0;
		while (k < cl && s[k])
			ch[k] = s[k], k++;
		int w = (int)text_width(ch);
		logs_put(L, ch, k, w, p->attr, p->colour);
		if (L->full)
			return;
		s += k;
	}
}

/* Sanitises raw[from..to) into a new string. */
static char *logs_sanitize(const char *raw, size_t from, size_t to)
{
	size_t cap = (to - from) * 8 + 16;
	char *out = xmalloc(cap);
	text_sanitize(raw + from, to - from, out, cap);
	return out;
}

/* Lays out one log line into rows; returns the rows it took. */
static size_t logs_render_line(struct logs_view *v, uint64_t seq, bool match, struct logs_layout *L)
{
	struct logbuf_line l;
	if (!logbuf_get(v->lb, seq, &l))
		return 0;
	size_t before = L->n;
	L->full = false;
	L->skip = v->wrap ? 0 : v->hscroll;
	logs_row_start(L);
	if (L->full)
		return 0;
	if (!L->discard)
		L->rows[L->n - 1].match = match;
	const struct logbuf_source *src = logbuf_source_get(v->lb, l.src);
	bool marker = l.flags & LOGBUF_MARKER;
	if (logbuf_nsources(v->lb) > 1 || marker) {
		char tag[300], safe[1200];
		logbuf_format_tag(v->lb, l.src, tag, sizeof(tag));
		char br[310];
		snprintf(br, sizeof(br), "%s ", tag);
		text_sanitize(br, strlen(br), safe, sizeof(safe));
		struct logs_piece p = {safe, src && src->gone ? LOGS_ATTR_GONE : LOGS_ATTR_TAG,
				       src ? src->colour : 0};
		logs_put_piece(L, &p);
	}
	if (v->timestamps) {
		char ts[64];
		logbuf_format_ts(l.ts_ns, ts, sizeof(ts));
		/* "2026-11-21T09:53:00.123456789Z" -> "09:53:00.123 " */
		char shortts[20];
		snprintf(shortts, sizeof(shortts), "%.12s ", ts + 11);
		struct logs_piece p = {shortts, LOGS_ATTR_TIME, 0};
		logs_put_piece(L, &p);
	}
	struct logview_span sp[32];
	size_t ns = marker ? 0 : logview_spans(v->view, l.text, l.len, sp, 32);
	size_t pos = 0;
	for (size_t i = 0; i <= ns && !(L->full && !v->wrap); i++) {
		size_t end = i < ns ? sp[i].start : l.len;
		if (end > pos) {
			char *s = logs_sanitize(l.text, pos, end);
			struct logs_piece p = {s, marker ? LOGS_ATTR_MARKER : LOGS_ATTR_TEXT, 0};
			logs_put_piece(L, &p);
			free(s);
		}
		if (i < ns) {
			char *s = logs_sanitize(l.text, sp[i].start, sp[i].end);
			struct logs_piece p = {s, sp[i].kind == LOGVIEW_SPAN_SEARCH ? LOGS_ATTR_SEARCH : LOGS_ATTR_RULE, 0};
			logs_put_piece(L, &p);
			free(s);
			pos = sp[i].end;
		}
	}
	if (l.flags & LOGBUF_TRUNCATED) {
		struct logs_piece p = {" [truncated]", LOGS_ATTR_MARKER, 0};
		logs_put_piece(L, &p);
	}
	return L->n - before;
}

/* Index of the first view entry with seq >= s. */
static size_t logs_index_of(const struct logs_view *v, uint64_t s)
{
	const uint64_t *seqs = logview_seqs(v->view);
	size_t lo = 0, hi = logview_count(v->view);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (seqs[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First entry shown: the top line when not following, else as many of the newest
 * lines as fill the height (wrapped lines taking several rows). */
static size_t logs_first_shown(struct logs_view *v, int width, int height, size_t *skip_rows)
{
	size_t count = logview_count(v->view);
	*skip_rows = 0;
	if (!v->follow) {
		size_t i = logs_index_of(v, v->top_seq);
		return i < count ? i : (count ? count - 1 : 0);
	}
	if (!v->wrap)
		return count > (size_t)height ? count - (size_t)height : 0;
	size_t rows = 0, i = count;
	while (i > 0 && rows < (size_t)height) {
		i--;
		struct logs_layout L = {.rows = NULL, .max = SIZE_MAX, .width = width, .wrap = true};
		rows += logs_render_line(v, logview_seq(v->view, i), false, &L);
	}
	if (rows > (size_t)height)
		*skip_rows = rows - (size_t)height;
	return i;
}

size_t logs_view_render(struct logs_view *v, int width, int height, struct logs_row *rows)
{
	logview_update(v->view);
	if (width < 1 || height < 1)
		return 0;
	if (width > (LOGS_ROW_BYTES - 8) / 4)
		width = (LOGS_ROW_BYTES - 8) / 4;
	size_t skip_rows;
	size_t i = logs_first_shown(v, width, height, &skip_rows);
	size_t count = logview_count(v->view);
	/* Rows at the top of a wrapped line only partly visible are laid out, not kept. */
	struct logs_layout L = {.rows = rows, .max = (size_t)height, .width = width, .wrap = v->wrap,
				.drop = skip_rows};
	for (; i < count && L.n < (size_t)height; i++)
		logs_render_line(v, logview_seq(v->view, i), logview_is_match(v->view, i), &L);
	return L.n;
}

static void logs_commas(unsigned long long n, char *out, size_t cap)
{
	char raw[32];
	snprintf(raw, sizeof(raw), "%llu", n);
	size_t len = strlen(raw), o = 0;
	for (size_t i = 0; i < len && o + 2 < cap; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = raw[i];
	}
	out[o] = '\0';
}

static void logs_cat(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void logs_cat(char *out, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(out);
	if (n + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + n, cap - n, fmt, ap);
	va_end(ap);
}

void logs_view_status(struct logs_view *v, char *out, size_t cap)
{
	logview_update(v->view);
	char a[32], b[32];
	out[0] = '\0';
	logs_commas(logbuf_count(v->lb), a, sizeof(a));
	logs_cat(out, cap, "%s lines", a);
	if (logview_filtered(v->view)) {
		logs_commas(logview_count(v->view), b, sizeof(b));
		logs_cat(out, cap, " (%s shown)", b);
	}
	if (logbuf_dropped(v->lb)) {
		logs_commas(logbuf_dropped(v->lb), b, sizeof(b));
		logs_cat(out, cap, ", %s older lines dropped", b);
	}
	char mux[800];
	logmux_describe(v->mux, mux, sizeof(mux));
	logs_cat(out, cap, " | %s", mux);
	if (!v->follow) {
		logs_commas(logview_new_lines(v->view), b, sizeof(b));
		logs_cat(out, cap, " | %s, %s new lines", v->paused ? "PAUSED" : "scrolled", b);
	}
	if (*logview_include(v->view))
		logs_cat(out, cap, " | grep %s", logview_include(v->view));
	if (*logview_exclude(v->view))
		logs_cat(out, cap, " | exclude %s", logview_exclude(v->view));
	if (logview_context(v->view))
		logs_cat(out, cap, " | context %u", logview_context(v->view));
	if (*logview_search(v->view))
		logs_cat(out, cap, " | /%s", logview_search(v->view));
	if (v->check) {
		/* Recounted when lines arrived, at most once a second: it reads the whole ring. */
		long long now_ms = loop_now_ms();
		if (!v->verdict[0] || (v->check_seq != logbuf_next_seq(v->lb) && now_ms - v->check_ms >= 1000)) {
			struct logcheck_result r;
			logcheck_result_init(&r);
			for (size_t i = 0; i < v->model->npods; i++)
				if (logtarget_matches(&v->target, v->model, v->model->pods[i]))
					logcheck_add_pod(&r, v->model->pods[i]->ns, v->model->pods[i]->name);
			logcheck_evaluate(v->check, v->lb, &r);
			char exp[32];
			logcheck_format_expect(v->check, exp, sizeof(exp));
			snprintf(v->verdict, sizeof(v->verdict), "%s: %ld pod%s matching (expected %s)",
				 r.pass ? "PASS" : "FAIL", r.matching_pods, r.matching_pods == 1 ? "" : "s", exp);
			logcheck_result_free(&r);
			v->check_seq = logbuf_next_seq(v->lb);
			v->check_ms = now_ms;
		}
		logs_cat(out, cap, " | %s", v->verdict);
	}
	/* Lag: lines are waiting to be merged and the newest shown is old. */
	int64_t newest = logbuf_newest_ts(v->lb);
	if (logmux_pending(v->mux) && newest) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		int64_t lag = ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec - newest) / 1000000000;
		if (lag >= 2)
			logs_cat(out, cap, " | lag %llds", (long long)lag);
	}
}

/* ---- Movement ---- */

static void logs_leave_follow(struct logs_view *v, int height)
{
	if (!v->follow)
		return;
	size_t count = logview_count(v->view);
	size_t first = count > (size_t)height ? count - (size_t)height : 0;
	v->top_seq = count ? logview_seq(v->view, first) : logbuf_next_seq(v->lb);
	v->follow = false;
	logview_pause(v->view, true);
}

void logs_view_scroll(struct logs_view *v, long delta, int height)
{
	logview_update(v->view);
	size_t count = logview_count(v->view);
	if (height < 1)
		height = 1;
	if (delta < 0)
		logs_leave_follow(v, height);
	if (v->follow)
		return;
	long i = (long)logs_index_of(v, v->top_seq) + delta;
	long last = (long)count - height;
	if (last < 0)
		last = 0;
	if (i >= last && delta > 0 && !v->paused) {
		logs_view_bottom(v);
		return;
	}
	if (i > last)
		i = last;
	if (i < 0)
		i = 0;
	v->top_seq = count ? logview_seq(v->view, (size_t)i) : logbuf_next_seq(v->lb);
}

void logs_view_top(struct logs_view *v)
{
	logview_update(v->view);
	logs_leave_follow(v, 1);
	v->top_seq = logview_count(v->view) ? logview_seq(v->view, 0) : logbuf_first_seq(v->lb);
}

void logs_view_bottom(struct logs_view *v)
{
	v->follow = true;
	v->paused = false;
	logview_pause(v->view, false);
}

void logs_view_toggle_pause(struct logs_view *v)
{
	if (v->follow || !v->paused) {
		logview_update(v->view);
		logs_leave_follow(v, 1);
		/* Keep the screen where it was: the newest line stays the last one shown. */
		v->paused = true;
		size_t count = logview_count(v->view);
		v->top_seq = count ? logview_seq(v->view, count > 1 ? count - 1 : 0) : logbuf_next_seq(v->lb);
		return;
	}
	logs_view_bottom(v);
}

void logs_view_hscroll(struct logs_view *v, long delta)
{
	long h = (long)v->hscroll + delta;
	v->hscroll = h < 0 ? 0 : (size_t)h;
}

static void logs_show_index(struct logs_view *v, size_t i, int height)
{
	logs_leave_follow(v, height);
	size_t top = i > (size_t)height / 2 ? i - (size_t)height / 2 : 0;
	v->top_seq = logview_seq(v->view, top);
	v->cursor_seq = logview_seq(v->view, i);
}

int logs_view_search(struct logs_view *v, const char *re, int height, char *err, size_t errcap)
{
	if (logview_set_search(v->view, re, true, err, errcap) < 0)
		return -1;
	v->cursor_seq = UINT64_MAX;
	if (!re || !*re)
		return 0;
	logview_update(v->view);
	long i = logview_find(v->view, (long)logview_count(v->view), -1);
	if (i < 0) {
		snprintf(err, errcap, "no line matches '%s'", re);
		return -1;
	}
	logs_show_index(v, (size_t)i, height);
	return 0;
}

int logs_view_search_next(struct logs_view *v, int dir, int height, char *err, size_t errcap)
{
	logview_update(v->view);
	if (!*logview_search(v->view)) {
		snprintf(err, errcap, "no search: type / and a pattern first");
		return -1;
	}
	long from = v->cursor_seq == UINT64_MAX ? (long)logview_count(v->view)
						: (long)logs_index_of(v, v->cursor_seq);
	long i = logview_find(v->view, from, dir);
	if (i < 0) {
		snprintf(err, errcap, "no line matches '%s'", logview_search(v->view));
		return -1;
	}
	logs_show_index(v, (size_t)i, height);
	return 0;
}

/* After a filter change the view was rebuilt: follow again, or when paused count new
 * lines from now on. */
static void logs_view_refiltered(struct logs_view *v)
{
	logview_update(v->view);
	if (v->paused)
		logview_pause(v->view, true);
	else
		logs_view_bottom(v);
}

int logs_view_grep(struct logs_view *v, const char *re, char *err, size_t errcap)
{
	if (logview_set_include(v->view, re, true, err, errcap) < 0)
		return -1;
	logs_view_refiltered(v);
	return 0;
}

int logs_view_exclude(struct logs_view *v, const char *re, char *err, size_t errcap)
{
	if (logview_set_exclude(v->view, re, true, err, errcap) < 0)
		return -1;
	logs_view_refiltered(v);
	return 0;
}

long logs_view_save(struct logs_view *v, const char *path, char *err, size_t errcap)
{
	logview_update(v->view);
	unsigned fmt = LOGBUF_FMT_TIME | (logbuf_nsources(v->lb) > 1 ? LOGBUF_FMT_TAG : 0);
	if (logview_filtered(v->view))
		return logbuf_save(v->lb, logview_seqs(v->view), logview_count(v->view), fmt, path, err, errcap);
	return logbuf_save(v->lb, NULL, 0, fmt, path, err, errcap);
}

enum logs_exec logs_view_exec(struct logs_view *v, enum cmd_id cmd, const char *arg, int page,
			      char *msg, size_t msgcap, bool *error)
{
	char err[600];
	msg[0] = '\0';
	*error = false;
	if (page < 1)
		page = 1;
	switch (cmd) {
	case CMD_QUIT:
	case CMD_CANCEL:
		return LOGS_EXEC_CLOSE;
	case CMD_MOVE_UP: logs_view_scroll(v, -1, page); break;
	case CMD_MOVE_DOWN: logs_view_scroll(v, 1, page); break;
	case CMD_PAGE_UP: logs_view_scroll(v, -page, page); break;
	case CMD_PAGE_DOWN: logs_view_scroll(v, page, page); break;
	case CMD_MOVE_TOP: logs_view_top(v); break;
	case CMD_MOVE_BOTTOM: logs_view_bottom(v); break;
	case CMD_LOG_PAUSE:
		logs_view_toggle_pause(v);
		snprintf(msg, msgcap, "%s", v->paused ? "paused (still receiving): p resumes" : "following");
		break;
	case CMD_LOG_SEARCH:
		if (logs_view_search(v, arg, page, err, sizeof(err)) < 0) {
			snprintf(msg, msgcap, "%s", err);
			*error = true;
		}
		break;
	case CMD_SEARCH_NEXT:
	case CMD_SEARCH_PREV:
		if (logs_view_search_next(v, cmd == CMD_SEARCH_NEXT ? 1 : -1, page, err, sizeof(err)) < 0) {
			snprintf(msg, msgcap, "%s", err);
			*error = true;
		}
		break;
	case CMD_FILTER:
	case CMD_LOG_GREP:
	case CMD_LOG_EXCLUDE: {
		bool ex = cmd == CMD_LOG_EXCLUDE;
		/* The pane filter's '~' regex marker means nothing here: lines are regexes. */
		const char *re = cmd == CMD_FILTER && arg[0] == '~' ? arg + 1 : arg;
		int rc = ex ? logs_view_exclude(v, re, err, sizeof(err)) : logs_view_grep(v, re, err, sizeof(err));
		if (rc < 0) {
			snprintf(msg, msgcap, "%s", err);
			*error = true;
		}
		break;
	}
	case CMD_LOG_CONTEXT: {
		char *end;
		long n = strtol(arg, &end, 10);
		if (!*arg || *end || n < 0 || n > 1000) {
			snprintf(msg, msgcap, "log-context needs a number of lines 0..1000, got '%.50s'", arg);
			*error = true;
		} else {
			logview_set_context(v->view, (unsigned)n);
			logs_view_refiltered(v);
		}
		break;
	}
	case CMD_LOG_WRAP: v->wrap = !v->wrap; break;
	case CMD_LOG_TIMESTAMPS: v->timestamps = !v->timestamps; break;
	case CMD_SCROLL_LEFT: logs_view_hscroll(v, -8); break;
	case CMD_SCROLL_RIGHT: logs_view_hscroll(v, 8); break;
	case CMD_LOG_SAVE: {
		long n = logs_view_save(v, arg, err, sizeof(err));
		if (n < 0) {
			snprintf(msg, msgcap, "%s", err);
			*error = true;
		} else {
			snprintf(msg, msgcap, "saved %ld lines to %.300s", n, arg);
		}
		break;
	}
	default:
		return LOGS_EXEC_NOT_MINE;
	}
	return LOGS_EXEC_DONE;
}
