// What a rootless engine (rootlesskit) cannot show the grader. Its containers' "host"
// is rootlesskit's network namespace: DOCKER-USER lives there, and traffic from outside
// comes in through rootlesskit's port driver, a process that connects to the container
// from inside that namespace, so it never crosses FORWARD. Checks that need either are
// not applicable there, with one reason, rather than failed.
import { NotApplicable } from '../errors.js';
import type { FirewallView } from './firewall-view.js';
import type { Container, Probes } from './views.js';

export const ROOTLESS_FIREWALL = {
  en: "not applicable on a rootless engine: its DOCKER-USER is in rootlesskit's network namespace, and traffic from outside reaches containers through rootlesskit's port driver, which connects to them from inside that namespace, so no packet from outside crosses DOCKER-USER",
  ko: '루트리스 엔진에는 해당하지 않음: DOCKER-USER 는 rootlesskit 의 네트워크 네임스페이스에 있고, 외부 트래픽은 그 네임스페이스 안에서 컨테이너로 연결하는 rootlesskit 의 포트 드라이버를 거치므로 외부의 어떤 패킷도 DOCKER-USER 를 지나지 않습니다',
};

export const ROOTLESS_SENTINEL = {
  en: "not applicable on a rootless engine: docknet's stand-in for the outside world is wired to the engine's host through the host's PID namespace, which a rootless engine's containers cannot join",
  ko: '루트리스 엔진에는 해당하지 않음: docknet 이 외부 세계 대신 두는 서버는 호스트의 PID 네임스페이스를 거쳐 엔진의 호스트에 연결되는데, 루트리스 엔진의 컨테이너는 그 네임스페이스에 들어갈 수 없습니다',
};

/** The firewall of a rootless engine's host: nothing a check may judge. */
export const rootlessFirewall: FirewallView = {
  read: () => Promise.reject(new NotApplicable(ROOTLESS_FIREWALL)),
};

/** A rootless engine's probes: all but the sentinel, which cannot be wired there. */
export function rootlessProbes(probes: Probes): Probes {
  return {
    sentinel: () => Promise.reject(new NotApplicable(ROOTLESS_SENTINEL)),
    join: (id) => probes.join(id),
    attach: (network) => probes.attach(network),
    attachWithOwnDns: (network) => probes.attachWithOwnDns(network),
    hostNetwork: () => probes.hostNetwork(),
  };
}

/**
 * A container a rootless engine created but would not start because it refuses to publish a
 * privileged host port the check asks for: the command may be exactly right, and it is the
 * machine's setting (net.ipv4.ip_unprivileged_port_start) that says no. The engine's own
 * words, which name the remedies, are the reason.
 */
export function refusedPrivilegedPort(notRunning: Container[], hostPorts: number[]): NotApplicable | undefined {
  for (const c of notRunning) {
    const refusal = /cannot expose privileged port (\d+)[^:]*/.exec(c.error ?? '');
    if (refusal && hostPorts.includes(Number(refusal[1])))
      return new NotApplicable({
        en: `not applicable on this rootless engine: it did not start ${c.name}, saying "${refusal[0]}"`,
        ko: `이 루트리스 엔진에는 해당하지 않음: 엔진이 ${c.name} 컨테이너를 시작하지 않았습니다: "${refusal[0]}"`,
      });
  }
  return undefined;
}
