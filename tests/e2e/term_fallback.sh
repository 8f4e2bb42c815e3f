#!/bin/bash
# Terminal robustness (tui/term): a TERM without terminfo falls back and says so; a
# locale that is not UTF-8 draws ASCII only ('~' where a name is cut); NO_COLOR draws
# without colours; below 80x24 a clear message, and the dashboard back after a resize;
# TERM=dumb is still refused.
#
# "tmux-256color on an old host" is played by tmux-256color-old: terminfo cannot be hidden
# from ncurses (it always searches the system directories after TERMINFO), so the test
# uses a name that has no entry anywhere.
. "$(dirname "$0")/../lib/common.sh"

# Stops the tmux server and waits until its socket is gone: a new server started while
# the old one is still exiting would lose its session.
tm_stop_server() {
  tmux -L "$T_TMUX" kill-server 2>/dev/null
  wait_until 5 bash -c '! test -S "$0"' "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$T_TMUX"
}

sim_start || { t_fail "warroom-sim starts"; t_done; }
nonascii() { LC_ALL=C grep -c '[^ -~]' <<<"$1"; }
colour_lines() { tm_screen -e | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7])(;[0-9;]*)?m'; }
restart_console() { tm_keys q; wait_until 5 tm_dead; tm_stop_server; tm_start "$@"; }

# 1. Unknown TERM and LANG=C: usable, ASCII only.
tm_start 80x24 env TERM=tmux-256color-old LANG=C LC_ALL=C "$BUILD/warroom" --server "$SIM_URL"
if tm_wait 10 "ingest-broker-"; then t_ok "TERM without terminfo + LANG=C: the dashboard renders"
else t_fail "TERM without terminfo + LANG=C: the dashboard renders" "$(tm_screen)"; fi
tm_wait 10 "watching"
tm_wait 5 "drawing as"
scr=$(tm_screen)
t_contains "the fallback is named on the bottom line" "no terminfo for TERM=tmux-256color-old: drawing as tmux-256color" "$scr"
t_match "status line is drawn" "^ warroom +127\\.0\\.0\\.1:[0-9]+ +ns:all +watching" "$(head -1 <<<"$scr")"
t_contains "nodes pane is drawn" "ip-172-20-" "$scr"
t_eq "LANG=C: no byte outside printable ASCII on screen" 0 "$(nonascii "$scr")"
t_match "LANG=C: a cut name ends in ~, not an ellipsis" "ingest-[a-z0-9-]+~ " "$scr"
tm_keys 2
if tm_wait 3 "> Nodes"; then t_ok "keys work on the fallback terminal"; else t_fail "keys work on the fallback terminal" "$(tm_screen)"; fi

# 2. The same console in a UTF-8 locale cuts with an ellipsis (so the check above can
# fail), and uses colours.
restart_console 80x24 env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BUILD/warroom" --server "$SIM_URL"
tm_wait 10 "ingest-broker-"
tm_wait 10 "watching"
scr=$(tm_screen)
t_contains "UTF-8 locale: names cut with an ellipsis" "…" "$scr"
t_lacks "a known TERM gets no fallback note" "no terminfo" "$scr"
n=$(colour_lines)
if [ "$n" -gt 0 ]; then t_ok "colours are used by default"; else t_fail "colours are used by default" "$(tm_screen -e | head -3 | cat -v)"; fi

# 3. NO_COLOR: the same screen without a colour, the status bar still in reverse video.
restart_console 80x24 env TERM=xterm-256color NO_COLOR=1 "$BUILD/warroom" --server "$SIM_URL"
tm_wait 10 "ingest-broker-"
sleep 0.5
t_eq "NO_COLOR: no colour on screen" 0 "$(colour_lines)"
t_match "NO_COLOR: the status bar is marked in reverse video" $'\e\\[[0-9;]*7[;m]' "$(tm_screen -e | head -1)"

# 4. Below 80x24: a message, not a broken layout; larger again: the dashboard.
tmux -L "$T_TMUX" resize-window -t t -x 70 -y 20
if tm_wait 5 "warroom needs at least 80x24; this terminal is 70x20"; then t_ok "70x20: says the minimum size"
else t_fail "70x20: says the minimum size" "$(tm_screen)"; fi
t_lacks "70x20: no half-drawn pane" "NAMESPACE" "$(tm_screen)"
tmux -L "$T_TMUX" resize-window -t t -x 80 -y 24
if tm_wait 5 "NAMESPACE"; then t_ok "80x24 again: the dashboard is back"
else t_fail "80x24 again: the dashboard is back" "$(tm_screen)"; fi
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi

# 5. A terminal that has terminfo but no cursor addressing is still refused: falling back
# would draw garbage on it.
tm_stop_server
tm_start 80x24 env TERM=dumb "$BUILD/warroom" --server "$SIM_URL"
if wait_until 5 tm_dead; then t_ok "TERM=dumb: the console does not start"; else t_fail "TERM=dumb: the console does not start" "$(tm_screen)"; fi
t_contains "TERM=dumb: refused with a reason" "cannot move the cursor" "$(tm_screen -J -S - | tr -d "\n")"
t_done
