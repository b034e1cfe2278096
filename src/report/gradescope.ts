// Gradescope's autograder results format (results.json): one test per check, as documented at
// https://gradescope-autograders.readthedocs.io/en/latest/specs/ (test/support/gradescope-results.schema.json).
import type { GradingReport, StudentResult } from '../engine/results.js';
import { checkDetails } from './check-details.js';
import { noView, type Graded, type Reporter } from './reporter.js';

type Visibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: Visibility;
}

interface GradescopeResults {
  score?: number;
  execution_time: number;
  output: string;
  visibility: Visibility;
  stdout_visibility: Visibility;
  tests?: GradescopeTest[];
}

/**
 * Gradescope holds a hidden check back until grades are published, details and all: the
 * student cannot learn its expected values while still submitting, and reads them afterwards.
 */
const HIDDEN_CHECK: Visibility = 'after_published';

/** Gradescope only knows passed and failed: a skip or a grader error is a failed test whose output says which. */
function testsOf(report: GradingReport): GradescopeTest[] {
  return report.exercises.flatMap((exercise) =>
    exercise.checks.map((check) => ({
      name: `${exercise.title}: ${check.title}`,
      score: check.points,
      max_score: check.maxPoints,
      status: check.status === 'passed' ? 'passed' : 'failed',
      output: checkDetails(check),
      visibility: check.hidden ? HIDDEN_CHECK : 'visible',
    })),
  );
}

/**
 * A student who could not be graded has no score and no tests: Gradescope counts the run as
 * an autograder failure to look into (and regrade), not as a zero the student earned.
 * stdout (docknet's console and the setup's) stays with the instructor.
 */
function results(report: GradingReport | undefined, durationMs: number, summary: string): string {
  const results: GradescopeResults = {
    ...(report && { score: report.score }),
    execution_time: Math.round(durationMs / 1000),
    output: summary,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    ...(report && { tests: testsOf(report) }),
  };
  return `${JSON.stringify(results, null, 2)}\n`;
}

function studentResults(result: StudentResult, unredacted?: GradingReport): string {
  const report = unredacted ?? result.report;
  const summary = [
    result.report
      ? `docknet graded Docker ${result.report.engine.version} at ${result.student.where}: ${result.report.score}/${result.report.maxScore}`
      : `docknet could not grade ${result.student.where}: ${result.error}`,
    result.solution &&
      `\n$ ${result.solution.command}   (${result.solution.timedOut ? 'stopped at the time limit' : `exit code ${result.solution.exitCode ?? 'none'}`})\n${result.solution.output}`,
    ...(result.problems ?? []).map((p) => `cleanup: ${p}`),
  ]
    .filter(Boolean)
    .join('\n');
  return results(result.report && report, result.durationMs, summary);
}

function reportResults(report: GradingReport): string {
  const summary = `docknet graded Docker ${report.engine.version} at ${report.host}: ${report.score}/${report.maxScore}`;
  return results(report, report.durationMs, summary);
}

export function gradescopeReporter(path: string): Reporter {
  return {
    path,
    render(graded: Graded): string {
      if (graded.kind === 'student') return studentResults(graded.result, graded.unredacted);
      if (graded.kind === 'report') return reportResults(graded.unredacted ?? graded.report);
      throw noView('Gradescope', graded);
    },
  };
}

/** The results.json of a run that ended before any grading (no engine, a bad option's consequence): why, and no score. */
export function gradescopeFailure(why: string, durationMs: number): string {
  return results(undefined, durationMs, `docknet could not grade: ${why}`);
}
