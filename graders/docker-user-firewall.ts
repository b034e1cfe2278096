// Judges DOCKER-USER by what it does, never by how its rules are written: every class
// of packet from outside that the rules tell apart is walked through the host's filter
// table (first match wins, jumps followed), and each point of the policy is one check.
// No packet is ever sent.
import {
  fail,
  inLang,
  pass,
  t,
  type CheckSpec,
  type Grader,
  type Lang,
  type Outcome,
  type Text,
} from '../src/engine/grader.js';
import type { GradingContext } from '../src/engine/context.js';
import type { FirewallState } from '../src/net/firewall-state.js';
import { describeVerdict, evaluate, type Packet, type Verdict } from '../src/net/firewall.js';
import { isUnconditional, type Rule, type Ruleset } from '../src/net/iptables.js';
import { packetClasses, type Destination, type Scope } from '../src/net/packet-classes.js';

const CHAIN = 'DOCKER-USER';

export interface Sample {
  /** the same in every language (`new tcp/81-442`), or one text per language */
  label: Text;
  packet: Packet;
}

// Docker's default bridge, for a host where no bridge route was seen.
const DEFAULT_BRIDGE: Destination = { iface: 'docker0', subnets: ['172.17.0.0/16'] };

// conntrack marks only these ICMP types NEW (requests), and these replies and errors
// ESTABLISHED or RELATED; any other type is INVALID, outside the policy.
const ICMP_REQUESTS = [8, 13, 15, 17];
const ICMP_REPLIES = [0, 14, 16, 18];
const ICMP_ERRORS = [3, 4, 5, 11, 12];

/**
 * Every class of packet from outside that the chain tells apart, per policy point: they
 * enter on the external interface and leave on any Docker bridge for a container, after
 * DNAT (so ports are the container's). A class is judged by one packet of it.
 */
export function packetClassesOf(state: Pick<FirewallState, 'ruleset' | 'externalInterface' | 'bridges'>) {
  const destinations =
    state.bridges.length > 0 ? state.bridges.map((b) => ({ iface: b.name, subnets: b.subnets })) : [DEFAULT_BRIDGE];
  const classes = (scope: Omit<Scope, 'inIface' | 'destinations'>): Sample[] =>
    packetClasses(state.ruleset, CHAIN, { ...scope, inIface: state.externalInterface, destinations });
  return {
    http: classes({ proto: 'tcp', ctstate: 'NEW', dports: { from: 80, to: 80 } }),
    https: classes({ proto: 'tcp', ctstate: 'NEW', dports: { from: 443, to: 443 } }),
    otherTcp: classes({ proto: 'tcp', ctstate: 'NEW', exceptPorts: [80, 443] }),
    udp: classes({ proto: 'udp', ctstate: 'NEW' }),
    icmp: classes({ proto: 'icmp', ctstate: 'NEW', icmpTypes: ICMP_REQUESTS }),
    replies: [
      ...classes({ proto: 'tcp', ctstate: 'ESTABLISHED' }),
      ...classes({ proto: 'udp', ctstate: 'ESTABLISHED' }),
      ...classes({ proto: 'icmp', ctstate: 'ESTABLISHED', icmpTypes: ICMP_REPLIES }),
      ...classes({ proto: 'icmp', ctstate: 'RELATED', icmpTypes: ICMP_ERRORS }),
    ],
  } satisfies Record<string, Sample[]>;
}

/** What each policy point covers, in words: the classes themselves are too many to list. */
const POLICY_WORDS = {
  http: t('new TCP connections to port 80', '80 번 포트로의 새 TCP 연결'),
  https: t('new TCP connections to port 443', '443 번 포트로의 새 TCP 연결'),
  otherTcp: t('new TCP connections to every other port', '다른 모든 포트로의 새 TCP 연결'),
  udp: t('new UDP packets to every port', '모든 포트로의 새 UDP 패킷'),
  icmp: t(
    'new ICMP requests (echo, timestamp, info, address-mask)',
    '새 ICMP 요청 (echo, timestamp, info, address-mask)',
  ),
  replies: t(
    'ESTABLISHED and RELATED packets (replies and ICMP errors)',
    'ESTABLISHED, RELATED 패킷 (응답과 ICMP 오류)',
  ),
} satisfies Record<string, Text>;

