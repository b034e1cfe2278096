// The Docker host's iptables `filter` table and its external interface, read with the
// host's own programs: directly when docknet runs as root beside a local engine,
// otherwise from a helper container in the host's namespaces. Read once per run.
import { execa } from 'execa';
import { TimeoutError, errorMessage } from '../errors.js';
import { parseRuleset, type Ruleset } from '../net/iptables.js';
import type { EngineTarget } from './client.js';
import type { ExecResult } from './exec.js';
import { shellQuote, type ProbeSession } from './probe.js';

export interface HostFirewallView {
  /** the program whose output holds Docker's chains */
  backend: string;
  /** the whole filter table, so jumps from DOCKER-USER into user chains can be followed */
  ruleset: Ruleset;
  /** the default route's device: traffic from outside enters the host here */
  externalInterface: string;
}

/** Runs one of the host's programs; a program the host lacks exits with 127, as in a shell. */
export type HostRunner = (argv: string[]) => Promise<ExecResult>;

/** The host network namespace's routes as `ip route` prints them. */
export type RouteReader = () => Promise<string>;

const NOT_FOUND = 127;

// `iptables-save` is whichever backend the host's alternatives point to; dockerd may
// have programmed the other one, so the one holding DOCKER-USER is used.
const SAVE_PROGRAMS = ['iptables-save', 'iptables-nft-save', 'iptables-legacy-save'];

export class HostFirewall {
  private view?: Promise<HostFirewallView>;

  /** `via` says how the host is reached, for error messages: '' or e.g. ' through a helper container'. */
  constructor(
    private readonly runOnHost: HostRunner,
    private readonly via = '',
    private readonly readRoutes: RouteReader = hostIpRoutes(runOnHost),
  ) {}

  /** A failure is one line saying what could not be read, and how it was tried. */
  read(): Promise<HostFirewallView> {
    this.view ??= readHostFirewall(this.runOnHost, this.readRoutes).catch((err: unknown) => {
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
  if (options.netns) return new HostFirewall(inNetns(options.netns, localRunner(options.timeoutMs)), " in the sandbox's network namespace");
  const local = target.options.socketPath !== undefined;
  const root = process.getuid?.() === 0;
  if (local && root && !options.forceHelper) return new HostFirewall(localRunner(options.timeoutMs));
  const via = local
    ? root ? ' through a helper container' : ' through a helper container (docknet does not run as root here)'
    : ` of ${target.label} through a helper container`;
  return new HostFirewall(helperRunner(probes), via, helperRoutes(probes));
}

/** DOCKER-USER as `iptables -S` prints it, read on this machine (root): to notice it change. */
export async function readDockerUser(timeoutMs: number): Promise<string> {
  const { exitCode, stdout, stderr } = await localRunner(timeoutMs)(['iptables', '-w', '-S', 'DOCKER-USER']);
  if (exitCode !== 0) throw new Error(`iptables -S DOCKER-USER failed: ${stderr.trim()}`);
  return stdout;
}

function localRunner(timeoutMs: number): HostRunner {
  return async ([program, ...args]) => {
    const result = await execa(program, args, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
    if (result.code === 'ENOENT') return { exitCode: NOT_FOUND, stdout: '', stderr: `${program}: not found` };
    if (result.timedOut) throw new TimeoutError(`${program} ${args.join(' ')}`, timeoutMs);
    if (result.exitCode === undefined) throw new Error(`${program} did not run: ${result.shortMessage}`);
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
}

/** Runs the host's own programs in another network namespace (a sandbox's), by its /proc/PID/ns/net. */
export function inNetns(netns: string, run: HostRunner): HostRunner {
  return (argv) => run(['nsenter', `--net=${netns}`, '--', ...argv]);
}

// The host's own /bin/sh looks the program up on a usual PATH: busybox's chroot,
// given a bare name, would run its own applet of that name instead (its `ip`).
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function helperRunner(probes: ProbeSession): HostRunner {
  return async (argv) => {
    const helper = await probes.hostRoot();
    const command = argv.map(shellQuote).join(' ');
    return helper.run(`PATH=${HOST_PATH} exec busybox chroot /host /bin/sh -c 'exec "$@"' sh ${command}`, 5);
  };
}

// Routes belong to the network namespace, not to the host's programs: the helper,
// already in the host's namespace, reads them with its own busybox, so a host
// without iproute2 (a minimal one) is no obstacle.
function helperRoutes(probes: ProbeSession): RouteReader {
  return async () => {
    const { exitCode, stdout, stderr } = await (await probes.hostRoot()).run('ip route', 5);
    if (exitCode !== 0) throw new Error(`ip route failed in the host's network namespace: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`);
    return stdout;
  };
}

function hostIpRoutes(run: HostRunner): RouteReader {
  return async () => {
    const { exitCode, stdout, stderr } = await run(['ip', 'route', 'show', 'default']);
    if (exitCode !== 0) throw new Error(`ip route show default failed on the host: ${firstMessage(stderr) ?? `exit code ${exitCode}`}`);
    return stdout;
  };
}

export async function readHostFirewall(run: HostRunner, readRoutes: RouteReader = hostIpRoutes(run)): Promise<HostFirewallView> {
  const { backend, ruleset } = await readDockerChains(run);
  return { backend, ruleset, externalInterface: await readExternalInterface(readRoutes) };
}

async function readDockerChains(run: HostRunner): Promise<{ backend: string; ruleset: Ruleset }> {
  const findings: string[] = [];
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
    if (ruleset.chains.has('DOCKER-USER')) return { backend: program, ruleset };
    findings.push(`${program}: no DOCKER-USER`);
  }
  if (!anyRan) throw new Error(`no iptables-save program works on the host (${findings.join('; ')})`);
  throw new Error(
    `there is no DOCKER-USER chain in the host's filter table (${findings.join('; ')}): the engine may use the nftables firewall backend or run with --iptables=false`,
  );
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
    throw new Error(`cannot parse the output of ${program}: ${errorMessage(err)}`);
  }
}

async function readExternalInterface(readRoutes: RouteReader): Promise<string> {
  const device = defaultRouteDevice(await readRoutes());
  if (!device) throw new Error('the host has no default route (ip route show default), so no interface leads outside');
  return device;
}

/** The device of the first default route in `ip route` output: `default via 192.0.2.1 dev eth0 …`. */
export function defaultRouteDevice(routes: string): string | undefined {
  return /^default\b.*?\sdev\s+(\S+)/m.exec(routes)?.[1];
}

// iptables-nft prints `# Warning: iptables-legacy tables present …` before any real error.
function firstMessage(stderr: string): string | undefined {
  return stderr.split('\n').map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('#'));
}
