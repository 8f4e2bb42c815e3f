#!/bin/bash
# The real kubectl reads from warroom-sim's default scenario: discovery, tables, selectors,
# paging, logs (tail and follow) and watch.
. "$(dirname "$0")/../lib/common.sh"

command -v kubectl >/dev/null || { t_fail "kubectl is installed"; t_done; }
sim_start || { t_fail "warroom-sim starts"; t_done; }
t_ok "warroom-sim starts ($SIM_URL)"

out=$(kc get pods -A -o wide 2>&1)
t_match "get pods -A -o wide: wide header" '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE +IP +NODE ' "$out"
t_match "get pods -A -o wide: an ingest pod on an ip-172-20 node" \
	'^ingest +ingest-broker-[a-z0-9]+-[a-z0-9]+ +[0-9]+/[0-9]+ +[A-Za-z]+ .* ip-172-20-[0-9-]+\.ec2\.internal ' "$out"
t_match "get pods -A -o wide: managed-services pods" '^managed-services +managed-services-api-' "$out"
t_eq "get pods -A: 3 managed-services-api pods" 3 "$(grep -cE '^managed-services +managed-services-api-' <<<"$out")"
t_lacks "get pods -A: no kubectl error" "error:" "$out"

out=$(kc get nodes 2>&1)
t_eq "get nodes: 3 Ready nodes" 3 "$(grep -cE '^ip-172-20-[0-9-]+\.ec2\.internal +Ready ' <<<"$out")"

out=$(kc get deploy,sts -n ingest 2>&1)
for d in ingest-accessioner ingest-broker ingest-core ingest-exporter ingest-ontology \
	ingest-staging-manager ingest-state-tracking ingest-validator; do
	t_match "get deploy -n ingest: $d" "^deployment.apps/$d +[0-9]+/[0-9]+ " "$out"
done
t_match "get sts -n ingest: mongo" '^statefulset.apps/mongo +[0-9]+/[0-9]+ ' "$out"
t_match "get sts -n ingest: rabbitmq" '^statefulset.apps/rabbitmq +[0-9]+/[0-9]+ ' "$out"

out=$(kc get events -A 2>&1)
t_match "get events -A: event table or an empty answer" '^(NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +MESSAGE|No resources found)' "$out"
t_lacks "get events -A: no error" "error:" "$out"

out=$(kc get pods -n ingest -l app=ingest-core --no-headers 2>&1)
t_match "label selector: ingest-core pods listed" '^ingest-core-' "$out"
t_lacks "label selector: nothing else listed" "ingest-broker" "$out"
out=$(kc get pods -n ingest -l 'app in (ingest-core,ingest-broker),app!=ingest-core' --no-headers 2>&1)
t_match "set-based selector: broker only" '^ingest-broker-' "$out"
t_lacks "set-based selector: core excluded" "ingest-core-" "$out"

node=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name 2>/dev/null | head -1)
out=$(kc get pods -A --field-selector "spec.nodeName=$node" -o wide --no-headers 2>&1)
t_match "field selector spec.nodeName: pods of $node" "$node" "$out"
others=$(awk -v n="$node" '$8 != n' <<<"$out")
t_eq "field selector spec.nodeName: only that node" "" "$others"
out=$(kc get pods -A --field-selector status.phase=Running --no-headers 2>&1)
t_lacks "field selector status.phase=Running: no Completed pod" "Completed" "$out"
out=$(kc get pods -A --field-selector bogus.field=1 2>&1)
t_contains "unsupported field selector is refused" "field label not supported" "$out"

paged=$(kc get pods -A --chunk-size=2 -o custom-columns=NS:.metadata.namespace,N:.metadata.name 2>&1)
unpaged=$(kc get pods -A --chunk-size=0 -o custom-columns=NS:.metadata.namespace,N:.metadata.name 2>&1)
t_eq "--chunk-size=2 paging equals the unpaged list" "$unpaged" "$paged"
t_check "--chunk-size=2 really paged (continue tokens used)" \
	bash -c "curl -sS '$SIM_URL/sim/v1/requests' | grep -oE '\"query\":\"[^\"]*\"' | grep 'limit=2' | grep -q 'continue='"
body=$(curl -sS "$SIM_URL/api/v1/pods?limit=2")
t_match "limit=2: remainingItemCount reported" '"remainingItemCount":[0-9]+' "$body"

pod=$(kc get pods -n ingest -l app=ingest-broker -o name 2>/dev/null | head -1)
t_check "log fault injects known lines" fault "{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"${pod#pod/}\",\"lines\":[\"mark-1\",\"mark-2\",\"mark-3\",\"mark-4\",\"mark-5\",\"mark-6\"]}"
out=$(kc logs -n ingest "$pod" --tail=5 2>&1)
t_eq "logs --tail=5 prints 5 lines" 5 "$(wc -l <<<"$out" | tr -d ' ')"
t_lacks "logs --tail=5: the 6th-last line is not shown" "mark-1" "$out"
out=$(kc logs -n ingest "$pod" --tail=2 --timestamps 2>&1)
t_match "logs --timestamps: RFC 3339 nano prefix" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z ' "$out"

# follow: lines keep arriving after the initial tail.
KUBECONFIG=$T_TMP/no-kubeconfig timeout 3 kubectl --server "$SIM_URL" logs -f -n ingest "$pod" --tail=1 \
	>"$T_TMP/follow.out" 2>&1
t_eq "logs -f: ended by the timeout, not by the server" 124 "$?"
n=$(wc -l <"$T_TMP/follow.out" | tr -d ' ')
if [ "$n" -ge 2 ]; then t_ok "logs -f: new lines arrived while following ($n lines)"
else t_fail "logs -f: new lines arrived while following" "$(cat "$T_TMP/follow.out")"; fi

# watch: a fault shows up as a new row.
bg_start "$T_TMP/watch.out" env KUBECONFIG="$T_TMP/no-kubeconfig" timeout 15 kubectl --server "$SIM_URL" \
	get pods -n ingest -w
wait_until 10 grep -q ingest-exporter "$T_TMP/watch.out"
before=$(wc -l <"$T_TMP/watch.out")
t_check "crashloop fault accepted" fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-exporter","message":"boom"}'
if wait_until 10 bash -c "tail -n +$((before + 1)) '$T_TMP/watch.out' | grep -q 'ingest-exporter.*CrashLoopBackOff\|ingest-exporter.*Error'"; then
	t_ok "get pods -w: the crashloop appears as a new event"
else
	t_fail "get pods -w: the crashloop appears as a new event" "$(cat "$T_TMP/watch.out")"
fi
t_done
