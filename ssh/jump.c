/* ssh/jump: ProxyJump hop resolution and the tunnel pump (see jump.h). */
#include "ssh/jump.h"

#include "core/xalloc.h"
#include "ssh/ssh_config.h"
#include "tui/loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- resolution ---- */

/* Splits one hop "[ssh://][user@]host[:port]" ("[v6]:port" too).  false with err. */
static bool jump_parse_hop(const char *spec, const char *el, char **user, char **host, int *port,
			   char *err, size_t cap)
{
	*user = *host = NULL;
	*port = 0;
	if (strncmp(el, "ssh://", 6) == 0)
		el += 6;
	const char *at = strrchr(el, '@');
	if (at) {
		if (at == el) {
			snprintf(err, cap, "ProxyJump \"%s\": empty user in \"%s\"", spec, el);
			return false;
		}
		*user = xstrndup(el, (size_t)(at - el));
		el = at + 1;
	}
	const char *port_text = NULL;
	if (*el == '[') {
		const char *close = strchr(el, ']');
		if (!close || (close[1] && close[1] != ':')) {
			snprintf(err, cap, "ProxyJump \"%s\": bad bracketed address \"%s\"", spec, el);
			goto fail;
		}
		*host = xstrndup(el + 1, (size_t)(close - el - 1));
		if (close[1] == ':')
			port_text = close + 2;
	} else {
		const char *colon = strchr(el, ':');
		/* Several colons and no brackets: a bare IPv6 address without a port. */
		if (colon && !strchr(colon + 1, ':')) {
			*host = xstrndup(el, (size_t)(colon - el));
			port_text = colon + 1;
		} else {
			*host = xstrdup(el);
		}
	}
	if (!**host) {
		snprintf(err, cap, "ProxyJump \"%s\": empty host name", spec);
		goto fail;
	}
	if (port_text) {
		char *end = NULL;
		errno = 0;
		long p = strtol(port_text, &end, 10);
		if (!*port_text || *end || errno || p < 1 || p > 65535) {
			snprintf(err, cap, "ProxyJump \"%s\": bad port \"%s\" (1..65535)", spec, port_text);
			goto fail;
		}
		*port = (int)p;
	}
	return true;
fail:
	free(*user);
	free(*host);
	*user = *host = NULL;
	return false;
}

/* Default identities: the usual OpenSSH key files that exist. */
static void jump_default_identities(const char *home, char ***ids, size_t *n)
{
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	*ids = xcalloc(4, sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < 3 && home; i++) {
		char *p = xasprintf("%s/.ssh/%s", home, names[i]);
		if (access(p, R_OK) == 0)
			(*ids)[(*n)++] = p;
		else
			free(p);
	}
}

/* One hop's settings; *own_jump gets its own ProxyJump (malloc'd) or NULL. */
static struct ssh_target *jump_resolve_hop(const char *spec, const char *el, const struct jump_opts *o,
					   char **own_jump, char *err, size_t cap)
{
	*own_jump = NULL;
	char *user = NULL, *host = NULL;
	int port = 0;
	if (!jump_parse_hop(spec, el, &user, &host, &port, err, cap))
		return NULL;
	const struct config_host *ch = o->cfg ? config_find_host(o->cfg, host) : NULL;
	const char *alias = ch ? (ch->address ? ch->address : ch->name) : host;
	struct ssh_host_config sc;
	memset(&sc, 0, sizeof(sc));
	if (o->ssh_config) {
		char scerr[400];
		if (ssh_config_load(o->ssh_config, alias, o->home, o->local_user, &sc, scerr,
				    sizeof(scerr)) < 0) {
			snprintf(err, cap, "jump host %s: %s", el, scerr);
			free(user);
			free(host);
			return NULL;
		}
	}
	struct ssh_target *t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(el);
	t->address = xstrdup(sc.hostname ? sc.hostname : alias);
	t->port = port ? port : ch && ch->port ? ch->port : sc.port ? sc.port : 22;
	const char *u = user ? user : ch && ch->user ? ch->user : sc.user ? sc.user : o->local_user;
	t->user = xstrdup(u && *u ? u : "root");
	char **ids = NULL;
	size_t nids = 0;
	if (ch && ch->identity) {
		ids = xcalloc(2, sizeof(char *));
		ids[nids++] = config_expand_path(ch->identity, o->home);
	} else if (sc.nidentity) {
		ids = xcalloc(sc.nidentity + 1, sizeof(char *));
		for (size_t i = 0; i < sc.nidentity; i++)
			if (strcmp(sc.identity_files[i], "none") != 0)
				ids[nids++] = xstrdup(sc.identity_files[i]);
	} else {
		jump_default_identities(o->home, &ids, &nids);
	}
	t->identities = (const char *const *)ids;
	t->nidentities = nids;
	t->known_hosts = xstrdup(o->known_hosts ? o->known_hosts : "/dev/null");
	t->agent_socket = o->agent_socket ? xstrdup(o->agent_socket) : NULL;
	t->timeout_ms = o->timeout_ms;
	const char *j = ch && ch->jump ? ch->jump : sc.proxy_jump;
	if (j && *j && strcmp(j, "none") != 0)
		*own_jump = xstrdup(j);
	ssh_host_config_free(&sc);
	free(user);
	free(host);
	return t;
}

