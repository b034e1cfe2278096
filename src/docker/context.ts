import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, errorMessage } from '../errors.js';

/** A named engine from the docker CLI's context store. */
export interface ContextEndpoint {
  name: string;
  /** the engine address, as DOCKER_HOST would give it */
  host: string;
  /** holds ca.pem, cert.pem and key.pem when the context was created with TLS material */
  tlsDir?: string;
}

/** Where the docker CLI keeps config.json and the context store. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${what} ${file}: ${errorMessage(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${errorMessage(err)}`);
  }
}

/**
 * The context the docker CLI would use when no --host is given, or undefined for its
 * default endpoint. As the docker CLI: DOCKER_HOST wins over DOCKER_CONTEXT, which wins
 * over `currentContext` in config.json; the context named "default" is the default endpoint.
 */
export function selectedContext(env: NodeJS.ProcessEnv): ContextEndpoint | undefined {
  if (env.DOCKER_HOST) return undefined;
  const dir = dockerConfigDir(env);
  const config = readJson(join(dir, 'config.json'), 'the docker CLI configuration') as
    { currentContext?: unknown } | undefined;
  const name = env.DOCKER_CONTEXT || (typeof config?.currentContext === 'string' ? config.currentContext : '');
  if (!name || name === 'default') return undefined;
  return readContext(dir, name);
}

/** Reads one context from the store: meta/<sha256 of the name>/meta.json, its TLS files under tls/<same>/docker/. */
export function readContext(configDir: string, name: string): ContextEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const meta = readJson(metaFile, `the docker context "${name}":`) as
    { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  if (meta === undefined)
    throw new UsageError(
      `docker context "${name}" does not exist in ${join(configDir, 'contexts')} (docker context ls lists them)`,
    );
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '')
    throw new UsageError(`docker context "${name}" has no Docker endpoint (${metaFile})`);
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  return { name, host, ...(existsSync(join(tlsDir, 'ca.pem')) && { tlsDir }) };
}
