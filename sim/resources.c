/* sim/resources: see resources.h. */
#include "sim/resources.h"

#include <string.h>

#define RW_VERBS "create,delete,deletecollection,get,list,patch,update,watch"

static const struct sim_resource_info sim_resources[SIM_RES_COUNT] = {
	[SIM_NAMESPACES] = {SIM_NAMESPACES, "namespaces", "namespace", "Namespace", "", "v1",
			    false, "create,delete,get,list,patch,update,watch", "ns", "", "status"},
	[SIM_NODES] = {SIM_NODES, "nodes", "node", "Node", "", "v1", false, RW_VERBS, "no", "",
		       "status"},
	[SIM_PODS] = {SIM_PODS, "pods", "pod", "Pod", "", "v1", true, RW_VERBS, "po", "all",
		      "status,log,eviction"},
	[SIM_EVENTS] = {SIM_EVENTS, "events", "event", "Event", "", "v1", true, RW_VERBS, "ev",
			"", ""},
	[SIM_SERVICES] = {SIM_SERVICES, "services", "service", "Service", "", "v1", true,
			  "create,delete,deletecollection,get,list,patch,update,watch", "svc", "all",
			  "status"},
	[SIM_ENDPOINTS] = {SIM_ENDPOINTS, "endpoints", "endpoints", "Endpoints", "", "v1", true,
			   RW_VERBS, "ep", "", ""},
	[SIM_DEPLOYMENTS] = {SIM_DEPLOYMENTS, "deployments", "deployment", "Deployment", "apps",
			     "v1", true, RW_VERBS, "deploy", "all", "status,scale"},
	[SIM_REPLICASETS] = {SIM_REPLICASETS, "replicasets", "replicaset", "ReplicaSet", "apps",
			     "v1", true, RW_VERBS, "rs", "all", "status,scale"},
	[SIM_STATEFULSETS] = {SIM_STATEFULSETS, "statefulsets", "statefulset", "StatefulSet",
			      "apps", "v1", true, RW_VERBS, "sts", "all", "status,scale"},
	[SIM_JOBS] = {SIM_JOBS, "jobs", "job", "Job", "batch", "v1", true, RW_VERBS, "", "all",
		      "status"},
	[SIM_CRONJOBS] = {SIM_CRONJOBS, "cronjobs", "cronjob", "CronJob", "batch", "v1", true,
			  RW_VERBS, "cj", "all", "status"},
	[SIM_PDBS] = {SIM_PDBS, "poddisruptionbudgets", "poddisruptionbudget",
		      "PodDisruptionBudget", "policy", "v1", true, RW_VERBS, "pdb", "", "status"},
	/* Served for Helm's release records (owner=helm labels), which warroom's drift
	 * pane reads; the sim's secrets hold no real data. */
	[SIM_SECRETS] = {SIM_SECRETS, "secrets", "secret", "Secret", "", "v1", true, RW_VERBS, "",
			 "", ""},
};

const struct sim_resource_info *sim_resource(enum sim_res id)
{
	return &sim_resources[id];
}

const struct sim_resource_info *sim_resource_find(const char *group, const char *version,
						  const char *plural)
{
	for (int i = 0; i < SIM_RES_COUNT; i++) {
		const struct sim_resource_info *r = &sim_resources[i];
		if (!strcmp(r->group, group ? group : "") && !strcmp(r->version, version) &&
		    !strcmp(r->plural, plural))
			return r;
	}
	return NULL;
}

const char *sim_resource_api_version(const struct sim_resource_info *r)
{
	switch (r->group[0] ? r->group[0] : 0) {
	case 0:
		return "v1";
	case 'a':
		return "apps/v1";
	case 'b':
		return "batch/v1";
	case 'p':
		return "policy/v1";
	default:
		return "v1";
	}
}
