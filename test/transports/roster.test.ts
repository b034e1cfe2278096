import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { codeGraderIds, graders } from '../../graders/index.js';
import { LABEL, OWNER } from '../../src/docker/labels.js';
import { hasImage, PROBE_IMAGE } from '../../src/docker/probe-image.js';
import { loadExercise } from '../../src/engine/exercise.js';
import type { StudentResult } from '../../src/engine/results.js';
import { maxScoreOf } from '../../src/engine/runner.js';
import { docknet } from '../support/cli.js';
import { docker, isRoot, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';
import {
  applyFixture,
  assertNothingReserved,
  expectedScore,
  loadFixtures,
  removeFixture,
  type Fixture,
} from '../support/fixtures.js';
import { makeCertificates, restartDockerd, startSshd, freePort, type Sshd } from '../support/transports.js';

/**
 * The class's lab state: each exercise in the fixture that solves it beside the others, so every score is
 * known in advance. The transports are under test here, not the exercises: the ones with a grader in code
 * make the load of a lab server, while every exercise at once, for 20 students on one 2-core machine, is a
 * load test of that machine.
 */
const exercises = graders.filter((g) => codeGraderIds.includes(g.id)).map((g) => loadExercise(g));
const ids = exercises.map((e) => e.id);
const MAX = exercises.reduce((s, e) => s + maxScoreOf(e), 0);

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The messages of the checks that could not be decided, to explain a failed assertion. */
function whyNotGraded(resultFile: string): string {
  const result: StudentResult = JSON.parse(readFileSync(resultFile, 'utf8'));
  return (
    result.error ??
    (result.report?.exercises ?? [])
      .flatMap((e) => e.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.message}`))
      .join('; ')
  );
}

/** The most students whose grading intervals overlap at one moment. */
function peakConcurrency(results: StudentResult[]): number {
  const events = results.flatMap((r) => [
    [Date.parse(r.startedAt), 1],
    [Date.parse(r.finishedAt), -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta));
  return peak;
}

describe('class grading over unix, tcp+TLS and ssh on loopback', function () {
  const fixtures: Fixture[] = [];
  const expected = new Map<string, number>();
  let dir: string;
  let sshd: Sshd | undefined;
  let restarted = false;
  let certs: Awaited<ReturnType<typeof makeCertificates>>;
  let tlsPort: number;
  let untouched: HostSnapshot;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('these tests restart dockerd and run sshd: CI must run them as root');
      this.skip();
    }
    const sets = ids.map((id) => loadFixtures(id));
    for (const set of sets) await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), 'docknet-roster-'));
    certs = await makeCertificates(join(dir, 'certs'));
    tlsPort = await freePort();
    restarted = true;
    await restartDockerd([
      '-H',
      'unix:///var/run/docker.sock',
      '-H',
      `tcp://127.0.0.1:${tlsPort}`,
      '--tlsverify',
      '--tlscacert',
      join(certs.server, 'ca.pem'),
      '--tlscert',
      join(certs.server, 'server.pem'),
      '--tlskey',
      join(certs.server, 'server-key.pem'),
    ]);
    sshd = await startSshd(join(dir, 'ssh'));
    for (const set of sets) {
      const fixture = set.fixtures.find((f) => f.name === set.together)!;
      await applyFixture(fixture);
      fixtures.push(fixture);
      expected.set(
        set.exercise,
        expectedScore(
          exercises.find((e) => e.id === set.exercise)!,
          fixture,
        ),
      );
    }
    untouched = await snapshotHost();
  });

  after(async function () {
    this.timeout(180_000);
    // every fixture goes, even when one of them cannot: a rule left in DOCKER-USER spoils every later test
    const failures: unknown[] = [];
    for (const fixture of fixtures.reverse()) await removeFixture(fixture).catch((err: unknown) => failures.push(err));
    await sshd?.stop();
    if (restarted) await restartDockerd([]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  });

  it('grades a 20-student roster concurrently: the right numbers for 18, one error row each for a dead engine and a wrong certificate, nothing left behind', async () => {
    const kinds = ['unix', 'tls', 'ssh'] as const;
    const rows = ['id,name,endpoint,tls,identity,hostkey'];
    for (let i = 1; i <= 18; i++) {
      const kind = kinds[i % 3];
      const id = `s${String(i).padStart(2, '0')}`;
      if (kind === 'unix') rows.push(`${id},Student ${i},unix:///var/run/docker.sock,,,`);
      if (kind === 'tls') rows.push(`${id},Student ${i},tcp://127.0.0.1:${tlsPort},certs/client,,`);
      // the host key is pinned in the roster: an unknown one would not be trusted
      if (kind === 'ssh')
        rows.push(`${id},Student ${i},ssh://root@127.0.0.1:${sshd!.port},,ssh/id_ed25519,${sshd!.fingerprint}`);
    }
    const deadPort = await freePort();
    rows.push(`s19,Dead Engine,tcp://127.0.0.1:${deadPort},,,`);
    rows.push(`s20,Wrong Certificate,tcp://127.0.0.1:${tlsPort},certs/rogue,,`);
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, `${rows.join('\n')}\n`);
    const out = join(dir, 'class');

    // An engine without the probe image gets it through the Engine API, once per endpoint at most, whichever
    // student comes first: each endpoint counts as its own engine, though here all three reach this one.
    await docker.getImage(PROBE_IMAGE).remove();
    // a state of its own: an image an earlier run recorded (still there, untagged) would be tagged back, not built
    const run = await docknet(['grade', ...ids, '--roster', roster, '--out', out, '--concurrency', '8'], {
      DOCKNET_STATE_DIR: mkdtempSync(join(dir, 'state-')),
    });
    expect(run.exitCode, run.all).to.equal(1); // two students could not be graded
    const built = [...run.all.matchAll(/built the probe image on (\S+) \(from this machine's static busybox\)/g)].map(
      (m) => m[1],
    );
    expect(built, run.all).to.have.length.within(1, 3);
    expect(new Set(built).size, 'endpoints given the image twice').to.equal(built.length);
    expect(await hasImage(docker, PROBE_IMAGE)).to.equal(true);

    const gradebook: Record<string, string>[] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
    expect(gradebook.map((r) => r.id)).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`),
    );
    const total = [...expected.values()].reduce((s, v) => s + v, 0);
    for (const row of gradebook.slice(0, 18)) {
      expect(row.status, `${row.id}: ${whyNotGraded(join(out, 'students', row.id, 'result.json'))}`).to.equal('graded');
      for (const [exercise, score] of expected) expect(Number(row[exercise]), `${row.id} ${exercise}`).to.equal(score);
      expect(Number(row.total)).to.equal(total);
      expect(Number(row.max)).to.equal(MAX);
    }
    const [dead, rogue] = gradebook.slice(18);
    expect(dead).to.include({ status: 'error', total: '', 'internal-network': '' });
    expect(dead.detail).to.match(/refused the connection/);
    expect(rogue.status).to.equal('error');
    expect(rogue.detail).to.match(/certificate|ssl|tls|socket hang up|ECONNRESET/i);

    for (const id of ['s01', 's02', 's03']) {
      const gradescope = JSON.parse(readFileSync(join(out, 'students', id, 'results.json'), 'utf8'));
      expect(gradescope.score, id).to.equal(total);
      expect(gradescope.tests.reduce((s: number, t: { max_score: number }) => s + t.max_score, 0)).to.equal(MAX);
      expect(gradescope.tests).to.have.length(exercises.reduce((n, e) => n + e.checks.length, 0));
      expect(gradescope.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)).to.equal(total);
      expect(gradescope.tests.every((t: { status: string }) => ['passed', 'failed'].includes(t.status))).to.equal(true);
    }
    const deadResults = JSON.parse(readFileSync(join(out, 'students', 's19', 'results.json'), 'utf8'));
    // not graded: a failed autograder run, not a zero
    expect(deadResults).to.not.have.any.keys('score', 'tests');
    expect(deadResults.output).to.match(/could not grade/);

    const results: StudentResult[] = gradebook.map((r) =>
      JSON.parse(readFileSync(join(out, 'students', r.id, 'result.json'), 'utf8')),
    );
    expect(peakConcurrency(results), 'students graded at the same moment').to.be.at.least(4);
    expect(results.filter((r) => r.report).map((r) => r.report!.host)).to.include.members([
      'unix:///var/run/docker.sock',
      `tcp+tls://127.0.0.1:${tlsPort}`,
      `ssh://root@127.0.0.1:${sshd!.port}`,
    ]);

    // three endpoints, one engine: graded independently, and the summary says they share its ID
    expect(run.stdout).to.match(/warning: 3 endpoints report the same engine ID \S+ \(cloned VMs\?\)/);

    expect(await snapshotHost(), 'the host after grading').to.deep.equal(untouched);
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABEL.owner}=${OWNER}`] } })).to.have.length(
      0,
    );

    const secrets = [readFileSync(join(certs.client, 'key.pem'), 'utf8'), readFileSync(sshd!.identity, 'utf8')].map(
      (pem) => pem.split('\n')[1],
    );
    for (const file of allFiles(out)) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `key material in ${file}`).to.equal(false);
      expect(text.includes('id_ed25519'), `identity path in ${file}`).to.equal(false);
    }
    for (const secret of secrets) expect(run.all.includes(secret)).to.equal(false);

    // A re-run takes only the two that errored, and leaves the others' files alone.
    const before = statSync(join(out, 'students', 's01', 'result.json')).mtimeMs;
    const again = await docknet(['grade', ...ids, '--roster', roster, '--out', out, '--resume']);
    expect(again.all).to.match(/18 of 20 students already graded/);
    expect(again.all).to.match(/\[2\/2\]/);
    expect(statSync(join(out, 'students', 's01', 'result.json')).mtimeMs).to.equal(before);
    expect(again.exitCode).to.equal(1);
  });
});
