#!/bin/bash
# Every fault type's visible effect through the real kubectl (and curl), and a 400 with a
# message for every malformed fault body.
. "$(dirname "$0")/../lib/common.sh"

sim_start --seed 7 || { t_fail "warroom-sim starts"; t_done; }
NODE=ip-172-20-110-97.ec2.internal

# --- node-down: pods on the node show Unknown, the node NotReady, replacements elsewhere
t_check "node-down accepted" fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}"
node_unknown() { kc get pods -A -o wide --no-headers | grep "$NODE" | grep -q Unknown; }
if wait_until 10 node_unknown; then t_ok "node-down: pods on the node show Unknown"; else
  t_fail "node-down: pods on the node show Unknown" "$(kc get pods -A -o wide 2>&1)"; fi
t_match "node-down: node NotReady" "^$NODE +NotReady" "$(kc get nodes --no-headers 2>&1)"
core_ready() { [ "$(kc get deploy ingest-core -n ingest --no-headers | awk '{print $2}')" = 2/2 ]; }
if wait_until 15 core_ready; then t_ok "node-down: ingest-core back to 2/2 on other nodes"; else
  t_fail "node-down: ingest-core back to 2/2" "$(kc get pods -n ingest -o wide 2>&1)"; fi
t_contains "node-down: NodeNotReady event" "NodeNotReady" "$(kc get events -A 2>&1)"
t_check "node-up accepted" fault "{\"type\":\"node-up\",\"node\":\"$NODE\"}"
no_unknown() { ! kc get pods -A --no-headers | grep -q Unknown; }
if wait_until 10 no_unknown; then t_ok "node-up: Unknown pods are gone"; else
  t_fail "node-up: Unknown pods are gone" "$(kc get pods -A 2>&1)"; fi
t_match "node-up: node Ready" "^$NODE +Ready" "$(kc get nodes --no-headers 2>&1)"

# --- crashloop: CrashLoopBackOff, restarts climbing, logs --previous has the message
t_check "crashloop accepted" fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-broker","message":"panic: amqp connection refused"}'
crashing() { kc get pods -n ingest --no-headers | grep ingest-broker | grep -q CrashLoopBackOff; }
if wait_until 15 crashing; then t_ok "crashloop: CrashLoopBackOff shown"; else
  t_fail "crashloop: CrashLoopBackOff shown" "$(kc get pods -n ingest 2>&1)"; fi
BROKER=$(kc get pods -n ingest --no-headers | awk '/^ingest-broker/ {print $1; exit}')
r1=$(kc get pod "$BROKER" -n ingest -o jsonpath='{.status.containerStatuses[0].restartCount}')
sleep 4
r2=$(kc get pod "$BROKER" -n ingest -o jsonpath='{.status.containerStatuses[0].restartCount}')
if [ "${r2:-0}" -gt "${r1:-0}" ]; then t_ok "crashloop: restarts climb ($r1 -> $r2)"; else
  t_fail "crashloop: restarts climb" "before: $r1 after: $r2"; fi
t_contains "crashloop: logs --previous ends with the message" "panic: amqp connection refused" \
  "$(kc logs "$BROKER" -n ingest --previous 2>&1 | tail -3)"
t_eq "crashloop: lastState.terminated.message" "panic: amqp connection refused" \
  "$(kc get pod "$BROKER" -n ingest -o jsonpath='{.status.containerStatuses[0].lastState.terminated.message}')"
t_contains "crashloop: BackOff event" "Back-off restarting failed container" "$(kc get events -n ingest 2>&1)"

# --- unavailable: Running but 0/1 READY
t_check "unavailable accepted" fault '{"type":"unavailable","namespace":"ingest","deployment":"ingest-exporter"}'
unready() { kc get pods -n ingest --no-headers | grep ingest-exporter | grep -q '0/1 *Running'; }
if wait_until 10 unready; then t_ok "unavailable: 0/1 Running"; else
  t_fail "unavailable: 0/1 Running" "$(kc get pods -n ingest 2>&1)"; fi
t_contains "unavailable: Unhealthy event" "Readiness probe failed" "$(kc get events -n ingest 2>&1)"

# --- pending: Pending with FailedScheduling
t_check "pending accepted" fault '{"type":"pending","namespace":"ingest","deployment":"ingest-ontology"}'
pend() { kc get pods -n ingest --no-headers | grep ingest-ontology | grep -q Pending; }
if wait_until 10 pend; then t_ok "pending: pod Pending"; else
  t_fail "pending: pod Pending" "$(kc get pods -n ingest 2>&1)"; fi
# The scheduler records its event on its next pass, just after the pod shows Pending.
fsched() { kc get events -n ingest 2>&1 | grep -q "Insufficient memory"; }
if wait_until 10 fsched; then
  t_ok "pending: FailedScheduling event"; else
  t_fail "pending: FailedScheduling event" "$(kc get events -n ingest 2>&1)"; fi

# --- image-pull: new pods ErrImagePull / ImagePullBackOff
t_check "image-pull accepted" fault '{"type":"image-pull","namespace":"ingest","deployment":"ingest-validator","image":"quay.io/ingest/validator:0.6.3-typo"}'
pullerr() { kc get pods -n ingest --no-headers | grep ingest-validator | grep -qE 'ImagePullBackOff|ErrImagePull'; }
if wait_until 10 pullerr; then t_ok "image-pull: ErrImagePull/ImagePullBackOff shown"; else
  t_fail "image-pull: ErrImagePull/ImagePullBackOff" "$(kc get pods -n ingest 2>&1)"; fi
t_contains "image-pull: Failed event names the image" "quay.io/ingest/validator:0.6.3-typo" \
  "$(kc get events -n ingest 2>&1)"

