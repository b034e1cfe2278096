// A dockerd of its own, like a lab VM on this machine: its own network, mount and PID
// namespaces, data root, exec root, socket, and /etc/docker (where 20.10 keeps the
// key its engine ID comes from). Killing the namespace's first process ends every
// process in it; its mounts and network go with the namespaces.
//
// Reachable from this machine, it is a remote engine: a veth joins the two, dockerd
// listens on tcp:// with TLS there, and an sshd in the engine's namespaces serves
// ssh://, its sessions reaching the engine at the standard socket of the engine's own /run.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { execa, type ResultPromise } from 'execa';
import { FIXTURE_IMAGE, versionBefore, type Fixture } from '../../src/fixtures.js';

export interface NsEngine {
  /** the engine's address, unix:// on a socket in its directory */
  host: string;
  docker: Docker;
  /** runs a shell script in the engine's network namespace, with DOCKER_HOST pointing at it */
  sh(script: string, env?: Record<string, string>): Promise<void>;
  /** the files its engine ID comes from: /etc/docker/key.json (20.10) and <data-root>/engine-id (23 and later) */
  identity(): { trustKey?: Buffer; engineId?: string };
  /** its address on the veth from this machine, when it was started `remote` */
  address?: string;
  /** the first process of its namespaces (for nsenter), while it runs */
  pid(): number;
  /** removes its containers (so their cgroups go), stops dockerd, and kills the namespace if it lingers */
  stop(): Promise<void>;
}

const running = new Set<ResultPromise>();
// A test run that ends without its after hooks still takes its engines along (setpriv's
// death signal covers a killed node as well).
process.once('exit', () => {
  for (const ns of running) ns.kill('SIGKILL');
});

export interface RemoteOptions {
  /**
   * N (1 to 254) picks 169.254.N.0/30, link-local as a wire between two machines is: this machine holds .1,
   * the engine .2. Not 198.18.0.0/15, where the sentinel picks its /30s inside the engine.
   */
  subnet: number;
  /** a directory with ca.pem, server.pem and server-key.pem (makeCertificates' server), valid for the engine's address */
  certs: string;
}

/** The port the engine serves tcp:// with TLS on, as Docker's documentation has it. */
export const TLS_PORT = 2376;

/**
 * Starts an engine in `dir` (created), giving it `identity`'s files first, as a cloned VM would carry them;
 * `remote` joins it to this machine with a veth and serves TLS on its address there.
 */
