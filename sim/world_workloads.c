/* sim/world_workloads: the workload controllers of one reconcile pass: replicasets and
 * statefulsets create/delete pods to match replicas, deployments roll replicasets per pod
 * template hash, a kube-proxy "daemonset" keeps one pod per node, endpoints follow ready
 * pods and PDBs count healthy ones.  Store lock held (see world_controller.c). */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static json_int_t world_int(const json_t *obj, const char *path, json_int_t dflt)
{
	json_t *v = world_get(obj, path);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* Writes obj's status (stolen) when it differs from the stored one. */
static void world_put_status(struct wtick *t, enum sim_res res, const json_t *obj, json_t *st)
{
	if (json_equal(st, json_object_get(obj, "status"))) {
		json_decref(st);
		return;
	}
	json_t *copy = json_deep_copy(obj);
	json_object_set_new(copy, "status", st);
	store_put(t->s, res, copy);
}

/* A condition whose timestamps survive as long as its status and reason do. */
static json_t *world_wl_cond(const json_t *old_status, struct wtick *t, const char *type,
			     bool ok, const char *reason, const char *message, bool update_time)
{
	char ts[32];
	world_time_str(t->wall, ts, sizeof(ts));
	const char *trans = ts, *upd = ts;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(old_status, "conditions"), i, c) {
		const char *ty = json_string_value(json_object_get(c, "type"));
		if (!ty || strcmp(ty, type))
			continue;
		const char *st = json_string_value(json_object_get(c, "status"));
		const char *rs = json_string_value(json_object_get(c, "reason"));
		if (st && !strcmp(st, ok ? "True" : "False")) {
			trans = json_string_value(json_object_get(c, "lastTransitionTime"));
			if (rs && !strcmp(rs, reason))
				upd = json_string_value(json_object_get(c, "lastUpdateTime"));
		}
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", type, "status", ok ? "True" : "False",
			      "lastTransitionTime", trans ? trans : ts, "reason", reason, "message",
			      message);
	if (update_time)
		json_object_set_new(o, "lastUpdateTime", json_string(upd ? upd : ts));
	return o;
}

/* A new pod for a controller; returns the stored pod (its runtime is created next pass). */
static void world_create_pod(struct wtick *t, json_t *pod, const char *owner_kind,
			     const char *owner_name)
{
	if (t->w->instant) {
		char ts[32];
		world_time_str(t->w->instant_time, ts, sizeof(ts));
		world_set(pod, "metadata.creationTimestamp", json_string(ts));
	}
	char *name = xstrdup(sim_obj_name(pod));
	const char *ns = sim_obj_namespace(pod);
	char *nsd = xstrdup(ns);
	store_put(t->s, SIM_PODS, pod);
	char *m = xasprintf("Created pod: %s", name);
	world_event(t, nsd, owner_kind, owner_name, "Normal", "SuccessfulCreate", m);
	free(m);
	free(name);
	free(nsd);
}

/* Marks a pod for graceful deletion, as DELETE without gracePeriodSeconds does. */
static void world_delete_pod(struct wtick *t, const json_t *pod, const char *owner_kind,
			     const char *owner_name)
{
	const char *ns = sim_obj_namespace(pod), *name = sim_obj_name(pod);
	char *m = xasprintf("Deleted pod: %s", name);
	world_event(t, ns, owner_kind, owner_name, "Normal", "SuccessfulDelete", m);
	free(m);
	if (t->w->instant || !world_get_str(pod, "spec.nodeName")) {
		char *nsd = xstrdup(ns), *nm = xstrdup(name);
		logs_forget_pod(t->w->sim->logs, nsd, nm);
		store_delete(t->s, SIM_PODS, nsd, nm);
		free(nsd);
		free(nm);
		return;
	}
	char ts[32];
	world_time_str(t->wall + 30, ts, sizeof(ts));
	json_t *copy = json_deep_copy(pod);
	world_set(copy, "metadata.deletionTimestamp", json_string(ts));
	world_set(copy, "metadata.deletionGracePeriodSeconds", json_integer(30));
	store_put(t->s, SIM_PODS, copy);
}

static void world_pod_name(struct wtick *t, const char *ns, const char *prefix, char *buf,
			   size_t len)
{
	size_t pl = strlen(prefix);
	if (pl + 6 > len)
		pl = len - 6; /* names are capped well below this by the API anyway */
	memcpy(buf, prefix, pl);
	do
		world_rand_suffix(t->w, buf + pl, 5);
	while (store_get(t->s, SIM_PODS, ns, buf));
}

