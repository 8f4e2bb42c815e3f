#!/bin/bash
# ssh-agent authentication against a real OpenSSH server and a real, private ssh-agent on
# 127.0.0.1 (issue 7: "ssh-agent first, then identity files ... nothing secret is written
# to disk or logs").  Covers: a key only the agent holds logs in; without the agent the
# same config is "authentication failed"; the agent is tried before the identity files
# (sshd's log names the key it accepted); an encrypted identity file the agent holds
# needs no passphrase; a removed agent socket, a dead one, something that is no agent, and
# an agent that accepts but never answers all fall through to the identity files within the timeout
# instead of hanging the poll.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
AGENT_PID="" ALL_OUT=""
trap 't_cleanup' EXIT

if ! sshd_available || ! command -v ssh-agent >/dev/null 2>&1; then
  t_fail "openssh-server and ssh-agent are installed (scripts/deps.sh)" "missing sshd or ssh-agent"
  t_done
fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
C=$SSHD_DIR/client
# agent_key: authorized, held only by the agent (never named in the config).
# locked_key: authorized, encrypted; the agent gets it through SSH_ASKPASS, the config
# names the file, and warroom is never given the passphrase.
ssh-keygen -q -t ed25519 -N '' -C warroom-test-agent -f "$C/agent_key" || t_fail "agent key"
PASS=agent-test-passphrase-$RANDOM$RANDOM
ssh-keygen -q -t ed25519 -N "$PASS" -C warroom-test-locked -f "$C/locked_key" || t_fail "locked key"
cat "$C/agent_key.pub" "$C/locked_key.pub" >>"$SSHD_DIR/authorized_keys"
sshd_start || { t_fail "sshd starts on 127.0.0.1"; t_done; }
t_ok "sshd listening on 127.0.0.1:$SSHD_PORT"

KH=$T_TMP/known_hosts
sshd_known_hosts "$KH" 127.0.0.1

# A private agent in the foreground (-D), so its PID is ours to stop.
AGENT_SOCK=$T_TMP/agent.sock
bg_start "$T_TMP/agent.log" ssh-agent -D -a "$AGENT_SOCK"
AGENT_PID=$BG_PID
wait_until 10 test -S "$AGENT_SOCK" || t_fail "ssh-agent listens on $AGENT_SOCK" "$(cat "$T_TMP/agent.log")"
printf '#!/bin/sh\necho %s\n' "$PASS" >"$T_TMP/askpass"
chmod 700 "$T_TMP/askpass"
t_check "ssh-add the agent-only key" env SSH_AUTH_SOCK="$AGENT_SOCK" ssh-add -q "$C/agent_key"
t_check "ssh-add the encrypted key (passphrase via SSH_ASKPASS)" \
  env SSH_AUTH_SOCK="$AGENT_SOCK" SSH_ASKPASS="$T_TMP/askpass" SSH_ASKPASS_REQUIRE=force \
  DISPLAY=:0 setsid -w ssh-add -q "$C/locked_key"
t_eq "agent holds two keys" 2 "$(SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -l 2>/dev/null | wc -l)"

# host_yaml FILE NAME IDENTITY: one host on the test sshd.
host_yaml() {
  cat >"$1" <<EOF
known_hosts: $KH
timeout: 3
hosts:
  - name: $2
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $3
    checks: [load]
EOF
}
host_yaml "$T_TMP/agent-only.yaml" agent-only "$C/wrong_key"
host_yaml "$T_TMP/both.yaml" both "$SSH_KEY"
host_yaml "$T_TMP/locked.yaml" locked "$C/locked_key"

# batch SOCK CONFIG: warroom's batch poll with SSH_AUTH_SOCK=SOCK ("" unsets it); a
# hang is a failure, so it runs under timeout(1).  Sets OUT, RC, TOOK (seconds).
batch() {
  local sock=$1 conf=$2 start=$SECONDS
  if [ -n "$sock" ]; then
    OUT=$(SSH_AUTH_SOCK=$sock timeout 30 "$BUILD/warroom" --config "$conf" --batch --panel hosts 2>&1)
  else
    OUT=$(env -u SSH_AUTH_SOCK timeout 30 "$BUILD/warroom" --config "$conf" --batch --panel hosts 2>&1)
  fi
  RC=$?
  TOOK=$((SECONDS - start))
  ALL_OUT+=$OUT$'\n'

}
# accepted_fp: the fingerprint of the key sshd accepted last ("Accepted publickey for
# USER from ... ssh2: ED25519 SHA256:..." at its default INFO level).
# sshd -e ends its lines with CR LF.
accepted_fp() { tr -d '\r' <"$SSHD_LOG" | sed -n 's/.*Accepted publickey for .* \(SHA256:[^ ]*\).*/\1/p' | tail -1; }
fp_of() { ssh-keygen -lf "$1" | awk '{print $2}'; }

# 1. A key only the agent holds logs in; the configured identity is not authorized.
batch "$AGENT_SOCK" "$T_TMP/agent-only.yaml"
t_eq "agent-only host: batch exits 0" 0 "$RC"
t_contains "agent-only host reached through the agent" "host agent-only: ok" "$OUT"
t_eq "sshd accepted the agent's key" "$(fp_of "$C/agent_key.pub")" "$(accepted_fp)"

