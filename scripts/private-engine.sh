#!/usr/bin/env bash
# Runs a command beside a Docker engine of its own: a dockerd in new network, mount
# and PID namespaces, with its own data root and a fresh /run, so its bridges,
# iptables rules and containers never touch the host's. Inside, the command sees
# that engine at the usual /var/run/docker.sock and the namespace's own iptables;
# the images named in $DOCKNET_PRIVATE_IMAGES (default: the offline probe and fixture
# images) are copied in from the host's engine. Everything ends with the command.
#   scripts/private-engine.sh npx mocha --no-config dist/test/integration/x.test.js
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "private-engine: must run as root" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: private-engine.sh COMMAND [ARG...]" >&2; exit 2; }
root=$(mktemp -d /var/tmp/docknet-engine.XXXXXX)
images=${DOCKNET_PRIVATE_IMAGES:-docknet-probe:1 docknet-fixture:1}
docker save $images -o "$root/images.tar"
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
# The inner script is the namespace's first process: when it ends, the kernel ends dockerd and everything else inside.
unshare --net --mount --pid --fork --mount-proc bash -s "$root" "$@" <<'INNER'
set -euo pipefail
root=$1; shift
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mkdir -p /run/lock
ip link set lo up
# A host has a way out: here an uplink on TEST-NET-1 whose other end, also inside, answers nothing: nothing leaves.
ip link add uplink0 type veth peer name uplink0-end
ip addr add 192.0.2.2/24 dev uplink0
ip link set uplink0 up
ip link set uplink0-end up
ip route add default via 192.0.2.1 dev uplink0
dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/dockerd.pid" -H unix:///var/run/docker.sock >"$root/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
docker info >/dev/null 2>&1 || { echo "private-engine: dockerd did not come up:" >&2; tail -5 "$root/dockerd.log" >&2; exit 1; }
docker load -q -i "$root/images.tar" >/dev/null
status=0
"$@" || status=$?
exit $status
INNER
