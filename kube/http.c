/* kube/http: see http.h.  A request lives in one of four phases: WAITING for the auth
 * provider, ADDING (started from inside a libcurl callback, handed to curl when that
 * returns), RUNNING inside curl's multi handle, or FAILED (credentials could not be
 * had) until a zero-delay timer delivers its done_fn, so done_fn never runs inside
 * http_get(). */
#include "kube/http.h"

#include "core/xalloc.h"
#include "kube/curl_lazy.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ADDING: set up while libcurl runs our callbacks (a receiver asking for the next list
 * page from its data_fn), where curl_multi_add_handle is refused; handed to curl as soon
 * as that call returns. */
enum http_phase { HTTP_WAITING, HTTP_ADDING, HTTP_RUNNING, HTTP_FAILED };

struct http_request {
	struct http_client *client;
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	char *method;          /* "GET", or a write from http_send */
	char *body;            /* request body (http_send), NULL for none */
	size_t body_len;
	char *content_type;    /* Content-Type of body */
	char *accept;
	char *token;           /* opts->token copy, wiped on free; NULL: the provider's */
	char *ca_file;         /* opts->ca_file copy */
	bool insecure;
	long timeout_ms, connect_timeout_ms;
	http_data_fn data_fn;
	http_done_fn done_fn;
	void *ud;
	enum http_phase phase;
	char *fail_msg;        /* HTTP_FAILED: why */
	bool from_provider;    /* credentials came from the auth provider */
	bool sent_creds;       /* any credential went out (for the 401 wording) */
	unsigned long generation;
	bool decided;          /* the 401-retry decision was taken for this answer */
	bool swallow;          /* 401 that will be retried: its body is dropped */
	bool retried;
	bool cancelled;        /* cancelled from inside a curl callback: finish silently */
	bool aborted;          /* data_fn asked to stop */
	bool completing;       /* its done_fn is running: it is freed right after */
	/* A request started from another's data_fn (the next list page) holds that one's
	 * reads until its own request is on the wire: libcurl reads a whole answer in one
	 * call when the bytes are there, and the new request would otherwise wait for it. */
	struct http_request *holder;   /* the transfer this one holds, NULL once sent */
	unsigned holds;        /* requests holding this one's reads */
	bool paused;           /* reads held (CURL_WRITEFUNC_PAUSE) */
	char errbuf[CURL_ERROR_SIZE];
	struct http_request *next;
};

/* Owned copy of struct http_tls. */
struct http_tls_copy {
	char *ca_file, *ca_pem, *cert_file, *cert_pem, *key_file, *key_pem;
	size_t ca_pem_len, cert_pem_len, key_pem_len;
	bool insecure;
	char *tls_server_name, *proxy_url, *username, *password, *user_name;
};

struct http_client {
	struct loop *loop;
	CURLM *multi;
	long long timer_id;
	long long fail_timer_id;
	struct http_request *requests;
	size_t pending;
	int in_curl;           /* > 0 while libcurl is running our callbacks */
	struct http_request *writing;  /* whose data_fn is running, NULL if none */
	struct http_tls_copy tls;
	const struct http_auth_ops *auth_ops;
	void *auth_ud;
	bool read_only;        /* http_client_set_read_only: writes fail without a transfer */
	char *unavailable;     /* libcurl could not be loaded: why; every request fails with it */
};

static void http_check_done(struct http_client *c);
static void http_release_holder(struct http_request *r);

static void http_wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static char *http_dup_or_null(const char *s)
{
	return s && s[0] ? xstrdup(s) : NULL;
}

