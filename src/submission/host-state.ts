// What a submission may change on the engine's host, captured before it runs and put
// back after grading: containers, networks and volumes by ID, and the filter table's
// built-in chains (rules and policies), DOCKER-USER and user chains. Docker's own
// chains follow its networks and are left to Docker.
//
// The firewall is captured as `iptables-save -t filter` text, from the backend (nft or
// legacy) that holds DOCKER-USER, and put back with one `iptables-restore --noflush` of
// that same backend, fed the saved rule lines on stdin: the kernel takes the whole
// table at once or nothing, and rule text (a comment holding `$(…)`) stays data,
// because no shell ever reads it. Programs run by their absolute, root-owned paths.
import type Docker from 'dockerode';
import { execa } from 'execa';
import { errorMessage } from '../errors.js';
import type { ExecResult } from '../docker/exec.js';
import { SAVE_PROGRAMS, systemProgram } from '../docker/host-firewall.js';
import { createdByDocknet, ignoreGone, knownRuns } from '../docker/labels.js';
import { parseRuleset } from '../net/iptables.js';

/** Docker's own chains: they follow its networks. */
const DOCKER_CHAINS = /^DOCKER(-ISOLATION-STAGE-\d|-INGRESS|-FORWARD|-BRIDGE|-CT|-INTERNAL)?$/;
const NOT_FOUND = 127;
const FIREWALL_TIMEOUT_MS = 30_000;

/** Runs a system program with `input` on its stdin; a program the system lacks exits with 127. */
export type ProgramRunner = (argv: string[], input?: string) => Promise<ExecResult>;

/** The program by its root-owned path (never PATH's), no shell, none of the grader's environment. */
export const systemRunner: ProgramRunner = async ([program, ...args], input) => {
  const path = systemProgram(program);
  if (path === undefined) return { exitCode: NOT_FOUND, stdout: '', stderr: `${program}: no root-owned program` };
  const result = await execa(path, args, {
    reject: false,
    timeout: FIREWALL_TIMEOUT_MS,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    extendEnv: false,
    env: { LC_ALL: 'C' },
  });
  if (result.exitCode === undefined) throw new Error(`${program} did not run: ${result.shortMessage}`);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

/** The filter table as one backend's iptables-save printed it. */
interface SavedFilter {
  /** `iptables`, `iptables-nft` or `iptables-legacy`: its -save read the table, its -restore puts it back */
  backend: string;
  /** built-in chains and their policies, in saved order */
  policies: Map<string, string>;
  /** DOCKER-USER and the user chains that are not Docker's */
  userChains: Set<string>;
  /** the `-A` lines of those chains, verbatim and in order: iptables-restore reads them as iptables-save wrote them */
  rules: string[];
}

export interface HostState {
  containers: Set<string>;
  networks: Set<string>;
  volumes: Set<string>;
  filter: SavedFilter;
}

/**
 * Reads the filter table of the first backend holding DOCKER-USER. A table whose lines
 * cannot be given back to iptables-restore one for one (a comment holding a newline
 * splits a rule over lines) is refused before the solution runs, not found out after.
 */
async function saveFilter(run: ProgramRunner, backend?: string): Promise<SavedFilter> {
  const findings: string[] = [];
  for (const program of backend === undefined ? SAVE_PROGRAMS : [`${backend}-save`]) {
    const { exitCode, stdout, stderr } = await run([program, '-t', 'filter']);
    if (exitCode !== 0) {
      findings.push(`${program}: ${stderr.trim().split('\n')[0] || `exit code ${exitCode}`}`);
      continue;
    }
    if (!/^:DOCKER-USER /m.test(stdout)) {
      findings.push(`${program}: no DOCKER-USER`);
      continue;
    }
    return readSaved(program.replace(/-save$/, ''), stdout);
  }
  throw new Error(`cannot save the filter table holding DOCKER-USER (${findings.join('; ')})`);
}

function readSaved(backend: string, text: string): SavedFilter {
  const start = text.search(/^\*filter\s*$/m);
  const end = text.indexOf('\nCOMMIT', start);
  if (start < 0 || end < 0) throw new Error(`${backend}-save -t filter printed no complete filter table`);
  const lines = text.slice(start, end).split('\n').slice(1);
  const parsed = parseRuleset(text);
  const ruleCount = [...parsed.chains.values()].reduce((n, c) => n + c.rules.length, 0);
  const ruleLines = lines.filter((l) => l.startsWith('-A '));
  if (ruleLines.length !== ruleCount || lines.some((l) => !/^(-A |:|#|$)/.test(l)))
    throw new Error(
      `${backend}-save -t filter printed a rule over several lines (a comment holding a newline): it cannot be restored exactly`,
    );
  const policies = new Map<string, string>();
  const userChains = new Set<string>();
  for (const chain of parsed.chains.values()) {
    if (chain.policy !== undefined) policies.set(chain.name, chain.policy);
    else if (!DOCKER_CHAINS.test(chain.name)) userChains.add(chain.name);
  }
  const kept = (line: string) => {
    const chain = /^-A (\S+) /.exec(line)?.[1] ?? '';
    return policies.has(chain) || userChains.has(chain);
  };
  return { backend, policies, userChains, rules: ruleLines.filter(kept) };
}

/**
 * The input of `iptables-restore --noflush`: policies set, built-in chains flushed by
 * `-F`, the other chains flushed (or made again) by being declared, every saved rule
 * appended, then chains the submission added deleted. One COMMIT: all of it or none.
 */
export function restoreInput(before: SavedFilter, now: SavedFilter): string | undefined {
  const added = [...now.userChains].filter((c) => !before.userChains.has(c));
  const same =
    added.length === 0 &&
    [...before.userChains].every((c) => now.userChains.has(c)) &&
    [...before.policies].every(([c, p]) => now.policies.get(c) === p) &&
    before.rules.join('\n') === now.rules.join('\n');
  if (same) return undefined;
  return [
    '*filter',
    ...[...before.policies].map(([chain, policy]) => `:${chain} ${policy} [0:0]`),
    ...[...before.userChains, ...added].map((chain) => `:${chain} - [0:0]`),
    ...[...before.policies.keys()].map((chain) => `-F ${chain}`),
    ...before.rules,
    ...added.map((chain) => `-X ${chain}`),
    'COMMIT',
    '',
  ].join('\n');
}

/** Everything but the grader's own probes (which the grader removes itself). */
export async function captureHostState(docker: Docker, run: ProgramRunner = systemRunner): Promise<HostState> {
  const [containers, networks, volumes, filter] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
    saveFilter(run),
  ]);
  return {
    containers: new Set(containers.filter((c) => !createdByDocknet(c, knownRuns())).map((c) => c.Id)),
    networks: new Set(networks.map((n) => n.Id)),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
    filter,
  };
}

/**
 * Removes what appeared since `before` and puts the firewall back. Every step is
 * tried; what could not be undone is returned, one line each, for the report.
 */
export async function restoreHostState(
  docker: Docker,
  before: HostState,
  run: ProgramRunner = systemRunner,
): Promise<string[]> {
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

  await attempt(`the filter table (${before.filter.backend}) could not be put back`, async () => {
    const input = restoreInput(before.filter, await saveFilter(run, before.filter.backend));
    if (input === undefined) return;
    const { exitCode, stderr } = await run([`${before.filter.backend}-restore`, '-w', '5', '--noflush'], input);
    if (exitCode !== 0)
      throw new Error(`${before.filter.backend}-restore: ${stderr.trim() || `exit code ${exitCode}`}`);
  });
  return problems;
}
