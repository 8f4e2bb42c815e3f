/* libFuzzer target for decode_status_message (kube/decode): the text warroom shows for an
 * error response, from any body a server (or a proxy in front of it) may send: a Status
 * object, HTML, nothing, binary.  Built by `make fuzz`.
 * Checks the contract: never crashes, the output is always terminated inside its buffer
 * and never empty, for every buffer size down to 1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 2, 7, 64, 512 };
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *out = malloc(caps[i]);
		if (!out)
			return 0;
		memset(out, 0xA5, caps[i]);
		decode_status_message((const char *)data, size, out, caps[i]);
		if (!memchr(out, 0, caps[i]))
			abort();
		if (caps[i] > 1 && !out[0])
			abort();
		free(out);
	}
	return 0;
}
