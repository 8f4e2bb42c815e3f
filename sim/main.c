/* sim/main: warroom-sim's command line, start-up and shutdown.
 *
 * Order matters: the store, logs and world exist and the scenario is loaded before the
 * listening line is printed, so a test that waits for that line finds a full cluster.
 * Signals only set a flag; the main thread notices it and tears down in reverse order
 * (controller, then HTTP, whose streams end within a second of `stopping`).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/http.h"
#include "sim/sim.h"
#include "sim/world.h"

struct sim_opts {
	const char *listen, *scenario, *token, *tls_cert, *tls_key, *forbid;
	long pods, nodes, history;
	long seed;
	bool seed_set;
};

static volatile sig_atomic_t main_signalled;

static void main_on_signal(int sig)
{
	(void)sig;
	main_signalled = 1;
}

static void main_usage(FILE *f)
{
	fputs("usage: warroom-sim [--listen 127.0.0.1:0] [--scenario FILE] [--pods N --nodes N]\n"
	      "                   [--token TOKEN] [--tls-cert FILE --tls-key FILE] [--seed N]\n"
	      "                   [--history N] [--forbid NAMESPACE] [--help]\n"
	      "A simulated Kubernetes API server for warroom and kubectl; loopback only.\n"
	      "Prints 'warroom-sim listening on http://127.0.0.1:PORT' once ready.\n",
	      f);
}

static int main_bad(const char *fmt, const char *arg)
{
	fputs("warroom-sim: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	main_usage(stderr);
	return 2;
}

static bool main_number(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Returns -1 to go on, or an exit status. */
static int main_parse(int argc, char **argv, struct sim_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			main_usage(stdout);
			return 0;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		static const char *const with_value[] = {"--listen", "--scenario", "--pods",
							 "--nodes", "--token", "--tls-cert",
							 "--tls-key", "--seed", "--history", "--forbid"};
		bool known = false;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			known |= !strcmp(a, with_value[k]);
		if (!known)
			return main_bad("unknown option '%s'", a);
		if (!v)
			return main_bad("option '%s' needs a value", a);
		i++;
		if (!strcmp(a, "--listen"))
			o->listen = v;
		else if (!strcmp(a, "--forbid"))
			o->forbid = v;
		else if (!strcmp(a, "--scenario"))
			o->scenario = v;
		else if (!strcmp(a, "--token")) {
			if (!*v)
				return main_bad("--token: the token must not be empty%s", "");
			o->token = v;
		} else if (!strcmp(a, "--tls-cert"))
			o->tls_cert = v;
		else if (!strcmp(a, "--tls-key"))
			o->tls_key = v;
		else if (!strcmp(a, "--pods")) {
			if (!main_number(v, 0, 1000000, &o->pods))
				return main_bad("--pods: expected a number 0..1000000, got '%s'", v);
		} else if (!strcmp(a, "--nodes")) {
			if (!main_number(v, 1, 100000, &o->nodes))
				return main_bad("--nodes: expected a number 1..100000, got '%s'", v);
		} else if (!strcmp(a, "--seed")) {
			if (!main_number(v, 0, 4294967295L, &o->seed))
				return main_bad("--seed: expected a number 0..4294967295, got '%s'", v);
			o->seed_set = true;
		} else if (!strcmp(a, "--history")) {
			if (!main_number(v, 16, 10000000, &o->history))
				return main_bad("--history: expected a number 16..10000000, got '%s'", v);
		}
	}
	if ((o->pods >= 0) != (o->nodes >= 0))
		return main_bad("%s", "--pods and --nodes go together");
	if (o->scenario && o->pods >= 0)
		return main_bad("%s", "--scenario cannot be combined with --pods/--nodes");
	if (!o->tls_cert != !o->tls_key)
		return main_bad("%s", "--tls-cert and --tls-key go together");
	return -1;
}

int main(int argc, char **argv)
{
	struct sim_opts o = {.listen = "127.0.0.1:0", .pods = -1, .nodes = -1, .history = 0};
	int rc = main_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;

	struct sigaction sa = {0};
	sa.sa_handler = main_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sim sim = {0};
	sim.token = o.token;
	sim.forbid_ns = o.forbid;
	sim.seed = o.seed_set ? (unsigned)o.seed : (unsigned)time(NULL) ^ (unsigned)getpid();
	atomic_init(&sim.latency_ms, 0);
	atomic_init(&sim.stopping, false);
	/* History must hold at least one full load of the cluster plus churn. */
	size_t history = o.history > 0 ? (size_t)o.history
				       : (size_t)(o.pods > 0 ? o.pods * 2 + o.nodes * 2 : 0) + 20000;
	sim.store = store_new(history);
	sim.logs = logs_new(5000);
	sim.world = world_new(&sim);

	char err[512] = "";
	int lr;
	if (o.scenario)
		lr = world_load_file(sim.world, o.scenario, err, sizeof(err));
	else if (o.pods >= 0)
		lr = world_load_synthetic(sim.world, (int)o.pods, (int)o.nodes, err, sizeof(err));
	else
		lr = world_load_default(sim.world, err, sizeof(err));
	if (lr < 0) {
		fprintf(stderr, "warroom-sim: %s\n", err[0] ? err : "cannot load the scenario");
		rc = 2;
		goto out;
	}

	struct sim_http_opts ho = {.listen = o.listen, .tls_cert = o.tls_cert, .tls_key = o.tls_key};
	int port = 0;
	sim.http = http_start(&sim, &ho, &port, err, sizeof(err));
	if (!sim.http) {
		fprintf(stderr, "warroom-sim: %s\n", err);
		rc = 2;
		goto out;
	}
	if (world_start(sim.world) < 0) {
		fprintf(stderr, "warroom-sim: cannot start the controller thread\n");
		rc = 1;
		goto out;
	}
	/* http_start accepted the address, so its host part is a loopback literal. */
	const char *colon = strrchr(o.listen, ':');
	int hostlen = (int)(colon - o.listen);
	bool localhost = hostlen == 9 && !strncmp(o.listen, "localhost", 9);
	printf("warroom-sim listening on %s://%.*s:%d\n", o.tls_cert ? "https" : "http",
	       localhost ? 9 : hostlen, localhost ? "127.0.0.1" : o.listen, port);
	fflush(stdout);

	while (!main_signalled) {
		struct timespec d = {0, 100 * 1000000L};
		nanosleep(&d, NULL);
	}
	rc = 0;
	atomic_store(&sim.stopping, true);
	world_stop(sim.world);
out:
	atomic_store(&sim.stopping, true);
	if (sim.store) {
		store_lock(sim.store);
		store_notify(sim.store); /* wake watch streams so they see `stopping` */
		store_unlock(sim.store);
	}
	http_stop(sim.http);
	world_free(sim.world);
	logs_free(sim.logs);
	store_free(sim.store);
	return rc;
}
