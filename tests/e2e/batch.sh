#!/bin/bash
# warroom --batch against warroom-sim: plain tables that agree with the real kubectl,
# exit 2 with a one-line reason when the server refuses or cannot be reached.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom

sim_start || { t_fail "warroom-sim starts"; t_done; }

# pods: NAMESPACE NAME READY STATUS must equal kubectl's (retried: the cluster is live)
same=0
for _ in 1 2 3; do
  out=$("$WR" --batch --panel pods --server "$SIM_URL" 2>"$T_TMP/err"); rc=$?
  ours=$(tail -n +2 <<<"$out" | awk '{print $1, $2, $3, $4}' | sort)
  theirs=$(kc get pods -A --no-headers | awk '{print $1, $2, $3, $4}' | sort)
  [ "$ours" == "$theirs" ] && { same=1; break; }
  sleep 1
done
t_eq "batch pods exits 0" 0 "$rc"
t_match "batch pods has the header" '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE +IP +NODE$' "$(head -1 <<<"$out")"
t_contains "batch pods lists ingest-broker" "ingest-broker-" "$out"
t_contains "batch pods lists managed-services-api" "managed-services-api-" "$out"
if [ $same = 1 ]; then t_ok "NAMESPACE/NAME/READY/STATUS equal kubectl get pods -A"
else t_fail "NAMESPACE/NAME/READY/STATUS equal kubectl get pods -A" "$(diff <(echo "$theirs") <(echo "$ours"))"; fi
t_eq "no escape sequences in batch output" 0 "$(grep -c $'\e' <<<"$out")"
t_eq "nothing on stderr" "" "$(cat "$T_TMP/err")"

out=$("$WR" --batch --panel nodes --server "$SIM_URL"); rc=$?
t_eq "batch nodes exits 0" 0 "$rc"
t_eq "nodes NAME/STATUS equal kubectl get nodes" \
  "$(kc get nodes --no-headers | awk '{print $1, $2}' | sort)" \
  "$(tail -n +2 <<<"$out" | awk '{print $1, $2}' | sort)"
t_match "nodes named like EC2 hosts" '^ip-172-20-[0-9-]+\.ec2\.internal ' "$(tail -n +2 <<<"$out")"

# after a node-down fault the STATUS columns still agree with kubectl's
NODE=$(tail -n +2 <<<"$out" | awk '{print $1}' | sort | head -1)
fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}" >/dev/null
sleep 1
same=0
for _ in 1 2 3 4 5; do
  ours=$("$WR" --batch --panel pods --panel nodes --server "$SIM_URL" | awk 'NF {print $1, $2, $3, $4}' | sort)
  theirs=$( (kc get pods -A --no-headers | awk '{print $1, $2, $3, $4}'
             kc get nodes --no-headers | awk '{print $1, $2, $3, $4}'
             echo "NAME STATUS ROLES AGE"; echo "NAMESPACE NAME READY STATUS") | sort)
  [ "$ours" == "$theirs" ] && { same=1; break; }
  sleep 1
done
if [ $same = 1 ]; then t_ok "after node-down, pods and nodes agree with kubectl"
else t_fail "after node-down, pods and nodes agree with kubectl" "$(diff <(echo "$theirs") <(echo "$ours"))"; fi
t_contains "node-down shows NotReady in batch" "NotReady" "$("$WR" --batch --panel nodes --server "$SIM_URL")"
t_contains "node-down shows Unknown pods in batch" "Unknown" "$("$WR" --batch --server "$SIM_URL")"

# -n NAMESPACE restricts the list
out=$("$WR" --batch -n managed-services --server "$SIM_URL")
t_eq "-n managed-services shows only that namespace" "managed-services" "$(tail -n +2 <<<"$out" | awk '{print $1}' | sort -u)"

# a refused port: exit 2, one line naming the API path
port=${SIM_URL##*:}
sim_stop
"$WR" --batch --panel pods --server "http://127.0.0.1:$port" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "refused port exits 2" 2 "$rc"
t_eq "refused port prints one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
t_contains "refused port names the path and reason" "GET /api/v1/pods: connection refused" "$(cat "$T_TMP/err")"
t_eq "refused port prints no table" "" "$(cat "$T_TMP/out")"

# 401 from a simulator that wants a token; the right token works
sim_start --token s3cret || { t_fail "warroom-sim --token starts"; t_done; }
"$WR" --batch --server "$SIM_URL" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "no token: exit 2" 2 "$rc"
t_match "no token: says 401" "401 Unauthorized|HTTP 401" "$(cat "$T_TMP/err")"
printf 's3cret\n' >"$T_TMP/token"
out=$("$WR" --batch --server "$SIM_URL" --token-file "$T_TMP/token" 2>"$T_TMP/err"); rc=$?
t_eq "token file: exit 0" 0 "$rc"
t_contains "token file: pods listed" "ingest-broker-" "$out"
t_lacks "the token never appears on stderr" "s3cret" "$(cat "$T_TMP/err")"

# option errors
"$WR" --batch >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "no --server: exit 2" 2 "$rc"
t_contains "no --server: explains kubeconfig comes later" "kubeconfig" "$(cat "$T_TMP/err")"
"$WR" --batch --server 'http://127.0.0.1:1/x?y' >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "bad --server: exit 2" 2 "$rc"
"$WR" --batch --panel bogus --server "$SIM_URL" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "unknown panel: exit 2" 2 "$rc"
t_contains "unknown panel named" "unknown panel 'bogus'" "$(cat "$T_TMP/err")"
t_done
