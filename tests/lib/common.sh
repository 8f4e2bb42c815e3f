# tests/lib/common.sh: TAP helpers and process control for shell test suites.
# Source it first; call t_done last.  Every process a suite starts is recorded and
# stopped by PID on exit (sim_start, tm_start, bg_start), whatever happens.
set -u
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$T_ROOT/$BUILD ;; esac
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/warroom-test.XXXXXX")
# kubectl keeps a discovery cache per host:port; a stale one from an earlier run on the
# same port must not leak into this suite.
export KUBECACHEDIR=$T_TMP/kube-cache
# warroom reads ~/.config/warroom/{keymap,config.yaml} and writes ~/.local/state/warroom:
# a developer's own files must not change what a suite sees, nor a suite touch them.
export XDG_CONFIG_HOME=$T_TMP/xdg-config XDG_STATE_HOME=$T_TMP/xdg-state
T_N=0 T_FAILED=0
T_PIDS=() T_PIDFILES=()
T_TMUX=""

t_cleanup() {
  local p
  if [ -n "$T_TMUX" ]; then tmux -L "$T_TMUX" kill-server >/dev/null 2>&1; fi
  # pm2's daemon forks away from us (no PID of ours holds it): tests/lib/sshd.sh stops it.
  if declare -F pm2_cleanup >/dev/null; then pm2_cleanup; fi
  # Processes started on our behalf by someone else (a fake remote command run by sshd
  # that the test cuts off): each writes its PID to a file listed in T_PIDFILES.
  local f
  for f in "${T_PIDFILES[@]}"; do
    [ -f "$f" ] && while read -r p; do [[ $p =~ ^[0-9]+$ ]] && T_PIDS+=("$p"); done <"$f"
  done
  for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${T_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

t_ok()   { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
t_fail() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $1"; shift
           [ $# -gt 0 ] && printf '%s\n' "$@" | head -40 | sed 's/^/#   /'; return 0; }
# t_check DESC CMD...: passes when CMD exits 0 (its output is shown on failure).
t_check() { local d=$1 out; shift; if out=$("$@" 2>&1); then t_ok "$d"; else t_fail "$d" "command: $*" "$out"; fi; }
# t_eq DESC EXPECTED ACTUAL
t_eq() { if [ "$2" == "$3" ]; then t_ok "$1"; else t_fail "$1" "expected: $2" "actual:   $3"; fi; }
# t_contains DESC NEEDLE HAYSTACK (fixed string)
t_contains() { if grep -qF -- "$2" <<<"$3"; then t_ok "$1"; else t_fail "$1" "missing: $2" "in:" "$3"; fi; }
t_lacks() { if grep -qF -- "$2" <<<"$3"; then t_fail "$1" "unexpected: $2" "in:" "$3"; else t_ok "$1"; fi; }
# t_match DESC ERE HAYSTACK
t_match() { if grep -qE -- "$2" <<<"$3"; then t_ok "$1"; else t_fail "$1" "no line matches: $2" "in:" "$3"; fi; }
t_done() {
  echo "1..$T_N"
  [ "$T_N" -gt 0 ] || { echo "not ok - suite ran no test"; exit 1; }
  [ "$T_FAILED" -eq 0 ]
  exit $?
}

# wait_until TIMEOUT_S CMD...: polls CMD every 0.1 s; status 0 once it succeeds.
wait_until() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ $SECONDS -ge $end ] && return 1
    sleep 0.1
  done
}

# bg_start LOG CMD...: starts CMD in the background, recorded for cleanup; sets BG_PID.
bg_start() { local log=$1; shift; "$@" >"$log" 2>&1 & BG_PID=$!; T_PIDS+=("$BG_PID"); }

# sim_start [ARGS...]: starts warroom-sim on a free loopback port; sets SIM_URL, SIM_PID, SIM_LOG.
sim_start() {
  SIM_LOG=$T_TMP/sim.$RANDOM.log
  "$BUILD/warroom-sim" --listen 127.0.0.1:0 "$@" >"$SIM_LOG" 2>&1 &
  SIM_PID=$!; T_PIDS+=("$SIM_PID")
  local end=$((SECONDS + 20))
  SIM_URL=""
  while [ $SECONDS -lt $end ]; do
    SIM_URL=$(sed -n '1s/^warroom-sim listening on \(http[s]*:\/\/[^ ]*\).*/\1/p' "$SIM_LOG" 2>/dev/null)
    [ -n "$SIM_URL" ] && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "# warroom-sim did not start:"; sed 's/^/#   /' "$SIM_LOG"
  return 1
}
sim_stop() { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; }

# kc ARGS...: the real kubectl against the simulator, never a developer's kubeconfig.
kc() { KUBECONFIG=$T_TMP/no-kubeconfig kubectl --server "$SIM_URL" --request-timeout=20s "$@"; }
# fault JSON: posts a fault; prints the response body, status 0 on HTTP 2xx.
fault() { curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' \
            --data "$1" "$SIM_URL/sim/v1/faults"; }
# sim_get PATH: GET from the simulator (body on stdout).
sim_get() { curl -sS --fail-with-body "$SIM_URL$1"; }

# tmux: a private server per suite, killed on exit.
# tm_start COLSxROWS CMD...: runs CMD in a new detached session "t".
tm_start() {
  T_TMUX=warroom-test-$$
  local size=$1; shift
  tmux -L "$T_TMUX" -f /dev/null new-session -d -s t -x "${size%x*}" -y "${size#*x}" "$@"
  tmux -L "$T_TMUX" set-option -t t remain-on-exit on >/dev/null
  T_PIDS+=("$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')")
}
tm_keys()    { tmux -L "$T_TMUX" send-keys -t t "$@"; }
tm_screen()  { tmux -L "$T_TMUX" capture-pane -p -t t "$@"; }
tm_dead()    { [ "$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_dead}')" = 1 ]; }
# tm_wait TIMEOUT TEXT: waits until the screen shows TEXT (fixed string).
tm_wait() { local t=$1 s=$2; wait_until "$t" bash -c 'tmux -L "$0" capture-pane -p -t t | grep -qF -- "$1"' "$T_TMUX" "$s"; }
