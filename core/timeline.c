/* core/timeline: see timeline.h.  Storage, loading, the state map and audit ingestion
 * live here; observation of the model and the Markdown export in timeline_observe.c. */
#include "core/timeline.h"
#include "core/timeline_int.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- state map: "ctx|object" -> abnormal state, sorted by key ---- */

struct timeline_state {
	char **keys;
	char **vals;
	size_t n, cap;
};

static size_t timeline_state_pos(const struct timeline_state *s, const char *key, bool *found)
{
	size_t lo = 0, hi = s->n;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->keys[mid], key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *timeline_state_get(const struct timeline *tl, const char *ctx, const char *obj)
{
	char *key = xasprintf("%s|%s", ctx, obj);
	bool found;
	size_t i = timeline_state_pos(tl->st, key, &found);
	free(key);
	return found ? tl->st->vals[i] : "";
}

void timeline_state_set(struct timeline *tl, const char *ctx, const char *obj, const char *state)
{
	struct timeline_state *s = tl->st;
	char *key = xasprintf("%s|%s", ctx, obj);
	bool found;
	size_t i = timeline_state_pos(s, key, &found);
	if (!state || !state[0]) {
		if (found) {
			free(s->keys[i]);
			free(s->vals[i]);
			memmove(&s->keys[i], &s->keys[i + 1], (s->n - i - 1) * sizeof(char *));
			memmove(&s->vals[i], &s->vals[i + 1], (s->n - i - 1) * sizeof(char *));
			s->n--;
		}
		free(key);
		return;
	}
	if (found) {
		free(s->vals[i]);
		s->vals[i] = xstrdup(state);
		free(key);
		return;
	}
	if (s->n == s->cap) {
		size_t c = s->cap;
		s->keys = xgrow(s->keys, &c, s->n + 1, sizeof(char *));
		s->vals = xgrow(s->vals, &s->cap, s->n + 1, sizeof(char *));
	}
	memmove(&s->keys[i + 1], &s->keys[i], (s->n - i) * sizeof(char *));
	memmove(&s->vals[i + 1], &s->vals[i], (s->n - i) * sizeof(char *));
	s->keys[i] = key;
	s->vals[i] = xstrdup(state);
	s->n++;
}

size_t timeline_state_count(const struct timeline *tl)
{
	return tl->st->n;
}

void timeline_state_at(const struct timeline *tl, size_t i, const char **key, const char **val)
{
	*key = tl->st->keys[i];
	*val = tl->st->vals[i];
}

static void timeline_state_clear(struct timeline_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->keys[i]);
		free(s->vals[i]);
	}
	s->n = 0;
}

/* ---- entries ---- */

void timeline_entry_free(struct timeline_entry *e)
{
	if (!e)
		return;
	free(e->id);
	free(e->ctx);
	free(e->kind);
	free(e->object);
	free(e->event);
	free(e->text);
	free(e->state);
	free(e->origin);
	for (size_t i = 0; i < e->nobjects; i++)
		free(e->objects[i]);
	free(e->objects);
	free(e);
}

static const char *timeline_json_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "2026-11-21T11:04:49Z" -> epoch; -1 when malformed. */
static long long timeline_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	char z = 0, extra = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &z, &extra) != 7 || z != 'Z')
		return -1;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_hour < 0 || tm.tm_min < 0 ||
	    tm.tm_sec < 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

