#ifndef SSH_SESSION_H
#define SSH_SESSION_H
/* ssh/session: one SSH connection that runs a list of commands, driven by the event loop.
 *
 * An explicit state machine on a non-blocking libssh2 session:
 *   resolve -> connect -> handshake -> hostkey -> auth -> (open channel -> exec -> read ->
 *   close) per command -> disconnect -> done
 * A command is a program run on the host (an exec channel), or one request to a unix
 * socket on the host through OpenSSH's "direct-streamlocal@openssh.com" channel (a
 * daemon's control socket: no process is started on the host; sshd must allow it,
 * AllowStreamLocalForwarding), or a skipped slot.  A between callback may change the
 * commands still to come from what the previous ones returned.
 * Every libssh2 call that returns EAGAIN leaves the machine in its state and re-arms the
 * fd watcher from libssh2_session_block_directions(); the next readiness resumes it.
 * Each phase has its own deadline (target.timeout_ms from the phase's start); a phase
 * that overruns ends the session with SSH_FAIL_TIMEOUT naming the phase.
 *
 * Failures are named (enum ssh_fail) with a one-line message.  Host keys are checked with
 * ssh/known_hosts against target.known_hosts: an unknown key ends the session with
 * SSH_FAIL_HOSTKEY_UNKNOWN (and its fingerprint) and is never recorded here; a changed key
 * with SSH_FAIL_HOSTKEY_CHANGED.  Authentication: ssh-agent identities first (when
 * target.agent_socket is set), then the identity files without passphrase.  Nothing secret
 * is logged or kept.
 * ProxyJump (target.jump): the jump host is connected and authenticated by a session of
 * its own (same machine, same checks, its host key verified under its own name), which
 * then opens a direct-tcpip channel to address:port (the name is resolved by the jump
 * host) and pumps it to a socketpair; this session runs over the socketpair from the
 * handshake on, its host key verified under target.address.  A jump host failure ends
 * this session with the jump's failure kind and "jump host NAME: ..."; failures after
 * the tunnel opened read "via NAME: ...".  Jump hosts get this target's passphrase when
 * they have none (same user, usually the same key) but never its password.
 * Contract: the done callback runs exactly once, from a loop callback (never from inside
 * ssh_session_start), after which results stay readable until ssh_session_free.
 * ssh_session_free on a running session aborts it without calling done.
 */
#include "tui/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum ssh_fail {
	SSH_OK,
	SSH_FAIL_DNS,
	SSH_FAIL_REFUSED,
	SSH_FAIL_TIMEOUT,
	SSH_FAIL_HOSTKEY_UNKNOWN,
	SSH_FAIL_HOSTKEY_CHANGED,
	SSH_FAIL_AUTH,
	SSH_FAIL_COMMAND,        /* set by callers that judge exit statuses; never by session */
	SSH_FAIL_CONNECT,        /* other connection errors: unreachable, reset, protocol */
};

/* "ok", "DNS", "connection refused", "timeout", "host key unknown", "host key changed",
 * "authentication failed", "command failed", "connection failed". */
const char *ssh_fail_name(enum ssh_fail f);

/* Kept output per command: stdout beyond SSH_MAX_OUTPUT is not read (the channel is
 * closed, the result marked truncated); stderr keeps its first SSH_MAX_STDERR bytes.  One
 * ssh_step reads at most SSH_STEP_BUDGET bytes before letting the loop run. */
enum { SSH_MAX_OUTPUT = 8 << 20, SSH_MAX_STDERR = 4096, SSH_STEP_BUDGET = 256 << 10 };

struct ssh_target {
	const char *address;     /* DNS name or literal; also the known_hosts name */
	int port;
	const char *user;
	const char *const *identities; /* private key files, tried in order */
	size_t nidentities;
	const char *known_hosts; /* path (already expanded) */
	const char *agent_socket; /* NULL: no agent */
	int timeout_ms;          /* per phase */
	/* Added for the console (zero values keep the poller's behaviour): */
	bool no_read_timeout;    /* commands may run for ever (actions, log tails): no
				  * deadline once a command started; cancel with _free */
	const char *passphrase;  /* for encrypted identity files; NULL: none (never stored) */
	const char *password;    /* password / keyboard-interactive answer, NULL: not tried */
	/* ProxyJump (zero values: a direct connection): */
	const struct ssh_target *jump; /* reach this host through a direct-tcpip channel of a
				  * session to `jump` (which may have its own jump: chains) */
	const char *name;        /* what messages call this host ("jump host NAME: ..."),
				  * NULL: address */
};

