#ifndef SSH_AGENT_PROBE_H
#define SSH_AGENT_PROBE_H
/* ssh/agent_probe: asks an ssh-agent for its identity list on the event loop, without
 * blocking, before libssh2 is let near it.
 *
 * Why: libssh2's agent calls (connect, list, sign) use a blocking socket, so an agent
 * that accepts and never answers (hung, or a stale socket some other program now owns)
 * would freeze the whole console inside libssh2_agent_list_identities.  The probe sends
 * SSH2_AGENTC_REQUEST_IDENTITIES on a non-blocking socket of its own and waits for the
 * answer's header with a deadline; only an agent that answered is then handed to libssh2
 * (which asks again and gets its answer at once).  A hang after a good answer (during the
 * signature) is not covered.
 *
 * Contract: done runs exactly once, from a loop callback (never from inside
 * agent_probe_start), with a result and a one-line reason ("connect PATH: No such file
 * or directory", "no answer within 1000 ms"); the probe may be freed from inside done.
 * agent_probe_free before done cancels it (done is then never called).
 */
#include "tui/loop.h"

enum agent_probe_result {
	AGENT_PROBE_OK,          /* the agent answered with an identities list */
	AGENT_PROBE_UNREACHABLE, /* no socket there, connection refused, closed on us */
	AGENT_PROBE_SILENT,      /* connected but no answer within the deadline */
	AGENT_PROBE_BAD,         /* answered something that is not an identities list */
};

struct agent_probe;
typedef void (*agent_probe_fn)(struct agent_probe *p, enum agent_probe_result r,
			       const char *why, void *ud);

/* Starts probing the agent at the unix socket path; deadline_ms > 0. */
struct agent_probe *agent_probe_start(struct loop *loop, const char *path, long deadline_ms,
				      agent_probe_fn done, void *ud);
void agent_probe_free(struct agent_probe *p);

#endif
