#!/usr/bin/env bash
# Runs the integration tests against each engine in turn, on this one machine:
# the host's own dockerd (Debian 12: 20.10), Debian trixie's (26.1) and Debian
# forky's (28.5), the latter two from debootstrapped roots kept in a cache between
# runs and run in their own mount namespace with that root pivoted in (their runc
# needs their own glibc; a plain chroot is not enough: `docker exec` would then run
# programs from the daemon's root instead of the container's), each with its own
# data root. One engine runs at a time; the host's engine is running again when this ends.
# `rootless` is docker.io's dockerd-rootless.sh under rootlesskit, run by an unprivileged
# user beside the host's engine (see rootless.sh): there the suite is the tests that fit
# an engine whose containers' host is rootlesskit's namespace, $ROOTLESS_SPEC.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE=${DOCKNET_ENGINE_CACHE:-/var/cache/docknet}
MIRROR=${DOCKNET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LOGDIR=${DOCKNET_ENGINE_LOGS:-/var/log}

source test/support/stages.sh

die() { echo "test:engines: $*" >&2; exit 2; }

preflight() {
  [ "$(id -u)" -eq 0 ] || die "must run as root: it stops and starts dockerd"
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  # Stopping dockerd stops every container: never do that to someone's running lab.
  if docker info >/dev/null 2>&1 && [ -n "$(docker ps -q)" ]; then
    die "containers are running on this engine and switching engines would stop them; stop them first"
  fi
}

root_of() { echo "$CACHE/$1-root"; }

# A Debian release's root with docker.io, built once. Releases newer than debootstrap
# knows (forky, here) use the script for sid, which fits any testing release.
prepare_root() {
  local release=$1 root
  root=$(root_of "$1")
  [ -x "$root/usr/sbin/dockerd" ] && return
  echo "test:engines: building a Debian $release root with docker.io in $root (once; cached)"
  local script=()
  [ -e "/usr/share/debootstrap/scripts/$release" ] || script=("$MIRROR" /usr/share/debootstrap/scripts/sid)
  rm -rf "$root.tmp"
  debootstrap --variant=minbase --include=docker.io,iptables "$release" "$root.tmp" "${script[@]}" >"$LOGDIR/docknet-debootstrap-$release.log" 2>&1 \
    || die "debootstrap of $release failed; see $LOGDIR/docknet-debootstrap-$release.log"
  mv "$root.tmp" "$root"
}

wait_for_engine() {
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  die "the $1 engine did not come up; see $LOGDIR/docknet-dockerd-$1.log"
}

# Chains engine 28 makes in the host's filter table and leaves there when it stops
# (20.10 has none of them): an older engine started after it must not find them.
NEWER_CHAINS=(DOCKER-FORWARD DOCKER-BRIDGE DOCKER-CT DOCKER-INTERNAL)

forget_newer_chains() {
  local chain
  for chain in "${NEWER_CHAINS[@]}"; do
    iptables -t filter -n -L "$chain" >/dev/null 2>&1 || continue
    while iptables -t filter -D FORWARD -j "$chain" 2>/dev/null; do :; done
  done
  for chain in "${NEWER_CHAINS[@]}"; do iptables -t filter -F "$chain" 2>/dev/null || true; done
  for chain in "${NEWER_CHAINS[@]}"; do iptables -t filter -X "$chain" 2>/dev/null || true; done
}

stop_engine() {
  pkill -TERM -x dockerd 2>/dev/null || true
  for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  pgrep -x dockerd >/dev/null && die "dockerd did not stop"
  # the containerd a dockerd started for itself goes with it
  for _ in $(seq 1 10); do pgrep -f 'containerd --config /var/run/docker/containerd' >/dev/null || break; sleep 1; done
  local release
  for release in trixie forky; do unmount_root "$(root_of $release)"; done
  forget_newer_chains
}

mount_root() {
  local root=$1
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # dockerd makes its root mount private when it unpacks images: "/" must be a mount point
  mountpoint -q "$root" || mount --bind "$root" "$root"
  mountpoint -q "$root/proc" || mount --bind /proc "$root/proc"
  mountpoint -q "$root/sys" || mount --rbind /sys "$root/sys"
  mountpoint -q "$root/dev" || mount --rbind /dev "$root/dev"
  # the socket appears at the host's /run/docker.sock, where clients look for it
  mountpoint -q "$root/run" || mount --bind /run "$root/run"
}

unmount_root() {
  local root=$1 m
  [ -d "$root" ] || return 0
  for m in run dev sys proc ''; do
    if mountpoint -q "$root/$m"; then umount -R "$root/$m" 2>/dev/null || umount -lR "$root/$m"; fi
  done
}

# A daemon must not inherit our descriptors: a caller's lock (flock's fd) would stay held for the daemon's lifetime.
daemonize() {
  local log=$1; shift
  (
    for fd in /proc/self/fd/*; do
      n=${fd##*/}
      if [ "$n" -gt 2 ] && [ "$n" -lt 255 ]; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" </dev/null >"$log" 2>&1
  ) &
}

