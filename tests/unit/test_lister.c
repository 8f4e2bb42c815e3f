/* Unit tests for kube/lister (and kube/http under it): paging with limit/continue,
 * snapshots deleting vanished pods, 410 on a continue token, and error reporting.
 * A tiny HTTP/1.1 server runs on the same event loop, on 127.0.0.1 port 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/lister.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct reply {
	const char *match;   /* substring of the request target */
	int status;
	const char *body;    /* literal body, or "@file" for a fixture */
};

struct server {
	struct loop *loop;
	int lfd;
	int port;
	const struct reply *replies;
	char log[4096];      /* request targets, one per line */
	int served;
};

static char *fixture(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void on_client(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	struct server *s = ud;
	char req[8192];
	ssize_t n = recv(fd, req, sizeof(req) - 1, 0);
	loop_unwatch_fd(loop, fd);
	if (n <= 0) {
		close(fd);
		return;
	}
	req[n] = '\0';
	char target[2048] = "";
	sscanf(req, "GET %2047s", target);
	strncat(s->log, target, sizeof(s->log) - strlen(s->log) - 2);
	strcat(s->log, "\n");
	s->served++;
	const struct reply *r = s->replies;
	while (r->match && !strstr(target, r->match))
		r++;
	int status = r->match ? r->status : 404;
	char *body = NULL;
	if (r->match && r->body[0] == '@')
		body = fixture(r->body + 1);
	else
		body = strdup(r->match ? r->body : "{\"kind\":\"Status\",\"message\":\"not found\"}");
	char head[256];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			  status, strlen(body));
	assert_int_equal(send(fd, head, (size_t)hl, 0), hl);
	assert_int_equal(send(fd, body, strlen(body), 0), (ssize_t)strlen(body));
	free(body);
	close(fd);
}

static void on_accept(struct loop *loop, int fd, int revents, void *ud)
{
	(void)revents;
	int c = accept(fd, NULL, NULL);
	if (c >= 0)
		loop_watch_fd(loop, c, LOOP_READ, on_client, ud);
}

static void server_start(struct server *s, struct loop *loop, const struct reply *replies)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->replies = replies;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	socklen_t al = sizeof(a);
	getsockname(s->lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	loop_watch_fd(loop, s->lfd, LOOP_READ, on_accept, s);
}

static void server_stop(struct server *s)
{
	loop_unwatch_fd(s->loop, s->lfd);
	close(s->lfd);
}

static void notify(void *ud, struct lister *l)
{
	int *calls = ud;
	(*calls)++;
	(void)l;
}

static void run_until_finished(struct loop *loop, struct lister *l)
{
	long long end = loop_now_ms() + 5000;
	while (!lister_finished(l) && loop_now_ms() < end)
		loop_run_once(loop, 100);
	assert_true(lister_finished(l));
}

static struct lister *make_lister(struct loop *loop, struct http_client *http, struct model *m,
				  struct server *s, enum lister_kind kind, int *calls, long limit)
{
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
	struct lister_config cfg = { .server = url, .opts = { .timeout_ms = 3000 }, .page_limit = limit, .once = true };
	return lister_new(loop, http, m, kind, &cfg, notify, calls);
}

static void test_paging_follows_continue(void **state)
{
	(void)state;
	static const struct reply replies[] = {
		{ "continue=tok%2Fen%2B1%3D%3D", 200, "@podlist_page2.json" },
		{ "/api/v1/pods?limit=3", 200, "@podlist_page1.json" },
		{ NULL, 0, NULL },
	};
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct server s;
	struct model m;
	int calls = 0;
	model_init(&m);
	server_start(&s, loop, replies);
	struct lister *l = make_lister(loop, http, &m, &s, LISTER_PODS, &calls, 3);
	assert_string_equal(lister_path(l), "/api/v1/pods");
	lister_refresh(l);
	run_until_finished(loop, l);
	assert_int_equal(lister_state(l), LISTER_OK);
	assert_int_equal(s.served, 2);
	assert_string_equal(s.log, "/api/v1/pods?limit=3\n/api/v1/pods?limit=3&continue=tok%2Fen%2B1%3D%3D\n");
	assert_int_equal(m.npods, 6);
	assert_true(lister_last_ok_ms(l) > 0);
	assert_true(calls >= 2); /* once per page */
	lister_free(l);
	server_stop(&s);
	http_client_free(http);
	model_free(&m);
	loop_free(loop);
}

