/* core/commands: see commands.h. */
#include "core/commands.h"

#include <stdio.h>
#include <string.h>

const struct command_info commands_table[CMD__COUNT] = {
#define COMMAND_ROW(id, name, arg, mut, help) { CMD_##id, name, arg, mut, help },
	COMMAND_TABLE(COMMAND_ROW)
#undef COMMAND_ROW
};

const struct command_info *commands_find(const char *name, size_t len)
{
	for (size_t i = 0; i < CMD__COUNT; i++) {
		const char *n = commands_table[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return &commands_table[i];
	}
	return NULL;
}

static bool commands_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int commands_parse(const char *line, struct command_call *out, char *err, size_t errcap)
{
	const char *p = line;
	while (commands_is_blank(*p))
		p++;
	const char *name = p;
	while (*p && !commands_is_blank(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	while (commands_is_blank(*p))
		p++;
	const char *arg = p;
	size_t alen = strlen(arg);
	while (alen > 0 && (commands_is_blank(arg[alen - 1]) || arg[alen - 1] == '\n' ||
			    arg[alen - 1] == '\r'))
		alen--;
	if (nlen == 0) {
		snprintf(err, errcap, "empty command");
		return -1;
	}
	const struct command_info *ci = commands_find(name, nlen);
	if (!ci) {
		/* Only printable ASCII of the name is echoed back: it may come from a file. */
		char shown[40];
		size_t k = 0;
		for (size_t i = 0; i < nlen && k + 1 < sizeof(shown); i++)
			shown[k++] = (name[i] > 0x20 && name[i] < 0x7f) ? name[i] : '?';
		shown[k] = '\0';
		snprintf(err, errcap, "unknown command '%s'%s", shown, nlen >= sizeof(shown) ? "..." : "");
		return -1;
	}
	if (alen >= sizeof(out->arg)) {
		snprintf(err, errcap, "argument of '%s' too long (%zu bytes, at most %zu)", ci->name,
			 alen, sizeof(out->arg) - 1);
		return -1;
	}
	switch (ci->arg) {
	case CMD_ARG_NONE:
		if (alen) {
			snprintf(err, errcap, "'%s' takes no argument", ci->name);
			return -1;
		}
		break;
	case CMD_ARG_NAME:
		if (!alen) {
			snprintf(err, errcap, "'%s' needs a NAME", ci->name);
			return -1;
		}
		for (size_t i = 0; i < alen; i++) {
			if (commands_is_blank(arg[i])) {
				snprintf(err, errcap, "'%s' takes one NAME, not several words", ci->name);
				return -1;
			}
		}
		break;
	case CMD_ARG_TEXT:
		break;
	}
	out->id = ci->id;
	memcpy(out->arg, arg, alen);
	out->arg[alen] = '\0';
	return 0;
}

size_t commands_complete(const char *prefix, char *out, size_t cap)
{
	size_t plen = strlen(prefix), matches = 0, common = 0;
	const char *first = NULL;
	for (size_t i = 0; i < CMD__COUNT; i++) {
		const char *n = commands_table[i].name;
		if (strncmp(n, prefix, plen) != 0)
			continue;
		if (!first) {
			first = n;
			common = strlen(n);
		} else {
			size_t k = 0;
			while (k < common && first[k] == n[k])
				k++;
			common = k;
		}
		matches++;
	}
	if (cap == 0)
		return matches;
	if (!first) {
		snprintf(out, cap, "%s", prefix);
		return 0;
	}
	if (common >= cap)
		common = cap - 1;
	memcpy(out, first, common);
	out[common] = '\0';
	return matches;
}

enum cmd_complete commands_arg_completion(enum cmd_id id)
{
	switch (id) {
	case CMD_NS:
		return CMD_COMPLETE_NAMESPACE;
	case CMD_DESCRIBE:
	case CMD_LOGS:
		return CMD_COMPLETE_OBJECT;
	case CMD_SORT:
		return CMD_COMPLETE_COLUMN;
	case CMD_CTX:
		return CMD_COMPLETE_CONTEXT;
	default:
		return CMD_COMPLETE_NONE;
	}
}

const char *commands_arg_name(enum cmd_id id)
{
	switch (id) {
	case CMD_NS:
		return "NAME|all";
	case CMD_CTX:
		return "NAME";
	case CMD_DESCRIBE:
		return "[KIND/NAME]";
	case CMD_SORT:
		return "[COLUMN]";
	case CMD_FILTER:
		return "[TEXT|~REGEX]";
	case CMD_LOGS:
		return "[TARGET] [OPTIONS]";
	case CMD_LOGCHECK:
		return "KIND/NAME REGEX [--expect N]";
	case CMD_LOG_SEARCH:
	case CMD_LOG_GREP:
	case CMD_LOG_EXCLUDE:
		return "[REGEX]";
	case CMD_LOG_CONTEXT:
		return "N";
	case CMD_LOG_SAVE:
		return "FILE";
	case CMD_SCALE:
		return "[KIND/NAME] N";
	case CMD_RESTART:
		return "[KIND/NAME]";
	case CMD_DELETE:
		return "[pod/NAME] [--force]";
	case CMD_CORDON:
	case CMD_UNCORDON:
	case CMD_DRAIN:
		return "[NODE]";
	case CMD_RED_BUTTON:
		return "[-n NS] [--include-statefulsets]";
	case CMD_RESTORE:
		return "[-n NS]";
	case CMD_SSH:
		return "HOST df|pm2|refresh|ACTION [NAME]";
	case CMD_SYMPTOM:
		return "TEXT";
	case CMD_RUNBOOK:
		return "[SERVICE]";
	case CMD_INCIDENT:
		return "[start NAME|end|export [FILE]|merge FILE]";
	default:
		return "";
	}
}

size_t commands_complete_word(const char *prefix, const char *const *cands, size_t n, char *out,
			      size_t cap)
{
	size_t plen = strlen(prefix), matches = 0, common = 0;
	const char *first = NULL, *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *c = cands[i];
		if (!c || strncmp(c, prefix, plen) != 0)
			continue;
		/* Sorted candidate lists repeat a word next to itself (a namespace per pod). */
		if (prev && strcmp(prev, c) == 0)
			continue;
		prev = c;
		if (!first) {
			first = c;
			common = strlen(c);
		} else {
			size_t k = 0;
			while (k < common && first[k] == c[k])
				k++;
			common = k;
		}
		matches++;
	}
	if (cap == 0)
		return matches;
	if (!first) {
		snprintf(out, cap, "%s", prefix);
		return 0;
	}
	if (common >= cap)
		common = cap - 1;
	memcpy(out, first, common);
	out[common] = '\0';
	return matches;
}
