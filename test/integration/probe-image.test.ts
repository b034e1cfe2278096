import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import {
  buildFromBusybox,
  findStaticBusybox,
  hasImage,
  loadImageFile,
  PROBE_IMAGE,
  saveImageFile,
} from '../../src/docker/probe-image.js';
import { docknet } from '../support/cli.js';
import { docker, requireEngine } from '../support/engine.js';
import { assertNothingReserved, loadFixtures } from '../support/fixtures.js';

/** The probe image without a registry: built from busybox, carried as a tarball, built by `check` itself. */
describe('probe image', function () {
  let dir: string;
  before(async function () {
    await requireEngine(this);
    await assertNothingReserved(loadFixtures('internal-network')); // so `check` below grades an empty host
    dir = mkdtempSync(join(tmpdir(), 'docknet-image-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('survives a save, a removal and a load (the air-gapped path)', async () => {
    const ref = 'docknet-probe-roundtrip:test';
    await buildFromBusybox(docker, findStaticBusybox(undefined)!, ref);
    try {
      const tar = join(dir, 'probe.tar');
      await saveImageFile(docker, tar, ref);
      await docker.getImage(ref).remove();
      expect(await hasImage(docker, ref)).to.equal(false);
      await loadImageFile(docker, tar);
      expect(await hasImage(docker, ref)).to.equal(true);
      const [result] = await docker.run(
        ref,
        ['sh', '-c', 'command -v ip nc nslookup ping httpd timeout >/dev/null'],
        new PassThrough(),
        {
          HostConfig: { AutoRemove: true, NetworkMode: 'none' },
        },
      );
      expect(result.StatusCode, 'the applets probes call').to.equal(0);
    } finally {
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('is built by `docknet check` on first use, offline', async () => {
    // The engine's own probe image is kept aside and put back, whoever made it.
    const kept = join(dir, 'kept.tar');
    await saveImageFile(docker, kept);
    await docker.getImage(PROBE_IMAGE).remove({ force: true });
    try {
      // a state of its own: an image an earlier run recorded (still there, untagged) would be tagged back, not built
      const run = await docknet(['check', 'internal-network', '--junit', join(dir, 'r.xml')], {
        DOCKNET_STATE_DIR: mkdtempSync(join(dir, 'state-')),
      });
      expect(run.exitCode, 'an empty host passes no check of internal-network\n' + run.all).to.equal(1);
      expect(run.stderr).to.contain("built the probe image (from this machine's static busybox)");
      expect(await hasImage(docker, PROBE_IMAGE)).to.equal(true);
    } finally {
      await docker
        .getImage(PROBE_IMAGE)
        .remove({ force: true })
        .catch(() => undefined);
      await loadImageFile(docker, kept);
    }
  });
});
