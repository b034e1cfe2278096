import { fail, pass, type CheckSpec, type Grader, type Outcome } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { networkExists } from '../src/engine/common-checks.js';
import { configuredAliases } from '../src/docker/aliases.js';
import { containerName, endpointOn, isRunning, type ContainerDetails, type Endpoint, type NetworkDetails } from '../src/docker/host.js';

const NETWORK = 'my-network';

async function myNetwork(ctx: GradingContext): Promise<NetworkDetails> {
  const network = await ctx.host.network(NETWORK);
  if (!network) throw new Error(`${NETWORK} disappeared while grading`);
  return network;
}

interface Attachment {
  container: ContainerDetails;
  endpoint: Endpoint;
  aliases: string[];
}

/** Every container with an endpoint on my-network, running or not, with the aliases configured there. */
async function attachments(ctx: GradingContext): Promise<Attachment[]> {
  const network = await myNetwork(ctx);
  return (await ctx.host.containersOn(network)).map((container) => {
    const endpoint = endpointOn(container, network)!;
    return { container, endpoint, aliases: configuredAliases({ container, endpoint }, ctx.engine.apiVersion) };
  });
}

async function runningCarriers(ctx: GradingContext, alias: string): Promise<Attachment[]> {
  return (await attachments(ctx)).filter((a) => isRunning(a.container) && a.aliases.includes(alias));
}

function names(attached: Attachment[]): string {
  return attached.map((a) => containerName(a.container)).join(', ');
}

/** Where else the alias is configured: on another network it gives no name on my-network. */
async function aliasElsewhere(ctx: GradingContext, alias: string): Promise<{ container: string; network: string }[]> {
  const network = await myNetwork(ctx);
  return (await ctx.host.runningContainers()).flatMap((container) =>
    Object.entries(container.NetworkSettings.Networks ?? {})
      .filter(([, endpoint]) => endpoint.NetworkID !== network.Id && configuredAliases({ container, endpoint }, ctx.engine.apiVersion).includes(alias))
      .map(([networkName]) => ({ container: containerName(container), network: networkName })),
  );
}

/** Why no running container carries the alias on my-network: the likeliest mistake first. */
async function missingAlias(ctx: GradingContext, alias: string): Promise<Outcome> {
  const attached = await attachments(ctx);
  const expected = `a running container with alias ${alias} on ${NETWORK}`;

  const stopped = attached.filter((a) => a.aliases.includes(alias));
  if (stopped.length > 0) {
    return fail(`alias ${alias} is configured on ${NETWORK} only for containers that are not running`, {
      expected,
      actual: stopped.map((a) => `${containerName(a.container)}: ${a.container.State.Status}`).join('; '),
      hint: `a container whose main process ends stops: give it a long-running command, then docker start ${containerName(stopped[0].container)}`,
    });
  }
  const elsewhere = await aliasElsewhere(ctx, alias);
  if (elsewhere.length > 0) {
    const { container } = elsewhere[0];
    const onMyNetwork = attached.some((a) => containerName(a.container) === container);
    return fail(`alias ${alias} is configured on another network, not on ${NETWORK}`, {
      expected,
      actual: elsewhere.map((e) => `${e.container} has it on ${e.network}`).join('; '),
      hint: `aliases belong to one network's endpoint: ${onMyNetwork ? `docker network disconnect ${NETWORK} ${container} && ` : ''}docker network connect --alias ${alias} ${NETWORK} ${container}`,
    });
  }
  if (attached.some((a) => isRunning(a.container) && containerName(a.container) === alias)) {
    return fail(`only a container NAMED ${alias} is on ${NETWORK}: a name is not an alias`, {
      expected,
      actual: `a container named ${alias}`,
      hint: `a name resolves without any alias; give the alias to a container with another name: docker run -d --name ${alias}-1 --network ${NETWORK} --network-alias ${alias} <image>`,
    });
  }
  const running = attached.filter((a) => isRunning(a.container));
  return fail(`no container on ${NETWORK} has the alias ${alias}`, {
    expected,
    actual: running.length > 0 ? running.map((a) => `${containerName(a.container)}: ${a.aliases.join(', ') || 'no alias'}`).join('; ') : `no running container on ${NETWORK}`,
    hint: `docker run -d --network ${NETWORK} --network-alias ${alias} <image>`,
  });
}

