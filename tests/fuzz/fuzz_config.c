/* libFuzzer target for core/config (the user's config.yaml: hosts, checks, limits) over
 * arbitrary file content.  Built by `make fuzz`.
 * Checks the contract of config.h: never crashes; success gives no message and a failure
 * a one-line message; the loaded config can be queried and freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	memset(&c, 0, sizeof(c));
	char *err = NULL;
	if (config_load_string("fuzz.yaml", (const char *)data, size, &c, &err) == 0) {
		if (err)
			abort();
		for (size_t i = 0; i < c.nhosts; i++) {
			int warn = -1, crit = -1;
			config_disk_limits(&c.hosts[i], "/", &warn, &crit);
		}
		config_find_host(&c, "web-1");
		config_free(&c);
	} else {
		if (!err || !*err || strchr(err, '\n'))
			abort();
		free(err);
	}
	return 0;
}
