#!/bin/bash
# Scenario files (YAML and JSON) and the synthetic large cluster, through the real binary.
. "$(dirname "$0")/../lib/common.sh"
FIX=$T_ROOT/tests/fixtures/scenarios

# --- a YAML scenario: its objects, its log generator, its timed fault
sim_start --scenario "$FIX/shop.yaml" || { t_fail "warroom-sim --scenario shop.yaml starts"; t_done; }
t_ok "warroom-sim --scenario shop.yaml starts"
nodes=$(kc get nodes --no-headers 2>&1)
t_contains "scenario: listed node" "ip-10-0-1-10.ec2.internal" "$nodes"
t_eq "scenario: two nodes" 2 "$(grep -c Ready <<<"$nodes")"
pods=$(kc get pods -n shop --no-headers 2>&1)
t_eq "scenario: frontend has 2 pods" 2 "$(grep -c '^frontend-' <<<"$pods")"
t_match "scenario: statefulset ordinal pod" '^postgres-0 +1/1 +Running' "$pods"
t_match "scenario: age from the file (3d)" '^frontend-[a-z0-9]+-[a-z0-9]+ +1/1 +Running +0 +(2d23h|3d)' "$pods"
t_contains "scenario: service" "frontend" "$(kc get svc -n shop 2>&1)"
FRONT=$(awk '/^frontend-/ {print $1; exit}' <<<"$pods")
sleep 1
t_match "scenario: log templates expanded" "GET /cart/[0-9]+ 200 12ms pod=$FRONT" "$(kc logs "$FRONT" -n shop --tail=20 2>&1)"
crash() { kc get pods -n shop --no-headers | grep '^payments-' | grep -qE 'CrashLoopBackOff|Error|[1-9] \('; }
if wait_until 15 crash; then t_ok "scenario: timed crashloop fault fired"; else
  t_fail "scenario: timed crashloop fault fired" "$(kc get pods -n shop 2>&1)"; fi
t_contains "scenario: multi-container pod has both containers" "api metrics" \
  "$(kc get pod -n shop -l app=payments -o jsonpath='{.items[0].spec.containers[*].name}')"
sim_stop

# --- the same cluster from JSON
sim_start --scenario "$FIX/shop.json" || { t_fail "warroom-sim --scenario shop.json starts"; t_done; }
t_eq "json scenario: 2 frontend pods Running" 2 "$(kc get pods -n shop --no-headers | grep -c '1/1 *Running')"
sim_stop

# --- bad files: exit status 2 and FILE:LINE with the bad key
bad_file() { # FILE NEEDLE
  local out rc
  out=$("$BUILD/warroom-sim" --listen 127.0.0.1:0 --scenario "$FIX/$1" 2>&1 </dev/null)
  rc=$?
  t_eq "$1: exit status 2" 2 "$rc"
  t_contains "$1: error names file:line" "$2" "$out"
}
bad_file bad-key.yaml 'bad-key.yaml:5: workloads[0]: unknown key "replica"'
bad_file bad-syntax.yaml 'bad-syntax.yaml:5: YAML error'
bad_file bad-fault.yaml 'bad-fault.yaml:6: faults[0]: "at"'
out=$("$BUILD/warroom-sim" --listen 127.0.0.1:0 --scenario "$T_TMP/missing.yaml" 2>&1 </dev/null); rc=$?
t_eq "missing file: exit status 2" 2 "$rc"
t_contains "missing file: says so" "cannot open scenario" "$out"

# --- synthetic: 10,000 pods on 1,000 nodes start within a few seconds
start=$(date +%s%N)
sim_start --pods 10000 --nodes 1000 || { t_fail "synthetic cluster starts"; t_done; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
# A sanity bound only (shared, noisy machines): the start-up time target is measured by
# `make bench`, not here.
if [ "$ms" -lt 30000 ]; then t_ok "synthetic: listening after ${ms} ms"; else t_fail "synthetic: starts within 30 s" "took ${ms} ms"; fi
t_eq "synthetic: kubectl lists 10000 pods" 10000 "$(kc get pods -A --no-headers --chunk-size=2000 | wc -l)"
t_eq "synthetic: 1000 nodes" 1000 "$(kc get nodes --no-headers | wc -l)"
t_eq "synthetic: every pod Running" 10000 "$(kc get pods -A --no-headers --chunk-size=2000 | grep -c ' Running ')"
rss=$(ps -o rss= -p "$SIM_PID" | tr -d ' ')
# Sanitizer builds (make check-asan sets WARROOM_SANITIZER) carry shadow memory.
[ -n "${WARROOM_SANITIZER:-}" ] && rss=$((rss / 4))
if [ "${rss:-9999999}" -lt 1000000 ]; then t_ok "synthetic: memory under 1 GB (${rss} KiB)"; else t_fail "synthetic: memory under 1 GB" "rss ${rss} KiB"; fi
P=$(kc get pods -n payments --no-headers | awk 'NR==1 {print $1}')
t_contains "synthetic: a pod has logs" "Starting" "$(kc logs "$P" -n payments 2>&1)"
t_done
