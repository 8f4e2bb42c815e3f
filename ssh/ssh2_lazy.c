/* ssh/ssh2_lazy: see ssh2_lazy.h.
 *
 * The loaded library is file-static state rather than part of the application struct:
 * libssh2's functions are global, called by name from the ssh/ modules, and the shim
 * must keep their signatures, so there is no argument to carry a pointer in.  Each
 * definition below repeats its prototype from <libssh2.h>; the compiler checks the two
 * agree.
 */
#include "ssh/ssh2_lazy.h"

#include "core/lazylib.h"

#include <libssh2.h>
#include <stddef.h>
#include <string.h>

/* Every libssh2 function warroom calls: one pointer each, typed from <libssh2.h>. */
#define SSH2_LAZY_FUNCS(X) \
	X(libssh2_agent_connect) \
	X(libssh2_agent_disconnect) \
	X(libssh2_agent_free) \
	X(libssh2_agent_get_identity) \
	X(libssh2_agent_init) \
	X(libssh2_agent_list_identities) \
	X(libssh2_agent_set_identity_path) \
	X(libssh2_agent_userauth) \
	X(libssh2_channel_close) \
	X(libssh2_channel_direct_tcpip_ex) \
	X(libssh2_channel_eof) \
	X(libssh2_channel_free) \
	X(libssh2_channel_get_exit_status) \
	X(libssh2_channel_open_ex) \
	X(libssh2_channel_process_startup) \
	X(libssh2_channel_read_ex) \
	X(libssh2_channel_send_eof) \
	X(libssh2_channel_wait_closed) \
	X(libssh2_channel_write_ex) \
	X(libssh2_free) \
	X(libssh2_hostkey_hash) \
	X(libssh2_knownhost_addc) \
	X(libssh2_knownhost_check) \
	X(libssh2_knownhost_free) \
	X(libssh2_knownhost_init) \
	X(libssh2_knownhost_readline) \
	X(libssh2_knownhost_writeline) \
	X(libssh2_poll_channel_read) \
	X(libssh2_session_block_directions) \
	X(libssh2_session_disconnect_ex) \
	X(libssh2_session_free) \
	X(libssh2_session_handshake) \
	X(libssh2_session_hostkey) \
	X(libssh2_session_init_ex) \
	X(libssh2_session_last_errno) \
	X(libssh2_session_last_error) \
	X(libssh2_session_method_pref) \
	X(libssh2_session_set_blocking) \
	X(libssh2_session_supported_algs) \
	X(libssh2_userauth_authenticated) \
	X(libssh2_userauth_keyboard_interactive_ex) \
	X(libssh2_userauth_list) \
	X(libssh2_userauth_password_ex) \
	X(libssh2_userauth_publickey_fromfile_ex)
struct ssh2_lazy_fns {
#define SSH2_LAZY_MEMBER(f) __typeof__(f) *f;
	SSH2_LAZY_FUNCS(SSH2_LAZY_MEMBER)
#undef SSH2_LAZY_MEMBER
};

static struct {
	struct lazylib lib;
	struct ssh2_lazy_fns fn;
} ssh2_lazy = { .lib = { .soname = "libssh2.so.1" } };

const char *ssh2_lazy_load(void)
{
	static const char *const names[] = {
#define SSH2_LAZY_NAME(f) #f,
		SSH2_LAZY_FUNCS(SSH2_LAZY_NAME)
#undef SSH2_LAZY_NAME
	};
	void *const slots[] = {
#define SSH2_LAZY_SLOT(f) &ssh2_lazy.fn.f,
		SSH2_LAZY_FUNCS(SSH2_LAZY_SLOT)
#undef SSH2_LAZY_SLOT
	};
	return lazylib_load(&ssh2_lazy.lib, names, slots, sizeof(names) / sizeof(names[0]));
}

/* The forwarders' guard: true once every pointer is set (loading on the first call). */
static bool ssh2_lazy_ready(void)
{
	return ssh2_lazy.lib.ok || !ssh2_lazy_load();
}

/* Without the library there is no session to ask: the load error is the last error.
 * Its text is static, so a want_buf caller's libssh2_free() of it must stay a no-op,
 * which it is while the library is not loaded. */
int libssh2_session_last_error(LIBSSH2_SESSION *session, char **errmsg, int *errmsg_len,
			       int want_buf)
{
	if (ssh2_lazy_ready())
		return ssh2_lazy.fn.libssh2_session_last_error(session, errmsg, errmsg_len, want_buf);
	const char *why = ssh2_lazy_load();
	if (errmsg)
		*errmsg = (char *)why;
	if (errmsg_len)
		*errmsg_len = (int)strlen(why);
	return LIBSSH2_ERROR_INVAL;
}

