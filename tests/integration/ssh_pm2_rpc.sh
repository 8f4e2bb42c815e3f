#!/bin/bash
# The pm2 check over pm2's RPC socket (a direct-streamlocal channel to $PM2_HOME/rpc.sock,
# no `pm2 jlist` process on the host), against a real OpenSSH server and real pm2:
# - the rows read over RPC are those `pm2 jlist` gives, while the host's `pm2` command is
#   a stub that fails (so the CLI provably did not run);
# - `pm2: cli` runs the CLI (the stub's failure shows);
# - an sshd with AllowStreamLocalForwarding no: the check falls back to `pm2 jlist` on the
#   same connection, shows the real rows and says why in the host's note;
# - PM2_HOME on the host not an absolute path: the RPC is not tried, the CLI runs and the
#   note says why, counted as one failure (the first wait);
# - a fake daemon answering garbage (hostile length, not AMP, another request's id, an
#   error, a hang-up): a clear error naming the host, the CLI fallback, no crash;
# - a host that fell back is asked over RPC again (the console, polling every second):
#   a daemon that was not running at the first poll (the CLI starts it) at the next poll;
#   a daemon that hangs, then answers garbage, then recovers is tried again after
#   WARROOM_PM2_RPC_RETRY seconds, then twice that (not at every poll), and once it
#   answers the rows are the RPC's and the note is gone.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
sshd_pm2_begin

mkdir -p "$T_TMP/app"
echo 'setInterval(() => {}, 1000);' >"$T_TMP/app/idle.js"
for n in api worker; do pm2 start "$T_TMP/app/idle.js" --name "$n" >/dev/null 2>&1; done
t_check "pm2 runs api and worker" bash -c "pm2 jlist | grep -q '\"name\":\"worker\"'"
KH=$T_TMP/known_hosts

# Host A: forwarding allowed (sshd's default), `pm2` on its PATH is a stub that fails.
STUB=$T_TMP/stub-bin
fake_bin "$STUB" pm2 'echo "pm2 CLI stub ran" >&2; exit 3'
SSHD_SETENV="PATH=$STUB:/usr/bin:/bin PM2_HOME=$PM2_HOME" sshd_start || { t_fail "sshd A starts"; t_done; }
PORT_A=$SSHD_PORT; sshd_known_hosts "$KH"
# Host B: AllowStreamLocalForwarding no, the real pm2 on its PATH.
bindir=$T_TMP/bin
SSHD_SETENV="PATH=$bindir:/usr/local/bin:/usr/bin:/bin PM2_HOME=$PM2_HOME" \
  SSHD_OPTIONS="AllowStreamLocalForwarding no" sshd_start || { t_fail "sshd B starts"; t_done; }
PORT_B=$SSHD_PORT; sshd_known_hosts "$KH"
# Host D: PM2_HOME is not an absolute path (no socket can be named): the CLI stub runs.
SSHD_SETENV="PATH=$STUB:/usr/bin:/bin PM2_HOME=relative/pm2" sshd_start || { t_fail "sshd D starts"; t_done; }
PORT_D=$SSHD_PORT; sshd_known_hosts "$KH"

host() { # NAME PORT [EXTRA YAML LINE]
  printf '  - name: %s\n    address: 127.0.0.1\n    port: %s\n    identity: %s\n    checks: [df, pm2]\n' \
    "$1" "$2" "$SSH_KEY"
  [ -n "${3:-}" ] && printf '    %s\n' "$3"
  return 0
}
{ echo "known_hosts: $KH"; echo "timeout: 5"; echo "hosts:"
  host via-rpc "$PORT_A"; host forced-cli "$PORT_A" "pm2: cli"; host no-forwarding "$PORT_B"
  host relative-home "$PORT_D"
} >"$T_TMP/hosts.yaml"
out=$("$BUILD/warroom" --config "$T_TMP/hosts.yaml" --batch --panel hosts 2>&1); rc=$?

# The rows `pm2 jlist` gives: name, status, restarts, id.
want=$(pm2 jlist | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
  for (const p of JSON.parse(s.slice(s.indexOf("[{")))) console.log(`${p.name}: ${p.pm2_env.status}, restarts ${p.pm2_env.restart_time}, id ${p.pm_id},`)})')
