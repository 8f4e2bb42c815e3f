/* ssh/auth: the authentication steps of an ssh/session (moved out of session.c, same
 * behaviour): the server's method list, an agent that answered a probe of our own, the
 * identity files, then a password or keyboard-interactive answer when the caller gave one.
 * What was tried is collected in auth_notes for the "authentication failed" message;
 * nothing secret is logged. */
#include "ssh/session_int.h"

#include "core/xalloc.h"
#include "ssh/keyfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void auth_note(struct ssh_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void auth_note(struct ssh_session *s, const char *fmt, ...)
{
	size_t n = strlen(s->auth_notes);
	if (n + 3 >= sizeof(s->auth_notes))
		return;
	if (n)
		n += (size_t)snprintf(s->auth_notes + n, sizeof(s->auth_notes) - n, "; ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->auth_notes + n, sizeof(s->auth_notes) - n, fmt, ap);
	va_end(ap);
}

/* An authentication call failed because the connection went away (not because a key or
 * password was refused): the session ends naming that, instead of trying the next key
 * on a dead connection and reporting "refused".  true when it ended. */
static bool auth_lost(struct ssh_session *s, int rc)
{
	if (rc != LIBSSH2_ERROR_SOCKET_DISCONNECT && rc != LIBSSH2_ERROR_SOCKET_RECV &&
	    rc != LIBSSH2_ERROR_SOCKET_SEND && rc != LIBSSH2_ERROR_PROTO)
		return false;
	char why[256];
	ssh_lib_failure(s, why, sizeof(why));
	ssh_finish(s, SSH_FAIL_CONNECT, "%s port %d: during authentication: %s", s->address, s->port,
		   why);
	return true;
}

/* How one authentication call (agent, key, password, keyboard-interactive) ended. */
enum auth_outcome {
	AUTH_IN,      /* authenticated: S_CHAN_OPEN entered, go on */
	AUTH_STOP,    /* waiting for the socket, or the session ended: the caller returns false */
	AUTH_REFUSED, /* this credential was refused: the caller notes it and tries the next */
};

static enum auth_outcome auth_judge(struct ssh_session *s, int rc)
{
	if (rc == LIBSSH2_ERROR_EAGAIN) {
		ssh_wait(s);
		return AUTH_STOP;
	}
	if (auth_lost(s, rc))
		return AUTH_STOP;
	if (rc == 0) {
		ssh_enter(s, S_CHAN_OPEN);
		return AUTH_IN;
	}
	return AUTH_REFUSED;
}

/* Nothing left to try: the session ends listing what was. */
static bool auth_give_up(struct ssh_session *s)
{
	ssh_finish(s, SSH_FAIL_AUTH, "authentication failed for %s@%s (%s)", s->user, s->address,
		   s->auth_notes);
	return false;
}

/* Sets up the agent (a local unix socket: connect and listing are quick local calls).
 * false when there is no usable agent. */
static bool auth_agent_open(struct ssh_session *s)
{
	if (!s->agent_socket || !*s->agent_socket)
		return false;
	s->agent = libssh2_agent_init(s->ssh);
	if (!s->agent)
		return false;
	libssh2_agent_set_identity_path(s->agent, s->agent_socket);
	if (libssh2_agent_connect(s->agent) != 0 || libssh2_agent_list_identities(s->agent) != 0) {
		auth_note(s, "agent not reachable");
		libssh2_agent_free(s->agent);
		s->agent = NULL;
		return false;
	}
	s->agent_id = NULL;
	if (libssh2_agent_get_identity(s->agent, &s->agent_id, NULL) != 0) {
		auth_note(s, "agent has no keys");
		return false;
	}
	return true;
}

static void auth_kbd_answer(const char *name, int name_len, const char *instruction, int instruction_len,
			   int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
			   LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract);

/* The agent probe is over: an agent that answered goes to libssh2, anything else is noted
 * and the identity files are next.  Runs from a loop callback. */
static void auth_on_agent_probe(struct agent_probe *p, enum agent_probe_result r, const char *why,
			       void *ud)
{
	struct ssh_session *s = ud;
	if (r == AGENT_PROBE_OK)
		s->state = auth_agent_open(s) ? S_AUTH_AGENT : S_AUTH_KEY;
	else {
		/* Unreachable reasons name the socket path, which would crowd the short
		 * notes; the other reasons are short and say what the agent did. */
		if (r == AGENT_PROBE_UNREACHABLE)
			auth_note(s, "agent not reachable");
		else
			auth_note(s, "agent %s: %s", r == AGENT_PROBE_SILENT ? "not answering" :
				 "not an ssh-agent", why);
		s->state = S_AUTH_KEY;
	}
	/* `why` lives in the probe: free it only once the note is written. */
	agent_probe_free(p);
	s->probe = NULL;
	ssh_step(s);
}

bool auth_advance(struct ssh_session *s)
{
	int rc;
	enum auth_outcome o;
	switch (s->state) {
	case S_AUTH_LIST: {
		const char *methods = libssh2_userauth_list(s->ssh, s->user, (unsigned)strlen(s->user));
		if (!methods) {
			if (libssh2_userauth_authenticated(s->ssh)) {
				ssh_enter(s, S_CHAN_OPEN);
				return true;
			}
			if (libssh2_session_last_errno(s->ssh) == LIBSSH2_ERROR_EAGAIN)
				break;
			char why[256];
			ssh_lib_failure(s, why, sizeof(why));
			ssh_finish(s, SSH_FAIL_CONNECT, "%s port %d: during authentication (asking for "
				   "auth methods): %s", s->address, s->port, why);
			return false;
		}
		free(s->methods);
		s->methods = xstrdup(methods);
		s->password_possible = strstr(methods, "password") || strstr(methods, "keyboard-interactive");
		if (!strstr(methods, "publickey")) {
			if (s->password) {
				s->state = S_AUTH_KEY;
				s->ident_i = s->nidentities;
				return true;
			}
			ssh_finish(s, SSH_FAIL_AUTH, "%s@%s: server offers only %s (keys are used)", s->user,
				   s->address, methods);
			return false;
		}
		if (!s->agent_socket || !*s->agent_socket) {
			s->state = S_AUTH_KEY;
			return true;
		}
		/* libssh2 talks to the agent on a blocking socket: a hung agent would freeze
		 * the loop, so it is only used once it answered a probe of our own, within a
		 * third of the phase (a local agent answers in milliseconds), leaving the rest
		 * for the identity files. */
		s->state = S_AUTH_PROBE;
		ssh_watch(s, 0);
		s->probe = agent_probe_start(s->loop, s->agent_socket,
					     s->timeout_ms / 3 < 2000 ? s->timeout_ms / 3 : 2000,
					     auth_on_agent_probe, s);
		return false;
	}
	case S_AUTH_PROBE:
		return false;
	case S_AUTH_AGENT:
		o = auth_judge(s, libssh2_agent_userauth(s->agent, s->user, s->agent_id));
		if (o != AUTH_REFUSED)
			return o == AUTH_IN;
		if (libssh2_agent_get_identity(s->agent, &s->agent_id, s->agent_id) != 0) {
			auth_note(s, "agent keys refused");
			s->state = S_AUTH_KEY;
		}
		return true;
	case S_AUTH_KEY:
		if (s->ident_i >= s->nidentities) {
			/* Passwords only when the caller (a prompt) supplied one. */
			if (s->password && strstr(s->methods ? s->methods : "", "password")) {
				s->state = S_AUTH_PASSWORD;
				return true;
			}
			if (s->password && strstr(s->methods ? s->methods : "", "keyboard-interactive")) {
				s->state = S_AUTH_KBD;
				return true;
			}
			if (!s->nidentities)
				auth_note(s, "no identity file");
			return auth_give_up(s);
		}
		rc = libssh2_userauth_publickey_fromfile_ex(s->ssh, s->user, (unsigned)strlen(s->user),
							    NULL, s->identities[s->ident_i],
							    s->passphrase ? s->passphrase : "");
		o = auth_judge(s, rc);
		if (o != AUTH_REFUSED)
			return o == AUTH_IN;
		if (rc == LIBSSH2_ERROR_FILE && keyfile_encrypted(s->identities[s->ident_i]) == 1) {
			auth_note(s, "%s: %s", s->identities[s->ident_i],
				 s->passphrase ? "wrong passphrase" : "needs a passphrase");
			if (!s->locked_identity)
				s->locked_identity = xstrdup(s->identities[s->ident_i]);
		} else if (rc == LIBSSH2_ERROR_FILE)
			auth_note(s, "%s unreadable or passphrase-protected", s->identities[s->ident_i]);
		else
			auth_note(s, "%s refused", s->identities[s->ident_i]);
		s->ident_i++;
		return true;
	case S_AUTH_PASSWORD:
		o = auth_judge(s, libssh2_userauth_password_ex(s->ssh, s->user,
							       (unsigned)strlen(s->user), s->password,
							       (unsigned)strlen(s->password), NULL));
		if (o != AUTH_REFUSED)
			return o == AUTH_IN;
		auth_note(s, "password refused");
		if (strstr(s->methods, "keyboard-interactive")) {
			s->state = S_AUTH_KBD;
			return true;
		}
		return auth_give_up(s);
	case S_AUTH_KBD:
		o = auth_judge(s, libssh2_userauth_keyboard_interactive_ex(s->ssh, s->user,
									   (unsigned)strlen(s->user),
									   auth_kbd_answer));
		if (o != AUTH_REFUSED)
			return o == AUTH_IN;
		auth_note(s, "keyboard-interactive refused");
		return auth_give_up(s);
	default:
		return false;
	}
	ssh_wait(s);
	return false;
}

/* keyboard-interactive: every prompt is answered with the password the user typed (the
 * usual single "Password:" prompt); libssh2 frees the answers with free(). */
static void auth_kbd_answer(const char *name, int name_len, const char *instruction, int instruction_len,
			   int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
			   LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	(void)prompts;
	struct ssh_session *s = *abstract;
	for (int i = 0; i < num_prompts; i++) {
		responses[i].text = xstrdup(s->password ? s->password : "");
		responses[i].length = (unsigned)strlen(responses[i].text);
	}
}
