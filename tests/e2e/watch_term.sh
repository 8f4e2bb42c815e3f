#!/bin/bash
# `warroom --watch` on a poor terminal, with SSH hosts (tmux): a TERM without terminfo and
# LANG=C still render the wall (fallback type named on the top line, only ASCII on
# screen, the headline in '#' block letters); NO_COLOR draws without a colour; a host of
# --config on a closed port of 127.0.0.1 is counted in the strip ("hosts 0/1 over disk,
# 1 failing"), listed as a problem, turns the headline DEGRADED, and never opens a prompt.
. "$(dirname "$0")/../lib/common.sh"

sim_start --pods 12 --nodes 3 || { t_fail "warroom-sim starts"; t_done; }

# A port nothing listens on: bound by the kernel for us, then closed.
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cat >"$T_TMP/config.yaml" <<YAML
known_hosts: $T_TMP/known_hosts
timeout: 5
interval: 2
hosts:
  - name: build-server
    address: 127.0.0.1
    port: $CLOSED
    checks: [df]
YAML
nonascii() { LC_ALL=C grep -c '[^ -~]' <<<"$1"; }
colour_lines() { tm_screen -e | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7])(;[0-9;]*)?m'; }

# 1. Unknown TERM + LANG=C: the wall renders, in ASCII.
tm_start 140x30 env HOME="$T_TMP" TERM=tmux-256color-old LANG=C LC_ALL=C NO_COLOR=1 \
  "$BUILD/warroom" --watch --server "$SIM_URL" --config "$T_TMP/config.yaml"
if tm_wait 15 "DEGRADED: live"; then t_ok "TERM without terminfo + LANG=C: the wall renders (DEGRADED by the host)"
else t_fail "TERM without terminfo + LANG=C: the wall renders (DEGRADED by the host)" "$(tm_screen)"; fi
scr=$(tm_screen)
t_contains "the fallback type is named on the top line" "no terminfo for TERM=tmux-256color-old: drawing as tmux-256color" "$(head -1 <<<"$scr")"
t_eq "LANG=C: no byte outside printable ASCII on screen" 0 "$(nonascii "$scr")"
# DEGRADED's E has a full top row; in ASCII it is '#'.
t_contains "the headline is in ASCII block letters" "####" "$(sed -n '3,7p' <<<"$scr")"
t_contains "strip counts the host" "hosts 0/1 over disk, 1 failing" "$scr"
t_contains "nodes still counted" "nodes 3/3 ready" "$scr"
t_match "the unreachable host is listed as a problem" "host build-server connection refused: .*127\\.0\\.0\\.1" "$scr"
t_contains "the hosts summary line names it" "build-server" "$(tail -1 <<<"$scr")"
t_eq "NO_COLOR: no colour on screen" 0 "$(colour_lines)"
# Keys that answer prompts elsewhere change nothing; after another poll still no question.
tm_keys y Enter n
sleep 3
scr=$(tm_screen)
t_lacks "no prompt ever appears" "authenticity" "$scr"
t_lacks "no yes/no question" "(yes/no" "$scr"
t_contains "still the wall after keys" "warroom watch" "$scr"
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi

# 2. A known TERM in UTF-8 with colours: block characters and colour (so checks above can fail).
tmux -L "$T_TMUX" kill-server 2>/dev/null
wait_until 5 bash -c '! test -S "$0"' "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$T_TMUX"
tm_start 100x30 env HOME="$T_TMP" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
  "$BUILD/warroom" --watch --server "$SIM_URL"
if tm_wait 15 "OK: live"; then t_ok "UTF-8 wall renders without hosts: OK"; else t_fail "UTF-8 wall renders without hosts: OK" "$(tm_screen)"; fi
scr=$(tm_screen)
t_contains "UTF-8: block characters in the headline" "█" "$scr"
t_lacks "a known TERM gets no fallback note" "no terminfo" "$scr"
t_lacks "no hosts part without hosts" "over disk" "$scr"
n=$(colour_lines)
if [ "$n" -gt 0 ]; then t_ok "colours are used without NO_COLOR"; else t_fail "colours are used without NO_COLOR" "$(tm_screen -e | head -3 | cat -v)"; fi
tm_keys q
wait_until 5 tm_dead
t_done
