// Judges DOCKER-USER by what it does, never by how its rules are written: packets
// from outside are walked through the host's filter table (first match wins, jumps
// followed), and each point of the policy is one check. No packet is ever sent.
import { fail, inLang, pass, t, type CheckSpec, type Grader, type Lang, type Outcome, type Text } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { describeVerdict, evaluate, type Packet, type Verdict } from '../src/net/firewall.js';
import { isUnconditional, type Rule, type Ruleset } from '../src/net/iptables.js';

const CHAIN = 'DOCKER-USER';

export interface Sample {
  /** the same in every language (`tcp/80`), or one text per language */
  label: Text;
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
    label: t(`an ESTABLISHED ${proto} reply from port ${sport}`, `${sport} 번 포트에서 온 ESTABLISHED ${proto} 응답`),
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
      { label: t('a RELATED icmp destination-unreachable', 'RELATED 상태의 icmp destination-unreachable'), packet: { ...path, proto: 'icmp', icmpType: 3, ctstate: 'RELATED' } },
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
      return `${via}${rule(verdict.rule)} 에서 판단할 수 없음: ${verdict.reason}`;
  }
}

/**
 * One policy point: failed when some packet's fate is decided and wrong; an error
 * (thrown) when the only obstacle to a pass is a rule the simulation cannot interpret.
 */
export function judgePolicy(ruleset: Ruleset, samples: Sample[], wanted: Wanted, advice: Text): Outcome {
  const judged = simulate(ruleset, samples);
  const policy = (lang: Lang) => `${judged.map((j) => inLang(j.label, lang)).join(', ')}: ${FATE_WORDS[lang][wanted]}`;
  const sentences = (list: Judged[]) => inBoth((lang) => list.map((j) => sentence(j, lang)).join('; '));
  const wrong = judged.filter((j) => j.fate !== wanted && j.fate !== 'undecidable');
  if (wrong.length > 0) {
    return fail(inBoth((lang) => sentence(wrong[0], lang)), {
      expected: inBoth(policy),
      actual: sentences(wrong),
      hint: inBoth((lang) => hintFor(ruleset, inLang(advice, lang), wrong[0], wanted, lang)),
    });
  }
  const undecided = judged.find((j) => j.fate === 'undecidable');
  if (undecided) throw new Error(sentence(undecided, 'en'));
  return pass(inBoth(policy), { actual: sentences(judged) });
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
      expected: t('new connections to ports other than 80 and 443 dropped or rejected', '80, 443 이외의 포트로 오는 새 연결이 차단됨 (DROP 또는 REJECT)'),
      actual: t(
        `none of the ${judged.length} packets tried (new TCP, UDP and ICMP, and replies) is dropped or rejected`,
        `따라가 본 패킷 ${judged.length} 개 (새 TCP, UDP, ICMP 연결과 응답) 중 DROP 또는 REJECT 된 패킷이 없음`,
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
  if (fateOf(instead) !== wanted || !instead.rule || (instead.kind === 'return' && isUnconditional(instead.rule))) return undefined;
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
      (m) => m.kind === 'destinationPort' && m.ranges.some(({ from, to }) => WEB_PORTS.some((port) => from <= port && port <= to)),
    );
    const catchAll = target.kind !== 'ACCEPT' && matches.every((m) => m.kind === 'comment' || m.kind === 'protocol' || m.kind === 'inInterface');
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

function policy(id: string, pick: (p: Packets) => Sample[], wanted: Wanted, advice: (externalInterface: string) => Text): CheckSpec<GradingContext> {
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
        const { backend, ruleset, externalInterface } = await ctx.firewall.read();
        const { actual, ...outcome } = judgeEffect(ruleset, externalInterface);
        const source = (lang: Lang) =>
          lang === 'en'
            ? `rules read with ${backend}, traffic from outside entering on ${externalInterface}`
            : `${backend} 로 읽은 규칙, 외부에서 ${externalInterface} 인터페이스로 들어오는 트래픽`;
        return { ...outcome, actual: inBoth((lang) => (actual ? `${source(lang)}: ${inLang(actual, lang)}` : source(lang))) };
      },
    },
    policy('allows-http', (p) => p.http, 'allowed', allowAbove(80)),
    policy('allows-https', (p) => p.https, 'allowed', allowAbove(443)),
    policy('drops-other-tcp', (p) => p.otherTcp, 'dropped', (iface) =>
      t(
        `end what comes from outside with a DROP (or REJECT) above Docker's \`-j RETURN\`: \`iptables -I DOCKER-USER -i ${iface} -j DROP\`, typed before the rules that allow.`,
        `외부에서 들어오는 트래픽은 Docker 의 \`-j RETURN\` 보다 위에 있는 DROP (또는 REJECT) 으로 끝내야 합니다: 허용하는 규칙보다 먼저 \`iptables -I DOCKER-USER -i ${iface} -j DROP\` 을 입력하세요.`,
      )),
    policy('drops-udp', (p) => p.udp, 'dropped', () =>
      t(
        'only TCP may pass on 80 and 443: give the rules that allow `-p tcp`, and let UDP, to any port, reach the DROP.',
        '80, 443 에서는 TCP 만 통과할 수 있습니다: 허용하는 규칙에 `-p tcp` 를 붙이고, UDP 는 어느 포트로 가든 DROP 에 닿게 하세요.',
      )),
    policy('drops-icmp', (p) => p.icmp, 'dropped', () =>
      t(
        'ICMP has no ports, so only a DROP or REJECT for every protocol stops a ping: one limited to `-p tcp` lets it through.',
        'ICMP 에는 포트가 없으므로 모든 프로토콜에 적용되는 DROP 또는 REJECT 만 ping 을 막습니다: `-p tcp` 로 제한한 규칙은 ping 을 통과시킵니다.',
      )),
    policy('allows-established', (p) => p.replies, 'allowed', () =>
      t(
        'put `iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` on top (type it last): without it the DROP also stops the replies to connections your containers open.',
        '`iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT` 를 맨 위에 두세요 (마지막에 입력하세요): 이 규칙이 없으면 DROP 이 컨테이너가 밖으로 연 연결의 응답까지 막습니다.',
      )),
  ],
};
