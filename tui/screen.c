/* tui/screen: see screen.h; how the parts divide is in screen_int.h.
 * This part: the message line, starting and stopping the terminal, the loop hooks (frame
 * pacing, the one-second tick, tty input, signals), and turning keys into prompt edits or
 * commands for screen_exec (screen_exec.c). */
#include "tui/screen.h"

#include "core/trace.h"
#include "core/xalloc.h"
#include "panels/confirm.h"
#include "panels/palette.h"
#include "tui/screen_int.h"
#include "tui/term.h"
#include "tui/text.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <term.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

/* Frames the model asks for (watch events, log lines) are paced (tui/pace) by a token
 * bucket of one:
 * at least SCREEN_FRAME_MS apart and one every SCREEN_REFILL_MS, so under 200 changes/s
 * the panes re-walk their 10,000 rows 10 times a second, not 30: more than a person reads,
 * and inside the 250 ms change-to-screen budget (issue 10).  A change after a quiet spell
 * shows at once.  At start-up the bucket holds SCREEN_START_FRAMES, so the frames of the
 * informers finishing their lists one after another are not held back (a larger bucket
 * all the time measured ~1 % of a core more under churn).  The answer to a key is drawn
 * at once (screen->urgent) and takes no token. */
enum { SCREEN_FRAME_MS = 33, SCREEN_REFILL_MS = 100, SCREEN_START_FRAMES = 6, SCREEN_TICK_MS = 1000 };

void screen_message(struct app *app, bool error, const char *fmt, ...)
{
	char raw[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (!app->screen) {
		if (error) {
			char safe[600];
			text_sanitize(raw, strlen(raw), safe, sizeof(safe));
			fprintf(stderr, "warroom: %s\n", safe);
		}
		return;
	}
	/* Messages may quote user input: sanitised here, drawn as is later. */
	text_sanitize(raw, strlen(raw), app->screen->message, sizeof(app->screen->message));
	app->screen->message_error = error;
	app->screen->dirty = true;
}

void screen_mark_dirty(struct app *app)
{
	if (app->screen)
		app->screen->dirty = true;
}

struct pane *screen_focused(struct app *app)
{
	return &app->panes[app->focus];
}

int screen_sync_panes(struct app *app)
{
	time_t now = time(NULL);
	int rebuilt = 0;
	for (size_t i = 0; i < APP_NPANES; i++)
		rebuilt += pane_sync(&app->panes[i], &app->model, now);
	return rebuilt;
}

/* ---- loop hooks ----------------------------------------------------------------- */

static long screen_on_frame_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	app->screen->frame_timer = 0;
	return LOOP_TIMER_STOP;
}

static void screen_before_sleep(struct loop *loop, void *ud)
{
	struct app *app = ud;
	struct screen *s = app->screen;
	if (!s || !s->dirty || app->quit)
		return;
	bool paced = !s->urgent;
	if (paced) {
		long long wait = pace_wait(&s->pace, loop_now_ms());
		if (wait > 0) {
			/* Too soon for another frame: wake up when it is time instead. */
			if (!s->frame_timer)
				s->frame_timer = loop_add_timer(loop, wait, screen_on_frame_timer, app);
			return;
		}
	}
	s->drawing_urgent = s->urgent;
	s->urgent = false;
	screen_draw(app);
	pace_drawn(&s->pace, loop_now_ms(), paced);
}

static long screen_on_tick(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	app->screen->dirty = true; /* ages and "data Ns old" move on */
	return SCREEN_TICK_MS;
}

static void screen_resize(struct app *app)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	app->screen->dirty = true;
}

/* Raw mode with nonl(): Return arrives as CR, or as KEY_ENTER from the keypad. */
static bool screen_is_enter(wint_t ch, bool is_key)
{
	return is_key ? ch == KEY_ENTER : ch == '\n' || ch == '\r';
}

static bool screen_is_backspace(wint_t ch, bool is_key)
{
	return is_key ? ch == KEY_BACKSPACE : ch == 127 || ch == 8;
}

