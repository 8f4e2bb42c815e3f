#ifndef TUI_APP_H
#define TUI_APP_H
/* tui/app: THE application struct, the program's only "global" state.  It lives on
 * main()'s stack and is passed to every callback as user data; modules below tui/ never
 * see it (they get the loop, the model, a lister...).
 * Ownership: main() creates and frees everything referenced here; the screen module owns
 * `screen`.
 */
#include "core/model.h"
#include "keymaps/keymap.h"
#include "kube/http.h"
#include "kube/lister.h"
#include "panels/pane.h"
#include "tui/loop.h"

#include <stdbool.h>

enum { APP_PANE_PODS, APP_PANE_NODES, APP_NPANES };

struct screen;

struct app {
	/* Options, validated by main() where they enter. */
	char *server;            /* API server URL, no trailing slash */
	char *token;             /* bearer token from --token-file, NULL for none; never printed */
	char *ca_file;
	bool insecure;
	char *ns;                /* namespace, NULL for all namespaces */
	char **startup_cmds;     /* -c COMMAND, run in order once the screen is up */
	size_t nstartup;
	long exit_after_frames;  /* > 0: quit after drawing that many frames */

	/* Runtime. */
	struct loop *loop;
	struct http_client *http;
	struct model model;
	struct lister *pods;
	struct lister *nodes;
	struct keymap keymap;
	struct pane panes[APP_NPANES];
	size_t focus;            /* APP_PANE_* */
	bool zoom;
	struct screen *screen;
	long frames;             /* frames drawn */
	bool quit;
	int exit_code;
};

#endif
