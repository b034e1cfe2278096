import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import tar from 'tar-stream';
import { graders } from '../../graders/index.js';
import type { GradingReport } from '../../src/engine/results.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { findStaticBusybox, PROBE_IMAGE, trustedImage } from '../../src/docker/probe-image.js';
import { LABEL, ownedLabels } from '../../src/docker/labels.js';
import { docknet } from '../support/cli.js';
import { docker, requireEngine, snapshotHost } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture, type Fixture } from '../support/fixtures.js';

const exercise = loadExercise(graders.find((g) => g.id === 'internal-network')!);
const set = loadFixtures('internal-network');
const LOOKALIKE = 'docknet-lookalike:test';

/**
 * A probe image that lies: its nc connects only from the default bridge, so a
 * container on any other network looks isolated while the control still answers.
 */
async function buildLookalike(): Promise<string> {
  const busybox = findStaticBusybox(undefined)!;
  const pack = tar.pack();
  const mtime = new Date(0);
  for (const dir of ['bin', 'etc', 'tmp', 'www']) pack.entry({ name: dir, type: 'directory', mode: 0o755, mtime });
  pack.entry({ name: 'bin/busybox', mode: 0o755, mtime }, readFileSync(busybox));
  for (const applet of [
    'sh',
    'ip',
    'nslookup',
    'ping',
    'wget',
    'httpd',
    'sleep',
    'timeout',
    'cat',
    'echo',
    'grep',
    'printf',
    'kill',
    'true',
    'test',
  ]) {
    pack.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mtime });
  }
  pack.entry(
    { name: 'bin/nc', mode: 0o755, mtime },
    '#!/bin/busybox sh\nip -o -4 addr show | grep -q \' inet 172\\.17\\.\' && exec busybox nc "$@"\nexit 1\n',
  );
  pack.finalize();
  const [repo, tag] = LOOKALIKE.split(':');
  const stream = await docker.importImage(
    pack as unknown as string,
    { repo, tag, changes: ['ENV PATH=/bin', 'CMD ["sh"]'] } as object,
  );
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))),
  );
  return (await docker.getImage(LOOKALIKE).inspect()).Id;
}

async function tagOf(ref: string): Promise<string | undefined> {
  return docker
    .getImage(ref)
    .inspect()
    .then(
      (i) => i.Id,
      () => undefined,
    );
}

async function grade(
  dir: string,
  name: string,
  env: Record<string, string> = {},
): Promise<{ statuses: Record<string, string>; all: string }> {
  const json = join(dir, `${name}.json`);
  const run = await docknet(['check', 'internal-network', '--json', json, '--junit', join(dir, `${name}.xml`)], env);
  const report: GradingReport = JSON.parse(readFileSync(json, 'utf8'));
  return { statuses: Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status])), all: run.all };
}

function want(fixture: Fixture): Record<string, string> {
  return Object.fromEntries(exercise.checks.map((c) => [c.id, fixture.expect[c.id] ?? 'passed']));
}

describe('trust by identity, not by name', function () {
  let dir: string;
  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(set);
    dir = mkdtempSync(join(tmpdir(), 'docknet-trust-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('a look-alike under the probe tag changes no verdict: a network that is not internal still fails its isolation checks', async () => {
    const notInternal = set.fixtures.find((f) => f.name === 'not-internal')!;
    const real = await trustedImage(docker, PROBE_IMAGE);
    expect(real, 'the engine has a probe image docknet trusts').to.be.a('string');
    const lookalike = await buildLookalike();
    const made = new Set<string>();
    try {
      await applyFixture(notInternal);
      const before = await snapshotHost();

      // the look-alike takes the tag; docknet's records name the real image
      await docker.getImage(lookalike).tag({ repo: 'docknet-probe', tag: '1' });
      const recorded = await grade(dir, 'recorded');
      expect(recorded.statuses, recorded.all).to.deep.equal(want(notInternal));
      expect(await tagOf(PROBE_IMAGE), 'the tag is put back on the recorded image').to.equal(real);

      // with nothing recorded (a machine that never ran docknet), the look-alike fails verification and is replaced
      await docker.getImage(lookalike).tag({ repo: 'docknet-probe', tag: '1' });
      const fresh = await grade(dir, 'fresh', { DOCKNET_STATE_DIR: join(dir, 'fresh-state') });
      expect(fresh.statuses, fresh.all).to.deep.equal(want(notInternal));
      expect(fresh.all).to.contain('built the probe image');
      const rebuilt = await tagOf(PROBE_IMAGE);
      expect(rebuilt).to.not.equal(lookalike);
      if (rebuilt && rebuilt !== real) made.add(rebuilt);

      expect(await snapshotHost(), 'the host after grading').to.deep.equal(before);
    } finally {
      await docker.getImage(real!).tag({ repo: 'docknet-probe', tag: '1' });
      await removeFixture(notInternal);
      await docker
        .getImage(lookalike)
        .remove({ force: true })
        .catch(() => undefined);
      for (const id of made)
        await docker
          .getImage(id)
          .remove()
          .catch(() => undefined);
    }
  });

  it('a student container carrying docknet labels is graded as the student’s and left in place', async () => {
    // secure-db claims to be a probe of a run whose process is gone: labels prove nothing
    const labels = Object.entries({ ...ownedLabels('0123456789ab', 'probe'), [LABEL.pid]: '2147483646' }).flatMap(
      ([k, v]) => ['--label', `${k}=${v}`],
    );
    const fixture: Fixture = {
      name: 'owner-labelled-db',
      description: 'the correct state, with secure-db carrying every docknet label',
      setup: [
        'docker network create --internal --label "$LABEL" secure-network',
        'docker run -d --label "$LABEL" --name secure-app --network secure-network "$IMAGE" sleep 3600',
        `docker run -d --label "$LABEL" ${labels.map((l) => `'${l}'`).join(' ')} --name secure-db --network secure-network "$IMAGE" sleep 3600`,
      ].join('\n'),
      expect: {},
    };
    try {
      await applyFixture(fixture);
      const db = (await docker.listContainers({ all: true, filters: { name: ['^/secure-db$'] } }))[0];
      expect(db.Labels[LABEL.owner]).to.equal('docknet-grader');
      const before = await snapshotHost();
      const run = await grade(dir, 'owner-labelled');
      expect(run.statuses, run.all).to.deep.equal(want(fixture));
      expect(await snapshotHost(), 'secure-db is still there, and nothing else changed').to.deep.equal(before);
    } finally {
      await removeFixture(fixture);
    }
  });
});
