/* sim/world_objects: JSON factories for the simulated cluster's objects, shaped like what a
 * v1.29 cluster on AWS returns (field names and conventions from the Kubernetes API
 * reference), and the pod status the fake kubelet reports. */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

json_t *world_make_namespace(const char *name, time_t created)
{
	char ts[32];
	world_time_str(created, ts, sizeof(ts));
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:{s:[s]},s:{s:s}}", "apiVersion", "v1",
			 "kind", "Namespace", "metadata", "name", name, "creationTimestamp", ts,
			 "labels", "kubernetes.io/metadata.name", name, "spec", "finalizers",
			 "kubernetes", "status", "phase", "Active");
}

static json_t *world_node_cond(const char *type, const char *status, const char *reason,
			       const char *message, const char *ts)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status,
			 "lastHeartbeatTime", ts, "lastTransitionTime", ts, "reason", reason,
			 "message", message);
}

json_t *world_make_node(struct sim_world *w, const char *name, const char *ip, int index,
			const char *role, time_t created)
{
	static const char *const zones[] = {"eu-west-1a", "eu-west-1b", "eu-west-1c"};
	const char *zone = zones[index % 3];
	char ts[32], cidr[32], provider[96], boot[40], mid[40];
	world_time_str(created, ts, sizeof(ts));
	snprintf(cidr, sizeof(cidr), "100.96.%d.0/24", index % 250);
	snprintf(provider, sizeof(provider), "aws:///%s/i-0%08x%08x", zone, world_rand(w),
		 world_rand(w));
	snprintf(boot, sizeof(boot), "%08x-%04x-%04x-%04x-%08x%04x", world_rand(w),
		 world_rand(w) & 0xffff, world_rand(w) & 0xffff, world_rand(w) & 0xffff,
		 world_rand(w), world_rand(w) & 0xffff);
	snprintf(mid, sizeof(mid), "ec2%08x%08x%08x%05x", world_rand(w), world_rand(w),
		 world_rand(w), world_rand(w) & 0xfffff);
	char *role_label = xasprintf("node-role.kubernetes.io/%s", role);
	json_t *labels = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "beta.kubernetes.io/arch",
		"amd64", "beta.kubernetes.io/instance-type", "m5.xlarge", "beta.kubernetes.io/os",
		"linux", "failure-domain.beta.kubernetes.io/region", "eu-west-1",
		"failure-domain.beta.kubernetes.io/zone", zone, "kubernetes.io/arch", "amd64",
		"kubernetes.io/hostname", name, "kubernetes.io/os", "linux",
		"node.kubernetes.io/instance-type", "m5.xlarge", "topology.kubernetes.io/region",
		"eu-west-1", "topology.kubernetes.io/zone", zone, role_label, "");
	free(role_label);
	json_t *conds = json_pack(
		"[o,o,o,o]",
		world_node_cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
				"kubelet has sufficient memory available", ts),
		world_node_cond("DiskPressure", "False", "KubeletHasNoDiskPressure",
				"kubelet has no disk pressure", ts),
		world_node_cond("PIDPressure", "False", "KubeletHasSufficientPID",
				"kubelet has sufficient PID available", ts),
		world_node_cond("Ready", "True", "KubeletReady", "kubelet is posting ready status",
				ts));
	json_t *res = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "cpu", "4", "ephemeral-storage",
				"125753328Ki", "hugepages-1Gi", "0", "hugepages-2Mi", "0",
				"memory", "15834036Ki", "pods", "110");
	json_t *alloc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "cpu", "3920m",
				  "ephemeral-storage", "114820139236", "hugepages-1Gi", "0",
				  "hugepages-2Mi", "0", "memory", "14817204Ki", "pods", "110");
	json_t *addrs = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "type", "InternalIP",
				  "address", ip, "type", "Hostname", "address", name, "type",
				  "InternalDNS", "address", name);
	json_t *info = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "architecture", "amd64", "bootID",
		boot, "containerRuntimeVersion", "containerd://1.7.11", "kernelVersion",
		"5.10.210-201.852.amzn2.x86_64", "kubeProxyVersion", "v1.29.3", "kubeletVersion",
		"v1.29.3", "machineID", mid, "operatingSystem", "linux", "osImage",
		"Amazon Linux 2", "systemUUID", mid);
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:o,s:{s:s,s:s}},s:{s:s,s:[s],s:s},"
			 "s:{s:o,s:o,s:o,s:o,s:{s:{s:i}},s:o,s:[]}}",
			 "apiVersion", "v1", "kind", "Node", "metadata", "name", name,
			 "creationTimestamp", ts, "labels", labels, "annotations",
			 "node.alpha.kubernetes.io/ttl", "0",
			 "volumes.kubernetes.io/controller-managed-attach-detach", "true", "spec",
			 "podCIDR", cidr, "podCIDRs", cidr, "providerID", provider, "status",
			 "capacity", res, "allocatable", alloc, "conditions", conds, "addresses",
			 addrs, "daemonEndpoints", "kubeletEndpoint", "Port", 10250, "nodeInfo",
			 info, "images");
}

