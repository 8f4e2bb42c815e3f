/* tui/watch: the wall screen, several contexts at once (see watch.h). */
#include "tui/watch.h"

#include "core/trace.h"
#include "core/xalloc.h"
#include "kube/auth.h"
#include "kube/http.h"
#include "kube/informer.h"
#include "kube/kubeconfig.h"
#include "kube/request.h"
#include "panels/hosts.h"
#include "panels/matrix.h"
#include "panels/wall.h"
#include "ssh/hosts.h"
#include "tui/pace.h"
#include "tui/term.h"
#include "tui/text.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

enum {
	WATCH_MIN_FRAME_MS = 250,     /* at most 4 frames a second */
	WATCH_MAX_SLEEP_MS = 60000,   /* redraw at least this often (a wall clock that jumped) */
	WATCH_EDGE_MS = 10,           /* wake this late after a second turns, so its text did */
	WATCH_STALE_MS = 2000,        /* a drop shorter than this is a normal re-watch */
	WATCH_MAX_PROBLEMS = 400,
	WATCH_LINE = 4096,
};
enum { WPAIR_OK = 1, WPAIR_WARN, WPAIR_BAD, WPAIR_STALE, WPAIR_BAR };

/* One context: everything the console has for its single context, N times. */
struct watch_source {
	char *label;                  /* context name, or the server for --server */
	char *server;                 /* no trailing slash */
	char *ns;                     /* NULL: all namespaces */
	struct kube_auth *auth;
	struct http_client *http;
	struct informer *inf[KUBE_NRESOURCES];
	struct model model;
	struct request_gate gate;     /* read-only: refuses anything but GET */
	struct matrix_view *matrix;   /* NULL without --matrix */
	long long stale_since_ms;     /* monotonic; 0 when in sync */
	time_t stale_since_wall;
	bool ever_synced;
	struct watch *w;
};

struct watch {
	struct app *app;
	struct watch_source *src;
	size_t n;
	struct hosts_view *hosts;
	SCREEN *term;
	int sigfd;
	sigset_t oldmask;
	bool colors, utf8, dirty;
	struct pace pace;       /* at most one frame every WATCH_MIN_FRAME_MS (tui/pace) */
	long long frame_timer;
	/* An idle wall sleeps until the next text that changes with time alone (the clock's
	 * minute, a pod's age, a stale marker): the earliest such instant seen while drawing
	 * (monotonic ms), and the timer that wakes the loop then. */
	long long next_change_ms;
	long long refresh_timer;
	struct timespec draw_rt;       /* the realtime clock when the frame was drawn */
	long rotate_ms;
	long long next_rotate_ms;
	size_t page;
	struct wall_problem *problems; /* scratch, WATCH_MAX_PROBLEMS entries */
	char term_note[256];           /* tui/term's fallback remark, "" when none */
};

static void watch_mark_dirty(struct watch *w)
{
	w->dirty = true;
}

static void watch_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	struct watch_source *s = ud;
	watch_mark_dirty(s->w);
}

static void watch_on_change(void *ud)
{
	struct watch_source *s = ud;
	watch_mark_dirty(s->w);
}

static void watch_on_hosts(void *ud)
{
	watch_mark_dirty(ud);
}

/* Loads context `name` (NULL: the current one) with the command line's other flags; the
 * cluster/user/server overrides only apply when a single context is watched. */
