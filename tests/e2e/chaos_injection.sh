#!/bin/bash
# Terminal injection from cluster content: a termination message (crashloop) and an Event
# message carrying OSC 0 (title), OSC 52 (clipboard), CSI cursor moves and clear-screen,
# an 8-bit C1 CSI and a BiDi override are drawn escaped in the events pane and the
# describe view.  Asserted on `tmux capture-pane -e`: the only escapes on the screen are
# tmux's own colour sequences, the pane title is unchanged, no C1 or BiDi character.
. "$(dirname "$0")/../lib/common.sh"

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

tm_keys : "describe pod/ingest/$POD" Enter
if tm_wait 30 "end-of-evil"; then t_ok "describe shows the hostile messages"; else
  t_fail "describe shows the hostile messages" "$(tm_screen | head -40)"; fi
check_screen "describe view"
if tm_dead; then t_fail "warroom still running" "$(tm_screen | tail)"; else t_ok "warroom still running"; fi
t_done