int libssh2_agent_connect(LIBSSH2_AGENT *agent)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_agent_connect(agent) : LIBSSH2_ERROR_INVAL;
}

int libssh2_agent_disconnect(LIBSSH2_AGENT *agent)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_agent_disconnect(agent);
}

void libssh2_agent_free(LIBSSH2_AGENT *agent)
{
	if (ssh2_lazy_ready())
		ssh2_lazy.fn.libssh2_agent_free(agent);
}

int libssh2_agent_get_identity(LIBSSH2_AGENT *agent, struct libssh2_agent_publickey **store,
		struct libssh2_agent_publickey *prev)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_agent_get_identity(agent, store, prev);
}

LIBSSH2_AGENT *libssh2_agent_init(LIBSSH2_SESSION *session)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_agent_init(session) : NULL;
}

int libssh2_agent_list_identities(LIBSSH2_AGENT *agent)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_agent_list_identities(agent);
}

void libssh2_agent_set_identity_path(LIBSSH2_AGENT *agent, const char *path)
{
	if (ssh2_lazy_ready())
		ssh2_lazy.fn.libssh2_agent_set_identity_path(agent, path);
}

int libssh2_agent_userauth(LIBSSH2_AGENT *agent, const char *username,
		struct libssh2_agent_publickey *identity)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_agent_userauth(agent, username, identity);
}

int libssh2_channel_close(LIBSSH2_CHANNEL *channel)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_close(channel);
}

LIBSSH2_CHANNEL *libssh2_channel_direct_tcpip_ex(LIBSSH2_SESSION *session, const char *host,
		int port, const char *shost, int sport)
{
	if (!ssh2_lazy_ready())
		return NULL;
	return ssh2_lazy.fn.libssh2_channel_direct_tcpip_ex(session, host, port, shost, sport);
}

int libssh2_channel_eof(LIBSSH2_CHANNEL *channel)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_channel_eof(channel) : LIBSSH2_ERROR_INVAL;
}

int libssh2_channel_free(LIBSSH2_CHANNEL *channel)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_channel_free(channel) : LIBSSH2_ERROR_INVAL;
}

int libssh2_channel_get_exit_status(LIBSSH2_CHANNEL *channel)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_get_exit_status(channel);
}

LIBSSH2_CHANNEL *libssh2_channel_open_ex(LIBSSH2_SESSION *session, const char *channel_type,
		unsigned int channel_type_len, unsigned int window_size, unsigned int packet_size,
		const char *message, unsigned int message_len)
{
	if (!ssh2_lazy_ready())
		return NULL;
	return ssh2_lazy.fn.libssh2_channel_open_ex(session, channel_type, channel_type_len,
		window_size, packet_size, message, message_len);
}

int libssh2_channel_process_startup(LIBSSH2_CHANNEL *channel, const char *request,
		unsigned int request_len, const char *message, unsigned int message_len)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_process_startup(channel, request, request_len, message,
		message_len);
}

ssize_t libssh2_channel_read_ex(LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_read_ex(channel, stream_id, buf, buflen);
}

int libssh2_channel_send_eof(LIBSSH2_CHANNEL *channel)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_send_eof(channel);
}

int libssh2_channel_wait_closed(LIBSSH2_CHANNEL *channel)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_wait_closed(channel);
}

ssize_t libssh2_channel_write_ex(LIBSSH2_CHANNEL *channel, int stream_id, const char *buf,
		size_t buflen)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_channel_write_ex(channel, stream_id, buf, buflen);
}

void libssh2_free(LIBSSH2_SESSION *session, void *ptr)
{
	if (ssh2_lazy_ready())
		ssh2_lazy.fn.libssh2_free(session, ptr);
}

const char *libssh2_hostkey_hash(LIBSSH2_SESSION *session, int hash_type)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_hostkey_hash(session, hash_type) : NULL;
}

int libssh2_knownhost_addc(LIBSSH2_KNOWNHOSTS *hosts, const char *host, const char *salt,
		const char *key, size_t keylen, const char *comment, size_t commentlen,
		int typemask, struct libssh2_knownhost **store)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_knownhost_addc(hosts, host, salt, key, keylen, comment,
		commentlen, typemask, store);
}

