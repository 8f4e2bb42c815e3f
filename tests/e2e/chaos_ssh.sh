#!/bin/bash
# SSH chaos against local hosts, in the console (tmux) next to a healthy host:
#   dies      its sshd session is SIGKILLed while `pm2 jlist` runs (a fake pm2 that waits)
#   junk      a TCP server that writes a non-SSH banner and binary bytes, then hangs
#   binary    a TCP server that writes binary bytes and closes
#   kexdrop   a fake server that closes after the client's KEXINIT
#   authcut   a proxy to the real sshd that drops the connection during authentication
#   flood     `df` prints 50 MB; a user action prints 50 MB too
# Throughout: the healthy host keeps being polled (its fake pm2 counts its calls into the
# restart column), keys move the selection within a bound, each bad host shows an error
# naming it and what happened, warroom's RSS stays bounded, nothing crashes, and nothing
# the hostile servers sent reaches the terminal raw.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if ! sshd_available; then
  t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
sim_start || { t_fail "simulator starts"; t_done; }
KH=$T_TMP/known_hosts

# The healthy host: a fake pm2 whose restart count is its number of calls.
GOOD=$T_TMP/bin-good
fake_bin "$GOOD" pm2 "n=\$(cat $T_TMP/good.calls 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >$T_TMP/good.calls
printf '[{\"name\":\"api\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\",\"restart_time\":%d},\"monit\":{\"cpu\":1,\"memory\":1000}}]\n' \$((1000 + n))"
SSHD_SETENV="PATH=$GOOD:/usr/bin:/bin"
sshd_start || { t_fail "sshd (good) starts"; t_done; }
GOOD_PORT=$SSHD_PORT; sshd_known_hosts "$KH"

# The host that dies mid-command: its pm2 records the sshd session process, then waits.
DIES=$T_TMP/bin-dies
fake_bin "$DIES" pm2 "echo \$PPID >$T_TMP/dies.ppid; echo \$\$ >>$T_TMP/dies.pids; exec sleep 60"
T_PIDFILES+=("$T_TMP/dies.pids")  # the stub outlives the session the test kills
SSHD_SETENV="PATH=$DIES:/usr/bin:/bin"
sshd_start || { t_fail "sshd (dies) starts"; t_done; }
DIES_PORT=$SSHD_PORT; sshd_known_hosts "$KH"

# The flood: df prints a header and then 50 MB of rows; `flood` (a user action) 50 MB.
FLOOD=$T_TMP/bin-flood
fake_bin "$FLOOD" df "echo 'Filesystem 1024-blocks Used Available Capacity Mounted on'
yes '/dev/flood 1000 500 500 50% /mnt/flooded-mount-point-with-a-long-name' | head -c 52428800"
SSHD_SETENV="PATH=$FLOOD:/usr/bin:/bin"
sshd_start || { t_fail "sshd (flood) starts"; t_done; }
FLOOD_PORT=$SSHD_PORT; sshd_known_hosts "$KH"

chaos_server junk-hang; JUNK_PORT=$CHAOS_PORT
chaos_server junk-close; BINARY_PORT=$CHAOS_PORT
chaos_server kex-close; KEX_PORT=$CHAOS_PORT
auth_cut_proxy "$GOOD_PORT"; CUT_PORT=$CHAOS_PORT
sshd_known_hosts_port() { printf '[127.0.0.1]:%s %s\n' "$1" "$(cut -d' ' -f1,2 "$SSHD_DIR/host_key.pub")" >>"$KH"; }
sshd_known_hosts_port "$CUT_PORT"

host() { # NAME PORT CHECKS [EXTRA]
  printf '  - name: %s\n    address: 127.0.0.1\n    port: %s\n    identity: %s\n    checks: [%s]\n%s' \
    "$1" "$2" "$SSH_KEY" "$3" "${4:-}"
}
{
  printf 'known_hosts: %s\ntimeout: 4\ninterval: 2\nhosts:\n' "$KH"
  host good "$GOOD_PORT" pm2
  host dies "$DIES_PORT" pm2
  host junk "$JUNK_PORT" pm2
  host binary "$BINARY_PORT" pm2
  host kexdrop "$KEX_PORT" pm2
  host authcut "$CUT_PORT" pm2
  host flood "$FLOOD_PORT" df "    actions:
      - name: flood
        command: yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 52428800; echo flood-end
        confirm: false
"
} >"$T_TMP/hosts.yaml"

tm_start 160x60 "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" -c hosts
WPID=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')
title0=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')
rss() { awk '/^VmRSS/ {print $2}' "/proc/$WPID/status" 2>/dev/null || echo 0; }
# Under ASan, freed blocks sit in its quarantine: the bound is for the plain build.
if [ -n "${WARROOM_SANITIZER:-}" ]; then RSS_LIMIT=600000; else RSS_LIMIT=65536; fi
RSS_MAX=0
rss_sample() { local r; r=$(rss); [ "$r" -gt "$RSS_MAX" ] && RSS_MAX=$r; return 0; }
expect() { # DESC TIMEOUT TEXT
  if tm_wait "$2" "$3"; then t_ok "$1"; else t_fail "$1" "missing: $3" "$(tm_screen)"; fi
}