# 2. The same config without the agent: the identity file alone is refused.
batch "" "$T_TMP/agent-only.yaml"
t_eq "no agent: batch exits 1" 1 "$RC"
t_contains "no agent: authentication failed" "host agent-only: authentication failed" "$OUT"
t_contains "no agent: the refused identity file is named" "$C/wrong_key refused" "$OUT"

# 3. Agent first: both the agent's keys and the identity file would do; sshd accepts the
#    agent's first key, so the identity file was never needed.
batch "$AGENT_SOCK" "$T_TMP/both.yaml"
t_contains "both: host ok" "host both: ok" "$OUT"
t_eq "agent tried before the identity file" "$(fp_of "$C/agent_key.pub")" "$(accepted_fp)"
batch "" "$T_TMP/both.yaml"
t_contains "both, no agent: host ok by the identity file" "host both: ok" "$OUT"
t_eq "without the agent the identity file is what sshd accepted" "$(fp_of "$SSH_KEY.pub")" "$(accepted_fp)"

# 4. An encrypted identity file the agent holds: no passphrase asked or needed.  Without
#    the agent the file is named as needing one.
batch "$AGENT_SOCK" "$T_TMP/locked.yaml"
t_contains "encrypted key in the agent: host ok" "host locked: ok" "$OUT"
batch "" "$T_TMP/locked.yaml"
t_contains "encrypted key, no agent: authentication failed" "host locked: authentication failed" "$OUT"
t_contains "encrypted key, no agent: the file needs a passphrase" "$C/locked_key: needs a passphrase" "$OUT"

# 5. The agent stopped: its socket file is gone (ssh-agent removes it); the config with
#    only the agent's key fails, the one with a good identity file still works.
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
wait_until 5 test ! -e "$AGENT_SOCK"
batch "$AGENT_SOCK" "$T_TMP/agent-only.yaml"
t_contains "agent stopped: authentication failed" "host agent-only: authentication failed" "$OUT"
t_contains "agent stopped: the agent is named unreachable" "agent not reachable" "$OUT"
batch "$AGENT_SOCK" "$T_TMP/both.yaml"
t_contains "agent stopped: falls through to the identity file" "host both: ok" "$OUT"

# 6. A dead socket (bound, listener gone: connect is refused) falls through at once.
DEAD=$T_TMP/dead.sock
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$DEAD"
batch "$DEAD" "$T_TMP/both.yaml"
t_contains "dead agent socket: falls through to the identity file" "host both: ok" "$OUT"
if [ "$TOOK" -le 2 ]; then t_ok "dead agent socket costs no wait (${TOOK}s)"
else t_fail "dead agent socket costs no wait" "took ${TOOK}s"; fi
batch "$DEAD" "$T_TMP/agent-only.yaml"
t_contains "dead agent socket: named failure" "host agent-only: authentication failed" "$OUT"

# 7. An agent that accepts and never answers (a hung agent) must not hang the poll: the
#    host falls through to its identity file within the 3 s phase timeout.
HUNG=$T_TMP/hung.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(50)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$HUNG" >"$T_TMP/hung.log" 2>&1 &
T_PIDS+=("$!")
wait_until 10 test -S "$HUNG" || t_fail "hung agent listener starts"
batch "$HUNG" "$T_TMP/both.yaml"
t_eq "hung agent: batch does not hang (exit status)" 0 "$RC"
t_contains "hung agent: falls through to the identity file" "host both: ok" "$OUT"
if [ "$TOOK" -le 6 ]; then t_ok "hung agent: done within the timeout (${TOOK}s)"
else t_fail "hung agent: done within the timeout" "took ${TOOK}s" "$OUT"; fi
batch "$HUNG" "$T_TMP/agent-only.yaml"
t_contains "hung agent, no usable identity: authentication failed" "host agent-only: authentication failed" "$OUT"
t_contains "hung agent: named as not answering" "agent not answering" "$OUT"

# 8. Something that answers, but not as an agent (a web server on the socket, say).
BOGUS=$T_TMP/bogus.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(50)
while True:
    c, _ = s.accept(); c.recv(64); c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n"); c.close()
' "$BOGUS" >"$T_TMP/bogus.log" 2>&1 &
T_PIDS+=("$!")
wait_until 10 test -S "$BOGUS" || t_fail "bogus agent listener starts"
batch "$BOGUS" "$T_TMP/both.yaml"
t_contains "not an agent: falls through to the identity file" "host both: ok" "$OUT"
batch "$BOGUS" "$T_TMP/agent-only.yaml"
t_contains "not an agent: named as such" "agent not an ssh-agent" "$OUT"

# 9. Nothing secret on the way: the passphrase never reaches warroom's output.
t_contains "the locked key's runs are in the collected output" "host locked: ok" "$ALL_OUT"
t_lacks "passphrase never printed by any run" "$PASS" "$ALL_OUT"
t_done
