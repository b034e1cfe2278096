import { expect } from 'chai';
import * as grader from '../../graders/docker-user-firewall.js';
import { fateOf, misplacedRules, representativePackets } from '../../graders/docker-user-firewall.js';
import { inLang, type Lang, type Outcome } from '../../src/engine/check.js';
import { evaluate } from '../../src/net/firewall.js';
import { parseRuleset } from '../../src/net/iptables.js';

/** An outcome as a student reading `lang` sees it. */
function inOne(outcome: Outcome, lang: Lang = 'en'): Outcome {
  const text = (x: Outcome['hint']) => (x === undefined ? undefined : inLang(x, lang));
  return { ...outcome, message: text(outcome.message)!, expected: text(outcome.expected), actual: text(outcome.actual), hint: text(outcome.hint) };
}
const judgePolicy = (...args: Parameters<typeof grader.judgePolicy>) => inOne(grader.judgePolicy(...args));
const judgeEffect = (...args: Parameters<typeof grader.judgeEffect>) => inOne(grader.judgeEffect(...args));

const IFACE = 'ens3';
const packets = representativePackets(IFACE);
const ruleset = (...rules: string[]) => parseRuleset(['-N DOCKER-USER', ...rules].join('\n'));

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

describe('docker-user-firewall grader', () => {
  describe('representative packets', () => {
    it('all come from outside, enter on the external interface and leave on the default bridge', () => {
      const all = Object.values(packets).flat();
      expect(all).to.have.length(14);
      for (const { packet } of all) {
        expect(packet).to.include({ inIface: IFACE, outIface: 'docker0', src: '203.0.113.7', dst: '172.17.0.2' });
      }
      expect(new Set(all.map((s) => s.label)).size).to.equal(all.length);
    });

    it('are new connections to the policy ports, and ESTABLISHED/RELATED replies', () => {
      const summary = (list: typeof packets.http) => list.map(({ packet: p }) => `${p.ctstate} ${p.proto} ${p.sport ?? '-'}>${p.dport ?? p.icmpType}`);
      expect(summary(packets.http)).to.deep.equal(['NEW tcp 51000>80']);
      expect(summary(packets.https)).to.deep.equal(['NEW tcp 51000>443']);
      expect(summary(packets.otherTcp)).to.deep.equal(['NEW tcp 51000>22', 'NEW tcp 51000>8080', 'NEW tcp 51000>5432', 'NEW tcp 51000>3306']);
      expect(summary(packets.udp)).to.deep.equal(['NEW udp 51000>53', 'NEW udp 51000>80', 'NEW udp 51000>443']);
      expect(summary(packets.icmp)).to.deep.equal(['NEW icmp ->8']);
      expect(summary(packets.replies)).to.deep.equal([
        'ESTABLISHED tcp 443>51000',
        'ESTABLISHED tcp 5432>51000',
        'ESTABLISHED udp 53>51000',
        'RELATED icmp ->3',
      ]);
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
    const fate = (sample: { packet: Parameters<typeof evaluate>[2] }) => fateOf(evaluate(rules, 'DOCKER-USER', sample.packet));
    it('takes ACCEPT and RETURN (explicit or at the end of the chain) as allowed', () => {
      expect(fate(packets.http[0])).to.equal('allowed');
      expect(fate(packets.https[0])).to.equal('allowed');
      expect(fate(packets.otherTcp[3])).to.equal('allowed'); // tcp/3306 falls off the end
    });
    it('takes DROP and REJECT as dropped', () => {
      expect(fate(packets.otherTcp[0])).to.equal('dropped');
      expect(fate(packets.otherTcp[1])).to.equal('dropped');
    });
    it('keeps an uninterpretable rule undecidable', () => {
      expect(fate(packets.otherTcp[2])).to.equal('undecidable');
    });
  });

  describe('judgePolicy', () => {
    const advice = 'ADVICE.';

    it('passes when every packet meets the policy, naming the deciding rules', () => {
      const outcome = judgePolicy(ruleset(...CORRECT), packets.otherTcp, 'dropped', advice);
      expect(outcome).to.include({ passed: true, message: 'tcp/22, tcp/8080, tcp/5432, tcp/3306: dropped or rejected' });
      expect(outcome.actual).to.contain('tcp/22 is dropped by rule 4: -A DOCKER-USER -j DROP');
    });

    it("fails the course text's order on port 80, naming rule 1 and explaining -I", () => {
      const outcome = judgePolicy(ruleset(...COURSE_TEXT), packets.http, 'allowed', advice);
      expect(outcome.passed).to.equal(false);
      expect(outcome.message).to.equal('tcp/80 is dropped by rule 1: -A DOCKER-USER -j DROP');
      expect(outcome.hint).to.match(/^ADVICE\. /);
      expect(outcome.hint).to.contain('`-A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT` would let it through, but `-A DOCKER-USER -j DROP` comes before it');
      expect(outcome.hint).to.contain('`iptables -I` puts each rule on top');
    });

    it('explains -A when the wanted rule sits behind Docker\'s RETURN', () => {
      const outcome = judgePolicy(ruleset(DOCKER_DEFAULT, ...CORRECT.slice(0, -1)), packets.udp, 'dropped', advice);
      expect(outcome.message).to.equal("udp/53 is returned to Docker's processing by rule 1: -A DOCKER-USER -j RETURN");
      expect(outcome.actual).to.contain('udp/80').and.contain('udp/443');
      expect(outcome.hint).to.contain('`-A DOCKER-USER -j DROP` would stop it').and.contain('`iptables -A` appends behind Docker\'s `-j RETURN`');
    });

    it('suggests reordering when a specific rule shadows the wanted one', () => {
      const outcome = judgePolicy(
        ruleset('-A DOCKER-USER -p tcp -j DROP', '-A DOCKER-USER -p tcp -m tcp --dport 443 -j ACCEPT', DOCKER_DEFAULT),
        packets.https,
        'allowed',
        advice,
      );
      expect(outcome.hint).to.contain('Reorder them');
    });

    it('gives no order note when nothing further down would help, nor for Docker\'s own RETURN', () => {
      const noConntrack = ruleset(...CORRECT.slice(1));
      const outcome = judgePolicy(noConntrack, packets.replies, 'allowed', advice);
      expect(outcome.message).to.equal('an ESTABLISHED tcp reply from port 443 is dropped by rule 3: -A DOCKER-USER -j DROP');
      expect(outcome.hint).to.equal(advice);
    });

    it('follows jumps into user chains', () => {
      const rules = parseRuleset([
        '-N DOCKER-USER',
        '-N WEB',
        '-A DOCKER-USER -p tcp -j WEB',
        DOCKER_DEFAULT,
        '-A WEB -p tcp -m multiport --dports 80,443 -j ACCEPT',
        '-A WEB -j DROP',
      ].join('\n'));
      expect(judgePolicy(rules, packets.https, 'allowed', advice).passed).to.equal(true);
      expect(judgePolicy(rules, packets.otherTcp, 'dropped', advice).passed).to.equal(true);
      const udp = judgePolicy(rules, packets.udp, 'dropped', advice);
      expect(udp.message).to.equal("udp/53 is returned to Docker's processing by rule 2: -A DOCKER-USER -j RETURN");
    });

    it('throws, naming the rule, when only an uninterpretable rule stands between the policy and a pass', () => {
      const rules = ruleset('-A DOCKER-USER -p tcp -m tcp --dport 22 -m recent --rcheck --name ssh -j DROP', ...CORRECT);
      expect(() => judgePolicy(rules, packets.otherTcp, 'dropped', advice)).to.throw(
        /^tcp\/22 is undecidable at rule 1: .*-m recent.*: cannot interpret the match/,
      );
    });

    it('fails rather than throws when another packet is decided wrong', () => {
      const rules = ruleset('-A DOCKER-USER -p tcp -m tcp --dport 22 -m recent --rcheck --name ssh -j DROP', '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j ACCEPT', ...CORRECT);
      const outcome = judgePolicy(rules, packets.otherTcp, 'dropped', advice);
      expect(outcome).to.include({ passed: false, message: 'tcp/8080 is accepted by rule 2: -A DOCKER-USER -p tcp -m tcp --dport 8080 -j ACCEPT' });
    });
  });

  it('says the same in Korean, with the rule text untouched', () => {
    const outcome = inOne(grader.judgePolicy(ruleset(...COURSE_TEXT), packets.http, 'allowed', 'ADVICE.'), 'ko');
    expect(outcome.message).to.include('1 번 규칙').and.include('-A DOCKER-USER -j DROP').and.not.include('dropped by');
    expect(outcome.hint).to.include('iptables -I');
  });

  describe('judgeEffect', () => {
    it('passes when some packet from outside is stopped', () => {
      const outcome = judgeEffect(ruleset(...COURSE_TEXT), IFACE);
      expect(outcome).to.include({ passed: true, message: 'DOCKER-USER stops traffic from outside: tcp/22 is dropped by rule 1: -A DOCKER-USER -j DROP' });
    });

    it("fails Docker's default chain, quoting tcp/22", () => {
      const outcome: Outcome = judgeEffect(ruleset(DOCKER_DEFAULT), IFACE);
      expect(outcome.passed).to.equal(false);
      expect(outcome.message).to.equal("DOCKER-USER stops nothing that comes from outside: tcp/22 is returned to Docker's processing by rule 1: -A DOCKER-USER -j RETURN");
      expect(outcome.hint).to.contain(`iptables -I DOCKER-USER -i ${IFACE} -j DROP`);
    });

    it('takes rules limited to another interface as no effect', () => {
      const outcome = judgeEffect(ruleset('-A DOCKER-USER -i eth0 -j DROP', DOCKER_DEFAULT), IFACE);
      expect(outcome.passed).to.equal(false);
    });

    it('names rules put in FORWARD instead, and does not count them', () => {
      const rules = parseRuleset([
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT',
        '-A FORWARD -j DROP',
        DOCKER_DEFAULT,
        'COMMIT',
      ].join('\n'));
      const outcome = judgeEffect(rules, IFACE);
      expect(outcome.passed).to.equal(false);
      expect(outcome.hint).to.contain('do not count where they are: `-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT`; `-A FORWARD -j DROP`.');
    });

    it('throws when nothing is stopped for sure and a rule cannot be interpreted', () => {
      expect(() => judgeEffect(ruleset('-A DOCKER-USER -m addrtype --dst-type LOCAL -j DROP', DOCKER_DEFAULT), IFACE)).to.throw(/undecidable at rule 1/);
    });
  });

  describe('misplacedRules', () => {
    it("finds port 80/443 rules and catch-all DROP/REJECT in FORWARD and INPUT, not Docker's own rules", () => {
      const rules = parseRuleset([
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
      ].join('\n'));
      expect(misplacedRules(rules).map((r) => r.text)).to.deep.equal([
        '-A FORWARD -p tcp -m tcp ! --dport 80 -j DROP',
        '-A INPUT -p tcp -m multiport --dports 443,8443 -j ACCEPT',
        '-A INPUT -i eth0 -p udp -j REJECT --reject-with icmp-port-unreachable',
      ]);
    });
  });
});
