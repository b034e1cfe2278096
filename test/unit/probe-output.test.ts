import { expect } from 'chai';
import { parseInterfaces } from '../../src/docker/probe.js';

// `ip -o link show && ip -o -4 addr show` from busybox 1.35, in a container on two networks.
const OUTPUT = [
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '399: eth0@if400: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \\    link/ether 02:42:ac:14:00:0a brd ff:ff:ff:ff:ff:ff',
  '401: eth1@if402: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff',
  '5: tun0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue qlen 500\\    link/none ',
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '399: eth0    inet 172.20.0.10/16 brd 172.20.255.255 scope global eth0\\       valid_lft forever preferred_lft forever',
  '399: eth0    inet 172.20.9.9/24 scope global eth0\\       valid_lft forever preferred_lft forever',
  '5: tun0    inet 10.8.0.1/24 scope global tun0\\       valid_lft forever preferred_lft forever',
  '',
].join('\n');

describe('parseInterfaces', () => {
  it('joins links and their IPv4 addresses by interface index', () => {
    expect(parseInterfaces(OUTPUT)).to.deep.equal([
      { name: 'lo', mac: '00:00:00:00:00:00', ipv4: ['127.0.0.1/8'] },
      { name: 'eth0', mac: '02:42:ac:14:00:0a', ipv4: ['172.20.0.10/16', '172.20.9.9/24'] },
      { name: 'eth1', mac: '02:42:ac:11:00:02', ipv4: [] },
      { name: 'tun0', mac: '', ipv4: ['10.8.0.1/24'] },
    ]);
  });

  it('finds nothing in empty output', () => {
    expect(parseInterfaces('')).to.deep.equal([]);
  });
});
