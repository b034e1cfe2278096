import { expect } from 'chai';
import { describeVerdict, evaluate, type Packet, type Verdict } from '../../../src/net/firewall.js';
import { parseRuleset, type Rule } from '../../../src/net/iptables.js';

// A new connection from the internet to a published container port, after DNAT.
const fromOutside = (overrides: Partial<Packet>): Packet => ({
  proto: 'tcp',
  dport: 80,
  sport: 51000,
  ctstate: 'NEW',
  inIface: 'eth0',
  outIface: 'docker0',
  src: '203.0.113.7',
  dst: '172.17.0.2',
  ...overrides,
});
const noPorts = { dport: undefined, sport: undefined };

const packets = {
  'tcp/80': fromOutside({}),
  'tcp/443': fromOutside({ dport: 443 }),
  'tcp/22': fromOutside({ dport: 22 }),
  'tcp/8080': fromOutside({ dport: 8080 }),
  'udp/80': fromOutside({ proto: 'udp', dport: 80 }),
  'udp/443': fromOutside({ proto: 'udp', dport: 443 }),
  'udp/53': fromOutside({ proto: 'udp', dport: 53 }),
  ping: fromOutside({ proto: 'icmp', ...noPorts, icmpType: 8 }),
  'icmp unreachable': fromOutside({ proto: 'icmp', ...noPorts, icmpType: 3 }),
  'icmp without type': fromOutside({ proto: 'icmp', ...noPorts }),
  // a reply to a connection a container opened to an HTTPS server outside
  'established reply': fromOutside({ ctstate: 'ESTABLISHED', sport: 443, dport: 51000 }),
  'related icmp': fromOutside({ proto: 'icmp', ...noPorts, icmpType: 3, ctstate: 'RELATED' }),
  'invalid tcp/80': fromOutside({ ctstate: 'INVALID' }),
  'tcp without port': fromOutside({ dport: undefined }),
  'tcp/80 on wlan0': fromOutside({ inIface: 'wlan0' }),
  'tcp/22 on wlan0': fromOutside({ dport: 22, inIface: 'wlan0' }),
  'udp/53 on wlan0': fromOutside({ proto: 'udp', dport: 53, inIface: 'wlan0' }),
  'tcp/80 eth1 to br-': fromOutside({ inIface: 'eth1', outIface: 'br-5f1e2d3c4b5a' }),
  'tcp/80 on enp3s0': fromOutside({ inIface: 'enp3s0' }),
  'container to container': fromOutside({ inIface: 'docker0', src: '172.17.0.3' }),
  'tcp/80 from 198.51.100.9': fromOutside({ src: '198.51.100.9' }),
  'tcp/80 to 172.17.0.3': fromOutside({ dst: '172.17.0.3' }),
  'tcp/80 to 172.18.0.2': fromOutside({ dst: '172.18.0.2', outIface: 'br-5f1e2d3c4b5a' }),
} satisfies Record<string, Packet>;
type PacketName = keyof typeof packets;

// `drop DOCKER-USER#1`, `return end of DOCKER-USER`, `accept WEB#1 via DOCKER-USER#2`
const ruleRef = (rule: Rule) => `${rule.chain}#${rule.index}`;
function summarize(verdict: Verdict): string {
  const at = verdict.rule ? ruleRef(verdict.rule) : `end of ${verdict.kind === 'return' ? verdict.chain : '?'}`;
  const via = verdict.path.length > 0 ? ` via ${verdict.path.map(ruleRef).join(', ')}` : '';
  return `${verdict.kind} ${at}${via}`;
}

interface Scenario {
  rules: string[];
  start?: string;
  expect: Array<[PacketName, string]>;
}

