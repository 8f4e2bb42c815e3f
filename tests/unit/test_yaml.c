/* Unit tests for kube/yaml: scalar resolution, marks and plain text, anchors and aliases,
 * every refusal (syntax, multi-document, alias bombs, depth, duplicate keys), and the
 * reader helpers (yaml_read_*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kube/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yaml_doc *load(const char *text)
{
	char *err = NULL;
	struct yaml_doc *d = yaml_doc_load_string("t.yaml", text, strlen(text), &err);
	if (!d)
		fail_msg("unexpected error: %s", err);
	assert_null(err);
	return d;
}

/* Loads text expecting failure; returns the message (caller frees). */
static char *load_err(const char *text)
{
	char *err = NULL;
	struct yaml_doc *d = yaml_doc_load_string("t.yaml", text, strlen(text), &err);
	if (d) {
		yaml_doc_free(d);
		fail_msg("expected an error for: %s", text);
	}
	assert_non_null(err);
	return err;
}

static void assert_err_contains(const char *text, const char *want)
{
	char *err = load_err(text);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	free(err);
}

static void test_scalars(void **state)
{
	(void)state;
	struct yaml_doc *d = load("s: hello\nq: 'true'\nb1: true\nb2: no\nb3: On\nn1: ~\nn2:\n"
				  "i: 42\nneg: -7\nhex: 0x1F\noct: 0o17\nr: 1.5\ne: 2e3\n"
				  "inf: .inf\nver: 1.2.3\nlit: |\n  a\n  b\nstr: !!str 12\n");
	json_t *r = yaml_doc_root(d);
	assert_true(json_is_object(r));
	assert_string_equal(json_string_value(json_object_get(r, "s")), "hello");
	assert_string_equal(json_string_value(json_object_get(r, "q")), "true");
	assert_true(json_is_true(json_object_get(r, "b1")));
	assert_true(json_is_false(json_object_get(r, "b2")));
	assert_true(json_is_true(json_object_get(r, "b3")));
	assert_true(json_is_null(json_object_get(r, "n1")));
	assert_true(json_is_null(json_object_get(r, "n2")));
	assert_int_equal(json_integer_value(json_object_get(r, "i")), 42);
	assert_int_equal(json_integer_value(json_object_get(r, "neg")), -7);
	assert_int_equal(json_integer_value(json_object_get(r, "hex")), 31);
	assert_int_equal(json_integer_value(json_object_get(r, "oct")), 15);
	assert_true(json_is_real(json_object_get(r, "r")));
	assert_true(json_real_value(json_object_get(r, "e")) == 2000.0);
	assert_string_equal(json_string_value(json_object_get(r, "inf")), ".inf");
	assert_string_equal(json_string_value(json_object_get(r, "ver")), "1.2.3");
	assert_string_equal(json_string_value(json_object_get(r, "lit")), "a\nb\n");
	assert_string_equal(json_string_value(json_object_get(r, "str")), "12");
	/* the text of plain scalars survives resolution; quoted ones have none */
	assert_string_equal(yaml_doc_text(d, r, "b2", 0), "no");
	assert_string_equal(yaml_doc_text(d, r, "hex", 0), "0x1F");
	assert_null(yaml_doc_text(d, r, "q", 0));
	assert_null(yaml_doc_text(d, r, "lit", 0));
	yaml_doc_free(d);
}

static void test_marks(void **state)
{
	(void)state;
	struct yaml_doc *d = load("# comment\nclusters:\n- name: a\n  cluster:\n    server: x\n"
				  "- name: b\n");
	json_t *r = yaml_doc_root(d);
	json_t *list = json_object_get(r, "clusters");
	assert_int_equal(yaml_doc_mark(d, r, "clusters", 0).line, 3);
	assert_int_equal(yaml_doc_mark(d, list, NULL, 0).line, 3);
	assert_int_equal(yaml_doc_mark(d, list, NULL, 1).line, 6);
	json_t *c = json_object_get(json_array_get(list, 0), "cluster");
	struct yaml_mark m = yaml_doc_mark(d, c, "server", 0);
	assert_int_equal(m.line, 5);
	assert_int_equal(m.col, 13);
	assert_int_equal(yaml_doc_mark(d, c, "missing", 0).line, 0);
	assert_int_equal(yaml_doc_mark(d, NULL, NULL, 0).line, 2);
	yaml_doc_free(d);
}

