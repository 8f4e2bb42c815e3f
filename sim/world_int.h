#ifndef SIM_WORLD_INT_H
#define SIM_WORLD_INT_H
/* sim/world_int: the world's private state and the functions its files share.
 *
 * Everything here is protected by the STORE lock (the controller and world_fault both
 * hold it), except `stop` (atomic) and the thread handle.  The store remains the truth
 * for objects (an API client may scale, patch or delete anything); the world keeps only
 * what a real cluster keeps outside the API objects: each pod's kubelet-side runtime
 * (when its next transition is due, restarts, IP), the active faults per workload, the
 * log generators and the scenario's timed faults.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sim/sim.h"
#include "sim/world.h"

enum world_stage {
	WS_PENDING,    /* not scheduled yet */
	WS_CREATING,   /* scheduled, containers being created (image pull) */
	WS_PULL_ERR,   /* ErrImagePull / ImagePullBackOff */
	WS_RUNNING,    /* containers running (ready per `ready`) */
	WS_CRASH_WAIT, /* crashloop: waiting in CrashLoopBackOff */
	WS_SUCCEEDED,  /* finished (job pods) */
};

/* One pod's kubelet-side state, keyed by namespace/name and tied to the pod's uid (a pod
 * re-created under the same name, e.g. mongo-0, gets fresh state). */
struct world_pod {
	char *ns, *name, *uid;
	enum world_stage stage;
	bool ready;
	bool pull_backoff;  /* WS_PULL_ERR shows ImagePullBackOff instead of ErrImagePull */
	bool deleting_seen; /* deletionTimestamp noticed: removal due at t_next */
	int restarts;
	double t_next;      /* monotonic seconds of the next transition; 0 = none */
	time_t t_sched, t_started, t_ready_change, term_started, term_finished;
	char *term_message; /* lastState.terminated.message, or NULL */
	char ip[20];
	double log_acc;     /* fractional lines owed by the generator */
	unsigned log_n;     /* lines written so far (template counter) */
	unsigned gen;       /* sweep generation: entries not seen in a tick are dropped */
	struct world_pod *next;
};

/* Faults and log settings of one workload (ns/name; deployments and statefulsets). */
struct world_wl {
	char *ns, *name;
	char *crash_message;  /* crashloop active when non-NULL */
	bool unavailable, pending;
	char *bad_image;      /* image-pull: the image written into the template */
	char *orig_image;     /* ... and the one to restore on clear */
	double log_rate;      /* lines per second per pod; < 0 = the default generator's */
	json_t *log_lines;    /* scenario log generator: array of templates, or NULL */
	char *leader;         /* managed-services-api: the pod that won leader election */
};

struct world_timed {
	double at;            /* seconds after world_start */
	json_t *body;
	bool done;
};

struct world_evref {
	char *key;            /* ns \x1f kind \x1f name \x1f reason \x1f message */
	char *ns, *name;      /* the Event object's namespace and name */
};

struct sim_world {
	struct sim *sim;
	uint64_t rng;
	pthread_t thread;
	bool running;
	atomic_bool stop;
	bool synthetic;          /* lazy logs: only pods someone reads keep writing */
	bool daemonsets;         /* keep a kube-proxy pod on every node */
	char kube_proxy_uid[40];

	struct world_pod **pods; /* hash of pod runtimes */
	size_t npod_buckets, npods;
	unsigned gen;

	struct world_wl *wls;
	size_t nwls, capwls;

	struct world_timed *timed;
	size_t ntimed, captimed;
	double t_start;

	struct world_evref *evs; /* FIFO of recorded events, oldest first */
	size_t nevs, capevs;

	/* Reconcile pacing: skip a tick when nothing changed and nothing is due. */
	uint64_t last_rv;
	double next_due;
	double last_tick;
	/* Loading: reconcile without delays, stamping objects at `instant_time`. */
	bool instant;
	time_t instant_time;
};

/* world.c: helpers */
double world_now(void);                     /* CLOCK_MONOTONIC seconds */
uint32_t world_rand(struct sim_world *w);
double world_randf(struct sim_world *w);    /* [0, 1) */
/* k8s-style random suffix of n chars from the consonant/digit alphabet. */
void world_rand_suffix(struct sim_world *w, char *buf, size_t n);
/* pod-template-hash of a JSON value (deterministic, 10-ish chars). */
void world_hash_name(const json_t *v, char *buf, size_t len);
void world_time_str(time_t t, char *buf, size_t len);
/* Sets obj.path (dot-separated, creating objects on the way) to v (stolen). */
void world_set(json_t *obj, const char *path, json_t *v);
json_t *world_get(const json_t *obj, const char *path);
const char *world_get_str(const json_t *obj, const char *path);
/* metadata.annotations[key] (keys contain dots, so not a path); NULL when absent. */
const char *world_annotation(const json_t *obj, const char *key);
/* s, or dflt when s is NULL. */
const char *world_or(const char *s, const char *dflt);
struct world_pod *world_pod_rt(struct sim_world *w, const char *ns, const char *name,
			       const char *uid, bool create);
