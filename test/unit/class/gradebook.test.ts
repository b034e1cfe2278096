import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { summarize } from '../../../src/class/gradebook.js';
import { classResults } from '../../../src/class/output.js';
import { needsRegrading, statusOf } from '../../../src/class/results.js';
import type { Student } from '../../../src/class/roster.js';
import type { CheckResult, ExerciseColumn, GradingReport, Status, StudentResult } from '../../../src/engine/results.js';
import { consoleReporter } from '../../../src/report/console.js';
import { gradebookReporter } from '../../../src/report/gradebook.js';
import { gradescopeReporter } from '../../../src/report/gradescope.js';

const renderGradebook = (roster: Student[], results: Map<string, StudentResult>) =>
  gradebookReporter('gradebook.csv').render({ kind: 'class', class: classResults(columns, roster, results) });
const renderGradescope = (result: StudentResult) =>
  gradescopeReporter('results.json').render({ kind: 'student', result });

const columns: ExerciseColumn[] = [
  { id: 'net', maxScore: 3 },
  { id: 'dns', maxScore: 2 },
];

function check(id: string, status: Status, maxPoints: number): CheckResult {
  return {
    id,
    title: `Check ${id}`,
    status,
    points: status === 'passed' ? maxPoints : 0,
    maxPoints,
    message: `${id} ${status}`,
    expected: 'x',
    actual: 'y',
    hint: 'do z',
    durationMs: 1,
  };
}

function report(net: Status[], dns: Status[]): GradingReport {
  const exercise = (id: string, statuses: Status[], points: number[]) => {
    const checks = statuses.map((s, i) => check(`${id}-${i}`, s, points[i]));
    return {
      id,
      title: id.toUpperCase(),
      score: checks.reduce((a, c) => a + c.points, 0),
      maxScore: points.reduce((a, b) => a + b, 0),
      checks,
      durationMs: 5,
    };
  };
  const exercises = [exercise('net', net, [1, 2]), exercise('dns', dns, [2])];
  const score = exercises.reduce((a, e) => a + e.score, 0);
  return {
    tool: { name: 'docknet', version: '0' },
    host: 'unix:///x',
    engine: { version: '26.1', apiVersion: '1.45' },
    startedAt: '2026-11-24T00:00:00Z',
    durationMs: 10,
    score,
    maxScore: 5,
    exercises,
  };
}

function student(id: string, name = `Name ${id}`): Student {
  return { id, name, endpoint: 'unix:///x', where: 'unix:///x', credentials: {}, slug: id };
}

function result(s: Student, r?: GradingReport, error?: string): StudentResult {
  return {
    student: { id: s.id, name: s.name, where: s.where },
    status: r ? statusOf(r) : 'error',
    ...(r && { report: r }),
    ...(error && { error }),
    exercises: [
      { id: 'net', title: 'NET', maxScore: 3 },
      { id: 'dns', title: 'DNS', maxScore: 2 },
    ],
    startedAt: '2026-11-24T00:00:00Z',
    durationMs: 2500,
    finishedAt: '2026-11-24T00:00:02.500Z',
  };
}

