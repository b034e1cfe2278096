// Judges DOCKER-USER by what it does, never by how its rules are written: packets
// from outside are walked through the host's filter table (first match wins, jumps
// followed), and each point of the policy is one check. No packet is ever sent.
import { fail, pass, type CheckSpec, type Grader, type Outcome } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { describeVerdict, evaluate, type Packet, type Verdict } from '../src/net/firewall.js';
import type { Rule, Ruleset } from '../src/net/iptables.js';

const CHAIN = 'DOCKER-USER';

export interface Sample {
  label: string;
  packet: Packet;
}

/**
 * Packets that enter on the external interface and leave on the default bridge for a
 * container, after DNAT (so ports are the container's), from a documentation address.
 */
export function representativePackets(externalInterface: string) {
  const path = { inIface: externalInterface, outIface: 'docker0', src: '203.0.113.7', dst: '172.17.0.2' };
  const connect = (proto: 'tcp' | 'udp', dport: number): Sample => ({
    label: `${proto}/${dport}`,
    packet: { ...path, proto, sport: 51000, dport, ctstate: 'NEW' },
  });
  // replies to connections a container opened to a server outside
  const reply = (proto: 'tcp' | 'udp', sport: number): Sample => ({
    label: `an ESTABLISHED ${proto} reply from port ${sport}`,
    packet: { ...path, proto, sport, dport: 51000, ctstate: 'ESTABLISHED' },
  });
  return {
    http: [connect('tcp', 80)],
    https: [connect('tcp', 443)],
    otherTcp: [22, 8080, 5432, 3306].map((port) => connect('tcp', port)),
    udp: [53, 80, 443].map((port) => connect('udp', port)),
    icmp: [{ label: 'icmp echo-request', packet: { ...path, proto: 'icmp', icmpType: 8, ctstate: 'NEW' } }],
    replies: [
      reply('tcp', 443),
      reply('tcp', 5432),
      reply('udp', 53),
      { label: 'a RELATED icmp destination-unreachable', packet: { ...path, proto: 'icmp', icmpType: 3, ctstate: 'RELATED' } },
    ],
  } satisfies Record<string, Sample[]>;
}

type Packets = ReturnType<typeof representativePackets>;
export type Fate = 'allowed' | 'dropped' | 'undecidable';
type Wanted = Exclude<Fate, 'undecidable'>;

/** ACCEPT, or a return to Docker's own processing, lets a packet on; DROP and REJECT stop it. */
export function fateOf(verdict: Verdict): Fate {
  switch (verdict.kind) {
    case 'accept':
    case 'return':
      return 'allowed';
    case 'drop':
    case 'reject':
      return 'dropped';
    case 'undecidable':
      return 'undecidable';
  }
}

interface Judged extends Sample {
  verdict: Verdict;
  fate: Fate;
}

function simulate(ruleset: Ruleset, samples: Sample[]): Judged[] {
  return samples.map((sample) => {
    const verdict = evaluate(ruleset, CHAIN, sample.packet);
    return { ...sample, verdict, fate: fateOf(verdict) };
  });
}

// `tcp/80 is dropped by rule 1: -A DOCKER-USER -j DROP`
const sentence = (judged: Judged) => `${judged.label} is ${describeVerdict(judged.verdict)}`;
const FATE_WORDS: Record<Wanted, string> = { allowed: 'accepted or returned to Docker', dropped: 'dropped or rejected' };

/**
 * One policy point: failed when some packet's fate is decided and wrong; an error
 * (thrown) when the only obstacle to a pass is a rule the simulation cannot interpret.
 */
