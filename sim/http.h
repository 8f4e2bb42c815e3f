#ifndef SIM_HTTP_H
#define SIM_HTTP_H
/* sim/http: warroom-sim's HTTP(S) front end on libmicrohttpd.
 *
 * Serves the Kubernetes REST API subset described in the README (discovery, list/get/watch
 * with selectors, paging and Table output, writes, pod logs) plus /sim/v1 (faults, request
 * log) over the store, logs and world of `sim`.  One thread per connection, so a watch or
 * a log follow may block in its own thread.  Binds loopback addresses only.
 */
#include <stddef.h>

struct sim;

struct sim_http_opts {
	const char *listen;    /* "127.0.0.1:0" (port 0 = any free port) or "[::1]:PORT" */
	const char *tls_cert;  /* PEM files: both set = HTTPS */
	const char *tls_key;
};

/* Starts serving; returns NULL with a message in err on failure (bad address, non-loopback
 * address, port in use, unreadable certificate).  *port receives the bound port. */
struct sim_http *http_start(struct sim *sim, const struct sim_http_opts *o, int *port,
			    char *err, size_t errlen);
void http_stop(struct sim_http *h);

#endif
