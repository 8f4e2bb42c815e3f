/* panels/wall: summary, headline and block letters of the wall screen (see wall.h). */
#include "panels/wall.h"

#include "tui/text.h"

#include <stdio.h>
#include <string.h>

void wall_count_model(const struct model *m, struct wall_counts *c)
{
	c->nodes_ready = c->nodes_total = 0;
	c->pods_total = c->pods_unhealthy = c->pods_bad = 0;
	c->workloads_total = c->workloads_degraded = c->workloads_down = 0;
	for (size_t i = 0; i < m->nnodes; i++) {
		c->nodes_total++;
		if (m->nodes[i]->ready)
			c->nodes_ready++;
	}
	for (size_t i = 0; i < m->npods; i++) {
		enum model_severity s = model_pod_severity(m->pods[i]);
		c->pods_total++;
		if (s != SEV_OK)
			c->pods_unhealthy++;
		if (s == SEV_BAD)
			c->pods_bad++;
	}
	for (size_t i = 0; i < m->nworkloads; i++) {
		enum model_severity s = model_workload_severity(m->workloads[i]);
		c->workloads_total++;
		if (s != SEV_OK)
			c->workloads_degraded++;
		if (s == SEV_BAD)
			c->workloads_down++;
	}
}

enum disk_level wall_host_disk(const struct host_status *st)
{
	enum disk_level worst = DISK_OK;
	if (!st->polled || !st->have_df || !st->disk)
		return DISK_OK;
	for (size_t i = 0; i < st->df.n; i++)
		if (st->disk[i] > worst)
			worst = st->disk[i];
	return worst;
}

bool wall_host_failing(const struct host_status *st)
{
	/* A failed check (pm2 not installed...) still leaves the host reachable. */
	return st->polled && st->fail != SSH_OK && st->fail != SSH_FAIL_COMMAND;
}

void wall_count_host(const struct host_status *st, struct wall_counts *c)
{
	c->hosts_total++;
	enum disk_level d = wall_host_disk(st);
	if (d >= DISK_WARN)
		c->hosts_disk_over++;
	if (d == DISK_CRIT)
		c->hosts_disk_crit++;
	if (wall_host_failing(st))
		c->hosts_failing++;
}

bool wall_host_problem(const struct host_status *st, struct wall_problem *out)
{
	char raw[900];
	const char *name = st->cfg && st->cfg->name ? st->cfg->name : st->address ? st->address : "?";
	if (wall_host_failing(st)) {
		snprintf(raw, sizeof(raw), "host %.100s %s: %.500s", name, ssh_fail_name(st->fail), st->message);
	} else if (wall_host_disk(st) == DISK_CRIT) {
		/* The fullest critical mount: the one to clean up first. */
		const struct df_mount *m = NULL;
		for (size_t i = 0; i < st->df.n; i++)
			if (st->disk[i] == DISK_CRIT && (!m || st->df.v[i].use_pct > m->use_pct))
				m = &st->df.v[i];
		snprintf(raw, sizeof(raw), "host %.100s disk %.300s %d%% used", name,
			 m && m->mount ? m->mount : "?", m ? m->use_pct : -1);
	} else {
		return false;
	}
	out->sev = SEV_BAD;
	out->changes_at = 0;
	text_sanitize(raw, strlen(raw), out->text, sizeof(out->text));
	return true;
}

enum wall_state wall_state_of(const struct wall_counts *c, bool stale)
{
	if (stale)
		return WALL_STALE;
	if (c->nodes_ready < c->nodes_total || c->workloads_down || c->services_down)
		return WALL_DOWN;
	if (c->pods_unhealthy || c->workloads_degraded || c->services_degraded || c->hosts_disk_crit ||
	    c->hosts_failing)
		return WALL_DEGRADED;
	return WALL_OK;
}

const char *wall_state_word(enum wall_state s)
{
	switch (s) {
	case WALL_OK:
		return "OK";
	case WALL_DEGRADED:
		return "DEGRADED";
	case WALL_DOWN:
		return "DOWN";
	case WALL_STALE:
		break;
	}
	return "STALE";
}

void wall_format_strip(const struct wall_counts *c, char *out, size_t cap)
{
	int n = snprintf(out, cap, "nodes %zu/%zu ready  pods %zu/%zu unhealthy  workloads %zu/%zu degraded",
			 c->nodes_ready, c->nodes_total, c->pods_unhealthy, c->pods_total, c->workloads_degraded,
			 c->workloads_total);
	if (c->have_matrix && n > 0 && (size_t)n < cap) {
		int m = snprintf(out + n, cap - (size_t)n, "  services %zu/%zu down", c->services_down,
				 c->services_total);
		n = m < 0 ? -1 : n + m;
	}
	if (c->have_hosts && n > 0 && (size_t)n < cap) {
		int m = snprintf(out + n, cap - (size_t)n, "  hosts %zu/%zu over disk", c->hosts_disk_over,
				 c->hosts_total);
		n = m < 0 ? -1 : n + m;
		if (c->hosts_failing && n > 0 && (size_t)n < cap)
			snprintf(out + n, cap - (size_t)n, ", %zu failing", c->hosts_failing);
	}
}

/* Block letters: '#' is a filled cell.  Only the headline words' letters exist. */
struct wall_glyph {
	char ch;
	const char *rows[WALL_BIG_ROWS];
};

