/* Unit tests for core/symptom: the reverse lookups of issue 6 against the shipped ingest
 * definitions, ranking rules and query errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/matrix.h"
#include "core/symptom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	struct matrix *m = calloc(1, sizeof(*m));
	matrix_init(m);
	char *err = NULL;
	if (matrix_load_file(m, "runbooks/ingest.yaml", &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	matrix_free(*state);
	free(*state);
	return 0;
}

/* The names of the ranked services, comma-separated. */
static void rank(const struct matrix *m, const char *q, const bool *unhealthy, char *out, size_t cap)
{
	struct symptom_hit hits[16];
	char err[200];
	long n = symptom_rank(m, q, unhealthy, hits, 16, err, sizeof(err));
	assert_true(n >= 0);
	out[0] = '\0';
	for (long i = 0; i < n && i < 16; i++) {
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s", i ? "," : "", m->services[hits[i].service].name);
	}
}

static void test_issue_lookups(void **state)
{
	const struct matrix *m = *state;
	char got[400];
	rank(m, "\"stuck in Pending\"", NULL, got, sizeof(got));
	assert_string_equal(got, "state tracking,validator");
	rank(m, "\"Loading your submissions\"", NULL, got, sizeof(got));
	assert_string_equal(got, "core");
	rank(m, "'An error occurred in uploading spreadsheet'", NULL, got, sizeof(got));
	assert_string_equal(got, "broker");
	/* case-insensitive, punctuation ignored */
	rank(m, "\"STUCK IN DRAFT\"", NULL, got, sizeof(got));
	assert_string_equal(got, "accessioner,validator");
}

static void test_words_rank(void **state)
{
	const struct matrix *m = *state;
	char got[400];
	/* "spreadsheet" in broker (UI + test) and core (UI + test); "upload" finds "uploading"
	 * as a prefix; broker and core both name the spreadsheet twice: definition order. */
	rank(m, "spreadsheet", NULL, got, sizeof(got));
	assert_string_equal(got, "broker,core");
	/* A fragment outweighs loose words: only core says "quickly". */
	rank(m, "spreadsheet fail quickly", NULL, got, sizeof(got));
	assert_string_equal(strtok(got, ","), "core");
	/* "Upload Area Location" is the staging manager's */
	rank(m, "upload area", NULL, got, sizeof(got));
	assert_string_equal(strtok(got, ","), "staging manager");
	/* common words alone are ignored when the query has others */
	rank(m, "the envelope", NULL, got, sizeof(got));
	assert_string_equal(got, "accessioner,state tracking,validator");
	rank(m, "kafka", NULL, got, sizeof(got));
	assert_string_equal(got, "");
}

static void test_unhealthy_first_on_ties(void **state)
{
	const struct matrix *m = *state;
	bool unhealthy[8] = { false };
	unhealthy[7] = true; /* validator down */
	char got[400];
	rank(m, "\"stuck in Pending\"", unhealthy, got, sizeof(got));
	assert_string_equal(got, "validator,state tracking");
	struct symptom_hit hits[4];
	char err[100];
	long n = symptom_rank(m, "\"stuck in Pending\"", unhealthy, hits, 4, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_true(hits[0].unhealthy);
	assert_false(hits[1].unhealthy);
	assert_int_equal(hits[0].channels, 1u); /* UI only */
	/* cap smaller than the matches: the count is still the total */
	n = symptom_rank(m, "pending", NULL, hits, 1, err, sizeof(err));
	assert_int_equal(n, 2);
}

static void test_query_errors(void **state)
{
	const struct matrix *m = *state;
	struct symptom_hit hits[4];
	char err[200];
	assert_int_equal(symptom_rank(m, "\"stuck in", NULL, hits, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unterminated"));
	assert_int_equal(symptom_rank(m, "   ", NULL, hits, 4, err, sizeof(err)), -1);
	assert_int_equal(symptom_rank(m, "\"...\"", NULL, hits, 4, err, sizeof(err)), -1);
	/* only common words: they are used rather than nothing */
	assert_true(symptom_rank(m, "will", NULL, hits, 4, err, sizeof(err)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_lookups),
		cmocka_unit_test(test_words_rank),
		cmocka_unit_test(test_unhealthy_first_on_ties),
		cmocka_unit_test(test_query_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
