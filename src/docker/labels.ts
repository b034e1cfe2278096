import { appendFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { withTimeout } from '../errors.js';
import { privateDir } from './state.js';

/**
 * What docknet creates carries these labels so a person can tell what it is. They
 * prove nothing: anyone may put them on a container. What proves a container is
 * docknet's is the record its run keeps in docknet's private state directory.
 */
export const LABEL = {
  owner: 'io.docknet.owner',
  run: 'io.docknet.run',
  pid: 'io.docknet.pid',
  hostname: 'io.docknet.hostname',
  role: 'io.docknet.role',
} as const;
export const OWNER = 'docknet-grader';

export function ownedLabels(runId: string, role: string): Record<string, string> {
  return {
    [LABEL.owner]: OWNER,
    [LABEL.run]: runId,
    [LABEL.pid]: String(process.pid),
    [LABEL.hostname]: hostname(),
    [LABEL.role]: role,
  };
}

/** A record of an abandoned run is forgotten after this: what it left anywhere has long ended itself. */
const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;

/** When a process started (clock ticks since boot), so a reused PID is not taken for the run's. */
export function processStart(pid: number): string | undefined {
  try {
    // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return start === undefined || processStart(pid) === undefined || processStart(pid) === start;
}

type Line = { pid: number; start?: string } | { name: string; id?: string };

/**
 * The containers one run creates, written down before each is created (its name) and
 * right after (its ID), synchronously: a run killed at any moment leaves a record
 * the next run can act on.
 */
export class RunRecord {
  private path?: string;

  constructor(readonly runId: string) {}

  private append(line: Line): void {
    if (!this.path) {
      this.path = join(privateDir('runs'), this.runId);
      appendFileSync(this.path, `${JSON.stringify({ pid: process.pid, start: processStart(process.pid) })}\n`, {
        mode: 0o600,
      });
    }
    appendFileSync(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  creating(name: string): void {
    this.append({ name });
  }

  created(name: string, id: string): void {
    this.append({ name, id });
  }

  /** Everything the run created is gone. */
  finish(): void {
    if (this.path) rmSync(this.path, { force: true });
    this.path = undefined;
  }
}

export interface KnownRun {
  runId: string;
  abandoned: boolean;
  modifiedMs: number;
  ids: Set<string>;
  /** names whose creation was begun but whose ID was never recorded */
  pending: Set<string>;
  file: string;
}

/** Every run's record on this machine. */
export function knownRuns(): KnownRun[] {
  const dir = privateDir('runs');
  return readdirSync(dir).flatMap((runId) => {
    const file = join(dir, runId);
    let text: string;
    let modifiedMs: number;
    try {
      text = readFileSync(file, 'utf8');
      modifiedMs = statSync(file).mtimeMs;
    } catch {
      return []; // finished meanwhile
    }
    const lines = text.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return []; // a line cut short by a kill
      }
    });
    const head = lines[0];
    if (!head || !('pid' in head)) return [];
    const ids = new Set<string>();
    const pending = new Set<string>();
    for (const line of lines) {
      if (!('name' in line)) continue;
      if (line.id) {
        ids.add(line.id);
        pending.delete(line.name);
      } else pending.add(line.name);
    }
    return [{ runId, abandoned: !processAlive(head.pid, head.start), modifiedMs, ids, pending, file }];
  });
}

/**
 * Whether docknet can prove it created this container: its ID is in a run's record,
 * or its creation was recorded and the engine answered too late for the ID to be
 * (then the name, which is secret until created, and the run label must both match).
 */
export function createdByDocknet(
  c: Pick<Docker.ContainerInfo, 'Id' | 'Names' | 'Labels'>,
  runs: KnownRun[],
): KnownRun | undefined {
  return runs.find(
    (run) =>
      run.ids.has(c.Id) ||
      (c.Labels?.[LABEL.run] === run.runId && c.Names.some((n) => run.pending.has(n.replace(/^\//, '')))),
  );
}

/**
 * Removes what killed runs left behind: only containers whose creation a run of this
 * machine recorded, whatever labels anything else carries.
 */
export async function reapLeftovers(docker: Docker, timeoutMs: number, now = Date.now()): Promise<number> {
  const abandoned = knownRuns().filter((r) => r.abandoned);
  if (abandoned.length === 0) return 0;
  const containers = await withTimeout(docker.listContainers({ all: true }), timeoutMs, 'listing leftover probes');
  const stale = containers.filter((c) => createdByDocknet(c, abandoned));
  await Promise.all(
    stale.map((c) =>
      withTimeout(
        docker.getContainer(c.Id).remove({ force: true, v: true }),
        timeoutMs,
        'removing a leftover probe',
      ).catch(ignoreGone),
    ),
  );
  // A class run's record spans many engines: it is kept until what it left elsewhere has long ended itself.
  for (const run of abandoned) if (now - run.modifiedMs > FORGET_AFTER_MS) rmSync(run.file, { force: true });
  return stale.length;
}

/** Removal of something already gone is success. */
export function ignoreGone(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) return; // 409: removal already in progress
  throw err;
}
