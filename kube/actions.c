/* kube/actions: see actions.h.  This file: argument parsing, the step engine every
 * action shares (sequential writes with 409 retry, 404 = done, progress, Events), and
 * the single-object actions scale, restart and delete. */
#include "kube/actions_int.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ACT_MAX_TRIES = 3 };

bool actions_handles(enum cmd_id id)
{
	switch (id) {
	case CMD_SCALE:
	case CMD_RESTART:
	case CMD_DELETE:
	case CMD_CORDON:
	case CMD_UNCORDON:
	case CMD_DRAIN:
	case CMD_RED_BUTTON:
	case CMD_RESTORE:
		return true;
	default:
		return false;
	}
}

void act_free(struct act *a)
{
	for (size_t i = 0; i < a->nitems; i++) {
		struct act_item *it = &a->items[i];
		free(it->kind);
		free(it->ns);
		free(it->name);
		free(it->path);
		free(it->rv);
		free(it->plan);
	}
	free(a->items);
	if (a->timer)
		loop_cancel_timer(a->g->loop, a->timer);
	free(a->command);
	free(a->ns);
	free(a->kind);
	free(a->name);
	free(a->restarted_at);
	free(a);
}

struct act_item *act_add_item(struct act *a, const char *kind, const char *ns, const char *name,
			      const char *path)
{
	a->items = xgrow(a->items, &a->capitems, a->nitems + 1, sizeof(*a->items));
	struct act_item *it = &a->items[a->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = xstrdup(kind);
	it->ns = ns ? xstrdup(ns) : NULL;
	it->name = xstrdup(name);
	it->path = xstrdup(path);
	return it;
}

void act_fail(struct act *a, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	request_fail_early(a->g, a->command, a->ns, msg);
	act_free(a);
}

const char *act_api_version(const char *kind)
{
	return strcmp(kind, "deployment") == 0 || strcmp(kind, "statefulset") == 0 ? "apps/v1" : "v1";
}

const char *act_kind_title(const char *kind)
{
	if (strcmp(kind, "deployment") == 0)
		return "Deployment";
	if (strcmp(kind, "statefulset") == 0)
		return "StatefulSet";
	if (strcmp(kind, "pod") == 0)
		return "Pod";
	return "Node";
}

char *act_workload_path(const char *kind, const char *ns, const char *name)
{
	return xasprintf("/apis/apps/v1/namespaces/%s/%ss/%s", ns, kind, name);
}

long act_json_long(const json_t *o, const char *a, const char *b, long dflt)
{
	const json_t *v = json_object_get(json_object_get(o, a), b);
	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

/* ---- the step engine ------------------------------------------------------------ */

static void act_write_next(struct act *a);

static void act_item_line(struct act *a, struct act_item *it, const char *outcome)
{
	char line[1600];
	snprintf(line, sizeof(line), "%zu/%zu %s: %s%s", (size_t)(it - a->items) + 1, a->nitems,
		 it->plan ? it->plan : it->name, outcome, a->g->dry_run ? " (dry run: nothing changed)" : "");
	request_progress(a->op, line);
}

static void act_item_event(struct act *a, struct act_item *it)
{
	char *msg = xasprintf("warroom: '%s' by %s: %s", a->command, a->g->operator_name,
			      it->plan ? it->plan : it->name);
	request_event(a->g, it->ns, act_kind_title(it->kind), act_api_version(it->kind), it->name, msg);
	free(msg);
}

static void act_on_refreshed(struct act *a, const json_t *obj, const struct request_result *res)
{
	struct act_item *it = &a->items[a->cur];
	if (res->status == 404) {
		it->state = ACT_OK;
		act_item_line(a, it, "gone meanwhile: already done by someone else");
		a->cur++;
	} else if (!obj) {
		char why[900];
		request_describe_failure(res, why, sizeof(why));
		it->state = ACT_FAILED;
		act_item_line(a, it, why);
		a->cur++;
	} else if (!a->ops->refresh(a, it, obj)) {
		it->state = ACT_SKIPPED;
		act_item_line(a, it, "nothing to do any more (changed meanwhile)");
		a->cur++;
	}
	act_write_next(a);
}

static void act_on_written(void *ud, const struct request_result *res)
{
	struct act *a = ud;
	struct act_item *it = &a->items[a->cur];
	char why[900];
	if (!res->error && res->status >= 200 && res->status <= 299) {
		it->state = ACT_OK;
		act_item_line(a, it, "ok");
		act_item_event(a, it);
	} else if (!res->error && res->status == 404) {
		it->state = ACT_OK;
		act_item_line(a, it, "not found: already done by someone else");
	} else if (!res->error && res->status == 409 && a->ops->refresh && ++it->tries < ACT_MAX_TRIES) {
		/* Someone changed the object between our read and write: read again, re-plan. */
		act_get(a, it->path, act_on_refreshed);
		return;
	} else if (!res->error && res->status == 429) {
		it->state = ACT_BLOCKED;
		snprintf(why, sizeof(why), "blocked by a PodDisruptionBudget: %s",
			 res->message && res->message[0] ? res->message : "too many requests");
		act_item_line(a, it, why);
	} else {
		request_describe_failure(res, why, sizeof(why));
		it->state = ACT_FAILED;
		act_item_line(a, it, why);
	}
	a->cur++;
	act_write_next(a);
}

static void act_write_next(struct act *a)
{
	while (a->cur < a->last && a->items[a->cur].state != ACT_PENDING) {
		struct act_item *sk = &a->items[a->cur];
		if (sk->state == ACT_SKIPPED && !sk->reported) {
			sk->reported = true; /* said once, so a --yes run shows what it left alone */
			act_item_line(a, sk, "skipped");
		}
		a->cur++;
	}
	if (a->cur >= a->last) {
		if (a->ops->next_phase && a->ops->next_phase(a))
			return;
		act_end(a);
		return;
	}
	struct act_item *it = &a->items[a->cur];
	char *method = NULL, *path = NULL, *ctype = NULL, *body = NULL;
	a->ops->write(a, it, &method, &path, &ctype, &body);
	request_send(a->g, method, path, ctype, body, act_on_written, a);
	free(method);
	free(path);
	free(ctype);
	free(body);
}

void act_run_items(struct act *a, size_t first, size_t last)
{
	a->first = a->cur = first;
	a->last = last;
	act_write_next(a);
}

void act_end(struct act *a)
{
	size_t ok = 0, failed = 0, blocked = 0;
	for (size_t i = 0; i < a->nitems; i++) {
		ok += a->items[i].state == ACT_OK || a->items[i].state == ACT_SKIPPED;
		failed += a->items[i].state == ACT_FAILED || a->items[i].state == ACT_PENDING;
		blocked += a->items[i].state == ACT_BLOCKED;
	}
	char err[300] = "";
	const char *result = "ok";
	if (failed || blocked) {
		result = ok ? "partial" : "failed";
		snprintf(err, sizeof(err), "%zu of %zu did not succeed%s", failed + blocked, a->nitems,
			 blocked ? " (some blocked by a PodDisruptionBudget)" : "");
	}
	struct request_op *op = a->op;
	act_free(a);
	request_finish(op, result, err[0] ? err : NULL);
}

struct act_get_ctx {
	struct act *a;
	act_got_fn fn;
};

static void act_on_get(void *ud, const struct request_result *res)
{
	struct act_get_ctx *c = ud;
	json_t *obj = NULL;
	if (!res->error && res->status >= 200 && res->status <= 299) {
		obj = json_loadb(res->body, res->body_len, 0, NULL);
		if (!json_is_object(obj)) {
			json_decref(obj);
			obj = NULL;
		}
	}
	struct act *a = c->a;
	act_got_fn fn = c->fn;
	free(c);
	fn(a, obj, res);
	json_decref(obj);
}

void act_get(struct act *a, const char *path, act_got_fn fn)
{
	struct act_get_ctx *c = xcalloc(1, sizeof(*c));
	c->a = a;
	c->fn = fn;
	request_get(a->g, path, act_on_get, c);
}

static void act_perform(void *ud, struct request_op *op)
{
	struct act *a = ud;
	a->op = op;
	act_run_items(a, 0, a->nitems);
}

static void act_discard(void *ud)
{
	act_free(ud);
}

void act_submit(struct act *a, const char *equivalent, const char *confirm_word)
{
	act_submit_with(a, equivalent, confirm_word, act_perform);
}

void act_submit_with(struct act *a, const char *equivalent, const char *confirm_word, request_perform_fn perform)
{
	size_t n = a->nitems;
	const char **objects = xcalloc(n + 1, sizeof(*objects));
	const char **plan = xcalloc(n + 1, sizeof(*plan));
	char **owned = xcalloc(n + 1, sizeof(*owned));
	for (size_t i = 0; i < n; i++) {
		owned[i] = xasprintf("%s/%s", a->items[i].kind, a->items[i].name);
		objects[i] = owned[i];
		plan[i] = a->items[i].plan ? a->items[i].plan : owned[i];
	}
	struct request_action ra = {
		.command = a->command, .ns = a->ns, .objects = objects, .nobjects = n,
		.equivalent = equivalent, .plan = plan, .nplan = n, .confirm_word = confirm_word,
		.mutates = true, .discard = act_discard,
	};
	/* The gate copies everything; a may be gone when it returns (ended at once). */
	request_submit(a->g, &ra, perform, a);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(objects);
	free(plan);
}

/* ---- parsing -------------------------------------------------------------------- */

static bool act_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* "deploy" -> "deployment"...; NULL when unknown. */
static const char *act_norm_kind(const char *k)
{
	static const struct {
		const char *alias, *kind;
	} kinds[] = {
		{ "deployment", "deployment" }, { "deployments", "deployment" }, { "deploy", "deployment" },
		{ "statefulset", "statefulset" }, { "statefulsets", "statefulset" }, { "sts", "statefulset" },
		{ "pod", "pod" }, { "pods", "pod" }, { "po", "pod" },
		{ "node", "node" }, { "nodes", "node" }, { "no", "node" },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].alias, k) == 0)
			return kinds[i].kind;
	return NULL;
}

