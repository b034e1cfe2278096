import { writeFileSync } from 'node:fs';
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

/** Every command stops the same way on a signal: its probes removed, the signal's exit code. */
describe('signals, through the one grading session', function () {
  const host = solvedInternalNetwork('docknet-signals-');

  const commands: Record<string, () => string[]> = {
    check: () => ['check', 'internal-network', '--junit', join(host.dir(), 'check.xml')],
    'check --watch': () => ['check', 'internal-network', '--watch'],
    'grade --roster': () => {
      const roster = join(host.dir(), 'roster.csv');
      writeFileSync(roster, 'id,endpoint\ns1,unix:///var/run/docker.sock\ns2,unix:///var/run/docker.sock\n');
      return ['grade', 'internal-network', '--roster', roster, '--out', join(host.dir(), 'class')];
    },
  };
  const cases: [string, NodeJS.Signals, number][] = [
    ['check', 'SIGTERM', 143],
    ['check', 'SIGHUP', 129],
    ['check --watch', 'SIGTERM', 143],
    ['grade --roster', 'SIGTERM', 143],
  ];

  for (const [name, signal, code] of cases) {
    it(`${name}: ${signal} mid-run exits ${code} and leaves no probe`, async () => {
      const run = docknet(commands[name]());
      await waitFor(async () => (await ownedContainers()) > 0, 20_000);
      run.kill(signal);
      const result = await run;
      expect(result.exitCode, result.all).to.equal(code);
      expect(await ownedContainers(), 'probes left behind').to.equal(0);
      expect(await snapshotHost()).to.deep.equal(host.untouched());
    });
  }

  it('check: a second signal during cleanup changes nothing', async () => {
    const run = docknet(commands.check());
    await waitFor(async () => (await ownedContainers()) > 0, 20_000);
    run.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 30));
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, result.all).to.equal(143);
    expect(await ownedContainers(), 'probes left behind').to.equal(0);
    expect(await snapshotHost()).to.deep.equal(host.untouched());
  });
});
