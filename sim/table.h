#ifndef SIM_TABLE_H
#define SIM_TABLE_H
/* sim/table: the server-side Table (meta.k8s.io/v1) that kubectl asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
 *
 * Contract: pure functions of their input (no store access, no clock except `now`).
 * Columns and cells are those `kubectl get` prints for each resource (priority 0) and
 * `-o wide` adds (priority 1); the pod STATUS cell is computed as the Kubernetes pod
 * printer does.  This is the simulator's own implementation, deliberately independent of
 * warroom's (tests compare the two).
 */
#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "sim/resources.h"

/* Builds a Table for `items` (a JSON array of objects of resource r).  with_columns: emit
 * columnDefinitions (watch events after the first omit them).  include_object: "None",
 * "Metadata" (default: PartialObjectMetadata in each row) or "Object".  Returns a new
 * reference; metadata.resourceVersion/continue are left for the caller to set. */
json_t *sim_table_build(const struct sim_resource_info *r, json_t *items, bool with_columns,
			const char *include_object, time_t now);

/* The STATUS kubectl prints for a pod object (exposed for tests). buf >= 64 bytes. */
void sim_table_pod_status(const json_t *pod, char *buf, size_t len);

/* Age as kubectl prints it ("5s", "3m2s", "22h", "5d3h", "2y") for t relative to now. */
void sim_table_age(time_t t, time_t now, char *buf, size_t len);

#endif
