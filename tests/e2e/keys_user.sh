#!/bin/bash
# A user keymap ($XDG_CONFIG_HOME/warroom/keymap) rebinds keys globally and per pane; '?'
# shows the help generated from the ACTIVE keymap (new bindings, per-pane sections, the
# bad lines with FILE:LINE), and hides mutating commands in read-only mode.
. "$(dirname "$0")/../lib/common.sh"

# Stops the tmux server and waits until its socket is gone: a new server started while
# the old one is still exiting would lose its session.
tm_stop_server() {
  tmux -L "$T_TMUX" kill-server 2>/dev/null
  wait_until 5 bash -c '! test -S "$0"' "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$T_TMUX"
}

sim_start || { t_fail "warroom-sim starts"; t_done; }
mkdir -p "$T_TMP/cfg/warroom"
KM=$T_TMP/cfg/warroom/keymap
cat >"$KM" <<'KM'
# x zooms everywhere; in the pods pane ctrl-t describes; in the nodes pane d does nothing
bind x zoom
bind pods ctrl-t describe
unbind nodes d
bind y fly-away
KM

tm_start 120x40 env XDG_CONFIG_HOME="$T_TMP/cfg" "$BUILD/warroom" --server "$SIM_URL"
if tm_wait 10 "ingest-broker-"; then t_ok "console starts with a user keymap that has a bad line"
else t_fail "console starts with a user keymap that has a bad line" "$(tm_screen)"; fi

# The new global binding works...
tm_keys x
if tm_wait 3 "[zoom]"; then t_ok "x (user binding) zooms"; else t_fail "x (user binding) zooms" "$(tm_screen)"; fi
tm_keys x
tm_wait 3 "> Nodes"

# ... and the help says so, with the per-pane bindings and the bad line.
tm_keys '?'
tm_wait 3 "Global keys"
scr=$(tm_screen)
t_match "help shows x next to zoom" "z, x +zoom" "$scr"
t_contains "help names the bad line with file:line" "$KM:5: unknown command 'fly-away'" "$scr"
tm_keys G
sleep 0.5
scr=$(tm_screen)
t_match "help has a pods section with ctrl-t" "C-t +describe" "$scr"
t_match "help shows d does nothing in the nodes pane" "d +- +\\(does nothing here\\)" "$scr"
t_contains "help lists the built-in per-pane key (hosts: r)" "In hosts" "$scr"
tm_keys Escape
tm_wait 3 "NAMESPACE"

# Context bindings apply in their pane only: ctrl-t describes in pods, not in nodes.
tm_keys C-t
if tm_wait 5 "Labels:"; then t_ok "ctrl-t describes in the pods pane"
else t_fail "ctrl-t describes in the pods pane" "$(tm_screen)"; fi
tm_keys Escape
tm_wait 3 "NAMESPACE"
tm_keys 2
tm_wait 3 "> Nodes"
tm_keys d
sleep 0.7
t_lacks "d is unbound in the nodes pane" "Labels:" "$(tm_screen)"
# The control: the nodes pane can be described (with Enter), so d's silence is the binding.
tm_keys Enter
if tm_wait 5 "Labels:"; then t_ok "Enter still describes in the nodes pane"
else t_fail "Enter still describes in the nodes pane" "$(tm_screen)"; fi
tm_keys Escape
tm_wait 3 "> Nodes"
tm_keys q
wait_until 5 tm_dead
t_check "q quits" tm_dead

# Read-only: the help does not advertise what the gate would refuse.
tm_stop_server
tm_start 120x40 env XDG_CONFIG_HOME="$T_TMP/cfg" "$BUILD/warroom" --server "$SIM_URL" --read-only
tm_wait 10 "ingest-broker-"
tm_keys '?'
tm_wait 3 "Global keys"
tm_keys G
sleep 0.5
scr=$(tm_screen)
t_lacks "read-only help hides restart" "Rollout restart" "$scr"
t_lacks "read-only help hides delete" "Delete pod/NAME" "$scr"
t_contains "read-only help still lists runbook" "runbook" "$scr"
tm_keys q q
t_done
