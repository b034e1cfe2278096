#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu machine ready to grade and to run the tests:
# system packages, a running Docker engine, the npm dependencies (then an
# explicit build: installing never compiles anything) and the offline probe image. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# libxml2-utils, openssl and openssh-server only for the tests (schema checks, TLS and ssh:// engines on loopback),
# and rootlesskit, uidmap and slirp4netns for test:engines' rootless engine;
# chromium and fonts-nanum (Korean glyphs) only for the tests that open report.html headless: installed
# without recommends, which would bring daemons such as avahi that talk to the network
packages=(docker.io iptables busybox-static libxml2-utils openssl openssh-server rootlesskit uidmap slirp4netns)
browser=(chromium fonts-nanum)
missing=()
missing_browser=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
for p in "${browser[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_browser+=("$p")
done
if [ $((${#missing[@]} + ${#missing_browser[@]})) -gt 0 ]; then
  echo "setup: installing ${missing[*]} ${missing_browser[*]}"
  as_root apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  [ ${#missing_browser[@]} -eq 0 ] || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_browser[@]}" >/dev/null
fi

if ! as_root docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log: /var/log/docknet-dockerd.log)"
  # setsid and closed descriptors: the daemon outlives this script and holds none of its files
  as_root sh -c 'setsid dockerd </dev/null >/var/log/docknet-dockerd.log 2>&1 3>&- &'
  for _ in $(seq 1 60); do
    as_root docker info >/dev/null 2>&1 && break
    sleep 1
  done
  as_root docker info >/dev/null 2>&1 || { echo "setup: dockerd did not come up; see /var/log/docknet-dockerd.log" >&2; exit 1; }
fi

npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
as_root docker image inspect docknet-probe:1 >/dev/null 2>&1 || as_root node bin/docknet.js probe build
echo "setup: ready ($(as_root docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}'))"
