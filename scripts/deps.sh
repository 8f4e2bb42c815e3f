#!/bin/sh
# Installs the Debian packages warroom needs to build and test that this machine lacks.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
pkgs="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev libssh2-1-dev
libyaml-dev libmicrohttpd-dev libcmocka-dev tmux openssl ca-certificates curl procps man-db"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# kubectl is the peer the simulator is checked against; Debian ships it as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || missing="$missing kubernetes-client"
[ -z "$missing" ] && exit 0
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
