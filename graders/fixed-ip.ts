import {
  fail,
  inLang,
  pass,
  t,
  type CheckSpec,
  type Grader,
  type Localized,
  type Outcome,
  type Text,
} from '../src/engine/grader.js';
import type { GradingContext } from '../src/engine/context.js';
import { attachmentsOn, networkExists, type Attachment } from '../src/engine/common-checks.js';
import { type IpamPool, type NetInterface, type Network } from '../src/engine/views.js';
import { canonicalValues } from '../src/engine/exercise.js';
import type { ParamValues } from '../src/engine/params.js';
import { isIPv4Cidr, sameIPv4Cidr, subnetsOverlapping } from '../src/net/cidr.js';

/** The checks for one variant's values (exercise.yaml's params). */
function variant(v: ParamValues): Pick<Grader<GradingContext>, 'checks' | 'warmUp'> {
  const NETWORK = String(v.network);
  const SUBNET = String(v.subnet);
  const IP_RANGE = String(v['ip-range']);
  const GATEWAY = String(v.gateway);
  const FIXED_IP = String(v['fixed-ip']);
  const FIXED_CIDR = `${FIXED_IP}/${SUBNET.split('/')[1]}`;
  const CREATE = `docker network create --driver bridge --subnet ${SUBNET} --ip-range ${IP_RANGE} --gateway ${GATEWAY} ${NETWORK}`;
  const RECREATE = t(
    `recreate ${NETWORK} (a network's IPAM config cannot be changed): disconnect its containers, docker network rm ${NETWORK}, then ${CREATE}`,
    `${NETWORK} 를 다시 만드세요 (네트워크의 IPAM 설정은 바꿀 수 없습니다): 연결된 컨테이너를 분리하고 docker network rm ${NETWORK} 로 삭제한 다음 ${CREATE} 를 실행하세요`,
  );

  async function customNetwork(ctx: GradingContext): Promise<Network> {
    const network = await ctx.host.network(NETWORK);
    if (!network) throw new Error(`${NETWORK} disappeared while grading`);
    return network;
  }

  /**
   * `next`, preceded by the networks that make the engine refuse 172.20.0.0/16
   * ("Pool overlaps with other one on this address space") when there are any.
   */
  async function hintAfterOverlaps(ctx: GradingContext, next: Text): Promise<Text> {
    const held = (await ctx.host.networks()).flatMap((n) =>
      ipv4Pools(n).map((p) => ({ name: n.name, subnet: p.subnet })),
    );
    const holders = subnetsOverlapping(held, SUBNET, NETWORK);
    if (holders.length === 0) return next;
    const names = [...new Set(holders.map((h) => h.name))];
    const removals = names.map((n) => `docker network rm ${n}`).join('; ');
    return t(
      `${holders.map((h) => `network ${h.name} already holds ${h.subnet}`).join(' and ')}, overlapping ${SUBNET}, so Docker refuses that subnet ("Pool overlaps with other one on this address space"): ` +
        `free it first with ${removals} (after disconnecting its containers); then ${inLang(next, 'en')}`,
      `이미 ${holders.map((h) => `${h.name} 네트워크가 ${h.subnet} 서브넷을`).join(', ')} 사용하고 있어 ${SUBNET} 서브넷과 겹치므로 Docker 가 이 서브넷을 거부합니다 ("Pool overlaps with other one on this address space"): ` +
        `먼저 연결된 컨테이너를 분리한 뒤 ${removals} 명령으로 서브넷을 비우고, 그다음 ${inLang(next, 'ko')}`,
    );
  }

  /** A network's IPv4 pools (IPv6 ones are left out). */
  function ipv4Pools(network: Network): IpamPool[] {
    return network.ipam.filter((p) => isIPv4Cidr(p.subnet));
  }

  /** The pool the ip-range and gateway are read from: the one for 172.20.0.0/16, else the network's only one. */
  function poolUnderTest(network: Network): IpamPool | undefined {
    const pools = ipv4Pools(network);
    return pools.find((p) => sameIPv4Cidr(p.subnet, SUBNET)) ?? (pools.length === 1 ? pools[0] : undefined);
  }

  function noPoolToRead(network: Network): Outcome {
    const subnets = ipv4Pools(network).map((p) => p.subnet);
    return fail(
      t(
        `cannot tell which of ${NETWORK}'s IPv4 pools to read`,
        `${NETWORK} 의 IPv4 풀 중 어느 것을 읽어야 할지 알 수 없음`,
      ),
      {
        expected: t(`one pool, subnet ${SUBNET}`, `풀 하나, 서브넷 ${SUBNET}`),
        actual: subnets.length > 0 ? `subnets ${subnets.join(', ')}` : t('no IPv4 subnet', 'IPv4 서브넷 없음'),
        hint: RECREATE,
      },
    );
  }

  async function attachments(ctx: GradingContext): Promise<Attachment[]> {
    return attachmentsOn(ctx, await customNetwork(ctx));
  }

  /** The running container with 172.20.0.10 configured on custom-network: the one the later checks look at. */
  async function fixedIpContainer(ctx: GradingContext): Promise<Attachment> {
    const found = (await attachments(ctx)).find(
      (a) => a.container.running && a.endpoint.configuredAddress === FIXED_IP,
    );
    if (!found) throw new Error(`the container with ${FIXED_IP} on ${NETWORK} stopped while grading`);
    return found;
  }

  function summary({ container, endpoint }: Attachment): Localized {
    const configured = endpoint.configuredAddress;
    const address = endpoint.address
      ? configured === endpoint.address
        ? t(`${endpoint.address} configured`, `${endpoint.address} 지정됨`)
        : t(`${endpoint.address} by dynamic allocation`, `${endpoint.address} 동적 할당됨`)
      : configured
        ? t(`${configured} configured`, `${configured} 지정됨`)
        : t('no address', '주소 없음');
    const status = container.running ? '' : ` (${container.status})`;
    return t(`${container.name}: ${address.en}${status}`, `${container.name}: ${address.ko}${status}`);
  }

  /** Several summaries on one line, in each language. */
  function summaries(attached: Attachment[]): Localized {
    const all = attached.map(summary);
    return t(all.map((s) => s.en).join('; '), all.map((s) => s.ko).join('; '));
  }

  /** An interface and its IPv4 addresses, as `actual` shows it. */
  function addressesOf(nic: NetInterface): Localized {
    return t(
      `${nic.name}: ${nic.ipv4.join(', ') || 'no IPv4 address'}`,
      `${nic.name}: ${nic.ipv4.join(', ') || 'IPv4 주소 없음'}`,
    );
  }

  /** One value of the pool (ip-range, gateway), compared on its own so that each mistake is reported once. */
  function poolValue(
    id: string,
    what: Localized,
    wanted: string,
    read: (pool: IpamPool) => string | undefined,
    matches: (value: string) => boolean,
    absent: Text,
  ): CheckSpec<GradingContext> {
    return {
      id,
      needs: ['network-exists'],
      async run(ctx) {
        const network = await customNetwork(ctx);
        const pool = poolUnderTest(network);
        if (!pool) return noPoolToRead(network);
        const value = read(pool);
        // what.ko ends in a vowel (IP 범위, 게이트웨이): its subject particle is 가.
        if (value && matches(value))
          return pass(t(`${NETWORK}'s ${what.en} is ${wanted}`, `${NETWORK} 의 ${what.ko}가 ${wanted} 임`));
        return fail(
          value
            ? t(`${NETWORK}'s ${what.en} is ${value}`, `${NETWORK} 의 ${what.ko}가 ${value} 임`)
            : t(`${NETWORK} has no ${what.en}`, `${NETWORK} 에 ${what.ko}가 지정되지 않음`),
          {
            expected: `${what.en} ${wanted}`,
            actual: value ? `${what.en} ${value}` : absent,
            hint: RECREATE,
          },
        );
      },
    };
  }

  return {
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
          const { driver } = await customNetwork(ctx);
          if (driver === 'bridge')
            return pass(t(`${NETWORK} uses the bridge driver`, `${NETWORK} 가 bridge 드라이버를 사용함`));
          return fail(t(`${NETWORK} uses the ${driver} driver`, `${NETWORK} 가 ${driver} 드라이버를 사용함`), {
            expected: 'driver bridge',
            actual: `driver ${driver}`,
            hint: RECREATE,
          });
        },
      },
      {
        id: 'network-subnet',
        needs: ['network-exists'],
        async run(ctx) {
          const subnets = ipv4Pools(await customNetwork(ctx)).map((p) => p.subnet);
          if (subnets.length === 1 && sameIPv4Cidr(subnets[0], SUBNET)) {
            return pass(t(`${NETWORK}'s subnet is ${SUBNET}`, `${NETWORK} 의 서브넷이 ${SUBNET} 임`));
          }
          return fail(
            t(`${NETWORK}'s subnet is not exactly ${SUBNET}`, `${NETWORK} 의 서브넷이 정확히 ${SUBNET} 이 아님`),
            {
              expected: `subnet ${SUBNET}`,
              actual: subnets.length > 0 ? `subnet ${subnets.join(', ')}` : t('no IPv4 subnet', 'IPv4 서브넷 없음'),
              hint: await hintAfterOverlaps(ctx, RECREATE),
            },
          );
        },
      },
      poolValue(
        'network-ip-range',
        t('ip-range', 'IP 범위'),
        IP_RANGE,
        (p) => p.ipRange,
        (v) => sameIPv4Cidr(v, IP_RANGE),
        t(
          'no ip-range (dynamic addresses come from the whole subnet)',
          'IP 범위 없음 (동적 주소가 서브넷 전체에서 할당됨)',
        ),
      ),
      poolValue(
        'network-gateway',
        t('gateway', '게이트웨이'),
        GATEWAY,
        (p) => p.gateway,
        (v) => v === GATEWAY,
        t('no gateway set (the engine picked one itself)', '게이트웨이를 지정하지 않음 (엔진이 직접 정함)'),
      ),
      {
        id: 'static-ip',
        needs: ['network-exists'],
        async run(ctx): Promise<Outcome> {
          const attached = await attachments(ctx);
          const running = attached.filter((a) => a.container.running);
          const configured = attached.filter((a) => a.endpoint.configuredAddress === FIXED_IP);
          const holder = configured.find((a) => a.container.running);
          if (holder) {
            const name = holder.container.name;
            return pass(
              t(
                `${name} has ${FIXED_IP} configured on ${NETWORK}`,
                `${name} 컨테이너에 ${NETWORK} 고정 IP ${FIXED_IP} 이 지정됨`,
              ),
              {
                actual: summary(holder),
              },
            );
          }

          const expected = t(
            `a running container with ${FIXED_IP} configured on ${NETWORK} (--ip)`,
            `${NETWORK} 에 고정 IP ${FIXED_IP} 이 지정된 (--ip) 실행 중인 컨테이너`,
          );
          const stopped = configured[0];
          if (stopped) {
            const name = stopped.container.name;
            return fail(
              t(
                `${name} has ${FIXED_IP} configured but is not running`,
                `${name} 컨테이너에 ${FIXED_IP} 이 지정되어 있지만 실행 중이 아님`,
              ),
              {
                expected,
                actual: summary(stopped),
                hint: t(
                  `a container whose main process ends stops: give it a long-running command, then docker start ${name}`,
                  `메인 프로세스가 끝난 컨테이너는 멈춥니다: 계속 실행되는 명령을 지정한 다음 docker start ${name} 명령으로 시작하세요`,
                ),
              },
            );
          }
          const leased = running.find((a) => a.endpoint.address === FIXED_IP);
          if (leased) {
            const name = leased.container.name;
            return fail(
              t(
                `${name} has ${FIXED_IP} only by dynamic allocation`,
                `${name} 컨테이너가 ${FIXED_IP} 을 동적 할당으로만 받음`,
              ),
              {
                expected,
                actual: summary(leased),
                hint: t(
                  `a lease may differ after a restart; configure it: docker network disconnect ${NETWORK} ${name} && docker network connect --ip ${FIXED_IP} ${NETWORK} ${name}`,
                  `동적으로 할당된 주소는 재시작 후 달라질 수 있으니 고정 IP 로 지정하세요: docker network disconnect ${NETWORK} ${name} && docker network connect --ip ${FIXED_IP} ${NETWORK} ${name}`,
                ),
              },
            );
          }
          if (running.length === 0) {
            return fail(
              t(`no running container is attached to ${NETWORK}`, `${NETWORK} 에 연결된 실행 중인 컨테이너가 없음`),
              {
                expected,
                actual: attached.length > 0 ? summaries(attached) : t('no container attached', '연결된 컨테이너 없음'),
                hint: t(
                  `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image> (any image whose main process keeps running)`,
                  `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image> (메인 프로세스가 계속 실행되는 이미지라면 무엇이든 됩니다)`,
                ),
              },
            );
          }
          return fail(
            t(
              `no container on ${NETWORK} has ${FIXED_IP} configured`,
              `${NETWORK} 에 ${FIXED_IP} 이 지정된 컨테이너가 없음`,
            ),
            {
              expected,
              actual: summaries(running),
              hint: t(
                `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image>, or for a running container: docker network disconnect ${NETWORK} <name> && docker network connect --ip ${FIXED_IP} ${NETWORK} <name>`,
                `docker run -d --network ${NETWORK} --ip ${FIXED_IP} <image> 로 실행하거나, 이미 실행 중인 컨테이너라면 다음을 실행하세요: docker network disconnect ${NETWORK} <name> && docker network connect --ip ${FIXED_IP} ${NETWORK} <name>`,
              ),
            },
          );
        },
      },
      {
        id: 'address-in-namespace',
        needs: ['static-ip'],
        async run(ctx) {
          const { container, endpoint } = await fixedIpContainer(ctx);
          const name = container.name;
          const mac = endpoint.mac?.toLowerCase();
          if (!mac)
            throw new Error(
              `the engine reports no MAC address for ${name}'s endpoint on ${NETWORK}, so its interface cannot be told apart`,
            );
          // Read by a probe in the container's namespace: the container's own tools may be missing or fake.
          const interfaces = await (await ctx.probes.join(container.id)).interfaces();
          const nic = interfaces.find((i) => i.mac.toLowerCase() === mac);
          if (nic?.ipv4.includes(FIXED_CIDR)) {
            return pass(
              t(
                `${name} carries ${FIXED_CIDR} on ${nic.name}, its ${NETWORK} interface`,
                `${name} 컨테이너의 ${NETWORK} 인터페이스 ${nic.name} 에 ${FIXED_CIDR} 이 있음`,
              ),
            );
          }
          const others = interfaces.map(addressesOf);
          return fail(
            t(
              `${name}'s ${NETWORK} interface does not carry ${FIXED_CIDR}`,
              `${name} 컨테이너의 ${NETWORK} 인터페이스에 ${FIXED_CIDR} 이 없음`,
            ),
            {
              expected: t(
                `${FIXED_CIDR} on the interface with MAC ${mac}`,
                `MAC 주소가 ${mac} 인 인터페이스에 ${FIXED_CIDR}`,
              ),
              actual: nic
                ? addressesOf(nic)
                : t(
                    `no interface with that MAC (${others.map((o) => o.en).join('; ')})`,
                    `그 MAC 주소를 가진 인터페이스 없음 (${others.map((o) => o.ko).join('; ')})`,
                  ),
              hint: t(
                `something inside ${name} changed its addresses; docker restart ${name} restores what the engine configured`,
                `${name} 컨테이너 안에서 무언가가 주소를 바꿨습니다: docker restart ${name} 명령으로 엔진이 지정한 주소를 되돌리세요`,
              ),
            },
          );
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
          if (await probe.pings(FIXED_IP)) {
            return pass(
              t(
                `${FIXED_IP} answers the host over ${NETWORK}'s bridge`,
                `${FIXED_IP} 이 ${NETWORK} 의 브리지를 통해 호스트에 응답함`,
              ),
            );
          }
          const name = container.name;
          return fail(
            t(
              `${FIXED_IP} does not answer the host over ${NETWORK}'s bridge`,
              `${FIXED_IP} 이 ${NETWORK} 의 브리지를 통해 호스트에 응답하지 않음`,
            ),
            {
              expected: t('an answer to ping', 'ping 응답'),
              actual: t('no answer within 1 s', '1초 안에 응답 없음'),
              hint: t(
                `is something inside ${name} dropping ICMP, or is it restarting?`,
                `${name} 컨테이너 안에서 무언가가 ICMP 를 차단하고 있는지, 또는 컨테이너가 재시작 중인지 확인해 보세요`,
              ),
            },
          );
        },
      },
    ],
  };
}

export const fixedIp: Grader<GradingContext> = { id: 'fixed-ip', ...variant(canonicalValues('fixed-ip')), variant };
