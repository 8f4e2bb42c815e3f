#ifndef SIM_STORE_H
#define SIM_STORE_H
/* sim/store: warroom-sim's object store, watch history and change notification.
 *
 * Contract:
 * - Every API object is a jansson object owned by the store, keyed by resource, namespace
 *   ("" for cluster-scoped) and name.  Stored objects are IMMUTABLE: a reader may keep one
 *   past the lock with json_incref; a writer builds a new object (usually json_deep_copy of
 *   the current one), changes it and hands it to store_put, which takes ownership.
 * - One resourceVersion counter for all resources, as etcd has.  store_put and store_delete
 *   stamp metadata.resourceVersion (a decimal string) with the next value and append a watch
 *   event {type, object} to a bounded history ring.
 * - store_put on a new key fills metadata.uid, metadata.creationTimestamp (RFC 3339, UTC,
 *   seconds) and metadata.generation=1 when absent; on an existing key it keeps uid and
 *   creationTimestamp and increments metadata.generation when "spec" changed.
 * - All functions except store_new/store_free must be called with the lock held
 *   (store_lock/store_unlock).  store_wait releases it while waiting.  One mutex serialises
 *   the HTTP threads and the controller: hold it briefly.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sim/resources.h"

struct sim_store;

enum sim_event_type { SIM_ADDED, SIM_MODIFIED, SIM_DELETED };

struct sim_watch_event {
	uint64_t rv;
	enum sim_res res;
	enum sim_event_type type;
	json_t *obj; /* a reference owned by whoever filled the struct (see store_events_since) */
};

/* history_cap: how many watch events are kept before the oldest are forgotten (410 Gone). */
struct sim_store *store_new(size_t history_cap);
void store_free(struct sim_store *s);
void store_lock(struct sim_store *s);
void store_unlock(struct sim_store *s);

/* The resourceVersion of the latest change (what a list reports). */
uint64_t store_rv(const struct sim_store *s);

/* Borrowed reference valid while the lock is held; NULL when absent.  ns is ignored for
 * cluster-scoped resources and may be NULL. */
json_t *store_get(struct sim_store *s, enum sim_res res, const char *ns, const char *name);

/* Creates or replaces the object named by obj's metadata.namespace/metadata.name (takes
 * ownership of obj) and emits ADDED or MODIFIED.  Returns the stored object (borrowed). */
json_t *store_put(struct sim_store *s, enum sim_res res, json_t *obj);

/* Removes an object and emits DELETED carrying the object with a new resourceVersion.
 * Returns 0, or -1 when absent. */
int store_delete(struct sim_store *s, enum sim_res res, const char *ns, const char *name);

/* Number of objects of res in namespace ns (NULL = every namespace). */
size_t store_count(struct sim_store *s, enum sim_res res, const char *ns);

/* Fills *out with a new array of borrowed references to the objects of res in namespace
 * ns (NULL = all), sorted by (namespace, name); returns the count.  free(*out) when done
 * (before unlocking if the references are not increfed). */
size_t store_list(struct sim_store *s, enum sim_res res, const char *ns, json_t ***out);

/* The compact JSON text of a stored object (exactly json_dumps(obj, JSON_COMPACT), no
 * newline), made on first use and kept until the object is replaced or deleted, so list
 * pages are built by concatenation.  obj must be an object the store holds now (from
 * store_get or store_list); the text is borrowed, valid while the lock is held.  *len
 * receives its length. */
const char *store_json(struct sim_store *s, const json_t *obj, size_t *len);

/* Watch history.  Copies into out[0..max) the events of res (ns NULL = all namespaces) with
 * rv > since, oldest first, each obj increfed (the caller decrefs).  Returns the count, or
 * -1 when `since` is older than the history window (the client must get 410 Gone). */
int store_events_since(struct sim_store *s, enum sim_res res, const char *ns, uint64_t since,
		       struct sim_watch_event *out, int max);

/* Forgets the whole history (the `expire` fault): watches whose position is older than the
 * current rv get -1 from store_events_since, and open watches end with 410. */
void store_compact(struct sim_store *s);
/* Counters that open watches compare against to notice `expire` and `drop-watches`. */
uint64_t store_compact_gen(const struct sim_store *s);
uint64_t store_drop_gen(const struct sim_store *s);
/* The `drop-watches` fault: every open watch stream is closed by the server. */
void store_drop_watches(struct sim_store *s);

/* Waits until the rv moves past `rv`, a drop/compact happens, store_notify is called, or
 * the CLOCK_MONOTONIC `deadline` passes.  The lock is released while waiting. */
void store_wait(struct sim_store *s, uint64_t rv, const struct timespec *deadline);
/* Wakes every store_wait. */
void store_notify(struct sim_store *s);

/* Helpers for writers. */
const char *sim_obj_name(const json_t *obj);      /* metadata.name or "" */
const char *sim_obj_namespace(const json_t *obj); /* metadata.namespace or "" */
/* RFC 3339 UTC timestamp with seconds ("2026-11-21T09:53:00Z") into buf (>= 21 bytes). */
void sim_format_time(time_t t, char *buf, size_t len);

#endif
