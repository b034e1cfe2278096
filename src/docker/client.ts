import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { UsageError, TimeoutError, errorMessage, withTimeout } from '../errors.js';
import type { EngineInfo } from '../engine/check.js';

export interface EngineTarget {
  /** where the engine is, safe to print: never holds credentials */
  label: string;
  options: Docker.DockerOptions;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Reads an engine address the way the docker CLI does: `--host`, else DOCKER_HOST, else the local socket. */
export function resolveTarget(host: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const address = host ?? env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new UsageError(`cannot understand the engine address "${address}": use unix:///path, tcp://host:port or ssh://user@host`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { label: `unix://${url.pathname}`, options: { socketPath: url.pathname } };
    case 'tcp:': {
      const tls = env.DOCKER_TLS_VERIFY === '1' || env.DOCKER_TLS === '1';
      const port = Number(url.port || (tls ? 2376 : 2375));
      const options: Docker.DockerOptions = { host: url.hostname, port, protocol: tls ? 'https' : 'http' };
      if (tls) {
        const certs = env.DOCKER_CERT_PATH ?? join(env.HOME ?? '', '.docker');
        try {
          options.ca = readFileSync(join(certs, 'ca.pem'));
          options.cert = readFileSync(join(certs, 'cert.pem'));
          options.key = readFileSync(join(certs, 'key.pem'));
        } catch (err) {
          throw new UsageError(`cannot read the TLS certificates in ${certs}: ${errorMessage(err)}`);
        }
      }
      return { label: `${tls ? 'tcp+tls' : 'tcp'}://${url.hostname}:${port}`, options };
    }
    case 'ssh:':
      return {
        label: `ssh://${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`,
        options: {
          protocol: 'ssh',
          host: url.hostname,
          port: Number(url.port || 22),
          ...(url.username && { username: decodeURIComponent(url.username) }),
          ...(env.SSH_AUTH_SOCK && { sshOptions: { agent: env.SSH_AUTH_SOCK } }),
        },
      };
    default:
      throw new UsageError(`unsupported engine address "${url.protocol}//…": use unix://, tcp:// or ssh://`);
  }
}

export interface Engine {
  docker: Docker;
  target: EngineTarget;
  info: EngineInfo;
}

/** Opens the engine and reads its version; any failure is a one-line UsageError. */
export async function connect(target: EngineTarget, timeoutMs: number): Promise<Engine> {
  const docker = new Docker(target.options);
  try {
    const v = await withTimeout(docker.version(), timeoutMs, `the Docker engine at ${target.label}`);
    return { docker, target, info: { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch } };
  } catch (err) {
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
