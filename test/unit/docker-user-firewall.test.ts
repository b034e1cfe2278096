import { expect } from 'chai';
import * as grader from '../../graders/docker-user-firewall.js';
import { dockerUserFirewall, fateOf, misplacedRules, packetClassesOf } from '../../graders/docker-user-firewall.js';
import { inLang, type Lang, type Outcome } from '../../src/engine/grader.js';
import type { GradingContext } from '../../src/engine/context.js';
import type { Bridge, FirewallState } from '../../src/net/firewall-state.js';
import { evaluate } from '../../src/net/firewall.js';
import { parseRuleset, type Ruleset } from '../../src/net/iptables.js';

/** An outcome as a student reading `lang` sees it. */
function inOne(outcome: Outcome, lang: Lang = 'en'): Outcome {
  const text = (x: Outcome['hint']) => (x === undefined ? undefined : inLang(x, lang));
  return {
    ...outcome,
    message: text(outcome.message)!,
    expected: text(outcome.expected),
    actual: text(outcome.actual),
    hint: text(outcome.hint),
  };
}
const judgePolicy = (...args: Parameters<typeof grader.judgePolicy>) => inOne(grader.judgePolicy(...args));
const judgeEffect = (ruleset: Ruleset, iface = IFACE) =>
  inOne(grader.judgeEffect(ruleset, classesOf(ruleset, [], iface), iface));

const IFACE = 'ens3';
const DOCKER0: Bridge = { name: 'docker0', subnets: ['172.17.0.0/16'] };
const USER_BRIDGE: Bridge = { name: 'br-0123456789ab', subnets: ['172.18.0.0/16'] };
const ruleset = (...rules: string[]) => parseRuleset(['-N DOCKER-USER', ...rules].join('\n'));
const classesOf = (rules: Ruleset, bridges: Bridge[] = [DOCKER0], externalInterface = IFACE) =>
  packetClassesOf({ ruleset: rules, externalInterface, bridges });

// What Docker leaves: a chain that lets everything through.
const DOCKER_DEFAULT = '-A DOCKER-USER -j RETURN';
const CORRECT = [
  '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
  '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT',
  '-A DOCKER-USER -j DROP',
  DOCKER_DEFAULT,
];
// The course text's three `iptables -I` commands, as the chain holds them afterwards.
const COURSE_TEXT = [
  '-A DOCKER-USER -j DROP',
  '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT',
  '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
  DOCKER_DEFAULT,
];
const WORDS = 'WHAT';

