# tests/lib/sshd.sh: a real OpenSSH server on 127.0.0.1 for shell suites (source after
# common.sh).  Keys are generated per run into $T_TMP; the server runs as the test user
# (root in CI: PermitRootLogin prohibit-password, keys only) and is stopped by PID at exit.
#
#   sshd_setup            host key + client key + known_hosts dir; sets SSHD_DIR, SSH_KEY
#   sshd_start [HOSTKEY]  starts sshd on a free port with HOSTKEY (default: the run's key);
#                         sets SSHD_PORT, SSHD_PID, SSHD_LOG; lines in SSHD_OPTIONS (e.g.
#                         "AllowStreamLocalForwarding no") are added to its config
#   sshd_stop             stops it (by PID) and waits until the port is free
#   sshd_known_hosts FILE [NAME]  appends "[NAME]:PORT key" for the running server
#   sshd_fingerprint [HOSTKEY]    "SHA256:..." as ssh-keygen -lf prints it
#   free_port             a free TCP port on 127.0.0.1
#   pm2_setup             real pm2 from the build tree (see scripts/deps.sh); sets PM2_BIN,
#                         PM2_HOME; the remote side gets the same PATH and PM2_HOME (SetEnv)
#   pm2_home_add DIR      another PM2_HOME whose daemon pm2_cleanup (t_cleanup) kills too
#   sshd_pm2_begin        the start of a suite on a real sshd and real pm2: sshd_setup and
#                         pm2_setup, or a failed check and the end of the suite (t_done)
#                         when OpenSSH or pm2 is missing or keys cannot be made
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
${SSHD_OPTIONS:-}
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

sshd_pm2_begin() {
  if ! sshd_available; then
    t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
  fi
  sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
  pm2_setup || { t_fail "pm2 is installed in the build tree"; t_done; }
}

# Real pm2 (npm package) from the build tree; its daemon lives under $T_TMP/pm2 and is
# killed by `pm2 kill` at exit (it forks away from the shell, so no PID of ours holds it).
T_PM2_HOMES=()
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
  T_PM2_HOMES+=("$PM2_HOME")
}

pm2_home_add() { T_PM2_HOMES+=("$1"); }

pm2_cleanup() {
  local home
  for home in "${T_PM2_HOMES[@]}"; do
    # Only a home whose daemon ran: `pm2 kill` elsewhere would start one to kill it.
    [ -S "$home/rpc.sock" ] && PM2_HOME=$home "$PM2_BIN" kill >/dev/null 2>&1
  done
  T_PM2_HOMES=()
}

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

# Chaos helpers (tests/e2e/chaos_ssh.sh and friends).
#   fake_bin DIR NAME BODY   writes an executable /bin/sh script DIR/NAME (a fake remote
#                            command: pm2, df...); DIR goes on a server's PATH with
#                            SSHD_SETENV="PATH=DIR:/usr/bin:/bin" before sshd_start
#   chaos_server MODE        a fake "SSH server" on 127.0.0.1 (python3); sets CHAOS_PORT.
#     junk-hang    writes escapes and bytes >= 0x80 (no NUL, no newline), then holds the connection
#     junk-close   writes binary bytes (NUL, ESC, 0xff) and closes
#     kex-close    a valid SSH banner, reads the client's KEXINIT, then closes
#   auth_cut_proxy PORT      a TCP proxy to 127.0.0.1:PORT that lets the key exchange
#                            through and drops both sides when the client sends its second
#                            encrypted packet (the first is the ssh-userauth service
#                            request, the second the first authentication request): a
#                            disconnect during authentication.  Sets CHAOS_PORT.
#   tm_restart_server        kills the suite's tmux server and waits until it is gone
# tm_restart_server: stops this suite's tmux server before the next tm_start (which
# reuses its socket name): a new session must not reach the exiting server.
tm_restart_server() {
  tmux -L "$T_TMUX" kill-server 2>/dev/null
  wait_until 5 bash -c "! tmux -L '$T_TMUX' list-sessions" ; sleep 0.3
}

fake_bin() { # DIR NAME BODY
  mkdir -p "$1"
  printf '#!/bin/sh\n%s\n' "$3" >"$1/$2"
  chmod 755 "$1/$2"
}

chaos_server() { # MODE
  CHAOS_PORT=$(free_port)
  python3 - "$1" "$CHAOS_PORT" >"$T_TMP/chaos.$CHAOS_PORT.log" 2>&1 <<'PY' &
import socket, sys, threading, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(50)
held = []
def serve(c):
    try:
        if mode == "junk-hang":
            # No newline: the client waits for the rest of a "banner" that never comes.
            c.sendall(b"\x1b]0;PWNED-TITLE\x07\x1b]52;c;ZXZpbA==\x07\xff\xfe junk \xc2\x9b2J")
            held.append(c)
        elif mode == "junk-close":
            c.sendall(bytes(range(256)) * 4 + b"\x1b[2J\r\n\x00\x00")
            time.sleep(0.2); c.close()
        elif mode == "kex-close":
            c.sendall(b"SSH-2.0-OpenSSH_9.2 chaos\r\n")
            buf = b""
            while b"\n" not in buf:
                d = c.recv(4096)
                if not d: break
                buf += d
            rest = buf.split(b"\n", 1)[1] if b"\n" in buf else b""
            while len(rest) < 6:
                d = c.recv(4096)
                if not d: break
                rest += d
            c.close()
    except OSError:
        pass
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
  T_PIDS+=("$!")
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$CHAOS_PORT"
}

auth_cut_proxy() { # PORT
  CHAOS_PORT=$(free_port)
  python3 - "$1" "$CHAOS_PORT" >"$T_TMP/proxy.$CHAOS_PORT.log" 2>&1 <<'PY' &
import select, socket, struct, sys, threading
up_port, port = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(50)
def serve(c):
    u = socket.create_connection(("127.0.0.1", up_port))
    buf = b""; banner = False; newkeys = False; encrypted = 0
    try:
        while True:
            r, _, _ = select.select([c, u], [], [])
            if u in r:
                d = u.recv(65536)
                if not d: break
                c.sendall(d)
            if c in r:
                d = c.recv(65536)
                if not d: break
                if newkeys:
                    encrypted += 1
                    if encrypted >= 2:
                        print("cut during authentication", flush=True); break
                    u.sendall(d); continue
                u.sendall(d); buf += d
                if not banner and b"\n" in buf:
                    buf = buf.split(b"\n", 1)[1]; banner = True
                # Plain packets before NEWKEYS: uint32 length, padding length, type.
                while banner and not newkeys and len(buf) >= 6:
                    n = struct.unpack(">I", buf[:4])[0]
                    if len(buf) < 4 + n: break
                    if buf[5] == 21: newkeys = True
                    buf = buf[4 + n:]
                if newkeys and buf:
                    encrypted += 1
    except OSError:
        pass
    c.close(); u.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
  T_PIDS+=("$!")
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$CHAOS_PORT"
}
