// Gradescope's autograder results format (results.json): one test per check.
import { forStudents, type CheckResult, type StudentResult } from '../engine/results.js';
import { noView, type Graded, type Reporter } from './reporter.js';

interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
}

function output(check: CheckResult): string {
  const lead =
    check.status === 'skipped'
      ? `skipped: ${check.message}`
      : check.status === 'error'
        ? `could not be checked (grader error): ${check.message}`
        : check.message;
  return [
    lead,
    check.expected !== undefined && `expected: ${check.expected}`,
    check.actual !== undefined && `actual: ${check.actual}`,
    check.status !== 'passed' && check.hint !== undefined && `hint: ${check.hint}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Gradescope only knows passed and failed: a skip or a grader error is a failed test whose output says which. */
function renderGradescope(result: StudentResult): string {
  const maxScore = result.exercises.reduce((s, e) => s + e.maxScore, 0);
  // Gradescope shows results.json to students
  const shown = result.report && forStudents(result.report);
  const tests: GradescopeTest[] = (shown?.exercises ?? []).flatMap((exercise) =>
    exercise.checks.map((check) => ({
      name: `${exercise.title}: ${check.title}`,
      score: check.points,
      max_score: check.maxPoints,
      status: check.status === 'passed' ? 'passed' : 'failed',
      output: output(check),
    })),
  );
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
  return `${JSON.stringify(
    {
      score: result.report?.score ?? 0,
      max_score: maxScore,
      execution_time: Math.round(result.durationMs / 1000),
      output: summary,
      tests,
    },
    null,
    2,
  )}\n`;
}

export function gradescopeReporter(path: string): Reporter {
  return {
    path,
    render(graded: Graded): string {
      if (graded.kind !== 'student') throw noView('Gradescope', graded);
      return renderGradescope(graded.result);
    },
  };
}
