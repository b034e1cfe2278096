import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { packageRoot } from '../../src/paths.js';
import { docknet } from '../support/cli.js';
import { isRoot, requireEngine, snapshotHost } from '../support/engine.js';

/** selftest is what instructors run after editing a grader: it must pass on the shipped graders and catch a broken one. */
describe('docknet selftest', function () {
  let copy: string | undefined;

  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('selftest builds firewall fixtures: CI must run it as root');
      this.skip();
    }
  });
  after(() => copy && rmSync(copy, { recursive: true, force: true }));

  it('passes on the shipped graders and fixtures, and leaves the host as it was', async () => {
    const before = await snapshotHost();
    const run = await docknet(['selftest', 'fixed-ip', 'alias-dns']);
    expect(run.exitCode, run.all).to.equal(0);
    expect(run.all).to.include('✓ fixed-ip: an empty host passes no check');
    expect(run.all).to.include('✓ alias-dns: correct');
    expect(run.all.trim().split('\n').at(-1)).to.equal('selftest passed');
    expect(await snapshotHost()).to.deep.equal(before);
  });

  it('fails, naming the checks, when a grader is broken', async () => {
    // A copy of the package whose fixed-ip grader expects the wrong gateway, built the way the package is.
    copy = mkdtempSync(join(tmpdir(), 'docknet-broken-'));
    for (const part of ['src', 'graders', 'exercises', 'fixtures', 'scripts', 'bin', 'package.json', 'tsconfig.json']) {
      cpSync(join(packageRoot, part), join(copy, part), { recursive: true });
    }
    symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));
    const grader = join(copy, 'graders', 'fixed-ip.ts');
    const source = readFileSync(grader, 'utf8');
    const gateway = '(v) => v === GATEWAY,';
    expect(source).to.include(gateway);
    writeFileSync(grader, source.replace(gateway, "(v) => v === '172.20.0.254',"));
    await execa('node', ['scripts/bundle.mjs'], { cwd: copy });

    const run = await execa('node', [join(copy, 'bin', 'docknet.js'), 'selftest', 'fixed-ip'], {
      reject: false,
      all: true,
      env: { NO_COLOR: '1' },
    });
    expect(run.exitCode, run.all).to.equal(1);
    expect(run.all).to.include('✗ fixed-ip: correct');
    expect(run.all).to.include('network-gateway: failed, fixture declares passed');
    expect(run.all).to.include('✗ fixed-ip: wrong-gateway');
    expect(run.all).to.match(/selftest: \d+ mismatch/);
  });
});
