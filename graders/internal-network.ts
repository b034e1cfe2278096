import { fail, pass, t, type CheckSpec, type Grader, type Outcome, type Text } from '../src/engine/grader.js';
import type { GradingContext } from '../src/engine/context.js';
import { networkExists } from '../src/engine/common-checks.js';
import { dockerUserBlame } from '../src/engine/firewall-blame.js';
import { endpointOn, type Container, type Network, type Probe, type Sentinel } from '../src/engine/views.js';

const NETWORK = 'secure-network';
const APP = 'secure-app';
const DB = 'secure-db';

/** A Korean particle follows the sound of the name before it: secure-app (…앱) ends in a consonant, secure-db (…디비) in a vowel. */
const ENDS_IN_CONSONANT = new Set([APP]);
function withParticle(name: string, afterConsonant: string, afterVowel: string): string {
  return `${name} ${ENDS_IN_CONSONANT.has(name) ? afterConsonant : afterVowel}`;
}

async function secureNetwork(ctx: GradingContext): Promise<Network> {
  const network = await ctx.host.network(NETWORK);
  if (!network) throw new Error(`${NETWORK} disappeared while grading`);
  return network;
}

async function runningContainer(ctx: GradingContext, name: string): Promise<Container> {
  const container = await ctx.host.container(name);
  if (!container?.running) throw new Error(`${name} stopped while grading`);
  return container;
}

/** The address a container has on secure-network, as the engine configured it. */
async function addressOnSecureNetwork(ctx: GradingContext, name: string): Promise<string> {
  const endpoint = endpointOn(await runningContainer(ctx, name), await secureNetwork(ctx));
  if (!endpoint?.address) throw new Error(`${name} has no address on ${NETWORK}`);
  return endpoint.address;
}

function running(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-running`,
    async run(ctx) {
      const c = await ctx.host.container(name);
      if (!c) {
        return fail(t(`there is no container named ${name}`, `${name} 컨테이너가 없습니다`), {
          expected: t(`a running container named ${name}`, `실행 중인 ${name} 컨테이너`),
          actual: t('no such container', '해당 컨테이너 없음'),
          hint: t(
            `docker run -d --name ${name} --network ${NETWORK} <image> (the image is your choice)`,
            `docker run -d --name ${name} --network ${NETWORK} <image> 로 실행하세요 (이미지는 자유롭게 고르세요)`,
          ),
        });
      }
      if (!c.running) {
        return fail(t(`${name} is not running`, `${withParticle(name, '이', '가')} 실행 중이 아닙니다`), {
          expected: 'state running',
          actual: `state ${c.status}${c.status === 'exited' ? ` (exit code ${c.exitCode})` : ''}`,
          hint: t(
            `a container whose main process ends stops: give it a long-running command, then docker start ${name}`,
            `메인 프로세스가 끝나면 컨테이너도 멈춥니다. 계속 실행되는 명령을 지정한 뒤 docker start ${withParticle(name, '으로', '로')} 다시 시작하세요`,
          ),
        });
      }
      return pass(t(`${name} is running`, `${withParticle(name, '이', '가')} 실행 중입니다`));
    },
  };
}

function attached(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-attached`,
    needs: ['network-exists', `${name}-running`],
    async run(ctx) {
      const container = await runningContainer(ctx, name);
      if (endpointOn(container, await secureNetwork(ctx)))
        return pass(
          t(`${name} is attached to ${NETWORK}`, `${withParticle(name, '이', '가')} ${NETWORK} 에 연결되어 있습니다`),
        );
      return fail(
        t(
          `${name} is not attached to ${NETWORK}`,
          `${withParticle(name, '이', '가')} ${NETWORK} 에 연결되어 있지 않습니다`,
        ),
        {
          expected: t(`${NETWORK} among its networks`, `연결된 네트워크 중에 ${NETWORK}`),
          actual: networkList(container),
          hint: `docker network connect ${NETWORK} ${name}`,
        },
      );
    },
  };
}

function networkList(c: Container): Text {
  const names = c.endpoints.map((e) => e.network);
  return names.length > 0
    ? names.join(', ')
    : t(`no network (network mode ${c.networkMode})`, `네트워크 없음 (네트워크 모드 ${c.networkMode})`);
}

