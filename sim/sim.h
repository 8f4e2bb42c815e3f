#ifndef SIM_SIM_H
#define SIM_SIM_H
/* sim/sim: the one application struct of warroom-sim, shared by its threads.
 *
 * Threads: libmicrohttpd's (one per connection, see sim/http.h) and the controller's (see
 * sim/world.h).  Objects live in `store` (its own lock), log lines in `logs` (its own lock);
 * the atomics below are read without locks.  Lock order when both are needed:
 * store, then logs.
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "sim/logs.h"
#include "sim/store.h"

struct sim_world;
struct sim_http;

struct sim {
	struct sim_store *store;
	struct sim_logs *logs;
	struct sim_world *world;
	struct sim_http *http;
	const char *token;        /* --token: required bearer token, or NULL */
	const char *forbid_ns;    /* --forbid NS: writes in namespace NS answer 403, or NULL */
	atomic_int latency_ms;    /* `latency` fault: added before every API answer */
	atomic_bool stopping;     /* set on SIGINT/SIGTERM */
	unsigned seed;            /* --seed: makes generated names and logs repeatable */
};

#endif