/* Deletion order of surplus pods: unscheduled, not ready, then newest. */
static int world_victim_rank(const struct wpod_ref *r)
{
	if (!world_get_str(r->pod, "spec.nodeName"))
		return 0;
	return world_ref_ready(r) ? 2 : 1;
}

static void world_rs_reconcile(struct wtick *t, json_t *rs)
{
	const char *ns = sim_obj_namespace(rs), *name = sim_obj_name(rs);
	const char *uid = world_get_str(rs, "metadata.uid");
	json_int_t want = world_int(rs, "spec.replicas", 1);
	size_t n;
	struct wpod_ref *owned = world_owned(t, uid, &n);
	int active = 0, ready = 0;
	for (size_t i = 0; i < n; i++) {
		if (owned[i].gone || world_pod_deleting(owned[i].pod))
			continue;
		active++;
		ready += world_ref_ready(&owned[i]);
	}
	char *rsname = xstrdup(name), *rsns = xstrdup(ns);
	for (; active < want; active++) {
		char pname[256], prefix[256];
		snprintf(prefix, sizeof(prefix), "%s-", rsname);
		world_pod_name(t, rsns, prefix, pname, sizeof(pname));
		json_t *pod = world_make_pod(rsns, pname, prefix, world_get(rs, "spec.template"),
					     "apps/v1", "ReplicaSet", rsname, uid);
		world_create_pod(t, pod, "ReplicaSet", rsname);
		rs = store_get(t->s, SIM_REPLICASETS, rsns, rsname);
	}
	while (active > want) {
		struct wpod_ref *victim = NULL;
		for (size_t i = 0; i < n; i++) {
			struct wpod_ref *r = &owned[i];
			if (r->gone || world_pod_deleting(r->pod))
				continue;
			if (!victim || world_victim_rank(r) < world_victim_rank(victim) ||
			    (world_victim_rank(r) == world_victim_rank(victim) &&
			     strcmp(world_or(world_get_str(r->pod, "metadata.creationTimestamp"), ""),
				    world_or(world_get_str(victim->pod, "metadata.creationTimestamp"), "")) > 0))
				victim = r;
		}
		if (!victim)
			break;
		ready -= world_ref_ready(victim);
		world_delete_pod(t, victim->pod, "ReplicaSet", rsname);
		victim->gone = true;
		active--;
		rs = store_get(t->s, SIM_REPLICASETS, rsns, rsname);
	}
	free(rsname);
	free(rsns);
	json_t *st = json_pack("{s:i,s:i,s:i,s:i,s:I}", "replicas", active, "fullyLabeledReplicas",
			       active, "readyReplicas", ready, "availableReplicas", ready,
			       "observedGeneration", world_int(rs, "metadata.generation", 1));
	world_put_status(t, SIM_REPLICASETS, rs, st);
}