rows() { # HOST: its pm2 lines up to the id (cpu, memory and uptime move)
  awk -v h="host $1:" '/^host /{on = index($0, h) == 1} on && /^  pm2 /' <<<"$out" |
    sed -E 's/^  pm2 //; s/(, id [0-9]+,).*/\1/'
}
section() { awk -v h="host $1:" '/^host /{on = index($0, h) == 1} on' <<<"$out"; }
t_contains "via-rpc ok" "host via-rpc: ok" "$out"
t_eq "via-rpc: the RPC rows are pm2 jlist's ($(wc -l <<<"$want") processes)" "$want" "$(rows via-rpc)"
t_lacks "via-rpc: no fallback note" "read with 'pm2 jlist'" "$(section via-rpc)"
t_contains "forced-cli runs the CLI (the stub's failure shows)" "pm2 CLI stub ran" "$(section forced-cli)"
t_contains "forced-cli is a failed check" "host forced-cli: command failed" "$out"
t_contains "no-forwarding ok" "host no-forwarding: ok" "$out"
t_eq "no-forwarding: pm2 jlist rows after the fallback" "$want" "$(rows no-forwarding)"
t_contains "no-forwarding: the note says why" "AllowStreamLocalForwarding" "$(section no-forwarding)"
t_contains "no-forwarding: the note names the fallback" "read with 'pm2 jlist'" "$(section no-forwarding)"
t_contains "relative PM2_HOME: the note says why" "PM2_HOME on the host is not a usable absolute path" "$(section relative-home)"
t_contains "relative PM2_HOME: the CLI ran instead" "pm2 CLI stub ran" "$(section relative-home)"
t_contains "relative PM2_HOME: one failure, the first wait (not a second for the skipped RPC)" "RPC tried again in 5 min" "$(section relative-home)"
t_eq "batch exit 1 (forced-cli and relative-home failed)" 1 "$rc"

# fake_daemon SOCKET MODE...: a fake pm2 daemon; connection k answers with mode k (the
# last mode for every later one) and prints the mode (one line) on stdout.
fake_daemon() {
  python3 - "$@" <<'PY' &
import json, os, socket, struct, sys
path, modes = sys.argv[1], sys.argv[2:]
def frame(args):
    return bytes([0x10 | len(args)]) + b"".join(struct.pack(">I", len(a)) + a for a in args)
def read_frame(c):
    buf = b""
    while True:
        d = c.recv(65536)
        if not d: return None
        buf += d
        off, args = 1, []
        for _ in range(buf[0] & 15):
            if len(buf) < off + 4: break
            n = struct.unpack(">I", buf[off:off + 4])[0]; off += 4
            if len(buf) < off + n: break
            args.append(buf[off:off + n]); off += n
        if len(args) == buf[0] & 15: return args
s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)
k, held = 0, []
while True:
    c, _ = s.accept()
    mode = modes[min(k, len(modes) - 1)]; k += 1
    req = read_frame(c)
    print(mode, req, flush=True)
    rid = req[1] if req else b"s:?"
    if mode == "hang":
        held.append(c); continue
    if mode == "hostile-length":
        c.sendall(b"\x12\xff\xff\xff\xff" + b"x" * 64)
    elif mode == "not-amp":
        c.sendall(b"this is not pm2 \x1b]0;PWNED\x07\n")
    elif mode == "wrong-id":
        c.sendall(frame([b'j:{"args":[[]]}', b"s:someone-else:7"]))
    elif mode == "daemon-error":
        c.sendall(frame([b'j:{"error":"method \\"getMonitorData\\" does not exist \\u001b[2J"}', rid]))
    elif mode == "good":
        lst = [{"name": "from-rpc", "pm_id": 4, "pm2_env": {"status": "online", "restart_time": 2,
                "env": {"SECRET_TOKEN": "hunter2"}}, "monit": {"cpu": 1.5, "memory": 1048576}}]
        c.sendall(frame([b"j:" + json.dumps({"args": [lst]}).encode(), rid]))
    c.close()
PY
  T_PIDS+=("$!")
  wait_until 10 test -S "$1"
}

