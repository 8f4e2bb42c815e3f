/* core/symptom: see symptom.h.  Texts are small (a runbook's worth), so every query
 * simply re-tokenises them: no index to keep in step with the definitions. */
#include "core/symptom.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SY_MAX_TERMS = 32, SY_MAX_WORDS = 16, SY_WORD = 64 };

struct sy_term {
	char words[SY_MAX_WORDS][SY_WORD];
	size_t nwords;
	bool phrase;
};

struct sy_words {
	char (*w)[SY_WORD];
	size_t n, cap;
};

static bool sy_wordchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static char sy_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Calls back with each lowercase word of s[0..len), cut to SY_WORD-1 bytes. */
static void sy_split(const char *s, size_t len, void (*fn)(void *ud, const char *w), void *ud)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && !sy_wordchar((unsigned char)s[i]))
			i++;
		char w[SY_WORD];
		size_t n = 0;
		while (i < len && sy_wordchar((unsigned char)s[i])) {
			if (n + 1 < sizeof(w))
				w[n++] = sy_lower(s[i]);
			i++;
		}
		w[n] = '\0';
		if (n)
			fn(ud, w);
	}
}

static void sy_push_word(void *ud, const char *w)
{
	struct sy_words *ws = ud;
	ws->w = xgrow(ws->w, &ws->cap, ws->n + 1, sizeof(*ws->w));
	snprintf(ws->w[ws->n++], SY_WORD, "%s", w);
}

static void sy_term_word(void *ud, const char *w)
{
	struct sy_term *t = ud;
	if (t->nwords < SY_MAX_WORDS)
		snprintf(t->words[t->nwords++], SY_WORD, "%s", w);
}

static bool sy_stopword(const char *w)
{
	static const char *const stop[] = { "a", "an", "the", "in", "is", "of", "to", "and", "or", "it",
					    "on", "at", "for", "with", "be", "will", "are", "was", "i", "my",
					    "our", "we", "by", "as", "from", "this", "that", NULL };
	for (const char *const *s = stop; *s; s++)
		if (!strcmp(*s, w))
			return true;
	return false;
}

/* Splits the query into terms; -1 with err on an unterminated quote or no term. */
static int sy_parse(const char *q, struct sy_term *terms, size_t *nterms, char *err, size_t errcap)
{
	*nterms = 0;
	const char *p = q;
	while (*p) {
		if (*p == '"' || *p == '\'') {
			char quote = *p;
			const char *end = strchr(p + 1, quote);
			if (!end) {
				snprintf(err, errcap, "symptom: unterminated %s quote", quote == '"' ? "double" : "single");
				return -1;
			}
			if (*nterms < SY_MAX_TERMS) {
				struct sy_term *t = &terms[*nterms];
				memset(t, 0, sizeof(*t));
				t->phrase = true;
				sy_split(p + 1, (size_t)(end - p - 1), sy_term_word, t);
				if (t->nwords)
					(*nterms)++;
			}
			p = end + 1;
			continue;
		}
		const char *s = p;
		while (*p && *p != '"' && *p != '\'' && *p != ' ' && *p != '\t')
			p++;
		/* A bare token may hold several words ("HttpErrorResponse:" -> one, "0-1" -> two). */
		struct sy_term tmp;
		memset(&tmp, 0, sizeof(tmp));
		sy_split(s, (size_t)(p - s), sy_term_word, &tmp);
		for (size_t i = 0; i < tmp.nwords && *nterms < SY_MAX_TERMS; i++) {
			struct sy_term *t = &terms[(*nterms)++];
			memset(t, 0, sizeof(*t));
			snprintf(t->words[0], SY_WORD, "%s", tmp.words[i]);
			t->nwords = 1;
		}
		while (*p == ' ' || *p == '\t')
			p++;
	}
	/* Drop lone common words, unless that would leave nothing. */
	size_t keep = 0;
	for (size_t i = 0; i < *nterms; i++)
		keep += terms[i].phrase || !sy_stopword(terms[i].words[0]);
	if (keep && keep < *nterms) {
		size_t o = 0;
		for (size_t i = 0; i < *nterms; i++)
			if (terms[i].phrase || !sy_stopword(terms[i].words[0]))
				terms[o++] = terms[i];
		*nterms = o;
	}
	if (!*nterms) {
		snprintf(err, errcap, "symptom: give words or a \"quoted fragment\" of what users see");
		return -1;
	}
	return 0;
}

/* Points for term t in one text's words: 0 when absent. */
static int sy_term_score(const struct sy_term *t, const struct sy_words *ws)
{
	if (t->phrase) {
		for (size_t i = 0; i + t->nwords <= ws->n; i++) {
			size_t k = 0;
			while (k < t->nwords && !strcmp(ws->w[i + k], t->words[k]))
				k++;
			if (k == t->nwords)
				return 3 * (int)t->nwords;
		}
		return 0;
	}
	int best = 0;
	size_t len = strlen(t->words[0]);
	for (size_t i = 0; i < ws->n && best < 2; i++) {
		if (!strcmp(ws->w[i], t->words[0]))
			best = 2;
		else if (len >= 4 && !strncmp(ws->w[i], t->words[0], len))
			best = 1;
	}
	return best;
}

static int sy_hit_cmp(const void *a, const void *b)
{
	const struct symptom_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->unhealthy != y->unhealthy)
		return x->unhealthy ? -1 : 1;
	return x->service < y->service ? -1 : x->service > y->service;
}

long symptom_rank(const struct matrix *m, const char *query, const bool *unhealthy,
		  struct symptom_hit *out, size_t cap, char *err, size_t errcap)
{
	struct sy_term *terms = xcalloc(SY_MAX_TERMS, sizeof(*terms));
	size_t nterms;
	if (sy_parse(query ? query : "", terms, &nterms, err, errcap) < 0) {
		free(terms);
		return -1;
	}
	struct symptom_hit *hits = xcalloc(m->nservices ? m->nservices : 1, sizeof(*hits));
	size_t nhits = 0;
	struct sy_words ws = { 0 };
	for (size_t s = 0; s < m->nservices; s++) {
		const struct matrix_service *svc = &m->services[s];
		struct symptom_hit h = { .service = s, .unhealthy = unhealthy && unhealthy[s] };
		int best[SY_MAX_TERMS] = { 0 }, seen[SY_MAX_TERMS] = { 0 };
		for (size_t c = 0; c < svc->nsymptoms; c++) {
			ws.n = 0;
			const char *text = svc->symptoms[c].text;
			sy_split(text, strlen(text), sy_push_word, &ws);
			for (size_t t = 0; t < nterms; t++) {
				int sc = sy_term_score(&terms[t], &ws);
				if (!sc)
					continue;
				h.channels |= 1u << (c < 31 ? c : 31);
				seen[t]++;
				if (sc > best[t])
					best[t] = sc;
			}
		}
		for (size_t t = 0; t < nterms; t++)
			if (best[t])
				h.score += best[t] + seen[t] - 1;
		if (h.score > 0)
			hits[nhits++] = h;
	}
	free(ws.w);
	free(terms);
	qsort(hits, nhits, sizeof(*hits), sy_hit_cmp);
	for (size_t i = 0; i < nhits && i < cap; i++)
		out[i] = hits[i];
	free(hits);
	return (long)nhits;
}
