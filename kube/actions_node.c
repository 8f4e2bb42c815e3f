/* kube/actions_node: cordon, uncordon and drain (runbook 003, node-pool upgrades).
 * Drain = cordon, then one eviction (policy/v1 Eviction) per pod of the node, skipping
 * pods a DaemonSet owns (their controller would recreate them right there) and mirror
 * pods (static pods the kubelet owns; the API cannot evict them), as kubectl drain
 * --ignore-daemonsets does.  A 429 answer means a PodDisruptionBudget protects the pod:
 * reported, and the drain goes on with the other pods. */
#include "kube/actions_int.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void act_node_write(struct act *a, struct act_item *it, char **method, char **path, char **ctype,
			   char **body)
{
	(void)a;
	if (strcmp(it->kind, "node") == 0) {
		*method = xstrdup("PATCH");
		*path = xstrdup(it->path);
		*ctype = xstrdup("application/strategic-merge-patch+json");
		*body = xstrdup(it->to ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}");
		return;
	}
	*method = xstrdup("POST");
	*path = xasprintf("%s/eviction", it->path);
	*ctype = xstrdup("application/json");
	json_t *ev = json_pack("{s:s, s:s, s:{s:s, s:s}}", "apiVersion", "policy/v1", "kind", "Eviction",
			       "metadata", "name", it->name, "namespace", it->ns);
	*body = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
}

static const struct act_kind_ops act_node_ops = { act_node_write, NULL, NULL };

/* Why a pod stays on a drained node, NULL when it is evicted. */
static const char *act_drain_skip(const json_t *pod)
{
	const json_t *md = json_object_get(pod, "metadata");
	if (json_object_get(json_object_get(md, "annotations"), "kubernetes.io/config.mirror"))
		return "mirror pod (static, owned by the kubelet)";
	size_t i;
	const json_t *ref;
	json_array_foreach(json_object_get(md, "ownerReferences"), i, ref)
	{
		const char *k = json_string_value(json_object_get(ref, "kind"));
		if (k && strcmp(k, "DaemonSet") == 0)
			return "DaemonSet pod";
	}
	const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
	if (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0))
		return "finished pod";
	return NULL;
}

static void act_on_drain_pods(struct act *a, const json_t *list, const struct request_result *res)
{
	if (!list) {
		char why[900];
		request_describe_failure(res, why, sizeof(why));
		act_fail(a, "drain %s: listing its pods: %s", a->name, why);
		return;
	}
	size_t i, skipped = 0;
	const json_t *pod;
	json_array_foreach(json_object_get(list, "items"), i, pod)
	{
		const json_t *md = json_object_get(pod, "metadata");
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *name = json_string_value(json_object_get(md, "name"));
		if (!ns || !name)
			continue;
		const char *skip = act_drain_skip(pod);
		char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
		struct act_item *it = act_add_item(a, "pod", ns, name, path);
		free(path);
		if (skip) {
			it->state = ACT_SKIPPED;
			it->plan = xasprintf("pod/%s/%s: stays (%s)", ns, name, skip);
			skipped++;
		} else {
			it->plan = xasprintf("pod/%s/%s: evict", ns, name);
		}
	}
	char eq[600];
	actions_kubectl_line(CMD_DRAIN, "node", NULL, a->name, NULL, false, eq, sizeof(eq));
	act_submit(a, eq, NULL);
}

static void act_on_node_plan(struct act *a, const json_t *node, const struct request_result *res)
{
	if (!node) {
		char why[900];
		request_describe_failure(res, why, sizeof(why));
		act_fail(a, "node/%s: %s", a->name, res->status == 404 ? "no such node" : why);
		return;
	}
	bool unsched = json_is_true(json_object_get(json_object_get(node, "spec"), "unschedulable"));
	char *path = xasprintf("/api/v1/nodes/%s", a->name);
	struct act_item *it = act_add_item(a, "node", NULL, a->name, path);
	free(path);
	it->from = unsched;
	it->to = a->id != CMD_UNCORDON;
	it->plan = xasprintf("node/%s: %s -> %s%s", a->name, unsched ? "unschedulable" : "schedulable",
			     it->to ? "unschedulable (cordoned)" : "schedulable",
			     it->from == it->to ? " (already)" : "");
	if (a->id == CMD_DRAIN) {
		char *q = xasprintf("/api/v1/pods?fieldSelector=spec.nodeName%%3D%s", a->name);
		act_get(a, q, act_on_drain_pods);
		free(q);
		return;
	}
	char eq[600];
	actions_kubectl_line(a->id, "node", NULL, a->name, NULL, false, eq, sizeof(eq));
	act_submit(a, eq, NULL);
}

void act_plan_node(struct act *a)
{
	a->ops = &act_node_ops;
	char *path = xasprintf("/api/v1/nodes/%s", a->name);
	act_get(a, path, act_on_node_plan);
	free(path);
}
