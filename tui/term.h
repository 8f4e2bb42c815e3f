#ifndef TUI_TERM_H
#define TUI_TERM_H
/* tui/term: what the console needs to know about the terminal, and the fallbacks that
 * keep it usable on a terminal that is not what $TERM promises.
 *
 * - term_open: newterm() for $TERM; when its terminfo is missing (tmux-256color on an old
 *   host, a typo) the console does not give up: it tries a related type, then
 *   xterm-256color, xterm, vt100, and says which one it took in `note`.  A terminal that
 *   is found but cannot address the cursor (dumb) stays an error: falling back would draw
 *   garbage.
 * - term_colors: the palette to use (256, 16, 8 or 0 = monochrome) from what the
 *   terminal reports, the config's `colors:` and NO_COLOR (any value: monochrome;
 *   https://no-color.org).
 * - term_utf8 / term_mvaddstr: in a locale that is not UTF-8 the console draws ASCII:
 *   every non-ASCII character becomes '?' ("??" when it is two columns wide) so columns
 *   stay aligned, "..." (U+2026) becomes '~', block and shade characters become '#' and
 *   '.'.  Text reaching them is already sanitised (tui/text).
 * Contract: never exits the process (unlike initscr); errors are one line in err.
 */
#include "core/config.h"

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Opens the terminal: a SCREEN, or NULL with the reason in err.  note gets a one-line
 * remark when a fallback type was used ("" otherwise). */
SCREEN *term_open(FILE *out, FILE *in, char *note, size_t notecap, char *err, size_t errcap);

/* The terminal type candidates for `term` (NULL or "" counts as unset): term itself,
 * then related and common types; returns how many were written to out (at most max). */
size_t term_candidates(const char *term, const char **out, size_t max);

/* Number of colours to use: 256, 16, 8, or 0 for none.  `available` is what the terminal
 * has (COLORS, 0 when it has no colours), pref the config's choice, no_color whether
 * NO_COLOR is set. */
int term_colors(int available, enum config_colors pref, bool no_color);

/* Whether the current locale's character set is UTF-8. */
bool term_utf8(void);

/* in (sanitised UTF-8) as ASCII of the same width, into out (cap bytes, NUL-terminated,
 * truncated on a character boundary). */
void term_ascii(const char *in, size_t len, char *out, size_t cap);

/* mvaddstr / mvaddnstr that draw ASCII (term_ascii) when the locale is not UTF-8. */
void term_mvaddstr(int y, int x, const char *s);
void term_addnstr(const char *s, int n);

#endif
