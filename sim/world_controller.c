/* sim/world_controller: one reconcile pass of the fake control plane: kubelets (pod
 * lifecycle), scheduler, replicaset/statefulset/deployment controllers, a kube-proxy
 * "daemonset", endpoints and PDB status.  Called with the store lock held.
 *
 * Statuses are recomputed from scratch and written only when they differ from what is
 * stored, so a quiet cluster emits no watch events. */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

double world_delay(struct wtick *t, double lo, double hi)
{
	if (t->w->instant)
		return t->now;
	return t->now + lo + (hi - lo) * world_randf(t->w);
}

void world_event(struct wtick *t, const char *ns, const char *kind, const char *name,
			const char *type, const char *reason, const char *message)
{
	if (!t->w->instant)
		world_record_event(t->w, ns, kind, name, type, reason, message);
}

/* Nodes come sorted by name from store_list: binary search (1,000-node clusters). */
static struct wnode *world_node_find(struct wtick *t, const char *name)
{
	size_t lo = 0, hi = t->nnodes;
	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->nodes[mid].name, name);
		if (!c)
			return &t->nodes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool world_node_is_ready(const json_t *node)
{
	size_t i;
	json_t *c;
	json_array_foreach(world_get(node, "status.conditions"), i, c) {
		const char *ty = json_string_value(json_object_get(c, "type"));
		const char *st = json_string_value(json_object_get(c, "status"));
		if (ty && !strcmp(ty, "Ready"))
			return st && !strcmp(st, "True");
	}
	return false;
}

const char *world_owner(const json_t *obj, const char **kind, const char **name)
{
	json_t *ref = json_array_get(world_get(obj, "metadata.ownerReferences"), 0);
	if (kind)
		*kind = json_string_value(json_object_get(ref, "kind"));
	if (name)
		*name = json_string_value(json_object_get(ref, "name"));
	return json_string_value(json_object_get(ref, "uid"));
}

static int world_ref_cmp(const void *a, const void *b)
{
	const struct wpod_ref *x = a, *y = b;
	return strcmp(x->owner_uid, y->owner_uid);
}

/* The pods owned by uid: a range of the sorted index. */
struct wpod_ref *world_owned(struct wtick *t, const char *uid, size_t *n)
{
	size_t lo = 0, hi = t->npods;
	*n = 0;
	if (!uid)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(t->pods[mid].owner_uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t e = lo;
	while (e < t->npods && !strcmp(t->pods[e].owner_uid, uid))
		e++;
	*n = e - lo;
	return &t->pods[lo];
}

bool world_pod_deleting(const json_t *pod)
{
	return world_get(pod, "metadata.deletionTimestamp") != NULL;
}

bool world_ref_ready(const struct wpod_ref *r)
{
	return !r->gone && r->rt && r->rt->stage == WS_RUNNING && r->rt->ready &&
	       !world_pod_deleting(r->pod);
}

/* ---- kubelet and scheduler ---- */

static void world_pod_write(struct wtick *t, struct wpod_ref *r, json_t *copy)
{
	r->pod = store_put(t->s, SIM_PODS, copy);
}

static void world_assign_ip(struct sim_world *w, struct world_pod *rt)
{
	snprintf(rt->ip, sizeof(rt->ip), "100.96.%u.%u", world_rand(w) % 250 + 1,
		 world_rand(w) % 253 + 2);
}

static void world_container_started(struct wtick *t, struct wpod_ref *r, bool pulled)
{
	struct world_pod *rt = r->rt;
	const char *ns = rt->ns, *name = rt->name;
	json_t *c;
	size_t i;
	json_array_foreach(world_get(r->pod, "spec.containers"), i, c) {
		const char *cn = json_string_value(json_object_get(c, "name"));
		const char *img = json_string_value(json_object_get(c, "image"));
		char *m;
		if (pulled) {
			m = xasprintf("Container image \"%s\" already present on machine",
				      img ? img : "");
			world_event(t, ns, "Pod", name, "Normal", "Pulled", m);
		} else {
			m = xasprintf("Pulling image \"%s\"", img ? img : "");
			world_event(t, ns, "Pod", name, "Normal", "Pulling", m);
			free(m);
			m = xasprintf("Successfully pulled image \"%s\" in 1.2s (1.2s including "
				      "waiting)",
				      img ? img : "");
			world_event(t, ns, "Pod", name, "Normal", "Pulled", m);
		}
		free(m);
		m = xasprintf("Created container %s", cn ? cn : "");
		world_event(t, ns, "Pod", name, "Normal", "Created", m);
		free(m);
		m = xasprintf("Started container %s", cn ? cn : "");
		world_event(t, ns, "Pod", name, "Normal", "Started", m);
		free(m);
		if (pulled)
			break; /* a crashloop restarts only the main container */
	}
	rt->stage = WS_RUNNING;
	rt->ready = false;
	rt->t_started = t->wall;
	rt->t_ready_change = t->wall;
	if (!rt->ip[0])
		world_assign_ip(t->w, rt);
	world_loggen_start(t->w, r->pod, rt);
}

static const char *world_main_image(const json_t *pod)
{
	return json_string_value(json_object_get(json_array_get(world_get(pod, "spec.containers"),
								0),
						 "image"));
}

/* Picks the Ready, schedulable node with the fewest pods; NULL with a scheduler message. */
static struct wnode *world_schedule(struct wtick *t, char *msg, size_t len)
{
	struct wnode *best = NULL;
	int unsched = 0, notready = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct wnode *n = &t->nodes[i];
		if (!n->ready)
			notready++;
		else if (!n->schedulable)
			unsched++;
		else if (!best || n->pods < best->pods)
			best = n;
	}
	if (!best) {
		int k = snprintf(msg, len, "0/%zu nodes are available:", t->nnodes);
		if (notready && k > 0 && (size_t)k < len)
			k += snprintf(msg + k, len - (size_t)k,
				      " %d node(s) had untolerated taint "
				      "{node.kubernetes.io/unreachable: }%s",
				      notready, unsched ? "," : ".");
		if (unsched && k > 0 && (size_t)k < len)
			snprintf(msg + k, len - (size_t)k, " %d node(s) were unschedulable.",
				 unsched);
		if (!t->nnodes)
			snprintf(msg, len, "no nodes available to schedule pods");
	}
	return best;
}

