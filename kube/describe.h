#ifndef KUBE_DESCRIBE_H
#define KUBE_DESCRIBE_H
/* kube/describe: the describe view's text, built from a pod or node object (JSON, as
 * GET /api/v1/namespaces/NS/pods/NAME or /api/v1/nodes/NAME returns it) and the object's
 * events (an EventList).  Shaped like `kubectl describe`: identity, status, conditions,
 * per container the state and the LAST STATE with reason, exit code, times and message
 * (runbook 001: the crash reason one key away), then the events, Warning first.
 *
 * Also parses the command argument ("pod/NAME", "pod/NS/NAME", "node/NAME", "po/..",
 * "no/..") and builds the API paths to fetch.
 *
 * Contract: curses-free and pure (time is passed in).  Lines hold RAW server text: the
 * caller sanitises before drawing or printing (a multi-line message is split into one
 * line per source line, so newlines never reach the sanitiser).  describe_build never
 * crashes on bad input: JSON that is not the expected object yields -1 and a message;
 * missing fields are shown as "<none>" or left out.
 */
#include "core/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum describe_kind { DESCRIBE_POD, DESCRIBE_NODE };

struct describe_target {
	enum describe_kind kind;
	char ns[64];      /* pods only */
	char name[254];
};

struct describe_line {
	char *text;                /* raw, one terminal line's worth of source text */
	enum model_severity sev;   /* SEV_BAD/WARN lines are highlighted */
};

struct describe {
	struct describe_line *lines;
	size_t n, cap;
};

/* Parses "KIND/NAME" or "pod/NS/NAME" (KIND: pod, pods, po, node, nodes, no).  A pod
 * without a namespace takes default_ns; NULL there (all namespaces) is an error asking
 * for pod/NS/NAME.  Names are checked (DNS subdomain: a-z 0-9 '-' '.', at most 253) before
 * they go into a URL.  Returns 0, or -1 with a message naming what was wrong. */
int describe_parse_target(const char *arg, const char *default_ns, struct describe_target *out,
			  char *err, size_t errcap);

/* "/api/v1/namespaces/NS/pods/NAME" or "/api/v1/nodes/NAME". */
void describe_object_path(const struct describe_target *t, char *out, size_t cap);
/* The object's events: ".../events?fieldSelector=involvedObject.name%3DNAME,..." */
void describe_events_path(const struct describe_target *t, char *out, size_t cap);

void describe_init(struct describe *d);
void describe_free(struct describe *d);
/* Appends one line (raw text; split on newlines, each piece indented like the first). */
void describe_add(struct describe *d, enum model_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Builds the lines for object JSON `obj` (kind per t->kind) and EventList JSON `events`
 * (NULL when the events could not be fetched: events_err says why, or NULL).
 * Returns 0, or -1 with a message when obj is not a usable object of that kind. */
int describe_build(struct describe *d, enum describe_kind kind, const char *obj, size_t objlen,
		   const char *events, size_t evlen, const char *events_err, time_t now,
		   char *err, size_t errcap);

#endif