static void timeline_format_time(long long t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct timeline_entry *timeline_entry_parse(const char *line, char *err, size_t cap)
{
	json_error_t je;
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		snprintf(err, cap, "not a JSON object (%s)", o ? "other value" : je.text);
		json_decref(o);
		return NULL;
	}
	const char *id = timeline_json_str(o, "id"), *ts = timeline_json_str(o, "time");
	const char *kind = timeline_json_str(o, "kind"), *text = timeline_json_str(o, "text");
	long long t = ts ? timeline_parse_time(ts) : -1;
	if (!id || !id[0] || t < 0 || !kind || !text) {
		snprintf(err, cap, "%s", !id || !id[0] ? "missing \"id\""
			 : t < 0 ? "missing or malformed \"time\"" : !kind ? "missing \"kind\"" : "missing \"text\"");
		json_decref(o);
		return NULL;
	}
	if (strcmp(kind, "observed") && strcmp(kind, "action") && strcmp(kind, "note")) {
		snprintf(err, cap, "unknown kind '%.40s'", kind);
		json_decref(o);
		return NULL;
	}
	struct timeline_entry *e = xcalloc(1, sizeof(*e));
	const char *s;
	e->id = xstrdup(id);
	e->time = t;
	e->kind = xstrdup(kind);
	e->text = xstrdup(text);
	e->ctx = xstrdup((s = timeline_json_str(o, "ctx")) ? s : "");
	e->object = xstrdup((s = timeline_json_str(o, "object")) ? s : "");
	e->event = xstrdup((s = timeline_json_str(o, "event")) ? s : "");
	e->state = xstrdup((s = timeline_json_str(o, "state")) ? s : "");
	e->origin = xstrdup((s = timeline_json_str(o, "origin")) ? s : "");
	json_t *cnt = json_object_get(o, "count");
	e->count = json_is_integer(cnt) && json_integer_value(cnt) > 0 && json_integer_value(cnt) < 1000000
		? (int)json_integer_value(cnt) : 1;
	json_t *objs = json_object_get(o, "objects");
	if (json_is_array(objs)) {
		size_t n = json_array_size(objs);
		e->objects = xcalloc(n ? n : 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			json_t *v = json_array_get(objs, i);
			if (json_is_string(v))
				e->objects[e->nobjects++] = xstrdup(json_string_value(v));
		}
	}
	json_decref(o);
	return e;
}

static char *timeline_entry_format(const struct timeline_entry *e)
{
	char ts[32];
	timeline_format_time(e->time, ts, sizeof(ts));
	json_t *objs = json_array();
	for (size_t i = 0; i < e->nobjects; i++)
		json_array_append_new(objs, json_string(e->objects[i]));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:s}",
			      "id", e->id, "time", ts, "ctx", e->ctx, "kind", e->kind,
			      "object", e->object, "event", e->event, "text", e->text,
			      "count", e->count, "state", e->state, "objects", objs,
			      "origin", e->origin);
	if (!o)  /* only when a string is not UTF-8: callers pass what the server sent */
		return NULL;
	char *js = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	char *line = xasprintf("%s\n", js);
	free(js);
	return line;
}