static char *http_dup_blob(const char *p, size_t len, size_t *out_len)
{
	*out_len = p ? len : 0;
	if (!p || len == 0)
		return NULL;
	char *d = xmalloc(len + 1);
	memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

static void http_tls_clear(struct http_tls_copy *t)
{
	free(t->ca_file);
	free(t->ca_pem);
	free(t->cert_file);
	free(t->cert_pem);
	free(t->key_file);
	if (t->key_pem) {
		memset(t->key_pem, 0, t->key_pem_len);
		free(t->key_pem);
	}
	free(t->tls_server_name);
	free(t->proxy_url);
	free(t->username);
	http_wipe_free(t->password);
	free(t->user_name);
	memset(t, 0, sizeof(*t));
}

void http_client_set_tls(struct http_client *c, const struct http_tls *tls)
{
	http_tls_clear(&c->tls);
	if (!tls)
		return;
	struct http_tls_copy *t = &c->tls;
	t->ca_file = http_dup_or_null(tls->ca_file);
	t->ca_pem = http_dup_blob(tls->ca_pem, tls->ca_pem_len, &t->ca_pem_len);
	t->cert_file = http_dup_or_null(tls->cert_file);
	t->cert_pem = http_dup_blob(tls->cert_pem, tls->cert_pem_len, &t->cert_pem_len);
	t->key_file = http_dup_or_null(tls->key_file);
	t->key_pem = http_dup_blob(tls->key_pem, tls->key_pem_len, &t->key_pem_len);
	t->insecure = tls->insecure;
	t->tls_server_name = http_dup_or_null(tls->tls_server_name);
	t->proxy_url = http_dup_or_null(tls->proxy_url);
	t->username = http_dup_or_null(tls->username);
	t->password = http_dup_or_null(tls->password);
	t->user_name = http_dup_or_null(tls->user_name);
}

void http_client_set_auth(struct http_client *c, const struct http_auth_ops *ops, void *ud)
{
	c->auth_ops = ops;
	c->auth_ud = ops ? ud : NULL;
}

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
	http_release_holder(r);
	for (struct http_request *o = c->requests; o; o = o->next)
		if (o->holder == r)
			o->holder = NULL;
	if (c->writing == r)
		c->writing = NULL;
	if (r->phase == HTTP_RUNNING)
		curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->url);
	free(r->method);
	free(r->body);
	free(r->content_type);
	free(r->accept);
	http_wipe_free(r->token);
	free(r->ca_file);
	free(r->fail_msg);
	free(r);
}

/* After libcurl returns: requests started from its callbacks are handed to it, and
 * transfers no longer held resume (which may start more requests: scan again). */
static void http_settle(struct http_client *c)
{
	for (;;) {
		for (struct http_request *r = c->requests; r; r = r->next)
			if (r->phase == HTTP_ADDING) {
				r->phase = HTTP_RUNNING;
				curl_multi_add_handle(c->multi, r->easy);
			}
		struct http_request *r = c->requests;
		while (r && !(r->paused && !r->holds && r->phase == HTTP_RUNNING))
			r = r->next;
		if (!r)
			return;
		r->paused = false;
		c->in_curl++;
		curl_easy_pause(r->easy, CURLPAUSE_CONT);
		c->in_curl--;
	}
}

static void http_drive(struct http_client *c, curl_socket_t s, int flags)
{
	int running;
	c->in_curl++;
	curl_multi_socket_action(c->multi, s, flags, &running);
	c->in_curl--;
	http_settle(c);
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

/* Taken once per answer, when its status is known: a 401 to provider credentials is
 * retried once if the provider says fresh ones may differ; its body is then dropped. */
static void http_decide(struct http_client *c, struct http_request *r)
{
	r->decided = true;
	long status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status == 401 && r->from_provider && !r->retried && c->auth_ops &&
	    c->auth_ops->rejected(c->auth_ud, r->generation))
		r->swallow = true;
}

static size_t http_write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t len = size * nmemb;
	if (r->cancelled)
		return 0;
	if (!r->decided)
		http_decide(r->client, r);
	if (r->swallow)
		return len;
	if (r->holds) {
		/* curl keeps this chunk and hands it over again on resume. */
		r->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	}
	struct http_client *c = r->client;
	struct http_request *outer = c->writing;
	c->writing = r;
	bool more = r->data_fn(r->ud, data, len);
	c->writing = outer;
	if (!more) {
		r->aborted = true;
		return 0;
	}
	return len;
}

/* The request is about to go out (or never will): release the transfer it held. */
static void http_release_holder(struct http_request *r)
{
	if (r->holder) {
		r->holder->holds--;
		r->holder = NULL;
	}
}

static int http_prereq_cb(void *ud, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	http_release_holder(ud);
	return CURL_PREREQFUNC_OK;
}

static void http_blob(CURL *e, CURLoption opt, const char *data, size_t len)
{
	struct curl_blob b = { .data = (void *)data, .len = len, .flags = CURL_BLOB_COPY };
	curl_easy_setopt(e, opt, &b);
}

