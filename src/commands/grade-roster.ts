import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import pLimit from 'p-limit';
import { exerciseColumns } from '../class/gradebook.js';
import { readPrevious, sameExercises, writeClassFiles, writeStudentFiles } from '../class/output.js';
import { ProbePool, type Lease } from '../class/probe-pool.js';
import { Progress } from '../class/progress.js';
import { needsRegrading, resultStart, statusOf } from '../class/results.js';
import type { ExerciseColumn, StudentResult } from '../engine/results.js';
import { readRoster, type Student } from '../class/roster.js';
import { connect, resolveTarget, targetFor, type TransportPolicy } from '../docker/client.js';
import { openHostFirewall } from '../docker/host-firewall.js';
import { describeSource, ensureProbeImage } from '../docker/probe-image.js';
import type { ProbeSession } from '../docker/probe.js';
import type { GradingContext } from '../engine/context.js';
import type { FirewallView } from '../engine/firewall-view.js';
import type { Lang } from '../engine/exercise.js';
import type { Exercise } from '../engine/runner.js';
import { GradingSession, type GradingOptions } from '../engine/session.js';
import { UsageError, errorMessage, withTimeout } from '../errors.js';
import type { Lifecycle } from './lifecycle.js';
import { selectExercises } from './select.js';

export interface RosterArgs extends GradingOptions {
  roster: string;
  exercises: string[];
  out: string;
  concurrency: number;
  /** bound on one student's whole grading, in ms */
  studentTimeoutMs: number;
  /** take only students whose result in `out` is missing or not fully graded */
  resume: boolean;
  lang: Lang;
  /** gradebook.csv starts with a UTF-8 byte order mark */
  bom?: boolean;
  /** --insecure, --ssh-accept-new */
  transport?: TransportPolicy;
  /** grade each student against their own variant, drawn for their roster id */
  variants?: boolean;
  secret?: string;
}

/**
 * Grades every student's engine in the roster, a bounded number at a time. A
 * student's failure (unreachable, bad credentials, hung, crashed) is that
 * student's error row; the run goes on. Files are written as students finish,
 * so an interrupted run keeps them and `--resume` takes only what is missing.
 */
