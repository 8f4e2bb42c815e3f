/* Unit tests for kube/informer (with kube/http and kube/watch under it): paginated lists,
 * list -> watch -> bookmark -> 410 -> re-list, dropped streams reconnecting with backoff
 * from the last resourceVersion, oversized events, errors naming the API path, and the
 * status-line phrases.  A tiny HTTP/1.1 server runs on the same event loop on
 * 127.0.0.1 port 0; watch requests get a streaming answer the test writes to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include "kube/informer.h"

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
	char log[8192];      /* request targets, one per line */
	int served;
	int watch_fd;        /* the open watch stream, -1 if none */
	int watches;         /* watch requests answered */
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
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
	if (strstr(target, "watch=1")) {
		/* A close-delimited stream: the test writes events with server_send(). */
		if (s->watch_fd >= 0)
			close(s->watch_fd);
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
		send_all(fd, head, strlen(head));
		s->watch_fd = fd;
		s->watches++;
		return;
	}
	const struct reply *r = s->replies;
	while (r->match && !strstr(target, r->match))
		r++;
	int status = r->match ? r->status : 404;
	char *body = NULL;
	if (r->match && r->body[0] == '@')
		body = fixture_read(r->body + 1, NULL);
	else
		body = strdup(r->match ? r->body : "{\"kind\":\"Status\",\"message\":\"not found\"}");
	char head[256];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			  status, strlen(body));
	send_all(fd, head, (size_t)hl);
	send_all(fd, body, strlen(body));
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
	s->watch_fd = -1;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	socklen_t al = sizeof(a);
	getsockname(s->lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	loop_watch_fd(loop, s->lfd, LOOP_READ, on_accept, s);
}

static void server_send(struct server *s, const char *text)
{
	assert_true(s->watch_fd >= 0);
	send_all(s->watch_fd, text, strlen(text));
}

static void server_end_watch(struct server *s)
{
	if (s->watch_fd >= 0)
		close(s->watch_fd);
	s->watch_fd = -1;
}

static void server_stop(struct server *s)
{
	server_end_watch(s);
	if (s->lfd >= 0) {
		loop_unwatch_fd(s->loop, s->lfd);
		close(s->lfd);
		s->lfd = -1;
	}
}

static void notify(void *ud, struct informer *inf)
{
	int *calls = ud;
	(*calls)++;
	(void)inf;
}

struct fixture {
	struct loop *loop;
	struct http_client *http;
	struct server s;
	struct model m;
	int calls;
};

static void fx_open(struct fixture *fx, const struct reply *replies)
{
	memset(fx, 0, sizeof(*fx));
	fx->loop = loop_new();
	fx->http = http_client_new(fx->loop);
	model_init(&fx->m);
	server_start(&fx->s, fx->loop, replies);
}

static void fx_close(struct fixture *fx)
{
	server_stop(&fx->s);
	http_client_free(fx->http);
	model_free(&fx->m);
	loop_free(fx->loop);
}

static struct informer *fx_informer(struct fixture *fx, enum kube_resource r, bool once, long limit)
{
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", fx->s.port);
	struct informer_config cfg = { .server = url, .opts = { .timeout_ms = 3000 }, .page_limit = limit,
				       .once = once, .backoff_min_ms = 200, .backoff_max_ms = 1000,
				       .watch_min_s = 3, .watch_max_s = 3 };
	return informer_new(fx->loop, fx->http, &fx->m, r, &cfg, notify, &fx->calls);
}

/* Runs the loop until *flag (an int the callbacks change) differs from `from`. */
static void run_until_changed(struct fixture *fx, const int *value, int from)
{
	long long end = loop_now_ms() + 5000;
	while (*value == from && loop_now_ms() < end)
		loop_run_once(fx->loop, 50);
	assert_int_not_equal(*value, from);
}

static void run_for(struct fixture *fx, long ms)
{
	long long end = loop_now_ms() + ms;
	while (loop_now_ms() < end)
		loop_run_once(fx->loop, 20);
}

static void run_until_finished(struct fixture *fx, struct informer *inf)
{
	long long end = loop_now_ms() + 5000;
	while (!informer_finished(inf) && loop_now_ms() < end)
		loop_run_once(fx->loop, 50);
	assert_true(informer_finished(inf));
}

