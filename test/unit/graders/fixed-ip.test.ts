import { expect } from 'chai';
import { fixedIp as grader } from '../../../graders/fixed-ip.js';
import type { Container, Network } from '../../../src/engine/views.js';
import {
  allPassedBut,
  container,
  endpoint,
  exited,
  gradeInMemory,
  memoryContext,
  MemoryHost,
  network,
  pool,
  type Quirks,
} from '../../support/memory-host.js';

const bridge = network('bridge', { ipam: [pool('172.17.0.0/16', { gateway: '172.17.0.1' })] });
const SUBNET = '172.20.0.0/16';
const FIXED = '172.20.0.10';
const custom = (fields: Partial<Network> = {}) =>
  network('custom-network', { ipam: [pool(SUBNET, { ipRange: '172.20.240.0/20', gateway: '172.20.0.1' })], ...fields });
const withPool = (fields: { ipRange?: string; gateway?: string }) =>
  custom({ ipam: [pool(SUBNET, { ipRange: '172.20.240.0/20', gateway: '172.20.0.1', ...fields })] });
const configured = (on: Network, address = FIXED) => endpoint(on, address, { configuredAddress: address });
const app = (...endpoints: ReturnType<typeof endpoint>[]) => container('fixed-ip-app', endpoints);

function grade(networks: Network[], containers: Container[], quirks?: Quirks) {
  return gradeInMemory(grader, memoryContext(new MemoryHost([bridge, ...networks], containers), quirks));
}

const NOT_STATIC = { 'static-ip': 'failed', 'address-in-namespace': 'skipped', answers: 'skipped' } as const;

