import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { dockerUserFirewall } from '../../graders/docker-user-firewall.js';
import { resolveTarget } from '../../src/docker/client.js';
import { DockerHost } from '../../src/docker/docker-host.js';
import { openHostFirewall, type HostFirewallView } from '../../src/docker/host-firewall.js';
import { LABEL, OWNER } from '../../src/docker/labels.js';
import { ProbeSession } from '../../src/docker/probe.js';
import type { GradingContext } from '../../src/engine/context.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { gradeExercise } from '../../src/engine/runner.js';
import type { GradingReport } from '../../src/engine/results.js';
import { DOCKNET, docknet } from '../support/cli.js';
import { docker, isRoot, requireEngine } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture, type Fixture } from '../support/fixtures.js';

const TIMEOUT_MS = 10_000;
const set = loadFixtures('docker-user-firewall');
const fixture = (name: string): Fixture => set.fixtures.find((f) => f.name === name)!;
const exercise = loadExercise(dockerUserFirewall);
/** Every check's status as the fixture declares it. */
const expectedStatuses = (name: string) => ({
  ...Object.fromEntries(exercise.checks.map((c) => [c.id, 'passed'])),
  ...fixture(name).expect,
});

/** The filter table without what changes by itself: packet counters and the dated header comments. */
async function filterTable(): Promise<string> {
  const { stdout } = await execa('iptables-save', ['-t', 'filter']);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\s\[\d+:\d+\]$/, ''))
    .join('\n');
}

async function dockerUser(): Promise<string> {
  return (await execa('iptables', ['-S', 'DOCKER-USER'])).stdout;
}

/** Builds the fixture's state, runs `body`, and removes the state whatever happens. */
async function withFixture(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await applyFixture(fixture(name));
    await body();
  } finally {
    await removeFixture(fixture(name));
  }
}

