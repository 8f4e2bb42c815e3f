/* libFuzzer target for kube/podstatus over arbitrary JSON (a pod from a hostile API
 * server).  Build by hand (see the report / `make fuzz`):
 *   clang -std=c11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_podstatus.c kube/podstatus.c -ljansson -o build/fuzz_podstatus
 *   build/fuzz_podstatus -max_total_time=60 tests/fuzz/corpus/podstatus
 * Checks the contract of podstatus.h: never fails, STATUS is terminated printable ASCII,
 * counts are never negative. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/podstatus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *pod = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!pod)
		return 0;
	struct kube_pod_status st;
	memset(&st, 0xA5, sizeof(st));
	kube_pod_status(pod, &st);
	json_decref(pod);
	size_t n = strnlen(st.status, sizeof(st.status));
	if (n == sizeof(st.status))
		abort();
	for (size_t i = 0; i < n; i++)
		if (st.status[i] < 0x20 || st.status[i] > 0x7E)
			abort();
	if (st.ready < 0 || st.total < 0 || st.restarts < 0 || st.last_restart < 0)
		abort();
	if (st.restarts == 0 && st.last_restart != 0)
		abort();
	return 0;
}
