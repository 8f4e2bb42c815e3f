/* panels/pane_cache: the row cache of panels/pane (see pane_int.h and pane.h). */
#include "panels/pane_int.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Open addressing with linear probing, keyed by stamp, at most half full.  The stamp and
 * generation sit in the slot itself: probing and sweeping 10,000 rows touch no entry. */
struct pane_slot {
	unsigned long stamp;
	unsigned gen;
	struct pane_cached *e;   /* NULL: the slot is free */
};

struct pane_cache {
	struct pane_slot *slots;
	size_t cap, n;
	unsigned gen;
};

double pane_age_seconds(const char *s)
{
	double total = 0;
	bool any = false;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return -1;
		double v = 0;
		while (isdigit((unsigned char)*s))
			v = v * 10 + (*s++ - '0');
		double unit;
		switch (*s++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'y': unit = 365 * 86400.0; break;
		default: return -1;
		}
		total += v * unit;
		any = true;
	}
	return any ? total : -1;
}

void pane_row_expires(struct pane_row *row, time_t t)
{
	if (t > 0 && (row->stale_at == 0 || t < row->stale_at))
		row->stale_at = t;
}

/* Packs the sanitised cells of raw: cells first, then the lower-case haystack. */
static void pane_cached_fill(struct pane_cached *e, const struct pane *p, const struct pane_row *raw,
			     time_t now)
{
	size_t ncols = p->ops->ncolumns;
	char safe[PANE_MAX_COLS][PANE_CELL];
	size_t len[PANE_MAX_COLS], total = 1;
	/* Cells hold names and reasons from the server: this is where they are made safe. */
	for (size_t c = 0; c < ncols; c++) {
		text_sanitize(raw->cell[c], strnlen(raw->cell[c], PANE_CELL), safe[c], sizeof(safe[c]));
		len[c] = strlen(safe[c]);
		total += 2 * (len[c] + 1);
	}
	free(e->text);
	e->text = xmalloc(total);
	size_t at = 0;
	for (size_t c = 0; c < ncols; c++) {
		e->off[c] = (unsigned short)at;
		memcpy(e->text + at, safe[c], len[c] + 1);
		at += len[c] + 1;
		size_t w = text_width(safe[c]);
		e->width[c] = (unsigned char)(w > PANE_IDEAL_MAX ? PANE_IDEAL_MAX : w);
	}
	e->hay = (unsigned short)at;
	for (size_t c = 0; c < ncols; c++) {
		/* ASCII only, as the filter has always compared: UTF-8 bytes pass unchanged. */
		for (size_t k = 0; k < len[c]; k++) {
			char ch = safe[c][k];
			e->text[at++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
		}
		if (c + 1 < ncols)
			e->text[at++] = PANE_HAY_SEP;
	}
	e->text[at] = '\0';
	e->sev = raw->sev;
	e->hl = raw->hl;
	e->from = now;
	e->stale_at = raw->stale_at;
	e->key_col = -1;
}

static void pane_cached_format(struct pane_cached *e, const struct pane *p, const struct model *m,
			       const void *row, time_t now)
{
	struct pane_row raw;
	memset(&raw, 0, sizeof(raw));
	p->ops->format(p, m, row, now, &raw);
	pane_cached_fill(e, p, &raw, now);
}

struct pane_cached *pane_cached_new(const struct pane *p, const struct model *m, const void *row,
				    time_t now)
{
	struct pane_cached *e = xcalloc(1, sizeof(*e));
	e->stamp = p->ops->stamp ? p->ops->stamp(row) : 0;
	pane_cached_format(e, p, m, row, now);
	return e;
}

void pane_cached_free(struct pane_cached *e)
{
	if (!e)
		return;
	free(e->text);
	free(e);
}

bool pane_cached_fresh(const struct pane_cached *e, time_t now)
{
	return e->from <= now && (e->stale_at == 0 || now < e->stale_at);
}

const char *pane_cached_cell(const struct pane_cached *e, size_t c)
{
	return e->text + e->off[c];
}

const struct pane_sort_key *pane_cached_key(struct pane_cached *e, size_t c)
{
	if (e->key_col != (int)c) {
		const char *s = pane_cached_cell(e, c);
		e->key.age = pane_age_seconds(s);
		e->key.isnum = isdigit((unsigned char)s[0]) != 0;
		e->key.num = e->key.isnum ? strtod(s, NULL) : 0;
		e->key_col = (int)c;
	}
	return &e->key;
}

int pane_cached_compare(struct pane_cached *a, struct pane_cached *b, size_t c)
{
	const struct pane_sort_key *ka = pane_cached_key(a, c), *kb = pane_cached_key(b, c);
	if (ka->age >= 0 && kb->age >= 0)
		return ka->age < kb->age ? -1 : ka->age > kb->age;
	if (ka->isnum && kb->isnum && ka->num != kb->num)
		return ka->num < kb->num ? -1 : 1;
	return strcasecmp(pane_cached_cell(a, c), pane_cached_cell(b, c));
}

/* ---- the table ---- */

static size_t pane_cache_home(const struct pane_cache *c, unsigned long stamp)
{
	/* Fibonacci hashing: stamps are consecutive integers, spread them over the table. */
	return (size_t)(((uint64_t)stamp * 0x9E3779B97F4A7C15ULL) >> 32) & (c->cap - 1);
}

static struct pane_slot *pane_cache_slot(const struct pane_cache *c, unsigned long stamp)
{
	for (size_t i = pane_cache_home(c, stamp);; i = (i + 1) & (c->cap - 1))
		if (!c->slots[i].e || c->slots[i].stamp == stamp)
			return &c->slots[i];
}

static void pane_cache_grow(struct pane_cache *c)
{
	struct pane_slot *old = c->slots;
	size_t oldcap = c->cap;
	c->cap = c->cap ? c->cap * 2 : 64;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].e)
			*pane_cache_slot(c, old[i].stamp) = old[i];
	free(old);
}

