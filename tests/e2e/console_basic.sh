#!/bin/bash
# The real console in tmux against warroom-sim: panes, keys, filter, help, resize,
# a node-down fault, and a server that goes away while keys keep working.
. "$(dirname "$0")/../lib/common.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
NODE=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name | head -1)

# -c nodes: start with the nodes pane focused (the command runs at start-up)
tm_start 100x30 "$BUILD/warroom" --server "$SIM_URL" -c nodes

if tm_wait 10 "ingest-broker-"; then t_ok "pods pane shows ingest-broker"; else t_fail "pods pane shows ingest-broker" "$(tm_screen)"; fi
tm_wait 5 "managed-services-api-"
t_contains "pods pane shows managed-services-api" "managed-services-api-" "$(tm_screen)"
tm_wait 5 "ns:all  watching"
status=$(tm_screen | head -1)
t_match "status line: server, namespace and connection state" "warroom +127\.0\.0\.1:[0-9]+ +ns:all +watching *$" "$status"
t_contains "-c nodes focused the nodes pane" "> Nodes" "$(tm_screen)"
t_contains "nodes pane lists $NODE" "$NODE" "$(tm_screen)"
t_match "pods pane has kubectl's columns" "NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE" "$(tm_screen)"

tm_keys Tab
tm_wait 3 "> Workloads"
t_contains "Tab moves the focus to the next pane (workloads)" "> Workloads" "$(tm_screen)"
tm_keys Tab Tab
tm_wait 3 "> Pods"
t_contains "Tab cycles through events back to the pods pane" "> Pods" "$(tm_screen)"
tm_keys Tab
tm_wait 3 "> Nodes"
t_contains "Tab again focuses the nodes pane" "> Nodes" "$(tm_screen)"
tm_keys 1

# '/' filter narrows the focused pane's rows; Esc clears it
tm_keys / mongo
tm_wait 3 "filter: mongo"
tm_keys Enter
sleep 0.3
scr=$(tm_screen)
t_contains "filter keeps mongo-0" "mongo-0" "$scr"
t_lacks "filter hides ingest-broker" "ingest-broker-" "$scr"
t_match "title counts filtered rows" "Pods +1 of [0-9]+ +filter: mongo" "$scr"
tm_keys Escape
tm_wait 3 "ingest-broker-"
t_contains "Esc clears the filter" "ingest-broker-" "$(tm_screen)"

# ':' runs commands from the table; errors are shown, not fatal
tm_keys : "ns managed-services" Enter
tm_wait 5 "ns:managed-services"
sleep 2.5
scr=$(tm_screen)
t_contains ":ns switches namespace" "ns:managed-services" "$scr"
t_lacks ":ns drops other namespaces' pods" "ingest-broker-" "$scr"
tm_keys : "ns all" Enter
tm_wait 5 "ingest-broker-"
tm_keys : "fly" Enter
tm_wait 3 "unknown command 'fly'"
t_contains "unknown command is reported" "unknown command 'fly'" "$(tm_screen)"

# '?' help is generated from the command table and keymap
tm_keys '?'
tm_wait 3 "prompt-filter"
scr=$(tm_screen)
t_contains "help lists next-pane with its key" "Tab" "$scr"
t_match "help lists the filter command with its argument" "filter \\[TEXT\\|~REGEX\\]" "$scr"
t_match "help lists quit bound to q" "q, C-c +quit" "$scr"
tm_keys Escape
tm_wait 3 "NAMESPACE"
t_lacks "Esc closes help" "prompt-filter" "$(tm_screen)"

# resize: the layout follows the window (g first: the selection, still on mongo-0 from the
# filter, would otherwise scroll the top rows away in 24 lines)
tm_keys g
tmux -L "$T_TMUX" resize-window -t t -x 80 -y 24
sleep 0.7
scr=$(tm_screen)
t_eq "80x24: 24 lines" 24 "$(wc -l <<<"$scr")"
t_eq "80x24: the window is 80 wide" 80 "$(tmux -L "$T_TMUX" display-message -p -t t '#{window_width}')"
t_match "80x24: pods header drops IP and NODE to fit" "^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE *$" "$scr"
t_contains "80x24: pods still shown" "ingest-broker-" "$scr"
t_match "80x24: status line redrawn" "^ warroom " "$(head -1 <<<"$scr")"
tmux -L "$T_TMUX" resize-window -t t -x 160 -y 30
sleep 0.7
scr=$(tm_screen)
t_match "160 columns: NODE column appears in the pods pane" "NAMESPACE +NAME .* NODE" "$scr"

# node-down: its pods turn Unknown and the node NotReady
fault "{\"type\":\"node-down\",\"node\":\"$NODE\"}" >/dev/null
if tm_wait 8 "Unknown"; then t_ok "node-down shows Unknown pods"; else t_fail "node-down shows Unknown pods" "$(tm_screen)"; fi
tm_wait 4 "NotReady"
t_contains "node-down shows the node NotReady" "NotReady" "$(tm_screen)"
t_contains "Unknown pods are drawn in red" "31m" "$(tm_screen -e | grep -m1 'Unknown')"
t_lacks "healthy pods are not red" "31m" "$(tm_screen -e | grep -m1 ' Running ')"
# unhealthy pods are listed first
first=$(tm_screen | grep -A1 -m1 'NAMESPACE' | tail -1)
t_contains "the first pod row is an Unknown pod" "Unknown" "$first"

# the server goes away: the status line says so, keys keep working
sim_stop
if tm_wait 8 "reconnecting"; then t_ok "status line shows the lost connection"; else t_fail "status line shows the lost connection" "$(tm_screen | head -2)"; fi
tm_wait 8 "refused"
t_contains "the error says why" "connection refused" "$(tm_screen | head -1)"
tm_keys Tab
tm_wait 3 "> Nodes"
t_contains "keys still work while the server is down" "> Nodes" "$(tm_screen)"
t_contains "last data stays on screen" "$NODE" "$(tm_screen)"

tm_keys q
wait_until 5 tm_dead
if tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi
t_done
