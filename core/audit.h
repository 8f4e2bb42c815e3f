#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H
/* core/audit: the audit trail of mutating commands, one JSON object per line appended to
 * $XDG_STATE_HOME/warroom/audit.jsonl (default ~/.local/state/warroom/audit.jsonl).
 *
 * Every line: {"time": RFC 3339 UTC, "user": local login, "context": kube context,
 * "kube_user": kubeconfig user, "server", "namespace", "command": as typed, "objects":
 * ["deployment/web", ...], "result": "attempted" | "refused" | "cancelled" | "ok" |
 * "failed" | "partial", "dry_run": bool, "error": text or null, "details": [per object
 * results] (after only)}.
 *
 * Contract: each record is written with one write(2) on a descriptor opened O_APPEND and
 * fdatasync'ed before audit_write returns, so a record written before a request is sent
 * survives a crash of the process right after.  Records never carry credentials: callers
 * pass no token, and any "Bearer ..." text in a string is masked anyway.  Missing
 * directories are created (mode 0700); the file is created mode 0600.
 */
#include <stdbool.h>
#include <stddef.h>

struct audit {
	char *path;      /* the file; NULL: auditing disabled */
	char *user;      /* local user name */
	char *context;   /* kube context, "" when none */
	char *kube_user; /* kubeconfig user, "" when none */
	char *server;
};

struct audit_record {
	const char *command;
	const char *ns;                 /* NULL: cluster scope */
	const char *const *objects;
	size_t nobjects;
	const char *result;
	bool dry_run;
	const char *error;              /* NULL for none */
	const char *const *details;     /* per-object results, may be NULL */
	size_t ndetails;
};

/* The default path: $XDG_STATE_HOME/warroom/audit.jsonl when XDG_STATE_HOME is an
 * absolute path, else $HOME/.local/state/warroom/audit.jsonl.  NULL (err filled) when
 * neither can be found. Caller frees. */
char *audit_default_path(char *err, size_t cap);

/* Fills a (all strings copied; NULL path: the default).  0, or -1 with err. */
int audit_init(struct audit *a, const char *path, const char *context, const char *kube_user,
	       const char *server, char *err, size_t cap);
void audit_free(struct audit *a);

/* Appends one record.  0, or -1 with err naming the file and the reason. */
int audit_write(const struct audit *a, const struct audit_record *r, char *err, size_t cap);

/* The JSON line of a record at time `now` (no newline); caller frees.  Exposed for tests. */
char *audit_format(const struct audit *a, const struct audit_record *r, long long now);

#endif
