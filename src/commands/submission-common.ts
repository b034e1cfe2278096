import { basename, resolve } from 'node:path';
import { slugOf, type Student } from '../class/roster.js';
import { resolveTarget } from '../docker/client.js';
import type { GradingOptions } from '../engine/session.js';
import { GradingSession } from '../engine/session.js';
import type { Lang } from '../engine/check.js';
import { UsageError } from '../errors.js';
import type { Interruptible } from '../submission/grade-submission.js';
import type { Lifecycle } from './lifecycle.js';

export interface SubmissionCommonArgs extends GradingOptions {
  exercises: string[];
  host?: string;
  lang: Lang;
  solutionTimeoutMs: number;
  markdown?: string;
  color: boolean;
}

/** Submissions run commands on this machine: its engine, as root (they change the firewall). */
export async function openLocalSession(host: string | undefined, apiTimeoutMs: number, life: Lifecycle): Promise<GradingSession> {
  const target = resolveTarget(host);
  if (!target.sameHost) throw new UsageError(`submissions run on this machine, so they are graded on its own engine, not ${target.label}`);
  if (process.getuid?.() !== 0) throw new UsageError('grading a submission runs its docker and iptables commands and puts the host back afterwards: run as root');
  return life.open(() => GradingSession.open(target, { apiTimeoutMs, probeImage: true }));
}

export function submissionStudent(dir: string, where: string): Student {
  const id = basename(resolve(dir));
  return { id, name: '', endpoint: where, where, credentials: {}, slug: slugOf(id) };
}

/** Ctrl-C: the solution is killed and the host put back before exiting (the session removes the probes). */
export function interruptible(life: Lifecycle): Interruptible {
  const handle: Interruptible = {};
  life.stopping = 'stopping the solution and putting the host back';
  life.onInterrupt(() => {
    handle.cancelled = true;
    handle.killSolution?.();
  });
  return handle;
}

/** Subdirectories in name order; the slice `shard` takes is the same on every machine. */
export function selectSubmissions(names: string[], shard?: [number, number]): string[] {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return shard ? sorted.filter((_, i) => i % shard[1] === shard[0] - 1) : sorted;
}
