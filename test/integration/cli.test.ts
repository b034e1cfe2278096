import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { docknet, DOCKNET } from '../support/cli.js';
import { isRoot, requireEngine } from '../support/engine.js';
import { assertNothingReserved, loadFixtures } from '../support/fixtures.js';

/** Bad input and a missing environment: one clear line on stderr, exit code 2, no stack trace. */
describe('docknet usage errors', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n'), stderr).to.have.length(1);
    expect(stderr).to.not.match(/^\s+at /m);
  };

  it('says there is no engine behind a socket that does not exist', async () => {
    const run = await docknet(['check'], { DOCKER_HOST: 'unix:///nope.sock' });
    expect(run.exitCode).to.equal(2);
    oneLine(run.stderr);
    expect(run.stderr).to.contain('no Docker engine at unix:///nope.sock');
  });

  it('suggests the nearest exercise for a typo, without needing an engine', async () => {
    const run = await docknet(['check', 'internal-netwrk'], { DOCKER_HOST: 'unix:///nope.sock' });
    expect(run.exitCode).to.equal(2);
    oneLine(run.stderr);
    expect(run.stderr).to.contain('did you mean "internal-network"');
  });

  it('treats an unknown option as a usage error', async () => {
    const run = await docknet(['check', '--no-such-option']);
    expect(run.exitCode).to.equal(2);
    oneLine(run.stderr);
  });

  it('shows the stack trace only with --debug', async () => {
    const run = await docknet(['check', 'nope', '--debug'], { DOCKER_HOST: 'unix:///nope.sock' });
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.match(/^\s+at /m);
  });

  it('lists the exercises without grading when asked to, in either language', async () => {
    const en = await docknet(['list', '--offline', '--lang', 'en']);
    expect(en.exitCode).to.equal(0);
    expect(en.stdout).to.match(/^internal-network\s+Isolated network\s+20 points$/m);
    const ko = await docknet(['list', '--offline'], { LANG: 'ko_KR.UTF-8' });
    expect(ko.stdout).to.match(/^internal-network\s+네트워크 격리\s+20 점$/m);
  });

  it('lists the exercises with the current scores when an engine answers, and without them when none does', async function () {
    await requireEngine(this);
    const graded = await docknet(['list']);
    expect(graded.exitCode, graded.all).to.equal(0);
    expect(graded.stdout).to.match(/^docker-user-firewall\s+.+\s+\d+\/14$/m);
    const offline = await docknet(['list'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(offline.stdout).to.match(/^fixed-ip\s+.+\s+10 points$/m);
    expect(offline.stdout).to.match(/\(no scores: no Docker engine at unix:\/\/\/nonexistent\.sock/);
  });

  it('gives messages and hints in Korean with --lang ko', async function () {
    await requireEngine(this);
    await assertNothingReserved(loadFixtures('internal-network'));
    const ko = await docknet([
      'check',
      'internal-network',
      '--lang',
      'ko',
      '--junit',
      join(tmpdir(), `docknet-ko-${process.pid}.xml`),
    ]);
    expect(ko.exitCode, ko.all).to.equal(1);
    expect(ko.stdout)
      .to.include('✗ secure-network 네트워크가 있음 0/1')
      .and.include('secure-network 네트워크가 없습니다')
      .and.include('힌트:');
    expect(ko.stdout).to.match(/"secure-network 네트워크가 있음" 항목이 통과하지 못했기 때문에 확인하지 않음/);
    expect(ko.stdout).to.include('점수 0/20');
  });

  it('explains an exercise in the language asked for, with the points of each check', async () => {
    const ko = await docknet(['explain', 'fixed-ip', '--lang', 'ko']);
    expect(ko.exitCode).to.equal(0);
    expect(ko.stdout).to.include('172.20.0.10').and.include('채점 항목 (10점)').and.not.include('## English');
    const en = await docknet(['explain', 'fixed-ip', '--lang', 'en']);
    expect(en.stdout).to.include('What is checked (10 points)').and.not.include('## 한국어');
    const typo = await docknet(['explain', 'fixed-iq']);
    expect(typo.exitCode).to.equal(2);
    expect(typo.stderr).to.match(/did you mean "fixed-ip"/);
  });

  it('says permission denied on a socket it may not open', async function () {
    if (!isRoot()) this.skip();
    await requireEngine(this);
    const run = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', DOCKNET, 'check'], {
      reject: false,
      env: { DOCKER_HOST: 'unix:///var/run/docker.sock', NO_COLOR: '1' },
    });
    expect(run.exitCode).to.equal(2);
    oneLine(run.stderr);
    expect(run.stderr).to.contain('permission denied on unix:///var/run/docker.sock');
  });
});

