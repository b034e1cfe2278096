import { expect } from 'chai';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFixture, loadFixtures, versionBefore } from '../../src/fixtures.js';
import { ROOTLESS_FIREWALL, ROOTLESS_SENTINEL } from '../../src/engine/rootless.js';

describe('fixtures whose statuses depend on the engine', () => {
  it('compares engine versions by their numbers, ignoring a distribution suffix', () => {
    expect(versionBefore('20.10.24+dfsg1', '25.0.4')).to.equal(true);
    expect(versionBefore('25.0.3', '25.0.4')).to.equal(true);
    expect(versionBefore('25.0.4', '25.0.4')).to.equal(false);
    expect(versionBefore('26.1.5+dfsg1', '25.0.4')).to.equal(false);
    expect(versionBefore('28.5.1', '25.0.4')).to.equal(false);
  });

  it('an internal network opened by ACCEPT in DOCKER-USER fails its no-way-out checks before 25.0.4, and passes after', () => {
    const fixture = loadFixtures('internal-network').fixtures.find((f) => f.name === 'docker-user-accepts-all')!;
    expect(fixture.before).to.deep.equal({
      engine: '25.0.4',
      expect: { 'secure-app-isolated': 'failed', 'secure-db-isolated': 'failed' },
    });
    expect(fixture.expect).to.deep.equal({});
  });

  it("a rootless engine skips, in every fixture, the checks it cannot express, with the grader's own reason", () => {
    const firewall = loadFixtures('docker-user-firewall');
    const internal = loadFixtures('internal-network');
    expect(firewall.fixtures.map((f) => f.rootless)).to.deep.equal(
      firewall.fixtures.map(() => ({
        checks: [
          'rules-take-effect',
          'allows-http',
          'allows-https',
          'drops-other-tcp',
          'drops-udp',
          'drops-icmp',
          'allows-established',
        ],
        reason: ROOTLESS_FIREWALL.en,
      })),
    );
    expect(internal.fixtures.map((f) => f.rootless)).to.deep.equal(
      internal.fixtures.map(() => ({
        checks: ['secure-app-isolated', 'secure-db-isolated'],
        reason: ROOTLESS_SENTINEL.en,
      })),
    );
    expect(loadFixtures('port-publishing').fixtures.every((f) => f.rootless === undefined)).to.equal(true);
  });
});

describe('a fixture on an engine without the fixture image', () => {
  it('fails before its setup runs, so that docker run never pulls from a registry', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'docknet-fixture-')), 'ran');
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docknet-test.sock';
    try {
      const fixture = { ...loadFixtures('internal-network').fixtures[0], setup: `touch ${marker}` };
      const refused = await applyFixture(fixture).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(refused?.message).to.match(/has no docknet-fixture:1/);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(existsSync(marker)).to.equal(false);
  });
});
