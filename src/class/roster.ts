// A class roster: who the students are and where each one's Docker engine is.
// CSV (a header row naming the columns) or YAML (`students:` or a bare list).
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { endpointLabel, type Credentials } from '../docker/client.js';
import { normalizeFingerprint } from '../docker/known-hosts.js';
import { UsageError, errorMessage } from '../errors.js';

export interface Student {
  id: string;
  name: string;
  /** as written in the roster; may hold a password, so never printed: use `where` */
  endpoint: string;
  /** the endpoint without credentials, safe for reports and logs */
  where: string;
  credentials: Credentials;
  /** a file-name-safe form of id, unique in the roster */
  slug: string;
}

const COLUMNS = ['id', 'name', 'endpoint', 'tls', 'identity', 'hostkey'] as const;

type RawEntry = Partial<Record<(typeof COLUMNS)[number], unknown>>;

/** Reads and checks a roster; every problem is a UsageError naming the entry. TLS and key paths are relative to the roster. */
export function readRoster(path: string): Student[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the roster ${path}: ${errorMessage(err)}`);
  }
  const isYaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  let entries: RawEntry[];
  try {
    entries = isYaml ? yamlEntries(text) : csvEntries(text);
  } catch (err) {
    throw new UsageError(`cannot read the roster ${path}: ${errorMessage(err).split('\n')[0]}`);
  }
  return checkEntries(entries, dirname(resolve(path)), path);
}

function csvEntries(text: string): RawEntry[] {
  const rows: Record<string, string>[] = parseCsv(text, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    comment: '#',
    bom: true,
  });
  return rows;
}

function yamlEntries(text: string): RawEntry[] {
  const doc = parseYaml(text) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { students?: unknown } | null)?.students;
  if (!Array.isArray(list)) throw new Error('expected a list of students, or "students:" holding one');
  return list as RawEntry[];
}

/** A file-name-safe form of an id (the report directory of its student). */
export function slugOf(id: string): string {
  return id.replace(/[^A-Za-z0-9._@+-]/g, '_').replace(/^\.+/, '_');
}

function checkEntries(entries: RawEntry[], baseDir: string, path: string): Student[] {
  if (entries.length === 0) throw new UsageError(`the roster ${path} lists no students`);
  const seen = new Map<string, string>();
  return entries.map((entry, index) => {
    const where = `${path}: student ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new UsageError(`${where} is not a set of fields`);
    const unknown = Object.keys(entry).filter((k) => !(COLUMNS as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw new UsageError(`${where} has unknown fields ${unknown.join(', ')} (known: ${COLUMNS.join(', ')})`);
    const field = (key: (typeof COLUMNS)[number]) => {
      const value = entry[key];
      return value === undefined || value === null || value === '' ? undefined : String(value).trim();
    };
    const id = field('id');
    const endpoint = field('endpoint');
    if (!id) throw new UsageError(`${where} has no id`);
    if (!endpoint) throw new UsageError(`${where} (${id}) has no endpoint`);
    const slug = slugOf(id);
    const clash = seen.get(slug);
    if (clash !== undefined)
      throw new UsageError(
        `${where}: id "${id}" is ${clash === id ? 'listed twice' : `too close to "${clash}" to tell their report files apart`}`,
      );
    seen.set(slug, id);
    const tls = field('tls');
    const identity = field('identity');
    const hostkey = field('hostkey');
    const fingerprint = hostkey && normalizeFingerprint(hostkey);
    if (hostkey && !fingerprint)
      throw new UsageError(`${where} (${id}): hostkey must be a fingerprint as ssh-keygen -l prints it, SHA256:…`);
    const credentials: Credentials = {
      ...(tls && { tlsDir: resolve(baseDir, tls) }),
      ...(identity && { identity: resolve(baseDir, identity) }),
      ...(fingerprint && { hostKey: fingerprint }),
    };
    let label: string;
    try {
      if (URL.canParse(endpoint) && new URL(endpoint).password)
        throw new UsageError('a password in the endpoint is not supported (give an identity file)');
      label = endpointLabel(endpoint, Boolean(tls));
    } catch (err) {
      // the endpoint itself is not repeated: it may hold a password
      const reason = errorMessage(err).startsWith('cannot understand')
        ? 'the endpoint is not an engine address (use unix:///path, tcp://host:port or ssh://user@host)'
        : errorMessage(err);
      throw new UsageError(`${where} (${id}): ${reason}`);
    }
    if (tls && !endpoint.startsWith('tcp://'))
      throw new UsageError(`${where} (${id}): tls is for tcp:// endpoints only`);
    if (identity && !endpoint.startsWith('ssh://'))
      throw new UsageError(`${where} (${id}): identity is for ssh:// endpoints only`);
    if (hostkey && !endpoint.startsWith('ssh://'))
      throw new UsageError(`${where} (${id}): hostkey is for ssh:// endpoints only`);
    return { id, name: field('name') ?? '', endpoint, where: label, credentials, slug };
  });
}