export function judgePolicy(ruleset: Ruleset, samples: Sample[], wanted: Wanted, advice: string): Outcome {
  const judged = simulate(ruleset, samples);
  const labels = judged.map((j) => j.label).join(', ');
  const wrong = judged.filter((j) => j.fate !== wanted && j.fate !== 'undecidable');
  if (wrong.length > 0) {
    return fail(sentence(wrong[0]), {
      expected: `${labels}: ${FATE_WORDS[wanted]}`,
      actual: wrong.map(sentence).join('; '),
      hint: hintFor(ruleset, advice, wrong[0], wanted),
    });
  }
  const undecided = judged.find((j) => j.fate === 'undecidable');
  if (undecided) throw new Error(sentence(undecided));
  return pass(`${labels}: ${FATE_WORDS[wanted]}`, { actual: judged.map(sentence).join('; ') });
}

/**
 * The chain takes effect when it stops some packet from outside. Without this gate an
 * untouched DOCKER-USER (or rules placed where they do not count) would earn the
 * points of everything that should be allowed.
 */
export function judgeEffect(ruleset: Ruleset, externalInterface: string): Outcome {
  const p = representativePackets(externalInterface);
  // tcp/22 first: the packet quoted when nothing is stopped
  const judged = simulate(ruleset, [p.otherTcp, p.udp, p.icmp, p.http, p.https, p.replies].flat());
  const stopped = judged.find((j) => j.fate === 'dropped');
  if (stopped) return pass(`DOCKER-USER stops traffic from outside: ${sentence(stopped)}`);
  const undecided = judged.find((j) => j.fate === 'undecidable');
  if (undecided) throw new Error(sentence(undecided));
  return fail(`DOCKER-USER stops nothing that comes from outside: ${sentence(judged[0])}`, {
    expected: 'new connections to ports other than 80 and 443 dropped or rejected',
    actual: `none of the ${judged.length} packets tried (new TCP, UDP and ICMP, and replies) is dropped or rejected`,
    hint: hintFor(
      ruleset,
      `rules count only in DOCKER-USER and above Docker's own \`-j RETURN\`: add them with \`iptables -I DOCKER-USER …\`, starting with \`iptables -I DOCKER-USER -i ${externalInterface} -j DROP\` (each -I goes on top, so the rules that allow come after it).`,
      judged[0],
      'dropped',
    ),
  });
}

function hintFor(ruleset: Ruleset, advice: string, wrong: Judged, wanted: Wanted): string {
  return [advice, orderNote(ruleset, wrong, wanted), misplacedNote(ruleset)].filter(Boolean).join(' ');
}

const isUnconditional = (rule: Rule) => rule.matches.every((m) => m.kind === 'comment');

/**
 * When a rule further down would have decided the packet as wanted, says so and why it
 * was never reached: the course text's `-I` order, or rules appended behind Docker's RETURN.
 */
function orderNote(ruleset: Ruleset, wrong: Judged, wanted: Wanted): string | undefined {
  const decider = wrong.verdict.rule;
  if (!decider) return undefined;
  const chain = ruleset.chains.get(decider.chain)!;
  const rest = { ...chain, rules: chain.rules.filter((r) => r.index > decider.index) };
  const instead = evaluate({ chains: new Map(ruleset.chains).set(chain.name, rest) }, CHAIN, wrong.packet);
  // Docker's own unconditional RETURN is what lets everything through, never the cure
  if (fateOf(instead) !== wanted || !instead.rule || (instead.kind === 'return' && isUnconditional(instead.rule))) return undefined;
  const found = `\`${instead.rule.text}\` would ${wanted === 'allowed' ? 'let it through' : 'stop it'}, but \`${decider.text}\` comes before it and the first match wins.`;
  if (isUnconditional(decider) && decider.target.kind === 'RETURN') {
    return `${found} \`iptables -A\` appends behind Docker's \`-j RETURN\`, where no packet arrives: insert with \`iptables -I DOCKER-USER …\` and delete the appended rules (\`iptables -D DOCKER-USER <number>\`).`;
  }
  if (isUnconditional(decider)) {
    return `${found} \`iptables -I\` puts each rule on top, so of several -I commands the last one typed ends up first: insert the DROP first and the rules that allow after it, or give positions (\`iptables -I DOCKER-USER 1 …\`).`;
  }
  return `${found} Reorder them: \`iptables -D DOCKER-USER <number>\`, then \`iptables -I DOCKER-USER <position> …\`.`;
}

