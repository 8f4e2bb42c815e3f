/* sim/selector: label and field selectors; see selector.h for the contract.
 *
 * Label selectors follow the API server's grammar (k8s.io/apimachinery labels.Parse):
 * requirements separated by commas, each `key`, `!key`, `key=v`, `key==v`, `key!=v`,
 * `key in (v,...)`, `key notin (v,...)`, `key > N`, `key < N`.  Keys and values are
 * validated as label keys and values, because a server that accepted "a b" would teach
 * the client the wrong thing.  Field selectors are the simpler `field=v` grammar with
 * backslash escapes, limited to the fields each resource supports.
 */
#include "sim/selector.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum sel_op { SEL_EQ, SEL_NE, SEL_IN, SEL_NOTIN, SEL_EXISTS, SEL_NOTEXISTS, SEL_GT, SEL_LT };

struct sel_req {
	char *key;
	enum sel_op op;
	char **values;
	size_t nvalues;
};

struct sim_labelsel {
	struct sel_req *reqs;
	size_t n, cap;
};

struct field_req {
	char *field;
	char *value;
	bool negate;
};

struct sim_fieldsel {
	enum sim_res res;
	struct field_req *reqs;
	size_t n, cap;
};

static void sel_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sel_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- lexer ---------------------------------------------------------------------------- */

enum tok_kind { TOK_END, TOK_ID, TOK_COMMA, TOK_LPAREN, TOK_RPAREN, TOK_BANG, TOK_EQ,
		TOK_DEQ, TOK_NE, TOK_IN, TOK_NOTIN, TOK_GT, TOK_LT };

struct lexer {
	const char *s;
	size_t pos;
	enum tok_kind kind;
	char text[320];  /* the token's text, truncated: only used for values and messages */
	bool truncated;
};

static bool sel_is_special(char c)
{
	return c == ',' || c == '(' || c == ')' || c == '!' || c == '=' || c == '<' || c == '>';
}

/* Reads the next token into lx->kind/lx->text. */
static void sel_lex(struct lexer *lx)
{
	const char *s = lx->s;
	while (s[lx->pos] && isspace((unsigned char)s[lx->pos]))
		lx->pos++;
	lx->truncated = false;
	char c = s[lx->pos];
	if (!c) {
		lx->kind = TOK_END;
		snprintf(lx->text, sizeof(lx->text), "end of string");
		return;
	}
	if (c == ',' || c == '(' || c == ')') {
		lx->kind = c == ',' ? TOK_COMMA : c == '(' ? TOK_LPAREN : TOK_RPAREN;
		snprintf(lx->text, sizeof(lx->text), "%c", c);
		lx->pos++;
		return;
	}
	if (c == '!' && s[lx->pos + 1] == '=') {
		lx->kind = TOK_NE;
		snprintf(lx->text, sizeof(lx->text), "!=");
		lx->pos += 2;
		return;
	}
	if (c == '!') {
		lx->kind = TOK_BANG;
		snprintf(lx->text, sizeof(lx->text), "!");
		lx->pos++;
		return;
	}
	if (c == '=') {
		bool dbl = s[lx->pos + 1] == '=';
		lx->kind = dbl ? TOK_DEQ : TOK_EQ;
		snprintf(lx->text, sizeof(lx->text), dbl ? "==" : "=");
		lx->pos += dbl ? 2 : 1;
		return;
	}
	if (c == '<' || c == '>') {
		/* "key > 3", "key < 3": numeric comparisons of the label's value. */
		snprintf(lx->text, sizeof(lx->text), "%c", c);
		lx->pos++;
		lx->kind = c == '<' ? TOK_LT : TOK_GT;
		return;
	}
	size_t start = lx->pos;
	while (s[lx->pos] && !isspace((unsigned char)s[lx->pos]) && !sel_is_special(s[lx->pos]))
		lx->pos++;
	size_t n = lx->pos - start;
	if (n >= sizeof(lx->text)) {
		n = sizeof(lx->text) - 1;
		lx->truncated = true;
	}
	memcpy(lx->text, s + start, n);
	lx->text[n] = '\0';
	if (!strcmp(lx->text, "in"))
		lx->kind = TOK_IN;
	else if (!strcmp(lx->text, "notin"))
		lx->kind = TOK_NOTIN;
	else
		lx->kind = TOK_ID;
}

