/* kube/actions_red: the red button and restore (runbook 000, Emergency Shutdown).
 *
 * Red button: one merge PATCH per object sets spec.replicas to 0 AND records the previous
 * count in annotation warroom.io/red-button-replicas, with the resourceVersion the plan
 * saw: the record and the scale-down cannot be separated by a crash, and a concurrent
 * change answers 409, re-read and re-planned.  An object already at 0 with a recorded
 * count is skipped (a second run after an interruption finishes the job); one at 0 with
 * no record is left alone (nothing to restore).  Deployments first, statefulsets after.
 *
 * Restore, in phases: (1) statefulsets back to their recorded count; (2) wait, polling
 * GET every second on the loop, until each is fully ready (readyReplicas == replicas ==
 * recorded) since deployments' clients need them (the runbook's warning); (3)
 * deployments back; (4) the annotations cleared.  Each PATCH is idempotent, so an
 * interrupted restore run again ends the same. */
#include "kube/actions_int.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RED_POLL_MS = 1000, RED_READY_TIMEOUT_MS = 600000 };
enum { PHASE_STS = 0, PHASE_WAIT, PHASE_DEPLOY, PHASE_CLEAR, PHASE_DONE };

/* The recorded count of an object, -1 when none (or not a count). */
static long red_recorded(const json_t *obj)
{
	const char *v = json_string_value(json_object_get(
		json_object_get(json_object_get(obj, "metadata"), "annotations"), ACTIONS_RED_BUTTON_ANNOTATION));
	if (!v || !v[0])
		return -1;
	char *end;
	long n = strtol(v, &end, 10);
	return *end || n < 0 || n > 100000 ? -1 : n;
}

static const char *red_rv(const json_t *obj)
{
	const char *rv = json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
	return rv ? rv : "";
}

/* ---- red button ---- */

static void red_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype, char **body)
{
	(void)a;
	*method = xstrdup("PATCH");
	*path = xstrdup(it->path);
	*ctype = xstrdup("application/merge-patch+json");
	json_t *p = json_pack("{s:{s:{s:s}, s:s}, s:{s:i}}", "metadata", "annotations", ACTIONS_RED_BUTTON_ANNOTATION,
			      "", "resourceVersion", it->rv ? it->rv : "", "spec", "replicas", 0);
	char cnt[32];
	snprintf(cnt, sizeof(cnt), "%ld", it->from);
	json_object_set_new(json_object_get(json_object_get(p, "metadata"), "annotations"),
			    ACTIONS_RED_BUTTON_ANNOTATION, json_string(cnt));
	if (!it->rv || !it->rv[0])
		json_object_del(json_object_get(p, "metadata"), "resourceVersion");
	*body = json_dumps(p, JSON_COMPACT);
	json_decref(p);
}

/* Plans one object; false when it needs no write (state and plan set). */
static bool red_plan_item(struct act_item *it, const json_t *obj)
{
	long replicas = act_json_long(obj, "spec", "replicas", 1);
	long rec = red_recorded(obj);
	free(it->rv);
	it->rv = xstrdup(red_rv(obj));
	free(it->plan);
	it->from = replicas;
	it->to = 0;
	if (replicas == 0 && rec >= 0) {
		it->plan = xasprintf("%s/%s: already at 0 (recorded %ld): skip", it->kind, it->name, rec);
		return false;
	}
	if (replicas == 0) {
		it->plan = xasprintf("%s/%s: already at 0, nothing recorded: left alone", it->kind, it->name);
		return false;
	}
	it->plan = xasprintf("%s/%s: replicas %ld -> 0 (recording %ld)", it->kind, it->name, replicas, replicas);
	return true;
}

static bool red_refresh(struct act *a, struct act_item *it, const json_t *obj)
{
	(void)a;
	return red_plan_item(it, obj);
}

static const struct act_kind_ops red_ops = { red_write, red_refresh, NULL };

/* ---- restore ---- */

static void restore_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
			  char **body)
{
	*method = xstrdup("PATCH");
	*ctype = xstrdup("application/merge-patch+json");
	if (a->phase == PHASE_CLEAR) {
		*path = xstrdup(it->path);
		*body = xasprintf("{\"metadata\":{\"annotations\":{\"%s\":null}}}", ACTIONS_RED_BUTTON_ANNOTATION);
	} else {
		*path = xasprintf("%s/scale", it->path);
		*body = xasprintf("{\"spec\":{\"replicas\":%ld}}", it->to);
	}
}

