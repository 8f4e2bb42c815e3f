#ifndef SIM_TABLE_INT_H
#define SIM_TABLE_INT_H
/* sim/table_int: helpers shared by the Table printer's files (table.c, table_pod.c,
 * table_util.c).
 * Private to sim/table*; nothing else includes it.
 *
 * Contract: all readers tolerate any JSON shape (a field of the wrong type reads as
 * absent), because objects reach the printer from clients' PATCH and PUT bodies.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The value at a dotted path ("status.nodeInfo.kubeletVersion") or NULL. */
json_t *tbl_get(const json_t *o, const char *path);
/* The string at path, or "" when absent or not a string. */
const char *tbl_str(const json_t *o, const char *path);
/* The integer at path, or def when absent or not an integer. */
long long tbl_int(const json_t *o, const char *path, long long def);
/* Parses the RFC 3339 time at path (metav1.Time or MicroTime); false when absent/invalid. */
bool tbl_time(const json_t *o, const char *path, time_t *out);
/* kubectl's translateTimestampSince: the age of the time at path, "<unknown>" when absent.
 * Returns a new string. */
char *tbl_since(const json_t *o, const char *path, time_t now);

/* A growing string. */
struct tbl_buf {
	char *p;
	size_t n, cap;
};
void tbl_buf_add(struct tbl_buf *b, const char *s);
/* Returns the string (never NULL; "" when nothing was added); the buffer is reset. */
char *tbl_buf_take(struct tbl_buf *b);

/* The pod printer's row: cells for NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE
 * READINESS GATES, and the row conditions kubectl uses for completed pods (NULL if none). */
void tbl_pod_row(const json_t *pod, time_t now, json_t *cells, json_t **conditions);

#endif