/* All options of one transfer, from scratch (a retry resets the handle first). */
static void http_easy_setup(struct http_client *c, struct http_request *r, const struct http_cred *cred)
{
	CURL *e = r->easy;
	const struct http_tls_copy *t = &c->tls;
	curl_easy_reset(e);
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	r->errbuf[0] = '\0';
	r->decided = r->swallow = false;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	if (strcmp(r->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
		if (r->body) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
		}
	}
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, http_prereq_cb);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, r);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "warroom/0.1");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (r->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->connect_timeout_ms > 0 ? r->connect_timeout_ms : 10000L);

	bool insecure = r->insecure || t->insecure;
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
	if (r->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, r->ca_file);
	else if (t->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
	else if (t->ca_pem)
		http_blob(e, CURLOPT_CAINFO_BLOB, t->ca_pem, t->ca_pem_len);

	/* A plugin's certificate wins over the kubeconfig's, as in client-go. */
	bool cert = false;
	if (cred && cred->cert_pem && cred->key_pem) {
		http_blob(e, CURLOPT_SSLCERT_BLOB, cred->cert_pem, strlen(cred->cert_pem));
		http_blob(e, CURLOPT_SSLKEY_BLOB, cred->key_pem, strlen(cred->key_pem));
		cert = true;
	} else {
		if (t->cert_pem)
			http_blob(e, CURLOPT_SSLCERT_BLOB, t->cert_pem, t->cert_pem_len);
		else if (t->cert_file)
			curl_easy_setopt(e, CURLOPT_SSLCERT, t->cert_file);
		if (t->key_pem)
			http_blob(e, CURLOPT_SSLKEY_BLOB, t->key_pem, t->key_pem_len);
		else if (t->key_file)
			curl_easy_setopt(e, CURLOPT_SSLKEY, t->key_file);
		cert = t->cert_pem || t->cert_file;
	}
	if (cert) {
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (t->proxy_url)
		curl_easy_setopt(e, CURLOPT_PROXY, t->proxy_url);

	char *accept = xasprintf("Accept: %s", r->accept ? r->accept : "application/json");
	r->headers = curl_slist_append(r->headers, accept);
	free(accept);
	if (r->body) {
		char *ctype = xasprintf("Content-Type: %s", r->content_type ? r->content_type : "application/json");
		r->headers = curl_slist_append(r->headers, ctype);
		free(ctype);
		/* No "Expect: 100-continue" round trip for small bodies. */
		r->headers = curl_slist_append(r->headers, "Expect:");
	}
	const char *token = r->token ? r->token : (cred ? cred->token : NULL);
	if (token && token[0]) {
		char *auth = xasprintf("Authorization: Bearer %s", token);
		r->headers = curl_slist_append(r->headers, auth);
		http_wipe_free(auth);
	} else if (t->username) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, t->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD, t->password ? t->password : "");
	}
	r->sent_creds = cert || (token && token[0]) || t->username;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
}

static long http_on_fail_timer(struct loop *loop, long long id, void *ud);

static void http_fail_later(struct http_client *c, struct http_request *r, const char *why)
{
	r->phase = HTTP_FAILED;
	free(r->fail_msg);
	r->fail_msg = xstrdup(why && why[0] ? why : "credentials unavailable");
	if (!c->fail_timer_id)
		c->fail_timer_id = loop_add_timer(c->loop, 0, http_on_fail_timer, c);
}

/* Asks for credentials and hands the transfer to curl, or parks/fails it. */
static void http_start(struct http_client *c, struct http_request *r)
{
	struct http_cred cred = { 0 };
	const struct http_cred *use = NULL;
	r->from_provider = false;
	if (!r->token && c->auth_ops) {
		const char *err = NULL;
		switch (c->auth_ops->get(c->auth_ud, &cred, &err)) {
		case HTTP_AUTH_WAIT:
			r->phase = HTTP_WAITING;
			return;
		case HTTP_AUTH_FAILED:
			http_fail_later(c, r, err);
			return;
		case HTTP_AUTH_READY:
			r->from_provider = true;
			r->generation = cred.generation;
			use = &cred;
			break;
		}
	}
	http_easy_setup(c, r, use);
	if (c->in_curl) {
		r->phase = HTTP_ADDING;
		if (c->writing && c->writing != r) {
			r->holder = c->writing;
			r->holder->holds++;
		}
		return;
	}
	r->phase = HTTP_RUNNING;
	curl_multi_add_handle(c->multi, r->easy);
}

void http_client_auth_ready(struct http_client *c)
{
	for (struct http_request *r = c->requests; r; r = r->next)
		if (r->phase == HTTP_WAITING && !r->cancelled)
			http_start(c, r);
}

