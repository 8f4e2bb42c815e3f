#ifndef TUI_APP_H
#define TUI_APP_H
/* tui/app: THE application struct, the program's only "global" state.  It lives on
 * main()'s stack and is passed to every callback as user data; modules below tui/ never
 * see it (they get the loop, the model, an informer...).
 * Ownership: main() creates and frees everything referenced here; the screen module owns
 * `screen`.
 */
#include "core/config.h"
#include "core/model.h"
#include "keymaps/keymap.h"
#include "kube/auth.h"
#include "kube/http.h"
#include "kube/kubeconfig.h"
#include "kube/informer.h"
#include "kube/request.h"
#include "panels/describe.h"
#include "panels/hosts.h"
#include "panels/logs.h"
#include "panels/matrix.h"
#include "panels/pane.h"
#include "tui/loop.h"

#include <stdbool.h>

enum { APP_PANE_PODS, APP_PANE_NODES, APP_PANE_WORKLOADS, APP_PANE_EVENTS, APP_NPANES };

struct screen;
struct actions_ui;
struct timeline_console;
struct drift_console;

struct app {
	/* Options, validated by main() where they enter. */
	char *server;            /* API server URL, no trailing slash */
	/* Bearer token from --token-file, NULL for none; never printed.  Only handed to the
	 * kubeconfig loader (kflags.token): requests get credentials and TLS from `auth`. */
	char *token;
	char *ns;                /* namespace, NULL for all namespaces */
	char **startup_cmds;     /* -c COMMAND, run in order once the screen is up */
	size_t nstartup;
	long exit_after_frames;  /* > 0: quit after drawing that many frames */
	struct kube_flags kflags; /* connection flags as given (pointers into argv), for ctx */
	/* Every --context given, in order (pointers into argv).  The console connects to the
	 * first; with several, the drift view compares them side by side and the timeline
	 * records them all (panels/drift, panels/timeline). */
	const char *const *contexts;
	size_t ncontexts;
	bool all_namespaces;     /* -A given */

	/* Connection: kubeconfig + flags, TLS and credentials (exec plugins) for app->http.
	 * auth_conn(app->auth) has the context, user, server and warnings. */
	struct kube_auth *auth;
	/* Switches to kubeconfig context NAME (the `ctx NAME` command): reloads the
	 * connection, clears the model and restarts the sources.  0, or -1 with err filled
	 * (the old connection is kept).  Set by main(). */
	int (*use_context)(struct app *app, const char *name, char *err, size_t cap);

	/* Runtime. */
	struct loop *loop;
	struct http_client *http;
	struct model model;
	/* One informer per followed resource (KUBE_PODS...), NULL when not followed. */
	struct informer *informers[KUBE_NRESOURCES];
	struct keymap keymap;
	struct pane panes[APP_NPANES];
	size_t focus;            /* APP_PANE_* */
	bool zoom;
	struct describe_view *describe; /* the open describe view, NULL when none */
	struct logs_view *logs;  /* the open logs view (panels/logs), NULL when none */
	/* SSH hosts of --config (panels/hosts: poller, actions, prompts), NULL without hosts;
	 * hosts_open: the hosts pane is shown (the `hosts` command). */
	struct hosts_view *hosts;
	bool hosts_open;
	/* The service-to-symptom matrix (panels/matrix): definitions from --matrix FILE...
	 * (matrix_files, pointers into argv; none: the shipped ones), loaded when the matrix
	 * is first shown; matrix_open: the matrix view is shown.  argv0 finds the shipped ones. */
	struct matrix_view *matrix;
	char **matrix_files;
	size_t nmatrix_files;
	bool matrix_open;
	const char *argv0;
	struct screen *screen;
	/* The request gate (kube/request): every write goes through it.  main() sets it up
	 * with the audit trail; the console / run mode install their ui hooks. */
	struct audit audit;
	struct request_gate gate;
	bool read_only;          /* --read-only */
	enum config_colors colors; /* the config's `colors:` (tui/term decides the palette) */
	bool dry_run;            /* --dry-run */
	bool assume_yes;         /* --yes (warroom run only) */
	struct actions_ui *actions; /* the console's action dialog and progress (panels/confirm) */
	/* The incident timeline and its recorder (panels/timeline), NULL when not recording. */
	struct timeline_console *timeline;
	/* The drift view (panels/drift), NULL until first shown. */
	struct drift_console *drift;
	long frames;             /* frames drawn */
	bool quit;
	int exit_code;
};

#endif
