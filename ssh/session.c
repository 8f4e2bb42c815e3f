/* ssh/session: the per-connection state machine on a non-blocking libssh2 session (see
 * session.h).  ssh_step() runs the machine until a call would block, then re-arms the fd
 * watcher from libssh2_session_block_directions(); every entry point (fd ready, resolve
 * done, phase timer) goes through it.  Authentication lives in ssh/auth.c, requests to
 * unix sockets in ssh/channel_unix.c (shared inside: ssh/session_int.h). */
#include "ssh/session_int.h"
#include "ssh/ssh2_lazy.h"

#include "core/xalloc.h"
#include "ssh/jump.h"
#include "ssh/keyfile.h"
#include "ssh/known_hosts.h"
#include "ssh/resolve.h"

#include <errno.h>
#include <libssh2.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const ssh_phase_names[] = {
	[S_RESOLVE] = "DNS lookup", [S_CONNECT] = "connect", [S_HANDSHAKE] = "handshake",
	[S_AUTH_LIST] = "authentication", [S_AUTH_PROBE] = "authentication",
	[S_AUTH_AGENT] = "authentication",
	[S_AUTH_KEY] = "authentication", [S_AUTH_PASSWORD] = "authentication",
	[S_AUTH_KBD] = "authentication", [S_CHAN_OPEN] = "opening a channel for",
	[S_EXEC] = "starting", [S_READ] = "reading the output of", [S_CLOSE] = "closing",
	[S_FREE_CHAN] = "closing", [S_DONE] = "done", [S_JUMP] = "jump host",
	[S_FWD_OPEN] = "opening a tunnel", [S_PUMP] = "tunnel",
};


const char *ssh_fail_name(enum ssh_fail f)
{
	switch (f) {
	case SSH_OK: return "ok";
	case SSH_FAIL_DNS: return "DNS";
	case SSH_FAIL_REFUSED: return "connection refused";
	case SSH_FAIL_TIMEOUT: return "timeout";
	case SSH_FAIL_HOSTKEY_UNKNOWN: return "host key unknown";
	case SSH_FAIL_HOSTKEY_CHANGED: return "host key changed";
	case SSH_FAIL_AUTH: return "authentication failed";
	case SSH_FAIL_COMMAND: return "command failed";
	case SSH_FAIL_CONNECT: return "connection failed";
	}
	return "connection failed";
}


/* Tears the connection down without blocking: after shutdown() every libssh2 send/recv
 * fails at once instead of returning EAGAIN, so the frees below cannot stall. */
static void ssh_teardown(struct ssh_session *s, bool polite)
{
	if (s->timer) {
		loop_cancel_timer(s->loop, s->timer);
		s->timer = 0;
	}
	if (s->yield_timer) {
		loop_cancel_timer(s->loop, s->yield_timer);
		s->yield_timer = 0;
	}
	if (s->resolve) {
		resolve_cancel(s->resolve);
		s->resolve = NULL;
	}
	if (s->fd >= 0 && s->watched) {
		loop_unwatch_fd(s->loop, s->fd);
		s->watched = 0;
	}
	if (s->jump) {
		ssh_session_free(s->jump);
		s->jump = NULL;
	}
	if (s->pump) {
		if (s->pump_watched)
			loop_unwatch_fd(s->loop, jump_pump_fd(s->pump));
		s->pump_watched = 0;
		jump_pump_free(s->pump);
		s->pump = NULL;
	}
	if (s->ssh && polite)
		(void)libssh2_session_disconnect(s->ssh, "warroom: done");
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
	agent_probe_free(s->probe);
	s->probe = NULL;
	if (s->agent) {
		libssh2_agent_disconnect(s->agent);
		libssh2_agent_free(s->agent);
		s->agent = NULL;
	}
	if (s->chan) {
		for (int i = 0; i < 3 && libssh2_channel_free(s->chan) == LIBSSH2_ERROR_EAGAIN; i++)
			;
		s->chan = NULL;
	}
	if (s->ssh) {
		for (int i = 0; i < 3 && libssh2_session_free(s->ssh) == LIBSSH2_ERROR_EAGAIN; i++)
			;
		s->ssh = NULL;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	if (s->addrs) {
		freeaddrinfo(s->addrs);
		s->addrs = s->cur_addr = NULL;
	}
}


void ssh_finish(struct ssh_session *s, enum ssh_fail fail, const char *fmt, ...)
{
	s->fail = fail;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->message, sizeof(s->message), fmt, ap);
		va_end(ap);
	}
	if (fail != SSH_OK && s->via) {
		char *msg = xasprintf("via %s: %s", ssh_jump_name(s), s->message);
		snprintf(s->message, sizeof(s->message), "%s", msg);
		free(msg);
	}
	ssh_teardown(s, fail == SSH_OK);
	s->state = S_DONE;
	s->finished = true;
	s->end_ms = loop_now_ms();
	if (s->done)
		s->done(s, s->ud);
}