/* Splits arg into words, taking -n NS / --namespace NS, --force, --include-statefulsets
 * out.  Returns the number of positional words (at most cap) or -1 with err. */
static int act_words(struct act *a, const char *arg, char words[][256], int cap, char *err, size_t errcap)
{
	int n = 0;
	const char *p = arg;
	char tok[256];
	bool want_ns = false;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " \t");
		if (len >= sizeof(tok)) {
			snprintf(err, errcap, "word too long (%zu bytes)", len);
			return -1;
		}
		memcpy(tok, p, len);
		tok[len] = '\0';
		p += len;
		if (want_ns) {
			if (!act_name_ok(tok) || strchr(tok, '.')) {
				snprintf(err, errcap, "-n: '%.60s' is not a namespace name", tok);
				return -1;
			}
			free(a->ns);
			a->ns = xstrdup(tok);
			want_ns = false;
		} else if (strcmp(tok, "-n") == 0 || strcmp(tok, "--namespace") == 0) {
			want_ns = true;
		} else if (strcmp(tok, "--force") == 0) {
			a->force = true;
		} else if (strcmp(tok, "--include-statefulsets") == 0) {
			a->include_sts = true;
		} else if (tok[0] == '-' && !(tok[1] >= '0' && tok[1] <= '9')) {
			snprintf(err, errcap, "unknown option '%.60s'", tok);
			return -1;
		} else if (n >= cap) {
			snprintf(err, errcap, "too many arguments at '%.60s'", tok);
			return -1;
		} else {
			snprintf(words[n++], 256, "%s", tok);
		}
	}
	if (want_ns) {
		snprintf(err, errcap, "-n needs a namespace");
		return -1;
	}
	return n;
}

