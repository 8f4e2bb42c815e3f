/* panels/pane: see pane.h. */
#include "panels/pane.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	if (p->ops && p->ops->destroy)
		p->ops->destroy(p);
	p->priv = NULL;
}

void pane_push(struct pane *p, const void *row)
{
	p->rows = xgrow(p->rows, &p->caprows, p->nrows + 1, sizeof(*p->rows));
	p->rows[p->nrows++] = row;
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

/* Seconds in an age like "3m1s", "22h", "5d", "2y"; -1 when s is not one. */
static double pane_age_seconds(const char *s)
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
	char *cell;
	size_t order;
};

static int pane_sort_cmp(const void *x, const void *y)
{
	const struct pane_sort_item *a = x, *b = y;
	int c = pane_cell_compare(a->cell, b->cell);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

void pane_row_fill(const struct pane *p, const struct model *m, size_t i, time_t now,
		   struct pane_row *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= p->nrows)
		return;
	struct pane_row raw;
	memset(&raw, 0, sizeof(raw));
	p->ops->format(p, m, p->rows[i], now, &raw);
	/* Cells hold names and reasons from the server: this is where they are made safe. */
	for (size_t c = 0; c < p->ops->ncolumns; c++)
		text_sanitize(raw.cell[c], strlen(raw.cell[c]), out->cell[c], sizeof(out->cell[c]));
	out->sev = raw.sev;
	out->hl = raw.hl;
}

static char pane_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool pane_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t k = 0;
		while (k < n && hay[k] && pane_lower(hay[k]) == pane_lower(needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return n == 0;
}

static bool pane_row_matches(const struct pane *p, const struct pane_row *row)
{
	if (p->filter[0] == '~') {
		if (!p->re_valid)
			return true; /* invalid or empty regex: filter_error says so, nothing hidden */
		for (size_t c = 0; c < p->ops->ncolumns; c++)
			if (regexec(&p->re, row->cell[c], 0, NULL, 0) == 0)
				return true;
		return false;
	}
	for (size_t c = 0; c < p->ops->ncolumns; c++)
		if (pane_contains(row->cell[c], p->filter))
			return true;
	return false;
}

bool pane_sync(struct pane *p, const struct model *m, time_t now)
{
	if (p->built && !p->filter_changed && p->built_version == m->version)
		return false;
	/* The old rows may point at freed objects: the selection is known by its key. */
	char selkey[sizeof(p->selkey)] = "";
	if (p->selkey_valid)
		snprintf(selkey, sizeof(selkey), "%s", p->selkey);
	p->nrows = 0;
	p->now = now;
	p->ops->collect(p, m);
	p->total = p->nrows;
	struct pane_sort_item *items = NULL;
	if (p->sort_col >= 0 && (size_t)p->sort_col < p->ops->ncolumns && p->nrows > 1)
		items = xcalloc(p->nrows, sizeof(*items));
	for (size_t c = 0; c < PANE_MAX_COLS; c++)
		p->ideal[c] = c < p->ops->ncolumns ? (int)text_width(p->ops->columns[c].title) : 0;
	size_t out = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		struct pane_row row;
		pane_row_fill(p, m, i, now, &row);
		if (p->filter[0] && !pane_row_matches(p, &row))
			continue;
		for (size_t c = 0; c < p->ops->ncolumns; c++) {
			int w = (int)text_width(row.cell[c]);
			if (w > PANE_IDEAL_MAX)
				w = PANE_IDEAL_MAX;
			if (w > p->ideal[c])
				p->ideal[c] = w;
		}
		if (items) {
			items[out].row = p->rows[i];
			items[out].cell = xstrdup(row.cell[p->sort_col]);
			items[out].order = out;
		}
		p->rows[out++] = p->rows[i];
	}
	p->nrows = out;
	if (items) {
		qsort(items, out, sizeof(*items), pane_sort_cmp);
		for (size_t i = 0; i < out; i++) {
			p->rows[i] = items[i].row;
			free(items[i].cell);
		}
		free(items);
	}
	p->built = true;
	p->filter_changed = false;
	p->built_version = m->version;
	/* Keep the same object selected when it is still shown. */
	size_t sel = p->sel < p->nrows ? p->sel : (p->nrows ? p->nrows - 1 : 0);
	if (selkey[0]) {
		for (size_t i = 0; i < p->nrows; i++) {
			char k[sizeof(p->selkey)];
			p->ops->key(p->rows[i], k, sizeof(k));
			if (strcmp(k, selkey) == 0) {
				sel = i;
				break;
			}
		}
	}
	p->sel = sel;
	p->selkey_valid = p->sel < p->nrows;
	if (p->selkey_valid)
		p->ops->key(p->rows[p->sel], p->selkey, sizeof(p->selkey));
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
