#!/bin/bash
# SSH hosts against a real OpenSSH server and real pm2 on 127.0.0.1:
# `warroom --config FILE --batch --panel hosts` output checked against the real df and pm2,
# a pm2 process killed (restart count rises), an expected process stopped (missing), and
# every named failure: unknown host key (refused, never recorded; fingerprint as
# ssh-keygen prints it), changed host key (second sshd, another key, same port), wrong
# client key, closed port, DNS, and a black hole that times out while the others finish.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
sshd_pm2_begin
sshd_start || { t_fail "sshd starts on 127.0.0.1"; t_done; }
t_ok "sshd listening on 127.0.0.1:$SSHD_PORT"

# Three tiny node processes under this run's PM2_HOME.
mkdir -p "$T_TMP/app"
echo 'setInterval(() => {}, 1000);' >"$T_TMP/app/idle.js"
for n in api worker batch; do
  pm2 start "$T_TMP/app/idle.js" --name "$n" >/dev/null 2>&1
done
t_check "pm2 runs api, worker and batch" bash -c "pm2 jlist | grep -q '\"name\":\"batch\"'"

KH=$T_TMP/known_hosts
sshd_known_hosts "$KH" 127.0.0.1
cp "$KH" "$T_TMP/known_hosts.orig"
blackhole_start || t_fail "black-hole listener starts"
CLOSED=$(free_port)

cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
timeout: 3
hosts:
  - name: build-server
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $SSH_KEY
    checks: [df, pm2, load]
    expect_pm2: [api, worker, batch]
    probes: ["127.0.0.1:$SSHD_PORT", "127.0.0.1:$CLOSED"]
  - name: unknown-key
    address: localhost
    port: $SSHD_PORT
    identity: $SSH_KEY
  - name: wrong-key
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $SSHD_DIR/client/wrong_key
  - name: closed-port
    address: 127.0.0.1
    port: $CLOSED
    identity: $SSH_KEY
  - name: black-hole
    address: 127.0.0.1
    port: $BLACKHOLE_PORT
    identity: $SSH_KEY
  - name: no-dns
    address: no-such-host.invalid
    identity: $SSH_KEY
EOF

batch() { "$BUILD/warroom" --config "$T_TMP/hosts.yaml" --batch --panel hosts 2>&1; }
start=$SECONDS
out=$(batch); rc=$?
took=$((SECONDS - start))
t_eq "batch exits 1 when a host failed" 1 "$rc"
t_contains "build-server ok" "host build-server: ok" "$out"
t_contains "unknown key is a named failure" "host unknown-key: host key unknown" "$out"
fp=$(sshd_fingerprint)
t_contains "fingerprint printed as ssh-keygen -lf prints it" "ssh-ed25519 $fp" "$out"
t_eq "unknown key never recorded in batch mode" "$(cat "$T_TMP/known_hosts.orig")" "$(cat "$KH")"
t_contains "wrong client key" "host wrong-key: authentication failed" "$out"
t_contains "closed port" "host closed-port: connection refused" "$out"
t_contains "DNS failure" "host no-dns: DNS" "$out"
t_contains "black hole times out" "host black-hole: timeout" "$out"
t_contains "timeout names the phase" "no answer within 3 s (handshake)" "$out"
t_contains "probe of the open port" "probe 127.0.0.1:$SSHD_PORT: ok" "$out"
t_contains "probe of the closed port" "probe 127.0.0.1:$CLOSED: connection refused" "$out"
# The black hole costs its own timeout once, not once per host.
if [ "$took" -le 8 ]; then t_ok "all hosts done in ${took}s (one 3 s timeout, concurrent)"
else t_fail "all hosts done within 8 s" "took ${took}s"; fi
bs_elapsed=$(sed -n 's/^host build-server: ok (.*, \([0-9.]*\) s)$/\1/p' <<<"$out")
if awk -v e="$bs_elapsed" 'BEGIN { exit !(e != "" && e < 3.0) }'; then
  t_ok "build-server finished (${bs_elapsed}s) before the black hole's timeout"
else t_fail "build-server finished before the timeout" "elapsed: '$bs_elapsed'" "$out"; fi