static void restore_set_phase(struct act *a, int phase);

static long restore_on_poll_timer(struct loop *loop, long long id, void *ud);

static void restore_on_poll(struct act *a, const json_t *obj, const struct request_result *res)
{
	struct act_item *it = &a->items[a->cur];
	if (obj) {
		long ready = act_json_long(obj, "status", "readyReplicas", 0);
		long cur = act_json_long(obj, "status", "replicas", 0);
		if (ready >= it->to && cur == it->to) {
			char line[600];
			snprintf(line, sizeof(line), "%s/%s: ready %ld/%ld", it->kind, it->name, ready, it->to);
			request_progress(a->op, line);
			a->cur++;
		}
	} else if (res->status == 404) {
		a->cur++; /* deleted meanwhile: nothing to wait for */
	}
	/* Next statefulset to wait for, or the deployments. */
	while (a->cur < a->nitems && (strcmp(a->items[a->cur].kind, "statefulset") != 0 ||
				      a->items[a->cur].state != ACT_OK))
		a->cur++;
	if (a->cur >= a->nitems) {
		restore_set_phase(a, PHASE_DEPLOY);
		return;
	}
	if (loop_now_ms() > a->deadline_ms) {
		char why[600];
		snprintf(why, sizeof(why), "%s/%s not ready after %d s: deployments NOT restored (run restore again)",
			 a->items[a->cur].kind, a->items[a->cur].name, RED_READY_TIMEOUT_MS / 1000);
		request_progress(a->op, why);
		for (size_t i = 0; i < a->nitems; i++)
			if (strcmp(a->items[i].kind, "deployment") == 0)
				a->items[i].state = ACT_FAILED;
		act_end(a);
		return;
	}
	a->timer = loop_add_timer(a->g->loop, RED_POLL_MS, restore_on_poll_timer, a);
}

static long restore_on_poll_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct act *a = ud;
	a->timer = 0;
	act_get(a, a->items[a->cur].path, restore_on_poll);
	return LOOP_TIMER_STOP;
}

static bool restore_next_phase(struct act *a)
{
	restore_set_phase(a, a->phase + 1);
	return true;
}

static const struct act_kind_ops restore_ops = { restore_write, NULL, restore_next_phase };

/* Items are sorted statefulsets first; [0, nsts) are statefulsets. */
static size_t restore_nsts(const struct act *a)
{
	size_t n = 0;
	while (n < a->nitems && strcmp(a->items[n].kind, "statefulset") == 0)
		n++;
	return n;
}

static void restore_set_phase(struct act *a, int phase)
{
	a->phase = phase;
	size_t nsts = restore_nsts(a);
	switch (phase) {
	case PHASE_STS:
		act_run_items(a, 0, nsts);
		break;
	case PHASE_WAIT:
		for (size_t i = 0; i < nsts; i++) {
			if (a->items[i].state == ACT_FAILED) {
				/* The runbook's rule: no deployment before every statefulset is back. */
				request_progress(a->op, "a statefulset could not be restored: deployments NOT restored "
							"(fix it, then run restore again)");
				for (size_t j = nsts; j < a->nitems; j++)
					a->items[j].state = ACT_FAILED;
				act_end(a);
				return;
			}
		}
		if (a->g->dry_run || nsts == 0) {
			restore_set_phase(a, PHASE_DEPLOY);
			return;
		}
		request_progress(a->op, "waiting for the statefulsets to be fully ready before the deployments");
		a->deadline_ms = loop_now_ms() + RED_READY_TIMEOUT_MS;
		a->cur = 0;
		act_get(a, a->items[0].path, restore_on_poll);
		break;
	case PHASE_DEPLOY:
		a->phase = PHASE_DEPLOY;
		act_run_items(a, nsts, a->nitems);
		break;
	case PHASE_CLEAR: {
		/* Clear only what was brought back; a failed one keeps its record for a rerun. */
		size_t n = 0;
		for (size_t i = 0; i < a->nitems; i++) {
			struct act_item *it = &a->items[i];
			if (it->state == ACT_OK) {
				it->state = ACT_PENDING;
				it->stage = 1;
				free(it->plan);
				it->plan = xasprintf("%s/%s: clear annotation %s", it->kind, it->name,
						     ACTIONS_RED_BUTTON_ANNOTATION);
				n++;
			}
		}
		(void)n;
		act_run_items(a, 0, a->nitems);
		break;
	}
	default:
		act_end(a);
		break;
	}
}

