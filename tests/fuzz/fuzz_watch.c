/* libFuzzer target for kube/watch: the framing of a watch stream split into chunks at
 * arbitrary bytes, and the decoding of every line into the model.  Input: byte 0 picks
 * the resource, byte 1 the chunk size (1..64), byte 2 max_line (1..254, or the default
 * when 0 or 255); the rest is the stream.  Built by `make fuzz`.
 * Checks the contracts of watch.h: never crashes; framing is independent of the chunking
 * (the same lines come out of one big feed and of many small ones); a line longer than
 * max_line is an error, never handed out; a failed line leaves a one-line message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "kube/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_watch_ctx {
	enum kube_resource r;
	struct model m;
	size_t max_line;
	unsigned long hash;  /* of the lines seen, to compare two chunkings */
	size_t lines;
};

static bool fuzz_watch_line(void *ud, const char *line, size_t len)
{
	struct fuzz_watch_ctx *c = ud;
	if (len > c->max_line || memchr(line, '\n', len))
		abort();
	for (size_t i = 0; i < len; i++)
		c->hash = c->hash * 131 + (unsigned char)line[i];
	c->hash = c->hash * 131 + 10;
	c->lines++;
	struct watch_event ev;
	char err[200];
	err[0] = '\0';
	if (watch_apply_line(c->r, line, len, &c->m, &ev, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
	} else if (!memchr(ev.rv, 0, sizeof(ev.rv)) || !memchr(ev.reason, 0, sizeof(ev.reason)) ||
		   !memchr(ev.message, 0, sizeof(ev.message))) {
		abort();
	}
	return true;
}

static int fuzz_watch_run(struct fuzz_watch_ctx *c, const char *s, size_t len, size_t chunk)
{
	struct watch_framer f;
	watch_framer_init(&f, c->max_line);
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		rc = watch_framer_feed(&f, s + off, n, fuzz_watch_line, c);
	}
	if (rc == 0 && watch_framer_pending(&f) > c->max_line)
		abort();
	watch_framer_free(&f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	struct fuzz_watch_ctx a = { 0 }, b = { 0 };
	a.r = b.r = (enum kube_resource)(data[0] % KUBE_NRESOURCES);
	size_t chunk = (size_t)(data[1] % 64) + 1;
	a.max_line = b.max_line = data[2] == 255 || data[2] == 0 ? WATCH_DEFAULT_MAX_LINE : data[2];
	const char *s = (const char *)data + 3;
	size_t len = size - 3;
	model_init(&a.m);
	model_init(&b.m);
	int ra = fuzz_watch_run(&a, s, len, len ? len : 1);
	int rb = fuzz_watch_run(&b, s, len, chunk);
	/* The same outcome whatever the chunking, and the same lines when both went
	 * through (after an overlong line the two may stop at different points). */
	if (ra != rb)
		abort();
	if (ra == 0 && (a.hash != b.hash || a.lines != b.lines || a.m.npods != b.m.npods ||
			a.m.nnodes != b.m.nnodes || a.m.nevents != b.m.nevents))
		abort();
	model_free(&a.m);
	model_free(&b.m);
	return 0;
}