static void test_relist_deletes_vanished_and_410_restarts(void **state)
{
	(void)state;
	/* First list: one page of 6 pods.  Second list: page 1 then 410 on the continue
	 * token, so the lister starts again; the third answer (page 2 only) completes it. */
	static const struct reply full[] = { { "/api/v1/pods", 200, "@podlist_ingest.json" }, { NULL, 0, NULL } };
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct server s;
	struct model m;
	int calls = 0;
	model_init(&m);
	server_start(&s, loop, full);
	struct lister *l = make_lister(loop, http, &m, &s, LISTER_PODS, &calls, 500);
	lister_refresh(l);
	run_until_finished(loop, l);
	assert_int_equal(m.npods, 6);

	static const struct reply expired[] = {
		{ "continue=", 410, "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old\"}" },
		{ "/api/v1/pods", 200, "@podlist_page1.json" },
		{ NULL, 0, NULL },
	};
	s.replies = expired;
	s.served = 0;
	lister_refresh(l);
	/* page1 -> 410 -> page1 -> 410 ... would loop; switch the answers after the first 410 */
	long long end = loop_now_ms() + 5000;
	while (s.served < 2 && loop_now_ms() < end)
		loop_run_once(loop, 100);
	static const struct reply last[] = { { "/api/v1/pods", 200, "@podlist_page2.json" }, { NULL, 0, NULL } };
	s.replies = last;
	run_until_finished(loop, l);
	assert_int_equal(lister_state(l), LISTER_OK);
	/* The restarted list began from the first page (no continue) and saw only page 2's
	 * 3 pods: the 3 others vanished. */
	assert_non_null(strstr(s.log, "continue=tok"));
	const char *after410 = strstr(s.log, "continue=tok");
	assert_non_null(strstr(after410, "\n/api/v1/pods?limit=500\n"));
	assert_int_equal(m.npods, 3);
	assert_null(model_pod_find(&m, "ingest", "mongo-0"));
	assert_non_null(model_pod_find(&m, "kube-system", "coredns-5d78c9869d-q8r7s"));
	lister_free(l);
	server_stop(&s);
	http_client_free(http);
	model_free(&m);
	loop_free(loop);
}

static void test_errors_name_the_api_path(void **state)
{
	(void)state;
	static const struct reply forbidden[] = { { "/api/v1/nodes", 403, "@status_forbidden.json" }, { NULL, 0, NULL } };
	static const struct reply garbage[] = { { "/api/v1/namespaces/ingest/pods", 200, "<html>oops</html>" }, { NULL, 0, NULL } };
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct server s;
	struct model m;
	int calls = 0;
	model_init(&m);
	server_start(&s, loop, forbidden);
	struct lister *l = make_lister(loop, http, &m, &s, LISTER_NODES, &calls, 500);
	lister_refresh(l);
	run_until_finished(loop, l);
	assert_int_equal(lister_state(l), LISTER_ERROR);
	assert_int_equal(lister_error_status(l), 403);
	assert_non_null(strstr(lister_error(l), "GET /api/v1/nodes: HTTP 403: pods is forbidden"));
	lister_free(l);

	s.replies = garbage;
	l = make_lister(loop, http, &m, &s, LISTER_PODS, &calls, 500);
	lister_set_namespace(l, "ingest");
	assert_string_equal(lister_path(l), "/api/v1/namespaces/ingest/pods");
	run_until_finished(loop, l);
	assert_int_equal(lister_state(l), LISTER_ERROR);
	assert_non_null(strstr(lister_error(l), "GET /api/v1/namespaces/ingest/pods: not JSON"));
	lister_free(l);
	server_stop(&s);

	/* Nothing listens on the closed port any more. */
	l = make_lister(loop, http, &m, &s, LISTER_PODS, &calls, 500);
	lister_refresh(l);
	run_until_finished(loop, l);
	assert_int_equal(lister_state(l), LISTER_ERROR);
	assert_string_equal(lister_error(l), "GET /api/v1/pods: connection refused");
	lister_free(l);
	http_client_free(http);
	model_free(&m);
	loop_free(loop);
}

static void test_namespace_names(void **state)
{
	(void)state;
	assert_true(lister_namespace_valid("ingest"));
	assert_true(lister_namespace_valid("kube-system"));
	assert_false(lister_namespace_valid(""));
	assert_false(lister_namespace_valid("Ingest"));
	assert_false(lister_namespace_valid("a/b"));
	assert_false(lister_namespace_valid("-a"));
	assert_false(lister_namespace_valid("a?x=1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_follows_continue),
		cmocka_unit_test(test_relist_deletes_vanished_and_410_restarts),
		cmocka_unit_test(test_errors_name_the_api_path),
		cmocka_unit_test(test_namespace_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