type Packets = ReturnType<typeof packetClassesOf>;
type Policy = keyof Packets;
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

/** Builds a text once per language, with the same structure, and pairs the two. */
const inBoth = (text: (lang: Lang) => string) => t(text('en'), text('ko'));

// `tcp/80 is dropped by rule 1: -A DOCKER-USER -j DROP`
// `tcp/80 패킷은 1 번 규칙 (-A DOCKER-USER -j DROP) 에서 차단됨`
const sentence = (judged: Judged, lang: Lang) =>
  lang === 'en'
    ? `${inLang(judged.label, lang)} is ${describeVerdict(judged.verdict)}`
    : `${inLang(judged.label, lang)} 패킷은 ${describeVerdictKo(judged.verdict)}`;
const FATE_WORDS: Record<Lang, Record<Wanted, string>> = {
  en: { allowed: 'accepted or returned to Docker', dropped: 'dropped or rejected' },
  ko: { allowed: '허용됨 (ACCEPT 또는 Docker 로 RETURN)', dropped: '차단됨 (DROP 또는 REJECT)' },
};

/** describeVerdict in Korean: `N 번 규칙 (rule text)`, as the course README numbers rules. */
function describeVerdictKo(verdict: Verdict): string {
  const rule = (r: Rule) => `${r.index} 번 규칙 (${r.text})`;
  const via = verdict.path.length > 0 ? `${verdict.path.map(rule).join(', ')} 을 거쳐 ` : '';
  switch (verdict.kind) {
    case 'accept':
      return `${via}${rule(verdict.rule)} 에서 허용됨`;
    case 'drop':
      return `${via}${rule(verdict.rule)} 에서 차단됨`;
    case 'reject':
      return `${via}${rule(verdict.rule)} 에서 거부됨`;
    case 'return':
      return verdict.rule
        ? `${via}${rule(verdict.rule)} 에서 Docker 의 처리로 돌아감`
        : `${via}${verdict.chain} 의 끝에서 Docker 의 처리로 돌아감`;
    case 'undecidable':
      return `${via}${verdict.rule ? `${rule(verdict.rule)} 에서 ` : ''}판단할 수 없음: ${verdict.reason}`;
  }
}

// A check quotes a few packet classes, then counts the rest.
const QUOTED = 3;
function listed(judged: Judged[], lang: Lang): string {
  const quoted = judged
    .slice(0, QUOTED)
    .map((j) => sentence(j, lang))
    .join('; ');
  const more = judged.length - QUOTED;
  if (more <= 0) return quoted;
  return lang === 'en' ? `${quoted}; and ${more} more classes of packets` : `${quoted}; 외 ${more} 개 패킷 부류`;
}

/**
 * One policy point, judged over every class of packet the chain tells apart: failed when
 * some class's fate is decided and wrong; an error (thrown) when the only obstacle to a
 * pass is a class the simulation cannot decide (a rule it cannot interpret, a disputed chain).
 */
export function judgePolicy(ruleset: Ruleset, samples: Sample[], wanted: Wanted, advice: Text, what: Text): Outcome {
  const judged = simulate(ruleset, samples);
  const policy = (lang: Lang) =>
    lang === 'en'
      ? `${inLang(what, lang)}, from outside to every Docker bridge (${judged.length} classes of packets): ${FATE_WORDS[lang][wanted]}`
      : `${inLang(what, lang)}, 외부에서 모든 Docker 브리지로 (패킷 부류 ${judged.length} 개): ${FATE_WORDS[lang][wanted]}`;
  const wrong = judged.filter((j) => j.fate !== wanted && j.fate !== 'undecidable');
  if (wrong.length > 0) {
    return fail(
      inBoth((lang) => sentence(wrong[0], lang)),
      {
        expected: inBoth(policy),
        actual: inBoth((lang) => listed(wrong, lang)),
        hint: inBoth((lang) => hintFor(ruleset, inLang(advice, lang), wrong[0], wanted, lang)),
      },
    );
  }
  const undecided = judged.find((j) => j.fate === 'undecidable');
  if (undecided) throw new Error(sentence(undecided, 'en'));
  return pass(inBoth(policy), { actual: inBoth((lang) => listed(judged, lang)) });
}