const scenarios: Record<string, Scenario> = {
  "the course text's three -I commands as typed: DROP ends up first": {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -j DROP',
      '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT',
      '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER -j RETURN',
    ],
    expect: [
      ['tcp/80', 'drop DOCKER-USER#1'],
      ['tcp/443', 'drop DOCKER-USER#1'],
      ['udp/53', 'drop DOCKER-USER#1'],
      ['established reply', 'drop DOCKER-USER#1'],
    ],
  },
  'a correct ACCEPT-based set': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT',
      '-A DOCKER-USER -j DROP',
    ],
    expect: [
      ['tcp/80', 'accept DOCKER-USER#2'],
      ['tcp/443', 'accept DOCKER-USER#3'],
      ['tcp/22', 'drop DOCKER-USER#4'],
      ['udp/80', 'drop DOCKER-USER#4'],
      ['udp/443', 'drop DOCKER-USER#4'],
      ['ping', 'drop DOCKER-USER#4'],
      ['established reply', 'accept DOCKER-USER#1'],
      ['related icmp', 'accept DOCKER-USER#1'],
      ['invalid tcp/80', 'accept DOCKER-USER#2'],
    ],
  },
  'a RETURN-based set ending in REJECT': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-A DOCKER-USER -p tcp -m tcp --dport 80 -j RETURN',
      '-A DOCKER-USER -p tcp -m tcp --dport 443 -j RETURN',
      '-A DOCKER-USER -j REJECT --reject-with icmp-port-unreachable',
    ],
    expect: [
      ['tcp/80', 'return DOCKER-USER#2'],
      ['tcp/443', 'return DOCKER-USER#3'],
      ['tcp/22', 'reject DOCKER-USER#4'],
      ['udp/443', 'reject DOCKER-USER#4'],
      ['ping', 'reject DOCKER-USER#4'],
      ['established reply', 'return DOCKER-USER#1'],
    ],
  },
  'multiport --dports 80,443 with -m state': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -m state --state RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-USER -p tcp -m multiport --dports 80,443 -j ACCEPT',
      '-A DOCKER-USER -j DROP',
    ],
    expect: [
      ['tcp/80', 'accept DOCKER-USER#2'],
      ['tcp/443', 'accept DOCKER-USER#2'],
      ['tcp/8080', 'drop DOCKER-USER#3'],
      ['udp/443', 'drop DOCKER-USER#3'],
      ['established reply', 'accept DOCKER-USER#1'],
      ['related icmp', 'accept DOCKER-USER#1'],
    ],
  },
  'multiport port ranges and --ports': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -p tcp -m multiport --dports 20:25,8000:8080 -j DROP',
      '-A DOCKER-USER -p tcp -m multiport --ports 443 -j ACCEPT',
    ],
    expect: [
      ['tcp/22', 'drop DOCKER-USER#1'],
      ['tcp/8080', 'drop DOCKER-USER#1'],
      ['tcp/443', 'accept DOCKER-USER#2'],
      ['established reply', 'accept DOCKER-USER#2'],
      ['tcp/80', 'return end of DOCKER-USER'],
    ],
  },
  "limited to the external interface -i eth0, before Docker's RETURN": {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT',
      '-A DOCKER-USER -i eth0 -j DROP',
      '-A DOCKER-USER -j RETURN',
    ],
    expect: [
      ['tcp/80', 'accept DOCKER-USER#2'],
      ['tcp/22', 'drop DOCKER-USER#4'],
      ['udp/53', 'drop DOCKER-USER#4'],
      ['established reply', 'accept DOCKER-USER#1'],
      ['tcp/22 on wlan0', 'return DOCKER-USER#5'],
      ['container to container', 'return DOCKER-USER#5'],
    ],
  },
  'negations: ! -i, ! -p, multiport ! --dports': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER ! -i eth0 -j RETURN',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-USER ! -p tcp -j DROP',
      '-A DOCKER-USER -p tcp -m multiport ! --dports 80,443 -j DROP',
      '-A DOCKER-USER -j ACCEPT',
    ],
    expect: [
      ['udp/53 on wlan0', 'return DOCKER-USER#1'],
      ['udp/53', 'drop DOCKER-USER#3'],
      ['ping', 'drop DOCKER-USER#3'],
      ['related icmp', 'accept DOCKER-USER#2'],
      ['tcp/22', 'drop DOCKER-USER#4'],
      ['tcp/443', 'accept DOCKER-USER#5'],
      ['established reply', 'accept DOCKER-USER#2'],
    ],
  },
  'negated state and port: ! --ctstate NEW, ! --dport': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack ! --ctstate NEW -j ACCEPT',
      '-A DOCKER-USER -p tcp -m tcp ! --dport 80 -j DROP',
      '-A DOCKER-USER -p udp -m udp ! --dport 53 -j DROP',
    ],
    expect: [
      ['established reply', 'accept DOCKER-USER#1'],
      ['invalid tcp/80', 'accept DOCKER-USER#1'],
      ['tcp/80', 'return end of DOCKER-USER'],
      ['tcp/443', 'drop DOCKER-USER#2'],
      ['udp/53', 'return end of DOCKER-USER'],
      ['udp/80', 'drop DOCKER-USER#3'],
      // port matches never match ICMP, negated or not
      ['ping', 'return end of DOCKER-USER'],
    ],
  },
  'interface wildcards eth+ and docker+': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -i eth+ -o docker+ -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER -i eth+ -j DROP',
    ],
    expect: [
      ['tcp/80', 'accept DOCKER-USER#1'],
      ['tcp/80 eth1 to br-', 'drop DOCKER-USER#2'],
      ['tcp/80 on enp3s0', 'return end of DOCKER-USER'],
    ],
  },
  'addresses: CIDR containment, negation, an IPv6 network': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -s 2001:db8::/32 -j DROP',
      '-A DOCKER-USER -s 198.51.100.0/24 -j REJECT --reject-with icmp-host-prohibited',
      '-A DOCKER-USER -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER ! -d 172.17.0.0/16 -j DROP',
      '-A DOCKER-USER -j RETURN',
    ],
    expect: [
      ['tcp/80', 'accept DOCKER-USER#3'],
      ['tcp/80 from 198.51.100.9', 'reject DOCKER-USER#2'],
      ['tcp/80 to 172.17.0.3', 'return DOCKER-USER#5'],
      ['tcp/80 to 172.18.0.2', 'drop DOCKER-USER#4'],
    ],
  },
  'ICMP types': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -p icmp -m icmp --icmp-type 8 -j ACCEPT',
      '-A DOCKER-USER -p icmp -m icmp ! --icmp-type 3 -j DROP',
      '-A DOCKER-USER -p icmp -m icmp --icmp-type any -j REJECT --reject-with icmp-port-unreachable',
    ],
    expect: [
      ['ping', 'accept DOCKER-USER#1'],
      ['icmp unreachable', 'reject DOCKER-USER#3'],
      ['icmp without type', 'undecidable DOCKER-USER#1'],
      ['tcp/80', 'return end of DOCKER-USER'],
    ],
  },
  '-p all matches every protocol': {
    rules: ['-N DOCKER-USER', '-A DOCKER-USER -p all -j DROP'],
    expect: [
      ['tcp/80', 'drop DOCKER-USER#1'],
      ['udp/53', 'drop DOCKER-USER#1'],
      ['ping', 'drop DOCKER-USER#1'],
    ],
  },
  'a user chain reached with -j, which RETURNs': {
    rules: [
      '-N DOCKER-USER',
      '-N WEB',
      '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-USER -p tcp -j WEB',
      '-A DOCKER-USER -j DROP',
      '-A WEB -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A WEB -p tcp -m tcp --dport 443 -j ACCEPT',
      '-A WEB -j RETURN',
    ],
    expect: [
      ['tcp/80', 'accept WEB#1 via DOCKER-USER#2'],
      ['tcp/443', 'accept WEB#2 via DOCKER-USER#2'],
      ['tcp/22', 'drop DOCKER-USER#3'],
      ['udp/80', 'drop DOCKER-USER#3'],
      ['established reply', 'accept DOCKER-USER#1'],
    ],
  },
  'a user chain reached with -j, which ends without RETURN': {
    rules: [
      '-N DOCKER-USER',
      '-N BLOCKLIST',
      '-A DOCKER-USER -j BLOCKLIST',
      '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A BLOCKLIST -s 198.51.100.0/24 -j DROP',
    ],
    expect: [
      ['tcp/80 from 198.51.100.9', 'drop BLOCKLIST#1 via DOCKER-USER#1'],
      ['tcp/80', 'accept DOCKER-USER#2'],
      ['tcp/22', 'return end of DOCKER-USER'],
    ],
  },
  'a user chain reached with -g returns on behalf of DOCKER-USER': {
    rules: [
      '-N DOCKER-USER',
      '-N FROM-OUTSIDE',
      '-A DOCKER-USER -i eth0 -g FROM-OUTSIDE',
      '-A DOCKER-USER -j DROP',
      '-A FROM-OUTSIDE -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-A FROM-OUTSIDE -p tcp -m multiport --dports 80,443 -j RETURN',
      '-A FROM-OUTSIDE -p udp -j REJECT --reject-with icmp-port-unreachable',
    ],
    expect: [
      ['tcp/80', 'return FROM-OUTSIDE#2 via DOCKER-USER#1'],
      ['tcp/22', 'return end of FROM-OUTSIDE via DOCKER-USER#1'],
      ['udp/53', 'reject FROM-OUTSIDE#3 via DOCKER-USER#1'],
      ['tcp/80 on wlan0', 'drop DOCKER-USER#2'],
    ],
  },
  'a -g inside a -j chain returns to the chain that jumped': {
    rules: [
      '-N DOCKER-USER',
      '-N FILTERS',
      '-N TCP-FILTERS',
      '-A DOCKER-USER -j FILTERS',
      '-A DOCKER-USER -j DROP',
      '-A FILTERS -p tcp -g TCP-FILTERS',
      '-A FILTERS -j ACCEPT',
      '-A TCP-FILTERS -p tcp -m tcp --dport 80 -j ACCEPT',
    ],
    expect: [
      ['tcp/80', 'accept TCP-FILTERS#1 via DOCKER-USER#1, FILTERS#1'],
      ['tcp/22', 'drop DOCKER-USER#2'],
      ['udp/53', 'accept FILTERS#2 via DOCKER-USER#1'],
    ],
  },
  'rules behind an unconditional RETURN are never reached': {
    rules: ['-N DOCKER-USER', '-A DOCKER-USER -j RETURN', '-A DOCKER-USER -j DROP'],
    expect: [
      ['tcp/22', 'return DOCKER-USER#1'],
      ['udp/53', 'return DOCKER-USER#1'],
    ],
  },
  'rules behind an unconditional ACCEPT are never reached': {
    rules: ['-N DOCKER-USER', '-A DOCKER-USER -j ACCEPT', '-A DOCKER-USER -p tcp -m tcp --dport 22 -j DROP'],
    expect: [['tcp/22', 'accept DOCKER-USER#1']],
  },
  'LOG and target-less rules do not end the walk': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -s 203.0.113.0/24',
      '-A DOCKER-USER -p tcp -m tcp --dport 22 -j LOG --log-prefix "ssh blocked: "',
      '-A DOCKER-USER -p tcp -m tcp --dport 22 -j DROP',
    ],
    expect: [
      ['tcp/22', 'drop DOCKER-USER#3'],
      ['tcp/80', 'return end of DOCKER-USER'],
    ],
  },
  'unknown matches: undecidable where reached, skipped where other matches fail': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 60 --name SSH -j DROP',
      '-A DOCKER-USER -p udp -m addrtype --dst-type LOCAL -j DROP',
      '-A DOCKER-USER -m addrtype --dst-type LOCAL -j LOG --log-prefix "local: "',
      '-A DOCKER-USER -j RETURN',
    ],
    expect: [
      ['tcp/22', 'undecidable DOCKER-USER#1'],
      ['tcp/80', 'return DOCKER-USER#4'],
      ['udp/53', 'undecidable DOCKER-USER#2'],
      ['ping', 'return DOCKER-USER#4'],
    ],
  },
  "conntrack DNAT state: decided only when the packet's state is listed": {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -m conntrack --ctstate ESTABLISHED,DNAT -j ACCEPT',
      '-A DOCKER-USER -j DROP',
    ],
    expect: [
      ['established reply', 'accept DOCKER-USER#1'],
      ['tcp/80', 'undecidable DOCKER-USER#1'],
    ],
  },
  'a packet without the port a rule asks about': {
    rules: ['-N DOCKER-USER', '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -p udp -j DROP'],
    expect: [['tcp without port', 'undecidable DOCKER-USER#1']],
  },
  'unknown targets': {
    rules: [
      '-N DOCKER-USER',
      '-A DOCKER-USER -p tcp -j MARK --set-xmark 0x1/0xffffffff',
      '-A DOCKER-USER -p udp -j TRACE',
      '-A DOCKER-USER -j DROP',
    ],
    expect: [
      ['tcp/80', 'undecidable DOCKER-USER#1'],
      ['udp/53', 'undecidable DOCKER-USER#2'],
      ['ping', 'drop DOCKER-USER#3'],
    ],
  },
  'a jump to a chain missing from `iptables -S DOCKER-USER`': {
    rules: ['-N DOCKER-USER', '-A DOCKER-USER -p tcp -j WEB', '-A DOCKER-USER -j DROP'],
    expect: [
      ['tcp/80', 'undecidable DOCKER-USER#1'],
      ['udp/53', 'drop DOCKER-USER#2'],
    ],
  },
  'jump loops': {
    rules: [
      '-N DOCKER-USER',
      '-N A',
      '-N B',
      '-A DOCKER-USER -p tcp -j A',
      '-A DOCKER-USER -p udp -j DOCKER-USER',
      '-A A -j B',
      '-A B -g A',
    ],
    expect: [
      ['tcp/80', 'undecidable B#1 via DOCKER-USER#1, A#1'],
      ['udp/53', 'undecidable DOCKER-USER#2'],
      ['ping', 'return end of DOCKER-USER'],
    ],
  },
};