const char *ssh_lib_error(struct ssh_session *s)
{
	char *msg = NULL;
	int len = 0;
	if (!s->ssh || libssh2_session_last_error(s->ssh, &msg, &len, 0) == 0 || !msg)
		return "unknown error";
	return msg;
}

/* What a failed libssh2 call means in words an operator acts on, followed by libssh2's
 * own text: "the server closed the connection (transport read)".  libssh2's texts alone
 * ("Failed getting banner", "transport read") do not say that the host went away or is
 * not an SSH server at all. */
void ssh_lib_failure(struct ssh_session *s, char *out, size_t cap)
{
	const char *lib = ssh_lib_error(s);
	const char *what = NULL;
	switch (s->ssh ? libssh2_session_last_errno(s->ssh) : 0) {
	case LIBSSH2_ERROR_BANNER_RECV:
		what = "no SSH banner: not an SSH server, or it closed the connection";
		break;
	case LIBSSH2_ERROR_SOCKET_DISCONNECT:
	case LIBSSH2_ERROR_SOCKET_RECV:
	case LIBSSH2_ERROR_SOCKET_SEND:
		what = "the server closed the connection";
		break;
	case LIBSSH2_ERROR_KEX_FAILURE:
	case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE:
		what = "key exchange failed (connection closed, or no common algorithm)";
		break;
	case LIBSSH2_ERROR_PROTO:
		what = "protocol error";
		break;
	}
	/* A connection closed during the key exchange leaves only the text to go by
	 * (the error code is the generic socket one). */
	if (!what && strstr(lib, "exchange encryption keys"))
		what = "key exchange failed (connection closed, or no common algorithm)";
	if (what)
		snprintf(out, cap, "%s (%s)", what, lib);
	else
		snprintf(out, cap, "%s", lib);
}

static long ssh_on_timeout(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct ssh_session *s = ud;
	s->timer = 0;
	const char *phase = ssh_phase_names[s->state];
	if (s->state == S_FWD_OPEN)
		ssh_finish(s, SSH_FAIL_TIMEOUT, "%s port %d: no answer within %d s (opening a tunnel "
			   "through %s)", s->fwd_host, s->fwd_port, s->timeout_ms / 1000, s->address);
	else if (s->state == S_RESOLVE)
		ssh_finish(s, SSH_FAIL_DNS, "DNS lookup of %s: no answer within %d s", s->address,
			   s->timeout_ms / 1000);
	else if (s->cmd_i < s->ncmds && s->state >= S_CHAN_OPEN)
		ssh_finish(s, SSH_FAIL_TIMEOUT, "%s:%d: no answer within %d s (%s '%s')", s->address,
			   s->port, s->timeout_ms / 1000, phase, s->cmds[s->cmd_i].text);
	else
		ssh_finish(s, SSH_FAIL_TIMEOUT, "%s:%d: no answer within %d s (%s)", s->address, s->port,
			   s->timeout_ms / 1000, phase);
	return LOOP_TIMER_STOP;
}

/* Enters a new phase: its deadline starts now. */
void ssh_enter(struct ssh_session *s, enum ssh_state st)
{
	bool new_phase = st == S_RESOLVE || st == S_CONNECT || st == S_HANDSHAKE ||
			 st == S_AUTH_LIST || st == S_CHAN_OPEN || st == S_FWD_OPEN;
	s->state = st;
	if (!new_phase)
		return;
	if (s->timer)
		loop_cancel_timer(s->loop, s->timer);
	s->timer = loop_add_timer(s->loop, s->timeout_ms, ssh_on_timeout, s);
}

void ssh_on_fd(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)fd;
	(void)revents;
	ssh_step(ud);
}