static void world_sts_reconcile(struct wtick *t, json_t *sts)
{
	const char *uid = world_get_str(sts, "metadata.uid");
	char *ns = xstrdup(sim_obj_namespace(sts)), *name = xstrdup(sim_obj_name(sts));
	json_int_t want = world_int(sts, "spec.replicas", 1);
	size_t n;
	struct wpod_ref *owned = world_owned(t, uid, &n);
	char hash[24], rev[300];
	world_hash_name(world_get(sts, "spec.template"), hash, sizeof(hash));
	snprintf(rev, sizeof(rev), "%s-%s", name, hash);
	/* Ordinals 0..want-1, created in order (OrderedReady), removed from the top. */
	int ready = 0, current = 0;
	bool blocked = false, deleting = false;
	for (size_t i = 0; i < n; i++)
		deleting |= !owned[i].gone && world_pod_deleting(owned[i].pod);
	for (json_int_t ord = 0; ord < want; ord++) {
		char pname[300];
		snprintf(pname, sizeof(pname), "%s-%lld", name, (long long)ord);
		const struct wpod_ref *have = NULL;
		for (size_t i = 0; i < n; i++)
			if (!owned[i].gone && !strcmp(sim_obj_name(owned[i].pod), pname))
				have = &owned[i];
		if (have) {
			current++;
			if (world_ref_ready(have))
				ready++;
			else
				blocked = true;
			continue;
		}
		if (blocked || (deleting && !t->w->instant) ||
		    store_get(t->s, SIM_PODS, ns, pname)) {
			blocked = true;
			continue;
		}
		json_t *pod = world_make_pod(ns, pname, NULL, world_get(sts, "spec.template"),
					     "apps/v1", "StatefulSet", name, uid);
		world_set(pod, "metadata.labels.controller-revision-hash", json_string(rev));
		json_object_set_new(world_get(pod, "metadata.labels"),
				    "statefulset.kubernetes.io/pod-name", json_string(pname));
		world_set(pod, "spec.hostname", json_string(pname));
		world_set(pod, "spec.subdomain",
			  json_string(world_or(world_get_str(sts, "spec.serviceName"), name)));
		world_create_pod(t, pod, "StatefulSet", name);
		sts = store_get(t->s, SIM_STATEFULSETS, ns, name);
		current++;
		if (!t->w->instant)
			blocked = true;
	}
	/* Scale down: the highest ordinal first, one at a time. */
	if (!deleting) {
		const struct wpod_ref *top = NULL;
		long top_ord = -1;
		for (size_t i = 0; i < n; i++) {
			const char *pn = sim_obj_name(owned[i].pod);
			const char *dash = strrchr(pn, '-');
			long ord = dash ? strtol(dash + 1, NULL, 10) : -1;
			if (!owned[i].gone && ord >= want && ord > top_ord) {
				top = &owned[i];
				top_ord = ord;
			}
		}
		if (top)
			world_delete_pod(t, top->pod, "StatefulSet", name);
		sts = store_get(t->s, SIM_STATEFULSETS, ns, name);
	}
	json_t *st = json_pack("{s:i,s:i,s:i,s:i,s:i,s:s,s:s,s:I,s:i}", "replicas", current,
			       "readyReplicas", ready, "currentReplicas", current,
			       "updatedReplicas", current, "availableReplicas", ready,
			       "currentRevision", rev, "updateRevision", rev, "observedGeneration",
			       world_int(sts, "metadata.generation", 1), "collisionCount", 0);
	world_put_status(t, SIM_STATEFULSETS, sts, st);
	free(ns);
	free(name);
}

/* Scales a replicaset's spec.replicas with the deployment controller's event. */
static void world_rs_scale(struct wtick *t, const json_t *rs, const char *dname,
			   json_int_t to, json_int_t desired)
{
	json_int_t from = world_int(rs, "spec.replicas", 0);
	char dr[24];
	snprintf(dr, sizeof(dr), "%lld", (long long)desired);
	const char *cur = world_annotation(rs, "deployment.kubernetes.io/desired-replicas");
	if (from == to && (!cur || !strcmp(cur, dr)))
		return;
	json_t *copy = json_deep_copy(rs);
	world_set(copy, "spec.replicas", json_integer(to));
	json_t *ann = world_get(copy, "metadata.annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		world_set(copy, "metadata.annotations", ann);
	}
	json_object_set_new(ann, "deployment.kubernetes.io/desired-replicas", json_string(dr));
	const char *ns = sim_obj_namespace(rs);
	char *m = xasprintf("Scaled %s replica set %s to %lld from %lld", to > from ? "up" : "down",
			    sim_obj_name(rs), (long long)to, (long long)from);
	char *nsd = xstrdup(ns);
	store_put(t->s, SIM_REPLICASETS, copy);
	if (from != to)
		world_event(t, nsd, "Deployment", dname, "Normal", "ScalingReplicaSet", m);
	free(nsd);
	free(m);
}

