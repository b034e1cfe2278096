import type { Container, Host, Network } from './views.js';

/** A change on the engine, as its event stream names it. */
export interface Change {
  /** container or network names (a rename gives both the old and the new) */
  names: string[];
  /** IDs (a network connect names its container by ID) */
  ids: string[];
}

/**
 * What one exercise's grading looked at on the host: the containers and networks it asked
 * for by name (found or not) and those it was given. A change that names none of them
 * cannot change that grading, unless it listed every container or network.
 */
export class SeenNames {
  private readonly names = new Set<string>();
  private readonly ids = new Set<string>();
  private everything = false;

  touchedBy(change: Change): boolean {
    return this.everything || change.names.some((n) => this.names.has(n)) || change.ids.some((i) => this.ids.has(i));
  }

  /** `host`, noting what it is asked and what it answers. */
  watch(host: Host): Host {
    const network = (n: Network | undefined) => {
      if (n) {
        this.names.add(n.name);
        this.ids.add(n.id);
      }
      return n;
    };
    const container = (c: Container | undefined) => {
      if (c) {
        this.names.add(c.name);
        this.ids.add(c.id);
      }
      return c;
    };
    return {
      networks: async () => {
        this.everything = true;
        return host.networks();
      },
      runningContainers: async () => {
        this.everything = true;
        return host.runningContainers();
      },
      network: async (name) => {
        this.names.add(name);
        return network(await host.network(name));
      },
      networkById: async (id) => {
        this.ids.add(id);
        return network(await host.networkById(id));
      },
      container: async (name) => {
        this.names.add(name);
        return container(await host.container(name));
      },
      containersOn: async (n) => {
        network(n);
        const on = await host.containersOn(n);
        on.forEach(container);
        return on;
      },
    };
  }
}
