// A host held in memory, for running graders without an engine: the domain views of
// src/engine/views.ts filled from plain objects, and probes that answer the way
// Docker's networking would for that state unless a test says otherwise.
import type { HostFirewall } from '../../src/docker/host-firewall.js';
import type { Grader, Lang } from '../../src/engine/grader.js';
import type { Status } from '../../src/engine/results.js';
import type { GradingContext } from '../../src/engine/context.js';
import { loadExercise } from '../../src/engine/exercise.js';
import { runChecks } from '../../src/engine/runner.js';
import type {
  Container,
  Endpoint,
  Host,
  IpamPool,
  NetInterface,
  Network,
  Probe,
  Probes,
  Sentinel,
} from '../../src/engine/views.js';

export function network(name: string, fields: Partial<Network> = {}): Network {
  return { id: `${name}-id`, name, driver: 'bridge', internal: false, ipam: [], options: {}, ...fields };
}

export function pool(subnet: string, fields: Partial<IpamPool> = {}): IpamPool {
  return { subnet, ...fields };
}

/** An endpoint on `on`, with the address it has and, for `--ip`, the same address configured. */
export function endpoint(on: Network, address: string, fields: Partial<Endpoint> = {}): Endpoint {
  return { networkId: on.id, network: on.name, address, mac: macFor(address), aliases: [], ...fields };
}

/** A running container with these endpoints; `fields` makes it stopped, host-networked… */
export function container(name: string, endpoints: Endpoint[], fields: Partial<Container> = {}): Container {
  return {
    id: `${name}-id`,
    name,
    running: true,
    status: 'running',
    exitCode: 0,
    networkMode: endpoints[0]?.network ?? 'none',
    endpoints,
    published: [],
    ...fields,
  };
}

export const exited = { running: false, status: 'exited', exitCode: 0 } satisfies Partial<Container>;

function macFor(address: string): string {
  return `02:42:${address
    .split('.')
    .map((n) => Number(n).toString(16).padStart(2, '0'))
    .join(':')}`;
}

export class MemoryHost implements Host {
  constructor(
    readonly networkList: Network[],
    readonly containerList: Container[],
  ) {}

  async networks() {
    return this.networkList;
  }
  async network(name: string) {
    return this.networkList.find((n) => n.name === name);
  }
  async networkById(id: string) {
    return this.networkList.find((n) => n.id === id);
  }
  async container(name: string) {
    return this.containerList.find((c) => c.name === name);
  }
  async runningContainers() {
    return this.containerList.filter((c) => c.running);
  }
  async containersOn(on: Network) {
    return this.containerList.filter((c) => c.endpoints.some((e) => e.networkId === on.id));
  }
}

/** What a test changes in how the simulated network behaves. */
export interface Quirks {
  /** addresses whose owner drops ICMP */
  dropsPings?: string[];
  /** a container's interfaces as a probe in its namespace reads them, when something inside changed them */
  interfaces?: Record<string, NetInterface[]>;
  /** names a DNS server answers differently from the endpoints' names and aliases */
  dns?: Record<string, string[]>;
  /** even the control probe on the default bridge cannot reach the sentinel */
  sentinelUnreachable?: boolean;
  /** addresses that answer from any network, as through a host route or a firewall rule someone added */
  answersAcross?: string[];
  /** a loaded host: every answer takes 0.5 s, a namespace's answer to itself 0.1 s */
  loaded?: boolean;
}

export const SENTINEL: Sentinel = { address: '198.18.0.2', port: 80, token: 'docknet-sentinel-test' };

/**
 * Probes answering from the host's state: a name resolves to the running containers
 * that carry it (as name or alias) on the networks the asking probe shares with
 * them; an address answers a ping from a probe on its network, or from the host's
 * namespace; the sentinel is reached from any namespace with a non-internal network.
 */
export class MemoryProbes implements Probes {
  /** every name looked up, with the probe that asked: a name the host does not know may be forwarded upstream */
  readonly lookups: string[] = [];
  /** every answersWithin asked: from which probe, to which address, with what deadline */
  readonly asked: { from: string; address: string; deadlineS: number }[] = [];

  constructor(
    private readonly host: MemoryHost,
    private readonly quirks: Quirks = {},
  ) {}

  async sentinel() {
    return SENTINEL;
  }

  async join(containerId: string) {
    const c = this.host.containerList.find((x) => x.id === containerId);
    if (!c?.running) throw new Error(`cannot join ${containerId}: not running`);
    return this.probe(
      `join:${c.name}`,
      c.endpoints,
      c.networkMode === 'host',
      this.quirks.interfaces?.[c.name] ?? interfacesOf(c.endpoints, this.host),
    );
  }

