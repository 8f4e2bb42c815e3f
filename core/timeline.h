#ifndef CORE_TIMELINE_H
#define CORE_TIMELINE_H
/* core/timeline: the incident timeline, written while the incident happens.
 *
 * Entries are observations (a pod entered CrashLoopBackOff, a node went NotReady, a
 * workload's ready count dropped below desired, a service or host changed state, a
 * connection was lost) and actions (read from the audit trail, core/audit.h).  Each has a
 * time, a context (kube context or host) and an object.
 *
 * Storage: one file per incident, $STATE/warroom/incidents/NAME.jsonl ($STATE as in
 * core/audit: XDG_STATE_HOME or ~/.local/state), one JSON object per line, appended with
 * one write(2) on an O_APPEND descriptor and fdatasync'ed, so a SIGKILL loses nothing
 * already observed.  `incident start NAME` makes NAME current (recorded in the file
 * `current` beside them); without one the incident is the local day, "YYYY-MM-DD".
 * Lines: {"id","time" (RFC 3339 UTC),"ctx","kind" ("observed"|"action"|"note"),"object",
 * "event","text","count","state","objects":[member keys],"origin" (host name)}.
 *
 * Folding: the members of one group (the pods of one deployment) making the same
 * transition within TIMELINE_FOLD_SECONDS make one entry with a count.  A fold that grows
 * is appended again under the same id: a later line replaces an earlier one with the same
 * id on load, so the file stays append-only.
 *
 * Restart: loading replays the entries, which rebuilds both the list and the last known
 * state of every object, so what was already recorded is not recorded twice.  Merge: lines
 * from another machine's file are appended unless their id is known; the export drops an
 * entry that repeats one from another origin (same context, object and event within
 * TIMELINE_FOLD_SECONDS).
 *
 * Contract: no curses, no network.  Every line read is checked; a malformed line is
 * skipped and counted (bad_lines), never fatal.
 */
#include "core/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { TIMELINE_FOLD_SECONDS = 120 };

struct timeline_entry {
	char *id;
	long long time;       /* seconds since the epoch */
	char *ctx;            /* kube context, host name, or "" */
	char *kind;           /* "observed", "action", "note" */
	char *object;         /* "deployment/ns/web", "node/n1", "host/web1", "service/api" */
	char *event;          /* "pods entered Unknown", "NotReady", "red-button: ok" */
	char *text;           /* the sentence shown and exported */
	char *state;          /* the members' state after the event; "" = back to normal */
	char *origin;         /* machine that observed it */
	char **objects;       /* member keys (state map keys without ctx) */
	size_t nobjects;
	int count;            /* members folded into this entry */
};

struct timeline_state;  /* last known abnormal state per object, private */

struct timeline {
	char *dir;            /* incidents directory */
	char *name;           /* current incident name */
	char *path;           /* dir/name.jsonl */
	struct timeline_entry **entries; /* in time order (stable) */
	size_t nentries, capentries;
	struct timeline_state *st;
	char origin[128];
	unsigned long seq;    /* for ids */
	long long since;      /* first entry's time: audit records before it are not ours */
	long audit_offset;    /* bytes of the audit file already read */
	char *audit_path;
	size_t bad_lines;     /* malformed lines skipped on load/merge */
	unsigned long version; /* bumped on every change, for the pane */
};

/* The incidents directory for state root `state_dir` (NULL: XDG_STATE_HOME/warroom or
 * ~/.local/state/warroom).  NULL with err when none can be found.  Caller frees. */
char *timeline_default_dir(const char *state_dir, char *err, size_t cap);

/* Opens the current incident in dir (from dir/current, else the local day at `now`) and
 * loads it.  audit_path: the audit trail to read actions from (NULL: none).  0, or -1
 * with err (directory cannot be created, file cannot be read). */
int timeline_open(struct timeline *tl, const char *dir, const char *audit_path, long long now,
		  char *err, size_t cap);
void timeline_close(struct timeline *tl);
/* Follows the current incident: when dir/current names another incident (started or
 * ended by another warroom, e.g. `warroom run 'incident start X'`) or, without one, the
 * local day changed, that incident is loaded.  1 when it switched, 0 when not, -1 (err)
 * when the new file cannot be read. */
int timeline_follow(struct timeline *tl, long long now, char *err, size_t cap);

/* `incident start NAME`: NAME (letters, digits, '.', '_', '-'; 1-64 bytes) becomes
 * current and is loaded; a note entry records the start.  `incident end`: a note entry,
 * then the daily incident is current again.  0, or -1 with err. */
int timeline_incident_start(struct timeline *tl, const char *name, long long now, char *err,
			    size_t cap);
int timeline_incident_end(struct timeline *tl, long long now, char *err, size_t cap);

/* Compares the model with the last known state of context ctx and records transitions
 * (pods, nodes, workloads).  Call when the model's sources are in sync: an object missing
 * from the model counts as gone.  Returns the number of entries written or grown, -1 on a
 * write error (err). */
int timeline_observe_model(struct timeline *tl, const struct model *m, const char *ctx,
			   long long now, char *err, size_t cap);

/* Records that `object` in ctx is now in `state` (NULL or "": normal) when that differs
 * from the last known state: a matrix service down, a host over its disk threshold, a
 * connection lost.  text: the sentence (NULL: built from object and state).  Returns 1
 * when recorded, 0 when unchanged, -1 on a write error. */
int timeline_observe_state(struct timeline *tl, const char *ctx, const char *object,
			   const char *state, const char *text, long long now, char *err, size_t cap);
/* The last known state of `obj` in ctx as timeline_observe_state recorded it; "" when
 * normal or never seen.  Valid until the next change of the timeline. */
const char *timeline_state_get(const struct timeline *tl, const char *ctx, const char *obj);

/* Records a one-off entry (kind "note", or "action"). 0 or -1 with err. */
int timeline_note(struct timeline *tl, const char *kind, const char *ctx, const char *object,
		  const char *text, long long now, char *err, size_t cap);

/* Reads audit records appended since the last call (from tl->audit_path) and records the
 * final result of each action (not "attempted") not older than the incident.  Returns the
 * number of entries added, -1 with err when the file cannot be read (missing: 0). */
int timeline_ingest_audit(struct timeline *tl, char *err, size_t cap);

/* Appends the entries of another machine's file that are not already here (by id).
 * Returns the number added, -1 with err. */
int timeline_merge_file(struct timeline *tl, const char *path, char *err, size_t cap);

/* Writes the incident as Markdown in the shape of a postmortem: title, Summary
 * (placeholder), Timeline (### headings per minute, date on the first of each day, times
 * in the local zone, zone named), Actions taken, Action items (placeholder). */
void timeline_export_markdown(const struct timeline *tl, FILE *out);

/* Parses one JSON line into a new entry (NULL with err when malformed).  For tests. */
struct timeline_entry *timeline_entry_parse(const char *line, char *err, size_t cap);
void timeline_entry_free(struct timeline_entry *e);

/* The group a pod belongs to, for folding: "deployment/NS/NAME" or "statefulset/NS/NAME"
 * of a workload whose selector matches its labels, else "pods/NS/PREFIX" from its name
 * (the name without the ReplicaSet hash and pod suffix).  Writes to out. */
void timeline_pod_group(const struct model *m, const struct model_pod *p, char *out, size_t cap);

#endif
