#ifndef KUBE_AUTH_H
#define KUBE_AUTH_H
/* kube/auth: turns a kube_conn (kube/kubeconfig) into what every request of a kube/http
 * client needs: the connection-wide TLS settings and a credential provider.
 *
 * Contract:
 * - auth_attach() installs both on a client; every later request gets them without its
 *   caller passing anything (http_opts.token stays NULL).
 * - Credentials: an exec plugin when the user has one, else the tokenFile (re-read by
 *   kube_conn_token when it changes), else the token, else none (client certificates and
 *   basic auth go through the TLS settings).
 * - Exec plugins run on the loop, never blocking it: the first request (or the first
 *   after the cached credential expired or was rejected) starts the plugin, watching its
 *   pipes with loop_watch_fd and a 50 ms timer for its reaping and timeout; requests wait
 *   queued in kube/http meanwhile.  When it ends, the credential is cached (until its
 *   expirationTimestamp) and queued requests start, or, when it failed, they complete with
 *   the plugin's error (no secret in it) and the next request tries the plugin again.
 * - A 401 to a plugin credential drops it from the cache and kube/http retries the
 *   request once after a fresh run; a 401 to a static token is final.
 * - The token is never logged or printed.
 */
#include "kube/credential.h"
#include "kube/http.h"
#include "kube/kubeconfig.h"
#include "tui/loop.h"

#include <stdbool.h>

struct kube_auth;

/* Called after a plugin run ends (credential cached or error), to mark the status line
 * dirty; must not draw. */
typedef void (*auth_notify_fn)(void *ud);

/* Takes ownership of conn.  interactive_ok: a plugin may read the terminal (batch mode
 * on a tty only). */
struct kube_auth *auth_new(struct loop *loop, struct kube_conn *conn, bool interactive_ok);
/* Kills a running plugin.  Detach it from its client first (auth_detach) or free the
 * client first. */
void auth_free(struct kube_auth *a);

void auth_set_notify(struct kube_auth *a, auth_notify_fn fn, void *ud);
/* Installs TLS settings and the provider on c (replacing what was there). */
void auth_attach(struct kube_auth *a, struct http_client *c);
/* Removes the provider and TLS settings from the client it was attached to. */
void auth_detach(struct kube_auth *a);

const struct kube_conn *auth_conn(const struct kube_auth *a);
/* Plugin state for the status line: "" when idle and fine, "exec plugin running", or the
 * last plugin error (until the next success). */
const char *auth_state_text(const struct kube_auth *a);
/* Plugin runs finished so far (for tests). */
unsigned long auth_plugin_runs(const struct kube_auth *a);

/* The connection-wide TLS settings of conn; the pointers point into conn. */
void auth_tls_from_conn(const struct kube_conn *conn, struct http_tls *out);

/* The provider itself, exposed so tests can drive it without a server. */
extern const struct http_auth_ops auth_provider_ops;

#endif
