/* kube/decode_json: decode_json_loadb (see decode.h), the parser behind the list
 * decoder in kube/decode.c. */
#include "kube/decode.h"

#include "core/utf8.h"
#include "core/xalloc.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one JSON value into a jansson tree ----
 *
 * json_loadb lexes byte by byte through a growing string buffer: ~100 instructions per
 * input byte, three quarters of the cold list's decode.  This parser reads the same
 * grammar straight from the buffer (a string without escapes is one scan and one copy)
 * and builds the same tree through jansson's constructors, so every decoder and
 * podstatus work on it unchanged.  It accepts and rejects what json_loadb with
 * JSON_DECODE_ANY does: RFC 8259 JSON, strict UTF-8, no \u0000, integers that fit
 * json_int_t, finite reals, nesting up to 2048. */

enum { DJ_MAX_DEPTH = 2048 };

struct dj {
	const char *p, *end;
	const char *err_at;          /* first error: where, and what */
	char err[JSON_ERROR_TEXT_LENGTH];
	int depth;
	char *tmp;                   /* a string with escapes, unescaped */
	size_t tmpcap;
};

static json_t *dj_value(struct dj *d);

static void *dj_fail(struct dj *d, const char *at, const char *msg)
{
	if (!d->err_at) {
		d->err_at = at;
		snprintf(d->err, sizeof(d->err), "%s", msg);
	}
	return NULL;
}

static void dj_space(struct dj *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\t' || *d->p == '\r'))
		d->p++;
}

/* Length of the UTF-8 sequence at p (first byte >= 0x80), 0 if it is not valid UTF-8
 * (overlong, surrogate, beyond U+10FFFF or cut). */
static size_t dj_utf8(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t n = utf8_decode(p, (size_t)(end - p), &cp);
	return cp == UTF8_INVALID ? 0 : n;
}

/* Four hex digits at p, or -1. */
static long dj_hex4(const unsigned char *p, const unsigned char *end)
{
	if (end - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* One escape at u (its backslash) appended to d->tmp at *len; returns the bytes read,
 * 0 on a bad escape. */
static size_t dj_escape(struct dj *d, const unsigned char *u, const unsigned char *end, size_t *len)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	if (end - u < 2)
		return 0;
	for (size_t i = 0; simple[i]; i += 2)
		if (u[1] == (unsigned char)simple[i]) {
			d->tmp[(*len)++] = simple[i + 1];
			return 2;
		}
	if (u[1] != 'u')
		return 0;
	long cp = dj_hex4(u + 2, end);
	size_t used = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		/* A high surrogate must pair with a low one. */
		long lo = end - u >= 12 && u[6] == '\\' && u[7] == 'u' ? dj_hex4(u + 8, end) : -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		used = 12;
	} else if (cp < 1 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
		return 0; /* bad hex, \u0000 (not allowed, as in json_loadb) or a lone low surrogate */
	}
	*len += utf8_encode((uint32_t)cp, d->tmp + *len);
	return used;
}

/* The string at d->p (its opening quote): *s, *n are its bytes, in the input when it has
 * no escape, else in d->tmp. */
static bool dj_string(struct dj *d, const char **s, size_t *n)
{
	const unsigned char *q = (const unsigned char *)++d->p, *u = q;
	const unsigned char *end = (const unsigned char *)d->end;
	bool escaped = false;
	size_t len = 0;
	while (u < end) {
		unsigned c = *u;
		if (c == '"') {
			*s = escaped ? d->tmp : (const char *)q;
			*n = escaped ? len : (size_t)(u - q);
			d->p = (const char *)u + 1;
			return true;
		}
		if (c < 0x20)
			return dj_fail(d, (const char *)u, "control character in a string"), false;
		size_t k = 1;
		if (c >= 0x80 && !(k = dj_utf8(u, end)))
			return dj_fail(d, (const char *)u, "invalid UTF-8 in a string"), false;
		if (c == '\\' && !escaped) {
			/* Slow path from the first escape on: unescape into d->tmp. */
			escaped = true;
			len = (size_t)(u - q);
			d->tmp = xgrow(d->tmp, &d->tmpcap, (size_t)(end - q) + 1, 1);
			memcpy(d->tmp, q, len);
		}
		if (!escaped) {
			u += k;
		} else if (c == '\\') {
			size_t used = dj_escape(d, u, end, &len);
			if (!used)
				return dj_fail(d, (const char *)u, "invalid escape in a string"), false;
			u += used;
		} else {
			memcpy(d->tmp + len, u, k);
			len += k;
			u += k;
		}
	}
	return dj_fail(d, d->end, "unexpected end of input in a string"), false;
}

static bool dj_digits(const char **p, const char *end)
{
	const char *b = *p;
	while (*p < end && **p >= '0' && **p <= '9')
		(*p)++;
	return *p > b;
}

