#ifndef TUI_TEXT_H
#define TUI_TEXT_H
/* tui/text: the ONLY path from outside text (pod names, log lines, event messages, pm2
 * output...) to the terminal.
 *
 * text_sanitize turns arbitrary bytes into valid, printable UTF-8 that cannot move the
 * cursor, change modes or talk to the terminal:
 * - ESC-introduced sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST", DCS/SOS/PM/APC
 *   "... ST", two-byte "ESC x") are removed whole, including their 8-bit C1 forms
 *   (0x9b CSI, 0x9d OSC, 0x90 DCS ... as bytes or as UTF-8 U+0080..U+009F);
 * - TAB expands to spaces up to the next multiple of 8 columns; other C0 controls (LF and
 *   CR included) and DEL are shown in caret notation ("^G", "^M", "^?"); a C1 control that
 *   does not introduce a sequence becomes U+FFFD;
 * - invalid or overlong UTF-8, surrogates and code points > U+10FFFF become U+FFFD;
 * - bidirectional overrides/isolates (U+202A..U+202E, U+2066..U+2069) and zero-width
 *   joiners that could disguise text are dropped.
 * Widths are terminal columns (wcwidth-compatible: CJK wide = 2, combining = 0).
 * Contract: pure, never reads past `len`, never writes past `cap` (always NUL-terminates
 * when cap > 0), never fails.
 */
#include <stddef.h>

/* Sanitises in[0..len) into out (cap bytes, NUL-terminated); returns the display width of
 * what was written.  Output is truncated on a character boundary when it does not fit. */
size_t text_sanitize(const char *in, size_t len, char *out, size_t cap);

/* Display width of sanitised UTF-8 text. */
size_t text_width(const char *s);

/* Copies sanitised s into out so that it occupies exactly `cols` columns: truncated with
 * "…" (U+2026) when wider (no wide character split), padded with spaces when narrower. */
void text_fit(const char *s, size_t cols, char *out, size_t cap);

#endif
