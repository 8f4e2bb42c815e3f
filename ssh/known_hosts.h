#ifndef SSH_KNOWN_HOSTS_H
#define SSH_KNOWN_HOSTS_H
/* ssh/known_hosts: host key verification against an OpenSSH known_hosts file, through
 * libssh2's knownhost API (plain and hashed "|1|salt|hash" entries, "[host]:port" for
 * ports other than 22, comma-separated host lists).
 *
 * Contract:
 * - A missing file is an empty file (every host unknown), not an error.
 * - Lines libssh2 cannot parse (markers such as @cert-authority, unknown key types,
 *   comments) are skipped one by one, so one odd line never disables verification of the
 *   rest; "@revoked" lines are skipped too (libssh2 cannot express them) - documented.
 * - A key of another type than the server's is not a mismatch (as OpenSSH): the server's
 *   type is looked for; only a stored key of the same type that differs is CHANGED, and
 *   the verdict names the file and line of that stored key.
 * - Fingerprints are printed exactly as OpenSSH's: "SHA256:" + base64 (no '=' padding) of
 *   the SHA-256 of the key blob.
 * - Nothing is ever written except by known_hosts_record (append one plain line).
 */
#include <libssh2.h>
#include <stddef.h>

enum kh_result { KH_MATCH, KH_UNKNOWN, KH_CHANGED, KH_ERROR };

struct kh_verdict {
	enum kh_result result;
	char fingerprint[64];    /* "SHA256:..." of the server's key */
	char key_type[32];       /* "ssh-ed25519", "ecdsa-sha2-nistp256", ... */
	char message[512];       /* for KH_CHANGED (file:line) and KH_ERROR */
};

/* Checks key (raw blob, libssh2 type LIBSSH2_HOSTKEY_TYPE_*) for host:port against the
 * file at path.  session is only used for libssh2's allocations. */
void known_hosts_check(LIBSSH2_SESSION *session, const char *path, const char *host, int port,
		       const char *key, size_t keylen, int key_type, struct kh_verdict *out);

/* The same for the key a connected session's server presented. */
void known_hosts_check_session(LIBSSH2_SESSION *session, const char *path, const char *host,
			       int port, struct kh_verdict *out);

/* Appends "HOST key-type BASE64" ("[HOST]:PORT" when port != 22) for the session's server
 * key to path (created 0600 when missing).  0, or -1 with err naming the file. */
int known_hosts_record(LIBSSH2_SESSION *session, const char *path, const char *host, int port,
		       char *err, size_t cap);

/* The same for a raw key blob kept from an earlier session (LIBSSH2_HOSTKEY_TYPE_*). */
int known_hosts_record_key(const char *path, const char *host, int port, const char *key,
			   size_t keylen, int key_type, char *err, size_t cap);

/* "SHA256:" + unpadded base64 of a 32-byte digest. */
void known_hosts_fingerprint(const unsigned char sha256[32], char *out, size_t cap);

/* OpenSSH's name of a LIBSSH2_HOSTKEY_TYPE_* ("unknown" for others). */
const char *known_hosts_type_name(int key_type);

/* Host key algorithms for libssh2_session_method_pref(LIBSSH2_METHOD_HOSTKEY): the types
 * that path holds for host:port first (so a server with several keys is asked for the
 * one we know, as OpenSSH does), then the rest.  Writes into out (cap >= 256). */
void known_hosts_method_pref(LIBSSH2_SESSION *session, const char *path, const char *host,
			     int port, char *out, size_t cap);

#endif
