#ifndef CORE_COMMANDS_H
#define CORE_COMMANDS_H
/* core/commands: THE command table.  Every action and view change is a named command;
 * key bindings (keymaps/), the ':' palette, `-c COMMAND` and the '?' help screen all come
 * from this one table, so a command added here is bindable, runnable and documented.
 *
 * COMMAND_TABLE(X): X(ID, "name", ARG_SHAPE, mutates, "help text")
 *   ARG_SHAPE: CMD_ARG_NONE (no argument), CMD_ARG_TEXT (rest of the line, may be empty),
 *              CMD_ARG_NAME (one required word: a namespace, a context...).
 *   mutates:   true when the command changes the cluster; such commands pass the
 *              request layer's gate, kube/request (read-only mode, confirmation, audit).
 * Contract: commands_parse never fails silently: on error it returns -1 and writes a
 * message naming the offending word.  Pure: no I/O, no curses.
 */
#include <stdbool.h>
#include <stddef.h>

enum cmd_arg { CMD_ARG_NONE, CMD_ARG_TEXT, CMD_ARG_NAME };

#define COMMAND_TABLE(X) \
	X(QUIT, "quit", CMD_ARG_NONE, false, "Quit warroom (in the describe view: close it)") \
	X(HELP, "help", CMD_ARG_NONE, false, "Show this help: commands and their keys") \
	X(PODS, "pods", CMD_ARG_NONE, false, "Focus the pods pane") \
	X(NODES, "nodes", CMD_ARG_NONE, false, "Focus the nodes pane") \
	X(WORKLOADS, "workloads", CMD_ARG_NONE, false, "Focus the workloads pane (deployments, statefulsets)") \
	X(EVENTS, "events", CMD_ARG_NONE, false, "Focus the events pane (Warning first, newest first)") \
	X(DESCRIBE, "describe", CMD_ARG_TEXT, false, "Describe pod/NAME, pod/NS/NAME or node/NAME (none: the selection)") \
	X(NEXT_PANE, "next-pane", CMD_ARG_NONE, false, "Move the focus to the next pane") \
	X(ZOOM, "zoom", CMD_ARG_NONE, false, "Toggle full-screen for the focused pane") \
	X(FILTER, "filter", CMD_ARG_TEXT, false, "Show rows containing TEXT, or matching ~REGEX (empty: all)") \
	X(SORT, "sort", CMD_ARG_TEXT, false, "Sort the focused pane by COLUMN (none: unhealthy first)") \
	X(SORT_NEXT, "sort-next", CMD_ARG_NONE, false, "Sort the focused pane by its next column") \
	X(NS, "ns", CMD_ARG_NAME, false, "Switch namespace (NAME, or 'all' for every namespace)") \
	X(CTX, "ctx", CMD_ARG_NAME, false, "Switch to kubeconfig context NAME") \
	X(REFRESH, "refresh", CMD_ARG_NONE, false, "Re-list everything from the server now") \
	X(MOVE_UP, "move-up", CMD_ARG_NONE, false, "Select the previous row") \
	X(MOVE_DOWN, "move-down", CMD_ARG_NONE, false, "Select the next row") \
	X(PAGE_UP, "page-up", CMD_ARG_NONE, false, "Move the selection one page up") \
	X(PAGE_DOWN, "page-down", CMD_ARG_NONE, false, "Move the selection one page down") \
	X(MOVE_TOP, "move-top", CMD_ARG_NONE, false, "Select the first row") \
	X(MOVE_BOTTOM, "move-bottom", CMD_ARG_NONE, false, "Select the last row") \
	X(PROMPT_FILTER, "prompt-filter", CMD_ARG_NONE, false, "Type a filter for the focused pane") \
	X(PROMPT_COMMAND, "prompt-command", CMD_ARG_NONE, false, "Open the ':' command prompt") \
	X(CANCEL, "cancel", CMD_ARG_NONE, false, "Close help or describe, clear the filter") \
	X(LOGS, "logs", CMD_ARG_TEXT, false, "Tail logs of TARGET (pod/NAME, deployment/NAME, sts/NAME, -l SEL; none: the selection)") \
	X(LOGCHECK, "logcheck", CMD_ARG_TEXT, false, "Count pods whose logs match: KIND/NAME REGEX [--expect N|>=N|<=N]") \
	X(LOG_PAUSE, "log-pause", CMD_ARG_NONE, false, "Logs: pause or resume following (keeps receiving)") \
	X(LOG_SEARCH, "log-search", CMD_ARG_TEXT, false, "Logs: search and highlight REGEX, jump to the newest match") \
	X(SEARCH_NEXT, "search-next", CMD_ARG_NONE, false, "Logs: next (newer) search match") \
	X(SEARCH_PREV, "search-prev", CMD_ARG_NONE, false, "Logs: previous (older) search match") \
	X(LOG_GREP, "log-grep", CMD_ARG_TEXT, false, "Logs: show only lines matching REGEX (empty: all)") \
	X(LOG_EXCLUDE, "log-exclude", CMD_ARG_TEXT, false, "Logs: hide lines matching REGEX (empty: none)") \
	X(LOG_CONTEXT, "log-context", CMD_ARG_TEXT, false, "Logs: show N lines around log-grep matches (0: none)") \
	X(LOG_WRAP, "log-wrap", CMD_ARG_NONE, false, "Logs: wrap long lines on or off") \
	X(LOG_TIMESTAMPS, "log-timestamps", CMD_ARG_NONE, false, "Logs: show timestamps on or off") \
	X(SCROLL_LEFT, "scroll-left", CMD_ARG_NONE, false, "Logs: scroll left (not wrapping)") \
	X(SCROLL_RIGHT, "scroll-right", CMD_ARG_NONE, false, "Logs: scroll right (not wrapping)") \
	X(LOG_SAVE, "log-save", CMD_ARG_TEXT, false, "Logs: save the buffer (or the filtered view) to FILE") \
	X(SCALE, "scale", CMD_ARG_TEXT, true, "Scale KIND/NAME (deployment, statefulset) to N replicas") \
	X(RESTART, "restart", CMD_ARG_TEXT, true, "Rollout restart KIND/NAME: new pods replace the old ones") \
	X(DELETE, "delete", CMD_ARG_TEXT, true, "Delete pod/NAME; --force: grace 0 (stuck on a NotReady node)") \
	X(CORDON, "cordon", CMD_ARG_TEXT, true, "Mark NODE unschedulable (none: the selected node)") \
	X(UNCORDON, "uncordon", CMD_ARG_TEXT, true, "Mark NODE schedulable again (none: the selected node)") \
	X(DRAIN, "drain", CMD_ARG_TEXT, true, "Cordon NODE and evict its pods (not DaemonSet or mirror pods)") \
	X(RED_BUTTON, "red-button", CMD_ARG_TEXT, true, "Emergency shutdown: every deployment of the namespace to 0, counts recorded") \
	X(RESTORE, "restore", CMD_ARG_TEXT, true, "Undo the red button: statefulsets, then (once ready) deployments") \
	X(HOSTS, "hosts", CMD_ARG_NONE, false, "Focus the hosts pane (SSH hosts of --config)") \
	X(SSH, "ssh", CMD_ARG_TEXT, false, "ssh HOST df|pm2|refresh, or an action: docker-gc, docker-restart, pm2-restart NAME, pm2-logs NAME, ACTION (actions pass the gate)") \
	X(SSH_CANCEL, "ssh-cancel", CMD_ARG_NONE, false, "Cancel the running SSH action") \
	X(MATRIX, "matrix", CMD_ARG_NONE, false, "Show the service-to-symptom matrix: health of each service and what users see") \
	X(SYMPTOM, "symptom", CMD_ARG_TEXT, false, "Rank the services whose symptoms match TEXT (words, \"quoted fragments\")") \
	X(RUNBOOK, "runbook", CMD_ARG_TEXT, false, "Show the runbook of SERVICE (none: the selected one): steps, escalations, links") \
	X(INCIDENT, "incident", CMD_ARG_TEXT, false, "Incident timeline: start NAME, end, export [FILE] (Markdown postmortem), merge FILE") \
	X(TIMELINE, "timeline", CMD_ARG_NONE, false, "Show the incident timeline (newest last; filter by context or object)") \
	X(DRIFT, "drift", CMD_ARG_NONE, false, "Show deployment drift: spec images vs the images pods run, Helm releases (failed/pending flagged)")