export async function startNsEngine(
  dir: string,
  name: string,
  identity: ReturnType<NsEngine['identity']> = {},
  remote?: RemoteOptions,
): Promise<NsEngine> {
  const [data, exec, etc] = ['data', 'exec', 'etc'].map((d) => join(dir, d));
  for (const d of [data, exec, etc]) mkdirSync(d, { recursive: true });
  if (identity.trustKey) writeFileSync(join(etc, 'key.json'), identity.trustKey, { mode: 0o600 });
  if (identity.engineId) writeFileSync(join(data, 'engine-id'), identity.engineId);
  const socket = join(dir, 'docker.sock');
  const cgroupParent = `docknet-test-${name}`;
  const ownRun = remote
    ? [
        // a /run of its own: sshd's sessions find this engine at /var/run/docker.sock, as on a VM
        'mount -t tmpfs tmpfs /run',
        'mkdir -p /run/sshd /run/lock',
      ]
    : [];
  const listen = remote
    ? ` -H unix:///run/docker.sock -H tcp://0.0.0.0:${TLS_PORT} --tlsverify --tlscacert ${join(remote.certs, 'ca.pem')} --tlscert ${join(remote.certs, 'server.pem')} --tlskey ${join(remote.certs, 'server-key.pem')}`
    : '';
  // eth0 has a default route from TEST-NET-1 like a VM's uplink, but its veth peer stays in the
  // namespace, unaddressed: nothing leaves it (this kernel has no dummy interfaces).
  const init = [
    `mount --bind ${etc} /etc/docker`,
    ...ownRun,
    'ip link set lo up',
    'ip link add eth0 type veth peer name uplink',
    'ip addr add 192.0.2.2/24 dev eth0',
    'ip link set uplink up',
    'ip link set eth0 up',
    'ip route add default via 192.0.2.1',
    `exec dockerd --data-root ${data} --exec-root ${exec} --pidfile ${join(dir, 'dockerd.pid')} -H unix://${socket} --cgroup-parent ${cgroupParent}${listen}`,
  ].join(' && ');
  const log = join(dir, 'dockerd.log');
  const ns = execa(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      'unshare',
      '--net',
      '--mount',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount-proc',
      '--propagation',
      'private',
      'sh',
      '-c',
      init,
    ],
    {
      reject: false,
      stdin: 'ignore',
      stdout: { file: log },
      stderr: { file: log },
    },
  );
  running.add(ns);
  const docker = new Docker({ socketPath: socket });
  const host = `unix://${socket}`;

  /** The namespace's first process as this machine numbers it: unshare's only child. */
  const firstProcess = (): number | undefined => {
    const children = existsSync(`/proc/${ns.pid}/task/${ns.pid}/children`)
      ? readFileSync(`/proc/${ns.pid}/task/${ns.pid}/children`, 'utf8').trim().split(/\s+/)
      : [];
    const pid = Number(children[0]);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  };

  const kill = async () => {
    ns.kill('SIGKILL'); // --kill-child takes the namespace's first process, and so everything in it
    await ns;
    running.delete(ns);
  };
  const stop = async () => {
    if (!running.has(ns)) return;
    try {
      const containers = await docker.listContainers({ all: true });
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
      const pid = firstProcess();
      if (pid !== undefined) process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && ns.exitCode === null; i++) await sleep(200);
    } catch {
      // an engine that does not answer is killed outright below
    } finally {
      await kill();
      removeCgroups(cgroupParent);
    }
  };

  try {
    for (let i = 0; ; i++) {
      if (
        await docker.ping().then(
          () => true,
          () => false,
        )
      )
        break;
      if (i > 150 || ns.exitCode !== null) {
        throw new Error(
          `the engine in ${dir} did not answer within 30 s: ${readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
      await sleep(200);
    }
    if (remote) await joinByVeth(firstProcess()!, remote.subnet);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    host,
    docker,
    ...(remote && { address: `169.254.${remote.subnet}.2` }),
    pid() {
      const pid = firstProcess();
      if (pid === undefined) throw new Error(`the engine in ${dir} is not running`);
      return pid;
    },
    async sh(script, env = {}) {
      const pid = firstProcess();
      if (pid === undefined) throw new Error(`the engine in ${dir} is not running`);
      await execa('nsenter', ['-t', String(pid), '-n', 'sh', '-eu', '-c', script], {
        env: { ...env, DOCKER_HOST: host },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
    identity: () => ({
      ...(existsSync(join(etc, 'key.json')) && { trustKey: readFileSync(join(etc, 'key.json')) }),
      ...(existsSync(join(data, 'engine-id')) && { engineId: readFileSync(join(data, 'engine-id'), 'utf8') }),
    }),
    stop,
  };
}

/**
 * A veth from this machine (dnrN, 169.254.N.1/30) to the engine's namespace (mgmt0,
 * 169.254.N.2/30). It goes with the namespace: deleting either end deletes both, and the
 * kernel deletes the inner end with its namespace.
 */
async function joinByVeth(pid: number, subnet: number): Promise<void> {
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 254) throw new Error(`subnet ${subnet} is not 1 to 254`);
  const outside = `dnr${subnet}`;
  await execa('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', String(pid)]);
  await execa('ip', ['addr', 'add', `169.254.${subnet}.1/30`, 'dev', outside]);
  await execa('ip', ['link', 'set', outside, 'up']);
  await execa('nsenter', [
    '-t',
    String(pid),
    '-n',
    'sh',
    '-euc',
    `ip addr add 169.254.${subnet}.2/30 dev mgmt0 && ip link set mgmt0 up`,
  ]);
}

/** The cgroup directories (cgroup v1, cgroupfs) the engine's containers were under; empty once they are gone. */
function removeCgroups(parent: string): void {
  const root = '/sys/fs/cgroup';
  const dirs = existsSync(root) ? readdirSync(root).map((c) => join(root, c, parent)) : [];
  for (const dir of [join(root, parent), ...dirs]) {
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()))
      rmdirSync(join(dir, child.name));
    rmdirSync(dir);
  }
}

const FIXTURE_LABEL = 'io.docknet.fixture';

/**
 * Builds a fixture on the engine, its docker commands reaching the engine and its iptables
 * the engine's namespace; returns the statuses it expects of that engine's version.
 */
export async function applyFixtureInside(engine: NsEngine, fixture: Fixture): Promise<Fixture['expect']> {
  await engine.sh(fixture.setup, { IMAGE: FIXTURE_IMAGE, LABEL: `${FIXTURE_LABEL}=${fixture.name}` });
  if (!fixture.before) return fixture.expect;
  const { Version } = await engine.docker.version();
  return versionBefore(Version, fixture.before.engine) ? fixture.before.expect : fixture.expect;
}

/** Removes what the fixture made; DOCKER-USER goes back to Docker's own RETURN, as the engine started with it. */
export async function removeFixtureInside(engine: NsEngine, fixture: Fixture): Promise<void> {
  const filters = { label: [`${FIXTURE_LABEL}=${fixture.name}`] };
  const containers = await engine.docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => engine.docker.getContainer(c.Id).remove({ force: true, v: true })));
  for (const n of await engine.docker.listNetworks({ filters })) await engine.docker.getNetwork(n.Id).remove();
  await engine.sh('iptables -F DOCKER-USER && iptables -A DOCKER-USER -j RETURN');
  if (fixture.teardown) await engine.sh(fixture.teardown);
}
