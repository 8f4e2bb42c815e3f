#ifndef SSH_SESSION_INT_H
#define SSH_SESSION_INT_H
/* ssh/session_int: the inside of an ssh/session, shared by the files that make up the
 * state machine (session.c: connection, channels, teardown; auth.c: authentication;
 * session_jump.c: ProxyJump; channel_unix.c: requests to unix sockets on the host).
 * Nothing outside ssh/session*.c,
 * ssh/auth.c and ssh/channel_unix.c includes it: everyone else uses ssh/session.h. */
#include "ssh/session.h"

#include "ssh/agent_probe.h"

#include <libssh2.h>
#include <netdb.h>

/* One command as the session keeps it (struct ssh_cmd with owned copies). */
struct ssh_cmd_slot {
	enum ssh_cmd_kind kind;
	char *text;
	char *request;
	size_t request_len;
	ssh_reply_done_fn reply_done;
};

enum ssh_state {
	S_RESOLVE, S_CONNECT, S_HANDSHAKE, S_AUTH_LIST, S_AUTH_PROBE, S_AUTH_AGENT, S_AUTH_KEY,
	S_AUTH_PASSWORD, S_AUTH_KBD, S_CHAN_OPEN, S_EXEC, S_READ, S_CLOSE, S_FREE_CHAN, S_DONE,
	S_JUMP,                  /* waiting for the jump host's tunnel */
	S_FWD_OPEN, S_PUMP,      /* a jump host's session: open the tunnel, then pump it */
};

struct ssh_session {
	struct loop *loop;
	char *address, *user, *known_hosts, *agent_socket;
	int port;
	char **identities;
	size_t nidentities, ident_i;
	int timeout_ms;
	struct ssh_cmd_slot *cmds; /* owned copies of the commands */
	struct ssh_result *results;
	size_t ncmds, cmd_i;
	ssh_done_fn done;
	void *ud;

	enum ssh_state state;
	enum ssh_fail fail;
	char message[512];
	char fingerprint[64];
	char key_type[32];
	char auth_notes[256];    /* what was tried, for "authentication failed" */
	long long start_ms, end_ms;
	long long timer;
	struct resolve_req *resolve;
	struct addrinfo *addrs, *cur_addr;
	int fd;
	int watched;             /* events currently watched on fd, 0 when none */
	LIBSSH2_SESSION *ssh;
	LIBSSH2_CHANNEL *chan;
	struct agent_probe *probe; /* S_AUTH_PROBE: is the agent answering? */
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *agent_id;
	int requeue;             /* S_READ: rounds taken on queued data without progress */
	size_t step_bytes;       /* output taken in the current ssh_step (SSH_STEP_BUDGET) */
	size_t out_cap, err_cap; /* allocated sizes of the current result's out and err */
	long long yield_timer;   /* 0 ms timer resuming a step that used up its budget */
	bool finished;
	bool no_read_timeout;
	char *passphrase;        /* wiped on free */
	char *password;          /* wiped on free */
	char *methods;           /* the server's auth methods */
	char *locked_identity;   /* an encrypted identity that could not be opened */
	bool password_possible;
	ssh_output_fn output;
	void *output_ud;
	char *hostkey;
	size_t hostkey_len;
	int hostkey_type;
	/* ProxyJump, this session reached through a jump host: */
	struct ssh_target *jump_target; /* the hops (owned copy), NULL: direct */
	struct ssh_session *jump;       /* the jump host's session while it runs */
	bool via;                       /* the tunnel opened: failures read "via NAME: ..." */
	/* ProxyJump, this session being a jump host: */
	char *fwd_host;                 /* tunnel to fwd_host:fwd_port instead of commands */
	int fwd_port;
	bool tunnel_phase;              /* authenticated: failures are the tunnel's */
	struct jump_pump *pump;
	int pump_watched;
	/* Commands other than exec (ssh/channel_unix): */
	ssh_between_fn between; /* after each command, before the next */
	void *between_ud;
	bool in_between;         /* the between callback runs */
	size_t req_off;          /* S_EXEC of a unix request: bytes written so far */
};

/* ---- session.c: the machine's helpers, used by auth.c and channel_unix.c ---- */

/* Ends the session and calls done; the caller must return right after (done may free s). */
void ssh_finish(struct ssh_session *s, enum ssh_fail fail, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Enters a new phase (states that start one get a fresh deadline). */
void ssh_enter(struct ssh_session *s, enum ssh_state st);
/* After EAGAIN: waits for what libssh2 is blocked on. */
void ssh_wait(struct ssh_session *s);
/* Watches the connection's fd for events (0: none). */
void ssh_watch(struct ssh_session *s, int events);
/* The current command is over (its result final): the between callback, then the next
 * command's S_CHAN_OPEN. */
void ssh_next_cmd(struct ssh_session *s);
/* Runs the machine until it waits or ends. */
void ssh_step(struct ssh_session *s);
/* libssh2's last error text / the same in an operator's words (see session.c). */
const char *ssh_lib_error(struct ssh_session *s);
void ssh_lib_failure(struct ssh_session *s, char *out, size_t cap);

/* The fd watcher's callback: one ssh_step. */
void ssh_on_fd(struct loop *loop, int fd, int revents, void *ud);

/* ---- session_jump.c: ProxyJump ---- */

/* What messages call the jump host of s. */
const char *ssh_jump_name(const struct ssh_session *s);
/* The done callback of a jump host's session (ud: the session it tunnels for). */
void ssh_jump_done(struct ssh_session *j, void *ud);
/* S_FWD_OPEN / S_PUMP of a jump host's session. */
bool ssh_jump_fwd_open(struct ssh_session *s);
void ssh_jump_pump(struct ssh_session *s);

/* ---- auth.c ---- */

/* One step in the S_AUTH_* states; false when the caller must stop (waiting or done).
 * Success enters S_CHAN_OPEN. */
bool auth_advance(struct ssh_session *s);

/* ---- channel_unix.c ---- */

/* S_CHAN_OPEN for a SSH_CMD_UNIX command: opens the direct-streamlocal channel.  A
 * refusal is the command's result (open_failed), not the session's end: the next command
 * follows.  false when the caller must stop. */
bool channel_unix_open(struct ssh_session *s);
/* S_EXEC for a SSH_CMD_UNIX command: writes the request, then S_READ. */
bool channel_unix_write(struct ssh_session *s);

#endif
