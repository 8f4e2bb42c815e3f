#!/bin/bash
# Chaos against the API path: warroom (tmux) talks to warroom-sim through a misbehaving
# proxy (tests/chaos/proxy.py) that answers lists with an HTML page, malformed JSON, a
# truncated body, a reset connection, a 100 MB body and a 30 s stall, resets watches
# after their first event, and finally the API server and the proxy are killed and
# restarted on the same ports.  After each, warroom is still up, said what happened on
# its status line, and once the server behaves again its pods equal a fresh
# `kubectl get pods -A` (no ghosts, no duplicates).
. "$(dirname "$0")/../lib/common.sh"

command -v python3 >/dev/null || { t_fail "python3 is installed"; t_done; }
sim_start || { t_fail "warroom-sim starts"; t_done; }
SIM_PORT=${SIM_URL##*:}
MODE=$T_TMP/mode
echo pass >"$MODE"

PROXY_LOG=$T_TMP/proxy.log
proxy_start() { # [PORT]
  bg_start "$PROXY_LOG" python3 "$T_ROOT/tests/chaos/proxy.py" "$SIM_URL" "$MODE" "${1:-0}"
  PROXY_PID=$BG_PID
  wait_until 30 grep -q '^listening' "$PROXY_LOG" || { t_fail "chaos proxy starts (port ${1:-any})" "$(cat "$PROXY_LOG")"; t_done; }
  PROXY_PORT=$(sed -n 's/^listening //p' "$PROXY_LOG")
}
proxy_start

tm_start 220x80 "$BUILD/warroom" --server "http://127.0.0.1:$PROXY_PORT" -c pods -c zoom
tm_wait 20 "watching" || t_fail "console reaches watching through the proxy" "$(tm_screen | head -3)"

tui_pods() {
  tm_screen | awk '/^NAMESPACE +NAME/ {on=1; next} on && NF==0 {exit} on {print $1 "/" $2}' | sort
}
kc_pods() { kc get pods -A --no-headers | awk '{print $1 "/" $2}' | sort; }
same_pods() { [ "$(tui_pods)" == "$(kc_pods)" ] && [ -n "$(tui_pods)" ]; }
check_same() { # DESC
  if wait_until 20 same_pods; then t_ok "$1"; else t_fail "$1" "diff (kubectl vs TUI):" "$(diff <(kc_pods) <(tui_pods))" "$(tm_screen | head -2)"; fi
  t_eq "$1: no duplicate rows" "" "$(tui_pods | uniq -d)"
}
alive() { # DESC
  if tm_dead; then t_fail "$1: warroom is still running" "$(tm_screen | tail -15)"; t_done; fi
  t_ok "$1: warroom is still running"
}
check_same "initial pods through the proxy equal kubectl"

# Each bad list answer: set the mode, re-list (:refresh), expect the status line to say
# something is wrong, keys still answered, then heal and compare with kubectl.
bad_list() { # MODE DESC PATTERN
  echo "$1" >"$MODE"
  tm_keys : refresh Enter
  if wait_until 40 bash -c 'tmux -L "$0" capture-pane -p -t t | head -1 | grep -qiE -- "$1"' "$T_TMUX" "$3"; then
    t_ok "$2: status line says what happened"
    echo "#   status: $(tm_screen | head -1 | tr -s ' ')"
  else
    t_fail "$2: status line says what happened" "wanted /$3/ in:" "$(tm_screen | head -2)"
  fi
  tm_keys '?'
  if tm_wait 3 "prompt-filter"; then t_ok "$2: keys still answered"; else t_fail "$2: keys still answered" "$(tm_screen | head -5)"; fi
  tm_keys Escape
  alive "$2"
  echo pass >"$MODE"
  kc scale deployment -n ingest ingest-core --replicas=$((RANDOM % 3 + 1)) >/dev/null
  tm_keys : refresh Enter
  check_same "$2: after healing, pods equal kubectl"
}
bad_list html "200 with an HTML body" "html|not JSON|json|error|retry"
bad_list malformed "malformed JSON" "not JSON|json|error|retry"
bad_list truncate "truncated body" "error|retry|partial|transfer|closed"
bad_list reset "connection reset mid-list" "error|retry|reset|closed|recv"
bad_list huge "100 MB response" "larger than 64 MiB"

# Watches reset after their first event, repeatedly (the stream is cut mid-way).
echo reset-watch >"$MODE"
fault '{"type":"drop-watches"}' >/dev/null
sleep 4
alive "watches reset mid-stream"
echo pass >"$MODE"
fault '{"type":"drop-watches"}' >/dev/null
kc scale deployment -n ingest ingest-core --replicas=2 >/dev/null
check_same "after watch resets: pods equal kubectl"

# expire during a burst: a dozen changes, the history forgotten, the watches cut.
burst=()
for i in 1 2 3 4 5 6; do kc scale deployment -n ingest ingest-core --replicas=$((i % 4 + 1)) >/dev/null & burst+=($!); done
wait "${burst[@]}"
fault '{"type":"expire"}' >/dev/null
fault '{"type":"drop-watches"}' >/dev/null
for i in 1 2 3; do kc scale deployment -n ingest ingest-core --replicas=$i >/dev/null; done
alive "expire during a burst"
check_same "after expire during a burst: pods equal kubectl"

# A 30 s stall: the console keeps answering keys and keeps the last data.
echo stall >"$MODE"
tm_keys : refresh Enter
sleep 2
tm_keys '?'
if tm_wait 2 "prompt-filter"; then t_ok "30 s stall: keys answered at once"; else t_fail "30 s stall: keys answered at once" "$(tm_screen | head -5)"; fi
tm_keys Escape
tm_wait 3 "ingest-"
t_contains "30 s stall: the last data stays on screen" "ingest-" "$(tm_screen)"
echo pass >"$MODE"
alive "30 s stall"
wait_until 40 bash -c '! tmux -L "$0" capture-pane -p -t t | head -1 | grep -qiE "listing"' "$T_TMUX"
check_same "after the stall: pods equal kubectl"

# The API server (and the proxy) killed and restarted on the same ports.
kill "$SIM_PID" "$PROXY_PID"; wait "$SIM_PID" "$PROXY_PID" 2>/dev/null
sleep 3
alive "API server killed"
t_match "server down: status line says so" "refused|error|retry|connect|down|unreachable|offline" "$(tm_screen | head -1)"
SIM_LOG=$T_TMP/sim2.log
"$BUILD/warroom-sim" --listen "127.0.0.1:$SIM_PORT" >"$SIM_LOG" 2>&1 &
SIM_PID=$!; T_PIDS+=("$SIM_PID")
wait_until 20 grep -q listening "$SIM_LOG" || t_fail "warroom-sim restarts on port $SIM_PORT" "$(cat "$SIM_LOG")"
proxy_start "$PROXY_PORT"
kc scale deployment -n ingest ingest-core --replicas=3 >/dev/null
if tm_wait 40 "watching"; then t_ok "after restart: watching again"; else t_fail "after restart: watching again" "$(tm_screen | head -2)"; fi
check_same "after restart: pods equal kubectl on the new server"
alive "end of chaos"
t_done
