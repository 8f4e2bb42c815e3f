#ifndef SSH_KEYFILE_H
#define SSH_KEYFILE_H
/* ssh/keyfile: is a private key file passphrase-protected?  Used to tell "asks for a
 * passphrase" from "unreadable" when libssh2 refuses an identity file, so the console can
 * prompt for the passphrase (once; it is never written anywhere).
 * Formats: OpenSSH's "openssh-key-v1" (encrypted when its cipher name is not "none") and
 * PEM (encrypted with a "Proc-Type: 4,ENCRYPTED" header or as "ENCRYPTED PRIVATE KEY").
 * Contract: reads at most 64 KiB of the file; never crashes on odd input.
 */
#include <stddef.h>

/* 1 encrypted, 0 not encrypted, -1 unreadable or not a key format we know. */
int keyfile_encrypted(const char *path);
/* The same on file contents (for tests). */
int keyfile_encrypted_text(const char *text, size_t len);

#endif
