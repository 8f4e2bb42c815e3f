#!/bin/bash
# scripts/demo.sh (what `make demo` runs): the console comes up on the embedded simulator,
# q quits, and the simulator it started is gone afterwards (checked by PID).
. "$(dirname "$0")/../lib/common.sh"

# Not a terminal: refuse instead of hanging CI.
BUILD=$BUILD "$T_ROOT/scripts/demo.sh" </dev/null >"$T_TMP/out" 2>&1; rc=$?
t_eq "no terminal: exit 2" 2 "$rc"
t_contains "no terminal: says why" "not a terminal" "$(cat "$T_TMP/out")"

pidfile=$T_TMP/demo.pid
tm_start 100x30 env BUILD="$BUILD" WARROOM_DEMO_PIDFILE="$pidfile" "$T_ROOT/scripts/demo.sh"
if tm_wait 20 "ingest-broker-"; then t_ok "demo shows the pods"; else t_fail "demo shows the pods" "$(tm_screen)"; fi
t_contains "demo shows managed-services-api" "managed-services-api-" "$(tm_screen)"
sim=$(sed -n 1p "$pidfile" 2>/dev/null)
incident=$(sed -n 2p "$pidfile" 2>/dev/null)
t_match "demo recorded the simulator PID" '^[0-9]+$' "$sim"
t_match "demo recorded the incident PID" '^[0-9]+$' "$incident"
[ -n "$sim" ] && T_PIDS+=("$sim")   # stopped by the suite even if the demo fails to
[ -n "$incident" ] && T_PIDS+=("$incident")
if kill -0 "$sim" 2>/dev/null; then t_ok "simulator runs while the console does"; else t_fail "simulator runs while the console does"; fi
# The two sshd "VMs" (scripts/demo-vms.sh) fill the hosts pane (key 5); their PIDs follow.
vms=$(sed -n '3,$p' "$pidfile" 2>/dev/null)
for p in $vms; do T_PIDS+=("$p"); done
if [ -x /usr/sbin/sshd ]; then
  tm_keys 5
  if tm_wait 20 "binder-services  ok"; then t_ok "demo hosts pane: binder-services ok"
  else t_fail "demo hosts pane: binder-services ok" "$(tm_screen)"; fi
  if tm_wait 10 "build-server  ok"; then t_ok "demo hosts pane: build-server ok"
  else t_fail "demo hosts pane: build-server ok" "$(tm_screen)"; fi
  t_match "demo VMs: binder-services runs its pm2 services" 'binder-db-service +online' "$(tm_screen)"
  tm_keys 1
fi
# The scripted incident turns the demo cluster red: a crash loop first, then a bad image tag.
if tm_wait 30 "CrashLoopBackOff"; then t_ok "demo incident: a pod crash-loops"; else t_fail "demo incident: a pod crash-loops" "$(tm_screen)"; fi
if tm_wait 30 "ImagePullBackOff"; then t_ok "demo incident: a bad image tag"; else
  tm_wait 1 "ErrImagePull" && t_ok "demo incident: a bad image tag" || t_fail "demo incident: a bad image tag" "$(tm_screen)"; fi

tm_keys q
wait_until 10 tm_dead
if tm_dead; then t_ok "q ends the demo"; else t_fail "q ends the demo" "$(tm_screen)"; fi
wait_until 5 bash -c "! kill -0 $sim 2>/dev/null"
if kill -0 "$sim" 2>/dev/null; then t_fail "no simulator left behind" "$(ps -o pid,cmd -p "$sim")"
else t_ok "no simulator left behind"; fi
if kill -0 "$incident" 2>/dev/null; then t_fail "no incident script left behind" "$(ps -o pid,cmd -p "$incident")"
else t_ok "no incident script left behind"; fi
left=""
for p in $vms; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
t_eq "no demo VM (sshd) left behind" "" "$left"

# Ctrl-C (a key in the console) ends it just as cleanly
rm -f "$pidfile"
tmux -L "$T_TMUX" respawn-pane -k -t t env BUILD="$BUILD" WARROOM_DEMO_PIDFILE="$pidfile" "$T_ROOT/scripts/demo.sh"
tm_wait 20 "ingest-broker-"
sim=$(sed -n 1p "$pidfile" 2>/dev/null)
[ -n "$sim" ] && T_PIDS+=("$sim")
tm_keys C-c
wait_until 10 tm_dead
wait_until 5 bash -c "! kill -0 $sim 2>/dev/null"
if [ -n "$sim" ] && ! kill -0 "$sim" 2>/dev/null; then t_ok "Ctrl-C: no simulator left behind"
else t_fail "Ctrl-C: no simulator left behind" "$(tm_screen)"; fi
t_done
