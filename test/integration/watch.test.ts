import { expect } from 'chai';
import { execa } from 'execa';
import { docknet } from '../support/cli.js';
import { ownedContainers, requireEngine, snapshotHost } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture } from '../support/fixtures.js';

/** Waits until `pattern` shows up in what `output()` holds after `from` characters. */
async function waitForOutput(output: () => string, pattern: RegExp, from: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(output().slice(from))) {
    if (Date.now() > deadline) throw new Error(`not seen within ${ms} ms: ${pattern}\n${output().slice(from)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('docknet check --watch', function () {
  const set = loadFixtures('internal-network');
  const broken = set.fixtures.find((f) => f.name === 'db-on-default-bridge')!;

  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(set);
    await applyFixture(broken);
  });
  let watcher: ReturnType<typeof docknet> | undefined;
  after(async () => {
    // whatever an assertion did, the watcher stops (and removes its probes) before the fixture goes
    if (watcher && watcher.exitCode === null) {
      watcher.kill('SIGINT');
      await watcher;
    }
    await removeFixture(broken);
  });

  it('redraws within 2 s of a fixing docker network connect, and leaves nothing behind on Ctrl-C', async () => {
    const before = await snapshotHost();
    const run = docknet(['check', 'internal-network', '--watch']);
    let output = '';
    watcher = run;
    run.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForOutput(
      () => output,
      /✗ secure-db is attached to secure-network[\s\S]*watching for changes/,
      0,
      30_000,
    );

    const fixedAt = output.length;
    const t0 = Date.now();
    await execa('docker', ['network', 'connect', 'secure-network', 'secure-db']);
    await waitForOutput(
      () => output,
      /✓ secure-db is attached to secure-network[\s\S]*watching for changes/,
      fixedAt,
      10_000,
    );
    const elapsed = Date.now() - t0;
    expect(elapsed, 'from the connect to the redraw').to.be.lessThan(2000);

    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, result.all).to.equal(130);
    expect(await ownedContainers(), 'probes left behind').to.equal(0);
    await execa('docker', ['network', 'disconnect', 'secure-network', 'secure-db']);
    expect(await snapshotHost()).to.deep.equal(before);
  });
});
