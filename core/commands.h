#ifndef CORE_COMMANDS_H
#define CORE_COMMANDS_H
/* core/commands: THE command table.  Every action and view change is a named command;
 * key bindings (keymaps/), the ':' palette, `-c COMMAND` and the '?' help screen all come
 * from this one table, so a command added here is bindable, runnable and documented.
 *
 * COMMAND_TABLE(X): X(ID, "name", ARG_SHAPE, mutates, "help text")
 *   ARG_SHAPE: CMD_ARG_NONE (no argument), CMD_ARG_TEXT (rest of the line, may be empty),
 *              CMD_ARG_NAME (one required word: a namespace, a context...).
 *   mutates:   true when the command changes the cluster (none yet); such commands will
 *              pass the request layer's gate (read-only mode, confirmation, audit).
 * Contract: commands_parse never fails silently: on error it returns -1 and writes a
 * message naming the offending word.  Pure: no I/O, no curses.
 */
#include <stdbool.h>
#include <stddef.h>

enum cmd_arg { CMD_ARG_NONE, CMD_ARG_TEXT, CMD_ARG_NAME };

#define COMMAND_TABLE(X) \
	X(QUIT, "quit", CMD_ARG_NONE, false, "Quit warroom") \
	X(HELP, "help", CMD_ARG_NONE, false, "Show this help: commands and their keys") \
	X(PODS, "pods", CMD_ARG_NONE, false, "Focus the pods pane") \
	X(NODES, "nodes", CMD_ARG_NONE, false, "Focus the nodes pane") \
	X(NEXT_PANE, "next-pane", CMD_ARG_NONE, false, "Move the focus to the next pane") \
	X(ZOOM, "zoom", CMD_ARG_NONE, false, "Toggle full-screen for the focused pane") \
	X(FILTER, "filter", CMD_ARG_TEXT, false, "Show only rows containing TEXT (empty: all)") \
	X(NS, "ns", CMD_ARG_NAME, false, "Switch namespace (NAME, or 'all' for every namespace)") \
	X(REFRESH, "refresh", CMD_ARG_NONE, false, "Re-list everything from the server now") \
	X(MOVE_UP, "move-up", CMD_ARG_NONE, false, "Select the previous row") \
	X(MOVE_DOWN, "move-down", CMD_ARG_NONE, false, "Select the next row") \
	X(PAGE_UP, "page-up", CMD_ARG_NONE, false, "Move the selection one page up") \
	X(PAGE_DOWN, "page-down", CMD_ARG_NONE, false, "Move the selection one page down") \
	X(MOVE_TOP, "move-top", CMD_ARG_NONE, false, "Select the first row") \
	X(MOVE_BOTTOM, "move-bottom", CMD_ARG_NONE, false, "Select the last row") \
	X(PROMPT_FILTER, "prompt-filter", CMD_ARG_NONE, false, "Type a filter for the focused pane") \
	X(PROMPT_COMMAND, "prompt-command", CMD_ARG_NONE, false, "Open the ':' command prompt") \
	X(CANCEL, "cancel", CMD_ARG_NONE, false, "Close help, clear the filter")

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

#endif
