/* libFuzzer target for ssh/checks' pm2 jlist parser (output of a hostile or broken remote
 * host: chatter, truncated JSON, odd types).  Build by hand or with `make fuzz`:
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_pm2.c ssh/checks.c core/xalloc.c -ljansson -o build/fuzz/fuzz_pm2
 *   build/fuzz/fuzz_pm2 -max_total_time=60 tests/fuzz/corpus/pm2
 * Checks: never crashes; on success every process has a name and a status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	memcpy(in, data, size);
	struct pm2_list l;
	char err[256] = "";
	if (checks_parse_pm2(in, size, &l, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < l.n; i++)
			if (!l.v[i].name || !l.v[i].status)
				abort();
		checks_free_pm2(&l);
	} else if (l.n != 0 || l.v != NULL || err[0] == '\0') {
		abort();
	}
	free(in);
	return 0;
}
