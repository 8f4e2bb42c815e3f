/* panels/pane: see pane.h. */
#include "panels/pane.h"

#include "core/xalloc.h"
#include "panels/pane_int.h"
#include "tui/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void pane_views_free(struct pane *p);

void pane_init(struct pane *p, const struct pane_ops *ops)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->sort_col = -1;
}

void pane_free(struct pane *p)
{
	free(p->rows);
	p->rows = NULL;
	p->nrows = p->caprows = 0;
	if (p->re_valid)
		regfree(&p->re);
	p->re_valid = false;
	pane_views_free(p);
	pane_cache_free(p);
	if (p->ops && p->ops->destroy)
		p->ops->destroy(p);
	p->priv = NULL;
}

void pane_push(struct pane *p, const void *row)
{
	p->rows = xgrow(p->rows, &p->caprows, p->nrows + 1, sizeof(*p->rows));
	p->rows[p->nrows++] = row;
}

void pane_push_worst_first(struct pane *p, const struct model *m, size_t n,
			   const void *(*get)(const struct model *m, size_t i, enum model_severity *sev))
{
	if (!n)
		return;
	/* Bad rows go straight to the view; warnings fill `later` from the front and healthy
	 * rows from the back, so both keep their order when copied after. */
	const void **later = xcalloc(n, sizeof(*later));
	size_t nwarn = 0, nok = 0;
	p->rows = xgrow(p->rows, &p->caprows, p->nrows + n, sizeof(*p->rows));
	for (size_t i = 0; i < n; i++) {
		enum model_severity sev;
		const void *row = get(m, i, &sev);
		if (sev == SEV_BAD)
			p->rows[p->nrows++] = row;
		else if (sev == SEV_WARN)
			later[nwarn++] = row;
		else
			later[n - ++nok] = row;
	}
	for (size_t i = 0; i < nwarn; i++)
		p->rows[p->nrows++] = later[i];
	for (size_t i = 0; i < nok; i++)
		p->rows[p->nrows++] = later[n - 1 - i];
	free(later);
}

void pane_set_filter(struct pane *p, const char *filter)
{
	snprintf(p->filter, sizeof(p->filter), "%s", filter ? filter : "");
	p->filter_changed = true;
	p->filter_error[0] = '\0';
	if (p->re_valid)
		regfree(&p->re);
	p->re_valid = false;
	if (p->filter[0] != '~' || !p->filter[1])
		return;
	int rc = regcomp(&p->re, p->filter + 1, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		char why[100];
		regerror(rc, &p->re, why, sizeof(why));
		snprintf(p->filter_error, sizeof(p->filter_error), "filter: invalid regex '%.60s': %.90s",
			 p->filter + 1, why);
		return;
	}
	p->re_valid = true;
}

int pane_set_sort(struct pane *p, const char *column, char *err, size_t cap)
{
	if (!column[0] || strcasecmp(column, "default") == 0) {
		p->sort_col = -1;
		p->filter_changed = true;
		return 0;
	}
	for (size_t c = 0; c < p->ops->ncolumns; c++) {
		if (strcasecmp(p->ops->columns[c].title, column) == 0) {
			p->sort_col = (int)c;
			p->filter_changed = true;
			return 0;
		}
	}
	size_t len = (size_t)snprintf(err, cap, "sort: %s has no column '%.40s' (", p->ops->name, column);
	for (size_t c = 0; c < p->ops->ncolumns && len < cap; c++)
		len += (size_t)snprintf(err + len, cap - len, "%s, ", p->ops->columns[c].title);
	if (len < cap)
		snprintf(err + len, cap - len, "default)");
	return -1;
}

void pane_sort_next(struct pane *p)
{
	p->sort_col = p->sort_col + 1 >= (int)p->ops->ncolumns ? -1 : p->sort_col + 1;
	p->filter_changed = true;
}

const char *pane_sort_name(const struct pane *p)
{
	return p->sort_col >= 0 && (size_t)p->sort_col < p->ops->ncolumns ? p->ops->columns[p->sort_col].title
									     : "default";
}

int pane_cell_compare(const char *a, const char *b)
{
	double aa = pane_age_seconds(a), ab = pane_age_seconds(b);
	if (aa >= 0 && ab >= 0)
		return aa < ab ? -1 : aa > ab;
	if (isdigit((unsigned char)a[0]) && isdigit((unsigned char)b[0])) {
		double na = strtod(a, NULL), nb = strtod(b, NULL);
		if (na != nb)
			return na < nb ? -1 : 1;
	}
	return strcasecmp(a, b);
}

