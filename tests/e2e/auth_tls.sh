#!/bin/bash
# TLS like kubectl: the CA from the kubeconfig (certificate-authority file and
# certificate-authority-data), verification on by default with a clear message when it
# fails, insecure-skip-tls-verify (and its warning in the TUI status line), client
# certificate options reaching TLS.  Certificates are made here with openssl: no private
# key is committed.
. "$(dirname "$0")/../lib/common.sh"
WR=$BUILD/warroom
export HOME=$T_TMP/home KUBECONFIG=
mkdir -p "$HOME"
command -v openssl >/dev/null || { t_fail "openssl is installed"; t_done; }

# mkca NAME: a self-signed CA; mkcert NAME CA: a cert for 127.0.0.1 signed by CA.
mkca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
    -keyout "$T_TMP/$1.key" -out "$T_TMP/$1.crt" 2>/dev/null
}
mkcert() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$T_TMP/$1.key" -out "$T_TMP/$1.csr" 2>/dev/null &&
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >"$T_TMP/$1.ext" &&
  openssl x509 -req -in "$T_TMP/$1.csr" -CA "$T_TMP/$2.crt" -CAkey "$T_TMP/$2.key" -CAcreateserial \
    -days 2 -extfile "$T_TMP/$1.ext" -out "$T_TMP/$1.crt" 2>/dev/null
}
mkca ca && mkca otherca && mkcert server ca && mkcert client ca || { t_fail "openssl makes certificates"; t_done; }

sim_start --tls-cert "$T_TMP/server.crt" --tls-key "$T_TMP/server.key" || { t_fail "warroom-sim with TLS starts"; t_done; }
t_match "the simulator speaks https" '^https://127\.0\.0\.1:[0-9]+$' "$SIM_URL"
cols() { tail -n +2 | awk '{print $1, $2}' | sort; }
# (a token, though the simulator wants none: without one kubectl prompts for a password)
reference=$(KUBECONFIG=$T_TMP/none kubectl --server "$SIM_URL" --certificate-authority "$T_TMP/ca.crt" \
  --token unused --request-timeout=20s get pods -A --no-headers 2>/dev/null </dev/null | awk '{print $1, $2}' | sort)

# kubeconfig NAME CLUSTER_YAML [USER_YAML]
kubeconfig() {
  local f=$T_TMP/$1
  { echo "current-context: sim"; echo "clusters:"; echo "- name: simc"; echo "  cluster:"
    echo "    server: '$SIM_URL'"; echo "    $2"
    echo "contexts:"; echo "- name: sim"; echo "  context: {cluster: simc, user: me}"
    echo "users:"; echo "- name: me"; echo "  user: {${3:-}}"; } >"$f"
  echo "$f"
}

# certificate-authority: a file, relative to the kubeconfig
kc=$(kubeconfig ca-file.yaml "certificate-authority: ca.crt")
out=$("$WR" --batch --kubeconfig "$kc" 2>"$T_TMP/err"); rc=$?
t_eq "CA file: exit 0" 0 "$rc"
t_contains "CA file: pods listed" "ingest-broker-" "$out"
if [ -n "$reference" ]; then t_eq "CA file: same pods as kubectl" "$reference" "$(cols <<<"$out")"
else t_ok "CA file: kubectl comparison skipped (kubectl could not connect)"; fi

# certificate-authority-data: the PEM, base64
kc=$(kubeconfig ca-data.yaml "certificate-authority-data: $(base64 -w0 "$T_TMP/ca.crt")")
out=$("$WR" --batch --kubeconfig "$kc" 2>"$T_TMP/err"); rc=$?
t_eq "CA data: exit 0" 0 "$rc"
t_contains "CA data: pods listed" "ingest-broker-" "$out"

# --certificate-authority on the command line with --server (no kubeconfig)
out=$("$WR" --batch --server "$SIM_URL" --certificate-authority "$T_TMP/ca.crt" 2>&1); rc=$?
t_eq "--server + --certificate-authority: exit 0" 0 "$rc"