/* Advances one pod's lifecycle; returns false when the pod was removed. */
static bool world_kubelet_step(struct wtick *t, struct wpod_ref *r, char *sched_msg, size_t len)
{
	struct sim_world *w = t->w;
	struct world_pod *rt = r->rt;
	const json_t *pod = r->pod;
	const char *node_name = world_get_str(pod, "spec.nodeName");
	struct wnode *node = world_node_find(t, node_name);
	struct world_wl *wl = world_pod_workload(w, pod, NULL);
	bool due = t->now >= rt->t_next;
	const char *bound = NULL; /* node chosen by the scheduler in this step */

	if (world_pod_deleting(pod)) {
		if (node && !node->ready)
			return true; /* nobody to confirm the kill: stays until force-deleted */
		if (!rt->deleting_seen) {
			json_int_t grace = json_integer_value(
				world_get(pod, "metadata.deletionGracePeriodSeconds"));
			rt->deleting_seen = true;
			rt->t_next = t->now + (grace < 1 ? (double)grace : 1.0);
			if (node) {
				const char *cn = json_string_value(json_object_get(
					json_array_get(world_get(pod, "spec.containers"), 0),
					"name"));
				char *m = xasprintf("Stopping container %s", cn ? cn : "");
				world_event(t, rt->ns, "Pod", rt->name, "Normal", "Killing", m);
				free(m);
			}
		}
		if (node && t->now < rt->t_next && !w->instant)
			return true;
		logs_forget_pod(w->sim->logs, rt->ns, rt->name);
		store_delete(t->s, SIM_PODS, rt->ns, rt->name);
		world_pod_rt_drop(w, rt);
		r->rt = NULL;
		r->gone = true;
		return false;
	}
	if (node && !node->ready)
		return true; /* kubelet unreachable: status frozen */
	for (int guard = 0; guard < 6 && (due || w->instant); guard++) {
		enum world_stage before = rt->stage;
		switch (rt->stage) {
		case WS_PENDING:
			if (node) {
				rt->stage = WS_CREATING;
				rt->t_sched = t->wall;
				rt->t_next = world_delay(t, 0.4, 1.0);
				break;
			}
			if (wl && wl->pending) {
				snprintf(sched_msg, len,
					 "0/%zu nodes are available: %zu Insufficient memory. "
					 "preemption: 0/%zu nodes are available: %zu No preemption "
					 "victims found for incoming pod.",
					 t->nnodes, t->nnodes, t->nnodes, t->nnodes);
			} else {
				node = world_schedule(t, sched_msg, len);
			}
			if (!node) {
				if (!rt->t_sched)
					rt->t_sched = t->wall;
				world_event(t, rt->ns, "Pod", rt->name, "Warning",
					    "FailedScheduling", sched_msg);
				rt->t_next = t->now + 5;
				break;
			}
			sched_msg[0] = '\0';
			node->pods++;
			bound = node->name;
			char *m = xasprintf("Successfully assigned %s/%s to %s", rt->ns, rt->name,
					    node->name);
			world_event(t, rt->ns, "Pod", rt->name, "Normal", "Scheduled", m);
			free(m);
			rt->stage = WS_CREATING;
			rt->t_sched = t->wall;
			rt->t_next = world_delay(t, 0.4, 1.0);
			break;
		case WS_CREATING:
		case WS_PULL_ERR: {
			const char *img = world_main_image(pod);
			if (wl && wl->bad_image && img && !strcmp(img, wl->bad_image)) {
				char *msg;
				if (rt->stage == WS_CREATING) {
					msg = xasprintf("Pulling image \"%s\"", img);
					world_event(t, rt->ns, "Pod", rt->name, "Normal",
						    "Pulling", msg);
					free(msg);
				}
				rt->pull_backoff = rt->stage == WS_PULL_ERR && !rt->pull_backoff;
				rt->stage = WS_PULL_ERR;
				if (rt->pull_backoff) {
					msg = xasprintf("Back-off pulling image \"%s\"", img);
					world_event(t, rt->ns, "Pod", rt->name, "Normal", "BackOff",
						    msg);
				} else {
					msg = xasprintf("Failed to pull image \"%s\": rpc error: "
							"code = NotFound desc = failed to pull and "
							"unpack image \"%s\": not found",
							img, img);
					world_event(t, rt->ns, "Pod", rt->name, "Warning",
						    "Failed", msg);
					world_event(t, rt->ns, "Pod", rt->name, "Warning",
						    "Failed", "Error: ErrImagePull");
				}
				free(msg);
				rt->t_next = t->now + (w->instant ? 0 : 3 + 2 * world_randf(w));
				goto done; /* no instant progress past a pull error */
			}
			world_container_started(t, r, false);
			rt->t_next = world_delay(t, 0.5, 1.5);
			break;
		}
		case WS_RUNNING:
			if (wl && wl->crash_message && !w->instant) {
				/* The process dies shortly after each start. */
				rt->term_started = rt->t_started;
				rt->term_finished = t->wall;
				free(rt->term_message);
				rt->term_message = xstrdup(wl->crash_message);
				rt->stage = WS_CRASH_WAIT;
				rt->ready = false;
				rt->t_ready_change = t->wall;
				const char *cn = json_string_value(json_object_get(
					json_array_get(world_get(pod, "spec.containers"), 0),
					"name"));
				logs_append(w->sim->logs, rt->ns, rt->name, cn, NULL,
					    wl->crash_message, strlen(wl->crash_message));
				char *msg = xasprintf("Back-off restarting failed container %s in "
						      "pod %s_%s(%s)",
						      cn ? cn : "", rt->name, rt->ns, rt->uid);
				world_event(t, rt->ns, "Pod", rt->name, "Warning", "BackOff", msg);
				free(msg);
				rt->t_next = t->now + 2 + world_randf(w);
			} else if (wl && wl->unavailable && !w->instant) {
				if (rt->ready) {
					rt->ready = false;
					rt->t_ready_change = t->wall;
				}
				world_event(t, rt->ns, "Pod", rt->name, "Warning", "Unhealthy",
					    "Readiness probe failed: HTTP probe failed with "
					    "statuscode: 503");
				rt->t_next = t->now + 5;
			} else if (!rt->ready) {
				rt->ready = true;
				rt->t_ready_change = t->wall;
				rt->t_next = 0;
			} else {
				rt->t_next = 0;
			}
			goto done;
		case WS_CRASH_WAIT: {
			const char *cn = json_string_value(json_object_get(
				json_array_get(world_get(pod, "spec.containers"), 0), "name"));
			rt->restarts++;
			logs_restart(w->sim->logs, rt->ns, rt->name, cn);
			world_container_started(t, r, true);
			rt->t_next = world_delay(t, 1.0, 2.0);
			break;
		}
		case WS_SUCCEEDED:
			rt->t_next = 0;
			goto done;
		}
		due = t->now >= rt->t_next;
		if (before == rt->stage && !due)
			break;
	}
done:
	/* Faults that start while nothing is due still show at once. */
	if (rt->stage == WS_RUNNING && wl && (wl->crash_message || wl->unavailable) &&
	    !w->instant && rt->ready) {
		rt->ready = false;
		rt->t_ready_change = t->wall;
		rt->t_next = t->now;
	}
	json_t *st = world_pod_status(w, r->pod, rt, node ? node->obj : NULL,
				      rt->stage == WS_PENDING ? sched_msg : NULL);
	if (bound || !json_equal(st, json_object_get(r->pod, "status"))) {
		json_t *copy = json_deep_copy(r->pod);
		json_object_set_new(copy, "status", st);
		if (bound)
			world_set(copy, "spec.nodeName", json_string(bound));
		world_pod_write(t, r, copy);
	} else {
		json_decref(st);
	}
	return true;
}

