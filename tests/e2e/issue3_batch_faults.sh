#!/bin/bash
# Issue 3, "Done means" first item: for every pod of the default scenario, and after EACH
# fault type of README "Faults", the NAMESPACE/NAME/READY/STATUS/RESTARTS/AGE columns of
# `warroom --batch --panel pods` equal `kubectl get pods -A --no-headers` on the same
# simulator, and NAME/STATUS/ROLES/AGE/VERSION of `--panel nodes` equal `kubectl get nodes`.
# The cluster is live (controllers restart pods, ages tick), so each comparison is retried
# until both sides agree or the state had time to settle.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom

sim_start || { t_fail "warroom-sim starts"; t_done; }

# Columns are separated by two or more spaces ("3 (12s ago)" in RESTARTS has single ones).
cols() { sed -E 's/ {2,}/|/g' | cut -d'|' -f"$1" | sort; }
ours_pods()   { "$WR" --batch --panel pods --server "$SIM_URL" | tail -n +2 | cols 1-6; }
theirs_pods() { kc get pods -A --no-headers | cols 1-6; }
ours_nodes()   { "$WR" --batch --panel nodes --server "$SIM_URL" | tail -n +2 | cols 1-5; }
theirs_nodes() { kc get nodes --no-headers | cols 1-5; }

# agree WHAT: compares pods and nodes, up to 15 tries 1 s apart; one check each.
agree() {
  local what=$1 i p_ok=0 n_ok=0 o t on tn
  for i in $(seq 15); do
    if [ $p_ok = 0 ]; then
      # Both snapshots at the same moment: crash-looping pods change every few seconds,
      # and one after the other (slow under the latency fault) they would never agree.
      theirs_pods >"$T_TMP/theirs" & local tp=$!
      o=$(ours_pods); wait "$tp"; t=$(cat "$T_TMP/theirs")
      [ -n "$o" ] && [ "$o" == "$t" ] && p_ok=1
    fi
    if [ $n_ok = 0 ]; then
      on=$(ours_nodes); tn=$(theirs_nodes)
      [ -n "$on" ] && [ "$on" == "$tn" ] && n_ok=1
    fi
    [ $p_ok = 1 ] && [ $n_ok = 1 ] && break
    sleep 1
  done
  if [ $p_ok = 1 ]; then t_ok "$what: pods NAMESPACE/NAME/READY/STATUS/RESTARTS/AGE equal kubectl's"
  else t_fail "$what: pods NAMESPACE/NAME/READY/STATUS/RESTARTS/AGE equal kubectl's" \
         "$(diff <(echo "$t") <(echo "$o") | head -30)"; fi
  if [ $n_ok = 1 ]; then t_ok "$what: nodes NAME/STATUS/ROLES/AGE/VERSION equal kubectl's"
  else t_fail "$what: nodes NAME/STATUS/ROLES/AGE/VERSION equal kubectl's" "$(diff <(echo "$tn") <(echo "$on"))"; fi
}

# post JSON: the fault, checked.
post() {
  local out
  if out=$(fault "$1"); then return 0; fi
  t_fail "fault $1 accepted" "$out"
}

agree "default scenario"
t_eq "default scenario: 21 pods compared" 21 "$(ours_pods | wc -l)"

NODE=$(kc get nodes --no-headers | awk '{print $1}' | sort | head -1)

post "{\"type\":\"node-down\",\"node\":\"$NODE\"}"
agree "node-down"
t_contains "node-down: the node is NotReady" "NotReady" "$(ours_nodes)"
t_contains "node-down: its pods are Unknown" "|Unknown|" "$(ours_pods)"

post "{\"type\":\"node-up\",\"node\":\"$NODE\"}"
agree "node-up"

post '{"type":"crashloop","namespace":"ingest","deployment":"ingest-core","message":"bad config"}'
# wait for the climb so RESTARTS shows "N (AGE ago)" on both sides
wait_until 60 bash -c "\"$WR\" --batch --panel pods --server \"$SIM_URL\" | grep -qE 'CrashLoopBackOff +[1-9]'"
agree "crashloop"
t_match "crashloop: CrashLoopBackOff with restarts" '\|CrashLoopBackOff\|[1-9][0-9]* \(' "$(ours_pods)"

post '{"type":"unavailable","namespace":"ingest","deployment":"ingest-validator"}'
agree "unavailable"
t_match "unavailable: 0/1 Running" 'ingest-validator-[^|]*\|0/1\|Running' "$(ours_pods)"

post '{"type":"pending","namespace":"ingest","deployment":"ingest-ontology"}'
agree "pending"
t_contains "pending: a Pending pod" "|Pending|" "$(ours_pods)"

post '{"type":"image-pull","namespace":"ingest","deployment":"ingest-exporter","image":"quay.io/ingest/exporter:9.9.9"}'
wait_until 20 bash -c "\"$WR\" --batch --panel pods --server \"$SIM_URL\" | grep -qE 'ErrImagePull|ImagePullBackOff'"
agree "image-pull"
t_match "image-pull: ErrImagePull or ImagePullBackOff" '\|(ErrImagePull|ImagePullBackOff)\|' "$(ours_pods)"

# Picked now, not at the start: node-down evicts pods, so a broker pod named earlier may
# have been replaced by another.
CRASHPOD=$(kc get pods -n ingest --no-headers | awk '/^ingest-broker-/ && $3 == "Running" {print $1; exit}')
post "{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"$CRASHPOD\",\"lines\":[\"ERROR boom\"]}"
agree "log"

post '{"type":"log-rate","namespace":"ingest","deployment":"ingest-broker","lines_per_s":5}'
agree "log-rate"

post '{"type":"event","namespace":"ingest","kind":"Pod","name":"mongo-0","reason":"BackOff","message":"m","event_type":"Warning"}'
agree "event"

post '{"type":"latency","ms":200}'
agree "latency 200 ms"

post '{"type":"drop-watches"}'
agree "drop-watches"

post '{"type":"expire"}'
agree "expire"

post '{"type":"clear"}'
agree "clear"
t_lacks "clear: no node NotReady any more" "NotReady" "$(ours_nodes)"
t_done
