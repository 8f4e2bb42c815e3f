#ifndef WARROOM_TUI_PACE_H
#define WARROOM_TUI_PACE_H

#include <stdbool.h>
/* tui/pace: when the next frame may be drawn, for the console (tui/screen) and the wall
 * (tui/watch).  A token bucket: a frame takes one token; tokens come back one every
 * refill_ms up to one held (after the start-up burst of `burst`); frames are at least
 * gap_ms apart.  With burst 1 and refill_ms == gap_ms it is a plain minimum gap.
 * Pure (the caller passes the time), so it is tested without a terminal. */

struct pace {
	int gap_ms, refill_ms, burst;   /* the settings, fixed by pace_init */
	long long tokens;               /* held, in thousandths of a token */
	long long counted_at;           /* when tokens were last brought up to date; 0 never */
	long long last_frame_ms;        /* when the last frame was drawn; 0 never */
};

void pace_init(struct pace *p, int gap_ms, int refill_ms, int burst);
/* 0: a frame may be drawn now (the caller draws and calls pace_drawn); else the ms to
 * wait before asking again.  Takes no token. */
long long pace_wait(struct pace *p, long long now_ms);
/* A frame was drawn at now_ms: takes one token when `paced` (a frame answering a key is
 * drawn at once and takes none) and starts the gap. */
void pace_drawn(struct pace *p, long long now_ms, bool paced);

#endif
