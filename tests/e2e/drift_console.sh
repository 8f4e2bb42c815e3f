#!/usr/bin/env bash
# The console's drift view with two contexts (issue 9): `warroom --context dev --context
# prod` shows both side by side, live: a tag changed on prod and a deployment that only
# dev has appear within seconds, marked '!' (and '*' on the departing side) so that they
# stand out without colour too, and coloured when colour is on.  Helm releases are
# watched: a new revision that is pending-upgrade, then failed, then a deployed one, is
# flagged in the view and recorded in the timeline with its context, and so are an
# uninstall and an install again.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/contexts.sh"

WR=$BUILD/warroom
contexts_start || exit 1
kdev() { kubectl --server "$DEV" --request-timeout=20s "$@"; }
kprod() { kubectl --server "$PROD" --request-timeout=20s "$@"; }
tl() { "$WR" --context dev --batch --panel timeline 2>&1; }
tl_has() { tl | grep -qE -- "$1"; }
# The screen line of workload NAME in the drift view.
row() { tm_screen | grep -E " $1 " | head -1; }

tm_start 400x60 "$WR" --context dev --context prod
tm_wait 20 "ingest-core" || t_fail "console did not start" "$(tm_screen)"
tm_keys 8
tm_wait 15 "SPEC(prod)" && t_ok "two contexts: side by side in the console" || t_fail "two contexts: side by side in the console" "$(tm_screen)"
t_contains "two contexts: dev's spec column too" "SPEC(dev)" "$(tm_screen)"
t_match "identical deployment: no marker, no flag" "^ Deployment +ingest +ingest-broker +- " "$(row ingest-broker)"
t_eq "both contexts' Helm releases" 2 "$(tm_screen | grep -c '^HELM RELEASES')"

# Live: a new tag on prod only.
img=$(kprod -n ingest get deploy ingest-core -o jsonpath='{.spec.template.spec.containers[0].image}')
ctr=$(kprod -n ingest get deploy ingest-core -o jsonpath='{.spec.template.spec.containers[0].name}')
kprod -n ingest set image deployment/ingest-core "$ctr=${img%:*}:9.9.9" >/dev/null
wait_until 15 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -qE "^!Deployment +ingest +ingest-core +DIFFERS"' "$T_TMUX"
t_match "prod's new tag: marked and flagged within seconds" "^!Deployment +ingest +ingest-core +DIFFERS" "$(row ingest-core)"
t_contains "the departing side is marked '*'" "*${img%:*}:9.9.9" "$(row ingest-core)"

# Live: a deployment only dev has.
kdev -n ingest create deployment only-dev --image=example/only-dev:1.0 >/dev/null
wait_until 15 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -q " only-dev "' "$T_TMUX"
t_match "workload present in one context only: a row, marked" "^!Deployment +ingest +only-dev +DIFFERS" "$(row only-dev)"
t_contains "the missing side says so" "*(missing)" "$(row only-dev)"

# Colour: the differing line is drawn with an attribute the identical one lacks.
esc=$(tm_screen -e)
diff_line=$(grep -F "ingest-core" <<<"$esc" | head -1)
same_line=$(grep -F "ingest-broker" <<<"$esc" | head -1)
# A foreground colour (SGR 31..37, alone or among other parameters) before the name.
has_colour() { grep -qE $'\e\\[([0-9;]*;)?3[1-7](;[0-9;]*)?m' <<<"$1"; }
t_check "colour: the differing line is coloured" has_colour "$diff_line"
t_check "colour: the identical line is not" bash -c '! grep -qF $'"'"'\e['"'"' <<<"$0"' "$same_line"

# Helm, watched: a new revision pending-upgrade on prod, then failed, then a deployed one.
helm_secret() { # NAME VERSION STATUS
  cat <<EOF
apiVersion: v1
kind: Secret
type: helm.sh/release.v1
metadata:
  name: sh.helm.release.v1.$1.v$2
  namespace: managed-services
  labels: {owner: helm, name: "$1", status: "$3", version: "$2"}
data: {release: c2ltdWxhdGVk}
EOF
}
helm_secret managed-services-api 3 pending-upgrade | kprod create --validate=false -f - >/dev/null
wait_until 15 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -qE "^!managed-services +managed-services-api +3 +pending-upgrade .*PENDING"' "$T_TMUX"
t_match "helm: a pending upgrade is flagged within seconds" "^!managed-services +managed-services-api +3 +pending-upgrade .*PENDING" "$(tm_screen)"
wait_until 15 tl_has "prod .*Helm release managed-services/managed-services-api revision 3 is pending-upgrade"
t_match "helm: the pending upgrade is in the timeline with its context" \
  "prod .*Helm release managed-services/managed-services-api revision 3 is pending-upgrade" "$(tl)"