/* One container spec with the fields a real API server defaults. */
static json_t *world_container(const char *name, const char *image, int port)
{
	json_t *c = json_pack("{s:s,s:s,s:s,s:{s:{s:s,s:s},s:{s:s}},s:s,s:s}", "name", name,
			      "image", image, "imagePullPolicy", "IfNotPresent", "resources",
			      "requests", "cpu", "100m", "memory", "256Mi", "limits", "memory",
			      "512Mi", "terminationMessagePath", "/dev/termination-log",
			      "terminationMessagePolicy", "File");
	if (port > 0)
		json_object_set_new(c, "ports", json_pack("[{s:i,s:s}]", "containerPort", port,
							  "protocol", "TCP"));
	return c;
}

json_t *world_make_workload(const char *kind, const char *ns, const char *name, int replicas,
			    const char *image, const json_t *containers, const json_t *labels,
			    time_t created)
{
	char ts[32];
	world_time_str(created, ts, sizeof(ts));
	json_t *lab = labels ? json_deep_copy(labels) : json_object();
	if (!json_object_get(lab, "app"))
		json_object_set_new(lab, "app", json_string(name));
	json_t *ctrs = json_array();
	if (json_array_size(containers)) {
		size_t i;
		json_t *c;
		json_array_foreach(containers, i, c) {
			const char *cn = json_string_value(json_object_get(c, "name"));
			const char *ci = json_string_value(json_object_get(c, "image"));
			json_int_t port = json_integer_value(json_object_get(c, "port"));
			json_array_append_new(ctrs, world_container(cn ? cn : name,
								    ci ? ci : image, (int)port));
		}
	} else {
		json_array_append_new(ctrs, world_container(name, image, 8080));
	}
	json_t *sel = json_pack("{s:s}", "app", json_string_value(json_object_get(lab, "app")));
	json_t *tmpl = json_pack(
		"{s:{s:O},s:{s:o,s:s,s:s,s:s,s:i,s:s,s:s,s:{}}}", "metadata", "labels", lab,
		"spec", "containers", ctrs, "restartPolicy", "Always", "dnsPolicy", "ClusterFirst",
		"schedulerName", "default-scheduler", "terminationGracePeriodSeconds", 30,
		"serviceAccountName", "default", "serviceAccount", "default", "securityContext");
	json_t *spec = json_pack("{s:i,s:{s:o},s:o,s:i}", "replicas", replicas, "selector",
				 "matchLabels", sel, "template", tmpl, "revisionHistoryLimit", 10);
	bool sts = !strcmp(kind, "StatefulSet");
	if (sts) {
		json_object_set_new(spec, "serviceName", json_string(name));
		json_object_set_new(spec, "podManagementPolicy", json_string("OrderedReady"));
		json_object_set_new(spec, "updateStrategy",
				    json_pack("{s:s,s:{s:i}}", "type", "RollingUpdate",
					      "rollingUpdate", "partition", 0));
	} else {
		json_object_set_new(spec, "progressDeadlineSeconds", json_integer(600));
		json_object_set_new(spec, "strategy",
				    json_pack("{s:s,s:{s:s,s:s}}", "type", "RollingUpdate",
					      "rollingUpdate", "maxSurge", "25%", "maxUnavailable",
					      "25%"));
	}
	json_t *o = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:o},s:o,s:{}}", "apiVersion", "apps/v1",
			      "kind", kind, "metadata", "name", name, "namespace", ns,
			      "creationTimestamp", ts, "labels", lab, "spec", spec, "status");
	return o;
}

