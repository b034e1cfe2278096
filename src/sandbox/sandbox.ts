// One submission's throwaway world: its own network, mount and PID namespaces with a
// dockerd of its own, made with util-linux's unshare. The grader stays outside: it
// reaches the sandbox's engine through a socket in the sandbox's temp dir and its
// network namespace through /proc/PID/ns/net. Destroying it kills its first process;
// the kernel then ends every process, mount, interface and rule inside.
import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { AuthzServer, GRANT_HEADER } from './authz.js';
import { makeCgroups, removeCgroups, type SandboxCgroups } from './cgroups.js';
import { processAlive, processStart } from '../docker/labels.js';
import { INIT_SCRIPT } from './init-script.js';

export interface SandboxLimits {
  /** the solution's time limit */
  solutionTimeoutMs: number;
  /** size of each writable tmpfs (the overlay's upper layer, /tmp, /var/lib/docker, …) */
  diskMb: number;
  memoryMb: number;
  /** processes and threads of the whole sandbox, and of the solution alone */
  pids: number;
  solutionPids: number;
  /** bytes of the solution's output kept */
  outputBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  solutionTimeoutMs: 120_000,
  diskMb: 1024,
  memoryMb: 2048,
  pids: 4096,
  solutionPids: 256,
  outputBytes: 64 * 1024,
};

export interface SandboxSpec {
  /** the submission's directory: copied in, nothing else of the host's tree is */
  submission: string;
  /** the solution's argv, run in the copy */
  argv: string[];
  /** a `docker save` archive loaded into the sandbox's engine before the solution runs */
  imagesTar?: string;
  /** host directories to hide from the solution (the submissions tree, the out dir, docknet itself) */
  hide: string[];
  limits: SandboxLimits;
}

export interface SolutionOutcome {
  exitCode?: number;
  timedOut: boolean;
  output: string;
  durationMs: number;
}

const TEMP = '/var/tmp';
const PREFIX = 'docknet-sandbox.';
const CGROUP_NAME = /^docknet-sandbox-[0-9a-f]{12}$/;

/** Who made a sandbox's temp dir and cgroups: once that process is gone, anyone may remove them. */
interface Owner {
  /** its PID namespace: a run in a private engine's namespace shares /var/tmp, not PIDs */
  pidns: string;
  pid: number;
  start?: string;
  cgroup: string;
}

/** The kernel's first PID namespace always has this inode: from it every process is visible. */
const INITIAL_PID_NS = 'pid:[4026531836]';

