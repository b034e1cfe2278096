import { fail, pass, type CheckSpec, type Grader, type Outcome } from '../src/engine/check.js';
import type { GradingContext } from '../src/engine/context.js';
import { networkExists } from '../src/engine/common-checks.js';
import { endpointOn, isRunning, type ContainerDetails, type NetworkDetails } from '../src/docker/host.js';
import type { Probe, Sentinel } from '../src/docker/probe.js';

const NETWORK = 'secure-network';
const APP = 'secure-app';
const DB = 'secure-db';

async function secureNetwork(ctx: GradingContext): Promise<NetworkDetails> {
  const network = await ctx.host.network(NETWORK);
  if (!network) throw new Error(`${NETWORK} disappeared while grading`);
  return network;
}

async function runningContainer(ctx: GradingContext, name: string): Promise<ContainerDetails> {
  const container = await ctx.host.container(name);
  if (!container || !isRunning(container)) throw new Error(`${name} stopped while grading`);
  return container;
}

/** The address a container has on secure-network, as the engine configured it. */
async function addressOnSecureNetwork(ctx: GradingContext, name: string): Promise<string> {
  const endpoint = endpointOn(await runningContainer(ctx, name), await secureNetwork(ctx));
  if (!endpoint?.IPAddress) throw new Error(`${name} has no address on ${NETWORK}`);
  return endpoint.IPAddress;
}

function running(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-running`,
    async run(ctx) {
      const c = await ctx.host.container(name);
      if (!c) {
        return fail(`there is no container named ${name}`, {
          expected: `a running container named ${name}`,
          actual: 'no such container',
          hint: `docker run -d --name ${name} --network ${NETWORK} <image> (the image is your choice)`,
        });
      }
      if (!isRunning(c)) {
        return fail(`${name} is not running`, {
          expected: 'state running',
          actual: `state ${c.State.Status}${c.State.Status === 'exited' ? ` (exit code ${c.State.ExitCode})` : ''}`,
          hint: `a container whose main process ends stops: give it a long-running command, then docker start ${name}`,
        });
      }
      return pass(`${name} is running`);
    },
  };
}

function attached(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-attached`,
    needs: ['network-exists', `${name}-running`],
    async run(ctx) {
      const container = await runningContainer(ctx, name);
      if (endpointOn(container, await secureNetwork(ctx))) return pass(`${name} is attached to ${NETWORK}`);
      return fail(`${name} is not attached to ${NETWORK}`, {
        expected: `${NETWORK} among its networks`,
        actual: networkList(container),
        hint: `docker network connect ${NETWORK} ${name}`,
      });
    },
  };
}

function networkList(c: ContainerDetails): string {
  const names = Object.keys(c.NetworkSettings.Networks ?? {});
  return names.length > 0 ? names.join(', ') : `no network (network mode ${c.HostConfig.NetworkMode})`;
}

/** A second, non-internal network is a way out: it brings a route through a NATed bridge. */
function onlyInternal(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-only-internal`,
    needs: [`${name}-running`],
    async run(ctx) {
      const container = await runningContainer(ctx, name);
      if (container.HostConfig.NetworkMode === 'host') {
        return fail(`${name} uses the host's network`, {
          expected: 'internal networks only',
          actual: 'network mode host',
          hint: `recreate ${name} with --network ${NETWORK}`,
        });
      }
      const open: string[] = [];
      for (const [networkName, endpoint] of Object.entries(container.NetworkSettings.Networks ?? {})) {
        if (networkName === 'none') continue;
        const network = await ctx.host.networkById(endpoint.NetworkID);
        if (!network?.Internal) open.push(networkName);
      }
      if (open.length === 0) return pass(`${name} is attached to internal networks only`);
      return fail(`${name} is also attached to a network that is not internal`, {
        expected: 'internal networks only',
        actual: `not internal: ${open.join(', ')}`,
        hint: open.map((n) => `docker network disconnect ${n} ${name}`).join('; '),
      });
    },
  };
}

// The sentinel is on this host and answers in milliseconds; a DROP answers nothing,
// so a short deadline decides, as long as the control shows the host is responsive.
const QUICK_DEADLINE_S = 0.15;
const PATIENT_DEADLINE_S = 2;

/** Inside and control at once; the control's answer time says whether the deadline was fair. */
async function reachSentinel(inside: Probe, control: Probe, sentinel: Sentinel, deadlineS: number): Promise<[boolean, { elapsedS: number } | undefined]> {
  const [fromInside, fromControl] = await Promise.all([inside.reaches(sentinel, deadlineS), control.reaches(sentinel, deadlineS)]);
  return [fromInside.reached, fromControl.reached ? fromControl : undefined];
}

