/* ssh/pm2_rpc: pm2's RPC request and reply in AMP frames (see pm2_rpc.h). */
#include "ssh/pm2_rpc.h"

#include "core/xalloc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PM2_RPC_VERSION = 1, PM2_RPC_MAX_ID = 64 };

/* The request's JSON: the one method this module ever asks for. */
static const char pm2_rpc_call[] =
	"j:{\"type\":\"call\",\"method\":\"getMonitorData\",\"args\":[{}]}";

/* Every error names the host the reply came from: "pm2 RPC on HOST: ...". */
static int pm2_rpc_fail(char *err, size_t cap, const char *host, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int pm2_rpc_fail(char *err, size_t cap, const char *host, const char *fmt, ...)
{
	char prefix[300];
	snprintf(prefix, sizeof(prefix), "pm2 RPC on %s: ", host);
	va_list ap;
	va_start(ap, fmt);
	checks_failv(err, cap, prefix, fmt, ap);
	va_end(ap);
	return -1;
}

static void pm2_rpc_put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t pm2_rpc_get_u32(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

char *pm2_rpc_encode_request(const char *id, size_t *len)
{
	size_t idlen = strnlen(id, PM2_RPC_MAX_ID);
	size_t a0 = sizeof(pm2_rpc_call) - 1, a1 = 2 + idlen;
	size_t n = 1 + 4 + a0 + 4 + a1;
	unsigned char *buf = xmalloc(n);
	size_t off = 0;
	buf[off++] = PM2_RPC_VERSION << 4 | 2;
	pm2_rpc_put_u32(buf + off, (uint32_t)a0);
	off += 4;
	memcpy(buf + off, pm2_rpc_call, a0);
	off += a0;
	pm2_rpc_put_u32(buf + off, (uint32_t)a1);
	off += 4;
	memcpy(buf + off, "s:", 2);
	memcpy(buf + off + 2, id, idlen);
	*len = n;
	return (char *)buf;
}

/* Where argument i starts and how long it is, once the frame is known to be whole. */
struct pm2_rpc_arg {
	const char *p;
	size_t len;
};

/* Walks the frame's headers: fills args (when not NULL) for a whole frame. */
static enum pm2_rpc_frame_state pm2_rpc_walk(const char *buf, size_t len, size_t max,
					     size_t *frame_len, struct pm2_rpc_arg *args,
					     size_t *nargs, char *err, size_t cap)
{
	if (len == 0)
		return PM2_RPC_FRAME_MORE;
	unsigned char meta = (unsigned char)buf[0];
	unsigned version = meta >> 4, argc = meta & 0xf;
	if (version != PM2_RPC_VERSION) {
		if (err && cap)
			snprintf(err, cap, "not an AMP frame (version %u in the first byte 0x%02x, "
				 "expected 1)", version, meta);
		return PM2_RPC_FRAME_BAD;
	}
	size_t off = 1;
	for (unsigned i = 0; i < argc; i++) {
		if (len - off < 4)
			return PM2_RPC_FRAME_MORE;
		uint32_t alen = pm2_rpc_get_u32(buf + off);
		off += 4;
		/* Checked before adding: a hostile length must neither overflow nor make us
		 * wait for gigabytes. */
		if (alen > max || off + alen > max) {
			if (err && cap)
				snprintf(err, cap, "argument %u of the frame claims %lu bytes (limit %zu)",
					 i + 1, (unsigned long)alen, max);
			return PM2_RPC_FRAME_BAD;
		}
		if (len - off < alen)
			return PM2_RPC_FRAME_MORE;
		if (args) {
			args[i].p = buf + off;
			args[i].len = alen;
		}
		off += alen;
	}
	if (nargs)
		*nargs = argc;
	*frame_len = off;
	return PM2_RPC_FRAME_WHOLE;
}

enum pm2_rpc_frame_state pm2_rpc_frame_check(const char *buf, size_t len, size_t max,
					     size_t *frame_len, char *err, size_t cap)
{
	return pm2_rpc_walk(buf, len, max, frame_len, NULL, NULL, err, cap);
}

bool pm2_rpc_reply_done(const char *buf, size_t len)
{
	size_t n;
	return pm2_rpc_frame_check(buf, len, PM2_RPC_MAX_REPLY, &n, NULL, 0) != PM2_RPC_FRAME_MORE;
}

/* The daemon's own error ({"error": "..."}): its text, first line, at most 200 bytes
 * (shown sanitised by the caller, like any remote text). */
static int pm2_rpc_daemon_error(const json_t *e, const char *host, char *err, size_t cap)
{
	const char *msg = json_is_string(e) ? json_string_value(e) : "(not a string)";
	size_t n = strcspn(msg, "\r\n");
	if (n > 200)
		n = 200;
	return pm2_rpc_fail(err, cap, host, "the daemon answered an error: %.*s", (int)n, msg);
}

int pm2_rpc_parse_reply(const char *buf, size_t len, const char *id, const char *host,
			struct pm2_list *out, char *err, size_t cap)
{
	out->v = NULL;
	out->n = 0;
	char why[200];
	size_t flen = 0, nargs = 0;
	struct pm2_rpc_arg args[PM2_RPC_MAX_ARGS];
	switch (pm2_rpc_walk(buf, len, PM2_RPC_MAX_REPLY, &flen, args, &nargs, why, sizeof(why))) {
	case PM2_RPC_FRAME_MORE:
		if (len == 0)
			return pm2_rpc_fail(err, cap, host, "no reply (the daemon closed the connection)");
		return pm2_rpc_fail(err, cap, host, "the reply ended after %zu bytes, inside "
				    "a frame", len);
	case PM2_RPC_FRAME_BAD:
		return pm2_rpc_fail(err, cap, host, "%s", why);
	case PM2_RPC_FRAME_WHOLE:
		break;
	}
	if (nargs != 2)
		return pm2_rpc_fail(err, cap, host, "the reply has %zu arguments, expected 2 "
				    "(result, id)", nargs);
	size_t idlen = strnlen(id, PM2_RPC_MAX_ID);
	if (args[1].len < 2 || memcmp(args[1].p, "s:", 2) != 0)
		return pm2_rpc_fail(err, cap, host, "the reply's id is not a string argument");
	if (args[1].len - 2 != idlen || memcmp(args[1].p + 2, id, idlen) != 0)
		return pm2_rpc_fail(err, cap, host, "the reply answers another request (id "
				    "of %zu bytes, expected \"%s\")", args[1].len - 2, id);
	if (args[0].len < 2 || memcmp(args[0].p, "j:", 2) != 0)
		return pm2_rpc_fail(err, cap, host, "the reply's result is not JSON (\"j:\")");
	json_error_t jerr;
	json_t *root = json_loadb(args[0].p + 2, args[0].len - 2, 0, &jerr);
	if (!root) {
		/* jansson quotes the token it stopped at ("... near 'x'"): that may be a piece
		 * of an env section, so only its reason is kept. */
		char *near = strstr(jerr.text, " near ");
		if (near)
			*near = '\0';
		return pm2_rpc_fail(err, cap, host, "invalid JSON in the reply at byte %d: %s",
				    jerr.position, jerr.text);
	}
	int rc;
	const json_t *res = json_is_object(root) ? json_object_get(root, "args") : NULL;
	if (json_is_object(root) && json_object_get(root, "error"))
		rc = pm2_rpc_daemon_error(json_object_get(root, "error"), host, err, cap);
	else if (!json_is_array(res) || json_array_size(res) < 1)
		rc = pm2_rpc_fail(err, cap, host, "the reply has no \"args\" list");
	else {
		char what[300];
		snprintf(what, sizeof(what), "pm2 RPC on %s: process list", host);
		rc = checks_pm2_from_json(json_array_get(res, 0), what, out, err, cap);
	}
	/* The tree, env sections and all, goes now: only the parsed rows are kept. */
	json_decref(root);
	return rc;
}

long long pm2_rpc_retry_period_ms(const char *env)
{
	/* Digits only: strtol alone would take " 5" or "+5". */
	if (!env || *env < '0' || *env > '9')
		return PM2_RPC_RETRY_DEFAULT_S * 1000LL;
	char *end = NULL;
	long v = strtol(env, &end, 10);
	if (*end != '\0' || v < 1 || v > 86400)
		return PM2_RPC_RETRY_DEFAULT_S * 1000LL;
	return v * 1000LL;
}

long long pm2_rpc_retry_delay_ms(unsigned failures, long long period_ms)
{
	unsigned shift = failures > 1 ? failures - 1 : 0;
	if (shift > PM2_RPC_RETRY_MAX_SHIFT)
		shift = PM2_RPC_RETRY_MAX_SHIFT;
	return period_ms << shift;
}
