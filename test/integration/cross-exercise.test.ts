import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { GradingReport } from '../../src/engine/results.js';
import { docknet } from '../support/cli.js';
import { isRoot, requireEngine } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture, type Fixture } from '../support/fixtures.js';

/**
 * internal-network solved, then the firewall exercise done as the course text writes it:
 * its unqualified DROP also drops secure-app's ping to secure-db (bridge netfilter), and
 * the hint must name that rule and suggest -i, instead of blaming secure-db.
 */
describe('a DOCKER-USER rule that cuts containers off', function () {
  const internal = loadFixtures('internal-network');
  const firewall = loadFixtures('docker-user-firewall');
  const applied: Fixture[] = [];
  let dir: string;
  let addedRoute = false;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) this.skip();
    await assertNothingReserved(internal);
    await assertNothingReserved(firewall);
    dir = mkdtempSync(join(tmpdir(), 'docknet-cross-'));
    // The firewall is judged against traffic from outside, which needs a default route; a private engine's namespace has none.
    if ((await execa('ip', ['route', 'show', 'default'])).stdout.trim() === '') {
      await execa('sh', [
        '-c',
        'ip link add dkn-ext0 type veth peer name dkn-ext1 && ip link set dkn-ext0 up && ip link set dkn-ext1 up && ip addr add 192.0.2.2/24 dev dkn-ext0 && ip route add default via 192.0.2.1 dev dkn-ext0',
      ]);
      addedRoute = true;
    }
  });

  after(async () => {
    for (const f of applied.reverse()) await removeFixture(f);
    if (addedRoute) await execa('ip', ['link', 'del', 'dkn-ext0']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("names the rule in internal-network's hint and suggests -i", async () => {
    for (const f of [
      internal.fixtures.find((x) => x.name === 'correct')!,
      firewall.fixtures.find((x) => x.name === 'course-text')!,
    ]) {
      await applyFixture(f);
      applied.push(f);
    }
    const json = join(dir, 'report.json');
    const run = await docknet(['check', 'internal-network', '--json', json, '--junit', join(dir, 'report.xml')]);
    const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
    const answers = report.exercises[0].checks.find((c) => c.id === 'db-answers')!;
    expect(answers.status, run.all).to.equal('failed');
    expect(answers.hint).to.match(/DOCKER-USER rule 1 \(-A DOCKER-USER -j DROP\)/);
    expect(answers.hint).to.match(/-i dkn-ext0|-i \S+/);
  });
});
