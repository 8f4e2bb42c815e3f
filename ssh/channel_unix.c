/* ssh/channel_unix: SSH_CMD_UNIX commands of an ssh/session: one request to a unix
 * socket on the host through OpenSSH's "direct-streamlocal@openssh.com" channel, so a
 * daemon is asked directly and no process starts on the host.
 *
 * libssh2 1.10 has no libssh2_channel_direct_streamlocal_ex (1.11 added it), so the
 * channel is opened with libssh2_channel_open_ex and the type-specific part of
 * SSH_MSG_CHANNEL_OPEN written here, as OpenSSH's PROTOCOL file gives it:
 *     string  socket path
 *     string  reserved
 *     uint32  reserved
 * A refusal (AllowStreamLocalForwarding no, no such socket, no permission) is the
 * command's result (open_failed, the reason in err) and the session goes on with the next
 * command: the caller falls back to something else on the same connection. */
#include "ssh/session_int.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sun_path holds 108 bytes with its NUL on Linux; longer paths cannot name a socket. */
enum { CHANNEL_UNIX_MAX_PATH = 107 };

static const char channel_unix_type[] = "direct-streamlocal@openssh.com";

static size_t channel_unix_put_u32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* The command did not get a channel: its result says why and the next command follows. */
static bool channel_unix_refused(struct ssh_session *s, const char *why)
{
	struct ssh_result *r = &s->results[s->cmd_i];
	r->open_failed = true;
	r->exit_status = -1;
	free(r->err);
	r->err = xasprintf("%s: socket %s: %s", s->address, s->cmds[s->cmd_i].text, why);
	r->errlen = strlen(r->err);
	ssh_next_cmd(s);
	return true;
}

bool channel_unix_open(struct ssh_session *s)
{
	const struct ssh_cmd_slot *c = &s->cmds[s->cmd_i];
	size_t plen = strlen(c->text);
	if (plen == 0 || plen > CHANNEL_UNIX_MAX_PATH || c->text[0] != '/')
		return channel_unix_refused(s, "not an absolute path of at most 107 bytes");
	unsigned char msg[4 + CHANNEL_UNIX_MAX_PATH + 4 + 4];
	size_t n = channel_unix_put_u32(msg, (unsigned)plen);
	memcpy(msg + n, c->text, plen);
	n += plen;
	n += channel_unix_put_u32(msg + n, 0); /* reserved string: empty */
	n += channel_unix_put_u32(msg + n, 0); /* reserved uint32 */
	/* libssh2 copies msg into its packet on the first call; an EAGAIN call again with the
	 * same arguments resends that packet. */
	s->chan = libssh2_channel_open_ex(s->ssh, channel_unix_type, sizeof(channel_unix_type) - 1,
					  LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT,
					  (const char *)msg, (unsigned)n);
	if (s->chan) {
		s->req_off = 0;
		s->state = S_EXEC;
		return true;
	}
	int e = libssh2_session_last_errno(s->ssh);
	if (e == LIBSSH2_ERROR_EAGAIN) {
		ssh_wait(s);
		return false;
	}
	if (e != LIBSSH2_ERROR_CHANNEL_FAILURE) {
		char why[256];
		ssh_lib_failure(s, why, sizeof(why));
		ssh_finish(s, SSH_FAIL_CONNECT, "%s port %d: opening a channel to socket %s: %s",
			   s->address, s->port, c->text, why);
		return false;
	}
	/* libssh2 keeps the server's reason code as text.  OpenSSH answers "connect failed"
	 * alike when forwarding is off and when it could not connect, so the message lists
	 * the causes an operator checks. */
	const char *lib = ssh_lib_error(s);
	char why[320];
	if (strstr(lib, "connect failed") || strstr(lib, "prohibited"))
		snprintf(why, sizeof(why), "the server refused a channel to it "
			 "(AllowStreamLocalForwarding no, no such socket, no permission, or nobody "
			 "listening): %s", lib);
	else
		snprintf(why, sizeof(why), "channel refused: %s", lib);
	return channel_unix_refused(s, why);
}

bool channel_unix_write(struct ssh_session *s)
{
	const struct ssh_cmd_slot *c = &s->cmds[s->cmd_i];
	while (s->req_off < c->request_len) {
		ssize_t n = libssh2_channel_write_ex(s->chan, 0, c->request + s->req_off,
						     c->request_len - s->req_off);
		if (n == LIBSSH2_ERROR_EAGAIN) {
			ssh_wait(s);
			return false;
		}
		if (n == LIBSSH2_ERROR_CHANNEL_CLOSED || n == LIBSSH2_ERROR_CHANNEL_EOF_SENT)
			break; /* the peer hung up at once: the (empty) reply tells */
		if (n < 0) {
			char why[256];
			ssh_lib_failure(s, why, sizeof(why));
			ssh_finish(s, SSH_FAIL_CONNECT, "%s port %d: writing to socket %s: %s", s->address,
				   s->port, c->text, why);
			return false;
		}
		s->req_off += (size_t)n;
	}
	/* No EOF is sent: a daemon may take our half-close as the end of the connection
	 * and drop its reply. */
	s->state = S_READ;
	return true;
}
