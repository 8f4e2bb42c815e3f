/* tui/main: options, start-up and the two modes (console, --batch).
 * Every option is checked here, where it enters; errors name the option and exit 2. */
#include "core/xalloc.h"
#include "kube/http.h"
#include "kube/lister.h"
#include "tui/app.h"
#include "tui/screen.h"
#include "tui/text.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARROOM_VERSION "0.1.0"

static void main_usage(FILE *out)
{
	fputs("usage: warroom [--server URL] [--token-file FILE] [-n NAMESPACE | -A]\n"
	      "               [-c COMMAND]... [--keymap FILE] [--exit-after-frames N]\n"
	      "       warroom --batch [--panel pods|nodes]... [connection options]\n"
	      "\n"
	      "  --server URL            Kubernetes API server (http:// or https://)\n"
	      "  --token-file FILE       bearer token read from FILE\n"
	      "  --certificate-authority FILE  CA bundle to verify the server with\n"
	      "  --insecure-skip-tls-verify    do not verify the server's certificate\n"
	      "  -n, --namespace NS      show namespace NS (default: all namespaces)\n"
	      "  -A, --all-namespaces    show all namespaces\n"
	      "  -c, --command COMMAND   run COMMAND at start-up (e.g. -c nodes)\n"
	      "  --keymap FILE           key bindings added to the default keymap\n"
	      "  --batch                 print panels as plain text and exit\n"
	      "  --panel NAME            panel for --batch: pods (default) or nodes\n"
	      "  --exit-after-frames N   quit after drawing N frames (also WARROOM_EXIT_AFTER_FRAMES)\n"
	      "  --help, --version\n",
	      out);
}

static int main_fail(const char *fmt, const char *arg)
{
	char raw[1200], safe[1600];
	snprintf(raw, sizeof(raw), fmt, arg);
	text_sanitize(raw, strlen(raw), safe, sizeof(safe));
	fprintf(stderr, "warroom: %s\n", safe);
	return 2;
}

/* Reads a bearer token: surrounding whitespace removed, printable ASCII only (anything
 * else could inject HTTP headers).  The token itself never appears in a message. */
static int main_read_token(const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		char msg[600];
		snprintf(msg, sizeof(msg), "--token-file %.400s: %s", path, strerror(errno));
		return main_fail("%s", msg);
	}
	char buf[16384];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	bool more = fgetc(f) != EOF;
	fclose(f);
	if (more)
		return main_fail("--token-file %s: larger than 16 KiB, not a token", path);
	buf[n] = '\0';
	size_t start = 0, end = n;
	while (start < end && (buf[start] == ' ' || buf[start] == '\t' || buf[start] == '\n' || buf[start] == '\r'))
		start++;
	while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t' || buf[end - 1] == '\n' ||
			       buf[end - 1] == '\r'))
		end--;
	if (start == end)
		return main_fail("--token-file %s: empty", path);
	for (size_t i = start; i < end; i++)
		if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e)
			return main_fail("--token-file %s: token contains a space, control or non-ASCII byte", path);
	*out = xstrndup(buf + start, end - start);
	memset(buf, 0, sizeof(buf));
	return 0;
}

static bool main_url_ok(const char *url)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return false;
	if (strlen(url) > 1000)
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return strchr(url, '?') == NULL && strchr(url, '#') == NULL;
}

static long main_parse_count(const char *s, const char *what, bool *ok)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	*ok = !(errno || end == s || *end || v < 0 || v > 100000000);
	if (!*ok)
		main_fail(what, s);
	return v;
}

static void main_on_lister(void *ud, struct lister *l)
{
	(void)l;
	struct app *app = ud;
	screen_mark_dirty(app);
	/* Batch mode: stop once every started lister has finished. */
	if (!app->screen && app->exit_code == -1) {
		if ((!app->pods || lister_finished(app->pods)) && (!app->nodes || lister_finished(app->nodes)))
			loop_stop(app->loop);
	}
}

static struct lister_config main_lister_config(const struct app *app, bool once)
{
	struct lister_config cfg = {
		.server = app->server,
		.ns = app->ns,
		.opts = { .token = app->token, .ca_file = app->ca_file, .insecure = app->insecure,
			  .timeout_ms = once ? 20000 : 15000, .connect_timeout_ms = 5000 },
		.interval_ms = 2000,
		.page_limit = 500,
		.once = once,
	};
	return cfg;
}

