#ifndef KUBE_REQUEST_H
#define KUBE_REQUEST_H
/* kube/request: THE gate.  Every request other than GET, from any pane, key, palette
 * command, `warroom run` or config, passes through here; read-only mode, confirmation,
 * dry-run and the audit trail live here and nowhere else (GET-only paths: list, watch,
 * get, logs go straight to kube/http).
 *
 * An action is {command as typed, namespace, objects, the equivalent kubectl or ssh
 * command line, plan lines "deployment/web: replicas 3 -> 0", mutates, an optional word
 * the operator must type (red-button: the namespace)} plus a perform callback.  Its life:
 *   request_submit:
 *     1. mutating and read-only: audit "refused", ui->finished with result "refused" and
 *        error "refused: read-only mode ...", perform is never called;
 *     2. ui->confirm (the console's dialog, `run`'s prompt, or --yes) then request_decide;
 *        "no" audits "cancelled";
 *     3. audit "attempted" (written and flushed BEFORE the first write is sent; if the
 *        trail cannot be written the action does not run), then perform(op);
 *   perform sends its writes with request_send (dryRun=All added in dry-run mode),
 *   reports with request_progress and ends with request_finish: audit with the result,
 *   ui->finished, op freed.
 * request_send itself refuses writes in read-only mode too (no network traffic), and
 * http_client_set_read_only is set as a backstop, so no caller can slip past.
 * Everything runs on the event loop; nothing blocks.
 */
#include "core/audit.h"
#include "kube/http.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

struct request_op;

struct request_action {
	const char *command;          /* as typed: "scale deployment/web 3" */
	const char *ns;               /* namespace acted in, NULL: cluster scope / hosts */
	const char *const *objects;   /* "deployment/web", "node/n1", "host/db1" */
	size_t nobjects;
	const char *equivalent;       /* kubectl (or ssh) command line, shown before confirming */
	const char *const *plan;      /* what changes, one line per object ("a: 3 -> 0") */
	size_t nplan;
	const char *confirm_word;     /* NULL, or text the operator must type (red-button) */
	bool mutates;
	/* Called (with perform's ud) when perform will never run: refused, cancelled.  NULL:
	 * nothing to release. */
	void (*discard)(void *ud);
};

struct request_ui_ops {
	/* Ask the operator about request_op_action(op); answer with request_decide(op, yes),
	 * now or later from the loop. */
	void (*confirm)(void *ud, struct request_op *op);
	/* One line of progress ("2/5 deployment/web: 3 -> 0: ok"). */
	void (*progress)(void *ud, struct request_op *op, const char *line);
	/* The action ended; request_op_result/error say how.  op is freed right after. */
	void (*finished)(void *ud, struct request_op *op);
};

struct request_gate {
	struct loop *loop;
	struct http_client *http;
	const char *server;           /* API server URL, no trailing slash */
	struct http_opts opts;        /* timeouts for writes */
	struct audit *audit;          /* NULL: no trail (tests) */
	bool read_only;
	bool dry_run;
	bool assume_yes;              /* --yes (warroom run): confirm without asking */
	bool events;                  /* post WarroomAction Events on the objects */
	const struct request_ui_ops *ui;
	void *ui_ud;
	const char *operator_name;    /* local user, named in Events */
};

/* Sets the gate up (copies nothing: everything must outlive it) and the http backstop. */
void request_gate_init(struct request_gate *g, struct loop *loop, struct http_client *http,
		       const char *server, struct audit *audit, bool read_only, bool dry_run);

typedef void (*request_perform_fn)(void *ud, struct request_op *op);

/* Runs an action through the gate (see the top).  The action's strings are copied.
 * Returns the op (NULL when refused or when it ended at once). */
struct request_op *request_submit(struct request_gate *g, const struct request_action *a,
				  request_perform_fn perform, void *ud);
/* The operator's answer to ui->confirm. */
void request_decide(struct request_op *op, bool yes);
/* Checks the read-only refusal alone, for a command that first needs GETs to build its
 * plan: refused -> audit "refused", ui->finished, false. */
bool request_allowed(struct request_gate *g, const char *command, const char *ns);
/* The same, recording in the "refused" audit line the objects the command named in its
 * arguments ("deployment/web", "node/n1"; copied), found without any request. */
bool request_allowed_objects(struct request_gate *g, const char *command, const char *ns,
			     const char *const *objects, size_t nobjects);

/* An action that failed before it could be submitted (bad target, its plan's GET
 * failed): ui->finished with result "failed" and err; nothing was attempted, so nothing
 * is audited. */
void request_fail_early(struct request_gate *g, const char *command, const char *ns, const char *err);
/* The same with another result, e.g. "ok" and "nothing to restore". */
void request_report_early(struct request_gate *g, const char *command, const char *ns, const char *result,
			  const char *msg);

const struct request_action *request_op_action(const struct request_op *op);
struct request_gate *request_op_gate(const struct request_op *op);
const char *request_op_result(const struct request_op *op);   /* "ok", "refused", ... */
const char *request_op_error(const struct request_op *op);    /* NULL when none */
bool request_op_dry_run(const struct request_op *op);

/* One line of progress: ui->progress and kept for the final audit record. */
void request_progress(struct request_op *op, const char *line);
/* Ends the action: result "ok", "partial" or "failed", error NULL or why.  op is freed. */
void request_finish(struct request_op *op, const char *result, const char *error);
/* Cancels an op whose perform is not running anything (quit): result "interrupted". */
void request_abort(struct request_op *op);

/* Result of request_send / request_get. */
struct request_result {
	long status;                  /* HTTP status, 0 when no answer */
	const char *body;             /* NUL-terminated, "" when none */
	size_t body_len;
	const char *error;            /* transport error, or the read-only refusal */
	const char *message;          /* non-2xx: Status.message from the server, else "" */
	const char *problem;          /* non-2xx: "403 Forbidden: patch deployments.apps web in
				       * namespace x", else NULL */
};
typedef void (*request_done_fn)(void *ud, const struct request_result *res);

/* A write: METHOD server+path (path starts with '/', may carry a query).  In dry-run mode
 * dryRun=All is added.  Refused without traffic in read-only mode (error set). */
struct http_request *request_send(struct request_gate *g, const char *method, const char *path,
				  const char *content_type, const char *body, request_done_fn done,
				  void *ud);
/* A GET, buffered: not gated (reads are always allowed). */
struct http_request *request_get(struct request_gate *g, const char *path, request_done_fn done,
				 void *ud);

/* Posts a WarroomAction Event (type Normal) about the object, unless events are off or in
 * dry-run; failures are ignored (the audit file is the record that matters). */
void request_event(struct request_gate *g, const char *ns, const char *kind, const char *api_version,
		   const char *name, const char *message);

/* "status 409" etc. as a short operator text: 403 names verb/resource/namespace with the
 * server's message, 404 "not found (already done by someone else?)".  Into out. */
void request_describe_failure(const struct request_result *res, char *out, size_t cap);

#endif
