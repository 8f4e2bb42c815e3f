#!/bin/bash
# Bash completion (completions/warroom.bash): options from --help, commands from
# `run help`, contexts and namespaces from the kubeconfig, panels.  No cluster needed.
. "$(dirname "$0")/../lib/common.sh"

cat >"$T_TMP/kubeconfig" <<'KC'
apiVersion: v1
clusters:
- cluster:
    server: http://127.0.0.1:1
  name: c1
contexts:
- context:
    cluster: c1
    namespace: ingest
    user: u
  name: dev-eu
- name: "prod-eu"
  context:
    cluster: c1
    user: u
current-context: dev-eu
users:
- name: u
  user: {}
KC

# Runs the completion function for a command line (the last word is being completed),
# with kubectl hidden so the answer comes from the files alone.
complete_line() {
  env -i HOME="$T_TMP" PATH=/usr/bin:/bin KUBECONFIG="$T_TMP/kubeconfig" bash -c '
    source "$0"
    bin=$1; shift
    COMP_WORDS=("$bin" "$@"); COMP_CWORD=$#
    kubectl() { return 1; }
    _warroom
    [ ${#COMPREPLY[@]} -gt 0 ] && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$T_ROOT/completions/warroom.bash" "$BUILD/warroom" "$@"
}

t_check "completion script is valid bash" bash -n "$T_ROOT/completions/warroom.bash"
t_eq "options come from --help" "--config --context " "$(complete_line --con)"
t_contains "--read-only is offered" "--read-only" "$(complete_line --re)"
t_eq "contexts come from the kubeconfig" "dev-eu prod-eu " "$(complete_line --context '')"
t_eq "--kubeconfig on the line is the file read" "" \
  "$(complete_line --kubeconfig /nonexistent --context '')"
t_eq "namespaces: the kubeconfig's and all" "all ingest " "$(complete_line -n '')"
t_eq "-c completes commands from the command table" "describe " "$(complete_line -c desc)"
t_eq "run completes commands" "red-button refresh restart restore " "$(complete_line run re)"
t_eq "ctx NAME inside a command" "dev-eu " "$(complete_line -c ctx d)"
t_eq "panels" "matrix " "$(complete_line --panel m)"
t_done
