import { randomBytes, randomInt } from 'node:crypto';
import type Docker from 'dockerode';
import { TimeoutError, errorMessage, withTimeout } from '../errors.js';
import { execIn, type ExecResult } from './exec.js';
import { ExecServer } from './exec-server.js';
import { ignoreGone, ownedLabels, RunRecord } from './labels.js';
import { PROBE_IMAGE, trustedImage } from './probe-image.js';

/** Probes end themselves after this even if every cleanup path failed; the next run reaps them. */
const PROBE_LIFETIME_S = 600;

/** A probe's own DNS upstream: from 198.18.0.0/15 (benchmarking, never routed on the internet), kept on the probe's loopback. */
const OWN_DNS_UPSTREAM = '198.18.255.254';

export interface NetInterface {
  name: string;
  /** empty for links without one (e.g. tun) */
  mac: string;
  /** CIDR notation, e.g. 172.20.0.10/16 */
  ipv4: string[];
}

export interface ProbeOptions {
  /** bound on each Engine API call and each command run in a probe */
  timeoutMs: number;
  /**
   * false where the engine gives no container the host's PID namespace (a rootless engine:
   * its "host" is rootlesskit's, and runc refuses): no helper then, but a probe joined to
   * each container and one in the host's network namespace, one container each.
   */
  hostPid?: boolean;
}

/** How a probe's commands reach the namespace they observe. */
export interface ProbePlace {
  /** run in the network namespace of this process (a student's container's), entered from the helper */
  enter?: { pid: number; containerId: string; name: string };
  /** holds the probe's container in the right state (attached to one network) while a command runs */
  hold?: <T>(work: () => Promise<T>) => Promise<T>;
  /** runs commands through one long exec rather than an exec each */
  server?: ExecServer;
}

// Exit code of the wrapper when the namespace cannot be entered: an error, never a command's "no".
const NOT_ENTERED = 125;

/**
 * Enters the network namespace of PID $1 when the process is still container $0's (its
 * cgroup names the container: a PID reused by another process is never entered), then runs
 * the script $2 there with the helper's own files and programs.
 */
const ENTER = [
  `grep -q "$0" "/proc/$1/cgroup" 2>/dev/null || { echo "its process $1 is gone" >&2; exit ${NOT_ENTERED}; }`,
  `busybox nsenter -t "$1" -n true || exit ${NOT_ENTERED}`,
  'exec busybox nsenter -t "$1" -n sh -c "$2"',
].join('; ');

