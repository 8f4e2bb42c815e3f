#!/bin/bash
# Remediation safety rails not covered by actions_kubectl.sh, through `warroom run` against
# warroom-sim and checked with the real kubectl:
#  - drain with a PodDisruptionBudget that allows no disruption (created by kubectl): the
#    protected pod is reported with the budget's name and stays, the others move, the
#    result is "partial" (exit 1, audit line "partial");
#  - `audit_events: false` in the config file: no WarroomAction Event is posted (and one
#    is without it);
#  - a read-only refusal records the objects the command named, and sends nothing at all.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl

sim_start || { t_fail "warroom-sim starts"; t_done; }
wr() { timeout 60 "$WR" --server "$SIM_URL" "$@"; }
last_seq() { sim_get /sim/v1/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])'; }
# Requests (method path) the simulator served since seq $1.
requests_since() {
  sim_get "/sim/v1/requests?since=$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]: print(r["method"], r["path"])'
}
audit_last() { tail -1 "$AUDIT"; }
# audit_field FIELD: FIELD of the last audit line, as JSON.
audit_field() { tail -1 "$AUDIT" | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())[sys.argv[1]]))' "$1"; }

# ---- 1. drain blocked by a PodDisruptionBudget -------------------------------------
kc -n ingest create pdb ingest-core-pdb --selector=app=ingest-core --min-available=2 >/dev/null
no_disruption() { [ "$(kc -n ingest get pdb ingest-core-pdb -o jsonpath='{.status.disruptionsAllowed}')" = 0 ]; }
wait_until 20 no_disruption
t_eq "the budget allows no disruption (kubectl)" 0 "$(kc -n ingest get pdb ingest-core-pdb -o jsonpath='{.status.disruptionsAllowed}')"
protected=$(kc -n ingest get pods -l app=ingest-core -o jsonpath='{.items[0].metadata.name}')
node=$(kc -n ingest get pod "$protected" -o jsonpath='{.spec.nodeName}')
# Pods that should move: not the protected one, not DaemonSet (kube-proxy), not finished.
movable=$(kc get pods -A --field-selector spec.nodeName="$node" --no-headers |
          awk -v p="$protected" '$2 != p && $2 !~ /^kube-proxy/ && $4 != "Completed" {print $1 "/" $2}')
t_check "the node also hosts pods that can move" test -n "$movable"
out=$(wr run "drain $node" --yes 2>&1); rc=$?
t_eq "drain with a blocked pod exits 1" 1 "$rc"
t_match "the report names the blocked pod" "pod/ingest/$protected: evict: blocked by a PodDisruptionBudget" "$out"
t_contains "the report names the budget" "disruption budget ingest-core-pdb" "$out"
t_contains "the result says partial" "partial" "$out"
t_match "the audit line says partial" '"command":"drain [^"]*".*"result":"partial"' "$(audit_last)"
t_contains "the audit details name the budget" "ingest-core-pdb" "$(audit_last)"
t_eq "the protected pod stays on the node (kubectl)" "$node" "$(kc -n ingest get pod "$protected" -o jsonpath='{.spec.nodeName}')"
left() {
  local p
  for p in $movable; do
    kc -n "${p%%/*}" get pod "${p#*/}" -o jsonpath='{.spec.nodeName}' 2>/dev/null | grep -qxF "$node" && return 1
  done
  return 0
}
if wait_until 30 left; then t_ok "the other pods left the node (kubectl)"
else t_fail "the other pods left the node" "$(kc get pods -A -o wide --field-selector spec.nodeName="$node")"; fi
t_eq "the node is cordoned (kubectl)" true "$(kc get node "$node" -o jsonpath='{.spec.unschedulable}')"
wr run "uncordon $node" --yes >/dev/null 2>&1

# ---- 2. WarroomAction Events can be turned off in the config file -------------------
events_on() { kc -n ingest get events --field-selector "reason=WarroomAction,involvedObject.name=$1" --no-headers 2>/dev/null; }
printf 'audit_events: false\n' >"$T_TMP/noevents.yaml"
seq=$(last_seq)
out=$(wr --config "$T_TMP/noevents.yaml" -n ingest run 'scale deployment/ingest-exporter 2' --yes 2>&1); rc=$?
t_eq "scale with audit_events: false exits 0" 0 "$rc"
t_eq "scale done (kubectl)" 2 "$(kc -n ingest get deploy ingest-exporter -o jsonpath='{.spec.replicas}')"
t_eq "audit_events: false: no Event was posted" "" "$(requests_since "$seq" | grep '^POST .*/events')"
t_eq "audit_events: false: kubectl sees no WarroomAction Event" "" "$(events_on ingest-exporter)"
t_match "audit_events: false: the audit file still has the action" '"command":"scale deployment/ingest-exporter 2".*"result":"ok"' "$(audit_last)"
out=$(wr -n ingest run 'scale deployment/ingest-exporter 1' --yes 2>&1)
t_contains "without the key: kubectl sees the WarroomAction Event" "WarroomAction" "$(events_on ingest-exporter)"
printf 'audit_events: "no"\n' >"$T_TMP/bad.yaml"
out=$(wr --config "$T_TMP/bad.yaml" -n ingest run 'scale deployment/ingest-exporter 1' --yes 2>&1); rc=$?
t_eq "audit_events that is not a boolean: exit 2" 2 "$rc"
t_contains "the error names the file, line and key" "bad.yaml:1: audit_events: expected true or false" "$out"

# ---- 4. a refused command records the objects it named, sends nothing ----------------
for c in 'scale deployment/ingest-core 3|["deployment/ingest-core"]' 'restart sts/mongo|["statefulset/mongo"]' \
         "delete pod/$protected|[\"pod/$protected\"]" "drain $node|[\"node/$node\"]" \
         'red-button|["namespace/ingest"]'; do
  cmd=${c%%|*} want=${c#*|}
  seq=$(last_seq)
  out=$(wr -n ingest --read-only run "$cmd" --yes 2>&1); rc=$?
  t_eq "read-only '$cmd': exit 1" 1 "$rc"
  t_eq "read-only '$cmd': audit result refused" '"refused"' "$(audit_field result)"
  t_eq "read-only '$cmd': audit names its objects" "$want" "$(audit_field objects | tr -d ' ')"
  t_eq "read-only '$cmd': not one request reached the server" "" "$(requests_since "$seq" | grep -v '^GET /sim/')"
done
t_done
