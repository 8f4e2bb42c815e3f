#ifndef SSH_SSH2_LAZY_H
#define SSH_SSH2_LAZY_H
/* ssh/ssh2_lazy: libssh2, loaded when first used instead of linked.
 *
 * Mapping libssh2 and libcrypto at every start cost ~2 ms that runs without SSH hosts
 * (and `warroom --version`) never needed.  ssh/ssh2_lazy.c defines, under their own
 * names and with the prototypes of <libssh2.h>, the libssh2 functions warroom calls;
 * each forwards to the real one, resolved once with dlopen("libssh2.so.1") / dlsym on
 * the first call to any of them.
 *
 * Contract:
 * - ssh2_lazy_load() loads libssh2 if that was not tried yet and returns NULL when it is
 *   usable, else the one-line reason ("cannot load libssh2.so.1: ..."), the same on every
 *   later call (no retry).
 * - If libssh2 could not be loaded nothing crashes: functions returning a handle return
 *   NULL (so a session fails where libssh2_session_init_ex is checked), int functions
 *   LIBSSH2_ERROR_INVAL (block_directions and userauth_authenticated 0), void ones do
 *   nothing, libssh2_session_last_error() reports the load error.
 * - Macros of <libssh2.h> (libssh2_session_init, libssh2_channel_read, ...) expand to the
 *   *_ex functions defined here, so callers keep using them.
 */

const char *ssh2_lazy_load(void);

#endif
