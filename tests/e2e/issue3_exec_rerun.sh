#!/bin/bash
# Issue 3: every request gets its credentials from the auth provider (kube/auth), so an
# exec credential plugin is used and re-run after a 401 in all three entry points:
# `warroom run`, `warroom --batch` and the console (informers and describe alike), and
# --token-file still works through the kubeconfig flags.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
PLUGIN=$T_ROOT/tests/fixtures/kubeconfig/exec-plugin.sh
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"

# The plugin's Nth run prints secret-token-N; the simulator wants the second one, so the
# first credential is always rejected and only a re-run after the 401 gets in.
TOKEN=secret-token-2
sim_start --token "$TOKEN" || { t_fail "warroom-sim --token starts"; t_done; }
count=$T_TMP/plugin-runs
cat >"$T_TMP/exec.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: simc
  cluster: {server: '$SIM_URL'}
contexts:
- name: sim
  context: {cluster: simc, user: me}
users:
- name: me
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $PLUGIN
      interactiveMode: Never
      env: [{name: PLUGIN_COUNT, value: '$count'}]
EOF
KC=$T_TMP/exec.yaml

# warroom run pods
rm -f "$count"
out=$("$WR" --kubeconfig "$KC" run pods 2>"$T_TMP/err"); rc=$?
t_eq "run pods with exec plugin: exit 0 after the re-run" 0 "$rc"
t_contains "run pods: pods listed" "ingest-broker-" "$out"
t_eq "run pods: plugin ran twice (stale token, 401, fresh token)" 2 "$(wc -l <"$count" 2>/dev/null)"
t_lacks "run pods: no token on stderr" "secret-token" "$(cat "$T_TMP/err")"

# warroom run 'describe pod/NAME': the pod lookup and the describe fetches share the
# re-run credential
rm -f "$count"
out=$("$WR" --kubeconfig "$KC" run 'describe pod/mongo-0' 2>"$T_TMP/err"); rc=$?
t_eq "run describe with exec plugin: exit 0" 0 "$rc"
t_contains "run describe: describes mongo-0" "mongo-0" "$out"
t_eq "run describe: plugin ran twice" 2 "$(wc -l <"$count" 2>/dev/null)"

# batch with two panels: one re-run serves the nodes, pods and events lists
rm -f "$count"
out=$("$WR" --kubeconfig "$KC" --batch --panel nodes --panel events 2>"$T_TMP/err"); rc=$?
t_eq "batch nodes+events with exec plugin: exit 0" 0 "$rc"
t_eq "batch: plugin ran twice for all requests" 2 "$(wc -l <"$count" 2>/dev/null)"

# the console: informers get the fresh credential after the 401
rm -f "$count"
tm_start 200x40 "$WR" --kubeconfig "$KC"
if tm_wait 15 "ingest-broker-"; then t_ok "TUI with exec plugin: pods shown after the re-run"
else t_fail "TUI with exec plugin: pods shown after the re-run" "$(tm_screen)"; fi
t_eq "TUI: plugin ran twice (one 401, one re-run shared by every informer)" 2 "$(wc -l <"$count" 2>/dev/null)"
tm_keys ':describe pod/ingest/mongo-0' Enter
if tm_wait 10 "Conditions"; then t_ok "TUI: describe works with the plugin credential"
else t_fail "TUI: describe works with the plugin credential" "$(tm_screen)"; fi
t_lacks "TUI: no token on screen" "secret-token" "$(tm_screen)"
tm_keys Escape q
if wait_until 5 tm_dead; then t_ok "TUI quits"; else t_fail "TUI quits" "$(tm_screen)"; fi

# --token-file goes through the kubeconfig flags (the provider), in run and batch
printf '%s\n' "$TOKEN" >"$T_TMP/tok"
out=$("$WR" --server "$SIM_URL" --token-file "$T_TMP/tok" run nodes 2>"$T_TMP/err"); rc=$?
t_eq "run nodes --token-file: exit 0" 0 "$rc"
t_match "run nodes --token-file: nodes listed" '^ip-172-20-' "$out"
printf 'wrong\n' >"$T_TMP/badtok"
"$WR" --server "$SIM_URL" --token-file "$T_TMP/badtok" run pods >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "run pods with a wrong --token-file: exit 2" 2 "$rc"
t_contains "wrong --token-file: 401 explained" "401 Unauthorized" "$(cat "$T_TMP/err")"
t_done
