#!/bin/bash
# Audit durability: `warroom run red-button` and `restore` SIGKILLed at random points,
# six times in a row, with a small API latency so the kill lands between requests.
# Afterwards every write that reached the simulator (GET /sim/v1/requests: PATCH, PUT,
# DELETE) has an audit line naming its object, and a final restore brings every
# deployment back to its count.
. "$(dirname "$0")/../lib/common.sh"

WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl
sim_start || { t_fail "warroom-sim starts"; t_done; }
counts() { kc -n ingest get deployments -o jsonpath='{range .items[*]}{.metadata.name}={.spec.replicas}{"\n"}{end}' | sort; }
dep0=$(counts)
fault '{"type":"latency","ms":150}' >/dev/null

RANDOM=$$
for i in 1 2 3 4 5 6; do
  if [ $((i % 2)) -eq 1 ]; then op=red-button; else op=restore; fi
  "$WR" --server "$SIM_URL" -n ingest run "$op" --yes >"$T_TMP/run.$i" 2>&1 &
  pid=$!; T_PIDS+=("$pid")
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"   # 0.1 .. 0.99 s
  [ $((RANDOM % 3)) -eq 0 ] && sleep 1
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
sleep 1 # a write already on the wire completes on the server
fault '{"type":"latency","ms":0}' >/dev/null

writes=$(sim_get /sim/v1/requests | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    if r["method"] in ("PATCH", "PUT", "DELETE"):
        p = r["path"].split("/")
        print(p[-2] if p[-1] in ("scale", "status") else p[-1])' | sort -u)
t_match "the kills left writes on the server to account for" "." "$writes"
missing=""
for name in $writes; do
  grep -qF "\"$name\"" "$AUDIT" 2>/dev/null || grep -qF "/$name\"" "$AUDIT" 2>/dev/null || missing="$missing $name"
done
t_eq "every write that reached the server has its audit line" "" "${missing# }"
bad=$(python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1]), 1):
    try: json.loads(l)
    except Exception as e: print(n, e)' "$AUDIT" 2>&1)
t_eq "every audit line is whole JSON (no torn line)" "" "$bad"

out=$(timeout 120 "$WR" --server "$SIM_URL" -n ingest run restore --yes 2>&1); rc=$?
t_eq "a final restore exits 0" 0 "$rc"
t_eq "after the kills and a restore: every deployment at its count" "$dep0" "$(counts)"
t_done
