/* panels/pane: see pane.h. */
#include "panels/pane.h"

#include "core/xalloc.h"
#include "tui/text.h"

#include <stdlib.h>
#include <string.h>

void pane_init(struct pane *p, const struct pane_ops *ops)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
}

void pane_free(struct pane *p)
{
	free(p->rows);
	p->rows = NULL;
	p->nrows = p->caprows = 0;
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
	p->ops->collect(p, m);
	p->total = p->nrows;
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
		p->rows[out++] = p->rows[i];
	}
	p->nrows = out;
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
