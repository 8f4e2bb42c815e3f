# tests/lib/contexts.sh: two simulators as two kubeconfig contexts (source after common.sh).
#   contexts_start   starts warroom-sim twice (prod first, then dev, so that SIM_URL, fault
#                    and kc talk to dev), writes a kubeconfig with contexts dev and prod and
#                    exports KUBECONFIG; sets DEV and PROD (the servers' URLs)
contexts_start() {
  sim_start || return 1
  PROD=$SIM_URL
  sim_start || return 1
  DEV=$SIM_URL
  cat >"$T_TMP/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- {name: dev, cluster: {server: "$DEV"}}
- {name: prod, cluster: {server: "$PROD"}}
users:
- {name: op, user: {}}
contexts:
- {name: dev, context: {cluster: dev, user: op}}
- {name: prod, context: {cluster: prod, user: op}}
current-context: dev
EOF
  export KUBECONFIG=$T_TMP/kubeconfig
}
