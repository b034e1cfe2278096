import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type Docker from 'dockerode';
import { DockerHost } from '../../src/docker/docker-host.js';
import { LABEL, OWNER, RunRecord } from '../../src/docker/labels.js';
import type { Host } from '../../src/engine/views.js';

const ID = 'b348089be23c1e4368fbf1f32fa2d226728b85cd0743d9eb40a077573d1d2803';
const SHORT_ID = ID.slice(0, 12);

const networks = [
  {
    Id: 'net-1',
    Name: 'my-network',
    Driver: 'bridge',
    Internal: false,
    Options: { 'com.docker.network.bridge.name': 'br-my' },
    IPAM: { Config: [{ Subnet: '172.20.0.0/16', IPRange: '', Gateway: '172.20.0.1' }, { Subnet: 'fd00::/64' }] },
  },
  { Id: 'net-2', Name: 'secure-network', Driver: 'bridge', Internal: true, IPAM: { Config: null } },
];

const inspected = {
  Id: ID,
  Name: '/frontend',
  Config: { Hostname: SHORT_ID },
  State: { Running: true, Status: 'running', ExitCode: 0 },
  HostConfig: { NetworkMode: 'my-network' },
  NetworkSettings: {
    Networks: {
      'my-network': {
        NetworkID: 'net-1',
        IPAddress: '172.20.0.10',
        IPAMConfig: { IPv4Address: '172.20.0.10' },
        MacAddress: '02:42:ac:14:00:0a',
        Aliases: ['web', SHORT_ID],
      },
      'secure-network': { NetworkID: 'net-2', IPAddress: '', IPAMConfig: null, MacAddress: '', Aliases: null },
    },
    Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null },
  },
};

const summaries = [
  {
    Id: ID,
    Names: ['/frontend'],
    State: 'running',
    Labels: {},
    NetworkSettings: { Networks: { 'my-network': { NetworkID: 'net-1' }, 'secure-network': { NetworkID: 'net-2' } } },
  },
  {
    Id: 'probe-id',
    Names: ['/probe'],
    State: 'running',
    Labels: { [LABEL.owner]: OWNER },
    NetworkSettings: { Networks: { 'my-network': { NetworkID: 'net-1' } } },
  },
];

/** Just the Engine API calls HostView makes, answered from the objects above. */
const docker = {
  listNetworks: async () => networks,
  listContainers: async () => summaries,
  getContainer: (id: string) => ({
    inspect: async () => {
      if (id !== ID) throw Object.assign(new Error('no such container'), { statusCode: 404 });
      return inspected;
    },
  }),
} as unknown as Docker;

describe('DockerHost: the Engine API in the graders’ terms', () => {
  // the probe is the grader's because a run recorded creating it, not because of its labels
  const saved = process.env.DOCKNET_STATE_DIR;
  let state: string;
  let record: RunRecord;
  before(() => {
    state = mkdtempSync(join(tmpdir(), 'docknet-state-'));
    process.env.DOCKNET_STATE_DIR = state;
    record = new RunRecord('run-1');
    record.created('probe', 'probe-id');
  });
  after(() => {
    record.finish();
    if (saved === undefined) delete process.env.DOCKNET_STATE_DIR;
    else process.env.DOCKNET_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
  });

  const host: Host = new DockerHost(docker, 1_000, '1.41');

  it('maps a network, leaving empty IPAM values out', async () => {
    expect(await host.network('my-network')).to.deep.equal({
      id: 'net-1',
      name: 'my-network',
      driver: 'bridge',
      internal: false,
      ipam: [
        { subnet: '172.20.0.0/16', ipRange: undefined, gateway: '172.20.0.1' },
        { subnet: 'fd00::/64', ipRange: undefined, gateway: undefined },
      ],
      options: { 'com.docker.network.bridge.name': 'br-my' },
    });
    expect((await host.networkById('net-2'))?.ipam).to.deep.equal([]);
    expect(await host.network('missing')).to.equal(undefined);
  });

  it('maps a container with its endpoints, in the engine’s order, and its published ports', async () => {
    expect(await host.container('frontend')).to.deep.equal({
      id: ID,
      name: 'frontend',
      running: true,
      status: 'running',
      exitCode: 0,
      networkMode: 'my-network',
      endpoints: [
        {
          networkId: 'net-1',
          network: 'my-network',
          address: '172.20.0.10',
          configuredAddress: '172.20.0.10',
          mac: '02:42:ac:14:00:0a',
          aliases: ['web'],
        },
        {
          networkId: 'net-2',
          network: 'secure-network',
          address: undefined,
          configuredAddress: undefined,
          mac: undefined,
          aliases: [],
        },
      ],
      published: [{ containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: '8080' }],
    });
  });

  it('never shows the grader’s own probes', async () => {
    const network = (await host.network('my-network'))!;
    expect((await host.containersOn(network)).map((c) => c.name)).to.deep.equal(['frontend']);
    expect((await host.runningContainers()).map((c) => c.name)).to.deep.equal(['frontend']);
    expect(await host.container('probe')).to.equal(undefined);
  });

  it('reads aliases for the engine’s API version: from 1.45 the short ID is an alias someone gave', async () => {
    const newer: Host = new DockerHost(docker, 1_000, '1.45');
    expect((await newer.container('frontend'))?.endpoints[0].aliases).to.deep.equal(['web', SHORT_ID]);
  });
});