void ssh_watch(struct ssh_session *s, int events)
{
	if (events == s->watched)
		return;
	if (events)
		loop_watch_fd(s->loop, s->fd, events, ssh_on_fd, s);
	else
		loop_unwatch_fd(s->loop, s->fd);
	s->watched = events;
}


/* After EAGAIN: wait for what libssh2 says it is blocked on. */
void ssh_wait(struct ssh_session *s)
{
	int dirs = libssh2_session_block_directions(s->ssh);
	int ev = 0;
	if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
		ev |= LOOP_READ;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		ev |= LOOP_WRITE;
	ssh_watch(s, ev ? ev : LOOP_READ);
}

/* A step that used up its read budget goes on here, after the loop ran its other work. */
static long ssh_on_yield(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct ssh_session *s = ud;
	s->yield_timer = 0;
	ssh_step(s);
	return LOOP_TIMER_STOP;
}

static void ssh_addr_text(const struct addrinfo *ai, char *out, size_t cap)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(out, cap, "?");
	else if (ai->ai_family == AF_INET6)
		snprintf(out, cap, "[%s]:%s", host, serv);
	else
		snprintf(out, cap, "%s:%s", host, serv);
}

/* Starts a non-blocking connect to the next address; finishes on the last failure. */
static void ssh_connect_next(struct ssh_session *s, int last_errno)
{
	for (; s->cur_addr; s->cur_addr = s->cur_addr->ai_next) {
		const struct addrinfo *ai = s->cur_addr;
		s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (s->fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
			ssh_enter(s, S_CONNECT);
			ssh_watch(s, LOOP_WRITE);
			return;
		}
		last_errno = errno;
		close(s->fd);
		s->fd = -1;
	}
	ssh_finish(s, last_errno == ECONNREFUSED ? SSH_FAIL_REFUSED :
		      last_errno == ETIMEDOUT ? SSH_FAIL_TIMEOUT : SSH_FAIL_CONNECT,
		   "connect %s port %d: %s", s->address, s->port,
		   strerror(last_errno ? last_errno : EHOSTUNREACH));
}

static void ssh_on_resolved(struct addrinfo *res, int gai_err, void *ud)
{
	struct ssh_session *s = ud;
	s->resolve = NULL;
	if (gai_err || !res) {
		if (res)
			freeaddrinfo(res);
		ssh_finish(s, SSH_FAIL_DNS, "DNS lookup of %s: %s", s->address,
			   gai_err ? gai_strerror(gai_err) : "no address");
		return;
	}
	s->addrs = s->cur_addr = res;
	ssh_connect_next(s, 0);
}

/* The libssh2 session, created when the byte stream is there (a socket or a tunnel). */
static bool ssh_lib_init(struct ssh_session *s)
{
	/* The abstract pointer lets the keyboard-interactive callback find s. */
	s->ssh = libssh2_session_init_ex(NULL, NULL, NULL, s);
	if (!s->ssh) {
		/* Most likely libssh2 itself could not be loaded (ssh/ssh2_lazy): say so. */
		const char *why = ssh2_lazy_load();
		ssh_finish(s, SSH_FAIL_CONNECT, "%s", why ? why : "libssh2_session_init failed");
		return false;
	}
	libssh2_session_set_blocking(s->ssh, 0);
	char pref[256];
	known_hosts_method_pref(s->ssh, s->known_hosts, s->address, s->port, pref, sizeof(pref));
	if (pref[0])
		(void)libssh2_session_method_pref(s->ssh, LIBSSH2_METHOD_HOSTKEY, pref);
	return true;
}

/* The socket became writable in S_CONNECT: connected, or the next address. */
static bool ssh_connected(struct ssh_session *s)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		ssh_enter(s, S_HANDSHAKE);
		return true;
	}
	loop_unwatch_fd(s->loop, s->fd);
	s->watched = 0;
	close(s->fd);
	s->fd = -1;
	char where[NI_MAXHOST + NI_MAXSERV + 8];
	ssh_addr_text(s->cur_addr, where, sizeof(where));
	s->cur_addr = s->cur_addr->ai_next;
	if (s->cur_addr) {
		ssh_connect_next(s, err);
		return false;
	}
	ssh_finish(s, err == ECONNREFUSED ? SSH_FAIL_REFUSED :
		      err == ETIMEDOUT ? SSH_FAIL_TIMEOUT : SSH_FAIL_CONNECT,
		   "connect %s (%s): %s", s->address, where, strerror(err));
	return false;
}

