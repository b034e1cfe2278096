import { mkdtempSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { slugOf, type Student } from '../class/roster.js';
import { resolveTarget } from '../docker/client.js';
import type { GradingOptions } from '../engine/session.js';
import { GradingSession } from '../engine/session.js';
import type { Lang } from '../engine/grader.js';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { DEFAULT_LIMITS } from '../sandbox/sandbox.js';
import type { Interruptible, SandboxedOptions } from '../submission/grade-submission.js';
import type { Lifecycle } from './lifecycle.js';

export interface SubmissionCommonArgs extends GradingOptions {
  exercises: string[];
  host?: string;
  lang: Lang;
  solutionTimeoutMs: number;
  markdown?: string;
  color: boolean;
  /** false: run on this machine directly and put the host back (a student's own laptop) */
  sandbox: boolean;
  /** images the solution may use, copied from this machine's engine into each sandbox */
  images: string[];
  /** --student: the one submission's student, whose variant is graded */
  student?: string;
  /** --variants: each submission graded against its own variant, the directory's name as the student's id */
  variants?: boolean;
  secret?: string;
  /** --student-key: the one submission's student's own key, instead of the course's secret */
  studentKey?: string;
}

// Paths a hiding tmpfs must never cover: the sandbox's root is built from them.
const SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/etc', '/proc', '/sys', '/dev'];

/** What every sandbox of this run shares: the images' archive, the limits, what to hide. `done` removes the archive. */
export async function prepareSandboxes(
  args: SubmissionCommonArgs,
  hide: string[],
): Promise<{ options: SandboxedOptions; done: () => void }> {
  if (process.getuid?.() !== 0)
    throw new UsageError('a sandbox is made of namespaces and a dockerd of its own: run as root');
  const hidden = [...new Set([...hide, packageRoot, process.cwd()].map((p) => resolve(p)))].filter(
    (p) => p !== '/' && !SYSTEM.some((s) => s === p || s.startsWith(`${p}/`)),
  );
  const options: SandboxedOptions = {
    ...args,
    limits: { ...DEFAULT_LIMITS, solutionTimeoutMs: args.solutionTimeoutMs },
    hide: hidden,
  };
  if (args.images.length === 0) return { options, done: () => {} };
  const dir = mkdtempSync('/var/tmp/docknet-images.');
  const done = () => rmSync(dir, { recursive: true, force: true });
  const tar = join(dir, 'images.tar');
  // images come from this machine's engine, never from a registry
  const saved = await execa('docker', ['save', '-o', tar, ...args.images], { reject: false, stdin: 'ignore' });
  if (saved.exitCode !== 0) {
    done();
    throw new UsageError(
      `cannot copy the images ${args.images.join(', ')} from this machine's engine: ${saved.stderr.trim().split('\n').pop()}`,
    );
  }
  return { options: { ...options, imagesTar: tar }, done };
}

/** Submissions run commands on this machine: its engine, as root (they change the firewall). */
export async function openLocalSession(
  host: string | undefined,
  apiTimeoutMs: number,
  life: Lifecycle,
): Promise<GradingSession> {
  const target = resolveTarget(host);
  if (!target.sameHost)
    throw new UsageError(`submissions run on this machine, so they are graded on its own engine, not ${target.label}`);
  if (process.getuid?.() !== 0)
    throw new UsageError(
      'grading a submission runs its docker and iptables commands and puts the host back afterwards: run as root',
    );
  return life.open(() => GradingSession.open(target, { apiTimeoutMs, probeImage: true }));
}

export function submissionStudent(dir: string, where: string): Student {
  const id = basename(resolve(dir));
  return { id, name: '', endpoint: where, where, credentials: {}, slug: slugOf(id) };
}

/** Ctrl-C: the solution is killed and the host put back before exiting (the session removes the probes). */
export function interruptible(life: Lifecycle): Interruptible {
  const handle: Interruptible = { sandboxes: new Set() };
  life.stopping = 'stopping the solution and putting the host back';
  life.onInterrupt(() => {
    handle.cancelled = true;
    handle.killSolution?.();
    for (const kill of handle.sandboxes ?? []) kill();
  });
  return handle;
}

/** Subdirectories in name order; the slice `shard` takes is the same on every machine. */
export function selectSubmissions(names: string[], shard?: [number, number]): string[] {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return shard ? sorted.filter((_, i) => i % shard[1] === shard[0] - 1) : sorted;
}
