import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type Docker from 'dockerode';
import { createdByDocknet, knownRuns, ownedLabels, RunRecord } from '../../src/docker/labels.js';
import { isBusyboxBuild, recordTrusted } from '../../src/docker/probe-image.js';
import { stateDir } from '../../src/docker/state.js';

describe("docknet's own records", () => {
  let dir: string;
  const saved = process.env.DOCKNET_STATE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docknet-state-'));
    process.env.DOCKNET_STATE_DIR = join(dir, 'state');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKNET_STATE_DIR;
    else process.env.DOCKNET_STATE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lives in a private directory: root in /var/lib/docknet, others in XDG_STATE_HOME', () => {
    expect(stateDir({ XDG_STATE_HOME: '/x' })).to.equal(process.getuid?.() === 0 ? '/var/lib/docknet' : '/x/docknet');
    recordTrusted('docknet-probe:1', 'sha256:abc');
    expect(statSync(join(dir, 'state')).mode & 0o777).to.equal(0o700);
    expect(statSync(join(dir, 'state', 'images.json')).mode & 0o777).to.equal(0o600);
  });

  it('a container with all of docknet labels is not docknet until a run recorded creating it', () => {
    const record = new RunRecord('r1');
    record.creating('docknet-r1-1');
    record.created('docknet-r1-1', 'id-probe');
    record.creating('docknet-r1-2'); // the engine has not answered yet
    const runs = knownRuns();
    const labels = ownedLabels('r1', 'probe');
    expect(createdByDocknet({ Id: 'id-probe', Names: ['/docknet-r1-1'], Labels: labels }, runs)?.runId).to.equal('r1');
    expect(createdByDocknet({ Id: 'id-pending', Names: ['/docknet-r1-2'], Labels: labels }, runs)?.runId).to.equal(
      'r1',
    );
    expect(
      createdByDocknet({ Id: 'id-student', Names: ['/secure-db'], Labels: labels }, runs),
      'labels copied onto a student container',
    ).to.equal(undefined);
    expect(
      createdByDocknet({ Id: 'id-copy', Names: ['/docknet-r1-1'], Labels: labels }, runs),
      'a recorded name with another ID',
    ).to.equal(undefined);
    expect(
      createdByDocknet({ Id: 'id-other', Names: ['/docknet-r1-2'], Labels: {} }, runs),
      'a pending name without the run label',
    ).to.equal(undefined);
    expect(runs[0].abandoned, 'this process is alive').to.equal(false);
    record.finish();
    expect(knownRuns()).to.deep.equal([]);
  });
});

describe('probe image content', () => {
  const layer = 'sha256:f64c8630b642432092db89f886261d3b6ebbe5149730f4f5c35c51242033394f';
  const image = (config: object, layers = [layer]) =>
    ({
      Id: 'sha256:x',
      RootFS: { Type: 'layers', Layers: layers },
      Config: { Env: ['PATH=/bin'], Cmd: ['sh'], ...config },
    }) as unknown as Docker.ImageInspectInfo;

  it('is trusted only when it is exactly what the busybox build makes', () => {
    expect(isBusyboxBuild(image({}), layer)).to.equal(true);
    expect(isBusyboxBuild(image({}, ['sha256:other']), layer), 'another root filesystem').to.equal(false);
    expect(isBusyboxBuild(image({}, [layer, 'sha256:more']), layer), 'a layer on top').to.equal(false);
    expect(isBusyboxBuild(image({ Entrypoint: ['sh', '-c', 'true'] }), layer), 'an entrypoint').to.equal(false);
    expect(isBusyboxBuild(image({ User: 'nobody' }), layer), 'another user').to.equal(false);
    expect(isBusyboxBuild(image({ Env: ['PATH=/tmp:/bin'] }), layer), 'another PATH').to.equal(false);
  });
});