/**
 * The chain takes effect when it stops some packet from outside. Without this gate an
 * untouched DOCKER-USER (or rules placed where they do not count) would earn the
 * points of everything that should be allowed.
 */
export function judgeEffect(ruleset: Ruleset, p: Packets, externalInterface: string): Outcome {
  // other TCP first: the packet quoted when nothing is stopped
  const judged = simulate(ruleset, [p.otherTcp, p.udp, p.icmp, p.http, p.https, p.replies].flat());
  const stopped = judged.find((j) => j.fate === 'dropped');
  if (stopped) {
    return pass(
      t(
        `DOCKER-USER stops traffic from outside: ${sentence(stopped, 'en')}`,
        `DOCKER-USER 가 외부에서 들어오는 트래픽을 차단함: ${sentence(stopped, 'ko')}`,
      ),
    );
  }
  const undecided = judged.find((j) => j.fate === 'undecidable');
  if (undecided) throw new Error(sentence(undecided, 'en'));
  const advice = t(
    `rules count only in DOCKER-USER and above Docker's own \`-j RETURN\`: add them with \`iptables -I DOCKER-USER …\`, starting with \`iptables -I DOCKER-USER -i ${externalInterface} -j DROP\` (each -I goes on top, so the rules that allow come after it).`,
    `규칙은 DOCKER-USER 안, Docker 의 \`-j RETURN\` 보다 위에 있어야 적용됩니다: \`iptables -I DOCKER-USER …\` 로 넣고, \`iptables -I DOCKER-USER -i ${externalInterface} -j DROP\` 부터 입력하세요 (-I 는 매번 맨 위에 넣으므로 허용하는 규칙은 그다음에 입력합니다).`,
  );
  return fail(
    t(
      `DOCKER-USER stops nothing that comes from outside: ${sentence(judged[0], 'en')}`,
      `DOCKER-USER 가 외부에서 들어오는 트래픽을 하나도 차단하지 않음: ${sentence(judged[0], 'ko')}`,
    ),
    {
      expected: t(
        'new connections to ports other than 80 and 443 dropped or rejected',
        '80, 443 이외의 포트로 오는 새 연결이 차단됨 (DROP 또는 REJECT)',
      ),
      actual: t(
        `none of the ${judged.length} classes of packets from outside (new TCP, UDP and ICMP, and replies) is dropped or rejected`,
        `외부에서 오는 패킷 부류 ${judged.length} 개 (새 TCP, UDP, ICMP 연결과 응답) 중 DROP 또는 REJECT 된 것이 없음`,
      ),
      hint: inBoth((lang) => hintFor(ruleset, advice[lang], judged[0], 'dropped', lang)),
    },
  );
}

function hintFor(ruleset: Ruleset, advice: string, wrong: Judged, wanted: Wanted, lang: Lang): string {
  return [advice, orderNote(ruleset, wrong, wanted, lang), misplacedNote(ruleset, lang)].filter(Boolean).join(' ');
}

/**
 * When a rule further down would have decided the packet as wanted, says so and why it
 * was never reached: the course text's `-I` order, or rules appended behind Docker's RETURN.
 */
