/* panels/palette: see palette.h. */
#include "panels/palette.h"

#include "core/commands.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidate words, owned (some are built, like "pod/NAME"). */
struct palette_words {
	char **w;
	size_t n, cap;
};

static void palette_add(struct palette_words *ws, char *word)
{
	ws->w = xgrow(ws->w, &ws->cap, ws->n + 1, sizeof(*ws->w));
	ws->w[ws->n++] = word;
}

static int palette_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void palette_collect(const struct palette_ctx *ctx, enum cmd_complete kind, const char *arg,
			    struct palette_words *ws)
{
	const struct model *m = ctx->model;
	switch (kind) {
	case CMD_COMPLETE_NAMESPACE:
		palette_add(ws, xstrdup("all"));
		for (size_t i = 0; m && i < m->nnamespaces; i++)
			palette_add(ws, xstrdup(m->namespaces[i]->name));
		/* Namespaces seen on pods count too (no namespace list permission, or not yet listed). */
		for (size_t i = 0; m && i < m->npods; i++)
			palette_add(ws, xstrdup(m->pods[i]->ns));
		break;
	case CMD_COMPLETE_OBJECT:
		if (!strchr(arg, '/')) {
			palette_add(ws, xstrdup("pod/"));
			palette_add(ws, xstrdup("node/"));
			break;
		}
		if (strncmp(arg, "node/", 5) == 0 || strncmp(arg, "no/", 3) == 0) {
			const char *k = arg[2] == '/' ? "no/" : "node/";
			for (size_t i = 0; m && i < m->nnodes; i++)
				palette_add(ws, xasprintf("%s%s", k, m->nodes[i]->name));
			break;
		}
		for (size_t i = 0; m && i < m->npods; i++) {
			const struct model_pod *p = m->pods[i];
			/* pod/NAME in the current namespace, pod/NS/NAME anywhere. */
			if (ctx->ns && strcmp(ctx->ns, p->ns) == 0)
				palette_add(ws, xasprintf("pod/%s", p->name));
			else if (!ctx->ns)
				palette_add(ws, xasprintf("pod/%s", p->name));
			palette_add(ws, xasprintf("pod/%s/%s", p->ns, p->name));
		}
		break;
	case CMD_COMPLETE_COLUMN:
		for (size_t c = 0; ctx->focused && c < ctx->focused->ops->ncolumns; c++)
			palette_add(ws, xstrdup(ctx->focused->ops->columns[c].title));
		palette_add(ws, xstrdup("default"));
		break;
	case CMD_COMPLETE_CONTEXT:
		for (size_t i = 0; i < ctx->ncontexts; i++)
			palette_add(ws, xstrdup(ctx->contexts[i]));
		break;
	case CMD_COMPLETE_NONE:
		break;
	}
	if (ws->n > 1)
		qsort(ws->w, ws->n, sizeof(*ws->w), palette_strcmp);
}

size_t palette_complete(const struct palette_ctx *ctx, const char *line, char *out, size_t cap)
{
	while (*line == ' ')
		line++;
	const char *sp = strchr(line, ' ');
	if (!sp) {
		char done[200];
		size_t n = commands_complete(line, done, sizeof(done));
		if (n == 1)
			snprintf(out, cap, "%s ", done);
		else
			snprintf(out, cap, "%s", n ? done : line);
		return n;
	}
	const struct command_info *ci = commands_find(line, (size_t)(sp - line));
	const char *arg = sp;
	while (*arg == ' ')
		arg++;
	snprintf(out, cap, "%s", line);
	if (!ci || strchr(arg, ' '))
		return 0;
	struct palette_words ws = { NULL, 0, 0 };
	palette_collect(ctx, commands_arg_completion(ci->id), arg, &ws);
	char done[300];
	size_t n = commands_complete_word(arg, (const char *const *)ws.w, ws.n, done, sizeof(done));
	if (n > 0)
		snprintf(out, cap, "%s %s", ci->name, done);
	for (size_t i = 0; i < ws.n; i++)
		free(ws.w[i]);
	free(ws.w);
	return n;
}

void palette_hint(const char *line, char *out, size_t cap)
{
	while (*line == ' ')
		line++;
	size_t len = strcspn(line, " ");
	const struct command_info *ci = commands_find(line, len);
	if (!ci) {
		char done[200];
		char word[200];
		snprintf(word, sizeof(word), "%.*s", (int)(len < 199 ? len : 199), line);
		if (commands_complete(word, done, sizeof(done)) == 1 && line[len] == '\0')
			ci = commands_find(done, strlen(done));
	}
	if (!ci) {
		if (cap)
			out[0] = '\0';
		return;
	}
	const char *an = commands_arg_name(ci->id);
	snprintf(out, cap, "%s%s%s: %s", ci->name, an[0] ? " " : "", an, ci->help);
}
