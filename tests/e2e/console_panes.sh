#!/bin/bash
# The dashboard's panes in tmux against warroom-sim: workloads and events panes after
# faults, describe on a crashlooping pod (the crash reason one key away), the palette's
# completion, sort, regex filter, and the 80x24 / 200x50 layouts.
. "$(dirname "$0")/../lib/common.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
fault '{"type":"crashloop","namespace":"ingest","deployment":"ingest-broker","message":"panic: config key \"queue\" missing"}' >/dev/null
fault '{"type":"unavailable","namespace":"ingest","deployment":"ingest-validator"}' >/dev/null
fault '{"type":"event","namespace":"ingest","kind":"Deployment","name":"ingest-core","reason":"DiskFullSoon","message":"volume 93% full","event_type":"Warning"}' >/dev/null

tm_start 200x50 "$BUILD/warroom" --server "$SIM_URL"
tm_wait 10 "ingest-broker-" || t_fail "console starts" "$(tm_screen)"

# 200x50: pods on the left, nodes/workloads/events on the right, all at once
tm_wait 8 "DiskFullSoon"
scr=$(tm_screen)
t_match "200x50: pods pane title" "Pods +[0-9]+ of [0-9]+" "$scr"
t_match "200x50: nodes pane title" "Nodes +[0-9]+ of [0-9]+" "$scr"
t_match "200x50: workloads pane title" "Workloads +[0-9]+ of [0-9]+" "$scr"
t_match "200x50: events pane title" "Events +[0-9]+ of [0-9]+" "$scr"
t_match "200x50: pods and nodes side by side" "NAMESPACE +NAME +READY .* NAME +STATUS +ROLES" "$scr"

# workloads: ingest-validator 0/2 after the unavailable fault, listed first
wait_until 15 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -qE "ingest-validator +Deployment +0/2"' "$T_TMUX"
wl=$(tm_screen | grep -E 'ingest-validator +Deployment')
t_match "workloads pane shows ingest-validator 0/2" "ingest-validator +Deployment +0/2" "$wl"
t_contains "degraded workload in yellow or red" "[3" "$(tm_screen -e | grep -E 'ingest-validator.*Deployment' | head -1)"

# events: the Warning event of the fault, with kind/name and message
tm_keys 4 z
tm_wait 3 "[zoom]"
ev=$(tm_screen | grep DiskFullSoon)
t_contains "events pane: involved object" "deployment/ingest-core" "$ev"
t_contains "events pane: message" "volume 93% full" "$ev"
t_contains "events pane: type" "Warning" "$ev"
t_match "events pane: Warning events first" "^ *ingest +[0-9a-z]+ +Warning" "$(tm_screen | grep -A1 'LAST SEEN' | tail -1)"
tm_keys z

# describe: Enter on the crashlooping pod shows the last termination message
tm_keys 1
tm_keys / broker Enter
tm_wait 5 "filter: broker"
tm_wait 20 "CrashLoopBackOff" || tm_wait 10 "Error"
tm_keys g Enter
if tm_wait 10 "Last State:"; then t_ok "Enter opens describe with Last State"; else t_fail "Enter opens describe with Last State" "$(tm_screen)"; fi
scr=$(tm_screen)
t_contains "describe shows the crash message" 'panic: config key "queue" missing' "$scr"
t_match "describe shows the exit code" "Exit Code: +1" "$scr"
t_match "describe names the pod" "Describe pod ingest/ingest-broker-" "$scr"
t_contains "describe lists events" "Events:" "$scr"
tm_keys Escape
tm_wait 3 "NAMESPACE"
t_lacks "Esc closes describe" "Last State:" "$(tm_screen)"
tm_keys Escape