function orderNote(ruleset: Ruleset, wrong: Judged, wanted: Wanted, lang: Lang): string | undefined {
  const decider = wrong.verdict.rule;
  if (!decider) return undefined;
  const chain = ruleset.chains.get(decider.chain)!;
  const rest = { ...chain, rules: chain.rules.filter((r) => r.index > decider.index) };
  const instead = evaluate({ chains: new Map(ruleset.chains).set(chain.name, rest) }, CHAIN, wrong.packet);
  // Docker's own unconditional RETURN is what lets everything through, never the cure
  if (fateOf(instead) !== wanted || !instead.rule || (instead.kind === 'return' && isUnconditional(instead.rule)))
    return undefined;
  const found =
    lang === 'en'
      ? `\`${instead.rule.text}\` would ${wanted === 'allowed' ? 'let it through' : 'stop it'}, but \`${decider.text}\` comes before it and the first match wins.`
      : `\`${instead.rule.text}\` 규칙은 이 패킷을 ${wanted === 'allowed' ? '통과시켰' : '막았'}겠지만, 그보다 앞에 있는 \`${decider.text}\` 규칙이 먼저 일치합니다 (먼저 일치하는 규칙이 이깁니다).`;
  if (isUnconditional(decider) && decider.target.kind === 'RETURN') {
    return lang === 'en'
      ? `${found} \`iptables -A\` appends behind Docker's \`-j RETURN\`, where no packet arrives: insert with \`iptables -I DOCKER-USER …\` and delete the appended rules (\`iptables -D DOCKER-USER <number>\`).`
      : `${found} \`iptables -A\` 는 Docker 의 \`-j RETURN\` 뒤에 규칙을 붙이는데, 그곳에는 패킷이 닿지 않습니다: \`iptables -I DOCKER-USER …\` 로 넣고, 뒤에 붙인 규칙은 지우세요 (\`iptables -D DOCKER-USER <번호>\`).`;
  }
  if (isUnconditional(decider)) {
    return lang === 'en'
      ? `${found} \`iptables -I\` puts each rule on top, so of several -I commands the last one typed ends up first: insert the DROP first and the rules that allow after it, or give positions (\`iptables -I DOCKER-USER 1 …\`).`
      : `${found} \`iptables -I\` 는 규칙을 매번 맨 위에 넣으므로, 여러 -I 명령 중 마지막에 입력한 규칙이 맨 앞에 옵니다: DROP 을 먼저 넣고 허용하는 규칙을 그다음에 넣거나, 위치를 지정하세요 (\`iptables -I DOCKER-USER 1 …\`).`;
  }
  return lang === 'en'
    ? `${found} Reorder them: \`iptables -D DOCKER-USER <number>\`, then \`iptables -I DOCKER-USER <position> …\`.`
    : `${found} 순서를 바꾸세요: \`iptables -D DOCKER-USER <번호>\` 로 지운 다음 \`iptables -I DOCKER-USER <위치> …\` 로 다시 넣으세요.`;
}

// FORWARD belongs to Docker, INPUT sees only traffic for the host itself.
const NOT_COUNTED = ['FORWARD', 'INPUT'];
const WEB_PORTS = [80, 443];

/** Rules in FORWARD or INPUT that look like an attempt at this exercise: about ports 80/443, or a catch-all DROP/REJECT. */
export function misplacedRules(ruleset: Ruleset): Rule[] {
  return NOT_COUNTED.flatMap((name) => ruleset.chains.get(name)?.rules ?? []).filter(({ target, matches }) => {
    if (target.kind !== 'ACCEPT' && target.kind !== 'DROP' && target.kind !== 'REJECT') return false;
    const aboutWebPorts = matches.some(
      (m) =>
        m.kind === 'destinationPort' &&
        m.ranges.some(({ from, to }) => WEB_PORTS.some((port) => from <= port && port <= to)),
    );
    const catchAll =
      target.kind !== 'ACCEPT' &&
      matches.every((m) => m.kind === 'comment' || m.kind === 'protocol' || m.kind === 'inInterface');
    return aboutWebPorts || catchAll;
  });
}

function misplacedNote(ruleset: Ruleset, lang: Lang): string | undefined {
  const rules = misplacedRules(ruleset);
  if (rules.length === 0) return undefined;
  const list = rules.map((r) => `\`${r.text}\``).join('; ');
  return lang === 'en'
    ? `These rules look like this exercise but do not count where they are: ${list}. Docker's traffic is judged in DOCKER-USER (FORWARD belongs to Docker, INPUT sees only traffic for the host itself): put them there and delete these with \`iptables -D <chain> <number>\`.`
    : `이 실습의 규칙으로 보이지만 지금 위치에서는 인정되지 않는 규칙이 있습니다: ${list}. Docker 의 트래픽은 DOCKER-USER 에서 판정됩니다 (FORWARD 는 Docker 가 관리하고, INPUT 은 호스트 자신에게 오는 트래픽만 봅니다): 규칙을 DOCKER-USER 에 넣고, 이 규칙들은 \`iptables -D <체인> <번호>\` 로 지우세요.`;
}

