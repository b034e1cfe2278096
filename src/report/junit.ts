import junitModule, { type Builder } from 'junit-report-builder';
import type { CheckResult, GradingReport } from '../engine/check.js';

// The package is CommonJS whose typings describe an ES default export: the default import is
// its module.exports, the builder itself. A static import, so the bundle holds it.
const junit = junitModule as unknown as Builder;

/** The text inside <failure>/<error>: what was expected, what was found, and what to do. */
function details(check: CheckResult): string {
  return [
    check.message,
    check.expected !== undefined && `expected: ${check.expected}`,
    check.actual !== undefined && `actual: ${check.actual}`,
    check.hint !== undefined && `hint: ${check.hint}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** testsuites → one testsuite per exercise → one testcase per check; score as suite properties. */
export function renderJunit(report: GradingReport): string {
  const builder = junit.newBuilder().name('docknet');
  for (const exercise of report.exercises) {
    const suite = builder
      .testSuite()
      .name(exercise.id)
      .timestamp(new Date(report.startedAt))
      .time(exercise.durationMs / 1000)
      .property('title', exercise.title)
      .property('score', String(exercise.score))
      .property('maxScore', String(exercise.maxScore))
      .property('engineVersion', report.engine.version)
      .property('apiVersion', report.engine.apiVersion)
      .property('host', report.host);
    for (const check of exercise.checks) {
      const testCase = suite
        .testCase()
        .className(`docknet.${exercise.id}`)
        .name(`${check.id}: ${check.title}`)
        .time(check.durationMs / 1000);
      switch (check.status) {
        case 'failed':
          testCase.failure(check.message, 'failed').stacktrace(details(check));
          break;
        case 'error':
          testCase.error(check.message, 'error', details(check));
          break;
        case 'skipped':
          testCase.skipped().standardOutput(check.message);
          break;
        case 'passed':
          testCase.standardOutput(`${check.message} (${check.points}/${check.maxPoints} points)`);
          break;
      }
    }
  }
  return build(builder);
}

// junit-report-builder also counts `skipped` on <testsuites>, which the JUnit 10
// (Surefire) schema does not allow there; each <testsuite> keeps its own count.
function build(builder: Builder): string {
  return builder.build().replace(/^(<testsuites\b[^>]*?) skipped="\d+"/m, '$1');
}

/** A host that could not be graded at all: one errored testcase, so a CI view shows an error rather than nothing. */
export function renderJunitNotGraded(host: string, message: string, at: Date): string {
  const builder = junit.newBuilder().name('docknet');
  builder
    .testSuite()
    .name('docknet')
    .timestamp(at)
    .property('host', host)
    .testCase()
    .className('docknet.engine')
    .name(`engine: grading the Docker engine at ${host}`)
    .error(message, 'error');
  return build(builder);
}
