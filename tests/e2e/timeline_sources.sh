#!/usr/bin/env bash
# Timeline entries from every source but pods and nodes (issue 9), recorded by one console:
#   a matrix service going down and recovering (runbooks/ingest.yaml, `unavailable`, `clear`);
#   a host crossing its disk thresholds and back, pm2 restarts jumping (a fake remote df
#   and pm2 behind a real sshd, their output set by the test);
#   the connection to that host lost and regained (sshd stopped, started on the same port);
#   the connection to the cluster lost and regained (the simulator killed, started again on
#   the same port).
# Each entry is checked for its text, context and object, the order of the entries, and
# folding: a state that lasts is one entry, not one per poll.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"

WR=$BUILD/warroom
INC=$XDG_STATE_HOME/warroom/incidents
if ! sshd_available; then
  t_fail "openssh-server is installed (scripts/deps.sh)" "missing $SSHD_BIN"; t_done
fi
sshd_setup || { t_fail "ssh-keygen makes per-run keys"; t_done; }
sim_start || { t_fail "simulator starts"; t_done; }
SIM_PORT=${SIM_URL##*:}

# The remote df and pm2 print what the test writes into these files.
REMOTE=$T_TMP/remote-bin
df_use() { # PERCENT
  printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda1 1000000 %d %d %d%% /\n' \
    $(($1 * 10000)) $(((100 - $1) * 10000)) "$1" >"$T_TMP/df.out"
}
pm2_restarts() { # N
  printf '[{"name":"api","pm_id":0,"pm2_env":{"status":"online","restart_time":%d},"monit":{"cpu":1,"memory":1000}}]\n' \
    "$1" >"$T_TMP/pm2.out"
}
df_use 40
pm2_restarts 0
fake_bin "$REMOTE" df "cat $T_TMP/df.out"
fake_bin "$REMOTE" pm2 "cat $T_TMP/pm2.out"
SSHD_SETENV="PATH=$REMOTE:/usr/bin:/bin"
sshd_start || { t_fail "sshd starts"; t_done; }
KH=$T_TMP/known_hosts
sshd_known_hosts "$KH"
cat >"$T_TMP/hosts.yaml" <<EOF
known_hosts: $KH
timeout: 4
interval: 1
hosts:
  - name: vm1
    address: 127.0.0.1
    port: $SSHD_PORT
    identity: $SSH_KEY
    checks: [df, pm2]
EOF

# The entries as recorded: "ctx|object|count|text", a later line with the same id
# replacing the earlier one in place (the file's append-only fold).
entries() {
  python3 - "$INC" <<'PY'
import glob, json, sys
order, last = [], {}
for f in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
    for line in open(f):
        e = json.loads(line)
        if e["id"] not in last:
            order.append(e["id"])
        last[e["id"]] = e
for i in order:
    e = last[i]
    print("%s|%s|%s|%s" % (e["ctx"], e["object"], e.get("count", 1), e["text"]))
PY
}
has() { entries | grep -qE -- "$1"; }
# count ERE: entries matching
count() { entries | grep -cE -- "$1"; }
# The order in which the ERE alternatives first appear.
order_of() { entries | grep -oE -- "$1" | awk '!seen[$0]++' | tr '\n' ' '; }

tm_start 200x50 env KUBECONFIG="$T_TMP/none" "$WR" --server "$SIM_URL" --matrix "$T_ROOT/runbooks/ingest.yaml" \
  --config "$T_TMP/hosts.yaml" -c matrix
tm_wait 20 "validator" || t_fail "console shows the matrix" "$(tm_screen)"
wait_until 20 bash -c "tmux -L $T_TMUX capture-pane -p -t t | grep -qE '^broker +ok'"

# ---- a matrix service down and back ----
fault '{"type":"unavailable","namespace":"ingest","deployment":"ingest-broker"}' >/dev/null
wait_until 30 has "\|service/broker\|1\|Service broker is down"
t_match "service down: text, object" "\|service/broker\|1\|Service broker is down: replicas: 0/1 ready" "$(entries)"
ctx=$(entries | grep -F "|service/broker|" | head -1 | cut -d'|' -f1)
t_eq "service down: context is the cluster's" "$SIM_URL" "$ctx"
fault '{"type":"clear"}' >/dev/null
wait_until 60 has "\|service/broker\|1\|Service broker recovered"
t_match "service recovered: text, object" "^$SIM_URL\|service/broker\|1\|Service broker recovered$" "$(entries)"
sleep 2
t_eq "service: down once, recovered once (one entry per change, not per poll)" "2" "$(count '\|service/broker\|')"
t_eq "service: in order" "is down recovered " "$(order_of 'Service broker (is down|recovered)' | sed 's/Service broker //g')"

# ---- disk thresholds ----
df_use 90
wait_until 30 has "host/vm1/disk.*warning threshold"
t_match "disk warning: text, context, object" "^vm1\|host/vm1/disk\|1\|Host vm1 crossed the warning threshold: 90% used on /$" "$(entries)"
df_use 97
wait_until 15 has "host/vm1/disk.*critical threshold"
t_match "disk critical: text" "^vm1\|host/vm1/disk\|1\|Host vm1 crossed the critical threshold: 97% used on /$" "$(entries)"
df_use 40
wait_until 15 has "host/vm1/disk.*back under"
t_match "disk back: text" "^vm1\|host/vm1/disk\|1\|Host vm1 disk use back under its thresholds$" "$(entries)"
sleep 2
t_eq "disk: three entries, in order" "warning critical back " \
  "$(order_of 'crossed the (warning|critical)|back under' | sed -E 's/crossed the //g; s/ under//g')"
t_eq "disk: a lasting level is one entry" 3 "$(count '\|host/vm1/disk\|')"

# ---- pm2 restarts jumping ----
pm2_restarts 3
wait_until 15 has "host/vm1/pm2/api"
t_match "pm2 jump: text, context, object" "^vm1\|host/vm1/pm2/api\|1\|Host vm1: pm2 api restarts jumped from 0 to 3$" "$(entries)"
pm2_restarts 5
wait_until 15 has "jumped from 3 to 5"
sleep 2
t_eq "pm2: each jump one entry, in order" "from 0 to 3 from 3 to 5 " "$(order_of 'from [0-9]+ to [0-9]+')"
t_eq "pm2: a steady count adds nothing" 2 "$(count '\|host/vm1/pm2/api\|')"

# ---- the host's connection lost and regained ----
sshd_stop
wait_until 20 has "^vm1\|host/vm1\|1\|Connection to host vm1 lost"
t_match "host lost: text, context, object" "^vm1\|host/vm1\|1\|Connection to host vm1 lost: .+" "$(entries)"
sleep 3
t_eq "host lost: one entry while it stays down" 1 "$(count 'Connection to host vm1 lost')"
sshd_start "" "$SSHD_PORT" || t_fail "sshd restarts on the same port"
wait_until 30 has "Connection to host vm1 regained"
t_match "host regained: text, context, object" "^vm1\|host/vm1\|1\|Connection to host vm1 regained$" "$(entries)"
# The first successful poll is no news: only a change of state is recorded.
t_eq "host: lost then regained, once each" "lost regained " \
  "$(entries | grep -F '|host/vm1|' | grep -oE 'lost|regained' | tr '\n' ' ')"

# ---- the cluster's connection lost and regained ----
kill -9 "$SIM_PID"
wait_until 30 has "\|connection/.*\|1\|Connection to $SIM_URL lost"
t_match "cluster lost: text, context, object" "^$SIM_URL\|connection/$SIM_URL\|1\|Connection to $SIM_URL lost: .+" "$(entries)"
sleep 3
t_eq "cluster lost: one entry while it stays down" 1 "$(count "Connection to $SIM_URL lost")"
SIM_LOG=$T_TMP/sim-again.log
bg_start "$SIM_LOG" "$BUILD/warroom-sim" --listen "127.0.0.1:$SIM_PORT"
SIM_PID=$BG_PID
wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SIM_PORT" || t_fail "simulator restarts on the same port" "$(cat "$SIM_LOG")"
wait_until 60 has "Connection to $SIM_URL regained"
t_match "cluster regained: text, context, object" "^$SIM_URL\|connection/$SIM_URL\|1\|Connection to $SIM_URL regained$" "$(entries)"
t_eq "cluster: lost then regained" "lost regained " \
  "$(entries | grep -F "|connection/$SIM_URL|" | grep -oE 'lost|regained' | tr '\n' ' ')"

# The whole story in one order.
t_eq "all sources in the order they happened" "broker-down broker-up warning critical back 0-3 3-5 host-lost host-back cluster-lost cluster-back " \
  "$(entries | sed -nE 's/.*Service broker is down.*/broker-down/p; s/.*Service broker recovered.*/broker-up/p;
       s/.*crossed the (warning|critical).*/\1/p; s/.*back under.*/back/p; s/.*jumped from ([0-9]+) to ([0-9]+).*/\1-\2/p;
       s/.*Connection to host vm1 lost.*/host-lost/p; s/.*Connection to host vm1 regained.*/host-back/p; s/.*Connection to http.* lost.*/cluster-lost/p;
       s/.*Connection to http.* regained.*/cluster-back/p' | tr '\n' ' ')"
t_done
