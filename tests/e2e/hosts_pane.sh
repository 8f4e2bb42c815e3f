#!/bin/bash
# The hosts pane in the console (tmux), against a real OpenSSH server and real pm2:
# host state, mounts with bars, pm2 processes; a black hole that never answers while the
# keyboard stays live; the unknown-host-key prompt (OpenSSH's SHA256 fingerprint, recorded
# only on "y", never on "n"); pm2-logs streaming into the pane and cancelled with X;
# mutating actions refused without the gate's confirmation; `ssh` argument errors.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
sshd_pm2_begin
sshd_start || { t_fail "sshd starts on 127.0.0.1"; t_done; }
sim_start || { t_fail "simulator starts"; t_done; }

mkdir -p "$T_TMP/app"
echo 'setInterval(() => console.log("tick from api"), 300);' >"$T_TMP/app/tick.js"
pm2 start "$T_TMP/app/tick.js" --name api >/dev/null 2>&1
t_check "pm2 runs api" bash -c "pm2 jlist | grep -q '\"name\":\"api\"'"

KH=$T_TMP/known_hosts
sshd_known_hosts "$KH" 127.0.0.1
blackhole_start || t_fail "black-hole listener starts"

cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
timeout: 20
interval: 600
hosts:
  - name: black-hole
    address: 127.0.0.1
    port: $BLACKHOLE_PORT
    identity: $SSH_KEY
  - name: build-server
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $SSH_KEY
    checks: [df, pm2, load]
    expect_pm2: [api, worker]
  - name: new-vm
    address: localhost
    port: $SSHD_PORT
    identity: $SSH_KEY
    checks: [df]
EOF

tm_start 150x50 "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" -c hosts
if tm_wait 15 "build-server  ok"; then t_ok "hosts pane shows build-server ok"
else t_fail "hosts pane shows build-server ok" "$(tm_screen)"; fi
screen=$(tm_screen)
t_contains "title counts the hosts" "Hosts 3:" "$screen"
t_contains "black hole still connecting" "black-hole  connecting..." "$screen"
t_match "root mount with a bar and use%" ' / +[█░]{20} +[0-9]+%' "$screen"
t_match "pm2 process with status and restarts" 'api +online +0 ' "$screen"
t_contains "expected process that does not run is flagged" "MISSING worker" "$screen"

# The unknown key: OpenSSH's question with the fingerprint ssh-keygen prints.
fp=$(sshd_fingerprint)
if tm_wait 10 "can't be established"; then t_ok "unknown host key asks"
else t_fail "unknown host key asks" "$(tm_screen)"; fi
screen=$(tm_screen)
t_contains "prompt names host and port as OpenSSH" "The authenticity of host '[localhost]:$SSHD_PORT' (new-vm) can't be established." "$screen"
t_contains "prompt shows the SHA256 fingerprint" "ED25519 key fingerprint is $fp." "$screen"

# Keys stay live while the black hole hangs (its 20 s handshake deadline is far away):
# answering the prompt and moving the selection both show at once.
before=$(wc -l <"$KH")
tm_keys n
if tm_wait 3 "host key not recorded"; then t_ok "'n' dismisses the prompt at once"
else t_fail "'n' dismisses the prompt at once" "$(tm_screen)"; fi
t_eq "'n' records nothing" "$before" "$(wc -l <"$KH")"
tm_keys j
if tm_wait 3 "> build-server"; then t_ok "keys move the selection while a host hangs"
else t_fail "keys move the selection while a host hangs" "$(tm_screen)"; fi
t_contains "black hole is still pending" "black-hole  connecting..." "$(tm_screen)"

# `ssh new-vm refresh` asks again; 'y' records exactly that key and the host comes up.
tm_keys : "ssh new-vm refresh" Enter
if tm_wait 10 "can't be established"; then t_ok "refresh asks again"
else t_fail "refresh asks again" "$(tm_screen)"; fi
tm_keys y
if tm_wait 10 "new-vm  ok"; then t_ok "'y' records the key and the host connects"
else t_fail "'y' records the key and the host connects" "$(tm_screen)"; fi
t_match "known_hosts has the new line" "^\[localhost\]:$SSHD_PORT ssh-ed25519 " "$(cat "$KH")"
t_eq "the recorded key is the server's" "$(cut -d' ' -f2 "$SSHD_DIR/host_key.pub")" \
  "$(grep '^\[localhost\]' "$KH" | cut -d' ' -f3)"

# pm2-logs streams into the pane; X cancels it.
tm_keys : "ssh build-server pm2-logs api" Enter
if tm_wait 10 "tick from api"; then t_ok "pm2-logs streams into the pane"
else t_fail "pm2-logs streams into the pane" "$(tm_screen)"; fi
t_contains "running action shown with its title" "build-server: pm2-logs api" "$(tm_screen)"
tm_keys X
if tm_wait 5 "cancelled after"; then t_ok "X cancels the action"
else t_fail "X cancels the action" "$(tm_screen)"; fi

# Argument errors name what was wrong.
tm_keys : "ssh nosuch df" Enter
if tm_wait 3 "no host named 'nosuch'"; then t_ok "unknown host named"; else t_fail "unknown host named" "$(tm_screen)"; fi
tm_keys : "ssh build-server pm2-restart 'a;b'" Enter
if tm_wait 3 "is not a pm2 process name"; then t_ok "bad process name refused"; else t_fail "bad process name refused" "$(tm_screen)"; fi

tm_keys Escape
sleep 0.3
tm_keys q
wait_until 10 tm_dead
if tm_dead; then t_ok "q quits while the black hole still hangs"; else t_fail "q quits while the black hole still hangs" "$(tm_screen)"; fi
t_done