unsigned pane_cache_next_gen(struct pane *p)
{
	if (!p->cache)
		p->cache = xcalloc(1, sizeof(struct pane_cache));
	struct pane_cache *c = p->cache;
	return ++c->gen;
}

struct pane_cached *pane_cache_peek(const struct pane *p, const void *row)
{
	const struct pane_cache *c = p->cache;
	if (!c || !c->cap || !p->ops->stamp)
		return NULL;
	return pane_cache_slot(c, p->ops->stamp(row))->e;
}

struct pane_cached *pane_cache_get(struct pane *p, const struct model *m, const void *row, time_t now,
				   unsigned gen)
{
	struct pane_cache *c = p->cache;
	unsigned long stamp = p->ops->stamp(row);
	if ((c->n + 1) * 2 > c->cap)
		pane_cache_grow(c);
	struct pane_slot *slot = pane_cache_slot(c, stamp);
	struct pane_cached *e = slot->e;
	if (!e) {
		/* A new object or a new version of one: let the pane see the change first. */
		if (p->ops->observe)
			p->ops->observe(p, row);
		e = xcalloc(1, sizeof(*e));
		e->stamp = stamp;
		pane_cached_format(e, p, m, row, now);
		*slot = (struct pane_slot){ .stamp = stamp, .e = e };
		c->n++;
	} else if (!pane_cached_fresh(e, now)) {
		pane_cached_format(e, p, m, row, now);
	}
	slot->gen = gen;
	return e;
}

void pane_cache_sweep(struct pane *p, unsigned gen, size_t live)
{
	struct pane_cache *c = p->cache;
	if (!c || c->n <= live)
		return;
	size_t mask = c->cap - 1;
	for (size_t i = 0; i < c->cap;) {
		struct pane_slot *s = &c->slots[i];
		if (!s->e || s->gen == gen) {
			i++;
			continue;
		}
		pane_cached_free(s->e);
		s->e = NULL;
		c->n--;
		/* Backward shift: entries after the hole that probed past it move into it, so
		 * every entry stays reachable from its home without tombstones.  Slot i is
		 * looked at again: it may hold a moved entry now. */
		size_t hole = i;
		for (size_t j = (hole + 1) & mask; c->slots[j].e; j = (j + 1) & mask) {
			size_t home = pane_cache_home(c, c->slots[j].stamp);
			if (((j - home) & mask) >= ((j - hole) & mask)) {
				c->slots[hole] = c->slots[j];
				c->slots[j].e = NULL;
				hole = j;
			}
		}
	}
}

void pane_cache_free(struct pane *p)
{
	struct pane_cache *c = p->cache;
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		pane_cached_free(c->slots[i].e);
	free(c->slots);
	free(c);
	p->cache = NULL;
}
