import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { graders } from '../../graders/index.js';
import type { GradingReport } from '../../src/engine/results.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { docknet } from '../support/cli.js';
import { requireEngine, snapshotHost } from '../support/engine.js';
import {
  applyFixture,
  assertNothingReserved,
  expectedScore,
  loadFixtures,
  removeFixture,
} from '../support/fixtures.js';
import { schemaErrors } from '../support/xml.js';

/**
 * For every exercise and every fixture: build the state, grade it with the real
 * CLI, and demand the exact status of every check, an unchanged host, a valid
 * JUnit file and the right exit code; then remove what the fixture made.
 */
for (const grader of graders) {
  const exercise = loadExercise(grader);
  const checkIds = exercise.checks.map((c) => c.id);
  const set = loadFixtures(grader.id);

  describe(`${grader.id} fixtures`, function () {
    let dir: string;

    before(async function () {
      await requireEngine(this);
      await assertNothingReserved(set);
      dir = mkdtempSync(join(tmpdir(), `docknet-${grader.id}-`));
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    it('has a correct fixture and at least five broken ones, naming only real checks', () => {
      expect(set.fixtures.map((f) => f.name)).to.include('correct');
      expect(set.fixtures.filter((f) => Object.keys(f.expect).length > 0)).to.have.length.of.at.least(5);
      for (const f of set.fixtures) expect(checkIds, `fixture ${f.name}`).to.include.members(Object.keys(f.expect));
    });

    for (const fixture of set.fixtures) {
      it(`${fixture.name}: ${fixture.description}`, async () => {
        const json = join(dir, `${fixture.name}.json`);
        const xml = join(dir, `${fixture.name}.xml`);
        try {
          await applyFixture(fixture);
          const before = await snapshotHost();
          const run = await docknet(['check', grader.id, '--json', json, '--junit', xml]);
          expect(await snapshotHost(), 'the host after grading').to.deep.equal(before);

          const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
          const got = Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status]));
          const want = Object.fromEntries(checkIds.map((id) => [id, fixture.expect[id] ?? 'passed']));
          expect(got, run.all).to.deep.equal(want);
          for (const id of fixture.notApplicable?.checks ?? []) {
            const check = report.exercises[0].checks.find((c) => c.id === id);
            expect(check?.message, `the reason ${id} does not apply`).to.equal(fixture.notApplicable!.reason);
          }

          const { score, maxScore } = report.exercises[0];
          const broken = Object.keys(fixture.expect).length > 0;
          expect(run.exitCode, run.all).to.equal(broken ? 1 : 0);
          expect(score, 'the points of the checks the fixture passes').to.equal(expectedScore(exercise, fixture));
          expect(maxScore, 'the points of every check').to.equal(exercise.checks.reduce((sum, c) => sum + c.points, 0));
          expect(await schemaErrors(xml)).to.equal('');
        } finally {
          await removeFixture(fixture);
        }
      });
    }
  });
}
