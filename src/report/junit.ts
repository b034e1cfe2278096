// JUnit XML for CI views: testsuites → one testsuite per exercise → exactly one testcase per check.
import type { CheckResult, ExerciseResult, GradingReport, Status } from '../engine/results.js';
import { noView, type Graded, type Reporter } from './reporter.js';
import { renderXml, type XmlElement } from './xml.js';

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

/** What the check's status adds inside its testcase. */
function outcome(check: CheckResult): XmlElement[] {
  switch (check.status) {
    case 'failed':
      return [{ name: 'failure', attributes: { message: check.message, type: 'failed' }, cdata: details(check) }];
    case 'error':
      return [{ name: 'error', attributes: { message: check.message, type: 'error' }, cdata: details(check) }];
    case 'skipped':
      return [{ name: 'skipped' }, { name: 'system-out', cdata: check.message }];
    case 'passed':
      return [{ name: 'system-out', cdata: `${check.message} (${check.points}/${check.maxPoints} points)` }];
  }
}

const properties = (values: [string, string][]): XmlElement => ({
  name: 'properties',
  children: values.map(([name, value]) => ({ name: 'property', attributes: { name, value } })),
});

// Local time without a zone, as JUnit files have always had it here.
function timestamp(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

interface Suite {
  attributes: Record<string, string | number | undefined>;
  properties: [string, string][];
  cases: { attributes: Record<string, string | number | undefined>; status: Status; children: XmlElement[] }[];
}

/** Each suite counts its own tests by status; the JUnit 10 (Surefire) schema allows no `skipped` on <testsuites>. */
function document(suites: Suite[]): string {
  const count = (cases: Suite['cases'], status?: Status) =>
    cases.filter((c) => status === undefined || c.status === status).length;
  const all = suites.flatMap((s) => s.cases);
  return renderXml({
    name: 'testsuites',
    attributes: { name: 'docknet', tests: all.length, failures: count(all, 'failed'), errors: count(all, 'error') },
    children: suites.map((s) => ({
      name: 'testsuite',
      attributes: {
        ...s.attributes,
        tests: s.cases.length,
        failures: count(s.cases, 'failed'),
        errors: count(s.cases, 'error'),
        skipped: count(s.cases, 'skipped'),
      },
      children: [
        properties(s.properties),
        ...s.cases.map((c) => ({ name: 'testcase', attributes: c.attributes, children: c.children })),
      ],
    })),
  });
}

function exerciseSuite(report: GradingReport, exercise: ExerciseResult): Suite {
  return {
    attributes: {
      name: exercise.id,
      timestamp: timestamp(new Date(report.startedAt)),
      time: exercise.durationMs / 1000,
    },
    properties: [
      ['title', exercise.title],
      ['score', String(exercise.score)],
      ['maxScore', String(exercise.maxScore)],
      ['engineVersion', report.engine.version],
      ['apiVersion', report.engine.apiVersion],
      ['host', report.host],
      ...(exercise.variant
        ? [
            ['student', exercise.variant.student] as [string, string],
            ...Object.entries(exercise.variant.values).map(([k, v]): [string, string] => [`param.${k}`, String(v)]),
          ]
        : []),
    ],
    cases: exercise.checks.map((check) => ({
      attributes: {
        classname: `docknet.${exercise.id}`,
        name: `${check.id}: ${check.title}`,
        time: check.durationMs / 1000,
      },
      status: check.status,
      children: outcome(check),
    })),
  };
}

function renderJunit(report: GradingReport): string {
  return document(report.exercises.map((exercise) => exerciseSuite(report, exercise)));
}

/** A host that could not be graded at all: one errored testcase, so a CI view shows an error rather than nothing. */
function renderNotGraded(host: string, message: string, at: Date): string {
  return document([
    {
      attributes: { name: 'docknet', timestamp: timestamp(at) },
      properties: [['host', host]],
      cases: [
        {
          attributes: { classname: 'docknet.engine', name: `engine: grading the Docker engine at ${host}` },
          status: 'error',
          children: [{ name: 'error', attributes: { message, type: 'error' } }],
        },
      ],
    },
  ]);
}

export function junitReporter(path: string): Reporter {
  return {
    path,
    render(graded: Graded): string {
      if (graded.kind === 'report') return renderJunit(graded.report);
      if (graded.kind === 'student') {
        const { report, student, error, finishedAt } = graded.result;
        return report ? renderJunit(report) : renderNotGraded(student.where, error ?? '', new Date(finishedAt));
      }
      throw noView('JUnit', graded);
    },
  };
}
