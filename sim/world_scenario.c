/* sim/world_scenario: the built-in scenarios.  The default one is runbook 000's ingest
 * environment plus runbook 004's managed-services-api; the synthetic one is a large,
 * boring cluster for benchmarks.  Objects are put into the store and then "settled": the
 * controller runs without delays, stamping everything with a past time so ages look real
 * and the cluster starts healthy. */
#include "sim/world_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { HOUR = 3600, DAY = 24 * HOUR };

void world_settle(struct sim_world *w, time_t when)
{
	w->instant = true;
	w->instant_time = when;
	/* Deployment -> replicaset -> pods -> scheduled/running -> statuses: a few passes. */
	for (int i = 0; i < 8; i++) {
		uint64_t rv = store_rv(w->sim->store);
		world_reconcile(w, world_now());
		if (store_rv(w->sim->store) == rv)
			break;
	}
	w->instant = false;
	w->last_rv = 0;
}

static void world_put_ns(struct sim_world *w, const char *name, time_t created)
{
	if (!store_get(w->sim->store, SIM_NAMESPACES, NULL, name))
		store_put(w->sim->store, SIM_NAMESPACES, world_make_namespace(name, created));
}

/* A Helm 3 release record: a Secret sh.helm.release.v1.NAME.vN labelled owner=helm with
 * the release's name, status and version (the payload is a placeholder: nobody decodes
 * it here). */
void world_put_helm_release(struct sim_world *w, const char *ns, const char *name, int version,
			    const char *status, time_t when)
{
	char sname[300], ver[16], ts[40], mod[32];
	snprintf(sname, sizeof(sname), "sh.helm.release.v1.%s.v%d", name, version);
	snprintf(ver, sizeof(ver), "%d", version);
	snprintf(mod, sizeof(mod), "%lld", (long long)when);
	world_time_str(when, ts, sizeof(ts));
	store_put(w->sim->store, SIM_SECRETS,
		  json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s}},s:s,s:{s:s}}",
			    "apiVersion", "v1", "kind", "Secret", "metadata", "name", sname,
			    "namespace", ns, "creationTimestamp", ts, "labels", "owner", "helm",
			    "name", name, "status", status, "version", ver, "modifiedAt", mod,
			    "type", "helm.sh/release.v1", "data", "release", "c2ltdWxhdGVk"));
}

static void world_put_service(struct sim_world *w, const char *ns, const char *name, int port,
			      const char *ip, time_t created)
{
	json_t *sel = json_pack("{s:s}", "app", name);
	store_put(w->sim->store, SIM_SERVICES,
		  world_make_service(ns, name, sel, port, ip, created));
	json_decref(sel);
}

static void world_uid(struct sim_world *w, char *buf, size_t len)
{
	snprintf(buf, len, "%08x-%04x-4%03x-a%03x-%08x%04x", world_rand(w),
		 world_rand(w) & 0xffff, world_rand(w) & 0xfff, world_rand(w) & 0xfff,
		 world_rand(w), world_rand(w) & 0xffff);
}

static const struct {
	const char *name, *image;
	int replicas, port;
} world_ingest[] = {
	{"ingest-accessioner", "quay.io/ingest/accessioner:0.7.2", 1, 8080},
	{"ingest-broker", "quay.io/ingest/broker:0.9.3", 1, 5000},
	{"ingest-core", "quay.io/ingest/core:1.4.1", 2, 8080},
	{"ingest-exporter", "quay.io/ingest/exporter:0.6.4", 1, 8080},
	{"ingest-ontology", "quay.io/ingest/ontology:0.3.8", 1, 8080},
	{"ingest-staging-manager", "quay.io/ingest/staging-manager:0.5.0", 1, 8080},
	{"ingest-state-tracking", "quay.io/ingest/state-tracking:0.8.1", 1, 8999},
	{"ingest-validator", "quay.io/ingest/validator:0.6.2", 2, 8080},
};

static void world_default_nodes(struct sim_world *w, time_t created)
{
	static const struct {
		const char *name, *ip;
	} nodes[] = {
		{"ip-172-20-110-97.ec2.internal", "172.20.110.97"},
		{"ip-172-20-41-152.ec2.internal", "172.20.41.152"},
		{"ip-172-20-77-205.ec2.internal", "172.20.77.205"},
	};
	for (int i = 0; i < 3; i++)
		store_put(w->sim->store, SIM_NODES,
			  world_make_node(w, nodes[i].name, nodes[i].ip, i + 1, "node", created));
}

