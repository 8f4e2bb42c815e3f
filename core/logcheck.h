#ifndef CORE_LOGCHECK_H
#define CORE_LOGCHECK_H
/* core/logcheck: the argument language of the `logs` and `logcheck` commands, and the
 * verdict of a log check.
 *
 *   logs TARGET [-c CONTAINER] [--tail N] [--since D] [--grep RE] [--follow|-f]
 *               [--previous|-p] [--timestamps] [--max-lines N]
 *   logcheck TARGET REGEX [--expect N|>=N|<=N] [--tail N] [--since D] [-c CONTAINER]
 *               [--ignore-case|-i]
 * Words are split like a shell does it: blanks separate, '...' and "..." quote (backslash
 * escapes in "..." and outside quotes).  D is a duration: 30s, 15m, 1h, 2h30m, 1d.
 *
 * A check counts, per pod, the lines (of the pod's containers, within the tail/since
 * window) that match REGEX (POSIX extended), then counts the pods with at least one
 * matching line and compares that number with the expectation (default >=1).  The SOP
 * check "exactly one pod logs `Running as the leader.*ClusterManager`" is
 *   logcheck deployment/managed-services-api 'Running as the leader.*ClusterManager' --expect 1
 * Contract: pure (no I/O); errors name the offending word.
 */
#include "core/logbuf.h"

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* Splits line into at most max words (each at most wcap bytes) in words[]; returns the
 * count, or -1 with err (unterminated quote, too many or too long words). */
int logcheck_split(const char *line, char (*words)[512], size_t max, char *err, size_t errcap);

/* "90s" "15m" "1h" "2h30m" "1d" -> seconds; -1 when malformed or not positive. */
long logcheck_duration(const char *s);

struct logs_args {
	char target[512];
	char container[64];
	long tail;              /* -1: server default (all) */
	long since_s;           /* 0: none */
	char grep[512];         /* "" none */
	bool follow, previous, timestamps;
	long max_lines;         /* --max-lines N: the ring's cap in lines, 0: default */
	bool all;               /* the whole log when no --tail/--since (the console
				 * otherwise starts from the last 500 lines, as kubectl -f does not) */
};
int logcheck_parse_logs(const char *args, struct logs_args *out, char *err, size_t errcap);

enum logcheck_op { LOGCHECK_EQ, LOGCHECK_GE, LOGCHECK_LE };

struct logcheck_spec {
	char target[512];
	char container[64];
	char pattern[512];
	enum logcheck_op op;
	long expect;
	long tail;              /* -1: all */
	long since_s;
	bool icase;
	regex_t re;             /* compiled by logcheck_parse */
	bool compiled;
};
/* Parses and compiles; 0, or -1 with err.  Free with logcheck_spec_free. */
int logcheck_parse(const char *args, struct logcheck_spec *spec, char *err, size_t errcap);
void logcheck_spec_free(struct logcheck_spec *spec);
/* ">=1", "1", "<=2". */
void logcheck_format_expect(const struct logcheck_spec *spec, char *out, size_t cap);

struct logcheck_pod {
	char *ns, *pod;
	long lines;             /* lines looked at */
	long matches;           /* of which matched */
};
struct logcheck_result {
	struct logcheck_pod *pods;
	size_t npods, cap;
	long matching_pods;     /* pods with matches > 0 */
	bool pass;
};
void logcheck_result_init(struct logcheck_result *r);
void logcheck_result_free(struct logcheck_result *r);
/* Makes sure pod ns/name is listed (a pod without any line still counts as 0). */
void logcheck_add_pod(struct logcheck_result *r, const char *ns, const char *pod);
/* Counts every line of lb by pod and sets matching_pods and pass. */
void logcheck_evaluate(const struct logcheck_spec *spec, const struct logbuf *lb,
		       struct logcheck_result *r);
/* The verdict as text, pods sorted by name, raw pod names (sanitise before display):
 *   PASS logcheck deployment/x 'RE': 1 pod matching (expected 1)
 *     x-1   2 matching lines of 40
 *     x-2   0 matching lines of 38
 * Always NUL-terminates. */
void logcheck_report(const struct logcheck_spec *spec, const struct logcheck_result *r, char *out,
		     size_t cap);

#endif
