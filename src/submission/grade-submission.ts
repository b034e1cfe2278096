import type { StudentResult } from '../engine/results.js';
import { resultStart, statusOf } from '../class/results.js';
import type { Student } from '../class/roster.js';
import type { GradingContext } from '../engine/context.js';
import type { Exercise } from '../engine/runner.js';
import type { GradingOptions, GradingSession } from '../engine/session.js';
import { errorMessage } from '../errors.js';
import { captureHostState, restoreHostState, type HostState } from './host-state.js';
import { runSolution, solutionCommand } from './run-solution.js';

export interface SubmissionOptions extends GradingOptions {
  solutionTimeoutMs: number;
}

/** How an interruption reaches a submission in flight: its solution is killed (its probes go with the session's). */
export interface Interruptible {
  cancelled?: boolean;
  killSolution?: () => void;
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
  const t0 = Date.now();
  const base = resultStart(student, exercises, t0);
  const finished = () => ({ durationMs: Date.now() - t0, finishedAt: new Date().toISOString() });
  const argv = solutionCommand(dir, `docknet-${student.slug.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`);
  if (!argv) return { ...base, status: 'error', error: 'no solution.sh or compose file in the submission', ...finished() };

  if (interruptible.cancelled) return { ...base, status: 'error', error: 'interrupted before the solution ran', ...finished() };
  let before: HostState;
  try {
    before = await captureHostState(docker);
  } catch (err) {
    return { ...base, status: 'error', error: `cannot read the host's state before the solution runs: ${errorMessage(err)}`, ...finished() };
  }
  let result: Omit<StudentResult, 'durationMs' | 'finishedAt'>;
  try {
    const solution = await runSolution(dir, argv, options.solutionTimeoutMs, (kill) => (interruptible.killSolution = kill));
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
  const problems = await restoreHostState(docker, before).catch((err: unknown) => [`the host could not be put back: ${errorMessage(err)}`]);
  return { ...result, ...(problems.length > 0 && { problems }), ...finished() };
}
