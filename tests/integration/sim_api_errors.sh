#!/bin/bash
# warroom-sim's error answers and edges: Status objects for bad requests, token auth, TLS,
# watch 410/drop faults, the request log, the latency fault and garbage on the socket.
. "$(dirname "$0")/../lib/common.sh"

sim_start || { t_fail "warroom-sim starts"; t_done; }
t_ok "warroom-sim starts ($SIM_URL)"

# req METHOD PATH [BODY [CONTENT-TYPE]]: prints "CODE BODY"
req() {
	local ct=${4:-application/json}
	if [ $# -ge 3 ]; then
		curl -sS -o "$T_TMP/body" -w '%{http_code}' -X "$1" -H "Content-Type: $ct" --data-binary "$3" "$SIM_URL$2"
	else
		curl -sS -o "$T_TMP/body" -w '%{http_code}' -X "$1" "$SIM_URL$2"
	fi
	printf ' %s' "$(cat "$T_TMP/body")"
}
status_of() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read().split(" ",1)[1]); print(d["kind"], d["status"], d["reason"], d["code"])'; }

NS=/api/v1/namespaces/ingest
out=$(req POST $NS/pods '{"metadata": {"name": ')
t_eq "malformed JSON body: 400 Status" "Status Failure BadRequest 400" "$(status_of <<<"$out")"
t_match "malformed JSON body: code 400" '^400 ' "$out"
out=$(req GET /api/v1/widgets)
t_eq "unknown resource: 404 Status" "Status Failure NotFound 404" "$(status_of <<<"$out")"
out=$(req GET /apis/apps/v1/namespaces/ingest/deployments/nope)
t_eq "missing object: 404 NotFound" "Status Failure NotFound 404" "$(status_of <<<"$out")"
t_contains "missing object: message names group and name" 'deployments.apps \"nope\" not found' "$out"
out=$(req GET '/api/v1/pods?continue=not-a-token')
t_eq "bad continue token: 400" "Status Failure BadRequest 400" "$(status_of <<<"$out")"
out=$(req GET '/api/v1/pods?labelSelector=app%ZZ')
t_match "bad percent-encoding: 400" '^400 ' "$out"
out=$(req GET '/api/v1/pods?labelSelector=app+in+(a')
t_match "unparsable label selector: 400" '^400 .*BadRequest' "$out"
out=$(req DELETE /api/v1/pods)
t_eq "delete of every pod in every namespace: 405" "Status Failure MethodNotAllowed 405" "$(status_of <<<"$out")"
t_eq "... and nothing was deleted" "" "$(curl -sS "$SIM_URL/api/v1/pods" | grep -o deletionTimestamp | head -1)"
out=$(req POST /api/v1/nodes/x/status '{}')
t_eq "POST on an object: 405 MethodNotAllowed" "Status Failure MethodNotAllowed 405" "$(status_of <<<"$out")"

# create / conflicts / validation
pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"probe","labels":{"app":"probe"}},"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}'
out=$(req POST $NS/pods "$pod")
t_match "create pod: 201" '^201 .*"uid":"' "$out"
out=$(req POST $NS/pods "$pod")
t_eq "create again: 409 AlreadyExists" "Status Failure AlreadyExists 409" "$(status_of <<<"$out")"
out=$(req POST $NS/pods '{"kind":"Pod","metadata":{},"spec":{}}')
t_eq "create without a name: 422 Invalid" "Status Failure Invalid 422" "$(status_of <<<"$out")"
out=$(req POST $NS/pods '{"kind":"Pod","metadata":{"name":"Bad_Name"}}')
t_eq "create with an invalid name: 422" "Status Failure Invalid 422" "$(status_of <<<"$out")"
out=$(req POST $NS/pods '{"kind":"Pod","metadata":{"name":"x","namespace":"other"}}')
t_match "namespace in body differs from the path: 400" '^400 ' "$out"
out=$(req POST /api/v1/namespaces/no-such-ns/pods '{"kind":"Pod","metadata":{"name":"x"}}')
t_match "create in a missing namespace: 404" '^404 .*namespaces' "$out"
out=$(req POST "$NS/pods?dryRun=All" '{"kind":"Pod","metadata":{"name":"dry-one"}}')
t_match "dryRun=All create: 201" '^201 ' "$out"
t_match "dryRun=All create: nothing stored" '^404 ' "$(req GET $NS/pods/dry-one)"
out=$(req POST "$NS/pods?dryRun=Sometimes" '{"kind":"Pod","metadata":{"name":"x"}}')
t_match "bad dryRun value: 400" '^400 ' "$out"

