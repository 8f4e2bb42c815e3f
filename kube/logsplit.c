/* kube/logsplit: the pure half of kube/logstream (see logstream.h): RFC 3339 timestamp
 * prefixes, line framing across chunks, and resume de-duplication.  No network, no loop,
 * so the fuzz target and the unit tests use it alone. */
#include "kube/logstream.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- Timestamps ---- */

static bool logstream_digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t logstream_days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Date and time of day (the first 19 bytes, already length-checked) as seconds since the
 * epoch, before any zone offset; false when they are not a valid time. */
static bool logstream_parse_head(const char *s, int64_t *secs)
{
	int y, mo, d, h, mi, se;
	if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return false;
	if (!logstream_digits(s, 4, &y) || !logstream_digits(s + 5, 2, &mo) ||
	    !logstream_digits(s + 8, 2, &d) || !logstream_digits(s + 11, 2, &h) ||
	    !logstream_digits(s + 14, 2, &mi) || !logstream_digits(s + 17, 2, &se))
		return false;
	/* Nanoseconds since 1970 in 64 bits reach from 1677 to 2262. */
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return false;
	*secs = logstream_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

size_t logstream_parse_ts_memo(struct logts_memo *m, const char *s, size_t len, int64_t *ns)
{
	if (len < 21)
		return 0;
	int64_t secs;
	if (m && m->valid && !memcmp(s, m->head, sizeof(m->head))) {
		secs = m->secs;
	} else {
		if (!logstream_parse_head(s, &secs))
			return 0;
		if (m) {
			memcpy(m->head, s, sizeof(m->head));
			m->secs = secs;
			m->valid = true;
		}
	}
	size_t p = 19;
	int64_t frac = 0;
	if (p < len && s[p] == '.') {
		p++;
		int64_t scale = 100000000;
		size_t nd = 0;
		while (p < len && s[p] >= '0' && s[p] <= '9') {
			if (nd < 9)
				frac += (s[p] - '0') * scale;
			scale /= 10;
			nd++;
			p++;
		}
		if (!nd)
			return 0;
	}
	int64_t off = 0;
	if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p + 6 <= len && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':') {
		int oh, om;
		if (!logstream_digits(s + p + 1, 2, &oh) || !logstream_digits(s + p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return 0;
		off = (oh * 3600 + om * 60) * (s[p] == '+' ? 1 : -1);
		p += 6;
	} else {
		return 0;
	}
	if (p >= len || s[p] != ' ')
		return 0;
	*ns = (secs - off) * 1000000000 + frac;
	return p + 1;
}

size_t logstream_parse_ts(const char *s, size_t len, int64_t *ns)
{
	return logstream_parse_ts_memo(NULL, s, len, ns);
}

/* ---- Line splitting ---- */

void logsplit_init(struct logsplit *s, size_t max_line)
{
	memset(s, 0, sizeof(*s));
	s->max_line = max_line ? max_line : 64u << 10;
}

void logsplit_free(struct logsplit *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

void logsplit_reset(struct logsplit *s)
{
	s->len = 0;
	s->skipping = s->cut = false;
}

/* Appends to the partial line, cutting it at max_line. */
static void logsplit_add(struct logsplit *s, const char *data, size_t len)
{
	if (s->len + len > s->max_line) {
		len = s->max_line - s->len;
		s->cut = true;
	}
	if (!len)
		return;
	s->buf = xgrow(s->buf, &s->cap, s->len + len, 1);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
}

void logsplit_feed(struct logsplit *s, const char *data, size_t len, logsplit_fn fn, void *ud)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t seg = nl ? (size_t)(nl - data) : len;
		if (s->skipping) {
			if (nl)
				s->skipping = false;
		} else if (nl && !s->len && seg <= s->max_line) {
			fn(ud, data, seg, false); /* the common case: no copy */
		} else {
			logsplit_add(s, data, seg);
			if (nl) {
				fn(ud, s->buf ? s->buf : "", s->len, s->cut);
				s->len = 0;
				s->cut = false;
			} else if (s->cut) {
				/* Deliver the cut line now; skip its rest up to the newline. */
				fn(ud, s->buf, s->len, true);
				s->len = 0;
				s->cut = false;
				s->skipping = true;
			}
		}
		if (!nl)
			break;
		len -= seg + 1;
		data = nl + 1;
	}
}

void logsplit_finish(struct logsplit *s, logsplit_fn fn, void *ud)
{
	if (s->len && !s->skipping)
		fn(ud, s->buf, s->len, s->cut);
	logsplit_reset(s);
}

/* ---- Resume ---- */

/* Every delivered line is hashed (it may share its timestamp with the next), so eight
 * bytes a step: a byte-wise FNV-1a was a quarter of the log pane's ingest time. */
static uint64_t logresume_hash(const char *text, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (len * 0x9e3779b97f4a7c15ULL);
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

void logresume_init(struct logresume *r)
{
	memset(r, 0, sizeof(*r));
}

void logresume_seen(struct logresume *r, int64_t ts, const char *text, size_t len)
{
	if (ts < r->last_ts)
		return;
	if (ts > r->last_ts) {
		r->last_ts = ts;
		r->nhash = 0;
		r->overflow = false;
	}
	if (r->nhash < LOGRESUME_MAX)
		r->hashes[r->nhash++] = logresume_hash(text, len);
	else
		r->overflow = true;
}

void logresume_begin(struct logresume *r)
{
	r->resuming = r->last_ts != 0;
	r->matched = 0;
	memset(r->used, 0, sizeof(r->used));
}

bool logresume_keep(struct logresume *r, int64_t ts, const char *text, size_t len)
{
	if (!r->resuming)
		return true;
	if (ts < r->last_ts)
		return false;
	if (ts > r->last_ts) {
		r->resuming = false;
		return true;
	}
	if (r->overflow) {
		/* Too many lines at one instant to remember each: skip as many as were seen. */
		if (r->matched < LOGRESUME_MAX) {
			r->matched++;
			return false;
		}
		r->resuming = false;
		return true;
	}
	uint64_t h = logresume_hash(text, len);
	for (size_t i = 0; i < r->nhash; i++) {
		if (!r->used[i] && r->hashes[i] == h) {
			r->used[i] = 1;
			r->matched++;
			return false;
		}
	}
	return true;
}
