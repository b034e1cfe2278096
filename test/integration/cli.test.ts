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
    const ko = await docknet(['check', 'internal-network', '--lang', 'ko', '--junit', join(tmpdir(), `docknet-ko-${process.pid}.xml`)]);
    expect(ko.exitCode, ko.all).to.equal(1);
    expect(ko.stdout).to.include('✗ secure-network 네트워크가 있음 0/1').and.include('secure-network 네트워크가 없습니다').and.include('힌트:');
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