static void world_default_system(struct sim_world *w, time_t created)
{
	struct sim_store *s = w->sim->store;
	/* coredns selects on k8s-app, not app. */
	json_t *lab = json_pack("{s:s}", "k8s-app", "kube-dns");
	json_t *dns = world_make_workload("Deployment", "kube-system", "coredns", 2,
					  "registry.k8s.io/coredns/coredns:v1.11.1", NULL, lab,
					  created);
	json_object_set(world_get(dns, "spec.selector"), "matchLabels", lab);
	json_object_set(world_get(dns, "spec.template.metadata"), "labels", lab);
	json_object_set_new(dns, "metadata", json_pack("{s:s,s:s,s:O,s:s}", "name", "coredns",
						       "namespace", "kube-system", "labels", lab,
						       "creationTimestamp",
						       world_get_str(dns, "metadata.creationTimestamp")));
	store_put(s, SIM_DEPLOYMENTS, dns);
	store_put(s, SIM_SERVICES,
		  world_make_service("kube-system", "kube-dns", lab, 53, "100.64.0.10", created));
	json_decref(lab);
	json_t *k = world_make_service("default", "kubernetes", NULL, 443, "100.64.0.1", created);
	json_object_del(json_object_get(k, "spec"), "selector");
	store_put(s, SIM_SERVICES, k);
	store_put(s, SIM_ENDPOINTS,
		  json_pack("{s:s,s:s,s:{s:s,s:s},s:[{s:[{s:s}],s:[{s:s,s:i,s:s}]}]}", "apiVersion",
			    "v1", "kind", "Endpoints", "metadata", "name", "kubernetes",
			    "namespace", "default", "subsets", "addresses", "ip", "172.20.32.10",
			    "ports", "name", "https", "port", 443, "protocol", "TCP"));
}

/* The nightly backup: a cronjob, its last (completed) job and that job's pod. */
static void world_default_backup(struct sim_world *w, time_t now)
{
	struct sim_store *s = w->sim->store;
	char ts[32], ts2[32], cj_uid[40], job_uid[40];
	world_uid(w, cj_uid, sizeof(cj_uid));
	world_uid(w, job_uid, sizeof(job_uid));
	time_t ran = now - (now % (6 * HOUR));
	world_time_str(ran, ts, sizeof(ts));
	world_time_str(ran + 83, ts2, sizeof(ts2));
	char created[32];
	world_time_str(now - 41 * DAY, created, sizeof(created));
	json_t *ctr = json_pack("[{s:s,s:s,s:[s,s]}]", "name", "backup", "image",
				"quay.io/ingest/mongo-backup:1.2.0", "args", "--host", "mongo-0.mongo");
	json_t *tmpl = json_pack("{s:{s:{s:s}},s:{s:O,s:s}}", "metadata", "labels", "app",
				 "ingest-backup", "spec", "containers", ctr, "restartPolicy",
				 "OnFailure");
	json_t *cj = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s,s:s,s:b,s:{s:{s:O}}},"
			       "s:{s:s,s:s}}",
			       "apiVersion", "batch/v1", "kind", "CronJob", "metadata", "name",
			       "ingest-backup", "namespace", "ingest", "uid", cj_uid,
			       "creationTimestamp", created, "spec", "schedule", "0 */6 * * *",
			       "concurrencyPolicy", "Forbid", "suspend", 0, "jobTemplate", "spec",
			       "template", tmpl, "status", "lastScheduleTime", ts,
			       "lastSuccessfulTime", ts2);
	store_put(s, SIM_CRONJOBS, cj);
	char jname[64];
	snprintf(jname, sizeof(jname), "ingest-backup-%lld", (long long)(ran / 60));
	json_t *job = json_pack(
		"{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s},s:[{s:s,s:s,s:s,s:s,s:b,s:b}]},"
		"s:{s:i,s:i,s:i,s:O},s:{s:s,s:s,s:i,s:i,s:s,s:[{s:s,s:s,s:s,s:s}]}}",
		"apiVersion", "batch/v1", "kind", "Job", "metadata", "name", jname, "namespace",
		"ingest", "uid", job_uid, "creationTimestamp", ts, "labels", "app", "ingest-backup",
		"ownerReferences", "apiVersion", "batch/v1", "kind", "CronJob", "name",
		"ingest-backup", "uid", cj_uid, "controller", 1, "blockOwnerDeletion", 1, "spec",
		"completions", 1, "parallelism", 1, "backoffLimit", 6, "template", tmpl, "status",
		"startTime", ts, "completionTime", ts2, "succeeded", 1, "ready", 0,
		"completedIndexes", "", "conditions", "type", "Complete", "status", "True",
		"lastProbeTime", ts2, "lastTransitionTime", ts2);
	json_object_del(json_object_get(job, "status"), "completedIndexes");
	store_put(s, SIM_JOBS, job);
	char pname[96], sfx[8];
	world_rand_suffix(w, sfx, 5);
	snprintf(pname, sizeof(pname), "%s-%s", jname, sfx);
	json_t *pod = world_make_pod("ingest", pname, NULL, tmpl, "batch/v1", "Job", jname,
				     job_uid);
	world_set(pod, "metadata.creationTimestamp", json_string(ts));
	world_set(pod, "spec.nodeName", json_string("ip-172-20-41-152.ec2.internal"));
	json_t *stored = store_put(s, SIM_PODS, pod);
	struct world_pod *rt = world_pod_rt(w, "ingest", pname,
					    world_get_str(stored, "metadata.uid"), true);
	rt->stage = WS_SUCCEEDED;
	rt->t_sched = rt->t_started = ran;
	rt->t_ready_change = rt->term_finished = ran + 83;
	snprintf(rt->ip, sizeof(rt->ip), "100.96.2.%u", world_rand(w) % 200 + 20);
	struct timespec lt = {ran + 80, 0};
	const char *done = "backup of ingest-admin complete: 41 collections, 2.3 GiB";
	logs_append(w->sim->logs, "ingest", pname, "backup", &lt, done, strlen(done));
	json_decref(tmpl);
	json_decref(ctr);
}

