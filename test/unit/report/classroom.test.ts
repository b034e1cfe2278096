import { expect } from 'chai';
import { forStudents } from '../../../src/engine/results.js';
import { classroomFailure, classroomReporter } from '../../../src/report/classroom.js';
import { readClassroom, tableScore } from '../../support/classroom.js';
import { graded, notGraded, report } from './ordinary.js';

describe("GitHub Classroom's autograding results", () => {
  const render = (g: Parameters<ReturnType<typeof classroomReporter>['render']>[0]) =>
    classroomReporter('classroom.env').render(g);

  it("give one runner per check, so the posted grade and the reporter's table are the report's points", () => {
    const run = readClassroom(render({ kind: 'report', report: forStudents(report) }));
    const checks = report.exercises.flatMap((e) => e.checks);
    expect(run.runners).to.have.length(checks.length);
    expect(run.grade).to.deep.equal({ points: report.score, max: report.maxScore });
    const table = [...run.results.values()].reduce((sum, r) => sum + tableScore(r), 0);
    expect(table).to.equal(report.score);
    for (const id of run.runners) expect(id).to.match(/^[a-z0-9_]+$/);
    expect(run.runners[0]).to.equal('internal_network_exists');
  });

  it('tell a grader error from a failure, and a skip says it was one', () => {
    const run = readClassroom(render({ kind: 'report', report: forStudents(report) }));
    const byName = new Map([...run.results.values()].map((r) => [r.tests[0].name, r]));
    expect(byName.get('Isolated network: Reaches nothing outside')!.status).to.equal('error');
    expect(byName.get('Isolated network: Network is internal')!.tests[0]).to.include({ status: 'fail', score: 0 });
    expect(byName.get('Isolated network: Resolves its peers')!.tests[0].message).to.match(/^skipped: /);
  });

  it("keep a hidden check's details out of the student's job log", () => {
    const hidden = report.exercises.flatMap((e) => e.checks).find((c) => c.hidden)!;
    const run = readClassroom(render({ kind: 'report', report: forStudents(report) }));
    const result = [...run.results.values()].find((r) => r.tests[0].name.endsWith(hidden.title))!;
    expect(result.tests[0].message).to.not.include(hidden.expected!);
  });

  it('give a submission its scores, and one that could not be graded no grade at all', () => {
    expect(readClassroom(render({ kind: 'student', result: graded })).grade).to.deep.equal({
      points: graded.report!.score,
      max: graded.report!.maxScore,
    });
    for (const text of [render({ kind: 'student', result: notGraded }), classroomFailure('no engine')]) {
      const run = readClassroom(text);
      expect(run.runners).to.deep.equal(['docknet']);
      expect(run.results.get('docknet')).to.include({ status: 'error', max_score: 0 });
      expect(run.grade).to.deep.equal({ points: 0, max: 0 });
    }
  });

  it("add to GitHub's environment file, and replace any other file", () => {
    const before = process.env.GITHUB_ENV;
    try {
      process.env.GITHUB_ENV = '/runner/_temp/env';
      expect(classroomReporter('/runner/_temp/env').append).to.equal(true);
      expect(classroomReporter('/runner/_temp/classroom.env').append).to.equal(false);
    } finally {
      if (before === undefined) delete process.env.GITHUB_ENV;
      else process.env.GITHUB_ENV = before;
    }
  });
});