/* Host key check right after the handshake; false when the session ended. */
static bool ssh_check_hostkey(struct ssh_session *s)
{
	struct kh_verdict v;
	known_hosts_check_session(s->ssh, s->known_hosts, s->address, s->port, &v);
	size_t klen = 0;
	int ktype = 0;
	const char *key = libssh2_session_hostkey(s->ssh, &klen, &ktype);
	if (key && klen) {
		free(s->hostkey);
		s->hostkey = xmalloc(klen);
		memcpy(s->hostkey, key, klen);
		s->hostkey_len = klen;
		s->hostkey_type = ktype;
	}
	snprintf(s->fingerprint, sizeof(s->fingerprint), "%s", v.fingerprint);
	snprintf(s->key_type, sizeof(s->key_type), "%s", v.key_type);
	switch (v.result) {
	case KH_MATCH:
		return true;
	case KH_UNKNOWN:
		ssh_finish(s, SSH_FAIL_HOSTKEY_UNKNOWN,
			   "host key for %s port %d is not in %s: %s key fingerprint is %s", s->address,
			   s->port, s->known_hosts, v.key_type, v.fingerprint);
		return false;
	case KH_CHANGED:
		ssh_finish(s, SSH_FAIL_HOSTKEY_CHANGED, "%s; server now offers %s; refusing to connect",
			   v.message, v.fingerprint);
		return false;
	case KH_ERROR:
		break;
	}
	ssh_finish(s, SSH_FAIL_CONNECT, "host key check: %s", v.message);
	return false;
}



/* Appends a chunk to the kept output of a command: stdout up to SSH_MAX_OUTPUT, stderr
 * up to SSH_MAX_STDERR.  The buffer grows by doubling (50 MB arriving in 16 KiB chunks must
 * not mean thousands of copies).  false when stdout overflowed. */
static bool ssh_keep(char **buf, size_t *len, size_t *capacity, size_t limit, const char *data,
		     size_t n)
{
	size_t take = n < limit - *len ? n : limit - *len;
	if (*len + take + 1 > *capacity) {
		size_t want = *capacity ? *capacity : 4096;
		while (want < *len + take + 1)
			want *= 2;
		if (want > limit + 1)
			want = limit + 1;
		*buf = xrealloc(*buf, want);
		*capacity = want;
	}
	memcpy(*buf + *len, data, take);
	*len += take;
	(*buf)[*len] = '\0';
	return take == n;
}

/* S_READ: takes what both streams have, at most SSH_STEP_BUDGET bytes per ssh_step so a
 * command printing without pause cannot keep the loop (keys, other hosts, drawing) from
 * running: the rest is read from a 0 ms timer.  Output past SSH_MAX_OUTPUT is not read on:
 * the channel is closed (the remote command gets SIGPIPE as with a closed ssh) and the
 * result is marked truncated. */
static bool ssh_read(struct ssh_session *s)
{
	struct ssh_result *r = &s->results[s->cmd_i];
	char buf[16384];
	ssize_t n[2];
	for (int k = 0; k < 2; k++) {
		n[k] = libssh2_channel_read_ex(s->chan, k ? SSH_EXTENDED_DATA_STDERR : 0, buf, sizeof(buf));
		if (n[k] <= 0)
			continue;
		s->step_bytes += (size_t)n[k];
		if (s->output)
			s->output(s, s->output_ud, k, buf, (size_t)n[k]);
		else if (k == 1)
			(void)ssh_keep(&r->err, &r->errlen, &s->err_cap, SSH_MAX_STDERR, buf, (size_t)n[k]);
		else if (!ssh_keep(&r->out, &r->outlen, &s->out_cap, SSH_MAX_OUTPUT, buf, (size_t)n[k]))
			r->truncated = true;
	}
	if (r->truncated) {
		s->state = S_CLOSE;
		return true;
	}
	/* A daemon's socket stays open after its reply: the reply's own framing ends it. */
	const struct ssh_cmd_slot *c = &s->cmds[s->cmd_i];
	if (n[0] > 0 && c->reply_done && c->reply_done(r->out, r->outlen)) {
		s->state = S_CLOSE;
		return true;
	}
	if (n[0] > 0 || n[1] > 0) {
		s->requeue = 0;
		if (s->step_bytes < SSH_STEP_BUDGET)
			return true;
		if (!s->yield_timer)
			s->yield_timer = loop_add_timer(s->loop, 0, ssh_on_yield, s);
		return false;
	}
	for (int k = 0; k < 2; k++) {
		if (n[k] < 0 && n[k] != LIBSSH2_ERROR_EAGAIN) {
			char why[256];
			ssh_lib_failure(s, why, sizeof(why));
			ssh_finish(s, SSH_FAIL_CONNECT, "%s port %d: connection lost while running '%s': %s",
				   s->address, s->port, s->cmds[s->cmd_i].text, why);
			return false;
		}
	}
	if (libssh2_channel_eof(s->chan)) {
		s->state = S_CLOSE;
		return true;
	}
	/* Reading one stream drains the socket into libssh2's queue, so data (and the
	 * EOF after it) for the other stream may already be queued: the socket would
	 * never wake us for it.  Only wait when both queues are empty. */
	if (s->requeue < 2 &&
	    (libssh2_poll_channel_read(s->chan, 0) || libssh2_poll_channel_read(s->chan, 1))) {
		s->requeue++; /* bounded: queued data no read consumes must not spin */
		return true;
	}
	ssh_wait(s);
	return false;
}

