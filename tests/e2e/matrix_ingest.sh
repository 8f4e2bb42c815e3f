#!/bin/bash
# Issue 6 against warroom-sim with the shipped ingest definitions: all ok at start; the
# reverse lookups in rank order; `unavailable` on ingest-broker -> broker down with its UI
# symptom in the batch matrix and on the console; `crashloop` on ingest-validator ->
# validator down; `warroom check` exit statuses 0/1/2; bad YAML names file and line.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
INGEST=$T_ROOT/runbooks/ingest.yaml
wr() { KUBECONFIG=$T_TMP/none "$WR" --server "$SIM_URL" --matrix "$INGEST" "$@"; }

sim_start || { t_fail "warroom-sim starts"; t_done; }

out=$(wr --batch --panel matrix); rc=$?
t_eq "batch matrix exits 0" 0 "$rc"
t_eq "eight ingest services listed" 8 "$(grep -cE '^(accessioner|broker|core|exporter|ontology|staging manager|state tracking|validator) ' <<<"$out")"
t_eq "all ok at start" 8 "$(grep -cE '^[a-z ]+ +ok +[0-9]+/[0-9]+ ready' <<<"$out")"
t_match "column per symptom channel" '^SERVICE +HEALTH +DETAIL +FAILING CHECKS +UI +INTEGRATION TEST$' "$(head -1 <<<"$out")"
t_lacks "nothing reported by users while all is ok" "What users see now" "$out"
out=$(wr check); rc=$?
t_eq "check exits 0 when all ok" 0 "$rc"

# reverse lookups, in rank order (the definition order breaks ties)
out=$(wr run 'symptom "stuck in Pending"'); rc=$?
t_eq "symptom lookup exits 0" 0 "$rc"
t_eq "stuck in Pending -> state tracking, validator" "state tracking,validator" \
  "$(sed -n 's/^[0-9]*\. \(.*[a-z]\)  [a-z].*/\1/p' <<<"$out" | paste -sd,)"
out=$(wr run 'symptom "Loading your submissions"')
t_eq "Loading your submissions -> core" "core" "$(sed -n 's/^[0-9]*\. \(.*[a-z]\)  [a-z].*/\1/p' <<<"$out" | paste -sd,)"
out=$(wr run 'symptom "stuck in' 2>&1); rc=$?
t_eq "an unterminated quote exits 2" 2 "$rc"

# the console: the matrix view, all ok
tm_start 200x50 env KUBECONFIG="$T_TMP/none" "$WR" --server "$SIM_URL" --matrix "$INGEST" -c matrix
if tm_wait 15 "validator"; then t_ok "console shows the matrix"; else t_fail "console shows the matrix" "$(tm_screen)"; fi
wait_until 10 bash -c "tmux -L $T_TMUX capture-pane -p -t t | grep -qE '^broker +ok'"
t_match "broker ok on the console" '^broker +ok +1/1 ready' "$(tm_screen)"

# unavailable on ingest-broker -> broker down, its UI symptom visible
fault '{"type":"unavailable","namespace":"ingest","deployment":"ingest-broker"}' >/dev/null
broker_down() { wr --batch --panel matrix | grep -qE '^broker +down'; }
if wait_until 20 broker_down; then t_ok "broker down after unavailable"; else t_fail "broker down after unavailable"; fi
out=$(wr --batch --panel matrix)
t_match "broker row: down, the failing check named, the UI symptom" \
  '^broker +down +0/1 ready +replicas: 0/1 ready +Uploading a spreadsheet .*An error occurred in uploading spreadsheet' "$out"
t_match "down services float to the top" '^broker ' "$(sed -n 2p <<<"$out")"
t_contains "what users see now names the broker's UI symptom" \
  "broker, UI: Uploading a spreadsheet will take over 30 seconds and fail with the message: An error occurred in uploading spreadsheet" "$out"
