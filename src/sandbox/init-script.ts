// The sandbox's first process, a bash script run by `unshare` in new network, mount and
// PID namespaces. Everything it is told comes as arguments, never spliced into the text.
// It builds a throwaway root (an overlay over the host's / whose writes land on a tmpfs
// of bounded size), starts a dockerd of its own, says "ready", and on "run" runs the
// solution in a nested PID and mount namespace: when that namespace's first process is
// killed at the time limit, every process the solution started (setsid or not) dies,
// while dockerd and the containers stay for grading. The host kills this script's
// `unshare` to end it all.
export const INIT_SCRIPT = `
set -euo pipefail
host=$1 disk_mb=$2 images=$3 sub=$4 limit_s=$5 out_limit=$6 cgroups=$7 solution_cgroups=$8 cgroup_parent=$9
shift 9
# the rest: the solution's argv, then "--", then paths to hide from it
argv=()
while [ "$1" != "--" ]; do argv+=("$1"); shift; done
shift

for d in $cgroups; do echo $$ >"$d/cgroup.procs"; done

mount --make-rprivate /
[ "$images" = - ] || exec 3<"$images"
mount -t tmpfs -o "size=\${disk_mb}m,mode=755" docknet-sandbox "$host/root"
mkdir "$host/root/upper" "$host/root/work" "$host/root/new"
new=$host/root/new
mount -t overlay overlay -o "lowerdir=/,upperdir=$host/root/upper,workdir=$host/root/work" "$new"

# The host's other trees must not show through the overlay's lower layer. What the
# solution writes lives on the root's tmpfs, what its engine keeps on one of half that
# size: the disk limit holds for each group whatever the solution fills, the grader's
# probes still find room, and both stay below the memory limit the same pages count against.
mkdir -p "$host/engine"
mount -t tmpfs -o "size=$((disk_mb / 2))m,mode=755" docknet-engine "$host/engine"
for p in /tmp /var/tmp /root /home /etc/docker /run /var/lib/docker /var/lib/containerd; do
  case $p in /run | /var/lib/*) store=$host/engine ;; *) store=$host/root/private ;; esac
  mkdir -p "$new$p" "$store$p"
  chmod 755 "$store$p"
  mount --bind "$store$p" "$new$p"
done
chmod 1777 "$new/tmp" "$new/var/tmp"
for p in "$@"; do
  if [ -d "$new$p" ]; then mount -t tmpfs -o ro,size=4k,mode=755 tmpfs "$new$p"; fi
done
mount -t proc proc "$new/proc"
mount -t sysfs sysfs "$new/sys"
mount --rbind /sys/fs/cgroup "$new/sys/fs/cgroup"
# only harmless devices: no disks to read beneath the overlay
mount -t tmpfs -o size=64k,mode=755 tmpfs "$new/dev"
for d in null zero full random urandom tty; do touch "$new/dev/$d"; mount --bind "/dev/$d" "$new/dev/$d"; done
mkdir "$new/dev/shm" "$new/dev/pts"
mount -t tmpfs -o size=64m tmpfs "$new/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$new/dev/pts"
ln -s pts/ptmx "$new/dev/ptmx"
ln -s /proc/self/fd "$new/dev/fd"
mkdir "$new/run/docknet"
mount --bind "$host/io" "$new/run/docknet"
touch "$new/run/docker.sock"
mkdir "$new/submission"
cp -a "$sub/." "$new/submission/"

cd "$new"
mkdir .old
pivot_root . .old
cd /
umount -l /.old
rmdir /.old

# an outside of its own: a default route into a veth pair whose far end is in here too,
# with nothing behind it (the dummy driver is not in every kernel)
ip link set lo up
ip link add eth0 type veth peer name outside
ip addr add 192.0.2.2/24 dev eth0
ip link set eth0 up
ip link set outside up
ip route add default via 192.0.2.1 dev eth0

# every request to the engine is first put to docknet's authorization plugin (see authz.ts)
mkdir -p /etc/docker/plugins
echo unix:///run/docknet/authz.sock >/etc/docker/plugins/docknet-authz.spec
parent=()
[ -z "$cgroup_parent" ] || parent=(--cgroup-parent "$cgroup_parent")
dockerd "\${parent[@]}" --authorization-plugin docknet-authz --data-root /var/lib/docker --pidfile /run/dockerd.pid -H unix:///run/docknet/docker.sock >/run/dockerd.log 2>&1 &
export DOCKER_HOST=unix:///run/docknet/docker.sock
for _ in $(seq 1 200); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
docker info >/dev/null 2>&1 || { echo "dockerd did not come up:" >&2; tail -5 /run/dockerd.log >&2; exit 1; }
if [ "$images" != - ]; then docker load -q <&3 >/dev/null; exec 3<&-; fi
echo ready
read -r command
[ "$command" = run ] || exit 0

start=$(date +%s%N)
status=0
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \\
  timeout -s KILL "$limit_s" unshare --pid --mount --fork --kill-child --mount-proc --propagation private \\
  bash -c '
    set -e
    for d in $1; do echo $$ >"$d/cgroup.procs"; done
    # (no apostrophes in here: this script is one single-quoted word)
    # The engine runs what the overlay holds (runc, containerd, the layers of the probe image): a solution
    # that could rewrite them would fake every probe. It gets the root read-only, with writable directories
    # of its own, a /run of its own holding only the socket of the engine (not that of containerd, which
    # would bypass the authorization of the engine), and no view of the stores of the engine.
    # (-n: util-linux keeps no table of these in the /run being replaced)
    mount -n --bind /submission /submission
    for p in /var/lib/docker /var/lib/containerd /etc/docker; do mount -n -t tmpfs -o ro,size=4k,mode=755 docknet-hidden "$p"; done
    mount -n -t tmpfs -o size=16m,mode=755 docknet-run /mnt
    touch /mnt/docker.sock /mnt/xtables.lock
    mount -n --bind /run/docknet/docker.sock /mnt/docker.sock
    mount -n --move /mnt /run
    umount -n -l /sys/fs/cgroup
    mount -n -o remount,bind,ro /
    # settings of the kernel itself are not namespaced (kernel.core_pattern runs a program as root on the
    # host): only the net. sysctls, which belong to the sandbox, stay writable
    mount -n --bind /proc/sys /proc/sys
    mount -n -o remount,bind,ro /proc/sys
    mount -n --bind /proc/sys/net /proc/sys/net
    mount -n -o remount,bind,rw /proc/sys/net
    [ ! -e /proc/sysrq-trigger ] || mount -n --bind /dev/null /proc/sysrq-trigger
    mount -n -o remount,bind,ro /sys
    shift
    cd /submission
    # without these a root solution could unmount what hides the host, or reach the kernel itself
    exec setpriv --bounding-set -sys_admin,-sys_module,-sys_boot,-sys_time,-sys_rawio,-sys_ptrace,-mknod,-syslog,-mac_admin,-mac_override,-sys_resource -- "$@"
  ' solution "$solution_cgroups" "\${argv[@]}" </dev/null 2>&1 \\
  | { head -c "$out_limit" >/run/docknet/solution.log; cat >/dev/null; } || status=\${PIPESTATUS[0]}
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "solution $status $elapsed_ms"
read -r _ || true
`;
