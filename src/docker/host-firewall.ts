// The Docker host's iptables `filter` table, its external interface and its Docker
// bridges, read with the host's own programs (from fixed, root-owned paths, never the
// caller's PATH): directly when docknet runs as root beside a local engine, otherwise
// from a helper container in the host's namespaces. Read once per run. Every chain
// reachable from DOCKER-USER is read a second time, rule by rule, and a chain whose
// two readings disagree is marked disputed: its rules are then judged by nothing.
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { TimeoutError, errorMessage } from '../errors.js';
import type { Bridge, FirewallState } from '../net/firewall-state.js';
import { chainsReachable, parseRuleset, type Ruleset } from '../net/iptables.js';
import type { EngineTarget } from './client.js';
import type { ExecResult } from './exec.js';
import { shellQuote, type ProbeSession } from './probe.js';

export type HostFirewallView = FirewallState;

/** Runs one of the host's programs; a program the host lacks exits with 127, as in a shell. */
export type HostRunner = (argv: string[]) => Promise<ExecResult>;

/** The host network namespace's routes (main table) as `ip route` prints them. */
export type RouteReader = () => Promise<string>;

const NOT_FOUND = 127;

// `iptables-save` is whichever backend the host's alternatives point to; dockerd may
// have programmed the other one, so the one holding DOCKER-USER is used.
export const SAVE_PROGRAMS = ['iptables-save', 'iptables-nft-save', 'iptables-legacy-save'];

/**
 * The host's firewall is not one this exercise can be done on (Docker's nftables
 * backend, or no Docker firewall at all): nothing was misread, and nothing is the
 * student's mistake, so the message stands on its own.
 */
export class NoDockerUser extends Error {}

/** The engine's FirewallView for a real host (docker/ knows no engine/ types: the shapes match). */
export class HostFirewall {
  private view?: Promise<HostFirewallView>;

  /** `via` says how the host is reached, for error messages: '' or e.g. ' through a helper container'. */
  constructor(
    private readonly runOnHost: HostRunner,
    private readonly via = '',
    private readonly readRoutes: RouteReader = hostIpRoutes(runOnHost),
  ) {}

  /** A failure is one line saying what could not be read, and how it was tried, or why this host has no DOCKER-USER. */
  read(): Promise<HostFirewallView> {
    this.view ??= readHostFirewall(this.runOnHost, this.readRoutes).catch((err: unknown) => {
      if (err instanceof NoDockerUser) throw err;
      throw new Error(`cannot read the host's firewall${this.via}: ${errorMessage(err)}`);
    });
    return this.view;
  }
}

/**
 * Reads the host's rules directly when the engine is local and docknet is root;
 * otherwise (a remote engine, no root, or `forceHelper`) through a helper container.
 */
export function openHostFirewall(
  target: EngineTarget,
  probes: ProbeSession,
  options: { timeoutMs: number; forceHelper?: boolean; netns?: string },
): HostFirewall {
  if (options.netns)
    return new HostFirewall(
      inNetns(options.netns, localRunner(options.timeoutMs)),
      " in the sandbox's network namespace",
    );
  const local = target.sameHost;
  const root = process.getuid?.() === 0;
  if (local && root && !options.forceHelper) return new HostFirewall(localRunner(options.timeoutMs));
  const via = local
    ? root
      ? ' through a helper container'
      : ' through a helper container (docknet does not run as root here)'
    : ` of ${target.label} through a helper container`;
  return new HostFirewall(helperRunner(probes), via, helperRoutes(probes));
}

/** DOCKER-USER as `iptables -S` prints it, read on this machine (root): to notice it change. */
export async function readDockerUser(timeoutMs: number): Promise<string> {
  const { exitCode, stdout, stderr } = await localRunner(timeoutMs)(['iptables', '-w', '-S', 'DOCKER-USER']);
  if (exitCode !== 0) throw new Error(`iptables -S DOCKER-USER failed: ${stderr.trim()}`);
  return stdout;
}

// Where a root-owned system keeps iptables and iproute2; /usr/local is left out, being
// where a person installs their own tools.
const SYSTEM_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const HOST_PATH = SYSTEM_DIRS.join(':');

