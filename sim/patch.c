/* sim/patch: JSON merge patch, strategic merge patch and JSON patch; see patch.h.
 *
 * Everything works on deep copies so that `doc` and `patch` stay untouched: the store
 * keeps the old object until the caller decides to commit the new one.
 */
#include "sim/patch.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void patch_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void patch_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- RFC 7386 ------------------------------------------------------------------------- */

/* Returns a new reference: target merged with patch.  target may be NULL. */
static json_t *patch_merge_value(const json_t *target, const json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(out, k);
			continue;
		}
		json_object_set_new(out, k, patch_merge_value(json_object_get(out, k), v));
	}
	return out;
}

json_t *sim_patch_merge(const json_t *doc, const json_t *patch, char *err, size_t errlen)
{
	if (!patch) {
		patch_set_err(err, errlen, "merge patch: empty patch body");
		return NULL;
	}
	return patch_merge_value(doc, patch);
}

/* ---- strategic merge patch ------------------------------------------------------------ */

/* The merge key of a list field, by field name: the lists kubectl patches in practice.
 * `sample` is an element of either list, used where the same field name carries different
 * keys (container ports merge by containerPort, service ports by port).  NULL: the list is
 * replaced whole, as for tolerations and every list without a patch strategy. */
static const char *patch_merge_key(const char *field, const json_t *sample)
{
	static const struct {
		const char *field, *key;
	} keys[] = {
		{"containers", "name"},       {"initContainers", "name"},
		{"ephemeralContainers", "name"}, {"volumes", "name"},
		{"env", "name"},              {"volumeMounts", "mountPath"},
		{"volumeDevices", "devicePath"}, {"conditions", "type"},
		{"imagePullSecrets", "name"}, {"ownerReferences", "uid"},
		{"hostAliases", "ip"},        {"addresses", "type"},
	};
	if (!strcmp(field, "ports")) {
		if (json_is_object(sample) && json_object_get(sample, "containerPort"))
			return "containerPort";
		return "port";
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].field, field))
			return keys[i].key;
	return NULL;
}

/* Lists of scalars with the "merge" strategy: the patch's values are added (union). */
static bool patch_is_primitive_merge(const char *field)
{
	return !strcmp(field, "finalizers");
}

static json_t *patch_strategic_value(const json_t *target, const json_t *patch, char *err,
				     size_t errlen, const char *path);

static bool patch_key_equal(const json_t *a, const json_t *b)
{
	return a && b && json_equal((json_t *)a, (json_t *)b);
}

static json_t *patch_list_find(json_t *list, const char *key, const json_t *want, size_t *idx)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		if (json_is_object(e) && patch_key_equal(json_object_get(e, key), want)) {
			if (idx)
				*idx = i;
			return e;
		}
	}
	return NULL;
}

