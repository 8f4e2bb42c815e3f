# tests/lib/sshd.sh: a real OpenSSH server on 127.0.0.1 for shell suites (source after
# common.sh).  Keys are generated per run into $T_TMP; the server runs as the test user
# (root in CI: PermitRootLogin prohibit-password, keys only) and is stopped by PID at exit.
#
#   sshd_setup            host key + client key + known_hosts dir; sets SSHD_DIR, SSH_KEY
#   sshd_start [HOSTKEY]  starts sshd on a free port with HOSTKEY (default: the run's key);
#                         sets SSHD_PORT, SSHD_PID, SSHD_LOG
#   sshd_stop             stops it (by PID) and waits until the port is free
#   sshd_known_hosts FILE [NAME]  appends "[NAME]:PORT key" for the running server
#   sshd_fingerprint [HOSTKEY]    "SHA256:..." as ssh-keygen -lf prints it
#   free_port             a free TCP port on 127.0.0.1
#   pm2_setup             real pm2 from the build tree (see scripts/deps.sh); sets PM2_BIN,
#                         PM2_HOME; the remote side gets the same PATH and PM2_HOME (SetEnv)
#   Remote commands run with HOME=$SSHD_DIR/home, so no dotfile of the test user runs.
#   blackhole_start       a listener that accepts and never answers; sets BLACKHOLE_PORT
SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_DIR="" SSH_KEY="" SSHD_PORT="" SSHD_PID="" SSHD_LOG="" SSHD_SETENV=""
PM2_PREFIX=${WARROOM_NODE_PREFIX:-$T_ROOT/build-node}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

sshd_available() { [ -x "$SSHD_BIN" ] && command -v ssh-keygen >/dev/null 2>&1; }

sshd_setup() {
  SSHD_DIR=$T_TMP/sshd
  mkdir -p "$SSHD_DIR/client"
  chmod 700 "$SSHD_DIR"
  ssh-keygen -q -t ed25519 -N '' -C warroom-test-host -f "$SSHD_DIR/host_key" || return 1
  ssh-keygen -q -t ed25519 -N '' -C warroom-test-host2 -f "$SSHD_DIR/host_key2" || return 1
  ssh-keygen -q -t ed25519 -N '' -C warroom-test-client -f "$SSHD_DIR/client/id_ed25519" || return 1
  ssh-keygen -q -t ed25519 -N '' -C warroom-test-wrong -f "$SSHD_DIR/client/wrong_key" || return 1
  cp "$SSHD_DIR/client/id_ed25519.pub" "$SSHD_DIR/authorized_keys"
  chmod 600 "$SSHD_DIR/authorized_keys"
  SSH_KEY=$SSHD_DIR/client/id_ed25519
}

sshd_start() { # [HOSTKEY] [PORT]
  local hostkey=${1:-$SSHD_DIR/host_key}
  SSHD_PORT=${2:-$(free_port)}
  SSHD_LOG=$T_TMP/sshd.$SSHD_PORT.$RANDOM.log
  local conf=$SSHD_DIR/sshd_config.$SSHD_PORT
  cat >"$conf" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $hostkey
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PidFile $SSHD_DIR/sshd.$SSHD_PORT.pid
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
MaxStartups 200:30:400
MaxSessions 50
# A private HOME: the test user's own dotfiles (a ~/.bashrc running pyenv rehash, say)
# must not run, and serialise, for every remote command.
SetEnv HOME=$SSHD_DIR/home $SSHD_SETENV
EOF
  mkdir -p "$SSHD_DIR/home"
  # sshd refuses to start without its privilege-separation directory.
  [ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null
  "$SSHD_BIN" -D -e -f "$conf" >"$SSHD_LOG" 2>&1 &
  SSHD_PID=$!; T_PIDS+=("$SSHD_PID")
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSHD_PORT" && return 0
  echo "# sshd did not start:"; sed 's/^/#   /' "$SSHD_LOG"
  return 1
}

sshd_stop() {
  kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null
  wait_until 10 bash -c "! exec 3<>/dev/tcp/127.0.0.1/$SSHD_PORT"
}

sshd_known_hosts() { # FILE [NAME]
  local name=${2:-127.0.0.1} key=${3:-$SSHD_DIR/host_key.pub}
  printf '[%s]:%s %s\n' "$name" "$SSHD_PORT" "$(cut -d' ' -f1,2 "$key")" >>"$1"
}

sshd_fingerprint() { ssh-keygen -lf "${1:-$SSHD_DIR/host_key.pub}" | awk '{print $2}'; }

# Real pm2 (npm package) from the build tree; its daemon lives under $T_TMP/pm2 and is
# killed by `pm2 kill` at exit (it forks away from the shell, so no PID of ours holds it).
pm2_setup() {
  PM2_BIN=$PM2_PREFIX/node_modules/.bin/pm2
  if [ ! -x "$PM2_BIN" ]; then
    echo "# pm2 missing at $PM2_BIN: run scripts/deps.sh (npm install --prefix build-node pm2)"
    return 1
  fi
  export PM2_HOME=$T_TMP/pm2
  mkdir -p "$PM2_HOME"
  local bindir=$T_TMP/bin
  mkdir -p "$bindir"
  ln -sf "$PM2_BIN" "$bindir/pm2"
  export PATH=$bindir:$PATH
  SSHD_SETENV="PATH=$bindir:/usr/local/bin:/usr/bin:/bin PM2_HOME=$PM2_HOME"
  T_PM2_CLEANUP=1
}

pm2_cleanup() { [ -n "${T_PM2_CLEANUP:-}" ] && PM2_HOME=$PM2_HOME "$PM2_BIN" kill >/dev/null 2>&1; }

blackhole_start() {
  BLACKHOLE_PORT=$(free_port)
  python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(50)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$BLACKHOLE_PORT" >"$T_TMP/blackhole.log" 2>&1 &
  T_PIDS+=("$!")
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$BLACKHOLE_PORT"
}