static void screen_prompt_key(struct app *app, wint_t ch, bool is_key)
{
	struct screen *s = app->screen;
	size_t len = strlen(s->prompt);
	bool filter = s->mode == MODE_FILTER;
	if (screen_is_enter(ch, is_key)) {
		s->mode = MODE_NORMAL;
		if (!filter && s->prompt[0]) {
			/* A copy: the command may reuse the prompt (a view's '/' prefills it). */
			char line[256];
			snprintf(line, sizeof(line), "%s", s->prompt);
			s->message[0] = '\0';
			screen_run_line(app, line);
		}
	} else if (!is_key && ch == 27) {
		if (filter)
			pane_set_filter(screen_focused(app), s->saved_filter);
		s->mode = MODE_NORMAL;
	} else if (screen_is_backspace(ch, is_key)) {
		/* Remove one UTF-8 character. */
		while (len > 0 && ((unsigned char)s->prompt[len - 1] & 0xC0) == 0x80)
			len--;
		if (len > 0)
			len--;
		s->prompt[len] = '\0';
	} else if (!is_key && ch == 21) { /* C-u */
		s->prompt[0] = '\0';
	} else if (!is_key && ch == '\t' && !filter) {
		struct palette_ctx ctx = { .model = &app->model, .focused = screen_focused(app), .ns = app->ns };
		char done[sizeof(s->prompt)];
		palette_complete(&ctx, s->prompt, done, sizeof(done));
		snprintf(s->prompt, sizeof(s->prompt), "%s", done);
	} else if (!is_key && ch >= 0x20 && ch != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, (wchar_t)ch, &st);
		if (n != (size_t)-1 && len + n < sizeof(s->prompt)) {
			memcpy(s->prompt + len, mb, n);
			s->prompt[len + n] = '\0';
		}
	}
	if (filter && s->mode == MODE_FILTER)
		pane_set_filter(screen_focused(app), s->prompt);
	s->dirty = true;
}

static void screen_help_key(struct app *app, int key)
{
	struct screen *s = app->screen;
	const struct command_call *call = keymap_lookup(&app->keymap, key);
	enum cmd_id id = call ? call->id : CMD__COUNT;
	if (id == CMD_QUIT || id == CMD_HELP || id == CMD_CANCEL)
		s->mode = MODE_NORMAL;
	else if (id == CMD_MOVE_DOWN)
		s->help_top++;
	else if (id == CMD_MOVE_UP && s->help_top > 0)
		s->help_top--;
	else if (id == CMD_PAGE_DOWN)
		s->help_top += 10;
	else if (id == CMD_PAGE_UP)
		s->help_top = s->help_top > 10 ? s->help_top - 10 : 0;
	else if (id == CMD_MOVE_TOP)
		s->help_top = 0;
	else if (id == CMD_MOVE_BOTTOM)
		s->help_top = 1u << 20; /* the drawing clamps it to the last page */
	s->dirty = true;
}

/* The keymap context of what has the focus: the open view (in the order they are drawn
 * over each other, tui/screen_views.c), else the focused pane. */
static enum keymap_ctx screen_keymap_ctx(const struct app *app)
{
	static const enum keymap_ctx panes[APP_NPANES] = {
		[APP_PANE_PODS] = KEYMAP_CTX_PODS, [APP_PANE_NODES] = KEYMAP_CTX_NODES,
		[APP_PANE_WORKLOADS] = KEYMAP_CTX_WORKLOADS, [APP_PANE_EVENTS] = KEYMAP_CTX_EVENTS,
	};
	if (app->describe)
		return KEYMAP_CTX_DESCRIBE;
	if (app->logs)
		return KEYMAP_CTX_LOGS;
	if (app->hosts_open && app->hosts)
		return KEYMAP_CTX_HOSTS;
	if (app->matrix_open)
		return KEYMAP_CTX_MATRIX;
	return app->focus < APP_NPANES ? panes[app->focus] : KEYMAP_CTX_GLOBAL;
}

static void screen_key(struct app *app, wint_t ch, bool is_key)
{
	struct screen *s = app->screen;
	if (is_key && ch == KEY_RESIZE) {
		screen_resize(app);
		return;
	}
	/* A hosts pane question (host key, passphrase) takes every key until answered. */
	if (s->mode == MODE_NORMAL && screen_hosts_shown(app) && hosts_view_prompting(app->hosts)) {
		int hk = -1;
		if (screen_is_enter(ch, is_key))
			hk = '\n';
		else if (screen_is_backspace(ch, is_key))
			hk = 127;
		else if (!is_key)
			hk = (int)ch;
		hosts_view_key(app->hosts, hk);
		s->dirty = true;
		return;
	}
	if (s->mode == MODE_FILTER || s->mode == MODE_COMMAND) {
		screen_prompt_key(app, ch, is_key);
		return;
	}
	/* An action's dialog (panels/confirm) takes every key while it is open. */
	if (confirm_key(app, (int)ch, is_key)) {
		s->dirty = true;
		return;
	}
	int key = (int)ch;
	/* The keymap calls Return Enter ('\n'). */
	if (screen_is_enter(ch, is_key))
		key = '\n';
	if (!is_key && ch >= 0x80)
		return; /* no bindings for non-ASCII characters */
	if (s->mode == MODE_HELP) {
		screen_help_key(app, key);
		return;
	}
	const struct command_call *call = keymap_lookup_ctx(&app->keymap, screen_keymap_ctx(app), key);
	if (!call)
		return;
	s->message[0] = '\0';
	struct command_call copy = *call;
	screen_exec(app, &copy);
}

