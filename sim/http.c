/* sim/http: libmicrohttpd glue of warroom-sim; see http.h.
 *
 * Per request: the raw URI (from the URI log callback, so we see the query exactly as
 * sent and can reject bad percent-encoding ourselves), the body (capped), then auth,
 * the request log, the latency fault and api_handle.  Streaming answers are chunked
 * responses whose reader callback blocks in the connection's own thread.
 */
/* POLLRDHUP (Linux) tells a departed client from one that is merely quiet. */
#define _GNU_SOURCE
#include "sim/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/xalloc.h"
#include "sim/api.h"
#include "sim/sim.h"

enum { HTTP_BODY_MAX = 8 << 20, HTTP_LOG_CAP = 4096, HTTP_STREAM_BLOCK = 16 << 10 };

struct http_logrec {
	uint64_t seq;
	char *method, *path, *query;
	struct timespec when;
};

struct sim_http {
	struct MHD_Daemon *d;
	struct sim *sim;
	char *cert_pem, *key_pem;
	pthread_mutex_t logmu;
	struct http_logrec log[HTTP_LOG_CAP];
	uint64_t seq; /* requests recorded so far; log[(seq-1) % CAP] is the newest */
};

struct http_conn {
	char *uri; /* raw request target */
	struct api_buf body;
	bool started, too_big;
};

struct http_stream {
	struct sim *sim;
	struct api_stream *st;
	struct api_buf buf;
	size_t off;
	bool ended, aborted;
	int fd;
};

/* ---- URI decoding ---- */

static int http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Strict percent-decoding of s[0..n); plus_space for query parts.  NULL on a bad escape
 * or an encoded NUL. */
static char *http_unescape(const char *s, size_t n, bool plus_space)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 1 < n ? http_hex(s[i + 1]) : -1;
			int lo = i + 2 < n ? http_hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void http_free_query(struct api_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(q[i].key);
		free(q[i].val);
	}
	free(q);
}

/* Splits the raw target into a decoded path and query pairs; false on bad encoding. */
static bool http_parse_uri(const char *uri, char **path, struct api_query **q, size_t *nq)
{
	const char *qm = strchr(uri, '?');
	size_t plen = qm ? (size_t)(qm - uri) : strlen(uri);
	*q = NULL;
	*nq = 0;
	*path = http_unescape(uri, plen, false);
	if (!*path)
		return false;
	if (!qm)
		return true;
	size_t cap = 0;
	for (const char *p = qm + 1; *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len) {
			const char *eq = memchr(p, '=', len);
			size_t klen = eq ? (size_t)(eq - p) : len;
			char *k = http_unescape(p, klen, true);
			char *v = eq ? http_unescape(eq + 1, len - klen - 1, true) : xstrdup("");
			if (!k || !v) {
				free(k);
				free(v);
				return false;
			}
			*q = xgrow(*q, &cap, *nq + 1, sizeof(**q));
			(*q)[(*nq)++] = (struct api_query){k, v};
		}
		p = amp ? amp + 1 : p + len;
	}
	return true;
}

/* ---- request log ---- */

static void http_log_request(struct sim_http *h, const char *method, const char *uri,
			     const char *path)
{
	const char *qm = strchr(uri, '?');
	pthread_mutex_lock(&h->logmu);
	struct http_logrec *r = &h->log[h->seq % HTTP_LOG_CAP];
	free(r->method);
	free(r->path);
	free(r->query);
	r->seq = ++h->seq;
	r->method = xstrdup(method);
	r->path = xstrdup(path);
	r->query = xstrdup(qm ? qm + 1 : "");
	clock_gettime(CLOCK_REALTIME, &r->when);
	pthread_mutex_unlock(&h->logmu);
}

/* GET /sim/v1/requests[?since=N]: the recorded requests with seq > N, oldest first. */
static void http_reply_requests(struct sim_http *h, const struct api_req *rq,
				struct api_resp *rs)
{
	long since = 0;
	const char *sv = api_query_get(rq, "since");
	if (sv && !api_parse_long(sv, &since)) {
		api_reply_status(rs, 400, "BadRequest", "since: expected a non-negative integer",
				 NULL);
		return;
	}
	json_t *items = json_array();
	pthread_mutex_lock(&h->logmu);
	uint64_t first = h->seq > HTTP_LOG_CAP ? h->seq - HTTP_LOG_CAP + 1 : 1;
	if ((uint64_t)since + 1 > first)
		first = (uint64_t)since + 1;
	for (uint64_t s = first; s <= h->seq; s++) {
		struct http_logrec *r = &h->log[(s - 1) % HTTP_LOG_CAP];
		char ts[32], full[48];
		sim_format_time(r->when.tv_sec, ts, sizeof(ts));
		/* RFC 3339 with milliseconds: "...T09:53:00.123Z" */
		snprintf(full, sizeof(full), "%.19s.%03ldZ", ts, r->when.tv_nsec / 1000000);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq",
						       (json_int_t)r->seq, "method", r->method,
						       "path", r->path, "query", r->query, "time",
						       full));
	}
	json_t *out = json_pack("{s:o, s:I}", "items", items, "last", (json_int_t)h->seq);
	pthread_mutex_unlock(&h->logmu);
	api_reply_json(rs, 200, out);
}

