#ifndef TUI_WATCH_H
#define TUI_WATCH_H
/* tui/watch: `warroom --watch`, the wall screen nobody touches.
 *
 * One "source set" per kubeconfig context (struct watch_source in watch.c: its own
 * kube/auth, kube/http client, informers, model, read-only request gate and, with
 * --matrix, its own matrix health runner), all on the one loop.  The screen shows, per
 * context, a headline in block letters (OK / DEGRADED / DOWN; grey STALE with "stale
 * since HH:MM" when any source of the context is disconnected or never synced), the
 * summary strip (panels/wall), the age/state of every source, and the unhealthy objects,
 * rotated page by page every `rotate_s` seconds when they do not fit; a clock; the SSH
 * hosts of --config on the bottom line (polled read-only: an unknown host key is a
 * failure shown there, never a question), counted in every context's strip ("hosts N/M
 * over disk") and listed first among its problems when failing or over disk_crit.
 * The terminal goes through tui/term: a fallback type when $TERM has no terminfo (named
 * on the top line), the palette from NO_COLOR / the config's `colors:`, ASCII drawing
 * ('#' block letters) when the locale is not UTF-8.
 *
 * Read-only by construction: no key runs a command (only q / C-c quit and the terminal's
 * resize is honoured), every request gate is in read-only mode, no prompt ever opens.
 * Runs for weeks: informers reconnect forever with backoff; drawing happens at most 4
 * times a second and only when a source notified or the clock's second changed.
 *
 * Contract: returns the exit status (0 on q, 2 with one line on stderr when a context
 * cannot be loaded or the terminal cannot run the screen).  contexts[0..n) are
 * kubeconfig context names (n == 0: the current context); app carries the parsed
 * options (kflags, ns/all_namespaces, matrix_files, exit_after_frames, loop is created
 * here when NULL).
 */
#include "core/config.h"
#include "tui/app.h"

#include <stddef.h>

int watch_main(struct app *app, const char *const *contexts, size_t n, const struct config *config,
	       long rotate_s);

#endif
