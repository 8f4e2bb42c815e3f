#ifndef KUBE_HTTP_H
#define KUBE_HTTP_H
/* kube/http: asynchronous HTTP GET on the event loop, through libcurl's multi interface
 * driven by curl_multi_socket_action (CURLMOPT_SOCKETFUNCTION registers the sockets
 * with loop_watch_fd, CURLMOPT_TIMERFUNCTION arms a loop timer).  Nothing blocks: DNS
 * goes through libcurl's own resolver thread.
 *
 * Contract:
 * - data_fn receives the body as it streams in (any chunking); returning false aborts
 *   the transfer, which then completes with error "aborted by receiver".
 * - done_fn is called exactly once per request that was not cancelled, after the last
 *   data_fn, with the HTTP status (0 when no response) and error == NULL on a complete
 *   transfer (any status), else a message naming the URL ("GET URL: Connection
 *   refused", "GET URL: timed out after 10000 ms").  The request is freed after done_fn
 *   returns; do not use its pointer afterwards.
 * - TLS peer verification is on unless opts->insecure; the bearer token is only sent in
 *   the Authorization header and never appears in any message.
 * - http_cancel() may be called from any callback, including the request's own.
 */
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

struct http_client;
struct http_request;

struct http_opts {
	const char *token;      /* bearer token, NULL for none */
	const char *ca_file;    /* CA bundle, NULL for the system's */
	bool insecure;          /* skip TLS verification (shown as a warning by callers) */
	long timeout_ms;        /* whole-request timeout, 0 for none (watch streams) */
	long connect_timeout_ms;
	const char *accept;     /* Accept header, NULL for application/json */
};

struct http_result {
	long status;            /* HTTP status, 0 if no response */
	const char *error;      /* NULL on a complete transfer */
	const char *url;
};

typedef bool (*http_data_fn)(void *ud, const char *data, size_t len);
typedef void (*http_done_fn)(void *ud, const struct http_result *res);

struct http_client *http_client_new(struct loop *loop);
/* Cancels every pending request (no done_fn calls) and frees the client. */
void http_client_free(struct http_client *c);

struct http_request *http_get(struct http_client *c, const char *url, const struct http_opts *opts,
			      http_data_fn data_fn, http_done_fn done_fn, void *ud);
/* Stops a pending request without calling its done_fn. */
void http_cancel(struct http_client *c, struct http_request *r);

/* Number of requests in flight. */
size_t http_pending(const struct http_client *c);

#endif
