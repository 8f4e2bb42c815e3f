#!/bin/bash
# libcurl and libssh2 are loaded when first used (kube/curl_lazy.c, ssh/ssh2_lazy.c), not
# linked: `warroom --version` maps neither, and when one cannot be loaded (here: a broken
# copy earlier on LD_LIBRARY_PATH) the run fails with a one-line reason naming the
# library, never a crash.  A healthy load is covered by every HTTP and SSH suite.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/sshd.sh"
WR=$BUILD/warroom

needed=$(readelf -d "$WR" | grep NEEDED)
t_lacks "warroom is not linked against libcurl" "libcurl" "$needed"
t_lacks "warroom is not linked against libssh2" "libssh2" "$needed"
t_contains "warroom is linked against jansson (the check reads the right table)" "libjansson" "$needed"

out=$(LD_DEBUG=libs "$WR" --version 2>&1); rc=$?
t_eq "--version exits 0" 0 "$rc"
t_match "--version prints the version" '^warroom [0-9]' "$out"
t_lacks "--version does not load libcurl" "libcurl.so" "$out"
t_lacks "--version does not load libssh2" "libssh2.so" "$out"

# A "library" the dynamic loader rejects, found before the real one.
BROKEN=$T_TMP/broken-libs
mkdir -p "$BROKEN"
echo "not an ELF file" >"$BROKEN/libcurl.so.4"
echo "not an ELF file" >"$BROKEN/libssh2.so.1"

out=$(LD_LIBRARY_PATH=$BROKEN "$WR" --batch --panel pods --server http://127.0.0.1:9 2>&1); rc=$?
t_eq "batch without libcurl exits 2 (an error, not a signal)" 2 "$rc"
t_contains "the error names libcurl and why" "HTTP unavailable: cannot load libcurl.so.4: " "$out"
t_contains "the error carries the loader's reason" "$BROKEN/libcurl.so.4" "$out"

blackhole_start || t_fail "black-hole listener starts"
cat >"$T_TMP/hosts.yaml" <<YAML
known_hosts: $T_TMP/known_hosts
timeout: 3
hosts:
  - name: web-1
    address: 127.0.0.1
    port: $BLACKHOLE_PORT
YAML
: >"$T_TMP/known_hosts"
out=$(LD_LIBRARY_PATH=$BROKEN timeout 20 "$WR" --config "$T_TMP/hosts.yaml" --batch --panel hosts 2>&1); rc=$?
t_eq "hosts batch without libssh2 ends by itself (no signal, no hang)" 1 "$(( rc < 128 && rc != 124 ))"
t_contains "the host's row reports the failure" "host web-1: connection failed" "$out"
t_contains "... and names the library that could not be loaded" "libssh2.so.1" "$out"
t_lacks "no crash report" "Segmentation" "$out"
t_lacks "no sanitizer report" "Sanitizer" "$out"

t_done