# a wrong CA: exit 2, a TLS message naming the server and the CA
kc=$(kubeconfig wrong-ca.yaml "certificate-authority: $T_TMP/otherca.crt")
"$WR" --batch --kubeconfig "$kc" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
t_eq "wrong CA: exit 2" 2 "$rc"
t_contains "wrong CA: clear TLS message" "TLS: certificate verify failed for $SIM_URL (CA: $T_TMP/otherca.crt)" "$(cat "$T_TMP/err")"
t_eq "wrong CA: one line" 1 "$(wc -l <"$T_TMP/err")"
kc=$(kubeconfig wrong-ca-data.yaml "certificate-authority-data: $(base64 -w0 "$T_TMP/otherca.crt")")
"$WR" --batch --kubeconfig "$kc" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "wrong CA data: exit 2" 2 "$rc"
t_contains "wrong CA data: names the kubeconfig field" "(CA: certificate-authority-data)" "$(cat "$T_TMP/err")"

# no CA at all: verification is on by default, against the system's CAs
"$WR" --batch --server "$SIM_URL" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "no CA: verification on by default, exit 2" 2 "$rc"
t_contains "no CA: says so" "TLS: certificate verify failed for $SIM_URL (CA: system CAs)" "$(cat "$T_TMP/err")"

# insecure-skip-tls-verify: works, and says so
kc=$(kubeconfig insecure.yaml "insecure-skip-tls-verify: true")
out=$("$WR" --batch --kubeconfig "$kc" 2>"$T_TMP/err"); rc=$?
t_eq "insecure-skip-tls-verify: exit 0" 0 "$rc"
t_contains "insecure-skip-tls-verify: pods listed" "ingest-broker-" "$out"
out=$("$WR" --batch --server "$SIM_URL" --insecure-skip-tls-verify 2>&1); rc=$?
t_eq "--insecure-skip-tls-verify flag: exit 0" 0 "$rc"

# client certificate and key files are handed to TLS (the simulator does not ask for
# one, so a good pair must work and a broken one must fail naming the certificate)
kc=$(kubeconfig client.yaml "certificate-authority: ca.crt" "client-certificate: client.crt, client-key: client.key")
"$WR" --batch --kubeconfig "$kc" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "client certificate: exit 0" 0 "$rc"
t_eq "client certificate: nothing on stderr" "" "$(cat "$T_TMP/err")"
kc=$(kubeconfig client-data.yaml "certificate-authority: ca.crt" \
  "client-certificate-data: $(base64 -w0 "$T_TMP/client.crt"), client-key-data: $(base64 -w0 "$T_TMP/client.key")")
"$WR" --batch --kubeconfig "$kc" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "client certificate data: exit 0" 0 "$rc"
cp "$T_TMP/ca.crt" "$T_TMP/notakey.key"
kc=$(kubeconfig client-bad.yaml "certificate-authority: ca.crt" "client-certificate: client.crt, client-key: notakey.key")
"$WR" --batch --kubeconfig "$kc" >/dev/null 2>"$T_TMP/err"; rc=$?
t_eq "client key that is not a key: exit 2" 2 "$rc"
t_contains "client key that is not a key: TLS message" "TLS: cannot use the client certificate/key" "$(cat "$T_TMP/err")"

# the TUI keeps TLS unverified visible in its status line
kc=$(kubeconfig insecure-tui.yaml "insecure-skip-tls-verify: true")
tm_start 120x30 "$WR" --kubeconfig "$kc"
if tm_wait 10 "insecure-skip-tls-verify"; then t_ok "TUI status line warns about insecure-skip-tls-verify"
else t_fail "TUI status line warns about insecure-skip-tls-verify" "$(tm_screen)"; fi
if tm_wait 10 "ingest-broker-"; then t_ok "TUI lists pods over unverified TLS"
else t_fail "TUI lists pods over unverified TLS" "$(tm_screen)"; fi
tm_keys q
wait_until 5 tm_dead && t_ok "TUI quits on q" || t_fail "TUI quits on q" "$(tm_screen)"
t_done