  async attach(name: string) {
    return this.probe(`attach:${name}`, this.endpointsFor(name), false, []);
  }

  async attachWithOwnDns(name: string) {
    return this.probe(`own-dns:${name}`, this.endpointsFor(name), false, []);
  }

  async hostNetwork() {
    return this.probe('host-network', [], true, []);
  }

  private endpointsFor(name: string): Endpoint[] {
    const on = this.host.networkList.find((n) => n.name === name);
    if (!on) throw new Error(`network ${name} not found`);
    return [{ networkId: on.id, network: on.name, aliases: [] }];
  }

  private probe(key: string, endpoints: Endpoint[], hostNamespace: boolean, interfaces: NetInterface[]): Probe {
    const lookups = this.lookups;
    const asked = this.asked;
    const host = this.host;
    const quirks = this.quirks;
    const shared = (e: Endpoint) => endpoints.some((mine) => mine.networkId === e.networkId);
    const running = host.containerList.filter((c) => c.running);
    const networks = endpoints.map((e) => host.networkList.find((n) => n.id === e.networkId));
    return {
      async resolve(name) {
        lookups.push(`${key} ${name}`);
        if (quirks.dns?.[name]) return quirks.dns[name];
        // The default bridge has no DNS for names.
        return running.flatMap((c) =>
          c.endpoints
            .filter(
              (e) => e.network !== 'bridge' && shared(e) && e.address && (c.name === name || e.aliases.includes(name)),
            )
            .map((e) => e.address!),
        );
      },
      async pings(address) {
        if (quirks.dropsPings?.includes(address)) return false;
        if (quirks.answersAcross?.includes(address)) return true;
        return running.some((c) => c.endpoints.some((e) => e.address === address && (hostNamespace || shared(e))));
      },
      async answersWithin(address, _port, deadlineS) {
        asked.push({ from: key, address, deadlineS });
        const own = endpoints.some((e) => e.address === address);
        const takes = quirks.loaded ? (own ? 0.1 : 0.5) : 0.001;
        const answered = (own || (await this.pings(address))) && takes <= deadlineS;
        return { answered, elapsedS: answered ? takes : deadlineS };
      },
      async connects(address) {
        return this.pings(address);
      },
      async httpGet() {
        return {};
      },
      async run() {
        throw new Error('no shell in memory');
      },
      async interfaces() {
        return interfaces;
      },
      async reaches(target, deadlineS) {
        if (target !== SENTINEL) throw new Error('only the sentinel is reachable in memory');
        const wayOut = hostNamespace || networks.some((n) => n && !n.internal && n.driver !== 'null');
        const reached = wayOut && !quirks.sentinelUnreachable;
        return { reached, elapsedS: reached ? 0.002 : deadlineS };
      },
    };
  }
}

/** The MAC and address of each endpoint as the container's namespace shows them, prefix from the network's pool. */
function interfacesOf(endpoints: Endpoint[], host: MemoryHost): NetInterface[] {
  return endpoints.map((e, i) => {
    const prefix = host.networkList.find((n) => n.id === e.networkId)?.ipam[0]?.subnet.split('/')[1] ?? '16';
    return { name: `eth${i}`, mac: e.mac ?? '', ipv4: e.address ? [`${e.address}/${prefix}`] : [] };
  });
}

/** A grading context on an in-memory host; the firewall is not part of these exercises. */
export function memoryContext(
  host: MemoryHost,
  quirks: Quirks = {},
  apiVersion = '1.41',
): GradingContext & { probes: MemoryProbes } {
  const firewall = {
    read: () => Promise.reject(new Error('no firewall in memory')),
  } as unknown as HostFirewall;
  return { host, probes: new MemoryProbes(host, quirks), engine: { version: '20.10.24', apiVersion }, firewall };
}

/** Every check's status, as the runner decides it (prerequisites included), and the results to read messages from. */
export async function gradeInMemory(grader: Grader<GradingContext>, ctx: GradingContext, lang: Lang = 'en') {
  const results = await runChecks(loadExercise(grader, lang).checks, ctx, { checkTimeoutMs: 5_000, lang });
  return {
    statuses: Object.fromEntries(results.map((r) => [r.id, r.status])) as Record<string, Status>,
    result: (id: string) => results.find((r) => r.id === id)!,
  };
}

/** Every check passed but those named, which have exactly the status given. */
export function allPassedBut(
  grader: Grader<GradingContext>,
  others: Record<string, Exclude<Status, 'passed'>> = {},
): Record<string, Status> {
  return Object.fromEntries(grader.checks.map((c) => [c.id, others[c.id] ?? 'passed']));
}