/* ---- Escape without waiting -------------------------------------------------------
 * ncurses tells a lone Escape from the start of a key's escape sequence (an arrow, F1) by
 * waiting ESCDELAY ms for more bytes, inside wget_wch: the whole loop stood still and
 * every Escape was answered 25 ms late (issue 10's keystroke benchmark: the three
 * slowest keys of 72, p99 28.6 ms).  A terminal writes a key's sequence in one write, so
 * its bytes are already there when the ESC is read: ncurses is told not to wait
 * (set_escdelay(0)) and decodes them as before, and an ESC with nothing after it is
 * Escape, answered at once.  A sequence split by a slow link (its tail arriving a few ms
 * later) is put together here: bytes arriving within SCREEN_ESC_MS of the Escape that,
 * after it, spell a key (key_defined) are that key; a prefix is held until it completes or
 * the time is up; anything else is delivered as typed.  The Escape itself then was one
 * spurious cancel, which is harmless everywhere (prompts, dialogs, views).  The time is
 * ncurses' own setting, ESCDELAY in the environment (ms), else SCREEN_ESC_MS. */
enum { SCREEN_ESC_MS = 25, SCREEN_ESC_MAX_MS = 10000 };

/* ESCDELAY from the environment when it is a number of ms in range, else the default. */
static long screen_esc_ms(void)
{
	const char *env = getenv("ESCDELAY");
	char *end;
	long ms = env && *env ? strtol(env, &end, 10) : -1;
	return env && *env && !*end && ms >= 0 && ms <= SCREEN_ESC_MAX_MS ? ms : SCREEN_ESC_MS;
}

/* Delivers the bytes held after an Escape as the keys they were typed as. */
static void screen_esc_flush(struct app *app)
{
	struct screen *s = app->screen;
	char held[sizeof(s->esc_seq)];
	size_t n = s->esc_len > 1 ? s->esc_len - 1 : 0;
	memcpy(held, s->esc_seq + 1, n);
	s->esc_len = 0;
	loop_cancel_timer(app->loop, s->esc_timer);
	s->esc_timer = 0;
	for (size_t i = 0; i < n && !app->quit; i++)
		screen_key(app, (unsigned char)held[i], false);
}

static long screen_on_esc_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct app *app = ud;
	struct screen *s = app->screen;
	s->esc_timer = 0;
	if (s->esc_len > 1) {
		screen_esc_flush(app);
		s->urgent = true;
		s->dirty = true;
	}
	s->esc_len = 0;
	return LOOP_TIMER_STOP;
}

/* One key from wget_wch, through the Escape handling above to screen_key. */
static void screen_tty_key(struct app *app, struct loop *loop, wint_t ch, bool is_key)
{
	struct screen *s = app->screen;
	if (s->esc_len && loop_now_ms() - s->esc_at > s->esc_ms)
		screen_esc_flush(app);
	if (s->esc_len && !is_key && ch > 0 && ch < 0x80 && ch != 27 && s->esc_len + 1 < sizeof(s->esc_seq)) {
		s->esc_seq[s->esc_len++] = (char)ch;
		s->esc_seq[s->esc_len] = '\0';
		int code = key_defined(s->esc_seq);
		if (code > 0) {
			s->esc_len = 1; /* nothing held: the flush only ends the wait */
			screen_esc_flush(app);
			screen_key(app, (wint_t)code, true);
		} else if (code == 0) {
			screen_esc_flush(app);
		} else if (!s->esc_timer) {
			/* A prefix: held until the rest comes or the time is up. */
			long wait = (long)(s->esc_at + s->esc_ms - loop_now_ms());
			s->esc_timer = loop_add_timer(loop, wait > 0 ? wait : 0, screen_on_esc_timer, app);
		}
		return;
	}
	if (s->esc_len)
		screen_esc_flush(app);
	if (app->quit)
		return;
	screen_key(app, ch, is_key);
	if (!is_key && ch == 27) {
		s->esc_seq[0] = '\033';
		s->esc_seq[1] = '\0';
		s->esc_len = 1;
		s->esc_at = loop_now_ms();
	}
}

static void screen_on_tty(struct loop *loop, int fd, int revents, void *ud)
{
	(void)fd;
	struct app *app = ud;
	wint_t ch;
	int rc;
	int got = 0;
	while (!app->quit && (rc = wget_wch(stdscr, &ch)) != ERR) {
		screen_tty_key(app, loop, ch, rc == KEY_CODE_YES);
		got++;
	}
	if (got && app->screen) {
		app->screen->urgent = true;
		if (trace_enabled()) {
			char n[24];
			snprintf(n, sizeof(n), "%d", got);
			trace_mark("key", n); /* WARROOM_TRACE: keys handled (input -> key -> draw) */
		}
	}
	/* Readable with nothing to read, or a hang-up: the terminal has gone away. */
	if (!got && (revents & LOOP_WRITE)) {
		app->quit = true;
		app->exit_code = 1;
		loop_stop(loop);
	}
}

