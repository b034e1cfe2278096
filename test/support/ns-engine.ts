// A dockerd of its own, like a lab VM on this machine: its own network, mount and PID
// namespaces, data root, exec root, socket, and /etc/docker (where 20.10 keeps the
// key its engine ID comes from). Killing the namespace's first process ends every
// process in it; its mounts and network go with the namespaces.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { execa, type ResultPromise } from 'execa';

export interface NsEngine {
  /** the engine's address, unix:// on a socket in its directory */
  host: string;
  docker: Docker;
  /** runs a shell script in the engine's network namespace, with DOCKER_HOST pointing at it */
  sh(script: string, env?: Record<string, string>): Promise<void>;
  /** the files its engine ID comes from: /etc/docker/key.json (20.10) and <data-root>/engine-id (23 and later) */
  identity(): { trustKey?: Buffer; engineId?: string };
  /** removes its containers (so their cgroups go), stops dockerd, and kills the namespace if it lingers */
  stop(): Promise<void>;
}

const running = new Set<ResultPromise>();
// A test run that ends without its after hooks still takes its engines along (setpriv's
// death signal covers a killed node as well).
process.once('exit', () => {
  for (const ns of running) ns.kill('SIGKILL');
});

/** Starts an engine in `dir` (created), giving it `identity`'s files first, as a cloned VM would carry them. */
export async function startNsEngine(
  dir: string,
  name: string,
  identity: ReturnType<NsEngine['identity']> = {},
): Promise<NsEngine> {
  const [data, exec, etc] = ['data', 'exec', 'etc'].map((d) => join(dir, d));
  for (const d of [data, exec, etc]) mkdirSync(d, { recursive: true });
  if (identity.trustKey) writeFileSync(join(etc, 'key.json'), identity.trustKey, { mode: 0o600 });
  if (identity.engineId) writeFileSync(join(data, 'engine-id'), identity.engineId);
  const socket = join(dir, 'docker.sock');
  const cgroupParent = `docknet-test-${name}`;
  // eth0 has a default route from TEST-NET-1 like a VM's uplink, but its veth peer stays in the
  // namespace, unaddressed: nothing leaves it (this kernel has no dummy interfaces).
  const init = [
    `mount --bind ${etc} /etc/docker`,
    'ip link set lo up',
    'ip link add eth0 type veth peer name uplink',
    'ip addr add 192.0.2.2/24 dev eth0',
    'ip link set uplink up',
    'ip link set eth0 up',
    'ip route add default via 192.0.2.1',
    `exec dockerd --data-root ${data} --exec-root ${exec} --pidfile ${join(dir, 'dockerd.pid')} -H unix://${socket} --cgroup-parent ${cgroupParent}`,
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
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    host,
    docker,
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
