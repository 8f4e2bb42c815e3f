#ifndef SSH_CHECKS_H
#define SSH_CHECKS_H
/* ssh/checks: parsers for what the host checks print, turned into compact structs.
 *   df -P        -> mounts with size, used, available and use %
 *   pm2 jlist    -> processes: name, pm_id, status, restarts, start time, cpu, memory
 *   uptime       -> load averages
 *   free -b      -> memory total / used / available
 * Contract: pure, no I/O; input is arbitrary bytes from a remote host (never trusted, not
 * NUL-terminated, may be huge).  Each parser returns 0, or -1 with a one-line reason in
 * err naming the line or field that was wrong; never crashes.  Strings kept are copies
 * of the raw remote text (sanitise before showing: tui/text).  pm2's environment section
 * (pm2_env.env and every other field not listed above) is never copied: it holds secrets.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum { CHECKS_MAX_INPUT = 64 << 20, CHECKS_MAX_ROWS = 10000 };

struct df_mount {
	char *fs;                /* "Filesystem" column */
	long long size_kb;       /* 1024-blocks */
	long long used_kb;
	long long avail_kb;
	int use_pct;             /* Capacity without '%'; -1 when df prints "-" */
	char *mount;             /* "Mounted on": the rest of the line, spaces kept */
};

struct df_table {
	struct df_mount *v;
	size_t n;
};

/* Parses `df -P` output (header line first; 512- or 1024-blocks).  Lines that do not
 * parse are an error naming the line number. */
int checks_parse_df(const char *text, size_t len, struct df_table *out, char *err, size_t cap);
void checks_free_df(struct df_table *t);

struct pm2_proc {
	char *name;
	long long pm_id;
	char *status;            /* pm2_env.status: online, stopped, errored, launching... */
	long long restarts;      /* pm2_env.restart_time */
	long long started_ms;    /* pm2_env.pm_uptime: epoch ms of the last start; 0 unknown */
	double cpu;              /* monit.cpu, percent */
	long long memory;        /* monit.memory, bytes */
};

struct pm2_list {
	struct pm2_proc *v;
	size_t n;
};

/* Parses `pm2 jlist`: any text before the first '[' (pm2's daemon start-up chatter) and
 * after the array is ignored.  Missing optional fields keep 0/NULL; a missing name is an
 * error naming the array index. */
int checks_parse_pm2(const char *text, size_t len, struct pm2_list *out, char *err, size_t cap);
void checks_free_pm2(struct pm2_list *l);
/* The same from a decoded JSON array (jansson's json_t; pm2's RPC reply carries the list
 * as JSON inside its frame): `what` names the source in errors ("pm2 jlist"). */
struct json_t;
int checks_pm2_from_json(const struct json_t *list, const char *what, struct pm2_list *out,
			 char *err, size_t cap);

/* The error helper of every parser here, for parsers built on them (ssh/pm2_rpc): writes
 * prefix, then the formatted reason, into err (when err and cap), and returns -1. */
int checks_failv(char *err, size_t cap, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

struct load_info {
	bool has_load;
	double load1, load5, load15;
	bool has_mem;
	long long mem_total, mem_used, mem_avail; /* bytes */
};

/* Parses `uptime` ("... load average: 0.52, 0.58, 0.59"; BSD "load averages:" too). */
int checks_parse_uptime(const char *text, size_t len, struct load_info *out, char *err, size_t cap);
/* Parses `free -b` (the "Mem:" line; "available" column when present, else free). */
int checks_parse_free(const char *text, size_t len, struct load_info *out, char *err, size_t cap);

#endif
