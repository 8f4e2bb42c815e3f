#!/bin/bash
# Connecting like kubectl with bearer tokens: kubeconfig token and tokenFile, KUBECONFIG
# merging, --context/--token flags, exec credential plugins (re-run after a 401), and the
# clear errors (wrong token, unknown context, invalid or missing kubeconfig).
# No token is ever printed: every check of stderr also checks the token is absent.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
PLUGIN=$T_ROOT/tests/fixtures/kubeconfig/exec-plugin.sh
export HOME=$T_TMP/home KUBECONFIG=   # never a developer's kubeconfig
mkdir -p "$HOME"

# The plugin's Nth run prints secret-token-N: the simulator wants the second one, so the
# first credential is stale and only a re-run after the 401 gets in.
TOKEN=secret-token-2
sim_start --token "$TOKEN" || { t_fail "warroom-sim --token starts"; t_done; }

cols() { tail -n +2 | awk '{print $1, $2}' | sort; }
reference=$(printf '%s\n' "$TOKEN" >"$T_TMP/tok"; "$WR" --batch --server "$SIM_URL" --token-file "$T_TMP/tok" | cols)
t_contains "reference: --server with --token-file lists pods" "ingest ingest-broker-" "$reference"

# kubeconfig NAME USER_YAML...: a one-context kubeconfig for the simulator.
kubeconfig() {
  local f=$T_TMP/$1; shift
  { echo "apiVersion: v1"; echo "kind: Config"; echo "current-context: sim"
    echo "clusters:"; echo "- name: simc"; echo "  cluster: {server: '$SIM_URL'}"
    echo "contexts:"; echo "- name: sim"; echo "  context: {cluster: simc, user: me}"
    echo "users:"; echo "- name: me"; echo "  user:"; printf '    %s\n' "$@"; } >"$f"
  echo "$f"
}

# user token
kc1=$(kubeconfig token.yaml "token: $TOKEN")
out=$("$WR" --batch --kubeconfig "$kc1" 2>"$T_TMP/err"); rc=$?
t_eq "kubeconfig token: exit 0" 0 "$rc"
t_eq "kubeconfig token: same pods as --server" "$reference" "$(cols <<<"$out")"
t_eq "kubeconfig token: nothing on stderr" "" "$(cat "$T_TMP/err")"

# $KUBECONFIG instead of --kubeconfig; -n from the command line
out=$(KUBECONFIG=$kc1 "$WR" --batch -n managed-services 2>&1); rc=$?
t_eq "KUBECONFIG + -n: exit 0" 0 "$rc"
t_eq "KUBECONFIG + -n: only that namespace" "managed-services" "$(tail -n +2 <<<"$out" | awk '{print $1}' | sort -u)"

# tokenFile, relative to the kubeconfig's directory
printf '%s\n' "$TOKEN" >"$T_TMP/sa-token"
kc2=$(kubeconfig tokenfile.yaml "tokenFile: sa-token")
out=$("$WR" --batch --kubeconfig "$kc2" 2>"$T_TMP/err"); rc=$?
t_eq "kubeconfig tokenFile: exit 0" 0 "$rc"
t_eq "kubeconfig tokenFile: same pods as --server" "$reference" "$(cols <<<"$out")"

# a wrong token: exit 2, one line naming the 401 and the user, never the token
kc3=$(kubeconfig wrong.yaml "token: not-the-token-x9")
"$WR" --batch --kubeconfig "$kc3" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "wrong token: exit 2" 2 "$rc"
t_eq "wrong token: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
t_contains "wrong token: 401 message naming the user" \
  "401 Unauthorized: the server rejected the credentials of user me" "$(cat "$T_TMP/err")"
t_lacks "wrong token: the token is not printed" "not-the-token-x9" "$(cat "$T_TMP/err" "$T_TMP/out")"
t_eq "wrong token: no table" "" "$(cat "$T_TMP/out")"
# --token replaces the kubeconfig user's credentials
out=$("$WR" --batch --kubeconfig "$kc3" --token "$TOKEN" 2>"$T_TMP/err"); rc=$?
t_eq "--token overrides the kubeconfig's wrong token" 0 "$rc"
t_lacks "--token: not echoed" "$TOKEN" "$(cat "$T_TMP/err")"

# two files merged: the first file's user and current-context win
cat >"$T_TMP/a.yaml" <<EOF
current-context: sim
users:
- name: me
  user: {token: $TOKEN}
EOF
cat >"$T_TMP/b.yaml" <<EOF
current-context: other
clusters:
- name: simc
  cluster: {server: '$SIM_URL'}
contexts:
- name: sim
  context: {cluster: simc, user: me, namespace: ingest}
- name: other
  context: {cluster: simc, user: nobody}
users:
- name: me
  user: {token: wrong-from-b}
- name: nobody
  user: {}
