import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ProbeSession, type Probe } from '../../src/docker/probe.js';
import { docker, requireEngine, snapshotHost, type HostSnapshot } from '../support/engine.js';

/** Datagrams that reached a closed UDP port in the probe's own namespace (/proc/net/snmp is per namespace). */
async function udpRefused(probe: Probe): Promise<number> {
  const { stdout } = await probe.run('cat /proc/net/snmp');
  const [header, values] = stdout
    .split('\n')
    .filter((line) => line.startsWith('Udp:'))
    .map((line) => line.split(/\s+/));
  return Number(values[header.indexOf('NoPorts')]);
}

/**
 * The probe that resolves aliases owns its DNS upstream: a name the embedded DNS
 * does not know is forwarded there, inside the probe, and refused, never sent
 * off the host; and the lookup gives up fast enough not to hold a check up.
 */
describe('a probe with its own DNS upstream', function () {
  const network = `docknet-own-dns-${randomBytes(4).toString('hex')}`;
  let session: ProbeSession | undefined;
  let host: HostSnapshot | undefined;

  before(async function () {
    await requireEngine(this);
    host = await snapshotHost();
    await docker.createNetwork({ Name: network, Labels: { 'io.docknet.fixture': 'own-dns' } });
    session = new ProbeSession(docker, randomBytes(6).toString('hex'), { timeoutMs: 10_000 });
  });

  after(async () => {
    if (!session) return; // no engine, or the network could not be made
    await session.close();
    await docker.getNetwork(network).remove();
    expect(await snapshotHost(), 'the host after the test').to.deep.equal(host);
  });

  it('fails a lookup of an alias nobody has in under 2 s, the forwarded query refused inside the probe', async () => {
    const probe = await session!.attachWithOwnDns(network);
    const refusedBefore = await udpRefused(probe);
    const t0 = performance.now();
    const answers = await probe.resolve(`docknet-no-such-alias-${randomBytes(4).toString('hex')}`);
    const elapsedMs = performance.now() - t0;
    expect(answers).to.deep.equal([]);
    expect(elapsedMs).to.be.below(2000);
    expect(await udpRefused(probe), 'queries refused at the probe').to.be.above(refusedBefore);
  });
});
