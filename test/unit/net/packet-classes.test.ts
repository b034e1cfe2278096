import { expect } from 'chai';
import { evaluate } from '../../../src/net/firewall.js';
import { parseRuleset } from '../../../src/net/iptables.js';
import { packetClasses, type Scope } from '../../../src/net/packet-classes.js';

const chain = (...rules: string[]) => parseRuleset(['-N DOCKER-USER', '-N WEB', ...rules].join('\n'));
const SCOPE: Scope = {
  proto: 'tcp',
  ctstate: 'NEW',
  inIface: 'eth0',
  destinations: [{ iface: 'docker0', subnets: ['172.17.0.0/16'] }],
};
const labels = (rules: string[], scope: Partial<Scope> = {}) =>
  packetClasses(chain(...rules), 'DOCKER-USER', { ...SCOPE, ...scope }).map((c) => c.label);

describe('net/packet-classes', () => {
  // Each row: the rules, the scope, and every class they make, in order.
  const cases: Array<[string, string[], Partial<Scope>, string[]]> = [
    ['no rule: one class', ['-A DOCKER-USER -j RETURN'], {}, ['new tcp']],
    [
      'a port: the port and both sides',
      ['-A DOCKER-USER -p tcp --dport 22 -j DROP'],
      {},
      ['new tcp/1-21', 'new tcp/22', 'new tcp/23-65535'],
    ],
    [
      'a range: both ends, each side',
      ['-A DOCKER-USER -p tcp --dport 80:443 -j ACCEPT'],
      {},
      ['new tcp/1-79', 'new tcp/80-443', 'new tcp/444-65535'],
    ],
    [
      'multiport lists, negated',
      ['-A DOCKER-USER -p tcp -m multiport ! --dports 1,65535 -j DROP'],
      {},
      ['new tcp/1', 'new tcp/2-65534', 'new tcp/65535'],
    ],
    [
      'multiport --ports cuts both ports',
      ['-A DOCKER-USER -p tcp -m multiport --ports 53 -j DROP'],
      {},
      [
        'new tcp/1-52 from port 1-52',
        'new tcp/1-52 from port 53',
        'new tcp/1-52 from port 54-65535',
        'new tcp/53 from port 1-52',
        'new tcp/53 from port 53',
        'new tcp/53 from port 54-65535',
        'new tcp/54-65535 from port 1-52',
        'new tcp/54-65535 from port 53',
        'new tcp/54-65535 from port 54-65535',
      ],
    ],
    [
      'a port in a chain jumped to',
      ['-A DOCKER-USER -j WEB', '-A WEB -p tcp --dport 8080 -j ACCEPT'],
      {},
      ['new tcp/1-8079', 'new tcp/8080', 'new tcp/8081-65535'],
    ],
    [
      'excepted ports are left out',
      ['-A DOCKER-USER -j DROP'],
      { exceptPorts: [80, 443] },
      ['new tcp/1-79', 'new tcp/81-442', 'new tcp/444-65535'],
    ],
    [
      'a port range in scope',
      ['-A DOCKER-USER -p tcp --dport 1:100 -j DROP'],
      { dports: { from: 80, to: 80 } },
      ['new tcp/80'],
    ],
    [
      'a source prefix',
      ['-A DOCKER-USER -s 192.168.0.0/16 -j DROP'],
      {},
      [
        'new tcp from 0.0.0.0-192.167.255.255',
        'new tcp from 192.168.0.0-192.168.255.255',
        'new tcp from 192.169.0.0-255.255.255.255',
      ],
    ],
    ['a destination outside every bridge changes nothing', ['-A DOCKER-USER -d 10.0.0.0/8 -j DROP'], {}, ['new tcp']],
    [
      'every bridge',
      ['-A DOCKER-USER -o docker0 -j DROP'],
      {
        destinations: [
          { iface: 'docker0', subnets: ['172.17.0.0/16'] },
          { iface: 'br-0123456789ab', subnets: ['172.18.0.0/16', '172.19.0.0/24'] },
        ],
      },
      [
        'new tcp to docker0 (172.17.0.0/16)',
        'new tcp to br-0123456789ab (172.18.0.0/16)',
        'new tcp to br-0123456789ab (172.19.0.0/24)',
      ],
    ],
    [
      'icmp: one class per type in scope',
      ['-A DOCKER-USER -p icmp --icmp-type 8 -j DROP'],
      { proto: 'icmp', icmpTypes: [8, 13] },
      ['new icmp echo-request', 'new icmp timestamp-request'],
    ],
  ];
  for (const [name, rules, scope, expected] of cases) {
    it(name, () => expect(labels(rules, scope)).to.deep.equal(expected));
  }

  it('judges a range by one packet that stands for every port of it', () => {
    const rules = chain('-A DOCKER-USER -p tcp --dport 80:443 -j ACCEPT', '-A DOCKER-USER -j DROP');
    const fates = packetClasses(rules, 'DOCKER-USER', SCOPE).map(
      (c) => `${c.label}: ${evaluate(rules, 'DOCKER-USER', c.packet).kind}`,
    );
    expect(fates).to.deep.equal(['new tcp/1-79: drop', 'new tcp/80-443: accept', 'new tcp/444-65535: drop']);
  });
});
