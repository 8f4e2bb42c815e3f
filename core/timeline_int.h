#ifndef CORE_TIMELINE_INT_H
#define CORE_TIMELINE_INT_H
/* core/timeline internals shared by timeline.c (storage) and timeline_observe.c
 * (observation, export).  Not for other modules. */
#include "core/timeline.h"

/* Last known abnormal state of ctx/obj, "" when normal or unknown. */
/* Sets it; NULL or "" removes it. */
void timeline_state_set(struct timeline *tl, const char *ctx, const char *obj, const char *state);
size_t timeline_state_count(const struct timeline *tl);
/* Entry i of the map in key order: key is "ctx|object". */
void timeline_state_at(const struct timeline *tl, size_t i, const char **key, const char **val);

/* A new entry with a fresh id (kind, ctx, object, event, text, state copied; count 1). */
struct timeline_entry *timeline_entry_new(struct timeline *tl, long long now, const char *kind,
					  const char *ctx, const char *object, const char *event,
					  const char *text, const char *state);
struct timeline_entry *timeline_entry_copy(const struct timeline_entry *e);
/* Appends e to the file (fsync'd) and to memory (replacing an entry with its id); applies
 * its state.  Takes ownership.  0, or -1 with err (e is kept in memory anyway). */
int timeline_commit(struct timeline *tl, struct timeline_entry *e, char *err, size_t cap);

#endif
