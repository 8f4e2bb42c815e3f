/* Unit tests for core/audit: the path rules, the JSON line, appending, token masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/audit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_default_path(void **state)
{
	(void)state;
	char err[200];
	setenv("XDG_STATE_HOME", "/x/state", 1);
	char *p = audit_default_path(err, sizeof(err));
	assert_string_equal(p, "/x/state/warroom/audit.jsonl");
	free(p);
	/* A relative XDG_STATE_HOME is invalid per the spec: HOME is used. */
	setenv("XDG_STATE_HOME", "rel", 1);
	setenv("HOME", "/home/op", 1);
	p = audit_default_path(err, sizeof(err));
	assert_string_equal(p, "/home/op/.local/state/warroom/audit.jsonl");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "", 1);
	assert_null(audit_default_path(err, sizeof(err)));
	assert_non_null(strstr(err, "HOME"));
}

static void test_format_fields_and_masking(void **state)
{
	(void)state;
	struct audit a;
	char err[200];
	assert_int_equal(audit_init(&a, "/tmp/unused", "prod", "alice", "https://k:6443", err, sizeof(err)), 0);
	const char *objs[] = { "deployment/web", "deployment/api" };
	struct audit_record r = { .command = "scale deployment/web 3", .ns = "ingest", .objects = objs,
				  .nobjects = 2, .result = "attempted",
				  .error = "401: header Authorization: Bearer abc.def-SECRET rejected" };
	char *line = audit_format(&a, &r, 0);
	json_t *j = json_loads(line, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "time")), "1970-01-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "context")), "prod");
	assert_string_equal(json_string_value(json_object_get(j, "kube_user")), "alice");
	assert_string_equal(json_string_value(json_object_get(j, "namespace")), "ingest");
	assert_string_equal(json_string_value(json_object_get(j, "result")), "attempted");
	assert_int_equal(json_array_size(json_object_get(j, "objects")), 2);
	assert_true(json_is_false(json_object_get(j, "dry_run")));
	assert_true(json_string_value(json_object_get(j, "user"))[0] != '\0');
	assert_null(strstr(line, "SECRET"));
	assert_non_null(strstr(line, "Bearer ***"));
	assert_null(strchr(line, '\n'));
	json_decref(j);
	free(line);
	/* Not UTF-8: still one valid JSON line. */
	struct audit_record bad = { .command = "delete pod/\xff\xfe", .result = "failed" };
	line = audit_format(&a, &bad, 0);
	j = json_loads(line, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "error")));
	assert_non_null(strstr(json_string_value(json_object_get(j, "command")), "delete pod/"));
	json_decref(j);
	free(line);
	audit_free(&a);
}

static void test_write_appends(void **state)
{
	(void)state;
	char dir[] = "/tmp/warroom-audit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[200];
	snprintf(path, sizeof(path), "%s/a/b/audit.jsonl", dir);
	struct audit a;
	char err[300];
	assert_int_equal(audit_init(&a, path, NULL, NULL, NULL, err, sizeof(err)), 0);
	struct audit_record r = { .command = "cordon n1", .result = "attempted" };
	assert_int_equal(audit_write(&a, &r, err, sizeof(err)), 0);
	r.result = "ok";
	assert_int_equal(audit_write(&a, &r, err, sizeof(err)), 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[2000];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "result")), n == 0 ? "attempted" : "ok");
		json_decref(j);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 2);
	audit_free(&a);
	/* A path that cannot be created names the directory. */
	assert_int_equal(audit_init(&a, "/proc/warroom-no/audit.jsonl", NULL, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(audit_write(&a, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/proc/warroom-no"));
	audit_free(&a);
	snprintf(line, sizeof(line), "rm -rf '%s'", dir);
	assert_int_equal(system(line), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_format_fields_and_masking),
		cmocka_unit_test(test_write_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
