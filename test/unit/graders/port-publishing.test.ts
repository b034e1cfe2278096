import { expect } from 'chai';
import { graders } from '../../../graders/index.js';
import { container, endpoint, gradeInMemory, memoryContext, MemoryHost, network } from '../../support/memory-host.js';

const grader = graders.find((g) => g.id === 'port-publishing')!;
const bridge = network('bridge');
// what Docker 20.10's rootless engine (rootlesskit 1.1) answers `docker run -p 53:53/udp` on a stock machine
const REFUSAL =
  "driver failed programming external connectivity on endpoint pp-dns (c868788548dd): Error starting userland proxy: error while calling PortManager.AddPort(): cannot expose privileged port 53, you can add 'net.ipv4.ip_unprivileged_port_start=53' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024): listen udp4 0.0.0.0:53: bind: permission denied";
const refused = container('pp-dns', [endpoint(bridge, '172.17.0.2')], {
  running: false,
  status: 'created',
  error: REFUSAL,
});

function grade(rootless: boolean) {
  const ctx = memoryContext(new MemoryHost([bridge], [refused]));
  return gradeInMemory(grader, rootless ? { ...ctx, engine: { ...ctx.engine, rootless } } : ctx);
}

describe('port-publishing on a rootless engine that refuses privileged ports', () => {
  it("skips the port it refused with the engine's own words, and still fails what the student left out", async () => {
    const { statuses, result } = await grade(true);
    expect(statuses).to.include({
      'udp-published': 'skipped',
      'range-published': 'failed',
      'loopback-published': 'failed',
    });
    expect(result('udp-published').message).to.equal(
      `not applicable on this rootless engine: it did not start pp-dns, saying "cannot expose privileged port 53, you can add 'net.ipv4.ip_unprivileged_port_start=53' to /etc/sysctl.conf (currently 1024), or set CAP_NET_BIND_SERVICE on rootlesskit binary, or choose a larger port number (>= 1024)"`,
    );
  });

  it('fails the same state on an engine that is not rootless, where no such refusal can excuse it', async () => {
    expect((await grade(false)).statuses['udp-published']).to.equal('failed');
  });
});