/* ---- the pass ---- */

static void world_tick_load(struct wtick *t)
{
	json_t **objs;
	size_t n = store_list(t->s, SIM_NODES, NULL, &objs);
	t->nodes = xcalloc(n ? n : 1, sizeof(*t->nodes));
	t->nnodes = n;
	for (size_t i = 0; i < n; i++) {
		struct wnode *nd = &t->nodes[i];
		nd->obj = objs[i];
		nd->held = json_incref(objs[i]);
		nd->name = sim_obj_name(objs[i]);
		nd->ready = world_node_is_ready(objs[i]);
		nd->schedulable = !json_is_true(world_get(objs[i], "spec.unschedulable"));
	}
	free(objs);
	n = store_list(t->s, SIM_PODS, NULL, &objs);
	t->pods = xcalloc(n ? n : 1, sizeof(*t->pods));
	t->npods = n;
	for (size_t i = 0; i < n; i++) {
		struct wpod_ref *r = &t->pods[i];
		const char *uid = world_owner(objs[i], NULL, NULL);
		r->owner_uid = uid ? uid : "";
		r->pod = objs[i];
		r->held = json_incref(objs[i]);
		r->rt = world_pod_rt(t->w, sim_obj_namespace(objs[i]), sim_obj_name(objs[i]),
				     world_get_str(objs[i], "metadata.uid"), true);
		r->rt->gen = t->w->gen;
		struct wnode *nd = world_node_find(t, world_get_str(objs[i], "spec.nodeName"));
		if (nd)
			nd->pods++;
	}
	free(objs);
	qsort(t->pods, t->npods, sizeof(*t->pods), world_ref_cmp);
}

