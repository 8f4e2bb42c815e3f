#ifndef PANELS_PALETTE_H
#define PANELS_PALETTE_H
/* panels/palette: completion for the ':' command palette, curses-free so it is tested
 * without a terminal.  Completes the command name, then its argument by the kind the
 * command table gives (core/commands: commands_arg_completion): namespaces from the
 * model (and "all"), pod/NAME, pod/NS/NAME and node/NAME for describe, the focused
 * pane's column titles for sort.
 *
 * Contract: pure; `line` is what was typed so far; out receives the completed line
 * (== line when nothing completes); returns the number of candidates that matched.  A
 * unique command name gets a trailing space (ready for its argument).
 */
#include "core/model.h"
#include "panels/pane.h"

#include <stddef.h>

struct palette_ctx {
	const struct model *model;
	const struct pane *focused;  /* for column names; may be NULL */
	const char *ns;              /* current namespace, NULL for all */
	const char *const *contexts; /* kubeconfig context names, may be NULL */
	size_t ncontexts;
};

size_t palette_complete(const struct palette_ctx *ctx, const char *line, char *out, size_t cap);

/* Help text of the command being typed ("ns NAME|all: Switch namespace ..."), "" when the
 * first word is not (a prefix of exactly one) command. */
void palette_hint(const char *line, char *out, size_t cap);

#endif
