/* ssh/ssh_config: a reader for the Host/HostName/User/Port/IdentityFile/ProxyJump subset
 * of ~/.ssh/config (see ssh_config.h). */
#include "ssh/ssh_config.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool ssh_config_glob(const char *p, const char *h)
{
	for (;;) {
		if (*p == '\0')
			return *h == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;
			for (; *h; h++)
				if (ssh_config_glob(p, h))
					return true;
			return false;
		}
		if (*h == '\0')
			return false;
		if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*h))
			return false;
		p++;
		h++;
	}
}

/* Splits a line's value into words (double quotes group; no escapes, as OpenSSH). */
enum { SC_MAX_WORDS = 64 };
static size_t sc_words(char *s, char **w, bool *bad_quote)
{
	size_t n = 0;
	*bad_quote = false;
	while (*s && n < SC_MAX_WORDS) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			char *end = strchr(s + 1, '"');
			if (!end) {
				*bad_quote = true;
				return n;
			}
			*end = '\0';
			w[n++] = s + 1;
			s = end + 1;
			continue;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* Expands ~/, %d, %h, %u, %% in a path-like value. */
static char *sc_expand(const char *v, const char *host, const char *home, const char *user)
{
	size_t cap = strlen(v) + 1, n = 0;
	char *out = xmalloc(cap);
	if (v[0] == '~' && (v[1] == '/' || !v[1]) && home) {
		out = xgrow(out, &cap, strlen(home) + 1, 1);
		n = (size_t)sprintf(out, "%s", home);
		v++;
	}
	for (; *v; v++) {
		const char *add = NULL;
		char one[2] = { *v, 0 };
		if (*v == '%' && v[1]) {
			v++;
			add = *v == 'd' ? home : *v == 'h' ? host : *v == 'u' ? user : *v == '%' ? "%" : NULL;
			if (!add) {
				one[0] = '%';
				add = one; /* unknown token: kept literally */
				v--;
			}
		} else {
			add = one;
		}
		if (!add)
			add = "";
		size_t l = strlen(add);
		out = xgrow(out, &cap, n + l + 1, 1);
		memcpy(out + n, add, l);
		n += l;
	}
	out[n] = '\0';
	return out;
}

static int sc_fail(char *err, size_t cap, const char *name, unsigned line, const char *what)
{
	snprintf(err, cap, "%s:%u: %s", name, line, what);
	return -1;
}

int ssh_config_parse(const char *name, const char *text, size_t len, const char *host,
		     const char *home, const char *local_user, struct ssh_host_config *out,
		     char *err, size_t cap)
{
	memset(out, 0, sizeof(*out));
	bool active = true; /* lines before the first Host apply to every host */
	unsigned lineno = 0;
	size_t pos = 0, icap = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *line = xstrndup(text + pos, l);
		pos += l + (nl ? 1 : 0);
		lineno++;
		if (strlen(line) != l) {
			free(line);
			ssh_host_config_free(out);
			return sc_fail(err, cap, name, lineno, "contains a NUL byte");
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t pl = strlen(p);
		while (pl && (p[pl - 1] == '\r' || p[pl - 1] == ' ' || p[pl - 1] == '\t'))
			p[--pl] = '\0';
		if (!*p || *p == '#') {
			free(line);
			continue;
		}
		char *kw = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		if (*p)
			*p++ = '\0';
		while (*p == ' ' || *p == '\t' || *p == '=')
			p++;
		char *w[SC_MAX_WORDS];
		bool badq;
		size_t nw = sc_words(p, w, &badq);
		const char *problem = badq ? "unterminated quote" : nw == 0 ? "missing value" : NULL;
		if (problem) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%s: %s", kw, problem);
			free(line);
			ssh_host_config_free(out);
			return sc_fail(err, cap, name, lineno, msg);
		}
		if (strcasecmp(kw, "Host") == 0) {
			bool pos_match = false, neg_match = false;
			for (size_t i = 0; i < nw; i++) {
				if (w[i][0] == '!')
					neg_match |= ssh_config_glob(w[i] + 1, host);
				else
					pos_match |= ssh_config_glob(w[i], host);
			}
			active = pos_match && !neg_match;
		} else if (strcasecmp(kw, "Match") == 0) {
			active = false; /* not evaluated: never applies */
		} else if (active && strcasecmp(kw, "HostName") == 0) {
			if (!out->hostname)
				out->hostname = sc_expand(w[0], host, NULL, NULL);
		} else if (active && strcasecmp(kw, "User") == 0) {
			if (!out->user)
				out->user = xstrdup(w[0]);
		} else if (active && strcasecmp(kw, "Port") == 0) {
			char *end;
			errno = 0;
			long v = strtol(w[0], &end, 10);
			if (*end || errno || v < 1 || v > 65535) {
				free(line);
				ssh_host_config_free(out);
				return sc_fail(err, cap, name, lineno, "Port: expected 1..65535");
			}
			if (!out->port)
				out->port = (int)v;
		} else if (active && strcasecmp(kw, "IdentityFile") == 0) {
			out->identity_files = xgrow(out->identity_files, &icap, out->nidentity + 1,
						    sizeof(char *));
			out->identity_files[out->nidentity++] = sc_expand(w[0], host, home, local_user);
		} else if (active && strcasecmp(kw, "ProxyJump") == 0) {
			if (!out->proxy_jump)
				out->proxy_jump = xstrdup(w[0]);
		}
		free(line);
	}
	return 0;
}

int ssh_config_load(const char *path, const char *host, const char *home, const char *local_user,
		    struct ssh_host_config *out, char *err, size_t cap)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t n = 0, bcap = 0;
	char chunk[8192];
	size_t r;
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (n + r > (4u << 20)) {
			fclose(f);
			free(buf);
			snprintf(err, cap, "%s: larger than 4 MiB", path);
			return -1;
		}
		buf = xgrow(buf, &bcap, n + r + 1, 1);
		memcpy(buf + n, chunk, r);
		n += r;
	}
	fclose(f);
	int rc = ssh_config_parse(path, buf ? buf : "", n, host, home, local_user, out, err, cap);
	free(buf);
	return rc;
}

void ssh_host_config_free(struct ssh_host_config *c)
{
	if (!c)
		return;
	free(c->hostname);
	free(c->user);
	for (size_t i = 0; i < c->nidentity; i++)
		free(c->identity_files[i]);
	free(c->identity_files);
	free(c->proxy_jump);
	memset(c, 0, sizeof(*c));
}
