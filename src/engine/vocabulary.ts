// The check vocabulary of exercise.yaml: what an instructor writes as data, judged by
// docknet's own probes and the engine's records, never by tools in a student's
// container. Each kind says what it expected and what it found, in both languages;
// an entry may override its failure message and hint.
import { evaluate, type Packet } from '../net/firewall.js';
import { fail, pass, t, type CheckSpec, type Localized, type Outcome, type Text } from './grader.js';
import type { GradingContext } from './context.js';
import { dockerUserBlame } from './firewall-blame.js';
import { refusedPrivilegedPort } from './rootless.js';
import { endpointOn, type Container, type Network, type Probe, type Sentinel } from './views.js';

/** One check as exercise.yaml writes it (title, points and hidden are the loader's). */
export interface DataCheckEntry {
  kind?: string;
  needs?: string[];
  /** replaces the kind's message when the check fails */
  message?: Localized;
  /** replaces the kind's hint */
  hint?: Localized;
  [param: string]: unknown;
}

type Run = (ctx: GradingContext, p: Params) => Promise<Outcome>;

/** A kind's parameters, each read with a type check: a wrong one is the author's mistake, reported as such. */
class Params {
  constructor(
    private readonly id: string,
    private readonly entry: DataCheckEntry,
  ) {}
  private wrong(key: string, what: string): Error {
    return new Error(`check "${this.id}" (kind ${this.entry.kind}): ${key} must be ${what}`);
  }
  str(key: string): string {
    const v = this.entry[key];
    if (typeof v !== 'string' || v === '') throw this.wrong(key, 'a non-empty string');
    return v;
  }
  optStr(key: string): string | undefined {
    return this.entry[key] === undefined ? undefined : this.str(key);
  }
  optBool(key: string): boolean | undefined {
    const v = this.entry[key];
    if (v !== undefined && typeof v !== 'boolean') throw this.wrong(key, 'true or false');
    return v as boolean | undefined;
  }
  list(key: string): string[] {
    const v = this.entry[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw this.wrong(key, 'a list of names');
    return v;
  }
  optList(key: string): string[] | undefined {
    return this.entry[key] === undefined ? undefined : this.list(key);
  }
  /** a port (80) or a range ("8000-8010") */
  ports(key: string): number[] {
    const v = this.entry[key];
    const m = /^(\d+)(?:-(\d+))?$/.exec(String(v ?? ''));
    const [lo, hi] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [0, 0];
    if (!m || lo < 1 || hi > 65535 || hi < lo) throw this.wrong(key, 'a port or a range such as 8000-8010');
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  optPort(key: string): number | undefined {
    if (this.entry[key] === undefined) return undefined;
    const [port, ...more] = this.ports(key);
    if (more.length > 0) throw this.wrong(key, 'one port');
    return port;
  }
  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const v = this.entry[key] ?? fallback;
    if (!choices.includes(v as T)) throw this.wrong(key, `one of ${choices.join(', ')}`);
    return v as T;
  }
  raw(key: string): unknown {
    return this.entry[key];
  }
}

/** The kinds and the parameters each takes (the JSON Schema and `lint` follow this table). */
export const KINDS: Record<string, { params: string[]; required: string[]; run: Run }> = {};

function kind(name: string, required: string[], optional: string[], run: Run): void {
  KINDS[name] = { params: [...required, ...optional], required, run };
}

export function dataCheck(id: string, entry: DataCheckEntry): CheckSpec<GradingContext> {
  const k = KINDS[entry.kind ?? ''];
  if (!k)
    throw new Error(`check "${id}": unknown kind "${String(entry.kind)}" (known: ${Object.keys(KINDS).join(', ')})`);
  const params = new Params(id, entry);
  for (const key of k.required)
    if (entry[key] === undefined) throw new Error(`check "${id}" (kind ${entry.kind}): ${key} is required`);
  return {
    id,
    ...(entry.needs && { needs: entry.needs }),
    // probes and the sentinel may start on first use: more than one API round trip
    timeoutMs: ['reaches', 'cannot-reach', 'no-way-out', 'published'].includes(entry.kind!) ? 25_000 : undefined,
    async run(ctx) {
      const outcome = await k.run(ctx, params);
      if (outcome.passed) return outcome;
      return { ...outcome, ...(entry.message && { message: entry.message }), ...(entry.hint && { hint: entry.hint }) };
    },
  };
}

// ---------------------------------------------------------------- shared lookups

const list = (xs: string[]) => xs.join(', ');

function stateOf(c: Container): string {
  return `state ${c.status}${c.status === 'exited' ? ` (exit code ${c.exitCode})` : ''}${c.error ? `: ${c.error}` : ''}`;
}

/** A running container by name, or the failure that says why there is none. */
async function running(ctx: GradingContext, name: string): Promise<Container | Outcome> {
  const c = await ctx.host.container(name);
  if (!c) {
    return fail(t(`there is no container named ${name}`, `${name} 컨테이너가 없습니다`), {
      expected: t(`a running container named ${name}`, `실행 중인 ${name} 컨테이너`),
      actual: t('no such container', '해당 컨테이너 없음'),
      hint: t(
        `docker run -d --name ${name} … <image> (the image is your choice)`,
        `docker run -d --name ${name} … <image> 로 실행하세요 (이미지는 자유롭게 고르세요)`,
      ),
    });
  }
  if (!c.running) {
    return fail(t(`${name} is not running`, `${name} 컨테이너가 실행 중이 아닙니다`), {
      expected: 'state running',
      actual: stateOf(c),
      hint: c.error
        ? t(`the engine could not start it: ${c.error}`, `엔진이 컨테이너를 시작하지 못했습니다: ${c.error}`)
        : t(
            `a container whose main process ends stops: give it a long-running command, then docker start ${name}`,
            `메인 프로세스가 끝나면 컨테이너도 멈춥니다. 계속 실행되는 명령을 지정한 뒤 docker start ${name} 로 다시 시작하세요`,
          ),
    });
  }
  return c;
}

const isOutcome = (x: unknown): x is Outcome => typeof x === 'object' && x !== null && 'passed' in x;

async function network(ctx: GradingContext, name: string): Promise<Network | Outcome> {
  const n = await ctx.host.network(name);
  if (n) return n;
  return fail(t(`there is no network named ${name}`, `${name} 네트워크가 없습니다`), {
    expected: t(`a network named ${name}`, `${name} 이라는 이름의 네트워크`),
    actual: t('no such network', '해당 네트워크 없음'),
    hint: `docker network create ${name}`,
  });
}

function networksOf(c: Container): Text {
  const names = c.endpoints.map((e) => e.network);
  return names.length > 0
    ? list(names)
    : t(`no network (network mode ${c.networkMode})`, `네트워크 없음 (네트워크 모드 ${c.networkMode})`);
}

/** The embedded DNS answers a container's name only on user-defined networks both share (the default bridge has no names). */
function sharedUserNetworks(a: Container, b: Container): string[] {
  const mine = new Set(a.endpoints.map((e) => e.networkId));
  return b.endpoints
    .filter((e) => mine.has(e.networkId) && !['bridge', 'host', 'none'].includes(e.network))
    .map((e) => e.network);
}

function addresses(c: Container): string[] {
  return [...new Set(c.endpoints.flatMap((e) => (e.address ? [e.address] : [])))];
}

// ---------------------------------------------------------------- networks

kind('network', ['network'], ['driver', 'internal', 'subnet', 'ip-range', 'gateway', 'options'], async (ctx, p) => {
  const n = await network(ctx, p.str('network'));
  if (isOutcome(n)) return n;
  const wrong: { expected: string; actual: string }[] = [];
  const driver = p.optStr('driver');
  if (driver !== undefined && n.driver !== driver)
    wrong.push({ expected: `driver ${driver}`, actual: `driver ${n.driver}` });
  const internal = p.optBool('internal');
  if (internal !== undefined && n.internal !== internal)
    wrong.push({ expected: `Internal: ${internal}`, actual: `Internal: ${n.internal}` });
  const subnet = p.optStr('subnet');
  const pool = subnet ? n.ipam.find((x) => x.subnet === subnet) : n.ipam[0];
  const pools = n.ipam.map((x) => x.subnet).join(', ') || 'none';
  if (subnet !== undefined && !pool) wrong.push({ expected: `subnet ${subnet}`, actual: `subnets ${pools}` });
  for (const [key, field] of [
    ['ip-range', 'ipRange'],
    ['gateway', 'gateway'],
  ] as const) {
    const want = p.optStr(key);
    if (want !== undefined && pool?.[field] !== want)
      wrong.push({ expected: `${key} ${want}`, actual: `${key} ${pool?.[field] ?? '(none)'}` });
  }
  const options = p.raw('options') as Record<string, string> | undefined;
  for (const [key, value] of Object.entries(options ?? {})) {
    if (n.options[key] !== String(value))
      wrong.push({
        expected: `-o ${key}=${value}`,
        actual: n.options[key] === undefined ? `no option ${key}` : `-o ${key}=${n.options[key]}`,
      });
  }
  if (wrong.length === 0)
    return pass(t(`network ${n.name} is as required`, `${n.name} 네트워크가 요구대로 설정되어 있습니다`));
  return fail(t(`network ${n.name} is not configured as required`, `${n.name} 네트워크 설정이 요구와 다릅니다`), {
    expected: list(wrong.map((w) => w.expected)),
    actual: list(wrong.map((w) => w.actual)),
    hint: t(
      `a network's settings are fixed when it is created: disconnect its containers, docker network rm ${n.name}, and create it again with the right options`,
      `네트워크 설정은 만들 때 정해집니다: 연결된 컨테이너를 분리하고 docker network rm ${n.name} 로 삭제한 뒤 올바른 옵션으로 다시 만드세요`,
    ),
  });
});

// ---------------------------------------------------------------- containers

kind('running', ['container'], [], async (ctx, p) => {
  const c = await running(ctx, p.str('container'));
  return isOutcome(c) ? c : pass(t(`${c.name} is running`, `${c.name} 컨테이너가 실행 중입니다`));
});

/** Attached to every listed network; with `exclusive`, to no other (the default bridge included). */
kind('attached', ['container', 'networks'], ['exclusive'], async (ctx, p) => {
  const c = await running(ctx, p.str('container'));
  if (isOutcome(c)) return c;
  const wanted = p.list('networks');
  const on = c.endpoints.map((e) => e.network);
  const missing = wanted.filter((n) => !on.includes(n));
  const extra = p.optBool('exclusive') ? on.filter((n) => !wanted.includes(n)) : [];
  if (p.optBool('exclusive') && c.networkMode === 'host') extra.push('host');
  const expected = p.optBool('exclusive')
    ? t(`exactly ${list(wanted)}`, `정확히 ${list(wanted)}`)
    : t(`${list(wanted)} among its networks`, `연결된 네트워크 중에 ${list(wanted)}`);
  if (missing.length === 0 && extra.length === 0)
    return pass(
      t(`${c.name} is attached to ${list(wanted)}`, `${c.name} 컨테이너가 ${list(wanted)} 에 연결되어 있습니다`),
      { actual: networksOf(c) },
    );
  const commands = [
    ...missing.map((n) => `docker network connect ${n} ${c.name}`),
    ...extra.map((n) => `docker network disconnect ${n} ${c.name}`),
  ];
  const onBridge = extra.includes('bridge') && missing.length > 0;
  return fail(
    missing.length > 0
      ? t(
          `${c.name} is not attached to ${list(missing)}`,
          `${c.name} 컨테이너가 ${list(missing)} 에 연결되어 있지 않습니다`,
        )
      : t(`${c.name} is also attached to ${list(extra)}`, `${c.name} 컨테이너가 ${list(extra)} 에도 연결되어 있습니다`),
    {
      expected,
      actual: networksOf(c),
      hint: onBridge
        ? t(
            `started without --network, it landed on the default bridge: ${commands.join('; ')}`,
            `--network 없이 실행해서 기본 bridge 에 연결되었습니다: ${commands.join('; ')}`,
          )
        : commands.join('; '),
    },
  );
});

/** The container (or, without `container`, any running one) on `network` with `address` configured (--ip). */
kind('configured-address', ['network', 'address'], ['container'], async (ctx, p) => {
  const n = await network(ctx, p.str('network'));
  if (isOutcome(n)) return n;
  const address = p.str('address');
  const name = p.optStr('container');
  const candidates = name ? [await running(ctx, name)] : (await ctx.host.containersOn(n)).filter((c) => c.running);
  const found = candidates.find((c) => !isOutcome(c) && endpointOn(c, n)?.configuredAddress === address) as
    Container | undefined;
  if (found)
    return pass(
      t(
        `${found.name} has ${address} configured on ${n.name}`,
        `${found.name} 컨테이너에 ${n.name} 주소 ${address} 가 설정되어 있습니다`,
      ),
    );
  if (name && isOutcome(candidates[0])) return candidates[0];
  const seen = (candidates.filter((c) => !isOutcome(c)) as Container[]).map(
    (c) =>
      `${c.name}: ${endpointOn(c, n)?.address ?? '-'}${endpointOn(c, n)?.configuredAddress ? ' (--ip)' : ' (dynamic)'}`,
  );
  return fail(
    t(
      `no running container has ${address} configured on ${n.name}`,
      `${n.name} 에서 ${address} 주소가 설정된 실행 중인 컨테이너가 없습니다`,
    ),
    {
      expected: t(`--ip ${address} on ${n.name}`, `${n.name} 에서 --ip ${address}`),
      actual:
        seen.length > 0 ? list(seen) : t(`no running container on ${n.name}`, `${n.name} 에 실행 중인 컨테이너 없음`),
      hint: t(
        `an address that happens to match is not configured: docker run --network ${n.name} --ip ${address} …`,
        `우연히 같은 주소는 설정된 것이 아닙니다: docker run --network ${n.name} --ip ${address} …`,
      ),
    },
  );
});

/** The address really on an interface in the container's namespace, seen by a probe joined to it. */
kind('interface-address', ['container', 'address'], [], async (ctx, p) => {
  const c = await running(ctx, p.str('container'));
  if (isOutcome(c)) return c;
  const cidr = p.str('address');
  const interfaces = await (await ctx.probes.join(c.id)).interfaces();
  const all = interfaces.flatMap((i) => i.ipv4.map((a) => `${i.name} ${a}`));
  if (interfaces.some((i) => i.ipv4.includes(cidr)))
    return pass(t(`${c.name}'s namespace carries ${cidr}`, `${c.name} 의 네임스페이스에 ${cidr} 가 있습니다`), {
      actual: list(all),
    });
  return fail(t(`${c.name}'s namespace does not carry ${cidr}`, `${c.name} 의 네임스페이스에 ${cidr} 가 없습니다`), {
    expected: cidr,
    actual: list(all) || t('no IPv4 address', 'IPv4 주소 없음'),
  });
});

/** A running container carries the alias on that network's endpoint (a name is not an alias). */
kind('alias', ['network', 'alias'], ['container'], async (ctx, p) => {
  const n = await network(ctx, p.str('network'));
  if (isOutcome(n)) return n;
  const alias = p.str('alias');
  const name = p.optStr('container');
  const on = (await ctx.host.containersOn(n)).filter((c) => c.running && (!name || c.name === name));
  const carriers = on.filter((c) => endpointOn(c, n)?.aliases.includes(alias));
  if (carriers.length > 0)
    return pass(
      t(
        `alias ${alias} is configured on ${n.name} for ${list(carriers.map((c) => c.name))}`,
        `${n.name} 에서 ${list(carriers.map((c) => c.name))} 에 별칭 ${alias} 설정됨`,
      ),
    );
  return fail(
    t(
      `no running container${name ? ` ${name}` : ''} has the alias ${alias} on ${n.name}`,
      `${n.name} 에 별칭이 ${alias} 인 실행 중인 컨테이너${name ? ` ${name}` : ''}가 없습니다`,
    ),
    {
      expected: t(`alias ${alias} on ${n.name}`, `${n.name} 에서 별칭 ${alias}`),
      actual:
        on.length > 0
          ? list(on.map((c) => `${c.name}: ${endpointOn(c, n)?.aliases.join(' ') || '-'}`))
          : t(`no running container on ${n.name}`, `${n.name} 에 실행 중인 컨테이너 없음`),
      hint: `docker run -d --network ${n.name} --network-alias ${alias} <image>`,
    },
  );
});

/**
 * From a probe on `network`, `name` resolves to exactly the addresses there of the
 * running containers `to` (without `to`: those carrying `name` as an alias). The
 * probe's own DNS upstream keeps any unknown name's query on the host.
 */
kind('resolves', ['network', 'name'], ['to'], async (ctx, p) => {
  const n = await network(ctx, p.str('network'));
  if (isOutcome(n)) return n;
  const name = p.str('name');
  const to = p.optList('to');
  const on = (await ctx.host.containersOn(n)).filter((c) => c.running);
  const targets = on.filter((c) => (to ? to.includes(c.name) : endpointOn(c, n)?.aliases.includes(name)));
  const expected = [...new Set(targets.map((c) => endpointOn(c, n)?.address).filter((a): a is string => !!a))].sort();
  const actual = [...new Set(await (await ctx.probes.attachWithOwnDns(n.name)).resolve(name))].sort();
  const label = (a: string) =>
    `${a}${on.find((c) => endpointOn(c, n)?.address === a) ? ` (${on.find((c) => endpointOn(c, n)?.address === a)!.name})` : ''}`;
  if (actual.join() === expected.join())
    return pass(
      t(
        `${name} resolves to ${list(expected) || 'nothing'} on ${n.name}`,
        `${n.name} 에서 ${name} 이름 해석 결과: ${list(expected) || '없음'}`,
      ),
      { actual: list(actual) },
    );
  return fail(
    t(
      `${name} does not resolve to exactly ${list(to ?? [`the containers with alias ${name}`])} on ${n.name}`,
      `${n.name} 에서 ${name} 이름 해석 결과가 ${list(to ?? [`별칭 ${name} 컨테이너`])} 와 정확히 일치하지 않습니다`,
    ),
    {
      expected: list(expected.map(label)) || t('no address', '주소 없음'),
      actual: list(actual.map(label)) || t('no answer', '응답 없음'),
      hint: t(`compare with docker network inspect ${n.name}`, `docker network inspect ${n.name} 결과와 비교해 보세요`),
    },
  );
});

// ---------------------------------------------------------------- traffic

const PROTOCOLS = ['icmp', 'tcp'] as const;

async function answers(
  probe: Probe,
  address: string,
  proto: 'icmp' | 'tcp',
  port: number | undefined,
): Promise<boolean> {
  return proto === 'icmp' ? probe.pings(address) : probe.connects(address, port!);
}

interface Path {
  from: Container;
  to: Container;
  probe: Probe;
  proto: 'icmp' | 'tcp';
  port?: number;
  /** by the name (the default) or only by address */
  byName: boolean;
}

async function path(ctx: GradingContext, p: Params): Promise<Path | Outcome> {
  const [from, to] = await Promise.all([running(ctx, p.str('from')), running(ctx, p.str('to'))]);
  if (isOutcome(from)) return from;
  if (isOutcome(to)) return to;
  const proto = p.oneOf('protocol', PROTOCOLS, 'icmp');
  const port = p.optPort('port');
  if (proto === 'tcp' && port === undefined) throw new Error(`a tcp reach check needs a port`);
  return {
    from,
    to,
    proto,
    port,
    probe: await ctx.probes.join(from.id),
    byName: p.oneOf('by', ['name', 'address'] as const, 'name') === 'name',
  };
}

const how = (x: Path) => (x.proto === 'icmp' ? 'ping' : `tcp/${x.port}`);

/** From A's namespace (a probe joined to it): B's name resolves to one of B's addresses, and that address answers. */
kind('reaches', ['from', 'to'], ['by', 'protocol', 'port'], async (ctx, p) => {
  const x = await path(ctx, p);
  if (isOutcome(x)) return x;
  const own = addresses(x.to);
  let targets = own;
  const shared = sharedUserNetworks(x.from, x.to);
  if (x.byName) {
    // Without a shared user-defined network the embedded DNS does not know the name and would ask the host's resolver: no lookup then.
    const resolved = shared.length > 0 ? await x.probe.resolve(x.to.name) : [];
    targets = resolved.filter((a) => own.includes(a));
    if (targets.length === 0) {
      return fail(
        t(
          `${x.to.name} does not resolve inside ${x.from.name}`,
          `${x.from.name} 안에서 ${x.to.name} 이름이 해석되지 않습니다`,
        ),
        {
          expected: t(`${x.to.name} resolving to one of ${list(own)}`, `${x.to.name} 이 ${list(own)} 중 하나로 해석됨`),
          actual:
            shared.length > 0
              ? list(resolved) || t('no answer', '응답 없음')
              : t(
                  `no user-defined network shared: ${x.from.name} on ${networksOf(x.from)}, ${x.to.name} on ${networksOf(x.to)}`,
                  `함께 연결된 사용자 정의 네트워크 없음`,
                ),
          hint: t(
            `names resolve only on a user-defined network both containers share: docker network connect <network> ${x.from.name}`,
            `이름은 두 컨테이너가 함께 연결된 사용자 정의 네트워크에서만 해석됩니다: docker network connect <network> ${x.from.name}`,
          ),
        },
      );
    }
  }
  const answered = (
    await Promise.all(targets.map(async (a) => ((await answers(x.probe, a, x.proto, x.port)) ? a : undefined)))
  ).filter((a): a is string => !!a);
  if (answered.length > 0)
    return pass(
      t(
        `${x.from.name} reaches ${x.to.name} (${list(answered)}, ${how(x)})`,
        `${x.from.name} 에서 ${x.to.name} (${list(answered)}, ${how(x)}) 에 닿습니다`,
      ),
    );
  const blame = await blameBetween(ctx, x.from, x.to, x.proto, x.port);
  return fail(
    t(
      `${x.to.name} (${list(targets)}) does not answer ${x.from.name}`,
      `${x.to.name} (${list(targets)}) 가 ${x.from.name} 에 응답하지 않습니다`,
    ),
    {
      expected: t(`an answer (${how(x)})`, `응답 (${how(x)})`),
      actual: t('no answer', '응답 없음'),
      hint:
        blame ??
        t(
          `is ${x.to.name} restarting, or is something inside it dropping the traffic?`,
          `${x.to.name} 가 재시작 중이거나 안에서 트래픽을 버리고 있는지 확인해 보세요`,
        ),
    },
  );
});

/**
 * Those of `targets` that answer from A's namespace. On one host an answer takes well under
 * a millisecond and a DROP gives none, so a short deadline decides, as long as a control
 * asked at the same moment (A's own address, from the same namespace) shows the host
 * responsive; otherwise whatever stayed silent is asked again with a second to answer.
 */
async function answeringQuickly(x: Path, targets: string[]): Promise<string[]> {
  const port = x.proto === 'tcp' ? x.port : undefined;
  const control = addresses(x.from)[0];
  const ask = (among: string[], deadlineS: number) =>
    Promise.all([
      Promise.all(among.map((a) => x.probe.answersWithin(a, port, deadlineS))),
      control ? x.probe.answersWithin(control, undefined, deadlineS) : undefined,
    ]);
  const [quick, controlled] = await ask(targets, QUICK_DEADLINE_S);
  const answered = targets.filter((_, i) => quick[i].answered);
  const silent = targets.filter((_, i) => !quick[i].answered);
  if (silent.length === 0 || answeredAtOnce(controlled?.answered ? controlled : undefined)) return answered;
  const [patient] = await ask(silent, PATIENT_REACH_S);
  return [...answered, ...silent.filter((_, i) => patient[i].answered)];
}

/** From A's namespace, B's name does not resolve (judged by the engine's records, so nothing is asked upstream) and none of B's addresses answers. */
kind('cannot-reach', ['from', 'to'], ['protocol', 'port'], async (ctx, p) => {
  const x = await path(ctx, p);
  if (isOutcome(x)) return x;
  const shared = sharedUserNetworks(x.from, x.to);
  const answered = await answeringQuickly(x, addresses(x.to));
  if (shared.length === 0 && answered.length === 0) {
    return pass(t(`${x.from.name} cannot reach ${x.to.name}`, `${x.from.name} 에서 ${x.to.name} 에 닿을 수 없습니다`), {
      actual: t(
        `no shared network, no answer from ${list(addresses(x.to))}`,
        `공유 네트워크 없음, ${list(addresses(x.to))} 응답 없음`,
      ),
    });
  }
  return fail(t(`${x.from.name} can reach ${x.to.name}`, `${x.from.name} 에서 ${x.to.name} 에 닿을 수 있습니다`), {
    expected: t(`no shared network and no answer`, `공유 네트워크 없음, 응답 없음`),
    actual: list([
      ...(shared.length > 0 ? [`both on ${list(shared)}`] : []),
      ...(answered.length > 0 ? [`${list(answered)} answers (${how(x)})`] : []),
    ]),
    hint:
      shared.length > 0
        ? t(
            `containers on one network reach each other: ${shared.map((n) => `docker network disconnect ${n} <${x.from.name} or ${x.to.name}>`).join('; ')}`,
            `같은 네트워크의 컨테이너는 서로 닿습니다: ${shared.map((n) => `docker network disconnect ${n} <${x.from.name} 또는 ${x.to.name}>`).join('; ')}`,
          )
        : t(
            'the two share no network, yet traffic passes: look for host routes or firewall rules',
            '공유 네트워크가 없는데도 트래픽이 지나갑니다: 호스트 라우트나 방화벽 규칙을 확인해 보세요',
          ),
  });
});

// The sentinel is on this host and answers in milliseconds; a DROP answers nothing, so a
// short deadline decides, as long as a control on the default bridge shows the host is responsive.
const QUICK_DEADLINE_S = 0.15;
const PATIENT_DEADLINE_S = 2;
/** what `reaches` waits for an answer, and `cannot-reach` after a slow control */
const PATIENT_REACH_S = 1;

/** A control that answered well inside the quick deadline: the host is responsive, so silence within it means no answer. */
function answeredAtOnce(control: { elapsedS: number } | undefined): boolean {
  return control !== undefined && control.elapsedS <= QUICK_DEADLINE_S / 3;
}

async function sentinelFrom(
  inside: Probe,
  control: Probe,
  sentinel: Sentinel,
  deadlineS: number,
): Promise<[boolean, { elapsedS: number } | undefined]> {
  const [a, b] = await Promise.all([inside.reaches(sentinel, deadlineS), control.reaches(sentinel, deadlineS)]);
  return [a.reached, b.reached ? b : undefined];
}

/** No way out: from the container's namespace, the grader's sentinel outside every Docker network does not answer. */
kind('no-way-out', ['container'], [], async (ctx, p) => {
  const c = await running(ctx, p.str('container'));
  if (isOutcome(c)) return c;
  const [sentinel, inside, control] = await Promise.all([
    ctx.probes.sentinel(),
    ctx.probes.join(c.id),
    ctx.probes.attach('bridge'),
  ]);
  let [reached, control1] = await sentinelFrom(inside, control, sentinel, QUICK_DEADLINE_S);
  if (!reached && !answeredAtOnce(control1))
    [reached, control1] = await sentinelFrom(inside, control, sentinel, PATIENT_DEADLINE_S);
  if (!control1)
    throw new Error(
      `cannot judge isolation: the sentinel at ${sentinel.address}:${sentinel.port} is unreachable even from the default bridge network`,
    );
  if (!reached)
    return pass(
      t(`${c.name} cannot reach a server outside its networks`, `${c.name} 에서 네트워크 밖의 서버에 닿을 수 없습니다`),
    );
  return fail(
    t(`${c.name} can reach a server outside its networks`, `${c.name} 에서 네트워크 밖의 서버에 닿을 수 있습니다`),
    {
      expected: t(
        `no connection to ${sentinel.address}:${sentinel.port}`,
        `${sentinel.address}:${sentinel.port} 에 연결할 수 없음`,
      ),
      actual: t('connected and got an answer', '연결되어 응답을 받음'),
      hint: t(
        `look for a network that is not internal (docker inspect ${c.name})`,
        `internal 이 아닌 네트워크가 있는지 확인해 보세요 (docker inspect ${c.name})`,
      ),
    },
  );
});

// ---------------------------------------------------------------- published ports

interface Binding {
  container: Container;
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

function bindingsOf(c: Container): Binding[] {
  return c.published.map((b) => {
    const [port, protocol] = b.containerPort.split('/');
    return {
      container: c,
      containerPort: Number(port),
      protocol: protocol ?? 'tcp',
      hostIp: b.hostIp || '0.0.0.0',
      hostPort: Number(b.hostPort),
    };
  });
}

const showBinding = (b: Binding) =>
  `${b.container.name} ${b.hostIp.includes(':') ? `[${b.hostIp}]` : b.hostIp}:${b.hostPort}->${b.containerPort}/${b.protocol}`;

/** Containers that exist but are not running, with the engine's reason (a busy host port says so there). */
async function notRunning(ctx: GradingContext): Promise<Container[]> {
  const seen = new Map<string, Container>();
  for (const n of await ctx.host.networks())
    for (const c of await ctx.host.containersOn(n)) if (!c.running) seen.set(c.id, c);
  return [...seen.values()];
}

/**
 * A running container (any, or `container`) publishes every container port of
 * `container-port` on the same-position host port of `host-port`, with `protocol`, on
 * `host-ip` (any address when absent). With `only`, that host port is bound on no other
 * address. With `connect`, a probe in the engine host's own namespace connects to it and
 * gets what the container itself answers on its own address.
 */
kind(
  'published',
  ['container-port', 'host-port'],
  ['container', 'protocol', 'host-ip', 'only', 'connect'],
  async (ctx, p) => {
    const containerPorts = p.ports('container-port');
    const hostPorts = p.ports('host-port');
    if (containerPorts.length !== hostPorts.length)
      throw new Error(`container-port and host-port must be ranges of one length`);
    const protocol = p.oneOf('protocol', ['tcp', 'udp'] as const, 'tcp');
    const hostIp = p.optStr('host-ip');
    const name = p.optStr('container');
    const candidates = (await ctx.host.runningContainers()).filter((c) => !name || c.name === name);
    const all = candidates.flatMap(bindingsOf);
    const spec = `${hostIp ? `${hostIp}:` : ''}${p.raw('host-port')}:${p.raw('container-port')}/${protocol}`;
    const fits = (b: Binding, i: number) =>
      b.containerPort === containerPorts[i] &&
      b.hostPort === hostPorts[i] &&
      b.protocol === protocol &&
      (!hostIp || b.hostIp === hostIp);
    const owner = candidates.find((c) => containerPorts.every((_, i) => bindingsOf(c).some((b) => fits(b, i))));
    const expected = t(
      `a running container published with -p ${spec}`,
      `-p ${spec} 로 포트를 게시한 실행 중인 컨테이너`,
    );
    if (!owner) {
      const refused = ctx.engine.rootless && refusedPrivilegedPort(await notRunning(ctx), hostPorts);
      if (refused) throw refused;
    }
    if (!owner)
      return fail(t(`no running container publishes ${spec}`, `${spec} 를 게시한 실행 중인 컨테이너가 없습니다`), {
        expected,
        actual: list(all.map(showBinding)) || t('no published ports', '게시된 포트 없음'),
        hint: await publishHint(ctx, all, containerPorts, hostPorts, protocol, hostIp, spec),
      });

    if (p.optBool('only')) {
      const others = (await ctx.host.runningContainers())
        .flatMap(bindingsOf)
        .filter((b) => hostPorts.includes(b.hostPort) && b.protocol === protocol && b.hostIp !== hostIp);
      if (others.length > 0) {
        return fail(
          t(
            `host port ${p.raw('host-port')}/${protocol} is also published on other addresses`,
            `호스트 포트 ${p.raw('host-port')}/${protocol} 가 다른 주소에도 게시되어 있습니다`,
          ),
          {
            expected: t(`only on ${hostIp}`, `${hostIp} 에만`),
            actual: list(others.map(showBinding)),
            hint: t(
              `-p ${p.raw('host-port')}:${p.raw('container-port')} publishes on every interface: recreate the container with -p ${spec}`,
              `-p ${p.raw('host-port')}:${p.raw('container-port')} 는 모든 인터페이스에 게시합니다: -p ${spec} 로 컨테이너를 다시 만드세요`,
            ),
          },
        );
      }
      const external = protocol === 'tcp' && hostIp ? await externalAnswers(ctx, hostPorts[0]) : undefined;
      if (external) {
        return fail(
          t(
            `port ${hostPorts[0]} also answers on the host's address ${external}`,
            `${hostPorts[0]} 포트가 호스트 주소 ${external} 에서도 응답합니다`,
          ),
          {
            expected: t(`only ${hostIp}:${hostPorts[0]}`, `${hostIp}:${hostPorts[0]} 에서만`),
            actual: t(`${external}:${hostPorts[0]} answers`, `${external}:${hostPorts[0]} 응답함`),
            hint: t(`publish on loopback only: -p ${spec}`, `루프백에만 게시하세요: -p ${spec}`),
          },
        );
      }
    }
    if (p.optBool('connect')) {
      if (protocol !== 'tcp' || containerPorts.length !== 1) throw new Error('connect: true is for one tcp port');
      return judgeConnection(ctx, owner, hostIp ?? '127.0.0.1', hostPorts[0], containerPorts[0]);
    }
    return pass(t(`${owner.name} publishes ${spec}`, `${owner.name} 컨테이너가 ${spec} 를 게시합니다`), {
      actual: list(bindingsOf(owner).map(showBinding)),
    });
  },
);

/** The likeliest mistake behind a missing binding, first the one the engine itself reported. */
async function publishHint(
  ctx: GradingContext,
  all: Binding[],
  containerPorts: number[],
  hostPorts: number[],
  protocol: string,
  hostIp: string | undefined,
  spec: string,
): Promise<Text> {
  const busy = (await notRunning(ctx)).find(
    (c) => c.error && /address already in use|port is already allocated/i.test(c.error),
  );
  if (busy)
    return t(
      `${busy.name} exists but did not start: ${busy.error}. Something on the host already holds that port; free it, then docker start ${busy.name}`,
      `${busy.name} 컨테이너는 있지만 시작되지 않았습니다: ${busy.error}. 호스트에서 그 포트를 이미 쓰고 있습니다. 포트를 비운 뒤 docker start ${busy.name}`,
    );
  if (
    all.some(
      (b) =>
        b.containerPort === hostPorts[0] &&
        b.hostPort === containerPorts[0] &&
        b.protocol === protocol &&
        hostPorts[0] !== containerPorts[0],
    )
  )
    return t(
      `host and container ports are swapped: -p takes HOST:CONTAINER, so -p ${spec}`,
      `호스트 포트와 컨테이너 포트가 바뀌었습니다: -p 는 호스트:컨테이너 순서입니다. -p ${spec}`,
    );
  if (
    protocol === 'udp' &&
    all.some((b) => b.containerPort === containerPorts[0] && b.hostPort === hostPorts[0] && b.protocol === 'tcp')
  )
    return t(
      `that binding is TCP: without /udp, -p publishes TCP only. Use -p ${spec}`,
      `그 게시는 TCP 입니다: /udp 를 붙이지 않으면 -p 는 TCP 만 게시합니다. -p ${spec} 를 쓰세요`,
    );
  if (
    hostIp &&
    all.some((b) => b.containerPort === containerPorts[0] && b.hostPort === hostPorts[0] && b.protocol === protocol)
  )
    return t(
      `it is published, but not on ${hostIp}: -p ${hostPorts[0]}:${containerPorts[0]} binds every interface. Use -p ${spec}`,
      `게시는 되었지만 ${hostIp} 가 아닙니다: -p ${hostPorts[0]}:${containerPorts[0]} 는 모든 인터페이스에 바인딩합니다. -p ${spec} 를 쓰세요`,
    );
  if (containerPorts.length > 1)
    return t(
      `a range publishes host port = container port only when both ranges are the same: -p ${spec} (${containerPorts.length} ports)`,
      `범위는 두 범위가 같아야 호스트 포트와 컨테이너 포트가 일치합니다: -p ${spec} (${containerPorts.length}개 포트)`,
    );
  return t(
    `publishing is fixed when the container is created: docker rm -f <container>, then docker run -d -p ${spec} …`,
    `포트 게시는 컨테이너를 만들 때 정해집니다: docker rm -f <컨테이너> 후 docker run -d -p ${spec} …`,
  );
}

/**
 * Proves the path from the engine host's own namespace: hostIp:hostPort must answer
 * what the container answers on its own address (a proxy may accept a connection that
 * leads nowhere). With `only`, the host's default-route address must not answer it.
 */
async function judgeConnection(
  ctx: GradingContext,
  owner: Container,
  hostIp: string,
  hostPort: number,
  containerPort: number,
): Promise<Outcome> {
  const host = await ctx.probes.hostNetwork();
  const direct = addresses(owner)[0];
  const [viaHost, viaContainer] = await Promise.all([
    host.httpGet(hostIp, hostPort, 2),
    direct ? host.httpGet(direct, containerPort, 2) : Promise.resolve({ answer: undefined }),
  ]);
  const first = (s?: string) => s?.split('\n')[0].trim();
  if (!viaContainer.answer) {
    return fail(
      t(
        `${owner.name} answers nothing on port ${containerPort}`,
        `${owner.name} 컨테이너가 ${containerPort} 포트에서 아무것도 응답하지 않습니다`,
      ),
      {
        expected: t(
          `a server in ${owner.name} on port ${containerPort}`,
          `${owner.name} 안에서 ${containerPort} 포트로 동작하는 서버`,
        ),
        actual: t(
          `no answer from ${direct ?? 'its address'}:${containerPort}`,
          `${direct ?? '컨테이너 주소'}:${containerPort} 응답 없음`,
        ),
        hint: t(
          `publishing forwards to a port someone listens on: run a server on port ${containerPort} (e.g. nginx)`,
          `포트 게시는 누군가 듣고 있는 포트로 전달합니다: ${containerPort} 포트로 서버를 실행하세요 (예: nginx)`,
        ),
      },
    );
  }
  if (first(viaHost.answer) !== first(viaContainer.answer)) {
    return fail(
      t(
        `${hostIp}:${hostPort} on the host does not lead to ${owner.name}`,
        `호스트의 ${hostIp}:${hostPort} 가 ${owner.name} 로 이어지지 않습니다`,
      ),
      {
        expected: first(viaContainer.answer)!,
        actual: first(viaHost.answer) ?? t('no answer', '응답 없음'),
        hint: t(
          'is another process on the host holding that port, or a firewall rule in the way?',
          '호스트의 다른 프로세스가 그 포트를 쓰고 있거나 방화벽 규칙이 막고 있는지 확인해 보세요',
        ),
      },
    );
  }
  return pass(
    t(
      `${hostIp}:${hostPort} on the host leads to ${owner.name}`,
      `호스트의 ${hostIp}:${hostPort} 가 ${owner.name} 로 이어집니다`,
    ),
    { actual: first(viaHost.answer) },
  );
}

/** The address of the engine host's default-route interface when it accepts `port`; none without a default route. */
async function externalAnswers(ctx: GradingContext, port: number): Promise<string | undefined> {
  const host = await ctx.probes.hostNetwork();
  const route = await host.run('ip -4 route show default');
  const device = /\sdev\s+(\S+)/.exec(route.stdout)?.[1];
  const external = device
    ? (await host.interfaces()).find((i) => i.name === device)?.ipv4[0]?.split('/')[0]
    : undefined;
  return external && (await host.connects(external, port)) ? external : undefined;
}

// ---------------------------------------------------------------- the host's firewall

/** A packet from outside through DOCKER-USER, judged by first-match simulation of the host's rules. */
kind('firewall-verdict', ['packet', 'verdict'], [], async (ctx, p) => {
  const { ruleset, externalInterface } = await ctx.firewall.read();
  const given = p.raw('packet') as Partial<Packet>;
  const packet: Packet = {
    inIface: externalInterface,
    outIface: 'docker0',
    src: '203.0.113.7',
    dst: '172.17.0.2',
    sport: 51000,
    ctstate: 'NEW',
    proto: 'tcp',
    ...given,
  };
  const wanted = p.oneOf('verdict', ['allowed', 'dropped'] as const, 'allowed');
  const verdict = evaluate(ruleset, 'DOCKER-USER', packet);
  if (verdict.kind === 'undecidable') {
    throw new Error(
      verdict.rule
        ? `DOCKER-USER rule ${verdict.rule.index} (${verdict.rule.text}) cannot be interpreted: ${verdict.reason}`
        : `DOCKER-USER cannot be judged: ${verdict.reason}`,
    );
  }
  const fate = verdict.kind === 'drop' || verdict.kind === 'reject' ? 'dropped' : 'allowed';
  const label = `${packet.proto}${packet.dport ? `/${packet.dport}` : ''} ${packet.ctstate}`;
  const by =
    'rule' in verdict && verdict.rule ? `rule ${verdict.rule.index} (${verdict.rule.text})` : 'the end of the chain';
  if (fate === wanted)
    return pass(
      t(`${label} is ${fate} by ${by}`, `${label} 패킷: ${by} 에 의해 ${fate === 'allowed' ? '허용' : '차단'}`),
    );
  return fail(
    t(`${label} is ${fate} by ${by}`, `${label} 패킷: ${by} 에 의해 ${fate === 'allowed' ? '허용' : '차단'}됨`),
    { expected: wanted, actual: fate },
  );
});

/** Why traffic between two containers dies, when a DOCKER-USER rule is what drops it. */
async function blameBetween(
  ctx: GradingContext,
  from: Container,
  to: Container,
  proto: 'icmp' | 'tcp',
  port?: number,
): Promise<Text | undefined> {
  for (const e of to.endpoints) {
    const mine = from.endpoints.find((f) => f.networkId === e.networkId);
    const n = mine && (await ctx.host.networkById(e.networkId));
    if (!n || !mine.address || !e.address) continue;
    const blame = await dockerUserBlame(ctx, n, mine.address, e.address, proto, port);
    if (blame) return blame;
  }
  return undefined;
}