static void world_deploy_reconcile(struct wtick *t, json_t *d)
{
	char *ns = xstrdup(sim_obj_namespace(d)), *name = xstrdup(sim_obj_name(d));
	const char *uid = world_get_str(d, "metadata.uid");
	json_int_t want = world_int(d, "spec.replicas", 1);
	char hash[24], rsname[300];
	world_hash_name(world_get(d, "spec.template"), hash, sizeof(hash));
	snprintf(rsname, sizeof(rsname), "%s-%s", name, hash);
	json_t **all;
	size_t n = store_list(t->s, SIM_REPLICASETS, ns, &all);
	long maxrev = 0;
	for (size_t i = 0; i < n; i++) {
		const char *ou = world_owner(all[i], NULL, NULL);
		const char *rv = world_annotation(all[i], "deployment.kubernetes.io/revision");
		if (ou && uid && !strcmp(ou, uid) && rv && atol(rv) > maxrev)
			maxrev = atol(rv);
	}
	free(all);
	json_t *newrs = store_get(t->s, SIM_REPLICASETS, ns, rsname);
	if (!newrs) {
		json_t *tmpl = json_deep_copy(world_get(d, "spec.template"));
		world_set(tmpl, "metadata.labels.pod-template-hash", json_string(hash));
		json_t *sel = json_deep_copy(world_get(d, "spec.selector"));
		if (!json_is_object(sel))
			sel = json_object();
		json_t *ml = json_object_get(sel, "matchLabels");
		if (!json_is_object(ml)) {
			ml = json_object();
			json_object_set_new(sel, "matchLabels", ml);
		}
		json_object_set_new(ml, "pod-template-hash", json_string(hash));
		char rev[24], mr[24];
		snprintf(rev, sizeof(rev), "%ld", maxrev + 1);
		snprintf(mr, sizeof(mr), "%lld", (long long)want + (want + 3) / 4);
		json_t *labels = json_deep_copy(json_object_get(json_object_get(tmpl, "metadata"),
								"labels"));
		json_t *rs = json_pack(
			"{s:s,s:s,s:{s:s,s:s,s:o,s:{s:s,s:s,s:s},s:[{s:s,s:s,s:s,s:s,s:b,s:b}]},"
			"s:{s:i,s:o,s:o},s:{s:i}}",
			"apiVersion", "apps/v1", "kind", "ReplicaSet", "metadata", "name", rsname,
			"namespace", ns, "labels", labels ? labels : json_object(), "annotations",
			"deployment.kubernetes.io/desired-replicas", "0",
			"deployment.kubernetes.io/max-replicas", mr,
			"deployment.kubernetes.io/revision", rev, "ownerReferences", "apiVersion",
			"apps/v1", "kind", "Deployment", "name", name, "uid", uid ? uid : "",
			"controller", 1, "blockOwnerDeletion", 1, "spec", "replicas", 0, "selector",
			sel, "template", tmpl, "status", "replicas", 0);
		if (t->w->instant) {
			char ts[32];
			world_time_str(t->w->instant_time, ts, sizeof(ts));
			world_set(rs, "metadata.creationTimestamp", json_string(ts));
		}
		newrs = store_put(t->s, SIM_REPLICASETS, rs);
		d = store_get(t->s, SIM_DEPLOYMENTS, ns, name);
		uid = world_get_str(d, "metadata.uid");
	}
	const char *newrev = world_annotation(newrs, "deployment.kubernetes.io/revision");
	char *newrev_s = xstrdup(newrev ? newrev : "1");
	world_rs_scale(t, newrs, name, want, want);
	newrs = store_get(t->s, SIM_REPLICASETS, ns, rsname);
	json_int_t new_ready = world_int(newrs, "status.readyReplicas", 0);
	json_int_t new_have = world_int(newrs, "status.replicas", 0);
	/* Old replicasets keep serving until the new one is ready (surge, no unavailability). */
	json_int_t keep = want - new_ready > 0 ? want - new_ready : 0;
	json_int_t total = 0, ready = 0, avail = 0;
	n = store_list(t->s, SIM_REPLICASETS, ns, &all);
	char **names = xcalloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		const char *ou = world_owner(all[i], NULL, NULL);
		if (ou && uid && !strcmp(ou, uid))
			names[i] = xstrdup(sim_obj_name(all[i]));
	}
	free(all);
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		const json_t *rs = store_get(t->s, SIM_REPLICASETS, ns, names[i]);
		if (rs && strcmp(names[i], rsname)) {
			json_int_t cur = world_int(rs, "spec.replicas", 0);
			json_int_t to = cur < keep ? cur : keep;
			keep -= to;
			world_rs_scale(t, rs, name, to, want);
			rs = store_get(t->s, SIM_REPLICASETS, ns, names[i]);
		}
		total += world_int(rs, "status.replicas", 0);
		ready += world_int(rs, "status.readyReplicas", 0);
		avail += world_int(rs, "status.availableReplicas", 0);
		free(names[i]);
	}
	free(names);
	d = store_get(t->s, SIM_DEPLOYMENTS, ns, name);
	const char *cur_rev = world_annotation(d, "deployment.kubernetes.io/revision");
	if (!cur_rev || strcmp(cur_rev, newrev_s)) {
		json_t *copy = json_deep_copy(d);
		json_t *ann = world_get(copy, "metadata.annotations");
		if (!json_is_object(ann)) {
			ann = json_object();
			world_set(copy, "metadata.annotations", ann);
		}
		json_object_set_new(ann, "deployment.kubernetes.io/revision", json_string(newrev_s));
		d = store_put(t->s, SIM_DEPLOYMENTS, copy);
	}
	json_int_t max_unavail = want / 4;
	bool available = avail >= want - max_unavail;
	bool complete = new_have == want && new_ready == want && total == want;
	char *pmsg = xasprintf(complete ? "ReplicaSet \"%s\" has successfully progressed."
					: "ReplicaSet \"%s\" is progressing.",
			       rsname);
	const json_t *old = json_object_get(d, "status");
	json_t *conds = json_pack(
		"[o,o]",
		world_wl_cond(old, t, "Available", available,
			      available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
			      available ? "Deployment has minimum availability."
					: "Deployment does not have minimum availability.",
			      true),
		world_wl_cond(old, t, "Progressing", true,
			      complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", pmsg, true));
	free(pmsg);
	json_t *st = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "observedGeneration",
			       world_int(d, "metadata.generation", 1), "replicas", total,
			       "updatedReplicas", new_have, "readyReplicas", ready,
			       "availableReplicas", avail, "unavailableReplicas",
			       want - avail > 0 ? want - avail : 0, "conditions", conds);
	world_put_status(t, SIM_DEPLOYMENTS, d, st);
	free(newrev_s);
	free(ns);
	free(name);
}

