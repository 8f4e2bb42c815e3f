/* tests/unit/test_http_fake.h: a tiny HTTP/1.0 server for unit tests of kube/http and
 * kube/auth, run on the same event loop as the client (so a test stays single-threaded).
 * It listens on 127.0.0.1 (ephemeral port), reads one request per connection, remembers
 * its Authorization header, and answers with the status/body a test callback picks, then
 * closes.  Included by test_http.c and test_auth.c only. */
#ifndef TEST_HTTP_FAKE_H
#define TEST_HTTP_FAKE_H

#include "tui/loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { FAKE_MAX_CONN = 8, FAKE_REQ = 8192 };

struct fake_server;
/* Picks the answer to a request whose Authorization header is auth ("" if none). */
typedef void (*fake_answer_fn)(struct fake_server *s, const char *path, const char *auth, int *status,
			       const char **body);

struct fake_conn {
	int fd;
	char buf[FAKE_REQ];
	size_t len;
};

struct fake_server {
	struct loop *loop;
	int fd;
	int port;
	char url[64];
	fake_answer_fn answer;
	void *ud;
	struct fake_conn conns[FAKE_MAX_CONN];
	int requests;
	char last_auth[1024];
	char last_path[1024];
};

static void fake_header(const char *req, const char *name, char *out, size_t cap)
{
	out[0] = '\0';
	size_t nlen = strlen(name);
	for (const char *p = strstr(req, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ')
				v++;
			size_t n = strcspn(v, "\r\n");
			snprintf(out, cap, "%.*s", (int)n, v);
			return;
		}
	}
}

static void fake_on_conn(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	struct fake_server *s = ud;
	struct fake_conn *c = NULL;
	for (int i = 0; i < FAKE_MAX_CONN; i++)
		if (s->conns[i].fd == fd)
			c = &s->conns[i];
	if (!c)
		return;
	ssize_t n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n > 0) {
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
		if (!strstr(c->buf, "\r\n\r\n"))
			return;
		char path[1024] = "";
		sscanf(c->buf, "%*s %1023s", path);
		fake_header(c->buf, "Authorization", s->last_auth, sizeof(s->last_auth));
		snprintf(s->last_path, sizeof(s->last_path), "%s", path);
		s->requests++;
		int status = 200;
		const char *body = "{}";
		s->answer(s, path, s->last_auth, &status, &body);
		char head[256];
		int hl = snprintf(head, sizeof(head),
				  "HTTP/1.0 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
				  status, strlen(body));
		if (write(fd, head, (size_t)hl) < 0 || write(fd, body, strlen(body)) < 0)
			perror("fake server write");
	}
	loop_unwatch_fd(loop, fd);
	close(fd);
	c->fd = -1;
}

static void fake_on_accept(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	struct fake_server *s = ud;
	int cfd = accept(fd, NULL, NULL);
	if (cfd < 0)
		return;
	for (int i = 0; i < FAKE_MAX_CONN; i++) {
		if (s->conns[i].fd < 0) {
			s->conns[i].fd = cfd;
			s->conns[i].len = 0;
			loop_watch_fd(loop, cfd, LOOP_READ, fake_on_conn, s);
			return;
		}
	}
	close(cfd);
}

static int fake_start(struct fake_server *s, struct loop *loop, fake_answer_fn answer, void *ud)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < FAKE_MAX_CONN; i++)
		s->conns[i].fd = -1;
	s->loop = loop;
	s->answer = answer;
	s->ud = ud;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof(a);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 8) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	s->port = ntohs(a.sin_port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
	loop_watch_fd(loop, s->fd, LOOP_READ, fake_on_accept, s);
	return 0;
}

static void fake_stop(struct fake_server *s)
{
	for (int i = 0; i < FAKE_MAX_CONN; i++) {
		if (s->conns[i].fd >= 0) {
			loop_unwatch_fd(s->loop, s->conns[i].fd);
			close(s->conns[i].fd);
		}
	}
	loop_unwatch_fd(s->loop, s->fd);
	close(s->fd);
}

#endif
