// Variants: the values an exercise declares under `params:`, drawn per student, and the
// `{{ name }}` templates of its checks, texts and fixtures that refer to them.
import { createHmac } from 'node:crypto';

/** One declared value. `canonical` is the course's own: every command uses it when no student is named. */
export type ParamSpec =
  /** a block of `prefix` bits drawn from `pool` (default 10.0.0.0/8), clear of Docker's default pools and the exercise's other subnets */
  | { type: 'subnet'; canonical: string; prefix: number; pool?: string[] }
  /** a block of `prefix` bits inside the subnet or range named by `in` (an ip-range) */
  | { type: 'range'; canonical: string; prefix: number; in: string }
  /** a host address inside `in`, in none of the blocks or addresses named by `outside`, unlike the exercise's other addresses */
  | { type: 'address'; canonical: string; in: string; outside?: string[] }
  /** one of `from`, unlike the exercise's other names */
  | { type: 'name'; canonical: string; from: string[] }
  /** a port from `min` to `max`, unlike the exercise's other ports */
  | { type: 'port'; canonical: number; min: number; max: number };

export type ParamSpecs = Record<string, ParamSpec>;

/** A variant's values: addresses and names as text, ports as numbers. */
export type ParamValues = Readonly<Record<string, string | number>>;

/** Who the values are drawn for; with no student, the canonical values. */
export interface VariantKey {
  student?: string;
  /** the course's secret, the instructor's: without it, anyone who knows the scheme can compute any student's variant */
  secret?: string;
  /** the student's own key (studentKey), handed out on their task sheet: it draws their variant and no one else's */
  studentKey?: string;
}

/**
 * A student's key: what their draw is keyed by. The instructor derives every student's from the
 * course secret; a student given only their own cannot compute a classmate's variant.
 */
export function studentKey(student: string, secret = ''): string {
  return createHmac('sha256', secret).update(`docknet-student\0${student}`).digest('hex').slice(0, 32);
}

/** Docker's default address pools (when daemon.json sets none): a variant's subnet must not collide with a network the engine numbers itself. */
export const DOCKER_DEFAULT_POOLS = ['172.16.0.0/12', '192.168.0.0/16'];

const DEFAULT_SUBNET_POOL = ['10.0.0.0/8'];
const PARAM_NAME = /^[a-z][a-z0-9-]*$/;
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** enough tries that a draw with room to spare never runs out, few enough that an impossible one ends */
const TRIES = 10_000;

interface Block {
  base: number;
  prefix: number;
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function size(b: Block): number {
  return 2 ** (32 - b.prefix);
}

/** An aligned IPv4 block, or undefined: 10.1.2.0/16 is a typo, not a block. */
export function parseBlock(cidr: string): Block | undefined {
  const [ip, bits, extra] = String(cidr).split('/');
  const base = ipToInt(ip);
  const prefix = Number(bits);
  if (base === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits ?? '') || prefix > 32) return undefined;
  return base % 2 ** (32 - prefix) === 0 ? { base, prefix } : undefined;
}

function blockText(b: Block): string {
  return `${intToIp(b.base)}/${b.prefix}`;
}

function contains(outer: Block, inner: Block): boolean {
  return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

function overlaps(a: Block, b: Block): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/**
 * The 32-bit words of a student's stream for one value: HMAC-SHA256 keyed by the student's key
 * over "exercise\0param", then each block the HMAC of the one before. Stable across runs and
 * machines; without the course secret or that student's key no one can compute the values.
 */
export function words(exercise: string, param: string, key: string): () => number {
  let block = createHmac('sha256', key).update(`${exercise}\0${param}`).digest();
  let at = 0;
  return () => {
    if (at === block.length) {
      block = createHmac('sha256', key).update(block).digest();
      at = 0;
    }
    const w = block.readUInt32BE(at);
    at += 4;
    return w;
  };
}

/** A uniform whole number in [0, n) from 32-bit words, by rejection rather than a biased modulo (n <= 2^32). */
function below(next: () => number, n: number): number {
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const w = next();
    if (w < limit) return w % n;
  }
}

