import { fail, pass, type CheckSpec, type Grader, type Outcome } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { networkExists } from '../src/engine/common-checks.js';
import { containerName, endpointOn, isRunning, type ContainerDetails, type Endpoint, type NetworkDetails } from '../src/docker/host.js';
import { ipv4Configs, networksOverlapping, sameIPv4Cidr, type IpamConfig } from '../src/docker/subnets.js';

const NETWORK = 'custom-network';
const SUBNET = '172.20.0.0/16';
const IP_RANGE = '172.20.240.0/20';
const GATEWAY = '172.20.0.1';
const FIXED_IP = '172.20.0.10';
const FIXED_CIDR = `${FIXED_IP}/16`;
const CREATE = `docker network create --driver bridge --subnet ${SUBNET} --ip-range ${IP_RANGE} --gateway ${GATEWAY} ${NETWORK}`;
const RECREATE = `recreate ${NETWORK} (a network's IPAM config cannot be changed): disconnect its containers, docker network rm ${NETWORK}, then ${CREATE}`;

async function customNetwork(ctx: GradingContext): Promise<NetworkDetails> {
  const network = await ctx.host.network(NETWORK);
  if (!network) throw new Error(`${NETWORK} disappeared while grading`);
  return network;
}

/**
 * `next`, preceded by the networks that make the engine refuse 172.20.0.0/16
 * ("Pool overlaps with other one on this address space") when there are any.
 */
async function hintAfterOverlaps(ctx: GradingContext, next: string): Promise<string> {
  const holders = networksOverlapping(await ctx.host.networks(), SUBNET, NETWORK);
  if (holders.length === 0) return next;
  const names = [...new Set(holders.map((h) => h.name))];
  return (
    `${holders.map((h) => `network ${h.name} already holds ${h.subnet}`).join(' and ')}, overlapping ${SUBNET}, so Docker refuses that subnet ("Pool overlaps with other one on this address space"): ` +
    `free it first with ${names.map((n) => `docker network rm ${n}`).join('; ')} (after disconnecting its containers); then ${next}`
  );
}

/** The pool the ip-range and gateway are read from: the one for 172.20.0.0/16, else the network's only one. */
function poolUnderTest(network: NetworkDetails): IpamConfig | undefined {
  const configs = ipv4Configs(network);
  return configs.find((c) => sameIPv4Cidr(c.Subnet, SUBNET)) ?? (configs.length === 1 ? configs[0] : undefined);
}

function noPoolToRead(network: NetworkDetails): Outcome {
  const subnets = ipv4Configs(network).map((c) => c.Subnet);
  return fail(`cannot tell which of ${NETWORK}'s IPv4 pools to read`, {
    expected: `one pool, subnet ${SUBNET}`,
    actual: subnets.length > 0 ? `subnets ${subnets.join(', ')}` : 'no IPv4 subnet',
    hint: RECREATE,
  });
}

interface Attachment {
  container: ContainerDetails;
  endpoint: Endpoint;
}

async function attachments(ctx: GradingContext): Promise<Attachment[]> {
  const network = await customNetwork(ctx);
  return (await ctx.host.containersOn(network)).map((container) => ({ container, endpoint: endpointOn(container, network)! }));
}

/** The address configured for the endpoint (--ip): unlike a dynamic lease, it is kept across restarts. */
function configuredAddress(endpoint: Endpoint): string | undefined {
  return endpoint.IPAMConfig?.IPv4Address || undefined;
}

/** The running container with 172.20.0.10 configured on custom-network: the one the later checks look at. */
async function fixedIpContainer(ctx: GradingContext): Promise<Attachment> {
  const found = (await attachments(ctx)).find((a) => isRunning(a.container) && configuredAddress(a.endpoint) === FIXED_IP);
  if (!found) throw new Error(`the container with ${FIXED_IP} on ${NETWORK} stopped while grading`);
  return found;
}

function summary({ container, endpoint }: Attachment): string {
  const configured = configuredAddress(endpoint);
  const address = endpoint.IPAddress
    ? `${endpoint.IPAddress} ${configured === endpoint.IPAddress ? 'configured' : 'by dynamic allocation'}`
    : configured
      ? `${configured} configured`
      : 'no address';
  return `${containerName(container)}: ${address}${isRunning(container) ? '' : ` (${container.State.Status})`}`;
}

/** One value of the pool (ip-range, gateway), compared on its own so that each mistake is reported once. */
function poolValue(
  id: string,
  what: string,
  wanted: string,
  read: (pool: IpamConfig) => string | undefined,
  matches: (value: string) => boolean,
  absent: string,
): CheckSpec<GradingContext> {
  return {
    id,
    needs: ['network-exists'],
    async run(ctx) {
      const network = await customNetwork(ctx);
      const pool = poolUnderTest(network);
      if (!pool) return noPoolToRead(network);
      const value = read(pool);
      if (value && matches(value)) return pass(`${NETWORK}'s ${what} is ${wanted}`);
      return fail(value ? `${NETWORK}'s ${what} is ${value}` : `${NETWORK} has no ${what}`, {
        expected: `${what} ${wanted}`,
        actual: value ? `${what} ${value}` : absent,
        hint: RECREATE,
      });
    },
  };
}

