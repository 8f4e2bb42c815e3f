#!/bin/sh
# Installs the Debian packages warroom needs to build and test that this machine lacks.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# Then it installs the npm package pm2 into build-node/ (the SSH host tests run the real
# pm2 there), unless it is already installed; an unreachable registry only warns.
set -eu
pkgs="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev libssh2-1-dev
libyaml-dev libmicrohttpd-dev libcmocka-dev tmux openssl ca-certificates curl procps man-db
openssh-server openssh-client"
# `deps.sh bench` (make bench): also the peers and meters of bench/run.
[ "${1:-}" = bench ] && pkgs="$pkgs pssh time valgrind strace"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# kubectl is the peer the simulator is checked against; Debian ships it as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || missing="$missing kubernetes-client"
# The SSH suites use python3 for free ports and a black-hole listener.
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
# node and npm may come from another source than Debian (its npm then conflicts): commands count.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  echo "deps: installing:$missing"
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "deps: not root; run: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
# pm2 lives outside build/ so `make clean` keeps it and the Makefile's dependency scan
# never walks node_modules.
node_prefix=${WARROOM_NODE_PREFIX:-$(cd "$(dirname "$0")/.." && pwd)/build-node}
if [ ! -x "$node_prefix/node_modules/.bin/pm2" ]; then
  echo "deps: installing pm2 into $node_prefix"
  if ! npm install --silent --no-audit --no-fund --prefix "$node_prefix" pm2@7 >/dev/null 2>&1; then
    echo "deps: npm could not install pm2 (offline?); the SSH pm2 tests will fail until" \
         "'npm install --prefix $node_prefix pm2' works" >&2
  fi
fi
exit 0
