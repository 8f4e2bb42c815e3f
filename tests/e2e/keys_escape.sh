#!/bin/bash
# Escape without waiting (tui/screen.c): a lone Escape is answered at once, and a key's
# escape sequence split by the link (its ESC arriving ~50 ms before the rest) is still
# that key, not Escape followed by two letters; an ESC followed by an ordinary key is
# Escape and that key.  tmux's run-shell (without -b) holds its command queue, so the
# bytes around it reach the console in two writes.
. "$(dirname "$0")/../lib/common.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
# ESCDELAY (ms, as for ncurses): how long the rest of a split sequence may take; long
# here so a loaded machine cannot make the test flaky.
tm_start 120x40 env ESCDELAY=3000 "$BUILD/warroom" --server "$SIM_URL"
if tm_wait 10 "ingest-broker-"; then t_ok "console starts"; else t_fail "console starts" "$(tm_screen)"; fi

# split HEX... -- HEX...: the first bytes, 50 ms, then the rest, as two writes to the pane.
split() {
  local first=() rest=()
  while [ "$1" != -- ]; do first+=("$1"); shift; done
  shift; rest=("$@")
  tmux -L "$T_TMUX" send-keys -t t -H "${first[@]}" \; run-shell "sleep 0.05" \; send-keys -t t -H "${rest[@]}"
}
help_shown() { tm_screen | grep -qF "Help: keys and commands"; }
help_close() { tm_keys q; wait_until 3 bash -c '! tmux -L "$0" capture-pane -p -t t | grep -qF "Help: keys"' "$T_TMUX"; }

# A lone Escape closes the filter prompt and restores the filter it had (none).
tm_keys / mongo
tm_wait 3 "filter: mongo"
t_check "the filter prompt narrows the pods pane" tm_wait 3 "/mongo"
tm_keys Escape
if wait_until 2 bash -c '! tmux -L "$0" capture-pane -p -t t | grep -qF "filter: mongo"' "$T_TMUX"; then
  t_ok "a lone Escape closes the prompt and clears the filter"
else t_fail "a lone Escape closes the prompt and clears the filter" "$(tm_screen)"; fi
t_check "the pods are all back after Escape" tm_wait 3 "ingest-broker-"

# F1 (ESC O P in keypad mode) split after its ESC: still F1, which opens the help.
split 1b -- 4f 50
if wait_until 3 help_shown; then t_ok "F1 split after its ESC is still F1 (help opens)"
else t_fail "F1 split after its ESC is still F1 (help opens)" "$(tm_screen)"; fi
help_close

# ESC then '?' (no key starts with ESC ?): Escape, then '?' opens the help, split or not.
split 1b -- 3f
if wait_until 3 help_shown; then t_ok "ESC then ? 50 ms later: the ? is not lost"
else t_fail "ESC then ? 50 ms later: the ? is not lost" "$(tm_screen)"; fi
help_close
tmux -L "$T_TMUX" send-keys -t t -H 1b 3f
if wait_until 3 help_shown; then t_ok "ESC ? in one write: the ? is not lost"
else t_fail "ESC ? in one write: the ? is not lost" "$(tm_screen)"; fi
help_close

# An arrow split after ESC O: still the arrow, so the selection (the reverse-video row)
# moves up one row.
sel_row() { tm_screen -e | grep -nE $'\e\\[([0-9]+;)*7m' | head -1 | cut -d: -f1; }
tm_keys j j j
sleep 0.3
before=$(sel_row)
split 1b 4f -- 41
sleep 0.3
after=$(sel_row)
if [ -n "$before" ] && [ "$after" = "$((before - 1))" ]; then t_ok "Up split after ESC O moves the selection up one row"
else t_fail "Up split after ESC O moves the selection up one row" "selected row before: $before, after: $after" "$(tm_screen)"; fi
tm_keys q
if wait_until 5 tm_dead; then t_ok "q quits after the split keys"; else t_fail "q quits after the split keys" "$(tm_screen)"; fi
t_done