static void test_paging_follows_continue(void **state)
{
	(void)state;
	static const struct reply replies[] = {
		{ "continue=tok%2Fen%2B1%3D%3D", 200, "@podlist_page2.json" },
		{ "/api/v1/pods?limit=3", 200, "@podlist_page1.json" },
		{ NULL, 0, NULL },
	};
	struct fixture fx;
	fx_open(&fx, replies);
	struct informer *inf = fx_informer(&fx, KUBE_PODS, true, 3);
	assert_string_equal(informer_path(inf), "/api/v1/pods");
	informer_start(inf);
	run_until_finished(&fx, inf);
	assert_int_equal(informer_state(inf), INFORMER_LISTED);
	assert_string_equal(fx.s.log, "/api/v1/pods?limit=3\n/api/v1/pods?limit=3&continue=tok%2Fen%2B1%3D%3D\n");
	assert_int_equal(fx.m.npods, 6);
	assert_int_equal(informer_listed_items(inf), 6);
	assert_string_equal(informer_resource_version(inf), "1234");
	assert_true(informer_has_synced(inf));
	assert_true(fx.calls >= 2); /* once per page */
	informer_free(inf);
	fx_close(&fx);
}

static void test_410_on_continue_restarts_the_list(void **state)
{
	(void)state;
	static const struct reply full[] = { { "/api/v1/pods", 200, "@podlist_ingest.json" }, { NULL, 0, NULL } };
	static const struct reply expired[] = {
		{ "continue=", 410, "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old\"}" },
		{ "/api/v1/pods", 200, "@podlist_page1.json" },
		{ NULL, 0, NULL },
	};
	static const struct reply last[] = { { "/api/v1/pods", 200, "@podlist_page2.json" }, { NULL, 0, NULL } };
	struct fixture fx;
	fx_open(&fx, full);
	struct informer *inf = fx_informer(&fx, KUBE_PODS, true, 500);
	informer_start(inf);
	run_until_finished(&fx, inf);
	assert_int_equal(fx.m.npods, 6);
	fx.s.replies = expired;
	fx.s.served = 0;
	informer_start(inf);
	/* page1, then 410 on its continue token; switch answers so the restart completes. */
	while (fx.s.served < 2)
		run_until_changed(&fx, &fx.s.served, fx.s.served);
	fx.s.replies = last;
	run_until_finished(&fx, inf);
	assert_int_equal(informer_state(inf), INFORMER_LISTED);
	const char *after410 = strstr(fx.s.log, "continue=tok");
	assert_non_null(after410);
	assert_non_null(strstr(after410, "\n/api/v1/pods?limit=500\n"));
	/* The restarted snapshot saw only page 2's pods: the others are gone. */
	assert_int_equal(fx.m.npods, 3);
	assert_null(model_pod_find(&fx.m, "ingest", "mongo-0"));
	assert_non_null(model_pod_find(&fx.m, "kube-system", "coredns-5d78c9869d-q8r7s"));
	informer_free(inf);
	fx_close(&fx);
}

static const char added_pod[] =
	"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"new-1\",\"namespace\":\"ingest\","
	"\"resourceVersion\":\"1300\"},\"spec\":{\"nodeName\":\"n1\"}}}\n";