expect "the healthy host comes up" 15 "good  ok"
expect "garbage then silence: a handshake timeout naming the host's port" 15 \
  "127.0.0.1:$JUNK_PORT: no answer within 4 s (handshake)"
expect "binary bytes then close: not an SSH server" 10 \
  "SSH handshake with 127.0.0.1 port $BINARY_PORT: no SSH banner: not an SSH server"
expect "closed after KEXINIT: the key exchange failed" 10 \
  "SSH handshake with 127.0.0.1 port $KEX_PORT: key exchange failed"
expect "dropped during authentication: says so" 10 \
  "127.0.0.1 port $CUT_PORT: during authentication (asking for auth methods): the server closed the connection"
expect "50 MB from df: cut and named, not parsed" 15 "df: printed more than 8 MiB (stopped reading; not parsed)"
rss_sample

# The host dies while `pm2 jlist` runs: its sshd session is killed.
# The file is taken away and awaited anew, so the kill lands in a poll that just began
# (not one whose 4 s deadline is about to end it anyway).
rm -f "$T_TMP/dies.ppid"
if wait_until 15 test -s "$T_TMP/dies.ppid"; then
  kill -9 "$(cat "$T_TMP/dies.ppid")"
  expect "killed mid-command: the connection loss names the command" 10 \
    "127.0.0.1 port $DIES_PORT: connection lost while running 'pm2 jlist': the server closed the connection"
else
  t_fail "the dying host's pm2 started" "$(tm_screen)"
fi

# The healthy host keeps being polled all along (interval 2 s): its call count grows and
# the pane shows the newest count.
c0=$(cat "$T_TMP/good.calls")
if wait_until 10 bash -c "[ \$(cat $T_TMP/good.calls) -ge $((c0 + 2)) ]"; then t_ok "the healthy host is still polled"
else t_fail "the healthy host is still polled" "calls: $c0 -> $(cat "$T_TMP/good.calls")"; fi
c1=$(cat "$T_TMP/good.calls")
expect "the pane shows its newest data" 5 "online    $((1000 + c1))"

# A user action printing 50 MB: keys move the selection within a second all along,
# memory stays bounded, the output's end arrives.
sel() { tm_screen | sed -n 's/^> \([a-z]*\) .*/\1/p'; }
tm_keys : "ssh flood flood" Enter
slow=""
for _ in 1 2 3 4 5 6; do
  before=$(sel); t0=$(date +%s%N)
  tm_keys k
  wait_until 3 bash -c "[ \"\$(tmux -L $T_TMUX capture-pane -p -t t | sed -n 's/^> \([a-z]*\) .*/\1/p')\" != '$before' ]"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$ms" -gt 1000 ] && slow="$slow $before:${ms}ms"
  rss_sample
done
t_eq "keys answer within 1 s while 50 MB stream in" "" "$slow"
t_eq "the selection walked up to the first host" "good" "$(sel)"
for _ in $(seq 1 40); do rss_sample; tm_screen | grep -q "flood: flood  exit" && break; sleep 0.25; done
expect "the 50 MB action finishes with its exit status" 30 "flood: flood  exit 0 after"
rss_sample
if [ "$RSS_MAX" -le "$RSS_LIMIT" ]; then t_ok "warroom's RSS stayed bounded (max ${RSS_MAX} kB)"
else t_fail "warroom's RSS stayed bounded" "max ${RSS_MAX} kB > ${RSS_LIMIT} kB"; fi

# Nothing the hostile servers sent reached the terminal.
raw=$(tm_screen -e)
if ! grep -qaP '\e(?!\[[0-9;:]*m)' <<<"$raw"; then t_ok "only colour escapes on screen"
else t_fail "only colour escapes on screen" "$(grep -aP '\e(?!\[[0-9;:]*m)' <<<"$raw" | cat -v | head -5)"; fi
t_eq "pane title unchanged" "$title0" "$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')"
t_lacks "no OSC 52 on screen" $'\e]52' "$raw"

if tm_dead; then t_fail "warroom still running" "$(tm_screen | tail)"; else t_ok "warroom still running"; fi
tm_keys Escape; sleep 1.2; tm_keys q
# A q read together with the Escape before it would be Alt-q: one more if the first
# did not land.
wait_until 5 tm_dead || { tm_keys q; wait_until 10 tm_dead; }
if tm_dead; then t_ok "q quits while the junk server still hangs"; else t_fail "q quits" "$(tm_screen)"; fi
t_done
