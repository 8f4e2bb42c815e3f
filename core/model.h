#ifndef CORE_MODEL_H
#define CORE_MODEL_H
/* core/model: what the panes show, as compact decoded structs (never jansson trees).
 *
 * Pods are indexed by namespace/name and nodes by name (sorted arrays of pointers,
 * binary search).  Sources (kube/informer: list, then watch) feed the model through
 * upsert/delete, or through a snapshot: model_*_begin_snapshot, upserts, then
 * model_*_end_snapshot deletes every object the snapshot did not mention (how a re-list
 * removes pods that vanished).  Every change bumps `version` and the changed kind's own
 * counter (pods_version, nodes_version, workloads_version, events_version,
 * namespaces_version), which panes compare to know when to rebuild their views: a pane
 * showing only workloads need not rebuild when a pod changes.
 * Stamps: every object carries `stamp`, a value the model gives it on each upsert from one
 * counter for all kinds (m->stamp), so a stamp names one version of one object: a cache
 * keyed by stamp can never confuse an object with a later one that reuses its memory.
 * A node also gets a new stamp when the number of pods bound to it changes.
 * Deployments and statefulsets share one table (struct model_workload, keyed by
 * ns/name/kind); events are keyed by ns/name (the Event object's own name), namespaces
 * by name.
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
	char *labels;         /* metadata.labels "k=v,k2=v2" in the server's order; "" if none */
	char *containers;     /* spec.containers names in order, "app,sidecar"; "" if none */
	char *last_exit;      /* newest lastState.terminated: "exit 1: message"; "" if none */
	char *images;         /* spec.containers images in order, "repo:tag,repo2:tag"; "" if
			       * none: what the pod runs (an old ReplicaSet's pod: the old tag) */
	unsigned snap;        /* snapshot generation that last saw this pod */
	unsigned long stamp;  /* set by the model on upsert (see the top) */
};

struct model_node {
	char *name;
	char status[64];      /* Ready / NotReady / Unknown [,SchedulingDisabled] */
	char roles[64];       /* "control-plane,worker" or "<none>" */
	char version[64];     /* kubelet version */
	time_t created;
	bool ready;
	unsigned pressure;    /* MODEL_PRESSURE_* bits: conditions whose status is "True" */
	unsigned snap;
	unsigned long stamp;  /* set by the model on upsert and when `pods` changes */
	/* model_node_pod_count()'s cache: pods bound to this node, kept up to date by pod
	 * upserts and deletes once known; a node new to the model is counted (one pass over
	 * all pods for every uncounted node) on the first question. */
	size_t pods;
	bool pods_known;
};

/* Node pressure conditions (status.conditions type MemoryPressure... with status True). */
enum { MODEL_PRESSURE_MEMORY = 1, MODEL_PRESSURE_DISK = 2, MODEL_PRESSURE_PID = 4 };

enum model_workload_kind { MODEL_DEPLOYMENT = 0, MODEL_STATEFULSET = 1, MODEL_NWORKLOAD_KINDS };

/* A deployment or statefulset, as the READY/UP-TO-DATE/AVAILABLE columns need it. */
struct model_workload {
	enum model_workload_kind kind;
	char *ns;
	char *name;
	int desired;          /* spec.replicas (1 when absent, as the API defaults it) */
	int ready;            /* status.readyReplicas */
	int updated;          /* status.updatedReplicas */
	int available;        /* status.availableReplicas */
	int current;          /* status.replicas (pods that exist) */
	char *images;         /* template images in container order, "repo:tag,repo2:tag" */
	char *selector;       /* spec.selector as "k=v,k2=v2" (expressions as "k in (a,b)") */
	time_t created;
	long long generation, observed_generation; /* observed < generation: rollout not seen yet */
	unsigned snap;
	unsigned long stamp;
};

/* A core/v1 Event (deduplicated by the server into count). */
struct model_event {
	char *ns;
	char *name;           /* the Event object's name: the key */
	char *obj_kind;       /* involvedObject.kind/name/namespace */
	char *obj_name;
	char *obj_ns;
	char type[16];        /* "Normal" or "Warning" (others kept as sent, cut to 15 bytes) */
	char *reason;
	char *message;
	int count;            /* count, else series.count, else 1 */
	time_t first;         /* firstTimestamp (else eventTime) */
	time_t last;          /* lastTimestamp (else series.lastObservedTime, eventTime, first) */
	char *source;         /* source.component, else reportingComponent; "" if none */
	unsigned snap;
	unsigned long stamp;
};