int world_load_default(struct sim_world *w, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct sim_store *s = w->sim->store;
	time_t now = time(NULL);
	time_t cluster = now - 41 * DAY - 5 * HOUR, deployed = now - 22 * HOUR - 13 * 60;
	store_lock(s);
	w->synthetic = false;
	w->daemonsets = true;
	world_uid(w, w->kube_proxy_uid, sizeof(w->kube_proxy_uid));
	static const char *const nss[] = {"default", "kube-system", "kube-public",
					  "kube-node-lease"};
	for (size_t i = 0; i < 4; i++)
		world_put_ns(w, nss[i], cluster);
	world_default_nodes(w, cluster);
	world_default_system(w, cluster);
	world_settle(w, cluster + 300);

	world_put_ns(w, "ingest", deployed - 30 * DAY);
	world_put_ns(w, "managed-services", deployed - 12 * DAY);
	for (size_t i = 0; i < sizeof(world_ingest) / sizeof(world_ingest[0]); i++) {
		json_t *d = world_make_workload("Deployment", "ingest", world_ingest[i].name,
						world_ingest[i].replicas, world_ingest[i].image,
						NULL, NULL, deployed);
		store_put(s, SIM_DEPLOYMENTS, d);
		char ip[32];
		snprintf(ip, sizeof(ip), "100.64.%zu.%zu", 20 + i, 10 + i * 7);
		world_put_service(w, "ingest", world_ingest[i].name, world_ingest[i].port, ip,
				  deployed);
	}
	json_t *ctrs = json_pack("[{s:s,s:s,s:i}]", "name", "mongo", "image", "mongo:4.4.18",
				 "port", 27017);
	store_put(s, SIM_STATEFULSETS,
		  world_make_workload("StatefulSet", "ingest", "mongo", 1, "mongo:4.4.18", ctrs,
				      NULL, deployed - 30 * DAY));
	json_decref(ctrs);
	ctrs = json_pack("[{s:s,s:s,s:i}]", "name", "rabbitmq", "image",
			 "rabbitmq:3.11.13-management", "port", 5672);
	store_put(s, SIM_STATEFULSETS,
		  world_make_workload("StatefulSet", "ingest", "rabbitmq", 1,
				      "rabbitmq:3.11.13-management", ctrs, NULL,
				      deployed - 30 * DAY));
	json_decref(ctrs);
	world_put_service(w, "ingest", "mongo", 27017, "None", deployed - 30 * DAY);
	world_put_service(w, "ingest", "rabbitmq", 5672, "100.64.31.5", deployed - 30 * DAY);
	world_default_backup(w, now);

	ctrs = json_pack("[{s:s,s:s,s:i},{s:s,s:s}]", "name", "service", "image",
			 "quay.io/app-sre/managed-services-api:v0.42.1", "port", 8000, "name",
			 "envoy-sidecar", "image", "envoyproxy/envoy:v1.27.2");
	store_put(s, SIM_DEPLOYMENTS,
		  world_make_workload("Deployment", "managed-services", "managed-services-api",
				      3, "quay.io/app-sre/managed-services-api:v0.42.1", ctrs,
				      NULL, deployed));
	json_decref(ctrs);
	world_put_service(w, "managed-services", "managed-services-api", 8000, "100.64.40.17",
			  deployed);
	store_put(s, SIM_PDBS,
		  json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:i,s:{s:{s:s}}},s:{}}", "apiVersion",
			    "policy/v1", "kind", "PodDisruptionBudget", "metadata", "name",
			    "managed-services-api", "namespace", "managed-services", "spec",
			    "minAvailable", 2, "selector", "matchLabels", "app",
			    "managed-services-api", "status"));
	/* Helm releases: managed-services-api upgraded cleanly (v1 superseded by v2), the
	 * ingest chart's last upgrade failed (v4 deployed, v5 failed). */
	world_put_helm_release(w, "managed-services", "managed-services-api", 1, "superseded",
			       deployed - 7 * DAY);
	world_put_helm_release(w, "managed-services", "managed-services-api", 2, "deployed", deployed);
	world_put_helm_release(w, "ingest", "ingest-stack", 4, "deployed", deployed - 30 * DAY);
	world_put_helm_release(w, "ingest", "ingest-stack", 5, "failed", deployed - 2 * HOUR);
	world_settle(w, deployed + 40);
	store_unlock(s);
	return 0;
}

