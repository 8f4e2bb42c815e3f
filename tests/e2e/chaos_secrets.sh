#!/bin/bash
# Secrets stay secret: a recognisable bearer token (right and wrong), given by kubeconfig
# and by an exec plugin, goes through batch output, `run` with a write (audit), the console
# (screen captures, describe, logs, help) and the 401 path; afterwards no output file,
# state file (audit, timeline, saved logs under the XDG dirs) or screen capture holds it.
# Then the same for SSH: a passphrase-protected client key and a pm2 environment secret.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
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

# ---- SSH: a passphrase-protected client key (its content and passphrase) and a pm2
# environment secret, through the hosts paths: checks, the passphrase prompt, details,
# pm2-logs, pm2-restart (audited), user action, --batch, WARROOM_TRACE ----
if ! sshd_available; then t_fail "openssh-server is installed (scripts/deps.sh)"; t_done; fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
PASS=zz-PaSsPhRaSe-3131-zz
PMSECRET=zz-PM2-ENV-SECRET-2727-zz
KEY=$SSHD_DIR/client/locked
ssh-keygen -q -t ed25519 -N "$PASS" -C zz-key-comment-zz -f "$KEY" || t_fail "encrypted key made"
cat "$KEY.pub" >>"$SSHD_DIR/authorized_keys"
# A recognisable piece of the private key file: its longest base64 line.
KEYLINE=$(grep -v -- '-----' "$KEY" | awk '{ if (length($0) > length(m)) m = $0 } END { print m }')
t_eq "the key's content is recognisable (a line of 40+ characters)" 1 "$([ ${#KEYLINE} -ge 40 ] && echo 1)"
BIN=$T_TMP/bin-secret
fake_bin "$BIN" pm2 "case \$1 in
jlist) printf '[{\"name\":\"api\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\",\"restart_time\":1,\"API_TOKEN\":\"$PMSECRET\",\"env\":{\"SECRET\":\"$PMSECRET\"}},\"monit\":{\"cpu\":0,\"memory\":10}}]\n' ;;
logs) echo 'log line from api'; sleep 30 ;;
restart) echo 'restarted api' ;;
*) echo \"pm2 \$*\" ;;
esac"
SSHD_SETENV="PATH=$BIN:/usr/bin:/bin"
sshd_start || { t_fail "sshd starts"; t_done; }
KH=$T_TMP/known_hosts; sshd_known_hosts "$KH"
printf '%s\n' "known_hosts: $KH" "interval: 600" "hosts:" "  - name: vault-host" "    address: 127.0.0.1" \
  "    port: $SSHD_PORT" "    identity: $KEY" "    checks: [df, pm2, load]" "    actions:" "      - pm2-restart" \
  "      - pm2-logs" "      - name: uptime-now" "        command: uptime; echo action-ran" \
  "        confirm: false" >"$T_TMP/hosts.yaml"
export WARROOM_TRACE=$OUT/trace.log

tm_restart_server
tm_start 160x50 env KUBECONFIG="$T_TMP/good.yaml" "$WR" --config "$T_TMP/hosts.yaml" -c hosts
if tm_wait 20 "Enter passphrase for key"; then t_ok "the locked key asks for its passphrase"; else t_fail "the locked key asks for its passphrase" "$(tm_screen | head -20)"; fi
tm_keys -l "$PASS"; snap; tm_keys Enter
if tm_wait 20 "vault-host  ok"; then t_ok "the passphrase opens the key"; else t_fail "the passphrase opens the key" "$(tm_screen | head -20)"; fi
t_contains "pm2 process listed" "api" "$(tm_screen)"; snap
tm_keys Enter; sleep 1; snap; tm_keys Escape; sleep 1.2
tm_keys : "ssh vault-host pm2-logs api" Enter
tm_wait 10 "log line from api" || t_fail "pm2-logs streams" "$(tm_screen | tail -5)"; snap
tm_keys X; sleep 0.5
tm_keys : "ssh vault-host pm2-restart api" Enter
tm_wait 5 "y/Enter" && tm_keys y
tm_wait 10 "restarted api" || t_fail "pm2-restart runs" "$(tm_screen | tail -5)"; snap
tm_keys : "ssh vault-host uptime-now" Enter
tm_wait 10 "action-ran" || t_fail "the user action runs" "$(tm_screen | tail -5)"; snap
tm_keys 7; sleep 1; snap
tm_keys : "incident export $OUT/postmortem.md" Enter; sleep 1
tm_keys Escape; sleep 1.2; tm_keys q; wait_until 10 tm_dead
KUBECONFIG=$T_TMP/good.yaml timeout 60 "$WR" --config "$T_TMP/hosts.yaml" --batch --panel hosts \
  >"$OUT/hosts-batch.out" 2>&1
t_contains "batch names the locked key (it cannot prompt)" "$KEY" "$(cat "$OUT/hosts-batch.out")"
t_check "the audit log has the pm2-restart" grep -q "pm2-restart" "$XDG_STATE_HOME/warroom/audit.jsonl"
t_check "the trace was written" test -s "$OUT/trace.log"
leaks=$(grep -rlaF -e "$PASS" -e "$PMSECRET" -e "$KEYLINE" -e "zz-key-comment-zz" \
  "$OUT" "$XDG_STATE_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" 2>/dev/null)
t_eq "no passphrase, key content or pm2 env secret in outputs, captures, audit, timeline, trace" "" "$leaks"
t_done