static void test_list_watch_bookmark_410_relist(void **state)
{
	(void)state;
	static const struct reply first[] = { { "/api/v1/pods?limit", 200, "@podlist_ingest.json" }, { NULL, 0, NULL } };
	static const struct reply second[] = {
		{ "/api/v1/pods?limit", 200,
		  "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"3000\"},\"items\":[{\"metadata\":"
		  "{\"name\":\"mongo-0\",\"namespace\":\"ingest\"}}]}" },
		{ NULL, 0, NULL },
	};
	struct fixture fx;
	fx_open(&fx, first);
	struct informer *inf = fx_informer(&fx, KUBE_PODS, false, 500);
	informer_start(inf);
	assert_int_equal(informer_state(inf), INFORMER_LISTING);
	run_until_changed(&fx, &fx.s.watches, 0);
	assert_int_equal(informer_state(inf), INFORMER_WATCHING);
	assert_int_equal(fx.m.npods, 6);
	assert_non_null(strstr(fx.s.log, "/api/v1/pods?watch=1&resourceVersion=1234&allowWatchBookmarks=true&timeoutSeconds=3\n"));
	char buf[200];
	informer_describe_state(inf, loop_now_ms(), buf, sizeof(buf));
	assert_string_equal(buf, "watching");

	/* An event split in two writes. */
	size_t half = sizeof(added_pod) / 2;
	char part[sizeof(added_pod)];
	memcpy(part, added_pod, half);
	part[half] = '\0';
	server_send(&fx.s, part);
	run_for(&fx, 100);
	assert_int_equal(fx.m.npods, 6);
	server_send(&fx.s, added_pod + half);
	long long end = loop_now_ms() + 3000;
	while (fx.m.npods != 7 && loop_now_ms() < end)
		loop_run_once(fx.loop, 50);
	assert_non_null(model_pod_find(&fx.m, "ingest", "new-1"));
	assert_string_equal(informer_resource_version(inf), "1300");

	server_send(&fx.s, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"2000\"}}}\n");
	end = loop_now_ms() + 3000;
	while (strcmp(informer_resource_version(inf), "2000") != 0 && loop_now_ms() < end)
		loop_run_once(fx.loop, 50);
	assert_string_equal(informer_resource_version(inf), "2000");
	assert_int_equal(fx.m.npods, 7);

	/* 410: the history is gone; a fresh list removes the ghosts and the next watch
	 * resumes from the new list's resourceVersion. */
	fx.s.replies = second;
	server_send(&fx.s, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\","
			   "\"message\":\"too old resource version: 2000 (2500)\"}}\n");
	run_until_changed(&fx, &fx.s.watches, 1);
	assert_int_equal(informer_lists_started(inf), 2);
	assert_int_equal(fx.m.npods, 1);
	assert_non_null(model_pod_find(&fx.m, "ingest", "mongo-0"));
	assert_null(model_pod_find(&fx.m, "ingest", "new-1"));
	assert_non_null(strstr(fx.s.log, "?watch=1&resourceVersion=3000&allowWatchBookmarks=true"));
	assert_int_equal(informer_state(inf), INFORMER_WATCHING);
	informer_free(inf);
	fx_close(&fx);
}

static void test_drop_reconnects_with_backoff_from_last_rv(void **state)
{
	(void)state;
	static const struct reply replies[] = { { "/api/v1/pods?limit", 200, "@podlist_ingest.json" }, { NULL, 0, NULL } };
	struct fixture fx;
	fx_open(&fx, replies);
	struct informer *inf = fx_informer(&fx, KUBE_PODS, false, 500);
	informer_start(inf);
	run_until_changed(&fx, &fx.s.watches, 0);
	server_send(&fx.s, added_pod);
	run_for(&fx, 150);
	assert_int_equal(fx.m.npods, 7);

	/* Closed long before its timeoutSeconds: a drop, not a normal end. */
	server_end_watch(&fx.s);
	long long end = loop_now_ms() + 3000;
	while (informer_state(inf) != INFORMER_RECONNECTING && loop_now_ms() < end)
		loop_run_once(fx.loop, 20);
	long long now = loop_now_ms();
	assert_int_equal(informer_state(inf), INFORMER_RECONNECTING);
	long long retry = informer_retry_in_ms(inf, now);
	assert_true(retry > 0 && retry <= 250); /* 200 ms +-25% */
	assert_true(informer_stale_ms(inf, now) >= 0);
	assert_non_null(strstr(informer_error(inf), "watch /api/v1/pods: stream closed by the server"));
	char buf[200];
	informer_describe_state(inf, now, buf, sizeof(buf));
	assert_string_equal(buf, "reconnecting 1s");
	bool bad;
	struct informer *all[] = { NULL, inf };
	informer_describe_sources(all, 2, now, buf, sizeof(buf), &bad);
	assert_true(bad);
	assert_non_null(strstr(buf, "pods reconnecting 1s  watch /api/v1/pods: stream closed"));

	/* The retry watches again from the last resourceVersion: no new list. */
	run_until_changed(&fx, &fx.s.watches, 1);
	assert_int_equal(informer_lists_started(inf), 1);
	assert_non_null(strstr(fx.s.log, "?watch=1&resourceVersion=1300&"));
	assert_int_equal(fx.m.npods, 7);
	assert_int_equal(informer_state(inf), INFORMER_WATCHING);

	/* Second drop without any event in between: the backoff doubles. */
	server_end_watch(&fx.s);
	end = loop_now_ms() + 3000;
	while (informer_state(inf) != INFORMER_RECONNECTING && loop_now_ms() < end)
		loop_run_once(fx.loop, 20);
	retry = informer_retry_in_ms(inf, loop_now_ms());
	assert_true(retry >= 250 && retry <= 500);
	/* The server goes away: connection refused, backoff doubles again, data goes stale. */
	server_stop(&fx.s);
	end = loop_now_ms() + 3000;
	while (!strstr(informer_error(inf), "refused") && loop_now_ms() < end)
		loop_run_once(fx.loop, 20);
	assert_string_equal(informer_error(inf), "watch /api/v1/pods: connection refused");
	retry = informer_retry_in_ms(inf, loop_now_ms());
	assert_true(retry >= 550 && retry <= 1000);
	assert_true(informer_stale_ms(inf, loop_now_ms()) >= 400);
	/* The model keeps the last data while disconnected. */
	assert_int_equal(fx.m.npods, 7);
	informer_free(inf);
	fx_close(&fx);
}