static struct ssh_target *jump_resolve_depth(const char *spec, const struct jump_opts *o, int *hops,
					     char *err, size_t cap)
{
	struct ssh_target *last = NULL;
	bool first = true;
	const char *p = spec;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			snprintf(err, cap, "ProxyJump \"%s\": empty hop", spec);
			goto fail;
		}
		if (++*hops > JUMP_MAX_HOPS) {
			snprintf(err, cap, "ProxyJump \"%s\": more than %d jump hosts (a ProxyJump loop?)",
				 spec, JUMP_MAX_HOPS);
			goto fail;
		}
		char *el = xstrndup(p, len);
		char *own = NULL;
		struct ssh_target *t = jump_resolve_hop(spec, el, o, &own, err, cap);
		free(el);
		if (!t) {
			free(own);
			goto fail;
		}
		if (first && own) {
			/* Only the first hop's own jump applies (OpenSSH runs `ssh -W` to it). */
			struct ssh_target *before = jump_resolve_depth(own, o, hops, err, cap);
			free(own);
			if (!before) {
				jump_target_free(t);
				goto fail;
			}
			t->jump = before;
		} else {
			free(own);
			t->jump = last;
		}
		last = t;
		first = false;
		if (!comma)
			return last;
		p = comma + 1;
	}
fail:
	jump_target_free(last);
	return NULL;
}

struct ssh_target *jump_resolve(const char *spec, const struct jump_opts *o, char *err, size_t cap)
{
	int hops = 0;
	if (!spec || !*spec) {
		snprintf(err, cap, "ProxyJump: empty");
		return NULL;
	}
	return jump_resolve_depth(spec, o, &hops, err, cap);
}

static char *jump_dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct ssh_target *jump_target_dup(const struct ssh_target *t)
{
	if (!t)
		return NULL;
	struct ssh_target *c = xcalloc(1, sizeof(*c));
	*c = *t;
	c->address = jump_dup_or_null(t->address);
	c->user = jump_dup_or_null(t->user);
	c->known_hosts = jump_dup_or_null(t->known_hosts);
	c->agent_socket = jump_dup_or_null(t->agent_socket);
	c->passphrase = jump_dup_or_null(t->passphrase);
	c->password = jump_dup_or_null(t->password);
	c->name = jump_dup_or_null(t->name);
	char **ids = xcalloc(t->nidentities + 1, sizeof(char *));
	for (size_t i = 0; i < t->nidentities; i++)
		ids[i] = xstrdup(t->identities[i]);
	c->identities = (const char *const *)ids;
	c->jump = jump_target_dup(t->jump);
	return c;
}

static void jump_wipe(const char *secret)
{
	if (!secret)
		return;
	volatile char *p = (char *)secret;
	while (*p)
		*p++ = '\0';
	free((char *)secret);
}

void jump_target_free(struct ssh_target *t)
{
	while (t) {
		struct ssh_target *before = (struct ssh_target *)t->jump;
		free((char *)t->address);
		free((char *)t->user);
		free((char *)t->known_hosts);
		free((char *)t->agent_socket);
		free((char *)t->name);
		jump_wipe(t->passphrase);
		jump_wipe(t->password);
		for (size_t i = 0; i < t->nidentities; i++)
			free((char *)t->identities[i]);
		free((char **)t->identities);
		free(t);
		t = before;
	}
}

/* ---- the pump ---- */

struct jump_pump {
	LIBSSH2_SESSION *ssh;
	LIBSSH2_CHANNEL *chan;
	int fd;                  /* our end of the socketpair */
	char down[JUMP_BUF];     /* channel -> socket (server to target session) */
	size_t down_len;
	char up[JUMP_BUF];       /* socket -> channel */
	size_t up_len;
	bool chan_eof;           /* the far end sent EOF (or the channel is gone) */
	bool sock_shut;          /* EOF passed on to the socket */
	bool sock_eof;           /* the target session closed its end */
	bool eof_sent;           /* EOF passed on to the channel */
};