/** The conventions people expect of a command-line tool; none of these needs an engine. */
describe('docknet command-line conventions', () => {
  const nowhere = { DOCKER_HOST: 'unix:///nonexistent.sock' };

  it('gives yargs\' own message for a usage error, with exit code 2 and never "internal error"', async () => {
    for (const args of [['check', '--json'], ['check', '--lang', 'fr'], ['merge']]) {
      const run = await docknet(args, nowhere);
      expect(run.exitCode, run.all).to.equal(2);
      expect(run.stderr).to.not.include('internal error');
    }
    expect((await docknet(['check', '--json'])).stderr).to.include('Not enough arguments following: json');
  });

  it('suggests the command meant', async () => {
    const run = await docknet(['chek']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.include('Did you mean check?');
  });

  it('refuses numbers out of range before touching an engine', async () => {
    for (const [args, what] of [
      [['check', '--check-timeout', 'soon'], '--check-timeout must be a number above 0'],
      [['list', '--api-timeout', '-1'], '--api-timeout must be a number above 0'],
      [['grade', '--roster', 'r.csv', '--concurrency', '0'], '--concurrency'],
      [['grade', '--submission', '.', '--min-score', '-5'], '--min-score'],
      [['grade', '--submissions', '.', '--shard', '5/4'], '--shard must be I/N'],
    ] as const) {
      const run = await docknet([...args], nowhere);
      expect(run.exitCode, run.all).to.equal(2);
      expect(run.stderr).to.include(what);
    }
  });

  it("prints help in Korean with --lang ko, yargs' own words included", async () => {
    const run = await docknet(['check', '--help', '--lang', 'ko']);
    expect(run.exitCode).to.equal(0);
    expect(run.stdout).to.include('옵션:').and.include('엔진에서 과제를 채점합니다').and.include('도움말 표시');
    const en = await docknet(['check', '--help', '--lang', 'en'], { LANG: 'ko_KR.UTF-8' });
    expect(en.stdout).to.include('Options:').and.include('grade exercises on the engine');
  });

  it('takes option values from DOCKNET_* variables and a config file, the command line first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docknet-config-'));
    try {
      const inDir = (args: string[], env: Record<string, string> = {}) =>
        execa('node', [DOCKNET, ...args], { cwd: dir, reject: false, env: { NO_COLOR: '1', ...nowhere, ...env } });
      expect((await inDir(['list'], { DOCKNET_OFFLINE: 'true' })).stdout).to.match(/^fixed-ip\s+.+\s+10 points$/m);
      writeFileSync(join(dir, 'docknet.config.yaml'), 'lang: ko\noffline: true\n');
      expect((await inDir(['list'])).stdout).to.match(/^fixed-ip\s+.+\s+10 점$/m);
      expect((await inDir(['list', '--lang', 'en'])).stdout).to.match(/10 points$/m);
      writeFileSync(join(dir, 'docknet.config.yaml'), 'api-timeout: -1\n');
      const bad = await inDir(['list']);
      expect(bad.exitCode).to.equal(2);
      expect(bad.stderr).to.include('--api-timeout must be a number above 0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('colours only when asked or on a terminal: --color beats NO_COLOR, --no-color beats FORCE_COLOR', async () => {
    const esc = '\u001b[';
    expect((await docknet(['explain', 'fixed-ip', '--lang', 'en'])).stdout).to.not.include(esc);
    expect((await docknet(['explain', 'fixed-ip', '--lang', 'en', '--color'])).stdout).to.include(esc);
    expect(
      (await docknet(['explain', 'fixed-ip', '--lang', 'en'], { NO_COLOR: '', FORCE_COLOR: '1' })).stdout,
    ).to.include(esc);
    expect(
      (await docknet(['explain', 'fixed-ip', '--lang', 'en', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' })).stdout,
    ).to.not.include(esc);
  });

  it('prints a shell completion script, and completes commands', async () => {
    const script = await docknet(['completion']);
    expect(script.exitCode).to.equal(0);
    expect(script.stdout).to.include('complete -o bashdefault -o default -F _docknet_yargs_completions docknet');
    const words = await docknet(['--get-yargs-completions', 'docknet', 'ch']);
    expect(words.stdout.split('\n')).to.include('check');
  });

  it('prints a multi-line message whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docknet-config-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'a: [\n');
      const run = await docknet(['list', '--offline', '--config', join(dir, 'bad.yaml')]);
      expect(run.exitCode).to.equal(2);
      expect(run.stderr.trim().split('\n').length, run.stderr).to.be.greaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
