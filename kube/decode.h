#ifndef KUBE_DECODE_H
#define KUBE_DECODE_H
/* kube/decode: Kubernetes JSON (PodList, NodeList, Status) -> core/model structs.
 *
 * A list page is parsed, each item is reduced to the compact fields the panes need and
 * upserted into the model, and the jansson tree is freed: nothing of it outlives the call.
 * Contract: never trusts the input: a body that is not JSON, not the expected kind, or
 * a Status object yields -1 and a message ("not JSON at line 1 column 3: ...",
 * "expected PodList, got Status: pods is forbidden ..."); items lacking metadata.name are
 * skipped (counted in `skipped`).  Strings are copied raw; panes sanitise for display.
 */
#include "core/model.h"

#include <jansson.h>
#include <stddef.h>

struct decode_meta {
	char cont[1024];             /* metadata.continue, "" on the last page */
	char resource_version[64];   /* metadata.resourceVersion of the list */
	size_t items;                /* items upserted */
	size_t skipped;              /* items without a usable metadata.name */
};

/* Parses a PodList page and upserts its pods. */
int decode_pod_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		    char *err, size_t errcap);
/* Parses a NodeList page and upserts its nodes. */
int decode_node_list(const char *buf, size_t len, struct model *m, struct decode_meta *meta,
		     char *err, size_t errcap);

/* Fills *out from one pod object; strings point into `pod` (valid while it lives).
 * Returns -1 when metadata.name is missing. */
int decode_pod(const json_t *pod, struct model_pod *out);
int decode_node(const json_t *node, struct model_node *out);

/* For an error response body: the Status object's "message" (or reason), else a short
 * description of the body ("empty body", "non-JSON body").  Raw text, not sanitised. */
void decode_status_message(const char *buf, size_t len, char *out, size_t cap);

/* RFC 3339 "2024-05-01T12:00:00Z" (fractions and offsets accepted) -> time_t; 0 if bad. */
time_t decode_time(const char *s);

#endif
