#!/bin/bash
# Terminal injection from cluster content: a termination message (crashloop), an Event
# message and a pod annotation carrying OSC 0 (title), OSC 52 (clipboard), CSI cursor moves and clear-screen,
# an 8-bit C1 CSI and a BiDi override are drawn escaped in the events pane and the
# describe view.  The same text from an SSH host (a fake `pm2 jlist` whose process name
# and a fake `df -P` whose mount name carry it, on a local sshd) in the hosts pane, the
# timeline (a critical mount, rising restarts), the --watch problem list and the
# --batch hosts report.  Asserted on `tmux capture-pane -e`: the only escapes on the screen are
# tmux's own colour sequences, the pane title is unchanged, no C1 or BiDi character.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
# The hostile text, as JSON string escapes.
EVIL='pwn \u001b]0;PWNED-TITLE\u0007 \u001b]52;c;ZXZpbA==\u0007 \u001b[2J\u001b[H\u001b[10;10H \u00c2\u009b31m \u009b2J \u202eevil\u202c end-of-evil'
fault "{\"type\":\"crashloop\",\"namespace\":\"ingest\",\"deployment\":\"ingest-core\",\"message\":\"$EVIL\"}" >/dev/null ||
  t_fail "crashloop fault accepted"
POD=$(kc get pods -n ingest --no-headers | awk '/^ingest-core-/ {print $1; exit}')
fault "{\"type\":\"event\",\"namespace\":\"ingest\",\"kind\":\"Pod\",\"name\":\"$POD\",\"reason\":\"Evil\",\"message\":\"$EVIL\",\"event_type\":\"Warning\"}" >/dev/null ||
  t_fail "event fault accepted"

tm_start 200x60 "$BUILD/warroom" --server "$SIM_URL"
tm_wait 20 "watching" || t_fail "console reaches watching" "$(tm_screen | head -3)"
title0=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')

# only_sgr RAW: every ESC in RAW starts an SGR sequence (tmux's colours), nothing else.
only_sgr() { ! grep -qaP '\e(?!\[[0-9;:]*m)' <<<"$1"; }
check_screen() { # DESC
  local raw; raw=$(tm_screen -e)
  if only_sgr "$raw"; then t_ok "$1: only colour escapes on screen"; else
    t_fail "$1: only colour escapes on screen" "$(grep -aP '\e(?!\[[0-9;:]*m)' <<<"$raw" | cat -v | head -5)"; fi
  t_lacks "$1: no OSC 52 clipboard write" $'\e]52' "$raw"
  t_lacks "$1: no C1 CSI" $'\xc2\x9b' "$raw"
  t_lacks "$1: no BiDi override" $'\xe2\x80\xae' "$raw"
  t_eq "$1: pane title unchanged" "$title0" "$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')"
  t_lacks "$1: no title change" "PWNED-TITLE"$'\a' "$raw"
}

tm_keys 4
if tm_wait 20 "Evil"; then t_ok "events pane shows the hostile event"; else t_fail "events pane shows the hostile event" "$(tm_screen | head -30)"; fi
check_screen "events pane"

# An annotation carries it too (the describe view lists annotations, as kubectl does).
kc patch pod "$POD" -n ingest --type merge \
  -p "{\"metadata\":{\"annotations\":{\"evil\":\"${EVIL/end-of-evil/annotation-end}\"}}}" >/dev/null ||
  t_fail "annotation patch accepted"
tm_keys : "describe pod/ingest/$POD" Enter
if tm_wait 30 "end-of-evil"; then t_ok "describe shows the hostile messages"; else
  t_fail "describe shows the hostile messages" "$(tm_screen | head -40)"; fi
t_contains "describe shows the hostile annotation" "annotation-end" "$(tm_screen)"
check_screen "describe view"
if tm_dead; then t_fail "warroom still running" "$(tm_screen | tail)"; else t_ok "warroom still running"; fi
tm_restart_server

