/* tui/pace: see pace.h. */
#include "tui/pace.h"

void pace_init(struct pace *p, int gap_ms, int refill_ms, int burst)
{
	p->gap_ms = gap_ms > 0 ? gap_ms : 0;
	p->refill_ms = refill_ms > 0 ? refill_ms : 1;
	p->burst = burst > 0 ? burst : 1;
	p->tokens = 0;
	p->counted_at = 0;
	p->last_frame_ms = 0;
}

/* Brings the bucket up to now: the start-up burst on first use, then one token per
 * refill_ms while fewer than one is held.  Thousandths keep the sums in integers. */
static void pace_count(struct pace *p, long long now_ms)
{
	if (!p->counted_at) {
		p->tokens = p->burst * 1000LL;
	} else if (p->tokens < 1000 && now_ms > p->counted_at) {
		p->tokens += (now_ms - p->counted_at) * 1000 / p->refill_ms;
		if (p->tokens > 1000)
			p->tokens = 1000;
	}
	p->counted_at = now_ms;
}

long long pace_wait(struct pace *p, long long now_ms)
{
	pace_count(p, now_ms);
	long long wait = p->last_frame_ms ? p->last_frame_ms + p->gap_ms - now_ms : 0;
	if (p->tokens < 1000) {
		long long refill = (1000 - p->tokens) * p->refill_ms / 1000 + 1;
		if (refill > wait)
			wait = refill;
	}
	return wait > 0 ? wait : 0;
}

void pace_drawn(struct pace *p, long long now_ms, bool paced)
{
	pace_count(p, now_ms);
	if (paced)
		p->tokens = p->tokens >= 1000 ? p->tokens - 1000 : 0;
	p->last_frame_ms = now_ms;
}