describe('docker-user-firewall on the host', function () {
  before(async function () {
    if (!isRoot()) this.skip(); // the tests read and change the host's iptables
    await requireEngine(this);
    await assertNothingReserved(set);
  });

  describe('docknet check leaves the firewall exactly as it found it', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'docknet-firewall-'));
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    for (const name of ['untouched', 'course-text', 'user-chain']) {
      it(`with the ${name} fixture applied`, () =>
        withFixture(name, async () => {
          const [chainBefore, tableBefore] = [await dockerUser(), await filterTable()];
          const run = await docknet(['check', 'docker-user-firewall', '--junit', join(dir, `${name}.xml`)]);
          expect(run.exitCode, run.all).to.equal(Object.keys(fixture(name).expect).length > 0 ? 1 : 0);
          expect(await dockerUser(), 'iptables -S DOCKER-USER').to.equal(chainBefore);
          expect(await filterTable(), 'iptables-save -t filter').to.equal(tableBefore);
        }));
    }
  });

  it("runs the host's own iptables-save, not a fake one earlier in PATH", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docknet-fake-path-'));
    try {
      // It would print a correct chain and mark it was run.
      const mark = join(dir, 'ran');
      for (const program of ['iptables-save', 'iptables', 'ip']) {
        writeFileSync(
          join(dir, program),
          `#!/bin/sh\ntouch ${mark}\nprintf '%s\\n' '*filter' ':DOCKER-USER - [0:0]' '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' '-A DOCKER-USER -p tcp --dport 80 -j ACCEPT' '-A DOCKER-USER -p tcp --dport 443 -j ACCEPT' '-A DOCKER-USER -j DROP' '-A DOCKER-USER -j RETURN' COMMIT\n`,
          { mode: 0o755 },
        );
      }
      await withFixture('course-text', async () => {
        const json = join(dir, 'report.json');
        const run = await docknet(['check', 'docker-user-firewall', '--json', json], {
          PATH: `${dir}:${process.env.PATH}`,
        });
        const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
        const got = Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status]));
        expect(got, run.all).to.deep.equal(expectedStatuses('course-text'));
        expect(() => statSync(mark), 'the fake program ran').to.throw(/ENOENT/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('through a helper container (the path of a remote engine)', () => {
    const target = resolveTarget(undefined);
    let probes: ProbeSession;
    let runId: string;
    beforeEach(() => {
      runId = randomBytes(6).toString('hex');
      probes = new ProbeSession(docker, runId, { timeoutMs: TIMEOUT_MS });
    });
    afterEach(async () => {
      await probes.close();
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.run}=${runId}`] } });
      expect(left, 'helper containers left behind').to.deep.equal([]);
    });

    const comparable = (view: HostFirewallView) => ({
      backend: view.backend,
      externalInterface: view.externalInterface,
      bridges: view.bridges,
      chains: [...view.ruleset.chains.values()].map((c) => [c.name, c.policy, c.disputed, c.rules.map((r) => r.text)]),
    });

    it('reads the same filter table, backend and external interface as the host itself', () =>
      withFixture('user-chain', async () => {
        const local = await openHostFirewall(target, probes, { timeoutMs: TIMEOUT_MS }).read();
        const helper = await openHostFirewall(target, probes, { timeoutMs: TIMEOUT_MS, forceHelper: true }).read();
        const helpers = await docker.listContainers({ filters: { label: [`${LABEL.run}=${runId}`] } });
        expect(
          helpers.map((c) => c.HostConfig.NetworkMode),
          'the helper that did the reading',
        ).to.deep.equal(['host']);
        expect(comparable(helper)).to.deep.equal(comparable(local));
        expect(helper.ruleset.chains.get('WEB')?.rules).to.have.length(2);
        expect(local.bridges.map((b) => b.name)).to.include('docker0');
      }));

    it('reads a forged comment as the one rule the kernel applies, both ways, and the second reading agrees', () =>
      withFixture('forged-comment', async () => {
        const local = await openHostFirewall(target, probes, { timeoutMs: TIMEOUT_MS }).read();
        const helper = await openHostFirewall(target, probes, { timeoutMs: TIMEOUT_MS, forceHelper: true }).read();
        expect(comparable(helper)).to.deep.equal(comparable(local));
        const chain = local.ruleset.chains.get('DOCKER-USER')!;
        expect(chain.disputed).to.equal(undefined);
        expect(chain.rules.map((r) => r.target.kind)).to.deep.equal(['ACCEPT', 'RETURN']);
      }));

    it('is what `docknet check` uses when it does not run as root', async () => {
      const socket = target.options.socketPath!;
      const dir = mkdtempSync(join(tmpdir(), 'docknet-nobody-'));
      chmodSync(dir, 0o777);
      try {
        await withFixture('course-text', async () => {
          const json = join(dir, 'report.json');
          // nobody, with the socket's group: may use the engine, may not read iptables itself
          const run = await execa(
            'node',
            [DOCKNET, 'check', 'docker-user-firewall', '--json', json, '--junit', join(dir, 'report.xml')],
            {
              reject: false,
              all: true,
              uid: 65534,
              gid: statSync(socket).gid,
              env: { NO_COLOR: '1', HOME: dir },
            },
          );
          const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
          const got = Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status]));
          expect(got, run.all).to.deep.equal(expectedStatuses('course-text'));
          const owned = await docker.listContainers({ all: true, filters: { label: [`${LABEL.owner}=${OWNER}`] } });
          expect(owned, 'containers the run left behind').to.deep.equal([]);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('grades a correct fixture in full, and the course text as it should', async () => {
      const version = await docker.version();
      const grade = async () => {
        const ctx: GradingContext = {
          host: new DockerHost(docker, TIMEOUT_MS, version.ApiVersion),
          probes,
          engine: { version: version.Version, apiVersion: version.ApiVersion },
          firewall: openHostFirewall(target, probes, { timeoutMs: TIMEOUT_MS, forceHelper: true }),
        };
        const result = await gradeExercise(exercise, ctx, { checkTimeoutMs: 30_000 });
        return Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
      };
      for (const name of ['user-chain', 'course-text', 'forged-comment', 'odd-comments']) {
        await withFixture(name, async () => {
          expect(await grade(), name).to.deep.equal(expectedStatuses(name));
        });
      }
    });
  });
});