int world_load_synthetic(struct sim_world *w, int pods, int nodes, char *err, size_t errlen)
{
	if (pods < 0 || pods > 200000 || nodes < 1 || nodes > 20000) {
		snprintf(err, errlen,
			 "synthetic cluster: --pods must be 0..200000 and --nodes 1..20000 "
			 "(got %d pods, %d nodes)",
			 pods, nodes);
		return -1;
	}
	struct sim_store *s = w->sim->store;
	time_t now = time(NULL), created = now - 9 * DAY;
	store_lock(s);
	w->synthetic = true;
	w->daemonsets = false;
	static const char *const nss[] = {"default", "kube-system", "payments", "search",
					  "checkout", "catalog", "analytics"};
	for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++)
		world_put_ns(w, nss[i], created);
	for (int i = 0; i < nodes; i++) {
		char name[64], ip[32];
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", 20 + i / 62500, i / 250 % 250,
			 i % 250 + 4);
		snprintf(name, sizeof(name), "ip-10-%d-%d-%d.ec2.internal", 20 + i / 62500,
			 i / 250 % 250, i % 250 + 4);
		store_put(s, SIM_NODES, world_make_node(w, name, ip, i, "node", created));
	}
	int ndeploy = pods > 0 ? (pods + 24) / 25 : 0;
	for (int d = 0; d < ndeploy; d++) {
		/* Spread the pods exactly: the first (pods % ndeploy) get one more. */
		int replicas = pods / ndeploy + (d < pods % ndeploy ? 1 : 0);
		char name[64], image[96];
		snprintf(name, sizeof(name), "svc-%04d", d);
		snprintf(image, sizeof(image), "quay.io/bench/svc-%04d:1.%d.%d", d, d % 7, d % 13);
		store_put(s, SIM_DEPLOYMENTS,
			  world_make_workload("Deployment", nss[2 + d % 5], name, replicas, image,
					      NULL, NULL, created));
	}
	world_settle(w, created + 600);
	store_unlock(s);
	return 0;
}
