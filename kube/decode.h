#ifndef KUBE_DECODE_H
#define KUBE_DECODE_H
/* kube/decode: Kubernetes JSON (lists, single objects, Status) -> core/model structs,
 * for every resource the informers follow (enum kube_resource).
 *
 * A list page is read item by item (decode_stream, also as it arrives from the network),
 * each item is reduced to the compact fields the panes need and upserted into the model,
 * and its jansson tree is freed: nothing of it outlives the call.
 * Contract: never trusts the input: a body that is not JSON, not the expected kind, or
 * a Status object yields -1 and a message ("not JSON at line 1 column 3: ...",
 * "expected PodList, got Status: pods is forbidden ..."); items lacking metadata.name are
 * skipped (counted in `skipped`).  Strings are copied raw; panes sanitise for display.
 */
#include "core/model.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The resources warroom follows, and how to reach and decode them. */
enum kube_resource {
	KUBE_PODS, KUBE_NODES, KUBE_DEPLOYMENTS, KUBE_STATEFULSETS, KUBE_EVENTS, KUBE_NAMESPACES,
	KUBE_NRESOURCES
};

/* "pods", "nodes", "deployments", "statefulsets", "events", "namespaces". */
const char *decode_resource_name(enum kube_resource r);
/* Object kind ("Pod") and list kind ("PodList"). */
const char *decode_resource_kind(enum kube_resource r);
const char *decode_resource_list_kind(enum kube_resource r);
/* API group path prefix: "/api/v1" or "/apis/apps/v1". */
const char *decode_resource_prefix(enum kube_resource r);
bool decode_resource_namespaced(enum kube_resource r);

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
/* The pod fields the log pane needs, written to the caller's buffers (cut at their
 * capacity) and pointed to from *out: labels "k=v,...", container names "a,b", and the
 * newest container termination "exit 1: message" (lastState.terminated). */
void decode_pod_extra(const json_t *pod, struct model_pod *out, char *labels, size_t lcap,
		      char *containers, size_t ccap, char *last_exit, size_t ecap);
/* The drift pane's field: spec.containers images "repo:tag,..." written to images (cut at
 * icap) and pointed to from out->images. */
void decode_pod_images(const json_t *pod, struct model_pod *out, char *images, size_t icap);

/* Parses a list page of resource r (kind checked) and upserts every item; as above
 * (decode_stream over the whole body). */
int decode_list(enum kube_resource r, const char *buf, size_t len, struct model *m,
		struct decode_meta *meta, char *err, size_t errcap);

/* A list page decoded as its body arrives, in chunks of any size: each item is upserted
 * as soon as it is complete, without a tree of the whole page.
 * - The kind is checked when it arrives (the API server sends it first); items that
 *   come before it are held and applied by decode_stream_finish once it has matched.
 * - decode_stream_meta() is the list metadata as soon as it is complete (the API server
 *   sends it before the items), so the next page can be asked for early; NULL until then.
 * - A syntax error, a wrong kind or a bad item fails the stream at once (-1, err as for
 *   decode_list, with line and column in the whole body); items before it may already
 *   be in the model, as from an earlier page: callers treat the list as incomplete.
 * - decode_stream_finish() checks the body was complete, reports a Status body ("expected
 *   PodList, got Status: MESSAGE") and fills *meta. */
struct decode_stream;
struct decode_stream *decode_stream_new(enum kube_resource r, struct model *m);
/* Forgets the page so far: the next feed starts a new body. */
void decode_stream_reset(struct decode_stream *s);
int decode_stream_feed(struct decode_stream *s, const char *data, size_t len, char *err, size_t errcap);
const struct decode_meta *decode_stream_meta(const struct decode_stream *s);
/* Items upserted so far in this page. */
size_t decode_stream_items(const struct decode_stream *s);
int decode_stream_finish(struct decode_stream *s, struct decode_meta *meta, char *err, size_t errcap);
void decode_stream_free(struct decode_stream *s);
/* Applies one object of resource r to the model: upsert, or delete by its name when
 * `deleted`.  Returns -1 (model untouched) when it has no metadata.name.  If rv is not
 * NULL it receives metadata.resourceVersion ("" if absent). */
int decode_apply(enum kube_resource r, const json_t *obj, bool deleted, struct model *m,
		 char *rv, size_t rvcap);
/* Snapshot bracket of resource r in the model (see core/model.h); ns limits the sweep
 * of namespaced resources (NULL: all namespaces). */
void decode_begin_snapshot(enum kube_resource r, struct model *m);
void decode_end_snapshot(enum kube_resource r, struct model *m, const char *ns);

/* Fills *out from a Deployment or StatefulSet; names point into `obj`, images and
 * selector are written to the caller's buffers (cut at their capacity). */
int decode_workload(const json_t *obj, enum model_workload_kind kind, struct model_workload *out,
		    char *images, size_t icap, char *selector, size_t scap);
int decode_event(const json_t *obj, struct model_event *out);
int decode_namespace(const json_t *obj, struct model_namespace *out);

/* One JSON value of any type from buf[0..len) as a jansson tree, with the same values and
 * errors as json_loadb(buf, len, JSON_DECODE_ANY, error) (error may be NULL; line and
 * column count bytes), about eight times faster on Kubernetes objects.  Nodes come from
 * jansson's allocator (decode_stream points it at an arena while it parses an item). */
json_t *decode_json_loadb(const char *buf, size_t len, json_error_t *error);

/* For an error response body: the Status object's "message" (or reason), else a short
 * description of the body ("empty body", "non-JSON body").  Raw text, not sanitised. */
void decode_status_message(const char *buf, size_t len, char *out, size_t cap);

/* RFC 3339 "2024-05-01T12:00:00Z" (fractions and offsets accepted) -> time_t; 0 if bad. */
time_t decode_time(const char *s);

#endif
