// A diagnosis every exercise shares: with bridge netfilter on, traffic between two
// containers on one bridge also walks DOCKER-USER, so an unqualified `-j DROP` there
// (the firewall exercise done as the course text writes it) silently cuts containers
// off from each other. When that is why a probe got no answer, the hint says so.
import { evaluate } from '../net/firewall.js';
import { t, type Text } from './grader.js';
import type { GradingContext } from './context.js';
import type { Network } from './views.js';

/** The Linux bridge behind a bridge network, as the engine names it unless told otherwise. */
export function bridgeInterface(n: Network): string {
  return n.options['com.docker.network.bridge.name'] ?? (n.name === 'bridge' ? 'docker0' : `br-${n.id.slice(0, 12)}`);
}

/**
 * The hint naming the DOCKER-USER rule that drops a new packet from `src` to `dst`
 * across `network`'s bridge, or undefined when no rule there drops it (or the
 * firewall cannot be read: then this diagnosis has nothing to say).
 */
export async function dockerUserBlame(
  ctx: GradingContext,
  network: Network,
  src: string,
  dst: string,
  proto: 'icmp' | 'tcp',
  dport?: number,
): Promise<Text | undefined> {
  if (network.driver !== 'bridge') return undefined;
  let view;
  try {
    view = await ctx.firewall.read();
  } catch {
    return undefined;
  }
  const iface = bridgeInterface(network);
  let verdict;
  try {
    verdict = evaluate(view.ruleset, 'DOCKER-USER', {
      proto,
      ...(proto === 'icmp' ? { icmpType: 8 } : { sport: 51000, dport }),
      ctstate: 'NEW',
      inIface: iface,
      outIface: iface,
      src,
      dst,
    });
  } catch {
    return undefined;
  }
  if (verdict.kind !== 'drop' && verdict.kind !== 'reject') return undefined;
  const { index, text } = verdict.rule;
  const ext = view.externalInterface;
  const rest = text.replace(/^-A DOCKER-USER\s*/, '');
  return t(
    `DOCKER-USER rule ${index} (${text}) drops this traffic between two containers on ${network.name}: with bridge netfilter on, packets between containers on one bridge pass DOCKER-USER too. Limit the rule to traffic from outside with -i ${ext}: iptables -R DOCKER-USER ${index} -i ${ext} ${rest}`,
    `DOCKER-USER 규칙 ${index} (${text}) 이 ${network.name} 의 두 컨테이너 사이 트래픽을 버립니다: bridge netfilter 가 켜져 있으면 같은 브리지 안의 패킷도 DOCKER-USER 를 지납니다. -i ${ext} 로 외부에서 들어오는 트래픽에만 적용하세요: iptables -R DOCKER-USER ${index} -i ${ext} ${rest}`,
  );
}
