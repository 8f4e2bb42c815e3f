/* libFuzzer target for matrix definitions (core/matrix on kube/yaml) and the symptom
 * lookup (core/symptom) over arbitrary bytes.  Build by hand:
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_matrix.c core/matrix.c core/symptom.c kube/yaml.c core/xalloc.c \
 *     -lyaml -ljansson -o build/fuzz_matrix
 *   build/fuzz_matrix -max_total_time=60 tests/fuzz/corpus/matrix
 * Checks the contracts: never crashes; a failure is one line starting with the file name;
 * a success has named services with a namespace, a target and at least one check; the
 * input used as a symptom query ranks without crashing and only returns real services. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/matrix.h"
#include "core/symptom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matrix m;
	matrix_init(&m);
	char *err = NULL;
	if (matrix_load_string(&m, "fuzz.yaml", (const char *)data, size, &err) < 0) {
		if (!err || strncmp(err, "fuzz.yaml", 9) != 0 || strchr(err, '\n'))
			abort();
		free(err);
	} else {
		for (size_t i = 0; i < m.nservices; i++) {
			const struct matrix_service *s = &m.services[i];
			if (!s->name || !s->ns || !s->nchecks || (!s->workload && !s->selector))
				abort();
			char buf[1200];
			matrix_format_target(s, buf, sizeof(buf));
			for (size_t c = 0; c < s->nchecks; c++)
				matrix_format_check(&s->checks[c], buf, sizeof(buf));
		}
	}
	/* The same bytes as a query (NUL-terminated, cut at the first NUL). */
	char *q = malloc(size + 1);
	if (!q)
		abort();
	memcpy(q, data, size);
	q[size] = '\0';
	struct symptom_hit hits[8];
	char qerr[200];
	long n = symptom_rank(&m, q, NULL, hits, 8, qerr, sizeof(qerr));
	for (long i = 0; i < n && i < 8; i++)
		if (hits[i].service >= m.nservices || hits[i].score <= 0)
			abort();
	free(q);
	matrix_free(&m);
	return 0;
}