void world_pod_rt_drop(struct sim_world *w, struct world_pod *p);
struct world_wl *world_wl_get(struct sim_world *w, const char *ns, const char *name,
			      bool create);
void world_events_trim(struct sim_world *w);
/* The fault/log settings of the deployment or statefulset that owns pod (NULL when it has
 * none yet); *name (optional) receives the workload's name when the pod has an owner. */
struct world_wl *world_pod_workload(struct sim_world *w, const json_t *pod, const char **name);

/* world_objects.c: JSON factories (new objects, caller owns) */
json_t *world_make_namespace(const char *name, time_t created);
json_t *world_make_node(struct sim_world *w, const char *name, const char *ip, int index,
			const char *role, time_t created);
/* A deployment/statefulset with one container per containers[] entry ({name, image,
 * port?}) or, when containers is NULL, one container named after the app. */
json_t *world_make_workload(const char *kind, const char *ns, const char *name, int replicas,
			    const char *image, const json_t *containers, const json_t *labels,
			    time_t created);
json_t *world_make_service(const char *ns, const char *name, const json_t *selector, int port,
			   const char *cluster_ip, time_t created);
/* A pod from a template for the owner (kind, name, uid), ownerReferences set. */
json_t *world_make_pod(const char *ns, const char *name, const char *generate_name,
		       const json_t *template, const char *owner_api, const char *owner_kind,
		       const char *owner_name, const char *owner_uid);
/* Recomputes pod.status from rt and node state; returns a new status object. */
json_t *world_pod_status(struct sim_world *w, const json_t *pod, const struct world_pod *rt,
			 const json_t *node, const char *sched_message);

/* world_scenario.c */
void world_settle(struct sim_world *w, time_t when);
/* Puts a Helm 3 release Secret (owner=helm, name, status, version labels) into the store. */
void world_put_helm_release(struct sim_world *w, const char *ns, const char *name, int version,
			    const char *status, time_t when);

/* world_controller.c: one reconcile pass (store lock HELD). */
void world_reconcile(struct sim_world *w, double now);
/* Log generators for one tick of dt seconds (store lock HELD). */
void world_loggen_tick(struct sim_world *w, double dt);
/* First lines of a container that just started (store lock HELD). */
void world_loggen_start(struct sim_world *w, const json_t *pod, const struct world_pod *rt);

/* world_controller.c: what one reconcile pass knows (store lock HELD throughout). */
struct wnode {
	const json_t *obj;
	const char *name;    /* inside `held`, which stays alive for the whole tick */
	json_t *held;        /* a reference to the node as loaded at the start of the tick */
	bool ready, schedulable;
	int pods;
};

struct wpod_ref {
	const char *owner_uid; /* inside `held`: the index stays valid when pods are rewritten */
	json_t *pod;         /* borrowed from the store (refreshed when we write it) */
	json_t *held;        /* a reference to the pod as loaded at the start of the tick */
	struct world_pod *rt;
	bool gone;
};

struct wtick {
	struct sim_world *w;
	struct sim_store *s;
	double now;
	time_t wall;
	struct wnode *nodes;
	size_t nnodes;
	struct wpod_ref *pods;  /* sorted by owner uid */
	size_t npods;
};

/* now + a random delay in [lo, hi), or now while loading. */
double world_delay(struct wtick *t, double lo, double hi);
/* Records an Event unless loading (a settled scenario has no history). */
void world_event(struct wtick *t, const char *ns, const char *kind, const char *name,
		 const char *type, const char *reason, const char *message);
/* First ownerReference's uid (kind/name optional outputs); NULL when none. */
const char *world_owner(const json_t *obj, const char **kind, const char **name);
/* The pods indexed under owner uid (a range of t->pods, *n long). */
struct wpod_ref *world_owned(struct wtick *t, const char *uid, size_t *n);
bool world_pod_deleting(const json_t *pod);
bool world_ref_ready(const struct wpod_ref *r);

/* world_workloads.c: replicasets, statefulsets, deployments, kube-proxy, endpoints, PDBs. */
void world_workloads_reconcile(struct wtick *t);

/* world_faults.c */
int world_fault_locked(struct sim_world *w, const json_t *body, char *err, size_t errlen);


#endif