/**
 * A running container carries `alias` on my-network. With `distinctFrom`, it must
 * be another container than the one carrying that alias: the spec asks for two.
 */
function aliasConfigured(alias: string, distinctFrom?: string): CheckSpec<GradingContext> {
  return {
    id: `${alias}-alias`,
    needs: ['network-exists'],
    async run(ctx) {
      const carriers = await runningCarriers(ctx, alias);
      if (carriers.length === 0) return missingAlias(ctx, alias);
      if (distinctFrom) {
        const other = await runningCarriers(ctx, distinctFrom);
        const only = other.length === 1 ? other[0].container.Id : undefined;
        if (carriers.every((c) => c.container.Id === only)) {
          const name = containerName(carriers[0].container);
          return fail(`${name} carries both ${distinctFrom} and ${alias}`, {
            expected: `alias ${alias} on another running container than the one with alias ${distinctFrom}`,
            actual: `${name}: ${carriers[0].aliases.join(', ')}`,
            hint: `docker run -d --network ${NETWORK} --network-alias ${alias} <image>`,
          });
        }
      }
      return pass(`alias ${alias} is configured on ${NETWORK} for ${names(carriers)}`);
    },
  };
}

/** From a probe on my-network, the alias resolves to exactly the my-network addresses of its running carriers. */
function aliasResolves(alias: string): CheckSpec<GradingContext> {
  return {
    id: `${alias}-resolves`,
    needs: [`${alias}-alias`],
    async run(ctx) {
      const attached = await attachments(ctx);
      const expected = sortedUnique(attached.filter((a) => isRunning(a.container) && a.aliases.includes(alias)).map((a) => a.endpoint.IPAddress));
      if (expected.length === 0) throw new Error(`the containers with alias ${alias} stopped while grading`);
      // Asked only once the alias is known to exist; the probe's own DNS upstream keeps any other answer from leaving the host.
      const probe = await ctx.probes.attachWithOwnDns(NETWORK);
      const actual = sortedUnique(await probe.resolve(alias));
      if (actual.join() === expected.join()) return pass(`${alias} resolves to ${expected.join(', ')} on ${NETWORK}`, { actual: actual.join(', ') });

      const owner = (address: string) => attached.find((a) => isRunning(a.container) && a.endpoint.IPAddress === address);
      const labelled = (address: string) => {
        const found = owner(address);
        return found ? `${address} (${containerName(found.container)})` : address;
      };
      const extraOwners = actual.filter((address) => !expected.includes(address)).map(owner);
      const namedLikeAlias = extraOwners.some((a) => a && containerName(a.container) === alias);
      return fail(`${alias} does not resolve to exactly the containers with that alias`, {
        expected: expected.map(labelled).join(', '),
        actual: actual.length > 0 ? actual.map(labelled).join(', ') : 'no answer',
        hint: namedLikeAlias
          ? `the container NAMED ${alias} answers to that name too: rename it (docker rename ${alias} ${alias}-old)`
          : `compare with docker network inspect ${NETWORK}; a container that is restarting may be missing from DNS`,
      });
    },
  };
}

function sortedUnique(addresses: string[]): string[] {
  return [...new Set(addresses.filter(Boolean))].sort();
}

export const aliasDns: Grader<GradingContext> = {
  id: 'alias-dns',
  // The resolving probe depends only on the network; where the network is missing, the lookups are skipped anyway.
  warmUp(ctx) {
    ctx.probes.attachWithOwnDns(NETWORK).catch(() => {});
  },
  checks: [
    networkExists(NETWORK, () => `docker network create ${NETWORK}`, `a user-defined network named ${NETWORK}`),
    aliasConfigured('web'),
    aliasConfigured('api', 'web'),
    aliasResolves('web'),
    aliasResolves('api'),
  ],
};
