import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireEngine, snapshotHost, type HostSnapshot } from './engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture } from './fixtures.js';

/**
 * Mocha hooks for tests of the grader's own behaviour (cleanup, interruption, class
 * runs): internal-network's correct state on the engine, a scratch directory, and
 * the host as it read before any test ran.
 */
export function solvedInternalNetwork(prefix: string): { dir(): string; untouched(): HostSnapshot } {
  const set = loadFixtures('internal-network');
  const correct = set.fixtures.find((f) => f.name === 'correct')!;
  let dir: string | undefined;
  let untouched: HostSnapshot | undefined;
  let applied = false;
  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), prefix));
    applied = true;
    await applyFixture(correct);
    untouched = await snapshotHost();
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (applied) await removeFixture(correct);
  });
  return { dir: () => dir!, untouched: () => untouched! };
}