# ---- The same hostile text from an SSH host: pm2 process names and df mount names ----
if ! sshd_available; then t_fail "openssh-server is installed (scripts/deps.sh)"; t_done; fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
BIN=$T_TMP/bin-evil
# The raw bytes for df; EVIL (JSON escapes) for pm2 jlist.
printf 'pwn \033]0;PWNED-TITLE\007 \033]52;c;ZXZpbA==\007 \033[2J\033[H\033[10;10H \302\23331m \342\200\256evil\342\200\254 end-of-evil' \
  >"$T_TMP/evil.raw"
printf '%s' "$EVIL" >"$T_TMP/evil.json"
fake_bin "$BIN" pm2 "n=\$(cat $T_TMP/pm2.calls 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >$T_TMP/pm2.calls
printf '[{\"name\":\"%s\",\"pm_id\":0,\"pm2_env\":{\"status\":\"online\",\"restart_time\":%d}}]\n' \"\$(cat $T_TMP/evil.json)\" \$((n * 5))"
fake_bin "$BIN" df "echo 'Filesystem 1024-blocks Used Available Capacity Mounted on'
printf '/dev/evil 1000 990 10 99%% /mnt/%s\n' \"\$(cat $T_TMP/evil.raw)\"
echo '/dev/root 1000 100 900 10% /'"
SSHD_SETENV="PATH=$BIN:/usr/bin:/bin"
sshd_start || { t_fail "sshd starts"; t_done; }
KH=$T_TMP/known_hosts; sshd_known_hosts "$KH"
printf '%s\n' "known_hosts: $KH" "interval: 2" "hosts:" "  - name: evil-host" "    address: 127.0.0.1" \
  "    port: $SSHD_PORT" "    identity: $SSH_KEY" "    checks: [df, pm2]" >"$T_TMP/hosts.yaml"

tm_start 200x60 "$BUILD/warroom" --server "$SIM_URL" --config "$T_TMP/hosts.yaml" -c hosts
title0=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')
if tm_wait 20 "end-of-evil"; then t_ok "hosts pane shows the hostile names"; else t_fail "hosts pane shows the hostile names" "$(tm_screen | head -20)"; fi
# A second poll makes the restarts rise: a timeline entry naming the process.
wait_until 10 bash -c "[ \$(cat $T_TMP/pm2.calls) -ge 3 ]"
check_screen "hosts pane"
tm_keys 7
if tm_wait 10 "restarts jumped"; then t_ok "timeline records the hostile process"; else t_fail "timeline records the hostile process" "$(tm_screen | head -30)"; fi
t_contains "timeline records the hostile mount" "crossed the critical threshold: 99% used on /mnt" "$(tm_screen)"
check_screen "timeline pane"
# The saved timeline (state file) and its postmortem export hold no raw escape either.
tm_keys : "incident export $T_TMP/pm.md" Enter
wait_until 10 test -s "$T_TMP/pm.md"
t_contains "postmortem export names the hostile process" "end-of-evil" "$(cat "$T_TMP/pm.md" 2>/dev/null)"
leaks=$(grep -rlaP '\e|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]' "$T_TMP/pm.md" "$XDG_STATE_HOME" 2>/dev/null)
t_eq "no raw escape, C1 or BiDi in the export or the state files" "" "$leaks"
tm_restart_server

tm_start 200x50 "$BUILD/warroom" --watch --server "$SIM_URL" --config "$T_TMP/hosts.yaml"
title0=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_title}')
if tm_wait 20 "/mnt/pwn"; then t_ok "--watch problem list names the hostile mount"; else t_fail "--watch problem list names the hostile mount" "$(tm_screen | head -30)"; fi
check_screen "--watch wall"
if tm_dead; then t_fail "warroom --watch still running" "$(tm_screen | tail)"; else t_ok "warroom --watch still running"; fi
tm_restart_server

out=$(timeout 30 "$BUILD/warroom" --config "$T_TMP/hosts.yaml" --batch --panel hosts 2>&1)
t_contains "batch hosts report names the process" "end-of-evil" "$out"
if grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' <<<"$out"; then
  t_fail "batch hosts report has no control, C1 or BiDi character" "$(cat -v <<<"$out" | grep -a evil | head -5)"
else t_ok "batch hosts report has no control, C1 or BiDi character"; fi
t_done
