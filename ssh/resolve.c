/* ssh/resolve: getaddrinfo off the loop (see resolve.h).  The request is shared by the
 * loop and the worker thread; a mutex-protected count of owners decides who frees it. */
#include "ssh/resolve.h"

#include "core/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct resolve_req {
	struct loop *loop;
	resolve_fn fn;
	void *ud;
	char *host;
	char port[8];
	int fds[2];              /* [0] loop side, [1] thread side; -1 when closed */
	long long timer;         /* numeric fast path: the 0 ms timer, 0 when none */
	pthread_mutex_t lock;
	int owners;              /* loop and/or thread still referencing the request */
	struct addrinfo *res;    /* result, set by the thread before it signals */
	int gai_err;
};

/* Drops one owner; the last one frees the request. */
static void resolve_release(struct resolve_req *r)
{
	pthread_mutex_lock(&r->lock);
	int left = --r->owners;
	pthread_mutex_unlock(&r->lock);
	if (left > 0)
		return;
	if (r->res)
		freeaddrinfo(r->res);
	if (r->fds[0] >= 0)
		close(r->fds[0]);
	if (r->fds[1] >= 0)
		close(r->fds[1]);
	pthread_mutex_destroy(&r->lock);
	free(r->host);
	free(r);
}

static struct addrinfo resolve_hints(int flags)
{
	struct addrinfo h;
	memset(&h, 0, sizeof(h));
	h.ai_family = AF_UNSPEC;
	h.ai_socktype = SOCK_STREAM;
	h.ai_flags = flags;
	return h;
}

static void *resolve_thread(void *arg)
{
	struct resolve_req *r = arg;
	struct addrinfo hints = resolve_hints(AI_ADDRCONFIG);
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(r->host, r->port, &hints, &res);
	pthread_mutex_lock(&r->lock);
	r->res = res;
	r->gai_err = rc;
	pthread_mutex_unlock(&r->lock);
	char b = 1;
	/* MSG_NOSIGNAL: the loop side may already be closed (cancelled). */
	(void)send(r->fds[1], &b, 1, MSG_NOSIGNAL);
	close(r->fds[1]);
	r->fds[1] = -1;
	resolve_release(r);
	return NULL;
}

static void resolve_deliver(struct resolve_req *r)
{
	pthread_mutex_lock(&r->lock);
	struct addrinfo *res = r->res;
	int err = r->gai_err;
	r->res = NULL;
	pthread_mutex_unlock(&r->lock);
	resolve_fn fn = r->fn;
	void *ud = r->ud;
	r->fn = NULL;
	if (r->fds[0] >= 0) {
		loop_unwatch_fd(r->loop, r->fds[0]);
		close(r->fds[0]);
		r->fds[0] = -1;
	}
	resolve_release(r);
	if (fn)
		fn(res, err, ud);
	else if (res)
		freeaddrinfo(res);
}

static void resolve_on_ready(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	(void)fd;
	(void)revents;
	resolve_deliver(ud);
}

static long resolve_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct resolve_req *r = ud;
	r->timer = 0;
	resolve_deliver(r);
	return LOOP_TIMER_STOP;
}

struct resolve_req *resolve_start(struct loop *loop, const char *host, int port, resolve_fn fn,
				  void *ud)
{
	struct resolve_req *r = xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->fn = fn;
	r->ud = ud;
	r->host = xstrdup(host);
	snprintf(r->port, sizeof(r->port), "%d", port);
	r->fds[0] = r->fds[1] = -1;
	pthread_mutex_init(&r->lock, NULL);
	r->owners = 1;
	struct addrinfo hints = resolve_hints(AI_NUMERICHOST | AI_NUMERICSERV);
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, r->port, &hints, &res);
	if (rc == 0 || rc != EAI_NONAME) {
		/* A literal address (or a local error): no lookup, report on the next tick. */
		r->res = res;
		r->gai_err = rc;
		r->timer = loop_add_timer(loop, 0, resolve_on_timer, r);
		return r;
	}
	pthread_t th;
	pthread_attr_t attr;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->fds) < 0 ||
	    pthread_attr_init(&attr) != 0) {
		r->gai_err = EAI_SYSTEM;
		r->timer = loop_add_timer(loop, 0, resolve_on_timer, r);
		return r;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r->owners = 2;
	if (pthread_create(&th, &attr, resolve_thread, r) != 0) {
		r->owners = 1;
		r->gai_err = EAI_AGAIN;
		r->timer = loop_add_timer(loop, 0, resolve_on_timer, r);
	} else {
		loop_watch_fd(loop, r->fds[0], LOOP_READ, resolve_on_ready, r);
	}
	pthread_attr_destroy(&attr);
	return r;
}

void resolve_cancel(struct resolve_req *r)
{
	if (!r)
		return;
	r->fn = NULL;
	if (r->timer) {
		loop_cancel_timer(r->loop, r->timer);
		r->timer = 0;
	}
	if (r->fds[0] >= 0) {
		loop_unwatch_fd(r->loop, r->fds[0]);
		close(r->fds[0]);
		r->fds[0] = -1;
	}
	resolve_release(r);
}