describe('gradebook', () => {
  const roster = [student('s1'), student('s2', '=cmd|calc'), student('s3'), student('s4')];
  const results = new Map<string, StudentResult>([
    ['s1', result(roster[0], report(['passed', 'passed'], ['passed']))],
    ['s2', result(roster[1], report(['passed', 'failed'], ['skipped']))],
    ['s3', result(roster[2], undefined, 'no answer from the Docker engine')],
  ]);

  it('has one row per roster student in roster order, empty scores where there is no grade', () => {
    const rows: Record<string, string>[] = parse(renderGradebook(roster, results), { columns: true });
    const perCheck = ['net/net-0', 'net/net-1', 'dns/dns-0'];
    expect(rows.map((r) => perCheck.map((c) => r[c]))).to.deep.equal([
      ['1', '2', '2'],
      ['1', '0', '0'],
      ['', '', ''],
      ['', '', ''],
    ]);
    for (const r of rows) for (const c of perCheck) delete r[c];
    expect(rows).to.deep.equal([
      { id: 's1', name: 'Name s1', net: '3', dns: '2', total: '5', max: '5', status: 'graded', detail: '' },
      { id: 's2', name: "'=cmd|calc", net: '1', dns: '0', total: '1', max: '5', status: 'graded', detail: '' },
      {
        id: 's3',
        name: 'Name s3',
        net: '',
        dns: '',
        total: '',
        max: '5',
        status: 'error',
        detail: 'no answer from the Docker engine',
      },
      { id: 's4', name: 'Name s4', net: '', dns: '', total: '', max: '5', status: 'not-graded', detail: '' },
    ]);
  });

  it("puts one column per check after the exercises' columns, from the exercises graded when known", () => {
    const withChecks: ExerciseColumn[] = [
      {
        id: 'net',
        maxScore: 3,
        checks: [
          { id: 'net-0', maxPoints: 1 },
          { id: 'net-1', maxPoints: 2 },
        ],
      },
      { id: 'dns', maxScore: 2, checks: [{ id: 'dns-0', maxPoints: 2 }] },
    ];
    const csv = gradebookReporter('g.csv').render({
      kind: 'class',
      class: classResults(withChecks, [student('s4')], new Map()),
    });
    expect(csv.split('\n')[0]).to.equal('id,name,net,dns,net/net-0,net/net-1,dns/dns-0,total,max,status,detail');
  });

  it('starts with a UTF-8 byte order mark only when asked, so Excel reads Korean names right', () => {
    const korean = [{ ...student('s1'), name: '김민지' }];
    const graded = { kind: 'class', class: classResults(columns, korean, results) } as const;
    expect(gradebookReporter('g.csv', true).render(graded))
      .to.match(/^\uFEFFid,name,/)
      .and.contain('김민지');
    expect(gradebookReporter('g.csv').render(graded)).to.match(/^id,name,/);
  });

  it('tells a report with undecided checks apart, and names them', () => {
    const undecided = result(roster[0], report(['passed', 'error'], ['passed']));
    expect(undecided.status).to.equal('graded-with-errors');
    const rows: Record<string, string>[] = parse(renderGradebook([roster[0]], new Map([['s1', undecided]])), {
      columns: true,
    });
    expect(rows[0]).to.include({ status: 'graded-with-errors', total: '3', detail: 'net/net-1 could not be checked' });
  });

  it('regrades on --resume only what is missing, errored or undecided', () => {
    expect(needsRegrading(undefined)).to.equal(true);
    expect(needsRegrading(results.get('s3'))).to.equal(true);
    expect(needsRegrading(result(roster[0], report(['error', 'passed'], ['passed'])))).to.equal(true);
    expect(needsRegrading(results.get('s1'))).to.equal(false);
  });

  it('summarizes the class: counts, mean and median, distribution, the most missed checks', () => {
    const summary = summarize(columns, roster, results);
    expect(summary).to.include({ students: 4, graded: 2, errors: 1, notGraded: 1, maxScore: 5, mean: 3, median: 3 });
    expect(summary.distribution.find((b) => b.range === '100%')!.students).to.equal(1);
    expect(summary.distribution.find((b) => b.range === '20–29%')!.students).to.equal(1);
    expect(summary.mostFailed.map((f) => `${f.exercise}/${f.check}:${f.failed}`)).to.deep.equal([
      'dns/dns-0:1',
      'net/net-1:1',
    ]);
    const text = consoleReporter().render({ kind: 'class', class: classResults(columns, roster, results) });
    expect(text).to.match(/2 of 4 students graded, 1 could not be graded, 1 not graded yet/);
    expect(text).to.match(/mean 3\/5, median 3\/5/);
    expect(text).not.to.match(/0–9%/); // only the ranges someone is in, and those between
  });
});

describe('Gradescope results.json', () => {
  it('has the score and one test per check; skips and grader errors are failed tests that say so', () => {
    const r = result(student('s1'), report(['passed', 'error'], ['skipped']));
    const json = JSON.parse(renderGradescope(r));
    expect(json).to.include({ score: 1, execution_time: 3 });
    expect(json.tests).to.have.length(3);
    expect(json.tests[0]).to.deep.equal({
      name: 'NET: Check net-0',
      score: 1,
      max_score: 1,
      status: 'passed',
      output: 'net-0 passed\nexpected: x\nactual: y',
      visibility: 'visible',
    });
    expect(json.tests[1]).to.include({ score: 0, max_score: 2, status: 'failed' });
    expect(json.tests[1].output)
      .to.match(/^could not be checked \(grader error\): net-1 error/)
      .and.match(/hint: do z/);
    expect(json.tests[2].output).to.match(/^skipped: /);
  });

  it('gives a host that could not be graded no score and no tests (a failed autograder run), with the reason', () => {
    const json = JSON.parse(renderGradescope(result(student('s3'), undefined, 'bad certificate')));
    expect(json).to.not.have.any.keys('score', 'tests');
    expect(json.output).to.match(/could not grade unix:\/\/\/x: bad certificate/);
  });
});
