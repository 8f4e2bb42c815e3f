/* ssh/known_hosts: host key checks with libssh2's knownhost API (see known_hosts.h).
 * The file is read line by line (not libssh2_knownhost_readfile, which gives up on the
 * first line it cannot parse) so odd lines are skipped and a changed key can be traced
 * to its line. */
#include "ssh/known_hosts.h"

#include "core/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char kh_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void known_hosts_fingerprint(const unsigned char sha256[32], char *out, size_t cap)
{
	char buf[64] = "SHA256:";
	size_t n = 7;
	for (size_t i = 0; i < 32; i += 3) {
		unsigned v = (unsigned)sha256[i] << 16;
		size_t have = 32 - i < 3 ? 32 - i : 3;
		if (have > 1)
			v |= (unsigned)sha256[i + 1] << 8;
		if (have > 2)
			v |= sha256[i + 2];
		buf[n++] = kh_b64[(v >> 18) & 63];
		buf[n++] = kh_b64[(v >> 12) & 63];
		if (have > 1)
			buf[n++] = kh_b64[(v >> 6) & 63];
		if (have > 2)
			buf[n++] = kh_b64[v & 63];
	}
	buf[n] = '\0';
	snprintf(out, cap, "%s", buf);
}

const char *known_hosts_type_name(int key_type)
{
	switch (key_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA: return "ssh-rsa";
	case LIBSSH2_HOSTKEY_TYPE_DSS: return "ssh-dss";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ecdsa-sha2-nistp256";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ecdsa-sha2-nistp384";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ecdsa-sha2-nistp521";
	case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ssh-ed25519";
	default: return "unknown";
	}
}

