/* Unit tests for core/commands: the table, parsing, argument shapes, completion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/commands.h"

#include <string.h>

static void test_table_names_unique_and_documented(void **state)
{
	(void)state;
	for (size_t i = 0; i < CMD__COUNT; i++) {
		assert_int_equal(commands_table[i].id, i);
		assert_true(strlen(commands_table[i].name) > 0);
		assert_true(strlen(commands_table[i].help) > 5);
		for (size_t j = i + 1; j < CMD__COUNT; j++)
			assert_string_not_equal(commands_table[i].name, commands_table[j].name);
	}
	/* The commands this increment promises. */
	const char *need[] = { "quit", "pods", "nodes", "workloads", "events", "describe", "zoom", "next-pane",
			       "filter", "sort", "sort-next", "ns", "ctx", "help", "refresh" };
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		assert_non_null(commands_find(need[i], strlen(need[i])));
	assert_null(commands_find("qui", 3));
}

static void test_parse_ok(void **state)
{
	(void)state;
	struct command_call c;
	char err[200];
	assert_int_equal(commands_parse("  quit  ", &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, CMD_QUIT);
	assert_string_equal(c.arg, "");
	assert_int_equal(commands_parse("ns ingest\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, CMD_NS);
	assert_string_equal(c.arg, "ingest");
	assert_int_equal(commands_parse("filter crash loop ", &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, CMD_FILTER);
	assert_string_equal(c.arg, "crash loop");
	assert_int_equal(commands_parse("filter", &c, err, sizeof(err)), 0);
	assert_string_equal(c.arg, "");
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct command_call c;
	char err[200];
	assert_int_equal(commands_parse("explode", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown command 'explode'");
	assert_int_equal(commands_parse("", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "empty command");
	assert_int_equal(commands_parse("ns", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "'ns' needs a NAME");
	assert_int_equal(commands_parse("ns a b", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "one NAME"));
	assert_int_equal(commands_parse("quit now", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "'quit' takes no argument");
	/* Control bytes in an unknown name are not echoed. */
	assert_int_equal(commands_parse("\x1b[2Jx", &c, err, sizeof(err)), -1);
	assert_null(strchr(err, '\x1b'));
	char longarg[400];
	memset(longarg, 'a', sizeof(longarg));
	memcpy(longarg, "filter ", 7);
	longarg[sizeof(longarg) - 1] = '\0';
	assert_int_equal(commands_parse(longarg, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

static void test_complete(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(commands_complete("qu", out, sizeof(out)), 1);
	assert_string_equal(out, "quit");
	/* "pods", "page-up", "page-down", "prompt-..." share only "p" */
	assert_true(commands_complete("p", out, sizeof(out)) > 1);
	assert_string_equal(out, "p");
	assert_int_equal(commands_complete("page-", out, sizeof(out)), 2);
	assert_string_equal(out, "page-");
	assert_int_equal(commands_complete("zz", out, sizeof(out)), 0);
	assert_string_equal(out, "zz");
}

static void test_new_commands_parse(void **state)
{
	(void)state;
	struct command_call c;
	char err[200];
	assert_int_equal(commands_parse("describe pod/ingest/web-1", &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, CMD_DESCRIBE);
	assert_string_equal(c.arg, "pod/ingest/web-1");
	assert_int_equal(commands_parse("describe", &c, err, sizeof(err)), 0); /* the selection */
	assert_string_equal(c.arg, "");
	assert_int_equal(commands_parse("sort RESTARTS", &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, CMD_SORT);
	assert_int_equal(commands_parse("ctx", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "'ctx' needs a NAME");
	assert_int_equal(commands_parse("workloads x", &c, err, sizeof(err)), -1);
	assert_int_equal(commands_arg_completion(CMD_NS), CMD_COMPLETE_NAMESPACE);
	assert_int_equal(commands_arg_completion(CMD_DESCRIBE), CMD_COMPLETE_OBJECT);
	assert_int_equal(commands_arg_completion(CMD_SORT), CMD_COMPLETE_COLUMN);
	assert_int_equal(commands_arg_completion(CMD_QUIT), CMD_COMPLETE_NONE);
	assert_string_equal(commands_arg_name(CMD_NS), "NAME|all");
	assert_string_equal(commands_arg_name(CMD_QUIT), "");
	/* Every command with an argument names it for the help screen. */
	for (size_t i = 0; i < CMD__COUNT; i++)
		assert_int_equal(commands_table[i].arg == CMD_ARG_NONE, commands_arg_name(commands_table[i].id)[0] == '\0');
}

static void test_complete_word(void **state)
{
	(void)state;
	char out[64];
	const char *ns[] = { "all", "default", "ingest", "ingest", "kube-system", "managed-services" };
	assert_int_equal(commands_complete_word("in", ns, 6, out, sizeof(out)), 1);
	assert_string_equal(out, "ingest");
	assert_int_equal(commands_complete_word("", ns, 6, out, sizeof(out)), 5);
	assert_string_equal(out, "");
	assert_int_equal(commands_complete_word("ma", ns, 6, out, sizeof(out)), 1);
	assert_string_equal(out, "managed-services");
	const char *objs[] = { "pod/ingest-broker-1", "pod/ingest-core-1", "pod/ingest-core-2", "node/n1" };
	assert_int_equal(commands_complete_word("pod/ingest-c", objs, 4, out, sizeof(out)), 2);
	assert_string_equal(out, "pod/ingest-core-");
	assert_int_equal(commands_complete_word("pod/x", objs, 4, out, sizeof(out)), 0);
	assert_string_equal(out, "pod/x");
	assert_int_equal(commands_complete_word("n", objs, 4, out, 4), 1);
	assert_string_equal(out, "nod"); /* cut to the buffer */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_names_unique_and_documented),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_new_commands_parse),
		cmocka_unit_test(test_complete_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