/** Reachability of the grader's sentinel, which stands for everything outside secure-network. */
function isolated(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-isolated`,
    needs: [`${name}-running`],
    timeoutMs: 20_000,
    async run(ctx) {
      const container = await runningContainer(ctx, name);
      const [sentinel, inside, control] = await Promise.all([ctx.probes.sentinel(), ctx.probes.join(container.Id), ctx.probes.attach('bridge')]);
      let [reached, controlReached] = await reachSentinel(inside, control, sentinel, QUICK_DEADLINE_S);
      if (!reached && (!controlReached || controlReached.elapsedS > QUICK_DEADLINE_S / 3)) {
        // The control was slow or silent (a loaded host?): a quick "no answer" proves too little, so ask again with time to spare.
        [reached, controlReached] = await reachSentinel(inside, control, sentinel, PATIENT_DEADLINE_S);
      }
      // Without a positive control, "unreachable" could mean a broken sentinel rather than isolation.
      if (!controlReached) {
        throw new Error(`cannot judge isolation: the sentinel at ${sentinel.address}:${sentinel.port} is unreachable even from the default bridge network (a host firewall or DOCKER-USER rule may block forwarded traffic)`);
      }
      if (reached) {
        return fail(`${name} can reach a server outside ${NETWORK}`, {
          expected: `no connection from ${name} to ${sentinel.address}:${sentinel.port}`,
          actual: 'connected and got an answer',
          hint: `an internal network alone has no way out; look for a second network (docker inspect ${name}) or a different network mode`,
        });
      }
      return pass(`${name} cannot reach a server outside ${NETWORK}`, { actual: `no answer from ${sentinel.address}:${sentinel.port}` });
    },
  };
}

export const internalNetwork: Grader<GradingContext> = {
  id: 'internal-network',
  // The isolation checks need the sentinel and the control probe whatever the student's containers are.
  warmUp(ctx) {
    ctx.probes.sentinel().catch(() => {});
    ctx.probes.attach('bridge').catch(() => {});
  },
  checks: [
    networkExists(NETWORK, () => `docker network create --internal ${NETWORK}`),
    {
      id: 'network-driver',
      needs: ['network-exists'],
      async run(ctx) {
        const { Driver } = await secureNetwork(ctx);
        if (Driver === 'bridge') return pass(`${NETWORK} uses the bridge driver`);
        return fail(`${NETWORK} uses the ${Driver} driver`, {
          expected: 'driver bridge',
          actual: `driver ${Driver}`,
          hint: `remove it and create it again: docker network create --driver bridge --internal ${NETWORK}`,
        });
      },
    },
    {
      id: 'network-internal',
      needs: ['network-exists'],
      async run(ctx): Promise<Outcome> {
        if ((await secureNetwork(ctx)).Internal) return pass(`${NETWORK} is internal`);
        return fail(`${NETWORK} is not internal`, {
          expected: 'Internal: true',
          actual: 'Internal: false',
          hint: `a network cannot be made internal afterwards: disconnect its containers, docker network rm ${NETWORK}, then docker network create --internal ${NETWORK}`,
        });
      },
    },
    running(APP),
    running(DB),
    attached(APP),
    attached(DB),
    onlyInternal(APP),
    onlyInternal(DB),
    {
      id: 'db-resolves',
      needs: [`${APP}-attached`, `${DB}-attached`],
      async run(ctx) {
        // Asked only once secure-db is known to be on the network, so the name exists and no lookup goes upstream.
        const [app, db] = await Promise.all([runningContainer(ctx, APP), runningContainer(ctx, DB)]);
        const own = Object.values(db.NetworkSettings.Networks ?? {}).map((e) => e.IPAddress).filter(Boolean);
        const addresses = await (await ctx.probes.join(app.Id)).resolve(DB);
        // On a second shared network the name may give that network's address: still secure-db.
        const matching = addresses.filter((a) => own.includes(a));
        if (matching.length > 0) return pass(`${DB} resolves to ${matching.join(', ')} inside ${APP}`, { actual: addresses.join(', ') });
        return fail(`${DB} does not resolve to one of its addresses inside ${APP}`, {
          expected: `one of ${own.join(', ')}`,
          actual: addresses.length > 0 ? addresses.join(', ') : 'no answer',
          hint: `names resolve only on user-defined networks both containers share; check docker network inspect ${NETWORK}`,
        });
      },
    },
    {
      id: 'db-answers',
      needs: ['db-resolves'],
      async run(ctx) {
        const [app, address] = await Promise.all([runningContainer(ctx, APP), addressOnSecureNetwork(ctx, DB)]);
        const inside = await ctx.probes.join(app.Id);
        if (await inside.pings(address)) return pass(`${DB} (${address}) answers ${APP}`);
        return fail(`${DB} (${address}) does not answer ${APP}`, {
          expected: 'an answer to ping',
          actual: 'no answer within 1 s',
          hint: `is something inside ${DB} dropping ICMP, or is it restarting?`,
        });
      },
    },
    isolated(APP),
    isolated(DB),
  ],
};