/** A second, non-internal network is a way out: it brings a route through a NATed bridge. */
function onlyInternal(name: string): CheckSpec<GradingContext> {
  return {
    id: `${name}-only-internal`,
    needs: [`${name}-running`],
    async run(ctx) {
      const container = await runningContainer(ctx, name);
      if (container.networkMode === 'host') {
        return fail(
          t(`${name} uses the host's network`, `${withParticle(name, '이', '가')} 호스트의 네트워크를 사용합니다`),
          {
            expected: t('internal networks only', 'internal 네트워크만'),
            actual: 'network mode host',
            hint: t(
              `recreate ${name} with --network ${NETWORK}`,
              `--network ${NETWORK} 옵션으로 ${withParticle(name, '을', '를')} 다시 만드세요`,
            ),
          },
        );
      }
      const open: string[] = [];
      for (const endpoint of container.endpoints) {
        if (endpoint.network === 'none') continue;
        const network = await ctx.host.networkById(endpoint.networkId);
        if (!network?.internal) open.push(endpoint.network);
      }
      if (open.length === 0)
        return pass(
          t(
            `${name} is attached to internal networks only`,
            `${withParticle(name, '은', '는')} internal 네트워크에만 연결되어 있습니다`,
          ),
        );
      return fail(
        t(
          `${name} is also attached to a network that is not internal`,
          `${withParticle(name, '이', '가')} internal 이 아닌 네트워크에도 연결되어 있습니다`,
        ),
        {
          expected: t('internal networks only', 'internal 네트워크만'),
          actual: t(`not internal: ${open.join(', ')}`, `internal 이 아님: ${open.join(', ')}`),
          hint: open.map((n) => `docker network disconnect ${n} ${name}`).join('; '),
        },
      );
    },
  };
}

// The sentinel is on this host and answers in milliseconds; a DROP answers nothing,
// so a short deadline decides, as long as the control shows the host is responsive.
const QUICK_DEADLINE_S = 0.15;
const PATIENT_DEADLINE_S = 2;

