/* tui/term: see term.h. */
#include "tui/term.h"

#include "tui/text.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

size_t term_candidates(const char *term, const char **out, size_t max)
{
	/* Related types first: a tmux or screen variant on a host that lacks it is best
	 * served by the screen entries every ncurses has had for decades. */
	static const char *const tmuxlike[] = { "tmux-256color", "screen-256color", "screen" };
	static const char *const common[] = { "xterm-256color", "xterm", "vt100" };
	size_t n = 0;
	if (term && term[0] && n < max)
		out[n++] = term;
	if (term && (strncmp(term, "tmux", 4) == 0 || strncmp(term, "screen", 6) == 0))
		for (size_t i = 0; i < sizeof(tmuxlike) / sizeof(tmuxlike[0]) && n < max; i++)
			if (strcmp(term, tmuxlike[i]) != 0)
				out[n++] = tmuxlike[i];
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]) && n < max; i++)
		if (!term || strcmp(term, common[i]) != 0)
			out[n++] = common[i];
	return n;
}

/* Whether terminfo has an entry for name (setupterm with errret never exits). */
static bool term_known(const char *name, int fd)
{
	int errret = 0;
	TERMINAL *saved = cur_term;
	if (setupterm(name, fd, &errret) != OK)
		return false;
	del_curterm(cur_term);
	set_curterm(saved);
	return errret == 1;
}

SCREEN *term_open(FILE *out, FILE *in, char *note, size_t notecap, char *err, size_t errcap)
{
	const char *term = getenv("TERM");
	const char *cands[8];
	size_t n = term_candidates(term, cands, 8);
	if (notecap)
		note[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!term_known(cands[i], fileno(out)))
			continue;
		/* newterm(NULL...) is $TERM itself; a fallback is passed by name. */
		SCREEN *sc = newterm(i == 0 && term && term[0] ? NULL : cands[i], out, in);
		if (!sc)
			continue;
		if (i > 0 || !term || !term[0])
			snprintf(note, notecap, "no terminfo for TERM=%.40s: drawing as %s",
				 term && term[0] ? term : "(unset)", cands[i]);
		return sc;
	}
	snprintf(err, errcap, "terminal type '%.40s' cannot run the console and none of the "
		 "fallbacks (xterm-256color, xterm, vt100) has terminfo either (use --batch, or set TERM)",
		 term ? term : "(unset)");
	return NULL;
}

int term_colors(int available, enum config_colors pref, bool no_color)
{
	if (no_color || pref == CONFIG_COLORS_NONE || available < 8)
		return 0;
	int want = available >= 256 ? 256 : available >= 16 ? 16 : 8;
	/* The config may ask for fewer colours than the terminal has, never more: a
	 * terminal drawing colours it does not have shows nothing at all. */
	if (pref == CONFIG_COLORS_8)
		return 8;
	if (pref == CONFIG_COLORS_16 && want > 16)
		return 16;
	return want;
}

bool term_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && strcmp(cs, "UTF-8") == 0;
}

/* Length of the UTF-8 sequence starting with byte c (1 for ASCII and stray bytes). */
static size_t term_seq_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

void term_ascii(const char *in, size_t len, char *out, size_t cap)
{
	static const struct {
		const char *utf8;
		char ascii;
	} map[] = {
		{ "\xe2\x80\xa6", '~' }, /* U+2026 horizontal ellipsis */
		{ "\xe2\x96\x88", '#' }, /* U+2588 full block */
		{ "\xe2\x96\x91", '.' }, /* U+2591 light shade */
		{ "\xe2\x96\x92", ':' }, /* U+2592 medium shade */
		{ "\xe2\x96\x93", '#' }, /* U+2593 dark shade */
		{ "\xe2\x94\x80", '-' }, /* U+2500 box drawing horizontal */
		{ "\xe2\x94\x82", '|' }, /* U+2502 box drawing vertical */
		{ "\xc2\xb7", '.' },     /* U+00B7 middle dot */
	};
	size_t o = 0;
	if (!cap)
		return;
	for (size_t i = 0; i < len && in[i];) {
		unsigned char c = (unsigned char)in[i];
		size_t sl = term_seq_len(c);
		if (i + sl > len)
			break; /* a character cut by len: drop it rather than guess */
		char rep[3] = { (char)c, 0, 0 };
		size_t rl = 1;
		if (c >= 0x80) {
			char one[5] = { 0 };
			memcpy(one, in + i, sl);
			size_t w = text_width(one);
			rep[0] = '?';
			rl = w;
			if (w == 2)
				rep[1] = '?';
			for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
				if (strlen(map[m].utf8) == sl && memcmp(map[m].utf8, in + i, sl) == 0) {
					rep[0] = map[m].ascii;
					rl = 1;
				}
			}
		}
		if (o + rl + 1 > cap)
			break;
		memcpy(out + o, rep, rl);
		o += rl;
		i += sl;
	}
	out[o] = '\0';
}

void term_mvaddstr(int y, int x, const char *s)
{
	if (term_utf8()) {
		mvaddstr(y, x, s);
		return;
	}
	char buf[2048];
	term_ascii(s, strlen(s), buf, sizeof(buf));
	mvaddstr(y, x, buf);
}

void term_addnstr(const char *s, int n)
{
	if (term_utf8()) {
		addnstr(s, n);
		return;
	}
	char buf[2048];
	term_ascii(s, n < 0 ? strlen(s) : (size_t)n, buf, sizeof(buf));
	addstr(buf);
}
