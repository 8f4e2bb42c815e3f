#!/bin/bash
# Remediation from the console's keyboard (tmux) against warroom-sim, checked with the
# real kubectl: the scale count prompt (`s` on a deployment of the workloads pane), the
# live progress list of a multi-object action (drain: n of N, per-object result, shown
# while it runs), and the `f` force-delete offer for a pod stuck Unknown on a NotReady
# node.  (The red button's typed confirmation is in actions_redbutton.sh.)
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl

sim_start || { t_fail "warroom-sim starts"; t_done; }
tm_start 160x40 "$WR" --server "$SIM_URL" -n ingest
tm_wait 20 "ingest-core" || t_fail "console shows pods" "$(tm_screen)"
# shot: the screen, for failure messages.
shot() { tm_screen; }

# ---- scale: `s` asks for the count ------------------------------------------------
t_eq "ingest-core starts at 2 replicas (kubectl)" 2 "$(kc -n ingest get deploy ingest-core -o jsonpath='{.spec.replicas}')"
tm_keys 3 / i n g e s t - c o r e Enter
tm_wait 10 "filter: ingest-core" || t_fail "workloads pane filtered" "$(shot)"
tm_keys s
if tm_wait 10 "type the new replica count"; then t_ok "s asks for the replica count"
else t_fail "s asks for the replica count" "$(shot)"; fi
t_contains "the prompt names the selected deployment" "scale -n ingest deployment/ingest-core" "$(shot)"
tm_keys x 5 BSpace 3    # a letter is ignored, backspace edits
tm_wait 5 "replicas: 3_" || t_fail "the prompt shows the typed count" "$(shot)"
tm_keys Enter
if tm_wait 10 "replicas 2 -> 3"; then t_ok "the dialog shows from -> to"; else t_fail "the dialog shows from -> to" "$(shot)"; fi
t_contains "the dialog shows the kubectl line" "same as: kubectl -n ingest scale deployment/ingest-core --replicas=3" "$(shot)"
t_eq "nothing changed before confirming (kubectl)" 2 "$(kc -n ingest get deploy ingest-core -o jsonpath='{.spec.replicas}')"
tm_keys y
if tm_wait 15 "deployment/ingest-core 3: ok"; then t_ok "scale confirmed from the keyboard"
else t_fail "scale confirmed from the keyboard" "$(shot)"; fi
t_eq "kubectl shows the new replicas" 3 "$(kc -n ingest get deploy ingest-core -o jsonpath='{.spec.replicas}')"
tm_keys Escape Escape

# ---- live progress of a multi-object action ---------------------------------------
# The third ingest-core pod must be scheduled before the node's pods are counted, or it may
# land on the node between the count and the drain dialog.
core_ready() { [ "$(kc -n ingest get deploy ingest-core -o jsonpath='{.status.readyReplicas}')" = 3 ]; }
wait_until 30 core_ready || t_fail "ingest-core reaches 3 ready replicas" "$(kc -n ingest get pods 2>&1)"
node=$(kc -n ingest get pods -l app=ingest-broker -o jsonpath='{.items[0].spec.nodeName}')
npods=$(kc get pods -A --field-selector spec.nodeName="$node" --no-headers | wc -l)
total=$((npods + 1))   # the node's cordon, then one line per pod
# Slow answers (0.4 s each) so the list can be seen while it grows.
fault '{"type":"latency","ms":400}' >/dev/null
tm_keys : d r a i n Space
tm_keys -l "$node"
tm_keys Enter
if tm_wait 20 "y/Enter: do it"; then t_ok "drain asks first"; else t_fail "drain asks first" "$(shot)"; fi
t_contains "the dialog counts the objects" "drain $node: $total objects" "$(shot)"
tm_keys y
if tm_wait 20 "actions running"; then t_ok "the progress list shows while the drain runs"
else t_fail "the progress list shows while the drain runs" "$(shot)"; fi
mid=$(shot)
t_match "mid-way: n of N with a per-object result" "^ 1/$total node/$node: .*: ok" "$mid"
t_lacks "mid-way: not finished yet" "drain $node: ok" "$mid"
t_lacks "mid-way: the last object not done yet" " $total/$total " "$mid"
if tm_wait 60 "drain $node: ok"; then t_ok "the drain ends ok"; else t_fail "the drain ends ok" "$(shot)"; fi
end=$(shot)
t_match "the last line of the list is $total/$total" "^ $total/$total pod/" "$end"
t_match "per-object results: evicted pods" "^ [0-9]+/$total pod/ingest/ingest-broker-[^ ]*: evict: ok" "$end"
t_contains "per-object results: the DaemonSet pod stays" "stays (DaemonSet pod): skipped" "$end"
t_lacks "the list is no longer running" "actions running" "$end"
fault '{"type":"latency","ms":0}' >/dev/null
tm_keys Escape
kc uncordon "$node" >/dev/null

