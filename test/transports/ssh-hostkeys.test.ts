// ssh:// host keys in a real class run: an sshd on 127.0.0.1 in front of this
// machine's engine, and a HOME of the test's own, so the real ~/.ssh is never read or written.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { graders } from '../../graders/index.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { docknet } from '../support/cli.js';
import { isRoot, ownedContainers, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';
import {
  applyFixture,
  assertNothingReserved,
  expectedScore,
  loadFixtures,
  removeFixture,
  type Fixture,
} from '../support/fixtures.js';
import { startSshd, type Sshd } from '../support/transports.js';

const EXERCISE = 'fixed-ip';

/** Another ed25519 key in known_hosts' text form: what a changed host key looks like. */
function otherKey(): string {
  const spki = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(spki.subarray(-32))]).toString('base64')}`;
}

describe('class grading over ssh:// checks the host key first', function () {
  let dir: string;
  let home: string;
  let knownHosts: string;
  let sshd: Sshd | undefined;
  let fixture: Fixture | undefined;
  let full: number;
  let untouched: HostSnapshot;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('these tests run an sshd that logs in as root: CI must run them as root');
      this.skip();
    }
    const set = loadFixtures(EXERCISE);
    await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), 'docknet-ssh-'));
    home = join(dir, 'home');
    knownHosts = join(home, '.ssh', 'known_hosts');
    sshd = await startSshd(join(dir, 'sshd'));
    fixture = set.fixtures.find((f) => f.name === 'correct')!;
    await applyFixture(fixture);
    full = expectedScore(loadExercise(graders.find((g) => g.id === EXERCISE)!), fixture);
    untouched = await snapshotHost();
  });

  after(async function () {
    this.timeout(60_000);
    if (fixture) await removeFixture(fixture);
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => rmSync(home, { recursive: true, force: true }));

  const name = () => `[127.0.0.1]:${sshd!.port}`;

  /** Grades a one-student roster over ssh with HOME pointing at the test's own. */
  async function gradeOne(extra: string[] = [], hostkey = '') {
    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      `id,name,endpoint,identity,hostkey\ns1,Student,ssh://root@127.0.0.1:${sshd!.port},${sshd!.identity},${hostkey}\n`,
    );
    const out = join(dir, 'class');
    rmSync(out, { recursive: true, force: true });
    const run = await docknet(['grade', '--roster', roster, '--out', out, EXERCISE, ...extra], { HOME: home });
    const [row] = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true }) as Record<string, string>[];
    return { run, row };
  }

  async function writeKnownHosts(line: string, hashed: boolean) {
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(knownHosts, `${line}\n`);
    if (hashed) await execa('ssh-keygen', ['-H', '-f', knownHosts]);
  }

  it('grades a host whose key matches a hashed known_hosts entry', async () => {
    await writeKnownHosts(`${name()} ${sshd!.hostKey}`, true);
    expect(readFileSync(knownHosts, 'utf8')).to.match(/^\|1\|/);
    const before = readFileSync(knownHosts, 'utf8');
    const { run, row } = await gradeOne();
    expect(row.status, `${row.detail}\n${run.all}`).to.equal('graded');
    expect(Number(row[EXERCISE])).to.equal(full);
    expect(run.exitCode, run.all).to.equal(0);
    expect(readFileSync(knownHosts, 'utf8'), 'known_hosts is only read').to.equal(before);
    expect(await snapshotHost()).to.deep.equal(untouched);
    expect(await ownedContainers()).to.equal(0);
  });

  it('gives a changed key an error row naming its fingerprint, and never logs in', async () => {
    await writeKnownHosts(`${name()} ${otherKey()}`, false);
    const logins = (sshd!.log().match(/Accepted publickey/g) ?? []).length;
    const { run, row } = await gradeOne();
    expect(row.status).to.equal('error');
    expect(row[EXERCISE]).to.equal('');
    expect(row.detail).to.include('has changed').and.include(`ssh-ed25519 key ${sshd!.fingerprint}`);
    expect(run.exitCode).to.equal(1);
    expect((sshd!.log().match(/Accepted publickey/g) ?? []).length, 'logins on the sshd').to.equal(logins);
    const result = JSON.parse(readFileSync(join(dir, 'class', 'students', 's1', 'result.json'), 'utf8'));
    expect(result.error).to.include(sshd!.fingerprint);
  });

  it('refuses an unknown key by default, naming it, and grades with the roster hostkey instead', async () => {
    const unknown = await gradeOne();
    expect(unknown.row.status).to.equal('error');
    expect(unknown.row.detail).to.include('is unknown').and.include(sshd!.fingerprint).and.include('--ssh-accept-new');
    const pinned = await gradeOne([], sshd!.fingerprint);
    expect(pinned.row.status, pinned.row.detail).to.equal('graded');
    expect(Number(pinned.row[EXERCISE])).to.equal(full);
    const wrong = await gradeOne(['--ssh-accept-new'], `SHA256:${'A'.repeat(43)}`);
    expect(wrong.row.status).to.equal('error');
    expect(wrong.row.detail).to.include("the roster's hostkey").and.include(sshd!.fingerprint);
  });

  it('with --ssh-accept-new, records the first-seen key in known_hosts and grades', async () => {
    const { run, row } = await gradeOne(['--ssh-accept-new']);
    expect(row.status, `${row.detail}\n${run.all}`).to.equal('graded');
    expect(Number(row[EXERCISE])).to.equal(full);
    const { stdout } = await execa('ssh-keygen', ['-F', name(), '-f', knownHosts]);
    expect(stdout).to.include(sshd!.hostKey);
    expect(
      readFileSync(knownHosts, 'utf8').trim().split('\n'),
      'one line, though the run connected twice',
    ).to.have.length(1);
    // recorded means trusted from now on, without the option
    expect((await gradeOne()).row.status).to.equal('graded');
    expect(await ownedContainers()).to.equal(0);
  });
});
