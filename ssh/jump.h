#ifndef SSH_JUMP_H
#define SSH_JUMP_H
/* ssh/jump: ProxyJump.  Two halves:
 *
 * 1. Resolution (jump_resolve): a ProxyJump spec as OpenSSH writes it, "bastion",
 *    "ops@bastion:2222", "ssh://ops@bastion:2222", "[fe80::1]:22" or a chain "a,b", becomes a
 *    linked list of ssh_target hops: the result is the LAST hop (the one the target is
 *    reached through) and each hop's ->jump is the hop before it.  A hop naming a host of
 *    warroom's config takes that entry's address/port/user/identity (the spec's user and
 *    port win); any other hop is looked up in ~/.ssh/config (HostName, User, Port,
 *    IdentityFile), then defaults (port 22, the local user, ~/.ssh/id_ed25519|id_ecdsa|
 *    id_rsa that exist).  As with OpenSSH, the first hop's own jump (config `jump:` or
 *    ~/.ssh/config ProxyJump) is followed; later hops' own jumps are not.  At most
 *    JUMP_MAX_HOPS hops: a longer chain (a ProxyJump loop in ~/.ssh/config) is an error.
 *    Every hop's name (for messages) is its spec element as written.
 *
 * 2. The pump (jump_pump_*): moves bytes between a direct-tcpip channel of the jump
 *    host's session and one end of a socketpair whose other end is the target session's
 *    "socket", so that session runs unchanged over the tunnel.  Both directions have
 *    bounded buffers; it never blocks (EAGAIN on either side just stops that direction)
 *    and says which fd events it waits for.
 * Contract: pure apart from reading ~/.ssh/config (resolution) and non-blocking I/O on
 * the fds it was given or made (pump).
 */
#include "core/config.h"
#include "ssh/session.h"

#include <libssh2.h>
#include <stdbool.h>
#include <stddef.h>

enum { JUMP_MAX_HOPS = 8, JUMP_BUF = 64 * 1024 };

struct jump_opts {
	const struct config *cfg;     /* hosts a hop may name; NULL: none */
	const char *ssh_config;       /* path of ~/.ssh/config (missing file: empty) */
	const char *home;             /* for "~/" and default identities */
	const char *local_user;       /* default user */
	const char *known_hosts;      /* copied into every hop */
	const char *agent_socket;     /* copied into every hop; NULL: no agent */
	int timeout_ms;               /* per phase, copied into every hop */
};

/* Resolves spec into hops (owned: free with jump_target_free).  NULL with err naming the
 * hop and problem ("ProxyJump \"a,,b\": empty hop") on a bad spec or a too-long chain.
 * "none" and "" are not hops: callers skip them. */
struct ssh_target *jump_resolve(const char *spec, const struct jump_opts *o, char *err, size_t cap);

/* A deep copy of t and its whole ->jump list (every string copied). */
struct ssh_target *jump_target_dup(const struct ssh_target *t);
/* Frees a copy or a resolution, with its ->jump list; secrets are wiped first. */
void jump_target_free(struct ssh_target *t);

struct jump_pump;

/* Creates the socketpair (both ends non-blocking, close-on-exec): *peer_fd is the end
 * the target session uses (the caller owns it).  NULL with err on failure. */
struct jump_pump *jump_pump_new(LIBSSH2_SESSION *ssh, LIBSSH2_CHANNEL *chan, int *peer_fd,
				char *err, size_t cap);
/* The pump's own end of the socketpair (to watch). */
int jump_pump_fd(const struct jump_pump *p);

enum jump_pump_state { JUMP_PUMP_RUNNING, JUMP_PUMP_CLOSED, JUMP_PUMP_ERROR };

/* Moves data both ways until nothing more can move now.  RUNNING: wait for *ssh_events
 * on the jump session's socket and *sock_events on jump_pump_fd (LOOP_READ/LOOP_WRITE
 * bits, either may be 0).  CLOSED: both directions ended.  ERROR: the channel failed
 * (err says how). */
enum jump_pump_state jump_pump_run(struct jump_pump *p, int *ssh_events, int *sock_events,
				   char *err, size_t cap);
/* Closes the pump's socket end; the channel stays the caller's. */
void jump_pump_free(struct jump_pump *p);

#endif
