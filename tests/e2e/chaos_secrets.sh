#!/bin/bash
# Secrets stay secret: a recognisable bearer token (right and wrong), given by kubeconfig
# and by an exec plugin, goes through batch output, `run` with a write (audit), the console
# (screen captures, describe, logs, help) and the 401 path; afterwards no output file,
# state file (audit, timeline, saved logs under the XDG dirs) or screen capture holds it.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG= XDG_STATE_HOME=$T_TMP/state XDG_DATA_HOME=$T_TMP/data \
  XDG_CACHE_HOME=$T_TMP/cache XDG_CONFIG_HOME=$T_TMP/config
mkdir -p "$HOME"
TOKEN=zz-SeCrEt-TOKEN-4242-zz
WRONG=zz-WrOnG-TOKEN-1717-zz
sim_start --token "$TOKEN" || { t_fail "warroom-sim --token starts"; t_done; }
OUT=$T_TMP/out; mkdir -p "$OUT"

kubeconfig() { # FILE TOKEN
  printf '%s\n' "apiVersion: v1" "kind: Config" "current-context: sim" "clusters:" \
    "- name: simc" "  cluster: {server: '$SIM_URL'}" "contexts:" "- name: sim" \
    "  context: {cluster: simc, user: me, namespace: ingest}" "users:" "- name: me" \
    "  user: {token: '$2'}" >"$1"
}
kubeconfig "$T_TMP/good.yaml" "$TOKEN"
kubeconfig "$T_TMP/bad.yaml" "$WRONG"

# Batch, run (dry-run write: audited), the 401 path with the wrong token.
KUBECONFIG=$T_TMP/good.yaml timeout 60 "$WR" --batch >"$OUT/batch.out" 2>"$OUT/batch.err"
t_contains "batch lists pods with the token" "ingest-broker-" "$(cat "$OUT/batch.out")"
KUBECONFIG=$T_TMP/good.yaml timeout 60 "$WR" run 'scale deployment/ingest-core 2' --dry-run --yes \
  >"$OUT/run.out" 2>"$OUT/run.err"
KUBECONFIG=$T_TMP/bad.yaml timeout 60 "$WR" --batch >"$OUT/bad.out" 2>"$OUT/bad.err"
t_match "wrong token: a clear error" "401|credentials|Unauthorized|unauthori" "$(cat "$OUT/bad.err" "$OUT/bad.out")"

# The console: pods, describe, logs, help, a refused write in read-only mode.
tm_start 160x50 env KUBECONFIG="$T_TMP/good.yaml" "$WR" --read-only
tm_wait 20 "watching" || t_fail "console reaches watching" "$(tm_screen | head -3)"
caps=$OUT/screens; : >"$caps"
snap() { tm_screen -e >>"$caps"; }
snap
tm_keys Enter; sleep 1; snap; tm_keys Escape
tm_keys l; sleep 2; snap; tm_keys Escape
tm_keys '?'; sleep 1; snap; tm_keys Escape
tm_keys : "scale deployment/ingest-core 3" Enter; sleep 1; snap
tm_keys q; sleep 1

t_contains "the console was captured" "ingest-" "$(cat "$caps")"
leaks=$(grep -rlaF -e "$TOKEN" -e "$WRONG" "$OUT" "$XDG_STATE_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" 2>/dev/null)
t_eq "no token in outputs, screen captures, audit, timeline or saved logs" "" "$leaks"
t_check "the audit log was written" test -s "$XDG_STATE_HOME/warroom/audit.jsonl"
t_done