# --- log: the exact line (with an escape) in kubectl logs
MONGO_LINE='injected \u001b[31mred\u001b[0m line 42'
t_check "log accepted" fault "{\"type\":\"log\",\"namespace\":\"ingest\",\"pod\":\"mongo-0\",\"lines\":[\"$MONGO_LINE\"]}"
got=$(kc logs mongo-0 -n ingest --tail=50 | grep -a 'injected' | od -c | head -3)
want=$(printf 'injected \033[31mred\033[0m line 42\n' | od -c | head -3)
t_eq "log: exact bytes in kubectl logs" "$want" "$got"

# --- log-rate: 1000 lines/s shows up, and memory stays bounded
CORE=$(kc get pods -n ingest --no-headers | awk '/^ingest-core/ && /Running/ {print $1; exit}')
t_check "log-rate accepted" fault '{"type":"log-rate","namespace":"ingest","deployment":"ingest-core","lines_per_s":1000}'
sleep 2
n=$(kc logs "$CORE" -n ingest --since=2s | wc -l)
if [ "$n" -ge 800 ]; then t_ok "log-rate: ~1000 lines/s ($n in 2 s)"; else t_fail "log-rate: ~1000 lines/s" "got $n lines"; fi
sleep 3
rss=$(ps -o rss= -p "$SIM_PID" | tr -d ' ')
if [ "${rss:-999999}" -lt 300000 ]; then t_ok "log-rate: memory bounded (${rss} KiB)"; else t_fail "log-rate: memory bounded" "rss ${rss} KiB"; fi

# --- event: shows in kubectl get events
t_check "event accepted" fault '{"type":"event","namespace":"ingest","kind":"Deployment","name":"ingest-core","event_type":"Warning","reason":"FireDrill","message":"drill: ingest-core degraded"}'
t_contains "event: kubectl get events shows it" "drill: ingest-core degraded" "$(kc get events -n ingest 2>&1)"

# --- latency: requests get slower
t_check "latency accepted" fault '{"type":"latency","ms":700}'
s=$(date +%s%N); kc get ns >/dev/null 2>&1; e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
if [ "$ms" -ge 700 ]; then t_ok "latency: kubectl call took ${ms} ms"; else t_fail "latency: >= 700 ms" "took ${ms} ms"; fi

# --- clear: everything recovers
t_check "clear accepted" fault '{"type":"clear"}'
healthy() {
  local out; out=$(kc get pods -n ingest --no-headers) || return 1
  ! grep -vE 'Completed' <<<"$out" | grep -vE '1/1 +Running' | grep -q .
}
if wait_until 20 healthy; then t_ok "clear: every ingest pod 1/1 Running"; else
  t_fail "clear: every ingest pod 1/1 Running" "$(kc get pods -n ingest 2>&1)"; fi
s=$(date +%s%N); kc get ns >/dev/null 2>&1; e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
if [ "$ms" -lt 700 ]; then t_ok "clear: latency reset (${ms} ms)"; else t_fail "clear: latency reset" "took ${ms} ms"; fi

# --- drop-watches / expire are accepted (their effect on watches is tested with the API)
t_check "drop-watches accepted" fault '{"type":"drop-watches"}'
t_check "expire accepted" fault '{"type":"expire"}'

# --- malformed bodies: 400 with a message naming the problem (needles are as they appear
# inside the JSON answer, quotes escaped)
bad() { # DESC BODY NEEDLE
  local code body
  body=$(curl -sS -o - -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
           --data "$2" "$SIM_URL/sim/v1/faults")
  code=${body##*$'\n'}; body=${body%$'\n'*}
  if [ "$code" = 400 ] && grep -qF -- "$3" <<<"$body"; then t_ok "400: $1"; else
    t_fail "400: $1" "code $code" "$body"; fi
}
bad "not JSON" 'not json' ""
bad "array body" '[1,2]' "type"
bad "no type" '{}' '\"type\"'
bad "unknown type" '{"type":"meteor"}' 'meteor'
bad "node-down without node" '{"type":"node-down"}' '\"node\"'
bad "unknown node" '{"type":"node-down","node":"ghost"}' 'ghost'
bad "crashloop without deployment" '{"type":"crashloop","namespace":"ingest","message":"m"}' '\"deployment\"'
bad "crashloop unknown deployment" '{"type":"crashloop","namespace":"ingest","deployment":"nope","message":"m"}' 'ingest/nope'
bad "crashloop without message" '{"type":"crashloop","namespace":"ingest","deployment":"ingest-core"}' '\"message\"'
bad "unavailable without namespace" '{"type":"unavailable","deployment":"ingest-core"}' '\"namespace\"'
bad "pending unknown deployment" '{"type":"pending","namespace":"ingest","deployment":"x"}' 'ingest/x'
bad "image-pull without image" '{"type":"image-pull","namespace":"ingest","deployment":"ingest-core"}' '\"image\"'
bad "log lines not an array" '{"type":"log","namespace":"ingest","pod":"mongo-0","lines":"x"}' '\"lines\"'
bad "log unknown pod" '{"type":"log","namespace":"ingest","pod":"ghost","lines":["a"]}' 'ingest/ghost'
bad "log-rate negative" '{"type":"log-rate","namespace":"ingest","deployment":"ingest-core","lines_per_s":-5}' 'lines_per_s'
bad "event without reason" '{"type":"event","namespace":"ingest","kind":"Pod","name":"x","message":"m"}' '\"reason\"'
bad "latency not a number" '{"type":"latency","ms":"slow"}' '\"ms\"'
bad "latency too large" '{"type":"latency","ms":999999}' '\"ms\"'
kill -0 "$SIM_PID" 2>/dev/null && t_ok "simulator still alive after bad bodies" || t_fail "simulator still alive"
t_done
