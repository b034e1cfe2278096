import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { withTimeout } from '../errors.js';

/** Every container and network docknet creates carries these, so any later run can find and reap it. */
export const LABEL = {
  owner: 'io.docknet.owner',
  run: 'io.docknet.run',
  pid: 'io.docknet.pid',
  hostname: 'io.docknet.hostname',
  role: 'io.docknet.role',
} as const;
export const OWNER = 'docknet-grader';

/** A leftover older than this is reaped even when its owner cannot be checked (it ran on another machine). */
const ABANDONED_AFTER_MS = 15 * 60 * 1000;

export function ownedLabels(runId: string, role: string): Record<string, string> {
  return {
    [LABEL.owner]: OWNER,
    [LABEL.run]: runId,
    [LABEL.pid]: String(process.pid),
    [LABEL.hostname]: hostname(),
    [LABEL.role]: role,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the run that created an object with these labels can no longer clean it up itself. */
export function isAbandoned(labels: Record<string, string>, createdMs: number, now = Date.now()): boolean {
  if (labels[LABEL.owner] !== OWNER) return false;
  const pid = Number(labels[LABEL.pid]);
  if (labels[LABEL.hostname] === hostname() && Number.isInteger(pid) && pid !== process.pid) {
    if (!processAlive(pid)) return true;
  }
  return now - createdMs > ABANDONED_AFTER_MS;
}

/** Removes what killed runs left behind (containers first: a network with endpoints cannot go). */
export async function reapLeftovers(docker: Docker, timeoutMs: number): Promise<number> {
  const filters = { label: [`${LABEL.owner}=${OWNER}`] };
  const containers = await withTimeout(docker.listContainers({ all: true, filters }), timeoutMs, 'listing leftover probes');
  const staleContainers = containers.filter((c) => isAbandoned(c.Labels, c.Created * 1000));
  await Promise.all(
    staleContainers.map((c) => withTimeout(docker.getContainer(c.Id).remove({ force: true, v: true }), timeoutMs, 'removing a leftover probe').catch(ignoreGone)),
  );
  const networks = await withTimeout(docker.listNetworks({ filters }), timeoutMs, 'listing leftover networks');
  const staleNetworks = networks.filter((n) => isAbandoned(n.Labels ?? {}, Date.parse(n.Created)));
  await Promise.all(staleNetworks.map((n) => withTimeout(docker.getNetwork(n.Id).remove(), timeoutMs, 'removing a leftover network').catch(ignoreGone)));
  return staleContainers.length + staleNetworks.length;
}

/** Removal of something already gone is success. */
export function ignoreGone(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) return; // 409: removal already in progress
  throw err;
}