# A fake daemon on a socket of its own: connection k answers with mode k.
FAKE_HOME=$T_TMP/fakepm2
mkdir -p "$FAKE_HOME"
MODES="hostile-length not-amp wrong-id daemon-error hang-up good"
fake_daemon "$FAKE_HOME/rpc.sock" $MODES >"$T_TMP/fake-daemon.log" 2>&1 || t_fail "the fake daemon listens"
CLISTUB=$T_TMP/cli-bin
fake_bin "$CLISTUB" pm2 'echo "[{\"name\":\"from-cli\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\",\"restart_time\":0}}]"'
SSHD_SETENV="PATH=$CLISTUB:/usr/bin:/bin PM2_HOME=$FAKE_HOME" sshd_start || { t_fail "sshd C starts"; t_done; }
sshd_known_hosts "$KH"
{ echo "known_hosts: $KH"; echo "timeout: 5"; echo "hosts:"; host fake "$SSHD_PORT"; } >"$T_TMP/fake.yaml"
declare -A want_err=(
  [hostile-length]="argument 1 of the frame claims 4294967295 bytes"
  [not-amp]="not an AMP frame"
  [wrong-id]="the reply answers another request"
  [daemon-error]="the daemon answered an error"
  [hang-up]="no reply"
)
all=""
for mode in $MODES; do
  out=$("$BUILD/warroom" --config "$T_TMP/fake.yaml" --batch --panel hosts 2>&1); rc=$?
  all+=$out
  if [ "$mode" = good ]; then
    t_contains "fake daemon, good reply: its row" "pm2 from-rpc: online, restarts 2, id 4" "$out"
    t_lacks "fake daemon, good reply: no CLI" "from-cli" "$out"
    t_lacks "fake daemon, good reply: env values never shown" "hunter2" "$out"
    continue
  fi
  t_eq "fake daemon, $mode: no crash (exit 0)" 0 "$rc"
  t_contains "fake daemon, $mode: the error names the host" "pm2 RPC on 127.0.0.1: ${want_err[$mode]}" "$out"
  t_contains "fake daemon, $mode: fell back to the CLI" "pm2 from-cli: online" "$out"
done
t_lacks "no raw escape from the fake daemon reaches the output" $'\e' "$all"

# --- Retries, in the console (the hosts pane polling every second). ---
# pane_wait SECONDS TEXT [absent]: waits until the screen shows TEXT (or no longer does).
pane_wait() {
  if [ "${3:-}" = absent ]; then
    wait_until "$1" bash -c '! tmux -L "$0" capture-pane -p -t t | grep -qF -- "$1"' "$T_TMUX" "$2"
  else tm_wait "$1" "$2"; fi
}
console() { # YAML RETRY_SECONDS
  [ -n "$T_TMUX" ] && tm_restart_server
  tm_start 220x30 env WARROOM_PM2_RPC_RETRY="$2" "$BUILD/warroom" --server "$SIM_URL" \
    --config "$1" -c hosts
}
sim_start || { t_fail "simulator starts (the console needs a cluster)"; t_done; }

# 1. No daemon at the first poll: the socket is missing, `pm2 jlist` (real pm2) starts the
# daemon, and the next poll asks it over RPC, long before the retry period (600 s).
LATE=$T_TMP/late-pm2
mkdir -p "$LATE"; pm2_home_add "$LATE"
SSHD_SETENV="PATH=$bindir:/usr/local/bin:/usr/bin:/bin PM2_HOME=$LATE" sshd_start ||
  { t_fail "sshd D starts"; t_done; }
sshd_known_hosts "$KH"
{ echo "known_hosts: $KH"; echo "timeout: 10"; echo "interval: 2"; echo "hosts:"
  host late "$SSHD_PORT"; } >"$T_TMP/late.yaml"
t_check "no pm2 daemon runs for the late host yet" test ! -e "$LATE/rpc.sock"
console "$T_TMP/late.yaml" 600
if pane_wait 20 "pm2: read with 'pm2 jlist', RPC tried again at the next poll (RPC: 127.0.0.1: socket $LATE/rpc.sock"; then
  t_ok "late daemon: the first poll falls back to the CLI, naming the socket and the retry"