/* One state-machine step; returns false when the caller must stop (waiting or done). */
static bool ssh_advance(struct ssh_session *s)
{
	int rc;
	switch (s->state) {
	case S_RESOLVE:
	case S_DONE:
		return false;
	case S_CONNECT:
		return ssh_connected(s);
	case S_JUMP:
		return false;
	case S_FWD_OPEN:
		return ssh_jump_fwd_open(s);
	case S_PUMP:
		ssh_jump_pump(s);
		return false;
	case S_HANDSHAKE:
		if (!s->ssh && !ssh_lib_init(s))
			return false;
		rc = libssh2_session_handshake(s->ssh, s->fd);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			break;
		if (rc) {
			char why[256];
			ssh_lib_failure(s, why, sizeof(why));
			ssh_finish(s, SSH_FAIL_CONNECT, "SSH handshake with %s port %d: %s", s->address,
				   s->port, why);
			return false;
		}
		if (!ssh_check_hostkey(s))
			return false;
		ssh_enter(s, S_AUTH_LIST);
		return true;
	case S_AUTH_LIST:
	case S_AUTH_PROBE:
	case S_AUTH_AGENT:
	case S_AUTH_KEY:
	case S_AUTH_PASSWORD:
	case S_AUTH_KBD:
		return auth_advance(s);
	case S_CHAN_OPEN:
		if (s->fwd_host) {
			s->tunnel_phase = true;
			ssh_enter(s, S_FWD_OPEN);
			return true;
		}
		if (s->cmd_i >= s->ncmds) {
			ssh_finish(s, SSH_OK, "ok");
			return false;
		}
		if (s->cmds[s->cmd_i].kind == SSH_CMD_SKIP) {
			ssh_next_cmd(s);
			return true;
		}
		if (s->cmds[s->cmd_i].kind == SSH_CMD_UNIX)
			return channel_unix_open(s);
		s->chan = libssh2_channel_open_session(s->ssh);
		if (!s->chan) {
			if (libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_EAGAIN)
				break;
			ssh_finish(s, SSH_FAIL_CONNECT, "%s: cannot open a channel: %s", s->address,
				   ssh_lib_error(s));
			return false;
		}
		s->state = S_EXEC;
		return true;
	case S_EXEC:
		if (s->cmds[s->cmd_i].kind == SSH_CMD_UNIX)
			return channel_unix_write(s);
		rc = libssh2_channel_exec(s->chan, s->cmds[s->cmd_i].text);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			break;
		if (rc) {
			ssh_finish(s, SSH_FAIL_CONNECT, "%s: cannot run '%s': %s", s->address,
				   s->cmds[s->cmd_i].text, ssh_lib_error(s));
			return false;
		}
		s->state = S_READ;
		if (s->no_read_timeout && s->timer) {
			loop_cancel_timer(s->loop, s->timer);
			s->timer = 0;
		}
		return true;
	case S_READ:
		return ssh_read(s);
	case S_CLOSE:
		rc = libssh2_channel_close(s->chan);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			break;
		/* A unix socket's channel closed by us saw no EOF: libssh2 refuses to wait
		 * for its close (not EAGAIN), and it has no exit status. */
		rc = libssh2_channel_wait_closed(s->chan);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			break;
		s->results[s->cmd_i].exit_status = s->cmds[s->cmd_i].kind == SSH_CMD_UNIX ? 0 :
			libssh2_channel_get_exit_status(s->chan);
		s->state = S_FREE_CHAN;
		return true;
	case S_FREE_CHAN:
		rc = libssh2_channel_free(s->chan);
		if (rc == LIBSSH2_ERROR_EAGAIN)
			break;
		s->chan = NULL;
		ssh_next_cmd(s);
		return true;
	}
	ssh_wait(s);
	return false;
}

