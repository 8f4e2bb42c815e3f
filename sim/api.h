#ifndef SIM_API_H
#define SIM_API_H
/* sim/api: the request handlers behind sim/http (internal to warroom-sim).
 *
 * Contract: http.c turns a libmicrohttpd request into a `struct api_req` (path and query
 * already percent-decoded and checked, body complete) and calls api_handle, which fills a
 * `struct api_resp`: either a complete body or a stream.  Handlers never touch
 * libmicrohttpd.  A stream's fill callback runs in the connection's own thread and may
 * block for about a second; http.c calls it again until it reports the end, the client
 * leaves or the simulator stops.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/resources.h"
#include "sim/sim.h"

struct api_query {
	char *key, *val;
};

struct api_req {
	struct sim *sim;
	const char *method;       /* "GET", "POST", ... */
	const char *path;         /* decoded, without the query */
	struct api_query *query;  /* decoded pairs, in order */
	size_t nquery;
	const char *accept;       /* header or "" */
	const char *content_type; /* header or "" */
	const char *body;         /* NUL-terminated, may be "" */
	size_t body_len;
	const char *host;         /* Host header or "" (for serverAddressByClientCIDRs) */
};

/* A growable byte buffer. */
struct api_buf {
	char *p;
	size_t len, cap;
};
void api_buf_add(struct api_buf *b, const void *data, size_t n);
/* Appends the compact JSON of j and a '\n'. */
void api_buf_add_json_line(struct api_buf *b, const json_t *j);

enum api_fill { API_FILL_MORE, API_FILL_END, API_FILL_ABORT };

struct api_stream {
	/* Appends output to out (possibly nothing) and says whether more may follow.
	 * API_FILL_ABORT closes the connection without a clean end of the chunked body. */
	enum api_fill (*fill)(struct api_stream *st, struct api_buf *out);
	void (*destroy)(struct api_stream *st);
	struct sim *sim;
};

struct api_resp {
	int code;
	const char *content_type; /* static string */
	struct api_buf body;
	struct api_stream *stream; /* set instead of body for streaming answers */
};

/* Dispatches one API request (everything but auth, latency and the request log). */
void api_handle(const struct api_req *rq, struct api_resp *rs);

/* ---- helpers shared by the handlers (api.c) ---- */
/* Value of query parameter key, or NULL. */
const char *api_query_get(const struct api_req *rq, const char *key);
/* Sets rs to a JSON answer (steals j). */
void api_reply_json(struct api_resp *rs, int code, json_t *j);
/* Sets rs to a Status failure; details may be NULL (stolen otherwise). */
void api_reply_status(struct api_resp *rs, int code, const char *reason, const char *message,
		      json_t *details);
/* A Status failure object for 'code/reason/message' (used inside watch ERROR events). */
json_t *api_status_new(int code, const char *reason, const char *message, json_t *details);
/* 404 `<plural> "name" not found`. */
void api_reply_not_found(struct api_resp *rs, const struct sim_resource_info *r,
			 const char *name);
/* Parses a non-negative decimal integer query value; false on garbage. */
bool api_parse_long(const char *s, long *out);
/* true when the query has dryRun=All; false and a 400 in rs for other values. */
bool api_dry_run(const struct api_req *rq, struct api_resp *rs, bool *dry);

/* A resource path, after /api/v1 or /apis/G/V. */
struct api_target {
	const struct sim_resource_info *r;
	const char *ns;   /* NULL: all namespaces / cluster-scoped */
	const char *name; /* NULL: the collection */
	const char *sub;  /* NULL or "log", "scale", ... */
	bool legacy_watch; /* /api/v1/watch/... */
	char *storage;    /* owns ns/name/sub */
};

/* ---- handlers ---- */
/* api_discovery.c: returns true when it answered the path. */
bool api_discovery(const struct api_req *rq, struct api_resp *rs);
/* api_read.c */
void api_read_list(const struct api_req *rq, const struct api_target *t, struct api_resp *rs);
void api_read_get(const struct api_req *rq, const struct api_target *t, struct api_resp *rs);
/* True when the request asks for the server-side Table. */
bool api_wants_table(const struct api_req *rq);
/* includeObject query value, checked ("Metadata" by default); NULL after a 400 in rs. */
const char *api_include_object(const struct api_req *rq, struct api_resp *rs);
/* api_watch.c */
void api_watch(const struct api_req *rq, const struct api_target *t, struct api_resp *rs);
/* api_write.c */
void api_write(const struct api_req *rq, const struct api_target *t, struct api_resp *rs);
/* api_logs.c */
void api_logs(const struct api_req *rq, const struct api_target *t, struct api_resp *rs);
/* api_sim.c: POST /sim/v1/faults (GET /sim/v1/requests lives in http.c, which owns the
 * request log). */
void api_sim_fault(const struct api_req *rq, struct api_resp *rs);

#endif
