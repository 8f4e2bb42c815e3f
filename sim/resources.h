#ifndef SIM_RESOURCES_H
#define SIM_RESOURCES_H
/* sim/resources: the API resources warroom-sim serves, one table.
 * Contract: sim_resource(id) never fails for id < SIM_RES_COUNT; the lookups return NULL
 * for anything not served.  Discovery documents, the store and the Table printer all read
 * this table, so adding a resource here is the first step of serving it. */
#include <stdbool.h>

enum sim_res {
	SIM_NAMESPACES,
	SIM_NODES,
	SIM_PODS,
	SIM_EVENTS,
	SIM_SERVICES,
	SIM_ENDPOINTS,
	SIM_DEPLOYMENTS,
	SIM_REPLICASETS,
	SIM_STATEFULSETS,
	SIM_JOBS,
	SIM_CRONJOBS,
	SIM_PDBS,
	SIM_SECRETS,
	SIM_RES_COUNT
};

struct sim_resource_info {
	enum sim_res id;
	const char *plural;      /* "pods" */
	const char *singular;    /* "pod" */
	const char *kind;        /* "Pod" */
	const char *group;       /* "" for the core group */
	const char *version;     /* "v1" */
	bool namespaced;
	const char *verbs;       /* comma-separated, as in APIResourceList */
	const char *short_names; /* comma-separated, may be "" */
	const char *categories;  /* comma-separated, may be "" ("all") */
	const char *subresources;/* comma-separated subresource names, e.g. "status,scale" */
};

const struct sim_resource_info *sim_resource(enum sim_res id);
/* Resource by group ("" = core), version and plural name; NULL if not served. */
const struct sim_resource_info *sim_resource_find(const char *group, const char *version,
						  const char *plural);
/* "apps/v1" or "v1" for the resource's apiVersion field (static storage). */
const char *sim_resource_api_version(const struct sim_resource_info *r);

#endif