/* Forgets runtimes of pods that vanished (force-deleted through the API). */
static void world_tick_sweep(struct sim_world *w)
{
	for (size_t b = 0; b < w->npod_buckets; b++) {
		struct world_pod *p = w->pods[b], *n;
		for (; p; p = n) {
			n = p->next;
			if (p->gen != w->gen) {
				logs_forget_pod(w->sim->logs, p->ns, p->name);
				world_pod_rt_drop(w, p);
			}
		}
	}
}

void world_reconcile(struct sim_world *w, double now)
{
	struct sim_store *s = w->sim->store;
	if (!w->instant && store_rv(s) == w->last_rv && now < w->next_due)
		return;
	/* Remember the rv before our own writes: a pass that changed something is followed
	 * by another, until one changes nothing. */
	uint64_t rv_start = store_rv(s);
	struct wtick t = {.w = w, .s = s, .now = now};
	t.wall = w->instant ? w->instant_time : time(NULL);
	w->gen++;
	world_tick_load(&t);
	world_tick_sweep(w);
	w->next_due = now + 10;
	char msg[512];
	for (size_t i = 0; i < t.npods; i++) {
		struct wpod_ref *r = &t.pods[i];
		msg[0] = '\0';
		if (world_kubelet_step(&t, r, msg, sizeof(msg)) && r->rt && r->rt->t_next > 0 &&
		    r->rt->t_next < w->next_due)
			w->next_due = r->rt->t_next;
	}
	world_workloads_reconcile(&t);
	/* The tick's index points into the objects as loaded; writers replaced some of them
	 * in the store meanwhile, so the references held since loading are dropped only now. */
	for (size_t i = 0; i < t.nnodes; i++)
		json_decref(t.nodes[i].held);
	for (size_t i = 0; i < t.npods; i++)
		json_decref(t.pods[i].held);
	free(t.nodes);
	free(t.pods);
	w->last_rv = rv_start;
}
