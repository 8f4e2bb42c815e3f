#!/bin/bash
# `warroom run 'COMMAND'` and `--batch --panel workloads|events` against warroom-sim,
# cross-checked with the real kubectl on the same simulator.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom

sim_start || { t_fail "warroom-sim starts"; t_done; }
fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-broker","message":"fatal: cannot open /etc/broker.yaml"}' >/dev/null
fault '{"type":"unavailable","namespace":"ingest","deployment":"ingest-validator"}' >/dev/null
fault '{"type":"event","namespace":"ingest","kind":"Pod","name":"mongo-0","reason":"SlowDisk","message":"fsync took 9s","event_type":"Warning"}' >/dev/null
sleep 4

# run workloads: NAME READY UP-TO-DATE AVAILABLE agree with kubectl get deployments -A
same=0
for _ in 1 2 3 4 5; do
  out=$("$WR" --server "$SIM_URL" run workloads 2>"$T_TMP/err"); rc=$?
  ours=$(awk '$3 == "Deployment" {print $1, $2, $4, $5, $6}' <<<"$out" | sort)
  theirs=$(kc get deployments -A --no-headers | awk '{print $1, $2, $3, $4, $5}' | sort)
  [ "$ours" == "$theirs" ] && { same=1; break; }
  sleep 1
done
t_eq "run workloads exits 0" 0 "$rc"
t_match "run workloads has the header" '^NAMESPACE +NAME +KIND +READY +UP-TO-DATE +AVAILABLE +AGE +IMAGES$' "$(head -1 <<<"$out")"
if [ $same = 1 ]; then t_ok "deployments agree with kubectl get deployments -A"
else t_fail "deployments agree with kubectl get deployments -A" "$(diff <(echo "$theirs") <(echo "$ours"))"; fi
t_eq "statefulsets agree with kubectl get statefulsets -A" \
  "$(kc get statefulsets -A --no-headers | awk '{print $1, $2, $3}' | sort)" \
  "$(awk '$3 == "StatefulSet" {print $1, $2, $4}' <<<"$out" | sort)"
t_match "degraded workload listed first" "^ingest +ingest-(broker|validator) " "$(sed -n 2p <<<"$out")"
t_contains "images with tags" "quay.io/ingest/broker:0.9.3" "$out"

# batch events: the Warning event first, with the involved object
out=$("$WR" --batch --panel events --server "$SIM_URL"); rc=$?
t_eq "batch events exits 0" 0 "$rc"
t_match "batch events header" '^NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +COUNT +MESSAGE$' "$(head -1 <<<"$out")"
t_match "the fault's Warning event with kind/name and message" "Warning +SlowDisk +pod/mongo-0 +x1 +fsync took 9s" "$out"
t_match "Warning events come before Normal ones" "Warning" "$(sed -n 2p <<<"$out")"
t_eq "no Normal event above a Warning" "" "$(awk 'NR > 1 && $4 == "Normal" {n=1} n && $4 == "Warning"' <<<"$out")"
t_eq "events count agrees with kubectl" "$(kc get events -A --no-headers | wc -l)" "$(tail -n +2 <<<"$out" | wc -l)"
out=$("$WR" --batch --panel workloads --panel events --server "$SIM_URL"); rc=$?
t_eq "two batch panels exit 0" 0 "$rc"
t_eq "two tables, separated by a blank line" 1 "$(grep -c '^$' <<<"$out")"

# run describe pod/NAME: the crash reason, as kubectl describe shows it
POD=$(kc get pods -n ingest --no-headers | awk '/ingest-broker/ {print $1}' | head -1)
out=$("$WR" --server "$SIM_URL" run "describe pod/$POD" 2>"$T_TMP/err"); rc=$?
t_eq "run describe exits 0" 0 "$rc"
t_contains "describe (no namespace given) finds the pod" "Namespace:      ingest" "$out"
t_contains "describe shows the termination message" "fatal: cannot open /etc/broker.yaml" "$out"
kd=$(kc describe pod -n ingest "$POD")
for field in "Image" "Restart Count" "Exit Code" "IP"; do
  theirs=$(grep -m1 -E "^ *$field:" <<<"$kd" | sed 's/.*: *//')
  ours=$(grep -m1 -E "^ *$field:" <<<"$out" | sed 's/.*: *//')
  # the pod may restart between the two reads: restart counts may differ by one
  if [ "$field" = "Restart Count" ] && [ -n "$ours" ] && [ -n "$theirs" ] && [ $((theirs - ours)) -le 1 ] && [ $((theirs - ours)) -ge 0 ]; then
    t_ok "describe $field agrees with kubectl"
  else
    t_eq "describe $field agrees with kubectl" "$theirs" "$ours"
  fi
done
t_contains "describe node/IP line" "$(kc get pod -n ingest "$POD" -o jsonpath='{.spec.nodeName}')" "$(grep '^Node:' <<<"$out")"
t_eq "no escape sequences" 0 "$(grep -c $'\e' <<<"$out")"
out=$("$WR" --server "$SIM_URL" -n ingest run "describe pod/$POD"); rc=$?
t_eq "-n ingest run describe pod/NAME exits 0" 0 "$rc"
NODE=$(kc get nodes --no-headers | awk '{print $1}' | head -1)
out=$("$WR" --server "$SIM_URL" run "describe node/$NODE"); rc=$?
t_eq "run describe node exits 0" 0 "$rc"
t_contains "node describe shows conditions" "MemoryPressure" "$out"

# -n combined with run
out=$("$WR" --server "$SIM_URL" -n managed-services run pods)
t_eq "-n managed-services run pods shows one namespace" "managed-services" "$(tail -n +2 <<<"$out" | awk '{print $1}' | sort -u)"

# errors: exit 2 with one line
"$WR" --server "$SIM_URL" run "describe pod/ingest/nope" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "missing pod: exit 2" 2 "$rc"
t_contains "missing pod: names the path and 404" "GET /api/v1/namespaces/ingest/pods/nope" "$(cat "$T_TMP/err")"
t_eq "missing pod: one line" 1 "$(wc -l <"$T_TMP/err")"
"$WR" --server "$SIM_URL" run "fly away" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "unknown command: exit 2" 2 "$rc"
t_contains "unknown command named" "unknown command 'fly'" "$(cat "$T_TMP/err")"
"$WR" --server "$SIM_URL" run "describe svc/x" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "bad argument: exit 2" 2 "$rc"
t_contains "bad argument explained" "unknown kind 'svc'" "$(cat "$T_TMP/err")"
"$WR" --server "$SIM_URL" run zoom >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "console-only command: exit 2" 2 "$rc"
out=$("$WR" --server "$SIM_URL" run help); rc=$?
t_eq "run help exits 0" 0 "$rc"
t_match "run help lists describe with its keys" "Enter, d +describe \[KIND/NAME\]" "$out"
port=${SIM_URL##*:}
sim_stop
"$WR" --server "http://127.0.0.1:$port" run workloads >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "unreachable: exit 2" 2 "$rc"
t_contains "unreachable: names the API path" "/apis/apps/v1/" "$(cat "$T_TMP/err")"
t_contains "unreachable: says why" "connection refused" "$(cat "$T_TMP/err")"
sim_start --token s3cret || { t_fail "warroom-sim --token starts"; t_done; }
"$WR" --server "$SIM_URL" run "describe pod/ingest/x" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "401: exit 2" 2 "$rc"
t_contains "401 explained" "401" "$(cat "$T_TMP/err")"
t_done
