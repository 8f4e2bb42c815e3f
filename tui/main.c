/* tui/main: options, start-up and the two modes (console, --batch).
 * Every option is checked here, where it enters; errors name the option and exit 2. */
#include "core/config.h"
#include "core/xalloc.h"
#include "kube/auth.h"
#include "kube/http.h"
#include "kube/kubeconfig.h"
#include "kube/informer.h"
#include "panels/confirm.h"
#include "panels/drift.h"
#include "panels/timeline.h"
#include "ssh/hosts.h"
#include "tui/app.h"
#include "tui/run.h"
#include "tui/screen.h"
#include "tui/text.h"
#include "tui/watch.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WARROOM_VERSION "0.1.0"

static void main_usage(FILE *out)
{
	fputs("usage: warroom [connection options] [-n NAMESPACE | -A]\n"
	      "               [-c COMMAND]... [--keymap FILE] [--exit-after-frames N]\n"
	      "       warroom --batch [--panel pods|nodes|workloads|events]... [connection options]\n"
	      "       warroom --config FILE --batch --panel hosts\n"
	      "       warroom [connection options] [-n NAMESPACE | -A] run 'COMMAND'\n"
	      "       warroom --batch --panel matrix [--matrix FILE]... [connection options]\n"
	      "       warroom [--matrix FILE]... [connection options] check\n"
	      "       warroom --watch [--context NAME]... [--rotate SECONDS] [--matrix FILE]... [--config FILE]\n"
	      "\n"
	      "connection (as kubectl; default: $KUBECONFIG, else ~/.kube/config, else in-cluster):\n"
	      "  --kubeconfig FILE       kubeconfig file to use (alone)\n"
	      "  --context NAME          kubeconfig context (default: current-context); repeat it in the\n"
	      "                          console and --batch --panel drift to compare drift side by side\n"
	      "  --cluster NAME, --user NAME   override the context's cluster / user\n"
	      "  --server URL            Kubernetes API server (http:// or https://)\n"
	      "  --token TOKEN           bearer token (visible to ps: prefer --token-file)\n"
	      "  --token-file FILE       bearer token read from FILE\n"
	      "  --certificate-authority FILE  CA bundle to verify the server with\n"
	      "  --insecure-skip-tls-verify    do not verify the server's certificate\n"
	      "  -n, --namespace NS      show namespace NS (default: the context's, else all)\n"
	      "  -A, --all-namespaces    show all namespaces\n"
	      "  -c, --command COMMAND   run COMMAND at start-up (e.g. -c nodes)\n"
	      "  --keymap FILE           key bindings added to the default keymap (default:\n"
	      "                          $XDG_CONFIG_HOME/warroom/keymap when it exists)\n"
	      "  --batch                 print panels as plain text and exit\n"
	      "  --panel NAME            panel for --batch: pods (default), nodes, workloads, events,\n"
	      "                          hosts (SSH hosts of --config; alone, no cluster needed),\n"
	      "                          matrix (service health and symptoms, see --matrix)\n"
	      "  --config FILE           warroom's config file: SSH hosts and checks (warroom(5))\n"
	      "  --matrix FILE           service-to-symptom definitions (repeatable; default: the\n"
	      "                          shipped runbooks/*.yaml, or $WARROOM_RUNBOOKS/*.yaml)\n"
	      "  check                   health of every matrix service: exit 0 all ok, 1 degraded\n"
	      "                          or down, 2 cannot tell (cluster unreachable, no answer)\n"
	      "  run 'COMMAND'           run one command without the console (pods, nodes, workloads,\n"
	      "                          events, describe pod/NAME, help) and print its result\n"
	      "  --read-only             never send anything but GET: every mutating command is refused\n"
	      "  --dry-run               mutating commands only ask the server (dryRun=All)\n"
	      "  --yes                   with run: do not ask for confirmation\n"
	      "  --watch                 the read-only wall screen; --context is repeatable there\n"
	      "  --rotate SECONDS        --watch: page through unhealthy objects every SECONDS (10)\n"
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

static void main_on_informer(void *ud, struct informer *inf)
{
	(void)inf;
	/* The console's informers only mark the screen dirty; batch mode and `run` wait
	 * with their own callback (tui/run.c). */
	screen_mark_dirty(ud);
}

static struct informer_config main_informer_config(const struct app *app, bool once)
{
	struct informer_config cfg = {
		.server = app->server,
		.ns = app->ns,
		/* No token/CA here: kube/auth's provider supplies them to every request. */
		.opts = { .timeout_ms = once ? 20000 : 30000, .connect_timeout_ms = 5000 },
		.page_limit = 500,
		.once = once,
	};
	return cfg;
}

/* Creates (if needed) and starts the informer of resource r. */
static void main_follow(struct app *app, enum kube_resource r, const struct informer_config *cfg)
{
	if (app->informers[r])
		return;
	app->informers[r] = informer_new(app->loop, app->http, &app->model, r, cfg, main_on_informer, app);
	informer_start(app->informers[r]);
}

static int main_batch(struct app *app, const char **panels, size_t npanels)
{
	return run_panels(app, panels, npanels);
}

/* Loads the connection like kubectl: kubeconfig files and flags (kube/kubeconfig has the
 * rules).  NULL with a one-line reason in err; "no kubeconfig" names the files looked at. */
static struct kube_conn *main_load_conn(const struct kube_flags *flags, char *err, size_t cap)
{
	struct kube_env env;
	kubeconfig_env_from_process(&env);
	char *why = NULL;
	struct kube_conn *conn = kubeconfig_load(flags, &env, &why);
	if (conn)
		return conn;
	if (why && strncmp(why, "no kubeconfig found", 19) == 0) {
		if (env.kubeconfig && env.kubeconfig[0])
			snprintf(err, cap, "no kubeconfig and no --server: none of KUBECONFIG=%.400s exists "
				 "or has content; pass --server URL or --kubeconfig FILE", env.kubeconfig);
		else
			snprintf(err, cap, "no kubeconfig and no --server: looked at %.400s/.kube/config "
				 "(missing or empty) and found no in-cluster service account; pass --server "
				 "URL, --kubeconfig FILE or set KUBECONFIG", env.home ? env.home : "$HOME");
	} else {
		snprintf(err, cap, "%s", why ? why : "cannot load the kubeconfig");
	}
	free(why);
	return NULL;
}

/* Server and namespace of the app from the connection: -A wins, then -n or the
 * context's namespace, else all namespaces (an incident console looks everywhere). */
static void main_apply_conn(struct app *app)
{
	const struct kube_conn *conn = auth_conn(app->auth);
	size_t slen = strlen(conn->server);
	while (slen > 0 && conn->server[slen - 1] == '/')
		slen--;
	free(app->server);
	app->server = xstrndup(conn->server, slen);
	free(app->ns);
	app->ns = !app->all_namespaces && conn->namespace_set ? xstrdup(conn->namespace_) : NULL;
}

static void main_on_auth(void *ud)
{
	screen_mark_dirty(ud);
}

/* app->use_context: the `ctx NAME` command. */
static int main_use_context(struct app *app, const char *name, char *err, size_t cap)
{
	/* The command line's cluster/user/server/token belonged to the first context. */
	struct kube_flags fl = { .kubeconfig = app->kflags.kubeconfig, .context = name };
	struct kube_conn *conn = main_load_conn(&fl, err, cap);
	if (!conn)
		return -1;
	for (size_t i = 0; i < KUBE_NRESOURCES; i++) {
		informer_free(app->informers[i]);
		app->informers[i] = NULL;
	}
	auth_free(app->auth);
	app->auth = auth_new(app->loop, conn, false);
	auth_attach(app->auth, app->http);
	auth_set_notify(app->auth, main_on_auth, app);
	if (app->token) {
		memset(app->token, 0, strlen(app->token));
		free(app->token);
		app->token = NULL;
	}
	app->kflags.token = NULL;
	app->all_namespaces = false;
	main_apply_conn(app);
	model_free(&app->model);
	model_init(&app->model);
	struct informer_config cfg = main_informer_config(app, false);
	for (size_t r = 0; r < KUBE_NRESOURCES; r++)
		main_follow(app, (enum kube_resource)r, &cfg);
	screen_mark_dirty(app);
	return 0;
}

static void main_on_hosts(void *ud)
{
	screen_mark_dirty(ud);
}

static int main_console(struct app *app)
{
	char err[600];
	/* The incident timeline records from start-up; without a state directory the
	 * console still runs (said before curses takes the terminal). */
	if (timeline_console_start(app, err, sizeof(err)) < 0)
		fprintf(stderr, "warroom: timeline off: %s\n", err);
	if (screen_start(app, err, sizeof(err)) < 0) {
		timeline_console_stop(app);
		return main_fail("%s", err);
	}
	confirm_console_init(app);
	struct informer_config cfg = main_informer_config(app, false);
	for (size_t r = 0; r < KUBE_NRESOURCES; r++)
		main_follow(app, (enum kube_resource)r, &cfg);
	for (size_t i = 0; i < app->nstartup && !app->quit; i++)
		screen_run_line(app, app->startup_cmds[i]);
	if (!app->quit)
		loop_run(app->loop);
	confirm_free(app);
	timeline_console_stop(app);
	drift_console_free(app);
	screen_stop(app);
	return app->exit_code;
}

/* The user's locale as it is: forcing UTF-8 on a terminal that is not would print
 * garbage.  In a locale that is not UTF-8 the console draws ASCII (tui/term). */
static void main_setup_locale(void)
{
	setlocale(LC_ALL, "");
}

enum {
	OPT_SERVER = 256, OPT_TOKEN_FILE, OPT_BATCH, OPT_PANEL, OPT_EXIT_FRAMES, OPT_KEYMAP,
	OPT_CA, OPT_INSECURE, OPT_VERSION, OPT_KUBECONFIG, OPT_CONTEXT, OPT_CLUSTER, OPT_USER,
	OPT_TOKEN, OPT_CONFIG, OPT_READ_ONLY, OPT_YES, OPT_DRY_RUN,
	OPT_MATRIX, OPT_WATCH, OPT_ROTATE,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "kubeconfig", required_argument, NULL, OPT_KUBECONFIG },
		{ "context", required_argument, NULL, OPT_CONTEXT },
		{ "cluster", required_argument, NULL, OPT_CLUSTER },
		{ "user", required_argument, NULL, OPT_USER },
		{ "certificate-authority", required_argument, NULL, OPT_CA },
		{ "insecure-skip-tls-verify", no_argument, NULL, OPT_INSECURE },
		{ "namespace", required_argument, NULL, 'n' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "command", required_argument, NULL, 'c' },
		{ "keymap", required_argument, NULL, OPT_KEYMAP },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "panel", required_argument, NULL, OPT_PANEL },
		{ "matrix", required_argument, NULL, OPT_MATRIX },
		{ "exit-after-frames", required_argument, NULL, OPT_EXIT_FRAMES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ NULL, 0, NULL, 0 },
	};
	struct app app;
	memset(&app, 0, sizeof(app));
	main_setup_locale();
	signal(SIGPIPE, SIG_IGN);

	bool batch = false, ok;
	struct kube_conn *conn = NULL;
	int rc = 0;
	const char *server = NULL, *token_file = NULL, *keymap_file = NULL;
	const char **panels = xcalloc((size_t)argc + 1, sizeof(*panels));
	size_t npanels = 0;
	/* --config FILE (warroom(5)): SSH hosts; `--batch --panel hosts` needs no cluster. */
	const char *config_file = NULL;
	struct config config;
	memset(&config, 0, sizeof(config));
	bool hosts_panel = false;
	app.startup_cmds = xcalloc((size_t)argc + 1, sizeof(*app.startup_cmds));
	/* --matrix FILE... (repeatable), `--panel matrix` and `warroom check` (panels/matrix). */
	bool matrix_panel = false, check_mode = false, drift_panel = false;
	app.matrix_files = xcalloc((size_t)argc + 1, sizeof(*app.matrix_files));
	app.argv0 = argv[0];
	/* --watch (tui/watch): every --context given is watched side by side. */
	bool watch_mode = false;
	long rotate_s = -1; /* -1: not given (then the config's rotate, else 10) */
	const char **watch_contexts = xcalloc((size_t)argc + 1, sizeof(*watch_contexts));
	size_t nwatch_contexts = 0;
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
			app.kflags.ca_file = optarg;
			break;
		case OPT_INSECURE:
			app.kflags.insecure = true;
			break;
		case OPT_TOKEN:
			app.kflags.token = optarg;
			break;
		case OPT_KUBECONFIG:
			app.kflags.kubeconfig = optarg;
			break;
		case OPT_CONTEXT:
			/* Several: the console connects to the first (app.contexts has them all). */
			if (!nwatch_contexts)
				app.kflags.context = optarg;
			watch_contexts[nwatch_contexts++] = optarg;
			break;
		case OPT_WATCH:
			watch_mode = true;
			break;
		case OPT_ROTATE:
			rotate_s = main_parse_count(optarg, "--rotate: '%s' is not a number of seconds", &ok);
			if (!ok) {
				rc = 2;
				goto out;
			}
			break;
		case OPT_CLUSTER:
			app.kflags.cluster = optarg;
			break;
		case OPT_USER:
			app.kflags.user = optarg;
			break;
		case 'n':
			if (!informer_namespace_valid(optarg)) {
				rc = main_fail("-n: '%s' is not a namespace name (lowercase a-z, 0-9, '-')", optarg);
				goto out;
			}
			free(app.ns);
			app.ns = xstrdup(optarg);
			app.kflags.namespace_ = optarg;
			app.all_namespaces = false;
			break;
		case 'A':
			free(app.ns);
			app.ns = NULL;
			app.kflags.namespace_ = NULL;
			app.all_namespaces = true;
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
		case OPT_READ_ONLY:
			app.read_only = true;
			break;
		case OPT_YES:
			app.assume_yes = true;
			break;
		case OPT_DRY_RUN:
			app.dry_run = true;
			break;
		case OPT_CONFIG:
			config_file = optarg;
			break;
		case OPT_MATRIX:
			app.matrix_files[app.nmatrix_files++] = optarg;
			break;
		case OPT_PANEL:
			if (strcmp(optarg, "hosts") == 0) {
				hosts_panel = true;
				break;
			}
			if (strcmp(optarg, "matrix") == 0) {
				matrix_panel = true;
				break;
			}
			if (strcmp(optarg, "drift") == 0) {
				drift_panel = true;
				break;
			}
			if (run_pane_index(optarg) < 0 && strcmp(optarg, "timeline") != 0) {
				rc = main_fail("--panel: unknown panel '%s' (pods, nodes, workloads, events, timeline)", optarg);
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
	/* `warroom [options] check`: the matrix's health as the exit status (0 ok, 1 degraded or
	 * down, 2 cannot tell), for cron and alerting. */
	if (optind < argc && strcmp(argv[optind], "check") == 0) {
		if (optind + 1 != argc || batch || app.nstartup) {
			rc = main_fail("%s", "check: takes no argument and cannot be combined with --batch or -c (use --matrix FILE)");
			goto out;
		}
		check_mode = true;
		optind++;
	}
	/* `warroom [options] run 'COMMAND'`: one command, no console. */
	const char *run_line = NULL;
	if (optind < argc && strcmp(argv[optind], "run") == 0) {
		if (optind + 2 != argc) {
			rc = main_fail("%s", optind + 1 == argc ? "run: needs a COMMAND (e.g. warroom run pods)"
								 : "run: takes one COMMAND; quote it (warroom run 'describe pod/NAME')");
			goto out;
		}
		run_line = argv[optind + 1];
		if (batch || app.nstartup) {
			rc = main_fail("%s", "run: cannot be combined with --batch or -c");
			goto out;
		}
		/* A malformed command fails before anything is loaded or connected. */
		struct command_call rcall;
		char rerr[400];
		if (commands_parse(run_line, &rcall, rerr, sizeof(rerr)) < 0) {
			rc = main_fail("run: %s", rerr);
			goto out;
		}
	} else if (app.assume_yes) {
		/* In the console every mutating command is confirmed by the operator. */
		rc = main_fail("%s", "--yes only works with run (warroom run 'COMMAND' --yes)");
		goto out;
	} else if (optind < argc) {
		rc = main_fail("unexpected argument '%s' (see --help)", argv[optind]);
		goto out;
	}
	char defconfig[4096];
	if (!config_file && config_user_path(defconfig, sizeof(defconfig)) == 0 &&
	    access(defconfig, F_OK) == 0)
		config_file = defconfig; /* $XDG_CONFIG_HOME/warroom/config.yaml (warroom(5)) */
	if (config_file) {
		char *cerr = NULL;
		if (config_load_file(config_file, &config, &cerr) < 0) {
			rc = main_fail("--config: %s", cerr);
			free(cerr);
			goto out;
		}
		for (size_t i = 0; i < config.nwarnings; i++)
			fprintf(stderr, "warroom: config: warning: %s\n", config.warnings[i]);
		app.colors = config.colors;
		/* Files named in the config stand in for options not given; "~/" is expanded
		 * in place so config_free frees them. */
		if (!app.nmatrix_files && config.nmatrix_files) {
			app.matrix_files = xrealloc(app.matrix_files,
						    (config.nmatrix_files + 1) * sizeof(*app.matrix_files));
			for (size_t i = 0; i < config.nmatrix_files; i++) {
				char *x = config_expand_path(config.matrix_files[i], NULL);
				free(config.matrix_files[i]);
				config.matrix_files[i] = x;
				app.matrix_files[app.nmatrix_files++] = x;
			}
		}
		if (!keymap_file && config.keymap) {
			char *x = config_expand_path(config.keymap, NULL);
			free(config.keymap);
			config.keymap = x;
			keymap_file = x;
		}
	}
	if (hosts_panel) {
		if (!batch || npanels || run_line) {
			rc = main_fail("%s", !batch || run_line ? "--panel hosts only works with --batch (in the console: --config FILE, then the hosts command or key 5)"
								: "--panel hosts cannot be combined with cluster panels yet");
			goto out;
		}
		if (!config_file) {
			rc = main_fail("%s", "--panel hosts needs --config FILE (see warroom(5))");
			goto out;
		}
		rc = hosts_run_batch(&config, stdout);
		goto out;
	}
	if (server && !main_url_ok(server)) {
		rc = main_fail("--server '%s': expected http://HOST[:PORT][/PATH] or https://..., printable, no query", server);
		goto out;
	}
	app.kflags.server = server;
	if (token_file) {
		if (main_read_token(token_file, &app.token) != 0) {
			rc = 2;
			goto out;
		}
		app.kflags.token = app.token;
	}
	if (watch_mode) {
		if (batch || run_line || check_mode || app.nstartup || npanels || app.dry_run) {
			rc = main_fail("%s", "--watch cannot be combined with --batch, run, check, -c, --panel or --dry-run");
			goto out;
		}
		/* The config's contexts and rotation stand in for options not given. */
		if (!nwatch_contexts && config.ncontexts) {
			watch_contexts = xrealloc(watch_contexts, (config.ncontexts + 1) * sizeof(*watch_contexts));
			for (size_t i = 0; i < config.ncontexts; i++)
				watch_contexts[nwatch_contexts++] = config.contexts[i];
		}
		if (rotate_s < 0)
			rotate_s = config.rotate_s > 0 ? config.rotate_s : 10;
		rc = watch_main(&app, watch_contexts, nwatch_contexts, &config, rotate_s);
		goto out;
	} else if (nwatch_contexts > 1 && (batch || run_line || check_mode) &&
		   !(batch && drift_panel && npanels == 0 && !matrix_panel)) {
		rc = main_fail("%s", "--context given more than once: only the console, --watch and --batch --panel drift follow several contexts");
		goto out;
	}
	app.contexts = watch_contexts;
	app.ncontexts = nwatch_contexts;
	char connerr[2048];
	conn = main_load_conn(&app.kflags, connerr, sizeof(connerr));
	if (!conn) {
		rc = main_fail("%s", connerr);
		goto out;
	}
	/* Every further --context must resolve too: a typo stops start-up here, as the first
	 * would, rather than showing later as an error line in the drift view. */
	for (size_t i = 1; i < app.ncontexts; i++) {
		struct kube_flags fl = { .kubeconfig = app.kflags.kubeconfig, .context = app.contexts[i] };
		struct kube_conn *other = main_load_conn(&fl, connerr, sizeof(connerr));
		if (!other) {
			char why[2400];
			snprintf(why, sizeof(why), "--context '%s': %s", app.contexts[i], connerr);
			rc = main_fail("%s", why);
			goto out;
		}
		kube_conn_free(other);
	}
	if (!batch && npanels) {
		rc = main_fail("%s", "--panel only makes sense with --batch");
		goto out;
	}

	keymap_init(&app.keymap);
	char err[700];
	int kmrc = 0;
	if (keymap_parse(&app.keymap, keymap_default_text, "default.keymap", err, sizeof(err)) < 0 ||
	    (kmrc = keymap_load_user(&app.keymap, keymap_file, err, sizeof(err))) < 0) {
		rc = main_fail("keymap: %s", err);
		goto out;
	}
	/* Bad lines are skipped, the rest loads; '?' lists them too.  One warning a line. */
	for (char *line = err, *nl; kmrc > 0 && line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		fprintf(stderr, "warroom: keymap: warning: %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
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
	app.auth = auth_new(app.loop, conn, batch && isatty(STDIN_FILENO));
	conn = NULL;
	auth_attach(app.auth, app.http);
	auth_set_notify(app.auth, main_on_auth, &app);
	app.use_context = main_use_context;
	main_apply_conn(&app);
	{
		/* The audit trail and the request gate every write passes (kube/request). */
		const struct kube_conn *kc = auth_conn(app.auth);
		char aerr[600];
		if (audit_init(&app.audit, NULL, kc->context, kc->user, app.server, aerr, sizeof(aerr)) < 0) {
			rc = main_fail("%s", aerr);
			goto out;
		}
		request_gate_init(&app.gate, app.loop, app.http, app.server, &app.audit, app.read_only, app.dry_run);
		if (config_file)
			app.gate.events = config.audit_events; /* warroom(5) audit_events */
	}
	model_init(&app.model);
	pane_init(&app.panes[APP_PANE_PODS], &pane_pods_ops);
	pane_init(&app.panes[APP_PANE_NODES], &pane_nodes_ops);
	pane_init(&app.panes[APP_PANE_WORKLOADS], &pane_workloads_ops);
	pane_init(&app.panes[APP_PANE_EVENTS], &pane_events_ops);

	if (check_mode) {
		rc = run_matrix(&app, MATRIX_RUN_CHECK, NULL);
	} else if (run_line) {
		rc = run_command(&app, run_line);
	} else if (batch) {
		if (npanels == 0 && !matrix_panel && !drift_panel)
			panels[npanels++] = "pods";
		rc = npanels ? main_batch(&app, panels, npanels) : 0;
		if (rc == 0 && matrix_panel) {
			if (npanels)
				fputc('\n', stdout);
			rc = run_matrix(&app, MATRIX_RUN_TABLE, NULL);
		}
		if (rc == 0 && drift_panel) {
			if (npanels || matrix_panel)
				fputc('\n', stdout);
			/* Two --context: each side gets its own connection (panels/drift). */
			rc = drift_run_panel(&app, watch_contexts, nwatch_contexts);
		}
	} else {
		/* The hosts pane polls the config's SSH hosts on the console's loop. */
		if (config.nhosts) {
			struct hosts_opts hopts = { .agent_socket = getenv("SSH_AUTH_SOCK") };
			app.hosts = hosts_view_new(app.loop, &config, &hopts, main_on_hosts, &app);
			hosts_view_set_gate(app.hosts, NULL, app.read_only);
		}
		rc = main_console(&app);
	}

out:
	matrix_view_free(app.matrix);
	free(app.matrix_files);
	hosts_view_free(app.hosts);
	describe_view_free(app.describe);
	logs_view_free(app.logs);
	kube_conn_free(conn);
	auth_free(app.auth);
	for (size_t i = 0; i < KUBE_NRESOURCES; i++)
		informer_free(app.informers[i]);
	http_client_free(app.http);
	for (size_t i = 0; i < APP_NPANES; i++)
		pane_free(&app.panes[i]);
	model_free(&app.model);
	keymap_free(&app.keymap);
	loop_free(app.loop);
	audit_free(&app.audit);
	if (app.token) {
		memset(app.token, 0, strlen(app.token));
		free(app.token);
	}
	free(app.server);
	free(app.ns);
	free(app.startup_cmds);
	free(panels);
	free(watch_contexts);
	config_free(&config);
	return rc;
}