/* One write(2) on O_APPEND, then fdatasync: the line survives a SIGKILL right after. */
static int timeline_append_line(const char *path, const char *line, char *err, size_t cap)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, cap, "timeline: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(line);
	ssize_t n;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	int rc = 0;
	if (n != (ssize_t)len) {
		snprintf(err, cap, "timeline: cannot write %s: %s", path, n < 0 ? strerror(errno) : "short write");
		rc = -1;
	} else if (fdatasync(fd) < 0 && errno != EINVAL) {
		snprintf(err, cap, "timeline: cannot flush %s: %s", path, strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

static ptrdiff_t timeline_find_id(const struct timeline *tl, const char *id)
{
	for (size_t i = tl->nentries; i-- > 0;)
		if (!strcmp(tl->entries[i]->id, id))
			return (ptrdiff_t)i;
	return -1;
}

/* Applies an entry's effect on the state map: its members are now in e->state. */
static void timeline_apply_state(struct timeline *tl, const struct timeline_entry *e)
{
	if (strcmp(e->kind, "observed"))
		return;
	for (size_t i = 0; i < e->nobjects; i++)
		timeline_state_set(tl, e->ctx, e->objects[i], e->state);
}

/* Inserts e keeping time order (stable: after entries of the same time), or replaces
 * the entry with the same id.  Takes ownership. */
static void timeline_insert(struct timeline *tl, struct timeline_entry *e)
{
	ptrdiff_t old = timeline_find_id(tl, e->id);
	if (old >= 0) {
		timeline_entry_free(tl->entries[old]);
		tl->entries[old] = e;
	} else {
		tl->entries = xgrow(tl->entries, &tl->capentries, tl->nentries + 1, sizeof(*tl->entries));
		size_t i = tl->nentries;
		while (i > 0 && tl->entries[i - 1]->time > e->time)
			i--;
		memmove(&tl->entries[i + 1], &tl->entries[i], (tl->nentries - i) * sizeof(*tl->entries));
		tl->entries[i] = e;
		tl->nentries++;
	}
	if (tl->since == 0 || e->time < tl->since)
		tl->since = e->time;
	timeline_apply_state(tl, e);
	tl->version++;
}

int timeline_commit(struct timeline *tl, struct timeline_entry *e, char *err, size_t cap)
{
	char *line = timeline_entry_format(e);
	if (!line) {
		snprintf(err, cap, "timeline: entry for %.100s is not valid UTF-8", e->object);
		timeline_entry_free(e);
		return -1;
	}
	int rc = timeline_append_line(tl->path, line, err, cap);
	free(line);
	/* Kept in memory even when the write failed: the pane still shows it. */
	timeline_insert(tl, e);
	return rc;
}

struct timeline_entry *timeline_entry_new(struct timeline *tl, long long now, const char *kind,
					  const char *ctx, const char *object, const char *event,
					  const char *text, const char *state)
{
	struct timeline_entry *e = xcalloc(1, sizeof(*e));
	e->id = xasprintf("%s:%ld:%lld:%lu", tl->origin, (long)getpid(), now, ++tl->seq);
	e->time = now;
	e->kind = xstrdup(kind);
	e->ctx = xstrdup(ctx ? ctx : "");
	e->object = xstrdup(object ? object : "");
	e->event = xstrdup(event ? event : "");
	e->text = xstrdup(text ? text : "");
	e->state = xstrdup(state ? state : "");
	e->origin = xstrdup(tl->origin);
	e->count = 1;
	return e;
}

struct timeline_entry *timeline_entry_copy(const struct timeline_entry *s)
{
	struct timeline_entry *e = xcalloc(1, sizeof(*e));
	e->id = xstrdup(s->id);
	e->time = s->time;
	e->kind = xstrdup(s->kind);
	e->ctx = xstrdup(s->ctx);
	e->object = xstrdup(s->object);
	e->event = xstrdup(s->event);
	e->text = xstrdup(s->text);
	e->state = xstrdup(s->state);
	e->origin = xstrdup(s->origin);
	e->count = s->count;
	e->objects = xcalloc(s->nobjects + 1, sizeof(char *));
	for (size_t i = 0; i < s->nobjects; i++)
		e->objects[e->nobjects++] = xstrdup(s->objects[i]);
	return e;
}

/* Reads a JSON-lines file: calls insert for each good line.  Missing file: 0 lines. */
static int timeline_load_file(struct timeline *tl, const char *path, bool append_new, int *added,
			      char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !append_new)
			return 0;
		snprintf(err, cap, "timeline: cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &lcap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		char perr[200];
		/* A torn last line (killed mid-write before fdatasync) is simply skipped. */
		struct timeline_entry *e = timeline_entry_parse(line, perr, sizeof(perr));
		if (!e) {
			tl->bad_lines++;
			continue;
		}
		if (append_new) {
			ptrdiff_t old = timeline_find_id(tl, e->id);
			if (old >= 0 && tl->entries[old]->count >= e->count) {
				timeline_entry_free(e);
				continue;
			}
			if (timeline_commit(tl, e, err, cap) < 0) {
				rc = -1;
				break;
			}
			(*added)++;
		} else {
			timeline_insert(tl, e);
		}
	}
	free(line);
	fclose(f);
	return rc;
}

int timeline_merge_file(struct timeline *tl, const char *path, char *err, size_t cap)
{
	int added = 0;
	if (timeline_load_file(tl, path, true, &added, err, cap) < 0)
		return -1;
	return added;
}

/* ---- directories and incidents ---- */

char *timeline_default_dir(const char *state_dir, char *err, size_t cap)
{
	if (state_dir)
		return xasprintf("%s/incidents", state_dir);
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/warroom/incidents", xdg);
	const char *home = getenv("HOME");
	if (home && home[0] == '/')
		return xasprintf("%s/.local/state/warroom/incidents", home);
	snprintf(err, cap, "timeline: neither XDG_STATE_HOME nor HOME is an absolute path");
	return NULL;
}

static int timeline_mkdirs(const char *dir, char *err, size_t cap)
{
	char *d = xstrdup(dir);
	for (char *p = d + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(d, 0700) < 0 && errno != EEXIST) {
				snprintf(err, cap, "timeline: cannot create %s: %s", d, strerror(errno));
				free(d);
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(d);
	return 0;
}

static bool timeline_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static void timeline_reset(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nentries; i++)
		timeline_entry_free(tl->entries[i]);
	tl->nentries = 0;
	timeline_state_clear(tl->st);
	tl->since = 0;
	tl->audit_offset = 0;
	tl->version++;
}

/* Makes `name` current: loads its file. */
static int timeline_switch(struct timeline *tl, const char *name, long long now, char *err,
			   size_t cap)
{
	timeline_reset(tl);
	free(tl->name);
	free(tl->path);
	tl->name = xstrdup(name);
	tl->path = xasprintf("%s/%s.jsonl", tl->dir, name);
	int added = 0;
	int rc = timeline_load_file(tl, tl->path, false, &added, err, cap);
	/* An empty incident begins now: older audit records belong to no one's timeline. */
	if (tl->since == 0)
		tl->since = now;
	return rc;
}

static void timeline_daily_name(long long now, char *out, size_t cap)
{
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%d", &tm);
}

/* The incident that should be current: dir/current's name, else the local day. */
static void timeline_current_name(const char *dir, long long now, char *name, size_t cap)
{
	name[0] = '\0';
	char *cur = xasprintf("%s/current", dir);
	FILE *f = fopen(cur, "r");
	if (f) {
		if (fgets(name, (int)cap, f))
			name[strcspn(name, "\r\n")] = '\0';
		fclose(f);
		if (!timeline_name_valid(name))
			name[0] = '\0';  /* a damaged pointer falls back to the day */
	}
	free(cur);
	if (!name[0])
		timeline_daily_name(now, name, cap);
}

int timeline_follow(struct timeline *tl, long long now, char *err, size_t cap)
{
	char name[80];
	timeline_current_name(tl->dir, now, name, sizeof(name));
	if (!strcmp(name, tl->name))
		return 0;
	return timeline_switch(tl, name, now, err, cap) < 0 ? -1 : 1;
}

int timeline_open(struct timeline *tl, const char *dir, const char *audit_path, long long now,
		  char *err, size_t cap)
{
	memset(tl, 0, sizeof(*tl));
	tl->st = xcalloc(1, sizeof(*tl->st));
	tl->dir = xstrdup(dir);
	tl->audit_path = audit_path ? xstrdup(audit_path) : NULL;
	if (gethostname(tl->origin, sizeof(tl->origin) - 1) < 0 || !tl->origin[0])
		snprintf(tl->origin, sizeof(tl->origin), "localhost");
	if (timeline_mkdirs(dir, err, cap) < 0)
		return -1;
	char name[80];
	timeline_current_name(dir, now, name, sizeof(name));
	return timeline_switch(tl, name, now, err, cap);
}

void timeline_close(struct timeline *tl)
{
	if (!tl->st)
		return;
	timeline_reset(tl);
	free(tl->entries);
	free(tl->st->keys);
	free(tl->st->vals);
	free(tl->st);
	free(tl->dir);
	free(tl->name);
	free(tl->path);
	free(tl->audit_path);
	memset(tl, 0, sizeof(*tl));
}

static int timeline_write_current(struct timeline *tl, const char *name, char *err, size_t cap)
{
	char *cur = xasprintf("%s/current", tl->dir);
	char *tmp = xasprintf("%s/.current.%ld", tl->dir, (long)getpid());
	int rc = -1;
	if (!name) {
		if (unlink(cur) == 0 || errno == ENOENT)
			rc = 0;
		else
			snprintf(err, cap, "timeline: cannot remove %s: %s", cur, strerror(errno));
	} else {
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f) != 0) {
			snprintf(err, cap, "timeline: cannot write %s: %s", tmp, strerror(errno));
		} else if (rename(tmp, cur) < 0) {
			snprintf(err, cap, "timeline: cannot rename %s: %s", tmp, strerror(errno));
		} else {
			rc = 0;
		}
	}
	free(cur);
	free(tmp);
	return rc;
}

