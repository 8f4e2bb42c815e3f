#!/bin/bash
# Issue 6: the shipped managed-services definition (runbook 004) on warroom-sim: the
# leader checks pass, deleting the leader pod makes the service degraded until a new
# leader logs; HTTP probes against a local server (started and stopped by PID here) and
# a TCP probe to a closed port.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
MS=$T_ROOT/runbooks/managed-services.yaml
wr() { KUBECONFIG=$T_TMP/none "$WR" --server "$SIM_URL" "$@"; }

sim_start || { t_fail "warroom-sim starts"; t_done; }

out=$(wr --matrix "$MS" check); rc=$?
t_eq "managed-services ok at start" 0 "$rc"
t_eq "one ok line" "ok         managed-services-api" "$out"
out=$(wr --matrix "$MS" run 'runbook managed-services-api')
t_match "ClusterManager leader check passes" '^  pass +ClusterManager leader .*: 1 pod matches \(expected 1\)$' "$out"
t_match "KafkaManager leader check passes" '^  pass +KafkaManager leader .*: 1 pod matches \(expected 1\)$' "$out"
t_contains "the SOP's scale step to the default count" "scale deployment/managed-services-api 3 -n managed-services" "$out"
t_contains "the SOP's escalation" "escalate the issue to the Control Plane team" "$out"

leader=$(wr -n managed-services run "logcheck deployment/managed-services-api 'Running as the leader.*ClusterManager' --expect 1" |
  awk '/ 1 matching line/ {print $1}' | head -1)
t_match "the leader pod is known" '^managed-services-api-' "$leader"
kc -n managed-services delete pod "$leader" --wait=false >/dev/null 2>&1
# While the old leader goes away and before a new one has logged, the exactly-one check
# fails (the replacement pod also leaves the replicas short for a while).
degraded=0 ok_again=0 why=""
for _ in $(seq 1 100); do
  out=$(wr --matrix "$MS" check); rc=$?
  if [ "$rc" = 1 ]; then degraded=1; fi
  if grep -qE 'ClusterManager leader: [0-9]+ pods? match' <<<"$out"; then why=$out; fi
  if [ "$degraded" = 1 ] && [ -n "$why" ] && [ "$rc" = 0 ]; then ok_again=1; break; fi
  sleep 0.1
done
t_eq "deleting the leader pod makes the service unhealthy" 1 "$degraded"
t_match "degraded, naming the leader check" '^degraded +managed-services-api: .*ClusterManager leader: [0-9]+ pods? match(es)? \(expected 1\)' "$why"
t_eq "ok again once a new leader logs" 1 "$ok_again"
new=$(wr -n managed-services run "logcheck deployment/managed-services-api 'Running as the leader.*ClusterManager' --expect 1" |
  awk '/ 1 matching line/ {print $1}' | head -1)
t_match "the new leader is another pod" '^managed-services-api-' "$new"
[ "$new" != "$leader" ] && t_ok "leader changed ($leader -> $new)" || t_fail "leader changed" "$leader -> $new"

# probes: a local HTTP server, a closed port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$T_TMP/www" && echo ok >"$T_TMP/www/healthz"
bg_start "$T_TMP/http.log" python3 -m http.server --bind 127.0.0.1 --directory "$T_TMP/www" "$port"
HTTP_PID=$BG_PID
wait_until 10 curl -sf "http://127.0.0.1:$port/healthz" || t_fail "local HTTP server starts" "$(cat "$T_TMP/http.log")"
cat >"$T_TMP/probes.yaml" <<YAML
services:
  - name: web
    namespace: ingest
    deployment: ingest-core
    checks:
      - replicas: desired
      - http: http://127.0.0.1:$port/healthz
        name: health URL
        timeout: 3s
  - name: web-missing-page
    namespace: ingest
    deployment: ingest-core
    checks:
      - http: http://127.0.0.1:$port/nope
        status: 200
        severity: degraded
  - name: database
    namespace: ingest
    statefulset: mongo
    checks:
      - tcp: 127.0.0.1:$closed
        name: database port
        timeout: 3s
YAML
out=$(wr --matrix "$T_TMP/probes.yaml" check); rc=$?
t_eq "probes: check exits 1 (one down)" 1 "$rc"
t_eq "HTTP probe to the local server: ok" "ok         web" "$(grep ' web$' <<<"$out")"
t_match "HTTP 404 against status 200: degraded, naming the status" '^degraded +web-missing-page: http .*: HTTP 404 \(expected 200\)$' "$out"
t_match "TCP probe to a closed port: down, connection refused" "^down +database: database port: 127.0.0.1:$closed .*refused" "$out"
t_match "the HTTP server saw the probe" 'GET /healthz' "$(cat "$T_TMP/http.log")"
kill "$HTTP_PID"; wait "$HTTP_PID" 2>/dev/null
out=$(wr --matrix "$T_TMP/probes.yaml" check); rc=$?
t_match "server stopped: the HTTP probe fails, the service is down" '^down +web: health URL: GET http://127.0.0.1:.*refused' "$out"

t_done
