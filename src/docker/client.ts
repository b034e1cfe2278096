import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ConnectConfig } from 'ssh2';
import { SshAgent } from './ssh-agent.js';
import { selectedContext } from './context.js';
import { UsageError, TimeoutError, errorMessage, withTimeout } from '../errors.js';

export interface EngineTarget {
  /** where the engine is, safe to print: never holds credentials */
  label: string;
  options: Docker.DockerOptions;
  /** for ssh://: carries every API request */
  sshAgent?: SshAgent;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** How to prove who we are to an engine; files are read when the target is made. */
export interface Credentials {
  /** a directory holding ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH does */
  tlsDir?: string;
  /** an SSH private key file */
  identity?: string;
}

// docker-modem fills unset options from DOCKER_HOST and DOCKER_CERT_PATH: every
// target names them all, so an address from a roster is never redirected by the environment.
const UNSET: Docker.DockerOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, username: undefined };

/** Reads an engine address the way the docker CLI does: `--host`, else DOCKER_HOST, else the selected docker context, else the local socket. */
export function resolveTarget(host: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const context = host === undefined ? selectedContext(env) : undefined;
  if (context) {
    const target = targetFor(context.host, { ...(context.tlsDir && { tlsDir: context.tlsDir }), ...(env.SSH_AUTH_SOCK && { sshAgent: env.SSH_AUTH_SOCK }) });
    return { ...target, label: `${target.label} (docker context ${context.name})` };
  }
  const tls = env.DOCKER_TLS_VERIFY === '1' || env.DOCKER_TLS === '1';
  return targetFor(host ?? env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`, {
    ...(tls && { tlsDir: env.DOCKER_CERT_PATH ?? join(env.HOME ?? '', '.docker') }),
    ...(env.SSH_AUTH_SOCK && { sshAgent: env.SSH_AUTH_SOCK }),
  });
}

/** An engine address with its own credentials (a roster entry): TLS over tcp:// exactly when a TLS directory is given. */
export function targetFor(address: string, credentials: Credentials & { sshAgent?: string } = {}): EngineTarget {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new UsageError(`cannot understand the engine address "${address}": use unix:///path, tcp://host:port or ssh://user@host`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { label: `unix://${url.pathname}`, options: { ...UNSET, socketPath: url.pathname } };
    case 'tcp:': {
      const tls = credentials.tlsDir !== undefined;
      const port = Number(url.port || (tls ? 2376 : 2375));
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
      return { label: `${tls ? 'tcp+tls' : 'tcp'}://${url.hostname}:${port}`, options };
    }
    case 'ssh:': {
      const config: ConnectConfig = { host: url.hostname, port: Number(url.port || 22) };
      if (url.username) config.username = decodeURIComponent(url.username);
      if (credentials.sshAgent) config.agent = credentials.sshAgent;
      if (credentials.identity !== undefined) {
        try {
          config.privateKey = readFileSync(credentials.identity);
        } catch (err) {
          throw new UsageError(`cannot read the SSH identity ${credentials.identity}: ${errorMessage(err)}`);
        }
      }
      return {
        label: `ssh://${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`,
        // plain HTTP to a placeholder host: every connection is a channel on one SSH connection
        options: { ...UNSET, protocol: 'http', host: 'docker' },
        sshAgent: new SshAgent(config),
      };
    }
    default:
      throw new UsageError(`unsupported engine address "${url.protocol}//…": use unix://, tcp:// or ssh://`);
  }
}

/** What the engine says of itself; every report names it. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os?: string;
  arch?: string;
}

export interface Engine {
  docker: Docker;
  target: EngineTarget;
  info: EngineInfo;
  /** ends what the transport keeps open (an SSH connection) */
  close(): void;
}

/** Opens the engine and reads its version; any failure is a one-line UsageError. */
export async function connect(target: EngineTarget, timeoutMs: number): Promise<Engine> {
  // docker-modem hands `agent` to http.request; its typings do not list it
  const docker = new Docker({ ...target.options, ...(target.sshAgent && { agent: target.sshAgent }) } as Docker.DockerOptions);
  const close = () => target.sshAgent?.destroy();
  try {
    const v = await withTimeout(docker.version(), timeoutMs, `the Docker engine at ${target.label}`);
    return { docker, target, info: { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch }, close };
  } catch (err) {
    close();
    throw new UsageError(describeConnectError(err, target), { cause: err });
  }
}

function describeConnectError(err: unknown, target: EngineTarget): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = target.label;
  if (err instanceof TimeoutError) return `no answer from the Docker engine at ${where}: ${err.message}`;
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
