/* libFuzzer target for the log path: hostile bytes from a log stream, cut into chunks,
 * framed into lines, timestamps parsed, stored in a tiny ring, filtered and highlighted by
 * a view, and sanitised for display.  Build by hand (or `make fuzz`):
 *   clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_logline.c kube/logsplit.c core/logbuf.c core/logview.c tui/text.c \
 *     core/utf8.c core/xalloc.c -o build/fuzz/fuzz_logline
 *   build/fuzz/fuzz_logline -max_total_time=60 tests/fuzz/corpus/logline
 * Checks: nothing crashes or reads out of bounds; the ring stays within its caps; what
 * reaches the screen holds no ESC, no C0/C1 control and no BiDi override. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/logbuf.h"
#include "core/logview.h"
#include "kube/logstream.h"
#include "tui/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
	struct logbuf *lb;
	struct logview *v;
};

static void fuzz_check_screen(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		/* U+0080..U+009F (C2 80..C2 9F) and U+202A..U+202E, U+2066..U+2069. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort();
		if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
			abort();
		if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
			abort();
	}
}

static void fuzz_line(void *ud, const char *line, size_t len, bool truncated)
{
	struct fuzz_ctx *c = ud;
	int64_t ts = 0;
	size_t skip = logstream_parse_ts(line, len, &ts);
	if (skip > len)
		abort();
	logbuf_append(c->lb, 0, ts, truncated ? LOGBUF_TRUNCATED : 0, line + skip, len - skip);
	logview_update(c->v);
	struct logbuf_line l;
	if (!logbuf_get(c->lb, logbuf_next_seq(c->lb) - 1, &l))
		abort();
	struct logview_span sp[16];
	size_t n = logview_spans(c->v, l.text, l.len, sp, 16);
	for (size_t i = 0; i < n; i++)
		if (sp[i].start >= sp[i].end || sp[i].end > l.len)
			abort();
	char out[1024];
	text_sanitize(l.text, l.len, out, sizeof(out));
	fuzz_check_screen(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* The first two bytes choose the chunking; the rest is the stream. */
	size_t step = (size_t)data[0] % 17 + 1;
	bool icase = data[1] & 1;
	data += 2;
	size -= 2;
	struct fuzz_ctx c;
	c.lb = logbuf_new(&(struct logbuf_config){.max_lines = 8, .max_bytes = 512, .max_line = 100});
	c.v = logview_new(c.lb);
	char err[256];
	logview_set_include(c.v, "a|Error", icase, err, sizeof(err));
	logview_set_context(c.v, 1);
	logview_set_search(c.v, "[0-9]+", false, err, sizeof(err));
	struct logsplit s;
	logsplit_init(&s, 100);
	for (size_t off = 0; off < size; off += step)
		logsplit_feed(&s, (const char *)data + off, size - off < step ? size - off : step, fuzz_line, &c);
	logsplit_finish(&s, fuzz_line, &c);
	if (logbuf_count(c.lb) > 8 || logbuf_bytes(c.lb) + logbuf_count(c.lb) > 512)
		abort();
	logsplit_free(&s);
	logview_free(c.v);
	logbuf_free(c.lb);
	return 0;
}