static int main_batch(struct app *app, const char **panels, size_t npanels)
{
	bool want_pods = false, want_nodes = false;
	for (size_t i = 0; i < npanels; i++) {
		if (strcmp(panels[i], "pods") == 0)
			want_pods = true;
		else if (strcmp(panels[i], "nodes") == 0)
			want_nodes = want_pods = true; /* PODS column counts pods per node */
	}
	app->exit_code = -1; /* batch marker for main_on_lister */
	struct lister_config cfg = main_lister_config(app, true);
	if (want_pods)
		app->pods = lister_new(app->loop, app->http, &app->model, LISTER_PODS, &cfg, main_on_lister, app);
	if (want_nodes)
		app->nodes = lister_new(app->loop, app->http, &app->model, LISTER_NODES, &cfg, main_on_lister, app);
	if (app->pods)
		lister_refresh(app->pods);
	if (app->nodes)
		lister_refresh(app->nodes);
	loop_run(app->loop);
	struct lister *ls[] = { app->pods, app->nodes };
	for (size_t i = 0; i < 2; i++) {
		if (ls[i] && lister_state(ls[i]) != LISTER_OK) {
			long st = lister_error_status(ls[i]);
			const char *hint = st == 401 ? " (the server refused the credentials)"
					   : st == 403 ? " (not allowed to list this resource)" : "";
			char msg[2400];
			snprintf(msg, sizeof(msg), "%s: %s%s", app->server, lister_error(ls[i]), hint);
			return main_fail("%s", msg);
		}
	}
	time_t now = time(NULL);
	for (size_t i = 0; i < npanels; i++) {
		size_t idx = strcmp(panels[i], "nodes") == 0 ? APP_PANE_NODES : APP_PANE_PODS;
		if (npanels > 1 && i > 0)
			fputc('\n', stdout);
		pane_print_table(&app->panes[idx], &app->model, now, stdout);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}

static int main_console(struct app *app)
{
	char err[600];
	if (screen_start(app, err, sizeof(err)) < 0)
		return main_fail("%s", err);
	struct lister_config cfg = main_lister_config(app, false);
	app->pods = lister_new(app->loop, app->http, &app->model, LISTER_PODS, &cfg, main_on_lister, app);
	app->nodes = lister_new(app->loop, app->http, &app->model, LISTER_NODES, &cfg, main_on_lister, app);
	lister_refresh(app->pods);
	lister_refresh(app->nodes);
	for (size_t i = 0; i < app->nstartup && !app->quit; i++)
		screen_run_line(app, app->startup_cmds[i]);
	if (!app->quit)
		loop_run(app->loop);
	screen_stop(app);
	return app->exit_code;
}

/* Text needs a UTF-8 locale to reach the terminal intact (the sanitiser emits UTF-8). */
static void main_setup_locale(void)
{
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	if (!cs || strcmp(cs, "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

enum {
	OPT_SERVER = 256, OPT_TOKEN_FILE, OPT_BATCH, OPT_PANEL, OPT_EXIT_FRAMES, OPT_KEYMAP,
	OPT_CA, OPT_INSECURE, OPT_VERSION,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
		{ "certificate-authority", required_argument, NULL, OPT_CA },
		{ "insecure-skip-tls-verify", no_argument, NULL, OPT_INSECURE },
		{ "namespace", required_argument, NULL, 'n' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "command", required_argument, NULL, 'c' },
		{ "keymap", required_argument, NULL, OPT_KEYMAP },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "panel", required_argument, NULL, OPT_PANEL },
		{ "exit-after-frames", required_argument, NULL, OPT_EXIT_FRAMES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct app app;
	memset(&app, 0, sizeof(app));
	main_setup_locale();
	signal(SIGPIPE, SIG_IGN);

	bool batch = false, ok;
	int rc = 0;
	const char *server = NULL, *token_file = NULL, *keymap_file = NULL;
	const char **panels = xcalloc((size_t)argc + 1, sizeof(*panels));
	size_t npanels = 0;
	app.startup_cmds = xcalloc((size_t)argc + 1, sizeof(*app.startup_cmds));
	const char *env_frames = getenv("WARROOM_EXIT_AFTER_FRAMES");
	if (env_frames && env_frames[0]) {
		app.exit_after_frames = main_parse_count(env_frames, "WARROOM_EXIT_AFTER_FRAMES: '%s' is not a count", &ok);
		if (!ok) {
			rc = 2;
			goto out;
		}
	}
	int c;
	while ((c = getopt_long(argc, argv, "n:Ac:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SERVER:
			server = optarg;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_CA:
			app.ca_file = optarg;
			break;
		case OPT_INSECURE:
			app.insecure = true;
			break;
		case 'n':
			if (!lister_namespace_valid(optarg)) {
				rc = main_fail("-n: '%s' is not a namespace name (lowercase a-z, 0-9, '-')", optarg);
				goto out;
			}
			free(app.ns);
			app.ns = xstrdup(optarg);
			break;
		case 'A':
			free(app.ns);
			app.ns = NULL;
			break;
		case 'c':
			app.startup_cmds[app.nstartup++] = optarg;
			break;
		case OPT_KEYMAP:
			keymap_file = optarg;
			break;
		case OPT_BATCH:
			batch = true;
			break;
		case OPT_PANEL:
			if (strcmp(optarg, "pods") != 0 && strcmp(optarg, "nodes") != 0) {
				rc = main_fail("--panel: unknown panel '%s' (pods, nodes)", optarg);
				goto out;
			}
			panels[npanels++] = optarg;
			break;
		case OPT_EXIT_FRAMES:
			app.exit_after_frames = main_parse_count(optarg, "--exit-after-frames: '%s' is not a count", &ok);
			if (!ok) {
				rc = 2;
				goto out;
			}
			break;
		case 'h':
			main_usage(stdout);
			rc = 0;
			goto out;
		case OPT_VERSION:
			puts("warroom " WARROOM_VERSION);
			rc = 0;
			goto out;
		default:
			main_usage(stderr);
			rc = 2;
			goto out;
		}
	}
	if (optind < argc) {
		rc = main_fail("unexpected argument '%s' (see --help)", argv[optind]);
		goto out;
	}
	if (!server) {
		rc = main_fail("%s", "no --server given; reading kubeconfig comes with issue 3, so "
				     "pass --server URL (e.g. the URL warroom-sim prints)");
		goto out;
	}
	if (!main_url_ok(server)) {
		rc = main_fail("--server '%s': expected http://HOST[:PORT][/PATH] or https://..., printable, no query", server);
		goto out;
	}
	size_t slen = strlen(server);
	while (slen > 0 && server[slen - 1] == '/')
		slen--;
	app.server = xstrndup(server, slen);
	if (token_file && main_read_token(token_file, &app.token) != 0) {
		rc = 2;
		goto out;
	}
	if (!batch && npanels) {
		rc = main_fail("%s", "--panel only makes sense with --batch");
		goto out;
	}

	keymap_init(&app.keymap);
	char err[700];
	if (keymap_parse(&app.keymap, keymap_default_text, "default.keymap", err, sizeof(err)) < 0 ||
	    (keymap_file && keymap_load_file(&app.keymap, keymap_file, err, sizeof(err)) < 0)) {
		rc = main_fail("keymap: %s", err);
		goto out;
	}
	for (size_t i = 0; i < app.nstartup; i++) {
		struct command_call call;
		if (commands_parse(app.startup_cmds[i], &call, err, sizeof(err)) < 0) {
			rc = main_fail("-c: %s", err);
			goto out;
		}
	}

	app.loop = loop_new();
	app.http = http_client_new(app.loop);
	model_init(&app.model);
	pane_init(&app.panes[APP_PANE_PODS], &pane_pods_ops);
	pane_init(&app.panes[APP_PANE_NODES], &pane_nodes_ops);

	if (batch) {
		if (npanels == 0)
			panels[npanels++] = "pods";
		rc = main_batch(&app, panels, npanels);
	} else {
		rc = main_console(&app);
	}

out:
	lister_free(app.pods);
	lister_free(app.nodes);
	http_client_free(app.http);
	for (size_t i = 0; i < APP_NPANES; i++)
		pane_free(&app.panes[i]);
	model_free(&app.model);
	keymap_free(&app.keymap);
	loop_free(app.loop);
	if (app.token) {
		memset(app.token, 0, strlen(app.token));
		free(app.token);
	}
	free(app.server);
	free(app.ns);
	free(app.startup_cmds);
	free(panels);
	return rc;
}