/* Merges list `patch` into `target` (either may be non-array) for field `field`. */
static json_t *patch_strategic_list(const json_t *target, const json_t *patch,
				    const char *field, char *err, size_t errlen, const char *path)
{
	/* [{"$patch": "replace"}, ...]: the rest of the list replaces the target. */
	size_t i;
	json_t *e;
	json_array_foreach((json_t *)patch, i, e) {
		json_t *d = json_object_get(e, "$patch");
		if (json_is_string(d) && !strcmp(json_string_value(d), "replace")) {
			json_t *out = json_array();
			size_t j;
			json_t *f;
			json_array_foreach((json_t *)patch, j, f)
				if (j != i)
					json_array_append(out, f);
			return out;
		}
	}
	const char *key = patch_merge_key(field, json_array_size(patch)
						      ? json_array_get(patch, 0)
						      : json_array_get(target, 0));
	if (!json_is_array(target))
		target = NULL;
	if (patch_is_primitive_merge(field)) {
		json_t *out = target ? json_deep_copy(target) : json_array();
		json_array_foreach((json_t *)patch, i, e) {
			size_t j;
			json_t *f;
			bool have = false;
			json_array_foreach(out, j, f)
				have = have || json_equal(f, e);
			if (!have)
				json_array_append(out, e);
		}
		return out;
	}
	if (!key) {
		/* No merge key: replace, dropping any directive elements. */
		json_t *out = json_array();
		json_array_foreach((json_t *)patch, i, e)
			if (!(json_is_object(e) && json_object_get(e, "$patch")))
				json_array_append_new(out, json_deep_copy(e));
		return out;
	}
	json_t *out = target ? json_deep_copy(target) : json_array();
	json_array_foreach((json_t *)patch, i, e) {
		if (!json_is_object(e)) {
			patch_set_err(err, errlen,
				      "strategic merge patch: %s[%zu]: expected an object with merge "
				      "key \"%s\"",
				      path, i, key);
			json_decref(out);
			return NULL;
		}
		json_t *kv = json_object_get(e, key);
		json_t *d = json_object_get(e, "$patch");
		if (!kv) {
			patch_set_err(err, errlen,
				      "strategic merge patch: %s[%zu] does not contain declared merge "
				      "key: %s",
				      path, i, key);
			json_decref(out);
			return NULL;
		}
		size_t at;
		json_t *cur = patch_list_find(out, key, kv, &at);
		if (json_is_string(d) && !strcmp(json_string_value(d), "delete")) {
			/* Remove every element with that key. */
			while (cur) {
				json_array_remove(out, at);
				cur = patch_list_find(out, key, kv, &at);
			}
			continue;
		}
		if (d && !(json_is_string(d) && !strcmp(json_string_value(d), "merge") ) &&
		    !(json_is_string(d) && !strcmp(json_string_value(d), "replace"))) {
			patch_set_err(err, errlen,
				      "strategic merge patch: %s[%zu]: unknown $patch directive",
				      path, i);
			json_decref(out);
			return NULL;
		}
		char *sub = xasprintf("%s[%s=%s]", path, key,
				      json_is_string(kv) ? json_string_value(kv) : "?");
		json_t *merged = patch_strategic_value(cur, e, err, errlen, sub);
		free(sub);
		if (!merged) {
			json_decref(out);
			return NULL;
		}
		if (cur)
			json_array_set_new(out, at, merged);
		else
			json_array_append_new(out, merged);
	}
	return out;
}

/* Orders `list` (merged by `key`) as `order` says; elements not named keep their order
 * after the named ones (what the API server does with $setElementOrder). */
static void patch_apply_order(json_t *list, const json_t *order, const char *key)
{
	if (!json_is_array(list) || !json_is_array(order))
		return;
	json_t *out = json_array();
	size_t i;
	json_t *o;
	json_array_foreach((json_t *)order, i, o) {
		json_t *want = key && json_is_object(o) ? json_object_get(o, key) : o;
		size_t at;
		json_t *e = NULL;
		if (key) {
			e = patch_list_find(list, key, want, &at);
		} else {
			size_t j;
			json_t *f;
			json_array_foreach(list, j, f) {
				if (json_equal(f, want)) {
					e = f;
					at = j;
					break;
				}
			}
		}
		if (e) {
			json_array_append(out, e);
			json_array_remove(list, at);
		}
	}
	json_array_extend(out, list);
	json_array_clear(list);
	json_array_extend(list, out);
	json_decref(out);
}