static int watch_source_open(struct watch *w, struct watch_source *s, const char *name, bool single,
			     char *err, size_t cap)
{
	struct app *app = w->app;
	struct kube_flags fl = app->kflags;
	fl.context = name;
	if (!single) {
		fl.cluster = fl.user = fl.server = fl.token = NULL;
	}
	struct kube_env env;
	kubeconfig_env_from_process(&env);
	char *why = NULL;
	struct kube_conn *conn = kubeconfig_load(&fl, &env, &why);
	if (!conn) {
		snprintf(err, cap, "--context %.200s: %.500s", name ? name : "(current)",
			 why ? why : "cannot load the kubeconfig");
		free(why);
		return -1;
	}
	free(why);
	size_t slen = strlen(conn->server);
	while (slen > 0 && conn->server[slen - 1] == '/')
		slen--;
	s->w = w;
	s->server = xstrndup(conn->server, slen);
	s->label = xstrdup(conn->context ? conn->context : s->server);
	s->ns = !app->all_namespaces && conn->namespace_set ? xstrdup(conn->namespace_) : NULL;
	model_init(&s->model);
	s->http = http_client_new(app->loop);
	s->auth = auth_new(app->loop, conn, false); /* never asks the terminal */
	auth_attach(s->auth, s->http);
	auth_set_notify(s->auth, watch_on_change, s);
	request_gate_init(&s->gate, app->loop, s->http, s->server, NULL, true, false);
	struct informer_config cfg = {
		.server = s->server,
		.ns = s->ns,
		.opts = { .timeout_ms = 30000, .connect_timeout_ms = 5000 },
		.page_limit = 500,
	};
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		s->inf[r] = informer_new(app->loop, s->http, &s->model, (enum kube_resource)r, &cfg,
					 watch_on_informer, s);
		informer_start(s->inf[r]);
	}
	if (app->nmatrix_files) {
		struct matrix mx;
		matrix_init(&mx);
		char *merr = NULL;
		if (matrix_load_all(&mx, app->matrix_files, app->nmatrix_files, app->argv0, &merr) < 0) {
			snprintf(err, cap, "--matrix: %.500s", merr ? merr : "cannot load");
			free(merr);
			matrix_free(&mx);
			return -1;
		}
		struct matrix_view_config mcfg = { .server = s->server, .context = conn->context, .watched_ns = s->ns,
						   .opts = { .timeout_ms = 20000, .connect_timeout_ms = 5000 },
						   .periodic = true };
		s->matrix = matrix_view_new(app->loop, s->http, &s->model, &mx, &mcfg, watch_on_change, s);
	}
	return 0;
}

static void watch_source_close(struct watch_source *s)
{
	matrix_view_free(s->matrix);
	for (size_t r = 0; r < KUBE_NRESOURCES; r++)
		informer_free(s->inf[r]);
	/* auth first: auth_free detaches its provider from the client, so the client must
	 * still exist (freeing it first was a use after free, found by the ASan chaos run). */
	auth_free(s->auth);
	http_client_free(s->http);
	model_free(&s->model);
	free(s->label);
	free(s->server);
	free(s->ns);
}

/* Updates the source's staleness; true when its data cannot be trusted now. */
static bool watch_source_stale(struct watch_source *s, long long now_ms, time_t now)
{
	long long worst = 0;
	bool never = false;
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		long long st = informer_stale_ms(s->inf[r], now_ms);
		if (st < 0)
			never = true;
		else if (st > worst)
			worst = st;
	}
	if (!never)
		s->ever_synced = true;
	if (never || worst >= WATCH_STALE_MS) {
		if (!s->stale_since_ms) {
			long long age = never ? 0 : worst;
			s->stale_since_ms = now_ms - age;
			s->stale_since_wall = now - (time_t)(age / 1000);
		}
		return true;
	}
	s->stale_since_ms = 0;
	return false;
}

static void watch_matrix_counts(struct watch_source *s, time_t now, struct wall_counts *c)
{
	c->have_matrix = s->matrix != NULL;
	c->services_total = c->services_down = c->services_degraded = 0;
	if (!s->matrix)
		return;
	bool listed = informer_has_synced(s->inf[KUBE_PODS]) && informer_has_synced(s->inf[KUBE_DEPLOYMENTS]) &&
		      informer_has_synced(s->inf[KUBE_STATEFULSETS]);
	matrix_view_set_listed(s->matrix, listed);
	matrix_view_update(s->matrix, now);
	const struct matrix *mx = matrix_view_matrix(s->matrix);
	for (size_t i = 0; i < mx->nservices; i++) {
		const struct health_result *r = matrix_view_result(s->matrix, i);
		c->services_total++;
		if (r->state == HEALTH_DOWN || r->state == HEALTH_NOT_FOUND)
			c->services_down++;
		else if (r->state == HEALTH_DEGRADED)
			c->services_degraded++;
	}
}

/* The SSH hosts of --config: the same for every context (hosts are not in a cluster). */
static void watch_host_counts(struct watch *w, struct wall_counts *c)
{
	c->have_hosts = w->hosts != NULL;
	c->hosts_total = c->hosts_disk_over = c->hosts_disk_crit = c->hosts_failing = 0;
	if (!w->hosts)
		return;
	const struct hosts *h = hosts_view_hosts(w->hosts);
	for (size_t i = 0; i < hosts_count(h); i++)
		wall_count_host(hosts_status(h, i), c);
}