# PUT on an object nothing else touches (the controller updates pods), so the rv is stable.
out=$(req POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"probe-ns","labels":{"v":"1"}}}')
t_match "create namespace: 201" '^201 ' "$out"
cur=$(req GET /api/v1/namespaces/probe-ns | cut -d' ' -f2-)
stale=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["metadata"]["resourceVersion"]="1"; print(json.dumps(d))' "$cur")
out=$(req PUT /api/v1/namespaces/probe-ns "$stale")
t_eq "PUT with a stale resourceVersion: 409 Conflict" "Status Failure Conflict 409" "$(status_of <<<"$out")"
fresh=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["metadata"]["labels"]["v"]="2"; print(json.dumps(d))' "$cur")
out=$(req PUT /api/v1/namespaces/probe-ns "$fresh")
t_match "PUT with the current resourceVersion: 200" '^200 .*"v":"2"' "$out"
renamed=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["metadata"]["name"]="other"; del d["metadata"]["resourceVersion"]; print(json.dumps(d))' "$cur")
out=$(req PUT /api/v1/namespaces/probe-ns "$renamed")
t_eq "PUT with a different name in the body: 422" "Status Failure Invalid 422" "$(status_of <<<"$out")"
out=$(req PATCH /apis/apps/v1/namespaces/ingest/deployments/ingest-core/scale '{"spec":{"replicas":-1}}' application/merge-patch+json)
t_eq "negative replicas via scale: 422 Invalid" "Status Failure Invalid 422" "$(status_of <<<"$out")"
t_contains "negative replicas: names the field" "spec.replicas" "$out"
out=$(req PATCH /apis/apps/v1/namespaces/ingest/deployments/ingest-core '{"spec":{"replicas":-3}}' application/merge-patch+json)
t_eq "negative replicas via patch: 422" "Status Failure Invalid 422" "$(status_of <<<"$out")"
out=$(req PATCH /apis/apps/v1/namespaces/ingest/deployments/ingest-core '{"metadata":{"labels":{"a":"b"}}}' application/apply-patch+yaml)
t_eq "apply patch: 415" "Status Failure UnsupportedMediaType 415" "$(status_of <<<"$out")"
out=$(req PATCH /apis/apps/v1/namespaces/ingest/deployments/ingest-core '[{"op":"test","path":"/spec/replicas","value":99}]' application/json-patch+json)
t_match "failing JSON patch test op: 422" '^422 ' "$out"
out=$(req PATCH /apis/apps/v1/namespaces/ingest/deployments/ingest-core '[{"op":"add","path":"/metadata/labels/tier","value":"api"}]' application/json-patch+json)
t_match "JSON patch add: 200" '^200 .*"tier":"api"' "$out"
out=$(req GET /apis/apps/v1/namespaces/ingest/deployments/ingest-core/scale)
t_match "GET scale: autoscaling/v1 Scale" '^200 .*"kind":"Scale".*"apiVersion":"autoscaling/v1"' "$out"
out=$(req POST $NS/pods/probe/eviction '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"probe"}}')
t_match "eviction: 201" '^201 ' "$out"
out=$(req POST $NS/pods/ghost/eviction '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"ghost"}}')
t_match "eviction of a missing pod: 404" '^404 ' "$out"
big=$(head -c 9000000 /dev/zero | tr '\0' 'a')
out=$(printf '%s' "$big" | curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @- "$SIM_URL$NS/pods")
t_eq "body over 8 MiB: 413" 413 "$out"

# logs errors
out=$(req GET $NS/pods/ghost/log)
t_match "logs of a missing pod: 404" '^404 ' "$out"
p=$(curl -sS "$SIM_URL$NS/pods?labelSelector=app%3Dingest-core" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["metadata"]["name"])')
out=$(req GET "$NS/pods/$p/log?container=nope")
t_match "logs of an unknown container: 400" '^400 .*container nope is not valid' "$out"
out=$(req GET "$NS/pods/$p/log?previous=true")
t_match "previous logs without a previous container: 400" '^400 .*previous terminated container' "$out"
mp=$(curl -sS "$SIM_URL/api/v1/namespaces/managed-services/pods" | python3 -c 'import json,sys; print([i["metadata"]["name"] for i in json.load(sys.stdin)["items"] if len(i["spec"]["containers"]) > 1][0])')
out=$(req GET "/api/v1/namespaces/managed-services/pods/$mp/log")
t_match "logs of a multi-container pod without container: 400 listing them" \
	"^400 .*a container name must be specified for pod $mp, choose one of: \\[service envoy-sidecar\\]" "$out"
t_match "logs with container given: 200" '^200 ' "$(req GET "/api/v1/namespaces/managed-services/pods/$mp/log?container=service&tailLines=1")"
out=$(req GET "$NS/pods/$p/log?sinceTime=yesterday")
t_match "bad sinceTime: 400" '^400 ' "$out"

