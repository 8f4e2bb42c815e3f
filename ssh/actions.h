#ifndef SSH_ACTIONS_H
#define SSH_ACTIONS_H
/* ssh/actions: remediation commands on a host (runbook 002), and their live runs.
 *
 * Built-in actions:
 *   docker-gc        docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/etc spotify/docker-gc
 *   docker-restart   sudo -n service docker restart   (-n: no tty to type a sudo password into;
 *                    sudo fails at once instead of hanging)
 *   pm2-restart NAME pm2 restart 'NAME'
 *   pm2-logs NAME    pm2 logs 'NAME' --raw --lines 100  (streams until cancelled; read-only)
 * plus the host's user-defined actions (core/config: command, sudo, confirm, description).
 * A NAME is checked where it enters (pm2 process names: letters, digits, . _ - @ :) and
 * single-quoted anyway.
 *
 * A run is one ssh/session with no read deadline whose output is split into lines as it
 * arrives (kept: the last ACTIONS_MAX_LINES, at most ACTIONS_MAX_BYTES of text, each line
 * cut at 4 KiB).  It ends with an exit
 * status, a named connection failure, or "cancelled" (actions_run_cancel).
 * Contract: pure planning (actions_plan) has no I/O; the run's callback fires from loop
 * callbacks only: on every new output and once more when it ends.
 */
#include "core/config.h"
#include "ssh/session.h"
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum { ACTIONS_MAX_LINES = 5000, ACTIONS_LINE_MAX = 4096, ACTIONS_MAX_BYTES = 2 << 20 };

struct action_plan {
	char name[64];           /* "docker-gc", "pm2-restart", a user action's name */
	char arg[128];           /* NAME for pm2-restart / pm2-logs, "" otherwise */
	char *command;           /* the remote command line */
	bool mutates;
	bool confirm;            /* ask first (mutating built-ins always do) */
	char description[256];
};

/* Plans `verb [arg]` on host h.  0, or -1 with err ("build-server does not offer
 * docker-gc", "pm2-restart needs a process NAME", "'a b' is not a pm2 process name"). */
int actions_plan(const struct config_host *h, const char *verb, const char *arg,
		 struct action_plan *out, char *err, size_t cap);
void actions_plan_free(struct action_plan *p);

/* Names of the actions host h offers, for help and completion; returns how many were
 * written (at most cap). */
size_t actions_list(const struct config_host *h, const char **out, size_t cap);

enum action_state { ACTION_RUNNING, ACTION_DONE, ACTION_FAILED, ACTION_CANCELLED };

struct action_run;
typedef void (*action_fn)(void *ud, struct action_run *r);

/* Starts `command` on target now (strings copied; target.no_read_timeout forced). */
struct action_run *actions_run_start(struct loop *loop, const struct ssh_target *target,
				     const char *host, const char *title, const char *command,
				     action_fn fn, void *ud);
/* Stops a running action (the channel and connection are closed; the remote command
 * gets SIGHUP as with a closed ssh); state becomes ACTION_CANCELLED, fn is called. */
void actions_run_cancel(struct action_run *r);
void actions_run_free(struct action_run *r);

enum action_state actions_run_state(const struct action_run *r);
const char *actions_run_title(const struct action_run *r);   /* "build-server: docker-gc" */
const char *actions_run_host(const struct action_run *r);
int actions_run_exit(const struct action_run *r);            /* -1 unknown */
/* "running 12s", "exit 0 after 3.2 s", "timeout: ...", "cancelled after 4.0 s". */
void actions_run_status(const struct action_run *r, char *out, size_t cap);
long long actions_run_elapsed_ms(const struct action_run *r);
size_t actions_run_nlines(const struct action_run *r);
/* Line i (0 = oldest kept), raw remote text (sanitise before showing); stderr lines are
 * flagged. */
const char *actions_run_line(const struct action_run *r, size_t i, bool *is_stderr);

#endif