struct pane_sort_item {
	const void *row;
	struct pane_cached *e;
	size_t order;
	size_t col;
};

static int pane_sort_cmp(const void *x, const void *y)
{
	const struct pane_sort_item *a = x, *b = y;
	int c = pane_cached_compare(a->e, b->e, a->col);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Copies a cached row out, as format + sanitise would have made it. */
static void pane_cached_copy(const struct pane *p, const struct pane_cached *e, struct pane_row *out)
{
	for (size_t c = 0; c < p->ops->ncolumns; c++) {
		const char *s = pane_cached_cell(e, c);
		size_t n = strnlen(s, PANE_CELL - 1);
		memcpy(out->cell[c], s, n);
		out->cell[c][n] = '\0';
	}
	out->sev = e->sev;
	out->hl = e->hl;
	out->stale_at = e->stale_at;
}

void pane_row_fill(const struct pane *p, const struct model *m, size_t i, time_t now,
		   struct pane_row *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= p->nrows)
		return;
	const struct pane_cached *e = pane_cache_peek(p, p->rows[i]);
	struct pane_cached *fresh = NULL;
	/* Drawn later than the rebuild, an age may have ticked over: format that row again. */
	if (!e || !pane_cached_fresh(e, now))
		e = fresh = pane_cached_new(p, m, p->rows[i], now);
	pane_cached_copy(p, e, out);
	pane_cached_free(fresh);
}

static bool pane_row_matches(const struct pane *p, const struct pane_cached *e, const char *needle)
{
	if (p->filter[0] == '~') {
		if (!p->re_valid)
			return true; /* invalid or empty regex: filter_error says so, nothing hidden */
		for (size_t c = 0; c < p->ops->ncolumns; c++)
			if (regexec(&p->re, pane_cached_cell(e, c), 0, NULL, 0) == 0)
				return true;
		return false;
	}
	/* Case-insensitive (ASCII) substring of one cell: the needle is lower-cased once and
	 * looked for in the cached haystack, whose separators no needle can match
	 * (pane_sync rejects needles with control characters: no cell has one). */
	return strstr(e->text + e->hay, needle) != NULL;
}

/* The version of what the pane reads.  Each kind's counter only grows, so their sum moves
 * whenever one of them does. */
static unsigned long pane_dep_version(const struct pane *p, const struct model *m)
{
	unsigned d = p->ops->deps;
	if (!d)
		return m->version;
	return ((d & PANE_DEP_PODS) ? m->pods_version : 0) + ((d & PANE_DEP_NODES) ? m->nodes_version : 0) +
	       ((d & PANE_DEP_WORKLOADS) ? m->workloads_version : 0) +
	       ((d & PANE_DEP_EVENTS) ? m->events_version : 0) +
	       ((d & PANE_DEP_NAMESPACES) ? m->namespaces_version : 0);
}

/* Orders rows[0..n) and their entries e[] by the sort column, ties in view order. */
static void pane_sort_rows(struct pane *p, struct pane_cached **e, size_t n)
{
	size_t col = (size_t)p->sort_col;
	struct pane_sort_item *items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		items[i] = (struct pane_sort_item){ .row = p->rows[i], .e = e[i], .order = i, .col = col };
		pane_cached_key(e[i], col); /* parsed once here, not in every comparison */
	}
	qsort(items, n, sizeof(*items), pane_sort_cmp);
	for (size_t i = 0; i < n; i++) {
		p->rows[i] = items[i].row;
		e[i] = items[i].e;
	}
	free(items);
}

/* Selects the object known as selkey when it is still shown (looked for first where it
 * was), else keeps the position. */
static void pane_reselect(struct pane *p, const char *selkey)
{
	size_t sel = p->sel < p->nrows ? p->sel : (p->nrows ? p->nrows - 1 : 0);
	if (selkey[0]) {
		char k[sizeof(p->selkey)];
		if (sel < p->nrows)
			p->ops->key(p->rows[sel], k, sizeof(k));
		for (size_t i = 0; sel < p->nrows && strcmp(k, selkey) != 0 && i < p->nrows; i++) {
			p->ops->key(p->rows[i], k, sizeof(k));
			if (strcmp(k, selkey) == 0)
				sel = i;
		}
	}
	p->sel = sel;
	p->selkey_valid = p->sel < p->nrows;
	if (p->selkey_valid)
		p->ops->key(p->rows[p->sel], p->selkey, sizeof(p->selkey));
}

