#!/bin/bash
# Exec credential plugins that misbehave (kube/credential via kube/auth):
#   hang      never answers (and leaves a child behind): a clear timeout after 10 s, the
#             console answers keys meanwhile, the plugin and its child are killed
#   fail      exits 3 with an escape-laden stderr: the exit status and the first stderr
#             line, sanitised
#   garbage   prints text that is not JSON: "invalid JSON", without echoing it
#   huge      prints 3 MB: refused at the stdout bound, without echoing it
#   spew      writes stderr without pause and never exits: times out, keys answer
#   slow      a valid credential after 3 s: the console lists pods, keys answer meanwhile
# Nothing the plugins print on stdout (it holds the credential) reaches stderr or screen.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh" # tm_restart_server
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"
TOKEN=zz-exec-TOKEN-5151-zz
sim_start --token "$TOKEN" || { t_fail "warroom-sim --token starts"; t_done; }

PL=$T_TMP/plugins; mkdir -p "$PL"
plugin() { printf '#!/bin/sh\n%s\n' "$2" >"$PL/$1"; chmod 755 "$PL/$1"; }
GOOD='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"'$TOKEN'"}}'
plugin hang "sleep 300 & echo \$! >$T_TMP/hang.child; echo \$\$ >$T_TMP/hang.pid; sleep 300"
plugin fail "printf 'ERROR: not logged in \033]0;PWNED-TITLE\007 \033[2J run login\n' >&2; echo second >&2; exit 3"
plugin garbage "echo zz-garbage-SECRET-zz not json"
plugin huge "yes zz-huge-SECRET-zz | head -c 3000000"
plugin spew "exec yes zz-spew-line >&2"
plugin slow "sleep 3; printf '%s\n' '$GOOD'"
kubeconfig() { # NAME: a kubeconfig whose user runs plugin NAME
  printf '%s\n' "apiVersion: v1" "kind: Config" "current-context: sim" "clusters:" \
    "- name: simc" "  cluster: {server: '$SIM_URL'}" "contexts:" "- name: sim" \
    "  context: {cluster: simc, user: me}" "users:" "- name: me" "  user:" "    exec:" \
    "      apiVersion: client.authentication.k8s.io/v1" "      command: $PL/$1" \
    "      interactiveMode: Never" >"$T_TMP/$1.yaml"
}
for p in hang fail garbage huge spew slow; do kubeconfig $p; done
# gone PID: the process is gone or a zombie (killed; the container's init may not reap it).
gone() { local st; st=$(ps -o stat= -p "$(cat "$1")" 2>/dev/null); [ -z "$st" ] || [[ $st == Z* ]]; }

# Batch mode: each failure is a clear error and a non-zero exit.
batch() { # NAME -> sets OUT, ERR, RC, SECS
  local t0=$SECONDS
  OUT=$(KUBECONFIG=$T_TMP/$1.yaml timeout 40 "$WR" --batch 2>"$T_TMP/$1.err"); RC=$?
  ERR=$(cat "$T_TMP/$1.err"); SECS=$((SECONDS - t0))
}
batch fail
t_eq "fail: batch exits non-zero" 1 "$([ $RC -ne 0 ] && echo 1)"
t_contains "fail: exit status and first stderr line" 'exec plugin "fail": exit status 3: ERROR: not logged in' "$ERR"
t_lacks "fail: no raw escape in the message" $'\e' "$ERR"
batch garbage
t_contains "garbage: invalid JSON named" 'exec plugin "garbage": printed invalid JSON' "$ERR"
t_lacks "garbage: its stdout is not echoed" "zz-garbage-SECRET-zz" "$ERR$OUT"
batch huge
t_contains "huge: refused at the bound" 'exec plugin "huge": printed more than 1024 KiB; refusing' "$ERR"
t_lacks "huge: its stdout is not echoed" "zz-huge-SECRET-zz" "$ERR$OUT"
batch hang
t_contains "hang: times out with a clear error" 'exec plugin "hang": did not answer within 10 s' "$ERR"
t_eq "hang: batch gives up near the 10 s deadline" 1 "$([ $SECS -le 20 ] && echo 1)"
sleep 0.5
t_check "hang: the plugin was killed" gone "$T_TMP/hang.pid"
t_check "hang: the child it left was killed too" gone "$T_TMP/hang.child"
batch slow
t_eq "slow: batch succeeds" 0 "$RC"
t_contains "slow: pods listed" "ingest-broker-" "$OUT"

# The console: a hanging plugin and a stderr spewer leave the keyboard live and end in a
# clear error; a slow plugin ends in a working console.  (The pids of the batch run's
# plugin were checked above; the console's run writes them anew.)
console_keys_live() { # DESC: '?' opens help and Escape closes it, each within 2 s
  tm_keys '?'
  if tm_wait 2 "Help: keys and commands"; then t_ok "$1: keys answer (help opens)"; else t_fail "$1: keys answer (help opens)" "$(tm_screen | head -5)"; fi
  tm_keys Escape; sleep 1.2
}
for p in hang spew; do
  rm -f "$T_TMP/hang.pid" "$T_TMP/hang.child"
  tm_start 160x45 env KUBECONFIG="$T_TMP/$p.yaml" "$WR"
  sleep 1
  console_keys_live "$p (plugin running)"
  if tm_wait 20 "exec plugin \"$p\": did not answer within 10 s"; then t_ok "$p: console names the timeout"
  else t_fail "$p: console names the timeout" "$(tm_screen | head -8)"; fi
  console_keys_live "$p (after the timeout)"
  if tm_dead; then t_fail "$p: warroom still running" "$(tm_screen | tail -5)"; else t_ok "$p: warroom still running"; fi
  tm_restart_server
done
t_check "console hang: the plugin was killed" gone "$T_TMP/hang.pid"
t_check "console hang: the child it left was killed too" gone "$T_TMP/hang.child"

tm_start 160x45 env KUBECONFIG="$T_TMP/slow.yaml" "$WR"
sleep 0.5
console_keys_live "slow (plugin running)"
if tm_wait 20 "ingest-broker-"; then t_ok "slow: the console lists pods once the plugin answered"
else t_fail "slow: the console lists pods once the plugin answered" "$(tm_screen | head -8)"; fi
t_lacks "slow: no error shown" "exec plugin" "$(tm_screen)"
t_done