/* ---- auth ---- */

/* Constant time in the length of the expected token: no early exit on a mismatch. */
static bool http_token_ok(const char *expected, const char *header)
{
	static const char prefix[] = "Bearer ";
	if (!header || strncmp(header, prefix, sizeof(prefix) - 1))
		return false;
	const char *got = header + sizeof(prefix) - 1;
	size_t el = strlen(expected), gl = strlen(got);
	unsigned char diff = (unsigned char)(el != gl);
	for (size_t i = 0; i < el; i++)
		diff |= (unsigned char)(expected[i] ^ (i < gl ? got[i] : 0));
	return diff == 0;
}

/* ---- streaming ---- */

static bool http_client_gone(int fd)
{
	if (fd < 0)
		return false;
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static ssize_t http_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *hs = cls;
	(void)pos;
	for (;;) {
		if (hs->off < hs->buf.len) {
			size_t n = hs->buf.len - hs->off;
			if (n > max)
				n = max;
			memcpy(buf, hs->buf.p + hs->off, n);
			hs->off += n;
			if (hs->off == hs->buf.len)
				hs->off = hs->buf.len = 0;
			return (ssize_t)n;
		}
		if (hs->aborted)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (hs->ended || atomic_load(&hs->sim->stopping))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (http_client_gone(hs->fd))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		enum api_fill f = hs->st->fill(hs->st, &hs->buf);
		if (f == API_FILL_END)
			hs->ended = true;
		else if (f == API_FILL_ABORT) {
			/* Drop whatever is pending: the point is an abrupt end. */
			hs->aborted = true;
			hs->off = hs->buf.len = 0;
		}
	}
}

static void http_stream_free(void *cls)
{
	struct http_stream *hs = cls;
	hs->st->destroy(hs->st);
	free(hs->buf.p);
	free(hs);
}

/* ---- the access handler ---- */

static void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	struct http_conn *hc = xcalloc(1, sizeof(*hc));
	hc->uri = xstrdup(uri ? uri : "/");
	return hc;
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct http_conn *hc = *con_cls;
	if (!hc)
		return;
	free(hc->uri);
	free(hc->body.p);
	free(hc);
	*con_cls = NULL;
}

static const char *http_header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	return v ? v : "";
}

static enum MHD_Result http_queue(struct MHD_Connection *c, struct api_resp *rs)
{
	struct MHD_Response *resp;
	if (rs->stream) {
		struct http_stream *hs = xcalloc(1, sizeof(*hs));
		hs->sim = rs->stream->sim;
		hs->st = rs->stream;
		/* Output produced while setting up (e.g. initial events) goes out first. */
		hs->buf = rs->body;
		rs->body = (struct api_buf){0};
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		hs->fd = ci ? ci->connect_fd : -1;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTP_STREAM_BLOCK,
							 http_stream_read, hs, http_stream_free);
		if (!resp) {
			http_stream_free(hs);
			return MHD_NO;
		}
	} else {
		resp = MHD_create_response_from_buffer(rs->body.len, rs->body.p,
						       MHD_RESPMEM_MUST_COPY);
		if (!resp)
			return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
				rs->content_type ? rs->content_type : "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
	enum MHD_Result r = MHD_queue_response(c, (unsigned)rs->code, resp);
	MHD_destroy_response(resp);
	return r;
}