/* The substring filter's needle, lower-cased (ASCII) as the cached haystacks are; *control
 * when it holds a control character, which no sanitised cell has: nothing matches. */
static void pane_needle(const char *filter, char *needle, size_t cap, bool *control)
{
	size_t nlen = 0;
	*control = false;
	for (; nlen + 1 < cap && filter[nlen]; nlen++) {
		char ch = filter[nlen];
		needle[nlen] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
		*control |= (unsigned char)ch < 0x20 && filter[0] != '~';
	}
	needle[nlen] = '\0';
}

/* The counts a view keeps over its rows (ideal widths, bad and warning rows): reset, then
 * one row added. */
static void pane_counts_reset(struct pane *p)
{
	for (size_t c = 0; c < PANE_MAX_COLS; c++)
		p->ideal[c] = c < p->ops->ncolumns ? (int)text_width(p->ops->columns[c].title) : 0;
	p->nbad = p->nwarn = 0;
}

static void pane_counts_add(struct pane *p, const struct pane_cached *e)
{
	for (size_t c = 0; c < p->ops->ncolumns; c++)
		if (e->width[c] > p->ideal[c])
			p->ideal[c] = e->width[c];
	p->nbad += e->sev == SEV_BAD;
	p->nwarn += e->sev == SEV_WARN;
}

static void pane_view_free(struct pane_view *w)
{
	free(w->rows);
	free(w->entries);
}

static void pane_views_free(struct pane *p)
{
	struct pane_views *v = p->views;
	if (!v)
		return;
	for (size_t k = 0; k < v->n; k++)
		pane_view_free(&v->stack[k]);
	free(v->stack);
	free(v->entries);
	free(v);
	p->views = NULL;
}

/* Keeps the view shown, for the filter it was made with, before a narrower one replaces it. */
static void pane_views_push(struct pane *p, struct pane_views *v)
{
	v->stack = xgrow(v->stack, &v->cap, v->n + 1, sizeof(*v->stack));
	struct pane_view *w = &v->stack[v->n++];
	size_t n = p->nrows ? p->nrows : 1;
	snprintf(w->filter, sizeof(w->filter), "%s", v->filter);
	w->rows = xmalloc(n * sizeof(*w->rows));
	w->entries = xmalloc(n * sizeof(*w->entries));
	memcpy(w->rows, p->rows, p->nrows * sizeof(*w->rows));
	memcpy(w->entries, v->entries, p->nrows * sizeof(*w->entries));
	w->nrows = p->nrows;
	w->nbad = p->nbad;
	w->nwarn = p->nwarn;
	memcpy(w->ideal, p->ideal, sizeof(w->ideal));
}

/* Shows the kept view k again; the ones kept after it are dropped. */
static void pane_views_restore(struct pane *p, struct pane_views *v, size_t k)
{
	struct pane_view *w = &v->stack[k];
	p->rows = xgrow(p->rows, &p->caprows, w->nrows, sizeof(*p->rows));
	v->entries = xgrow(v->entries, &v->capentries, w->nrows, sizeof(*v->entries));
	memcpy(p->rows, w->rows, w->nrows * sizeof(*p->rows));
	memcpy(v->entries, w->entries, w->nrows * sizeof(*v->entries));
	p->nrows = w->nrows;
	p->nbad = w->nbad;
	p->nwarn = w->nwarn;
	memcpy(p->ideal, w->ideal, sizeof(p->ideal));
	snprintf(v->filter, sizeof(v->filter), "%s", w->filter);
	for (size_t j = k; j < v->n; j++)
		pane_view_free(&v->stack[j]);
	v->n = k;
}

/* Only the filter changed since the view was built (same model, sort and ages): a filter
 * typed before is restored, a narrower substring filter is applied to the rows shown
 * (every row it keeps was shown: the old needle is inside the new one).  False when it
 * takes a rebuild from the model (a regex, a wider filter never shown). */