static void restore_perform_start(struct act *a)
{
	restore_set_phase(a, PHASE_STS);
}

/* ---- planning (shared) ---- */

struct red_plan {
	json_t *deploys, *sts;
};

static void red_add_items(struct act *a, const json_t *list, const char *kind, bool restore)
{
	size_t i;
	const json_t *obj;
	json_array_foreach(json_object_get(list, "items"), i, obj)
	{
		const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
		if (!name)
			continue;
		long rec = red_recorded(obj);
		if (restore && rec < 0)
			continue;
		char *path = act_workload_path(kind, a->ns, name);
		struct act_item *it = act_add_item(a, kind, a->ns, name, path);
		free(path);
		if (restore) {
			it->from = act_json_long(obj, "spec", "replicas", 1);
			it->to = rec;
			it->plan = xasprintf("%s/%s: replicas %ld -> %ld (recorded)", kind, name, it->from, rec);
		} else if (!red_plan_item(it, obj)) {
			it->state = ACT_SKIPPED;
		}
	}
}

static void red_on_sts(struct act *a, const json_t *list, const struct request_result *res);

static void red_on_deploys(struct act *a, const json_t *list, const struct request_result *res)
{
	if (!list) {
		char why[900];
		request_describe_failure(res, why, sizeof(why));
		act_fail(a, "%s: listing deployments in %s: %s", commands_table[a->id].name, a->ns, why);
		return;
	}
	if (a->id == CMD_RESTORE) {
		/* Statefulsets are listed after; keep the deployments until then. */
		red_add_items(a, list, "deployment", true);
	} else {
		red_add_items(a, list, "deployment", false);
	}
	if (a->id == CMD_RESTORE || a->include_sts) {
		char *q = xasprintf("/apis/apps/v1/namespaces/%s/statefulsets", a->ns);
		act_get(a, q, red_on_sts);
		free(q);
		return;
	}
	red_on_sts(a, NULL, NULL);
}

static void red_perform(void *ud, struct request_op *op);

static void red_on_sts(struct act *a, const json_t *list, const struct request_result *res)
{
	if (res && !list) {
		char why[900];
		request_describe_failure(res, why, sizeof(why));
		act_fail(a, "%s: listing statefulsets in %s: %s", commands_table[a->id].name, a->ns, why);
		return;
	}
	if (list) {
		size_t before = a->nitems;
		red_add_items(a, list, "statefulset", a->id == CMD_RESTORE);
		if (a->id == CMD_RESTORE && a->nitems > before) {
			/* Restore order: statefulsets first. */
			struct act_item *tmp = xcalloc(a->nitems, sizeof(*tmp));
			size_t nsts = a->nitems - before;
			memcpy(tmp, a->items + before, nsts * sizeof(*tmp));
			memcpy(tmp + nsts, a->items, before * sizeof(*tmp));
			memcpy(a->items, tmp, a->nitems * sizeof(*tmp));
			free(tmp);
		}
	}
	if (a->nitems == 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s: nothing to do in namespace %s (%s)", commands_table[a->id].name, a->ns,
			 a->id == CMD_RESTORE ? "no workload has a recorded count" : "no deployment");
		request_report_early(a->g, a->command, a->ns, "ok", msg);
		act_free(a);
		return;
	}
	char eq[900];
	if (a->id == CMD_RESTORE)
		actions_kubectl_line(CMD_RESTORE, "KIND", a->ns, "NAME", "<recorded>", false, eq, sizeof(eq));
	else
		actions_kubectl_line(CMD_RED_BUTTON, a->include_sts ? "deployment,statefulset" : "deployment", a->ns,
				     NULL, NULL, false, eq, sizeof(eq));
	a->ops = a->id == CMD_RESTORE ? &restore_ops : &red_ops;
	act_submit_with(a, eq, a->id == CMD_RED_BUTTON ? a->ns : NULL, red_perform);
}

static void red_perform(void *ud, struct request_op *op)
{
	struct act *a = ud;
	a->op = op;
	if (a->id == CMD_RESTORE)
		restore_perform_start(a);
	else
		act_run_items(a, 0, a->nitems);
}

void act_plan_red(struct act *a)
{
	char *q = xasprintf("/apis/apps/v1/namespaces/%s/deployments", a->ns);
	act_get(a, q, red_on_deploys);
	free(q);
}
