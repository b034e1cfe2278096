/**
 * The host as graders see it: networks, containers and their endpoints, and the
 * probes that observe traffic. The Docker layer fills these from the Engine API;
 * tests fill them from memory. Nothing here names an Engine API field, so a grader
 * reads the same shapes whatever the engine's API version.
 */

/** One address pool of a network (`--subnet`, `--ip-range`, `--gateway`); IPv6 pools included. */
export interface IpamPool {
  subnet: string;
  ipRange?: string;
  gateway?: string;
}

export interface Network {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  /** in the order the engine lists them */
  ipam: IpamPool[];
  /** driver options (`-o key=value`) */
  options: Record<string, string>;
}

/** A container's attachment to one network. */
export interface Endpoint {
  networkId: string;
  /** the network's name, as the container's settings name it */
  network: string;
  /** the address it has now, by configuration or by dynamic allocation */
  address?: string;
  /** the address configured for it (`--ip`): unlike a dynamic lease, it is kept across restarts */
  configuredAddress?: string;
  mac?: string;
  /** the aliases someone configured (`--network-alias`, `--alias`), never the ones the engine adds itself */
  aliases: string[];
}

/** A port published on the host (`-p`). */
export interface PublishedPort {
  /** e.g. "80/tcp" */
  containerPort: string;
  hostIp: string;
  hostPort: string;
}

export interface Container {
  id: string;
  /** without the engine's leading slash */
  name: string;
  running: boolean;
  /** the engine's word for its state: running, exited, created, restarting, paused… */
  status: string;
  exitCode: number;
  /** why the engine could not start it (a host port already taken, …) */
  error?: string;
  /** bridge, host, none, container:<id>, or a network's name */
  networkMode: string;
  /** in the order the engine lists them */
  endpoints: Endpoint[];
  published: PublishedPort[];
}

/** Read-only lookups on one host, made once per grading run and shared by all checks. */
export interface Host {
  networks(): Promise<Network[]>;
  network(name: string): Promise<Network | undefined>;
  networkById(id: string): Promise<Network | undefined>;
  /** the student's container with exactly this name (never a grader's probe) */
  container(name: string): Promise<Container | undefined>;
  runningContainers(): Promise<Container[]>;
  /** containers with an endpoint on this network, running or not (a stopped one keeps its endpoint) */
  containersOn(network: Network): Promise<Container[]>;
}

/** The container's endpoint on this network, if attached. */
export function endpointOn(container: Container, network: Network): Endpoint | undefined {
  return container.endpoints.find((e) => e.networkId === network.id);
}

export interface NetInterface {
  name: string;
  /** empty for links without one (e.g. tun) */
  mac: string;
  /** CIDR notation, e.g. 172.20.0.10/16 */
  ipv4: string[];
}

/** A server the grader runs outside every Docker network, standing for "the outside world". */
export interface Sentinel {
  address: string;
  port: number;
  /** what the sentinel answers: proof that this server, and nothing else, was reached */
  token: string;
}

/** A container the grader owns in some network namespace, from which traffic is observed. */
export interface Probe {
  /** IPv4 addresses the namespace's DNS server gives for `name` */
  resolve(name: string): Promise<string[]>;
  /** true when an ICMP echo is answered within a second */
  pings(address: string): Promise<boolean>;
  interfaces(): Promise<NetInterface[]>;
  /** true when a TCP connection is accepted within a second */
  connects(address: string, port: number): Promise<boolean>;
  /** whether an ICMP echo (or with `port` a TCP connection) is answered within `deadlineS`, and how long that took */
  answersWithin(
    address: string,
    port: number | undefined,
    deadlineS: number,
  ): Promise<{ answered: boolean; elapsedS: number }>;
  /** what a server at address:port answers to an HTTP GET within `deadlineS` */
  httpGet(address: string, port: number, deadlineS: number): Promise<{ answer?: string }>;
  /** a shell script in the probe, with a time limit */
  run(script: string, limitS?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** whether the sentinel answered within `deadlineS`, and how long the exchange took */
  reaches(sentinel: Sentinel, deadlineS: number): Promise<{ reached: boolean; elapsedS: number }>;
}

/** The probes of one grading run, each made on first use and shared. */
export interface Probes {
  sentinel(): Promise<Sentinel>;
  /** in a container's network namespace: sees exactly what it sees */
  join(containerId: string): Promise<Probe>;
  /** attached to a network by name */
  attach(network: string): Promise<Probe>;
  /** attached to a network, with a DNS upstream that keeps every lookup on the host */
  attachWithOwnDns(network: string): Promise<Probe>;
  /** in the host's network namespace */
  hostNetwork(): Promise<Probe>;
}
