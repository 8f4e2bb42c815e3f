/* kube/http: see http.h. */
#include "kube/http.h"

#include "core/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct http_request {
	struct http_client *client;
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	http_data_fn data_fn;
	http_done_fn done_fn;
	void *ud;
	bool cancelled;        /* cancelled from inside a curl callback: finish silently */
	bool aborted;          /* data_fn asked to stop */
	bool completing;       /* its done_fn is running: it is freed right after */
	long timeout_ms;
	char errbuf[CURL_ERROR_SIZE];
	struct http_request *next;
};

struct http_client {
	struct loop *loop;
	CURLM *multi;
	long long timer_id;
	struct http_request *requests;
	size_t pending;
	int in_curl;           /* > 0 while libcurl is running our callbacks */
};

static void http_check_done(struct http_client *c);

static void http_unlink(struct http_client *c, struct http_request *r)
{
	for (struct http_request **pp = &c->requests; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			c->pending--;
			return;
		}
	}
}

static void http_request_free(struct http_client *c, struct http_request *r)
{
	http_unlink(c, r);
	curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->url);
	free(r);
}

static void http_drive(struct http_client *c, curl_socket_t s, int flags)
{
	int running;
	c->in_curl++;
	curl_multi_socket_action(c->multi, s, flags, &running);
	c->in_curl--;
	http_check_done(c);
}

static void http_on_fd(struct loop *loop, int fd, int revents, void *ud)
{
	(void)loop;
	int flags = 0;
	if (revents & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	http_drive(ud, fd, flags);
}

static long http_on_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct http_client *c = ud;
	c->timer_id = 0;
	http_drive(c, CURL_SOCKET_TIMEOUT, 0);
	return LOOP_TIMER_STOP;
}

static int http_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	(void)easy;
	(void)socketp;
	struct http_client *c = userp;
	if (what == CURL_POLL_REMOVE) {
		loop_unwatch_fd(c->loop, s);
		return 0;
	}
	int ev = 0;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= LOOP_WRITE;
	loop_watch_fd(c->loop, s, ev, http_on_fd, c);
	return 0;
}

static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct http_client *c = userp;
	if (c->timer_id) {
		loop_cancel_timer(c->loop, c->timer_id);
		c->timer_id = 0;
	}
	/* Never drive curl from here (libcurl forbids re-entry): the loop timer does it. */
	if (timeout_ms >= 0)
		c->timer_id = loop_add_timer(c->loop, timeout_ms, http_on_timer, c);
	return 0;
}

static size_t http_write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t len = size * nmemb;
	if (r->cancelled)
		return 0;
	if (!r->data_fn(r->ud, data, len)) {
		r->aborted = true;
		return 0;
	}
	return len;
}

struct http_client *http_client_new(struct loop *loop)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct http_client *c = xcalloc(1, sizeof(*c));
	c->loop = loop;
	c->multi = curl_multi_init();
	if (!c->multi) {
		fprintf(stderr, "warroom: libcurl could not create a multi handle\n");
		abort();
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->requests)
		http_request_free(c, c->requests);
	if (c->timer_id)
		loop_cancel_timer(c->loop, c->timer_id);
	curl_multi_cleanup(c->multi);
	free(c);
	curl_global_cleanup();
}

struct http_request *http_get(struct http_client *c, const char *url, const struct http_opts *opts,
			      http_data_fn data_fn, http_done_fn done_fn, void *ud)
{
	struct http_request *r = xcalloc(1, sizeof(*r));
	r->client = c;
	r->url = xstrdup(url);
	r->data_fn = data_fn;
	r->done_fn = done_fn;
	r->ud = ud;
	r->timeout_ms = opts->timeout_ms;
	r->easy = curl_easy_init();
	if (!r->easy) {
		fprintf(stderr, "warroom: libcurl could not create a handle\n");
		abort();
	}
	CURL *e = r->easy;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "warroom/0.1");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (opts->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, opts->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, opts->insecure ? 0L : 2L);
	if (opts->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, opts->ca_file);
	char *accept = xasprintf("Accept: %s", opts->accept ? opts->accept : "application/json");
	r->headers = curl_slist_append(r->headers, accept);
	free(accept);
	if (opts->token && opts->token[0]) {
		char *auth = xasprintf("Authorization: Bearer %s", opts->token);
		r->headers = curl_slist_append(r->headers, auth);
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	r->next = c->requests;
	c->requests = r;
	c->pending++;
	curl_multi_add_handle(c->multi, e);
	return r;
}

void http_cancel(struct http_client *c, struct http_request *r)
{
	if (!r || r->completing)
		return;
	/* Inside a curl callback the handle may not be removed: abort it instead. */
	if (c->in_curl) {
		r->cancelled = true;
		return;
	}
	http_request_free(c, r);
}

size_t http_pending(const struct http_client *c)
{
	return c->pending;
}

/* Short, stable wording for the errors an operator meets most. */
static const char *http_error_text(struct http_request *r, CURLcode code, char *buf, size_t cap)
{
	if (r->aborted)
		return "aborted by receiver";
	if (code == CURLE_OPERATION_TIMEDOUT) {
		snprintf(buf, cap, "timed out (%s)", r->errbuf[0] ? r->errbuf : "no answer");
		return buf;
	}
	if (code == CURLE_COULDNT_CONNECT) {
		long oserr = 0;
		curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			snprintf(buf, cap, "connection refused");
		else
			snprintf(buf, cap, "could not connect: %s",
				 oserr ? strerror((int)oserr) : (r->errbuf[0] ? r->errbuf : "no route"));
		return buf;
	}
	return r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
}

static void http_check_done(struct http_client *c)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(c->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct http_request *r = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (!r)
			continue;
		CURLcode code = msg->data.result;
		if (r->cancelled) {
			http_request_free(c, r);
			continue;
		}
		long status = 0;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		char text[CURL_ERROR_SIZE + 64], full[CURL_ERROR_SIZE + 2200];
		struct http_result res = { .status = status, .error = NULL, .url = r->url };
		if (code != CURLE_OK || r->aborted) {
			const char *why = http_error_text(r, code, text, sizeof(text));
			snprintf(full, sizeof(full), "GET %.2000s: %s", r->url, why);
			res.error = full;
		}
		/* Unlink before the callback so that it may start new requests freely. */
		curl_multi_remove_handle(c->multi, r->easy);
		r->completing = true;
		r->done_fn(r->ud, &res);
		http_request_free(c, r);
	}
}
