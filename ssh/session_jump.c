/* ssh/session_jump: ProxyJump inside an ssh/session (moved out of session.c, same
 * behaviour).  A session reached through a jump host waits (S_JUMP) for the jump host's
 * own session, which opens a direct-tcpip channel to the target and pumps it to a
 * socketpair (ssh/jump); the target's session then runs over that socketpair from the
 * handshake on.  Failures of the jump host name it ("jump host NAME: ..."). */
#include "ssh/session_int.h"

#include "core/xalloc.h"
#include "ssh/jump.h"

#include <stdio.h>
#include <string.h>

/* What messages call the jump host of s. */
const char *ssh_jump_name(const struct ssh_session *s)
{
	const struct ssh_target *j = s->jump_target;
	return j->name ? j->name : j->address;
}

/* The pump's end of the tunnel socketpair (a jump host's session). */
static void ssh_watch_pump(struct ssh_session *s, int events)
{
	if (events == s->pump_watched)
		return;
	if (events)
		loop_watch_fd(s->loop, jump_pump_fd(s->pump), events, ssh_on_fd, s);
	else
		loop_unwatch_fd(s->loop, jump_pump_fd(s->pump));
	s->pump_watched = events;
}

/* The jump host's tunnel is open: run this session over fd from the handshake on (the
 * socketpair is writable at once, so the loop starts it). */
static void ssh_on_jump_ready(struct ssh_session *s, int fd)
{
	s->fd = fd;
	s->via = true;
	ssh_enter(s, S_HANDSHAKE);
	ssh_watch(s, LOOP_WRITE);
}

/* The jump host's session ended (it only ends by failing): so does this one, naming the
 * hop.  Runs inside j's ssh_finish; finishing s frees j, which j's caller allows. */
void ssh_jump_done(struct ssh_session *j, void *ud)
{
	struct ssh_session *s = ud;
	enum ssh_fail f = j->fail == SSH_OK ? SSH_FAIL_CONNECT : j->fail;
	/* An encrypted key of the jump host: the console's passphrase prompt names it, and
	 * the passphrase typed for this host is handed on to the jump hosts. */
	if (j->fail == SSH_FAIL_AUTH && j->locked_identity && !s->locked_identity)
		s->locked_identity = xstrdup(j->locked_identity);
	if (j->tunnel_phase) {
		s->via = true;
		ssh_finish(s, f, "%s", j->message);
	} else if (strncmp(j->message, "jump host ", 10) == 0) {
		ssh_finish(s, f, "%s", j->message); /* a hop further back already named itself */
	} else {
		ssh_finish(s, f, "jump host %s: %s", ssh_jump_name(s), j->message);
	}
}

/* A jump host's session, authenticated: the direct-tcpip channel to the target. */
bool ssh_jump_fwd_open(struct ssh_session *s)
{
	s->chan = libssh2_channel_direct_tcpip_ex(s->ssh, s->fwd_host, s->fwd_port, "127.0.0.1", 22);
	if (!s->chan) {
		if (libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_EAGAIN) {
			ssh_wait(s);
			return false;
		}
		/* libssh2 keeps the server's reason code, not its text: "connect failed" is
		 * OpenSSH's answer to a refused, unreachable or unresolvable target. */
		const char *why = ssh_lib_error(s);
		if (strstr(why, "connect failed"))
			ssh_finish(s, SSH_FAIL_REFUSED, "connection refused by %s port %d (%s: %s)",
				   s->fwd_host, s->fwd_port, s->address, why);
		else if (strstr(why, "prohibited"))
			ssh_finish(s, SSH_FAIL_CONNECT, "%s does not allow a tunnel to %s port %d "
				   "(AllowTcpForwarding?): %s", s->address, s->fwd_host, s->fwd_port, why);
		else
			ssh_finish(s, SSH_FAIL_CONNECT, "opening a tunnel to %s port %d: %s", s->fwd_host,
				   s->fwd_port, why);
		return false;
	}
	char err[256];
	int peer = -1;
	s->pump = jump_pump_new(s->ssh, s->chan, &peer, err, sizeof(err));
	if (!s->pump) {
		ssh_finish(s, SSH_FAIL_CONNECT, "tunnel to %s port %d: %s", s->fwd_host, s->fwd_port, err);
		return false;
	}
	/* No deadline while tunnelling: the target's session keeps its own per phase. */
	if (s->timer) {
		loop_cancel_timer(s->loop, s->timer);
		s->timer = 0;
	}
	s->state = S_PUMP;
	ssh_on_jump_ready(s->ud, peer);
	return true;
}

/* A jump host's session: moves what can move, then waits on both fds. */
void ssh_jump_pump(struct ssh_session *s)
{
	int ssh_ev = 0, sock_ev = 0;
	char err[256];
	if (jump_pump_run(s->pump, &ssh_ev, &sock_ev, err, sizeof(err)) == JUMP_PUMP_ERROR) {
		ssh_finish(s, SSH_FAIL_CONNECT, "tunnel to %s port %d: %s", s->fwd_host, s->fwd_port, err);
		return;
	}
	/* CLOSED leaves both unwatched: the target's session ends on its own and frees us. */
	ssh_watch(s, ssh_ev);
	ssh_watch_pump(s, sock_ev);
}
