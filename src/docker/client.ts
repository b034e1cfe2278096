import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ConnectConfig } from 'ssh2';
import { HostKeyError, hostKeyCheck, knownHostsName } from './known-hosts.js';
import { SshAgent } from './ssh-agent.js';
import { selectedContext } from './context.js';
import { UsageError, TimeoutError, errorMessage, withTimeout } from '../errors.js';

export interface EngineTarget {
  /** where the engine is, safe to print: never holds credentials */
  label: string;
  options: Docker.DockerOptions;
  /** for ssh://: carries every API request */
  sshAgent?: SshAgent;
  /**
   * the engine of this machine's own namespaces, at the standard socket: only then may
   * its host be read directly. Another socket may belong to an engine in a namespace of
   * its own (a test bed, a VM's forwarded socket), whose host is not this one.
   */
  sameHost: boolean;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
const STANDARD_SOCKETS = [DEFAULT_SOCKET, '/run/docker.sock'];

const knownHostsIn = (env: NodeJS.ProcessEnv) => join(env.HOME || homedir(), '.ssh', 'known_hosts');

/** How to prove who we are to an engine; files are read when the target is made. */
export interface Credentials {
  /** a directory holding ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH does */
  tlsDir?: string;
  /** an SSH private key file */
  identity?: string;
  /** the SSH host key's `SHA256:…` fingerprint: the only key accepted, instead of known_hosts */
  hostKey?: string;
}

/** How far to trust an engine's transport: what the user allowed beyond the safe defaults. */
export interface TransportPolicy {
  /** known_hosts for ssh:// (default ~/.ssh/known_hosts) */
  knownHosts?: string;
  /** trust and record an SSH host key seen for the first time (`--ssh-accept-new`) */
  sshAcceptNew?: boolean;
  /** allow plain tcp:// to a host other than this one (`--insecure`) */
  insecure?: boolean;
  /** where the one warning line per insecure endpoint goes (default stderr) */
  warn?: (line: string) => void;
}

// docker-modem fills unset options from DOCKER_HOST and DOCKER_CERT_PATH: every
// target names them all, so an address from a roster is never redirected by the environment.
const UNSET: Docker.DockerOptions = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  username: undefined,
};

/**
 * Reads an engine address the way the docker CLI does: `--host`, else DOCKER_HOST, else
 * the selected docker context, else the local socket; TLS when DOCKER_TLS_VERIFY or
 * DOCKER_TLS holds any value (even "0").
 */
export function resolveTarget(
  host: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  policy: TransportPolicy = {},
): EngineTarget {
  const transport = { knownHosts: knownHostsIn(env), ...policy };
  const context = host === undefined ? selectedContext(env) : undefined;
  if (context) {
    const target = targetFor(
      context.host,
      { ...(context.tlsDir && { tlsDir: context.tlsDir }), ...(env.SSH_AUTH_SOCK && { sshAgent: env.SSH_AUTH_SOCK }) },
      transport,
    );
    return { ...target, label: `${target.label} (docker context ${context.name})` };
  }
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || Boolean(env.DOCKER_TLS);
  return targetFor(
    host ?? env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`,
    {
      ...(tls && { tlsDir: env.DOCKER_CERT_PATH || join(env.HOME ?? '', '.docker') }),
      ...(env.SSH_AUTH_SOCK && { sshAgent: env.SSH_AUTH_SOCK }),
    },
    transport,
  );
}

function parseAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new UsageError(
      `cannot understand the engine address "${address}": use unix:///path, tcp://host:port or ssh://user@host`,
    );
  }
  if (!['unix:', 'tcp:', 'ssh:'].includes(url.protocol))
    throw new UsageError(`unsupported engine address "${url.protocol}//…": use unix://, tcp:// or ssh://`);
  return url;
}