// FORWARD belongs to Docker, INPUT sees only traffic for the host itself.
const NOT_COUNTED = ['FORWARD', 'INPUT'];
const WEB_PORTS = [80, 443];

/** Rules in FORWARD or INPUT that look like an attempt at this exercise: about ports 80/443, or a catch-all DROP/REJECT. */
export function misplacedRules(ruleset: Ruleset): Rule[] {
  return NOT_COUNTED.flatMap((name) => ruleset.chains.get(name)?.rules ?? []).filter(({ target, matches }) => {
    if (target.kind !== 'ACCEPT' && target.kind !== 'DROP' && target.kind !== 'REJECT') return false;
    const aboutWebPorts = matches.some(
      (m) => m.kind === 'destinationPort' && m.ranges.some(({ from, to }) => WEB_PORTS.some((port) => from <= port && port <= to)),
    );
    const catchAll = target.kind !== 'ACCEPT' && matches.every((m) => m.kind === 'comment' || m.kind === 'protocol' || m.kind === 'inInterface');
    return aboutWebPorts || catchAll;
  });
}

function misplacedNote(ruleset: Ruleset): string | undefined {
  const rules = misplacedRules(ruleset);
  if (rules.length === 0) return undefined;
  return `These rules look like this exercise but do not count where they are: ${rules.map((r) => `\`${r.text}\``).join('; ')}. Docker's traffic is judged in DOCKER-USER (FORWARD belongs to Docker, INPUT sees only traffic for the host itself): put them there and delete these with \`iptables -D <chain> <number>\`.`;
}

function policy(id: string, pick: (p: Packets) => Sample[], wanted: Wanted, advice: (externalInterface: string) => string): CheckSpec<GradingContext> {
  return {
    id,
    needs: ['rules-take-effect'],
    async run(ctx) {
      const { ruleset, externalInterface } = await ctx.firewall.read();
      return judgePolicy(ruleset, pick(representativePackets(externalInterface)), wanted, advice(externalInterface));
    },
  };
}

const allowAbove = (port: number) => () =>
  `allow new TCP connections to port ${port} above every rule that drops them: \`iptables -I DOCKER-USER -p tcp --dport ${port} -j ACCEPT\`, typed after the DROP (each -I goes on top).`;

export const dockerUserFirewall: Grader<GradingContext> = {
  id: 'docker-user-firewall',
  checks: [
    {
      // also the prerequisite that the host's rules can be read at all: if not, an error
      id: 'rules-take-effect',
      async run(ctx) {
        const { backend, ruleset, externalInterface } = await ctx.firewall.read();
        const outcome = judgeEffect(ruleset, externalInterface);
        const source = `rules read with ${backend}, traffic from outside entering on ${externalInterface}`;
        return { ...outcome, actual: outcome.actual ? `${source}: ${outcome.actual}` : source };
      },
    },
    policy('allows-http', (p) => p.http, 'allowed', allowAbove(80)),
    policy('allows-https', (p) => p.https, 'allowed', allowAbove(443)),
    policy('drops-other-tcp', (p) => p.otherTcp, 'dropped', (iface) =>
      `end what comes from outside with a DROP (or REJECT) above Docker's \`-j RETURN\`: \`iptables -I DOCKER-USER -i ${iface} -j DROP\`, typed before the rules that allow.`),
    policy('drops-udp', (p) => p.udp, 'dropped', () =>
      'only TCP may pass on 80 and 443: give the rules that allow `-p tcp`, and let UDP, to any port, reach the DROP.'),
    policy('drops-icmp', (p) => p.icmp, 'dropped', () =>
      'ICMP has no ports, so only a DROP or REJECT for every protocol stops a ping: one limited to `-p tcp` lets it through.'),
    policy('allows-established', (p) => p.replies, 'allowed', () =>
      'put `iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` on top (type it last): without it the DROP also stops the replies to connections your containers open.'),
  ],
};