export async function gradeRoster(args: RosterArgs, life: Lifecycle): Promise<number> {
  const roster = readRoster(args.roster);
  const exercises = selectExercises(args.exercises, args.lang);
  const exercisesOf = (student: Student) =>
    args.variants
      ? selectExercises(args.exercises, args.lang, { student: student.id, secret: args.secret })
      : exercises;
  const columns: ExerciseColumn[] = exerciseColumns(exercises);
  try {
    await mkdir(join(args.out, 'students'), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot write to ${args.out}: ${errorMessage(err)}`);
  }

  const results = new Map<string, StudentResult>();
  if (args.resume) {
    for (const student of roster) {
      const previous = await readPrevious(args.out, student);
      if (previous && sameExercises(previous, columns) && !needsRegrading(previous)) results.set(student.id, previous);
    }
  }
  const todo = roster.filter((s) => !results.has(s.id));
  const progress = new Progress(todo.length);
  if (args.resume)
    progress.note(
      `${roster.length - todo.length} of ${roster.length} students already graded in ${args.out}; grading the other ${todo.length}`,
    );
  else
    progress.note(
      `grading ${todo.length} student${todo.length === 1 ? '' : 's'}, ${Math.min(args.concurrency, todo.length)} at a time`,
    );

  // The engine this machine uses can hand the probe image to remote engines that lack it.
  const shared: SharedByStudents = {
    localEngine: new Docker(resolveTarget(undefined).options),
    pool: new ProbePool(args.apiTimeoutMs, undefined, (line) => progress.note(line)),
    images: new Map(),
    firewalls: new WeakMap(),
    note: (line) => progress.note(line),
  };
  const limit = pLimit(args.concurrency);
  life.stopping = ''; // told on the progress line, which a TTY redraws
  const stopped = new Promise<void>((resolve) =>
    life.onInterrupt(() => {
      limit.clearQueue();
      progress.note(`${life.signal}: stopping; removing the probes on the hosts being graded`);
      resolve();
    }),
  );

  const grading = Promise.all(
    todo.map((student) =>
      limit(async () => {
        if (life.signal) return;
        progress.begin(student);
        const result = await gradeStudent(student, exercisesOf(student), args, shared);
        if (life.signal) return; // cut short by the interruption: not a result
        await writeStudentFiles(args.out, student, result);
        results.set(student.id, result);
        progress.finish(result);
      }),
    ),
  );
  grading.catch(() => {});
  try {
    // Checks cut short may still be waiting on their hosts; once their probes are gone nothing is left to wait for.
    await Promise.race([grading, stopped]);
  } finally {
    await shared.pool.closeAll();
    progress.end();
  }

  await writeClassFiles(args.out, columns, roster, results, args.lang, args.bom);
  return life.exitCode ?? (roster.every((s) => results.get(s.id)?.status === 'graded') ? 0 : 1);
}

/** What the students of one run share: where the probe image can come from, the probes, engines whose image is ready. */
interface SharedByStudents {
  localEngine: Docker;
  pool: ProbePool;
  /** per endpoint as dialled: the probe image made ready once, however many students it hosts */
  images: Map<string, Promise<void>>;
  /**
   * per pooled probe session: one reading of that endpoint's firewall for the students graded on it at
   * once (through the helper it is many execs, and over ssh:// twenty readings timed checks out)
   */
  firewalls: WeakMap<ProbeSession, FirewallView>;
  note(line: string): void;
}

async function gradeStudent(
  student: Student,
  exercises: Exercise<GradingContext>[],
  args: RosterArgs,
  { localEngine, pool, images, firewalls, note }: SharedByStudents,
): Promise<StudentResult> {
  const t0 = Date.now();
  let session: GradingSession | undefined;
  let lease: Lease | undefined;
  let engineId: string | undefined;
  const policy: TransportPolicy = { ...args.transport, warn: note };
  const work = (async () => {
    session = await GradingSession.open(targetFor(student.endpoint, student.credentials, policy), {
      apiTimeoutMs: args.apiTimeoutMs,
    });
    const connected = session.engine;
    // Only recorded, to warn about clones (they share one ID): everything is keyed by the endpoint as dialled.
    engineId =
      (await withTimeout(connected.docker.info(), args.apiTimeoutMs, `the Docker engine at ${student.where}`)).ID ||
      undefined;
    let image = images.get(student.where);
    if (!image) {
      image = ensureProbeImage(connected.docker, connected.info.arch, localEngine).then((source) => {
        if (source !== 'present') note(`built the probe image on ${student.where} (${describeSource(source)})`);
      });
      images.set(student.where, image);
      image.catch(() => images.delete(student.where)); // the next student of that endpoint tries again
    }
    await image;
    lease = await pool.lease(student.where, () =>
      connect(targetFor(student.endpoint, student.credentials, policy), args.apiTimeoutMs),
    );
    const probes = lease.probes;
    let firewall = firewalls.get(probes);
    if (!firewall) {
      firewall = openHostFirewall(connected.target, probes, { timeoutMs: args.apiTimeoutMs });
      firewalls.set(probes, firewall);
    }
    return session.grade(exercises, args, { probes, firewall });
  })();
  // Past the time limit it may still settle; nobody waits for it then, but what it holds must not outlive it.
  work
    .catch(() => {})
    .finally(() => {
      void session?.close();
      void lease?.release();
    });
  const base = resultStart(student, exercises, t0);
  try {
    const report = await withTimeout(work, args.studentTimeoutMs, `grading ${student.where}`);
    return {
      ...base,
      status: statusOf(report),
      report,
      ...(engineId && { engineId }),
      durationMs: Date.now() - t0,
      finishedAt: new Date().toISOString(),
    };
  } catch (err) {
    return {
      ...base,
      status: 'error',
      error: errorMessage(err).split('\n')[0],
      ...(engineId && { engineId }),
      durationMs: Date.now() - t0,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    await session?.close();
    await lease?.release();
  }
}
