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
 *   transfer (any status), else a message naming the URL ("GET URL: connection
 *   refused", "GET URL: timed out (...)", "GET URL: DNS: cannot resolve host H",
 *   "GET URL: TLS: certificate verify failed for https://H:P (CA: FILE)", or the exec
 *   plugin's error when credentials could not be obtained).  It is never called from
 *   inside http_get().  The request is freed after done_fn returns; do not use its
 *   pointer afterwards.
 * - For a complete transfer with a status outside 2xx, res->problem is a one-line
 *   explanation callers should show ("401 Unauthorized: the server rejected the
 *   credentials of user alice", "403 Forbidden: list pods in namespace ingest").
 * - Connection-wide TLS and identity (http_client_set_tls) apply to every request; a
 *   request's own opts->ca_file / opts->insecure / opts->token override them.
 * - Credentials come from opts->token, else from the auth provider (http_client_set_auth),
 *   asked right before each transfer starts.  While the provider is fetching (an exec
 *   plugin running) requests wait, queued, and start when it calls
 *   http_client_auth_ready().  On a 401 to provider credentials the client tells the
 *   provider (rejected) and, if it says a retry may help, silently repeats the request
 *   once with fresh credentials: the caller sees only the second answer.
 * - TLS peer and host verification are on unless insecure is set; the bearer token and
 *   passwords are only sent in headers/curl options, never logged (no CURLOPT_VERBOSE)
 *   and never in any message.
 * - http_cancel() may be called from any callback, including the request's own.
 * - libcurl is loaded by the first request (kube/curl_lazy), not at start-up; if it
 *   cannot be loaded every request completes with the error "GET URL: HTTP unavailable:
 *   cannot load libcurl.so.4: REASON" instead.
 */
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

struct http_client;
struct http_request;

struct http_opts {
	const char *token;      /* bearer token, NULL: the client's auth provider (if any) */
	const char *ca_file;    /* CA bundle, NULL: the client's TLS settings / the system's */
	bool insecure;          /* skip TLS verification (shown as a warning by callers) */
	long timeout_ms;        /* whole-request timeout, 0 for none (watch streams) */
	long connect_timeout_ms;
	const char *accept;     /* Accept header, NULL for application/json */
};

/* Connection-wide TLS and identity (from the kubeconfig).  Every string and PEM is
 * copied; NULL / 0 length means "not set". */
struct http_tls {
	const char *ca_file;            /* certificate-authority */
	const char *ca_pem;             /* certificate-authority-data (PEM bytes) */
	size_t ca_pem_len;
	const char *cert_file;          /* client-certificate */
	const char *cert_pem;           /* client-certificate-data */
	size_t cert_pem_len;
	const char *key_file;           /* client-key */
	const char *key_pem;            /* client-key-data */
	size_t key_pem_len;
	bool insecure;                  /* insecure-skip-tls-verify */
	const char *tls_server_name;    /* not applied yet (libcurl 7.88 has no SNI override) */
	const char *proxy_url;
	const char *username;           /* basic auth */
	const char *password;
	const char *user_name;          /* kubeconfig user, named in 401 messages */
};

struct http_result {
	long status;            /* HTTP status, 0 if no response */
	const char *error;      /* NULL on a complete transfer */
	const char *url;
	const char *problem;    /* non-2xx complete transfer: explanation, else NULL */
};

typedef bool (*http_data_fn)(void *ud, const char *data, size_t len);
typedef void (*http_done_fn)(void *ud, const struct http_result *res);

/* Credentials handed out by an auth provider for one transfer.  Pointers stay valid until
 * the provider's next callback; the client copies what it keeps. */
struct http_cred {
	const char *token;              /* bearer token, NULL for none */
	const char *cert_pem;           /* client certificate from a plugin, NULL for none */
	const char *key_pem;
	unsigned long generation;       /* identifies this credential for rejected() */
};

enum http_auth_answer { HTTP_AUTH_READY, HTTP_AUTH_WAIT, HTTP_AUTH_FAILED };

struct http_auth_ops {
	/* READY: *cred filled.  WAIT: a fetch is under way; the provider calls
	 * http_client_auth_ready() when it ends.  FAILED: *err names why (one line, no
	 * secret; valid until the provider's next callback). */
	enum http_auth_answer (*get)(void *ud, struct http_cred *cred, const char **err);
	/* The server answered 401 to the credential of `generation`: drop it if still
	 * current.  Returns true when fresh credentials may differ (worth one retry). */
	bool (*rejected)(void *ud, unsigned long generation);
};

struct http_client *http_client_new(struct loop *loop);
/* Cancels every pending request (no done_fn calls) and frees the client. */
void http_client_free(struct http_client *c);

/* Replaces the connection-wide TLS settings (NULL: none) for requests started later. */
void http_client_set_tls(struct http_client *c, const struct http_tls *tls);
/* Sets (or with ops NULL removes) the auth provider for requests started later.  ops and
 * ud must outlive the client or the next call. */
void http_client_set_auth(struct http_client *c, const struct http_auth_ops *ops, void *ud);
/* The provider finished a fetch: queued requests ask it again (start or fail). */
void http_client_auth_ready(struct http_client *c);

struct http_request *http_get(struct http_client *c, const char *url, const struct http_opts *opts,
			      http_data_fn data_fn, http_done_fn done_fn, void *ud);
/* Any method with an optional body (copied; Content-Type content_type, default
 * application/json): the transport of kube/request, the gate every write goes through.
 * Nothing else should call it with a method other than GET.  Same contract as http_get;
 * messages start with the method ("PATCH URL: ..."). */
struct http_request *http_send(struct http_client *c, const char *method, const char *url,
			       const char *content_type, const char *body, size_t body_len,
			       const struct http_opts *opts, http_data_fn data_fn, http_done_fn done_fn,
			       void *ud);
/* Read-only backstop: while set, every request other than GET fails (done_fn, error
 * "... refused: read-only mode") without any network traffic. */
void http_client_set_read_only(struct http_client *c, bool read_only);

/* HTTP status of the answer a request is receiving: set once its headers are in, so
 * from its first data_fn call on; 0 before.  Lets a receiver tell a body it should
 * decode from an error body while it streams. */
long http_status(const struct http_request *r);

/* Stops a pending request without calling its done_fn. */
void http_cancel(struct http_client *c, struct http_request *r);

/* Number of requests in flight (including those waiting for credentials). */
size_t http_pending(const struct http_client *c);

/* What a request does, in kubectl's words, from its method and URL:
 * "list pods in namespace ingest", "watch nodes", "get pods/log web-1 in namespace x",
 * "list deployments.apps".  Falls back to "METHOD PATH" for non-API paths.  Always
 * NUL-terminates out. */
void http_describe_request(const char *method, const char *url, char *out, size_t cap);
/* The problem text for a non-2xx status (see http_result.problem); user may be NULL. */
void http_status_problem(long status, const char *method, const char *url, const char *user,
			 char *out, size_t cap);

#endif
