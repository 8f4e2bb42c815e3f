/* panels/runbook: the runbook of one matrix service as lines (see panels/matrix.h):
 * where it runs, its checks with their current answers, the full symptom texts, the
 * steps (with the key that runs a step's command), escalations and links. */
#include "panels/matrix.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rb_buf {
	struct runbook_line *l;
	size_t n, cap;
};

static void rb_add(struct rb_buf *b, int kind, size_t step, enum health_state st, bool plain, char *text)
{
	b->l = xgrow(b->l, &b->cap, b->n + 1, sizeof(*b->l));
	b->l[b->n++] = (struct runbook_line){ .text = text, .kind = kind, .step = step, .state = st, .plain = plain };
}

/* Adds a multi-line text as one line per source line, indented. */
static void rb_text(struct rb_buf *b, const char *indent, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		rb_add(b, 0, 0, HEALTH_OK, true, xasprintf("%s%.*s", indent, (int)len, p));
		if (!nl)
			break;
		p = nl + 1;
	}
}

long runbook_step_for(const struct matrix_service *s, enum cmd_id id)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		const char *c = s->steps[i].command;
		if (!c)
			continue;
		size_t len = strcspn(c, " \t");
		const struct command_info *ci = commands_find(c, len);
		if (ci && ci->id == id)
			return (long)i;
	}
	return -1;
}

size_t runbook_lines(const struct matrix_service *s, const struct health_result *r,
		     const struct health_async *async, const struct keymap *km, struct runbook_line **out)
{
	struct rb_buf b = { 0 };
	enum health_state st = r ? r->state : HEALTH_UNKNOWN;
	rb_add(&b, 1, 0, st, false,
	       xasprintf("Runbook: %s%s%s%s  %s%s%s", s->name, s->title ? " (" : "", s->title ? s->title : "",
			 s->title ? ")" : "", health_state_name(st), r && r->why[0] ? ": " : "", r ? r->why : ""));
	char target[600];
	matrix_format_target(s, target, sizeof(target));
	rb_add(&b, 0, 0, HEALTH_OK, true,
	       xasprintf("  %s in namespace %s%s%s", target, s->ns, s->context ? ", context " : "",
			 s->context ? s->context : ""));
	if (s->replicas)
		rb_add(&b, 0, 0, HEALTH_OK, true, xasprintf("  default replica count: %d", s->replicas));
	rb_add(&b, 0, 0, HEALTH_OK, true, xasprintf("  defined in %s:%u", s->file, s->line));

	rb_add(&b, 1, 0, HEALTH_OK, false, xstrdup("Checks"));
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct matrix_check *c = &s->checks[i];
		char f[400];
		matrix_format_check(c, f, sizeof(f));
		bool is_async = c->kind == MATRIX_CHECK_LOGS || c->kind == MATRIX_CHECK_HTTP || c->kind == MATRIX_CHECK_TCP;
		const struct health_async *a = is_async && async ? &async[i] : NULL;
		const char *answer = "";
		enum health_state cs = HEALTH_OK;
		if (is_async) {
			answer = !a || a->answer == HEALTH_PENDING ? "waiting"
				 : a->answer == HEALTH_PASS ? "pass" : a->answer == HEALTH_FAIL ? "FAIL" : "error";
			cs = !a || a->answer == HEALTH_PENDING || a->answer == HEALTH_ERROR ? HEALTH_UNKNOWN
			     : a->answer == HEALTH_FAIL ? HEALTH_DEGRADED : HEALTH_OK;
		} else if (r && strstr(r->why, c->name)) {
			answer = "FAIL";
			cs = HEALTH_DEGRADED;
		} else {
			answer = r && r->state != HEALTH_NOT_FOUND && r->state != HEALTH_UNKNOWN ? "pass" : "-";
		}
		rb_add(&b, 0, 0, cs, false,
		       xasprintf("  %-7s %s (%s)%s%s", answer, c->name, f, a && a->msg[0] ? ": " : "",
				 a ? a->msg : ""));
	}
	if (s->nsymptoms) {
		rb_add(&b, 1, 0, HEALTH_OK, false, xstrdup("Symptoms when it is unavailable"));
		for (size_t i = 0; i < s->nsymptoms; i++) {
			rb_add(&b, 0, 0, HEALTH_OK, true, xasprintf("  %s:", s->symptoms[i].channel));
			rb_text(&b, "    ", s->symptoms[i].text);
		}
	}
	if (s->nsteps) {
		rb_add(&b, 1, 0, HEALTH_OK, false,
		       xstrdup("Steps (Enter runs the selected step's command; confirmation as usual)"));
		for (size_t i = 0; i < s->nsteps; i++) {
			const struct matrix_step *st2 = &s->steps[i];
			char first[1200];
			size_t len = strcspn(st2->text, "\n");
			snprintf(first, sizeof(first), "%.*s", (int)(len < 1000 ? len : 1000), st2->text);
			rb_add(&b, st2->command ? 2 : 0, i, HEALTH_OK, true, xasprintf("  %zu. %s", i + 1, first));
			if (st2->text[len])
				rb_text(&b, "     ", st2->text + len + 1);
			if (st2->command) {
				char keys[64] = "";
				size_t clen = strcspn(st2->command, " \t");
				const struct command_info *ci = commands_find(st2->command, clen);
				if (ci && km)
					keymap_keys_for(km, ci->id, keys, sizeof(keys));
				rb_add(&b, 2, i, HEALTH_OK, true,
				       xasprintf("     %s%s%s%s%s", keys[0] ? "[" : "", keys, keys[0] ? "] " : "run: ",
						 st2->command, ci ? (ci->mutates ? "  (changes the cluster: asks first)" : "")
								  : "  (not a command of this warroom)"));
			}
		}
	}
	if (s->nescalations) {
		rb_add(&b, 1, 0, HEALTH_OK, false, xstrdup("Escalations"));
		for (size_t i = 0; i < s->nescalations; i++)
			rb_text(&b, "  - ", s->escalations[i]);
	}
	if (s->nlinks) {
		rb_add(&b, 1, 0, HEALTH_OK, false, xstrdup("Links"));
		for (size_t i = 0; i < s->nlinks; i++)
			rb_add(&b, 0, 0, HEALTH_OK, true, xasprintf("  %s: %s", s->links[i].title, s->links[i].url));
	}
	*out = b.l;
	return b.n;
}

void runbook_lines_free(struct runbook_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].text);
	free(l);
}
