#!/bin/bash
# The informers against warroom-sim faults, in the real console (tmux): node-down shows
# within 2 s, drop-watches and expire recover with the same pod set as kubectl (no
# ghost, no duplicate), latency 10 s keeps keys answered, and the request log proves
# list-then-watch with resourceVersion and bookmarks.
. "$(dirname "$0")/../lib/common.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
NODE=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name | head -1)

# A tall, wide window and the pods pane zoomed: every pod row is on the screen.
tm_start 220x80 "$BUILD/warroom" --server "$SIM_URL" -c pods -c zoom
tm_wait 10 "ns:all  watching" || t_fail "console reaches watching" "$(tm_screen | head -3)"

# ns/name of every pod row the TUI shows (rows under the header, up to the first blank).
tui_pods() {
  tm_screen | awk '/^NAMESPACE +NAME/ {on=1; next} on && NF==0 {exit} on {print $1 "/" $2}' | sort
}
kc_pods() { kc get pods -A --no-headers | awk '{print $1 "/" $2}' | sort; }
same_pods() { [ "$(tui_pods)" == "$(kc_pods)" ] && [ -n "$(tui_pods)" ]; }
check_same() { # DESC
  if wait_until 10 same_pods; then t_ok "$1"; else t_fail "$1" "diff (kubectl vs TUI):" "$(diff <(kc_pods) <(tui_pods))"; fi
  t_eq "$1: no duplicate rows" "" "$(tui_pods | uniq -d)"
}
check_same "initial TUI pod rows equal kubectl get pods -A"

# Request log: a list, then a watch from its resourceVersion with bookmarks.
log=$(sim_get /sim/v1/requests)
t_match "pods were listed with limit=500" '"path":"/api/v1/pods","query":"limit=500"' "$log"
t_match "pods are watched from a resourceVersion with bookmarks" \
  '"path":"/api/v1/pods","query":"watch=1&resourceVersion=[0-9]+&allowWatchBookmarks=true&timeoutSeconds=[0-9]+"' "$log"
for r in /api/v1/nodes /apis/apps/v1/deployments /apis/apps/v1/statefulsets /api/v1/events /api/v1/namespaces; do
  t_match "$r is watched too" "\"path\":\"$r\",\"query\":\"watch=1&resourceVersion=[0-9]+&allowWatchBookmarks=true" "$log"
done

# node-down: within 2 s the TUI shows Unknown pods and the node NotReady (from the watch,
# not a periodic re-list).
tm_keys : "nodes" Enter
tm_keys : "zoom" Enter
tm_keys : "zoom" Enter
fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}" >/dev/null
start=$SECONDS
if tm_wait 2 "NotReady"; then t_ok "node-down: node NotReady within 2 s"; else t_fail "node-down: node NotReady within 2 s" "$(tm_screen | head -20)"; fi
tm_keys : "pods" Enter
tm_keys : "zoom" Enter
tm_keys : "zoom" Enter
if tm_wait 2 "Unknown"; then t_ok "node-down: Unknown pods within 2 s"; else t_fail "node-down: Unknown pods within 2 s" "$(tm_screen | head -20)"; fi
fault '{"type":"node-up","node":"'"$NODE"'"}' >/dev/null

# drop-watches: every stream is cut; the informers reconnect from their resourceVersion.
fault '{"type":"drop-watches"}' >/dev/null
kc scale deployment -n ingest ingest-core --replicas=4 >/dev/null
tm_wait 10 "ns:all  watching"
check_same "after drop-watches and a scale-up: same pods as kubectl"
log=$(sim_get /sim/v1/requests)
n_watch=$(grep -o '"path":"/api/v1/pods","query":"watch=1' <<<"$log" | wc -l)
if [ "$n_watch" -ge 2 ]; then t_ok "drop-watches: pods watch re-opened"; else t_fail "drop-watches: pods watch re-opened" "$n_watch watch requests"; fi

# expire: resumed watches get 410 Gone; the informers re-list (no ghosts).
n_list=$(grep -o '"path":"/api/v1/pods","query":"limit=500' <<<"$log" | wc -l)
fault '{"type":"expire"}' >/dev/null
fault '{"type":"drop-watches"}' >/dev/null
kc scale deployment -n ingest ingest-core --replicas=1 >/dev/null
tm_wait 10 "ns:all  watching"
check_same "after expire and a scale-down: same pods as kubectl, no ghosts"
log=$(sim_get /sim/v1/requests)
n_list2=$(grep -o '"path":"/api/v1/pods","query":"limit=500' <<<"$log" | wc -l)
if [ "$n_list2" -gt "$n_list" ]; then t_ok "expire: pods were re-listed after 410"; else t_fail "expire: pods were re-listed after 410" "lists before $n_list, after $n_list2"; fi

# latency 10 s: a refresh re-lists everything; while the answers are pending the console
# still answers keys at once and says what it is doing.
fault '{"type":"latency","ms":10000}' >/dev/null
tm_keys : "refresh" Enter
sleep 0.5
t_match "latency: status line shows the pending list" "listing|re-listing" "$(tm_screen | head -1)"
tm_keys '?'
if tm_wait 1 "prompt-filter"; then t_ok "latency: ? help appears at once while the list is pending"; else t_fail "latency: ? help appears at once while the list is pending" "$(tm_screen | head -5)"; fi
tm_keys Escape
tm_wait 2 "ingest-"
t_contains "latency: the last data stays on screen" "ingest-" "$(tm_screen)"
fault '{"type":"clear"}' >/dev/null

tm_keys q
wait_until 5 tm_dead
if tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen | head -3)"; fi
t_done