/* ---- validation ----------------------------------------------------------------------- */

/* A DNS-1123 subdomain (the optional key prefix): lower-case alphanumerics, '-' and '.',
 * starting and ending alphanumeric, at most 253 characters. */
static bool sel_valid_prefix(const char *p, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && c != '-' && c != '.')
			return false;
		if ((i == 0 || i == n - 1) && !alnum)
			return false;
	}
	return true;
}

/* A qualified name part or a label value: alphanumerics, '-', '_', '.', starting and
 * ending alphanumeric, at most 63 characters.  allow_empty: values may be "". */
static bool sel_valid_name(const char *p, size_t n, bool allow_empty)
{
	if (n == 0)
		return allow_empty;
	if (n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		bool alnum = isalnum(c) != 0;
		if (!alnum && c != '-' && c != '_' && c != '.')
			return false;
		if ((i == 0 || i == n - 1) && !alnum)
			return false;
	}
	return true;
}

static bool sel_valid_key(const char *k)
{
	const char *slash = strchr(k, '/');
	if (!slash)
		return sel_valid_name(k, strlen(k), false);
	if (strchr(slash + 1, '/'))
		return false;
	return sel_valid_prefix(k, (size_t)(slash - k)) &&
	       sel_valid_name(slash + 1, strlen(slash + 1), false);
}

/* ---- label selector ------------------------------------------------------------------- */

static void sel_req_free(struct sel_req *r)
{
	free(r->key);
	for (size_t i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
}

void sim_labelsel_free(struct sim_labelsel *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n; i++)
		sel_req_free(&sel->reqs[i]);
	free(sel->reqs);
	free(sel);
}

static void sel_req_add_value(struct sel_req *r, const char *v)
{
	r->values = xrealloc(r->values, (r->nvalues + 1) * sizeof(*r->values));
	r->values[r->nvalues++] = xstrdup(v);
}

static bool sel_check_value(const struct lexer *lx, const char *v, char *err, size_t errlen)
{
	if (lx->truncated || !sel_valid_name(v, strlen(v), true)) {
		sel_set_err(err, errlen,
			    "unable to parse requirement: invalid label value: \"%s\": a valid label "
			    "value must be 63 characters or less, empty or begin and end with an "
			    "alphanumeric character, with '-', '_' or '.' between",
			    v);
		return false;
	}
	return true;
}

/* Parses "(v1, v2)" after in/notin; the lexer sits on the token after the keyword. */
static bool sel_parse_set(struct lexer *lx, struct sel_req *r, char *err, size_t errlen)
{
	if (lx->kind != TOK_LPAREN) {
		sel_set_err(err, errlen, "unable to parse requirement: found '%s', expected: '('",
			    lx->text);
		return false;
	}
	sel_lex(lx);
	for (;;) {
		if (lx->kind == TOK_RPAREN) {
			/* "in ()" and a trailing comma both mean an empty value. */
			if (r->nvalues == 0)
				sel_req_add_value(r, "");
			sel_lex(lx);
			return true;
		}
		if (lx->kind == TOK_COMMA) {
			sel_req_add_value(r, "");
			sel_lex(lx);
			continue;
		}
		if (lx->kind != TOK_ID && lx->kind != TOK_IN && lx->kind != TOK_NOTIN) {
			sel_set_err(err, errlen,
				    "unable to parse requirement: found '%s', expected: ',', ')' or "
				    "identifier",
				    lx->text);
			return false;
		}
		if (!sel_check_value(lx, lx->text, err, errlen))
			return false;
		sel_req_add_value(r, lx->text);
		sel_lex(lx);
		if (lx->kind == TOK_COMMA) {
			sel_lex(lx);
			if (lx->kind == TOK_RPAREN)
				sel_req_add_value(r, "");
			continue;
		}
		if (lx->kind != TOK_RPAREN) {
			sel_set_err(err, errlen,
				    "unable to parse requirement: found '%s', expected: ',' or ')'",
				    lx->text);
			return false;
		}
	}
}

