/* kube/request: see request.h. */
#include "kube/request.h"

#include "core/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { REQUEST_BODY_MAX = 8 << 20 };

struct request_op {
	struct request_gate *g;
	struct request_action a;      /* strings owned (below) */
	char *command, *ns, *equivalent, *confirm_word;
	char **objects, **plan;
	char **details;               /* progress lines, for the final record */
	size_t ndetails, capdetails;
	request_perform_fn perform;
	void (*discard)(void *ud);
	bool performed;
	void *ud;
	char *result, *error;
};

void request_gate_init(struct request_gate *g, struct loop *loop, struct http_client *http,
		       const char *server, struct audit *audit, bool read_only, bool dry_run)
{
	memset(g, 0, sizeof(*g));
	g->loop = loop;
	g->http = http;
	g->server = server;
	g->audit = audit;
	g->read_only = read_only;
	g->dry_run = dry_run;
	g->events = true;
	g->opts.timeout_ms = 30000;
	g->opts.connect_timeout_ms = 5000;
	g->operator_name = audit && audit->user ? audit->user : "unknown";
	if (http)
		http_client_set_read_only(http, read_only);
}

static char **request_dup_list(const char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i] ? v[i] : "");
	return out;
}

static void request_free_list(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void request_op_free(struct request_op *op)
{
	free(op->command);
	free(op->ns);
	free(op->equivalent);
	free(op->confirm_word);
	request_free_list(op->objects, op->a.nobjects);
	request_free_list(op->plan, op->a.nplan);
	request_free_list(op->details, op->ndetails);
	free(op->result);
	free(op->error);
	free(op);
}

/* Writes one audit record; -1 with err when the trail cannot be written. */
static int request_audit(struct request_gate *g, const struct request_action *a, const char *result,
			 const char *error, char *const *details, size_t ndetails, char *err, size_t cap)
{
	if (!g->audit)
		return 0;
	struct audit_record r = {
		.command = a->command, .ns = a->ns, .objects = a->objects, .nobjects = a->nobjects,
		.result = result, .dry_run = g->dry_run, .error = error,
		.details = (const char *const *)details, .ndetails = ndetails,
	};
	return audit_write(g->audit, &r, err, cap);
}

static void request_end(struct request_op *op, const char *result, const char *error)
{
	free(op->result);
	free(op->error);
	op->result = xstrdup(result);
	op->error = error ? xstrdup(error) : NULL;
	if (op->a.mutates) {
		char err[600];
		if (request_audit(op->g, &op->a, result, error, op->details, op->ndetails, err, sizeof(err)) < 0 &&
		    op->g->ui && op->g->ui->progress)
			op->g->ui->progress(op->g->ui_ud, op, err);
	}
	if (op->g->ui && op->g->ui->finished)
		op->g->ui->finished(op->g->ui_ud, op);
	if (!op->performed && op->discard)
		op->discard(op->ud);
	request_op_free(op);
}

static const char request_refusal[] =
	"read-only mode (started with --read-only): nothing was sent to the cluster";

/* Ends an action that never got an op of its own (audited only when `mutates`), naming
 * the objects its arguments targeted (none: nobjects 0). */
static void request_end_early(struct request_gate *g, const char *command, const char *ns,
			      const char *const *objects, size_t nobjects, bool mutates, const char *result,
			      const char *error)
{
	struct request_op *op = xcalloc(1, sizeof(*op));
	op->g = g;
	op->a.mutates = mutates;
	op->command = xstrdup(command ? command : "");
	op->a.command = op->command;
	op->ns = ns ? xstrdup(ns) : NULL;
	op->a.ns = op->ns;
	op->objects = request_dup_list(objects, nobjects);
	op->a.objects = (const char *const *)op->objects;
	op->a.nobjects = nobjects;
	request_end(op, result, error);
}

bool request_allowed(struct request_gate *g, const char *command, const char *ns)
{
	return request_allowed_objects(g, command, ns, NULL, 0);
}

bool request_allowed_objects(struct request_gate *g, const char *command, const char *ns,
			     const char *const *objects, size_t nobjects)
{
	if (!g->read_only)
		return true;
	request_end_early(g, command, ns, objects, nobjects, true, "refused", request_refusal);
	return false;
}

void request_fail_early(struct request_gate *g, const char *command, const char *ns, const char *err)
{
	request_end_early(g, command, ns, NULL, 0, false, "failed", err);
}

void request_report_early(struct request_gate *g, const char *command, const char *ns, const char *result,
			  const char *msg)
{
	request_end_early(g, command, ns, NULL, 0, false, result, msg);
}

struct request_op *request_submit(struct request_gate *g, const struct request_action *a,
				  request_perform_fn perform, void *ud)
{
	struct request_op *op = xcalloc(1, sizeof(*op));
	op->g = g;
	op->a = *a;
	op->command = xstrdup(a->command ? a->command : "");
	op->ns = a->ns ? xstrdup(a->ns) : NULL;
	op->equivalent = xstrdup(a->equivalent ? a->equivalent : "");
	op->confirm_word = a->confirm_word ? xstrdup(a->confirm_word) : NULL;
	op->objects = request_dup_list(a->objects, a->nobjects);
	op->plan = request_dup_list(a->plan, a->nplan);
	op->a.command = op->command;
	op->a.ns = op->ns;
	op->a.equivalent = op->equivalent;
	op->a.confirm_word = op->confirm_word;
	op->a.objects = (const char *const *)op->objects;
	op->a.plan = (const char *const *)op->plan;
	op->perform = perform;
	op->discard = a->discard;
	op->ud = ud;
	if (a->mutates && g->read_only) {
		request_end(op, "refused", request_refusal);
		return NULL;
	}
	if (!a->mutates || g->assume_yes || !g->ui || !g->ui->confirm) {
		if (a->mutates && !g->assume_yes) {
			request_end(op, "refused", "refused: no way to confirm (use --yes with warroom run)");
			return NULL;
		}
		request_decide(op, true);
		return NULL;
	}
	g->ui->confirm(g->ui_ud, op);
	return op;
}

void request_decide(struct request_op *op, bool yes)
{
	if (!yes) {
		request_end(op, "cancelled", "cancelled by the operator: nothing was sent");
		return;
	}
	char err[600];
	if (op->a.mutates &&
	    request_audit(op->g, &op->a, "attempted", NULL, NULL, 0, err, sizeof(err)) < 0) {
		/* No record, no action: the trail must exist before anything reaches the cluster. */
		char *why = xasprintf("%s (action not started)", err);
		request_end(op, "failed", why);
		free(why);
		return;
	}
	op->performed = true;
	op->perform(op->ud, op);
}

const struct request_action *request_op_action(const struct request_op *op)
{
	return &op->a;
}

struct request_gate *request_op_gate(const struct request_op *op)
{
	return op->g;
}

const char *request_op_result(const struct request_op *op)
{
	return op->result ? op->result : "running";
}

const char *request_op_error(const struct request_op *op)
{
	return op->error;
}

bool request_op_dry_run(const struct request_op *op)
{
	return op->g->dry_run;
}

void request_progress(struct request_op *op, const char *line)
{
	op->details = xgrow(op->details, &op->capdetails, op->ndetails + 2, sizeof(*op->details));
	op->details[op->ndetails++] = xstrdup(line);
	if (op->g->ui && op->g->ui->progress)
		op->g->ui->progress(op->g->ui_ud, op, line);
}

void request_finish(struct request_op *op, const char *result, const char *error)
{
	request_end(op, result, error);
}

void request_abort(struct request_op *op)
{
	request_end(op, "interrupted", "interrupted before the end (run the command again to finish)");
}

/* ---- transport ------------------------------------------------------------------ */

struct request_call {
	struct request_gate *g;
	char *method, *url;
	char *buf;
	size_t len, cap;
	bool too_big;
	request_done_fn done;
	void *ud;
};

static bool request_on_data(void *ud, const char *data, size_t len)
{
	struct request_call *c = ud;
	if (c->len + len > REQUEST_BODY_MAX) {
		c->too_big = true;
		return false;
	}
	c->buf = xgrow(c->buf, &c->cap, c->len + len + 1, 1);
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	c->buf[c->len] = '\0';
	return true;
}

static void request_on_done(void *ud, const struct http_result *hr)
{
	struct request_call *c = ud;
	char message[1000] = "";
	if (hr->status && (hr->status < 200 || hr->status > 299) && c->buf) {
		json_t *j = json_loadb(c->buf, c->len, 0, NULL);
		const char *m = json_string_value(json_object_get(j, "message"));
		if (m)
			snprintf(message, sizeof(message), "%s", m);
		/* The first cause says which: for a 429 eviction, the PodDisruptionBudget that
		 * blocks it ("The disruption budget web-pdb needs 2 healthy pods ..."). */
		const json_t *causes = json_object_get(json_object_get(j, "details"), "causes");
		const char *cause = json_string_value(json_object_get(json_array_get(causes, 0), "message"));
		if (cause && cause[0] && !strstr(message, cause)) {
			size_t len = strlen(message);
			if (len && message[len - 1] == '.')
				message[--len] = '\0'; /* "budget.: The ..." reads badly */
			snprintf(message + len, sizeof(message) - len, "%s%s", len ? ": " : "", cause);
		}
		json_decref(j);
	}
	struct request_result res = {
		.status = hr->status,
		.body = c->buf ? c->buf : "",
		.body_len = c->len,
		.error = c->too_big ? "answer larger than 8 MiB" : hr->error,
		.message = message,
		.problem = hr->problem,
	};
	c->done(c->ud, &res);
	free(c->method);
	free(c->url);
	free(c->buf);
	free(c);
}

struct http_request *request_send(struct request_gate *g, const char *method, const char *path,
				  const char *content_type, const char *body, request_done_fn done,
				  void *ud)
{
	struct request_call *c = xcalloc(1, sizeof(*c));
	c->g = g;
	c->done = done;
	c->ud = ud;
	bool get = strcmp(method, "GET") == 0;
	if (!get && g->dry_run)
		c->url = xasprintf("%s%s%sdryRun=All", g->server, path, strchr(path, '?') ? "&" : "?");
	else
		c->url = xasprintf("%s%s", g->server, path);
	/* A write in read-only mode fails here, before any transfer exists (http.c refuses
	 * it again should anything call it directly). */
	if (!get && g->read_only) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s %s: %s", method, path, request_refusal);
		struct request_result res = { .status = 0, .body = "", .error = msg, .message = "" };
		free(c->url);
		free(c);
		done(ud, &res);
		return NULL;
	}
	return http_send(g->http, method, c->url, content_type, body, body ? strlen(body) : 0, &g->opts,
			 request_on_data, request_on_done, c);
}

