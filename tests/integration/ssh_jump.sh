#!/bin/bash
# ProxyJump against two real OpenSSH servers on 127.0.0.1: a jump host ("bastion", logging
# at DEBUG1) and a target with another host key.  Checked with
# `warroom --config FILE --batch --panel hosts`:
# - a host with `jump: bastion` (a configured host) is polled through the bastion: its df
#   rows arrive and the bastion's sshd logs the direct-tcpip forward to the target port;
# - ~/.ssh/config alone (Host alias, HostName, Port, IdentityFile, ProxyJump to an alias
#   that is not in warroom's config) works the same way;
# - a chain "bastion,bastion" makes two forwards (one to the bastion itself);
# - the target's host key is verified under the target's name (unknown under "localhost");
# - each failure names its hop: jump host authentication failed, jump host key unknown
#   (never recorded), "via bastion: connection refused by ...", a black hole behind the
#   bastion times out in the handshake, a bad ProxyJump spec, the bastion down.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if ! sshd_available; then
  t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }

# The bastion logs at DEBUG1 ("server_request_direct_tcpip: ... target H port P").  A
# wrapper keeps the PID (exec) and the absolute path sshd needs to re-exec itself.
cat >"$T_TMP/sshd-debug" <<EOF
#!/bin/sh
exec $SSHD_BIN -o LogLevel=DEBUG1 "\$@"
EOF
chmod 755 "$T_TMP/sshd-debug"
REAL_SSHD=$SSHD_BIN
SSHD_BIN=$T_TMP/sshd-debug sshd_start || { t_fail "bastion sshd starts"; t_done; }
JUMP_PORT=$SSHD_PORT JUMP_PID=$SSHD_PID JUMP_LOG=$SSHD_LOG
SSHD_BIN=$REAL_SSHD
# The target's `pm2 jlist` prints 2 MB of JSON: the parsed table proves every byte came
# through the tunnel in order (a lost byte breaks the JSON, or the SSH MAC first).
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/pm2" <<'EOF'
#!/bin/sh
printf '[{"name":"api","pm_id":0,"pm2_env":{"status":"online","restart_time":0,"pm_uptime":0,"pad":"'
head -c 2000000 /dev/zero | tr '\0' x
printf '"},"monit":{"cpu":0,"memory":0}},{"name":"after-2mb","pm_id":1,"pm2_env":{"status":"online","restart_time":7,"pm_uptime":0},"monit":{"cpu":0,"memory":0}}]\n'
EOF
chmod 755 "$T_TMP/bin/pm2"
SSHD_SETENV="PATH=$T_TMP/bin:/usr/local/bin:/usr/bin:/bin"
sshd_start "$SSHD_DIR/host_key2" || { t_fail "target sshd starts"; t_done; }
TARGET_PORT=$SSHD_PORT
t_ok "bastion on 127.0.0.1:$JUMP_PORT, target on 127.0.0.1:$TARGET_PORT"

KH=$T_TMP/known_hosts
SSHD_PORT=$JUMP_PORT sshd_known_hosts "$KH" 127.0.0.1
SSHD_PORT=$TARGET_PORT sshd_known_hosts "$KH" 127.0.0.1 "$SSHD_DIR/host_key2.pub"
cp "$KH" "$T_TMP/known_hosts.orig"
blackhole_start || t_fail "black-hole listener starts"
CLOSED=$(free_port)

# A private HOME: ~/.ssh/config with a target alias whose ProxyJump names another alias.
export HOME=$T_TMP/home
mkdir -p "$HOME/.ssh"
cat >"$HOME/.ssh/config" <<EOF
Host inner-target
  HostName 127.0.0.1
  Port $TARGET_PORT
  IdentityFile $SSH_KEY
  ProxyJump jumpbox
Host jumpbox
  HostName 127.0.0.1
  Port $JUMP_PORT
  IdentityFile $SSH_KEY
EOF

cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
timeout: 3
hosts:
  - name: bastion
    address: 127.0.0.1
    port: $JUMP_PORT
    identity: $SSH_KEY
  - name: wrongjump
    address: 127.0.0.1
    port: $JUMP_PORT
    identity: $SSHD_DIR/client/wrong_key
  - name: target
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: bastion
    checks: [df, pm2]
  - name: from-ssh-config
    address: inner-target
    checks: [df]
  - name: chain
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: bastion,bastion
    checks: [df]
  - name: target-by-other-name
    address: localhost
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: bastion
  - name: bad-jump-key
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: wrongjump
  - name: unknown-jump
    address: 127.0.0.1
    port: $TARGET_PORT
    identity: $SSH_KEY
    jump: localhost:$JUMP_PORT
  - name: closed-behind
    address: 127.0.0.1
    port: $CLOSED
    identity: $SSH_KEY
    jump: bastion
  - name: hole-behind
    address: 127.0.0.1
    port: $BLACKHOLE_PORT
    identity: $SSH_KEY
    jump: bastion
  - name: bad-spec
    address: 127.0.0.1
    port: $TARGET_PORT
    jump: "bastion:99999"
EOF

batch() { "$BUILD/warroom" --config "$T_TMP/hosts.yaml" --batch --panel hosts 2>&1; }
out=$(batch); rc=$?
section() { awk -v h="host $1:" 'index($0, h) == 1 {p=1; print; next} /^host / {p=0} p' <<<"$out"; }
t_eq "batch exits 1 (some hosts fail on purpose)" 1 "$rc"
t_contains "bastion itself ok" "host bastion: ok" "$out"
t_contains "target through the bastion ok" "host target: ok" "$out"
t_match "target's df rows came through the tunnel" "^ +disk +[0-9]+% [a-z]+ .* / \\(" "$(section target)"
# sshd logs the forward it opened for us: "target 127.0.0.1 port TARGET_PORT".
t_match "2 MB of pm2 jlist came through byte for byte" "pm2 after-2mb: online, restarts 7" "$(section target)"
t_match "bastion's sshd opened a direct-tcpip forward to the target" \
  "server_request_direct_tcpip: originator .* target 127\.0\.0\.1 port $TARGET_PORT" "$(cat "$JUMP_LOG")"
t_contains "~/.ssh/config ProxyJump to an alias works" "host from-ssh-config: ok" "$out"
t_match "~/.ssh/config target's df rows came through" "^ +disk +[0-9]+% [a-z]+ .* / \\(" "$(section from-ssh-config)"
t_contains "a chain of two jump hosts works" "host chain: ok" "$out"
t_match "the chain's first hop forwarded to the second (the bastion's own port)" \
  "server_request_direct_tcpip: originator .* target 127\.0\.0\.1 port $JUMP_PORT" "$(cat "$JUMP_LOG")"

t_contains "target key checked under the target's name" "host target-by-other-name: host key unknown" "$out"
t_contains "... and the message names the hop" "via bastion: host key for localhost port $TARGET_PORT is not in" "$out"
t_contains "... with the target's fingerprint" "$(sshd_fingerprint "$SSHD_DIR/host_key2.pub")" "$(section target-by-other-name)"
t_contains "jump host authentication failure is named" "host bad-jump-key: authentication failed" "$out"
t_contains "... with the jump host's name" "jump host wrongjump: authentication failed" "$out"
t_contains "unknown jump host key is named" "host unknown-jump: host key unknown" "$out"
t_contains "... as the jump host's" "jump host localhost:$JUMP_PORT: host key for localhost port $JUMP_PORT is not in" "$out"
t_eq "no host key recorded in batch mode" "$(cat "$T_TMP/known_hosts.orig")" "$(cat "$KH")"
t_contains "closed port behind the bastion: refused" "host closed-behind: connection refused" "$out"
t_contains "... named via the bastion" "via bastion: connection refused by 127.0.0.1 port $CLOSED" "$out"
t_contains "black hole behind the bastion times out" "host hole-behind: timeout" "$out"
t_contains "... in the target's handshake, via the bastion" "via bastion: 127.0.0.1:$BLACKHOLE_PORT: no answer within 3 s (handshake)" "$out"
t_contains "bad ProxyJump spec is a named error" 'ProxyJump "bastion:99999": bad port' "$out"

# The bastion down: the target (still up) cannot be reached through it.
kill "$JUMP_PID"; wait "$JUMP_PID" 2>/dev/null
wait_until 10 bash -c "! exec 3<>/dev/tcp/127.0.0.1/$JUMP_PORT"
out=$(batch)
t_contains "bastion down: target fails" "host target: connection refused" "$out"
t_contains "... naming the jump host" "jump host bastion: connect 127.0.0.1" "$out"
t_done