/* kube-proxy runs on every node; there is no daemonsets resource, only its pods. */
static void world_kube_proxy(struct wtick *t)
{
	const char *uid = t->w->kube_proxy_uid;
	size_t n;
	struct wpod_ref *owned = world_owned(t, uid, &n);
	for (size_t i = 0; i < t->nnodes; i++) {
		const char *node = t->nodes[i].name;
		bool have = false;
		for (size_t k = 0; k < n && !have; k++) {
			const char *pn = world_get_str(owned[k].pod, "spec.nodeName");
			have = !owned[k].gone && !world_pod_deleting(owned[k].pod) && pn &&
			       !strcmp(pn, node);
		}
		if (have)
			continue;
		char pname[64];
		world_pod_name(t, "kube-system", "kube-proxy-", pname, sizeof(pname));
		json_t *tmpl = json_pack(
			"{s:{s:{s:s,s:s,s:s}},s:{s:[{s:s,s:s,s:[s,s],s:{s:{s:s}},s:{s:b}}],"
			"s:b,s:s,s:s,s:s,s:i}}",
			"metadata", "labels", "k8s-app", "kube-proxy", "controller-revision-hash",
			"6d8b5c7f9", "pod-template-generation", "1", "spec", "containers", "name",
			"kube-proxy", "image", "registry.k8s.io/kube-proxy:v1.29.3", "command",
			"kube-proxy", "--v=2", "resources", "requests", "cpu", "100m",
			"securityContext", "privileged", 1, "hostNetwork", 1, "priorityClassName",
			"system-node-critical", "restartPolicy", "Always", "dnsPolicy",
			"ClusterFirst", "terminationGracePeriodSeconds", 30);
		json_t *pod = world_make_pod("kube-system", pname, "kube-proxy-", tmpl, "apps/v1",
					     "DaemonSet", "kube-proxy", uid);
		json_decref(tmpl);
		world_set(pod, "spec.nodeName", json_string(node));
		world_create_pod(t, pod, "DaemonSet", "kube-proxy");
	}
}

static bool world_labels_match(const json_t *sel, const json_t *labels)
{
	const char *k;
	json_t *v;
	if (!json_object_size(sel))
		return false;
	json_object_foreach((json_t *)sel, k, v) {
		const char *have = json_string_value(json_object_get(labels, k));
		if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
			return false;
	}
	return true;
}