function pidNamespace(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Whether the owner has certainly ended: in our own namespace by its PID, from the first one by looking at every process. */
function ownerGone(owner: Owner): boolean {
  const ours = pidNamespace('self');
  if (owner.pidns === ours) return !processAlive(owner.pid, owner.start);
  if (ours !== INITIAL_PID_NS) return false; // its namespace may hold processes we cannot see
  return !readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .some((n) => {
      if (pidNamespace(Number(n)) !== owner.pidns) return false;
      try {
        // NSpid lists the process's PID in each namespace down to its own
        const nspid = /^NSpid:\s+(.*)$/m
          .exec(readFileSync(`/proc/${n}/status`, 'utf8'))?.[1]
          .trim()
          .split(/\s+/);
        return (
          Number(nspid?.at(-1)) === owner.pid && (owner.start === undefined || processStart(Number(n)) === owner.start)
        );
      } catch {
        return false; // ended meanwhile
      }
    });
}

/**
 * Removes the temp dirs and cgroups of sandboxes whose docknet was killed (SIGKILL runs no
 * cleanup; the sandbox itself dies with it). Only what a dead docknet's owner file names goes:
 * a directory this user owns that is not a link, and a cgroup of docknet's naming.
 */
export function reapSandboxLeftovers(): number {
  let reaped = 0;
  for (const name of readdirSync(TEMP).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(TEMP, name);
    let owner: Owner;
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid!()) continue;
      owner = JSON.parse(readFileSync(join(dir, 'owner'), 'utf8')) as Owner;
    } catch {
      continue; // not provably docknet's, or removed meanwhile
    }
    if (!Number.isInteger(owner.pid) || !/^pid:\[\d+\]$/.test(String(owner.pidns)) || !ownerGone(owner)) continue;
    // the owner file stays until the cgroups are gone too, so that a later reap tries them again
    if (CGROUP_NAME.test(owner.cgroup) && !removeCgroups(owner.cgroup)) continue;
    rmSync(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}

let reapedOnce = false;

/** Bound on the sandbox's start: its dockerd and the image load. */
const START_MS = 60_000;
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

export class Sandbox {
  private lines?: AsyncIterator<string>;
  private destroying?: Promise<void>;

  private constructor(
    private readonly dir: string,
    private readonly child: ResultPromise,
    private readonly cgroups: SandboxCgroups | undefined,
    private readonly limits: SandboxLimits,
    private readonly authz: AuthzServer,
    private readonly grant: string,
  ) {
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** The sandbox's engine, from outside. */
  get socketPath(): string {
    return join(this.dir, 'io', 'docker.sock');
  }

  /** Headers every grader request to the sandbox's engine carries: the rules that bind the solution do not bind the grader. */
  get engineHeaders(): Record<string, string> {
    return { [GRANT_HEADER]: this.grant };
  }

  /** The sandbox's network namespace, for nsenter --net. */
  get netns(): string {
    return `/proc/${this.child.pid}/ns/net`;
  }

  /** Starts the sandbox and waits until its engine answers with the images loaded. */
  static async start(spec: SandboxSpec): Promise<Sandbox> {
    if (!reapedOnce) {
      reapedOnce = true;
      reapSandboxLeftovers();
    }
    const dir = mkdtempSync(join(TEMP, PREFIX));
    const cgroupName = `docknet-sandbox-${randomBytes(6).toString('hex')}`;
    const owner: Owner = {
      pidns: pidNamespace('self') ?? '',
      pid: process.pid,
      start: processStart(process.pid),
      cgroup: cgroupName,
    };
    writeFileSync(join(dir, 'owner'), JSON.stringify(owner));
    mkdirSync(join(dir, 'root'));
    mkdirSync(join(dir, 'io'));
    // dockerd asks this before every request from its first one on: it must listen first
    const grant = randomBytes(32).toString('hex');
    let authz: AuthzServer;
    try {
      authz = await AuthzServer.listen(join(dir, 'io', 'authz.sock'), grant);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const cgroups = makeCgroups(cgroupName, spec.limits);
    const limitS = String(Math.max(1, Math.ceil(spec.limits.solutionTimeoutMs / 1000)));
    const args = [
      dir,
      String(spec.limits.diskMb),
      spec.imagesTar ?? '-',
      spec.submission,
      limitS,
      String(spec.limits.outputBytes),
    ];
    args.push(
      (cgroups?.sandbox ?? []).join(' '),
      (cgroups?.solution ?? []).join(' '),
      cgroups?.parent ?? '',
      ...spec.argv,
      '--',
      ...spec.hide,
    );
    // setpriv --pdeathsig: if docknet itself dies, so does the sandbox
    const child = execa(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        '--',
        'unshare',
        '--net',
        '--mount',
        '--pid',
        '--uts',
        '--ipc',
        '--fork',
        '--kill-child',
        '--mount-proc',
        'bash',
        '-c',
        INIT_SCRIPT,
        'sandbox',
        ...args,
      ],
      {
        env: ENV,
        extendEnv: false,
        reject: false,
        stdin: 'pipe',
        stderr: 'pipe',
        buffer: { stdout: false, stderr: true },
        maxBuffer: { stderr: 64 * 1024 },
      },
    );
    const sandbox = new Sandbox(dir, child, cgroups, spec.limits, authz, grant);
    try {
      const line = await sandbox.nextLine(START_MS);
      if (line !== 'ready') throw new Error(`the sandbox did not start: ${await sandbox.failure()}`);
    } catch (err) {
      await sandbox.destroy();
      throw err;
    }
    return sandbox;
  }

  /** Runs the solution to its end or its time limit; then nothing it started is left but dockerd's containers. */
  async runSolution(): Promise<SolutionOutcome> {
    const t0 = Date.now();
    this.child.stdin!.write('run\n');
    // the script's own limit kills the solution; this one guards against the script itself
    const line = await this.nextLine(this.limits.solutionTimeoutMs + 15_000);
    this.authz.endSolution();
    const m = /^solution (\d+) (\d+)$/.exec(line ?? '');
    if (!m) throw new Error(`the sandbox ended while the solution ran: ${await this.failure()}`);
    const status = Number(m[1]);
    const elapsed = Number(m[2]);
    // timeout(1) kills with SIGKILL: 137, and the time is up
    const timedOut = status === 137 && elapsed >= this.limits.solutionTimeoutMs - 100;
    let output = '';
    try {
      output = readFileSync(join(this.dir, 'io', 'solution.log'), 'utf8');
    } catch {
      // no output at all
    }
    return { ...(!timedOut && { exitCode: status }), timedOut, output, durationMs: Date.now() - t0 };
  }

  /** Kills the sandbox at once (an interruption); `destroy` still removes what is left. */
  kill(): void {
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Kills everything inside and removes the temp dir and cgroups; safe to call any number of times. */
  destroy(): Promise<void> {
    this.destroying ??= (async () => {
      this.kill();
      await this.child.catch(() => {});
      // the kernel ends the PID namespace's processes after its first one: wait for the cgroups to empty
      for (let i = 0; i < 150 && this.cgroups && !this.cgroupsEmpty(); i++)
        await new Promise((r) => setTimeout(r, 100));
      const cgroupsGone = this.cgroups?.remove() ?? true;
      await this.authz.close();
      // cgroups still emptying on a loaded machine: the temp dir and its owner file stay for a later run's reap
      if (cgroupsGone) rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.destroying;
  }

  private cgroupsEmpty(): boolean {
    return this.cgroups!.sandbox.every((d) => {
      try {
        return (
          readFileSync(join(d, 'cgroup.procs'), 'utf8').trim() === '' &&
          readFileSync(join(d, 'solution', 'cgroup.procs'), 'utf8').trim() === ''
        );
      } catch {
        return true;
      }
    });
  }

  private async nextLine(timeoutMs: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        this.kill();
        resolve(undefined);
      }, timeoutMs);
    });
    try {
      const next = await Promise.race([this.lines!.next(), timeout]);
      return next && !next.done ? next.value : undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async failure(): Promise<string> {
    this.kill();
    const result = await this.child;
    const lines = String(result.stderr ?? '')
      .trim()
      .split('\n')
      .filter(Boolean);
    return (
      lines.slice(-3).join(' / ') || `its first process ended (${result.signal ?? `exit code ${result.exitCode}`})`
    );
  }
}