static void test_normal_end_rewatches_at_once(void **state)
{
	(void)state;
	static const struct reply replies[] = { { "/api/v1/nodes?limit", 200, "@nodelist.json" }, { NULL, 0, NULL } };
	struct fixture fx;
	fx_open(&fx, replies);
	struct informer *inf = fx_informer(&fx, KUBE_NODES, false, 500);
	informer_start(inf);
	run_until_changed(&fx, &fx.s.watches, 0);
	/* timeoutSeconds is 3: a stream ending after >= 1 s of it ended on time. */
	run_for(&fx, 1200);
	server_end_watch(&fx.s);
	long long t0 = loop_now_ms();
	run_until_changed(&fx, &fx.s.watches, 1);
	assert_true(loop_now_ms() - t0 < 150);
	assert_int_equal(informer_state(inf), INFORMER_WATCHING);
	assert_int_equal(informer_lists_started(inf), 1);
	assert_int_equal(informer_stale_ms(inf, loop_now_ms()), 0);
	informer_free(inf);
	fx_close(&fx);
}

static void test_oversized_event_and_garbage_are_errors(void **state)
{
	(void)state;
	static const struct reply replies[] = { { "/api/v1/pods?limit", 200, "@podlist_ingest.json" }, { NULL, 0, NULL } };
	struct fixture fx;
	fx_open(&fx, replies);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", fx.s.port);
	struct informer_config cfg = { .server = url, .opts = { .timeout_ms = 3000 }, .backoff_min_ms = 200,
				       .watch_min_s = 3, .watch_max_s = 3, .max_line = 64 };
	struct informer *inf = informer_new(fx.loop, fx.http, &fx.m, KUBE_PODS, &cfg, notify, &fx.calls);
	informer_start(inf);
	run_until_changed(&fx, &fx.s.watches, 0);
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	server_send(&fx.s, big);
	long long end = loop_now_ms() + 3000;
	while (informer_state(inf) == INFORMER_WATCHING && loop_now_ms() < end)
		loop_run_once(fx.loop, 20);
	assert_int_equal(informer_state(inf), INFORMER_ERROR);
	assert_string_equal(informer_error(inf), "watch /api/v1/pods: event longer than 64 bytes");
	/* It retries (a new watch from the same resourceVersion) after the backoff. */
	run_until_changed(&fx, &fx.s.watches, 1);
	server_send(&fx.s, "<html>\n");
	end = loop_now_ms() + 3000;
	while (informer_state(inf) == INFORMER_WATCHING && loop_now_ms() < end)
		loop_run_once(fx.loop, 20);
	assert_int_equal(informer_state(inf), INFORMER_ERROR);
	assert_non_null(strstr(informer_error(inf), "watch /api/v1/pods: watch event is not JSON"));
	assert_int_equal(fx.m.npods, 6);
	informer_free(inf);
	fx_close(&fx);
}