else t_fail "late daemon: the first poll falls back to the CLI, naming the socket and the retry" "$(tm_screen)"; fi
if pane_wait 20 "read with 'pm2 jlist'" absent && tm_screen | grep -q "late .* ok"; then
  t_ok "late daemon: back on the RPC at a later poll, the note gone"
else t_fail "late daemon: back on the RPC at a later poll, the note gone" "$(tm_screen)"; fi
t_check "late daemon: the CLI started pm2's daemon (its socket exists)" test -S "$LATE/rpc.sock"

# 2. A daemon that hangs (the poll times out after 2 s), then answers garbage, then
# recovers.  With WARROOM_PM2_RPC_RETRY=5: the polls after the hang use the CLI, the RPC
# is tried 5 s after the hanging poll began (garbage), then 10 s after that one (good).
# The CLI stub and the daemon write to one event log, so the order is known.
EVENTS=$T_TMP/flaky-events
FLAKY=$T_TMP/flakypm2
mkdir -p "$FLAKY"
fake_daemon "$FLAKY/rpc.sock" hang not-amp good >>"$EVENTS" 2>&1 || t_fail "the flaky daemon listens"
FLAKYBIN=$T_TMP/flaky-bin
fake_bin "$FLAKYBIN" pm2 "echo cli >>'$EVENTS'
echo '[{\"name\":\"from-cli\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\",\"restart_time\":0}}]'"
SSHD_SETENV="PATH=$FLAKYBIN:/usr/bin:/bin PM2_HOME=$FLAKY" sshd_start || { t_fail "sshd E starts"; t_done; }
sshd_known_hosts "$KH"
{ echo "known_hosts: $KH"; echo "timeout: 2"; echo "interval: 1"; echo "hosts:"
  host flaky "$SSHD_PORT"; } >"$T_TMP/flaky.yaml"
console "$T_TMP/flaky.yaml" 5
if pane_wait 20 "(RPC: the daemon did not answer in time)"; then
  t_ok "hanging daemon: the polls after the timeout use the CLI, the note says why"
else t_fail "hanging daemon: the polls after the timeout use the CLI, the note says why" "$(tm_screen)"; fi
t_contains "hanging daemon: the CLI's rows show" "from-cli" "$(tm_screen)"
if pane_wait 20 "(RPC: pm2 RPC on 127.0.0.1: not an AMP frame"; then
  t_ok "garbage after the retry: named in the note, still on the CLI"
else t_fail "garbage after the retry: named in the note, still on the CLI" "$(tm_screen)"; fi
if pane_wait 30 "from-rpc"; then t_ok "recovered daemon: its rows show"
else t_fail "recovered daemon: its rows show" "$(tm_screen)"; fi
screen=$(tm_screen)
t_lacks "recovered daemon: the note is gone" "read with 'pm2 jlist'" "$screen"
t_lacks "recovered daemon: the CLI's rows are gone" "from-cli" "$screen"
before=$(sed -n '1,/^good/p' "$EVENTS")
t_eq "after the hang the CLI ran, not the RPC again" cli "$(grep -A1 '^hang' "$EVENTS" | sed -n 2p)"
t_eq "two RPC tries failed before the good one (hang, not-amp)" "hang not-amp good" \
  "$(grep -v '^cli' <<<"$before" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
cli_runs=$(grep -c '^cli' <<<"$before")
[ "$cli_runs" -ge 6 ] && t_ok "not every poll asked the broken daemon ($cli_runs CLI polls, 2 failed tries)" ||
  t_fail "not every poll asked the broken daemon" "events:" "$(cat "$EVENTS")"

# The knob takes auto or cli only; anything else is a config error naming file:line.
{ echo "hosts:"; host bad-knob "$SSHD_PORT" "pm2: sometimes"; } >"$T_TMP/bad.yaml"
out=$("$BUILD/warroom" --config "$T_TMP/bad.yaml" --batch --panel hosts 2>&1); rc=$?
t_eq "pm2: sometimes is a config error (exit 2)" 2 "$rc"
t_contains "the error names the line and the field" "bad.yaml:7: hosts[0].pm2: expected auto or cli" "$out"
t_done
