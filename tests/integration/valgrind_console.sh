#!/bin/bash
# One end-to-end scenario under valgrind memcheck: the real console (tmux) against
# warroom-sim lists and watches everything, takes a node-down fault, a dropped watch and
# a few keys (pane switch, filter, help, describe), then exits by itself after a bounded
# number of frames (--exit-after-frames).  Passes only with zero memcheck errors and zero
# definitely-lost bytes.  Skipped in sanitizer builds (valgrind cannot run ASan binaries).
. "$(dirname "$0")/../lib/common.sh"

if [ -n "${WARROOM_SANITIZER:-}" ]; then
  echo "ok 1 # SKIP valgrind cannot run a sanitizer build"; echo "1..1"; exit 0
fi
command -v valgrind >/dev/null || { t_fail "valgrind is installed (scripts/deps.sh)"; t_done; }

sim_start || { t_fail "warroom-sim starts"; t_done; }
NODE=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name | head -1)
VG_LOG=$T_TMP/valgrind.log
# The frame budget bounds the run; valgrind is ~30x slower, so it is generous.
tm_start 120x40 valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
  --track-fds=no --num-callers=30 --log-file="$VG_LOG" \
  "$BUILD/warroom" --server "$SIM_URL" --exit-after-frames 150

if tm_wait 90 "watching"; then t_ok "console under valgrind reaches watching"; else t_fail "console under valgrind reaches watching" "$(tm_screen | head -5)"; fi
fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}" >/dev/null
fault '{"type":"drop-watches"}' >/dev/null
tm_keys Tab; sleep 1
tm_keys / ingest Enter; sleep 1
tm_keys Escape; sleep 1
tm_keys '?'; sleep 1
tm_keys Escape; sleep 1
tm_keys : describe Enter; sleep 2
tm_keys Escape; sleep 1
fault '{"type":"clear"}' >/dev/null
# Keep input coming so frames are drawn until the budget runs out.
end=$((SECONDS + 120))
while ! tm_dead && [ $SECONDS -lt $end ]; do tm_keys Tab; sleep 0.5; done
if tm_dead; then t_ok "console exits after its frame budget"; else t_fail "console exits after its frame budget" "$(tm_screen | head -5)"; fi
wait_until 20 grep -q "ERROR SUMMARY" "$VG_LOG"

grep -E "Command:|in use at exit|definitely lost|ERROR SUMMARY" "$VG_LOG" | sed 's/^/# /'
t_contains "valgrind ran the console" "Command: $BUILD/warroom" "$(cat "$VG_LOG")"
summary=$(grep "ERROR SUMMARY" "$VG_LOG")
t_match "memcheck: zero errors" "ERROR SUMMARY: 0 errors" "$summary"
if grep -q "definitely lost:" "$VG_LOG"; then
  t_match "memcheck: zero definitely-lost bytes" "definitely lost: 0 bytes" "$(grep 'definitely lost:' "$VG_LOG")"
else
  t_contains "memcheck: zero definitely-lost bytes" "no leaks are possible" "$(cat "$VG_LOG")"
fi
if grep -q "ERROR SUMMARY: 0 errors" "$VG_LOG"; then :; else sed -n '1,200p' "$VG_LOG" | sed 's/^/#   /' | head -120; fi
t_done
