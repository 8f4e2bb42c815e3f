#ifndef SSH_PM2_RPC_H
#define SSH_PM2_RPC_H
/* ssh/pm2_rpc: asking a pm2 daemon for its process list over its RPC socket
 * ($PM2_HOME/rpc.sock) instead of running `pm2 jlist` (a node start-up per poll).
 *
 * The wire format, as pm2's CLI speaks it (pm2-axon "req" socket, pm2-axon-rpc, amp):
 * every message is one AMP frame: a byte (version << 4 | argc, version 1), then per
 * argument a 4-byte big-endian length and its bytes; an argument "j:" + JSON, "s:" +
 * string, anything else a raw buffer.  The request is
 *     [ j:{"type":"call","method":"getMonitorData","args":[{}]}, s:ID ]
 * and the daemon answers on the same connection, which it keeps open:
 *     [ j:{"args":[LIST]}, s:ID ]       or  [ j:{"error":"..."}, s:ID ]
 * where LIST is what `pm2 jlist` prints.
 *
 * Contract: pure, no I/O.  Only getMonitorData is ever encoded (pm2's RPC can also start,
 * stop and run anything: no other method is reachable from here).  Replies are arbitrary
 * bytes from a remote host: frames are bounded (PM2_RPC_MAX_REPLY), every malformed
 * input is an error naming the host and what was wrong, never a crash.  The list goes
 * through the `pm2 jlist` parser (ssh/checks): the same rows, and env sections are never
 * copied. */
#include "ssh/checks.h"

#include <stdbool.h>
#include <stddef.h>

/* A reply larger than this is refused (the same cap as a command's output). */
enum { PM2_RPC_MAX_REPLY = 8 << 20, PM2_RPC_MAX_ARGS = 15 };

/* The getMonitorData request with message id `id` (printable, at most 64 bytes; longer
 * ids are cut).  Returns the frame (malloc'd) and its length in *len. */
char *pm2_rpc_encode_request(const char *id, size_t *len);

enum pm2_rpc_frame_state {
	PM2_RPC_FRAME_MORE,      /* a prefix of a valid frame: read on */
	PM2_RPC_FRAME_WHOLE,     /* buf starts with one whole frame of *frame_len bytes */
	PM2_RPC_FRAME_BAD,       /* not an AMP frame, or one larger than max: stop */
};

/* Looks at the bytes received so far (incremental: call again as more arrive; it only
 * walks the argument headers).  err gets the reason for PM2_RPC_FRAME_BAD. */
enum pm2_rpc_frame_state pm2_rpc_frame_check(const char *buf, size_t len, size_t max,
					     size_t *frame_len, char *err, size_t cap);

/* For ssh_cmd.reply_done: true once the reply is whole or known to be bad. */
bool pm2_rpc_reply_done(const char *buf, size_t len);

/* Decodes a getMonitorData reply to request `id` received from `host` into *out (the
 * `pm2 jlist` rows).  0, or -1 with err ("pm2 RPC on HOST: ..."): incomplete or bad
 * frame, wrong argument count or encoding, another request's id, the daemon's error,
 * invalid JSON, or a list the jlist parser refuses. */
int pm2_rpc_parse_reply(const char *buf, size_t len, const char *id, const char *host,
			struct pm2_list *out, char *err, size_t cap);

/* When to ask the daemon again after a failure.  A host that fell back to `pm2 jlist`
 * is not stuck there: the daemon may simply not have run at the first poll (and the CLI
 * starts it).  But a broken or hostile daemon must not be asked at every poll, so the
 * wait doubles with each failure in a row: period, 2x, 4x, then 8x at most (5, 10, 20,
 * 40 minutes by default).  The period is PM2_RPC_RETRY_DEFAULT_S, or what the environment
 * variable WARROOM_PM2_RPC_RETRY says in seconds (for tests; 1..86400, anything else is
 * ignored): pm2_rpc_retry_period_ms(getenv(...)). */
enum { PM2_RPC_RETRY_DEFAULT_S = 300, PM2_RPC_RETRY_MAX_SHIFT = 3 };
long long pm2_rpc_retry_period_ms(const char *env);
/* The wait after `failures` (>= 1) failures in a row. */
long long pm2_rpc_retry_delay_ms(unsigned failures, long long period_ms);

#endif