start_engine() {
  case $1 in
    host) daemonize "$LOGDIR/docknet-dockerd-host.log" dockerd ;;
    # the host's engine runs beside it: rootless.sh copies the probe and fixture images from there
    rootless) start_engine host && return ;;
    trixie | forky)
      local root
      root=$(root_of "$1")
      prepare_root "$1"
      mount_root "$root"
      mkdir -p "$root/.oldroot"
      daemonize "$LOGDIR/docknet-dockerd-$1.log" unshare --mount sh -c "cd '$root' && pivot_root . .oldroot && exec /usr/sbin/dockerd"
      ;;
    *) die "unknown engine $1: host, trixie, forky or rootless" ;;
  esac
  wait_for_engine "$1"
}

switch_engine() {
  stop_engine
  start_engine "$1"
  ENGINE=$1
  if [ "$1" = rootless ]; then
    echo "== integration tests on a rootless engine: $ROOTLESS_SPEC"
  else
    echo "== integration tests on $(docker version --format 'Docker {{.Server.Version}} (API {{.Server.APIVersion}})')"
  fi
}

restore_host() {
  stop_engine
  start_engine host
}

# Its counts reach run_stages through $DOCKNET_SUMMARY_FILE. On a real engine as root nothing may
# skip (an allowed skip is named in $DOCKNET_ALLOW_SKIP), and a run that finds no test fails.
# The tests that fit a rootless engine: every exercise's fixtures (the checks it cannot
# express are skipped with their reason) and the probes' own DNS upstream. The rest drive
# the host's own iptables, sandboxes or the standard socket.
ROOTLESS_SPEC=${DOCKNET_ROOTLESS_SPEC:-dist/test/integration/fixtures.test.js dist/test/integration/own-dns.test.js}

# What another engine cannot change: the command line, the package, the HTML page, the CI
# templates, leftovers' reaping, and a batch's sharding and parallelism (the batch itself is
# graded on every engine). They run on the host engine's stage, once.
ENGINE_INDEPENDENT=(cli examples package html-report sandbox-reap)
ENGINE_INDEPENDENT_TITLES='same gradebook with --jobs 4|merges shards'

run_suite() {
  local forbid_pending=--forbid-pending specs=("${DOCKNET_SPEC:-dist/test/integration/**/*.test.js}") beside=() once=()
  [ -z "${DOCKNET_ALLOW_SKIP:-}" ] || forbid_pending=
  if [ "${ENGINE:-}" = rootless ]; then
    read -ra specs <<<"$ROOTLESS_SPEC"
    beside=(test/engines/rootless.sh)
  elif [ "${ENGINE:-host}" != host ] && [ -z "${DOCKNET_SPEC:-}" ]; then
    for f in "${ENGINE_INDEPENDENT[@]}"; do once+=(--exclude "dist/test/integration/$f.test.js"); done
    once+=(--grep "$ENGINE_INDEPENDENT_TITLES" --invert)
  fi
  "${beside[@]}" npx mocha --no-config --timeout 120000 --forbid-only $forbid_pending --fail-zero \
    --reporter test/support/summary-reporter.cjs "${once[@]}" "${specs[@]}"
}

run_stage() {
  switch_engine "$1"
  run_suite
}

# The stage accounting's own test replaces what touches the host (preflight, switch_engine,
# run_suite, restore_host) with stubs from this file.
[ -z "${DOCKNET_ENGINES_STUBS:-}" ] || source "$DOCKNET_ENGINES_STUBS"

preflight
trap restore_host EXIT
run_stages ${DOCKNET_ENGINES:-host trixie forky rootless}