/* Parses one requirement starting at the current token. */
static bool sel_parse_req(struct lexer *lx, struct sel_req *r, char *err, size_t errlen)
{
	bool bang = false;
	if (lx->kind == TOK_BANG) {
		bang = true;
		sel_lex(lx);
	}
	if (lx->kind != TOK_ID) {
		sel_set_err(err, errlen, "unable to parse requirement: found '%s', expected: %s",
			    lx->text, bang ? "identifier after '!'" : "identifier");
		return false;
	}
	if (lx->truncated || !sel_valid_key(lx->text)) {
		sel_set_err(err, errlen,
			    "unable to parse requirement: invalid label key \"%s\": name part must "
			    "consist of alphanumeric characters, '-', '_' or '.', and must start and "
			    "end with an alphanumeric character (optional DNS prefix before '/')",
			    lx->text);
		return false;
	}
	r->key = xstrdup(lx->text);
	sel_lex(lx);
	if (bang) {
		r->op = SEL_NOTEXISTS;
		return true;
	}
	switch (lx->kind) {
	case TOK_END:
	case TOK_COMMA:
		r->op = SEL_EXISTS;
		return true;
	case TOK_IN:
	case TOK_NOTIN:
		r->op = lx->kind == TOK_IN ? SEL_IN : SEL_NOTIN;
		sel_lex(lx);
		return sel_parse_set(lx, r, err, errlen);
	case TOK_EQ:
	case TOK_DEQ:
	case TOK_NE:
	case TOK_GT:
	case TOK_LT:
		break;
	default:
		sel_set_err(err, errlen,
			    "unable to parse requirement: found '%s', expected: in, notin, =, ==, !=, "
			    ">, <",
			    lx->text);
		return false;
	}
	enum tok_kind opk = lx->kind;
	r->op = opk == TOK_NE ? SEL_NE : opk == TOK_GT ? SEL_GT : opk == TOK_LT ? SEL_LT : SEL_EQ;
	sel_lex(lx);
	const char *v = "";
	if (lx->kind == TOK_ID || lx->kind == TOK_IN || lx->kind == TOK_NOTIN)
		v = lx->text;
	else if (lx->kind != TOK_END && lx->kind != TOK_COMMA) {
		sel_set_err(err, errlen,
			    "unable to parse requirement: found '%s', expected: identifier", lx->text);
		return false;
	}
	if (r->op == SEL_GT || r->op == SEL_LT) {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		(void)n;
		if (!*v || *end || errno) {
			sel_set_err(err, errlen,
				    "unable to parse requirement: for '>', '<' operators, exactly one "
				    "integer value is required, got \"%s\"",
				    v);
			return false;
		}
	} else if (!sel_check_value(lx, v, err, errlen)) {
		return false;
	}
	sel_req_add_value(r, v);
	if (*v)
		sel_lex(lx);
	return true;
}

struct sim_labelsel *sim_labelsel_parse(const char *s, char *err, size_t errlen)
{
	struct sim_labelsel *sel = xcalloc(1, sizeof(*sel));
	if (!s)
		return sel;
	struct lexer lx = {.s = s};
	sel_lex(&lx);
	if (lx.kind == TOK_END)
		return sel;
	for (;;) {
		sel->reqs = xgrow(sel->reqs, &sel->cap, sel->n + 1, sizeof(*sel->reqs));
		struct sel_req *r = &sel->reqs[sel->n];
		memset(r, 0, sizeof(*r));
		if (!sel_parse_req(&lx, r, err, errlen)) {
			sel_req_free(r);
			sim_labelsel_free(sel);
			return NULL;
		}
		sel->n++;
		if (lx.kind == TOK_END)
			return sel;
		if (lx.kind != TOK_COMMA) {
			sel_set_err(err, errlen,
				    "unable to parse requirement: found '%s', expected: ',' or 'end of "
				    "string'",
				    lx.text);
			sim_labelsel_free(sel);
			return NULL;
		}
		sel_lex(&lx);
	}
}

