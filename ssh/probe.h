#ifndef SSH_PROBE_H
#define SSH_PROBE_H
/* ssh/probe: a TCP connect probe of host:port from the console's side (runbook 002's
 * "telnet host port" database check), non-blocking on the event loop.
 * Contract: resolves with ssh/resolve, tries each address until one connects, closes the
 * connection at once (nothing is sent).  The callback runs exactly once from a loop
 * callback, unless probe_free comes first.  Result names the failure: DNS, connection
 * refused, timeout (timeout_ms for the whole probe), or another connect error.
 */
#include "tui/loop.h"

enum probe_result { PROBE_PENDING, PROBE_OK, PROBE_DNS, PROBE_REFUSED, PROBE_TIMEOUT, PROBE_ERROR };

struct probe;
typedef void (*probe_fn)(struct probe *p, void *ud);

struct probe *probe_start(struct loop *loop, const char *host, int port, int timeout_ms,
			  probe_fn fn, void *ud);
void probe_free(struct probe *p);

enum probe_result probe_get_result(const struct probe *p);
/* "open", or what failed ("connection refused", "timeout after 5 s", "DNS: ..."). */
const char *probe_message(const struct probe *p);
long long probe_elapsed_ms(const struct probe *p);
/* "ok", "DNS", "connection refused", "timeout", "error", "pending". */
const char *probe_result_name(enum probe_result r);

#endif
