// SSH host keys, checked the way OpenSSH checks them: against known_hosts (plain,
// wildcard and hashed `|1|salt|hash` host names, @revoked), or against one
// fingerprint an instructor wrote in the roster. A key that is unknown or does not
// match ends the connection during the handshake, before any request is sent.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../errors.js';

/** A host key that is not trusted: the message names its fingerprint. */
export class HostKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** What to trust, for one ssh:// endpoint. */
export interface HostKeyPolicy {
  /** the known_hosts file to read (and, with acceptNew, to add to) */
  knownHosts: string;
  /** `SHA256:…` from the roster: when given, the only key accepted; known_hosts is not read */
  expected?: string;
  /** record a key seen for the first time in knownHosts and trust it (`--ssh-accept-new`) */
  acceptNew?: boolean;
}

/** `SHA256:` and the unpadded base64 of the key's SHA-256, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** A roster's fingerprint in the form `fingerprint` gives, or undefined when it is not one. */
export function normalizeFingerprint(text: string): string | undefined {
  return FINGERPRINT.test(text) ? text.replace(/=$/, '') : undefined;
}

/** The key type named inside a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** How known_hosts names a host: the bare name on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return port === 22 ? bare : `[${bare}]:${port}`;
}

interface KnownKey {
  line: number;
  revoked: boolean;
  type: string;
  blob: Buffer;
}

/** The keys known_hosts lists for `name`; lines it cannot read and @cert-authority lines are passed over. */
export function knownKeysFor(text: string, name: string): KnownKey[] {
  const keys: KnownKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker !== undefined && marker !== '@revoked') return;
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key || !hostsMatch(hosts, name)) return;
    keys.push({ line: index + 1, revoked: marker === '@revoked', type, blob: Buffer.from(key, 'base64') });
  });
  return keys;
}

/** OpenSSH's rules: a comma-separated list, `!` negates (and a negated match wins), `*` and `?` are wildcards. */
function hostsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (!wildcard(negated ? pattern.slice(1) : pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function wildcard(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

function hashedMatch(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** A hashed known_hosts line, as OpenSSH writes one with HashKnownHosts. */
export function knownHostsLine(name: string, blob: Buffer): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
}

// Which host key algorithms carry a known_hosts key type: asking for those first
// means a host that has several keys shows the one on record, as OpenSSH does.
const ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

export interface HostKeyCheck {
  /** host key algorithms to offer, when known_hosts says which the host has */
  algorithms?: string[];
  /** undefined when the key is trusted; otherwise why not, naming the key's fingerprint */
  verify(blob: Buffer): string | undefined;
}

/** The check for the host `name` (see knownHostsName) reached as `label`. */
export function hostKeyCheck(policy: HostKeyPolicy, name: string, label: string): HostKeyCheck {
  const offered = (blob: Buffer) => `${keyTypeOf(blob)} key ${fingerprint(blob)}`;
  if (policy.expected !== undefined) {
    const expected = policy.expected;
    return {
      verify: (blob) =>
        fingerprint(blob) === expected
          ? undefined
          : `the SSH host key of ${label} does not match the roster: it offers the ${offered(blob)}, the roster's hostkey is ${expected}; nothing was sent to it`,
    };
  }
  let text = '';
  try {
    text = readFileSync(policy.knownHosts, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read ${policy.knownHosts}: ${errorMessage(err)}`, { cause: err });
  }
  const known = knownKeysFor(text, name);
  const algorithms = [...new Set(known.filter((k) => !k.revoked).flatMap((k) => ALGORITHMS[k.type] ?? []))];
  return {
    ...(algorithms.length > 0 && { algorithms }),
    verify: (blob) => {
      const same = known.filter((k) => k.blob.equals(blob));
      const revoked = same.find((k) => k.revoked);
      if (revoked)
        return `the SSH host key of ${label} (${offered(blob)}) is marked @revoked in ${policy.knownHosts} (line ${revoked.line}); nothing was sent to it`;
      if (same.length > 0) return undefined;
      const onRecord = known.filter((k) => !k.revoked);
      if (onRecord.length > 0) {
        const lines = onRecord.map((k) => `line ${k.line}: ${k.type} ${fingerprint(k.blob)}`).join(', ');
        return `the SSH host key of ${label} has changed: it offers the ${offered(blob)}, ${policy.knownHosts} holds ${lines}; nothing was sent to it (reinstalled, or someone in between?)`;
      }
      if (!policy.acceptNew) {
        return `the SSH host key of ${label} is unknown: it offers the ${offered(blob)}; add it to ${policy.knownHosts}, give it in the roster's hostkey column, or pass --ssh-accept-new; nothing was sent to it`;
      }
      try {
        recordHostKey(policy.knownHosts, name, blob);
      } catch (err) {
        return `cannot record the SSH host key of ${label} (${offered(blob)}) in ${policy.knownHosts}: ${errorMessage(err)}; nothing was sent to it`;
      }
      return undefined;
    },
  };
}

/** Adds `name`'s key unless a line for it appeared meanwhile (several students on one host connect at once). */
function recordHostKey(file: string, name: string, blob: Buffer): void {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }
  if (knownKeysFor(text, name).some((k) => k.blob.equals(blob))) return;
  appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${knownHostsLine(name, blob)}`, {
    mode: 0o644,
  });
}