static json_t *patch_strategic_object(const json_t *target, const json_t *patch, char *err,
				      size_t errlen, const char *path)
{
	json_t *d = json_object_get(patch, "$patch");
	if (d) {
		const char *dv = json_is_string(d) ? json_string_value(d) : "";
		if (!strcmp(dv, "delete"))
			return json_null(); /* the caller removes the field */
		if (!strcmp(dv, "replace")) {
			json_t *out = json_deep_copy(patch);
			json_object_del(out, "$patch");
			return out;
		}
		if (strcmp(dv, "merge")) {
			patch_set_err(err, errlen,
				      "strategic merge patch: %s: unknown $patch directive \"%s\"",
				      path[0] ? path : "/", dv);
			return NULL;
		}
	}
	json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)patch, k, v) {
		if (!strcmp(k, "$patch") || !strcmp(k, "$retainKeys") ||
		    !strncmp(k, "$setElementOrder/", 17))
			continue;
		if (!strncmp(k, "$deleteFromPrimitiveList/", 25)) {
			json_t *list = json_object_get(out, k + 25);
			size_t i;
			json_t *rm;
			if (json_is_array(list) && json_is_array(v)) {
				json_array_foreach(v, i, rm) {
					for (size_t j = json_array_size(list); j-- > 0;)
						if (json_equal(json_array_get(list, j), rm))
							json_array_remove(list, j);
				}
			}
			continue;
		}
		if (k[0] == '$') /* other directives are accepted and ignored */
			continue;
		if (json_is_null(v)) {
			json_object_del(out, k);
			continue;
		}
		char *sub = xasprintf("%s/%s", path, k);
		json_t *cur = json_object_get(out, k);
		json_t *nv;
		if (json_is_array(v))
			nv = patch_strategic_list(cur, v, k, err, errlen, sub);
		else
			nv = patch_strategic_value(cur, v, err, errlen, sub);
		free(sub);
		if (!nv) {
			json_decref(out);
			return NULL;
		}
		if (json_is_null(nv) && json_is_object(v)) {
			json_object_del(out, k);
			json_decref(nv);
		} else {
			json_object_set_new(out, k, nv);
		}
	}
	/* Second pass: orders, then retained keys. */
	json_object_foreach((json_t *)patch, k, v) {
		if (strncmp(k, "$setElementOrder/", 17))
			continue;
		const char *field = k + 17;
		json_t *list = json_object_get(out, field);
		patch_apply_order(list, v,
				  patch_merge_key(field, json_array_get(v, 0)));
	}
	json_t *retain = json_object_get(patch, "$retainKeys");
	if (retain) {
		if (!json_is_array(retain)) {
			patch_set_err(err, errlen, "strategic merge patch: %s: $retainKeys must be a "
				      "list of strings", path[0] ? path : "/");
			json_decref(out);
			return NULL;
		}
		void *tmp;
		json_object_foreach_safe(out, tmp, k, v) {
			bool keep = false;
			size_t i;
			json_t *r;
			json_array_foreach(retain, i, r)
				keep = keep || (json_is_string(r) && !strcmp(json_string_value(r), k));
			if (!keep)
				json_object_del(out, k);
		}
	}
	return out;
}

static json_t *patch_strategic_value(const json_t *target, const json_t *patch, char *err,
				     size_t errlen, const char *path)
{
	if (json_is_object(patch))
		return patch_strategic_object(target, patch, err, errlen, path);
	return json_deep_copy(patch);
}

json_t *sim_patch_strategic(const json_t *doc, const json_t *patch, char *err, size_t errlen)
{
	if (!json_is_object(patch)) {
		patch_set_err(err, errlen, "strategic merge patch: the patch must be a JSON object");
		return NULL;
	}
	json_t *out = patch_strategic_object(doc, patch, err, errlen, "");
	if (out && json_is_null(out)) {
		json_decref(out);
		patch_set_err(err, errlen, "strategic merge patch: $patch: delete at the top level");
		return NULL;
	}
	return out;
}

/* ---- RFC 6902 ------------------------------------------------------------------------- */

/* A parsed RFC 6901 pointer: its unescaped reference tokens. */
struct pointer {
	char **tok;
	size_t n;
};

static void patch_pointer_free(struct pointer *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->tok[i]);
	free(p->tok);
	p->tok = NULL;
	p->n = 0;
}

