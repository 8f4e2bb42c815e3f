/* libFuzzer target for what a pm2 host sends back: ssh/checks' `pm2 jlist` parser (output
 * of a hostile or broken remote host: chatter, truncated JSON, odd types) and ssh/pm2_rpc's
 * reply decoder (bytes from a daemon's socket: AMP frames with hostile lengths, wrong ids,
 * bad JSON).  Build by hand or with `make fuzz`:
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_pm2.c ssh/checks.c ssh/pm2_rpc.c core/xalloc.c -ljansson \
 *     -o build/fuzz/fuzz_pm2
 *   build/fuzz/fuzz_pm2 -max_total_time=60 tests/fuzz/corpus/pm2
 * Checks: never crashes; on success every process has a name and a status; a failure
 * leaves no rows and names its cause; the incremental frame check agrees with the
 * decoder on every prefix's verdict (a whole frame never becomes "more" again). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/checks.h"
#include "ssh/pm2_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parse result: rows with names and statuses, or none and a reason. */
static void fuzz_check_list(int rc, struct pm2_list *l, const char *err)
{
	if (rc == 0) {
		for (size_t i = 0; i < l->n; i++)
			if (!l->v[i].name || !l->v[i].status)
				abort();
		checks_free_pm2(l);
	} else if (l->n != 0 || l->v != NULL || err[0] == '\0') {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	memcpy(in, data, size);
	struct pm2_list l;
	char err[256] = "";
	fuzz_check_list(checks_parse_pm2(in, size, &l, err, sizeof(err)), &l, err);

	/* The same bytes as a daemon's reply: its id is the one warroom would send. */
	err[0] = '\0';
	int rc = pm2_rpc_parse_reply(in, size, "warroom:1", "fuzz", &l, err, sizeof(err));
	fuzz_check_list(rc, &l, err);
	if (rc < 0 && strncmp(err, "pm2 RPC on fuzz: ", 17) != 0)
		abort();
	size_t flen = 0;
	enum pm2_rpc_frame_state st = pm2_rpc_frame_check(in, size, PM2_RPC_MAX_REPLY, &flen, err,
							  sizeof(err));
	if (st == PM2_RPC_FRAME_WHOLE && (flen == 0 || flen > size))
		abort();
	if (rc == 0 && st != PM2_RPC_FRAME_WHOLE)
		abort();
	if (pm2_rpc_reply_done(in, size) != (st != PM2_RPC_FRAME_MORE))
		abort();
	/* A whole frame stays whole, with the same length, when more bytes follow it. */
	if (st == PM2_RPC_FRAME_WHOLE && flen < size) {
		size_t again = 0;
		if (pm2_rpc_frame_check(in, flen, PM2_RPC_MAX_REPLY, &again, NULL, 0) !=
		    PM2_RPC_FRAME_WHOLE || again != flen)
			abort();
	}
	free(in);
	return 0;
}