json_t *world_make_service(const char *ns, const char *name, const json_t *selector, int port,
			   const char *cluster_ip, time_t created)
{
	char ts[32];
	world_time_str(created, ts, sizeof(ts));
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:{s:s}},s:{s:s,s:s,s:[s],s:O*,s:[{s:s,s:s,"
			 "s:i,s:i}],s:s,s:[s],s:s},s:{s:{}}}",
			 "apiVersion", "v1", "kind", "Service", "metadata", "name", name,
			 "namespace", ns, "creationTimestamp", ts, "labels", "app", name, "spec",
			 "type", "ClusterIP", "clusterIP", cluster_ip, "clusterIPs", cluster_ip,
			 "selector", selector, "ports", "name", "http", "protocol", "TCP", "port",
			 port, "targetPort", port, "sessionAffinity", "None", "ipFamilies", "IPv4",
			 "ipFamilyPolicy", "SingleStack", "status", "loadBalancer");
}

json_t *world_make_pod(const char *ns, const char *name, const char *generate_name,
		       const json_t *template, const char *owner_api, const char *owner_kind,
		       const char *owner_name, const char *owner_uid)
{
	json_t *meta = json_deep_copy(json_object_get(template, "metadata"));
	if (!json_is_object(meta))
		meta = json_object();
	json_object_set_new(meta, "name", json_string(name));
	if (generate_name)
		json_object_set_new(meta, "generateName", json_string(generate_name));
	json_object_set_new(meta, "namespace", json_string(ns));
	json_object_del(meta, "creationTimestamp");
	if (owner_kind)
		json_object_set_new(meta, "ownerReferences",
				    json_pack("[{s:s,s:s,s:s,s:s,s:b,s:b}]", "apiVersion",
					      owner_api, "kind", owner_kind, "name", owner_name,
					      "uid", owner_uid ? owner_uid : "", "controller", 1,
					      "blockOwnerDeletion", 1));
	json_t *spec = json_deep_copy(json_object_get(template, "spec"));
	if (!json_is_object(spec))
		spec = json_object();
	if (!json_object_get(spec, "tolerations"))
		json_object_set_new(
			spec, "tolerations",
			json_pack("[{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i}]", "effect", "NoExecute",
				  "key", "node.kubernetes.io/not-ready", "operator", "Exists",
				  "tolerationSeconds", 300, "effect", "NoExecute", "key",
				  "node.kubernetes.io/unreachable", "operator", "Exists",
				  "tolerationSeconds", 300));
	if (!json_object_get(spec, "enableServiceLinks"))
		json_object_set_new(spec, "enableServiceLinks", json_true());
	json_object_set_new(spec, "preemptionPolicy", json_string("PreemptLowerPriority"));
	json_object_set_new(spec, "priority", json_integer(0));
	return json_pack("{s:s,s:s,s:o,s:o,s:{s:s,s:s}}", "apiVersion", "v1", "kind", "Pod",
			 "metadata", meta, "spec", spec, "status", "phase", "Pending", "qosClass",
			 "Burstable");
}

static json_t *world_pod_cond(const char *type, bool ok, time_t t, const char *reason,
			      const char *message)
{
	char ts[32];
	world_time_str(t, ts, sizeof(ts));
	json_t *c = json_pack("{s:s,s:s,s:n,s:s}", "type", type, "status", ok ? "True" : "False",
			      "lastProbeTime", "lastTransitionTime", ts);
	if (reason)
		json_object_set_new(c, "reason", json_string(reason));
	if (message)
		json_object_set_new(c, "message", json_string(message));
	return c;
}

/* A stable fake digest/id derived from a string, so repeated status computations of the
 * same container give the same ids (no spurious MODIFIED events). */
static void world_fake_hex(const char *a, const char *b, int n, char *out, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(unsigned)n;
	size_t o = 0;
	while (o + 16 < len && o < 64) {
		for (const char *p = a; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		for (const char *p = b; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h ^= o;
		snprintf(out + o, len - o, "%016llx", (unsigned long long)h);
		o += 16;
	}
}

static json_t *world_ctr_status(const json_t *ctr, const struct world_pod *rt,
				const char *uid, bool main_ctr)
{
	const char *name = json_string_value(json_object_get(ctr, "name"));
	const char *image = json_string_value(json_object_get(ctr, "image"));
	name = name ? name : "";
	image = image ? image : "";
	char hex[80], idhex[80], ts[32], ts2[32];
	world_fake_hex(image, "", 0, hex, sizeof(hex));
	world_fake_hex(uid, name, main_ctr ? rt->restarts : 0, idhex, sizeof(idhex));
	char *image_id = xasprintf("%s@sha256:%s", image, hex);
	char *cid = xasprintf("containerd://%s", idhex);
	int restarts = main_ctr ? rt->restarts : 0;
	bool running = rt->stage == WS_RUNNING || (!main_ctr && rt->stage == WS_CRASH_WAIT);
	bool ready = running && (main_ctr ? rt->ready : rt->stage == WS_RUNNING ? rt->ready : true);
	json_t *state;
	world_time_str(rt->t_started, ts, sizeof(ts));
	switch (rt->stage) {
	case WS_PENDING:
	case WS_CREATING:
		state = json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating");
		break;
	case WS_PULL_ERR: {
		char *msg = xasprintf(rt->pull_backoff
					      ? "Back-off pulling image \"%s\""
					      : "rpc error: code = NotFound desc = failed to pull "
						"and unpack image \"%s\": not found",
				      image);
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason",
				  rt->pull_backoff ? "ImagePullBackOff" : "ErrImagePull",
				  "message", msg);
		free(msg);
		break;
	}
	case WS_CRASH_WAIT:
		if (main_ctr) {
			char *msg = xasprintf("back-off %ds restarting failed container=%s pod=%s",
					      rt->restarts < 5 ? 10 << (rt->restarts > 0 ? rt->restarts - 1 : 0) : 160,
					      name, rt->name);
			state = json_pack("{s:{s:s,s:s}}", "waiting", "reason",
					  "CrashLoopBackOff", "message", msg);
			free(msg);
		} else {
			/* sidecars keep running while the main container crashes */
			state = json_pack("{s:{s:s}}", "running", "startedAt", ts);
		}
		break;
	case WS_RUNNING:
		state = json_pack("{s:{s:s}}", "running", "startedAt", ts);
		break;
	case WS_SUCCEEDED:
	default:
		world_time_str(rt->term_finished, ts2, sizeof(ts2));
		state = json_pack("{s:{s:i,s:s,s:s,s:s,s:s}}", "terminated", "exitCode", 0,
				  "reason", "Completed", "startedAt", ts, "finishedAt", ts2,
				  "containerID", cid);
		break;
	}
	json_t *last = json_object();
	if (main_ctr && rt->term_finished && rt->stage != WS_SUCCEEDED) {
		world_time_str(rt->term_started, ts, sizeof(ts));
		world_time_str(rt->term_finished, ts2, sizeof(ts2));
		json_t *t = json_pack("{s:i,s:s,s:s,s:s,s:s}", "exitCode", 1, "reason", "Error",
				      "startedAt", ts, "finishedAt", ts2, "containerID", cid);
		if (rt->term_message)
			json_object_set_new(t, "message", json_string(rt->term_message));
		json_object_set_new(last, "terminated", t);
	}
	json_t *cs = json_pack("{s:s,s:o,s:o,s:b,s:i,s:s,s:s,s:b}", "name", name, "state", state,
			       "lastState", last, "ready", ready, "restartCount", restarts,
			       "image", image, "imageID",
			       rt->stage == WS_PENDING || rt->stage == WS_CREATING ||
					       rt->stage == WS_PULL_ERR
				       ? ""
				       : image_id,
			       "started", running);
	if (rt->stage != WS_PENDING && rt->stage != WS_CREATING && rt->stage != WS_PULL_ERR)
		json_object_set_new(cs, "containerID", json_string(cid));
	free(image_id);
	free(cid);
	return cs;
}

json_t *world_pod_status(struct sim_world *w, const json_t *pod, const struct world_pod *rt,
			 const json_t *node, const char *sched_message)
{
	(void)w;
	const char *uid = world_get_str(pod, "metadata.uid");
	json_t *old = json_object_get(pod, "status");
	json_t *st = json_object();
	json_object_set_new(st, "qosClass", json_string("Burstable"));
	if (rt->stage == WS_PENDING) {
		json_object_set_new(st, "phase", json_string("Pending"));
		if (sched_message)
			json_object_set_new(st, "conditions",
					    json_pack("[o]", world_pod_cond("PodScheduled", false,
									    rt->t_sched,
									    "Unschedulable",
									    sched_message)));
		return st;
	}
	bool running = rt->stage == WS_RUNNING || rt->stage == WS_CRASH_WAIT;
	const char *phase = rt->stage == WS_SUCCEEDED ? "Succeeded" : running ? "Running"
									       : "Pending";
	json_object_set_new(st, "phase", json_string(phase));
	bool ready = rt->stage == WS_RUNNING && rt->ready;
	bool ok_init = true;
	json_t *conds = json_array();
	json_array_append_new(conds, world_pod_cond("PodReadyToStartContainers",
						    rt->stage != WS_SUCCEEDED, rt->t_sched,
						    NULL, NULL));
	json_array_append_new(conds, world_pod_cond("Initialized", ok_init, rt->t_sched,
						    rt->stage == WS_SUCCEEDED ? "PodCompleted"
									      : NULL,
						    NULL));
	const char *nr_reason = rt->stage == WS_SUCCEEDED ? "PodCompleted" : "ContainersNotReady";
	char *nr_msg = NULL;
	json_t *ctrs = world_get(pod, "spec.containers");
	if (!ready) {
		json_t *c0 = json_array_get(ctrs, 0);
		const char *n0 = json_string_value(json_object_get(c0, "name"));
		nr_msg = xasprintf("containers with unready status: [%s]", n0 ? n0 : "");
	}
	json_array_append_new(conds, world_pod_cond("Ready", ready, rt->t_ready_change,
						    ready ? NULL : nr_reason,
						    ready ? NULL : nr_msg));
	json_array_append_new(conds, world_pod_cond("ContainersReady", ready, rt->t_ready_change,
						    ready ? NULL : nr_reason,
						    ready ? NULL : nr_msg));
	free(nr_msg);
	json_array_append_new(conds, world_pod_cond("PodScheduled", true, rt->t_sched, NULL,
						    NULL));
	json_object_set_new(st, "conditions", conds);
	const char *host_ip = NULL;
	json_t *addrs = world_get(node, "status.addresses");
	size_t i;
	json_t *a;
	json_array_foreach(addrs, i, a) {
		const char *ty = json_string_value(json_object_get(a, "type"));
		if (ty && !strcmp(ty, "InternalIP"))
			host_ip = json_string_value(json_object_get(a, "address"));
	}
	if (host_ip) {
		json_object_set_new(st, "hostIP", json_string(host_ip));
		json_object_set_new(st, "hostIPs", json_pack("[{s:s}]", "ip", host_ip));
	}
	if (rt->ip[0] && rt->stage != WS_CREATING && rt->stage != WS_PULL_ERR) {
		json_object_set_new(st, "podIP", json_string(rt->ip));
		json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", rt->ip));
	}
	char ts[32];
	world_time_str(rt->t_sched, ts, sizeof(ts));
	json_object_set_new(st, "startTime", json_string(ts));
	json_t *css = json_array();
	json_t *c;
	json_array_foreach(ctrs, i, c) {
		json_array_append_new(css, world_ctr_status(c, rt, uid ? uid : "", i == 0));
	}
	json_object_set_new(st, "containerStatuses", css);
	/* Node-lifecycle fields set by others (NodeLost) survive recomputation. */
	json_t *reason = json_object_get(old, "reason");
	if (reason) {
		json_object_set(st, "reason", reason);
		json_t *m = json_object_get(old, "message");
		if (m)
			json_object_set(st, "message", m);
	}
	return st;
}