# ---- f: force-delete a pod stuck Unknown on a NotReady node ------------------------
down=$(kc -n ingest get pods -l app=ingest-core -o jsonpath='{.items[0].spec.nodeName}')
fault "{\"type\":\"node-down\",\"node\":\"$down\"}" >/dev/null
stuck_pod() { kc -n ingest get pods -l app=ingest-core --no-headers -o wide | awk -v n="$down" '$3 == "Unknown" && $7 == n {print $1; exit}'; }
has_stuck() { [ -n "$(stuck_pod)" ]; }
wait_until 40 has_stuck
stuck=$(stuck_pod)
t_check "a pod is stuck Unknown on the NotReady node (kubectl)" test -n "$stuck"
tm_keys 1 /
tm_keys -l "$stuck"
tm_keys Enter
tm_wait 10 "Unknown" || t_fail "the pods pane shows the stuck pod" "$(shot)"
tm_keys C-d
if tm_wait 10 "f force-deletes it (grace 0)"; then t_ok "delete offers f for the stuck pod"
else t_fail "delete offers f for the stuck pod" "$(shot)"; fi
t_contains "the plain delete comes first" "same as: kubectl -n ingest delete pod/$stuck" "$(shot)"
tm_keys f
if tm_wait 10 "delete pod/$stuck --grace-period=0 --force"; then t_ok "f turns it into a force delete with its kubectl line"
else t_fail "f turns it into a force delete" "$(shot)"; fi
t_check "the stuck pod is still there before confirming (kubectl)" kc -n ingest get pod "$stuck"
tm_keys y
if tm_wait 15 "pod/$stuck --force: ok"; then t_ok "force delete confirmed from the keyboard"
else t_fail "force delete confirmed from the keyboard" "$(shot)"; fi
t_check "the pod is gone at once (kubectl)" bash -c "! KUBECONFIG=/dev/null kubectl --server $SIM_URL -n ingest get pod $stuck >/dev/null 2>&1"
fault "{\"type\":\"node-up\",\"node\":\"$down\"}" >/dev/null

# A healthy pod on a Ready node gets no offer.
healthy=$(kc -n ingest get pods -l app=ingest-validator --field-selector status.phase=Running -o jsonpath='{.items[0].metadata.name}')
tm_keys Escape Escape /
tm_keys -l "$healthy"
tm_keys Enter C-d
tm_wait 10 "y/Enter: do it" || t_fail "delete of a healthy pod asks" "$(shot)"
t_lacks "no force offer for a healthy pod" "force-deletes it" "$(shot)"
tm_keys n
tm_wait 10 "cancelled by the operator" || t_fail "n cancels" "$(shot)"
t_check "the healthy pod is untouched (kubectl)" kc -n ingest get pod "$healthy"

# ---- read-only console: `s` on a selected deployment is refused, the audit line names it
tm_keys q
wait_until 10 tm_dead
tmux -L "$T_TMUX" kill-session -t t
seq=$(sim_get /sim/v1/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])')
tm_start 160x40 "$WR" --server "$SIM_URL" -n ingest --read-only
tm_wait 20 "ingest-core" || t_fail "read-only console shows pods" "$(shot)"
tm_keys 3 / i n g e s t - v a l i d a t o r Enter
tm_wait 10 "filter: ingest-validator" || t_fail "read-only: workloads pane filtered" "$(shot)"
tm_keys s
if tm_wait 10 "read-only mode"; then t_ok "read-only console: s is refused and says why"
else t_fail "read-only console: s is refused and says why" "$(shot)"; fi
t_lacks "read-only console: no count prompt" "type the new replica count" "$(shot)"
t_match "read-only console: the refused audit line names the selected deployment" \
  '"command":"scale -n ingest deployment/ingest-validator","objects":\["deployment/ingest-validator"\],"result":"refused"' "$(tail -1 "$AUDIT")"
t_eq "read-only console: only GETs reached the server" "" "$(sim_get "/sim/v1/requests?since=$seq" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    if r["method"] != "GET": print(r["method"], r["path"])')"

t_match "audit has the keyboard scale" '"command":"scale -n ingest deployment/ingest-core 3".*"result":"ok"' "$(cat "$AUDIT")"
t_match "audit has the force delete" "\"command\":\"delete -n ingest pod/$stuck --force\".*\"result\":\"ok\"" "$(cat "$AUDIT")"
t_done
