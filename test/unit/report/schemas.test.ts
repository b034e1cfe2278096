import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { forStudents } from '../../../src/engine/results.js';
import { packageRoot } from '../../../src/paths.js';
import { gradescopeFailure, gradescopeReporter } from '../../../src/report/gradescope.js';
import { jsonReporter } from '../../../src/report/json.js';
import type { Graded } from '../../../src/report/reporter.js';
import { graded, notGraded, report } from './ordinary.js';
import { outputs } from './renders.js';
import { Ajv, gradescopeErrors } from '../../support/gradescope-schema.js';

function results(graded: Graded): Record<string, unknown> & { tests?: Record<string, unknown>[] } {
  const json = JSON.parse(gradescopeReporter('results.json').render(graded));
  expect(gradescopeErrors(json)).to.equal(undefined);
  return json;
}

describe("Gradescope's results.json", () => {
  it('is valid for a check run: a hidden check keeps its details, held back until grades are published', () => {
    const json = results({ kind: 'report', report: forStudents(report), unredacted: report });
    expect(json).to.include({ score: report.score, visibility: 'visible', stdout_visibility: 'hidden' });
    const hidden = json.tests!.find((t) => t.name === 'Isolated network: A hidden check');
    expect(hidden).to.include({ visibility: 'after_published', status: 'failed' });
    expect(hidden!.output).to.contain('expected: 172.30.0.0/24');
    expect(json.tests!.filter((t) => t.visibility === 'visible')).to.have.length(json.tests!.length - 1);
  });

  it("is valid for a submission, scored from its own tests' points", () => {
    const json = results({ kind: 'student', result: graded });
    const tests = json.tests!;
    expect(tests.reduce((s, t) => s + (t.score as number), 0)).to.equal(json.score);
    expect(tests.every((t) => ['passed', 'failed'].includes(t.status as string))).to.equal(true);
  });

  it('makes a student who could not be graded a failed autograder run, not a zero', () => {
    const json = results({ kind: 'student', result: notGraded });
    expect(json).to.not.have.any.keys('score', 'tests');
    expect(json.output).to.contain('could not grade ssh://docker@lee.lab: no answer from the Docker engine');
    const failed = JSON.parse(gradescopeFailure('cannot connect to the Docker engine', 1200));
    expect(gradescopeErrors(failed)).to.equal(undefined);
    expect(failed).to.not.have.any.keys('score', 'tests');
  });

  it('holds the schema to what Gradescope documents', () => {
    expect(gradescopeErrors({ output: 'no score anywhere', tests: [{ name: 'a', max_score: 1 }] })).to.be.a('string');
    expect(gradescopeErrors({ score: 1, tests: [{ name: 'a', visibility: 'students' }] })).to.be.a('string');
  });
});

describe('the JSON report', () => {
  const validate = new Ajv({ allErrors: true }).compile(
    JSON.parse(readFileSync(join(packageRoot, 'schema', 'docknet-report.schema.json'), 'utf8')) as object,
  );
  const files = ['report.json', 'summary.json'];
  for (const file of files)
    it(`${file} carries its schemaVersion and is valid by the schema the package ships`, () => {
      const json = JSON.parse(outputs[file]()) as { schemaVersion: number };
      expect(json.schemaVersion).to.equal(1);
      expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
    });
  for (const result of [graded, notGraded])
    it(`a student's result (${result.status}) is valid by it too`, () => {
      const json = JSON.parse(jsonReporter('r.json').render({ kind: 'student', result }));
      expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
    });
  it('ships in the package', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).to.include('schema/docknet-report.schema.json');
  });
});
