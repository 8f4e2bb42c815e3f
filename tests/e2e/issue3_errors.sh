#!/bin/bash
# Issue 3 "Clear errors, not crashes": the cases no other suite covers, in batch mode and
# `warroom run` (exit 2, one line on stderr naming what failed) and in the console (the
# status line says why, keys still work):
#   403 (names the verb and resource), a server answering garbage (not JSON, wrong kind,
#   truncated), a server that never answers (timeout), an unresolvable host (DNS).
# Covered elsewhere: refused port (batch.sh), 401 (batch.sh, auth_token.sh), wrong CA /
# TLS (auth_tls.sh), unknown context and invalid/missing kubeconfig (auth_token.sh,
# issue3_ctx.sh).
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"

# A fake API server on 127.0.0.1: MODE forbidden | garbage | wrongkind | truncated | hang.
cat >"$T_TMP/fake.py" <<'EOF'
import socket, sys, threading, time
mode = sys.argv[1]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
print("port", srv.getsockname()[1], flush=True)
held = []
def answer(c):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                return
            data += chunk
        if mode == "hang":
            held.append(c)
            return
        path = data.split(b" ")[1].decode()
        if mode == "forbidden":
            body = ('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods is forbidden: '
                    'User \\"system:anonymous\\" cannot list resource \\"pods\\" in API group \\"\\" at the '
                    'cluster scope","reason":"Forbidden","code":403}')
            status = "403 Forbidden"
        elif mode == "garbage":
            body, status = "<html><body>\x1b[31mBad Gateway</body></html>", "200 OK"
        elif mode == "wrongkind":
            body, status = '{"kind":"Secret","items":"nope"}', "200 OK"
        else:  # truncated: a JSON list cut in the middle
            body, status = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"na', "200 OK"
        b = body.encode()
        c.sendall(("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                   "Connection: close\r\n\r\n" % (status, len(b))).encode() + b)
        c.close()
    except OSError:
        pass
while True:
    c, _ = srv.accept()
    threading.Thread(target=answer, args=(c,), daemon=True).start()
EOF

# fake_start MODE: sets FAKE_URL.
fake_start() {
  bg_start "$T_TMP/fake-$1.log" python3 -u "$T_TMP/fake.py" "$1"
  wait_until 10 grep -q '^port ' "$T_TMP/fake-$1.log"
  FAKE_URL=http://127.0.0.1:$(awk '/^port/ {print $2}' "$T_TMP/fake-$1.log")
}

# batch_err WHAT URL [ARGS]: runs batch mode, sets rc and err.
batch() { "$WR" --batch --server "$@" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?; err=$(cat "$T_TMP/err"); }

# 403: names the verb and the resource, and the server's reason
fake_start forbidden
batch "$FAKE_URL"
t_eq "403: exit 2" 2 "$rc"
t_eq "403: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
t_contains "403: names the verb and resource" "403 Forbidden: list pods" "$err"
t_contains "403: the server's reason" "cannot list resource" "$err"
t_eq "403: no table" "" "$(cat "$T_TMP/out")"
"$WR" --server "$FAKE_URL" run workloads >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "403 in run workloads: exit 2" 2 "$rc"
t_contains "403 in run workloads: list deployments named" "403 Forbidden: list deployments.apps" "$(cat "$T_TMP/err")"
# at 80 columns the status line is cut, so each pane that never listed says why itself
tm_start 80x24 "$WR" --server "$FAKE_URL"
if tm_wait 10 "(GET /api/v1/pods: 403 Forbidden: list pods"; then t_ok "403 in the console: the pods pane says why"
else t_fail "403 in the console: the pods pane says why" "$(tm_screen)"; fi
t_match "403 in the console: the status line shows the error state at 80 columns" "^ warroom +127.0.0.1:[0-9]+ +ns:all +all error, retry" "$(tm_screen | head -1)"
tm_keys '?'
if tm_wait 5 "next-pane"; then t_ok "403 in the console: keys answered"; else t_fail "403 in the console: keys answered" "$(tm_screen)"; fi
tm_keys Escape q
if wait_until 5 tm_dead; then t_ok "403 in the console: q quits"; else t_fail "403 in the console: q quits" "$(tm_screen)"; fi
tmux -L "$T_TMUX" kill-server >/dev/null 2>&1

# garbage answers: exit 2 with the path and what was wrong, never a crash or an escape
for mode in garbage wrongkind truncated; do
  fake_start $mode
  batch "$FAKE_URL"
  t_eq "$mode: exit 2" 2 "$rc"
  t_eq "$mode: one line on stderr" 1 "$(wc -l <"$T_TMP/err")"
  t_contains "$mode: names the API path" "/api/v1/pods" "$err"
  t_eq "$mode: no escape byte reaches stderr" 0 "$(grep -c $'\e' "$T_TMP/err")"
  case $mode in
    garbage) t_match "garbage: says it is not JSON" "JSON|json" "$err" ;;
    wrongkind) t_match "wrong kind: names the kind" "Secret|PodList" "$err" ;;
    truncated) t_match "truncated: says the JSON is bad" "JSON|json|parse" "$err" ;;
  esac
done

# a server that accepts and never answers: the list times out (20 s), exit 2
fake_start hang
start=$SECONDS
batch "$FAKE_URL"
t_eq "no answer: exit 2" 2 "$rc"
t_match "no answer: says it timed out" "timed out|timeout" "$err"
t_contains "no answer: names the path" "/api/v1/pods" "$err"
t_check "no answer: gives up within 40 s" test $((SECONDS - start)) -lt 40
# the console keeps answering keys while the list hangs
tm_start 120x30 "$WR" --server "$FAKE_URL"
tm_wait 5 "listing"
t_match "no answer in the console: status shows the pending list" "listing" "$(tm_screen | head -1)"
tm_keys Tab
if tm_wait 3 "> Nodes"; then t_ok "no answer in the console: Tab answered at once"
else t_fail "no answer in the console: Tab answered at once" "$(tm_screen)"; fi
tm_keys q
if wait_until 5 tm_dead; then t_ok "no answer in the console: q quits"; else t_fail "no answer in the console: q quits" "$(tm_screen)"; fi

# DNS: a host that cannot resolve (.invalid is reserved, RFC 2606)
batch "http://no-such-host.invalid:6443"
t_eq "DNS failure: exit 2" 2 "$rc"
t_match "DNS failure: says the host cannot be resolved" "DNS|resolve" "$err"
t_contains "DNS failure: names the host" "no-such-host.invalid" "$err"
t_done