static bool patch_pointer_parse(const char *s, struct pointer *p)
{
	p->tok = NULL;
	p->n = 0;
	if (!*s)
		return true;
	if (*s != '/')
		return false;
	while (*s == '/') {
		s++;
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char *t = xmalloc(n + 1);
		size_t o = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '~') {
				if (i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
					t[o++] = s[i + 1] == '0' ? '~' : '/';
					i++;
					continue;
				}
				free(t);
				patch_pointer_free(p);
				return false;
			}
			t[o++] = s[i];
		}
		t[o] = '\0';
		p->tok = xrealloc(p->tok, (p->n + 1) * sizeof(*p->tok));
		p->tok[p->n++] = t;
		s += n;
	}
	return true;
}

/* Array index token: decimal digits without leading zeros; -1 if not an index. */
static long patch_index(const char *t, size_t size, bool allow_end)
{
	if (allow_end && !strcmp(t, "-"))
		return (long)size;
	if (!*t || (t[0] == '0' && t[1]) || strlen(t) > 9)
		return -1;
	for (const char *c = t; *c; c++)
		if (*c < '0' || *c > '9')
			return -1;
	return strtol(t, NULL, 10);
}

/* Walks the first n tokens of p; NULL if a step does not exist. */
static json_t *patch_walk(json_t *doc, const struct pointer *p, size_t n)
{
	json_t *cur = doc;
	for (size_t i = 0; i < n && cur; i++) {
		if (json_is_object(cur)) {
			cur = json_object_get(cur, p->tok[i]);
		} else if (json_is_array(cur)) {
			long idx = patch_index(p->tok[i], json_array_size(cur), false);
			cur = idx < 0 ? NULL : json_array_get(cur, (size_t)idx);
		} else {
			cur = NULL;
		}
	}
	return cur;
}

/* Numbers compare by value (RFC 6902 section 4.6), everything else structurally. */
static bool patch_json_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!patch_json_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)a, k, v) {
			json_t *w = json_object_get(b, k);
			if (!w || !patch_json_equal(v, w))
				return false;
		}
		return true;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

/* Adds value (stolen) at p in *doc; NULL on success, else the reason. */
static const char *patch_do_add(json_t **doc, const struct pointer *p, json_t *value)
{
	if (p->n == 0) {
		json_decref(*doc);
		*doc = value;
		return NULL;
	}
	json_t *parent = patch_walk(*doc, p, p->n - 1);
	const char *last = p->tok[p->n - 1];
	if (json_is_object(parent)) {
		json_object_set_new(parent, last, value);
		return NULL;
	}
	if (json_is_array(parent)) {
		long idx = patch_index(last, json_array_size(parent), true);
		if (idx < 0 || (size_t)idx > json_array_size(parent)) {
			json_decref(value);
			return "array index out of range";
		}
		json_array_insert_new(parent, (size_t)idx, value);
		return NULL;
	}
	json_decref(value);
	return parent ? "parent is not an object or array" : "parent path does not exist";
}

/* Removes the value at p from doc; returns it (new reference) or NULL. */
static json_t *patch_do_remove(json_t *doc, const struct pointer *p)
{
	if (p->n == 0)
		return NULL;
	json_t *parent = patch_walk(doc, p, p->n - 1);
	const char *last = p->tok[p->n - 1];
	if (json_is_object(parent)) {
		json_t *v = json_object_get(parent, last);
		if (!v)
			return NULL;
		json_incref(v);
		json_object_del(parent, last);
		return v;
	}
	if (json_is_array(parent)) {
		long idx = patch_index(last, json_array_size(parent), false);
		if (idx < 0 || (size_t)idx >= json_array_size(parent))
			return NULL;
		json_t *v = json_incref(json_array_get(parent, (size_t)idx));
		json_array_remove(parent, (size_t)idx);
		return v;
	}
	return NULL;
}

