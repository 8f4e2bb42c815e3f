#!/bin/bash
# Issue 3: `ctx NAME` from the palette switches every pane to another cluster.  A
# kubeconfig holds two contexts on two simulators (the default ingest scenario and the
# shop scenario); after `:ctx b` no row of the first cluster is left (no ghosts), the
# status line names the context, and an unknown context is a clear message that keeps
# the current cluster.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"

sim_start || { t_fail "simulator A starts"; t_done; }
URL_A=$SIM_URL
sim_start --scenario "$T_ROOT/tests/fixtures/scenarios/shop.yaml" || { t_fail "simulator B starts"; t_done; }
URL_B=$SIM_URL

cat >"$T_TMP/two.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster: {server: '$URL_A'}
- name: cb
  cluster: {server: '$URL_B'}
contexts:
- name: a
  context: {cluster: ca, user: u}
- name: b
  context: {cluster: cb, user: u}
users:
- name: u
  user: {}
EOF

status() { tm_screen | head -1; }
tm_start 200x50 "$WR" --kubeconfig "$T_TMP/two.yaml"
if tm_wait 15 "ingest-broker-"; then t_ok "context a: ingest pods shown"
else t_fail "context a: ingest pods shown" "$(tm_screen)"; fi
tm_wait 10 "watching"
t_match "status line names context a, namespace and state" "^ warroom +ctx:a +ns:all +watching" "$(status)"
t_contains "context a: its nodes" "ip-172-20-" "$(tm_screen)"

tm_keys ':ctx b' Enter
if tm_wait 15 "frontend-"; then t_ok ":ctx b: shop pods shown"
else t_fail ":ctx b: shop pods shown" "$(tm_screen)"; fi
tm_wait 10 "watching"
sleep 1   # a late answer of an old informer would land now
scr=$(tm_screen)
t_match "status line names context b" "^ warroom +ctx:b +ns:all +watching" "$(head -1 <<<"$scr")"
t_lacks ":ctx b: no ingest pod left (no ghost rows)" "ingest-" "$scr"
t_lacks ":ctx b: no node of cluster a left" "ip-172-20-" "$scr"
t_contains ":ctx b: the nodes of cluster b" "ip-10-0-1-10.ec2.internal" "$scr"
t_contains ":ctx b: workloads of cluster b" "payments" "$scr"

tm_keys ':ctx nope' Enter
tm_wait 5 "nope"
scr=$(tm_screen)
t_contains "unknown context: clear message" 'context "nope" not found' "$scr"
t_contains "unknown context: lists the contexts there are" "a, b" "$scr"
t_match "unknown context: still on b" "^ warroom +ctx:b " "$(head -1 <<<"$scr")"
t_contains "unknown context: b's pods stay" "frontend-" "$scr"

tm_keys Escape ':ctx a' Enter
if tm_wait 15 "ingest-broker-"; then t_ok ":ctx a: back to the ingest pods"
else t_fail ":ctx a: back to the ingest pods" "$(tm_screen)"; fi
tm_wait 10 "watching"
sleep 1
scr=$(tm_screen)
t_lacks ":ctx a: no shop pod left" "frontend-" "$scr"
t_match ":ctx a: status line names context a" "^ warroom +ctx:a " "$(head -1 <<<"$scr")"
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi
t_done
