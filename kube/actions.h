#ifndef KUBE_ACTIONS_H
#define KUBE_ACTIONS_H
/* kube/actions: the remediation commands of runbooks 000 and 003, each planned with GETs
 * (to show exactly what changes, from -> to) and then performed through the request
 * gate (kube/request: read-only, confirmation, dry-run, audit, Events).
 *
 *   scale KIND/NAME N          deployments/statefulsets, through the scale subresource
 *   restart KIND/NAME          rollout restart: template annotation kubectl.kubernetes.io/restartedAt
 *   delete pod/NAME [--force]  normal grace period; --force: grace 0 (pods stuck Unknown or
 *                              Terminating on a NotReady node)
 *   cordon NODE / uncordon NODE
 *   drain NODE                 cordon, then evict every pod of the node (eviction API),
 *                              skipping DaemonSet-owned and mirror pods; pods a
 *                              PodDisruptionBudget protects (429) are reported, the rest go on
 *   red-button [--include-statefulsets]
 *                              every deployment of the namespace to 0, recording the count
 *                              in annotation warroom.io/red-button-replicas in the same
 *                              PATCH (so it is never lost); ones already at 0 with a
 *                              recorded count are skipped; statefulsets (when included)
 *                              after the deployments
 *   restore                    statefulsets back first, then (once every one is fully
 *                              ready: readyReplicas == replicas, polled on the loop)
 *                              deployments, then the annotations are cleared
 * Every argument also takes `-n NS`; KIND is deployment|deploy|statefulset|sts|pod|node.
 * Red button and restore are idempotent and resumable: running one again after an
 * interruption finishes the job.  A 409 is retried (3 times) with fresh state; 404 means
 * someone else already did it (counted as done).
 * Everything runs on the loop; the gate's ui hooks report progress and the end.
 */
#include "core/commands.h"
#include "kube/request.h"

#include <stdbool.h>
#include <stddef.h>

/* The annotation the red button records the previous replica count in. */
#define ACTIONS_RED_BUTTON_ANNOTATION "warroom.io/red-button-replicas"

/* Starts command `id` (one of the mutating commands) with its argument text; ns is the
 * default namespace (NULL: all namespaces, "default" is then used for namespaced
 * objects except red-button/restore, which need one).  The outcome always arrives
 * through the gate's ui->finished (errors in the argument included); the action frees
 * itself when it ends. */
void actions_start(struct request_gate *g, enum cmd_id id, const char *arg, const char *ns);

/* true for the commands actions_start runs. */
bool actions_handles(enum cmd_id id);

/* The equivalent kubectl command line of a command (for docs and tests), into out. */
void actions_kubectl_line(enum cmd_id id, const char *kind, const char *ns, const char *name,
			  const char *value, bool force, char *out, size_t cap);

#endif
