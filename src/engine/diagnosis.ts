// What `docknet doctor` finds: the course's troubleshooting script, done safely. It
// reads the engine and the host's firewall and names what looks wrong; it sends no
// traffic (the course's version pings google.com from every container).
import type { Engine } from '../docker/client.js';
import { HostView, containerName, isRunning, type ContainerDetails, type NetworkDetails } from '../docker/host.js';
import { openHostFirewall } from '../docker/host-firewall.js';
import { ensureProbeImage } from '../docker/probe-image.js';
import type { ProbeSession } from '../docker/probe.js';
import { ipv4Configs, networksOverlapping } from '../docker/subnets.js';
import { errorMessage } from '../errors.js';
import { isUnconditional, type Ruleset } from '../net/iptables.js';

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN']);

/** Pairs of networks whose IPv4 subnets overlap: the host cannot tell which bridge an address is on. */
export function overlappingSubnets(networks: NetworkDetails[]): string[] {
  return networks.flatMap((n, i) =>
    ipv4Configs(n).flatMap((c) =>
      networksOverlapping(networks.slice(i + 1), c.Subnet!, n.Name).map(
        (o) => `networks ${n.Name} (${c.Subnet}) and ${o.name} (${o.subnet}) overlap`,
      ),
    ),
  );
}

/** Rules of DOCKER-USER that no packet reaches: they sit behind a rule that decides everything. */
export function unreachableRules(ruleset: Ruleset): string[] {
  const rules = ruleset.chains.get('DOCKER-USER')?.rules ?? [];
  const blocker = rules.find((r) => isUnconditional(r) && TERMINAL.has(r.target.kind));
  if (!blocker) return [];
  return rules
    .filter((r) => r.index > blocker.index)
    .map(
      (r) =>
        `DOCKER-USER rule ${r.index} (${r.text}) is never reached: rule ${blocker.index} (${blocker.text}) decides every packet first; insert with iptables -I DOCKER-USER <position>, not -A`,
    );
}

function describeContainer(c: ContainerDetails): string {
  const networks = Object.entries(c.NetworkSettings.Networks ?? {})
    .map(([name, e]) => `${name} ${e.IPAddress || '(no address)'}`)
    .join(', ');
  const ports = Object.entries(c.NetworkSettings.Ports ?? {})
    .flatMap(([port, bindings]) => (bindings ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort}→${port}`))
    .join(', ');
  return `${containerName(c)} [${c.State.Status}] ${networks || `network mode ${c.HostConfig.NetworkMode}`}${ports ? `; published ${ports}` : ''}`;
}

function describeNetwork(n: NetworkDetails): string {
  const configs = (n.IPAM?.Config ?? [])
    .map((c) => `${c.Subnet ?? '?'}${c.IPRange ? ` range ${c.IPRange}` : ''}${c.Gateway ? ` gw ${c.Gateway}` : ''}`)
    .join('; ');
  return `${n.Name} (${n.Driver}${n.Internal ? ', internal' : ''}) ${configs || 'no IPAM config'}`;
}

export interface Diagnosis {
  engine: string;
  /** how the firewall was read, or why it could not be */
  firewall: { read: true; backend: string; externalInterface: string } | { read: false; why: string };
  networks: string[];
  containers: string[];
  problems: string[];
}

/** Reads the engine (and the host's firewall, through `probes` where it must) and names what looks wrong. */
export async function diagnose(engine: Engine, probes: ProbeSession, timeoutMs: number): Promise<Diagnosis> {
  const problems: string[] = [];
  const host = new HostView(engine.docker, timeoutMs);
  const [networks, summaries] = await Promise.all([host.networks(), host.containers()]);
  const containers = (await Promise.all(summaries.map((s) => host.containerById(s.Id)))).sort((a, b) =>
    containerName(a).localeCompare(containerName(b)),
  );

  let firewall: Diagnosis['firewall'];
  try {
    // the probe image is only needed when the firewall is read through a helper; without it the rest still shows
    await ensureProbeImage(engine.docker, engine.info.arch);
    const read = await openHostFirewall(engine.target, probes, { timeoutMs }).read();
    firewall = { read: true, backend: read.backend, externalInterface: read.externalInterface };
    problems.push(...unreachableRules(read.ruleset));
  } catch (err) {
    firewall = { read: false, why: errorMessage(err) };
  }

  problems.push(...overlappingSubnets(networks));
  const running = containers.filter(isRunning);
  const onDefaultBridge = running.filter((c) => c.NetworkSettings.Networks?.bridge);
  if (onDefaultBridge.length > 1) {
    problems.push(
      `${onDefaultBridge.map(containerName).join(', ')} are on the default bridge, where containers cannot resolve each other's names: put them on a user-defined network (docker network create …; docker network connect …)`,
    );
  } else if (onDefaultBridge.length === 1) {
    problems.push(
      `${containerName(onDefaultBridge[0])} is on the default bridge, where no container name resolves: use a user-defined network`,
    );
  }
  const byId = new Map(networks.map((n) => [n.Id, n]));
  for (const c of running) {
    const attached = Object.values(c.NetworkSettings.Networks ?? {})
      .map((e) => byId.get(e.NetworkID))
      .filter((n): n is NetworkDetails => n !== undefined);
    const internal = attached.filter((n) => n.Internal);
    const open = attached.filter((n) => !n.Internal && n.Driver !== 'null');
    if (internal.length > 0 && open.length > 0) {
      problems.push(
        `${containerName(c)} is on the internal network ${internal.map((n) => n.Name).join(', ')} and also on ${open.map((n) => n.Name).join(', ')}, which is a way out`,
      );
    }
  }
  for (const c of containers.filter((x) => !isRunning(x) && Object.keys(x.NetworkSettings.Networks ?? {}).length > 0)) {
    problems.push(
      `${containerName(c)} is ${c.State.Status}${c.State.Status === 'exited' ? ` (exit code ${c.State.ExitCode})` : ''}: its networks have no one there`,
    );
  }
  return {
    engine: `Docker ${engine.info.version} (API ${engine.info.apiVersion}) at ${engine.target.label}`,
    firewall,
    networks: networks.map(describeNetwork),
    containers: containers.map(describeContainer),
    problems,
  };
}
