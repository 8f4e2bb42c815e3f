#!/usr/bin/env python3
"""bench/latency.py: latencies from a warroom trace (WARROOM_TRACE, see core/trace.h).

  latency.py input TRACE [T0 T1]     input -> next frame, for every "input" mark (between
                                     T0 and T1, realtime, when given), with each latency
                                     split into its parts (see PARTS) and the slowest
                                     inputs listed with theirs
  latency.py churn TRACE CHANGES     simulator change -> first frame after warroom applied
                                     that resourceVersion (CHANGES from bench/churn.py)
  latency.py wakes TRACE SECONDS [T0 T1]
                                     poll() wake-ups per second; with T0 T1 (realtime)
                                     only the marks between them count, over T1 - T0
                                     seconds (read the trace after warroom exited: it
                                     is flushed at frames and at exit), and the reasons
                                     poll returned are counted ("N fds", "timeout"...)
  latency.py firstframe TRACE T0     seconds from T0 (realtime) to the first frame after
                                     the last initial list ("synced")
Prints one JSON object with n, p50, p90, p99, max (milliseconds) or the rate.

PARTS of an input -> frame latency (the marks of tui/loop.c, tui/screen.c and
tui/screen_draw.c, in milliseconds):
  handle    input -> key      the terminal's callback read and handled the keys
  wait      key -> draw       other callbacks and timers ran before the frame began
  rebuild   draw -> rebuilt   panes rebuilt their views (filter, sort) for the frame
  paint     rebuilt -> drawn  rows laid out and written to curses' window (wnoutrefresh)
  update    drawn -> frame    doupdate(): curses sent the changes to the terminal
and, outside the latency, "before": when poll() found the byte already waiting (it slept
< 0.1 ms), how long the loop had been busy since the poll before (an upper bound on
how long the key waited unseen).
"""
import bisect
import json
import sys


def load(path):
    marks = []
    for line in open(path):
        parts = line.split(None, 2)
        if len(parts) >= 2:
            marks.append((float(parts[0]), parts[1], parts[2].strip() if len(parts) > 2 else "-"))
    return marks


def pct(vals, p):
    if not vals:
        return None
    vals = sorted(vals)
    k = min(len(vals) - 1, max(0, int(round(p / 100.0 * len(vals) + 0.5)) - 1))
    return vals[k]


def summary(lat_s, missing=0):
    ms = [v * 1000 for v in lat_s]
    return {"n": len(ms), "missing": missing, "p50": pct(ms, 50), "p90": pct(ms, 90),
            "p99": pct(ms, 99), "max": max(ms) if ms else None}


PARTS = ("handle", "wait", "rebuild", "paint", "update")


def detail_num(detail, word):
    """The number after WORD in a mark's detail ("slept 1.2 busy 3.4"), else None."""
    words = detail.split()
    for i, w in enumerate(words[:-1]):
        if w == word:
            try:
                return float(words[i + 1])
            except ValueError:
                return None
    return None


def breakdown(trace, i, frame_t):
    """The parts of the latency from the input mark trace[i] to the frame at frame_t."""
    t_in, _, detail = trace[i]
    at = {"input": t_in}
    want = ["key", "draw", "rebuilt", "drawn"]
    for t, k, _ in trace[i + 1:]:
        if t > frame_t:
            break
        if want and k == want[0]:
            at[k] = t
            want.pop(0)
    order = ["input", "key", "draw", "rebuilt", "drawn"]
    parts, prev = {}, t_in
    for name, mark in zip(PARTS, order[1:] + ["frame"]):
        t = frame_t if mark == "frame" else at.get(mark)
        if t is None:
            parts[name] = None
            continue
        parts[name] = round((t - prev) * 1000, 3)
        prev = t
    slept, busy = detail_num(detail, "slept"), detail_num(detail, "busy")
    parts["before"] = busy if slept is not None and busy is not None and slept < 0.1 else 0.0
    return parts


def input_latencies(trace, frames, t0, t1):
    rows, missing = [], 0
    for idx, (t, k, _) in enumerate(trace):
        if k != "input" or not t0 <= t <= t1:
            continue
        i = bisect.bisect_left(frames, t)
        if i < len(frames):
            rows.append((frames[i] - t, t, breakdown(trace, idx, frames[i])))
        else:
            missing += 1
    out = summary([r[0] for r in rows], missing)
    # Where the time of the slow inputs went: the mean of each part over the slowest
    # tenth, and the five slowest one by one.
    rows.sort(key=lambda r: -r[0])
    tail = rows[:max(1, len(rows) // 10)] if rows else []
    out["tail_parts"] = {p: round(sum((r[2][p] or 0) for r in tail) / len(tail), 3) if tail else None
                         for p in PARTS + ("before",)}
    out["slowest"] = [dict(ms=round(r[0] * 1000, 3), at=r[1], **r[2]) for r in rows[:5]]
    return out


def main():
    mode, trace = sys.argv[1], load(sys.argv[2])
    frames = [t for t, k, _ in trace if k == "frame"]
    if mode == "input":
        t0, t1 = (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else (0, float("inf"))
        print(json.dumps(input_latencies(trace, frames, t0, t1)))
    elif mode == "churn":
        applied = {}
        for t, k, d in trace:
            if k == "event" and d not in applied:
                applied[d] = t
        lat, missing = [], 0
        for line in open(sys.argv[3]):
            stamp, rv = line.split()
            t = applied.get(rv)
            i = bisect.bisect_left(frames, t) if t is not None else len(frames)
            if i < len(frames):
                lat.append(frames[i] - float(stamp))
            else:
                missing += 1
        print(json.dumps(summary(lat, missing)))
    elif mode == "wakes":
        secs = float(sys.argv[3])
        if len(sys.argv) > 5:
            t0, t1 = float(sys.argv[4]), float(sys.argv[5])
            trace = [m for m in trace if t0 <= m[0] <= t1]
            frames = [t for t in frames if t0 <= t <= t1]
            secs = t1 - t0
        why = {}
        for _, k, d in trace:
            if k == "wake":
                d = "fds" if d.endswith("fd") or d.endswith("fds") else d
                why[d] = why.get(d, 0) + 1
        n = sum(why.values())
        print(json.dumps({"wakes": n, "per_s": n / secs, "frames": len(frames),
                          "why": why}))
    elif mode == "firstframe":
        t0 = float(sys.argv[3])
        synced = [t for t, k, _ in trace if k == "synced"]
        last = max(synced) if synced else t0
        i = bisect.bisect_left(frames, last)
        val = (frames[i] - t0) if i < len(frames) else None
        print(json.dumps({"first_frame_s": val, "synced": len(synced)}))
    else:
        sys.exit("latency.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
