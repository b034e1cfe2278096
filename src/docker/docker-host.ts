import type Docker from 'dockerode';
import { configuredAliases } from './aliases.js';
import { containerName, HostView, isRunning, type ContainerDetails, type NetworkDetails } from './host.js';

/**
 * The host's networks and containers in the graders' terms (src/engine/views.ts, whose
 * shapes this satisfies without importing them: the engine layer sits above this one),
 * read through a cached HostView. Aliases are read here for the engine's API version,
 * so no grader needs to know how each version reports them.
 */
export class DockerHost {
  private readonly view: HostView;

  constructor(
    docker: Docker,
    timeoutMs: number,
    private readonly apiVersion: string,
  ) {
    this.view = new HostView(docker, timeoutMs);
  }

  async networks() {
    return (await this.view.networks()).map(toNetwork);
  }

  async network(name: string) {
    const found = await this.view.network(name);
    return found && toNetwork(found);
  }

  async networkById(id: string) {
    const found = await this.view.networkById(id);
    return found && toNetwork(found);
  }

  async container(name: string) {
    const found = await this.view.container(name);
    return found && this.toContainer(found);
  }

  async runningContainers() {
    return (await this.view.runningContainers()).map((c) => this.toContainer(c));
  }

  async containersOn(network: { id: string }) {
    return (await this.view.containersOn(network.id)).map((c) => this.toContainer(c));
  }

  private toContainer(c: ContainerDetails) {
    return {
      id: c.Id,
      name: containerName(c),
      running: isRunning(c),
      status: c.State.Status,
      exitCode: c.State.ExitCode,
      ...(c.State.Error && { error: c.State.Error }),
      networkMode: c.HostConfig.NetworkMode ?? '',
      endpoints: Object.entries(c.NetworkSettings.Networks ?? {}).map(([network, endpoint]) => ({
        networkId: endpoint.NetworkID,
        network,
        address: endpoint.IPAddress || undefined,
        configuredAddress: endpoint.IPAMConfig?.IPv4Address || undefined,
        mac: endpoint.MacAddress || undefined,
        aliases: configuredAliases({ container: c, endpoint }, this.apiVersion),
      })),
      published: Object.entries(c.NetworkSettings.Ports ?? {}).flatMap(([containerPort, bindings]) =>
        (bindings ?? []).map((b) => ({ containerPort, hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' })),
      ),
    };
  }
}

function toNetwork(n: NetworkDetails) {
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    internal: n.Internal,
    // An empty IPRange or Gateway is the engine saying "none given".
    ipam: (n.IPAM?.Config ?? []).flatMap((c) =>
      c.Subnet ? [{ subnet: c.Subnet, ipRange: c.IPRange || undefined, gateway: c.Gateway || undefined }] : [],
    ),
    options: n.Options ?? {},
  };
}
