#ifndef KUBE_KUBECONFIG_H
#define KUBE_KUBECONFIG_H
/* kube/kubeconfig: kubeconfig files + command-line flags -> one connection description
 * (struct kube_conn), by the rules kubectl follows.
 *
 * Contract:
 * - Files: flags->kubeconfig alone if given (a missing file is an error); else every file
 *   of env->kubeconfig (':'-separated, missing files skipped, empty entries ignored); else
 *   HOME/.kube/config (missing is fine).  Merging is kubectl's: for clusters, users and
 *   contexts the first file that defines a name wins, and current-context comes from the
 *   first file that sets it.  A name defined twice in one file is an error.
 * - Every file is checked whole, as kubectl decodes it: a wrong type on a known key in any
 *   entry is an error "FILE:LINE: clusters[0].cluster.server: expected a string"; unknown
 *   keys are ignored.  Relative paths (certificate-authority, client-certificate, client-key,
 *   tokenFile, an exec command containing '/') resolve against the file's directory.
 *   *-data fields are base64-decoded at load.
 * - Context: flags->context, else current-context; with neither, only --server (or the
 *   in-cluster fallback) can connect, otherwise "no context chosen: ...".  --cluster/--user
 *   replace the context's names, -n its namespace (default "default"), --server the
 *   cluster's server, --token the user's credentials (token, tokenFile, basic auth, exec),
 *   --certificate-authority / --insecure-skip-tls-verify the cluster's trust settings
 *   (either one replaces both, as kubectl does).
 * - In-cluster: when no kubeconfig file has any content, flags name no context/cluster/user,
 *   and env->service_host/service_port are set with a readable DIR/token (DIR =
 *   env->sa_dir, default /var/run/secrets/kubernetes.io/serviceaccount): server
 *   https://HOST:PORT, tokenFile DIR/token, CA DIR/ca.crt, namespace from DIR/namespace.
 * - Validation: server must be http:// or https://; a context must name a cluster that
 *   exists and a user that exists (an empty user is allowed: no credentials); token and
 *   basic auth together, or exec and basic auth together, are refused; basic auth and
 *   insecure-skip-tls-verify add warnings (kube_conn.warnings) for the status line.
 * - Errors are one line (malloc'd *err), naming the file and line where there is one;
 *   never a crash.  Secrets (token, password, key data) never appear in messages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum kube_exec_interactive {
	KUBE_EXEC_NEVER,
	KUBE_EXEC_IF_AVAILABLE,
	KUBE_EXEC_ALWAYS,
};

struct kube_exec_env {
	char *name;
	char *value;
};

/* users[].user.exec: a client.authentication.k8s.io credential plugin. */
struct kube_exec_config {
	char *api_version;              /* client.authentication.k8s.io/v1 or .../v1beta1 */
	char *command;
	char **args;
	size_t nargs;
	struct kube_exec_env *env;
	size_t nenv;
	char *install_hint;             /* NULL if none */
	enum kube_exec_interactive interactive;
	bool provide_cluster_info;
};

/* A byte string from a *-data field (PEM, decoded), NUL-terminated for convenience. */
struct kube_blob {
	char *data;                     /* NULL when absent */
	size_t len;
};

struct kube_conn {
	char *context;                  /* context name; NULL for --server only or in-cluster */
	char *cluster;                  /* cluster name; NULL likewise */
	char *user;                     /* user name; NULL when none */
	char *server;                   /* http(s)://host[:port][/path], never NULL */
	char *namespace_;               /* never NULL; "default" unless set */
	bool namespace_set;             /* chosen by -n or the context (not the default) */

	char *ca_file;                  /* certificate-authority, NULL if none */
	struct kube_blob ca_data;       /* certificate-authority-data */
	bool insecure;                  /* insecure-skip-tls-verify */
	char *tls_server_name;
	char *proxy_url;

	char *cert_file;                /* client-certificate */
	struct kube_blob cert_data;     /* client-certificate-data */
	char *key_file;                 /* client-key */
	struct kube_blob key_data;      /* client-key-data */

	char *token;                    /* bearer token from the file or --token */
	char *token_file;               /* read at use by kube_conn_token(); wins over token */
	char *username, *password;      /* basic auth (warned about) */
	struct kube_exec_config *exec;  /* NULL if none */

	char **warnings;                /* one-line notes for the status line */
	size_t nwarnings;
	char *sources;                  /* the kubeconfig files read, ", "-joined, or "" */
	bool in_cluster;

	/* tokenFile cache (kube_conn_token) */
	char *token_cache;
	time_t token_mtime;
	long token_mtime_ns;
	long long token_size;
};

/* Command-line choices; NULL/false means "not given". */
struct kube_flags {
	const char *kubeconfig;
	const char *context;
	const char *cluster;
	const char *user;
	const char *namespace_;
	const char *server;
	const char *token;
	const char *ca_file;
	bool insecure;
};

/* The process environment the loader consults, explicit so tests can fake it. */
struct kube_env {
	const char *kubeconfig;         /* $KUBECONFIG */
	const char *home;               /* $HOME */
	const char *service_host;       /* $KUBERNETES_SERVICE_HOST */
	const char *service_port;       /* $KUBERNETES_SERVICE_PORT */
	const char *sa_dir;             /* NULL: /var/run/secrets/kubernetes.io/serviceaccount */
};

/* Fills env from getenv() (pointers into the environment; sa_dir NULL). */
void kubeconfig_env_from_process(struct kube_env *env);

/* Loads and resolves.  NULL with *err (malloc'd) on failure. */
struct kube_conn *kubeconfig_load(const struct kube_flags *flags, const struct kube_env *env,
				  char **err);
void kube_conn_free(struct kube_conn *c);

/* The bearer token to send now: the tokenFile's content (trimmed; re-read when the file's
 * size or mtime changes; the last good value is kept if a re-read fails), else token, else
 * NULL.  On a read failure with no earlier value, NULL and *err "tokenFile PATH: ...". */
const char *kube_conn_token(struct kube_conn *c, char **err);

/* Decodes standard base64 (padding optional, CR/LF ignored) into a NUL-terminated blob.
 * Returns false on a character outside the alphabet or a bad length; *bad_at is the byte
 * offset of the problem. */
bool kubeconfig_base64_decode(const char *in, size_t len, struct kube_blob *out, size_t *bad_at);

#endif