function policy(
  id: string,
  pick: Policy,
  wanted: Wanted,
  advice: (externalInterface: string) => Text,
): CheckSpec<GradingContext> {
  return {
    id,
    needs: ['rules-take-effect'],
    async run(ctx) {
      const state = await ctx.firewall.read();
      return judgePolicy(
        state.ruleset,
        packetClassesOf(state)[pick],
        wanted,
        advice(state.externalInterface),
        POLICY_WORDS[pick],
      );
    },
  };
}

const allowAbove = (port: number) => () =>
  t(
    `allow new TCP connections to port ${port} above every rule that drops them: \`iptables -I DOCKER-USER -p tcp --dport ${port} -j ACCEPT\`, typed after the DROP (each -I goes on top).`,
    `${port} 번 포트로의 새 TCP 연결은 그것을 막는 모든 규칙보다 위에서 허용해야 합니다: -I 는 매번 맨 위에 넣으므로 DROP 을 넣은 다음에 \`iptables -I DOCKER-USER -p tcp --dport ${port} -j ACCEPT\` 를 입력하세요.`,
  );

export const dockerUserFirewall: Grader<GradingContext> = {
  id: 'docker-user-firewall',
  checks: [
    {
      // also the prerequisite that the host's rules can be read at all: if not, an error
      id: 'rules-take-effect',
      async run(ctx) {
        const state = await ctx.firewall.read();
        const { backend, ruleset, externalInterface } = state;
        const { actual, ...outcome } = judgeEffect(ruleset, packetClassesOf(state), externalInterface);
        const source = (lang: Lang) =>
          lang === 'en'
            ? `rules read with ${backend}, traffic from outside entering on ${externalInterface}`
            : `${backend} 로 읽은 규칙, 외부에서 ${externalInterface} 인터페이스로 들어오는 트래픽`;
        return {
          ...outcome,
          actual: inBoth((lang) => (actual ? `${source(lang)}: ${inLang(actual, lang)}` : source(lang))),
        };
      },
    },
    policy('allows-http', 'http', 'allowed', allowAbove(80)),
    policy('allows-https', 'https', 'allowed', allowAbove(443)),
    policy('drops-other-tcp', 'otherTcp', 'dropped', (iface) =>
      t(
        `end what comes from outside with a DROP (or REJECT) above Docker's \`-j RETURN\`: \`iptables -I DOCKER-USER -i ${iface} -j DROP\`, typed before the rules that allow.`,
        `외부에서 들어오는 트래픽은 Docker 의 \`-j RETURN\` 보다 위에 있는 DROP (또는 REJECT) 으로 끝내야 합니다: 허용하는 규칙보다 먼저 \`iptables -I DOCKER-USER -i ${iface} -j DROP\` 을 입력하세요.`,
      ),
    ),
    policy('drops-udp', 'udp', 'dropped', () =>
      t(
        'only TCP may pass on 80 and 443: give the rules that allow `-p tcp`, and let UDP, to any port, reach the DROP.',
        '80, 443 에서는 TCP 만 통과할 수 있습니다: 허용하는 규칙에 `-p tcp` 를 붙이고, UDP 는 어느 포트로 가든 DROP 에 닿게 하세요.',
      ),
    ),
    policy('drops-icmp', 'icmp', 'dropped', () =>
      t(
        'ICMP has no ports, so only a DROP or REJECT for every protocol stops a ping: one limited to `-p tcp` lets it through.',
        'ICMP 에는 포트가 없으므로 모든 프로토콜에 적용되는 DROP 또는 REJECT 만 ping 을 막습니다: `-p tcp` 로 제한한 규칙은 ping 을 통과시킵니다.',
      ),
    ),
    policy('allows-established', 'replies', 'allowed', () =>
      t(
        'put `iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` on top (type it last): without it the DROP also stops the replies to connections your containers open.',
        '`iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` 를 맨 위에 두세요 (마지막에 입력하세요): 이 규칙이 없으면 DROP 이 컨테이너가 밖으로 연 연결의 응답까지 막습니다.',
      ),
    ),
  ],
};
