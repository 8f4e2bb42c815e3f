#ifndef CORE_MODEL_H
#define CORE_MODEL_H
/* core/model: what the panes show, as compact decoded structs (never jansson trees).
 *
 * Pods are indexed by namespace/name and nodes by name (sorted arrays of pointers,
 * binary search).  Sources (listers now, watch informers later) feed the model through
 * upsert/delete, or through a snapshot: model_*_begin_snapshot, upserts, then
 * model_*_end_snapshot deletes every object the snapshot did not mention (how a re-list
 * removes pods that vanished).  Every change bumps `version`, which panes compare to
 * know when to rebuild their views.
 * Contract: the model owns every string it holds; upsert copies its argument; pointers
 * returned by lookups stay valid until the next change of the same object kind.
 * Strings are stored raw (as the server sent them): panes sanitise before drawing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum model_severity { SEV_OK = 0, SEV_WARN = 1, SEV_BAD = 2 };

struct model_pod {
	char *ns;
	char *name;
	char *node;           /* "" when unscheduled */
	char *ip;             /* "" when none */
	char status[64];      /* kubectl's STATUS column */
	int ready, total;     /* READY ready/total */
	int restarts;
	time_t last_restart;  /* 0 if never */
	time_t created;       /* metadata.creationTimestamp, 0 if unknown */
	bool healthy;
	unsigned snap;        /* snapshot generation that last saw this pod */
};

struct model_node {
	char *name;
	char status[64];      /* Ready / NotReady / Unknown [,SchedulingDisabled] */
	char roles[64];       /* "control-plane,worker" or "<none>" */
	char version[64];     /* kubelet version */
	time_t created;
	bool ready;
	unsigned snap;
};

struct model {
	struct model_pod **pods;   /* sorted by ns, then name */
	size_t npods, cappods;
	struct model_node **nodes; /* sorted by name */
	size_t nnodes, capnodes;
	unsigned long version;     /* bumped on every change */
	unsigned pod_snap, node_snap;
};

void model_init(struct model *m);
void model_free(struct model *m);

/* Inserts or replaces the pod ns/name with a copy of *p (p->snap is ignored). */
void model_pod_upsert(struct model *m, const struct model_pod *p);
/* Removes ns/name; returns false if it was not there. */
bool model_pod_delete(struct model *m, const char *ns, const char *name);
struct model_pod *model_pod_find(const struct model *m, const char *ns, const char *name);
/* Deletes every pod (in namespace ns, or all when ns is NULL). */
void model_pods_clear(struct model *m, const char *ns);

void model_pods_begin_snapshot(struct model *m);
/* Deletes pods (of namespace ns, or all when NULL) not upserted since begin. */
void model_pods_end_snapshot(struct model *m, const char *ns);

void model_node_upsert(struct model *m, const struct model_node *n);
bool model_node_delete(struct model *m, const char *name);
struct model_node *model_node_find(const struct model *m, const char *name);
void model_nodes_begin_snapshot(struct model *m);
void model_nodes_end_snapshot(struct model *m);

/* Severity of a pod for ordering and colour: SEV_BAD for crash/error/unknown states,
 * SEV_WARN for pending/creating/not-ready, SEV_OK when healthy. */
enum model_severity model_pod_severity(const struct model_pod *p);
enum model_severity model_node_severity(const struct model_node *n);

/* Number of pods bound to node `name`. */
size_t model_node_pod_count(const struct model *m, const char *name);

/* Kubernetes-style age: "45s", "12m", "3h", "5d", "2y"; "<unknown>" when created is 0.
 * (kubectl prints e.g. "3h12m" for short durations; we keep two significant units.) */
void model_format_age(time_t created, time_t now, char *out, size_t cap);

#endif