/* Appends the hosts' problems (failing, or a mount over its critical threshold) to the
 * n problems in w->problems; returns the new count. */
static size_t watch_host_problems(struct watch *w, size_t n, size_t *total)
{
	if (!w->hosts)
		return n;
	const struct hosts *h = hosts_view_hosts(w->hosts);
	struct wall_problem p;
	for (size_t i = 0; i < hosts_count(h); i++) {
		if (!wall_host_problem(hosts_status(h, i), &p))
			continue;
		(*total)++;
		/* Hosts go first: they are few, and the list may be cut. */
		if (n == WATCH_MAX_PROBLEMS)
			n--;
		memmove(w->problems + 1, w->problems, n * sizeof(*w->problems));
		w->problems[0] = p;
		n++;
	}
	return n;
}

/* ---- when the screen changes by itself ---- */

/* The frame being drawn shows text that changes on its own within in_ms. */
static void watch_due_in(struct watch *w, long long now_ms, long long in_ms)
{
	if (in_ms < 0)
		in_ms = 0;
	if (now_ms + in_ms < w->next_change_ms)
		w->next_change_ms = now_ms + in_ms;
}

/* Milliseconds from the frame's realtime until wall-clock second t has begun. */
static long long watch_ms_until(const struct watch *w, time_t t)
{
	return ((long long)t - (long long)w->draw_rt.tv_sec) * 1000 - w->draw_rt.tv_nsec / 1000000 + WATCH_EDGE_MS;
}

/* What makes a tile change with time alone: while stale or with a source in trouble,
 * ages and retry countdowns in seconds; otherwise a lost watch crossing the staleness
 * threshold (the grey STALE must show without any event to trigger it). */
static void watch_source_due(struct watch *w, struct watch_source *s, bool stale, bool sources_bad,
			     long long now_ms)
{
	if (stale || sources_bad) {
		long long age = stale && s->stale_since_ms ? now_ms - s->stale_since_ms : 0;
		watch_due_in(w, now_ms, 1000 - age % 1000 + WATCH_EDGE_MS);
		return;
	}
	for (size_t r = 0; r < KUBE_NRESOURCES; r++) {
		long long st = informer_stale_ms(s->inf[r], now_ms);
		if (st > 0)
			watch_due_in(w, now_ms, WATCH_STALE_MS - st + WATCH_EDGE_MS);
	}
}

/* ---- drawing ---- */

static int watch_pair_of(enum wall_state st)
{
	switch (st) {
	case WALL_OK:
		return WPAIR_OK;
	case WALL_DEGRADED:
		return WPAIR_WARN;
	case WALL_DOWN:
		return WPAIR_BAD;
	case WALL_STALE:
		break;
	}
	return WPAIR_STALE;
}

/* Draws sanitised UTF-8 at y,x, cut to cols columns. */
static void watch_put(struct watch *w, int y, int x, int cols, const char *text, int attr)
{
	if (cols <= 0 || y < 0 || y >= LINES)
		return;
	char fit[WATCH_LINE];
	text_fit(text, (size_t)cols, fit, sizeof(fit));
	(void)w;
	attron(attr);
	term_mvaddstr(y, x, fit); /* ASCII when the locale is not UTF-8 */
	attroff(attr);
}

static int watch_attr(struct watch *w, int pair, bool bold)
{
	int a = bold ? A_BOLD : 0;
	if (w->colors)
		a |= COLOR_PAIR(pair);
	else if (pair == WPAIR_STALE)
		a |= A_DIM;
	else if (pair == WPAIR_BAD)
		a |= A_REVERSE;
	return a;
}

