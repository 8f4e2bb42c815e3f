#!/usr/bin/env bash
# Deployment drift (issue 9) with two simulators as two contexts (dev, prod):
# `warroom --batch --panel drift --context dev --context prod` flags a tag that differs
# between them, a deployment whose pods still run the old tag (image-pull fault: the
# rollout is stuck), and the failed Helm release of the default scenario.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/contexts.sh"

WR=$BUILD/warroom
export XDG_STATE_HOME=$T_TMP/state

contexts_start || exit 1
kdev() { kubectl --server "$DEV" --request-timeout=20s "$@"; }

drift() { "$WR" --batch --panel drift --context dev --context prod 2>&1; }

out=$(drift); rc=$?
t_eq "drift exits 0 with two contexts" 0 "$rc"
t_match "side by side: both contexts' spec columns" "SPEC\(dev\) +RUNNING\(dev\) +SPEC\(prod\) +RUNNING\(prod\) +DRIFT" "$out"
t_match "identical clusters: ingest-core not flagged" "ingest-core .* -$" "$out"
t_match "failed helm release flagged (dev)" "ingest +ingest-stack +5 +failed .*FAILED" "$out"
t_match "deployed helm release not flagged" "managed-services +managed-services-api +2 +deployed .* -$" "$out"
t_eq "both contexts list their helm releases" 2 "$(grep -c '^HELM RELEASES' <<<"$out")"

# A new tag on dev only: the specs differ.
img=$(kdev -n ingest get deploy ingest-core -o jsonpath='{.spec.template.spec.containers[0].image}')
ctr=$(kdev -n ingest get deploy ingest-core -o jsonpath='{.spec.template.spec.containers[0].name}')
kdev -n ingest set image deployment/ingest-core "$ctr=${img%:*}:9.9.9" >/dev/null
# A stuck rollout on dev: the new image cannot be pulled, the old pods keep the old tag.
fault_dev() { curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' --data "$1" "$DEV/sim/v1/faults"; }
bimg=$(kdev -n ingest get deploy ingest-broker -o jsonpath='{.spec.template.spec.containers[0].image}')
fault_dev "{\"type\":\"image-pull\",\"namespace\":\"ingest\",\"deployment\":\"ingest-broker\",\"image\":\"${bimg%:*}:does-not-exist\"}" >/dev/null
sleep 2

out=$(drift); rc=$?
t_eq "drift exits 0 after the changes" 0 "$rc"
t_match "tag difference between dev and prod flagged" "ingest-core +${img%:*}:9\.9\.9 .* $img .*DIFFERS" "$out"
t_match "pods on a tag other than the spec flagged" "ingest-broker .*${bimg%:*}:does-not-exist +${bimg//./\\.} x[0-9]+.*ROLLOUT [0-9]+/[0-9]+ pods off spec \(dev\)" "$out"

# One context: no side by side, the rollout still flagged.
out=$("$WR" --batch --panel drift --context dev 2>&1); rc=$?
t_eq "one context exits 0" 0 "$rc"
t_match "one context: SPEC RUNNING DRIFT" "SPEC +RUNNING +DRIFT" "$out"
t_contains "one context: rollout flagged" "ROLLOUT" "$out"

# A scenario file's helm_releases: a pending upgrade is flagged, the newest revision wins.
cat >"$T_TMP/helm.yaml" <<'EOF'
nodes: 1
workloads:
  - name: hub
    namespace: jh
    image: jupyterhub/k8s-hub:3.0.0
helm_releases:
  - {namespace: jh, name: jhub, version: 1, status: superseded, age: 3d}
  - {namespace: jh, name: jhub, version: 2, status: pending-upgrade, age: 5m}
EOF
sim_start --scenario "$T_TMP/helm.yaml" || exit 1
out=$("$WR" --server "$SIM_URL" --batch --panel drift 2>&1); rc=$?
t_eq "scenario file: drift exits 0" 0 "$rc"
t_match "scenario helm release: pending-upgrade flagged" "jh +jhub +2 +pending-upgrade .*PENDING" "$out"
t_lacks "scenario helm release: superseded revision hidden" "superseded" "$out"
printf 'nodes: 1\nhelm_releases:\n  - {namespace: jh, name: x, status: deployed, version: v1}\n' >"$T_TMP/bad.yaml"
out=$(timeout 10 "$BUILD/warroom-sim" --listen 127.0.0.1:0 --scenario "$T_TMP/bad.yaml" 2>&1 </dev/null)
t_contains "scenario helm release: a bad version is named" "helm_releases[0]" "$out"

# The console's drift view (key 8) on dev: the stuck rollout and the failed release.
tm_start 220x50 "$WR" --context dev
tm_wait 20 "ingest-core" || t_fail "console did not start" "$(tm_screen)"
tm_keys 8
tm_wait 10 "HELM RELEASES" && t_ok "console: drift view opens on 8" || t_fail "console: drift view opens on 8" "$(tm_screen)"
tm_wait 10 "FAILED" && t_ok "console: failed release flagged" || t_fail "console: failed release flagged" "$(tm_screen)"
t_contains "console: rollout flagged" "ROLLOUT" "$(tm_screen)"
tm_keys Escape
tm_wait 10 "> Pods" && t_ok "console: Esc closes the drift view" || t_fail "console: Esc closes the drift view" "$(tm_screen)"

# A context that does not exist is named.
out=$("$WR" --batch --panel drift --context dev --context nope 2>&1); rc=$?
t_eq "unknown context: exit 2" 2 "$rc"
t_contains "unknown context named" "nope" "$out"
# The console too stops at start-up, naming the context, before the screen is set up.
out=$(timeout 20 "$WR" --context dev --context nope </dev/null 2>&1); rc=$?
t_eq "console, unknown further context: exit 2" 2 "$rc"
t_contains "console, unknown further context: named" "--context 'nope': context \"nope\" not found" "$out"

t_done