describe('net/firewall evaluate', () => {
  for (const [title, scenario] of Object.entries(scenarios)) {
    describe(title, () => {
      const ruleset = parseRuleset(scenario.rules.join('\n'));
      for (const [packetName, expected] of scenario.expect) {
        it(`${packetName} → ${expected}`, () => {
          expect(summarize(evaluate(ruleset, scenario.start ?? 'DOCKER-USER', packets[packetName]))).to.equal(expected);
        });
      }
    });
  }

  describe('on a whole iptables-save filter table from a Docker host', () => {
    const ruleset = parseRuleset(
      [
        '# Generated by iptables-save v1.8.7 on Mon Nov 24 10:00:00 2025',
        '*filter',
        ':INPUT ACCEPT [0:0]',
        ':FORWARD DROP [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
        ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -o docker0 -j DOCKER',
        '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
        '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
        '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
        '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A DOCKER-USER -i eth0 -p tcp -m multiport --dports 80,443 -j ACCEPT',
        '-A DOCKER-USER -i eth0 -j DROP',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
        '# Completed on Mon Nov 24 10:00:00 2025',
      ].join('\n'),
    );
    const cases: Array<[string, PacketName, string]> = [
      ['DOCKER-USER', 'tcp/80', 'accept DOCKER-USER#2'],
      ['DOCKER-USER', 'tcp/22', 'drop DOCKER-USER#3'],
      ['DOCKER-USER', 'tcp/80 on wlan0', 'return DOCKER-USER#4'],
      ['FORWARD', 'tcp/22', 'drop DOCKER-USER#3 via FORWARD#1'],
      ['FORWARD', 'tcp/80 on wlan0', 'accept DOCKER#1 via FORWARD#4'],
      ['FORWARD', 'tcp/22 on wlan0', 'return end of FORWARD'],
    ];
    for (const [start, packetName, expected] of cases) {
      it(`from ${start}: ${packetName} → ${expected}`, () => {
        expect(summarize(evaluate(ruleset, start, packets[packetName]))).to.equal(expected);
      });
    }
  });

  it('throws when the start chain is not in the rule set', () => {
    expect(() => evaluate(parseRuleset('-N DOCKER\n'), 'DOCKER-USER', packets['tcp/80'])).to.throw(/DOCKER-USER/);
  });
});