describe('fixed-ip grader on in-memory hosts', () => {
  it('passes every check for the course text', async () => {
    const net = custom();
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader));
    expect(result('static-ip')).to.include({
      message: `fixed-ip-app has ${FIXED} configured on custom-network`,
      actual: `fixed-ip-app: ${FIXED} configured`,
    });
    expect(result('address-in-namespace').message).to.equal(
      `fixed-ip-app carries ${FIXED}/16 on eth0, its custom-network interface`,
    );
  });

  it('counts an address configured by docker network connect --ip on a second interface (connect-with-ip)', async () => {
    const net = custom();
    const { statuses, result } = await grade([net], [app(endpoint(bridge, '172.17.0.2'), configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader));
    expect(result('address-in-namespace').message).to.equal(
      `fixed-ip-app carries ${FIXED}/16 on eth1, its custom-network interface`,
    );
  });

  it('fails network-exists, naming the network that holds the subnet, and skips the rest (pool-taken)', async () => {
    const old = network('lab-old', { ipam: [pool(SUBNET)] });
    const { statuses, result } = await grade([old], [app(endpoint(old, '172.20.0.2'))]);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'network-exists': 'failed',
        'network-driver': 'skipped',
        'network-subnet': 'skipped',
        'network-ip-range': 'skipped',
        'network-gateway': 'skipped',
        ...NOT_STATIC,
        'static-ip': 'skipped',
      }),
    );
    expect(result('network-exists').hint).to.match(
      /^network lab-old already holds 172\.20\.0\.0\/16, overlapping 172\.20\.0\.0\/16, so Docker refuses that subnet .*free it first with docker network rm lab-old/,
    );
  });

  it('fails network-driver for another driver', async () => {
    const net = custom({ driver: 'ipvlan' });
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-driver': 'failed' }));
    expect(result('network-driver')).to.include({
      message: 'custom-network uses the ipvlan driver',
      actual: 'driver ipvlan',
    });
  });

  it('fails network-subnet for another subnet, and names an overlapping network in the hint', async () => {
    const net = custom({ ipam: [pool('10.20.0.0/16', { ipRange: '172.20.240.0/20', gateway: '172.20.0.1' })] });
    const other = network('lab-old', { ipam: [pool('172.20.5.0/24'), pool('fd00:1::/64')] });
    const { statuses, result } = await grade([net, other], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-subnet': 'failed' }));
    expect(result('network-subnet')).to.include({ expected: `subnet ${SUBNET}`, actual: 'subnet 10.20.0.0/16' });
    expect(result('network-subnet').hint).to.match(/^network lab-old already holds 172\.20\.5\.0\/24, overlapping/);
  });

  it('accepts the subnet however it is written, and ignores IPv6 pools', async () => {
    const net = custom({
      ipam: [pool('172.20.5.0/16', { ipRange: '172.20.240.0/20', gateway: '172.20.0.1' }), pool('fd00:2::/64')],
    });
    const { statuses } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader));
  });

  it('fails the subnet, ip-range and gateway when no pool can be told to be the one to read', async () => {
    const net = custom({ ipam: [pool('10.1.0.0/16'), pool('10.2.0.0/16')] });
    const { statuses, result } = await grade([net], [app(configured(net, '10.1.0.10'))]);
    expect(statuses).to.deep.equal(
      allPassedBut(grader, {
        'network-subnet': 'failed',
        'network-ip-range': 'failed',
        'network-gateway': 'failed',
        ...NOT_STATIC,
      }),
    );
    expect(result('network-gateway')).to.include({
      message: "cannot tell which of custom-network's IPv4 pools to read",
      actual: 'subnets 10.1.0.0/16, 10.2.0.0/16',
    });
  });

  it('fails network-ip-range when there is none (no-ip-range)', async () => {
    const net = withPool({ ipRange: undefined });
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-ip-range': 'failed' }));
    expect(result('network-ip-range')).to.include({
      message: 'custom-network has no ip-range',
      actual: 'no ip-range (dynamic addresses come from the whole subnet)',
    });
  });

  it('fails network-ip-range for another range (wrong-ip-range)', async () => {
    const net = withPool({ ipRange: '172.20.240.0/24' });
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-ip-range': 'failed' }));
    expect(result('network-ip-range')).to.include({
      message: "custom-network's ip-range is 172.20.240.0/24",
      expected: 'ip-range 172.20.240.0/20',
    });
  });

  it('fails network-gateway for another gateway (wrong-gateway)', async () => {
    const net = withPool({ gateway: '172.20.0.254' });
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-gateway': 'failed' }));
    expect(result('network-gateway')).to.include({
      message: "custom-network's gateway is 172.20.0.254",
      actual: 'gateway 172.20.0.254',
    });
  });

  it('fails network-gateway when the engine picked one itself', async () => {
    const net = withPool({ gateway: undefined });
    const { statuses, result } = await grade([net], [app(configured(net))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-gateway': 'failed' }));
    expect(result('network-gateway').actual).to.equal('no gateway set (the engine picked one itself)');
  });

  it('fails static-ip when the address is only a dynamic lease (dynamic-ten)', async () => {
    const net = withPool({ ipRange: undefined });
    const { statuses, result } = await grade([net], [app(endpoint(net, FIXED))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'network-ip-range': 'failed', ...NOT_STATIC }));
    expect(result('static-ip')).to.include({
      message: `fixed-ip-app has ${FIXED} only by dynamic allocation`,
      actual: `fixed-ip-app: ${FIXED} by dynamic allocation`,
    });
  });

  it('fails static-ip when the container with the address has stopped (container-stopped)', async () => {
    const net = custom();
    const stopped = container(
      'fixed-ip-app',
      [endpoint(net, FIXED, { address: undefined, configuredAddress: FIXED })],
      exited,
    );
    const { statuses, result } = await grade([net], [stopped]);
    expect(statuses).to.deep.equal(allPassedBut(grader, NOT_STATIC));
    expect(result('static-ip')).to.include({
      message: `fixed-ip-app has ${FIXED} configured but is not running`,
      actual: `fixed-ip-app: ${FIXED} configured (exited)`,
    });
  });

  it('fails static-ip for another configured address (wrong-address)', async () => {
    const net = custom();
    const { statuses, result } = await grade([net], [app(configured(net, '172.20.0.100'))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, NOT_STATIC));
    expect(result('static-ip')).to.include({
      message: `no container on custom-network has ${FIXED} configured`,
      actual: 'fixed-ip-app: 172.20.0.100 configured',
    });
  });

  it('fails static-ip when no running container is attached', async () => {
    const net = custom();
    const { statuses, result } = await grade(
      [net],
      [container('other', [endpoint(net, '172.20.240.1', { address: undefined })], exited)],
    );
    expect(statuses).to.deep.equal(allPassedBut(grader, NOT_STATIC));
    expect(result('static-ip')).to.include({
      message: 'no running container is attached to custom-network',
      actual: 'other: no address (exited)',
    });
  });

  it('fails address-in-namespace when the interface no longer carries the address (address-removed-inside)', async () => {
    const net = custom();
    const holder = app(configured(net));
    const { statuses, result } = await grade([net], [holder], {
      interfaces: { 'fixed-ip-app': [{ name: 'eth0', mac: holder.endpoints[0].mac!, ipv4: [] }] },
    });
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'address-in-namespace': 'failed', answers: 'skipped' }));
    expect(result('address-in-namespace')).to.include({
      actual: 'eth0: no IPv4 address',
      expected: `${FIXED}/16 on the interface with MAC ${holder.endpoints[0].mac}`,
    });
  });

  it('fails address-in-namespace when no interface has the endpoint’s MAC', async () => {
    const net = custom();
    const { statuses, result } = await grade([net], [app(configured(net))], {
      interfaces: { 'fixed-ip-app': [{ name: 'eth9', mac: '02:42:00:00:00:01', ipv4: ['10.9.0.2/24'] }] },
    });
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'address-in-namespace': 'failed', answers: 'skipped' }));
    expect(result('address-in-namespace').actual).to.equal('no interface with that MAC (eth9: 10.9.0.2/24)');
  });

  it('reports address-in-namespace as an error when the engine gives no MAC', async () => {
    const net = custom();
    const { statuses } = await grade([net], [app(endpoint(net, FIXED, { configuredAddress: FIXED, mac: undefined }))]);
    expect(statuses).to.deep.equal(allPassedBut(grader, { 'address-in-namespace': 'error', answers: 'skipped' }));
  });

  it('fails answers when the container drops ICMP', async () => {
    const net = custom();
    const { statuses, result } = await grade([net], [app(configured(net))], { dropsPings: [FIXED] });
    expect(statuses).to.deep.equal(allPassedBut(grader, { answers: 'failed' }));
    expect(result('answers').message).to.equal(`${FIXED} does not answer the host over custom-network's bridge`);
  });
});