static long http_on_fail_timer(struct loop *loop, long long id, void *ud)
{
	(void)loop;
	(void)id;
	struct http_client *c = ud;
	c->fail_timer_id = 0;
	/* Restart the scan after each callback: it may cancel or add requests. */
	for (;;) {
		struct http_request *r = c->requests;
		while (r && r->phase != HTTP_FAILED)
			r = r->next;
		if (!r)
			break;
		char full[2600];
		snprintf(full, sizeof(full), "%s %.1000s: %.1500s", r->method, r->url, r->fail_msg);
		struct http_result res = { .status = 0, .error = full, .url = r->url };
		r->completing = true;
		r->done_fn(r->ud, &res);
		http_request_free(c, r);
	}
	return LOOP_TIMER_STOP;
}

struct http_client *http_client_new(struct loop *loop)
{
	struct http_client *c = xcalloc(1, sizeof(*c));
	c->loop = loop;
	return c;
}

/* libcurl is loaded (kube/curl_lazy) and the multi handle made by the first request, not
 * by http_client_new: the console makes its clients at start-up, and a run that sends no
 * request should not pay ~10 ms for mapping libcurl and the libraries it pulls in.  When
 * libcurl cannot be loaded the client stays usable: each request fails with the reason. */
static bool http_client_load(struct http_client *c)
{
	if (c->multi)
		return true;
	if (c->unavailable)
		return false;
	const char *why = curl_lazy_load();
	if (!why && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		why = "libcurl's global initialisation failed";
	if (!why) {
		c->multi = curl_multi_init();
		if (!c->multi) {
			curl_global_cleanup();
			why = "libcurl could not create a multi handle";
		}
	}
	if (why) {
		c->unavailable = xasprintf("HTTP unavailable: %s", why);
		return false;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return true;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->requests)
		http_request_free(c, c->requests);
	if (c->timer_id)
		loop_cancel_timer(c->loop, c->timer_id);
	if (c->fail_timer_id)
		loop_cancel_timer(c->loop, c->fail_timer_id);
	if (c->multi) {
		curl_multi_cleanup(c->multi);
		curl_global_cleanup();
	}
	http_tls_clear(&c->tls);
	free(c->unavailable);
	free(c);
}

void http_client_set_read_only(struct http_client *c, bool read_only)
{
	c->read_only = read_only;
}

struct http_request *http_get(struct http_client *c, const char *url, const struct http_opts *opts,
			      http_data_fn data_fn, http_done_fn done_fn, void *ud)
{
	return http_send(c, "GET", url, NULL, NULL, 0, opts, data_fn, done_fn, ud);
}

struct http_request *http_send(struct http_client *c, const char *method, const char *url,
			       const char *content_type, const char *body, size_t body_len,
			       const struct http_opts *opts, http_data_fn data_fn, http_done_fn done_fn,
			       void *ud)
{
	struct http_request *r = xcalloc(1, sizeof(*r));
	r->client = c;
	r->url = xstrdup(url);
	r->method = xstrdup(method);
	if (body) {
		r->body = xmalloc(body_len + 1);
		memcpy(r->body, body, body_len);
		r->body[body_len] = '\0';
		r->body_len = body_len;
		r->content_type = http_dup_or_null(content_type);
	}
	r->accept = http_dup_or_null(opts->accept);
	r->token = http_dup_or_null(opts->token);
	r->ca_file = http_dup_or_null(opts->ca_file);
	r->insecure = opts->insecure;
	r->timeout_ms = opts->timeout_ms;
	r->connect_timeout_ms = opts->connect_timeout_ms;
	r->data_fn = data_fn;
	r->done_fn = done_fn;
	r->ud = ud;
	r->phase = HTTP_WAITING;
	r->next = c->requests;
	c->requests = r;
	c->pending++;
	if (!http_client_load(c)) {
		http_fail_later(c, r, c->unavailable);
		return r;
	}
	r->easy = curl_easy_init();
	if (!r->easy) {
		fprintf(stderr, "warroom: libcurl could not create a handle\n");
		abort();
	}
	/* Backstop of the read-only gate (kube/request): a write never reaches curl. */
	if (c->read_only && strcmp(method, "GET") != 0) {
		http_fail_later(c, r, "refused: read-only mode (no request other than GET is sent)");
		return r;
	}
	http_start(c, r);
	return r;
}

void http_cancel(struct http_client *c, struct http_request *r)
{
	if (!r || r->completing)
		return;
	/* Inside a curl callback a running handle may not be removed: abort it instead. */
	if (c->in_curl && r->phase == HTTP_RUNNING) {
		r->cancelled = true;
		return;
	}
	http_request_free(c, r);
}

long http_status(const struct http_request *r)
{
	long status = 0;
	if (r && r->phase == HTTP_RUNNING)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

size_t http_pending(const struct http_client *c)
{
	return c->pending;
}

/* "https://host:port" of a URL (no path), for messages. */
static void http_origin(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	size_t n = p ? (size_t)(p + 3 - url) : 0;
	n += strcspn(url + n, "/?#");
	snprintf(out, cap, "%.*s", (int)(n < 500 ? n : 500), url);
}

static void http_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = p + strcspn(p, "/?#");
	const char *cred = memchr(p, '@', (size_t)(at - p));
	if (cred)
		p = cred + 1;
	size_t n = (size_t)(at - p);
	if (*p == '[') {
		const char *close = memchr(p, ']', n);
		n = close ? (size_t)(close - p + 1) : n;
	} else {
		const char *colon = memchr(p, ':', n);
		n = colon ? (size_t)(colon - p) : n;
	}
	snprintf(out, cap, "%.*s", (int)(n < 300 ? n : 300), p);
}

static const char *http_ca_name(const struct http_client *c, const struct http_request *r)
{
	if (r->ca_file)
		return r->ca_file;
	if (c->tls.ca_file)
		return c->tls.ca_file;
	if (c->tls.ca_pem)
		return "certificate-authority-data";
	return "system CAs";
}

/* Short, stable wording for the errors an operator meets most. */
static const char *http_error_text(struct http_client *c, struct http_request *r, CURLcode code, char *buf,
				   size_t cap)
{
	char where[600];
	const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
	if (r->aborted)
		return "aborted by receiver";
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, cap, "timed out (%s)", r->errbuf[0] ? r->errbuf : "no answer");
		return buf;
	case CURLE_COULDNT_CONNECT: {
		long oserr = 0;
		curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			snprintf(buf, cap, "connection refused");
		else
			snprintf(buf, cap, "could not connect: %s",
				 oserr ? strerror((int)oserr) : (r->errbuf[0] ? r->errbuf : "no route"));
		return buf;
	}
	case CURLE_COULDNT_RESOLVE_HOST:
		http_host(r->url, where, sizeof(where));
		snprintf(buf, cap, "DNS: cannot resolve host %s", where);
		return buf;
	case CURLE_COULDNT_RESOLVE_PROXY:
		snprintf(buf, cap, "DNS: cannot resolve the proxy (%s)", detail);
		return buf;
	case CURLE_PEER_FAILED_VERIFICATION:
		http_origin(r->url, where, sizeof(where));
		snprintf(buf, cap, "TLS: certificate verify failed for %s (CA: %.400s): %s", where,
			 http_ca_name(c, r), detail);
		return buf;
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(buf, cap, "TLS: cannot use the CA %.400s: %s", http_ca_name(c, r), detail);
		return buf;
	case CURLE_SSL_CERTPROBLEM:
		snprintf(buf, cap, "TLS: cannot use the client certificate/key: %s", detail);
		return buf;
	case CURLE_SSL_CONNECT_ERROR:
		http_origin(r->url, where, sizeof(where));
		snprintf(buf, cap, "TLS: handshake with %s failed: %s", where, detail);
		return buf;
	case CURLE_GOT_NOTHING:
		snprintf(buf, cap, "the server closed the connection without answering");
		return buf;
	default:
		return detail;
	}
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
		if (code == CURLE_OK && !r->decided)
			http_decide(c, r);
		curl_multi_remove_handle(c->multi, r->easy);
		r->phase = HTTP_WAITING;
		if (code == CURLE_OK && r->swallow) {
			/* The provider dropped the rejected credential: once more with a fresh one. */
			r->retried = true;
			http_start(c, r);
			continue;
		}
		char text[2048], full[4096], problem[1200];
		struct http_result res = { .status = status, .error = NULL, .url = r->url, .problem = NULL };
		if (code != CURLE_OK || r->aborted) {
			const char *why = http_error_text(c, r, code, text, sizeof(text));
			snprintf(full, sizeof(full), "%s %.1400s: %s", r->method, r->url, why);
			res.error = full;
		} else if (status < 200 || status > 299) {
			if (status == 401 && !r->sent_creds)
				snprintf(problem, sizeof(problem),
					 "401 Unauthorized: the server wants credentials and none were given");
			else
				http_status_problem(status, r->method, r->url, c->tls.user_name, problem, sizeof(problem));
			res.problem = problem;
		}
		/* Unlinked from curl before the callback so that it may start new requests freely. */
		r->completing = true;
		r->done_fn(r->ud, &res);
		http_request_free(c, r);
	}
}