/* "KIND/NAME" (or NAME alone when dflt_kind is given) into a->kind/a->name. */
static int act_target(struct act *a, const char *word, const char *dflt_kind, const char *const *allowed,
		      char *err, size_t errcap)
{
	const char *slash = strchr(word, '/');
	char kind[64];
	const char *name = word;
	if (slash) {
		snprintf(kind, sizeof(kind), "%.*s", (int)(slash - word < 63 ? slash - word : 63), word);
		name = slash + 1;
	} else if (dflt_kind) {
		snprintf(kind, sizeof(kind), "%s", dflt_kind);
	} else {
		snprintf(err, errcap, "'%.80s': expected KIND/NAME", word);
		return -1;
	}
	const char *k = act_norm_kind(kind);
	bool ok = false;
	for (size_t i = 0; k && allowed[i]; i++)
		ok |= strcmp(allowed[i], k) == 0;
	if (!ok) {
		snprintf(err, errcap, "'%.60s': this command works on %s%s%s", kind, allowed[0],
			 allowed[1] ? " or " : "", allowed[1] ? allowed[1] : "");
		return -1;
	}
	if (!act_name_ok(name)) {
		snprintf(err, errcap, "'%.80s' is not an object name (lowercase a-z, 0-9, '-', '.')", name);
		return -1;
	}
	a->kind = xstrdup(k);
	a->name = xstrdup(name);
	return 0;
}