void ssh_next_cmd(struct ssh_session *s)
{
	size_t done = s->cmd_i++;
	s->out_cap = s->err_cap = 0;
	s->req_off = 0;
	if (s->between) {
		s->in_between = true;
		s->between(s, done, s->between_ud);
		s->in_between = false;
	}
	ssh_enter(s, S_CHAN_OPEN);
}


void ssh_step(struct ssh_session *s)
{
	/* ssh_advance returns false once it waits or the session finished (and may be
	 * freed by the done callback): s is not touched after that. */
	s->step_bytes = 0;
	while (ssh_advance(s))
		;
}

/* c's copy into a slot (which holds nothing yet). */
static void ssh_slot_set(struct ssh_cmd_slot *slot, const struct ssh_cmd *c)
{
	slot->kind = c->kind;
	slot->text = xstrdup(c->text ? c->text : "");
	slot->request = NULL;
	slot->request_len = 0;
	if (c->kind == SSH_CMD_UNIX && c->request_len) {
		slot->request = xmalloc(c->request_len);
		memcpy(slot->request, c->request, c->request_len);
		slot->request_len = c->request_len;
	}
	slot->reply_done = c->kind == SSH_CMD_UNIX ? c->reply_done : NULL;
}

static void ssh_slot_clear(struct ssh_cmd_slot *slot)
{
	free(slot->text);
	free(slot->request);
	memset(slot, 0, sizeof(*slot));
}

static struct ssh_session *ssh_session_new(struct loop *loop, const struct ssh_target *t,
					   const struct ssh_cmd *cmds, size_t ncmds, ssh_done_fn done,
					   void *ud)
{
	struct ssh_session *s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->address = xstrdup(t->address);
	s->port = t->port;
	s->user = xstrdup(t->user ? t->user : "root");
	s->known_hosts = xstrdup(t->known_hosts ? t->known_hosts : "/dev/null");
	s->agent_socket = xstrdup(t->agent_socket);
	s->identities = xcalloc(t->nidentities + 1, sizeof(*s->identities));
	for (size_t i = 0; i < t->nidentities; i++)
		s->identities[i] = xstrdup(t->identities[i]);
	s->nidentities = t->nidentities;
	s->timeout_ms = t->timeout_ms > 0 ? t->timeout_ms : 10000;
	s->no_read_timeout = t->no_read_timeout;
	s->passphrase = t->passphrase ? xstrdup(t->passphrase) : NULL;
	s->password = t->password ? xstrdup(t->password) : NULL;
	s->cmds = xcalloc(ncmds + 1, sizeof(*s->cmds));
	s->results = xcalloc(ncmds + 1, sizeof(*s->results));
	for (size_t i = 0; i < ncmds; i++) {
		ssh_slot_set(&s->cmds[i], &cmds[i]);
		s->results[i].exit_status = -1;
	}
	s->ncmds = ncmds;
	s->done = done;
	s->ud = ud;
	s->fd = -1;
	s->start_ms = loop_now_ms();
	s->jump_target = jump_target_dup(t->jump);
	snprintf(s->message, sizeof(s->message), "connecting");
	return s;
}

/* Resolves the address, or first brings up the jump host's session, whose tunnel to
 * address:port then stands in for the TCP connection (its own jump: a chain). */
static void ssh_begin(struct ssh_session *s)
{
	if (!s->jump_target) {
		ssh_enter(s, S_RESOLVE);
		s->resolve = resolve_start(s->loop, s->address, s->port, ssh_on_resolved, s);
		return;
	}
	ssh_enter(s, S_JUMP);
	struct ssh_session *j = ssh_session_new(s->loop, s->jump_target, NULL, 0, ssh_jump_done, s);
	j->fwd_host = xstrdup(s->address);
	j->fwd_port = s->port;
	if (!j->passphrase && s->passphrase)
		j->passphrase = xstrdup(s->passphrase);
	s->jump = j;
	ssh_begin(j);
}

