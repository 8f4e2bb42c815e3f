#!/bin/bash
# `warroom --watch` (the wall screen) against two simulators behind one kubeconfig with
# two contexts (tmux): both contexts are shown with an OK headline; a node-down fault in
# one turns its headline DOWN within 2 s while the other stays OK; stopping a simulator
# turns it STALE ("stale since HH:MM"), restarting it on the same port recovers without a
# key press; every mutating key does nothing and both request logs hold only GETs.
. "$(dirname "$0")/../lib/common.sh"

# Small healthy clusters: the headline starts OK.
sim_start --pods 12 --nodes 3 || { t_fail "first warroom-sim starts"; t_done; }
URL_A=$SIM_URL PID_A=$SIM_PID
sim_start --pods 12 --nodes 3 || { t_fail "second warroom-sim starts"; t_done; }
URL_B=$SIM_URL PID_B=$SIM_PID
PORT_B=${URL_B##*:}

KCFG=$T_TMP/kubeconfig
cat >"$KCFG" <<YAML
apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: a
  cluster: {server: "$URL_A"}
- name: b
  cluster: {server: "$URL_B"}
users:
- name: u
  user: {}
contexts:
- name: alpha
  context: {cluster: a, user: u}
- name: bravo
  context: {cluster: b, user: u}
YAML

# One tile per context, side by side: its first line names the context, the headline's
# block letters follow, then the state in words ("OK: live", "STALE: stale since ...").
tm_start 160x40 env KUBECONFIG="$KCFG" "$BUILD/warroom" --watch --context alpha --context bravo
if tm_wait 15 "bravo"; then t_ok "both contexts are shown"; else t_fail "both contexts are shown" "$(tm_screen)"; fi
scr() { tm_screen; }
# The left half (alpha) and the right half (bravo) of the screen.
left()  { tm_screen | cut -c1-79; }
right() { tm_screen | cut -c81-160; }
ok_both() { left | grep -q "OK: live" && right | grep -q "OK: live" && \
            left | grep -q "nodes 3/3 ready" && right | grep -q "nodes 3/3 ready"; }
if wait_until 15 ok_both; then t_ok "both contexts live, 3/3 nodes ready"; else t_fail "both contexts live, 3/3 nodes ready" "$(tm_screen)"; fi
t_contains "alpha tile names its context" "alpha" "$(left)"
t_contains "bravo tile names its context" "bravo" "$(right)"
# A fault in alpha: its headline says DOWN within 2 s (node NotReady), bravo stays OK.
SIM_URL=$URL_A
NODE=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name | head -1)
fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}" >/dev/null
down_a() { left | grep -q "DOWN: live" && left | grep -q "node $NODE" && left | grep -q "nodes 2/3 ready"; }
if wait_until 2 down_a; then t_ok "node-down in alpha shows within 2 s"; else t_fail "node-down in alpha shows within 2 s" "$(tm_screen)"; fi
t_contains "bravo is not affected" "OK: live" "$(right)"
# The headline itself is in block letters: DOWN's W has a middle stroke "█ █ █".
t_contains "alpha's headline is drawn in block letters" "█ █ █" "$(left | sed -n '3,7p')"

# Every mutating key (scale, restart, delete, cordon, uncordon, drain) and the palette do
# nothing in watch mode; the screen stays the wall.
tm_keys s R C-d c u D f y Enter
tm_keys : "scale deployment/svc-0000 0" Enter y
tm_keys : "red-button" Enter
sleep 1
t_contains "still the wall screen after mutating keys" "warroom watch" "$(tm_screen)"
t_lacks "no confirmation dialog opened" "kubectl" "$(tm_screen)"
fault '{"type":"node-up","node":"'"$NODE"'"}' >/dev/null
if wait_until 5 ok_both; then t_ok "node-up: alpha back to OK"; else t_fail "node-up: alpha back to OK" "$(tm_screen)"; fi

# Stopping bravo's simulator turns its tile STALE (grey, "stale since HH:MM"), not a
# frozen OK; alpha stays live.
kill "$PID_B"; wait "$PID_B" 2>/dev/null
stale_b() { right | grep -q "STALE: stale since [0-9][0-9]:[0-9][0-9]" && ! right | grep -q "OK: live"; }
if wait_until 10 stale_b; then t_ok "stopped simulator: bravo turns STALE"; else t_fail "stopped simulator: bravo turns STALE" "$(tm_screen)"; fi
t_contains "stale tile remembers the last state" "last seen OK" "$(right)"
t_contains "alpha stays live" "OK: live" "$(left)"

# Restarted on the same port, bravo recovers by itself (informers' backoff), no key.
bg_start "$T_TMP/sim-b2.log" "$BUILD/warroom-sim" --listen "127.0.0.1:$PORT_B" --pods 12 --nodes 3
wait_until 20 grep -q "listening" "$T_TMP/sim-b2.log" || t_fail "second simulator restarts" "$(cat "$T_TMP/sim-b2.log")"
if wait_until 40 ok_both; then t_ok "restarted simulator: bravo live again without a key press"; else t_fail "restarted simulator: bravo live again without a key press" "$(tm_screen)"; fi

# Both request logs: GET only (watch mode never writes).
methods() { curl -sS "$1/sim/v1/requests" | python3 -c '
import json, sys
d = json.load(sys.stdin)
# Fault POSTs to /sim/v1/ come from this test, not from warroom.
print(" ".join(sorted({r["method"] for r in d["items"] if not r["path"].startswith("/sim/")})))'; }
t_eq "alpha's simulator saw only GETs" "GET" "$(methods "$URL_A")"
t_eq "restarted bravo saw only GETs" "GET" "$(methods "$URL_B")"

# A narrower terminal stacks the tiles; both contexts are still there, still live.
tmux -L "$T_TMUX" resize-window -t t -x 70 -y 30
stacked() { [ "$(tm_screen | grep -c ': live')" -ge 2 ] && tm_screen | grep -q "^alpha" && tm_screen | grep -q "^bravo"; }
if wait_until 5 stacked; then t_ok "resize to 70x30: tiles stacked, both live"; else t_fail "resize to 70x30: tiles stacked, both live" "$(tm_screen)"; fi

tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi
t_done
