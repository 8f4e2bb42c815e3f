/* kube/yaml_read: the reader helpers of kube/yaml.h (FILE:LINE errors, known keys, text
 * values), shared by core/config and core/matrix so their files fail the same way. */
#include "kube/yaml.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int yaml_read_fail(const struct yaml_reader *r, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[600];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		*r->err = xasprintf("%s:%u: %s", yaml_doc_name(r->doc), line, msg);
	else
		*r->err = xasprintf("%s: %s", yaml_doc_name(r->doc), msg);
	return -1;
}

unsigned yaml_read_line(const struct yaml_reader *r, const json_t *parent, const char *key, size_t index)
{
	return yaml_doc_mark(r->doc, parent, key, index).line;
}

static bool yaml_key_allowed(const char *key, const char *const *allowed)
{
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			return true;
	return false;
}

/* A key as it may be shown on a terminal: the key is outside input. */
static void yaml_key_shown(const char *key, char *out, size_t cap)
{
	snprintf(out, cap, "%s", key);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int yaml_read_keys(const struct yaml_reader *r, const json_t *obj, const char *path,
		   const char *const *allowed, char ***warnings, size_t *nwarnings, size_t max)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		if (yaml_key_allowed(key, allowed))
			continue;
		char shown[64];
		yaml_key_shown(key, shown, sizeof(shown));
		unsigned line = yaml_read_line(r, obj, key, 0);
		if (!warnings) {
			char list[300] = "";
			for (const char *const *a = allowed; *a; a++) {
				size_t n = strlen(list);
				snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", *a);
			}
			return yaml_read_fail(r, line, "%s%s%s: unknown key (expected one of: %s)", path,
					      *path ? "." : "", shown, list);
		}
		if (*nwarnings >= max)
			continue;
		*warnings = xrealloc(*warnings, (*nwarnings + 1) * sizeof(char *));
		(*warnings)[(*nwarnings)++] = xasprintf("%s:%u: %s%s%s: unknown key (ignored)", yaml_doc_name(r->doc),
							line, path, *path ? "." : "", shown);
	}
	return 0;
}

bool yaml_text_clean(const char *s, unsigned flags)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool ok;
		if (*p == ' ')
			ok = flags & YAML_TEXT_BLANKS;
		else if (*p == '\n' || *p == '\t')
			ok = flags & YAML_TEXT_MULTILINE;
		else
			ok = *p >= 0x20 && *p != 0x7f;
		if (!ok)
			return false;
	}
	return true;
}

int yaml_read_text(const struct yaml_reader *r, const json_t *parent, const char *key, size_t index,
		   const char *what, unsigned flags, size_t max, char **out)
{
	*out = NULL;
	const json_t *v = key ? json_object_get(parent, key) : json_array_get(parent, index);
	if (!v || json_is_null(v))
		return 0;
	unsigned line = yaml_read_line(r, parent, key, index);
	const char *s = NULL;
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return yaml_read_fail(r, line, "%s: contains a NUL byte", what);
		s = json_string_value(v);
	} else if (!json_is_object(v) && !json_is_array(v)) {
		s = yaml_doc_text(r->doc, parent, key, index);
	}
	if (!s)
		return yaml_read_fail(r, line, "%s: expected a string", what);
	if (!*s)
		return yaml_read_fail(r, line, "%s: must not be empty", what);
	if (max && strlen(s) > max)
		return yaml_read_fail(r, line, "%s: longer than %zu bytes", what, max);
	if (!yaml_text_clean(s, flags))
		return yaml_read_fail(r, line, "%s: contains control characters%s", what,
				      flags & YAML_TEXT_BLANKS ? "" : " or blanks");
	*out = xstrdup(s);
	return 0;
}
