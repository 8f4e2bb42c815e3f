#!/usr/bin/env bash
# Incident timeline (issue 9) against two warroom-sim instances as two contexts (dev and
# prod), one console following both (`--context dev --context prod`): node-down on dev,
# crashloop on prod, red button and restore on dev, node-up on dev are recorded in that
# order, each with its context, folded (the pods of one deployment that go Unknown
# together are one entry with a count), and a SIGKILL of the console in the middle loses
# nothing and records nothing twice, in either context.  The export has the postmortem's
# shape.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/contexts.sh"

WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state
INC=$XDG_STATE_HOME/warroom/incidents
contexts_start || exit 1
wr() { "$WR" --context dev "$@"; }
# The timeline as warroom shows it (one line per entry, newest last).
tl() { "$WR" --context dev --batch --panel timeline 2>&1; }
tl_has() { tl | grep -qE -- "$1"; }
fault_prod() { curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' --data "$1" "$PROD/sim/v1/faults"; }

tm_start 250x50 "$WR" --context dev --context prod
tm_wait 20 "ingest-core" || t_fail "console did not show pods"

# Enough ingest-core pods that one node runs several: its loss folds them into one entry.
kc -n ingest scale deployment/ingest-core --replicas=8 >/dev/null
wait_until 60 bash -c '[ "$(KUBECONFIG=/dev/null kubectl --server "$0" -n ingest get deploy ingest-core -o jsonpath="{.status.readyReplicas}")" = 8 ]' "$SIM_URL"
node=$(kc -n ingest get pods -l app=ingest-core -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
fault "{\"type\":\"node-down\",\"node\":\"$node\"}" >/dev/null
wait_until 60 tl_has "Node $node is NotReady"
t_check "node-down recorded" tl_has "Node $node is NotReady"
wait_until 60 tl_has "entered Unknown"
t_check "pods going Unknown recorded" tl_has "entered Unknown"

t_match "node-down recorded in dev's context" "dev +observed +node/$node .*Node $node is NotReady" "$(tl)"

fault_prod '{"type":"crashloop","namespace":"ingest","deployment":"ingest-validator","message":"boom"}' >/dev/null
wait_until 60 tl_has "entered CrashLoopBackOff"
t_check "crashloop recorded" tl_has "entered CrashLoopBackOff"
t_match "crashloop recorded in prod's context" "prod +observed +deployment/ingest/ingest-validator .*entered CrashLoopBackOff" "$(tl)"

# SIGKILL the console mid-incident, then start it again.
pane_pid=$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')
kill -9 "$pane_pid"
wait_until 10 tm_dead
t_check "console killed" tm_dead
tmux -L "$T_TMUX" respawn-pane -t t "$WR" --context dev --context prod
T_PIDS+=("$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')")
tm_wait 20 "ingest-core" || t_fail "console did not come back"

out=$(wr -n ingest run red-button --yes 2>&1) || t_fail "red-button failed" "$out"
out=$(wr -n ingest run restore --yes 2>&1) || t_fail "restore failed" "$out"
wait_until 30 tl_has '`restore'
t_check "red button recorded from the audit trail" tl_has '`red-button'
t_check "restore recorded from the audit trail" tl_has '`restore'
t_match "the red button is dev's" "dev +action .*\`red-button" "$(tl)"

fault "{\"type\":\"node-up\",\"node\":\"$node\"}" >/dev/null
wait_until 60 tl_has "Node $node is Ready again"
t_check "node-up recorded" tl_has "Node $node is Ready again"

out=$(tl)
t_eq "node-down recorded once across the restart" 1 "$(grep -cF "Node $node is NotReady" <<<"$out")"
t_eq "crashloop recorded once across the restart" 1 "$(grep -c "ingest-validator.*entered CrashLoopBackOff" <<<"$out")"
t_eq "dev's failed Helm release recorded once across the restart" 1 "$(grep -c "dev .*Helm release ingest/ingest-stack revision 5 is failed" <<<"$out")"
t_eq "prod's failed Helm release recorded once across the restart" 1 "$(grep -c "prod .*Helm release ingest/ingest-stack revision 5 is failed" <<<"$out")"
order=$(grep -nE "Node $node is NotReady|entered CrashLoopBackOff|\`red-button|\`restore|Node $node is Ready again" <<<"$out" |
  sed -E 's/.*(NotReady|CrashLoopBackOff|red-button|restore|Ready again).*/\1/' | awk '!seen[$0]++' | tr '\n' ' ')
t_eq "entries in order" "NotReady CrashLoopBackOff red-button restore Ready again " "$order"
t_match "Unknown pods folded into one entry with a count" "[2-9] pods of deployment ingest/ingest-core entered Unknown" "$out"

# The console's timeline view.
tm_keys ':timeline' Enter
tm_wait 10 "Timeline: incident" && t_ok "console shows the timeline view" || t_fail "console shows the timeline view" "$(tm_screen)"
t_contains "timeline view lists the node-up" "is Ready again" "$(tm_screen)"

# Export: the postmortem's shape (runbook 001), entries in order, times in the local zone.
out=$(wr run "incident export $T_TMP/pm.md" 2>&1); rc=$?
t_eq "incident export exits 0" 0 "$rc"
md=$(cat "$T_TMP/pm.md" 2>/dev/null)
t_match "title: date and incident" "^# [0-9]{4}-[0-9]{2}-[0-9]{2} - [0-9]{4}-[0-9]{2}-[0-9]{2}$" "$(head -1 <<<"$md")"
shape=$(grep -E '^(## |### |All times in )' <<<"$md" | sed -E 's/^### [A-Z][a-z]+ [0-9]+ [0-9]{4} [0-9]{2}:[0-9]{2} ###$/DAY/; s/^### [0-9]{2}:[0-9]{2} ###$/MIN/; s/^All times in .*/ZONE/' | uniq | tr '\n' ' ')
t_match "sections in order: Summary, Timeline, zone, day heading, minutes, Actions, Action items" \
  "^## Summary ## ## Timeline ## ZONE DAY (MIN )*## Actions taken ## ## Action items ## $" "$shape"
t_match "zone named" "^All times in [A-Z]+ \(UTC[+-][0-9]{2}:[0-9]{2}\)$" "$(grep '^All times in' <<<"$md")"
order=$(sed -n '/^## Actions taken/q;p' <<<"$md" | grep -E "^- " | grep -nE "Node $node is NotReady|entered CrashLoopBackOff|red-button|restore|Node $node is Ready again" |
  sed -E 's/.*(NotReady|CrashLoopBackOff|red-button|restore|Ready again).*/\1/' | awk '!seen[$0]++' | tr '\n' ' ')
t_eq "export: entries in order" "NotReady CrashLoopBackOff red-button restore Ready again " "$order"
t_match "export: each entry names its context" "^- \[prod\] .*ingest-validator.*entered CrashLoopBackOff" "$md"
t_match "export: dev's node" "^- \[dev\] Node $node is NotReady" "$md"
t_match "export: actions taken listed" "^- [0-9]{2}:[0-9]{2} \\[[^]]+\\] .red-button.: ok" "$(sed -n '/^## Actions taken/,/^## Action items/p' <<<"$md")"

# The file: append-only JSON lines, every one parseable.
f=$(ls "$INC"/*.jsonl | head -1)
t_check "timeline file is JSON lines" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$f"

t_done