/* One context's tile at (y, x), h rows by cols columns. */
static void watch_draw_tile(struct watch *w, struct watch_source *s, int y, int x, int h, int cols,
			    long long now_ms, time_t now)
{
	struct wall_counts c;
	memset(&c, 0, sizeof(c));
	wall_count_model(&s->model, &c);
	watch_matrix_counts(s, now, &c);
	watch_host_counts(w, &c);
	bool stale = watch_source_stale(s, now_ms, now);
	enum wall_state st = wall_state_of(&c, stale);
	int pair = watch_pair_of(st);
	char line[WATCH_LINE], raw[1200];
	int row = y, end = y + h;

	snprintf(raw, sizeof(raw), "%s  %s%s", s->label, s->server, s->ns ? "" : "  (all namespaces)");
	if (s->ns)
		snprintf(raw + strlen(raw), sizeof(raw) - strlen(raw), "  ns %s", s->ns);
	text_sanitize(raw, strlen(raw), line, sizeof(line));
	watch_put(w, row++, x, cols, line, watch_attr(w, WPAIR_BAR, true));

	/* The headline: block letters when they fit, else the word in bold. */
	char big[WALL_BIG_ROWS][WALL_BIG_BYTES];
	const char *word = wall_state_word(st);
	size_t bw = wall_big_render(word, w->utf8, big);
	if (bw && (int)bw <= cols && end - row >= WALL_BIG_ROWS + 3) {
		int bx = x + (cols - (int)bw) / 2;
		for (int r = 0; r < WALL_BIG_ROWS; r++)
			watch_put(w, row++, bx, (int)bw, big[r], watch_attr(w, pair, true));
	} else {
		watch_put(w, row++, x, cols, word, watch_attr(w, pair, true) | A_REVERSE);
	}

	/* Freshness: never a frozen green.  The word is repeated in text (screen readers,
	 * captures, and a headline too narrow for block letters). */
	enum wall_state data_st = wall_state_of(&c, false);
	if (stale) {
		char hhmm[16];
		wall_format_hhmm(s->stale_since_wall, hhmm, sizeof(hhmm));
		if (s->ever_synced) {
			char age[32];
			hosts_view_age(now_ms - s->stale_since_ms, age, sizeof(age));
			snprintf(raw, sizeof(raw), "STALE: stale since %s (%s), last seen %s", hhmm, age,
				 wall_state_word(data_st));
		} else {
			snprintf(raw, sizeof(raw), "STALE: stale since %s, no data yet", hhmm);
		}
	} else {
		snprintf(raw, sizeof(raw), "%s: live", wall_state_word(st));
	}
	watch_put(w, row++, x, cols, raw, watch_attr(w, stale ? WPAIR_STALE : WPAIR_OK, true));
	wall_format_strip(&c, raw, sizeof(raw));
	watch_put(w, row++, x, cols, raw, watch_attr(w, pair, false));
	/* Every source's state and the age of its data. */
	bool bad = false;
	informer_describe_sources(s->inf, KUBE_NRESOURCES, now_ms, raw, sizeof(raw), &bad);
	watch_source_due(w, s, stale, bad, now_ms);
	/* The matrix's health rules time how long a pod has been in a bad state. */
	if (s->matrix && c.pods_unhealthy)
		watch_due_in(w, now_ms, 1000);
	const char *auth = auth_state_text(s->auth);
	if (auth[0])
		snprintf(raw + strlen(raw), sizeof(raw) - strlen(raw), "  auth: %s", auth);
	char src[WATCH_LINE];
	memcpy(src, "sources: ", 9);
	text_sanitize(raw, strlen(raw), src + 9, sizeof(src) - 9);
	watch_put(w, row++, x, cols, src, watch_attr(w, bad ? WPAIR_STALE : 0, false));

	/* What is unhealthy, a page at a time (rotated by the tick). */
	if (row >= end)
		return;
	size_t total = 0;
	size_t np = wall_problems(&s->model, now, w->problems, WATCH_MAX_PROBLEMS, &total);
	np = watch_host_problems(w, np, &total);
	int avail = end - row;
	if (np == 0)
		return;
	size_t per = (size_t)avail > 1 && np > (size_t)avail ? (size_t)avail - 1 : (size_t)avail;
	size_t pages = (np + per - 1) / per;
	size_t pg = w->page % pages, first = pg * per;
	for (size_t i = first; i < np && i < first + per; i++) {
		watch_put(w, row++, x, cols, w->problems[i].text,
			  watch_attr(w, stale ? WPAIR_STALE : w->problems[i].sev == SEV_BAD ? WPAIR_BAD : WPAIR_WARN,
				     false));
		if (w->problems[i].changes_at)
			watch_due_in(w, now_ms, watch_ms_until(w, w->problems[i].changes_at));
	}
	if (pages > 1 && w->rotate_ms > 0) {
		/* A list that was one page until now starts its rotation now. */
		if (w->next_rotate_ms <= now_ms)
			w->next_rotate_ms = now_ms + w->rotate_ms;
		watch_due_in(w, now_ms, w->next_rotate_ms - now_ms);
	}
	if (pages > 1) {
		snprintf(raw, sizeof(raw), "page %zu/%zu of %zu unhealthy%s", pg + 1, pages, total,
			 total > np ? " (first shown)" : "");
		watch_put(w, row, x, cols, raw, watch_attr(w, WPAIR_STALE, false));
	}
}

