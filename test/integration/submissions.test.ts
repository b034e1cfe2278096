import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { graders } from '../../graders/index.js';
import { maxScoreOf } from '../../src/engine/runner.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { docknet } from '../support/cli.js';
import { gradescopeErrors } from '../support/gradescope-schema.js';
import { docker, FIXTURE_IMAGE, isRoot, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';
import { BYSTANDER, HELD, writeFixtureBatch } from '../support/batch.js';
import { assertNothingReserved, loadFixtures } from '../support/fixtures.js';

async function filterTable(): Promise<string> {
  return (await execa('iptables', ['-S'])).stdout;
}

/** What the zz-holds-bystander submission leaves behind on purpose, removed by the test. */
async function releaseHeldNetwork(): Promise<void> {
  await execa('docker', ['network', 'disconnect', '-f', HELD, BYSTANDER], { reject: false });
  await execa('docker', ['network', 'rm', HELD], { reject: false });
}

describe('grading submitted solutions', function () {
  let dir: string;
  let submissions: string;
  const expected = new Map<string, { exercise?: string; score: number }>();
  let untouched: HostSnapshot;
  let untouchedFilter: string;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('grading submissions runs iptables: CI must run these tests as root');
      this.skip();
    }
    for (const g of graders) await assertNothingReserved(loadFixtures(g.id));
    if ((await docker.listContainers({ all: true, filters: { name: [BYSTANDER] } })).length > 0)
      throw new Error(`a container named ${BYSTANDER} is already here`);
    dir = mkdtempSync(join(tmpdir(), 'docknet-submissions-'));
    submissions = join(dir, 'submissions');
    for (const [name, want] of writeFixtureBatch(submissions)) expected.set(name, want);

    await execa('docker', [
      'run',
      '-d',
      '--name',
      BYSTANDER,
      '--label',
      'io.docknet.test=bystander',
      FIXTURE_IMAGE,
      'sleep',
      '3600',
    ]);
    untouched = await snapshotHost();
    untouchedFilter = await filterTable();
  });

  after(async () => {
    await releaseHeldNetwork();
    await execa('docker', ['rm', '-f', BYSTANDER], { reject: false });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const grade = async (out: string, extra: string[] = []) => {
    const run = await docknet([
      'grade',
      '--submissions',
      submissions,
      '--out',
      out,
      '--solution-timeout',
      '12',
      '--images',
      FIXTURE_IMAGE,
      ...extra,
    ]);
    await releaseHeldNetwork();
    return run;
  };

  it('grades a batch of 16 submissions, each in a sandbox, with the right scores, and leaves the host as it was', async () => {
    const out = join(dir, 'all');
    const run = await grade(out, ['--jobs', '1']);
    expect(run.exitCode, run.all).to.equal(0); // every one graded: a failed solution is the student's, and nothing is left to put back
    expect(await snapshotHost(), 'containers, networks, DOCKER-USER').to.deep.equal(untouched);
    expect(await filterTable(), 'the whole filter table').to.equal(untouchedFilter);

    const rows: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
    expect(rows.map((r) => r.id)).to.deep.equal([...expected.keys()].sort());
    for (const row of rows) {
      const want = expected.get(row.id)!;
      expect(row.status, `${row.id}: ${row.detail}`).to.equal('graded');
      expect(Number(row.total), `${row.id} total`).to.equal(want.score);
      for (const g of graders)
        expect(Number(row[g.id]), `${row.id} ${g.id}`).to.equal(g.id === want.exercise ? want.score : 0);
    }
    const detail = (id: string) => rows.find((r) => r.id === id)!.detail;
    expect(detail('hangs')).to.equal('the solution was stopped at its time limit');
    expect(detail('fails-midway')).to.equal('the solution exited with 3');
    // the host's containers are not in a sandbox's engine
    expect(detail('zz-holds-bystander')).to.equal('the solution exited with 1');

    const results = JSON.parse(readFileSync(join(out, 'students', 'fails-midway', 'results.json'), 'utf8'));
    const max = graders.reduce((sum, g) => sum + maxScoreOf(loadExercise(g)), 0);
    expect(gradescopeErrors(results)).to.equal(undefined);
    // Gradescope's format has no top-level maximum: it is the tests' own
    expect(results.score).to.equal(expected.get('fails-midway')!.score);
    expect(results.tests.reduce((sum: number, t: { max_score: number }) => sum + t.max_score, 0)).to.equal(max);
    expect(results.output).to.include('$ sh -eu solution.sh   (exit code 3)');
  });

  it('gives the same gradebook with --jobs 4 as one at a time', async () => {
    const out = join(dir, 'jobs4');
    const run = await grade(out, ['--jobs', '4']);
    expect(run.exitCode, run.all).to.equal(0);
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).to.equal(
      readFileSync(join(dir, 'all', 'gradebook.csv'), 'utf8'),
    );
    expect(await snapshotHost()).to.deep.equal(untouched);
    expect(await filterTable()).to.equal(untouchedFilter);
  });

  it('merges shards 1/2 and 2/2 into the same gradebook as one unsharded run', async () => {
    const [one, two, merged] = ['shard1', 'shard2', 'merged'].map((d) => join(dir, d));
    const first = await grade(one, ['--shard', '1/2']);
    const second = await grade(two, ['--shard', '2/2']);
    expect(first.all).to.include('grading 8 submissions (shard 1/2)');
    expect(second.all).to.include('grading 8 submissions (shard 2/2)');
    const merge = await docknet(['merge', one, two, '--out', merged]);
    expect(merge.exitCode, merge.all).to.equal(0);
    expect(readFileSync(join(merged, 'gradebook.csv'), 'utf8')).to.equal(
      readFileSync(join(dir, 'all', 'gradebook.csv'), 'utf8'),
    );
    expect(await snapshotHost()).to.deep.equal(untouched);
  });
});
