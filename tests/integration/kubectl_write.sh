#!/bin/bash
# The real kubectl changes warroom-sim's default scenario: scale (down and back up), cordon
# and uncordon, delete pod (a replacement appears), rollout restart, and server-side
# dry runs that change nothing.
. "$(dirname "$0")/../lib/common.sh"

command -v kubectl >/dev/null || { t_fail "kubectl is installed"; t_done; }
sim_start || { t_fail "warroom-sim starts"; t_done; }
t_ok "warroom-sim starts ($SIM_URL)"

pods_of() { # NS APP: names of the pods labelled app=APP, not terminating
	kc get pods -n "$1" -l "app=$2" --no-headers 2>/dev/null | awk '$3 != "Terminating" {print $1}'
}
count_of() { kc get pods -n "$1" -l "app=$2" --no-headers 2>/dev/null | grep -c .; }
running_of() { kc get pods -n "$1" -l "app=$2" --no-headers 2>/dev/null | awk '$3 == "Running"' | grep -c .; }
# wait_until runs a command each poll, so the counts must be computed inside one.
count_is() { test "$(count_of "$1" "$2")" = "$3"; }
running_is() { test "$(running_of "$1" "$2")" = "$3"; }

# scale to 0: every broker pod goes away; back to 2: two come back and run.
out=$(kc scale deployment/ingest-broker --replicas=0 -n ingest 2>&1)
t_eq "scale --replicas=0 answers" "deployment.apps/ingest-broker scaled" "$out"
t_eq "scale: spec.replicas is 0" 0 "$(kc get deploy ingest-broker -n ingest -o jsonpath='{.spec.replicas}')"
if wait_until 45 count_is ingest ingest-broker 0; then t_ok "scale to 0: broker pods disappear"
else t_fail "scale to 0: broker pods disappear" "$(kc get pods -n ingest 2>&1)"; fi
out=$(kc scale deployment/ingest-broker --replicas=2 -n ingest 2>&1)
t_eq "scale --replicas=2 answers" "deployment.apps/ingest-broker scaled" "$out"
if wait_until 20 running_is ingest ingest-broker 2; then t_ok "scale back up: 2 broker pods running"
else t_fail "scale back up: 2 broker pods running" "$(kc get pods -n ingest 2>&1)"; fi
broker_ready() { kc get deploy ingest-broker -n ingest --no-headers 2>&1 | grep -qE '^ingest-broker +2/2 '; }
if wait_until 20 broker_ready; then t_ok "get deploy: ready 2/2 after scaling"
else t_fail "get deploy: ready 2/2 after scaling" "$(kc get deploy ingest-broker -n ingest 2>&1)"; fi

# cordon / uncordon
node=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name 2>/dev/null | head -1)
t_eq "cordon answers" "node/$node cordoned" "$(kc cordon "$node" 2>&1)"
t_match "cordoned node shows SchedulingDisabled" "^$node +Ready,SchedulingDisabled " "$(kc get nodes 2>&1)"
t_eq "spec.unschedulable set" true "$(kc get node "$node" -o jsonpath='{.spec.unschedulable}')"
t_eq "uncordon answers" "node/$node uncordoned" "$(kc uncordon "$node" 2>&1)"
t_match "uncordoned node is plain Ready" "^$node +Ready " "$(kc get nodes 2>&1)"
t_lacks "uncordoned node: SchedulingDisabled gone" "SchedulingDisabled" "$(kc get node "$node" 2>&1)"

