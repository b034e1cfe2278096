import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { docknet } from '../support/cli.js';
import { ownedContainers, snapshotHost } from '../support/engine.js';
import { solvedInternalNetwork } from '../support/solved-host.js';

async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whatever the grader starts is gone on every exit path, and a later run reaps what a killed one left. */
describe('grader cleanup', function () {
  const host = solvedInternalNetwork('docknet-cleanup-');

  it('leaves the host as it was after a run interrupted with SIGINT, and writes no report', async () => {
    const junit = join(host.dir(), 'interrupted.xml');
    const run = docknet(['check', 'internal-network', '--junit', junit]);
    await waitFor(async () => (await ownedContainers()) > 0, 15_000);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, result.all).to.equal(130);
    expect(await snapshotHost()).to.deep.equal(host.untouched());
    expect(existsSync(junit)).to.equal(false);
  });

  it('reaps the leftovers of a killed run on the next run', async () => {
    const run = docknet(['check', 'internal-network', '--junit', join(host.dir(), 'killed.xml')]);
    await waitFor(async () => (await ownedContainers()) > 0, 15_000);
    run.kill('SIGKILL');
    await run;
    expect(await ownedContainers(), 'leftovers of the killed run').to.be.greaterThan(0);

    const next = await docknet(['check', 'internal-network', '--junit', join(host.dir(), 'next.xml')]);
    expect(next.exitCode, next.all).to.equal(0);
    expect(await ownedContainers()).to.equal(0);
    expect(await snapshotHost()).to.deep.equal(host.untouched());
  });
});
