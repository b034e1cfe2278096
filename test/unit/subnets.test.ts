import { expect } from 'chai';
import type { NetworkDetails } from '../../src/docker/host.js';
import { ipv4Configs, networksOverlapping } from '../../src/docker/subnets.js';
import { ipv4CidrsOverlap, sameIPv4Cidr } from '../../src/net/cidr.js';

const network = (Name: string, ...subnets: string[]) =>
  ({
    Name,
    Id: `${Name}-id`,
    IPAM: { Driver: 'default', Config: subnets.map((Subnet) => ({ Subnet })) },
  }) as unknown as NetworkDetails;

describe('subnets', () => {
  it('sameIPv4Cidr: the same block however it is written, and nothing else', () => {
    expect(sameIPv4Cidr('172.20.0.0/16', '172.20.0.0/16')).to.equal(true);
    expect(sameIPv4Cidr('172.20.5.0/16', '172.20.0.0/16')).to.equal(true);
    expect(sameIPv4Cidr('172.20.0.0/24', '172.20.0.0/16')).to.equal(false);
    expect(sameIPv4Cidr('172.21.0.0/16', '172.20.0.0/16')).to.equal(false);
    expect(sameIPv4Cidr(undefined, '172.20.0.0/16')).to.equal(false);
    expect(sameIPv4Cidr('', '172.20.0.0/16')).to.equal(false);
    expect(sameIPv4Cidr('fd00::/64', '172.20.0.0/16')).to.equal(false);
  });

  it('ipv4CidrsOverlap: equal blocks, supernets and subnets overlap; neighbours do not', () => {
    expect(ipv4CidrsOverlap('172.20.0.0/16', '172.20.0.0/16')).to.equal(true);
    expect(ipv4CidrsOverlap('172.16.0.0/12', '172.20.0.0/16')).to.equal(true);
    expect(ipv4CidrsOverlap('172.20.240.0/24', '172.20.0.0/16')).to.equal(true);
    expect(ipv4CidrsOverlap('172.21.0.0/16', '172.20.0.0/16')).to.equal(false);
    expect(ipv4CidrsOverlap('172.19.0.0/16', '172.20.0.0/16')).to.equal(false);
  });

  it('ipv4Configs leaves out IPv6 pools', () => {
    expect(ipv4Configs(network('dual', '172.20.0.0/16', 'fd00:1::/64')).map((c) => c.Subnet)).to.deep.equal([
      '172.20.0.0/16',
    ]);
    expect(ipv4Configs({ Name: 'none' } as NetworkDetails)).to.deep.equal([]);
  });

  it('networksOverlapping names every other network whose pool would make the engine refuse the subnet', () => {
    const networks = [
      network('custom-network', '172.20.0.0/16'),
      network('bridge', '172.17.0.0/16'),
      network('lab-old', '172.20.0.0/16'),
      network('wide', '10.0.0.0/8', '172.16.0.0/12'),
      network('v6', 'fd00:1::/64'),
    ];
    expect(networksOverlapping(networks, '172.20.0.0/16', 'custom-network')).to.deep.equal([
      { name: 'lab-old', subnet: '172.20.0.0/16' },
      { name: 'wide', subnet: '172.16.0.0/12' },
    ]);
    expect(networksOverlapping(networks, '192.168.0.0/16', 'custom-network')).to.deep.equal([]);
  });
});
