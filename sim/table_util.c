/* sim/table_util: the Table printer's readers of untrusted JSON, time parsing, ages and a
 * growing string buffer; see table_int.h and table.h (sim_table_age). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sim/table.h"
#include "sim/table_int.h"

/* ---- helpers (table_int.h) ------------------------------------------------------------ */

json_t *tbl_get(const json_t *o, const char *path)
{
	const json_t *cur = o;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[64];
		if (n >= sizeof(key) || !json_is_object(cur))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		p = dot ? dot + 1 : p + n;
	}
	return (json_t *)cur;
}

const char *tbl_str(const json_t *o, const char *path)
{
	const char *s = json_string_value(tbl_get(o, path));
	return s ? s : "";
}

long long tbl_int(const json_t *o, const char *path, long long def)
{
	json_t *v = tbl_get(o, path);
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

/* Reads exactly n digits at *p. */
static bool tbl_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool tbl_parse_time(const char *s, time_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec;
	const char *p = s;
	if (!tbl_digits(&p, 4, &y) || *p++ != '-' || !tbl_digits(&p, 2, &mo) || *p++ != '-' ||
	    !tbl_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return false;
	p++;
	if (!tbl_digits(&p, 2, &h) || *p++ != ':' || !tbl_digits(&p, 2, &mi) || *p++ != ':' ||
	    !tbl_digits(&p, 2, &sec))
		return false;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (!tbl_digits(&p, 2, &oh) || *p++ != ':' || !tbl_digits(&p, 2, &om))
			return false;
		off = sign * (oh * 3600L + om * 60L);
	} else {
		return false;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	/* Go's zero time marks "never" (metav1.Time{}.IsZero). */
	if (y <= 1)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - off;
	return true;
}

bool tbl_time(const json_t *o, const char *path, time_t *out)
{
	const char *s = json_string_value(tbl_get(o, path));
	return s && tbl_parse_time(s, out);
}

char *tbl_since(const json_t *o, const char *path, time_t now)
{
	time_t t;
	if (!tbl_time(o, path, &t))
		return xstrdup("<unknown>");
	char buf[32];
	sim_table_age(t, now, buf, sizeof(buf));
	return xstrdup(buf);
}

void tbl_buf_add(struct tbl_buf *b, const char *s)
{
	size_t n = strlen(s);
	b->p = xgrow(b->p, &b->cap, b->n + n + 1, 1);
	memcpy(b->p + b->n, s, n + 1);
	b->n += n;
}

char *tbl_buf_take(struct tbl_buf *b)
{
	char *s = b->p ? b->p : xstrdup("");
	b->p = NULL;
	b->n = b->cap = 0;
	return s;
}

/* ---- ages ----------------------------------------------------------------------------- */

/* duration.HumanDuration: about two significant figures, more precision when young. */
void sim_table_age(time_t t, time_t now, char *buf, size_t len)
{
	long long secs = (long long)(now - t);
	if (secs < -1) {
		snprintf(buf, len, "<invalid>");
		return;
	}
	if (secs < 0)
		secs = 0;
	if (secs < 120) {
		snprintf(buf, len, "%llds", secs);
		return;
	}
	long long mins = secs / 60;
	if (mins < 10) {
		if (secs % 60)
			snprintf(buf, len, "%lldm%llds", mins, secs % 60);
		else
			snprintf(buf, len, "%lldm", mins);
		return;
	}
	if (mins < 180) {
		snprintf(buf, len, "%lldm", mins);
		return;
	}
	long long hours = secs / 3600;
	if (hours < 8) {
		if (mins % 60)
			snprintf(buf, len, "%lldh%lldm", hours, mins % 60);
		else
			snprintf(buf, len, "%lldh", hours);
	} else if (hours < 48) {
		snprintf(buf, len, "%lldh", hours);
	} else if (hours < 24 * 8) {
		if (hours % 24)
			snprintf(buf, len, "%lldd%lldh", hours / 24, hours % 24);
		else
			snprintf(buf, len, "%lldd", hours / 24);
	} else if (hours < 24 * 365 * 2) {
		snprintf(buf, len, "%lldd", hours / 24);
	} else if (hours < 24 * 365 * 8) {
		long long days = (hours / 24) % 365;
		if (days)
			snprintf(buf, len, "%lldy%lldd", hours / 24 / 365, days);
		else
			snprintf(buf, len, "%lldy", hours / 24 / 365);
	} else {
		snprintf(buf, len, "%lldy", hours / 24 / 365);
	}
}
