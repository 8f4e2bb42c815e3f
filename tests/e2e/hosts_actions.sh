#!/bin/bash
# SSH actions from the hosts pane go through the request gate: docker-gc and pm2-restart
# run only after the confirmation dialog, are audited (attempted, then ok) and their
# output and exit status show in the pane; "n" cancels (audited, nothing runs);
# --read-only refuses (audited, nothing runs).  The test host's `docker` is a shim on
# its PATH that records its arguments; pm2 is the real one.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
sshd_pm2_begin
sshd_start || { t_fail "sshd starts on 127.0.0.1"; t_done; }
sim_start || { t_fail "simulator starts"; t_done; }

# The docker shim: on the remote PATH (pm2_setup's bin directory).
cat >"$T_TMP/bin/docker" <<EOF
#!/bin/sh
echo "\$*" >>"$T_TMP/docker.args"
echo "Removing exited containers (shim)"
EOF
chmod 755 "$T_TMP/bin/docker"
mkdir -p "$T_TMP/app"
echo 'setInterval(() => {}, 1000);' >"$T_TMP/app/idle.js"
pm2 start "$T_TMP/app/idle.js" --name api >/dev/null 2>&1
restarts() { pm2 jlist 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print([p["pm2_env"]["restart_time"] for p in d if p["name"]=="api"][0])'; }
t_eq "api starts with 0 restarts" 0 "$(restarts)"

KH=$T_TMP/known_hosts
sshd_known_hosts "$KH" 127.0.0.1
cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
interval: 600
hosts:
  - name: build-server
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $SSH_KEY
    checks: [df, pm2]
EOF
export XDG_STATE_HOME=$T_TMP/state
AUDIT=$XDG_STATE_HOME/warroom/audit.jsonl

tm_start 150x50 "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" -c hosts
tm_wait 15 "build-server  ok" || t_fail "build-server comes up" "$(tm_screen)"

# docker-gc: the dialog shows the exact remote command; nothing runs before "y".
tm_keys : "ssh build-server docker-gc" Enter
if tm_wait 5 "y/Enter: do it"; then t_ok "docker-gc asks for confirmation"; else t_fail "docker-gc asks for confirmation" "$(tm_screen)"; fi
t_contains "dialog shows the remote command" "spotify/docker-gc" "$(tm_screen)"
sleep 0.5
t_check "nothing ran before the answer" test ! -e "$T_TMP/docker.args"
tm_keys y
if wait_until 10 test -s "$T_TMP/docker.args"; then t_ok "docker-gc ran after y"; else t_fail "docker-gc ran after y" "$(tm_screen)"; fi
t_eq "docker got spotify/docker-gc's arguments" \
  "run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/etc spotify/docker-gc" "$(cat "$T_TMP/docker.args")"
if tm_wait 10 "exit 0 after"; then t_ok "exit status and duration shown"; else t_fail "exit status and duration shown" "$(tm_screen)"; fi
t_contains "action output streamed into the pane" "Removing exited containers (shim)" "$(tm_screen)"
wait_until 5 grep -q '"command":"ssh build-server docker-gc".*"result":"ok"' "$AUDIT"
audit=$(cat "$AUDIT" 2>/dev/null)
t_match "audit: docker-gc attempted before it ran" '"command":"ssh build-server docker-gc".*"result":"attempted"' "$audit"
t_match "audit: docker-gc ok" '"command":"ssh build-server docker-gc".*"result":"ok"' "$audit"
t_contains "audit names the host" '"host/build-server"' "$audit"
tm_keys Space   # closes the gate's progress list

# pm2-restart: confirmed, the real pm2 restarts the process.
tm_keys : "ssh build-server pm2-restart api" Enter
tm_wait 5 "y/Enter: do it" || t_fail "pm2-restart asks" "$(tm_screen)"
tm_keys y
if wait_until 15 bash -c "[ \"\$(pm2 jlist 2>/dev/null | python3 -c 'import json,sys; print([p[\"pm2_env\"][\"restart_time\"] for p in json.load(sys.stdin) if p[\"name\"]==\"api\"][0])')\" = 1 ]"
then t_ok "pm2-restart restarted api"; else t_fail "pm2-restart restarted api" "restarts: $(restarts)" "$(tm_screen)"; fi
wait_until 5 grep -q '"command":"ssh build-server pm2-restart api".*"result":"ok"' "$AUDIT"
t_match "audit: pm2-restart ok" '"command":"ssh build-server pm2-restart api".*"result":"ok"' "$(cat "$AUDIT")"
tm_keys Space

# n cancels: audited, nothing runs.
rm -f "$T_TMP/docker.args"
tm_keys : "ssh build-server docker-gc" Enter
tm_wait 5 "y/Enter: do it" || t_fail "second docker-gc asks" "$(tm_screen)"
tm_keys n
wait_until 5 grep -q '"result":"cancelled"' "$AUDIT"
t_match "audit: cancelled" '"command":"ssh build-server docker-gc".*"result":"cancelled"' "$(cat "$AUDIT")"
sleep 0.5
t_check "n: docker never ran" test ! -e "$T_TMP/docker.args"
tm_keys Space
tm_keys q q
wait_until 10 tm_dead

# --read-only: refused without asking, audited, nothing runs.
tmux -L "$T_TMUX" respawn-pane -k -t t "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" --read-only -c hosts
tm_wait 15 "build-server  ok" || t_fail "read-only console comes up" "$(tm_screen)"
tm_keys : "ssh build-server docker-gc" Enter
wait_until 5 grep -q '"result":"refused"' "$AUDIT"
t_match "read-only: refused and audited" '"command":"ssh build-server docker-gc".*"result":"refused"' "$(cat "$AUDIT")"
t_lacks "read-only: no confirmation dialog" "y/Enter: do it" "$(tm_screen)"
sleep 0.5
t_check "read-only: docker never ran" test ! -e "$T_TMP/docker.args"
t_done