/* Applies operation number i; NULL on success or the reason it failed. */
static const char *patch_apply_op(json_t **doc, const json_t *op, const char *opname,
				  const struct pointer *path, const struct pointer *from,
				  const char *path_s, const char *from_s)
{
	json_t *value = json_object_get(op, "value");
	if (!strcmp(opname, "add") || !strcmp(opname, "replace") || !strcmp(opname, "test")) {
		if (!value)
			return "missing \"value\"";
	}
	if (!strcmp(opname, "add"))
		return patch_do_add(doc, path, json_deep_copy(value));
	if (!strcmp(opname, "remove")) {
		if (path->n == 0)
			return "cannot remove the whole document";
		json_t *old = patch_do_remove(*doc, path);
		if (!old)
			return "path does not exist";
		json_decref(old);
		return NULL;
	}
	if (!strcmp(opname, "replace")) {
		if (path->n == 0) {
			json_decref(*doc);
			*doc = json_deep_copy(value);
			return NULL;
		}
		json_t *old = patch_do_remove(*doc, path);
		if (!old)
			return "path does not exist";
		json_decref(old);
		return patch_do_add(doc, path, json_deep_copy(value));
	}
	if (!strcmp(opname, "test")) {
		json_t *cur = patch_walk(*doc, path, path->n);
		if (!cur)
			return "path does not exist";
		return patch_json_equal(cur, value) ? NULL : "test failed: value differs";
	}
	if (!strcmp(opname, "move") || !strcmp(opname, "copy")) {
		if (!from_s)
			return "missing \"from\"";
		bool move = opname[0] == 'm';
		if (move) {
			/* A location cannot be moved into one of its own children. */
			size_t fl = strlen(from_s);
			if (!strncmp(path_s, from_s, fl) && (path_s[fl] == '/' ))
				return "cannot move a value into one of its children";
			if (!strcmp(path_s, from_s))
				return NULL;
			if (from->n == 0)
				return "cannot move the whole document";
			json_t *v = patch_do_remove(*doc, from);
			if (!v)
				return "\"from\" path does not exist";
			return patch_do_add(doc, path, v);
		}
		json_t *v = patch_walk(*doc, from, from->n);
		if (!v)
			return "\"from\" path does not exist";
		return patch_do_add(doc, path, json_deep_copy(v));
	}
	return "unknown operation";
}

json_t *sim_patch_json(const json_t *doc, const json_t *ops, char *err, size_t errlen)
{
	if (!json_is_array(ops)) {
		patch_set_err(err, errlen, "json patch: the patch must be a JSON array of operations");
		return NULL;
	}
	json_t *out = json_deep_copy(doc);
	size_t i;
	json_t *op;
	json_array_foreach((json_t *)ops, i, op) {
		json_t *jop = json_object_get(op, "op");
		json_t *jpath = json_object_get(op, "path");
		json_t *jfrom = json_object_get(op, "from");
		if (!json_is_object(op) || !json_is_string(jop) || !json_is_string(jpath) ||
		    (jfrom && !json_is_string(jfrom))) {
			patch_set_err(err, errlen,
				      "json patch: operation %zu: needs string \"op\" and \"path\"", i);
			json_decref(out);
			return NULL;
		}
		const char *opname = json_string_value(jop);
		const char *path_s = json_string_value(jpath);
		const char *from_s = jfrom ? json_string_value(jfrom) : NULL;
		struct pointer path, from = {0};
		if (!patch_pointer_parse(path_s, &path)) {
			patch_set_err(err, errlen, "json patch: operation %zu (%s): invalid path \"%s\"",
				      i, opname, path_s);
			json_decref(out);
			return NULL;
		}
		if (from_s && !patch_pointer_parse(from_s, &from)) {
			patch_set_err(err, errlen, "json patch: operation %zu (%s): invalid from \"%s\"",
				      i, opname, from_s);
			patch_pointer_free(&path);
			json_decref(out);
			return NULL;
		}
		const char *why = patch_apply_op(&out, op, opname, &path, &from, path_s, from_s);
		patch_pointer_free(&path);
		patch_pointer_free(&from);
		if (why) {
			patch_set_err(err, errlen, "json patch: operation %zu (%s %s): %s", i, opname,
				      path_s, why);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