static void test_anchors(void **state)
{
	(void)state;
	struct yaml_doc *d = load("base: &b {server: x, n: 1}\nuse: *b\nlist: [&s v, *s]\n");
	json_t *r = yaml_doc_root(d);
	assert_ptr_equal(json_object_get(r, "base"), json_object_get(r, "use"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "list"), 1)), "v");
	assert_int_equal(yaml_doc_mark(d, r, "use", 0).line, 2);
	yaml_doc_free(d);
}

static void test_empty(void **state)
{
	(void)state;
	struct yaml_doc *d = load("");
	assert_true(json_is_null(yaml_doc_root(d)));
	yaml_doc_free(d);
	d = load("# only a comment\n");
	assert_true(json_is_null(yaml_doc_root(d)));
	yaml_doc_free(d);
	d = load("---\n- 1\n...\n");
	assert_true(json_is_array(yaml_doc_root(d)));
	yaml_doc_free(d);
}

static void test_errors(void **state)
{
	(void)state;
	char *err = load_err("a: 1\nb: [1, 2\nc: 3\n");
	assert_true(strncmp(err, "t.yaml:", 7) == 0);
	free(err);
	assert_err_contains("a: b: c\n", "t.yaml:1:5: mapping values are not allowed");
	assert_err_contains("a: 1\n---\nb: 2\n", "t.yaml:2:1: a second YAML document");
	assert_err_contains("a: 1\na: 2\n", "t.yaml:2:1: duplicate key \"a\"");
	assert_err_contains("? [a]\n: 1\n", "mapping keys must be scalars");
	assert_err_contains("a: *nope\n", "t.yaml:1:4: unknown anchor \"nope\"");
	assert_err_contains("a: &x [*x]\n", "unknown anchor \"x\"");
	assert_err_contains("\"a\\0b\": 1\n", "NUL byte");
	assert_err_contains("a: \"\xff\"\n", "t.yaml: byte");
}

static void test_alias_bomb(void **state)
{
	(void)state;
	/* the "billion laughs": 10 levels of 10 aliases */
	char text[2048];
	size_t o = (size_t)snprintf(text, sizeof(text), "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++) {
		o += (size_t)snprintf(text + o, sizeof(text) - o, "l%d: &l%d [", i, i);
		for (int k = 0; k < 10; k++)
			o += (size_t)snprintf(text + o, sizeof(text) - o, "*l%d%s", i - 1,
					      k < 9 ? ", " : "]\n");
	}
	char *err = load_err(text);
	assert_non_null(strstr(err, "more than 1000000 nodes"));
	free(err);
}

static void test_depth(void **state)
{
	(void)state;
	char text[1024];
	memset(text, '[', 300);
	text[300] = '\0';
	char *err = load_err(text);
	assert_non_null(strstr(err, "nesting deeper than 100"));
	free(err);
}

static void test_file(void **state)
{
	(void)state;
	char *err = NULL;
	struct yaml_doc *d = yaml_doc_load_file("tests/fixtures/kubeconfig/first.yaml", &err);
	assert_non_null(d);
	assert_string_equal(yaml_doc_name(d), "tests/fixtures/kubeconfig/first.yaml");
	yaml_doc_free(d);
	d = yaml_doc_load_file("tests/fixtures/kubeconfig/nope.yaml", &err);
	assert_null(d);
	assert_string_equal(err, "tests/fixtures/kubeconfig/nope.yaml: No such file or directory");
	free(err);
}

/* The reader helpers config.yaml and matrix files are read with: FILE:LINE errors,
 * unknown keys as errors or as capped warnings, text values and their rules. */
