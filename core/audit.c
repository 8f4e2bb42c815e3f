/* core/audit: see audit.h. */
#include "core/audit.h"

#include "core/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *audit_default_path(char *err, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	/* The XDG spec says relative values are invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/warroom/audit.jsonl", xdg);
	const char *home = getenv("HOME");
	if (home && home[0] == '/')
		return xasprintf("%s/.local/state/warroom/audit.jsonl", home);
	snprintf(err, cap, "audit: neither XDG_STATE_HOME nor HOME is an absolute path");
	return NULL;
}

static char *audit_local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && pw->pw_name[0])
		return xstrdup(pw->pw_name);
	const char *u = getenv("USER");
	if (u && u[0])
		return xstrdup(u);
	return xasprintf("uid %ld", (long)getuid());
}

int audit_init(struct audit *a, const char *path, const char *context, const char *kube_user,
	       const char *server, char *err, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->path = path ? xstrdup(path) : audit_default_path(err, cap);
	if (!a->path)
		return -1;
	a->user = audit_local_user();
	a->context = xstrdup(context ? context : "");
	a->kube_user = xstrdup(kube_user ? kube_user : "");
	a->server = xstrdup(server ? server : "");
	return 0;
}

void audit_free(struct audit *a)
{
	free(a->path);
	free(a->user);
	free(a->context);
	free(a->kube_user);
	free(a->server);
	memset(a, 0, sizeof(*a));
}

/* Masks "Bearer XXX" and "token=XXX" in s: a token must never reach the trail, whatever a
 * caller passed by mistake (an error text quoting a header, a command line). */
static json_t *audit_str(const char *s)
{
	if (!s)
		return json_null();
	char *c = xstrdup(s);
	static const char *const marks[] = { "Bearer ", "bearer ", "token=", "--token " };
	for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
		for (char *p = strstr(c, marks[m]); p; p = strstr(p, marks[m])) {
			p += strlen(marks[m]);
			char *q = p;
			while (*q && *q != ' ' && *q != '"' && *q != '\'' && *q != ',')
				*q++ = '*';
			p = q;
		}
	}
	json_t *j = json_string(c);
	if (!j) {
		/* Not UTF-8 (a name from a broken server): keep the ASCII, mark the rest. */
		for (char *p = c; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		j = json_string(c);
	}
	free(c);
	return j;
}

static json_t *audit_list(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, audit_str(v[i]));
	return a;
}

char *audit_format(const struct audit *a, const struct audit_record *r, long long now)
{
	time_t t = (time_t)now;
	struct tm tm;
	char ts[40];
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *o = json_object();
	json_object_set_new(o, "time", json_string(ts));
	json_object_set_new(o, "user", audit_str(a->user));
	json_object_set_new(o, "context", audit_str(a->context));
	json_object_set_new(o, "kube_user", audit_str(a->kube_user));
	json_object_set_new(o, "server", audit_str(a->server));
	json_object_set_new(o, "namespace", audit_str(r->ns));
	json_object_set_new(o, "command", audit_str(r->command ? r->command : ""));
	json_object_set_new(o, "objects", audit_list(r->objects, r->nobjects));
	json_object_set_new(o, "result", audit_str(r->result ? r->result : "unknown"));
	json_object_set_new(o, "dry_run", json_boolean(r->dry_run));
	json_object_set_new(o, "error", audit_str(r->error));
	if (r->details)
		json_object_set_new(o, "details", audit_list(r->details, r->ndetails));
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		line = xstrdup("{\"result\":\"unformattable\"}");
	return line;
}

/* mkdir -p of the directories above path. */
static int audit_mkdirs(const char *path, char *err, size_t cap)
{
	char *d = xstrdup(path);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST) {
			snprintf(err, cap, "audit: cannot create directory %s: %s", d, strerror(errno));
			free(d);
			return -1;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

int audit_write(const struct audit *a, const struct audit_record *r, char *err, size_t cap)
{
	if (!a->path)
		return 0;
	if (audit_mkdirs(a->path, err, cap) < 0)
		return -1;
	int fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, cap, "audit: cannot open %s: %s", a->path, strerror(errno));
		return -1;
	}
	char *json = audit_format(a, r, (long long)time(NULL));
	char *line = xasprintf("%s\n", json);
	free(json);
	size_t len = strlen(line);
	ssize_t n;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	int rc = 0;
	if (n != (ssize_t)len) {
		snprintf(err, cap, "audit: cannot write %s: %s", a->path, n < 0 ? strerror(errno) : "short write");
		rc = -1;
	} else if (fdatasync(fd) < 0 && errno != EINVAL) {
		snprintf(err, cap, "audit: cannot flush %s: %s", a->path, strerror(errno));
		rc = -1;
	}
	free(line);
	close(fd);
	return rc;
}