/** What one value must satisfy, given the values before it: the same rules for canonical and drawn values. */
function fault(
  spec: ParamSpec,
  value: string | number,
  before: Map<string, string | number>,
  specs: ParamSpecs,
): string | undefined {
  const earlier = (type: ParamSpec['type']) =>
    [...before.entries()].filter(([n]) => specs[n].type === type).map(([n, v]) => ({ n, v }));
  switch (spec.type) {
    case 'subnet': {
      const b = parseBlock(String(value));
      if (!b || b.prefix !== spec.prefix) return `${value} is not a /${spec.prefix} block`;
      const clash = earlier('subnet').find((e) => overlaps(parseBlock(String(e.v))!, b));
      return clash && `${value} overlaps ${clash.n} (${clash.v})`;
    }
    case 'range': {
      const b = parseBlock(String(value));
      const outer = parseBlock(String(before.get(spec.in)));
      if (!b || b.prefix !== spec.prefix) return `${value} is not a /${spec.prefix} block`;
      return outer && contains(outer, b) ? undefined : `${value} is not inside ${spec.in} (${before.get(spec.in)})`;
    }
    case 'address': {
      const ip = ipToInt(String(value));
      const outer = parseBlock(String(before.get(spec.in)));
      if (ip === undefined) return `${value} is not an IPv4 address`;
      if (!outer || !contains(outer, { base: ip, prefix: 32 }))
        return `${value} is not inside ${spec.in} (${before.get(spec.in)})`;
      // The first and last address of every enclosing block are the network's and broadcast's, not a host's.
      for (let at: string | undefined = spec.in; at; at = (specs[at] as { in?: string }).in) {
        const b = parseBlock(String(before.get(at)))!;
        if (ip === b.base || ip === b.base + size(b) - 1) return `${value} is not a host address of ${at}`;
      }
      for (const other of spec.outside ?? []) {
        const v = String(before.get(other));
        const b = parseBlock(v.includes('/') ? v : `${v}/32`);
        if (b && contains(b, { base: ip, prefix: 32 })) return `${value} is inside ${other} (${v})`;
      }
      const same = earlier('address').find((e) => e.v === value);
      return same && `${value} is ${same.n} already`;
    }
    case 'name': {
      if (!DOCKER_NAME.test(String(value))) return `"${value}" is not a name Docker accepts`;
      const same = earlier('name').find((e) => e.v === value);
      return same && `"${value}" is ${same.n} already`;
    }
    case 'port': {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535)
        return `${value} is not a port number`;
      const same = earlier('port').find((e) => e.v === value);
      return same && `${value} is ${same.n} already`;
    }
  }
}

/** The declaration's own mistakes (an unknown reference, an impossible pool), as messages naming the value. */
export function specProblems(specs: ParamSpecs): string[] {
  const problems: string[] = [];
  const seen = new Map<string, ParamSpec>();
  const canonical = new Map<string, string | number>();
  for (const [name, spec] of Object.entries(specs)) {
    const bad = (why: string) => problems.push(`param "${name}": ${why}`);
    const ref = (other: string, types: ParamSpec['type'][]) => {
      const s = seen.get(other);
      if (!s || !types.includes(s.type)) {
        bad(`"${other}" is not a ${types.join(' or ')} declared before it`);
        return false;
      }
      return true;
    };
    if (!PARAM_NAME.test(name)) bad('a name is lower-case letters, digits and dashes');
    if (typeof spec !== 'object' || spec === null) {
      bad('must be a mapping with a type');
      continue;
    }
    let sound = true;
    switch (spec.type) {
      case 'subnet':
      case 'range':
        if (!Number.isInteger(spec.prefix) || spec.prefix < 8 || spec.prefix > 30) {
          bad('prefix must be a whole number from 8 to 30');
          sound = false;
        }
        if (spec.type === 'range') sound = ref(spec.in, ['subnet', 'range']) && sound;
        if (spec.type === 'subnet')
          for (const p of spec.pool ?? DEFAULT_SUBNET_POOL) {
            const b = parseBlock(p);
            if (!b || b.prefix > spec.prefix) bad(`pool ${p} is not a block of /${spec.prefix} or wider`);
            else if (DOCKER_DEFAULT_POOLS.some((d) => overlaps(parseBlock(d)!, b)))
              bad(`pool ${p} overlaps Docker's default address pools (${DOCKER_DEFAULT_POOLS.join(', ')})`);
          }
        break;
      case 'address':
        sound = ref(spec.in, ['subnet', 'range']);
        for (const o of spec.outside ?? []) sound = ref(o, ['subnet', 'range', 'address']) && sound;
        break;
      case 'name':
        if (!Array.isArray(spec.from) || spec.from.length === 0) bad('from must list names');
        else if (spec.from.some((n) => !DOCKER_NAME.test(String(n)))) bad('from holds a name Docker does not accept');
        else if (new Set(spec.from).size <= [...seen.values()].filter((s) => s.type === 'name').length)
          bad('from has too few names to differ from every name before it');
        break;
      case 'port':
        if (![spec.min, spec.max].every(Number.isInteger) || spec.min < 1 || spec.max > 65535 || spec.min > spec.max)
          bad('min and max must be ports, min no more than max');
        break;
      default:
        bad(`unknown type "${String((spec as { type: unknown }).type)}" (types: subnet, range, address, name, port)`);
        continue;
    }
    seen.set(name, spec);
    if (spec.canonical === undefined) bad('needs a canonical value (the one used when no student is named)');
    else if (sound) {
      const why = fault(spec, spec.canonical, canonical, specs);
      if (why) bad(`canonical ${why}`);
    }
    canonical.set(name, spec.canonical);
  }
  return problems;
}

