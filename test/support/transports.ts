// Real remote transports on loopback, for class grading: the local dockerd also
// listening on tcp://127.0.0.1 with TLS, and an sshd on 127.0.0.1 whose sessions
// reach the engine with `docker system dial-stdio`, as a lab VM's would.
import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { docker } from './engine.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number, address = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, address, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const openssl = (dir: string, ...args: string[]) => execa('openssl', args, { cwd: dir });

/**
 * A CA, a server certificate for 127.0.0.1 (and `addresses`), and two client directories in the
 * DOCKER_CERT_PATH layout: `client` signed by the CA, `rogue` signed by a CA the
 * server does not trust (it still trusts the real server, so only its own certificate is wrong).
 */
export async function makeCertificates(
  dir: string,
  addresses: string[] = [],
): Promise<{ server: string; client: string; rogue: string }> {
  await mkdir(dir, { recursive: true });
  const sign = async (name: string, ca: string, ext: string) => {
    await openssl(
      dir,
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    );
    await writeFile(join(dir, `${name}.ext`), ext);
    await openssl(
      dir,
      'x509',
      '-req',
      '-days',
      '2',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}-key.pem`,
      '-CAcreateserial',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  for (const ca of ['ca', 'rogue-ca']) {
    await openssl(
      dir,
      'req',
      '-x509',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=docknet test ${ca}`,
      '-keyout',
      `${ca}-key.pem`,
      '-out',
      `${ca}.pem`,
    );
  }
  const names = ['127.0.0.1', ...addresses].map((a) => `IP:${a}`).join(',');
  await sign('server', 'ca', `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  await sign('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  await sign('rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  for (const who of ['client', 'rogue']) {
    const out = join(dir, who);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'ca.pem'), await readFile(join(dir, 'ca.pem')));
    await writeFile(join(out, 'cert.pem'), await readFile(join(dir, `${who}.pem`)));
    await writeFile(join(out, 'key.pem'), await readFile(join(dir, `${who}-key.pem`)));
  }
  return { server: dir, client: join(dir, 'client'), rogue: join(dir, 'rogue') };
}

const DOCKERD_LOG = '/var/log/docknet-dockerd.log';

/** The namespaces a process lives in: engines in namespaces of their own (other tests' lab VMs) are not this machine's. */
async function namespacesOf(pid: number | 'self'): Promise<string | undefined> {
  try {
    return (await Promise.all(['pid', 'mnt', 'net'].map((ns) => readlink(`/proc/${pid}/ns/${ns}`)))).join(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Processes `pgrep` finds by `pattern`, in this process's own namespaces. */
async function ownProcesses(pattern: string[]): Promise<number[]> {
  const { stdout } = await execa('pgrep', pattern, { reject: false });
  const own = await namespacesOf('self');
  const pids = stdout.split(/\s+/).filter(Boolean).map(Number);
  const same = await Promise.all(pids.map(async (pid) => (await namespacesOf(pid)) === own));
  return pids.filter((_, i) => same[i]);
}

async function dockerdPid(): Promise<number | undefined> {
  const pids = await ownProcesses(['-x', 'dockerd']);
  if (pids.length > 1)
    throw new Error(`several dockerd run on this machine (${pids.join(', ')}); these tests restart only a lone one`);
  return pids[0];
}

async function waitFor(what: string, ready: () => Promise<boolean>, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await ready()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

/**
 * Restarts this machine's dockerd with `args` added. Only a dockerd started the way
 * scripts/setup.sh starts it (plain `dockerd`, or one this function started) is
 * touched, and never while containers run: a restart would stop someone's lab.
 */
export async function restartDockerd(args: string[]): Promise<void> {
  const pid = await dockerdPid();
  if (pid === undefined) throw new Error('no dockerd runs on this machine');
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  const ours = cmdline[0] === 'dockerd' && (cmdline.length === 1 || cmdline.includes('--tlsverify'));
  if (!ours) {
    throw new Error(
      `the running dockerd (${cmdline.join(' ')}) was not started by scripts/setup.sh; these tests will not restart it`,
    );
  }
  const running = await docker.listContainers();
  if (running.length > 0)
    throw new Error(
      `${running.length} containers are running; restarting dockerd would stop them, so these tests refuse`,
    );
  process.kill(pid, 'SIGTERM');
  await waitFor('dockerd stopping', async () => (await dockerdPid()) === undefined, 30);
  // the containerd a dockerd started for itself goes with it; a new dockerd would collide with it
  await waitFor(
    'its containerd stopping',
    async () => (await ownProcesses(['-f', 'containerd --config /var/run/docker/containerd'])).length === 0,
    10,
  );
  await execa('sh', [
    '-c',
    `setsid dockerd ${args.map((a) => `'${a}'`).join(' ')} </dev/null >>${DOCKERD_LOG} 2>&1 3>&- &`,
  ]);
  await waitFor(
    'dockerd answering',
    () =>
      docker.ping().then(
        () => true,
        () => false,
      ),
    60,
  );
}

export interface Sshd {
  port: number;
  /** the client's private key file */
  identity: string;
  /** the host's public key, as `ssh-ed25519 AAAA…` */
  hostKey: string;
  /** the host key's fingerprint as ssh-keygen -l prints it */
  fingerprint: string;
  /** what sshd logged so far (LogLevel VERBOSE: every accepted login is there) */
  log(): string;
  stop(): Promise<void>;
}

/**
 * An sshd on 127.0.0.1 with its own host key and config, admitting root with a throwaway key only;
 * `at` puts it on another address, in the network and mount namespaces of another process (an engine's).
 */
export async function startSshd(
  dir: string,
  at?: { address: string; port: number; namespacesOf: number },
): Promise<Sshd> {
  await mkdir(dir, { recursive: true });
  await mkdir('/run/sshd', { recursive: true }); // its privilege-separation directory
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'docknet-test', '-f', join(dir, 'id_ed25519')]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'id_ed25519.pub')));
  const address = at?.address ?? '127.0.0.1';
  const port = at?.port ?? (await freePort());
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `ListenAddress ${address}:${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PidFile none',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const command = ['/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config')];
  const inside = at ? ['nsenter', '-t', String(at.namespacesOf), '-n', '-m', '--'] : [];
  const [program, ...args] = [...inside, ...command];
  const sshd: ResultPromise = execa(program, args, {
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  sshd.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(
    'sshd listening',
    async () => {
      if (sshd.exitCode !== null && sshd.exitCode !== undefined) throw new Error(`sshd exited: ${(await sshd).stderr}`);
      return accepts(port, address);
    },
    10,
  );
  const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const { stdout } = await execa('ssh-keygen', ['-l', '-f', join(dir, 'host_key.pub')]);
  return {
    port,
    identity: join(dir, 'id_ed25519'),
    hostKey,
    fingerprint: stdout.split(' ')[1],
    log: () => log,
    stop: async () => {
      sshd.kill('SIGTERM');
      await sshd;
    },
  };
}