struct http_request *request_get(struct request_gate *g, const char *path, request_done_fn done, void *ud)
{
	return request_send(g, "GET", path, NULL, NULL, done, ud);
}

static void request_on_event(void *ud, const struct request_result *res)
{
	(void)ud;
	(void)res; /* best effort: the audit file is the record that must not be lost */
}

void request_event(struct request_gate *g, const char *ns, const char *kind, const char *api_version,
		   const char *name, const char *message)
{
	if (!g->events || g->dry_run || g->read_only)
		return;
	const char *evns = ns && ns[0] ? ns : "default";
	char ts[40];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Event names only need to be unique: the object's name plus a time and counter. */
	static const char hex[] = "0123456789abcdef";
	char suffix[17];
	unsigned long long v = (unsigned long long)loop_now_ms() * 2654435761ULL ^ (unsigned long long)now;
	for (int i = 0; i < 16; i++, v >>= 4)
		suffix[i] = hex[v & 15];
	suffix[16] = '\0';
	char *evname = xasprintf("%.200s.%s", name, suffix);
	json_t *inv = json_pack("{s:s, s:s, s:s}", "kind", kind, "name", name, "apiVersion", api_version);
	if (ns && ns[0])
		json_object_set_new(inv, "namespace", json_string(ns));
	json_t *ev = json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:i}",
			       "apiVersion", "v1", "kind", "Event", "metadata", "name", evname, "namespace",
			       evns, "involvedObject", inv, "reason", "WarroomAction", "type", "Normal",
			       "message", message, "source", "component", "warroom", "firstTimestamp", ts,
			       "lastTimestamp", ts, "count", 1);
	free(evname);
	if (!ev)
		return; /* a name or message that is not UTF-8: no Event rather than a bad one */
	char *body = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	char *path = xasprintf("/api/v1/namespaces/%s/events", evns);
	request_send(g, "POST", path, "application/json", body, request_on_event, NULL);
	free(path);
	free(body);
}

void request_describe_failure(const struct request_result *res, char *out, size_t cap)
{
	if (res->error) {
		snprintf(out, cap, "%s", res->error);
		return;
	}
	const char *m = res->message && res->message[0] ? res->message : NULL;
	switch (res->status) {
	case 403:
		snprintf(out, cap, "%s%s%s (RBAC: ask for that permission, or use another context)",
			 res->problem ? res->problem : "403 Forbidden", m ? ": " : "", m ? m : "");
		break;
	case 404:
		snprintf(out, cap, "not found: already done by someone else?%s%s", m ? " (" : "", m ? m : "");
		if (m)
			snprintf(out + strlen(out), cap - strlen(out), ")");
		break;
	default:
		snprintf(out, cap, "%s%s%s", res->problem ? res->problem : "failed", m ? ": " : "", m ? m : "");
		break;
	}
}