/** Inside and control at once; the control's answer time says whether the deadline was fair. */
async function reachSentinel(
  inside: Probe,
  control: Probe,
  sentinel: Sentinel,
  deadlineS: number,
): Promise<[boolean, { elapsedS: number } | undefined]> {
  const [fromInside, fromControl] = await Promise.all([
    inside.reaches(sentinel, deadlineS),
    control.reaches(sentinel, deadlineS),
  ]);
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
      const [sentinel, inside, control] = await Promise.all([
        ctx.probes.sentinel(),
        ctx.probes.join(container.id),
        ctx.probes.attach('bridge'),
      ]);
      let [reached, controlReached] = await reachSentinel(inside, control, sentinel, QUICK_DEADLINE_S);
      if (!reached && (!controlReached || controlReached.elapsedS > QUICK_DEADLINE_S / 3)) {
        // The control was slow or silent (a loaded host?): a quick "no answer" proves too little, so ask again with time to spare.
        [reached, controlReached] = await reachSentinel(inside, control, sentinel, PATIENT_DEADLINE_S);
      }
      // Without a positive control, "unreachable" could mean a broken sentinel rather than isolation.
      if (!controlReached) {
        throw new Error(
          `cannot judge isolation: the sentinel at ${sentinel.address}:${sentinel.port} is unreachable even from the default bridge network (a host firewall or DOCKER-USER rule may block forwarded traffic)`,
        );
      }
      if (reached) {
        return fail(
          t(`${name} can reach a server outside ${NETWORK}`, `${name} 에서 ${NETWORK} 밖의 서버에 닿을 수 있습니다`),
          {
            expected: t(
              `no connection from ${name} to ${sentinel.address}:${sentinel.port}`,
              `${name} 에서 ${sentinel.address}:${sentinel.port} 에 연결할 수 없음`,
            ),
            actual: t('connected and got an answer', '연결되어 응답을 받음'),
            hint: t(
              `an internal network alone has no way out; look for a second network (docker inspect ${name}) or a different network mode`,
              `internal 네트워크만으로는 밖으로 나갈 길이 없습니다. 두 번째 네트워크(docker inspect ${name})나 다른 네트워크 모드가 있는지 확인해 보세요`,
            ),
          },
        );
      }
      return pass(
        t(`${name} cannot reach a server outside ${NETWORK}`, `${name} 에서 ${NETWORK} 밖의 서버에 닿을 수 없습니다`),
        {
          actual: t(
            `no answer from ${sentinel.address}:${sentinel.port}`,
            `${sentinel.address}:${sentinel.port} 에서 응답 없음`,
          ),
        },
      );
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
    networkExists(NETWORK, () =>
      t(
        `docker network create --internal ${NETWORK}`,
        `internal 네트워크로 만드세요: docker network create --internal ${NETWORK}`,
      ),
    ),
    {
      id: 'network-driver',
      needs: ['network-exists'],
      async run(ctx) {
        const { driver } = await secureNetwork(ctx);
        if (driver === 'bridge')
          return pass(t(`${NETWORK} uses the bridge driver`, `${NETWORK} 가 bridge 드라이버를 사용합니다`));
        return fail(t(`${NETWORK} uses the ${driver} driver`, `${NETWORK} 가 ${driver} 드라이버를 사용합니다`), {
          expected: 'driver bridge',
          actual: `driver ${driver}`,
          hint: t(
            `remove it and create it again: docker network create --driver bridge --internal ${NETWORK}`,
            `네트워크를 삭제하고 다시 만드세요: docker network create --driver bridge --internal ${NETWORK}`,
          ),
        });
      },
    },
    {
      id: 'network-internal',
      needs: ['network-exists'],
      async run(ctx): Promise<Outcome> {
        if ((await secureNetwork(ctx)).internal)
          return pass(t(`${NETWORK} is internal`, `${NETWORK} 는 internal 네트워크입니다`));
        return fail(t(`${NETWORK} is not internal`, `${NETWORK} 는 internal 네트워크가 아닙니다`), {
          expected: 'Internal: true',
          actual: 'Internal: false',
          hint: t(
            `a network cannot be made internal afterwards: disconnect its containers, docker network rm ${NETWORK}, then docker network create --internal ${NETWORK}`,
            `이미 만든 네트워크는 나중에 internal 로 바꿀 수 없습니다: 연결된 컨테이너를 분리하고 docker network rm ${NETWORK} 로 삭제한 뒤 docker network create --internal ${NETWORK} 로 다시 만드세요`,
          ),
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
        const own = db.endpoints.flatMap((e) => (e.address ? [e.address] : []));
        const addresses = await (await ctx.probes.join(app.id)).resolve(DB);
        // On a second shared network the name may give that network's address: still secure-db.
        const matching = addresses.filter((a) => own.includes(a));
        if (matching.length > 0)
          return pass(
            t(
              `${DB} resolves to ${matching.join(', ')} inside ${APP}`,
              `${APP} 안에서 ${DB} 이름이 ${matching.join(', ')} 주소로 해석됩니다`,
            ),
            { actual: addresses.join(', ') },
          );
        return fail(
          t(
            `${DB} does not resolve to one of its addresses inside ${APP}`,
            `${APP} 안에서 ${DB} 이름이 ${DB} 의 주소 중 하나로 해석되지 않습니다`,
          ),
          {
            expected: t(`one of ${own.join(', ')}`, `${own.join(', ')} 중 하나`),
            actual: addresses.length > 0 ? addresses.join(', ') : t('no answer', '응답 없음'),
            hint: t(
              `names resolve only on user-defined networks both containers share; check docker network inspect ${NETWORK}`,
              `이름은 두 컨테이너가 함께 연결된 사용자 정의 네트워크에서만 해석됩니다. docker network inspect ${NETWORK} 로 확인해 보세요`,
            ),
          },
        );
      },
    },
    {
      id: 'db-answers',
      needs: ['db-resolves'],
      async run(ctx) {
        const [app, address] = await Promise.all([runningContainer(ctx, APP), addressOnSecureNetwork(ctx, DB)]);
        const inside = await ctx.probes.join(app.id);
        if (await inside.pings(address))
          return pass(t(`${DB} (${address}) answers ${APP}`, `${DB} (${address}) 가 ${APP} 에 응답합니다`));
        // An unqualified DROP in DOCKER-USER cuts containers on one bridge off too: that rule, not secure-db, is then to blame.
        const blame = await dockerUserBlame(
          ctx,
          await secureNetwork(ctx),
          await addressOnSecureNetwork(ctx, APP),
          address,
          'icmp',
        );
        return fail(
          t(`${DB} (${address}) does not answer ${APP}`, `${DB} (${address}) 가 ${APP} 에 응답하지 않습니다`),
          {
            expected: t('an answer to ping', 'ping 에 대한 응답'),
            actual: t('no answer within 1 s', '1초 안에 응답 없음'),
            hint:
              blame ??
              t(
                `is something inside ${DB} dropping ICMP, or is it restarting?`,
                `${DB} 안에서 무언가가 ICMP 를 버리고 있는지, 아니면 컨테이너가 재시작 중인지 확인해 보세요`,
              ),
          },
        );
      },
    },
    isolated(APP),
    isolated(DB),
  ],
};