describe('net/firewall describeVerdict', () => {
  const cases: Array<[string[], PacketName, string]> = [
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j DROP', '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT'],
      'tcp/80',
      'dropped by rule 1: -A DOCKER-USER -j DROP',
    ],
    [
      [
        '-N DOCKER-USER',
        '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT',
        '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
      ],
      'tcp/80',
      'accepted by rule 2: -A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j REJECT --reject-with icmp-port-unreachable'],
      'udp/53',
      'rejected by rule 1: -A DOCKER-USER -j REJECT --reject-with icmp-port-unreachable',
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -p udp -j DROP'],
      'tcp/80',
      "returned to Docker's processing at the end of DOCKER-USER",
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j RETURN'],
      'tcp/80',
      "returned to Docker's processing by rule 1: -A DOCKER-USER -j RETURN",
    ],
    [
      ['-N DOCKER-USER', '-N WEB', '-A DOCKER-USER -p tcp -j WEB', '-A WEB -p tcp -m tcp --dport 80 -j ACCEPT'],
      'tcp/80',
      'accepted by rule 1: -A WEB -p tcp -m tcp --dport 80 -j ACCEPT (reached via rule 1: -A DOCKER-USER -p tcp -j WEB)',
    ],
    [
      ['-N DOCKER-USER', '-N FROM-OUTSIDE', '-A DOCKER-USER -i eth0 -g FROM-OUTSIDE', '-A DOCKER-USER -j DROP'],
      'tcp/80',
      "returned to Docker's processing at the end of FROM-OUTSIDE (reached via rule 1: -A DOCKER-USER -i eth0 -g FROM-OUTSIDE)",
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -p tcp -m tcp --dport 80 -m recent --rcheck --name WEB -j DROP'],
      'tcp/80',
      'undecidable at rule 1: -A DOCKER-USER -p tcp -m tcp --dport 80 -m recent --rcheck --name WEB -j DROP: ' +
        'cannot interpret the match `-m recent --rcheck --name WEB`',
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j NFLOG --nflog-group 5'],
      'tcp/80',
      'undecidable at rule 1: -A DOCKER-USER -j NFLOG --nflog-group 5: target NFLOG is not understood',
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j WEB'],
      'tcp/80',
      'undecidable at rule 1: -A DOCKER-USER -j WEB: chain WEB is not in the rule set',
    ],
    [
      ['-N DOCKER-USER', '-A DOCKER-USER -j DOCKER-USER'],
      'tcp/80',
      'undecidable at rule 1: -A DOCKER-USER -j DOCKER-USER: jump loop: chain DOCKER-USER is already being evaluated',
    ],
  ];
  for (const [rules, packetName, expected] of cases) {
    it(expected, () => {
      expect(describeVerdict(evaluate(parseRuleset(rules.join('\n')), 'DOCKER-USER', packets[packetName]))).to.equal(
        expected,
      );
    });
  }
  // A chain the second reading disputes decides nothing, whether it is the start or jumped to.
  const disputed: Array<[string, PacketName, string]> = [
    ['DOCKER-USER', 'udp/53', 'undecidable: the rules of DOCKER-USER are in doubt: COUNT'],
    [
      'WEB',
      'tcp/80',
      'undecidable (reached via rule 1: -A DOCKER-USER -p tcp -j WEB): the rules of WEB are in doubt: COUNT',
    ],
    ['WEB', 'udp/53', 'dropped by rule 2: -A DOCKER-USER -j DROP'],
  ];
  for (const [chain, packetName, expected] of disputed) {
    it(`${chain} disputed, ${packetName}: ${expected}`, () => {
      const ruleset = parseRuleset(
        ['-N DOCKER-USER', '-N WEB', '-A DOCKER-USER -p tcp -j WEB', '-A DOCKER-USER -j DROP', '-A WEB -j ACCEPT'].join(
          '\n',
        ),
      );
      ruleset.chains.get(chain)!.disputed = 'COUNT';
      expect(describeVerdict(evaluate(ruleset, 'DOCKER-USER', packets[packetName]))).to.equal(expected);
    });
  }
});
