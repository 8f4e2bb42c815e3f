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

static void act_free(struct act *a)
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
	while (a->cur < a->last && a->items[a->cur].state != ACT_PENDING)
		a->cur++;
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
	request_submit(a->g, &ra, act_perform, a);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(objects);
	free(plan);
}