int libssh2_knownhost_check(LIBSSH2_KNOWNHOSTS *hosts, const char *host, const char *key,
		size_t keylen, int typemask, struct libssh2_knownhost **knownhost)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_knownhost_check(hosts, host, key, keylen, typemask, knownhost);
}

void libssh2_knownhost_free(LIBSSH2_KNOWNHOSTS *hosts)
{
	if (ssh2_lazy_ready())
		ssh2_lazy.fn.libssh2_knownhost_free(hosts);
}

LIBSSH2_KNOWNHOSTS *libssh2_knownhost_init(LIBSSH2_SESSION *session)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_knownhost_init(session) : NULL;
}

int libssh2_knownhost_readline(LIBSSH2_KNOWNHOSTS *hosts, const char *line, size_t len, int type)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_knownhost_readline(hosts, line, len, type);
}

int libssh2_knownhost_writeline(LIBSSH2_KNOWNHOSTS *hosts, struct libssh2_knownhost *known,
		char *buffer, size_t buflen, size_t *outlen, int type)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_knownhost_writeline(hosts, known, buffer, buflen, outlen, type);
}

int libssh2_poll_channel_read(LIBSSH2_CHANNEL *channel, int extended)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_poll_channel_read(channel, extended);
}

int libssh2_session_block_directions(LIBSSH2_SESSION *session)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_session_block_directions(session) : 0;
}

int libssh2_session_disconnect_ex(LIBSSH2_SESSION *session, int reason, const char *description,
		const char *lang)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_session_disconnect_ex(session, reason, description, lang);
}

int libssh2_session_free(LIBSSH2_SESSION *session)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_session_free(session) : LIBSSH2_ERROR_INVAL;
}

int libssh2_session_handshake(LIBSSH2_SESSION *session, libssh2_socket_t sock)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_session_handshake(session, sock);
}

const char *libssh2_session_hostkey(LIBSSH2_SESSION *session, size_t *len, int *type)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_session_hostkey(session, len, type) : NULL;
}

LIBSSH2_SESSION *libssh2_session_init_ex(LIBSSH2_ALLOC_FUNC((*my_alloc)),
		LIBSSH2_FREE_FUNC((*my_free)), LIBSSH2_REALLOC_FUNC((*my_realloc)), void *abstract)
{
	if (!ssh2_lazy_ready())
		return NULL;
	return ssh2_lazy.fn.libssh2_session_init_ex(my_alloc, my_free, my_realloc, abstract);
}

int libssh2_session_last_errno(LIBSSH2_SESSION *session)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_session_last_errno(session);
}

int libssh2_session_method_pref(LIBSSH2_SESSION *session, int method_type, const char *prefs)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_session_method_pref(session, method_type, prefs);
}

void libssh2_session_set_blocking(LIBSSH2_SESSION *session, int blocking)
{
	if (ssh2_lazy_ready())
		ssh2_lazy.fn.libssh2_session_set_blocking(session, blocking);
}

int libssh2_session_supported_algs(LIBSSH2_SESSION *session, int method_type, const char ***algs)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_session_supported_algs(session, method_type, algs);
}

int libssh2_userauth_authenticated(LIBSSH2_SESSION *session)
{
	return ssh2_lazy_ready() ? ssh2_lazy.fn.libssh2_userauth_authenticated(session) : 0;
}

int libssh2_userauth_keyboard_interactive_ex(LIBSSH2_SESSION *session, const char *username,
		unsigned int username_len,
		LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC((*response_callback)))
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_userauth_keyboard_interactive_ex(session, username,
		username_len, response_callback);
}

char *libssh2_userauth_list(LIBSSH2_SESSION *session, const char *username,
		unsigned int username_len)
{
	if (!ssh2_lazy_ready())
		return NULL;
	return ssh2_lazy.fn.libssh2_userauth_list(session, username, username_len);
}

int libssh2_userauth_password_ex(LIBSSH2_SESSION *session, const char *username,
		unsigned int username_len, const char *password, unsigned int password_len,
		LIBSSH2_PASSWD_CHANGEREQ_FUNC((*passwd_change_cb)))
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_userauth_password_ex(session, username, username_len, password,
		password_len, passwd_change_cb);
}

int libssh2_userauth_publickey_fromfile_ex(LIBSSH2_SESSION *session, const char *username,
		unsigned int username_len, const char *publickey, const char *privatekey,
		const char *passphrase)
{
	if (!ssh2_lazy_ready())
		return LIBSSH2_ERROR_INVAL;
	return ssh2_lazy.fn.libssh2_userauth_publickey_fromfile_ex(session, username, username_len,
		publickey, privatekey, passphrase);
}