/**
 * The absolute path of a system program: the first in SYSTEM_DIRS that is (through its
 * symlinks) a root-owned file nobody else may write. A look-alike earlier in the
 * caller's PATH is never consulted.
 */
export function systemProgram(name: string, dirs = SYSTEM_DIRS): string | undefined {
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      const stat = statSync(realpathSync(path));
      if (stat.isFile() && stat.uid === 0 && (stat.mode & 0o022) === 0) return path;
    } catch {
      // not there: the next directory
    }
  }
  return undefined;
}

function localRunner(timeoutMs: number): HostRunner {
  return async ([program, ...args]) => {
    const path = systemProgram(program);
    if (path === undefined)
      return {
        exitCode: NOT_FOUND,
        stdout: '',
        stderr: `${program}: not found in ${SYSTEM_DIRS.join(', ')} (root-owned)`,
      };
    const result = await execa(path, args, {
      reject: false,
      timeout: timeoutMs,
      stdin: 'ignore',
      extendEnv: false,
      env: { PATH: HOST_PATH, LC_ALL: 'C' },
    });
    if (result.timedOut) throw new TimeoutError(`${program} ${args.join(' ')}`, timeoutMs);
    if (result.exitCode === undefined) throw new Error(`${program} did not run: ${result.shortMessage}`);
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
}

/**
 * Runs the host's own programs in another network namespace (a sandbox's), by its
 * /proc/PID/ns/net; the program inside is named by its absolute, root-owned path too.
 */
export function inNetns(netns: string, run: HostRunner): HostRunner {
  return async ([program, ...args]) => {
    const path = systemProgram(program);
    if (path === undefined)
      return {
        exitCode: NOT_FOUND,
        stdout: '',
        stderr: `${program}: not found in ${SYSTEM_DIRS.join(', ')} (root-owned)`,
      };
    return run(['nsenter', `--net=${netns}`, '--', path, ...args]);
  };
}

// The host's own /bin/sh runs the first root-owned program of that name in the system
// directories, by its absolute path: busybox's chroot, given a bare name, would run its
// own applet of that name instead (its `ip`).
const HOST_EXEC = [
  `for dir in ${SYSTEM_DIRS.join(' ')}; do`,
  'if [ -f "$dir/$1" ] && [ -x "$dir/$1" ] && [ -O "$dir/$1" ]; then program="$dir/$1"; shift; exec "$program" "$@"; fi;',
  'done; echo "$1: not found" >&2; exit 127',
].join(' ');

function helperRunner(probes: ProbeSession): HostRunner {
  return async (argv) => {
    const helper = await probes.hostRoot();
    const command = argv.map(shellQuote).join(' ');
    return helper.run(`PATH=${HOST_PATH} exec busybox chroot /host /bin/sh -c '${HOST_EXEC}' sh ${command}`, 5);
  };
}

// Routes belong to the network namespace, not to the host's programs: the helper,
// already in the host's namespace, reads them with its own busybox, so a host
// without iproute2 (a minimal one) is no obstacle.
function helperRoutes(probes: ProbeSession): RouteReader {
  return async () => {
    const { exitCode, stdout, stderr } = await (await probes.hostRoot()).run('ip route', 5);
    if (exitCode !== 0)
      throw new Error(
        `ip route failed in the host's network namespace: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`,
      );
    return stdout;
  };
}

function hostIpRoutes(run: HostRunner): RouteReader {
  return async () => {
    const { exitCode, stdout, stderr } = await run(['ip', '-4', 'route', 'show']);
    if (exitCode !== 0)
      throw new Error(`ip -4 route show failed on the host: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`);
    return stdout;
  };
}

export async function readHostFirewall(
  run: HostRunner,
  readRoutes: RouteReader = hostIpRoutes(run),
): Promise<HostFirewallView> {
  const { backend, ruleset } = await readDockerChains(run);
  await crossCheck(run, backend.replace(/-save$/, ''), ruleset);
  const routes = await readRoutes();
  return { backend, ruleset, externalInterface: externalInterface(routes), bridges: dockerBridges(routes) };
}

async function readDockerChains(run: HostRunner): Promise<{ backend: string; ruleset: Ruleset }> {
  const findings: string[] = [];
  const dockerChains: string[] = [];
  let anyRan = false;
  for (const program of SAVE_PROGRAMS) {
    const { exitCode, stdout, stderr } = await run([program, '-t', 'filter']);
    if (exitCode === NOT_FOUND) {
      findings.push(`${program}: not installed`);
      continue;
    }
    if (exitCode !== 0) {
      findings.push(`${program}: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`);
      continue;
    }
    anyRan = true;
    const ruleset = parseSaved(program, stdout);
    if (ruleset.chains.has('DOCKER-USER')) {
      // Docker's nftables backend never jumps to a DOCKER-USER someone made (or one left
      // from the iptables backend without its jump): its rules would be judged for nothing
      if (!jumpsTo(ruleset, 'FORWARD', 'DOCKER-USER')) {
        const nft = await dockerNftTables(run);
        if (nft.tables.length > 0) throw new NoDockerUser(nftablesBackend(nft.tables, `${program}'s DOCKER-USER`));
      }
      return { backend: program, ruleset };
    }
    const docker = [...ruleset.chains.keys()].filter((name) => name.startsWith('DOCKER'));
    if (docker.length > 0) dockerChains.push(`${program}: ${docker.join(', ')}`);
    findings.push(`${program}: no DOCKER-USER`);
  }
  const nft = await dockerNftTables(run);
  if (nft.tables.length > 0) throw new NoDockerUser(nftablesBackend(nft.tables, findings.join('; ')));
  if (!anyRan) throw new Error(`no iptables-save program works on the host (${findings.join('; ')})`);
  if (dockerChains.length > 0)
    throw new NoDockerUser(
      `the engine uses the iptables firewall backend (${dockerChains.join('; ')}) but DOCKER-USER is gone from it: someone deleted it (iptables -X DOCKER-USER); Docker makes it again when the engine restarts`,
    );
  throw new NoDockerUser(
    nft.known
      ? `the engine programs no firewall: no Docker chain in iptables (${findings.join('; ')}) nor Docker's table in nftables (${nft.finding}), as when dockerd runs with "iptables": false; this exercise is about DOCKER-USER, which only Docker's iptables backend makes, so it cannot be graded on this engine`
      : `there is no Docker chain in iptables (${findings.join('; ')}) and nftables cannot be read here (${nft.finding}): the engine uses Docker's nftables backend or runs with "iptables": false, and neither has the DOCKER-USER this exercise is about`,
  );
}

function nftablesBackend(tables: string[], found: string): string {
  return `the engine uses Docker's nftables firewall backend (nft list tables: ${tables.join(', ')}; ${found}), which has no DOCKER-USER chain: rules for its traffic go in a table of one's own, so this exercise, about DOCKER-USER, cannot be graded on this engine`;
}

function jumpsTo(ruleset: Ruleset, from: string, to: string): boolean {
  return (ruleset.chains.get(from)?.rules ?? []).some(
    ({ target }) => (target.kind === 'jump' || target.kind === 'goto') && target.chain === to,
  );
}

// Docker 29's nftables backend keeps its rules in `ip docker-bridges` and `ip6 docker-bridges`.
const DOCKER_NFT_TABLE = /^table\s+(ip6?)\s+docker-bridges\s*$/gm;

/** Docker's nftables tables, and in words what `nft` said; `known` when nft answered. */
async function dockerNftTables(run: HostRunner): Promise<{ tables: string[]; finding: string; known: boolean }> {
  const { exitCode, stdout, stderr } = await run(['nft', 'list', 'tables']);
  if (exitCode === NOT_FOUND) return { tables: [], finding: 'nft: not installed', known: false };
  if (exitCode !== 0)
    return { tables: [], finding: `nft: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`, known: false };
  const tables = [...stdout.matchAll(DOCKER_NFT_TABLE)].map(([, family]) => `${family} docker-bridges`);
  return { tables, finding: tables.length > 0 ? tables.join(', ') : 'nft list tables: no docker-bridges', known: true };
}

/**
 * Reads each reachable chain again with `iptables -S CHAIN N`, one rule per call: the
 * kernel says how many rules there are (rule N+1 does not exist), and each call's output
 * must be exactly one rule, the same as the saved one. Text inside a rule (a comment
 * with newlines) can make one call's output look like several rules, never change how
 * many calls answer. A chain that disagrees is marked disputed, not dropped.
 */
async function crossCheck(run: HostRunner, iptables: string, ruleset: Ruleset): Promise<void> {
  for (const name of chainsReachable(ruleset, 'DOCKER-USER')) {
    const chain = ruleset.chains.get(name)!;
    const disagreement = await chainDisagreement(
      run,
      iptables,
      name,
      chain.rules.map((r) => r.text),
    );
    if (disagreement)
      chain.disputed = `${iptables} -S ${name}, read rule by rule, disagrees with the saved table: ${disagreement}`;
  }
}

async function chainDisagreement(
  run: HostRunner,
  iptables: string,
  chain: string,
  saved: string[],
): Promise<string | undefined> {
  for (let n = 1; n <= saved.length + 1; n++) {
    const { exitCode, stdout, stderr } = await run([iptables, '-w', '5', '-S', chain, String(n)]);
    let texts: string[];
    try {
      texts =
        exitCode === 0
          ? [...parseRuleset(stdout).chains.values()].flatMap((c) =>
              c.rules.map((r) => `${c.name === chain ? '' : 'other chain: '}${r.text}`),
            )
          : [];
    } catch (err) {
      return `rule ${n} cannot be read exactly (${errorMessage(err)})`;
    }
    if (n > saved.length) {
      // iptables-nft prints nothing for a rule that is not there, iptables-legacy fails
      const absent = exitCode === 0 ? texts.length === 0 : /index of deletion too big|does not exist/i.test(stderr);
      if (!absent)
        return exitCode === 0
          ? `the saved table has ${saved.length} rules, but rule ${n} exists`
          : `reading rule ${n} failed: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`;
    } else if (exitCode !== 0) {
      return `the saved table has ${saved.length} rules, but reading rule ${n} failed: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`;
    } else if (texts.length !== 1 || texts[0] !== saved[n - 1]) {
      return `rule ${n} is saved as \`${saved[n - 1]}\` but reads alone as ${texts.length === 1 ? `\`${texts[0]}\`` : `${texts.length} rules`}`;
    }
  }
  return undefined;
}

// A filter table without its COMMIT was cut short (a helper's output is bounded): judging
// part of a chain could pass what the missing rules would decide otherwise.
function parseSaved(program: string, text: string): Ruleset {
  const start = text.search(/^\*filter\s*$/m);
  if (start >= 0 && !/^COMMIT\s*$/m.test(text.slice(start))) {
    throw new Error(`the output of ${program} -t filter ends before the table's COMMIT: it was cut short`);
  }
  try {
    return parseRuleset(text);
  } catch (err) {
    throw new Error(`cannot parse the output of ${program}: ${errorMessage(err)}`, { cause: err });
  }
}

function externalInterface(routes: string): string {
  const device = defaultRouteDevice(routes);
  if (!device) throw new Error('the host has no default route (ip route show default), so no interface leads outside');
  return device;
}

// Docker names its bridges docker0 and br-<12 hex digits of the network ID>; the kernel
// route of each bridge's own address gives its subnet.
const DOCKER_BRIDGE = /^(docker0|br-[0-9a-f]{12})$/;

/** The Docker bridges among `ip route` lines like `172.18.0.0/16 dev br-0123456789ab proto kernel scope link src 172.18.0.1`. */
export function dockerBridges(routes: string): Bridge[] {
  const bridges = new Map<string, string[]>();
  for (const found of routes.matchAll(/^(\d+\.\d+\.\d+\.\d+\/\d+)\s+dev\s+(\S+)/gm)) {
    const [, subnet, device] = found;
    if (!DOCKER_BRIDGE.test(device)) continue;
    bridges.set(device, [...(bridges.get(device) ?? []), subnet]);
  }
  return [...bridges].map(([name, subnets]) => ({ name, subnets }));
}

/** The device of the first default route in `ip route` output: `default via 192.0.2.1 dev eth0 …`. */
export function defaultRouteDevice(routes: string): string | undefined {
  return /^default\b.*?\sdev\s+(\S+)/m.exec(routes)?.[1];
}

// iptables-nft prints `# Warning: iptables-legacy tables present …` before any real error.
function firstMessage(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
}