EOF
out=$(KUBECONFIG=$T_TMP/a.yaml:$T_TMP/missing.yaml:$T_TMP/b.yaml "$WR" --batch 2>"$T_TMP/err"); rc=$?
t_eq "merged KUBECONFIG: exit 0 (first file's user and current-context)" 0 "$rc"
t_eq "merged KUBECONFIG: the context's namespace is used" "ingest" "$(tail -n +2 <<<"$out" | awk '{print $1}' | sort -u)"
KUBECONFIG=$T_TMP/a.yaml:$T_TMP/b.yaml "$WR" --batch --context other >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "merged KUBECONFIG --context other: 401, exit 2" 2 "$rc"
t_contains "--context other: no credentials given" "none were given" "$(cat "$T_TMP/err")"

# unknown context: the message lists the contexts there are
KUBECONFIG=$T_TMP/a.yaml:$T_TMP/b.yaml "$WR" --batch --context prod >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "unknown context: exit 2" 2 "$rc"
t_contains "unknown context: lists the contexts" 'context "prod" not found in' "$(cat "$T_TMP/err")"
t_contains "unknown context: names them" "contexts: sim, other" "$(cat "$T_TMP/err")"

# invalid kubeconfig: FILE:LINE, exit 2, no crash
printf 'clusters:\n- name: c\n  cluster:\n    server: [1, 2]\n' >"$T_TMP/bad.yaml"
"$WR" --batch --kubeconfig "$T_TMP/bad.yaml" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "invalid kubeconfig: exit 2" 2 "$rc"
t_contains "invalid kubeconfig: file:line and key" "$T_TMP/bad.yaml:4: clusters[0].cluster.server: expected a string" "$(cat "$T_TMP/err")"
printf 'clusters: [\n' >"$T_TMP/bad2.yaml"
"$WR" --batch --kubeconfig "$T_TMP/bad2.yaml" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "YAML syntax error: exit 2" 2 "$rc"
t_match "YAML syntax error: file:line" "bad2.yaml:[0-9]+" "$(cat "$T_TMP/err")"
"$WR" --batch --kubeconfig "$T_TMP/nonexistent.yaml" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "missing --kubeconfig: exit 2" 2 "$rc"
t_contains "missing --kubeconfig: named" "nonexistent.yaml" "$(cat "$T_TMP/err")"

# no kubeconfig and no --server: names the file looked at
"$WR" --batch >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "nothing to connect to: exit 2" 2 "$rc"
t_contains "nothing to connect to: names ~/.kube/config" "$HOME/.kube/config" "$(cat "$T_TMP/err")"

# exec plugin: first token stale -> 401 -> plugin re-run -> success
count=$T_TMP/plugin-runs
kc4=$(kubeconfig exec.yaml "exec:" "  apiVersion: client.authentication.k8s.io/v1" \
      "  command: $PLUGIN" "  interactiveMode: Never" \
      "  env: [{name: PLUGIN_COUNT, value: '$count'}]")
out=$("$WR" --batch --kubeconfig "$kc4" 2>"$T_TMP/err"); rc=$?
t_eq "exec plugin: exit 0 after the re-run" 0 "$rc"
t_eq "exec plugin: same pods as --server" "$reference" "$(cols <<<"$out")"
t_eq "exec plugin: ran twice (stale token, 401, fresh token)" 2 "$(wc -l <"$count")"
t_lacks "exec plugin: no token on stderr" "secret-token" "$(cat "$T_TMP/err")"
# --panel pods --panel nodes: one plugin run serves every request
rm -f "$count"; echo run >"$count"   # the next run prints secret-token-2 at once
out=$("$WR" --batch --panel pods --panel nodes --kubeconfig "$kc4" 2>"$T_TMP/err"); rc=$?
t_eq "exec plugin, two panels: exit 0" 0 "$rc"
t_eq "exec plugin, two panels: one run for all requests" 2 "$(wc -l <"$count")"

# a failing plugin: its clear error, exit 2
kc5=$(kubeconfig execfail.yaml "exec:" "  apiVersion: client.authentication.k8s.io/v1" \
      "  command: $PLUGIN" "  interactiveMode: Never" "  env: [{name: PLUGIN_MODE, value: fail}]")
"$WR" --batch --kubeconfig "$kc5" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "failing plugin: exit 2" 2 "$rc"
t_contains "failing plugin: its error" 'exec plugin "exec-plugin.sh": exit status 3: ERROR: you are not logged in' "$(cat "$T_TMP/err")"

# the console with a failing plugin: the error in the status line, keys still answered
tm_start 220x30 "$WR" --kubeconfig "$kc5"
if tm_wait 10 "exit status 3"; then t_ok "TUI: the plugin's error is in the status line"
else t_fail "TUI: the plugin's error is in the status line" "$(tm_screen)"; fi
tm_keys q
if wait_until 5 tm_dead; then t_ok "TUI: keys answered while the plugin fails"
else t_fail "TUI: keys answered while the plugin fails" "$(tm_screen)"; fi
t_lacks "TUI: no token on screen" "secret-token" "$(tm_screen)"
t_done
