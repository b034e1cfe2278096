import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { packageRoot } from '../../../src/paths.js';

const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const REPORTER = join(packageRoot, 'test', 'support', 'summary-reporter.cjs');
const MIXED = join(packageRoot, 'test', 'unit', 'scripts', 'fixtures', 'mixed.spec.cjs');

/** The closing line CI reads, and its copy in $DOCKNET_SUMMARY_FILE, from a run with one pass, one failure and one skip. */
describe('test/support/summary-reporter.cjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docknet-reporter-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function mixed(env: Record<string, string>) {
    const file = join(dir, 'summary');
    const run = await execa('node', [MOCHA, '--no-config', '--reporter', REPORTER, MIXED], {
      reject: false,
      all: true,
      env: { CI: '', DOCKNET_ALLOW_SKIP: '', DOCKNET_SUMMARY_FILE: file, ...env },
    });
    return { run, last: run.all.trimEnd().split('\n').at(-1), summary: readFileSync(file, 'utf8') };
  }

  it('prints skipped tests in the closing line and writes the same line to $DOCKNET_SUMMARY_FILE', async () => {
    const { run, last, summary } = await mixed({});
    expect(last, run.all).to.equal('1 passed, 1 failed, 1 skipped');
    expect(summary).to.equal('1 passed, 1 failed, 1 skipped\n');
    expect(run.exitCode).to.equal(1);
  });

  it('counts a skip as a failure in CI, in the line and the exit status', async () => {
    const { run, last, summary } = await mixed({ CI: 'true' });
    expect(last, run.all).to.equal('1 passed, 2 failed, 0 skipped');
    expect(summary).to.equal('1 passed, 2 failed, 0 skipped\n');
    expect(run.all).to.contain('skipped, which CI forbids: mixed skips');
    expect(run.exitCode).to.equal(2);
  });

  it('lets a skip that $DOCKNET_ALLOW_SKIP names pass in CI', async () => {
    const { run, last } = await mixed({ CI: 'true', DOCKNET_ALLOW_SKIP: '^mixed skips$' });
    expect(last, run.all).to.equal('1 passed, 1 failed, 1 skipped');
    expect(run.exitCode).to.equal(1);
  });
});

describe('.mocharc.cjs', () => {
  async function config(env: Record<string, string>) {
    const run = await execa('node', ['-p', 'JSON.stringify(require("./.mocharc.cjs"))'], { cwd: packageRoot, env });
    return JSON.parse(run.stdout);
  }

  it('always forbids .only and an empty run, and forbids pending tests in CI unless a skip is allowed', async () => {
    expect(await config({ CI: '' })).to.include({ 'forbid-only': true, 'fail-zero': true, 'forbid-pending': false });
    expect(await config({ CI: 'true', DOCKNET_ALLOW_SKIP: '' })).to.include({ 'forbid-pending': true });
    expect(await config({ CI: 'true', DOCKNET_ALLOW_SKIP: 'x' })).to.include({ 'forbid-pending': false });
  });
});
