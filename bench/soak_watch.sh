#!/usr/bin/env bash
# bench/soak_watch.sh: the wall screen's soak (issue 8).  `warroom --watch` follows two
# warroom-sims (one kubeconfig, two contexts) in tmux for SOAK_S seconds (default 600)
# while the clusters churn: a high log rate, repeated faults (crashloop, node-down/up,
# clear), dropped watches, kubectl scale-ups and -downs, and once a simulator stopped and
# restarted on its port.  warroom's RSS (VmRSS) is sampled every 10 s; the run passes
# when the last sample is within 10 % of the sample taken after WARMUP_S (default 60).
# Prints TAP and the samples; exits 1 when RSS grew (or warroom died / froze).
# Knobs: SOAK_S, WARMUP_S, BUILD (default build).  Run by `make bench` (bench/run), never
# by `make check`.  Every process started is stopped by PID at exit (tests/lib/common.sh).
# shellcheck disable=SC1091
source "$(dirname "$0")/../tests/lib/common.sh"
SOAK_S=${SOAK_S:-600} WARMUP_S=${WARMUP_S:-60}
export HOME=$T_TMP/home
mkdir -p "$HOME"

sim_start --pods 200 --nodes 6 || { t_fail "first warroom-sim starts"; t_done; }
URL_A=$SIM_URL
sim_start --pods 200 --nodes 6 || { t_fail "second warroom-sim starts"; t_done; }
URL_B=$SIM_URL PID_B=$SIM_PID PORT_B=${SIM_URL##*:}
KCFG=$T_TMP/kubeconfig
cat >"$KCFG" <<YAML
apiVersion: v1
kind: Config
current-context: alpha
clusters:
- {name: a, cluster: {server: "$URL_A"}}
- {name: b, cluster: {server: "$URL_B"}}
users:
- {name: u, user: {}}
contexts:
- {name: alpha, context: {cluster: a, user: u}}
- {name: bravo, context: {cluster: b, user: u}}
YAML

tm_start 200x50 env KUBECONFIG="$KCFG" "$BUILD/warroom" --watch --context alpha --context bravo --rotate 5
WPID=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')
tm_wait 30 "bravo" || { t_fail "the wall screen starts" "$(tm_screen)"; t_done; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$WPID/status" 2>/dev/null; }

# The workloads of each simulator, to aim the faults at.
deploys() { SIM_URL=$1 kc get deploy -A --no-headers -o custom-columns=N:.metadata.namespace,D:.metadata.name; }
nodes() { SIM_URL=$1 kc get nodes --no-headers -o custom-columns=N:.metadata.name; }
mapfile -t DA < <(deploys "$URL_A")
mapfile -t NA < <(nodes "$URL_A")
[ ${#DA[@]} -gt 0 ] && [ ${#NA[@]} -gt 0 ] || { t_fail "simulator has deployments and nodes"; t_done; }
f_a() { SIM_URL=$URL_A fault "$1" >/dev/null 2>&1; }
f_b() { SIM_URL=$URL_B fault "$1" >/dev/null 2>&1; }
read -r ns0 d0 <<<"${DA[0]}"
f_a "{\"type\":\"log-rate\",\"namespace\":\"$ns0\",\"deployment\":\"$d0\",\"lines_per_s\":500}"
f_b "{\"type\":\"log-rate\",\"namespace\":\"$ns0\",\"deployment\":\"$d0\",\"lines_per_s\":500}"

SAMPLES=() base="" restarted=0 round=0
start=$SECONDS
while [ $((SECONDS - start)) -lt "$SOAK_S" ]; do
  round=$((round + 1))
  read -r ns d <<<"${DA[$((round % ${#DA[@]}))]}"
  node=${NA[$((round % ${#NA[@]}))]}
  case $((round % 5)) in
    0) f_a "{\"type\":\"crashloop\",\"namespace\":\"$ns\",\"deployment\":\"$d\",\"message\":\"soak $round\"}" ;;
    1) f_a "{\"type\":\"node-down\",\"node\":\"$node\"}"; f_b '{"type":"drop-watches"}' ;;
    2) f_a '{"type":"clear"}'; SIM_URL=$URL_A kc -n "$ns" scale "deploy/$d" --replicas=$((2 + round % 3)) >/dev/null 2>&1 ;;
    3) f_b "{\"type\":\"crashloop\",\"namespace\":\"$ns\",\"deployment\":\"$d\",\"message\":\"soak $round\"}"; f_a '{"type":"expire"}' ;;
    4) f_b '{"type":"clear"}'; f_a '{"type":"drop-watches"}' ;;
  esac
  # Once, half-way: bravo's simulator goes away for 20 s and comes back on its port.
  if [ $restarted -eq 0 ] && [ $((SECONDS - start)) -ge $((SOAK_S / 2)) ]; then
    restarted=1
    kill "$PID_B"; wait "$PID_B" 2>/dev/null
    sleep 20
    bg_start "$T_TMP/sim-b2.log" "$BUILD/warroom-sim" --listen "127.0.0.1:$PORT_B" --pods 200 --nodes 6
    wait_until 20 grep -q listening "$T_TMP/sim-b2.log"
    f_b "{\"type\":\"log-rate\",\"namespace\":\"$ns0\",\"deployment\":\"$d0\",\"lines_per_s\":500}"
  fi
  sleep 10
  kill -0 "$WPID" 2>/dev/null || { t_fail "warroom survives the churn" "$(tm_screen)"; t_done; }
  kb=$(rss_kb)
  SAMPLES+=("$((SECONDS - start))s:${kb}kB")
  [ -z "$base" ] && [ $((SECONDS - start)) -ge "$WARMUP_S" ] && base=$kb
done
t_ok "warroom survives ${SOAK_S}s of churn"
echo "# RSS samples: ${SAMPLES[*]}"
last=$(rss_kb)
if [ -z "$base" ]; then
  t_fail "RSS within 10 % of its value after ${WARMUP_S}s" "the soak was shorter than the warm-up"
elif [ "$last" -le $((base + base / 10)) ]; then
  t_ok "RSS within 10 % of its value after ${WARMUP_S}s (${base} kB -> ${last} kB)"
else
  t_fail "RSS within 10 % of its value after ${WARMUP_S}s" "${base} kB -> ${last} kB"
fi
# Still live and fresh at the end: both contexts back in sync (bravo after its restart).
live2() { [ "$(tm_screen | grep -o ': live' | wc -l)" -ge 2 ]; }
if wait_until 60 live2; then t_ok "both contexts live at the end"; else t_fail "both contexts live at the end" "$(tm_screen)"; fi
t_done
