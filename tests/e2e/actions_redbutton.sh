#!/bin/bash
# Red button and restore (runbook 000) against warroom-sim, checked with the real kubectl:
# every count restored exactly; killed half-way (SIGKILL after the first scale) then run
# again and restored, still exact; --include-statefulsets restores statefulsets before
# any deployment (simulator's request log); and the red button from the keyboard in tmux,
# typed namespace confirmation included.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl

sim_start || { t_fail "warroom-sim starts"; t_done; }
wr() { timeout 120 "$WR" --server "$SIM_URL" "$@"; }
counts() { kc -n ingest get "$1" -o jsonpath='{range .items[*]}{.metadata.name}={.spec.replicas}{"\n"}{end}' | sort; }
annotated() { kc -n ingest get deploy,sts -o jsonpath='{range .items[*]}{.metadata.annotations.warroom\.io/red-button-replicas}{end}'; }
last_seq() { sim_get /sim/v1/requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])'; }
writes_since() {
  sim_get "/sim/v1/requests?since=$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    if r["method"] not in ("GET", "POST"): print(r["method"], r["path"])'
}

# Uneven counts, so "restored exactly" means something.
kc -n ingest scale deployment/ingest-core --replicas=3 >/dev/null
kc -n ingest scale deployment/ingest-exporter --replicas=2 >/dev/null
dep0=$(counts deployments); sts0=$(counts statefulsets)

out=$(wr -n ingest run red-button --yes 2>&1); rc=$?
t_eq "red-button exits 0" 0 "$rc"
t_eq "every deployment at 0 (kubectl)" "" "$(counts deployments | grep -v '=0$')"
t_eq "statefulsets untouched without --include-statefulsets" "$sts0" "$(counts statefulsets)"
t_eq "counts recorded on the objects" "$(sed 's/.*=//' <<<"$dep0" | tr -d '\n')" \
  "$(kc -n ingest get deploy -o jsonpath='{range .items[*]}{.metadata.annotations.warroom\.io/red-button-replicas}{end}')"
out=$(wr -n ingest run red-button --yes 2>&1); rc=$?
t_eq "red-button again: exits 0" 0 "$rc"
t_contains "red-button again skips recorded ones" "already at 0 (recorded 3): skip" "$out"
out=$(wr -n ingest run restore --yes 2>&1); rc=$?
t_eq "restore exits 0" 0 "$rc"
t_eq "restore: every deployment back to its exact count" "$dep0" "$(counts deployments)"
t_eq "restore: annotations cleared" "" "$(annotated)"

# Killed half-way: latency makes each write slow, SIGKILL right after the first PATCH.
seq=$(last_seq)
fault '{"type":"latency","ms":400}' >/dev/null
"$WR" --server "$SIM_URL" -n ingest run red-button --yes >"$T_TMP/kill.out" 2>&1 &
pid=$!; T_PIDS+=("$pid")
# The log records a request before the latency: the second PATCH logged means the first
# one was answered.
second_patch() { [ "$(sim_get "/sim/v1/requests?since=$seq" | grep -o '"PATCH"' | wc -l)" -ge 2 ]; }
wait_until 30 second_patch
kill -9 "$pid"; wait "$pid" 2>/dev/null
sleep 1 # a write already on the wire completes on the server
fault '{"type":"latency","ms":0}' >/dev/null
down=$(counts deployments | grep -c '=0$')
if [ "$down" -ge 1 ] && [ "$down" -lt "$(wc -l <<<"$dep0")" ]; then t_ok "killed half-way: some deployments down, not all ($down)"
else t_fail "killed half-way: some deployments down, not all" "$(counts deployments)"; fi
out=$(wr -n ingest run red-button --yes 2>&1); rc=$?
t_eq "red-button after the kill finishes the job" "" "$(counts deployments | grep -v '=0$')"
out=$(wr -n ingest run restore --yes 2>&1); rc=$?
t_eq "restore after the kill: exit 0" 0 "$rc"
t_eq "restore after the kill: every count exact" "$dep0" "$(counts deployments)"

# --include-statefulsets: scaled after the deployments, restored before them.
seq=$(last_seq)
out=$(wr -n ingest run 'red-button --include-statefulsets' --yes 2>&1)
t_eq "statefulsets down too" "" "$(counts statefulsets | grep -v '=0$')"
order=$(writes_since "$seq" | awk '{print $2}' | sed -E 's#.*/(deployments|statefulsets)/.*#\1#' | uniq | tr '\n' ' ')
t_eq "red button: deployments first, then statefulsets" "deployments statefulsets " "$order"
seq=$(last_seq)
out=$(wr -n ingest run restore --yes 2>&1); rc=$?
t_eq "restore with statefulsets exits 0" 0 "$rc"
order=$(writes_since "$seq" | grep '/scale$' | sed -E 's#.*/(deployments|statefulsets)/.*#\1#' | uniq | tr '\n' ' ')
t_eq "restore: statefulsets scaled before any deployment (request log)" "statefulsets deployments " "$order"
t_contains "restore waited for the statefulsets" "ready 1/1" "$out"
t_eq "statefulsets restored exactly" "$sts0" "$(counts statefulsets)"
t_eq "deployments restored exactly" "$dep0" "$(counts deployments)"

# Dry run: the plan is reported, nothing changes.
out=$(wr -n ingest --dry-run run red-button --yes 2>&1)
t_contains "dry-run red button reports what would change" "replicas 3 -> 0" "$out"
t_eq "dry-run changed nothing" "$dep0" "$(counts deployments)"

# From the keyboard: ':red-button', Enter, a wrong word does nothing, the namespace does.
tm_start 160x40 "$WR" --server "$SIM_URL" -n ingest
tm_wait 20 "ingest-core" || t_fail "console shows pods"
tm_keys : r e d - b u t t o n Enter
if tm_wait 10 "type the namespace name 'ingest'"; then t_ok "dialog asks for the namespace name"
else t_fail "dialog asks for the namespace name" "$(tm_screen)"; fi
t_contains "dialog shows from -> to" "replicas 3 -> 0 (recording 3)" "$(tm_screen)"
t_contains "dialog shows the kubectl equivalent" "same as: kubectl -n ingest" "$(tm_screen)"
tm_keys w r o n g Enter
sleep 1
t_eq "a wrong word changes nothing" "$dep0" "$(counts deployments)"
tm_keys i n g e s t Enter
if tm_wait 20 "red-button: ok"; then t_ok "red button done from the keyboard"
else t_fail "red button done from the keyboard" "$(tm_screen)"; fi
t_eq "every deployment at 0 after the keyboard red button" "" "$(counts deployments | grep -v '=0$')"
tm_keys Escape : r e s t o r e Enter
tm_wait 10 "y/Enter: do it" || t_fail "restore asks" "$(tm_screen)"
tm_keys y
if tm_wait 60 "restore: ok"; then t_ok "restore from the keyboard"; else t_fail "restore from the keyboard" "$(tm_screen)"; fi
t_eq "keyboard restore: counts exact" "$dep0" "$(counts deployments)"

t_match "audit has the keyboard red button" '"command":"red-button".*"result":"ok"' "$(cat "$AUDIT")"
t_done
