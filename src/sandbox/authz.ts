// The sandbox's dockerd runs with full capabilities, and the solution drives it: without a
// rule, `docker run --privileged`, `--cap-add SYS_ADMIN` or `-v /:/host` would give a
// container what the solution itself was denied (undo the mounts that hide the host, load
// modules, write the host's disk through the sandbox's io directory). dockerd asks this
// authorization plugin, served by docknet from outside the sandbox, before every request;
// if docknet is gone, dockerd cannot ask and refuses. A request is refused when it would
// give a container more than the solution has, unless it carries the grader's secret
// header: the grader's own probes need the host's PID namespace and NET_ADMIN.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export const GRANT_HEADER = 'X-Docknet-Grant';

/** What dockerd sends to /AuthZPlugin.AuthZReq (Docker's authorization plugin API). */
export interface AuthzRequest {
  RequestMethod?: string;
  RequestURI?: string;
  /** the raw body, base64: sent only for JSON bodies under 1 MiB */
  RequestBody?: string;
  RequestHeaders?: Record<string, string>;
}

export interface AuthzPolicy {
  grant: string;
  /** after the solution's end the engine is the grader's: others may only read */
  solutionEnded: boolean;
}

export interface Decision {
  Allow: boolean;
  Msg?: string;
}

/** Docker's default capabilities and the network ones a networking lab may need. */
const CAPS = new Set([
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SYS_CHROOT',
  'MKNOD',
  'AUDIT_WRITE',
  'SETFCAP',
  'NET_ADMIN',
]);
const HOST_MODES = new Set(['pidmode', 'ipcmode', 'usernsmode', 'cgroupnsmode']);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Go's JSON decoder matches field names case-insensitively, with K (Kelvin) and ſ (long s)
 * folding to k and s: keys are compared the same way, so no spelling slips past.
 */
const fold = (key: string) =>
  key
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();

/**
 * Why a JSON body would give a container more than the solution has, or undefined. Every
 * object at any depth is looked at: dockerd reads HostConfig both nested and at the top
 * level of a create, and old API versions take one on start.
 */
export function bodyDanger(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const d = bodyDanger(v);
      if (d) return d;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    const d = fieldDanger(fold(key), v) ?? bodyDanger(v);
    if (d) return d;
  }
  return undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const nonEmpty = (v: unknown) =>
  v !== null && v !== undefined && (typeof v !== 'object' || Object.keys(v).length > 0) && v !== '';