void actions_kubectl_line(enum cmd_id id, const char *kind, const char *ns, const char *name,
			  const char *value, bool force, char *out, size_t cap)
{
	char nsflag[100] = "";
	if (ns)
		snprintf(nsflag, sizeof(nsflag), " -n %s", ns);
	switch (id) {
	case CMD_SCALE:
		snprintf(out, cap, "kubectl%s scale %s/%s --replicas=%s", nsflag, kind, name, value);
		break;
	case CMD_RESTART:
		snprintf(out, cap, "kubectl%s rollout restart %s/%s", nsflag, kind, name);
		break;
	case CMD_DELETE:
		snprintf(out, cap, "kubectl%s delete %s/%s%s", nsflag, kind, name,
			 force ? " --grace-period=0 --force" : "");
		break;
	case CMD_CORDON:
		snprintf(out, cap, "kubectl cordon %s", name);
		break;
	case CMD_UNCORDON:
		snprintf(out, cap, "kubectl uncordon %s", name);
		break;
	case CMD_DRAIN:
		snprintf(out, cap, "kubectl drain %s --ignore-daemonsets --delete-emptydir-data", name);
		break;
	case CMD_RED_BUTTON:
		snprintf(out, cap,
			 "kubectl%s annotate %s --all %s=<replicas> --overwrite && kubectl%s scale %s --all --replicas=0",
			 nsflag, kind, ACTIONS_RED_BUTTON_ANNOTATION, nsflag, kind);
		break;
	case CMD_RESTORE:
		snprintf(out, cap, "kubectl%s scale %s/%s --replicas=%s && kubectl%s annotate %s/%s %s-", nsflag,
			 kind, name, value, nsflag, kind, name, ACTIONS_RED_BUTTON_ANNOTATION);
		break;
	default:
		snprintf(out, cap, "-");
		break;
	}
}

/* ---- scale, restart, delete ------------------------------------------------------ */

static void act_scale_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
			    char **body)
{
	(void)a;
	*method = xstrdup("PATCH");
	*path = xasprintf("%s/scale", it->path);
	*ctype = xstrdup("application/merge-patch+json");
	*body = xasprintf("{\"spec\":{\"replicas\":%ld}}", it->to);
}

static const struct act_kind_ops act_scale_ops = { act_scale_write, NULL, NULL };

static void act_restart_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
			      char **body)
{
	*method = xstrdup("PATCH");
	*path = xstrdup(it->path);
	*ctype = xstrdup("application/strategic-merge-patch+json");
	*body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
			  "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}",
			  a->restarted_at);
}

static const struct act_kind_ops act_restart_ops = { act_restart_write, NULL, NULL };

static void act_delete_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
			     char **body)
{
	*method = xstrdup("DELETE");
	*ctype = xstrdup("application/json");
	if (a->force) {
		*path = xasprintf("%s?gracePeriodSeconds=0", it->path);
		*body = xstrdup("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}");
	} else {
		*path = xstrdup(it->path);
		*body = NULL;
	}
}

static const struct act_kind_ops act_delete_ops = { act_delete_write, NULL, NULL };

static void act_plan_fail_res(struct act *a, const char *what, const struct request_result *res)
{
	char why[900];
	request_describe_failure(res, why, sizeof(why));
	if (res->status == 404)
		act_fail(a, "%s: not found in namespace %s", what, a->ns ? a->ns : "-");
	else
		act_fail(a, "%s: %s", what, why);
}

