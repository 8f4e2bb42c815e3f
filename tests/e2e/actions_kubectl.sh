#!/bin/bash
# Remediation commands through `warroom run` against warroom-sim, each result checked with
# the real kubectl: scale, restart, delete, force-delete, cordon/uncordon, drain, dry-run,
# read-only (only GETs reach the server), 403 from a forbidden namespace, and the audit
# trail (a line for every case, never the token).
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl
TOKEN=s3cret-token-$RANDOM$RANDOM

# kubectl sends no token over plain http: the token part runs against a second simulator.
sim_start --forbid managed-services || { t_fail "warroom-sim starts"; t_done; }
wr() { timeout 60 "$WR" --server "$SIM_URL" "$@"; }
replicas() { kc -n "$1" get "$2" -o jsonpath='{.spec.replicas}'; }
# Methods other than GET the simulator served since request seq $1.
writes_since() {
  sim_get "/sim/v1/requests?since=$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    if r["method"] != "GET": print(r["method"], r["path"], r["query"])'
}
last_seq() { sim_get /sim/v1/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])'; }

# scale up and down
out=$(wr -n ingest run 'scale deployment/ingest-core 4' --yes 2>&1); rc=$?
t_eq "scale up exits 0" 0 "$rc"
t_contains "scale shows from -> to" "replicas 2 -> 4: ok" "$out"
t_eq "kubectl sees 4 replicas" 4 "$(replicas ingest deployment/ingest-core)"
ready4() { [ "$(kc -n ingest get deploy ingest-core -o jsonpath='{.status.readyReplicas}')" = 4 ]; }
wait_until 20 ready4
t_eq "4 pods ready (kubectl)" 4 "$(kc -n ingest get deploy ingest-core -o jsonpath='{.status.readyReplicas}')"
out=$(wr -n ingest run 'scale deploy/ingest-core 1' --yes 2>&1)
t_eq "scale down: kubectl sees 1 replica" 1 "$(replicas ingest deployment/ingest-core)"
out=$(wr -n ingest run 'scale sts/mongo 2' --yes 2>&1)
t_eq "scale statefulset: kubectl sees 2" 2 "$(replicas ingest statefulset/mongo)"
wr -n ingest run 'scale sts/mongo 1' --yes >/dev/null 2>&1

# without --yes and without a terminal: nothing is done
out=$(wr -n ingest run 'scale deployment/ingest-core 3' </dev/null 2>&1); rc=$?
t_eq "no --yes, no terminal: exit 1" 1 "$rc"
t_contains "it says why" "add --yes" "$out"
t_eq "replicas unchanged" 1 "$(replicas ingest deployment/ingest-core)"

# restart: new pods appear
before=$(kc -n ingest get pods -l app=ingest-validator -o name | sort)
out=$(wr -n ingest run 'restart deployment/ingest-validator' --yes 2>&1); rc=$?
t_eq "restart exits 0" 0 "$rc"
t_check "restartedAt annotation set" test -n "$(kc -n ingest get deploy ingest-validator -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')"
newpods() { after=$(kc -n ingest get pods -l app=ingest-validator -o name | sort); [ -n "$(comm -13 <(echo "$before") <(echo "$after"))" ]; }
if wait_until 30 newpods; then t_ok "restart: new pods appear (kubectl)"; else t_fail "restart: new pods appear" "$before" "$after"; fi

# delete, then force-delete a pod stuck on a NotReady node
pod=$(kc -n ingest get pods -l app=ingest-exporter -o jsonpath='{.items[0].metadata.name}')
out=$(wr -n ingest run "delete pod/$pod" --yes 2>&1); rc=$?
t_eq "delete exits 0" 0 "$rc"
gone() { ! kc -n ingest get pod "$1" >/dev/null 2>&1 || kc -n ingest get pod "$1" -o jsonpath='{.metadata.deletionTimestamp}' | grep -q .; }
if wait_until 20 gone "$pod"; then t_ok "deleted pod is gone or terminating (kubectl)"; else t_fail "deleted pod is gone"; fi
node=$(kc -n ingest get pod mongo-0 -o jsonpath='{.spec.nodeName}')
fault "{\"type\":\"node-down\",\"node\":\"$node\"}" >/dev/null
unknown() { kc -n ingest get pods --no-headers | grep -q Unknown; }
wait_until 30 unknown
stuck=$(kc -n ingest get pods --no-headers | awk '$3 == "Unknown" {print $1; exit}')
out=$(wr -n ingest run "delete pod/$stuck --force" --yes 2>&1); rc=$?
t_eq "force delete exits 0" 0 "$rc"
t_contains "force delete says grace 0" "grace 0" "$out"
t_check "force-deleted pod is gone at once (kubectl)" bash -c "! KUBECONFIG=/dev/null kubectl --server $SIM_URL -n ingest get pod $stuck >/dev/null 2>&1"
fault "{\"type\":\"node-up\",\"node\":\"$node\"}" >/dev/null

