#!/bin/bash
# scripts/demo.sh [WARROOM-OPTIONS...]: what `make demo` runs after building.
# Starts build/warroom-sim (default scenario) on 127.0.0.1 port 0, reads its URL from the
# first line it prints, runs build/warroom against it in the foreground, and stops the
# simulator by PID on any exit (q, Ctrl-C, an error).  WARROOM_DEMO_PIDFILE=FILE makes it
# write the simulator's PID there, then the incident's (tests use them to prove nothing is left behind).
# So that a newcomer sees a cluster in trouble, a background "incident" replays the
# runbooks' failures through the simulator's fault API: a crash loop (runbook 001), an image
# tag that does not exist (runbook 001's drift), and a node failure leaving pods Unknown
# (runbook 000).  WARROOM_DEMO_INCIDENT=0 turns it off.
# Two local sshd "VMs" (scripts/demo-vms.sh: binder-services with pm2, build-server with a
# docker shim) fill the hosts pane (key 5); their PIDs follow in the PID file.  Without
# sshd the demo says so and runs without them.  WARROOM_DEMO_VMS=0 turns them off.
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
sim="" incident="" vmdir=""
stop_sim() {
  if [ -n "$vmdir" ]; then
    scripts/demo-vms.sh stop "$vmdir"
    rm -rf "$vmdir"
  fi
  if [ -n "$incident" ]; then
    kill "$incident" 2>/dev/null
    wait "$incident" 2>/dev/null
  fi
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

demo_fault() { curl -sS -o /dev/null -X POST --data "$1" "$url/sim/v1/faults"; }
# Sleeps in the background and waits, so a TERM from stop_sim ends the nap at once and
# leaves no sleep behind.
demo_nap() { sleep "$1" & napping=$!; wait "$napping"; }
demo_incident() {
  napping=""
  trap '[ -n "$napping" ] && kill "$napping" 2>/dev/null; exit 0' TERM
  demo_nap 4
  demo_fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-state-tracking","message":"FATAL: configuration key hub.image.tag does not match the deployed chart"}'
  demo_nap 6
  demo_fault '{"type":"image-pull","namespace":"ingest","deployment":"ingest-exporter","image":"quay.io/ingest/exporter:0.9.0-rc1"}'
  demo_nap 10
  demo_fault '{"type":"node-down","node":"ip-172-20-110-97.ec2.internal"}'
}
if [ "${WARROOM_DEMO_INCIDENT:-1}" != 0 ]; then
  demo_incident >/dev/null 2>&1 &
  incident=$!
  if [ -n "${WARROOM_DEMO_PIDFILE:-}" ]; then
    echo "$incident" >>"$WARROOM_DEMO_PIDFILE"
  fi
fi

vmargs=()
if [ "${WARROOM_DEMO_VMS:-1}" != 0 ]; then
  vmdir=$(mktemp -d "${TMPDIR:-/tmp}/warroom-demo-vms.XXXXXX") || exit 2
  if scripts/demo-vms.sh start "$vmdir"; then
    vmargs=(--config "$vmdir/config.yaml")
    if [ -n "${WARROOM_DEMO_PIDFILE:-}" ]; then
      cat "$vmdir/pids" >>"$WARROOM_DEMO_PIDFILE"
    fi
  else
    echo "demo: running without the SSH hosts" >&2
    sleep 2
  fi
fi

"$BUILD/warroom" --server "$url" "${vmargs[@]}" "$@"