struct model_namespace {
	char *name;
	char phase[16];       /* "Active", "Terminating" */
	time_t created;
	unsigned snap;
	unsigned long stamp;
};

struct model {
	struct model_pod **pods;   /* sorted by ns, then name */
	size_t npods, cappods;
	struct model_node **nodes; /* sorted by name */
	size_t nnodes, capnodes;
	struct model_workload **workloads; /* sorted by ns, name, then kind */
	size_t nworkloads, capworkloads;
	struct model_event **events;       /* sorted by ns, then name */
	size_t nevents, capevents;
	struct model_namespace **namespaces; /* sorted by name */
	size_t nnamespaces, capnamespaces;
	unsigned long version;     /* bumped on every change of any kind */
	unsigned long pods_version, nodes_version, workloads_version, events_version,
		namespaces_version;  /* bumped on every change of that kind */
	unsigned pod_snap, node_snap, workload_snap[MODEL_NWORKLOAD_KINDS], event_snap, namespace_snap;
	unsigned long stamp;       /* the last stamp given to an object (0: none yet) */
};

void model_init(struct model *m);
void model_free(struct model *m);

/* Inserts or replaces the pod ns/name with a copy of *p (p->snap and p->stamp are ignored:
 * the model sets them; so for every upsert below). */
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

/* Workloads: same contract as pods; snapshots are per kind (a deployments re-list never
 * removes statefulsets).  end_snapshot removes workloads of `kind` in ns (all when NULL)
 * not upserted since begin. */
void model_workload_upsert(struct model *m, const struct model_workload *w);
bool model_workload_delete(struct model *m, enum model_workload_kind kind, const char *ns,
			   const char *name);
struct model_workload *model_workload_find(const struct model *m, enum model_workload_kind kind,
					   const char *ns, const char *name);
void model_workloads_begin_snapshot(struct model *m, enum model_workload_kind kind);
void model_workloads_end_snapshot(struct model *m, enum model_workload_kind kind, const char *ns);
/* "Deployment" / "StatefulSet". */
const char *model_workload_kind_name(enum model_workload_kind kind);
/* SEV_BAD when no replica is ready but some are desired, SEV_WARN when ready, updated or
 * available < desired or the controller has not observed the latest generation. */
enum model_severity model_workload_severity(const struct model_workload *w);

void model_event_upsert(struct model *m, const struct model_event *e);
bool model_event_delete(struct model *m, const char *ns, const char *name);
struct model_event *model_event_find(const struct model *m, const char *ns, const char *name);
void model_events_begin_snapshot(struct model *m);
void model_events_end_snapshot(struct model *m, const char *ns);

void model_namespace_upsert(struct model *m, const struct model_namespace *n);
bool model_namespace_delete(struct model *m, const char *name);
struct model_namespace *model_namespace_find(const struct model *m, const char *name);
void model_namespaces_begin_snapshot(struct model *m);
void model_namespaces_end_snapshot(struct model *m);

/* Severity of a pod for ordering and colour: SEV_BAD for crash/error/unknown states,
 * SEV_WARN for pending/creating/not-ready, SEV_OK when healthy. */
enum model_severity model_pod_severity(const struct model_pod *p);
enum model_severity model_node_severity(const struct model_node *n);

/* Number of pods bound to node `name`. */
size_t model_node_pod_count(const struct model *m, const char *name);
/* The PRESSURE column: "Memory,Disk,PID" (the conditions that are True, in that order),
 * "-" when none. */
void model_format_pressure(unsigned pressure, char *out, size_t cap);

/* Kubernetes-style age: "45s", "12m", "3h", "5d", "2y"; "<unknown>" when created is 0.
 * (kubectl prints e.g. "3h12m" for short durations; we keep two significant units.) */
void model_format_age(time_t created, time_t now, char *out, size_t cap);
/* The first time after `now` at which model_format_age(created, t) reads differently from
 * model_format_age(created, now) ("9m59s" -> "10m" at the next second, "12m" at the next
 * minute, "5d" at the next day...); 0 when it never changes ("<unknown>").  What caches
 * of formatted ages use to know when they go stale. */
time_t model_age_changes_at(time_t created, time_t now);

#endif