export const fixedIp: Grader<GradingContext> = {
  id: 'fixed-ip',
  // The ping check's probe depends on nothing the student made.
  warmUp(ctx) {
    ctx.probes.hostNetwork().catch(() => {});
  },
  checks: [
    networkExists(NETWORK, (ctx) => hintAfterOverlaps(ctx, CREATE)),
    {
      id: 'network-driver',
      needs: ['network-exists'],
      async run(ctx) {
        const { Driver } = await customNetwork(ctx);
        if (Driver === 'bridge') return pass(`${NETWORK} uses the bridge driver`);
        return fail(`${NETWORK} uses the ${Driver} driver`, { expected: 'driver bridge', actual: `driver ${Driver}`, hint: RECREATE });
      },
    },
    {
      id: 'network-subnet',
      needs: ['network-exists'],
      async run(ctx) {
        const subnets = ipv4Configs(await customNetwork(ctx)).map((c) => c.Subnet!);
        if (subnets.length === 1 && sameIPv4Cidr(subnets[0], SUBNET)) return pass(`${NETWORK}'s subnet is ${SUBNET}`);
        return fail(`${NETWORK}'s subnet is not exactly ${SUBNET}`, {
          expected: `subnet ${SUBNET}`,
          actual: subnets.length > 0 ? `subnet ${subnets.join(', ')}` : 'no IPv4 subnet',
          hint: await hintAfterOverlaps(ctx, RECREATE),
        });
      },
    },
    poolValue('network-ip-range', 'ip-range', IP_RANGE, (p) => p.IPRange, (v) => sameIPv4Cidr(v, IP_RANGE), 'no ip-range (dynamic addresses come from the whole subnet)'),
    poolValue('network-gateway', 'gateway', GATEWAY, (p) => p.Gateway, (v) => v === GATEWAY, 'no gateway set (the engine picked one itself)'),
    {
      id: 'static-ip',
      needs: ['network-exists'],
      async run(ctx): Promise<Outcome> {
        const attached = await attachments(ctx);
        const running = attached.filter((a) => isRunning(a.container));
        const configured = attached.filter((a) => configuredAddress(a.endpoint) === FIXED_IP);
        const holder = configured.find((a) => isRunning(a.container));
        if (holder) return pass(`${containerName(holder.container)} has ${FIXED_IP} configured on ${NETWORK}`, { actual: summary(holder) });

        const expected = `a running container with ${FIXED_IP} configured on ${NETWORK} (--ip)`;
        const stopped = configured[0];
        if (stopped) {
          const name = containerName(stopped.container);
          return fail(`${name} has ${FIXED_IP} configured but is not running`, {
            expected,
            actual: summary(stopped),
            hint: `a container whose main process ends stops: give it a long-running command, then docker start ${name}`,
          });
        }
        const leased = running.find((a) => a.endpoint.IPAddress === FIXED_IP);
        if (leased) {
          const name = containerName(leased.container);
          return fail(`${name} has ${FIXED_IP} only by dynamic allocation`, {
            expected,
            actual: summary(leased),
            hint: `a lease may differ after a restart; configure it: docker network disconnect ${NETWORK} ${name} && docker network connect --ip ${FIXED_IP} ${NETWORK} ${name}`,
          });
        }
        if (running.length === 0) {
          return fail(`no running container is attached to ${NETWORK}`, {
            expected,
            actual: attached.length > 0 ? attached.map(summary).join('; ') : 'no container attached',
            hint: `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image> (any image whose main process keeps running)`,
          });
        }
        return fail(`no container on ${NETWORK} has ${FIXED_IP} configured`, {
          expected,
          actual: running.map(summary).join('; '),
          hint: `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image>, or for a running container: docker network disconnect ${NETWORK} <name> && docker network connect --ip ${FIXED_IP} ${NETWORK} <name>`,
        });
      },
    },
    {
      id: 'address-in-namespace',
      needs: ['static-ip'],
      async run(ctx) {
        const { container, endpoint } = await fixedIpContainer(ctx);
        const name = containerName(container);
        const mac = endpoint.MacAddress?.toLowerCase();
        if (!mac) throw new Error(`the engine reports no MAC address for ${name}'s endpoint on ${NETWORK}, so its interface cannot be told apart`);
        // Read by a probe in the container's namespace: the container's own tools may be missing or fake.
        const interfaces = await (await ctx.probes.join(container.Id)).interfaces();
        const nic = interfaces.find((i) => i.mac.toLowerCase() === mac);
        if (nic?.ipv4.includes(FIXED_CIDR)) return pass(`${name} carries ${FIXED_CIDR} on ${nic.name}, its ${NETWORK} interface`);
        return fail(`${name}'s ${NETWORK} interface does not carry ${FIXED_CIDR}`, {
          expected: `${FIXED_CIDR} on the interface with MAC ${mac}`,
          actual: nic
            ? `${nic.name}: ${nic.ipv4.join(', ') || 'no IPv4 address'}`
            : `no interface with that MAC (${interfaces.map((i) => `${i.name}: ${i.ipv4.join(', ') || 'no IPv4 address'}`).join('; ')})`,
          hint: `something inside ${name} changed its addresses; docker restart ${name} restores what the engine configured`,
        });
      },
    },
    {
      id: 'answers',
      needs: ['address-in-namespace'],
      async run(ctx) {
        const { container } = await fixedIpContainer(ctx);
        // The host holds custom-network's gateway on its bridge, and no other network may hold that subnet:
        // a ping from the host's namespace goes out on custom-network's bridge and nowhere else.
        const probe = await ctx.probes.hostNetwork();
        if (await probe.pings(FIXED_IP)) return pass(`${FIXED_IP} answers the host over ${NETWORK}'s bridge`);
        return fail(`${FIXED_IP} does not answer the host over ${NETWORK}'s bridge`, {
          expected: 'an answer to ping',
          actual: 'no answer within 1 s',
          hint: `is something inside ${containerName(container)} dropping ICMP, or is it restarting?`,
        });
      },
    },
  ],
};