struct ssh_session *ssh_session_start(struct loop *loop, const struct ssh_target *t,
				      const char *const *cmds, size_t ncmds, ssh_done_fn done,
				      void *ud)
{
	struct ssh_cmd *c = xcalloc(ncmds + 1, sizeof(*c));
	for (size_t i = 0; i < ncmds; i++)
		c[i] = (struct ssh_cmd){ .kind = SSH_CMD_EXEC, .text = cmds[i] };
	struct ssh_session *s = ssh_session_new(loop, t, c, ncmds, done, ud);
	free(c);
	ssh_begin(s);
	return s;
}

struct ssh_session *ssh_session_start_cmds(struct loop *loop, const struct ssh_target *t,
					   const struct ssh_cmd *cmds, size_t ncmds, ssh_done_fn done,
					   void *ud)
{
	struct ssh_session *s = ssh_session_new(loop, t, cmds, ncmds, done, ud);
	ssh_begin(s);
	return s;
}

void ssh_session_set_between(struct ssh_session *s, ssh_between_fn fn, void *ud)
{
	s->between = fn;
	s->between_ud = ud;
}

void ssh_session_set_cmd(struct ssh_session *s, size_t j, const struct ssh_cmd *c)
{
	/* Command cmd_i has not started while the between callback runs or before the
	 * session got to its channels; earlier ones are over. */
	bool not_started = j > s->cmd_i ||
		(j == s->cmd_i && (s->in_between || s->state < S_CHAN_OPEN || s->state == S_JUMP));
	if (j >= s->ncmds || !not_started)
		return;
	ssh_slot_clear(&s->cmds[j]);
	ssh_slot_set(&s->cmds[j], c);
}

/* Secrets are overwritten before their memory goes back to the allocator. */
static void ssh_wipe(char *secret)
{
	if (!secret)
		return;
	volatile char *p = secret;
	while (*p)
		*p++ = '\0';
	free(secret);
}

void ssh_session_free(struct ssh_session *s)
{
	if (!s)
		return;
	if (!s->finished)
		ssh_teardown(s, false);
	free(s->address);
	free(s->user);
	free(s->known_hosts);
	free(s->agent_socket);
	for (size_t i = 0; i < s->nidentities; i++)
		free(s->identities[i]);
	free(s->identities);
	for (size_t i = 0; i < s->ncmds; i++) {
		ssh_slot_clear(&s->cmds[i]);
		free(s->results[i].out);
		free(s->results[i].err);
	}
	free(s->cmds);
	free(s->results);
	ssh_wipe(s->passphrase);
	ssh_wipe(s->password);
	free(s->methods);
	free(s->locked_identity);
	free(s->hostkey);
	jump_target_free(s->jump_target);
	free(s->fwd_host);
	free(s);
}

void ssh_session_set_output(struct ssh_session *s, ssh_output_fn fn, void *ud)
{
	s->output = fn;
	s->output_ud = ud;
}

const char *ssh_session_hostkey(const struct ssh_session *s, size_t *len, int *type)
{
	*len = s->hostkey_len;
	*type = s->hostkey_type;
	return s->hostkey;
}

const char *ssh_session_locked_identity(const struct ssh_session *s)
{
	return s->fail == SSH_FAIL_AUTH ? s->locked_identity : NULL;
}

bool ssh_session_password_possible(const struct ssh_session *s)
{
	return s->fail == SSH_FAIL_AUTH && s->password_possible;
}

enum ssh_fail ssh_session_fail(const struct ssh_session *s)
{
	return s->fail;
}

const char *ssh_session_message(const struct ssh_session *s)
{
	return s->message;
}

const char *ssh_session_fingerprint(const struct ssh_session *s)
{
	return s->fingerprint;
}

const char *ssh_session_key_type(const struct ssh_session *s)
{
	return s->key_type;
}

const struct ssh_result *ssh_session_result(const struct ssh_session *s, size_t i)
{
	return i < s->ncmds ? &s->results[i] : NULL;
}

size_t ssh_session_cmd_index(const struct ssh_session *s)
{
	return s->cmd_i < s->ncmds ? s->cmd_i : s->ncmds;
}

long long ssh_session_elapsed_ms(const struct ssh_session *s)
{
	return (s->finished ? s->end_ms : loop_now_ms()) - s->start_ms;
}
