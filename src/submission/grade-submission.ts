import type { StudentResult } from '../engine/results.js';
import { resultStart, statusOf } from '../class/results.js';
import type { Student } from '../class/roster.js';
import type { GradingContext } from '../engine/context.js';
import type { Exercise } from '../engine/runner.js';
import { resolveTarget } from '../docker/client.js';
import { GradingSession, type GradingOptions } from '../engine/session.js';
import { errorMessage } from '../errors.js';
import { Sandbox, type SandboxLimits } from '../sandbox/sandbox.js';
import { captureHostState, restoreHostState, type HostState } from './host-state.js';
import { runSolution, solutionCommand } from './run-solution.js';

export interface SubmissionOptions extends GradingOptions {
  solutionTimeoutMs: number;
}

/** How an interruption reaches a submission in flight: its solution is killed (its probes go with the session's). */
export interface Interruptible {
  cancelled?: boolean;
  killSolution?: () => void;
  /** sandboxes in flight, killed at once on an interruption */
  sandboxes?: Set<() => void>;
}

export interface SandboxedOptions extends GradingOptions {
  limits: SandboxLimits;
  /** a `docker save` archive of the images the solution may use */
  imagesTar?: string;
  /** host directories the solution must not see */
  hide: string[];
}

/** What both ways of running a submission begin with: its record, its command, and the ways it ends before running. */
function startSubmission(
  dir: string,
  student: Student,
  exercises: Exercise<GradingContext>[],
  interruptible: Interruptible,
):
  | StudentResult
  | {
      base: ReturnType<typeof resultStart>;
      finished: () => Pick<StudentResult, 'durationMs' | 'finishedAt'>;
      argv: string[];
    } {
  const t0 = Date.now();
  const base = resultStart(student, exercises, t0);
  const finished = () => ({ durationMs: Date.now() - t0, finishedAt: new Date().toISOString() });
  const argv = solutionCommand(dir, `docknet-${student.slug.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`);
  if (!argv)
    return { ...base, status: 'error', error: 'no solution.sh or compose file in the submission', ...finished() };
  if (interruptible.cancelled)
    return { ...base, status: 'error', error: 'interrupted before the solution ran', ...finished() };
  return { base, finished, argv };
}

/**
 * Runs the submission's solution in a sandbox of its own, grades the sandbox's engine
 * from outside, and throws the sandbox away: there is nothing to put back.
 */
export async function gradeInSandbox(
  dir: string,
  student: Student,
  exercises: Exercise<GradingContext>[],
  options: SandboxedOptions,
  interruptible: Interruptible = {},
): Promise<StudentResult> {
  const start = startSubmission(dir, student, exercises, interruptible);
  if ('status' in start) return start;
  const { base, finished, argv } = start;
  let sandbox: Sandbox;
  try {
    sandbox = await Sandbox.start({
      submission: dir,
      argv,
      imagesTar: options.imagesTar,
      hide: options.hide,
      limits: options.limits,
    });
  } catch (err) {
    return {
      ...base,
      status: 'error',
      error: `cannot start the sandbox: ${errorMessage(err).split('\n')[0]}`,
      ...finished(),
    };
  }
  const kill = () => sandbox.kill();
  interruptible.sandboxes?.add(kill);
  let session: GradingSession | undefined;
  try {
    if (interruptible.cancelled) throw new Error('interrupted before the solution ran');
    // docknet's probe image goes in before the solution runs, and is then used by ID
    const target = resolveTarget(`unix://${sandbox.socketPath}`, {});
    target.options = { ...target.options, headers: sandbox.engineHeaders };
    session = await GradingSession.open(target, {
      apiTimeoutMs: options.apiTimeoutMs,
      probeImage: true,
      netns: sandbox.netns,
    });
    const ran = await sandbox.runSolution();
    const solution = { command: argv.join(' '), ...ran };
    try {
      if (interruptible.cancelled) throw new Error('interrupted before grading');
      const report = await session.grade(exercises, options);
      return { ...base, status: statusOf(report), report, solution, ...finished() };
    } catch (err) {
      return { ...base, status: 'error', error: errorMessage(err).split('\n')[0], solution, ...finished() };
    }
  } catch (err) {
    return { ...base, status: 'error', error: errorMessage(err).split('\n')[0], ...finished() };
  } finally {
    interruptible.sandboxes?.delete(kill);
    await session?.close();
    await sandbox.destroy();
  }
}

/**
 * Snapshots the host, runs the submission's solution, grades, and puts the host
 * back as it was, whatever happened in between. What could not be put back is
 * reported with the result rather than thrown: a batch goes on.
 */
export async function gradeSubmission(
  session: GradingSession,
  dir: string,
  student: Student,
  exercises: Exercise<GradingContext>[],
  options: SubmissionOptions,
  interruptible: Interruptible = {},
): Promise<StudentResult> {
  const { docker } = session.engine;
  const start = startSubmission(dir, student, exercises, interruptible);
  if ('status' in start) return start;
  const { base, finished, argv } = start;
  let before: HostState;
  try {
    before = await captureHostState(docker);
  } catch (err) {
    return {
      ...base,
      status: 'error',
      error: `cannot read the host's state before the solution runs: ${errorMessage(err)}`,
      ...finished(),
    };
  }
  let result: Omit<StudentResult, 'durationMs' | 'finishedAt'>;
  try {
    const solution = await runSolution(
      dir,
      argv,
      options.solutionTimeoutMs,
      (kill) => (interruptible.killSolution = kill),
    );
    try {
      if (interruptible.cancelled) throw new Error('interrupted before grading');
      const report = await session.grade(exercises, options);
      result = { ...base, status: statusOf(report), report, solution };
    } catch (err) {
      result = { ...base, status: 'error', error: errorMessage(err).split('\n')[0], solution };
    }
  } finally {
    interruptible.killSolution?.();
  }
  const problems = await restoreHostState(docker, before).catch((err: unknown) => [
    `the host could not be put back: ${errorMessage(err)}`,
  ]);
  return { ...result, ...(problems.length > 0 && { problems }), ...finished() };
}