static void http_serve(struct sim_http *h, struct MHD_Connection *c, const char *method,
		       struct http_conn *hc, struct api_resp *rs)
{
	char *path = NULL;
	struct api_query *q = NULL;
	size_t nq = 0;
	struct sim *sim = h->sim;
	if (!http_parse_uri(hc->uri, &path, &q, &nq)) {
		http_free_query(q, nq);
		free(path);
		api_reply_status(rs, 400, "BadRequest", "malformed percent-encoding in the request URI",
				 NULL);
		return;
	}
	struct api_req rq = {
		.sim = sim,
		.method = method,
		.path = path,
		.query = q,
		.nquery = nq,
		.accept = http_header(c, "Accept"),
		.content_type = http_header(c, "Content-Type"),
		.body = hc->body.p ? hc->body.p : "",
		.body_len = hc->body.len,
		.host = http_header(c, "Host"),
	};
	bool simctl = !strncmp(path, "/sim/v1/", 8);
	if (sim->token && !http_token_ok(sim->token, http_header(c, "Authorization"))) {
		api_reply_status(rs, 401, "Unauthorized", "Unauthorized", NULL);
	} else if (hc->too_big) {
		api_reply_status(rs, 413, "RequestEntityTooLarge",
				 "the request body is larger than 8 MiB", NULL);
	} else if (simctl && !strcmp(path, "/sim/v1/requests")) {
		http_reply_requests(h, &rq, rs);
	} else {
		if (!simctl) {
			http_log_request(h, method, hc->uri, path);
			int ms = atomic_load(&sim->latency_ms);
			if (ms > 0) {
				struct timespec d = {ms / 1000, (long)(ms % 1000) * 1000000L};
				nanosleep(&d, NULL);
			}
		}
		api_handle(&rq, rs);
	}
	http_free_query(q, nq);
	free(path);
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *c, const char *url,
				   const char *method, const char *version,
				   const char *upload_data, size_t *upload_data_size,
				   void **con_cls)
{
	struct sim_http *h = cls;
	(void)url;
	(void)version;
	struct http_conn *hc = *con_cls;
	if (!hc) /* no URI callback ran (should not happen): be safe */
		*con_cls = hc = http_uri_log(NULL, url, c);
	if (*upload_data_size) {
		if (hc->body.len + *upload_data_size > HTTP_BODY_MAX)
			hc->too_big = true;
		else
			api_buf_add(&hc->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* libmicrohttpd calls once after the headers, then per body chunk, then once more
	 * with no data: answer on that last call. */
	if (!hc->started) {
		hc->started = true;
		return MHD_YES;
	}
	struct api_resp rs = {.code = 500};
	http_serve(h, c, method, hc, &rs);
	enum MHD_Result r = http_queue(c, &rs);
	free(rs.body.p);
	return r;
}

/* ---- start/stop ---- */

static char *http_read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %m", path);
		return NULL;
	}
	struct api_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1u << 20))
		api_buf_add(&b, chunk, n);
	fclose(f);
	if (!b.len) {
		snprintf(err, errlen, "%s is empty", path);
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* Parses "HOST:PORT" / "[V6]:PORT" into ss, accepting loopback addresses only. */
static bool http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl,
			      bool *v6, char *err, size_t errlen)
{
	char host[128];
	const char *port;
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - listen - 1) >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, (size_t)(rb - listen - 1));
		host[rb - listen - 1] = '\0';
		port = rb + 2;
	} else {
		const char *colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		port = colon + 1;
	}
	long p;
	if (!api_parse_long(port, &p) || p > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*sl = sizeof(*a4);
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
			goto not_loopback;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*sl = sizeof(*a6);
		*v6 = true;
		return true;
	}
	if (0) {
	not_loopback:
		snprintf(err, errlen,
			 "--listen %s: refusing a non-loopback address (only 127.0.0.0/8 and [::1])",
			 listen);
		return false;
	}
bad:
	snprintf(err, errlen, "--listen %s: expected 127.0.0.1:PORT or [::1]:PORT", listen);
	return false;
}

struct sim_http *http_start(struct sim *sim, const struct sim_http_opts *o, int *port,
			    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	bool v6;
	const char *listen = o->listen ? o->listen : "127.0.0.1:0";
	if (!http_parse_listen(listen, &ss, &sl, &v6, err, errlen))
		return NULL;
	struct sim_http *h = xcalloc(1, sizeof(*h));
	h->sim = sim;
	pthread_mutex_init(&h->logmu, NULL);
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	if (v6)
		flags |= MHD_USE_IPv6;
	bool tls = o->tls_cert || o->tls_key;
	if (tls) {
		if (!o->tls_cert || !o->tls_key) {
			snprintf(err, errlen, "TLS needs both --tls-cert and --tls-key");
			goto fail;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "this libmicrohttpd was built without TLS support");
			goto fail;
		}
		if (!(h->cert_pem = http_read_file(o->tls_cert, err, errlen)) ||
		    !(h->key_pem = http_read_file(o->tls_key, err, errlen)))
			goto fail;
		flags |= MHD_USE_TLS;
	}
	if (tls)
		h->d = MHD_start_daemon(flags, 0, NULL, NULL, http_access, h, MHD_OPTION_SOCK_ADDR,
					(struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK,
					http_uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED,
					http_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
					(unsigned)300, MHD_OPTION_HTTPS_MEM_CERT, h->cert_pem,
					MHD_OPTION_HTTPS_MEM_KEY, h->key_pem, MHD_OPTION_END);
	else
		h->d = MHD_start_daemon(flags, 0, NULL, NULL, http_access, h, MHD_OPTION_SOCK_ADDR,
					(struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK,
					http_uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED,
					http_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
					(unsigned)300, MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errlen,
			 "cannot listen on %s (address in use, or an invalid TLS certificate/key)",
			 listen);
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage bound;
	socklen_t bl = sizeof(bound);
	if (!di || getsockname(di->listen_fd, (struct sockaddr *)&bound, &bl)) {
		snprintf(err, errlen, "cannot find the port bound for %s", listen);
		goto fail;
	}
	*port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						  : ((struct sockaddr_in *)&bound)->sin_port);
	(void)sl;
	return h;
fail:
	http_stop(h);
	return NULL;
}

void http_stop(struct sim_http *h)
{
	if (!h)
		return;
	if (h->d)
		MHD_stop_daemon(h->d);
	for (int i = 0; i < HTTP_LOG_CAP; i++) {
		free(h->log[i].method);
		free(h->log[i].path);
		free(h->log[i].query);
	}
	pthread_mutex_destroy(&h->logmu);
	free(h->cert_pem);
	free(h->key_pem);
	free(h);
}
