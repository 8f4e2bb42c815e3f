#ifndef PANELS_TIMELINE_H
#define PANELS_TIMELINE_H
/* panels/timeline: the incident timeline (core/timeline) as a pane, the `incident`
 * command, and the console's recorder.
 *
 * The pane: one row per entry, oldest first (newest last), columns TIME (local),
 * CONTEXT, KIND, OBJECT, COUNT, WHAT; the pane filter (substring or ~regex over the
 * cells) narrows it by context or object.
 *
 * The recorder (console): a 1 s timer that reads new audit records, and, once every
 * informer is in sync, compares the model with the timeline (core/timeline), and records
 * a connection lost/regained when an informer reconnects or recovers.
 *
 * `incident` arguments: "" (where the timeline is), "start NAME", "end", "export [FILE]"
 * (Markdown, standard output without FILE), "merge FILE" (another machine's .jsonl).
 * Contract: no curses here.
 */
#include "core/commands.h"
#include "core/timeline.h"
#include "panels/pane.h"

#include <stdio.h>

struct app;
struct host_pm2_flags;
struct pm2_proc;

extern const struct pane_ops pane_timeline_ops;

/* Points pane p (initialised with pane_timeline_ops) at tl. */
void timeline_pane_attach(struct pane *p, struct timeline *tl);
/* pane_sync that also rebuilds when the timeline changed. */
bool timeline_pane_sync(struct pane *p, const struct model *m, time_t now);

/* Runs `incident ARG` on tl: messages (and the export without FILE) go to out.
 * 0, or -1 with err naming the word or file at fault. */
int timeline_incident_command(struct timeline *tl, const char *arg, long long now, FILE *out,
			      char *err, size_t cap);

/* The recorder's pm2 check for process pp of host (its flags from the last poll): a
 * restart count above the one last recorded for it, or flagged as rising by the poll, is
 * recorded once as "Host H: pm2 P restarts jumped from A to B" (state "restarts B").
 * Returns what timeline_observe_state does: 1 recorded, 0 not, -1 (err) write error. */
int timeline_observe_pm2(struct timeline *tl, const char *host, const struct pm2_proc *pp,
			 const struct host_pm2_flags *flags, long long now, char *err, size_t cap);

/* Console: opens app->timeline (state directory, audit trail of app->audit) and starts
 * the recorder; errors are returned (the console runs without a timeline).  stop: ends
 * the recorder and frees the timeline. */
int timeline_console_start(struct app *app, char *err, size_t cap);
void timeline_console_stop(struct app *app);
/* The console's timeline and its pane; NULL when the recorder is not running. */
struct timeline *timeline_console_timeline(struct app *app);
/* The last error of the recorder ("timeline: cannot write ...: No space left"), "" none. */
const char *timeline_console_error(const struct app *app);
struct pane *timeline_console_pane(struct app *app);

/* The console's view: shown (and no describe/logs over it); show/hide; a command while
 * it shows (movement, filter, cancel/quit/timeline close it): true when it took it, with
 * a message (error) in msg, "" for none.  page: rows per page. */
bool timeline_console_shown(const struct app *app);
void timeline_console_show(struct app *app, bool on);
bool timeline_console_exec(struct app *app, const struct command_call *call, size_t page, char *msg,
			   size_t cap);
/* `incident ARG` in the console: the first line of the answer (or the error) in msg;
 * `export` without FILE writes STATE/incidents/NAME.md.  0 or -1. */
int timeline_console_incident(struct app *app, const char *arg, char *msg, size_t cap);

/* `warroom run 'incident ...'` and `--batch --panel timeline`: exit status 0 or 2 after
 * printing why on stderr. */
int timeline_run_incident(struct app *app, const char *arg);
int timeline_run_panel(struct app *app);

#endif