static json_t *dj_number(struct dj *d)
{
	const char *b = d->p, *p = b, *end = d->end;
	bool real = false;
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (!dj_digits(&p, end))
		return dj_fail(d, b, "invalid number");
	if (p < end && *p == '.') {
		p++;
		real = true;
		if (!dj_digits(&p, end))
			return dj_fail(d, b, "invalid number");
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		real = true;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!dj_digits(&p, end))
			return dj_fail(d, b, "invalid number");
	}
	size_t n = (size_t)(p - b);
	d->tmp = xgrow(d->tmp, &d->tmpcap, n + 1, 1);
	memcpy(d->tmp, b, n);
	d->tmp[n] = '\0';
	d->p = p;
	errno = 0;
	if (!real) {
		long long v = strtoll(d->tmp, NULL, 10);
		if (errno == ERANGE)
			return dj_fail(d, b, v < 0 ? "too big negative integer" : "too big integer");
		return json_integer((json_int_t)v);
	}
	/* strtod follows the locale (the console sets LC_ALL): use its decimal point. */
	char *dot = strchr(d->tmp, '.');
	if (dot)
		*dot = *localeconv()->decimal_point;
	double v = strtod(d->tmp, NULL);
	if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
		return dj_fail(d, b, "real number overflow");
	return json_real(v);
}

static json_t *dj_literal(struct dj *d, const char *word, json_t *value)
{
	size_t n = strlen(word);
	if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0)
		return dj_fail(d, d->p, "invalid token");
	d->p += n;
	return value;
}

/* The container at d->p ('{' or '['), its members parsed until `close`. */
static json_t *dj_container(struct dj *d, bool object)
{
	const char *open = d->p++;
	if (++d->depth > DJ_MAX_DEPTH)
		return dj_fail(d, open, "maximum parsing depth reached");
	json_t *c = object ? json_object() : json_array();
	char close = object ? '}' : ']';
	dj_space(d);
	if (d->p < d->end && *d->p == close) {
		d->p++;
		d->depth--;
		return c;
	}
	while (c) {
		dj_space(d);
		const char *k = NULL;
		char *kcopy = NULL;
		size_t kn = 0;
		if (object) {
			if (d->p >= d->end || *d->p != '"' || !dj_string(d, &k, &kn)) {
				json_decref(c);
				return dj_fail(d, d->p, "string or '}' expected");
			}
			/* The value may reuse d->tmp: keep an escaped key aside. */
			if (k == d->tmp)
				k = kcopy = xstrndup(k, kn);
			dj_space(d);
			if (d->p >= d->end || *d->p != ':') {
				free(kcopy);
				json_decref(c);
				return dj_fail(d, d->p, "':' expected");
			}
			d->p++;
		}
		json_t *v = dj_value(d);
		int rc = !v ? -1 : object ? json_object_setn_new_nocheck(c, k, kn, v) : json_array_append_new(c, v);
		free(kcopy);
		if (rc < 0) {
			json_decref(c);
			return dj_fail(d, d->p, "out of memory");
		}
		dj_space(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == close) {
			d->p++;
			d->depth--;
			return c;
		}
		json_decref(c);
		return dj_fail(d, d->p, object ? "',' or '}' expected" : "',' or ']' expected");
	}
	return dj_fail(d, open, "out of memory");
}

static json_t *dj_value(struct dj *d)
{
	dj_space(d);
	if (d->p >= d->end)
		return dj_fail(d, d->p, "unexpected end of input");
	switch (*d->p) {
	case '{':
		return dj_container(d, true);
	case '[':
		return dj_container(d, false);
	case '"': {
		const char *s;
		size_t n;
		if (!dj_string(d, &s, &n))
			return NULL;
		json_t *v = json_stringn_nocheck(s, n);
		return v ? v : dj_fail(d, d->p, "out of memory");
	}
	case 't':
		return dj_literal(d, "true", json_true());
	case 'f':
		return dj_literal(d, "false", json_false());
	case 'n':
		return dj_literal(d, "null", json_null());
	default:
		if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9'))
			return dj_number(d);
		return dj_fail(d, d->p, "invalid token");
	}
}

json_t *decode_json_loadb(const char *buf, size_t len, json_error_t *error)
{
	struct dj d = { .p = buf, .end = buf + len };
	json_t *v = dj_value(&d);
	if (v) {
		dj_space(&d);
		if (d.p != d.end) {
			json_decref(v);
			v = dj_fail(&d, d.p, "end of file expected");
		}
	}
	free(d.tmp);
	if (!v && error) {
		/* Lines and columns as json_loadb counts them: 1-based, bytes. */
		int line = 1, col = 0;
		for (const char *p = buf; p < d.err_at; p++) {
			col++;
			if (*p == '\n') {
				line++;
				col = 0;
			}
		}
		memset(error, 0, sizeof(*error));
		error->line = line;
		error->column = col + 1;
		error->position = (int)(d.err_at - buf);
		snprintf(error->text, sizeof(error->text), "%s", d.err);
		snprintf(error->source, sizeof(error->source), "<buffer>");
	}
	return v;
}
