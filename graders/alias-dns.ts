import { fail, pass, t, type CheckSpec, type Grader, type Outcome } from '../src/engine/grader.js';
import type { GradingContext } from '../src/engine/context.js';
import { attachmentsOn, networkExists, type Attachment } from '../src/engine/common-checks.js';
import { canonicalValues } from '../src/engine/exercise.js';
import type { ParamValues } from '../src/engine/params.js';
import type { Network } from '../src/engine/views.js';

/** The checks for one variant's values (exercise.yaml's params). */
function variant(v: ParamValues): Pick<Grader<GradingContext>, 'checks' | 'warmUp'> {
  const NETWORK = String(v.network);
  const WEB = String(v['web-alias']);
  const API = String(v['api-alias']);

  async function myNetwork(ctx: GradingContext): Promise<Network> {
    const network = await ctx.host.network(NETWORK);
    if (!network) throw new Error(`${NETWORK} disappeared while grading`);
    return network;
  }

  /** Every container with an endpoint on my-network, running or not. */
  async function attachments(ctx: GradingContext): Promise<Attachment[]> {
    return attachmentsOn(ctx, await myNetwork(ctx));
  }

  async function runningCarriers(ctx: GradingContext, alias: string): Promise<Attachment[]> {
    return (await attachments(ctx)).filter((a) => a.container.running && a.endpoint.aliases.includes(alias));
  }

  function names(attached: Attachment[]): string {
    return attached.map((a) => a.container.name).join(', ');
  }

  /** Where else the alias is configured: on another network it gives no name on my-network. */
  async function aliasElsewhere(ctx: GradingContext, alias: string): Promise<{ container: string; network: string }[]> {
    const network = await myNetwork(ctx);
    return (await ctx.host.runningContainers()).flatMap((container) =>
      container.endpoints
        .filter((endpoint) => endpoint.networkId !== network.id && endpoint.aliases.includes(alias))
        .map((endpoint) => ({ container: container.name, network: endpoint.network })),
    );
  }

  /** Why no running container carries the alias on my-network: the likeliest mistake first. */
  async function missingAlias(ctx: GradingContext, alias: string): Promise<Outcome> {
    const attached = await attachments(ctx);
    const expected = t(
      `a running container with alias ${alias} on ${NETWORK}`,
      `${NETWORK} 에서 별칭이 ${alias} 인 실행 중인 컨테이너`,
    );

    const stopped = attached.filter((a) => a.endpoint.aliases.includes(alias));
    if (stopped.length > 0) {
      return fail(
        t(
          `alias ${alias} is configured on ${NETWORK} only for containers that are not running`,
          `별칭 ${alias} 설정이 ${NETWORK} 에서 실행 중이 아닌 컨테이너에만 있음`,
        ),
        {
          expected,
          actual: stopped.map((a) => `${a.container.name}: ${a.container.status}`).join('; '),
          hint: t(
            `a container whose main process ends stops: give it a long-running command, then docker start ${stopped[0].container.name}`,
            `메인 프로세스가 끝난 컨테이너는 멈춥니다: 계속 실행되는 명령을 지정한 다음 docker start ${stopped[0].container.name} 명령으로 시작하세요`,
          ),
        },
      );
    }
    const elsewhere = await aliasElsewhere(ctx, alias);
    if (elsewhere.length > 0) {
      const { container } = elsewhere[0];
      const onMyNetwork = attached.some((a) => a.container.name === container);
      return fail(
        t(
          `alias ${alias} is configured on another network, not on ${NETWORK}`,
          `별칭 ${alias} 설정이 ${NETWORK} 에는 없고 다른 네트워크에 있음`,
        ),
        {
          expected,
          actual: t(
            elsewhere.map((e) => `${e.container} has it on ${e.network}`).join('; '),
            elsewhere.map((e) => `${e.container}: ${e.network} 에 설정됨`).join('; '),
          ),
          hint: t(
            `aliases belong to one network's endpoint: ${onMyNetwork ? `docker network disconnect ${NETWORK} ${container} && ` : ''}docker network connect --alias ${alias} ${NETWORK} ${container}`,
            `별칭은 한 네트워크의 엔드포인트에 속합니다. ${NETWORK} 에 별칭과 함께 연결하세요: ${onMyNetwork ? `docker network disconnect ${NETWORK} ${container} && ` : ''}docker network connect --alias ${alias} ${NETWORK} ${container}`,
          ),
        },
      );
    }
    if (attached.some((a) => a.container.running && a.container.name === alias)) {
      return fail(
        t(
          `only a container NAMED ${alias} is on ${NETWORK}: a name is not an alias`,
          `${NETWORK} 에는 이름이 ${alias} 인 컨테이너만 있음: 이름은 별칭이 아님`,
        ),
        {
          expected,
          actual: t(`a container named ${alias}`, `이름이 ${alias} 인 컨테이너`),
          hint: t(
            `a name resolves without any alias; give the alias to a container with another name: docker run -d --name ${alias}-1 --network ${NETWORK} --network-alias ${alias} <image>`,
            `이름은 별칭 없이도 해석되므로, 별칭은 다른 이름의 컨테이너에 붙이세요: docker run -d --name ${alias}-1 --network ${NETWORK} --network-alias ${alias} <image>`,
          ),
        },
      );
    }
    const running = attached.filter((a) => a.container.running);
    return fail(
      t(`no container on ${NETWORK} has the alias ${alias}`, `${NETWORK} 에 별칭이 ${alias} 인 컨테이너가 없음`),
      {
        expected,
        actual:
          running.length > 0
            ? t(
                running.map((a) => `${a.container.name}: ${a.endpoint.aliases.join(', ') || 'no alias'}`).join('; '),
                running.map((a) => `${a.container.name}: ${a.endpoint.aliases.join(', ') || '별칭 없음'}`).join('; '),
              )
            : t(`no running container on ${NETWORK}`, `${NETWORK} 에 실행 중인 컨테이너가 없음`),
        hint: `docker run -d --network ${NETWORK} --network-alias ${alias} <image>`,
      },
    );
  }

  /**
   * A running container carries `alias` on my-network (check `<id>-alias`). With `distinctFrom`, it must
   * be another container than the one carrying that alias: the spec asks for two.
   */
  function aliasConfigured(id: string, alias: string, distinctFrom?: string): CheckSpec<GradingContext> {
    return {
      id: `${id}-alias`,
      needs: ['network-exists'],
      async run(ctx) {
        const carriers = await runningCarriers(ctx, alias);
        if (carriers.length === 0) return missingAlias(ctx, alias);
        if (distinctFrom) {
          const other = await runningCarriers(ctx, distinctFrom);
          const only = other.length === 1 ? other[0].container.id : undefined;
          if (carriers.every((c) => c.container.id === only)) {
            const name = carriers[0].container.name;
            return fail(
              t(
                `${name} carries both ${distinctFrom} and ${alias}`,
                `컨테이너 ${name} 에 별칭 ${distinctFrom}, ${alias} 모두 설정됨`,
              ),
              {
                expected: t(
                  `alias ${alias} on another running container than the one with alias ${distinctFrom}`,
                  `별칭이 ${distinctFrom} 인 컨테이너가 아닌 다른 실행 중인 컨테이너에 설정된 별칭 ${alias}`,
                ),
                actual: `${name}: ${carriers[0].endpoint.aliases.join(', ')}`,
                hint: `docker run -d --network ${NETWORK} --network-alias ${alias} <image>`,
              },
            );
          }
        }
        return pass(
          t(
            `alias ${alias} is configured on ${NETWORK} for ${names(carriers)}`,
            `${NETWORK} 에서 ${names(carriers)} 에 별칭 ${alias} 설정됨`,
          ),
        );
      },
    };
  }

  /** From a probe on my-network, the alias resolves to exactly the my-network addresses of its running carriers. */
  function aliasResolves(id: string, alias: string): CheckSpec<GradingContext> {
    return {
      id: `${id}-resolves`,
      needs: [`${id}-alias`],
      async run(ctx) {
        const attached = await attachments(ctx);
        const expected = sortedUnique(
          attached
            .filter((a) => a.container.running && a.endpoint.aliases.includes(alias))
            .map((a) => a.endpoint.address),
        );
        if (expected.length === 0) throw new Error(`the containers with alias ${alias} stopped while grading`);
        // Asked only once the alias is known to exist; the probe's own DNS upstream keeps any other answer from leaving the host.
        const probe = await ctx.probes.attachWithOwnDns(NETWORK);
        const actual = sortedUnique(await probe.resolve(alias));
        if (actual.join() === expected.join())
          return pass(
            t(
              `${alias} resolves to ${expected.join(', ')} on ${NETWORK}`,
              `${NETWORK} 에서 ${alias} 이름 해석 결과: ${expected.join(', ')}`,
            ),
            { actual: actual.join(', ') },
          );

        const owner = (address: string) => attached.find((a) => a.container.running && a.endpoint.address === address);
        const labelled = (address: string) => {
          const found = owner(address);
          return found ? `${address} (${found.container.name})` : address;
        };
        const extraOwners = actual.filter((address) => !expected.includes(address)).map(owner);
        const namedLikeAlias = extraOwners.some((a) => a && a.container.name === alias);
        return fail(
          t(
            `${alias} does not resolve to exactly the containers with that alias`,
            `${alias} 이름 해석 결과가 그 별칭을 가진 컨테이너 주소와 정확히 일치하지 않음`,
          ),
          {
            expected: expected.map(labelled).join(', '),
            actual: actual.length > 0 ? actual.map(labelled).join(', ') : t('no answer', '응답 없음'),
            hint: namedLikeAlias
              ? t(
                  `the container NAMED ${alias} answers to that name too: rename it (docker rename ${alias} ${alias}-old)`,
                  `이름이 ${alias} 인 컨테이너도 그 이름의 해석 결과에 포함됩니다: 컨테이너 이름을 바꾸세요 (docker rename ${alias} ${alias}-old)`,
                )
              : t(
                  `compare with docker network inspect ${NETWORK}; a container that is restarting may be missing from DNS`,
                  `docker network inspect ${NETWORK} 결과와 비교해 보세요. 재시작 중인 컨테이너는 DNS 에서 빠져 있을 수 있습니다`,
                ),
          },
        );
      },
    };
  }

  function sortedUnique(addresses: (string | undefined)[]): string[] {
    return [...new Set(addresses.filter((a): a is string => !!a))].sort();
  }

  return {
    // The resolving probe depends only on the network; where the network is missing, the lookups are skipped anyway.
    warmUp(ctx) {
      ctx.probes.attachWithOwnDns(NETWORK).catch(() => {});
    },
    checks: [
      networkExists(
        NETWORK,
        () => `docker network create ${NETWORK}`,
        t(`a user-defined network named ${NETWORK}`, `이름이 ${NETWORK} 인 사용자 정의 네트워크`),
      ),
      aliasConfigured('web', WEB),
      aliasConfigured('api', API, WEB),
      aliasResolves('web', WEB),
      aliasResolves('api', API),
    ],
  };
}

export const aliasDns: Grader<GradingContext> = { id: 'alias-dns', ...variant(canonicalValues('alias-dns')), variant };