/* Endpoints of every service with a selector, and PDB health counts. */
static void world_endpoints(struct wtick *t)
{
	json_t **svcs;
	size_t ns_ = store_list(t->s, SIM_SERVICES, NULL, &svcs);
	for (size_t i = 0; i < ns_; i++) {
		const json_t *sel = world_get(svcs[i], "spec.selector");
		if (!json_object_size(sel))
			continue;
		const char *ns = sim_obj_namespace(svcs[i]);
		json_t *ready = json_array(), *notready = json_array();
		for (size_t k = 0; k < t->npods; k++) {
			struct wpod_ref *r = &t->pods[k];
			if (r->gone || !r->rt || !r->rt->ip[0] || strcmp(sim_obj_namespace(r->pod), ns) ||
			    !world_labels_match(sel, world_get(r->pod, "metadata.labels")))
				continue;
			json_t *a = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "ip", r->rt->ip,
					      "nodeName", world_or(world_get_str(r->pod, "spec.nodeName"), ""),
					      "targetRef", "kind", "Pod", "namespace", ns, "name",
					      sim_obj_name(r->pod), "uid",
					      world_or(world_get_str(r->pod, "metadata.uid"), ""));
			json_array_append_new(world_ref_ready(r) ? ready : notready, a);
		}
		json_t *ports = json_array();
		size_t pi;
		json_t *p;
		json_array_foreach(world_get(svcs[i], "spec.ports"), pi, p) {
			json_array_append_new(ports, json_pack("{s:O*,s:O*,s:O*}", "name",
							       json_object_get(p, "name"), "port",
							       json_object_get(p, "targetPort"),
							       "protocol", json_object_get(p, "protocol")));
		}
		json_t *subset = json_object();
		if (json_array_size(ready))
			json_object_set_new(subset, "addresses", ready);
		else
			json_decref(ready);
		if (json_array_size(notready))
			json_object_set_new(subset, "notReadyAddresses", notready);
		else
			json_decref(notready);
		json_object_set_new(subset, "ports", ports);
		json_t *subsets = json_object_size(subset) > 1 ? json_pack("[o]", subset)
							       : (json_decref(subset), json_array());
		const json_t *old = store_get(t->s, SIM_ENDPOINTS, ns, sim_obj_name(svcs[i]));
		if (old && json_equal(json_object_get(old, "subsets"), subsets)) {
			json_decref(subsets);
			continue;
		}
		json_t *ep = old ? json_deep_copy(old)
				 : json_pack("{s:s,s:s,s:{s:s,s:s,s:O*}}", "apiVersion", "v1",
					     "kind", "Endpoints", "metadata", "name",
					     sim_obj_name(svcs[i]), "namespace", ns, "labels",
					     world_get(svcs[i], "metadata.labels"));
		json_object_set_new(ep, "subsets", subsets);
		store_put(t->s, SIM_ENDPOINTS, ep);
	}
	free(svcs);

	json_t **pdbs;
	size_t np = store_list(t->s, SIM_PDBS, NULL, &pdbs);
	for (size_t i = 0; i < np; i++) {
		const json_t *sel = world_get(pdbs[i], "spec.selector.matchLabels");
		const char *ns = sim_obj_namespace(pdbs[i]);
		int expected = 0, healthy = 0;
		for (size_t k = 0; k < t->npods; k++) {
			struct wpod_ref *r = &t->pods[k];
			if (r->gone || strcmp(sim_obj_namespace(r->pod), ns) ||
			    world_pod_deleting(r->pod) ||
			    !world_labels_match(sel, world_get(r->pod, "metadata.labels")))
				continue;
			expected++;
			healthy += world_ref_ready(r);
		}
		json_int_t min = world_int(pdbs[i], "spec.minAvailable", 1);
		int allowed = healthy - (int)min > 0 ? healthy - (int)min : 0;
		const json_t *old = json_object_get(pdbs[i], "status");
		json_t *st = json_pack(
			"{s:i,s:i,s:I,s:i,s:I,s:[o]}", "currentHealthy", healthy, "desiredHealthy",
			(json_int_t)min, "disruptionsAllowed", allowed, "expectedPods", expected,
			"observedGeneration", world_int(pdbs[i], "metadata.generation", 1),
			"conditions",
			world_wl_cond(old, t, "DisruptionAllowed", allowed > 0,
				      allowed > 0 ? "SufficientPods" : "InsufficientPods", "", false));
		world_put_status(t, SIM_PDBS, pdbs[i], st);
	}
	free(pdbs);
}

void world_workloads_reconcile(struct wtick *t)
{
	static const enum sim_res order[] = {SIM_REPLICASETS, SIM_STATEFULSETS, SIM_DEPLOYMENTS};
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		json_t **objs;
		size_t n = store_list(t->s, order[o], NULL, &objs);
		/* Keep the objects alive: reconciling replaces them in the store. */
		for (size_t i = 0; i < n; i++)
			json_incref(objs[i]);
		for (size_t i = 0; i < n; i++) {
			if (order[o] == SIM_REPLICASETS)
				world_rs_reconcile(t, objs[i]);
			else if (order[o] == SIM_STATEFULSETS)
				world_sts_reconcile(t, objs[i]);
			else
				world_deploy_reconcile(t, objs[i]);
		}
		for (size_t i = 0; i < n; i++)
			json_decref(objs[i]);
		free(objs);
	}
	if (t->w->daemonsets)
		world_kube_proxy(t);
	if (!t->w->synthetic)
		world_endpoints(t);
}