# df: every mount of the real `df -P` with its use %.
real_df=$(LC_ALL=C df -P | tail -n +2)
n_real=$(wc -l <<<"$real_df")
n_ours=$(grep -c '^  disk ' <<<"$out")
t_eq "one disk row per df -P mount" "$n_real" "$n_ours"
bad=""
while read -r fs blocks used avail pct mnt; do
  grep -qE "^  disk +$pct .* $(printf '%s' "$mnt" | sed 's/[]\/$*.^[]/\\&/g') \(" <<<"$out" || bad="$bad $mnt=$pct"
done <<<"$real_df"
if [ -z "$bad" ]; then t_ok "each mount shows the use % df -P shows"; else t_fail "df use %" "mismatch:$bad" "$out"; fi

# pm2: name, status and restarts as the real pm2 jlist has them.
pm2_rows() {
  pm2 jlist | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    for (const p of JSON.parse(s.slice(s.indexOf("[{")))) console.log(`${p.name}: ${p.pm2_env.status}, restarts ${p.pm2_env.restart_time}`)})'
}
want=$(pm2_rows)
bad=""
while read -r line; do grep -qF "  pm2 $line," <<<"$out" || bad="$bad [$line]"; done <<<"$want"
if [ -z "$bad" ]; then t_ok "pm2 rows match pm2 jlist ($(wc -l <<<"$want") processes)"; else t_fail "pm2 rows" "missing:$bad" "$out"; fi
t_lacks "no process flagged missing while all run" "pm2 MISSING" "$out"

# A killed process: pm2 restarts it, the count rises.
pid=$(pm2 pid worker)
kill -9 "$pid"
wait_until 15 bash -c "pm2 jlist | node -e 'let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const w=JSON.parse(s.slice(s.indexOf(\"[{\"))).find(p=>p.name===\"worker\");process.exit(w.pm2_env.restart_time>0&&w.pm2_env.status===\"online\"?0:1)})'"
out=$(batch)
t_match "killed worker shows its restart" "^  pm2 worker: online, restarts [1-9]" "$out"

# An expected process stopped: flagged missing.
pm2 stop batch >/dev/null 2>&1
out=$(batch)
t_contains "stopped batch shown stopped" "  pm2 batch: stopped" "$out"
t_contains "stopped expected process flagged missing" "pm2 MISSING: batch" "$out"
pm2 delete batch >/dev/null 2>&1
out=$(batch)
t_contains "deleted expected process flagged missing" "pm2 MISSING: batch" "$out"

# Changed host key: the same port now answers with another key.
sshd_stop
sshd_start "$SSHD_DIR/host_key2" "$SSHD_PORT" || t_fail "second sshd starts on the same port"
out=$(batch)
t_contains "changed key refused" "host build-server: host key changed" "$out"
t_contains "changed key names the known_hosts line" "$KH:1" "$out"
t_contains "changed key shows the new fingerprint" "$(sshd_fingerprint "$SSHD_DIR/host_key2.pub")" "$out"
t_eq "known_hosts untouched after a changed key" "$(cat "$T_TMP/known_hosts.orig")" "$(cat "$KH")"
# The hosts example of warroom(5) is accepted as printed (its hosts are .invalid: DNS).
sed -n '/^\.SS Hosts example/,/^\.fi/p' "$T_ROOT/man/warroom.5" | sed '1,2d;$d' >"$T_TMP/man-hosts.yaml"
out=$("$BUILD/warroom" --config "$T_TMP/man-hosts.yaml" --batch --panel hosts 2>&1)
t_contains "warroom(5) hosts example is accepted" "host build-server: DNS" "$out"
printf 'hosts:\n  - name: a\n    port: 0\n' >"$T_TMP/bad.yaml"
out=$("$BUILD/warroom" --config "$T_TMP/bad.yaml" --batch --panel hosts 2>&1); rc=$?
t_eq "a bad config exits 2" 2 "$rc"
t_contains "a bad config names file:line and field" "bad.yaml:3: hosts[0].port: expected an integer 1..65535" "$out"
t_done
