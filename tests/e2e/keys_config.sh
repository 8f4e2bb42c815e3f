#!/bin/bash
# The config file's default place ($XDG_CONFIG_HOME/warroom/config.yaml): read without
# --config; unknown keys are warnings with FILE:LINE (not fatal); `matrix:` and `keymap:`
# stand in for --matrix and --keymap; a bad value is still an error naming FILE:LINE.
. "$(dirname "$0")/../lib/common.sh"

# Stops the tmux server and waits until its socket is gone: a new server started while
# the old one is still exiting would lose its session.
tm_stop_server() {
  tmux -L "$T_TMUX" kill-server 2>/dev/null
  wait_until 5 bash -c '! test -S "$0"' "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$T_TMUX"
}

sim_start || { t_fail "warroom-sim starts"; t_done; }
CFG=$T_TMP/cfg/warroom
mkdir -p "$CFG"
# A matrix of one service, so the batch output tells which matrix was read.
sed -n '1,/^  - name: /p' "$T_ROOT/runbooks/ingest.yaml" | sed '$d' >"$CFG/one.yaml"
sed -n '/^  - name: accessioner/,/^  - name: /p' "$T_ROOT/runbooks/ingest.yaml" | sed '$d' >>"$CFG/one.yaml"
printf 'bind x zoom\nbind y no-such-command\n' >"$CFG/keys"
cat >"$CFG/config.yaml" <<'YAML'
contexts: [dev, prod]
matrix: [one.yaml]
colour: red
keymap: KEYS
YAML
sed -i "s|one.yaml|$CFG/one.yaml|; s|KEYS|$CFG/keys|" "$CFG/config.yaml"

wr() { env XDG_CONFIG_HOME="$T_TMP/cfg" "$BUILD/warroom" --server "$SIM_URL" "$@"; }
out=$(wr --batch --panel matrix 2>"$T_TMP/err"); rc=$?
err=$(cat "$T_TMP/err")
t_eq "a config with an unknown key still runs" 0 "$rc"
t_contains "unknown key: a warning with FILE:LINE" "warroom: config: warning: $CFG/config.yaml:3: colour: unknown key (ignored)" "$err"
t_match "matrix: from the config (one service)" "^accessioner " "$out"
t_lacks "matrix: only the config's file was read" "broker" "$out"
t_contains "keymap: from the config, its bad line a warning with FILE:LINE" \
  "warroom: keymap: warning: $CFG/keys:2: unknown command 'no-such-command'" "$err"

# Options win over the file.
out=$(wr --batch --panel matrix --matrix "$T_ROOT/runbooks/ingest.yaml" 2>/dev/null)
t_match "--matrix wins over the config's matrix" "^broker " "$out"

# A bad value is an error: exit 2, FILE:LINE and the field.
printf 'rotate: 0\n' >"$CFG/config.yaml"
out=$(wr --batch 2>&1); rc=$?
t_eq "a bad value exits 2" 2 "$rc"
t_contains "a bad value names FILE:LINE and the key" "$CFG/config.yaml:1: rotate: expected an integer 1..3600" "$out"

# contexts: what --watch follows when no --context is given (two contexts on one sim).
cat >"$T_TMP/kubeconfig" <<YAML
apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: a
  cluster: {server: "$SIM_URL"}
users:
- name: u
  user: {}
contexts:
- name: alpha
  context: {cluster: a, user: u}
- name: bravo
  context: {cluster: a, user: u}
YAML
printf 'contexts: [alpha, bravo]\nrotate: 5\n' >"$CFG/config.yaml"
tm_start 160x40 env XDG_CONFIG_HOME="$T_TMP/cfg" KUBECONFIG="$T_TMP/kubeconfig" "$BUILD/warroom" --watch
both() { tm_screen | grep -q "^alpha" && tm_screen | grep -q "bravo"; }
if wait_until 15 both; then t_ok "--watch follows the config's contexts"; else t_fail "--watch follows the config's contexts" "$(tm_screen)"; fi
tm_keys q
wait_until 5 tm_dead

# colors: none draws in monochrome (no SGR colour on screen).
tm_stop_server
printf 'colors: none\n' >"$CFG/config.yaml"
tm_start 100x30 env XDG_CONFIG_HOME="$T_TMP/cfg" TERM=xterm-256color "$BUILD/warroom" --server "$SIM_URL"
tm_wait 10 "ingest-broker-"
sleep 0.5
t_eq "colors: none: no colour on screen" 0 "$(tm_screen -e | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7])(;[0-9;]*)?m')"
tm_keys q
wait_until 5 tm_dead

# No file in the default place: nothing read, nothing said.
rm "$CFG/config.yaml"
out=$(wr --batch --panel nodes 2>&1); rc=$?
t_eq "no config file: runs" 0 "$rc"
t_lacks "no config file: no warning" "warning" "$out"
t_done