describe('docker-user-firewall grader', () => {
  describe('packet classes', () => {
    it('all come from outside, enter on the external interface and leave on a Docker bridge', () => {
      const all = Object.values(classesOf(ruleset(...CORRECT), [DOCKER0, USER_BRIDGE])).flat();
      for (const { packet } of all) {
        expect(packet).to.include({ inIface: IFACE, src: '203.0.113.7' });
        expect(packet.outIface).to.be.oneOf(['docker0', USER_BRIDGE.name]);
      }
      expect(new Set(all.map((s) => s.label)).size).to.equal(all.length);
    });

    it('split each dimension where the rules do, and nowhere else', () => {
      const labels = (list: { label: unknown }[]) => list.map((c) => c.label);
      const p = classesOf(ruleset(...CORRECT));
      expect(labels(p.http)).to.deep.equal(['new tcp/80']);
      expect(labels(p.https)).to.deep.equal(['new tcp/443']);
      expect(labels(p.otherTcp)).to.deep.equal(['new tcp/1-79', 'new tcp/81-442', 'new tcp/444-65535']);
      expect(labels(p.udp)).to.deep.equal([
        'new udp/1-79',
        'new udp/80',
        'new udp/81-442',
        'new udp/443',
        'new udp/444-65535',
      ]);
      expect(labels(p.icmp)).to.deep.equal([
        'new icmp echo-request',
        'new icmp timestamp-request',
        'new icmp info-request',
        'new icmp address-mask-request',
      ]);
      expect(labels(p.replies)).to.include.members([
        'ESTABLISHED tcp/81-442',
        'ESTABLISHED icmp echo-reply',
        'RELATED icmp destination-unreachable',
      ]);

      const ranged = classesOf(
        ruleset('-A DOCKER-USER -s 10.0.0.0/8 -p tcp --sport 1024:65535 -j DROP', DOCKER_DEFAULT),
        [DOCKER0, USER_BRIDGE],
      );
      expect(labels(ranged.http)).to.deep.equal([
        'new tcp/80 from port 1-1023 from 0.0.0.0-9.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1-1023 from 0.0.0.0-9.255.255.255 to br-0123456789ab (172.18.0.0/16)',
        'new tcp/80 from port 1-1023 from 10.0.0.0-10.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1-1023 from 10.0.0.0-10.255.255.255 to br-0123456789ab (172.18.0.0/16)',
        'new tcp/80 from port 1-1023 from 11.0.0.0-255.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1-1023 from 11.0.0.0-255.255.255.255 to br-0123456789ab (172.18.0.0/16)',
        'new tcp/80 from port 1024-65535 from 0.0.0.0-9.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1024-65535 from 0.0.0.0-9.255.255.255 to br-0123456789ab (172.18.0.0/16)',
        'new tcp/80 from port 1024-65535 from 10.0.0.0-10.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1024-65535 from 10.0.0.0-10.255.255.255 to br-0123456789ab (172.18.0.0/16)',
        'new tcp/80 from port 1024-65535 from 11.0.0.0-255.255.255.255 to docker0 (172.17.0.0/16)',
        'new tcp/80 from port 1024-65535 from 11.0.0.0-255.255.255.255 to br-0123456789ab (172.18.0.0/16)',
      ]);
      expect(ranged.http.map((c) => `${c.packet.sport} ${c.packet.src} ${c.packet.dst}`).slice(0, 3)).to.deep.equal([
        '1 0.0.0.0 172.17.0.2',
        '1 0.0.0.0 172.18.0.2',
        '1 10.0.0.0 172.17.0.2',
      ]);
    });

    it('cut a destination subnet where a rule names part of it', () => {
      const p = classesOf(ruleset('-A DOCKER-USER -d 172.17.0.128/25 -j DROP', DOCKER_DEFAULT));
      expect(p.http.map((c) => [c.label, c.packet.dst])).to.deep.equal([
        ['new tcp/80 to docker0 (172.17.0.0-172.17.0.127)', '172.17.0.2'],
        ['new tcp/80 to docker0 (172.17.0.128-172.17.0.255)', '172.17.0.128'],
        ['new tcp/80 to docker0 (172.17.1.0-172.17.255.255)', '172.17.1.0'],
      ]);
    });

    it('are refused, as an error, when the rules tell too many apart', () => {
      const many = Array.from(
        { length: 400 },
        (_, i) => `-A DOCKER-USER -s 10.0.${i >> 8}.${i & 255}/32 -p tcp --sport ${i + 1} --dport ${i + 1000} -j DROP`,
      );
      expect(() => classesOf(ruleset(...many, DOCKER_DEFAULT))).to.throw(/more than the 100000 docknet judges/);
    });
  });

  describe('fateOf', () => {
    const rules = ruleset(
      '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER-USER -p tcp -m tcp --dport 443 -j RETURN',
      '-A DOCKER-USER -p tcp -m tcp --dport 22 -j DROP',
      '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset',
      '-A DOCKER-USER -p tcp -m tcp --dport 5432 -m recent --rcheck --name db -j DROP',
    );
    const fate = (dport: number) =>
      fateOf(evaluate(rules, 'DOCKER-USER', { ...classesOf(rules).http[0].packet, dport }));
    it('takes ACCEPT and RETURN (explicit or at the end of the chain) as allowed', () => {
      expect(fate(80)).to.equal('allowed');
      expect(fate(443)).to.equal('allowed');
      expect(fate(3306)).to.equal('allowed'); // falls off the end
    });
    it('takes DROP and REJECT as dropped', () => {
      expect(fate(22)).to.equal('dropped');
      expect(fate(8080)).to.equal('dropped');
    });
    it('keeps an uninterpretable rule undecidable', () => {
      expect(fate(5432)).to.equal('undecidable');
    });
  });

  describe('judgePolicy', () => {
    const advice = 'ADVICE.';
    const judge = (
      rules: Ruleset,
      pick: keyof ReturnType<typeof packetClassesOf>,
      wanted: 'allowed' | 'dropped',
      bridges?: Bridge[],
    ) => judgePolicy(rules, classesOf(rules, bridges)[pick], wanted, advice, WORDS);

    it('passes when every class meets the policy, naming the deciding rules', () => {
      const outcome = judge(ruleset(...CORRECT), 'otherTcp', 'dropped');
      expect(outcome).to.include({
        passed: true,
        message: 'WHAT, from outside to every Docker bridge (3 classes of packets): dropped or rejected',
      });
      expect(outcome.actual).to.contain('new tcp/1-79 is dropped by rule 4: -A DOCKER-USER -j DROP');
    });

    it("fails the course text's order on port 80, naming rule 1 and explaining -I", () => {
      const outcome = judge(ruleset(...COURSE_TEXT), 'http', 'allowed');
      expect(outcome.passed).to.equal(false);
      expect(outcome.message).to.equal('new tcp/80 is dropped by rule 1: -A DOCKER-USER -j DROP');
      expect(outcome.hint).to.match(/^ADVICE\. /);
      expect(outcome.hint).to.contain(
        '`-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT` would let it through, but `-A DOCKER-USER -j DROP` comes before it',
      );
      expect(outcome.hint).to.contain('`iptables -I` puts each rule on top');
    });

    it("explains -A when the wanted rule sits behind Docker's RETURN", () => {
      const outcome = judge(ruleset(DOCKER_DEFAULT, ...CORRECT.slice(0, -1)), 'udp', 'dropped');
      expect(outcome.message).to.equal(
        "new udp/1-79 is returned to Docker's processing by rule 1: -A DOCKER-USER -j RETURN",
      );
      expect(outcome.actual).to.contain('udp/80').and.contain('and 2 more classes of packets');
      expect(outcome.hint)
        .to.contain('`-A DOCKER-USER -j DROP` would stop it')
        .and.contain("`iptables -A` appends behind Docker's `-j RETURN`");
    });

    it('suggests reordering when a specific rule shadows the wanted one', () => {
      const outcome = judge(
        ruleset('-A DOCKER-USER -p tcp -j DROP', '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT', DOCKER_DEFAULT),
        'https',
        'allowed',
      );
      expect(outcome.hint).to.contain('Reorder them');
    });

    it("gives no order note when nothing further down would help, nor for Docker's own RETURN", () => {
      const outcome = judge(ruleset(...CORRECT.slice(1)), 'replies', 'allowed');
      expect(outcome.message).to.equal('ESTABLISHED tcp/1-79 is dropped by rule 3: -A DOCKER-USER -j DROP');
      expect(outcome.hint).to.equal(advice);
    });

    it('follows jumps into user chains', () => {
      const rules = parseRuleset(
        [
          '-N DOCKER-USER',
          '-N WEB',
          '-A DOCKER-USER -p tcp -j WEB',
          DOCKER_DEFAULT,
          '-A WEB -p tcp -m multiport --dports 80,443 -j ACCEPT',
          '-A WEB -j DROP',
        ].join('\n'),
      );
      expect(judge(rules, 'https', 'allowed').passed).to.equal(true);
      expect(judge(rules, 'otherTcp', 'dropped').passed).to.equal(true);
      expect(judge(rules, 'udp', 'dropped').message).to.equal(
        "new udp/1-79 is returned to Docker's processing by rule 2: -A DOCKER-USER -j RETURN",
      );
    });

    it('throws, naming the rule, when only an uninterpretable rule stands between the policy and a pass', () => {
      const rules = ruleset(
        '-A DOCKER-USER -p tcp -m tcp --dport 22 -m recent --rcheck --name ssh -j DROP',
        ...CORRECT,
      );
      expect(() => judge(rules, 'otherTcp', 'dropped')).to.throw(
        /^new tcp\/22 is undecidable at rule 1: .*-m recent.*: cannot interpret the match/,
      );
    });

    it('fails rather than throws when another class is decided wrong', () => {
      const rules = ruleset(
        '-A DOCKER-USER -p tcp -m tcp --dport 22 -m recent --rcheck --name ssh -j DROP',
        '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j ACCEPT',
        ...CORRECT,
      );
      const outcome = judge(rules, 'otherTcp', 'dropped');
      expect(outcome).to.include({
        passed: false,
        message: 'new tcp/8080 is accepted by rule 2: -A DOCKER-USER -p tcp -m tcp --dport 8080 -j ACCEPT',
      });
    });

    it('throws when a chain the packets reach is disputed by the second reading', () => {
      const rules = ruleset(...CORRECT);
      rules.chains.get('DOCKER-USER')!.disputed = 'rule 1 reads alone as 2 rules';
      expect(() => judge(rules, 'http', 'allowed')).to.throw(
        /undecidable: the rules of DOCKER-USER are in doubt: rule 1 reads alone as 2 rules/,
      );
    });

    // Chains that only look right on the fixed packets docknet used to try, one row each.
    const loopholes: Array<[string, string[], Bridge[], keyof ReturnType<typeof packetClassesOf>, string]> = [
      [
        'a port range 80:443 lets 81-442 in',
        ['-A DOCKER-USER -p tcp --dport 80:443 -j ACCEPT', '-A DOCKER-USER -j DROP'],
        [DOCKER0],
        'otherTcp',
        'new tcp/81-442 is accepted by rule 1',
      ],
      [
        'a DROP limited to -o docker0 leaves user-defined bridges open',
        ['-A DOCKER-USER -p tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -o docker0 -j DROP'],
        [DOCKER0, USER_BRIDGE],
        'otherTcp',
        "new tcp/1-79 to br-0123456789ab (172.18.0.0/16) is returned to Docker's processing",
      ],
      [
        'a DROP limited to one source range leaves every other source open',
        ['-A DOCKER-USER -p tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -s 203.0.113.0/24 -j DROP'],
        [DOCKER0],
        'otherTcp',
        'new tcp/1-79 from 0.0.0.0-203.0.112.255 is returned',
      ],
      [
        'a DROP of new connections only from low source ports',
        ['-A DOCKER-USER -p tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -p tcp --sport 1:50000 -j DROP'],
        [DOCKER0],
        'otherTcp',
        'new tcp/1-79 from port 50001-65535 is returned',
      ],
      [
        'a negated port that excludes a range',
        ['-A DOCKER-USER -p tcp ! --dport 1000:2000 -j DROP'],
        [DOCKER0],
        'otherTcp',
        'new tcp/1000-2000 is returned',
      ],
      [
        'a DROP of echo-request only lets other ICMP requests in',
        ['-A DOCKER-USER -p icmp --icmp-type echo-request -j DROP'],
        [DOCKER0],
        'icmp',
        'new icmp timestamp-request is returned',
      ],
      [
        'ESTABLISHED without RELATED drops ICMP errors',
        ['-A DOCKER-USER -m conntrack --ctstate ESTABLISHED -j ACCEPT', '-A DOCKER-USER -j DROP'],
        [DOCKER0],
        'replies',
        'RELATED icmp destination-unreachable is dropped by rule 2',
      ],
      [
        'an allow limited to one destination leaves the rest of the bridge closed',
        ['-A DOCKER-USER -d 172.17.0.2/32 -p tcp --dport 80 -j ACCEPT', '-A DOCKER-USER -j DROP'],
        [DOCKER0],
        'http',
        'new tcp/80 to docker0 (172.17.0.0-172.17.0.1) is dropped by rule 2',
      ],
    ];
    for (const [name, rules, bridges, pick, message] of loopholes) {
      it(`fails: ${name}`, () => {
        const outcome = judge(
          ruleset(...rules, DOCKER_DEFAULT),
          pick,
          pick === 'otherTcp' || pick === 'icmp' ? 'dropped' : 'allowed',
          bridges,
        );
        expect(outcome.passed, String(outcome.message)).to.equal(false);
        expect(outcome.message).to.contain(message);
      });
    }
  });

  it('says the same in Korean, with the rule text untouched', () => {
    const rules = ruleset(...COURSE_TEXT);
    const outcome = inOne(grader.judgePolicy(rules, classesOf(rules).http, 'allowed', 'ADVICE.', WORDS), 'ko');
    expect(outcome.message).to.include('1 번 규칙').and.include('-A DOCKER-USER -j DROP').and.not.include('dropped by');
    expect(outcome.hint).to.include('iptables -I');
  });

  describe('judgeEffect', () => {
    it('passes when some packet from outside is stopped', () => {
      const outcome = judgeEffect(ruleset(...COURSE_TEXT));
      expect(outcome).to.include({
        passed: true,
        message: 'DOCKER-USER stops traffic from outside: new tcp/1-79 is dropped by rule 1: -A DOCKER-USER -j DROP',
      });
    });

    it("fails Docker's default chain, quoting new TCP", () => {
      const outcome: Outcome = judgeEffect(ruleset(DOCKER_DEFAULT));
      expect(outcome.passed).to.equal(false);
      expect(outcome.message).to.equal(
        "DOCKER-USER stops nothing that comes from outside: new tcp/1-79 is returned to Docker's processing by rule 1: -A DOCKER-USER -j RETURN",
      );
      expect(outcome.hint).to.contain(`iptables -I DOCKER-USER -i ${IFACE} -j DROP`);
    });

    it('takes rules limited to another interface as no effect', () => {
      expect(judgeEffect(ruleset('-A DOCKER-USER -i eth0 -j DROP', DOCKER_DEFAULT)).passed).to.equal(false);
    });

    it('names rules put in FORWARD instead, and does not count them', () => {
      const rules = parseRuleset(
        [
          '*filter',
          ':FORWARD DROP [0:0]',
          ':DOCKER-USER - [0:0]',
          '-A FORWARD -j DOCKER-USER',
          '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT',
          '-A FORWARD -j DROP',
          DOCKER_DEFAULT,
          'COMMIT',
        ].join('\n'),
      );
      const outcome = judgeEffect(rules);
      expect(outcome.passed).to.equal(false);
      expect(outcome.hint).to.contain(
        'do not count where they are: `-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT`; `-A FORWARD -j DROP`.',
      );
    });

    it('throws when nothing is stopped for sure and a rule cannot be interpreted', () => {
      expect(() =>
        judgeEffect(ruleset('-A DOCKER-USER -m addrtype --dst-type LOCAL -j DROP', DOCKER_DEFAULT)),
      ).to.throw(/undecidable at rule 1/);
    });
  });

  describe('every check against in-memory firewalls', () => {
    const check = (id: string) => dockerUserFirewall.checks.find((c) => c.id === id)!;
    const context = (rules: Ruleset, bridges: Bridge[] = [DOCKER0]): GradingContext => {
      const state: FirewallState = { backend: 'iptables-save', ruleset: rules, externalInterface: IFACE, bridges };
      return { firewall: { read: async () => state } } as unknown as GradingContext;
    };
    const run = async (id: string, rules: Ruleset, bridges?: Bridge[]) => check(id).run(context(rules, bridges));
    // id → a chain that fails it (each passes every check with CORRECT)
    const failing: Record<string, string[]> = {
      'rules-take-effect': [DOCKER_DEFAULT],
      'allows-http': COURSE_TEXT,
      'allows-https': CORRECT.filter((r) => !r.includes('443')),
      'drops-other-tcp': ['-A DOCKER-USER -p tcp --dport 80:443 -j ACCEPT', ...CORRECT],
      'drops-udp': ['-A DOCKER-USER -p udp -j ACCEPT', ...CORRECT],
      'drops-icmp': ['-A DOCKER-USER -p icmp --icmp-type timestamp-request -j ACCEPT', ...CORRECT],
      'allows-established': CORRECT.slice(1),
    };
    it('covers every check of the exercise', () =>
      expect(Object.keys(failing)).to.have.members(dockerUserFirewall.checks.map((c) => c.id)));
    for (const [id, rules] of Object.entries(failing)) {
      it(`${id}: passes the correct chain, on two bridges`, async () => {
        const outcome = await run(id, ruleset(...CORRECT), [DOCKER0, USER_BRIDGE]);
        expect(outcome.passed, String(inLang(outcome.message, 'en'))).to.equal(true);
      });
      it(`${id}: fails ${rules.length > 1 ? 'a chain that gets it wrong' : "Docker's default chain"}`, async () => {
        expect((await run(id, ruleset(...rules))).passed).to.equal(false);
      });
      it(`${id}: is an error, never a pass, when DOCKER-USER is disputed`, async () => {
        const rules = ruleset(...CORRECT);
        rules.chains.get('DOCKER-USER')!.disputed = 'rule 1 reads alone as 2 rules';
        await run(id, rules).then(
          (outcome) => expect.fail(`judged a disputed chain: ${inLang(outcome.message, 'en')}`),
          (err: Error) => expect(err.message).to.contain('are in doubt'),
        );
      });
    }
    it('rules-take-effect names the backend and the external interface', async () => {
      expect(inLang((await run('rules-take-effect', ruleset(...CORRECT))).actual!, 'en')).to.match(
        /^rules read with iptables-save, traffic from outside entering on ens3/,
      );
    });
  });

  describe('misplacedRules', () => {
    it("finds port 80/443 rules and catch-all DROP/REJECT in FORWARD and INPUT, not Docker's own rules", () => {
      const rules = parseRuleset(
        [
          '-N DOCKER',
          '-N DOCKER-USER',
          '-A INPUT -p tcp -m multiport --dports 443,8443 -j ACCEPT',
          '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
          '-A INPUT -i eth0 -p udp -j REJECT --reject-with icmp-port-unreachable',
          '-A FORWARD -j DOCKER-USER',
          '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A FORWARD -o docker0 -j DOCKER',
          '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
          '-A FORWARD -p tcp -m tcp ! --dport 80 -j DROP',
          '-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT',
        ].join('\n'),
      );
      expect(misplacedRules(rules).map((r) => r.text)).to.deep.equal([
        '-A FORWARD -p tcp -m tcp ! --dport 80 -j DROP',
        '-A INPUT -p tcp -m multiport --dports 443,8443 -j ACCEPT',
        '-A INPUT -i eth0 -p udp -j REJECT --reject-with icmp-port-unreachable',
      ]);
    });
  });
});
