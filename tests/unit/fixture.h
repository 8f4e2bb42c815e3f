#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H
/* tests/unit/fixture.h: reading a file of tests/fixtures/ into memory, shared by the unit
 * tests (static inline: each test is one translation unit, so nothing to link).
 *
 * fixture_read(name, &len) returns the whole of tests/fixtures/NAME, NUL-terminated, in
 * a malloc'd buffer the caller frees; len (may be NULL) gets its size without the NUL.
 * A missing or unreadable file fails the running test with its path: tests/run starts
 * every test from the repository root.
 * Include after <cmocka.h> (it reports through fail_msg). */
#include <stdio.h>
#include <stdlib.h>

static inline char *fixture_read(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		n += fread(buf + n, 1, cap - 1 - n, f);
		if (n < cap - 1)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		assert_non_null(buf);
	}
	if (ferror(f))
		fail_msg("cannot read %s", path);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

#endif