kprod -n managed-services label secret sh.helm.release.v1.managed-services-api.v3 status=failed --overwrite >/dev/null
wait_until 15 tl_has "revision 3 is failed"
t_match "helm: the upgrade failing is recorded" "prod .*Helm release managed-services/managed-services-api revision 3 is failed" "$(tl)"
t_match "helm: and flagged FAILED" "^!managed-services +managed-services-api +3 +failed .*FAILED" "$(tm_screen)"
helm_secret managed-services-api 4 deployed | kprod create --validate=false -f - >/dev/null
wait_until 15 tl_has "recovered: revision 4 is deployed"
t_match "helm: a deployed revision is recorded as the recovery" \
  "prod .*Helm release managed-services/managed-services-api recovered: revision 4 is deployed" "$(tl)"
t_match "helm: no longer flagged" "^ managed-services +managed-services-api +4 +deployed .* -" "$(tm_screen)"
out=$(tl)
order=$(grep -oE "revision 3 is pending-upgrade|revision 3 is failed|revision 4 is deployed" <<<"$out" | tr '\n' ' ')
t_eq "helm: the timeline entries in order, each once" "revision 3 is pending-upgrade revision 3 is failed revision 4 is deployed " "$order"
t_eq "helm: dev's failed release recorded once, not per tick" 1 "$(grep -c "dev .*Helm release ingest/ingest-stack revision 5 is failed" <<<"$out")"
# Uninstalled (helm uninstall deletes every revision's Secret), then installed again.
kprod -n managed-services delete secret -l owner=helm,name=managed-services-api >/dev/null
wait_until 15 tl_has "managed-services-api uninstalled"
t_match "helm: an uninstalled release is recorded, with its last revision" \
  "prod .*Helm release managed-services/managed-services-api uninstalled \(its last revision 4 was deployed\)" "$(tl)"
helm_secret managed-services-api 1 deployed | kprod create --validate=false -f - >/dev/null
wait_until 15 tl_has "managed-services-api installed again"
out=$(tl)
t_match "helm: installed again is said so, not as a recovery" \
  "prod .*Helm release managed-services/managed-services-api installed again: revision 1 is deployed" "$out"
t_eq "helm: the uninstall recorded once" 1 "$(grep -c "managed-services-api uninstalled" <<<"$out")"
t_lacks "helm: dev's releases not reported uninstalled" "dev .*uninstalled" "$out"

# NO_COLOR: the markers carry the difference alone.
tmux -L "$T_TMUX" respawn-pane -k -t t env NO_COLOR=1 "$WR" --context dev --context prod
T_PIDS+=("$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')")
tm_wait 20 "ingest-core" || t_fail "NO_COLOR console did not start" "$(tm_screen)"
tm_keys 8
wait_until 15 bash -c 'tmux -L "$0" capture-pane -p -t t | grep -q " only-dev "' "$T_TMUX"
t_match "NO_COLOR: the difference is still marked '!'" "^!Deployment +ingest +ingest-core +DIFFERS" "$(row ingest-core)"
nc_line=$(tm_screen -e | grep -F ingest-core | head -1)
t_check "NO_COLOR: the line is not coloured" bash -c '! grep -qE $'"'"'\e\[([0-9;]*;)?3[1-7](;[0-9;]*)?m'"'"' <<<"$0"' "$nc_line"
t_contains "NO_COLOR: ...but still bold" $'\e[1m' "$nc_line"

# The one-context console is what it was: no side by side.
tmux -L "$T_TMUX" respawn-pane -k -t t "$WR" --context prod
T_PIDS+=("$(tmux -L "$T_TMUX" display-message -p -t t '#{pane_pid}')")
tm_wait 20 "ingest-core" || t_fail "one-context console did not start" "$(tm_screen)"
tm_keys 8
tm_wait 15 "HELM RELEASES" || t_fail "one context: drift view" "$(tm_screen)"
t_lacks "one context: no side by side" "SPEC(" "$(tm_screen)"
t_match "one context: SPEC RUNNING columns" "^KIND +NAMESPACE +NAME +DRIFT +SPEC +RUNNING" "$(tm_screen)"

# --context twice is refused where it means nothing.
out=$("$WR" --context dev --context prod run pods 2>&1); rc=$?
t_eq "run with two contexts: exit 2" 2 "$rc"
t_contains "run with two contexts: said why" "--context given more than once" "$out"

t_done
