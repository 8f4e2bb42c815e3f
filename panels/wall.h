#ifndef PANELS_WALL_H
#define PANELS_WALL_H
/* panels/wall: the view-model of the wall screen (`warroom --watch`, tui/watch).
 *
 * Per context it turns the model into a summary strip (nodes ready/total, pods
 * unhealthy, deployments/statefulsets degraded, matrix services down, and with --config
 * hosts the SSH hosts over a disk threshold), a headline state
 * (OK / DEGRADED / DOWN, or STALE when the data cannot be trusted) and the list of what
 * is unhealthy, worst first, for the detail area.  It also renders a word in large block
 * letters, readable across a room.
 *
 * Headline rules (the worst applies):
 *   DOWN      a node is not Ready, a workload has no ready replica of those desired, or a
 *             matrix service is down / not found;
 *   DEGRADED  a pod is unhealthy, a workload has fewer ready replicas than desired, a
 *             matrix service is degraded, or an SSH host of --config cannot be polled
 *             (unreachable, host key unknown/changed, authentication) or has a mount at
 *             or over its critical disk threshold (hosts are shared by every context, so
 *             they never make a cluster DOWN);
 *   OK        none of that;
 *   STALE     the caller says the sources are stale or never synced: the colour is grey
 *             and the caller shows "stale since HH:MM" (never a frozen green).
 * Contract: curses-free and pure; every string taken from the model is sanitised here
 * (tui/text) before it lands in an output line.
 */
#include "core/model.h"
#include "ssh/hosts.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum wall_state { WALL_OK, WALL_DEGRADED, WALL_DOWN, WALL_STALE };

struct wall_counts {
	size_t nodes_ready, nodes_total;
	size_t pods_total, pods_unhealthy, pods_bad;   /* bad: SEV_BAD (crash, error, unknown) */
	size_t workloads_total, workloads_degraded, workloads_down;
	bool have_matrix;
	size_t services_total, services_down, services_degraded;
	bool have_hosts;
	size_t hosts_total;
	size_t hosts_disk_over;   /* worst mount at/over disk_warn (crit included) */
	size_t hosts_disk_crit;   /* worst mount at/over disk_crit */
	size_t hosts_failing;     /* last poll failed to connect/authenticate (wall_host_failing) */
};

/* Counts nodes, pods and workloads of m (matrix fields are left as they are). */
void wall_count_model(const struct model *m, struct wall_counts *c);
struct wall_problem;

/* Adds host st to the host counts of c (have_hosts is the caller's).  A host not polled
 * yet counts in hosts_total only. */
void wall_count_host(const struct host_status *st, struct wall_counts *c);
/* The worst disk level of st's mounts in its last poll (DISK_OK without df). */
enum disk_level wall_host_disk(const struct host_status *st);
/* Whether st's last poll failed before its checks could run (every failure but
 * SSH_FAIL_COMMAND, which still has the other checks' results). */
bool wall_host_failing(const struct host_status *st);
/* The problem line of host st when it is failing or over its critical disk threshold
 * (worst mount named), sanitised into out; false (out untouched) when it has none. */
bool wall_host_problem(const struct host_status *st, struct wall_problem *out);
/* The headline state of counts c; stale wins over everything. */
enum wall_state wall_state_of(const struct wall_counts *c, bool stale);
/* "OK", "DEGRADED", "DOWN", "STALE". */
const char *wall_state_word(enum wall_state s);

/* The summary strip, e.g. "nodes 3/3 ready  pods 2/40 unhealthy  workloads 1/12 degraded
 * services 0/5 down  hosts 1/3 over disk, 1 failing" (the services part only with a
 * matrix, the hosts part only with hosts, ", N failing" only when N > 0).  Always
 * NUL-terminates. */
void wall_format_strip(const struct wall_counts *c, char *out, size_t cap);

enum { WALL_BIG_ROWS = 5, WALL_BIG_BYTES = 512, WALL_LINE_BYTES = 256 };

/* Columns the word takes in block letters (letters of the headline words, space); 0 when
 * a character has no glyph. */
size_t wall_big_width(const char *word);
/* Renders word into WALL_BIG_ROWS lines of block characters ("█" with utf8, else '#').
 * Returns the width in columns, or 0 (rows untouched) when a character has no glyph. */
size_t wall_big_render(const char *word, bool utf8, char rows[WALL_BIG_ROWS][WALL_BIG_BYTES]);

/* One unhealthy object for the detail area: sanitised text, worst first. */
struct wall_problem {
	enum model_severity sev;
	char text[WALL_LINE_BYTES];
	time_t changes_at;   /* when the text changes with time alone (a pod's age); 0: never */
};
/* Fills at most max problems of m (nodes not ready, workloads below desired, unhealthy
 * pods), worst first, then by kind and name; returns how many (the total is in *total,
 * which may exceed max).  A pod's line shows its age: its changes_at says when that
 * text next changes (model_age_changes_at), so the wall can sleep until then. */
size_t wall_problems(const struct model *m, time_t now, struct wall_problem *out, size_t max, size_t *total);

/* "HH:MM" (local time) of t into out. */
void wall_format_hhmm(time_t t, char *out, size_t cap);

#endif