static void test_errors_name_the_api_path(void **state)
{
	(void)state;
	static const struct reply forbidden[] = { { "/api/v1/nodes", 403, "@status_forbidden.json" }, { NULL, 0, NULL } };
	static const struct reply garbage[] = { { "/apis/apps/v1/namespaces/ingest/deployments", 200, "<html>oops</html>" }, { NULL, 0, NULL } };
	struct fixture fx;
	fx_open(&fx, forbidden);
	struct informer *inf = fx_informer(&fx, KUBE_NODES, true, 500);
	informer_start(inf);
	run_until_finished(&fx, inf);
	assert_int_equal(informer_state(inf), INFORMER_ERROR);
	assert_int_equal(informer_error_status(inf), 403);
	assert_non_null(strstr(informer_error(inf), "GET /api/v1/nodes: "));
	assert_non_null(strstr(informer_error(inf), "403"));
	informer_free(inf);

	fx.s.replies = garbage;
	inf = fx_informer(&fx, KUBE_DEPLOYMENTS, true, 500);
	informer_set_namespace(inf, "ingest");
	assert_string_equal(informer_path(inf), "/apis/apps/v1/namespaces/ingest/deployments");
	run_until_finished(&fx, inf);
	assert_int_equal(informer_state(inf), INFORMER_ERROR);
	assert_non_null(strstr(informer_error(inf), "GET /apis/apps/v1/namespaces/ingest/deployments: not JSON"));
	informer_free(inf);
	server_stop(&fx.s);

	inf = fx_informer(&fx, KUBE_PODS, true, 500);
	informer_start(inf);
	run_until_finished(&fx, inf);
	assert_int_equal(informer_state(inf), INFORMER_ERROR);
	assert_string_equal(informer_error(inf), "GET /api/v1/pods: connection refused");
	char buf[100];
	informer_describe_state(inf, loop_now_ms(), buf, sizeof(buf));
	assert_string_equal(buf, "error");
	informer_free(inf);
	fx_close(&fx);
}

static void test_paths_and_namespace_names(void **state)
{
	(void)state;
	struct loop *loop = loop_new();
	struct http_client *http = http_client_new(loop);
	struct model m;
	model_init(&m);
	struct informer_config cfg = { .server = "http://h:1//", .ns = "shop" };
	const char *want[KUBE_NRESOURCES] = {
		"/api/v1/namespaces/shop/pods", "/api/v1/nodes", "/apis/apps/v1/namespaces/shop/deployments",
		"/apis/apps/v1/namespaces/shop/statefulsets", "/api/v1/namespaces/shop/events", "/api/v1/namespaces",
	};
	for (int r = 0; r < KUBE_NRESOURCES; r++) {
		struct informer *inf = informer_new(loop, http, &m, (enum kube_resource)r, &cfg, notify, NULL);
		assert_string_equal(informer_path(inf), want[r]);
		assert_int_equal(informer_stale_ms(inf, loop_now_ms()), -1);
		char buf[64];
		informer_describe_state(inf, loop_now_ms(), buf, sizeof(buf));
		assert_string_equal(buf, "listing 0");
		informer_free(inf);
	}
	assert_true(informer_namespace_valid("ingest"));
	assert_true(informer_namespace_valid("kube-system"));
	assert_false(informer_namespace_valid(""));
	assert_false(informer_namespace_valid("Ingest"));
	assert_false(informer_namespace_valid("a/b"));
	assert_false(informer_namespace_valid("-a"));
	assert_false(informer_namespace_valid("a?x=1"));
	http_client_free(http);
	model_free(&m);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_follows_continue),
		cmocka_unit_test(test_410_on_continue_restarts_the_list),
		cmocka_unit_test(test_list_watch_bookmark_410_relist),
		cmocka_unit_test(test_drop_reconnects_with_backoff_from_last_rv),
		cmocka_unit_test(test_normal_end_rewatches_at_once),
		cmocka_unit_test(test_oversized_event_and_garbage_are_errors),
		cmocka_unit_test(test_errors_name_the_api_path),
		cmocka_unit_test(test_paths_and_namespace_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
