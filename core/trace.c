/* core/trace: see trace.h.
 *
 * The trace's state is file-static rather than in the application struct on purpose: the
 * marks are made from layers (the event loop, the informers) that are deliberately given
 * no pointer to the application, and the state is write-only diagnostics that no logic
 * reads back.
 */
#include "core/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct trace_state {
	int checked; /* the environment was looked at */
	FILE *fp;    /* NULL: tracing off */
};

static struct trace_state trace_st;

static void trace_close(void)
{
	if (trace_st.fp) {
		fclose(trace_st.fp);
		trace_st.fp = NULL;
	}
}

int trace_enabled(void)
{
	if (!trace_st.checked) {
		trace_st.checked = 1;
		const char *path = getenv("WARROOM_TRACE");
		if (path && *path) {
			trace_st.fp = fopen(path, "a");
			if (!trace_st.fp)
				fprintf(stderr, "warroom: WARROOM_TRACE=%s: cannot open for appending\n",
					path);
			else
				atexit(trace_close);
		}
	}
	return trace_st.fp != NULL;
}

void trace_mark(const char *kind, const char *detail)
{
	if (!trace_enabled())
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(trace_st.fp, "%lld.%09ld %s %s\n", (long long)ts.tv_sec, ts.tv_nsec, kind,
		detail ? detail : "-");
	if (!strcmp(kind, "frame"))
		fflush(trace_st.fp);
}