t_match "the others stay ok" '^core +ok' "$out"
out=$(wr check); rc=$?
t_eq "check exits 1 with a service down" 1 "$rc"
t_contains "check names the failing check" "down       broker: replicas: 0/1 ready" "$out"
if tm_wait 15 "An error occurred in uploading spreadsheet"; then t_ok "console shows the broker's symptom"; else t_fail "console shows the broker's symptom" "$(tm_screen)"; fi
t_match "console: broker down at the top" '^broker +down +0/1 ready' "$(tm_screen)"
# an unhealthy service wins ties in the lookup
out=$(wr run 'symptom spreadsheet')
t_match "lookup marks the broker unhealthy" '^1\. broker  down <- UNHEALTHY' "$out"

# crashloop on ingest-validator -> validator down
fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-validator","message":"bad config"}' >/dev/null
val_down() { wr --batch --panel matrix | grep -qE '^validator +down'; }
if wait_until 30 val_down; then t_ok "validator down after crashloop"; else t_fail "validator down after crashloop" "$(wr --batch --panel matrix)"; fi
if tm_wait 15 "validator        down"; then t_ok "console shows validator down"; else
  t_match "console shows validator down" '^validator +down' "$(tm_screen)"; fi

# Enter opens the runbook of the selected (top) service; Esc goes back
tm_keys Enter
if tm_wait 10 "Runbook: "; then t_ok "Enter opens a runbook"; else t_fail "Enter opens a runbook" "$(tm_screen)"; fi
t_contains "runbook lists steps with commands" "restart deployment/" "$(tm_screen)"
t_contains "runbook names the escalation" "Release manager of the environment" "$(tm_screen)"
# the key of a command a step names runs that step: l -> the step's logs command
tm_keys l
if tm_wait 10 "logs deployment/ingest/ingest-broker"; then t_ok "l in the runbook runs the step's logs command"; else
  t_fail "l in the runbook runs the step's logs command" "$(tm_screen)"; fi
tm_keys Escape
if tm_wait 10 "Runbook: broker"; then t_ok "closing the logs returns to the runbook"; else t_fail "closing the logs returns to the runbook" "$(tm_screen)"; fi
tm_keys Escape
if tm_wait 10 "FAILING CHECKS"; then t_ok "Esc returns to the matrix"; else t_fail "Esc returns to the matrix" "$(tm_screen)"; fi
tm_keys ':' 'symptom "Loading your submissions"' Enter
if tm_wait 10 'symptom "Loading your submissions": 1 service'; then t_ok "symptom in the console"; else t_fail "symptom in the console" "$(tm_screen)"; fi
tm_keys q

# exit 2: cannot reach the cluster
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
out=$(KUBECONFIG=$T_TMP/none "$WR" --server "http://127.0.0.1:$port" --matrix "$INGEST" check 2>&1); rc=$?
t_eq "check exits 2 when the cluster cannot be reached" 2 "$rc"

# bad definitions: file and line
printf 'services:\n  - name: a\n    namespace: ingest\n    deployment: x\n    checks:\n      - replicas: many\n' >"$T_TMP/bad.yaml"
out=$(KUBECONFIG=$T_TMP/none "$WR" --server "$SIM_URL" --matrix "$T_TMP/bad.yaml" check 2>&1); rc=$?
t_eq "bad YAML exits 2" 2 "$rc"
t_contains "bad YAML names file and line" "bad.yaml:6: services[0].checks[0].replicas: expected desired or a number" "$out"
printf 'services:\n  - name: a\n    namespace: ingest\n    deployment: [x\n' >"$T_TMP/broken.yaml"
out=$(KUBECONFIG=$T_TMP/none "$WR" --server "$SIM_URL" --matrix "$T_TMP/broken.yaml" --batch --panel matrix 2>&1); rc=$?
t_eq "unparsable YAML exits 2" 2 "$rc"
t_match "unparsable YAML names file:line:col" "broken.yaml:[0-9]+:[0-9]+: " "$out"
# a workload that does not exist is "not found", never ok
printf 'services:\n  - {name: ghost, namespace: ingest, deployment: ingest-ghost}\n' >"$T_TMP/ghost.yaml"
out=$(KUBECONFIG=$T_TMP/none "$WR" --server "$SIM_URL" --matrix "$T_TMP/ghost.yaml" check); rc=$?
t_eq "not found exits 1" 1 "$rc"
t_contains "not found is named" "not found  ghost: deployment ingest/ingest-ghost not found" "$out"

t_done