static int kh_key_mask(int key_type)
{
	switch (key_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* Calls fn for every line of path that libssh2 accepts, with a collection holding that
 * line alone (one_line) or all accepted lines so far (one_line false, fn called once at
 * the end with line 0).  Returns -1 when the file exists but cannot be read. */
static int kh_read(LIBSSH2_SESSION *s, const char *path, LIBSSH2_KNOWNHOSTS *all,
		   unsigned only_line, char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	(void)s;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	unsigned lineno = 0;
	while ((n = getline(&line, &lcap, f)) >= 0) {
		lineno++;
		if (only_line && lineno != only_line)
			continue;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#' || *p == '@')
			continue; /* blank, comment, or a marker libssh2 cannot express */
		/* A line libssh2 rejects (unknown key type...) is skipped, not fatal. */
		(void)libssh2_knownhost_readline(all, p, strlen(p), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	}
	free(line);
	fclose(f);
	return 0;
}

static int kh_check_in(LIBSSH2_SESSION *s, const char *path, unsigned only_line, const char *host,
		       int port, const char *key, size_t keylen, int mask, char *err, size_t cap)
{
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(s);
	if (!kh) {
		snprintf(err, cap, "libssh2_knownhost_init failed");
		return -1;
	}
	int rc = kh_read(s, path, kh, only_line, err, cap);
	if (rc == 0) {
		/* OpenSSH's rule: port 22 is "host", any other "[host]:port" and nothing else
		 * (libssh2_knownhost_checkp would also accept a plain "host" entry for any port). */
		char *name = port == 22 ? xstrdup(host) : xasprintf("[%s]:%d", host, port);
		struct libssh2_knownhost *entry = NULL;
		rc = libssh2_knownhost_check(kh, name, key, keylen,
					     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask,
					     &entry);
		free(name);
	}
	libssh2_knownhost_free(kh);
	return rc;
}

void known_hosts_check(LIBSSH2_SESSION *session, const char *path, const char *host, int port,
		       const char *key, size_t keylen, int key_type, struct kh_verdict *out)
{
	out->message[0] = '\0';
	snprintf(out->key_type, sizeof(out->key_type), "%s", known_hosts_type_name(key_type));
	int mask = kh_key_mask(key_type);
	if (mask == LIBSSH2_KNOWNHOST_KEY_UNKNOWN) {
		out->result = KH_ERROR;
		snprintf(out->message, sizeof(out->message), "server offered an unsupported host key type");
		return;
	}
	int rc = kh_check_in(session, path, 0, host, port, key, keylen, mask, out->message,
			     sizeof(out->message));
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		out->result = KH_MATCH;
		return;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		out->result = KH_UNKNOWN;
		return;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		break;
	default:
		out->result = KH_ERROR;
		if (!out->message[0])
			snprintf(out->message, sizeof(out->message), "%s: cannot check host keys", path);
		return;
	}
	out->result = KH_CHANGED;
	/* Find the offending line the way OpenSSH reports it: re-check line by line.  A match
	 * somewhere else wins over a mismatch (several keys of one type may be listed). */
	FILE *f = fopen(path, "r");
	unsigned lines = 0;
	if (f) {
		int c;
		while ((c = fgetc(f)) != EOF)
			lines += c == '\n';
		fclose(f);
	}
	char scratch[128];
	for (unsigned l = 1; l <= lines + 1; l++) {
		if (kh_check_in(session, path, l, host, port, key, keylen, mask, scratch, sizeof(scratch)) ==
		    LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
			snprintf(out->message, sizeof(out->message),
				 "REMOTE HOST IDENTIFICATION HAS CHANGED: %s key for %s differs from %s:%u",
				 out->key_type, host, path, l);
			return;
		}
	}
	snprintf(out->message, sizeof(out->message),
		 "REMOTE HOST IDENTIFICATION HAS CHANGED: %s key for %s differs from %s", out->key_type,
		 host, path);
}

void known_hosts_check_session(LIBSSH2_SESSION *session, const char *path, const char *host,
			       int port, struct kh_verdict *out)
{
	size_t len = 0;
	int type = 0;
	const char *key = libssh2_session_hostkey(session, &len, &type);
	out->fingerprint[0] = '\0';
	if (!key) {
		out->result = KH_ERROR;
		out->key_type[0] = '\0';
		snprintf(out->message, sizeof(out->message), "server sent no host key");
		return;
	}
	const char *hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256);
	if (hash)
		known_hosts_fingerprint((const unsigned char *)hash, out->fingerprint,
					sizeof(out->fingerprint));
	known_hosts_check(session, path, host, port, key, len, type, out);
}

int known_hosts_record_key(const char *path, const char *host, int port, const char *key,
			   size_t len, int type, char *err, size_t cap)
{
	int mask = kh_key_mask(type);
	if (!key || !len || mask == LIBSSH2_KNOWNHOST_KEY_UNKNOWN) {
		snprintf(err, cap, "no supported host key to record");
		return -1;
	}
	/* The knownhost API needs a session only for its allocator: a fresh one, no I/O. */
	LIBSSH2_SESSION *alloc = libssh2_session_init();
	LIBSSH2_KNOWNHOSTS *kh = alloc ? libssh2_knownhost_init(alloc) : NULL;
	char *name = port == 22 ? xstrdup(host) : xasprintf("[%s]:%d", host, port);
	struct libssh2_knownhost *entry = NULL;
	char line[8192];
	size_t outlen = 0;
	int rc = kh ? libssh2_knownhost_addc(kh, name, NULL, key, len, NULL, 0,
					     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask,
					     &entry) : -1;
	if (rc == 0)
		rc = libssh2_knownhost_writeline(kh, entry, line, sizeof(line), &outlen,
						 LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	free(name);
	if (kh)
		libssh2_knownhost_free(kh);
	if (alloc)
		libssh2_session_free(alloc);
	if (rc != 0) {
		snprintf(err, cap, "cannot format a known_hosts line for %s", host);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t w = write(fd, line, outlen);
	int saved = errno;
	close(fd);
	if (w != (ssize_t)outlen) {
		snprintf(err, cap, "%s: %s", path, w < 0 ? strerror(saved) : "short write");
		return -1;
	}
	return 0;
}

int known_hosts_record(LIBSSH2_SESSION *session, const char *path, const char *host, int port,
		       char *err, size_t cap)
{
	size_t len = 0;
	int type = 0;
	const char *key = libssh2_session_hostkey(session, &len, &type);
	return known_hosts_record_key(path, host, port, key, len, type, err, cap);
}

void known_hosts_method_pref(LIBSSH2_SESSION *session, const char *path, const char *host,
			     int port, char *out, size_t cap)
{
	static const struct { int type; const char *methods; } all[] = {
		{ LIBSSH2_HOSTKEY_TYPE_ED25519, "ssh-ed25519" },
		{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, "ecdsa-sha2-nistp256" },
		{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, "ecdsa-sha2-nistp384" },
		{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, "ecdsa-sha2-nistp521" },
		{ LIBSSH2_HOSTKEY_TYPE_RSA, "rsa-sha2-512,rsa-sha2-256,ssh-rsa" },
	};
	enum { N = sizeof(all) / sizeof(all[0]) };
	bool known[N];
	char scratch[128];
	/* A one-byte dummy key of type T "mismatches" exactly when the file has a T key for
	 * the host: that works for hashed names too, which cannot be listed. */
	for (size_t i = 0; i < N; i++)
		known[i] = kh_check_in(session, path, 0, host, port, "x", 1, kh_key_mask(all[i].type),
				       scratch, sizeof(scratch)) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
	/* Only names this libssh2 supports: libssh2 1.10's method_pref strips unknown ones
	 * with an overlapping memcpy. */
	const char **algs = NULL;
	int nalgs = libssh2_session_supported_algs(session, LIBSSH2_METHOD_HOSTKEY, &algs);
	size_t n = 0;
	out[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < N; i++) {
			if (known[i] != (pass == 0))
				continue;
			char names[64];
			snprintf(names, sizeof(names), "%s", all[i].methods);
			for (char *save = NULL, *m = strtok_r(names, ",", &save); m;
			     m = strtok_r(NULL, ",", &save)) {
				bool ok = false;
				for (int k = 0; k < nalgs && !ok; k++)
					ok = strcmp(algs[k], m) == 0;
				if (ok && n < cap)
					n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "", m);
			}
		}
	}
	if (nalgs > 0)
		libssh2_free(session, algs);
}
