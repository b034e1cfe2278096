import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { packageRoot } from '../../../src/paths.js';

const ENGINES_SH = join(packageRoot, 'test', 'engines', 'engines.sh');
const STAGES_SH = join(packageRoot, 'test', 'support', 'stages.sh');
const STUBS = join(packageRoot, 'test', 'unit', 'scripts', 'fixtures', 'engine-stubs.sh');

/**
 * engines.sh's stage accounting, driven with stub engines (see fixtures/engine-stubs.sh):
 * nothing here touches dockerd. Each stub engine is named for how its stage behaves.
 */
describe('test/engines/engines.sh stage accounting', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docknet-stages-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function engines(names: string) {
    const log = join(dir, 'log');
    const total = join(dir, 'total');
    writeFileSync(log, '');
    // the whole environment is set here: a CI run's own DOCKNET_* must not reach the script
    const run = await execa(ENGINES_SH, [], {
      reject: false,
      all: true,
      env: {
        DOCKNET_ENGINES_STUBS: STUBS,
        DOCKNET_ENGINES: names,
        STUB_LOG: log,
        DOCKNET_SUMMARY_FILE: total,
        DOCKNET_ALLOW_SKIP: '',
      },
    });
    const lines = run.all.trimEnd().split('\n');
    return {
      run,
      lines,
      last: lines.at(-1),
      steps: readFileSync(log, 'utf8').trimEnd().split('\n'),
      total: readFileSync(total, 'utf8'),
    };
  }

  it('counts a stage that crashes without a result as failed, and still runs the engines after it', async () => {
    const { run, lines, last, steps, total } = await engines('passes crashes passes-too');
    expect(last, run.all).to.equal('8 passed, 1 failed, 2 skipped');
    expect(run.exitCode).to.equal(1);
    expect(lines).to.include('== crashes: 0 passed, 1 failed, 0 skipped (no result, exit status 137)');
    expect(steps).to.deep.equal([
      'preflight',
      'switched to passes',
      'suite on passes',
      'switched to crashes',
      'suite on crashes',
      'switched to passes-too',
      'suite on passes-too',
      'restored the host engine',
    ]);
    expect(total, 'the total, for .ci/run').to.equal('8 passed, 1 failed, 2 skipped\n');
  });

  it('counts an engine that never comes up as failed, and goes on', async () => {
    const { run, lines, last, steps } = await engines('no-engine passes');
    expect(last, run.all).to.equal('4 passed, 1 failed, 1 skipped');
    expect(run.exitCode).to.equal(1);
    expect(lines).to.include('== no-engine: 0 passed, 1 failed, 0 skipped (no result, exit status 2)');
    expect(steps).to.deep.equal([
      'preflight',
      'switched to no-engine',
      'switched to passes',
      'suite on passes',
      'restored the host engine',
    ]);
  });

  it("takes a stage's failures from its result, and a non-zero exit with clean counts as one failure", async () => {
    const { run, lines, last } = await engines('fails exits-nonzero silent');
    expect(last, run.all).to.equal('8 passed, 4 failed, 0 skipped');
    expect(run.exitCode).to.equal(1);
    expect(lines).to.include.members([
      '== fails: 3 passed, 2 failed, 0 skipped (exit status 2)',
      '== exits-nonzero: 5 passed, 1 failed, 0 skipped (exit status 7)',
      '== silent: 0 passed, 1 failed, 0 skipped (no result)',
    ]);
  });

  it('exits 0 with the total when every stage passes', async () => {
    const { run, last } = await engines('passes passes-too');
    expect(last, run.all).to.equal('8 passed, 0 failed, 2 skipped');
    expect(run.exitCode).to.equal(0);
  });

  it('keeps going without set -e too, as .ci/run sources it', async () => {
    const script = `set -uo pipefail; source '${STAGES_SH}'
      run_stage() { case $1 in crash) kill -KILL $BASHPID ;; *) echo "1 passed, 0 failed, 0 skipped" >"$DOCKNET_SUMMARY_FILE" ;; esac; }
      run_stages crash ok; echo "status $?"`;
    const run = await execa('bash', ['-c', script], { reject: false, all: true, env: { DOCKNET_SUMMARY_FILE: '' } });
    expect(run.all.split('\n').slice(-2), run.all).to.deep.equal(['1 passed, 1 failed, 0 skipped', 'status 1']);
  });
});