enum cmd_id {
#define COMMAND_ENUM(id, name, arg, mut, help) CMD_##id,
	COMMAND_TABLE(COMMAND_ENUM)
#undef COMMAND_ENUM
	CMD__COUNT
};

struct command_info {
	enum cmd_id id;
	const char *name;
	enum cmd_arg arg;
	bool mutates;
	const char *help;
};

/* The table, CMD__COUNT entries in declaration order. */
extern const struct command_info commands_table[CMD__COUNT];

/* A parsed command line: id plus its argument (empty string when none). */
struct command_call {
	enum cmd_id id;
	char arg[256];
};

/* Finds a command by exact name; NULL when unknown. */
const struct command_info *commands_find(const char *name, size_t len);

/* Parses "NAME [ARG...]" (leading/trailing blanks ignored).  Returns 0, or -1 with a
 * message in err ("unknown command 'x'", "'ns' needs a NAME", "'quit' takes no
 * argument", "argument too long"). */
int commands_parse(const char *line, struct command_call *out, char *err, size_t errcap);

/* Completion for the palette: the unique command name extending prefix, or the longest
 * common extension of several, written to out; returns the number of matches. */
size_t commands_complete(const char *prefix, char *out, size_t cap);

/* What the argument of a command is, for the palette's completion and the help screen. */
enum cmd_complete {
	CMD_COMPLETE_NONE,
	CMD_COMPLETE_NAMESPACE,   /* namespaces known to the model, and "all" */
	CMD_COMPLETE_OBJECT,      /* pod/NAME, pod/NS/NAME, node/NAME */
	CMD_COMPLETE_COLUMN,      /* column names of the focused pane */
	CMD_COMPLETE_CONTEXT,     /* kubeconfig contexts */
};
enum cmd_complete commands_arg_completion(enum cmd_id id);
/* Argument shown in help and usage ("NAME|all", "[COLUMN]"), "" for none. */
const char *commands_arg_name(enum cmd_id id);

/* Completes `prefix` against candidate words (case-sensitive): writes the unique match,
 * or the longest common extension of several, to out; returns the number of matches
 * (0: out = prefix).  A candidate equal to the previous match counts once. */
size_t commands_complete_word(const char *prefix, const char *const *cands, size_t n, char *out,
			      size_t cap);

#endif