static void screen_on_signal(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	struct app *app = ud;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			screen_resize(app);
		} else {
			app->quit = true;
			app->exit_code = 128 + (int)si.ssi_signo;
			loop_stop(loop);
		}
	}
}

int screen_start(struct app *app, char *err, size_t errcap)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errcap, "the console needs a terminal on stdin and stdout (use --batch for scripts)");
		return -1;
	}
	struct screen *s = xcalloc(1, sizeof(*s));
	pace_init(&s->pace, SCREEN_FRAME_MS, SCREEN_REFILL_MS, SCREEN_START_FRAMES);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &mask, &s->oldmask) < 0 ||
	    (s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(err, errcap, "signalfd: %s", strerror(errno));
		free(s);
		return -1;
	}
	/* $TERM, else a fallback type when its terminfo is missing (tui/term); the note
	 * saying which one is the first message on the bottom line. */
	s->term = term_open(stdout, stdin, s->message, sizeof(s->message), err, errcap);
	if (!s->term) {
		close(s->sigfd);
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		free(s);
		return -1;
	}
	set_term(s->term);
	/* A terminal without cursor addressing (TERM=dumb) cannot show a dashboard. */
	const char *cup = tigetstr("cup");
	if (!cup || cup == (const char *)-1) {
		const char *term = getenv("TERM");
		endwin();
		delscreen(s->term);
		snprintf(err, errcap, "terminal type '%.40s' cannot move the cursor; use --batch, or set TERM "
			 "(e.g. xterm)", term ? term : "(unset)");
		close(s->sigfd);
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		free(s);
		return -1;
	}
	raw(); /* C-c is a key (bound to quit), not a signal that would skip endwin */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(0); /* Escape is told apart without waiting: screen_tty_key */
	s->esc_ms = screen_esc_ms();
	/* A frame goes to the terminal whole (issue 10, keystroke latency: under tmux on a
	 * busy machine a frame's doupdate took 5-9 ms).  doupdate would otherwise stop every
	 * few lines to look for typed keys, and ncurses (6.4) writes its buffer out after
	 * every cursor movement for as long as the screen has never been left and resumed:
	 * one write(2) per changed line, ~50 per repainted pane, each waking tmux.  Leaving
	 * and resuming once here, before anything is drawn, ends that. */
	typeahead(-1);
	endwin();
	doupdate();
	curs_set(0);
	/* NO_COLOR (set and not empty, no-color.org) or `colors: none` in the config:
	 * monochrome, the attributes-only look every drawing function has.  Decided before
	 * start_color(), which alone makes ncurses paint default colours. */
	const char *no_color = getenv("NO_COLOR");
	if (term_colors(tigetnum("colors"), app->colors, no_color && no_color[0]) > 0 && has_colors() &&
	    start_color() == OK) {
		s->colors = true;
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		init_pair(PAIR_BAD, COLOR_RED, bg);
		init_pair(PAIR_WARN, COLOR_YELLOW, bg);
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_BAR_BAD, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_SEARCH, COLOR_BLACK, COLOR_YELLOW);
		/* Pod tags in the logs view: a stable colour per pod. */
		static const short logcol[LOGBUF_NCOLOURS] = { COLOR_CYAN, COLOR_GREEN, COLOR_MAGENTA,
							       COLOR_BLUE, COLOR_YELLOW, COLOR_RED };
		for (short i = 0; i < LOGBUF_NCOLOURS; i++)
			init_pair((short)(PAIR_LOG0 + i), logcol[i], bg);
	}
	s->dirty = true;
	app->screen = s;
	loop_watch_fd(app->loop, STDIN_FILENO, LOOP_READ, screen_on_tty, app);
	loop_watch_fd(app->loop, s->sigfd, LOOP_READ, screen_on_signal, app);
	loop_set_before_sleep(app->loop, screen_before_sleep, app);
	s->tick_timer = loop_add_timer(app->loop, SCREEN_TICK_MS, screen_on_tick, app);
	return 0;
}

void screen_stop(struct app *app)
{
	struct screen *s = app->screen;
	if (!s)
		return;
	loop_unwatch_fd(app->loop, STDIN_FILENO);
	loop_unwatch_fd(app->loop, s->sigfd);
	loop_set_before_sleep(app->loop, NULL, NULL);
	loop_cancel_timer(app->loop, s->tick_timer);
	loop_cancel_timer(app->loop, s->frame_timer);
	loop_cancel_timer(app->loop, s->esc_timer);
	curs_set(1);
	endwin();
	delscreen(s->term);
	close(s->sigfd);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	free(s);
	app->screen = NULL;
}

