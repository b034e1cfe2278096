// GitHub Classroom's autograding: the grading reporter action (classroom-resources/autograding-grading-reporter)
// reads, for each id in its `runners` input, a base64 JSON result from the environment variable <ID>_RESULTS.
// Its table scores a runner by the share of its tests that passed, the grade it posts by the tests' scores:
// one runner per check makes both equal that check's points. The lines are GitHub's environment-file
// format, so a run given "$GITHUB_ENV" hands them, and DOCKNET_RUNNERS, to the reporter step.
import { resolve } from 'node:path';
import type { CheckResult, GradingReport, StudentResult } from '../engine/results.js';
import { checkDetails } from './check-details.js';
import { noView, type Graded, type Reporter } from './reporter.js';

type RunnerStatus = 'pass' | 'fail' | 'error';

/** One runner's result, as the reporter decodes it. */
export interface ClassroomResult {
  version: 1;
  status: RunnerStatus;
  max_score: number;
  /** line_no 0: there is no source line, and the reporter prints any other value after the name */
  tests: {
    name: string;
    status: RunnerStatus;
    message: string;
    score: number;
    execution_time: string;
    line_no: 0;
  }[];
}

/** The variable that lists the runners, for the reporter's `runners: ${{ env.DOCKNET_RUNNERS }}`. */
export const RUNNERS_VARIABLE = 'DOCKNET_RUNNERS';

function statusOf(check: CheckResult): RunnerStatus {
  return check.status === 'passed' ? 'pass' : check.status === 'error' ? 'error' : 'fail';
}

/** A runner id the reporter can upper-case into a variable name: letters, digits and underscores, unique. */
function runnerIds(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const base =
      key
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'check';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

function runners(report: GradingReport): [string, ClassroomResult][] {
  const checks = report.exercises.flatMap((exercise) => exercise.checks.map((check) => ({ exercise, check })));
  const ids = runnerIds(checks.map(({ exercise, check }) => `${exercise.id}_${check.id}`));
  return checks.map(({ exercise, check }, i) => [
    ids[i],
    {
      version: 1,
      status: statusOf(check),
      max_score: check.maxPoints,
      tests: [
        {
          name: `${exercise.title}: ${check.title}`,
          status: statusOf(check),
          // hidden checks arrive here already without their details: the job log is the student's
          message: checkDetails(check),
          score: check.points,
          execution_time: `${check.durationMs}ms`,
          line_no: 0,
        },
      ],
    },
  ]);
}

/**
 * A run that could not grade: one runner in error with no points at stake, so the reporter fails
 * the job and posts no grade at all rather than a zero the student did not earn.
 */
function failure(why: string): [string, ClassroomResult][] {
  return [
    [
      'docknet',
      {
        version: 1,
        status: 'error',
        max_score: 0,
        tests: [{ name: 'docknet', status: 'error', message: why, score: 0, execution_time: '0ms', line_no: 0 }],
      },
    ],
  ];
}

function lines(results: [string, ClassroomResult][]): string {
  const encoded = results.map(
    ([id, result]) => `${id.toUpperCase()}_RESULTS=${Buffer.from(JSON.stringify(result)).toString('base64')}`,
  );
  return `${[`${RUNNERS_VARIABLE}=${results.map(([id]) => id).join(',')}`, ...encoded].join('\n')}\n`;
}

function studentRunners(result: StudentResult): [string, ClassroomResult][] {
  return result.report
    ? runners(result.report)
    : failure(`docknet could not grade ${result.student.where}: ${result.error}`);
}

/**
 * GitHub's environment file is shared by every step of the job: results written there join what
 * is there. Anywhere else the file holds this run's results alone.
 */
export function classroomReporter(path: string): Reporter {
  const githubEnv = process.env.GITHUB_ENV;
  return {
    path,
    append: githubEnv !== undefined && githubEnv !== '' && resolve(githubEnv) === resolve(path),
    render(graded: Graded): string {
      if (graded.kind === 'student') return lines(studentRunners(graded.result));
      if (graded.kind === 'report') return lines(runners(graded.report));
      throw noView('GitHub Classroom', graded);
    },
  };
}

/** The results of a run that ended before any grading: why, and no points at stake. */
export function classroomFailure(why: string): string {
  return lines(failure(`docknet could not grade: ${why}`));
}
