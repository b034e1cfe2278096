// Parses the host's iptables `filter` table, as printed by `iptables-save` or
// `iptables -S [CHAIN]`, into chains of rules whose matches and targets a
// first-match evaluator can interpret. What the parser does not understand is kept
// as an `unknown` match or target, never dropped: grading must be able to say so.
import ipaddr from 'ipaddr.js';

export interface PortRange {
  from: number;
  to: number;
}

export type Match =
  // protocol: 'tcp' | 'udp' | 'icmp' | 'all', or whatever other name/number the rule gives
  | { kind: 'protocol'; negated: boolean; protocol: string }
  // cidr: always with a prefix length, e.g. '10.0.0.0/8', '172.17.0.2/32'
  | { kind: 'source' | 'destination'; negated: boolean; cidr: string }
  // name: may end with the `+` wildcard, e.g. 'eth+'
  | { kind: 'inInterface' | 'outInterface'; negated: boolean; name: string }
  // --sport/--dport and multiport --sports/--dports; eitherPort is multiport --ports
  | { kind: 'sourcePort' | 'destinationPort' | 'eitherPort'; negated: boolean; ranges: PortRange[] }
  // conntrack --ctstate and state --state
  | { kind: 'connState'; negated: boolean; states: string[] }
  | { kind: 'icmpType'; negated: boolean; icmpType: number | 'any' }
  | { kind: 'comment'; text: string }
  | { kind: 'unknown'; raw: string };

export type Target =
  | { kind: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' | 'LOG' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'unknown'; name: string }
  // no -j/-g at all: the rule only counts packets and evaluation goes on
  | { kind: 'none' };

export interface Rule {
  chain: string;
  index: number; // 1-based within its chain
  text: string; // the original `-A ...` line
  matches: Match[];
  target: Target;
}

export interface Chain {
  name: string;
  policy?: string;
  rules: Rule[];
  /** why these rules may not be the ones the kernel applies (a second reading disagreed): nothing in the chain can be judged */
  disputed?: string;
}

/** A rule that matches every packet (comments match everything). */
export const isUnconditional = (rule: Rule) => rule.matches.every((m) => m.kind === 'comment');

export interface Ruleset {
  chains: Map<string, Chain>;
}

/** The start chain and every chain its rules jump or go to, directly or not. */
export function chainsReachable(ruleset: Ruleset, start: string): string[] {
  const seen = [start];
  for (let i = 0; i < seen.length; i++) {
    for (const { target } of ruleset.chains.get(seen[i])?.rules ?? []) {
      if (
        (target.kind === 'jump' || target.kind === 'goto') &&
        !seen.includes(target.chain) &&
        ruleset.chains.has(target.chain)
      )
        seen.push(target.chain);
    }
  }
  return seen;
}

// `-j`/`-g` as written; whether a name is a chain is known only once all lines are read.
interface TargetSpec {
  via: 'jump' | 'goto';
  name: string;
  options: string[];
}

export function parseRuleset(text: string): Ruleset {
  const chains = new Map<string, Chain>();
  const declare = (name: string): Chain => {
    let chain = chains.get(name);
    if (!chain) {
      chain = { name, rules: [] };
      chains.set(name, chain);
    }
    return chain;
  };
  const unresolved: Array<[Rule, TargetSpec | undefined]> = [];
  let table: string | undefined; // the iptables-save section being read; none in `iptables -S` output

  logicalLines(text).forEach((rawLine, lineIndex) => {
    const line = rawLine.trim().replace(/^\[\d+:\d+\]\s+/, ''); // `iptables-save -c` counters
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = line.slice(1);
      return;
    }
    if (line === 'COMMIT') {
      table = undefined;
      return;
    }
    if (table !== undefined && table !== 'filter') return;

    const tokens = line.startsWith(':') ? [':', ...line.slice(1).split(/\s+/)] : tokenize(line);
    const [keyword, chainName, policy] = tokens;
    if (chainName === undefined) throw new Error(`line ${lineIndex + 1}: no chain name in "${visible(rawLine)}"`);
    switch (keyword) {
      case ':': // `:CHAIN POLICY [packets:bytes]`, POLICY is `-` for user chains
      case '-P':
        declare(chainName).policy = policy === '-' ? undefined : policy;
        break;
      case '-N':
        declare(chainName);
        break;
      case '-A': {
        const chain = declare(chainName);
        const spec = parseRuleSpec(tokens.slice(2));
        const rule: Rule = {
          chain: chainName,
          index: chain.rules.length + 1,
          text: visible(line),
          matches: spec.matches,
          target: { kind: 'none' },
        };
        chain.rules.push(rule);
        unresolved.push([rule, spec.target]);
        break;
      }
      default:
        throw new Error(`line ${lineIndex + 1}: not iptables-save or iptables -S output: "${visible(rawLine)}"`);
    }
  });

  for (const [rule, spec] of unresolved) rule.target = resolveTarget(spec, chains);
  return { chains };
}

