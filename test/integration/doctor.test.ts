import { expect } from 'chai';
import { execa } from 'execa';
import { docknet } from '../support/cli.js';
import { docker, FIXTURE_IMAGE, isRoot, requireEngine, snapshotHost } from '../support/engine.js';

const LABEL = 'io.docknet.test=doctor';
const APPENDED = ['-A', 'DOCKER-USER', '-p', 'tcp', '--dport', '2222', '-j', 'DROP'];

/** doctor names each problem of a deliberately broken host, without sending any traffic. */
describe('docknet doctor', function () {
  before(async function () {
    await requireEngine(this);
    if (!isRoot()) {
      if (process.env.CI) throw new Error('the doctor test changes DOCKER-USER: CI must run it as root');
      this.skip();
    }
    const taken = await docker.listContainers({ all: true, filters: { name: ['docknet-doctor-'] } });
    if (taken.length > 0) throw new Error('containers named docknet-doctor-* are already here');
    const rules = (await execa('iptables', ['-S', 'DOCKER-USER'])).stdout.split('\n').filter((l) => l.startsWith('-A'));
    if (rules.join() !== '-A DOCKER-USER -j RETURN')
      throw new Error(`DOCKER-USER holds rules of its own (${rules.join('; ')}); this test would change it`);
  });

  after(async () => {
    await execa('iptables', ['-D', ...APPENDED.slice(1)], { reject: false });
    const mine = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    for (const n of await docker.listNetworks({ filters: { label: [LABEL] } })) await docker.getNetwork(n.Id).remove();
  });

  it('names each problem: names that cannot resolve, a way out of an internal network, a stopped container, an unreachable DOCKER-USER rule', async () => {
    const healthy = await docknet(['doctor']);
    expect(healthy.stdout).to.include('Networks').and.include('Problems');

    const sh = (script: string) => execa('sh', ['-eu', '-c', script], { env: { IMAGE: FIXTURE_IMAGE, LABEL } });
    await sh(`
      docker network create --internal --label "$LABEL" docknet-doctor-inner
      docker network create --label "$LABEL" docknet-doctor-outer
      docker run -d --label "$LABEL" --name docknet-doctor-a "$IMAGE" sleep 3600
      docker run -d --label "$LABEL" --name docknet-doctor-b "$IMAGE" sleep 3600
      docker run -d --label "$LABEL" --name docknet-doctor-leaky --network docknet-doctor-inner "$IMAGE" sleep 3600
      docker network connect docknet-doctor-outer docknet-doctor-leaky
      docker run -d --label "$LABEL" --name docknet-doctor-done --network docknet-doctor-outer "$IMAGE" true
      docker wait docknet-doctor-done >/dev/null
    `);
    await execa('iptables', APPENDED);
    const before = await snapshotHost();

    const run = await docknet(['doctor']);
    expect(run.exitCode, run.all).to.equal(1);
    expect(run.stdout).to.match(/docknet-doctor-inner \(bridge, internal\) \d+\.\d+\.\d+\.\d+\/\d+/);
    expect(run.stdout).to.match(/docknet-doctor-leaky \[running\] .*docknet-doctor-inner \d/);
    expect(run.stdout).to.match(
      /✗ .*docknet-doctor-a.*docknet-doctor-b.* are on the default bridge, where containers cannot resolve each other's names/,
    );
    expect(run.stdout).to.include(
      '✗ docknet-doctor-leaky is on the internal network docknet-doctor-inner and also on docknet-doctor-outer, which is a way out',
    );
    expect(run.stdout).to.include('✗ docknet-doctor-done is exited (exit code 0)');
    expect(run.stdout).to.match(
      /✗ DOCKER-USER rule 2 \(-A DOCKER-USER -p tcp -m tcp --dport 2222 -j DROP\) is never reached: rule 1 \(-A DOCKER-USER -j RETURN\)/,
    );
    expect(await snapshotHost(), 'doctor changes nothing').to.deep.equal(before);
  });
});
