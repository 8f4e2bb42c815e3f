/* libFuzzer target for ssh/checks' df -P, uptime and free -b parsers (output of a hostile
 * or broken remote host).  Build by hand or with `make fuzz`:
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_df.c ssh/checks.c core/xalloc.c -ljansson -o build/fuzz/fuzz_df
 *   build/fuzz/fuzz_df -max_total_time=60 tests/fuzz/corpus/df
 * Checks the contract of checks.h: never crashes, reads only [data, data+size), on success
 * every mount and filesystem is a NUL-terminated string within the input and use % is
 * -1..1000; on failure the table is empty and the message is set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy so ASan catches any read past the end. */
	char *in = malloc(size ? size : 1);
	memcpy(in, data, size);
	struct df_table t;
	char err[256] = "";
	if (checks_parse_df(in, size, &t, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < t.n; i++) {
			if (!t.v[i].mount || !t.v[i].fs || strlen(t.v[i].mount) > size ||
			    t.v[i].use_pct < -1 || t.v[i].use_pct > 1000)
				abort();
		}
		checks_free_df(&t);
	} else if (t.n != 0 || t.v != NULL || err[0] == '\0') {
		abort();
	}
	struct load_info li;
	(void)checks_parse_uptime(in, size, &li, err, sizeof(err));
	(void)checks_parse_free(in, size, &li, err, sizeof(err));
	free(in);
	return 0;
}
