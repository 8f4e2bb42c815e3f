#!/bin/bash
# ProxyJump in the console (tmux): two real sshd on 127.0.0.1, a bastion and a target.
# - a host behind the bastion comes up ok in the hosts pane;
# - a user action's 2 MB of output streams through the tunnel (the target's SSH session
#   runs over the pump: one lost or reordered byte would break its MAC) and ends "exit 0"
#   (tests/integration/ssh_jump.sh checks such a transfer byte for byte);
# - the unknown-key prompt for a host behind the bastion shows the TARGET's fingerprint and
#   'y' records it under the target's name; the session then comes up ok;
# - a jump host with an unknown key opens no prompt (nothing of the bastion is recorded
#   under the target's name) and the pane names the jump host.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if ! sshd_available; then
  t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
sshd_start || { t_fail "bastion sshd starts"; t_done; }
JUMP_PORT=$SSHD_PORT
sshd_start "$SSHD_DIR/host_key2" || { t_fail "target sshd starts"; t_done; }
TARGET_PORT=$SSHD_PORT
sim_start || { t_fail "simulator starts"; t_done; }

KH=$T_TMP/known_hosts
SSHD_PORT=$JUMP_PORT sshd_known_hosts "$KH" 127.0.0.1
SSHD_PORT=$TARGET_PORT sshd_known_hosts "$KH" 127.0.0.1 "$SSHD_DIR/host_key2.pub"
export HOME=$T_TMP/home XDG_STATE_HOME=$T_TMP/state
mkdir -p "$HOME"
cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
interval: 600
hosts:
  - name: bastion
    address: 127.0.0.1
    port: $JUMP_PORT
    identity: $SSH_KEY
  - name: inner
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: bastion
    checks: [df]
    actions:
      - name: bulk
        command: head -c 2000000 /dev/zero | tr '\\0' x; echo; echo BULK-END
        confirm: false
  - name: innerkey
    address: localhost
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: bastion
  - name: oddjump
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: localhost:$JUMP_PORT
EOF

tm_start 150x50 "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" -c hosts
if tm_wait 15 "inner  ok"; then t_ok "host behind the bastion is ok in the pane"
else t_fail "host behind the bastion is ok in the pane" "$(tm_screen)"; fi

# The unknown-key prompt is for the target (host_key2), not the bastion.
fp2=$(sshd_fingerprint "$SSHD_DIR/host_key2.pub")
if tm_wait 10 "$fp2"; then t_ok "prompt shows the target's fingerprint"
else t_fail "prompt shows the target's fingerprint" "$(tm_screen)"; fi
t_lacks "prompt does not show the bastion's fingerprint" "$(sshd_fingerprint)" "$(tm_screen)"
tm_keys y
if wait_until 5 grep -q "^\[localhost\]:$TARGET_PORT " "$KH"; then t_ok "y records the key under the target's name"
else t_fail "y records the key under the target's name" "$(cat "$KH")" "$(tm_screen)"; fi
t_eq "the recorded key is the target's" "$(cut -d' ' -f2 "$SSHD_DIR/host_key2.pub")" \
  "$(awk -v h="[localhost]:$TARGET_PORT" '$1 == h {print $3}' "$KH")"
tm_keys : "ssh innerkey refresh" Enter
if tm_wait 10 "innerkey  ok"; then t_ok "after y the host behind the bastion is ok"
else t_fail "after y the host behind the bastion is ok" "$(tm_screen)"; fi

# The bastion's key is unknown as "localhost": no prompt, nothing recorded, hop named.
t_contains "unknown jump host key names the hop" "jump host localhost:$JUMP_PORT: host key for" "$(tm_screen)"
t_check "nothing recorded for the jump host" bash -c "! grep -q '^\[localhost\]:$JUMP_PORT ' '$KH'"

tm_keys : "ssh inner bulk" Enter
# The exit status comes after all of the channel's data: "exit 0" means the 2 MB went
# through (the pane shows only part of it).
if tm_wait 30 "bulk  exit 0 after"; then t_ok "2 MB of action output came through the tunnel, exit 0"
else t_fail "2 MB of action output came through the tunnel, exit 0" "$(tm_screen)"; fi
t_contains "... the output is in the pane" "xxxxxxxxxxxxxxxxxxxxxxxx" "$(tm_screen)"
tm_keys q q
wait_until 10 tm_dead || t_fail "q quits" "$(tm_screen)"
t_done