static void watch_draw(struct watch *w)
{
	long long now_ms = loop_now_ms();
	clock_gettime(CLOCK_REALTIME, &w->draw_rt);
	time_t now = w->draw_rt.tv_sec;
	w->next_change_ms = now_ms + WATCH_MAX_SLEEP_MS;
	erase();
	int width = COLS, height = LINES;
	char raw[1200], clock[32];
	struct tm tm;
	localtime_r(&now, &tm);
	/* Minutes, not seconds: a wall read across a room needs no seconds, and a clock
	 * ticking every second would wake the idle console every second. */
	strftime(clock, sizeof(clock), "%Y-%m-%d %H:%M", &tm);
	snprintf(raw, sizeof(raw), "warroom watch  %zu context%s  read-only%s%s", w->n, w->n == 1 ? "" : "s",
		 w->term_note[0] ? "  " : "", w->term_note);
	int cw = (int)strlen(clock);
	bool show_clock = width > cw + 30;
	/* The title stops short of the clock rather than running under it. */
	watch_put(w, 0, 0, show_clock ? width - cw - 2 : width, raw, watch_attr(w, WPAIR_BAR, true));
	if (show_clock) {
		watch_put(w, 0, width - cw - 1, cw, clock, watch_attr(w, WPAIR_BAR, true));
		/* Whole-minute zone offsets: the local minute turns with the UTC one. */
		watch_due_in(w, now_ms, watch_ms_until(w, now - now % 60 + 60));
	}
	int bottom = height - 1;
	if (w->hosts) {
		bool bad = false;
		char line[WATCH_LINE];
		hosts_view_summary(w->hosts, raw, sizeof(raw), &bad);
		text_sanitize(raw, strlen(raw), line, sizeof(line));
		watch_put(w, bottom, 0, width, line, watch_attr(w, bad ? WPAIR_BAD : WPAIR_OK, bad));
		bottom--;
	}
	/* Side by side when each column has room for the widest headline, else stacked. */
	int top = 1, h = bottom - top + 1;
	int n = (int)w->n;
	bool side = width / n >= 40 || h / n < WALL_BIG_ROWS + 5;
	for (int i = 0; i < n; i++) {
		if (side) {
			int cols = (width - (n - 1)) / n;
			watch_draw_tile(w, &w->src[i], top, i * (cols + 1), h, cols, now_ms, now);
		} else {
			int rows = h / n;
			watch_draw_tile(w, &w->src[i], top + i * rows, 0, rows - (i + 1 < n ? 1 : 0), width, now_ms, now);
		}
	}
	if (width < 40 || height < 12)
		watch_put(w, height - 1, 0, width, "terminal too small for the wall screen (40x12)",
			  watch_attr(w, WPAIR_WARN, true));
	wnoutrefresh(stdscr);
	doupdate();
	trace_mark("frame", NULL); /* WARROOM_TRACE: wake-ups per frame, change -> frame */
	w->app->frames++;
	if (w->app->exit_after_frames > 0 && w->app->frames >= w->app->exit_after_frames) {
		w->app->quit = true;
		loop_stop(w->app->loop);
	}
}

/* Something shown changes with time now (see next_change_ms): redraw. */
static long watch_on_refresh(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct watch *w = ud;
	w->refresh_timer = 0;
	long long now_ms = loop_now_ms();
	if (w->rotate_ms > 0 && now_ms >= w->next_rotate_ms) {
		w->page++;
		w->next_rotate_ms = now_ms + w->rotate_ms;
	}
	watch_mark_dirty(w);
	return LOOP_TIMER_STOP;
}

/* After a frame: sleep until the next change it predicted (the only timer the wall
 * itself keeps; data arriving wakes the loop through its sockets). */