function fieldDanger(key: string, v: unknown): string | undefined {
  switch (key) {
    case 'privileged':
      return v === true ? 'privileged containers' : undefined;
    case 'capadd':
    case 'capabilities': {
      const extra = strings(v).find((c) => !CAPS.has(c.toUpperCase().replace(/^CAP_/, '')));
      return extra !== undefined ? `the capability ${extra}` : undefined;
    }
    case 'devices':
    case 'devicerequests':
    case 'devicecgrouprules':
      return nonEmpty(v) ? 'devices' : undefined;
    case 'securityopt': {
      const opt = strings(v).find((o) => !/^no-new-privileges([:=]true)?$/i.test(o));
      return opt !== undefined ? `the security option ${opt}` : undefined;
    }
    case 'maskedpaths':
    case 'readonlypaths':
      // even a list replaces Docker's defaults, which hide /proc/sysrq-trigger and keep /proc/sys read-only
      return v !== null && v !== undefined ? 'changing the masked and read-only paths' : undefined;
    case 'cgroupparent':
      return nonEmpty(v) ? 'a cgroup parent outside the sandbox' : undefined;
    case 'binds': {
      const bind = strings(v).find((b) => {
        const parts = b.split(':');
        return parts.length > 1 && !VOLUME_NAME.test(parts[0]);
      });
      return bind !== undefined ? `the bind mount ${bind}` : undefined;
    }
    case 'type':
      return v === 'bind' || v === 'npipe' ? `${v} mounts` : undefined;
    case 'driverconfig':
    case 'driveropts':
    case 'volumedriver':
      // a local volume with options is a bind mount of any path (o=bind,device=/…)
      return nonEmpty(v) ? 'volume driver options' : undefined;
    case 'runtime':
      return nonEmpty(v) && v !== 'runc' ? `the runtime ${String(v)}` : undefined;
    default:
      return HOST_MODES.has(key) && v === 'host' ? `${key.replace(/mode$/, '')} mode host` : undefined;
  }
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

function granted(headers: Record<string, string> | undefined, grant: string): boolean {
  const given = Buffer.from(header(headers, GRANT_HEADER) ?? '');
  const expected = Buffer.from(grant);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The plugin's decision on one request. */
export function authorize(req: AuthzRequest, policy: AuthzPolicy): Decision {
  if (granted(req.RequestHeaders, policy.grant)) return { Allow: true };
  const deny = (why: string): Decision => ({ Allow: false, Msg: `docknet's sandbox refuses ${why}` });
  const method = (req.RequestMethod ?? '').toUpperCase();
  // dockerd routes on the decoded path, and answers a path with // by redirecting to the clean one
  const uri = req.RequestURI ?? '/';
  const q = uri.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent(q < 0 ? uri : uri.slice(0, q));
  } catch {
    return deny('a path it cannot read');
  }
  path = path.replace(/\/{2,}/g, '/').replace(/^\/v[\d.]+(?=\/)/, '');
  const query = new URLSearchParams(q < 0 ? '' : uri.slice(q + 1));
  const reading = method === 'GET' || method === 'HEAD';
  // plugins run with whatever privileges they ask for, and even asking which ones reaches for a registry
  const area = /^\/(plugins|swarm|services|nodes|secrets|configs)(\/.|$)/.exec(path);
  if (area && !(reading && path === `/${area[1]}`)) return deny(area[1]);
  if (reading) return { Allow: true };
  if (policy.solutionEnded) return deny('changes after the solution ended: the engine is being graded');
  const contentType = (header(req.RequestHeaders, 'Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  // dockerd reads a form's values before the query's, and no docker client sends one
  if (contentType === 'application/x-www-form-urlencoded' || contentType === 'multipart/form-data')
    return deny('form-encoded requests');
  if (path === '/build') {
    if (query.get('networkmode') === 'host') return deny('builds on the host network');
    // a build's containers would run outside the sandbox's cgroup and its limits
    if (query.get('cgroupparent') || query.get('isolation')) return deny("builds outside the sandbox's cgroup");
  }
  if (contentType !== 'application/json') return { Allow: true }; // dockerd reads no JSON it was not labelled
  if (!req.RequestBody) {
    // dockerd leaves out bodies of 1 MiB or more (and any on a URL ending in /auth): what it did not show is refused
    return header(req.RequestHeaders, 'Content-Length') === '0' ? { Allow: true } : deny('a body it cannot inspect');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(req.RequestBody, 'base64').toString('utf8'));
  } catch {
    return deny('a body that is not JSON');
  }
  const danger = bodyDanger(body);
  return danger ? deny(danger) : { Allow: true };
}

/** The plugin's endpoint: an HTTP server on a unix socket that dockerd finds through a .spec file. */
export class AuthzServer {
  private solutionEnded = false;
  private readonly server = createServer((req, res) => this.answer(req, res));

  private constructor(private readonly grant: string) {}

  static async listen(socketPath: string, grant: string): Promise<AuthzServer> {
    const self = new AuthzServer(grant);
    await new Promise<void>((resolve, reject) => {
      self.server.once('error', reject);
      self.server.listen(socketPath, () => resolve());
    });
    return self;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // dockerd sends at most 1 MiB of body, base64: anything far larger is not dockerd
      if (size > 4 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let answer: unknown;
      if (req.url === '/Plugin.Activate') answer = { Implements: ['authz'] };
      else if (req.url === '/AuthZPlugin.AuthZRes') answer = { Allow: true };
      else if (req.url === '/AuthZPlugin.AuthZReq') {
        try {
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AuthzRequest;
          answer = authorize(request, { grant: this.grant, solutionEnded: this.solutionEnded });
        } catch {
          answer = { Allow: false, Msg: "docknet's sandbox cannot read the request" };
        }
      } else answer = { Err: `unknown plugin method ${req.url}` };
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.plugins.v1+json' });
      res.end(JSON.stringify(answer));
    });
  }

  /** From now on, only the grader changes the engine. */
  endSolution(): void {
    this.solutionEnded = true;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
