import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { DOCKNET } from '../support/cli.js';
import { docker, isRoot, requireEngine } from '../support/engine.js';

/**
 * A second engine on its own socket, in its own network, mount and PID namespaces (so its
 * bridges, mounts and containerd vanish with it), chosen the way people choose one:
 * `docker context create`, then `docker context use`, in a DOCKER_CONFIG of the test's
 * own so the machine's is untouched. docknet must grade that engine, as `docker ps` would.
 */
describe('docker contexts', function () {
  let dir: string;
  let daemon: ResultPromise | undefined;
  let env: Record<string, string | undefined>;
  const stop = () => {
    // --kill-child: the engine gets SIGTERM when unshare ends, however it ends
    if (daemon?.pid !== undefined && daemon.exitCode === null) process.kill(daemon.pid, 'SIGKILL');
  };

  before(async function () {
    if (!isRoot()) this.skip();
    await requireEngine(this);
    dir = mkdtempSync('/tmp/docknet-ctx-');
    process.once('exit', stop);
    const sock = `unix://${dir}/docker.sock`;
    daemon = execa(
      'unshare',
      [
        '--net',
        '--mount',
        '--pid',
        '--fork',
        '--kill-child=SIGTERM',
        'dockerd',
        '--data-root',
        `${dir}/data`,
        '--exec-root',
        `${dir}/exec`,
        '--pidfile',
        `${dir}/dockerd.pid`,
        '-H',
        sock,
        '--iptables=false',
        '--ip6tables=false',
        '--bridge=none',
      ],
      { reject: false, stdout: { file: `${dir}/dockerd.log` }, stderr: { file: `${dir}/dockerd.log` } },
    );
    for (let i = 0; i < 60; i++) {
      if ((await execa('docker', ['-H', sock, 'version'], { reject: false })).exitCode === 0) break;
      if (daemon.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await execa('docker', ['-H', sock, 'version']).catch(() => {
      throw new Error(`the second dockerd did not come up: ${readFileSync(`${dir}/dockerd.log`, 'utf8').slice(-2000)}`);
    });
    await execa('sh', ['-c', 'docker save docknet-probe:1 | docker -H "$1" load -q', 'sh', sock]);
    env = { DOCKER_CONFIG: join(dir, 'config'), DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined, NO_COLOR: '1' };
    await execa('docker', ['context', 'create', 'second', '--docker', `host=${sock}`], { env });
    await execa('docker', ['context', 'use', 'second'], { env });
    await execa('docker', ['network', 'create', '--internal', 'secure-network'], { env });
  });

  after(async function () {
    this.timeout(60_000);
    if (daemon) {
      stop();
      await daemon;
    }
    process.removeListener('exit', stop);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('grades the engine of `docker context use`, as docker itself does', async () => {
    // what docker says of the context's engine, and of the machine's
    const seen = await execa('docker', ['network', 'ls', '--format', '{{.Name}}'], { env });
    expect(seen.stdout.split('\n')).to.include('secure-network');
    const onMachine = await docker
      .getNetwork('secure-network')
      .inspect()
      .then(
        () => true,
        () => false,
      );
    expect(onMachine, 'the machine engine must not hold secure-network, or this proves nothing').to.equal(false);

    const report = join(dir, 'report.json');
    const run = await execa(
      'node',
      [DOCKNET, 'check', 'internal-network', '--lang', 'en', '--json', report, '--no-junit'],
      { env, reject: false, all: true },
    );
    expect(run.exitCode, run.all).to.equal(1);
    const graded = JSON.parse(readFileSync(report, 'utf8'));
    expect(graded.host).to.equal(`unix://${dir}/docker.sock (docker context second)`);
    const checks = new Map<string, string>(
      graded.exercises[0].checks.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
    expect(checks.get('network-exists')).to.equal('passed');
    expect(checks.get('network-internal')).to.equal('passed');

    // --context default, DOCKER_HOST and --host all win over `docker context use`
    const machine = await execa(
      'node',
      [DOCKNET, 'check', 'internal-network', '--lang', 'en', '--no-junit', '--context', 'default'],
      { env, reject: false, all: true },
    );
    expect(machine.stdout, machine.all)
      .to.include('at unix:///var/run/docker.sock')
      .and.include('✗ Network secure-network exists');
  });
});
