// First-match simulation of one packet through a chain of the `filter` table, the
// way the kernel walks it: rules in order, jumps and gotos into user chains, RETURN.
// Whatever it cannot interpret on a rule the packet reaches makes the verdict
// `undecidable` rather than a guess.
import ipaddr from 'ipaddr.js';
import type { Match, PortRange, Rule, Ruleset, Chain } from './iptables.js';

export interface Packet {
  proto: 'tcp' | 'udp' | 'icmp';
  dport?: number;
  sport?: number;
  icmpType?: number;
  ctstate: 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID';
  inIface: string;
  outIface: string;
  src: string;
  dst: string;
}

export type Verdict =
  // decided by `rule`; path = the jump/goto rules that led to its chain, outermost first
  | { kind: 'accept' | 'drop' | 'reject'; rule: Rule; path: Rule[] }
  // the start chain returned, by an explicit RETURN (`rule`) or by falling off the end
  // of `chain` (the start chain, or one it went to with -g): back to Docker's processing
  | { kind: 'return'; rule?: Rule; chain: string; path: Rule[] }
  // `rule` is reached but a match or target on it cannot be interpreted; without `rule`,
  // the packet entered a chain whose rules are disputed (see Chain.disputed)
  | { kind: 'undecidable'; rule?: Rule; reason: string; path: Rule[] };

// Throws when the start chain is missing: there is nothing to simulate.
// The policy of a built-in start chain is not applied: falling off its end is `return`.
export function evaluate(ruleset: Ruleset, startChain: string, packet: Packet): Verdict {
  const chain = ruleset.chains.get(startChain);
  if (!chain) throw new Error(`chain ${startChain} is not in the rule set`);
  return runChain(ruleset, chain, packet, []);
}

function runChain(ruleset: Ruleset, chain: Chain, packet: Packet, path: Rule[]): Verdict {
  if (chain.disputed !== undefined)
    return { kind: 'undecidable', reason: `the rules of ${chain.name} are in doubt: ${chain.disputed}`, path };
  for (const rule of chain.rules) {
    const matched = matchRule(rule, packet);
    if (matched === false) continue;
    const { target } = rule;
    // Non-terminating: whether the rule matched or not, evaluation goes on.
    if (target.kind === 'LOG' || target.kind === 'none') continue;
    if (matched !== true) return { kind: 'undecidable', rule, reason: matched.undecided, path };
    switch (target.kind) {
      case 'ACCEPT':
        return { kind: 'accept', rule, path };
      case 'DROP':
        return { kind: 'drop', rule, path };
      case 'REJECT':
        return { kind: 'reject', rule, path };
      case 'RETURN':
        return { kind: 'return', rule, chain: chain.name, path };
      case 'unknown':
        return { kind: 'undecidable', rule, reason: `target ${target.name} is not understood`, path };
      case 'jump':
      case 'goto': {
        const callee = ruleset.chains.get(target.chain);
        if (!callee) return { kind: 'undecidable', rule, reason: `chain ${target.chain} is not in the rule set`, path };
        if (target.chain === chain.name || path.some((caller) => caller.chain === target.chain)) {
          return {
            kind: 'undecidable',
            rule,
            reason: `jump loop: chain ${target.chain} is already being evaluated`,
            path,
          };
        }
        const verdict = runChain(ruleset, callee, packet, [...path, rule]);
        // The chain gone to with -g returns on behalf of this one; a -j chain's return lets it carry on.
        if (verdict.kind !== 'return' || target.kind === 'goto') return verdict;
      }
    }
  }
  return { kind: 'return', chain: chain.name, path };
}

type MatchResult = boolean | { undecided: string };

// A rule with a match that fails is skipped even if another of its matches is not
// understood: it cannot match either way.
function matchRule(rule: Rule, packet: Packet): MatchResult {
  let undecided: { undecided: string } | undefined;
  for (const match of rule.matches) {
    const result = matchOne(match, packet);
    if (result === false) return false;
    if (result !== true) undecided ??= result;
  }
  return undecided ?? true;
}

function matchOne(match: Match, packet: Packet): MatchResult {
  switch (match.kind) {
    case 'unknown':
      return { undecided: `cannot interpret the match \`${match.raw}\`` };
    case 'comment':
      return true;
    case 'protocol':
      return (match.protocol === 'all' || match.protocol === packet.proto) !== match.negated;
    case 'source':
      return inCidr(packet.src, match.cidr) !== match.negated;
    case 'destination':
      return inCidr(packet.dst, match.cidr) !== match.negated;
    case 'inInterface':
      return interfaceMatches(match.name, packet.inIface) !== match.negated;
    case 'outInterface':
      return interfaceMatches(match.name, packet.outIface) !== match.negated;
    case 'sourcePort':
      return matchPorts(match.ranges, match.negated, packet, { 'source port': packet.sport });
    case 'destinationPort':
      return matchPorts(match.ranges, match.negated, packet, { 'destination port': packet.dport });
    case 'eitherPort':
      return matchPorts(match.ranges, match.negated, packet, {
        'source port': packet.sport,
        'destination port': packet.dport,
      });
    case 'connState':
      if (match.states.includes(packet.ctstate)) return !match.negated;
      // conntrack's virtual SNAT/DNAT states depend on address translation, which packets do not describe
      if (match.states.some((state) => state === 'SNAT' || state === 'DNAT')) {
        return { undecided: `cannot tell whether the packet's connection is ${match.states.join(',')}` };
      }
      return match.negated;
    case 'icmpType':
      if (packet.proto !== 'icmp') return false; // the icmp match never matches another protocol, negated or not
      if (match.icmpType === 'any') return !match.negated;
      if (packet.icmpType === undefined) return { undecided: 'the packet has no ICMP type' };
      return (packet.icmpType === match.icmpType) !== match.negated;
  }
}

// Port matches only ever match TCP and UDP packets, negated or not.
function matchPorts(
  ranges: PortRange[],
  negated: boolean,
  packet: Packet,
  ports: Record<string, number | undefined>,
): MatchResult {
  if (packet.proto === 'icmp') return false;
  const values = Object.values(ports);
  if (values.some((port) => port !== undefined && ranges.some(({ from, to }) => from <= port && port <= to)))
    return !negated;
  const missing = Object.keys(ports).filter((name) => ports[name] === undefined);
  if (missing.length > 0) return { undecided: `the packet has no ${missing.join(' or ')}` };
  return negated;
}

// An IPv6 network never contains an IPv4 packet address, and vice versa.
function inCidr(address: string, cidr: string): boolean {
  const ip = ipaddr.parse(address);
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return ip.kind() === network.kind() && ip.match(network, bits);
}

function interfaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export function describeVerdict(verdict: Verdict): string {
  const via = verdict.path.length > 0 ? ` (reached via ${verdict.path.map(describeRule).join(', then ')})` : '';
  switch (verdict.kind) {
    case 'accept':
      return `accepted by ${describeRule(verdict.rule)}${via}`;
    case 'drop':
      return `dropped by ${describeRule(verdict.rule)}${via}`;
    case 'reject':
      return `rejected by ${describeRule(verdict.rule)}${via}`;
    case 'return':
      return verdict.rule
        ? `returned to Docker's processing by ${describeRule(verdict.rule)}${via}`
        : `returned to Docker's processing at the end of ${verdict.chain}${via}`;
    case 'undecidable':
      return verdict.rule
        ? `undecidable at ${describeRule(verdict.rule)}${via}: ${verdict.reason}`
        : `undecidable${via}: ${verdict.reason}`;
  }
}

function describeRule(rule: Rule): string {
  return `rule ${rule.index}: ${rule.text}`;
}