static bool pane_sync_filter(struct pane *p)
{
	struct pane_views *v = p->views;
	if (!v || !v->valid || v->sort_col != p->sort_col)
		return false;
	if (strcmp(v->filter, p->filter) == 0)
		return true;
	for (size_t k = v->n; k-- > 0;) {
		if (strcmp(v->stack[k].filter, p->filter) == 0) {
			pane_views_restore(p, v, k);
			return true;
		}
	}
	if (p->filter[0] == '~' || v->filter[0] == '~')
		return false;
	char needle[sizeof(p->filter)], old[sizeof(p->filter)];
	bool control, old_control;
	pane_needle(p->filter, needle, sizeof(needle), &control);
	pane_needle(v->filter, old, sizeof(old), &old_control);
	if (control || old_control || !strstr(needle, old))
		return false;
	pane_views_push(p, v);
	pane_counts_reset(p);
	size_t out = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		struct pane_cached *e = v->entries[i];
		if (!strstr(e->text + e->hay, needle))
			continue;
		pane_counts_add(p, e);
		v->entries[out] = e;
		p->rows[out++] = p->rows[i];
	}
	p->nrows = out;
	snprintf(v->filter, sizeof(v->filter), "%s", p->filter);
	return true;
}

bool pane_sync(struct pane *p, const struct model *m, time_t now)
{
	unsigned long version = pane_dep_version(p, m);
	bool aged = p->stale_at && now >= p->stale_at;
	bool same_model = p->built && p->built_version == version && !aged;
	if (same_model && !p->filter_changed)
		return false;
	/* The old rows may point at freed objects: the selection is known by its key. */
	char selkey[sizeof(p->selkey)] = "";
	if (p->selkey_valid)
		snprintf(selkey, sizeof(selkey), "%s", p->selkey);
	/* Only the filter changed: the rows still point at live objects, so the selected one
	 * is found by its pointer (pane_reselect formats a key per row while it looks). */
	const void *selrow = p->selkey_valid && p->sel < p->nrows ? p->rows[p->sel] : NULL;
	if (same_model && pane_sync_filter(p)) {
		p->filter_changed = false;
		size_t i = 0;
		while (selrow && i < p->nrows && p->rows[i] != selrow)
			i++;
		if (selrow && i < p->nrows) {
			p->sel = i;
			return true;
		}
		pane_reselect(p, "");
		return true;
	}
	p->nrows = 0;
	p->now = now;
	p->ops->collect(p, m);
	p->total = p->nrows;
	bool cached = p->ops->stamp != NULL;
	unsigned gen = cached ? pane_cache_next_gen(p) : 0;
	struct pane_views *v = NULL;
	if (cached) {
		/* Views kept for the filter being typed hold rows of the model as it was. */
		pane_views_free(p);
		v = p->views = xcalloc(1, sizeof(*v));
		v->entries = xgrow(NULL, &v->capentries, p->nrows ? p->nrows : 1, sizeof(*v->entries));
	}
	struct pane_cached **entries = v ? v->entries : xcalloc(p->nrows ? p->nrows : 1, sizeof(*entries));
	char needle[sizeof(p->filter)];
	bool control;
	pane_needle(p->filter, needle, sizeof(needle), &control);
	pane_counts_reset(p);
	p->stale_at = 0;
	size_t out = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		struct pane_cached *e;
		if (cached) {
			e = pane_cache_get(p, m, p->rows[i], now, gen);
			/* Hidden rows count too: an age ticking over may make one match. */
			if (e->stale_at && (!p->stale_at || e->stale_at < p->stale_at))
				p->stale_at = e->stale_at;
		} else {
			e = pane_cached_new(p, m, p->rows[i], now);
		}
		if (p->filter[0] && (control || !pane_row_matches(p, e, needle))) {
			if (!cached)
				pane_cached_free(e);
			continue;
		}
		pane_counts_add(p, e);
		entries[out] = e;
		p->rows[out++] = p->rows[i];
	}
	p->nrows = out;
	if (p->sort_col >= 0 && (size_t)p->sort_col < p->ops->ncolumns && p->nrows > 1)
		pane_sort_rows(p, entries, p->nrows);
	if (cached) {
		pane_cache_sweep(p, gen, p->total);
		v->valid = true;
		v->sort_col = p->sort_col;
		snprintf(v->filter, sizeof(v->filter), "%s", p->filter);
	} else {
		for (size_t i = 0; i < out; i++)
			pane_cached_free(entries[i]);
		free(entries);
	}
	p->built = true;
	p->filter_changed = false;
	p->built_version = version;
	pane_reselect(p, selkey);
	return true;
}

