#!/usr/bin/env bash
# Runs the integration tests against each engine in turn, on this one machine:
# the host's own dockerd (Debian 12: 20.10) and Debian trixie's (26.x), the
# latter from a debootstrapped root kept in a cache between runs and run
# in its own mount namespace with that root pivoted in (its runc needs trixie's
# glibc; a plain chroot is not enough: `docker exec` would then run programs from
# the daemon's root instead of the container's), with its own data root. One engine
# runs at a time; the host's engine is running again when this ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE=${DOCKNET_ENGINE_CACHE:-/var/cache/docknet}
TRIXIE=$CACHE/trixie-root
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

prepare_trixie() {
  [ -x "$TRIXIE/usr/sbin/dockerd" ] && return
  echo "test:engines: building a Debian trixie root with docker.io in $TRIXIE (once; cached)"
  rm -rf "$TRIXIE.tmp"
  debootstrap --variant=minbase --include=docker.io,iptables trixie "$TRIXIE.tmp" >"$LOGDIR/docknet-debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $LOGDIR/docknet-debootstrap.log"
  mv "$TRIXIE.tmp" "$TRIXIE"
}

wait_for_engine() {
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  die "the $1 engine did not come up; see $LOGDIR/docknet-dockerd-$1.log"
}

stop_engine() {
  pkill -TERM -x dockerd 2>/dev/null || true
  for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  pgrep -x dockerd >/dev/null && die "dockerd did not stop"
  # the containerd a dockerd started for itself goes with it
  for _ in $(seq 1 10); do pgrep -f 'containerd --config /var/run/docker/containerd' >/dev/null || break; sleep 1; done
  unmount_trixie
}

mount_trixie() {
  cp /etc/resolv.conf "$TRIXIE/etc/resolv.conf"
  # dockerd makes its root mount private when it unpacks images: "/" must be a mount point
  mountpoint -q "$TRIXIE" || mount --bind "$TRIXIE" "$TRIXIE"
  mountpoint -q "$TRIXIE/proc" || mount --bind /proc "$TRIXIE/proc"
  mountpoint -q "$TRIXIE/sys" || mount --rbind /sys "$TRIXIE/sys"
  mountpoint -q "$TRIXIE/dev" || mount --rbind /dev "$TRIXIE/dev"
  # the socket appears at the host's /run/docker.sock, where clients look for it
  mountpoint -q "$TRIXIE/run" || mount --bind /run "$TRIXIE/run"
}

unmount_trixie() {
  for m in run dev sys proc ''; do
    if mountpoint -q "$TRIXIE/$m"; then umount -R "$TRIXIE/$m" 2>/dev/null || umount -lR "$TRIXIE/$m"; fi
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
    trixie)
      prepare_trixie
      mount_trixie
      mkdir -p "$TRIXIE/.oldroot"
      daemonize "$LOGDIR/docknet-dockerd-trixie.log" unshare --mount sh -c "cd '$TRIXIE' && pivot_root . .oldroot && exec /usr/sbin/dockerd"
      ;;
  esac
  wait_for_engine "$1"
}

switch_engine() {
  stop_engine
  start_engine "$1"
  echo "== integration tests on $(docker version --format 'Docker {{.Server.Version}} (API {{.Server.APIVersion}})')"
}

restore_host() {
  stop_engine
  start_engine host
}

# Its counts reach run_stages through $DOCKNET_SUMMARY_FILE. On a real engine as root nothing may
# skip (an allowed skip is named in $DOCKNET_ALLOW_SKIP), and a run that finds no test fails.
run_suite() {
  local forbid_pending=--forbid-pending
  [ -z "${DOCKNET_ALLOW_SKIP:-}" ] || forbid_pending=
  npx mocha --no-config --timeout 120000 --forbid-only $forbid_pending --fail-zero \
    --reporter test/support/summary-reporter.cjs "${DOCKNET_SPEC:-dist/test/integration/**/*.test.js}"
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
run_stages ${DOCKNET_ENGINES:-host trixie}