static bool sel_req_has(const struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (!strcmp(r->values[i], v))
			return true;
	return false;
}

static bool sel_req_match(const struct sel_req *r, const json_t *labels)
{
	json_t *jv = json_is_object(labels) ? json_object_get(labels, r->key) : NULL;
	const char *v = json_is_string(jv) ? json_string_value(jv) : NULL;
	switch (r->op) {
	case SEL_EXISTS:
		return v != NULL;
	case SEL_NOTEXISTS:
		return v == NULL;
	case SEL_EQ:
	case SEL_IN:
		return v && sel_req_has(r, v);
	case SEL_NE:
	case SEL_NOTIN:
		return !v || !sel_req_has(r, v);
	case SEL_GT:
	case SEL_LT: {
		if (!v)
			return false;
		char *end;
		errno = 0;
		long long have = strtoll(v, &end, 10);
		if (!*v || *end || errno)
			return false;
		long long want = strtoll(r->values[0], NULL, 10);
		return r->op == SEL_GT ? have > want : have < want;
	}
	}
	return false;
}

bool sim_labelsel_match(const struct sim_labelsel *sel, const json_t *labels)
{
	if (!sel)
		return true;
	for (size_t i = 0; i < sel->n; i++)
		if (!sel_req_match(&sel->reqs[i], labels))
			return false;
	return true;
}

/* ---- field selector ------------------------------------------------------------------- */

static const char *const field_common[] = {"metadata.name", "metadata.namespace", NULL};
static const char *const field_pods[] = {
	"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
	"status.phase", "status.podIP", "status.nominatedNodeName", NULL};
static const char *const field_events[] = {
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
	"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
	"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NULL};
static const char *const field_nodes[] = {"spec.unschedulable", NULL};
static const char *const field_namespaces[] = {"status.phase", NULL};

static bool field_in(const char *const *list, const char *f)
{
	for (; *list; list++)
		if (!strcmp(*list, f))
			return true;
	return false;
}

static bool field_supported(enum sim_res res, const char *f)
{
	if (field_in(field_common, f))
		return true;
	switch (res) {
	case SIM_PODS:
		return field_in(field_pods, f);
	case SIM_EVENTS:
		return field_in(field_events, f);
	case SIM_NODES:
		return field_in(field_nodes, f);
	case SIM_NAMESPACES:
		return field_in(field_namespaces, f);
	default:
		return false;
	}
}

void sim_fieldsel_free(struct sim_fieldsel *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->reqs[i].field);
		free(sel->reqs[i].value);
	}
	free(sel->reqs);
	free(sel);
}

/* Splits `s` at unescaped commas; returns the end of the term (',' or '\0'). */
static const char *field_term_end(const char *s)
{
	for (; *s && *s != ','; s++)
		if (*s == '\\' && s[1])
			s++;
	return s;
}

/* Copies [p, p+n) removing backslash escapes (the API server's fields.UnescapeValue). */
static char *field_unescape(const char *p, size_t n, bool *ok)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	*ok = true;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\') {
			if (i + 1 >= n || (p[i + 1] != '\\' && p[i + 1] != ',' && p[i + 1] != '=')) {
				*ok = false;
				break;
			}
			i++;
		}
		out[o++] = p[i];
	}
	out[o] = '\0';
	return out;
}