# palette: Tab completes namespaces from the model and shows the command's help
tm_keys : "ns in" Tab
tm_wait 3 ":ns ingest"
t_contains "palette completes ':ns in' to ingest" ":ns ingest" "$(tm_screen | tail -1)"
t_contains "palette shows the help of the command" "Switch namespace" "$(tm_screen | tail -1)"
tm_keys C-u "desc" Tab
tm_wait 3 ":describe "
t_contains "palette completes the command name" ":describe " "$(tm_screen | tail -1)"
tm_keys "node/" Tab
tm_wait 3 ":describe node/ip-172-20-"
t_contains "palette completes node names" ":describe node/ip-172-20-" "$(tm_screen | tail -1)"
tm_keys Escape

# describe by command: a node
NODE=$(kc get nodes --no-headers -o custom-columns=N:.metadata.name | head -1)
tm_keys : "describe node/$NODE" Enter
if tm_wait 8 "Kubelet Version:"; then t_ok ":describe node/NAME opens the node"; else t_fail ":describe node/NAME opens the node" "$(tm_screen)"; fi
t_contains "node describe shows pressure conditions" "MemoryPressure" "$(tm_screen)"
tm_keys q
tm_wait 3 "NAMESPACE"
t_lacks "q closes describe, not warroom" "Kubelet Version:" "$(tm_screen)"

# regex filter: ~ prefix, case-insensitive, alternation; an invalid one says why
tm_keys 1 / "~MONGO|rabbit" Enter
tm_wait 3 "filter: ~MONGO|rabbit"
scr=$(tm_screen)
t_contains "regex filter keeps mongo-0" "mongo-0" "$scr"
t_contains "regex filter keeps rabbitmq-0" "rabbitmq-0" "$scr"
t_match "regex filter leaves 2 pods" "Pods +2 of [0-9]+" "$scr"
tm_keys : "filter ~(" Enter
tm_wait 3 "invalid regex"
t_contains "invalid regex is explained" "filter: invalid regex '('" "$(tm_screen | tail -1)"
tm_keys Escape Escape

# sort: by NAME ascending puts coredns first in kube-system-less order
tm_keys : "sort name" Enter
tm_wait 3 "pods sorted by NAME"
first=$(tm_screen | grep -m1 -A1 'NAMESPACE' | tail -1 | awk '{print $2}')
expected=$(kc get pods -A --no-headers | awk '{print $2}' | LC_ALL=C sort -f | head -1)
t_eq "sort NAME puts the first name first" "$expected" "$first"
tm_keys : "sort bogus" Enter
tm_wait 3 "no column 'bogus'"
t_contains "unknown sort column lists the columns" "RESTARTS" "$(tm_screen | tail -1)"
tm_keys S
tm_wait 3 "sorted by"
tm_keys : "sort" Enter
tm_wait 3 "pods sorted by default"
first=$(tm_screen | grep -m1 -A1 'NAMESPACE' | tail -1)
t_match "default order puts an unhealthy pod first" "CrashLoopBackOff|Error|0/" "$first"

# 80x24: every pane still visible (pods, nodes, summaries of workloads and events)
tmux -L "$T_TMUX" resize-window -t t -x 80 -y 24
sleep 0.8
scr=$(tm_screen)
t_match "80x24: pods pane" "Pods +[0-9]+ of" "$scr"
t_match "80x24: nodes pane" "Nodes +[0-9]+ of" "$scr"
t_match "80x24: workloads summary names the degraded workload" "Workloads [0-9]+ .*ingest-" "$scr"
t_match "80x24: events summary shows the warning" "Events [0-9]+ .*Warning" "$scr"
tm_keys 3
tm_wait 3 "> Workloads"
t_match "80x24: focused workloads pane gets the room" "NAMESPACE +NAME +KIND +READY" "$(tm_screen)"

# ctx without a kubeconfig: a clear message
tm_keys : "ctx prod" Enter
tm_wait 3 "ctx"
t_match "ctx without kubeconfig contexts says why" "ctx prod: |no kubeconfig contexts" "$(tm_screen | tail -1)"

tm_keys q
wait_until 5 tm_dead
if tm_dead; then t_ok "q quits"; else t_fail "q quits" "$(tm_screen)"; fi
t_done