static void act_on_scale_plan(struct act *a, const json_t *obj, const struct request_result *res)
{
	char what[400], eq[800], val[32];
	snprintf(what, sizeof(what), "%s/%s", a->kind, a->name);
	if (!obj) {
		act_plan_fail_res(a, what, res);
		return;
	}
	char *path = act_workload_path(a->kind, a->ns, a->name);
	struct act_item *it = act_add_item(a, a->kind, a->ns, a->name, path);
	free(path);
	it->from = act_json_long(obj, "spec", "replicas", 0);
	it->to = a->value;
	it->plan = xasprintf("%s/%s: replicas %ld -> %ld", a->kind, a->name, it->from, it->to);
	snprintf(val, sizeof(val), "%ld", a->value);
	actions_kubectl_line(CMD_SCALE, a->kind, a->ns, a->name, val, false, eq, sizeof(eq));
	act_submit(a, eq, NULL);
}

static void act_on_restart_plan(struct act *a, const json_t *obj, const struct request_result *res)
{
	char what[400], eq[800];
	snprintf(what, sizeof(what), "%s/%s", a->kind, a->name);
	if (!obj) {
		act_plan_fail_res(a, what, res);
		return;
	}
	char *path = act_workload_path(a->kind, a->ns, a->name);
	struct act_item *it = act_add_item(a, a->kind, a->ns, a->name, path);
	free(path);
	long ready = act_json_long(obj, "status", "readyReplicas", 0);
	it->plan = xasprintf("%s/%s: new pods replace the %ld running (rollout restart)", a->kind, a->name, ready);
	char ts[40];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	a->restarted_at = xstrdup(ts);
	actions_kubectl_line(CMD_RESTART, a->kind, a->ns, a->name, NULL, false, eq, sizeof(eq));
	act_submit(a, eq, NULL);
}

static void act_on_delete_plan(struct act *a, const json_t *obj, const struct request_result *res)
{
	char what[400], eq[800];
	snprintf(what, sizeof(what), "pod/%s", a->name);
	if (!obj) {
		act_plan_fail_res(a, what, res);
		return;
	}
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", a->ns, a->name);
	struct act_item *it = act_add_item(a, "pod", a->ns, a->name, path);
	free(path);
	const char *phase = json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
	const char *node = json_string_value(json_object_get(json_object_get(obj, "spec"), "nodeName"));
	bool terminating = json_object_get(json_object_get(obj, "metadata"), "deletionTimestamp") != NULL;
	it->plan = xasprintf("pod/%s (%s%s on %s): delete%s", a->name, terminating ? "Terminating, " : "",
			     phase ? phase : "?", node ? node : "no node",
			     a->force ? " NOW, grace 0 (force: the kubelet is not asked)" : " with its grace period");
	actions_kubectl_line(CMD_DELETE, "pod", a->ns, a->name, NULL, a->force, eq, sizeof(eq));
	act_submit(a, eq, NULL);
}

/* Refuses a in read-only mode (audit "refused", ui->finished) and frees it.  The record
 * names the object the arguments targeted (a->kind/a->name, when target_rc says they
 * parsed), or for red-button/restore the namespace; never a request. */
static void act_refuse(struct act *a, int target_rc)
{
	char target[600] = "";
	if (target_rc == 0 && a->kind && a->name)
		snprintf(target, sizeof(target), "%s/%s", a->kind, a->name);
	else if ((a->id == CMD_RED_BUTTON || a->id == CMD_RESTORE) && a->ns)
		snprintf(target, sizeof(target), "namespace/%s", a->ns);
	const char *objects[] = { target };
	request_allowed_objects(a->g, a->command, a->ns, objects, target[0] ? 1 : 0);
	act_free(a);
}