int timeline_incident_start(struct timeline *tl, const char *name, long long now, char *err,
			    size_t cap)
{
	if (!timeline_name_valid(name)) {
		snprintf(err, cap, "incident: bad name '%.64s' (letters, digits, '.', '_', '-'; at most 64)", name);
		return -1;
	}
	if (timeline_write_current(tl, name, err, cap) < 0 || timeline_switch(tl, name, now, err, cap) < 0)
		return -1;
	char *text = xasprintf("Incident %s started", name);
	int rc = timeline_note(tl, "note", "", "", text, now, err, cap);
	free(text);
	return rc;
}

int timeline_incident_end(struct timeline *tl, long long now, char *err, size_t cap)
{
	char *text = xasprintf("Incident %s ended", tl->name);
	int rc = timeline_note(tl, "note", "", "", text, now, err, cap);
	free(text);
	if (rc < 0 || timeline_write_current(tl, NULL, err, cap) < 0)
		return -1;
	char name[32];
	timeline_daily_name(now, name, sizeof(name));
	return timeline_switch(tl, name, now, err, cap);
}

int timeline_note(struct timeline *tl, const char *kind, const char *ctx, const char *object,
		  const char *text, long long now, char *err, size_t cap)
{
	if (strcmp(kind, "note") && strcmp(kind, "action")) {
		snprintf(err, cap, "timeline: note kind must be note or action, not '%.20s'", kind);
		return -1;
	}
	return timeline_commit(tl, timeline_entry_new(tl, now, kind, ctx, object, "", text, ""), err, cap);
}