# delete pod: kubectl waits for it to go; a replacement with a new name appears.
victim=$(pods_of ingest ingest-core | head -1)
out=$(kc delete pod -n ingest "$victim" 2>&1)
t_eq "delete pod answers (after waiting for the deletion)" "pod \"$victim\" deleted" "$out"
t_check "deleted pod is gone" bash -c "! KUBECONFIG=$T_TMP/no-kubeconfig kubectl --server $SIM_URL get pod -n ingest $victim"
if wait_until 20 running_is ingest ingest-core 2; then t_ok "delete pod: a replacement runs"
else t_fail "delete pod: a replacement runs" "$(kc get pods -n ingest 2>&1)"; fi
t_lacks "delete pod: the replacement has a new name" "$victim" "$(pods_of ingest ingest-core)"
out=$(kc delete pod -n ingest no-such-pod 2>&1)
t_contains "delete a missing pod: NotFound" 'pods "no-such-pod" not found' "$out"

# rollout restart: new pods (from a new pod template hash) replace the old ones.
before=$(pods_of ingest ingest-validator | sort)
out=$(kc rollout restart deployment/ingest-validator -n ingest 2>&1)
t_eq "rollout restart answers" "deployment.apps/ingest-validator restarted" "$out"
t_match "restartedAt annotation set on the template" '^20[0-9-]+T' \
	"$(kc get deploy ingest-validator -n ingest -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')"
all_new() {
	local now; now=$(kc get pods -n ingest -l app=ingest-validator --no-headers 2>/dev/null | awk '$3 == "Running" {print $1}' | sort)
	[ -n "$now" ] && [ "$(wc -l <<<"$now")" = "$(wc -l <<<"$before")" ] && [ -z "$(comm -12 <(echo "$before") <(echo "$now"))" ]
}
if wait_until 40 all_new; then t_ok "rollout restart: every validator pod replaced"
else t_fail "rollout restart: every validator pod replaced" "before: $before" "$(kc get pods -n ingest 2>&1)"; fi

# --dry-run=server: answers as if done, changes nothing.
rv=$(kc get deploy ingest-core -n ingest -o jsonpath='{.metadata.resourceVersion}')
out=$(kc scale deployment/ingest-core --replicas=7 -n ingest --dry-run=server 2>&1)
t_eq "scale --dry-run=server answers" "deployment.apps/ingest-core scaled (server dry run)" "$out"
t_eq "scale --dry-run=server: replicas unchanged" 2 "$(kc get deploy ingest-core -n ingest -o jsonpath='{.spec.replicas}')"
mongo_rv=$(kc get pod mongo-0 -n ingest -o jsonpath='{.metadata.resourceVersion}')
out=$(kc delete pod mongo-0 -n ingest --dry-run=server 2>&1)
t_eq "delete --dry-run=server answers" 'pod "mongo-0" deleted (server dry run)' "$out"
t_eq "delete --dry-run=server: no deletionTimestamp" "" "$(kc get pod mongo-0 -n ingest -o jsonpath='{.metadata.deletionTimestamp}')"
out=$(kc cordon "$node" --dry-run=server 2>&1)
t_contains "cordon --dry-run=server answers" "cordoned (server dry run)" "$out"
t_lacks "cordon --dry-run=server: node still schedulable" "SchedulingDisabled" "$(kc get node "$node" 2>&1)"
out=$(kc annotate deploy ingest-core -n ingest team=x --dry-run=server 2>&1)
t_contains "annotate --dry-run=server answers" "annotated (server dry run)" "$out"
t_eq "annotate --dry-run=server: no annotation" "" "$(kc get deploy ingest-core -n ingest -o jsonpath='{.metadata.annotations.team}')"
t_eq "dry runs left ingest-core's resourceVersion alone" "$rv" \
	"$(kc get deploy ingest-core -n ingest -o jsonpath='{.metadata.resourceVersion}')"
t_check "dry runs did not record a mongo-0 change" test -n "$mongo_rv"

# a real annotate and label go through (merge patches on a deployment)
t_contains "annotate deployment" "annotated" "$(kc annotate deploy ingest-core -n ingest team=ops 2>&1)"
t_eq "annotation stored" ops "$(kc get deploy ingest-core -n ingest -o jsonpath='{.metadata.annotations.team}')"
t_done