# faults
out=$(curl -sS -o "$T_TMP/b" -w '%{http_code}' -X POST --data '{"type":' "$SIM_URL/sim/v1/faults"); t_eq "malformed fault body: 400" 400 "$out"
t_contains "malformed fault body: JSON message" '"error":' "$(cat "$T_TMP/b")"
out=$(curl -sS -o "$T_TMP/b" -w '%{http_code}' -X POST --data '{"type":"no-such-fault"}' "$SIM_URL/sim/v1/faults"); t_eq "unknown fault type: 400" 400 "$out"
out=$(curl -sS -o "$T_TMP/b" -w '%{http_code}' -X POST --data '[1,2]' "$SIM_URL/sim/v1/faults"); t_eq "fault body not an object: 400" 400 "$out"

# watch: expire -> 410 ERROR event; drop-watches -> the stream is cut.
rv=$(curl -sS "$SIM_URL/api/v1/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
# a change after $rv, so the compaction below leaves $rv outside the window for sure
t_match "a write moves the resourceVersion" '^201 ' "$(req POST /api/v1/namespaces '{"kind":"Namespace","metadata":{"name":"rv-mover"}}')"
bg_start "$T_TMP/w1" curl -sSN "$SIM_URL/api/v1/pods?watch=1&resourceVersion=$rv"
w1=$BG_PID
sleep 0.5
t_check "expire fault accepted" fault '{"type":"expire"}'
if wait_until 5 grep -q '"type":"ERROR".*"code":410' "$T_TMP/w1"; then t_ok "open watch gets a 410 ERROR event after expire"
else t_fail "open watch gets a 410 ERROR event after expire" "$(tail -c 600 "$T_TMP/w1")"; fi
t_check "the 410 watch ended" wait_until 5 bash -c "! kill -0 $w1"
out=$(curl -sS -m 5 "$SIM_URL/api/v1/pods?watch=1&resourceVersion=$rv")
t_match "watch from a compacted resourceVersion: one 410 Expired event" '^\{"type":"ERROR","object":\{.*"reason":"Expired".*"code":410' "$out"
t_contains "410 message names the version" "too old resource version: $rv" "$out"
bg_start "$T_TMP/w2" bash -c "curl -sSN '$SIM_URL/api/v1/pods?watch=1'; echo \"curl-exit=\$?\""
sleep 0.5
t_check "drop-watches fault accepted" fault '{"type":"drop-watches"}'
if wait_until 5 grep -q 'curl-exit=' "$T_TMP/w2"; then t_ok "open watch is closed by drop-watches"
else t_fail "open watch is closed by drop-watches" "$(tail -c 300 "$T_TMP/w2")"; fi
t_lacks "drop-watches: not a clean end (no 410, cut short)" "curl-exit=0" "$(cat "$T_TMP/w2")"
out=$(curl -sSN -m 10 "$SIM_URL/api/v1/namespaces/ingest/pods?watch=1&timeoutSeconds=1&resourceVersion=$(curl -sS "$SIM_URL/api/v1/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')" ; echo "exit=$?")
t_contains "timeoutSeconds=1 ends the watch cleanly" "exit=0" "$out"
out=$(curl -sSN -m 8 "$SIM_URL/api/v1/namespaces/kube-system/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=7&labelSelector=nothing%3Dmatches&resourceVersion=$(curl -sS "$SIM_URL/api/v1/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')")
t_match "idle watch with allowWatchBookmarks gets a BOOKMARK" '"type":"BOOKMARK".*"resourceVersion":"[0-9]+"' "$out"

# request log
since=$(curl -sS "$SIM_URL/sim/v1/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])')
kc get nodes >/dev/null 2>&1
out=$(curl -sS "$SIM_URL/sim/v1/requests?since=$since")
t_match "/sim/v1/requests shows kubectl's list of nodes" '"method":"GET","path":"/api/v1/nodes"' "$out"
t_lacks "/sim/v1/requests: older requests left out with since=" '"path":"/api/v1/widgets"' "$out"
t_lacks "/sim/v1/requests: /sim/v1 calls are not recorded" '"path":"/sim/v1/' "$out"

# latency
t_check "latency fault accepted" fault '{"type":"latency","ms":800}'
t=$(curl -sS -o /dev/null -w '%{time_total}' "$SIM_URL/api/v1/namespaces")
t_check "latency fault delays API answers (${t}s)" python3 -c "import sys; sys.exit(0 if $t >= 0.75 else 1)"
t=$(curl -sS -o /dev/null -w '%{time_total}' "$SIM_URL/sim/v1/requests?since=999999")
t_check "latency fault spares /sim/v1 (${t}s)" python3 -c "import sys; sys.exit(0 if $t < 0.5 else 1)"
t_check "latency back to 0" fault '{"type":"latency","ms":0}'

# garbage on the socket
port=${SIM_URL##*:}
for junk in 'GARBAGE\r\n\r\n' 'GET / HTTP/9.9\r\nHost: x\r\n\r\n' '\x00\x01\x02\xff\xfe\r\n\r\n' 'GET /api/v1/pods HTTP/1.1\r\nContent-Length: -5\r\n\r\n'; do
	(exec 3<>"/dev/tcp/127.0.0.1/$port"; printf "$junk" >&3; timeout 2 cat <&3 >/dev/null; exec 3>&-) 2>/dev/null
done
t_eq "garbage on the socket: the server still answers" ok "$(curl -sS -m 5 "$SIM_URL/healthz")"
t_check "garbage on the socket: the process is alive" kill -0 "$SIM_PID"
sim_stop

# token auth
sim_start --token s3cret-token || t_fail "warroom-sim --token starts"
t_eq "token: no header -> 401" 401 "$(curl -sS -o "$T_TMP/b" -w '%{http_code}' "$SIM_URL/api/v1/pods")"
t_contains "token: 401 is a Status with reason Unauthorized" '"reason":"Unauthorized"' "$(cat "$T_TMP/b")"
t_eq "token: wrong token -> 401" 401 "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-tokeN' "$SIM_URL/api/v1/pods")"
t_eq "token: prefix of the token -> 401" 401 "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret' "$SIM_URL/api/v1/pods")"
t_eq "token: /sim/v1 also needs it" 401 "$(curl -sS -o /dev/null -w '%{http_code}' -X POST --data '{"type":"clear"}' "$SIM_URL/sim/v1/faults")"
t_eq "token: right header -> 200" 200 "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-token' "$SIM_URL/api/v1/pods")"
out=$(kc get nodes 2>&1)
t_contains "token: kubectl without credentials is refused" "You must be logged in to the server" "$out"
t_lacks "token: the token never appears in the log" "s3cret-token" "$(cat "$SIM_LOG")"
sim_stop

# TLS with a throwaway CA
cd "$T_TMP" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext.cnf
openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 -extfile ext.cnf >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj /CN=other-ca >/dev/null 2>&1
cd - >/dev/null || exit 1
# kubectl sends tokens only over TLS, and without credentials it would prompt for a
# user name, so the TLS server also checks the token.
if sim_start --tls-cert "$T_TMP/srv.crt" --tls-key "$T_TMP/srv.key" --token s3cret-token; then
	t_match "TLS: listening line says https" '^https://127\.0\.0\.1:[0-9]+$' "$SIM_URL"
	t_eq "TLS: curl with --cacert" ok "$(curl -sS --cacert "$T_TMP/ca.crt" -H 'Authorization: Bearer s3cret-token' "$SIM_URL/healthz" 2>&1)"
	out=$(KUBECONFIG=$T_TMP/no-kubeconfig kubectl --server "$SIM_URL" --certificate-authority "$T_TMP/ca.crt" --token s3cret-token --request-timeout=20s get nodes --no-headers 2>&1 </dev/null)
	t_eq "TLS + token: kubectl --certificate-authority --token works" 3 "$(grep -c Ready <<<"$out")"
	out=$(KUBECONFIG=$T_TMP/no-kubeconfig kubectl --server "$SIM_URL" --certificate-authority "$T_TMP/ca.crt" --token wrong --request-timeout=20s get nodes 2>&1 </dev/null)
	t_contains "TLS + token: kubectl with a wrong token is refused" "Unauthorized" "$out"
	out=$(curl -sS --cacert "$T_TMP/other.crt" "$SIM_URL/healthz" 2>&1)
	t_lacks "TLS: a wrong CA is rejected by curl" "ok" "$out"
	out=$(KUBECONFIG=$T_TMP/no-kubeconfig kubectl --server "$SIM_URL" --certificate-authority "$T_TMP/other.crt" --token s3cret-token --request-timeout=10s get nodes 2>&1 </dev/null)
	t_contains "TLS: kubectl with a wrong CA fails" "certificate signed by unknown authority" "$out"
	sim_stop
else
	t_fail "TLS: warroom-sim starts with --tls-cert/--tls-key"
fi

# bad command lines and addresses
out=$("$BUILD/warroom-sim" --listen 0.0.0.0:0 2>&1); rc=$?
t_eq "non-loopback --listen: exit 2" 2 "$rc"
t_contains "non-loopback --listen: says why" "non-loopback" "$out"
out=$("$BUILD/warroom-sim" --bogus 2>&1); rc=$?
t_eq "unknown option: exit 2" 2 "$rc"
t_contains "unknown option: named" "--bogus" "$out"
out=$("$BUILD/warroom-sim" --tls-cert /nonexistent --tls-key /nonexistent 2>&1); rc=$?
t_eq "unreadable certificate: exit 2" 2 "$rc"
t_contains "unreadable certificate: named" "/nonexistent" "$out"
t_done