struct ssh_result {
	int exit_status;         /* -1 when the command did not finish */
	char *out;               /* stdout, NUL-terminated, at most SSH_MAX_OUTPUT bytes */
	size_t outlen;
	char *err;               /* stderr, NUL-terminated, first SSH_MAX_STDERR bytes */
	size_t errlen;
	bool truncated;          /* stdout was cut at SSH_MAX_OUTPUT; exit_status is then
				  * usually -1 (the channel was closed under the command) */
	bool open_failed;        /* SSH_CMD_UNIX: the server refused the channel (socket
				  * missing, forwarding not allowed...): the reason is in err */
};

enum ssh_cmd_kind {
	SSH_CMD_EXEC,            /* text is a command line run by the user's shell */
	SSH_CMD_UNIX,            /* text is a unix socket path on the host: request is
				  * written to it and the reply read into out; exit_status
				  * 0 once the reply was read (reply_done or EOF) */
	SSH_CMD_SKIP,            /* nothing runs; the result stays exit -1, empty */
};

/* SSH_CMD_UNIX: true once buf[0, len) holds the whole reply, or shows that it never will
 * (bad framing): the channel is then closed.  A daemon keeps its connection open after
 * answering, so EOF cannot mark the end of a reply.  NULL: read until EOF. */
typedef bool (*ssh_reply_done_fn)(const char *buf, size_t len);

struct ssh_cmd {
	enum ssh_cmd_kind kind;
	const char *text;
	const char *request;     /* SSH_CMD_UNIX: bytes to write (no EOF is sent after) */
	size_t request_len;
	ssh_reply_done_fn reply_done;
};

struct ssh_session;
typedef void (*ssh_done_fn)(struct ssh_session *s, void *ud);

/* Starts connecting at once.  target strings and cmds are copied. */
struct ssh_session *ssh_session_start(struct loop *loop, const struct ssh_target *target,
				      const char *const *cmds, size_t ncmds, ssh_done_fn done,
				      void *ud);
/* The same with commands of any kind (struct ssh_cmd; copied). */
struct ssh_session *ssh_session_start_cmds(struct loop *loop, const struct ssh_target *target,
					   const struct ssh_cmd *cmds, size_t ncmds, ssh_done_fn done,
					   void *ud);
void ssh_session_free(struct ssh_session *s);

/* Called after command i finished (ssh_session_result(s, i) is final) and before the next
 * one starts; it may change later commands with ssh_session_set_cmd but must not free s.
 * Set right after ssh_session_start*. */
typedef void (*ssh_between_fn)(struct ssh_session *s, size_t i, void *ud);
void ssh_session_set_between(struct ssh_session *s, ssh_between_fn fn, void *ud);
/* Replaces command j, which must not have started yet (c is copied); no-op otherwise. */
void ssh_session_set_cmd(struct ssh_session *s, size_t j, const struct ssh_cmd *c);

enum ssh_fail ssh_session_fail(const struct ssh_session *s);
/* One line: what failed and where ("connect 127.0.0.1:22: Connection refused"). */
const char *ssh_session_message(const struct ssh_session *s);
/* The server key's "SHA256:..." fingerprint and type, "" before the handshake. */
const char *ssh_session_fingerprint(const struct ssh_session *s);
const char *ssh_session_key_type(const struct ssh_session *s);
/* Result of command i (valid for every i < ncmds; unfinished ones have exit -1). */
const struct ssh_result *ssh_session_result(const struct ssh_session *s, size_t i);
/* The command the session was at when it ended (ncmds once all ran): a failed session's
 * culprit, e.g. a unix socket whose daemon never answered. */
size_t ssh_session_cmd_index(const struct ssh_session *s);
/* Milliseconds from start to done. */
long long ssh_session_elapsed_ms(const struct ssh_session *s);

/* Streaming: fn gets every chunk of command output as it arrives (stream 0 stdout,
 * 1 stderr), from a loop callback; output is then not accumulated in the results
 * (exit statuses still are).  Set right after ssh_session_start. */
typedef void (*ssh_output_fn)(struct ssh_session *s, void *ud, int stream, const char *data,
			      size_t len);
void ssh_session_set_output(struct ssh_session *s, ssh_output_fn fn, void *ud);
/* The server's raw host key (blob and LIBSSH2_HOSTKEY_TYPE_*) once the handshake got that
 * far, NULL before: kept so the console can record exactly the key whose fingerprint it
 * showed (known_hosts_record_key). */
const char *ssh_session_hostkey(const struct ssh_session *s, size_t *len, int *type);
/* Authentication failed and an identity file is passphrase-protected (no passphrase, or
 * a wrong one given): that file's path, else NULL. */
const char *ssh_session_locked_identity(const struct ssh_session *s);
/* Authentication failed and the server offers password or keyboard-interactive. */
bool ssh_session_password_possible(const struct ssh_session *s);

#endif
