#ifndef SIM_WORLD_H
#define SIM_WORLD_H
/* sim/world: what the simulated cluster contains and how it behaves.
 *
 * - Scenarios fill the store: the default one (runbook 000's ingest namespace, runbook 004's
 *   managed-services with one leader, kube-system, three ip-172-20-*.ec2.internal nodes),
 *   a synthetic large cluster (--pods N --nodes N), or a scenario file (YAML or JSON,
 *   format in the README) with namespaces, nodes, workloads, log generators, timed faults.
 * - The controller thread reconciles like kube-controller-manager + scheduler + kubelets,
 *   with short delays: deployments -> replicasets -> pods (rolling update when the pod
 *   template changes, e.g. rollout restart), statefulsets -> ordered pods, pod lifecycle
 *   (Pending -> ContainerCreating -> Running), scheduling that skips cordoned and NotReady
 *   nodes, removal of pods marked for deletion (a pod on a NotReady node stays Unknown
 *   until force-deleted), workload status, Kubernetes Events for what it does, and the
 *   log generators writing to sim->logs.
 * - Faults (`POST /sim/v1/faults`) change behaviour: node-down/node-up, crashloop,
 *   unavailable, pending, image-pull, log, log-rate, event, latency, drop-watches, expire,
 *   clear.
 * Every function takes the store lock itself unless it says otherwise.
 */
#include <jansson.h>
#include <stddef.h>

struct sim;

struct sim_world *world_new(struct sim *sim);
void world_free(struct sim_world *w);

/* Fill the store.  Return 0, or -1 with a message naming what was wrong (file:line for a
 * scenario file) in err. */
int world_load_default(struct sim_world *w, char *err, size_t errlen);
int world_load_synthetic(struct sim_world *w, int pods, int nodes, char *err, size_t errlen);
int world_load_file(struct sim_world *w, const char *path, char *err, size_t errlen);

/* Starts / stops the controller thread (ticks a few times a second). */
int world_start(struct sim_world *w);
void world_stop(struct sim_world *w);

/* Applies one fault described by a JSON object {"type": ..., ...}.  Returns 0, or -1 with
 * a message for a 400 answer in err (unknown type, missing/ill-typed field, unknown
 * namespace/deployment/node/pod). */
int world_fault(struct sim_world *w, const json_t *body, char *err, size_t errlen);

/* Records a Kubernetes Event (store lock must be HELD by the caller): involved object
 * `kind` ns/name, type "Normal"/"Warning", reason, message; repeats of the same
 * (object, reason, message) bump count and lastTimestamp instead of adding an object. */
void world_record_event(struct sim_world *w, const char *ns, const char *kind,
			const char *name, const char *type, const char *reason,
			const char *message);

#endif
