import { expect } from 'chai';
import { execa } from 'execa';
import { docknet, DOCKNET } from '../support/cli.js';
import { isRoot, requireEngine } from '../support/engine.js';

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

  it('lists the exercises', async () => {
    const run = await docknet(['list']);
    expect(run.exitCode).to.equal(0);
    expect(run.stdout).to.match(/^internal-network\s+Isolated network \(13 checks, 20 points\)$/m);
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