/** A container the grader owns, from which traffic is observed. Never a student's container. */
export class Probe {
  private readonly running = new Map<string, Promise<ExecResult>>();

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    private readonly timeoutMs: number,
    private readonly place: ProbePlace = {},
  ) {}

  /**
   * Runs a shell script with a time limit enforced inside the probe; here the wait
   * also allows an API call's time, since a busy engine queues the exec before it runs.
   */
  run(script: string, limitS = 2): Promise<ExecResult> {
    // The same command asked again while it runs gets that run's result: it observes the
    // same moment. Checks (and, in a class run, students on one engine) often ask together.
    const key = `${limitS} ${script}`;
    let running = this.running.get(key);
    if (!running) {
      const { enter, hold = (work) => work(), server } = this.place;
      const limits = { commandMs: limitS * 1000, apiMs: this.timeoutMs };
      const argv = enter ? ['sh', '-c', ENTER, enter.containerId, String(enter.pid), script] : ['sh', '-c', script];
      running = hold(() =>
        server
          ? server.run(argv.map(shellQuote).join(' '), limits)
          : execIn(this.docker, this.container, ['timeout', String(limitS), ...argv], limits),
      ).then((result) => {
        if (enter && result.exitCode === NOT_ENTERED)
          throw new Error(
            `cannot enter the network namespace of ${enter.name}: ${result.stderr.trim() || 'nsenter failed'}`,
          );
        return result;
      });
      this.running.set(key, running);
      void running.catch(() => {}).finally(() => this.running.delete(key));
    }
    return running;
  }

  /**
   * IPv4 addresses a DNS server gives for `name`. The trailing dot stops any
   * search domain being appended, so only the name itself is ever asked. A
   * second is plenty for a known name, and an unknown one must not hold a check
   * up: before Docker 24.0 the embedded DNS never answers once every upstream has failed.
   */
  async resolve(name: string, server = '127.0.0.11'): Promise<string[]> {
    const { stdout } = await this.run(`nslookup -type=a -timeout=1 ${shellQuote(`${name}.`)} ${server}`, 2);
    return parseNslookup(stdout);
  }

  /** The network interfaces of the probe's namespace, with their MAC and IPv4 addresses. */
  async interfaces(): Promise<NetInterface[]> {
    const { exitCode, stdout, stderr } = await this.run('ip -o link show && ip -o -4 addr show');
    if (exitCode !== 0) throw new Error(`cannot list the network interfaces in a probe: ${stderr.trim()}`);
    return parseInterfaces(stdout);
  }

  /** True when an ICMP echo to `address` is answered within a second. */
  async pings(address: string): Promise<boolean> {
    return (await this.run(`ping -c 1 -W 1 ${shellQuote(address)} >/dev/null 2>&1`, 2)).exitCode === 0;
  }

  /** True when a TCP connection to address:port is accepted within a second (nc ends at once: its input is empty). */
  async connects(address: string, port: number): Promise<boolean> {
    return (await this.run(`nc -w 1 ${shellQuote(address)} ${port} </dev/null >/dev/null 2>&1`, 2)).exitCode === 0;
  }

  /**
   * Runs `command` with a deadline of `deadlineS` (fractions allowed) and times it inside
   * the probe. busybox's own timeouts are whole seconds; /proc/uptime, in hundredths of a
   * second, times it and keeps the deadline.
   */
  private async withDeadline(command: string, deadlineS: number): Promise<ExecResult & { elapsedS: number }> {
    // watched rather than timed by a process beside it, which could outlive the script (see HELPER_SHELL)
    const script = [
      'read t0 _ </proc/uptime; s0=${t0%.*}${t0#*.}; d=1000',
      `${command} & client=$!`,
      'while read -r _ _ st _ 2>/dev/null </proc/$client/stat && [ "$st" != Z ]; do',
      '  read t _ </proc/uptime; t=${t%.*}${t#*.}',
      `  [ $((t - s0)) -lt ${Math.round(deadlineS * 100)} ] || { kill $client 2>/dev/null; break; }`,
      '  usleep $d; [ $d -ge 16000 ] || d=$((d * 2))',
      'done',
      'wait $client 2>/dev/null; status=$?',
      'read t1 _ </proc/uptime',
      'echo "elapsed $t0 $t1" >&2',
      'exit $status',
    ].join('\n');
    const result = await this.run(script, Math.ceil(deadlineS) + 1);
    const times = /elapsed ([0-9.]+) ([0-9.]+)/.exec(result.stderr);
    return { ...result, elapsedS: times ? Number(times[2]) - Number(times[1]) : deadlineS };
  }

  /**
   * Whether `address` answers within `deadlineS` (fractions allowed): an ICMP echo, or
   * with `port` a TCP connection; and how long that took inside the probe.
   */
  async answersWithin(
    address: string,
    port: number | undefined,
    deadlineS: number,
  ): Promise<{ answered: boolean; elapsedS: number }> {
    const wait = Math.ceil(deadlineS);
    const command =
      port === undefined
        ? `ping -c 1 -W ${wait} ${shellQuote(address)} >/dev/null 2>&1`
        : `nc -w ${wait} ${shellQuote(address)} ${port} </dev/null >/dev/null 2>&1`;
    const { exitCode, elapsedS } = await this.withDeadline(command, deadlineS);
    return { answered: exitCode === 0, elapsedS };
  }

  /**
   * What an HTTP server at address:port answers to GET / within `deadlineS`
   * (fractions allowed), and how long the exchange took inside the probe.
   * (nc, not wget: a static glibc busybox's wget crashes in getaddrinfo.)
   */
  async httpGet(address: string, port = 80, deadlineS = 1): Promise<{ answer?: string; elapsedS: number }> {
    const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w ${Math.ceil(deadlineS)} ${shellQuote(address)} ${port}`;
    const result = await this.withDeadline(request, deadlineS);
    return { ...(result.exitCode === 0 && result.stdout && { answer: result.stdout }), elapsedS: result.elapsedS };
  }

  /** Whether the server at address:port answers GET / with a body holding `token` within `deadlineS`, and how long that took. */
  async reaches(
    target: { address: string; port: number; token: string },
    deadlineS: number,
  ): Promise<{ reached: boolean; elapsedS: number }> {
    const { answer, elapsedS } = await this.httpGet(target.address, target.port, deadlineS);
    return { reached: answer?.includes(target.token) ?? false, elapsedS };
  }
}

/** A server the grader runs outside every Docker network, standing for "the outside world". */
export interface Sentinel {
  address: string;
  port: number;
  /** what the sentinel answers: proof that this server, and nothing else, was reached */
  token: string;
}

/**
 * The probes, sentinel and helpers of one grading run. Each is created once on
 * first use and shared; `close` removes all of them, on every exit path.
 */
export class ProbeSession {
  private readonly owned = new Set<Promise<Docker.Container | undefined>>();
  private readonly memo = new Map<string, Promise<unknown>>();
  private closed = false;
  private closing?: Promise<void>;
  private readonly record: RunRecord;
  private created = 0;
  private readonly servers = new Set<ExecServer>();
  /** ends the sentinel's server, whose namespace and veth go with it */
  private sentinelStop?: string;
  /** the containers of ownProbe, by key: a joined one is stale once its container restarts */
  private readonly ownProbes = new Map<string, Docker.Container>();

  constructor(
    private readonly docker: Docker,
    private readonly runId: string,
    private readonly options: ProbeOptions,
  ) {
    this.record = new RunRecord(runId);
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memo.set(key, value);
    }
    return value;
  }

  /** docknet's own probe image, by ID: whatever the tag points to now, that is what runs. */
  private image(): Promise<string> {
    return this.once('image', async () => {
      const id = await trustedImage(this.docker, PROBE_IMAGE);
      if (!id)
        throw new Error(
          `this engine has no ${PROBE_IMAGE} that docknet built or loaded (something else may hold the tag); run "docknet probe build"`,
        );
      return id;
    });
  }

  /**
   * Creates and starts a labelled container, recorded as this run's before it exists and
   * tracked so `close` can never miss it, even when the engine answers past the deadline.
   */
  private startContainer(role: string, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    if (this.closed) return Promise.reject(new Error('the grading run is over'));
    const name = `docknet-${this.runId}-${++this.created}`;
    const creating = this.image().then((image) => {
      if (this.closed) throw new Error('the grading run is over');
      this.record.creating(name);
      return this.docker.createContainer({
        ...spec,
        name,
        Image: image,
        Labels: { ...spec.Labels, ...ownedLabels(this.runId, role) },
      });
    });
    this.owned.add(
      creating.then(
        (container) => {
          this.record.created(name, container.id);
          return container;
        },
        () => undefined,
      ),
    );
    return withTimeout(creating, this.options.timeoutMs, `creating a ${role}`).then(async (container) => {
      await withTimeout(container.start(), this.options.timeoutMs, `starting a ${role}`);
      return container;
    });
  }

  /**
   * The run's helper: one container in the host's network and PID namespaces that sees the
   * host's root filesystem, read-only, at /host. It runs the host's own programs against the
   * host's kernel state (`chroot /host iptables-save`: NET_ADMIN), probes from inside a
   * student's container by entering only its network namespace with the helper's own
   * programs (`nsenter -n`: SYS_ADMIN, and SYS_PTRACE to open the namespace of a container
   * holding capabilities the helper lacks), and holds the sentinel. --privileged is never
   * asked for (some engines refuse it).
   */
  private helper(): Promise<{ container: Docker.Container; server: ExecServer; probe: Probe }> {
    return this.once('helper', async () => {
      const container = await this.startContainer('helper', {
        Cmd: ['sleep', String(PROBE_LIFETIME_S)],
        HostConfig: {
          NetworkMode: 'host',
          PidMode: 'host',
          CapAdd: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_PTRACE'],
          Binds: ['/:/host:ro'],
        },
      });
      const server = new ExecServer(this.docker, container, this.options.timeoutMs);
      this.servers.add(server);
      return { container, server, probe: new Probe(this.docker, container, this.options.timeoutMs, { server }) };
    });
  }

  /**
   * The run's one network probe: on the default bridge (where it is also the control that
   * proves the way out works), with its own DNS upstream on its loopback, and attached to
   * one more network at a time while a check asks there. The embedded DNS forwards names it
   * does not know to the container's upstreams, from the container's namespace; here that
   * query is refused inside the probe, so no lookup ever leaves the host. (127.0.0.1 would
   * not do: newer engines forward loopback upstreams from the host.)
   */
  private networkProbe(): Promise<NetworkSwitch> {
    return this.once('network-probe', async () => {
      const container = await this.startContainer('probe', {
        Cmd: ['sleep', String(PROBE_LIFETIME_S)],
        HostConfig: { NetworkMode: 'bridge', CapAdd: ['NET_ADMIN'], Dns: [OWN_DNS_UPSTREAM] },
      });
      const probe = new Probe(this.docker, container, this.options.timeoutMs);
      // Verified before any lookup: without the address, a forwarded query would follow the default route out.
      const { stdout, stderr } = await probe.run(
        `ip addr add ${OWN_DNS_UPSTREAM}/32 dev lo && ip route get ${OWN_DNS_UPSTREAM}`,
      );
      if (!stdout.startsWith(`local ${OWN_DNS_UPSTREAM} `)) {
        throw new Error(
          `could not give a probe its own DNS upstream ${OWN_DNS_UPSTREAM} (${(stderr || stdout).trim() || 'no route'}); no lookup was made`,
        );
      }
      return new NetworkSwitch(this.docker, container, this.options.timeoutMs);
    });
  }

  /**
   * A probe attached to a network by name (e.g. `bridge`, `my-network`), and to nothing
   * else but the default bridge, whose embedded DNS knows no names. Its DNS upstream is
   * its own (see networkProbe), so any lookup from it is safe.
   */
  attach(network: string): Promise<Probe> {
    return this.once(`attach:${network}`, async () => {
      const networks = await this.networkProbe();
      return new Probe(this.docker, networks.container, this.options.timeoutMs, {
        hold: (work) => networks.on(network, work),
      });
    });
  }

  /** A probe attached to a network whose only upstream DNS server is an address on its own loopback. */
  attachWithOwnDns(network: string): Promise<Probe> {
    return this.attach(network);
  }

  /** A container of its own in `networkMode`, for an engine where the helper cannot run. */
  private ownProbe(key: string, networkMode: string, hostConfig: Docker.HostConfig = {}): Promise<Probe> {
    return this.once(key, async () => {
      const container = await this.startContainer('probe', {
        Cmd: ['sleep', String(PROBE_LIFETIME_S)],
        HostConfig: { NetworkMode: networkMode, ...hostConfig },
      });
      this.ownProbes.set(key, container);
      return new Probe(this.docker, container, this.options.timeoutMs);
    });
  }

  private get helperRuns(): boolean {
    return this.options.hostPid !== false;
  }

  /** A probe in a container's network namespace: sees exactly what that container sees. */
  join(containerId: string): Promise<Probe> {
    if (!this.helperRuns) return this.ownProbe(`joined:${containerId}`, `container:${containerId}`);
    return this.once(`join:${containerId}`, async () => {
      const [{ container, server }, inspected] = await Promise.all([
        this.helper(),
        withTimeout(this.docker.getContainer(containerId).inspect(), this.options.timeoutMs, 'inspecting a container'),
      ]);
      const name = inspected.Name.replace(/^\//, '');
      if (!inspected.State.Running || !(inspected.State.Pid > 0))
        throw new Error(`cannot enter the network namespace of ${name}: it is not running`);
      return new Probe(this.docker, container, this.options.timeoutMs, {
        enter: { pid: inspected.State.Pid, containerId: inspected.Id, name },
        server,
      });
    });
  }

  /** The helper, in the host's network namespace, with the host's root filesystem read-only at /host. */
  async hostRoot(): Promise<Probe> {
    if (!this.helperRuns) return this.ownProbe('host', 'host', { CapAdd: ['NET_ADMIN'], Binds: ['/:/host:ro'] });
    return (await this.helper()).probe;
  }

  /** The helper, in the host's network namespace, where it may configure links. */
  async hostNetwork(): Promise<Probe> {
    return this.helperRuns ? (await this.helper()).probe : this.hostRoot();
  }

  /**
   * Starts the sentinel: a busybox httpd the helper runs in a network namespace of its own,
   * wired to the host by a veth pair on a /30 from 198.18.0.0/15 (reserved for
   * benchmarking, never routed on the internet). It is one of the helper's processes, so
   * it ends with the helper, and its namespace and veth with it. Traffic to it is sent only
   * after the host is seen to route the address to that veth, so a failed setup can never
   * leak a packet.
   */
  sentinel(): Promise<Sentinel> {
    return this.once('sentinel', async () => {
      // 198.18.0.0/15 split into /30s, all but the one holding the probes' own DNS upstream
      const blocks = 0x20000 / 4;
      const ownDns = (ipv4ToInt(OWN_DNS_UPSTREAM) - 0xc6120000) >>> 2;
      const block = randomInt(0, blocks - 1);
      const base = 0xc6120000 + (block >= ownDns ? block + 1 : block) * 4;
      const hostSide = intToIPv4(base + 1);
      const address = intToIPv4(base + 2);
      const link = `dkn${randomBytes(4).toString('hex')}`;
      const token = `docknet-sentinel-${randomBytes(8).toString('hex')}`;
      const www = `/tmp/${link}`;
      // The pair is made in the sentinel's namespace once unshare has made it (until then the process
      // is still in the host's), and its named end is moved to the helper's, which is the host's.
      // The sentinel's default route leads back through the host, as any real upstream's does:
      // packets that reach it un-NATed (an internal network opened by an ACCEPT in DOCKER-USER)
      // are answered too, so "reached" means the packets got out, not that NAT happened.
      const wire = `ip link add ${link} type veth && ip link set veth0 up && ip addr add ${address}/30 dev veth0 && ip route add default via ${hostSide} && ip link set ${link} netns $1`;
      const script = [
        'set -e',
        `mkdir ${www} && echo ${token} > ${www}/index.html`,
        `busybox unshare -n timeout ${PROBE_LIFETIME_S} httpd -f -p 80 -h ${www} </dev/null >/dev/null 2>&1 &`,
        `pid=$! own=$(readlink /proc/self/ns/net) i=0; echo $pid >${www}/pid`,
        'while [ "$(readlink /proc/$pid/ns/net)" = "$own" ]; do i=$((i+1)); [ $i -le 100 ] || exit 3; sleep 0.02; done',
        `busybox nsenter -t $pid -n sh -c '${wire}' sentinel $$`,
        `ip addr add ${hostSide}/30 dev ${link} && ip link set ${link} up && ip route get ${address}`,
      ].join('\n');
      this.sentinelStop = `kill -9 $(cat ${www}/pid)`;
      const route = await (await this.helper()).probe.run(script, 8);
      if (route.exitCode === 3)
        throw new Error(
          'could not start the sentinel: it never had a network namespace of its own; no traffic was sent',
        );
      if (route.exitCode !== 0 || !new RegExp(`\\bdev ${link}\\b`).test(route.stdout)) {
        throw new Error(
          `the host does not route ${address} to the sentinel (${(route.stderr || route.stdout).trim() || 'no route'}); no traffic was sent`,
        );
      }
      return { address, port: 80, token };
    });
  }

  /**
   * Makes the session ready for another grading (a watch keeps one): joined containers are
   * looked up again, since one may have restarted with another process; the network probe
   * goes back to the default bridge alone, so the student may remove the network it was on;
   * and a container of the session that ended (their lifetime is bounded) or never started is
   * made again on next use.
   */
  /** Puts the network probe back on the default bridge alone, as between gradings. */
  async park(): Promise<void> {
    const networks = this.memo.get('network-probe') as Promise<NetworkSwitch> | undefined;
    await networks?.then((n) => n.on('bridge', async () => {}));
  }

  async renew(): Promise<void> {
    for (const key of [...this.memo.keys()]) if (key.startsWith('join:')) this.memo.delete(key);
    // a probe joined to a container keeps the namespace the container had when it started
    for (const [key, container] of this.ownProbes)
      if (key.startsWith('joined:')) {
        this.memo.delete(key);
        this.ownProbes.delete(key);
        await withTimeout(container.remove({ force: true, v: true }), this.options.timeoutMs, 'removing a probe').catch(
          ignoreGone,
        );
      }
    const running = async (made: Promise<Docker.Container>) => {
      try {
        return (await withTimeout((await made).inspect(), this.options.timeoutMs, 'inspecting a probe')).State.Running;
      } catch {
        return false;
      }
    };
    const helper = this.memo.get('helper') as ReturnType<ProbeSession['helper']> | undefined;
    const networks = this.memo.get('network-probe') as ReturnType<ProbeSession['networkProbe']> | undefined;
    // one that runs but can no longer be trusted (a shell that ended, a switch that failed halfway) goes too
    const usable = async <T extends { container: Docker.Container }>(made: Promise<T>, failed: (t: T) => boolean) => {
      if (!(await running(made.then((m) => m.container)))) return false;
      const m = await made;
      if (!failed(m)) return true;
      await withTimeout(m.container.remove({ force: true, v: true }), this.options.timeoutMs, 'removing a probe').catch(
        ignoreGone,
      );
      return false;
    };
    const [helperUp, networksUp] = await Promise.all([
      helper && usable(helper, (h) => h.server.hasEnded),
      networks && usable(networks, (n) => n.isBroken),
    ]);
    if (helper && !helperUp) ['helper', 'sentinel'].forEach((key) => this.memo.delete(key));
    if (networks && !networksUp)
      for (const key of [...this.memo.keys()])
        if (key === 'network-probe' || key.startsWith('attach:')) this.memo.delete(key);
    if (networks && networksUp) await this.park();
  }

  /**
   * Removes everything this run created. Safe from a signal handler: every caller,
   * the second too, waits for the same removal to finish.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      const helper = this.memo.get('helper') as ReturnType<ProbeSession['helper']> | undefined;
      if (helper && this.sentinelStop) {
        const stop = this.sentinelStop;
        await helper.then((h) => h.probe.run(stop, 2)).catch(() => {});
      }
      await Promise.all([...this.servers].map((server) => server.close()));
      const networks = this.memo.get('network-probe') as Promise<NetworkSwitch> | undefined;
      await networks?.then((n) => n.settle(this.options.timeoutMs)).catch(() => {});
      // A creation the engine never answers is left to its record: the next run reaps it.
      const settled = await Promise.all(
        [...this.owned].map((c) =>
          withTimeout(c, this.options.timeoutMs, 'creating a probe').catch(() => 'unanswered' as const),
        ),
      );
      await Promise.all(
        settled.map(
          (c) =>
            c &&
            c !== 'unanswered' &&
            withTimeout(c.remove({ force: true, v: true }), this.options.timeoutMs, 'removing a probe').catch(
              ignoreGone,
            ),
        ),
      );
      if (!settled.includes('unanswered')) this.record.finish();
    })();
    return this.closing;
  }
}

/**
 * The network probe's attachments: the default bridge always, and at most one other network
 * at a time. The embedded DNS answers with the names of every network a container is on,
 * and the default route may follow a new network: so a command asked for one network runs
 * only while the probe is on that one alone, and a switch waits until no command runs.
 */
class NetworkSwitch {
  private current = 'bridge';
  private users = 0;
  private idle: Array<() => void> = [];
  private switching?: Promise<void>;
  /** after a switch failed halfway, where the probe is attached is not known: no command runs */
  private broken?: Error;
  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  /** connects and disconnects asked of the engine and not yet answered, those given up on included */
  private readonly requests = new Set<Promise<unknown>>();

  constructor(
    private readonly docker: Docker,
    readonly container: Docker.Container,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Waits for the engine to answer every connect and disconnect asked: a probe removed
   * while its connect is still on the way would leave an endpoint on the student's network.
   */
  async settle(timeoutMs: number): Promise<void> {
    await withTimeout(Promise.allSettled([...this.requests]), timeoutMs, 'a probe network change').catch(() => {});
  }

  private track<T>(request: Promise<T>): Promise<T> {
    this.requests.add(request);
    void request.catch(() => {}).finally(() => this.requests.delete(request));
    return request;
  }

  async on<T>(network: string, work: () => Promise<T>): Promise<T> {
    while (this.current !== network || this.switching) {
      if (this.broken) throw this.broken;
      if (this.switching) await this.switching.catch(() => {});
      else if (this.users > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      else {
        this.switching = this.switchTo(network).finally(() => (this.switching = undefined));
        await this.switching;
      }
    }
    this.users++;
    try {
      return await work();
    } finally {
      if (--this.users === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async switchTo(network: string): Promise<void> {
    if (this.current !== 'bridge') {
      const from = this.current;
      await withTimeout(
        this.track(this.docker.getNetwork(from).disconnect({ Container: this.container.id, Force: true })),
        this.timeoutMs,
        `disconnecting a probe from ${from}`,
      ).catch((err: unknown) => {
        // a network removed meanwhile took the probe's attachment with it
        if ((err as { statusCode?: number }).statusCode === 404 && /network/i.test(errorMessage(err))) return;
        this.broken = new Error(`a probe may still be attached to ${from}: ${errorMessage(err)}`);
        throw this.broken;
      });
      this.current = 'bridge';
    }
    if (network !== 'bridge') {
      try {
        await withTimeout(
          this.track(this.docker.getNetwork(network).connect({ Container: this.container.id })),
          this.timeoutMs,
          `connecting a probe to ${network}`,
        );
      } catch (err) {
        // refused (no such network): still only on the default bridge; unanswered: unknown
        if (!(err instanceof TimeoutError)) throw err;
        this.broken = new Error(`a probe may or may not be attached to ${network}: ${errorMessage(err)}`);
        throw this.broken;
      }
      this.current = network;
    }
  }
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Busybox nslookup prints the answers after the "Name:" line as "Address: <ip>" (the server's own address comes first). */
export function parseNslookup(output: string): string[] {
  const answers = output
    .split(/\n\s*\n/)
    .slice(1)
    .join('\n');
  return [...answers.matchAll(/^Address(?: \d+)?:\s*([0-9.]+)\s*$/gm)].map((m) => m[1]);
}

/**
 * Reads `ip -o link show` followed by `ip -o -4 addr show`: one line per link
 * ("2: eth0@if9: <...> ...\    link/ether 02:42:.. brd ..") and one per IPv4
 * address ("2: eth0    inet 172.20.0.10/16 brd ..."), joined by interface index.
 */
export function parseInterfaces(output: string): NetInterface[] {
  const byIndex = new Map<string, NetInterface>();
  for (const line of output.split('\n')) {
    const link = /^(\d+):\s+([^:@\s]+)(?:@\S+)?:.*?\slink\/\S+(?:\s+([0-9a-f:]+))?/.exec(line);
    if (link) byIndex.set(link[1], { name: link[2], mac: link[3] ?? '', ipv4: [] });
    const address = /^(\d+):\s+(\S+)\s+inet\s+([0-9.]+\/\d+)/.exec(line);
    if (address) byIndex.get(address[1])?.ipv4.push(address[3]);
  }
  return [...byIndex.values()];
}
