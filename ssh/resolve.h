#ifndef SSH_RESOLVE_H
#define SSH_RESOLVE_H
/* ssh/resolve: name resolution that never blocks the event loop.
 *
 * Numeric addresses are converted at once (AI_NUMERICHOST, no I/O) and reported from a
 * 0 ms timer; names go to one short-lived thread per request running getaddrinfo, which
 * signals the loop through a socketpair.  The callback always runs on the loop thread,
 * never from inside resolve_start.
 * Contract: the callback runs exactly once unless the request is cancelled first; it owns
 * `res` (freeaddrinfo) and the request is freed right after it returns.  resolve_cancel
 * may be called any time before the callback; a thread still in getaddrinfo finishes on
 * its own and frees its half.  gai_err is 0 or a getaddrinfo error (gai_strerror).
 */
#include "tui/loop.h"

#include <netdb.h>

struct resolve_req;

typedef void (*resolve_fn)(struct addrinfo *res, int gai_err, void *ud);

/* Resolves host for TCP port `port` (AF_UNSPEC).  Returns the request handle. */
struct resolve_req *resolve_start(struct loop *loop, const char *host, int port, resolve_fn fn,
				  void *ud);
/* Forgets the request: the callback will not run. */
void resolve_cancel(struct resolve_req *req);

#endif
