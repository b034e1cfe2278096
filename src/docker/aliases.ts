/** The parts of a container and of one of its endpoints that name it on that network. */
export interface NamedEndpoint {
  container: { Id: string; Name: string; Config: { Hostname: string } };
  endpoint: { Aliases?: string[] | null };
}

/** True when an Engine API version ("1.41") is `wanted` or newer. */
export function apiVersionAtLeast(version: string, wanted: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [wantedMajor, wantedMinor] = wanted.split('.').map(Number);
  return major > wantedMajor || (major === wantedMajor && minor >= wantedMinor);
}

/**
 * The network aliases someone configured on an endpoint (`--network-alias`,
 * `docker network connect --alias`). From API 1.45 `Aliases` holds exactly what
 * was submitted; before, the engine adds the short container ID, and engines
 * from 25.0 answering below 1.45 also add the hostname. `DNSNames` (1.44+) is
 * never used: it lists the container's name and ID too. The container's own
 * name never counts, even when submitted (compose does): it resolves anyway,
 * so it proves nothing about aliases.
 */
export function configuredAliases({ container, endpoint }: NamedEndpoint, apiVersion: string): string[] {
  const notAliases = new Set([container.Name.replace(/^\//, '')]);
  if (!apiVersionAtLeast(apiVersion, '1.45')) {
    notAliases.add(container.Id.slice(0, 12));
    notAliases.add(container.Config.Hostname);
  }
  return [...new Set(endpoint.Aliases ?? [])].filter((alias) => !notAliases.has(alias));
}