// Splits the text into lines, except inside a double-quoted value: iptables quotes a
// comment or log prefix that holds newlines but prints them raw, so a comment can
// look like further rules (`--comment "x<newline>-A DOCKER-USER -j DROP"`).
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let quoted = false;
  let comment = true; // `#` lines are iptables-save's own remarks, never quoted values
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (i === start) comment = ch === '#';
    if (comment) {
      if (ch === '\n') {
        lines.push(text.slice(start, i).replace(/\r$/, ''));
        start = i + 1;
      }
    } else if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === '\n') {
      lines.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (quoted) throw new Error(`a quoted value is never closed: "${visible(text.slice(start))}"`);
  lines.push(text.slice(start));
  return lines;
}

/** Host text on one line: control characters (newlines, ESC …) written as escapes, so a rule quoted in a report stays one rule. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

// Splits a line like a shell does; iptables-save double-quotes every value with a
// character other than letters, digits, `_` and `-`, and escapes `"`, `'` and `\` inside.
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === "'" || line[i + 1] === '\\'))
        current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}

function quoteToken(token: string): string {
  return token === '' || /[\s"'\\\u0000-\u001f\u007f-\u009f]/.test(token)
    ? `"${token.replace(/["\\]/g, '\\$&')}"`
    : token;
}

const OPTION_ALIASES = new Map([
  ['--protocol', '-p'],
  ['--source', '-s'],
  ['--src', '-s'],
  ['--destination', '-d'],
  ['--dst', '-d'],
  ['--in-interface', '-i'],
  ['--out-interface', '-o'],
  ['--match', '-m'],
  ['--jump', '-j'],
  ['--goto', '-g'],
  ['--set-counters', '-c'],
]);
const CORE_OPTIONS = new Set(['-p', '-s', '-d', '-i', '-o', '-m', '-j', '-g', '-c']);
const canonicalOption = (token: string | undefined) =>
  token === undefined ? undefined : (OPTION_ALIASES.get(token) ?? token);

// Matches whose options this parser interprets; any other `-m` is kept whole as unknown.
const KNOWN_MODULES = new Set(['tcp', 'udp', 'icmp', 'multiport', 'conntrack', 'state', 'comment']);

// Options of the known modules, each taking one value; undefined = value not understood.
// Ports are accepted whichever of tcp/udp/multiport or `-p` brought them in: they apply
// to the rule's protocol.
const MODULE_OPTIONS = new Map<string, (value: string, negated: boolean) => Match | undefined>([
  ['--dport', (value, negated) => portMatch('destinationPort', negated, [value])],
  ['--destination-port', (value, negated) => portMatch('destinationPort', negated, [value])],
  ['--sport', (value, negated) => portMatch('sourcePort', negated, [value])],
  ['--source-port', (value, negated) => portMatch('sourcePort', negated, [value])],
  ['--dports', (value, negated) => portMatch('destinationPort', negated, value.split(','))],
  ['--destination-ports', (value, negated) => portMatch('destinationPort', negated, value.split(','))],
  ['--sports', (value, negated) => portMatch('sourcePort', negated, value.split(','))],
  ['--source-ports', (value, negated) => portMatch('sourcePort', negated, value.split(','))],
  ['--ports', (value, negated) => portMatch('eitherPort', negated, value.split(','))],
  ['--ctstate', (value, negated) => stateMatch(negated, value)],
  ['--state', (value, negated) => stateMatch(negated, value)],
  ['--icmp-type', (value, negated) => icmpTypeMatch(negated, value)],
  ['--comment', (value, negated) => (negated ? undefined : { kind: 'comment', text: value })],
]);

interface RuleSpec {
  matches: Match[];
  target?: TargetSpec;
}

function parseRuleSpec(tokens: string[]): RuleSpec {
  const matches: Match[] = [];
  let target: TargetSpec | undefined;
  let module: string | undefined; // the latest `-m`, which owns the options after it
  let i = 0;
  const startsCoreOption = (at: number) =>
    CORE_OPTIONS.has(canonicalOption(tokens[at]) ?? '') ||
    (tokens[at] === '!' && CORE_OPTIONS.has(canonicalOption(tokens[at + 1]) ?? ''));
  const skipUntil = (stop: (at: number) => boolean) => {
    while (i < tokens.length && !stop(i)) i++;
  };
  const keepUnknown = (start: number, context = '') =>
    matches.push({ kind: 'unknown', raw: visible(context + tokens.slice(start, i).map(quoteToken).join(' ')) });

  while (i < tokens.length) {
    const start = i;
    let negated = tokens[i] === '!';
    if (negated) i++;
    const option = canonicalOption(tokens[i++]);
    const takeValue = (): string | undefined => {
      if (tokens[i] === '!') {
        // the old `-p ! tcp` placement
        negated = !negated;
        i++;
      }
      return tokens[i++];
    };

    if (option === '-m' && !negated) {
      module = tokens[i++];
      if (module !== undefined && KNOWN_MODULES.has(module)) continue;
      skipUntil(startsCoreOption); // everything up to the next core option belongs to this match
      keepUnknown(start);
    } else if ((option === '-j' || option === '-g') && !negated && target === undefined && tokens[i] !== undefined) {
      const name = tokens[i++];
      const optionsStart = i;
      skipUntil(startsCoreOption);
      target = { via: option === '-j' ? 'jump' : 'goto', name, options: tokens.slice(optionsStart, i) };
    } else if (option === '-c' && !negated) {
      i += 2; // `-c packets bytes` in `iptables -S -v`: counters, no meaning
    } else if (option !== undefined && CORE_OPTIONS.has(option)) {
      const value = takeValue();
      const match = value === undefined ? undefined : coreMatch(option, negated, value);
      if (match) matches.push(match);
      else keepUnknown(start);
    } else if (option !== undefined && MODULE_OPTIONS.has(option)) {
      const value = takeValue();
      const match = value === undefined ? undefined : MODULE_OPTIONS.get(option)!(value, negated);
      if (match) matches.push(match);
      else keepUnknown(start, module ? `-m ${module} ` : '');
    } else {
      skipUntil((at) => tokens[at].startsWith('-') || tokens[at] === '!'); // its values
      keepUnknown(start, module && option?.startsWith('--') ? `-m ${module} ` : '');
    }
  }
  return { matches, target };
}

function coreMatch(option: string, negated: boolean, value: string): Match | undefined {
  switch (option) {
    case '-p':
      return { kind: 'protocol', negated, protocol: PROTOCOL_NUMBERS.get(value) ?? value.toLowerCase() };
    case '-s':
    case '-d': {
      const cidr = normalizeCidr(value);
      return cidr === undefined ? undefined : { kind: option === '-s' ? 'source' : 'destination', negated, cidr };
    }
    case '-i':
      return { kind: 'inInterface', negated, name: value };
    case '-o':
      return { kind: 'outInterface', negated, name: value };
    default:
      return undefined;
  }
}

const PROTOCOL_NUMBERS = new Map([
  ['0', 'all'],
  ['1', 'icmp'],
  ['6', 'tcp'],
  ['17', 'udp'],
]);

// Addresses as iptables prints them: plain, `/len`, or a dotted mask (printed when
// the mask is not contiguous, which has no prefix length and so stays unknown).
function normalizeCidr(value: string): string | undefined {
  const [address = '', mask, ...rest] = value.split('/');
  if (rest.length > 0) return undefined;
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return undefined;
  const ip = ipaddr.parse(address);
  const maxBits = ip.kind() === 'ipv4' ? 32 : 128;
  if (mask === undefined) return `${ip.toString()}/${maxBits}`;
  if (/^\d+$/.test(mask) && Number(mask) <= maxBits) return `${ip.toString()}/${Number(mask)}`;
  if (ip.kind() === 'ipv4' && ipaddr.IPv4.isValidFourPartDecimal(mask)) {
    const bits = ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask();
    if (bits !== null) return `${ip.toString()}/${bits}`;
  }
  return undefined;
}

function portMatch(
  kind: 'sourcePort' | 'destinationPort' | 'eitherPort',
  negated: boolean,
  specs: string[],
): Match | undefined {
  const ranges = specs.map(parsePortRange);
  return ranges.every((range): range is PortRange => range !== undefined) ? { kind, negated, ranges } : undefined;
}

// `80`, `1024:65535`, `:1023`, `1024:`; service names never appear in iptables output.
function parsePortRange(spec: string): PortRange | undefined {
  const found = /^(\d*)(:?)(\d*)$/.exec(spec);
  if (!found || (found[2] === '' && found[1] === '')) return undefined;
  const from = found[1] === '' ? 0 : Number(found[1]);
  const to = found[2] === '' ? from : found[3] === '' ? 65535 : Number(found[3]);
  return to <= 65535 && from <= to ? { from, to } : undefined;
}

// conntrack's SNAT/DNAT are kept: they are states, the evaluator decides whether it can tell.
const CONNECTION_STATES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);

function stateMatch(negated: boolean, value: string): Match | undefined {
  const states = value.toUpperCase().split(',');
  return states.every((state) => CONNECTION_STATES.has(state)) ? { kind: 'connState', negated, states } : undefined;
}

// Names of whole ICMP types; names of single codes (e.g. port-unreachable) and
// `type/code` need the ICMP code, which packets do not carry, so they stay unknown.
const ICMP_TYPES = new Map([
  ['echo-reply', 0],
  ['pong', 0],
  ['destination-unreachable', 3],
  ['source-quench', 4],
  ['redirect', 5],
  ['echo-request', 8],
  ['ping', 8],
  ['router-advertisement', 9],
  ['router-solicitation', 10],
  ['time-exceeded', 11],
  ['ttl-exceeded', 11],
  ['parameter-problem', 12],
  ['timestamp-request', 13],
  ['timestamp-reply', 14],
  ['address-mask-request', 17],
  ['address-mask-reply', 18],
]);

function icmpTypeMatch(negated: boolean, value: string): Match | undefined {
  if (value === 'any') return { kind: 'icmpType', negated, icmpType: 'any' };
  const icmpType = /^\d+$/.test(value) ? Number(value) : ICMP_TYPES.get(value);
  return icmpType !== undefined && icmpType <= 255 ? { kind: 'icmpType', negated, icmpType } : undefined;
}

const STANDARD_TARGETS = ['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG'] as const;
const isStandardTarget = (name: string): name is (typeof STANDARD_TARGETS)[number] =>
  (STANDARD_TARGETS as readonly string[]).includes(name);
const TARGETS_WITH_OPTIONS = new Set(['REJECT', 'LOG']); // --reject-with, --log-prefix …: no effect on the verdict
// Extension targets usable without options, which would otherwise look like a jump to a missing chain.
const OPTIONLESS_EXTENSION_TARGETS = new Set([
  'MASQUERADE',
  'NFLOG',
  'NFQUEUE',
  'NOTRACK',
  'QUEUE',
  'REDIRECT',
  'TRACE',
]);

function resolveTarget(spec: TargetSpec | undefined, chains: Map<string, Chain>): Target {
  if (spec === undefined) return { kind: 'none' };
  const { via, name, options } = spec;
  if (options.length > 0 && !(via === 'jump' && TARGETS_WITH_OPTIONS.has(name))) return { kind: 'unknown', name };
  if (via === 'goto') return { kind: 'goto', chain: name };
  if (isStandardTarget(name)) return { kind: name };
  if (!chains.has(name) && OPTIONLESS_EXTENSION_TARGETS.has(name)) return { kind: 'unknown', name };
  return { kind: 'jump', chain: name }; // possibly to a chain missing from this output: the evaluator says so
}
