#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H
/* core/xalloc: allocation that never returns NULL.
 * Contract: on exhaustion these print "warroom: out of memory (N bytes)" to stderr and
 * abort(); callers never check for NULL.  xstrdup(NULL) and xstrndup(NULL, n) return NULL.
 * Shared by warroom and warroom-sim (the only code the two share). */
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `size` bytes, doubling; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
