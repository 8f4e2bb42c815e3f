#!/bin/bash
# 50 host entries (the same real sshd under 50 names) are polled concurrently.  The times
# are printed for the record; concurrency is asserted as overlap of the per-host times,
# plus a generous sanity bound (no timing targets in tests).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if ! sshd_available; then
  t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
fi
sshd_setup && sshd_start || { t_fail "sshd starts on 127.0.0.1"; t_done; }
KH=$T_TMP/known_hosts
sshd_known_hosts "$KH" 127.0.0.1

config() { # N
  echo "known_hosts: $KH"
  echo "timeout: 20"
  echo "hosts:"
  for i in $(seq 1 "$1"); do
    printf '  - {name: vm-%02d, address: 127.0.0.1, port: %s, identity: %s, checks: [df, load]}\n' \
      "$i" "$SSHD_PORT" "$SSH_KEY"
  done
}
config 1 >"$T_TMP/one.yaml"
config 50 >"$T_TMP/fifty.yaml"

run() { # FILE -> output; sets MS
  local t0 t1
  t0=$(date +%s%N)
  OUT=$("$BUILD/warroom" --config "$1" --batch --panel hosts 2>&1); RC=$?
  t1=$(date +%s%N)
  MS=$(( (t1 - t0) / 1000000 ))
}
run "$T_TMP/one.yaml"; one_ms=$MS
t_eq "one host polled ok" 0 "$RC"
run "$T_TMP/fifty.yaml"; fifty_ms=$MS
grep -A1 "^host vm-[0-9]*: [^o]" <<<"$OUT" | head -6 | sed "s/^/# failed: /"
t_eq "50 hosts polled, batch exit 0" 0 "$RC"
t_eq "50 hosts report ok" 50 "$(grep -c '^host vm-[0-9]*: ok' <<<"$OUT")"
t_eq "50 hosts each show their mounts" 50 "$(grep -c '^  disk .* / (' <<<"$OUT")"
# Concurrency, independent of how fast this machine's sshd forks: the per-host times
# (each from its own start) add up to many times the wall time only when they overlap.
sum_ms=$(sed -n 's/^host vm-[0-9]*: ok (.*, \([0-9.]*\) s)$/\1/p' <<<"$OUT" | awk '{ s += $1 } END { printf "%d", s * 1000 }')
echo "# one host: ${one_ms} ms; 50 hosts concurrently: ${fifty_ms} ms wall, ${sum_ms} ms summed per host"
echo "# (sequential polling would take about the sum)"
if [ "$sum_ms" -ge $((fifty_ms * 5)) ]; then
  t_ok "50 polls overlap: ${sum_ms} ms of host time in ${fifty_ms} ms"
else
  t_fail "50 polls overlap (summed host time >= 5x wall)" "sum: $sum_ms ms, wall: $fifty_ms ms"
fi
# Sanity bound only.
if [ "$fifty_ms" -le 60000 ]; then t_ok "50 hosts within 60 s"; else t_fail "50 hosts within 60 s" "took $fifty_ms ms"; fi
t_done