static const struct wall_glyph wall_glyphs[] = {
	{ 'A', { ".##.", "#..#", "####", "#..#", "#..#" } },
	{ 'D', { "###.", "#..#", "#..#", "#..#", "###." } },
	{ 'E', { "####", "#...", "###.", "#...", "####" } },
	{ 'G', { ".###", "#...", "#.##", "#..#", ".###" } },
	{ 'K', { "#..#", "#.#.", "##..", "#.#.", "#..#" } },
	{ 'L', { "#...", "#...", "#...", "#...", "####" } },
	{ 'N', { "#..#", "##.#", "#.##", "#..#", "#..#" } },
	{ 'O', { ".##.", "#..#", "#..#", "#..#", ".##." } },
	{ 'R', { "###.", "#..#", "###.", "#.#.", "#..#" } },
	{ 'S', { ".###", "#...", ".##.", "...#", "###." } },
	{ 'T', { "####", ".##.", ".##.", ".##.", ".##." } },
	{ 'W', { "#...#", "#...#", "#.#.#", "##.##", "#...#" } },
	{ ' ', { "..", "..", "..", "..", ".." } },
};

static const struct wall_glyph *wall_glyph_find(char ch)
{
	for (size_t i = 0; i < sizeof(wall_glyphs) / sizeof(wall_glyphs[0]); i++)
		if (wall_glyphs[i].ch == ch)
			return &wall_glyphs[i];
	return NULL;
}

size_t wall_big_width(const char *word)
{
	size_t w = 0;
	for (const char *p = word; *p; p++) {
		const struct wall_glyph *g = wall_glyph_find(*p);
		if (!g)
			return 0;
		w += strlen(g->rows[0]) + (p[1] ? 1 : 0);
	}
	return w;
}

size_t wall_big_render(const char *word, bool utf8, char rows[WALL_BIG_ROWS][WALL_BIG_BYTES])
{
	size_t width = wall_big_width(word);
	/* Every cell is at most 3 bytes: the rows must fit. */
	if (width == 0 || width * 3 + 1 > WALL_BIG_BYTES)
		return 0;
	for (int r = 0; r < WALL_BIG_ROWS; r++) {
		size_t o = 0;
		for (const char *p = word; *p; p++) {
			const struct wall_glyph *g = wall_glyph_find(*p);
			for (const char *c = g->rows[r]; *c; c++) {
				if (*c == '#' && utf8) {
					memcpy(rows[r] + o, "\xe2\x96\x88", 3);
					o += 3;
				} else {
					rows[r][o++] = *c == '#' ? '#' : ' ';
				}
			}
			if (p[1])
				rows[r][o++] = ' ';
		}
		rows[r][o] = '\0';
	}
	return width;
}

static void wall_problem_add(struct wall_problem *out, size_t max, size_t *n, size_t *total,
			     enum model_severity sev, const char *raw, time_t changes_at)
{
	(*total)++;
	if (*n >= max)
		return;
	out[*n].sev = sev;
	out[*n].changes_at = changes_at;
	text_sanitize(raw, strlen(raw), out[*n].text, sizeof(out[*n].text));
	(*n)++;
}

size_t wall_problems(const struct model *m, time_t now, struct wall_problem *out, size_t max, size_t *total)
{
	size_t n = 0;
	*total = 0;
	char raw[600], age[32];
	/* Two passes, bad then warn, so the worst is first whatever the cap. */
	for (int sev = SEV_BAD; sev >= SEV_WARN; sev--) {
		for (size_t i = 0; i < m->nnodes; i++) {
			const struct model_node *nd = m->nodes[i];
			if ((int)model_node_severity(nd) != sev)
				continue;
			snprintf(raw, sizeof(raw), "node %.200s %.63s", nd->name, nd->status);
			wall_problem_add(out, max, &n, total, (enum model_severity)sev, raw, 0);
		}
		for (size_t i = 0; i < m->nworkloads; i++) {
			const struct model_workload *w = m->workloads[i];
			if ((int)model_workload_severity(w) != sev)
				continue;
			snprintf(raw, sizeof(raw), "%s %.100s/%.200s %d/%d ready",
				 w->kind == MODEL_DEPLOYMENT ? "deploy" : "sts", w->ns, w->name, w->ready, w->desired);
			wall_problem_add(out, max, &n, total, (enum model_severity)sev, raw, 0);
		}
		for (size_t i = 0; i < m->npods; i++) {
			const struct model_pod *p = m->pods[i];
			if ((int)model_pod_severity(p) != sev)
				continue;
			model_format_age(p->created, now, age, sizeof(age));
			snprintf(raw, sizeof(raw), "pod %.100s/%.200s %.63s %d/%d restarts %d age %s", p->ns, p->name,
				 p->status, p->ready, p->total, p->restarts, age);
			wall_problem_add(out, max, &n, total, (enum model_severity)sev, raw,
					 model_age_changes_at(p->created, now));
		}
	}
	return n;
}

void wall_format_hhmm(time_t t, char *out, size_t cap)
{
	struct tm tm;
	if (cap == 0)
		return;
	if (!localtime_r(&t, &tm) || strftime(out, cap, "%H:%M", &tm) == 0)
		snprintf(out, cap, "--:--");
}
