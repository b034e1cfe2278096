import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LABEL, OWNER } from '../../src/docker/labels.js';
import { docknet } from '../support/cli.js';
import { docker, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture } from '../support/fixtures.js';

async function ownedContainers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`${LABEL.owner}=${OWNER}`] } })).length;
}

async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whatever the grader starts is gone on every exit path, and a later run reaps what a killed one left. */
describe('grader cleanup', function () {
  const set = loadFixtures('internal-network');
  const correct = set.fixtures.find((f) => f.name === 'correct')!;
  let dir: string;
  let untouched: HostSnapshot;

  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), 'docknet-cleanup-'));
    await applyFixture(correct);
    untouched = await snapshotHost();
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await removeFixture(correct);
  });

  it('leaves the host as it was after a run interrupted with SIGINT, and writes no report', async () => {
    const junit = join(dir, 'interrupted.xml');
    const run = docknet(['check', 'internal-network', '--junit', junit]);
    await waitFor(async () => (await ownedContainers()) > 0, 15_000);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, result.all).to.equal(130);
    expect(await snapshotHost()).to.deep.equal(untouched);
    expect(existsSync(junit)).to.equal(false);
  });

  it('reaps the leftovers of a killed run on the next run', async () => {
    const run = docknet(['check', 'internal-network', '--junit', join(dir, 'killed.xml')]);
    await waitFor(async () => (await ownedContainers()) > 0, 15_000);
    run.kill('SIGKILL');
    await run;
    expect(await ownedContainers(), 'leftovers of the killed run').to.be.greaterThan(0);

    const next = await docknet(['check', 'internal-network', '--junit', join(dir, 'next.xml')]);
    expect(next.exitCode, next.all).to.equal(0);
    expect(await ownedContainers()).to.equal(0);
    expect(await snapshotHost()).to.deep.equal(untouched);
  });
});
