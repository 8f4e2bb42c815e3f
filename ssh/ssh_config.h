#ifndef SSH_SSH_CONFIG_H
#define SSH_SSH_CONFIG_H
/* ssh/ssh_config: the parts of OpenSSH's client config (~/.ssh/config) warroom honours:
 * Host blocks with pattern lists ('*', '?', '!' negation, several patterns per line),
 * HostName (with %h and %%), User, Port, IdentityFile (several, in order; "~/" and %d, %h,
 * %u, %% expanded) and ProxyJump.
 *
 * Rules as OpenSSH's: keywords are case-insensitive, "Key value" or "Key=value", values may
 * be double-quoted; for every keyword but IdentityFile the first value obtained wins; a
 * Host line applies when any pattern matches and no negated pattern does (hosts compare
 * case-insensitively); "Match" blocks are not evaluated and never apply; "Include" is not
 * followed (both noted, not errors).  "ProxyJump none" and "IdentityFile none" count as
 * set.  Errors (a bad Port, a keyword without value) name FILE:LINE.
 * Contract: pure apart from reading the one file; a missing file is an empty config.
 */
#include <stdbool.h>
#include <stddef.h>

struct ssh_host_config {
	char *hostname;          /* NULL: not set */
	char *user;
	int port;                /* 0: not set */
	char **identity_files;
	size_t nidentity;
	char *proxy_jump;        /* NULL: not set; "none" kept as written */
};

/* Collects the settings for `host` from config text.  home and local_user expand ~, %d
 * and %u.  0, or -1 with err "NAME:LINE: ...". */
int ssh_config_parse(const char *name, const char *text, size_t len, const char *host,
		     const char *home, const char *local_user, struct ssh_host_config *out,
		     char *err, size_t cap);
/* The same from a file (missing: empty result, 0). */
int ssh_config_load(const char *path, const char *host, const char *home, const char *local_user,
		    struct ssh_host_config *out, char *err, size_t cap);
void ssh_host_config_free(struct ssh_host_config *c);

/* One glob pattern ('*', '?') against a host name, case-insensitive. */
bool ssh_config_glob(const char *pattern, const char *host);

#endif
