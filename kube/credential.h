#ifndef KUBE_CREDENTIAL_H
#define KUBE_CREDENTIAL_H
/* kube/credential: exec credential plugins (client.authentication.k8s.io v1 and v1beta1),
 * the way GKE, EKS and OpenShift users log in.
 *
 * Contract:
 * - A run never blocks the event loop: cred_run_start() spawns the plugin (stdin /dev/null
 *   unless interactive is allowed and requested; the kubeconfig env entries and
 *   KUBERNETES_EXEC_INFO added to the environment; its own process group) and returns at
 *   once.  The loop watches the fds of cred_run_fds() for POLLIN and calls cred_run_feed()
 *   when one is readable, and calls cred_run_check() from a timer (every ~50 ms) or after
 *   SIGCHLD.  Either returns true when the run is over (child reaped, or killed on timeout
 *   or oversized output); then cred_run_finish() gives the credential or the error and
 *   frees the run.  cred_run_cancel() kills and reaps the child and frees the run.
 * - Output is bounded: stdout CRED_MAX_STDOUT (more kills the plugin), stderr's first
 *   CRED_MAX_STDERR bytes kept (the rest drained and dropped); one feed/check reads at
 *   most CRED_DRAIN_BUDGET bytes, so a plugin that writes without pause cannot hold the
 *   loop.  After the plugin exited, its pipes are read once more and closed (a child it
 *   left behind cannot keep the run alive).
 * - Errors name the plugin by its command's base name: "exec plugin \"NAME\": exit status 1:
 *   FIRST STDERR LINE", "... did not answer within 10 s", "... printed invalid JSON at byte
 *   N", "... apiVersion V does not match the requested client.authentication.k8s.io/v1",
 *   "... not found (INSTALL HINT)".  They never contain stdout (it holds the secret), and
 *   the token is never logged or printed by this module.
 * - A cache (struct cred_cache) keeps the last credential until its expirationTimestamp
 *   minus CRED_EXPIRY_MARGIN seconds (forever when the plugin gave none) or until
 *   cred_cache_invalidate() (call it on an HTTP 401).  Clock values are parameters so tests
 *   can fake time.
 * - cred_get_blocking() is the batch-mode convenience: cached, or one run driven by poll().
 */
#include "kube/kubeconfig.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

enum {
	CRED_MAX_STDOUT = 1 << 20,
	CRED_MAX_STDERR = 4096,
	CRED_EXPIRY_MARGIN = 10,            /* seconds before expiry that a token counts as stale */
	CRED_DEFAULT_TIMEOUT_MS = 10000,
	CRED_DRAIN_BUDGET = 256 << 10,      /* bytes one feed/check reads before returning */
};

struct kube_credential {
	char *token;                        /* bearer token, NULL if the plugin gave certificates */
	char *cert_pem;                     /* clientCertificateData, NULL if none */
	char *key_pem;                      /* clientKeyData */
	time_t expiry;                      /* expirationTimestamp, 0 when none */
};

void cred_clear(struct kube_credential *cr);

/* What the plugin may learn about the cluster (spec.cluster when provideClusterInfo). */
struct cred_cluster_info {
	const char *server;
	const char *tls_server_name;
	const char *proxy_url;
	const struct kube_blob *ca_data;    /* may be NULL */
	bool insecure;
};

struct cred_run;

/* Starts the plugin.  interactive_ok: stdin may be given to the plugin (batch mode on a
 * terminal); never in the TUI.  NULL with *err when the plugin cannot start (not found,
 * needs a terminal that is not available). */
struct cred_run *cred_run_start(const struct kube_exec_config *ex,
				const struct cred_cluster_info *cluster, bool interactive_ok,
				long timeout_ms, long long now_ms, char **err);
pid_t cred_run_pid(const struct cred_run *r);
/* The pipes to watch for POLLIN: out_fd (stdout) and err_fd (stderr); -1 once closed. */
void cred_run_fds(const struct cred_run *r, int *out_fd, int *err_fd);
/* Reads what fd has; true when the run is over. */
bool cred_run_feed(struct cred_run *r, int fd, long long now_ms);
/* Reaps the child if it exited and enforces the timeout; true when the run is over. */
bool cred_run_check(struct cred_run *r, long long now_ms);
/* After a true from feed/check: 0 and *out filled (caller owns; cred_clear), or -1 and
 * *err.  now is the wall clock used to judge the expiry.  Frees r. */
int cred_run_finish(struct cred_run *r, struct kube_credential *out, char **err);
void cred_run_cancel(struct cred_run *r);

/* Parses an ExecCredential document (exposed for tests and the fuzzer).  name is the
 * plugin name used in messages; want is the requested apiVersion. */
int cred_parse(const char *name, const char *want, const char *json, size_t len,
	       struct kube_credential *out, char **err);

struct cred_cache {
	struct kube_credential cred;
	bool valid;
};

/* The cached credential if still good at wall-clock time now, else NULL. */
const struct kube_credential *cred_cache_get(const struct cred_cache *c, time_t now);
/* Takes ownership of *cr (which is zeroed). */
void cred_cache_put(struct cred_cache *c, struct kube_credential *cr);
void cred_cache_invalidate(struct cred_cache *c);

/* Batch mode: the cached credential, or run the plugin (blocking, poll()-driven, at most
 * timeout_ms) and cache it.  NULL with *err on failure. */
const struct kube_credential *cred_get_blocking(struct cred_cache *c,
						const struct kube_exec_config *ex,
						const struct cred_cluster_info *cluster,
						bool interactive_ok, long timeout_ms, time_t now,
						char **err);

/* Monotonic milliseconds, for the now_ms parameters. */
long long cred_now_ms(void);

#endif
