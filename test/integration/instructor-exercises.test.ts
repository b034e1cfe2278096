import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { GradingReport } from '../../src/engine/results.js';
import { docknet } from '../support/cli.js';
import { requireEngine, snapshotHost } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture } from '../support/fixtures.js';
import { exercisesDir, packageRoot } from '../../src/paths.js';
import { schemaErrors } from '../support/xml.js';

/**
 * An instructor's new lab needs no code: a data-only exercise folder, copied under a
 * new id into a temporary --exercises directory, is graded against its fixtures.
 */
describe('an instructor folder given with --exercises', function () {
  let dir: string;
  const id = 'my-port-lab';
  const set = loadFixtures('port-publishing');

  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), 'docknet-instructor-'));
    cpSync(join(exercisesDir, 'port-publishing'), join(dir, 'lab', id), { recursive: true });
    cpSync(join(packageRoot, 'fixtures', 'port-publishing', 'fixtures.yaml'), join(dir, 'lab', id, 'fixtures.yaml'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const name of ['correct', 'swapped']) {
    it(`grades ${name} with no code change`, async () => {
      const fixture = set.fixtures.find((f) => f.name === name)!;
      try {
        await applyFixture(fixture);
        const before = await snapshotHost();
        const json = join(dir, `${name}.json`);
        const xml = join(dir, `${name}.xml`);
        const run = await docknet(['check', id, '--exercises', join(dir, 'lab'), '--json', json, '--junit', xml]);
        expect(await snapshotHost()).to.deep.equal(before);
        const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
        expect(report.exercises.map((e) => e.id)).to.deep.equal([id]);
        const failed = report.exercises[0].checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.status]);
        expect(Object.fromEntries(failed), run.all).to.deep.equal(fixture.expect);
        expect(run.exitCode).to.equal(name === 'correct' ? 0 : 1);
        expect(await schemaErrors(xml)).to.equal('');
      } finally {
        await removeFixture(fixture);
      }
    });
  }

  it('DOCKNET_EXERCISES adds the folder too, and list shows it', async () => {
    const run = await docknet(['list', '--offline'], { DOCKNET_EXERCISES: join(dir, 'lab') });
    expect(run.stdout).to.match(new RegExp(`^${id}\\s`, 'm'));
  });
});
