#!/bin/bash
# Issue 3: the status line always shows context, namespace, connection state and data age
# ("watching", "reconnecting 3s", "stale 40s"), nothing important cut at 80 columns; the
# console answers keys while 10,000 pods are still downloading behind a slow server; the
# pods pane colours by severity (tmux capture-pane -e) and highlights a climbing restart
# count.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"

# ---- 10,000 pods behind a 2 s latency, at 80x24 ----
sim_start --pods 10000 --nodes 1000 || { t_fail "warroom-sim --pods 10000 starts"; t_done; }
fault '{"type":"latency","ms":2000}' >/dev/null || t_fail "latency fault accepted"
cat >"$T_TMP/kc.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- name: c
  cluster: {server: '$SIM_URL'}
contexts:
- name: prod-eu
  context: {cluster: c, user: u}
users:
- name: u
  user: {}
EOF
tm_start 80x24 "$WR" --kubeconfig "$T_TMP/kc.yaml"
tm_wait 10 "listing"
t_match "80x24 while listing: context, namespace and the list in progress" \
  "^ warroom +ctx:prod-eu +ns:all +.*listing" "$(tm_screen | head -1)"
start=$(date +%s%N)
tm_keys '?'
if tm_wait 2 "next-pane"; then t_ok "? answered at once while 10,000 pods download"
else t_fail "? answered at once while 10,000 pods download" "$(tm_screen)"; fi
t_check "? answered within 1.5 s" test $(( ($(date +%s%N) - start) / 1000000 )) -lt 1500
tm_keys Escape Tab
if tm_wait 2 "> Nodes"; then t_ok "Tab answered at once while the list downloads"
else t_fail "Tab answered at once while the list downloads" "$(tm_screen)"; fi
t_contains "the list is still in progress when the keys were answered" "listing" "$(tm_screen | head -1)"
tm_keys Tab Tab Tab
fault '{"type":"latency","ms":0}' >/dev/null
if tm_wait 90 "watching"; then t_ok "10,000 pods listed, then watching"
else t_fail "10,000 pods listed, then watching" "$(tm_screen | head -3)"; fi
scr=$(tm_screen)
t_match "80x24 watching: ctx, ns and state fit" "^ warroom +ctx:prod-eu +ns:all +watching" "$(head -1 <<<"$scr")"
t_match "the pods pane counts 10,000 pods" "Pods +10000 of 10000" "$scr"

# the server goes away: "reconnecting Ns", then "stale Ns" after 5 s, still at 80 columns
sim_stop
if tm_wait 10 "reconnecting"; then t_ok "server gone: reconnecting shown"
else t_fail "server gone: reconnecting shown" "$(tm_screen | head -1)"; fi
# The sources notice one by one ("pods,nodes …", "4 of 6 …"): the state is never cut.
t_lacks "server gone: the state is not cut at 80 columns" "…" "$(tm_screen | head -1 | cut -c1-60)"
if tm_wait 15 "all reconnecting"; then t_ok "server gone: every source reconnecting, said in 80 columns"
else t_fail "server gone: every source reconnecting, said in 80 columns" "$(tm_screen | head -1)"; fi
t_match "server gone: ctx, ns and state fit" "^ warroom +ctx:prod-eu +ns:all +all reconnecting" "$(tm_screen | head -1)"
if tm_wait 15 "stale"; then t_ok "server gone: data marked stale"
else t_fail "server gone: data marked stale" "$(tm_screen | head -1)"; fi
t_match "stale with its age in seconds" "stale [0-9]+s" "$(tm_screen | head -1)"
t_contains "last data stays on screen" "Pods  10000 of 10000" "$(tm_screen)"
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi
tmux -L "$T_TMUX" kill-server >/dev/null 2>&1

# ---- colours: severity and a climbing restart count ----
sim_start || { t_fail "warroom-sim starts"; t_done; }
fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-core","message":"bad config"}' >/dev/null
tm_start 200x50 env TERM=xterm-256color "$WR" --server "$SIM_URL"
if tm_wait 60 "CrashLoopBackOff"; then t_ok "crashloop shown"; else t_fail "crashloop shown" "$(tm_screen)"; fi
# wait until a restart count climbed past 0
wait_until 60 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -E "CrashLoopBackOff +[1-9]"' "$T_TMUX"
# between crashes the pod shows Running 0/1: capture when a CrashLoopBackOff row is there
for _ in $(seq 40); do
  esc=$(tm_screen -e); plain=$(tm_screen)
  crash=$(grep -a 'CrashLoopBackOff' <<<"$esc" | head -1)
  [ -n "$crash" ] && grep -q 'CrashLoopBackOff' <<<"$(grep -A2 -E '^ *> Pods' <<<"$plain" | sed -n 3p)" && break
  sleep 0.5
done
healthy=$(grep -a 'mongo-0' <<<"$esc" | head -1)
t_match "crashlooping pod drawn in red" $'\e\\[[0-9;]*31m' "$crash"
t_lacks "healthy pod not red" $'\e[31m' "$healthy"
# rows are sorted unhealthy first: the first pod row is the crashloop
first=$(grep -A2 -E '^ *> Pods' <<<"$plain" | sed -n 3p)
t_contains "unhealthy first: the first pod row is the crashlooping pod" "CrashLoopBackOff" "$first"
# the climbing restart count is bold (SGR 1) right before the number
# The count is redrawn with its own attributes right before it: bold yellow on a yellow
# row (ESC[1m ESC[33m 6 (4s ago)), reverse red on a red one (ESC[7m ... 6); never another
# colour pair (white on blue was a bug: two pairs OR-ed together).
hl=$(grep -a 'CrashLoopBackOff' <<<"$esc" | head -1 | sed -E 's/.*CrashLoopBackOff +//')
t_match "red row: the climbing restart count is in reverse red" $'^(\e\\[[0-9;]*m)*\e\\[([0-9]+;)*7m(\e\\[[0-9;]*m)*[1-9]' "$hl"
t_lacks "red row: the count is not white on blue" $'\e[44m' "$hl"
t_lacks "a healthy restart count (0) is not bold" $'\e[1m' "$healthy"
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits (colours)"; else t_fail "q quits (colours)" "$(tm_screen)"; fi
t_done