/* Trims blanks around [*p, *p+*n). */
static void field_trim(const char **p, size_t *n)
{
	while (*n && isspace((unsigned char)**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

static bool field_parse_term(struct sim_fieldsel *sel, const struct sim_resource_info *r,
			     const char *t, size_t tn, char *err, size_t errlen)
{
	/* Find the first unescaped operator: "!=", "==" or "=". */
	size_t i = 0, oplen = 0;
	bool negate = false;
	for (; i < tn; i++) {
		if (t[i] == '\\') {
			i++;
			continue;
		}
		if (t[i] == '!' && i + 1 < tn && t[i + 1] == '=') {
			negate = true;
			oplen = 2;
			break;
		}
		if (t[i] == '=') {
			oplen = i + 1 < tn && t[i + 1] == '=' ? 2 : 1;
			break;
		}
	}
	if (!oplen) {
		sel_set_err(err, errlen, "invalid selector: '%.*s'; can't understand '%.*s'", (int)tn,
			    t, (int)tn, t);
		return false;
	}
	const char *k = t;
	size_t kn = i;
	field_trim(&k, &kn);
	const char *v = t + i + oplen;
	size_t vn = tn - i - oplen;
	field_trim(&v, &vn);
	if (!kn) {
		sel_set_err(err, errlen, "invalid selector: '%.*s'; field name is empty", (int)tn, t);
		return false;
	}
	char *field = xstrndup(k, kn);
	if (!field_supported(r ? r->id : SIM_RES_COUNT, field)) {
		sel_set_err(err, errlen, "field label not supported: %s", field);
		free(field);
		return false;
	}
	bool ok;
	char *value = field_unescape(v, vn, &ok);
	if (!ok) {
		sel_set_err(err, errlen, "invalid selector: '%.*s'; invalid escape sequence in '%.*s'",
			    (int)tn, t, (int)vn, v);
		free(field);
		free(value);
		return false;
	}
	sel->reqs = xgrow(sel->reqs, &sel->cap, sel->n + 1, sizeof(*sel->reqs));
	sel->reqs[sel->n++] = (struct field_req){field, value, negate};
	return true;
}

struct sim_fieldsel *sim_fieldsel_parse(const struct sim_resource_info *r, const char *s,
					char *err, size_t errlen)
{
	struct sim_fieldsel *sel = xcalloc(1, sizeof(*sel));
	sel->res = r ? r->id : SIM_RES_COUNT;
	if (!s)
		return sel;
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return sel;
	for (;;) {
		const char *end = field_term_end(p);
		size_t n = (size_t)(end - p);
		const char *t = p;
		field_trim(&t, &n);
		if (n && !field_parse_term(sel, r, t, n, err, errlen)) {
			sim_fieldsel_free(sel);
			return NULL;
		}
		if (!*end)
			return sel;
		p = end + 1;
	}
}

/* The string the API server compares for `field` of obj (see field sets in selector.h). */
static char *field_value(enum sim_res res, const json_t *obj, const char *field)
{
	if (res == SIM_EVENTS && !strcmp(field, "source"))
		field = "source.component";
	if (res == SIM_NODES && !strcmp(field, "spec.unschedulable")) {
		json_t *spec = json_object_get(obj, "spec");
		return xstrdup(json_is_true(json_object_get(spec, "unschedulable")) ? "true"
										    : "false");
	}
	const json_t *cur = obj;
	const char *p = field;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[64];
		if (n >= sizeof(key))
			return xstrdup("");
		memcpy(key, p, n);
		key[n] = '\0';
		cur = json_is_object(cur) ? json_object_get(cur, key) : NULL;
		p = dot ? dot + 1 : p + n;
	}
	if (json_is_string(cur))
		return xstrdup(json_string_value(cur));
	if (json_is_integer(cur))
		return xasprintf("%lld", (long long)json_integer_value(cur));
	if (json_is_boolean(cur))
		return xstrdup(json_is_true(cur) ? "true" : "false");
	return xstrdup("");
}

bool sim_fieldsel_match(const struct sim_fieldsel *sel, const json_t *obj)
{
	if (!sel)
		return true;
	for (size_t i = 0; i < sel->n; i++) {
		const struct field_req *q = &sel->reqs[i];
		char *have = field_value(sel->res, obj, q->field);
		bool eq = !strcmp(have, q->value);
		free(have);
		if (eq == q->negate)
			return false;
	}
	return true;
}