# cordon / uncordon
n1=$(kc get nodes -o jsonpath='{.items[0].metadata.name}')
wr run "cordon $n1" --yes >/dev/null 2>&1
t_eq "cordon: kubectl sees unschedulable" true "$(kc get node "$n1" -o jsonpath='{.spec.unschedulable}')"
t_contains "kubectl shows SchedulingDisabled" SchedulingDisabled "$(kc get node "$n1" --no-headers)"
wr run "uncordon node/$n1" --yes >/dev/null 2>&1
t_eq "uncordon: schedulable again" "" "$(kc get node "$n1" -o jsonpath='{.spec.unschedulable}' | sed 's/false//')"

# drain: pods move, DaemonSet pods stay, PDB-protected pods reported
n2=$(kc get nodes -o jsonpath='{.items[1].metadata.name}')
ds_before=$(kc get pods -A --field-selector spec.nodeName="$n2" --no-headers | awk '$2 ~ /^kube-proxy/ {print $2}')
out=$(wr run "drain $n2" --yes 2>&1); rc=$?
t_contains "drain reports DaemonSet pods staying" "DaemonSet pod" "$out"
t_eq "drain: node cordoned" true "$(kc get node "$n2" -o jsonpath='{.spec.unschedulable}')"
moved() { [ -z "$(kc get pods -A --field-selector spec.nodeName="$n2" --no-headers | awk '$2 !~ /^kube-proxy/ && $1 != "managed-services" && $4 != "Completed"')" ]; }
if wait_until 30 moved; then t_ok "drain: workload pods left the node (kubectl)"
else t_fail "drain: workload pods left the node" "$(kc get pods -A -o wide --field-selector spec.nodeName="$n2")"; fi
t_eq "drain: the DaemonSet pod stays" "$ds_before" "$(kc get pods -A --field-selector spec.nodeName="$n2" --no-headers | awk '$2 ~ /^kube-proxy/ {print $2}')"
wr run "uncordon $n2" --yes >/dev/null 2>&1

# dry-run changes nothing, but the server was asked with dryRun=All
seq=$(last_seq)
out=$(wr -n ingest --dry-run run 'scale deployment/ingest-core 5' --yes 2>&1); rc=$?
t_eq "dry-run exits 0" 0 "$rc"
t_contains "dry-run says so" "dry run" "$out"
t_eq "dry-run: replicas unchanged" 1 "$(replicas ingest deployment/ingest-core)"
t_match "dry-run: the PATCH carried dryRun=All" '^PATCH .*/scale dryRun=All$' "$(writes_since "$seq")"

# read-only: every mutating command refused, only GETs reach the server
seq=$(last_seq)
for c in 'scale deployment/ingest-core 3' 'restart deployment/ingest-core' "delete pod/$pod" "cordon $n1" \
         "uncordon $n1" "drain $n1" 'red-button' 'restore'; do
  out=$(wr -n ingest --read-only run "$c" --yes 2>&1); rc=$?
  [ "$rc" -ne 0 ] && grep -q "read-only" <<<"$out" || t_fail "read-only refuses '$c'" "rc=$rc" "$out"
done
t_ok "read-only: every mutating command refused with exit 1 and says read-only"
t_eq "read-only: the server saw only GETs" "" "$(writes_since "$seq")"

# 403 from a namespace the user may not write
out=$(wr -n managed-services run 'scale deployment/managed-services-api 1' --yes 2>&1); rc=$?
t_eq "forbidden: exit 1" 1 "$rc"
t_contains "403 named clearly" "403 Forbidden: patch deployments.apps/scale managed-services-api in namespace managed-services" "$out"
t_contains "server's RBAC message shown" "cannot patch resource" "$out"
t_eq "forbidden: unchanged (kubectl)" 3 "$(replicas managed-services deployment/managed-services-api)"

# Events for teammates
t_contains "WarroomAction Event visible to kubectl" "WarroomAction" "$(kc -n ingest get events --field-selector reason=WarroomAction --no-headers)"

# the audit trail
t_check "audit file exists" test -s "$AUDIT"
t_check "every audit line is JSON" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$AUDIT"
res=$(python3 -c "
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l); print(r['command'].split()[0], r['result'])" "$AUDIT" | sort -u)
for want in "scale attempted" "scale ok" "scale cancelled" "scale refused" "scale failed" "restart ok" "delete ok" \
            "cordon ok" "uncordon ok" "drain refused" "red-button refused" "restore refused"; do
  t_contains "audit has '$want'" "$want" "$res"
done
t_match "drain audited with a result" '^drain (ok|partial)$' "$res"

# With a bearer token: the action works, and the token is nowhere in the trail.
sim_start --token "$TOKEN" || { t_fail "warroom-sim --token starts"; t_done; }
out=$(timeout 60 "$WR" --server "$SIM_URL" --token "$TOKEN" -n ingest run 'scale deployment/ingest-core 2' --yes 2>&1); rc=$?
t_eq "scale with a token exits 0" 0 "$rc"
t_eq "the token sim saw the PATCH" 1 "$(curl -sS -H "Authorization: Bearer $TOKEN" "$SIM_URL/sim/v1/requests" | grep -o '"method": *"PATCH"' | wc -l)"
t_match "audit records the token session" "\"server\":\"$SIM_URL\".*\"result\":\"ok\"" "$(tail -1 "$AUDIT")"
t_lacks "audit never contains the token" "$TOKEN" "$(cat "$AUDIT")"
t_done