static void watch_schedule_refresh(struct watch *w)
{
	long long now_ms = loop_now_ms();
	if (w->refresh_timer)
		loop_cancel_timer(w->app->loop, w->refresh_timer);
	long long in = w->next_change_ms - now_ms;
	w->refresh_timer = loop_add_timer(w->app->loop, in > 0 ? (long)in : 0, watch_on_refresh, w);
}

static long watch_on_frame_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct watch *w = ud;
	w->frame_timer = 0;
	return LOOP_TIMER_STOP;
}

/* In steady state only watch streams trickle in: every informer watching, no SSH poll
 * running.  Lists, re-lists and SSH exchanges must not be slowed by coalescing. */
static bool watch_steady(const struct watch *w)
{
	for (size_t i = 0; i < w->n; i++)
		for (size_t r = 0; r < KUBE_NRESOURCES; r++)
			if (informer_state(w->src[i].inf[r]) != INFORMER_WATCHING)
				return false;
	return !w->hosts || hosts_busy_count(hosts_view_hosts(w->hosts)) == 0;
}

/* The loop's before-sleep hook: draws when dirty, at most every WATCH_MIN_FRAME_MS. */
static void watch_before_sleep(struct loop *loop, void *ud)
{
	struct watch *w = ud;
	/* A burst of watch events is read in one wake-up per frame budget: they could not be
	 * drawn sooner anyway. */
	loop_set_coalesce(loop, watch_steady(w) ? WATCH_MIN_FRAME_MS : 0);
	if (!w->dirty || w->app->quit)
		return;
	long long wait = pace_wait(&w->pace, loop_now_ms());
	if (wait > 0) {
		/* Too soon: come back when the frame is due (the timer only wakes the loop). */
		if (!w->frame_timer)
			w->frame_timer = loop_add_timer(loop, (long)wait, watch_on_frame_timer, w);
		return;
	}
	w->dirty = false;
	pace_drawn(&w->pace, loop_now_ms(), true);
	watch_draw(w);
	watch_schedule_refresh(w);
}

static void watch_quit(struct watch *w, int code)
{
	w->app->quit = true;
	w->app->exit_code = code;
	loop_stop(w->app->loop);
}

/* Keys: q and C-c quit; a resize redraws; everything else does nothing (read-only). */
static void watch_on_tty(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)fd;
	struct watch *w = ud;
	wint_t ch;
	int rc, got = 0;
	while (!w->app->quit && (rc = wget_wch(stdscr, &ch)) != ERR) {
		got++;
		if (rc == KEY_CODE_YES) {
			if (ch == KEY_RESIZE)
				watch_mark_dirty(w);
			continue;
		}
		if (ch == 'q' || ch == 3)
			watch_quit(w, 0);
	}
	/* Readable with nothing to read, or a hang-up: the terminal has gone away. */
	if (!got && (revents & LOOP_WRITE))
		watch_quit(w, 1);
}

static void watch_on_signal(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)revents;
	struct watch *w = ud;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			endwin();
			refresh();
			clear();
			watch_mark_dirty(w);
		} else {
			watch_quit(w, 128 + (int)si.ssi_signo);
		}
	}
}

