// Two cloned lab VMs: two engines, each in its own namespaces with its own data root,
// carrying the same identity files and so reporting the same engine ID. They hold
// different states; each student must be graded from their own engine.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { graders } from '../../graders/index.js';
import type { ClassSummary } from '../../src/engine/results.js';
import { PROBE_IMAGE } from '../../src/docker/probe-image.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { docknet } from '../support/cli.js';
import { FIXTURE_IMAGE, isRoot, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';
import { expectedScore, loadFixtures } from '../support/fixtures.js';
import { startNsEngine, type NsEngine } from '../support/ns-engine.js';

/** Each student's lab state, per exercise: one solved everything, the other did not. */
const STATES: Record<string, Record<string, string>> = {
  alice: { 'fixed-ip': 'correct', 'docker-user-firewall': 'correct' },
  bob: { 'fixed-ip': 'wrong-gateway', 'docker-user-firewall': 'untouched' },
};
const EXERCISES = Object.keys(STATES.alice);

describe('two engines that share one engine ID (cloned VMs)', function () {
  let dir: string;
  const engines = new Map<string, NsEngine>();
  const expected = new Map<string, Record<string, number>>();
  let untouched: HostSnapshot;
  let sharedId: string;

  before(async function () {
    this.timeout(240_000);
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI)
        throw new Error('these tests start engines in namespaces of their own: CI must run them as root');
      this.skip();
    }
    untouched = await snapshotHost();
    dir = mkdtempSync(join(tmpdir(), 'docknet-clones-'));
    const tag = randomBytes(3).toString('hex');
    // the first engine makes its identity (20.10: /etc/docker/key.json); the clone starts with a copy of it
    const first = await startNsEngine(join(dir, 'alice'), `alice-${tag}`, { engineId: randomUUID() });
    engines.set('alice', first);
    engines.set('bob', await startNsEngine(join(dir, 'bob'), `bob-${tag}`, first.identity()));
    const ids = await Promise.all([...engines.values()].map(async (e) => (await e.docker.info()).ID as string));
    expect(ids[0], 'the clone reports the same engine ID').to.equal(ids[1]);
    sharedId = ids[0];

    for (const [student, engine] of engines) {
      await execa('docker', ['save', PROBE_IMAGE, FIXTURE_IMAGE]).pipe('docker', ['-H', engine.host, 'load']);
      const scores: Record<string, number> = {};
      for (const exercise of EXERCISES) {
        const fixture = loadFixtures(exercise).fixtures.find((f) => f.name === STATES[student][exercise])!;
        await engine.sh(fixture.setup, { IMAGE: FIXTURE_IMAGE, LABEL: `io.docknet.fixture=${fixture.name}` });
        scores[exercise] = expectedScore(loadExercise(graders.find((g) => g.id === exercise)!), fixture);
      }
      expected.set(student, scores);
    }
    expect(expected.get('alice'), 'the two states score differently').to.not.deep.equal(expected.get('bob'));
  });

  after(async function () {
    this.timeout(120_000);
    await Promise.all([...engines.values()].map((e) => e.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (untouched) expect(await snapshotHost(), "this machine's engine and DOCKER-USER").to.deep.equal(untouched);
  });

  it('grades each student from their own engine, and the summary warns that the two share an ID', async () => {
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, `id,name,endpoint\n${[...engines].map(([id, e]) => `${id},${id},${e.host}`).join('\n')}\n`);
    const out = join(dir, 'class');
    const run = await docknet(['grade', '--roster', roster, '--out', out, ...EXERCISES]);
    const rows = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      expect(row.status, `${row.id}: ${row.detail}\n${run.all}`).to.equal('graded');
      for (const exercise of EXERCISES)
        expect(Number(row[exercise]), `${row.id} ${exercise}`).to.equal(expected.get(row.id)![exercise]);
    }
    expect(rows.map((r) => r.id)).to.deep.equal(['alice', 'bob']);
    expect(run.exitCode, run.all).to.equal(0);

    const summary: ClassSummary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const hosts = [...engines.values()].map((e) => e.host);
    expect(summary.sharedEngineIds).to.deep.equal([
      { engineId: sharedId, endpoints: hosts, students: ['alice', 'bob'] },
    ]);
    expect(run.stdout).to.include(
      `warning: 2 endpoints report the same engine ID ${sharedId} (cloned VMs?): ${hosts.join(', ')}`,
    );

    // nothing of docknet's is left on either engine
    for (const engine of engines.values()) {
      expect(
        await engine.docker.listContainers({ all: true, filters: { label: ['io.docknet.owner'] } }),
      ).to.have.length(0);
    }
  });
});