/** One drawn value: candidates from the student's stream until one fits. */
function drawOne(
  name: string,
  spec: ParamSpec,
  next: () => number,
  before: Map<string, string | number>,
  specs: ParamSpecs,
): string | number {
  const candidate = (): string | number => {
    switch (spec.type) {
      case 'subnet': {
        const pools = (spec.pool ?? DEFAULT_SUBNET_POOL).map((p) => parseBlock(p)!);
        const counts = pools.map((p) => size(p) / 2 ** (32 - spec.prefix));
        let i = below(
          next,
          counts.reduce((a, b) => a + b, 0),
        );
        const pool = pools.find((_, k) => (i < counts[k] ? true : ((i -= counts[k]), false)))!;
        return blockText({ base: pool.base + i * 2 ** (32 - spec.prefix), prefix: spec.prefix });
      }
      case 'range': {
        const outer = parseBlock(String(before.get(spec.in)))!;
        const i = below(next, size(outer) / 2 ** (32 - spec.prefix));
        return blockText({ base: outer.base + i * 2 ** (32 - spec.prefix), prefix: spec.prefix });
      }
      case 'address': {
        const outer = parseBlock(String(before.get(spec.in)))!;
        return intToIp(outer.base + below(next, size(outer)));
      }
      case 'name':
        return spec.from[below(next, spec.from.length)];
      case 'port':
        return spec.min + below(next, spec.max - spec.min + 1);
    }
  };
  for (let i = 0; i < TRIES; i++) {
    const value = candidate();
    const bad =
      fault(spec, value, before, specs) ??
      (spec.type === 'subnet' && DOCKER_DEFAULT_POOLS.some((d) => overlaps(parseBlock(d)!, parseBlock(String(value))!))
        ? 'in a default pool'
        : undefined);
    if (!bad) return value;
  }
  throw new Error(`param "${name}": no value fits its constraints`);
}

/**
 * The values of one variant: the canonical ones when no student is named (today's
 * exercise, unchanged), else each drawn from the student's stream, in declared order
 * so a value can depend on those before it.
 */
export function drawParams(exercise: string, specs: ParamSpecs | undefined, key: VariantKey = {}): ParamValues {
  const values = new Map<string, string | number>();
  const keyed = key.student === undefined ? undefined : (key.studentKey ?? studentKey(key.student, key.secret));
  for (const [name, spec] of Object.entries(specs ?? {})) {
    values.set(
      name,
      keyed === undefined ? spec.canonical : drawOne(name, spec, words(exercise, name, keyed), values, specs!),
    );
  }
  return Object.fromEntries(values);
}

/** `{{ name }}`; anything else between braces (a Go template in a fixture's docker inspect -f) is left alone. */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}/g;

/** The parameters a text refers to. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** A text with its placeholders filled; one naming no declared value is the author's mistake, named with `where`. */
export function render(text: string, values: ParamValues, where: string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in values))
      throw new Error(
        `${where}: {{ ${name} }} is no declared param (${Object.keys(values).join(', ') || 'none declared'})`,
      );
    return String(values[name]);
  });
}

/**
 * Every string in a parsed YAML value rendered; a string that is one placeholder alone
 * takes the value itself, so `host-port: '{{ port }}'` stays a number.
 */
export function renderDeep<T>(value: T, values: ParamValues, where: string): T {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}$/.exec(value);
    if (whole && whole[1] in values) return values[whole[1]] as T;
    return render(value, values, where) as T;
  }
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, values, where)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, values, `${where}.${k}`)])) as T;
  return value;
}