void actions_start(struct request_gate *g, enum cmd_id id, const char *arg, const char *ns)
{
	struct act *a = xcalloc(1, sizeof(*a));
	a->g = g;
	a->id = id;
	a->command = xasprintf("%s%s%s", commands_table[id].name, arg[0] ? " " : "", arg);
	a->ns = ns ? xstrdup(ns) : NULL;
	char words[4][256], err[600];
	int n = act_words(a, arg, words, 4, err, sizeof(err));
	const char *name = commands_table[id].name;
	if (n < 0) {
		act_fail(a, "%s: %s", name, err);
		return;
	}
	bool cluster = id == CMD_CORDON || id == CMD_UNCORDON || id == CMD_DRAIN;
	if (cluster) {
		free(a->ns);
		a->ns = NULL;
	} else if (!a->ns && (id == CMD_RED_BUTTON || id == CMD_RESTORE)) {
		act_fail(a, "%s: needs a namespace (warroom -n NS, ':ns NS', or '%s -n NS')", name, name);
		return;
	} else if (!a->ns) {
		a->ns = xstrdup("default");
	}
	static const char *const workloads[] = { "deployment", "statefulset", NULL };
	static const char *const pods[] = { "pod", NULL };
	static const char *const nodes[] = { "node", NULL };
	int want = id == CMD_SCALE ? 2 : (id == CMD_RED_BUTTON || id == CMD_RESTORE) ? 0 : 1;
	int rc = 0;
	if (g->read_only) {
		/* Read-only refuses first, before the rest of the arguments is judged and before
		 * even the plan's GETs: a missing count or a typo still gets "refused".  The
		 * refused line names the target the arguments gave, when they give one. */
		if (n >= 1 && (id == CMD_SCALE || id == CMD_RESTART))
			rc = act_target(a, words[0], NULL, workloads, err, sizeof(err));
		else if (n >= 1 && id == CMD_DELETE)
			rc = act_target(a, words[0], "pod", pods, err, sizeof(err));
		else if (n >= 1 && cluster)
			rc = act_target(a, words[0], "node", nodes, err, sizeof(err));
		act_refuse(a, rc);
		return;
	}
	if (n != want) {
		static const char *const usage[] = {
			[CMD_SCALE] = "scale KIND/NAME N", [CMD_RESTART] = "restart KIND/NAME",
			[CMD_DELETE] = "delete pod/NAME [--force]", [CMD_CORDON] = "cordon NODE",
			[CMD_UNCORDON] = "uncordon NODE", [CMD_DRAIN] = "drain NODE",
			[CMD_RED_BUTTON] = "red-button [--include-statefulsets]", [CMD_RESTORE] = "restore",
		};
		act_fail(a, "%s: expected '%s'", name, (size_t)id < sizeof(usage) / sizeof(usage[0]) && usage[id] ? usage[id] : name);
		return;
	}
	if ((a->force && id != CMD_DELETE) || (a->include_sts && id != CMD_RED_BUTTON)) {
		act_fail(a, "%s: %s does not apply here", name, a->force ? "--force" : "--include-statefulsets");
		return;
	}
	if (id == CMD_SCALE || id == CMD_RESTART)
		rc = act_target(a, words[0], NULL, workloads, err, sizeof(err));
	else if (id == CMD_DELETE)
		rc = act_target(a, words[0], "pod", pods, err, sizeof(err));
	else if (cluster)
		rc = act_target(a, words[0], "node", nodes, err, sizeof(err));
	if (rc < 0) {
		act_fail(a, "%s: %s", name, err);
		return;
	}
	if (id == CMD_SCALE) {
		char *end;
		long v = strtol(words[1], &end, 10);
		if (*end || end == words[1] || v < 0 || v > 100000) {
			act_fail(a, "scale: '%.60s' is not a replica count (0..100000)", words[1]);
			return;
		}
		a->value = v;
	}
	char *path;
	switch (id) {
	case CMD_SCALE:
		a->ops = &act_scale_ops;
		path = act_workload_path(a->kind, a->ns, a->name);
		char *sp = xasprintf("%s/scale", path);
		act_get(a, sp, act_on_scale_plan);
		free(sp);
		free(path);
		break;
	case CMD_RESTART:
		a->ops = &act_restart_ops;
		path = act_workload_path(a->kind, a->ns, a->name);
		act_get(a, path, act_on_restart_plan);
		free(path);
		break;
	case CMD_DELETE:
		a->ops = &act_delete_ops;
		path = xasprintf("/api/v1/namespaces/%s/pods/%s", a->ns, a->name);
		act_get(a, path, act_on_delete_plan);
		free(path);
		break;
	case CMD_CORDON:
	case CMD_UNCORDON:
	case CMD_DRAIN:
		act_plan_node(a);
		break;
	default:
		act_plan_red(a);
		break;
	}
}
