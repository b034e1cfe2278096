#!/usr/bin/env bash
# Runs a command beside a rootless Docker engine: docker.io's dockerd-rootless.sh, run
# by the unprivileged user docknet-rootless (created if missing, with subordinate ids)
# under Debian's rootlesskit, with slirp4netns and the builtin port driver, as a student
# would install it. Everything happens in new network, mount and PID namespaces, so the
# engine's ports, its data and the sysctl it needs stay off this machine's own
# (net.ipv4.ip_unprivileged_port_start is per network namespace: publishing port 53, as
# the exercises do, needs it lowered). Inside, the command runs as root outside
# rootlesskit's namespace, with DOCKER_HOST at the engine's socket and `iptables` on its
# PATH entering rootlesskit's namespace, where the engine's DOCKER-USER lives. The images
# named in $DOCKNET_PRIVATE_IMAGES (default: the offline probe and fixture images) are
# copied in from the current engine. /dev/net/tun, which slirp4netns opens as that user,
# is made world-usable for the run and its mode put back afterwards.
#   test/engines/rootless.sh npx mocha --no-config dist/test/integration/x.test.js
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "rootless-engine: must run as root" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: rootless.sh COMMAND [ARG...]" >&2; exit 2; }
USER_NAME=${DOCKNET_ROOTLESS_USER:-docknet-rootless}
CONTRIB=/usr/share/docker.io/contrib
for p in rootlesskit newuidmap slirp4netns "$CONTRIB/dockerd-rootless.sh"; do
  command -v "$p" >/dev/null || { echo "rootless-engine: $p is missing (apt-get install rootlesskit uidmap slirp4netns docker.io)" >&2; exit 2; }
done
if ! id "$USER_NAME" >/dev/null 2>&1; then
  # a regular (non-system) user: useradd gives it subordinate uid and gid ranges
  useradd --create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
grep -q "^$USER_NAME:" /etc/subuid || usermod --add-subuids 1000000-1065535 "$USER_NAME"
grep -q "^$USER_NAME:" /etc/subgid || usermod --add-subgids 1000000-1065535 "$USER_NAME"

tun_mode=$(stat -c %a /dev/net/tun)
root=$(mktemp -d /var/tmp/docknet-rootless.XXXXXX)
cleanup() {
  chmod "$tun_mode" /dev/net/tun
  # the engine's files belong to the user's subordinate ids; only root removes them all
  rm -rf "$root"
}
trap cleanup EXIT
# an image the current engine lacks is left out: the tests build the offline images from busybox themselves
images=()
for image in ${DOCKNET_PRIVATE_IMAGES:-docknet-probe:1 docknet-fixture:1}; do
  if docker image inspect "$image" >/dev/null 2>&1; then images+=("$image"); fi
done
[ ${#images[@]} -eq 0 ] || docker save "${images[@]}" -o "$root/images.tar"
chmod 0666 /dev/net/tun
mkdir -m 0700 "$root/home" "$root/run"
chown "$USER_NAME:" "$root/home" "$root/run"
chmod 0755 "$root"
[ ! -e "$root/images.tar" ] || chmod 0644 "$root/images.tar"

# The inner script is the namespace's first process: when it ends, the kernel ends the engine and everything else inside.
unshare --net --mount --pid --fork --mount-proc bash -s "$root" "$USER_NAME" "$CONTRIB" "$@" <<'INNER'
set -euo pipefail
root=$1 user=$2 contrib=$3; shift 3
mount --make-rprivate /
ip link set lo up
# A host has a way out: here an uplink on TEST-NET-1 whose other end, also inside, answers nothing: nothing leaves.
ip link add uplink0 type veth peer name uplink0-end
ip addr add 192.0.2.2/24 dev uplink0
ip link set uplink0 up
ip link set uplink0-end up
ip route add default via 192.0.2.1 dev uplink0
sysctl -q -w net.ipv4.ip_unprivileged_port_start=0
run=$root/run
runuser -u "$user" -- env -i HOME="$root/home" XDG_RUNTIME_DIR="$run" \
  PATH="$contrib:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
  setsid "$contrib/dockerd-rootless.sh" </dev/null >"$root/dockerd.log" 2>&1 &
export DOCKER_HOST=unix://$run/docker.sock
for _ in $(seq 1 300); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
docker info >/dev/null 2>&1 || { echo "rootless-engine: dockerd did not come up:" >&2; tail -5 "$root/dockerd.log" >&2; exit 1; }
[ ! -e "$root/images.tar" ] || docker load -q -i "$root/images.tar" >/dev/null
# iptables as a student of a rootless engine runs it: inside rootlesskit's namespaces
mkdir -p "$root/bin"
cat >"$root/bin/iptables" <<EOF
#!/bin/sh
exec nsenter -U -n -m -t "\$(cat '$run/docker.pid')" /usr/sbin/iptables "\$@"
EOF
chmod 0755 "$root/bin/iptables"
export PATH=$root/bin:$PATH DOCKNET_ROOTLESS_LOG=$root/dockerd.log
status=0
"$@" || status=$?
exit $status
INNER
