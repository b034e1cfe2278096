import type Docker from 'dockerode';
import { withTimeout } from '../errors.js';
import { createdByDocknet, knownRuns } from './labels.js';

export type ContainerDetails = Docker.ContainerInspectInfo;
export type NetworkDetails = Docker.NetworkInspectInfo;

/**
 * One read-only view of the engine's networks and containers per grading run.
 * Every lookup is made once and shared by all checks, and each Engine API call
 * is bounded by a time limit.
 */
export class HostView {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly docker: Docker,
    private readonly timeoutMs: number,
  ) {}

  private once<T>(key: string, load: () => Promise<T>, what: string): Promise<T> {
    let value = this.cache.get(key) as Promise<T> | undefined;
    if (!value) {
      value = withTimeout(load(), this.timeoutMs, what);
      this.cache.set(key, value);
    }
    return value;
  }

  /**
   * The student's containers: never the grader's probes, this run's or another's (a class
   * run grades many hosts at once). A probe is what a docknet run recorded creating; labels
   * alone prove nothing, so a student's container with docknet's labels is still graded.
   */
  containers(): Promise<Docker.ContainerInfo[]> {
    return this.once(
      'containers',
      async () => {
        const listed = await this.docker.listContainers({ all: true });
        const runs = knownRuns();
        return listed.filter((c) => !createdByDocknet(c, runs));
      },
      'listing containers',
    );
  }

  networks(): Promise<NetworkDetails[]> {
    return this.once('networks', () => this.docker.listNetworks(), 'listing networks');
  }

  /** The container with exactly this name; Docker's own lookup would also accept an ID prefix. */
  async container(name: string): Promise<ContainerDetails | undefined> {
    const summary = (await this.containers()).find((c) => c.Names.includes(`/${name}`));
    return summary && this.containerById(summary.Id);
  }

  containerById(id: string): Promise<ContainerDetails> {
    return this.once(
      `container:${id}`,
      () => this.docker.getContainer(id).inspect(),
      `inspecting container ${id.slice(0, 12)}`,
    );
  }

  /** Running containers, inspected. */
  async runningContainers(): Promise<ContainerDetails[]> {
    return this.inspectAll((await this.containers()).filter((c) => c.State === 'running'));
  }

  /** Containers with an endpoint on this network, running or not (a stopped one keeps its endpoint's settings), inspected. */
  async containersOn(networkId: string): Promise<ContainerDetails[]> {
    return this.inspectAll(
      (await this.containers()).filter((c) =>
        Object.values(c.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === networkId),
      ),
    );
  }

  /** One removed between the listing and its inspection is gone, not an error. */
  private async inspectAll(listed: Docker.ContainerInfo[]): Promise<ContainerDetails[]> {
    const inspected = await Promise.all(listed.map((c) => this.containerById(c.Id).catch(absentIfGone)));
    return inspected.filter((c): c is ContainerDetails => c !== undefined);
  }

  async network(name: string): Promise<NetworkDetails | undefined> {
    return (await this.networks()).find((n) => n.Name === name);
  }

  async networkById(id: string): Promise<NetworkDetails | undefined> {
    return (await this.networks()).find((n) => n.Id === id);
  }
}

function absentIfGone(err: unknown): undefined {
  if ((err as { statusCode?: number }).statusCode === 404) return undefined;
  throw err;
}

export function containerName(c: ContainerDetails): string {
  return c.Name.replace(/^\//, '');
}

export function isRunning(c: ContainerDetails): boolean {
  return c.State.Running && c.State.Status === 'running';
}