static void test_reader(void **state)
{
	(void)state;
	struct yaml_doc *d = load("a: 1\nname: 2024\n\"bad\\x01\": x\ntext: \"two words\"\nlist: [x]\n"
				  "multi: \"l1\\nl2\"\nnul: \"a\\0b\"\nempty: ''\nnone: ~\n");
	char *err = NULL;
	struct yaml_reader r = { d, &err };
	json_t *root = yaml_doc_root(d);

	assert_int_equal(yaml_read_fail(&r, 3, "x: %s", "wrong"), -1);
	assert_string_equal(err, "t.yaml:3: x: wrong");
	free(err);
	assert_int_equal(yaml_read_fail(&r, 0, "empty"), -1);
	assert_string_equal(err, "t.yaml: empty");
	free(err);
	err = NULL;
	assert_int_equal(yaml_read_line(&r, root, "text", 0), 4);

	/* Unknown keys: warnings (the control byte shown as '?'), capped; or the first as an error. */
	static const char *const keys[] = { "a", "name", "text", "list", "multi", "nul", "empty", "none", NULL };
	char **warn = NULL;
	size_t nwarn = 0;
	assert_int_equal(yaml_read_keys(&r, root, "top", keys, &warn, &nwarn, 5), 0);
	assert_int_equal(nwarn, 1);
	assert_string_equal(warn[0], "t.yaml:3: top.bad?: unknown key (ignored)");
	assert_int_equal(yaml_read_keys(&r, root, "", keys, &warn, &nwarn, 1), 0);
	assert_int_equal(nwarn, 1); /* the cap */
	free(warn[0]);
	free(warn);
	assert_null(err);
	static const char *const two[] = { "a", "name", NULL };
	assert_int_equal(yaml_read_keys(&r, root, "", two, NULL, NULL, 0), -1);
	assert_string_equal(err, "t.yaml:3: bad?: unknown key (expected one of: a, name)");
	free(err);
	err = NULL;

	/* Text: plain scalars as written, the rules for blanks, newlines, length, NUL. */
	char *out = NULL;
	assert_int_equal(yaml_read_text(&r, root, "name", 0, "name", 0, 0, &out), 0);
	assert_string_equal(out, "2024");
	free(out);
	assert_int_equal(yaml_read_text(&r, root, "none", 0, "none", 0, 0, &out), 0);
	assert_null(out);
	assert_int_equal(yaml_read_text(&r, root, "absent", 0, "absent", 0, 0, &out), 0);
	assert_null(out);
	assert_int_equal(yaml_read_text(&r, root, "text", 0, "text", YAML_TEXT_BLANKS, 0, &out), 0);
	assert_string_equal(out, "two words");
	free(out);
	struct { const char *key; unsigned flags; size_t max; const char *want; } bad[] = {
		{ "text", 0, 0, "t.yaml:4: text: contains control characters or blanks" },
		{ "text", YAML_TEXT_BLANKS, 5, "t.yaml:4: text: longer than 5 bytes" },
		{ "multi", YAML_TEXT_BLANKS, 0, "t.yaml:6: multi: contains control characters" },
		{ "list", YAML_TEXT_BLANKS, 0, "t.yaml:5: list: expected a string" },
		{ "nul", YAML_TEXT_BLANKS, 0, "t.yaml:7: nul: contains a NUL byte" },
		{ "empty", YAML_TEXT_BLANKS, 0, "t.yaml:8: empty: must not be empty" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(yaml_read_text(&r, root, bad[i].key, 0, bad[i].key, bad[i].flags, bad[i].max, &out), -1);
		assert_null(out);
		assert_string_equal(err, bad[i].want);
		free(err);
		err = NULL;
	}
	assert_int_equal(yaml_read_text(&r, root, "multi", 0, "multi", YAML_TEXT_MULTILINE, 0, &out), 0);
	assert_string_equal(out, "l1\nl2");
	free(out);
	assert_true(yaml_text_clean("a b", YAML_TEXT_BLANKS));
	assert_false(yaml_text_clean("a\tb", YAML_TEXT_BLANKS));
	assert_false(yaml_text_clean("a\x7f", YAML_TEXT_BLANKS | YAML_TEXT_MULTILINE));
	yaml_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