struct jump_pump *jump_pump_new(LIBSSH2_SESSION *ssh, LIBSSH2_CHANNEL *chan, int *peer_fd,
				char *err, size_t cap)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, cap, "socketpair: %s", strerror(errno));
		return NULL;
	}
	struct jump_pump *p = xcalloc(1, sizeof(*p));
	p->ssh = ssh;
	p->chan = chan;
	p->fd = sv[0];
	*peer_fd = sv[1];
	return p;
}

int jump_pump_fd(const struct jump_pump *p)
{
	return p->fd;
}

static const char *jump_lib_error(LIBSSH2_SESSION *ssh)
{
	char *msg = NULL;
	int len = 0;
	if (libssh2_session_last_error(ssh, &msg, &len, 0) == 0 || !msg)
		return "unknown error";
	return msg;
}

static bool jump_would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

enum jump_pump_state jump_pump_run(struct jump_pump *p, int *ssh_events, int *sock_events,
				   char *err, size_t cap)
{
	bool ssh_blocked;
	for (;;) {
		bool moved = false;
		ssh_blocked = false;
		if (!p->chan_eof && p->down_len < JUMP_BUF) {
			ssize_t n = libssh2_channel_read(p->chan, p->down + p->down_len,
							 JUMP_BUF - p->down_len);
			if (n > 0) {
				p->down_len += (size_t)n;
				moved = true;
			} else if (n == LIBSSH2_ERROR_EAGAIN) {
				ssh_blocked = true;
			} else if (n == 0) {
				if (libssh2_channel_eof(p->chan)) {
					p->chan_eof = true;
					moved = true;
				}
			} else {
				snprintf(err, cap, "reading the tunnel: %s", jump_lib_error(p->ssh));
				return JUMP_PUMP_ERROR;
			}
		}
		if (p->down_len) {
			ssize_t w = send(p->fd, p->down, p->down_len, MSG_NOSIGNAL);
			if (w > 0) {
				memmove(p->down, p->down + w, p->down_len - (size_t)w);
				p->down_len -= (size_t)w;
				moved = true;
			} else if (w < 0 && !jump_would_block()) {
				/* The target session closed its end: nothing left to deliver to. */
				p->down_len = 0;
				p->chan_eof = p->sock_shut = p->sock_eof = true;
				moved = true;
			}
		}
		if (p->chan_eof && !p->down_len && !p->sock_shut) {
			shutdown(p->fd, SHUT_WR);
			p->sock_shut = true;
		}
		if (!p->sock_eof && p->up_len < JUMP_BUF) {
			ssize_t r = recv(p->fd, p->up + p->up_len, JUMP_BUF - p->up_len, 0);
			if (r > 0) {
				p->up_len += (size_t)r;
				moved = true;
			} else if (r == 0 || !jump_would_block()) {
				p->sock_eof = true;
				moved = true;
			}
		}
		if (p->up_len) {
			ssize_t w = libssh2_channel_write(p->chan, p->up, p->up_len);
			if (w > 0) {
				memmove(p->up, p->up + w, p->up_len - (size_t)w);
				p->up_len -= (size_t)w;
				moved = true;
			} else if (w == LIBSSH2_ERROR_EAGAIN) {
				ssh_blocked = true;
			} else if (w < 0) {
				snprintf(err, cap, "writing to the tunnel: %s", jump_lib_error(p->ssh));
				return JUMP_PUMP_ERROR;
			}
		}
		if (p->sock_eof && !p->up_len && !p->eof_sent) {
			int rc = libssh2_channel_send_eof(p->chan);
			if (rc == LIBSSH2_ERROR_EAGAIN) {
				ssh_blocked = true;
			} else {
				p->eof_sent = true; /* an error here means the channel is gone anyway */
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	if (p->chan_eof && p->sock_shut && p->sock_eof && p->eof_sent) {
		*ssh_events = *sock_events = 0;
		return JUMP_PUMP_CLOSED;
	}
	/* Read the jump session's socket only while there is room for what it brings:
	 * otherwise a readable socket we do not drain would wake the loop for ever. */
	int ev = 0;
	if (!p->chan_eof && p->down_len < JUMP_BUF)
		ev |= LOOP_READ;
	if (ssh_blocked) {
		int dirs = libssh2_session_block_directions(p->ssh);
		if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
			ev |= LOOP_READ;
		if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			ev |= LOOP_WRITE;
	}
	*ssh_events = ev;
	ev = 0;
	if (!p->sock_eof && p->up_len < JUMP_BUF)
		ev |= LOOP_READ;
	if (p->down_len)
		ev |= LOOP_WRITE;
	*sock_events = ev;
	return JUMP_PUMP_RUNNING;
}

void jump_pump_free(struct jump_pump *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}
