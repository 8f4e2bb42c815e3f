/* ssh/agent_probe: a non-blocking "are you there?" to an ssh-agent (see agent_probe.h).
 * The agent protocol frames every message as a 4-byte big-endian length and a type byte
 * (draft-miller-ssh-agent); the probe writes one REQUEST_IDENTITIES and reads only the
 * first five bytes of the reply, which is enough to tell an agent from anything else. */
#include "ssh/agent_probe.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum {
	AGENTC_REQUEST_IDENTITIES = 11,
	AGENT_IDENTITIES_ANSWER = 12,
	AGENT_MAX_REPLY = 256 * 1024, /* OpenSSH's own limit on an agent message */
};

struct agent_probe {
	struct loop *loop;
	agent_probe_fn done;
	void *ud;
	int fd;
	bool watched;
	long long timer;
	long deadline_ms;
	enum agent_probe_result result;
	char why[160];
	unsigned char out[5];    /* the request */
	size_t sent;
	unsigned char in[5];     /* the reply's length and type */
	size_t got;
};

static void agent_probe_close(struct agent_probe *p)
{
	if (p->timer) {
		loop_cancel_timer(p->loop, p->timer);
		p->timer = 0;
	}
	if (p->fd >= 0) {
		if (p->watched)
			loop_unwatch_fd(p->loop, p->fd);
		p->watched = false;
		close(p->fd);
		p->fd = -1;
	}
}

/* Reports once; p may be freed by done, so nothing touches it afterwards. */
static void agent_probe_report(struct agent_probe *p, enum agent_probe_result r, const char *fmt,
			       ...) __attribute__((format(printf, 3, 4)));

static void agent_probe_report(struct agent_probe *p, enum agent_probe_result r, const char *fmt,
			       ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	agent_probe_close(p);
	p->done(p, r, p->why, p->ud);
}

static long agent_probe_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct agent_probe *p = ud;
	p->timer = 0;
	if (p->fd < 0) /* failed at start: report from the loop, as promised */
		agent_probe_report(p, p->result, "%s", p->why);
	else
		agent_probe_report(p, AGENT_PROBE_SILENT, "no answer within %ld ms", p->deadline_ms);
	return LOOP_TIMER_STOP;
}

static void agent_probe_on_fd(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)fd;
	(void)revents;
	struct agent_probe *p = ud;
	while (p->sent < sizeof(p->out)) {
		ssize_t n = send(p->fd, p->out + p->sent, sizeof(p->out) - p->sent, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return; /* still watching for write */
		if (n <= 0) {
			agent_probe_report(p, AGENT_PROBE_UNREACHABLE, "sending to the agent: %s",
					   n < 0 ? strerror(errno) : "nothing sent");
			return;
		}
		p->sent += (size_t)n;
		if (p->sent == sizeof(p->out))
			loop_watch_fd(p->loop, p->fd, LOOP_READ, agent_probe_on_fd, p);
	}
	while (p->got < sizeof(p->in)) {
		ssize_t n = recv(p->fd, p->in + p->got, sizeof(p->in) - p->got, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n < 0) {
			agent_probe_report(p, AGENT_PROBE_UNREACHABLE, "reading from the agent: %s",
					   strerror(errno));
			return;
		}
		if (n == 0) {
			agent_probe_report(p, AGENT_PROBE_UNREACHABLE, "the agent closed the connection");
			return;
		}
		p->got += (size_t)n;
	}
	unsigned long len = (unsigned long)p->in[0] << 24 | (unsigned long)p->in[1] << 16 |
			    (unsigned long)p->in[2] << 8 | p->in[3];
	if (p->in[4] != AGENT_IDENTITIES_ANSWER || len < 5 || len > AGENT_MAX_REPLY)
		agent_probe_report(p, AGENT_PROBE_BAD, "not an agent's answer (type %u, length %lu)",
				   p->in[4], len);
	else
		agent_probe_report(p, AGENT_PROBE_OK, "answered");
}

struct agent_probe *agent_probe_start(struct loop *loop, const char *path, long deadline_ms,
				      agent_probe_fn done, void *ud)
{
	struct agent_probe *p = xcalloc(1, sizeof(*p));
	p->loop = loop;
	p->done = done;
	p->ud = ud;
	p->deadline_ms = deadline_ms > 0 ? deadline_ms : 1;
	p->out[3] = 1; /* length 1: just the type byte */
	p->out[4] = AGENTC_REQUEST_IDENTITIES;
	p->fd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
		p->result = AGENT_PROBE_UNREACHABLE;
		snprintf(p->why, sizeof(p->why), "agent socket path %s", path && *path ? "too long" :
			 "empty");
	} else {
		memcpy(sa.sun_path, path, strlen(path) + 1);
		p->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int err = p->fd < 0 ? errno : 0;
		if (p->fd >= 0 && connect(p->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
		    errno != EINPROGRESS && errno != EAGAIN)
			err = errno;
		if (err) {
			if (p->fd >= 0)
				close(p->fd);
			p->fd = -1;
			p->result = AGENT_PROBE_UNREACHABLE;
			snprintf(p->why, sizeof(p->why), "connect %s: %s", path, strerror(err));
		}
	}
	if (p->fd < 0) {
		p->timer = loop_add_timer(loop, 0, agent_probe_on_timer, p);
		return p;
	}
	/* A unix-socket connect that did not finish at once (full backlog) completes by
	 * becoming writable, which is also when the request can go out. */
	loop_watch_fd(loop, p->fd, LOOP_WRITE, agent_probe_on_fd, p);
	p->watched = true;
	p->timer = loop_add_timer(loop, p->deadline_ms, agent_probe_on_timer, p);
	return p;
}

void agent_probe_free(struct agent_probe *p)
{
	if (!p)
		return;
	agent_probe_close(p);
	free(p);
}
