#!/bin/bash
# scripts/demo.sh [WARROOM-OPTIONS...]: what `make demo` runs after building.
# Starts build/warroom-sim (default scenario) on 127.0.0.1 port 0, reads its URL from the
# first line it prints, runs build/warroom against it in the foreground, and stops the
# simulator by PID on any exit (q, Ctrl-C, an error).  WARROOM_DEMO_PIDFILE=FILE makes it
# write the simulator's PID there (tests use it to prove nothing is left behind).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}

if [ ! -t 0 ] || [ ! -t 1 ]; then
  echo "demo: stdin/stdout is not a terminal; run 'make demo' in an interactive terminal" >&2
  exit 2
fi
for b in warroom warroom-sim; do
  if [ ! -x "$BUILD/$b" ]; then
    echo "demo: $BUILD/$b is missing; run 'make' first" >&2
    exit 2
  fi
done

log=$(mktemp "${TMPDIR:-/tmp}/warroom-demo.XXXXXX") || exit 2
sim=""
stop_sim() {
  if [ -n "$sim" ]; then
    kill "$sim" 2>/dev/null
    wait "$sim" 2>/dev/null
  fi
  rm -f "$log"
}
trap stop_sim EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"$BUILD/warroom-sim" --listen 127.0.0.1:0 >"$log" 2>&1 &
sim=$!
if [ -n "${WARROOM_DEMO_PIDFILE:-}" ]; then
  echo "$sim" >"$WARROOM_DEMO_PIDFILE"
fi

url=""
for _ in $(seq 1 200); do
  url=$(sed -n '1s/^warroom-sim listening on \(https*:\/\/[^ ]*\).*/\1/p' "$log")
  [ -n "$url" ] && break
  kill -0 "$sim" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "demo: warroom-sim did not start:" >&2
  sed 's/^/  /' "$log" >&2
  exit 2
fi

"$BUILD/warroom" --server "$url" "$@"
