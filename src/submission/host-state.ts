// What a submission may change on the engine's host, captured before it runs and put
// back after grading: containers, networks and volumes by ID, and the filter table's
// built-in chains, DOCKER-USER and user chains. Docker's own chains follow its
// networks and are left to Docker.
import type Docker from 'dockerode';
import { execa } from 'execa';
import { errorMessage } from '../errors.js';
import { createdByDocknet, ignoreGone, knownRuns } from '../docker/labels.js';

/** Chains whose rules a submission may touch and that are put back rule for rule. */
const RESTORED_CHAINS = ['INPUT', 'FORWARD', 'OUTPUT', 'DOCKER-USER'];
/** Docker's own chains: they follow its networks. */
const DOCKER_CHAINS = /^DOCKER(-ISOLATION-STAGE-\d|-INGRESS|-FORWARD|-BRIDGE|-CT|-INTERNAL)?$/;

export interface HostState {
  containers: Set<string>;
  networks: Set<string>;
  volumes: Set<string>;
  /** rules (`iptables -S` lines beginning -A) per chain */
  rules: Map<string, string[]>;
  /** user chains (not built in, not Docker's) */
  userChains: Set<string>;
}

async function iptablesS(): Promise<string[]> {
  const { stdout } = await execa('iptables', ['-w', '-S'], { stdin: 'ignore' });
  return stdout.split('\n').filter(Boolean);
}

function readRules(lines: string[]): { rules: Map<string, string[]>; userChains: Set<string> } {
  const rules = new Map<string, string[]>();
  const userChains = new Set<string>();
  for (const line of lines) {
    const chainDecl = /^-N (\S+)/.exec(line);
    if (chainDecl && !DOCKER_CHAINS.test(chainDecl[1]) && chainDecl[1] !== 'DOCKER-USER') userChains.add(chainDecl[1]);
    const rule = /^-A (\S+) /.exec(line);
    if (rule) rules.set(rule[1], [...(rules.get(rule[1]) ?? []), line]);
  }
  return { rules, userChains };
}

/** Everything but the grader's own probes (which the grader removes itself). */
export async function captureHostState(docker: Docker): Promise<HostState> {
  const [containers, networks, volumes, lines] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
    iptablesS(),
  ]);
  return {
    containers: new Set(containers.filter((c) => !createdByDocknet(c, knownRuns())).map((c) => c.Id)),
    networks: new Set(networks.map((n) => n.Id)),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
    ...readRules(lines),
  };
}

/**
 * Removes what appeared since `before` and puts the firewall back. Every step is
 * tried; what could not be undone is returned, one line each, for the report.
 */
export async function restoreHostState(docker: Docker, before: HostState): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (err) {
      problems.push(`${what}: ${errorMessage(err).split('\n')[0]}`);
    }
  };

  // a solution's container that merely wears docknet's labels is the solution's, and goes
  const runs = knownRuns();
  const containers = (await docker.listContainers({ all: true })).filter(
    (c) => !before.containers.has(c.Id) && !createdByDocknet(c, runs),
  );
  await Promise.all(
    containers.map((c) =>
      attempt(`container ${c.Names[0]?.slice(1) ?? c.Id.slice(0, 12)} could not be removed`, () =>
        docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone),
      ),
    ),
  );
  for (const n of (await docker.listNetworks()).filter((x) => !before.networks.has(x.Id))) {
    await attempt(`network ${n.Name} could not be removed`, () =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch((err: unknown) => {
          if (/active endpoints/.test(errorMessage(err)))
            throw new Error('containers that were there before the submission are still connected to it');
          return ignoreGone(err);
        }),
    );
  }
  for (const v of ((await docker.listVolumes()).Volumes ?? []).filter((x) => !before.volumes.has(x.Name))) {
    await attempt(`volume ${v.Name} could not be removed`, () => docker.getVolume(v.Name).remove().catch(ignoreGone));
  }

  // Chains first exist again, then every chain holds its old rules, and only then can
  // chains the submission added, no longer jumped to, go.
  const now = readRules(await iptablesS());
  for (const chain of [...before.userChains].filter((c) => !now.userChains.has(c))) {
    await attempt(`chain ${chain} could not be created again`, () => execa('iptables', ['-w', '-N', chain]));
  }
  for (const chain of [...RESTORED_CHAINS, ...before.userChains]) {
    const was = before.rules.get(chain) ?? [];
    if ((now.rules.get(chain) ?? []).join('\n') === was.join('\n')) continue;
    await attempt(`chain ${chain} could not be put back`, async () => {
      await execa('iptables', ['-w', '-F', chain]);
      for (const rule of was) await execa('sh', ['-c', `iptables -w ${rule}`]);
    });
  }
  for (const chain of [...now.userChains].filter((c) => !before.userChains.has(c))) {
    await attempt(`chain ${chain} could not be deleted`, async () => {
      await execa('iptables', ['-w', '-F', chain]);
      await execa('iptables', ['-w', '-X', chain]);
    });
  }
  return problems;
}
