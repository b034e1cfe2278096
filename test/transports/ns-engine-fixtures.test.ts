// A lab VM on this machine: an engine in namespaces of its own, reached over a veth with
// tcp:// and TLS, and with ssh:// to an sshd in those namespaces. docknet runs out here,
// so all it learns of that host (the firewall, the sentinel, published ports) comes
// through the Engine API and its own containers. Every fixture of every exercise is
// built inside, once, and graded over both transports at once; this machine's engine,
// iptables and routes stay as they were.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { graders } from '../../graders/index.js';
import { PROBE_IMAGE } from '../../src/docker/probe-image.js';
import { loadExercise } from '../../src/engine/exercise.js';
import type { Status, StudentResult } from '../../src/engine/results.js';
import { docknet } from '../support/cli.js';
import { FIXTURE_IMAGE, isRoot, requireEngine, snapshotHost } from '../support/engine.js';
import { loadFixtures } from '../support/fixtures.js';
import {
  applyFixtureInside,
  removeFixtureInside,
  startNsEngine,
  TLS_PORT,
  type NsEngine,
} from '../support/ns-engine.js';
import { makeCertificates, startSshd, type Sshd } from '../support/transports.js';

const SUBNET = 7;
const NOT_OVER_SSH: string[] = [];

/** What must not change on this machine: its engine and DOCKER-USER, its whole filter table, its routes. */
async function thisMachine() {
  const [engine, filter, routes] = await Promise.all([
    snapshotHost(),
    execa('iptables-save', ['-t', 'filter']),
    execa('ip', ['-4', 'route', 'show']),
  ]);
  // counters change with every packet; the rules are what matter
  const rules = filter.stdout.split('\n').filter((l) => !l.startsWith('#') && !l.startsWith(':'));
  // a bridge's carrier ("linkdown") follows whether any container is attached right now: the routes are what matter
  return { engine, rules, routes: routes.stdout.replace(/ linkdown/g, '') };
}

/** The engine's own state, which grading must leave as it found it. */
async function engineState(engine: NsEngine) {
  const [containers, networks] = await Promise.all([
    engine.docker.listContainers({ all: true }),
    engine.docker.listNetworks(),
  ]);
  return {
    containers: containers.map((c) => `${c.Id} ${c.State}`).sort(),
    networks: networks.map((n) => n.Id).sort(),
  };
}

describe('an engine in namespaces of its own, graded over tcp+TLS and ssh through a veth', function () {
  let dir: string;
  let engine: NsEngine | undefined;
  let sshd: Sshd | undefined;
  let roster: string;
  let tlsRoster: string;
  let machine: Awaited<ReturnType<typeof thisMachine>>;

  before(async function () {
    this.timeout(240_000);
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI)
        throw new Error('these tests start an engine and an sshd in namespaces: CI must run them as root');
      this.skip();
    }
    machine = await thisMachine();
    dir = mkdtempSync(join(tmpdir(), 'docknet-vm-'));
    const address = `169.254.${SUBNET}.2`;
    const certs = await makeCertificates(join(dir, 'certs'), [address]);
    engine = await startNsEngine(
      join(dir, 'engine'),
      `vm-${randomBytes(3).toString('hex')}`,
      {},
      {
        subnet: SUBNET,
        certs: certs.server,
      },
    );
    await execa('docker', ['save', PROBE_IMAGE, FIXTURE_IMAGE]).pipe('docker', ['-H', engine.host, 'load']);
    sshd = await startSshd(join(dir, 'ssh'), { address, port: 22, namespacesOf: engine.pid() });
    const header = 'id,name,endpoint,tls,identity,hostkey';
    const tls = `tls,Over TLS,tcp://${address}:${TLS_PORT},${certs.client},,`;
    roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      `${header}\n${tls}\nssh,Over SSH,ssh://root@${address},,${sshd.identity},${sshd.fingerprint}\n`,
    );
    tlsRoster = join(dir, 'tls.csv');
    writeFileSync(tlsRoster, `${header}\n${tls}\n`);
  });

  after(async function () {
    this.timeout(120_000);
    await sshd?.stop();
    await engine?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (machine) expect(await thisMachine(), "this machine's engine, iptables and routes").to.deep.equal(machine);
  });

  for (const grader of graders) {
    const exercise = loadExercise(grader);
    const checkIds = exercise.checks.map((c) => c.id);
    const students = NOT_OVER_SSH.includes(grader.id) ? ['tls'] : ['tls', 'ssh'];
    for (const fixture of loadFixtures(grader.id).fixtures) {
      it(`${grader.id} ${fixture.name}: the exact statuses over ${students.join(' and ')}`, async () => {
        const out = join(dir, grader.id, fixture.name);
        try {
          const expected = await applyFixtureInside(engine!, fixture);
          const before = await engineState(engine!);
          const rows = students.length > 1 ? roster : tlsRoster;
          const run = await docknet(['grade', grader.id, '--roster', rows, '--out', out, '--concurrency', '2']);
          for (const student of students) {
            const result: StudentResult = JSON.parse(
              readFileSync(join(out, 'students', student, 'result.json'), 'utf8'),
            );
            expect(result.error, `${student}: ${run.all}`).to.equal(undefined);
            const got = Object.fromEntries(result.report!.exercises[0].checks.map((c) => [c.id, c.status]));
            const want: Record<string, Status> = Object.fromEntries(
              checkIds.map((id) => [id, expected[id] ?? 'passed']),
            );
            const messages = result.report!.exercises[0].checks.map((c) => `${c.id}: ${c.message}`).join('\n');
            expect(got, `over ${student}:\n${messages}`).to.deep.equal(want);
          }
          expect(await engineState(engine!), 'the engine after grading').to.deep.equal(before);
        } finally {
          await removeFixtureInside(engine!, fixture);
        }
      });
    }
  }
});