static int watch_term_start(struct watch *w, char *err, size_t cap)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, cap, "--watch needs a terminal on stdin and stdout");
		return -1;
	}
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &mask, &w->oldmask) < 0 ||
	    (w->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(err, cap, "signalfd: %s", strerror(errno));
		return -1;
	}
	/* $TERM, else a fallback type when its terminfo is missing (tui/term); the note is
	 * shown on the top line. */
	char terr[512] = "";
	w->term = term_open(stdout, stdin, w->term_note, sizeof(w->term_note), terr, sizeof(terr));
	if (w->term)
		set_term(w->term);
	const char *cup = w->term ? tigetstr("cup") : NULL;
	if (!w->term || !cup || cup == (const char *)-1) {
		const char *term = getenv("TERM");
		if (w->term) {
			endwin();
			delscreen(w->term);
			w->term = NULL;
			snprintf(err, cap, "terminal type '%.40s' cannot move the cursor: it cannot run the wall "
				 "screen (set TERM, e.g. xterm)", term ? term : "(unset)");
		} else {
			snprintf(err, cap, "%s", terr);
		}
		close(w->sigfd);
		w->sigfd = -1;
		sigprocmask(SIG_SETMASK, &w->oldmask, NULL);
		return -1;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Each frame in one write, as the console does (tui/screen.c explains the ncurses
	 * 6.4 behaviour): a wall over SSH wakes its terminal once per frame, not per line. */
	typeahead(-1);
	endwin();
	doupdate();
	curs_set(0);
	w->utf8 = term_utf8();
	/* NO_COLOR (set and not empty, no-color.org) or `colors: none`: attributes only,
	 * decided before start_color(), which alone makes ncurses paint default colours. */
	const char *no_color = getenv("NO_COLOR");
	int ncolors = term_colors(tigetnum("colors"), w->app->colors, no_color && no_color[0]);
	if (ncolors > 0 && has_colors() && start_color() == OK) {
		w->colors = true;
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		init_pair(WPAIR_OK, COLOR_GREEN, bg);
		init_pair(WPAIR_WARN, COLOR_YELLOW, bg);
		init_pair(WPAIR_BAD, COLOR_RED, bg);
		/* Grey where the terminal has it (bright black), else white. */
		init_pair(WPAIR_STALE, ncolors >= 16 ? 8 : COLOR_WHITE, bg);
		init_pair(WPAIR_BAR, COLOR_WHITE, COLOR_BLUE);
	}
	/* Keys and signals are never held back by the coalescing of watch events. */
	loop_watch_fd(w->app->loop, STDIN_FILENO, LOOP_READ | LOOP_URGENT, watch_on_tty, w);
	loop_watch_fd(w->app->loop, w->sigfd, LOOP_READ | LOOP_URGENT, watch_on_signal, w);
	loop_set_before_sleep(w->app->loop, watch_before_sleep, w);
	return 0;
}

static void watch_term_stop(struct watch *w)
{
	if (!w->term)
		return;
	loop_unwatch_fd(w->app->loop, STDIN_FILENO);
	loop_unwatch_fd(w->app->loop, w->sigfd);
	loop_set_before_sleep(w->app->loop, NULL, NULL);
	endwin();
	delscreen(w->term);
	w->term = NULL;
	close(w->sigfd);
	sigprocmask(SIG_SETMASK, &w->oldmask, NULL);
}

int watch_main(struct app *app, const char *const *contexts, size_t n, const struct config *config,
	       long rotate_s)
{
	struct watch w;
	memset(&w, 0, sizeof(w));
	pace_init(&w.pace, WATCH_MIN_FRAME_MS, WATCH_MIN_FRAME_MS, 1);
	w.app = app;
	w.sigfd = -1;
	w.rotate_ms = rotate_s * 1000;
	app->read_only = true;
	if (!app->loop)
		app->loop = loop_new();
	size_t ns = n ? n : 1;
	w.src = xcalloc(ns, sizeof(*w.src));
	w.problems = xcalloc(WATCH_MAX_PROBLEMS, sizeof(*w.problems));
	int rc = 0;
	char err[1200];
	for (size_t i = 0; i < ns; i++) {
		if (watch_source_open(&w, &w.src[i], n ? contexts[i] : NULL, ns == 1, err, sizeof(err)) < 0) {
			char safe[1600];
			text_sanitize(err, strlen(err), safe, sizeof(safe));
			fprintf(stderr, "warroom: %s\n", safe);
			rc = 2;
			w.n = i + 1;
			goto out;
		}
		w.n = i + 1;
	}
	if (config && config->nhosts) {
		struct hosts_opts hopts = { .agent_socket = getenv("SSH_AUTH_SOCK") };
		w.hosts = hosts_view_new(app->loop, config, &hopts, watch_on_hosts, &w);
		/* No gate: every action refused; read-only: an unknown host key never prompts. */
		hosts_view_set_gate(w.hosts, NULL, true);
	}
	if (watch_term_start(&w, err, sizeof(err)) < 0) {
		fprintf(stderr, "warroom: %s\n", err);
		rc = 2;
		goto out;
	}
	w.dirty = true;
	w.next_rotate_ms = loop_now_ms() + w.rotate_ms;
	loop_run(app->loop);
	if (w.refresh_timer)
		loop_cancel_timer(app->loop, w.refresh_timer);
	if (w.frame_timer)
		loop_cancel_timer(app->loop, w.frame_timer);
	watch_term_stop(&w);
	rc = app->exit_code;
out:
	hosts_view_free(w.hosts);
	for (size_t i = 0; i < w.n; i++)
		watch_source_close(&w.src[i]);
	free(w.src);
	free(w.problems);
	return rc;
}
