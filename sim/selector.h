#ifndef SIM_SELECTOR_H
#define SIM_SELECTOR_H
/* sim/selector: label and field selectors of list/watch requests, as the API server reads them.
 *
 * Label selectors: comma-separated requirements, each `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (does not exist); keys may carry a
 * DNS prefix ("app.kubernetes.io/name").  All requirements must hold.
 * Field selectors: comma-separated `field=v`, `field==v`, `field!=v` over the fields the
 * API server supports for the resource: metadata.name and metadata.namespace for all;
 * pods: spec.nodeName, spec.restartPolicy, spec.schedulerName, spec.serviceAccountName,
 * status.phase, status.podIP, status.nominatedNodeName; events: involvedObject.{kind,
 * namespace,name,uid,apiVersion,resourceVersion,fieldPath}, reason, reportingComponent,
 * source, type; nodes: spec.unschedulable; namespaces: status.phase.  A missing field
 * compares as "" (so `spec.nodeName=` selects unscheduled pods).
 * Contract: pure functions; parse errors return NULL with a message in err that quotes the
 * offending text, like the API server's ('unable to parse requirement: ...',
 * 'field label not supported: foo').  An empty or NULL string parses to a selector that
 * matches everything.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/resources.h"

struct sim_labelsel;
struct sim_fieldsel;

struct sim_labelsel *sim_labelsel_parse(const char *s, char *err, size_t errlen);
/* labels: the object's metadata.labels (a JSON object) or NULL. */
bool sim_labelsel_match(const struct sim_labelsel *sel, const json_t *labels);
void sim_labelsel_free(struct sim_labelsel *sel);

struct sim_fieldsel *sim_fieldsel_parse(const struct sim_resource_info *r, const char *s,
					char *err, size_t errlen);
bool sim_fieldsel_match(const struct sim_fieldsel *sel, const json_t *obj);
void sim_fieldsel_free(struct sim_fieldsel *sel);

#endif
