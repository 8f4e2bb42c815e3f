/* ssh/probe: non-blocking TCP connect probes (see probe.h). */
#include "ssh/probe.h"

#include "core/xalloc.h"
#include "ssh/resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct probe {
	struct loop *loop;
	probe_fn fn;
	void *ud;
	char *host;
	int port;
	int timeout_ms;
	struct resolve_req *resolve;
	struct addrinfo *addrs, *cur;
	int fd;
	long long timer;
	long long start_ms, end_ms;
	enum probe_result result;
	char message[256];
};

const char *probe_result_name(enum probe_result r)
{
	switch (r) {
	case PROBE_PENDING: return "pending";
	case PROBE_OK: return "ok";
	case PROBE_DNS: return "DNS";
	case PROBE_REFUSED: return "connection refused";
	case PROBE_TIMEOUT: return "timeout";
	case PROBE_ERROR: return "error";
	}
	return "error";
}

static void probe_close(struct probe *p)
{
	if (p->timer) {
		loop_cancel_timer(p->loop, p->timer);
		p->timer = 0;
	}
	if (p->resolve) {
		resolve_cancel(p->resolve);
		p->resolve = NULL;
	}
	if (p->fd >= 0) {
		loop_unwatch_fd(p->loop, p->fd);
		close(p->fd);
		p->fd = -1;
	}
	if (p->addrs) {
		freeaddrinfo(p->addrs);
		p->addrs = p->cur = NULL;
	}
}

/* Records the result and calls back; the caller returns at once (fn may free p). */
static void probe_finish(struct probe *p, enum probe_result r, const char *msg)
{
	probe_close(p);
	p->result = r;
	p->end_ms = loop_now_ms();
	snprintf(p->message, sizeof(p->message), "%s", msg);
	if (p->fn)
		p->fn(p, p->ud);
}

static void probe_try(struct probe *p, int last_err);

static void probe_on_fd(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)revents;
	struct probe *p = ud;
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	loop_unwatch_fd(p->loop, p->fd);
	close(p->fd);
	p->fd = -1;
	if (err == 0) {
		probe_finish(p, PROBE_OK, "open");
		return;
	}
	p->cur = p->cur->ai_next;
	probe_try(p, err);
}

static void probe_try(struct probe *p, int last_err)
{
	for (; p->cur; p->cur = p->cur->ai_next) {
		p->fd = socket(p->cur->ai_family, p->cur->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       p->cur->ai_protocol);
		if (p->fd < 0) {
			last_err = errno;
			continue;
		}
		if (connect(p->fd, p->cur->ai_addr, p->cur->ai_addrlen) == 0 || errno == EINPROGRESS) {
			loop_watch_fd(p->loop, p->fd, LOOP_WRITE, probe_on_fd, p);
			return;
		}
		last_err = errno;
		close(p->fd);
		p->fd = -1;
	}
	char msg[200];
	snprintf(msg, sizeof(msg), "%s:%d: %s", p->host, p->port, strerror(last_err ? last_err : EHOSTUNREACH));
	probe_finish(p, last_err == ECONNREFUSED ? PROBE_REFUSED :
		     last_err == ETIMEDOUT ? PROBE_TIMEOUT : PROBE_ERROR, msg);
}

static void probe_on_resolved(struct addrinfo *res, int gai_err, void *ud)
{
	struct probe *p = ud;
	p->resolve = NULL;
	if (gai_err || !res) {
		if (res)
			freeaddrinfo(res);
		char msg[200];
		snprintf(msg, sizeof(msg), "DNS lookup of %s: %s", p->host,
			 gai_err ? gai_strerror(gai_err) : "no address");
		probe_finish(p, PROBE_DNS, msg);
		return;
	}
	p->addrs = p->cur = res;
	probe_try(p, 0);
}

static long probe_on_timeout(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct probe *p = ud;
	p->timer = 0;
	char msg[200];
	snprintf(msg, sizeof(msg), "%s:%d: no answer within %d ms%s", p->host, p->port, p->timeout_ms,
		 p->resolve ? " (DNS lookup)" : "");
	probe_finish(p, p->resolve ? PROBE_DNS : PROBE_TIMEOUT, msg);
	return LOOP_TIMER_STOP;
}

struct probe *probe_start(struct loop *loop, const char *host, int port, int timeout_ms,
			  probe_fn fn, void *ud)
{
	struct probe *p = xcalloc(1, sizeof(*p));
	p->loop = loop;
	p->fn = fn;
	p->ud = ud;
	p->host = xstrdup(host);
	p->port = port;
	p->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	p->fd = -1;
	p->start_ms = loop_now_ms();
	p->result = PROBE_PENDING;
	snprintf(p->message, sizeof(p->message), "pending");
	p->timer = loop_add_timer(loop, p->timeout_ms, probe_on_timeout, p);
	p->resolve = resolve_start(loop, host, port, probe_on_resolved, p);
	return p;
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	probe_close(p);
	free(p->host);
	free(p);
}

enum probe_result probe_get_result(const struct probe *p)
{
	return p->result;
}

const char *probe_message(const struct probe *p)
{
	return p->message;
}

long long probe_elapsed_ms(const struct probe *p)
{
	return (p->result == PROBE_PENDING ? loop_now_ms() : p->end_ms) - p->start_ms;
}