void pane_layout(const struct pane *p, int width, int widths[PANE_MAX_COLS])
{
	size_t n = p->ops->ncolumns;
	const struct pane_column *cols = p->ops->columns;
	bool shown[PANE_MAX_COLS];
	for (size_t c = 0; c < PANE_MAX_COLS; c++) {
		widths[c] = 0;
		shown[c] = c < n;
	}
	/* Start narrow: a column never needs more than its widest cell. */
	int want[PANE_MAX_COLS];
	for (size_t c = 0; c < n; c++) {
		int title = (int)text_width(cols[c].title);
		want[c] = cols[c].min < p->ideal[c] ? cols[c].min : p->ideal[c];
		if (want[c] < title)
			want[c] = title;
	}
	for (;;) {
		int sum = 0, count = 0;
		for (size_t c = 0; c < n; c++)
			if (shown[c]) {
				sum += want[c];
				count++;
			}
		if (count > 0)
			sum += 2 * (count - 1);
		if (sum <= width || count <= 1)
			break;
		size_t drop = n;
		for (size_t c = 0; c < n; c++)
			if (shown[c] && (drop == n || cols[c].prio < cols[drop].prio))
				drop = c;
		shown[drop] = false;
	}
	int used = 0, count = 0;
	for (size_t c = 0; c < n; c++)
		if (shown[c]) {
			widths[c] = want[c];
			used += want[c];
			count++;
		}
	if (count > 0)
		used += 2 * (count - 1);
	int extra = width - used;
	/* Give spare columns to the most important columns first, up to their ideal. */
	while (extra > 0) {
		size_t best = n;
		for (size_t c = 0; c < n; c++)
			if (shown[c] && widths[c] < p->ideal[c] &&
			    (best == n || cols[c].prio > cols[best].prio))
				best = c;
		if (best == n)
			break;
		int give = p->ideal[best] - widths[best];
		if (give > extra)
			give = extra;
		widths[best] += give;
		extra -= give;
	}
	/* A lone column narrower than its title is clipped to the line. */
	for (size_t c = 0; c < n; c++)
		if (widths[c] > width)
			widths[c] = width;
}

void pane_format_line(const struct pane *p, const struct pane_row *row, const int *widths,
		      int width, char *out, size_t cap)
{
	size_t len = 0;
	int cols = 0;
	if (cap == 0)
		return;
	out[0] = '\0';
	for (size_t c = 0; c < p->ops->ncolumns && cols < width; c++) {
		if (!widths[c])
			continue;
		if (cols > 0) {
			for (int s = 0; s < 2 && cols < width && len + 1 < cap; s++, cols++)
				out[len++] = ' ';
			out[len] = '\0';
		}
		int w = widths[c];
		if (w > width - cols)
			w = width - cols;
		const char *text = row ? row->cell[c] : p->ops->columns[c].title;
		text_fit(text, (size_t)w, out + len, cap - len);
		len += strlen(out + len);
		cols += w;
	}
	while (cols < width && len + 1 < cap) {
		out[len++] = ' ';
		cols++;
	}
	out[len] = '\0';
}

void pane_move_to(struct pane *p, size_t row)
{
	p->sel = p->nrows == 0 ? 0 : (row >= p->nrows ? p->nrows - 1 : row);
	p->selkey_valid = false;
	if (p->sel < p->nrows) {
		p->ops->key(p->rows[p->sel], p->selkey, sizeof(p->selkey));
		p->selkey_valid = true;
	}
}

void pane_move(struct pane *p, long delta)
{
	long target = (long)p->sel + delta;
	if (target < 0)
		target = 0;
	pane_move_to(p, (size_t)target);
}

void pane_scroll(struct pane *p, size_t height)
{
	if (height == 0)
		return;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + height)
		p->top = p->sel - height + 1;
	if (p->nrows <= height)
		p->top = 0;
	else if (p->top > p->nrows - height)
		p->top = p->nrows - height;
}

void pane_print_table(struct pane *p, const struct model *m, time_t now, FILE *out)
{
	pane_sync(p, m, now);
	size_t n = p->ops->ncolumns;
	int w[PANE_MAX_COLS];
	for (size_t c = 0; c < n; c++)
		w[c] = (int)text_width(p->ops->columns[c].title);
	struct pane_row *rows = xcalloc(p->nrows ? p->nrows : 1, sizeof(*rows));
	for (size_t i = 0; i < p->nrows; i++) {
		pane_row_fill(p, m, i, now, &rows[i]);
		for (size_t c = 0; c < n; c++) {
			int cw = (int)text_width(rows[i].cell[c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t i = 0; i <= p->nrows; i++) {
		for (size_t c = 0; c < n; c++) {
			const char *t = i == 0 ? p->ops->columns[c].title : rows[i - 1].cell[c];
			if (c + 1 == n) {
				fputs(t, out);
				break;
			}
			fputs(t, out);
			for (int pad = (int)text_width(t); pad < w[c] + 3; pad++)
				fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(rows);
}