/** How reports name an endpoint: normalized, never with credentials. */
export function endpointLabel(address: string, tls: boolean): string {
  const url = parseAddress(address);
  if (url.protocol === 'unix:') return `unix://${url.pathname}`;
  if (url.protocol === 'tcp:')
    return `${tls ? 'tcp+tls' : 'tcp'}://${url.hostname}:${Number(url.port || (tls ? 2376 : 2375))}`;
  return `ssh://${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

/** Names each insecure endpoint once per run, however many students it hosts. */
const warnedInsecure = new Set<string>();

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * An engine address with its own credentials (a roster entry): TLS over tcp:// exactly
 * when a TLS directory is given. Plain tcp:// beyond this machine needs `insecure`:
 * anyone on the path could read or drive the engine.
 */
export function targetFor(
  address: string,
  credentials: Credentials & { sshAgent?: string } = {},
  policy: TransportPolicy = {},
): EngineTarget {
  const url = parseAddress(address);
  const label = endpointLabel(address, credentials.tlsDir !== undefined);
  switch (url.protocol) {
    case 'unix:':
      return {
        label,
        options: { ...UNSET, socketPath: url.pathname },
        sameHost: STANDARD_SOCKETS.includes(url.pathname),
      };
    case 'tcp:': {
      const tls = credentials.tlsDir !== undefined;
      const port = Number(url.port || (tls ? 2376 : 2375));
      if (!tls && !isLoopback(url.hostname)) {
        if (!policy.insecure) {
          throw new UsageError(
            `${label} is plain HTTP, unencrypted and unauthenticated: give TLS certificates (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, or the roster's tls column), or pass --insecure`,
          );
        }
        if (!warnedInsecure.has(label)) {
          warnedInsecure.add(label);
          (policy.warn ?? ((line) => process.stderr.write(`${line}\n`)))(
            `warning: ${label} is plain HTTP (--insecure): anyone on the path can read and drive that engine`,
          );
        }
      }
      const options: Docker.DockerOptions = { ...UNSET, host: url.hostname, port, protocol: tls ? 'https' : 'http' };
      if (credentials.tlsDir !== undefined) {
        const dir = credentials.tlsDir;
        try {
          options.ca = readFileSync(join(dir, 'ca.pem'));
          options.cert = readFileSync(join(dir, 'cert.pem'));
          options.key = readFileSync(join(dir, 'key.pem'));
        } catch (err) {
          throw new UsageError(`cannot read the TLS certificates in ${dir}: ${errorMessage(err)}`);
        }
      }
      return { label, options, sameHost: false };
    }
    default: {
      const port = Number(url.port || 22);
      const config: ConnectConfig = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
      if (url.username) config.username = decodeURIComponent(url.username);
      if (credentials.sshAgent) config.agent = credentials.sshAgent;
      if (credentials.identity !== undefined) {
        try {
          config.privateKey = readFileSync(credentials.identity);
        } catch (err) {
          throw new UsageError(`cannot read the SSH identity ${credentials.identity}: ${errorMessage(err)}`);
        }
      }
      const hostKeys = {
        knownHosts: policy.knownHosts ?? knownHostsIn(process.env),
        ...(credentials.hostKey !== undefined && { expected: credentials.hostKey }),
        acceptNew: policy.sshAcceptNew ?? false,
      };
      return {
        label,
        // plain HTTP to a placeholder host: every connection is a channel on one SSH connection
        options: { ...UNSET, protocol: 'http', host: 'docker' },
        sameHost: false,
        sshAgent: new SshAgent(config, () => hostKeyCheck(hostKeys, knownHostsName(config.host!, port), label)),
      };
    }
  }
}

/** What the engine says of itself; every report names it. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os?: string;
  arch?: string;
  /** a rootless engine (rootlesskit): its containers' "host" is rootlesskit's namespace, not the machine's */
  rootless?: true;
}

export interface Engine {
  docker: Docker;
  target: EngineTarget;
  info: EngineInfo;
  /** ends what the transport keeps open (an SSH connection) */
  close(): void;
}

/** Whether the engine says it runs rootless; an engine that answers no /info (a stand-in) is taken as not. */
async function isRootless(docker: Docker): Promise<boolean> {
  const info = await docker.info().catch(() => undefined);
  const options: unknown = info?.SecurityOptions;
  return Array.isArray(options) && options.some((o) => typeof o === 'string' && o.split(',').includes('name=rootless'));
}

/** Opens the engine and reads its version; any failure is a one-line UsageError. */
export async function connect(target: EngineTarget, timeoutMs: number): Promise<Engine> {
  // docker-modem hands `agent` to http.request; its typings do not list it
  const docker = new Docker({
    ...target.options,
    ...(target.sshAgent && { agent: target.sshAgent }),
  } as Docker.DockerOptions);
  const close = () => target.sshAgent?.destroy();
  try {
    const [v, rootless] = await withTimeout(
      Promise.all([docker.version(), isRootless(docker)]),
      timeoutMs,
      `the Docker engine at ${target.label}`,
    );
    const info = { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
    return { docker, target, info: rootless ? { ...info, rootless: true as const } : info, close };
  } catch (err) {
    close();
    throw new UsageError(describeConnectError(err, target), { cause: err });
  }
}

function describeConnectError(err: unknown, target: EngineTarget): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = target.label;
  if (err instanceof TimeoutError) return `no answer from the Docker engine at ${where}: ${err.message}`;
  if (err instanceof HostKeyError) return err.message;
  switch (code) {
    case 'ENOENT':
      return `no Docker engine at ${where}: the socket does not exist (is dockerd running? set DOCKER_HOST or --host)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${where}: run as root or as a member of the docker group`;
    case 'ECONNREFUSED':
      return `the Docker engine at ${where} refused the connection (is dockerd running and listening there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${where}`;
    default:
      return `cannot reach the Docker engine at ${where}: ${errorMessage(err).split('\n')[0]}`;
  }
}