/* ---- audit trail ---- */

/* One audit line to an entry; NULL when it is not a final result or not ours. */
static struct timeline_entry *timeline_audit_entry(struct timeline *tl, const char *line)
{
	json_t *o = json_loads(line, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	const char *ts = timeline_json_str(o, "time"), *res = timeline_json_str(o, "result");
	const char *cmd = timeline_json_str(o, "command"), *ctx = timeline_json_str(o, "context");
	const char *error = timeline_json_str(o, "error");
	/* --server without a kubeconfig context: the server names the cluster instead, as
	 * the console's observations do. */
	if (!ctx || !ctx[0])
		ctx = timeline_json_str(o, "server");
	long long t = ts ? timeline_parse_time(ts) : -1;
	struct timeline_entry *e = NULL;
	if (t < 0 || !res || !cmd || !strcmp(res, "attempted") || (tl->since && t < tl->since)) {
		json_decref(o);
		return NULL;
	}
	json_t *objs = json_object_get(o, "objects");
	char objbuf[512] = "";
	size_t len = 0;
	for (size_t i = 0; json_is_array(objs) && i < json_array_size(objs); i++) {
		json_t *v = json_array_get(objs, i);
		if (json_is_string(v) && len < sizeof(objbuf) - 2)
			len += (size_t)snprintf(objbuf + len, sizeof(objbuf) - len, "%s%s", len ? "," : "",
						json_string_value(v));
		if (len >= sizeof(objbuf))
			len = sizeof(objbuf) - 1;
	}
	bool dry = json_is_true(json_object_get(o, "dry_run"));
	char *event = xasprintf("%s: %s", cmd, res);
	char *text = xasprintf("`%s`%s: %s%s%s", cmd, dry ? " (dry run)" : "", res,
			       error ? " - " : "", error ? error : "");
	e = timeline_entry_new(tl, t, "action", ctx ? ctx : "", objbuf, event, text, "");
	/* The id is the record's own identity, so a restart re-reading the trail adds
	 * nothing twice. */
	free(e->id);
	e->id = xasprintf("audit:%s:%s:%s:%s", ts, ctx ? ctx : "", cmd, res);
	free(event);
	free(text);
	json_decref(o);
	return e;
}

int timeline_ingest_audit(struct timeline *tl, char *err, size_t cap)
{
	if (!tl->audit_path)
		return 0;
	FILE *f = fopen(tl->audit_path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, cap, "timeline: cannot read audit %s: %s", tl->audit_path, strerror(errno));
		return -1;
	}
	if (fseek(f, tl->audit_offset, SEEK_SET) < 0) {
		fclose(f);
		tl->audit_offset = 0;  /* the file was truncated or rotated: start over next time */
		return 0;
	}
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	int added = 0, rc = 0;
	while ((n = getline(&line, &lcap, f)) > 0) {
		if (line[n - 1] != '\n')
			break;  /* a line still being written: read it next time */
		tl->audit_offset += (long)n;
		line[n - 1] = '\0';
		struct timeline_entry *e = timeline_audit_entry(tl, line);
		if (!e)
			continue;
		if (timeline_find_id(tl, e->id) >= 0) {
			timeline_entry_free(e);
			continue;
		}
		if (timeline_commit(tl, e, err, cap) < 0) {
			rc = -1;
			break;
		}
		added++;
	}
	free(line);
	fclose(f);
	return rc < 0 ? -1 : added;
}
