import { createReadStream, existsSync, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { UsageError, errorMessage } from '../errors.js';
import { atomicWriteStream } from '../atomic-file.js';

/** Bump when probes need something the current image lacks. */
export const PROBE_IMAGE = 'docknet-probe:1';
const PROBE_LABEL = 'io.docknet.probe=1';

/** Applets the probes call (busybox runs each through a symlink of that name). */
const APPLETS = ['sh', 'ip', 'nc', 'nslookup', 'ping', 'wget', 'httpd', 'sleep', 'timeout', 'cat', 'echo', 'mkdir', 'grep', 'sed', 'awk', 'head', 'ls', 'true', 'false', 'test', 'printf', 'hostname'];

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox', '/usr/lib/initramfs-tools/bin/busybox'];

/** ELF machine numbers by Docker's architecture names. */
const ELF_MACHINE: Record<string, number> = { amd64: 0x3e, arm64: 0xb7, '386': 0x03, arm: 0x28, s390x: 0x16, ppc64le: 0x15, riscv64: 0xf3 };

/** Reads an ELF header: its machine, and whether it asks for a dynamic loader (PT_INTERP). */
export function inspectElf(path: string): { machine: number; isStatic: boolean } | undefined {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = header[4] === 2;
    const little = header[5] === 1;
    const u16 = (b: Buffer, o: number) => (little ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const machine = u16(header, 18);
    const phoff = is64 ? Number(little ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32)) : u32(header, 28);
    const phentsize = u16(header, is64 ? 54 : 42);
    const phnum = u16(header, is64 ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    const PT_INTERP = 3;
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === PT_INTERP) return { machine, isStatic: false };
    return { machine, isStatic: true };
  } finally {
    closeSync(fd);
  }
}

/** A statically linked busybox on this machine that runs on the engine's architecture. */
export function findStaticBusybox(engineArch: string | undefined): string | undefined {
  return BUSYBOX_CANDIDATES.find((path) => {
    if (!existsSync(path)) return false;
    const elf = inspectElf(path);
    return elf?.isStatic && (engineArch === undefined || ELF_MACHINE[engineArch] === elf.machine);
  });
}

export async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

function followProgress(docker: Docker, stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string; errorDetail?: { message: string } }>) => {
      const failed = events?.find((e) => e.error || e.errorDetail);
      if (err) reject(err);
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
      else resolve();
    });
  });
}

/** A root filesystem holding only the static busybox and its applet links, made in memory. */
function busyboxRootfs(busyboxPath: string): tar.Pack {
  const pack = tar.pack();
  const mtime = new Date(0);
  for (const dir of ['bin', 'etc', 'tmp', 'www']) pack.entry({ name: dir, type: 'directory', mode: 0o755, mtime });
  pack.entry({ name: 'bin/busybox', mode: 0o755, mtime, size: statSync(busyboxPath).size }, readFileSync(busyboxPath));
  for (const applet of APPLETS) pack.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mtime });
  pack.finalize();
  return pack;
}

/** Builds an image offline from a static busybox on this machine: no registry involved. */
export async function buildFromBusybox(docker: Docker, busyboxPath: string, ref = PROBE_IMAGE): Promise<void> {
  const [repo, tag] = ref.split(':');
  const stream = await docker.importImage(busyboxRootfs(busyboxPath) as unknown as string, {
    repo,
    tag,
    changes: ['ENV PATH=/bin', 'CMD ["sh"]', `LABEL ${PROBE_LABEL}`],
  } as object);
  await followProgress(docker, stream as Readable);
}

/** Builds `ref` from this machine's static busybox unless the engine has it; tests and fixtures need no registry. */
export async function ensureImageFromBusybox(docker: Docker, ref: string): Promise<void> {
  if (await hasImage(docker, ref)) return;
  const busybox = findStaticBusybox(undefined);
  if (!busybox) throw new Error(`${ref} is missing and there is no static busybox to build it (apt-get install busybox-static)`);
  await buildFromBusybox(docker, busybox, ref);
}

/** Builds the image from Docker Hub's busybox: needs a registry. */
export async function buildFromRegistry(docker: Docker, ref = PROBE_IMAGE): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, `FROM busybox:1.36.1-musl\nLABEL ${PROBE_LABEL}\n`);
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: ref, pull: true });
  await followProgress(docker, stream as unknown as Readable);
}

/** Loads a tarball made by `docknet probe save` (air-gapped classrooms). */
export async function loadImageFile(docker: Docker, file: string): Promise<void> {
  const stream = await docker.loadImage(createReadStream(file));
  await followProgress(docker, stream as Readable);
}

export async function saveImageFile(docker: Docker, file: string, ref = PROBE_IMAGE): Promise<void> {
  const image = await docker.getImage(ref).get();
  await atomicWriteStream(file, image as Readable);
}

/** The architecture of the engine's probe image, or undefined when it has none (or cannot say). */
async function imageArch(docker: Docker): Promise<string | undefined> {
  try {
    return (await docker.getImage(PROBE_IMAGE).inspect()).Architecture;
  } catch {
    return undefined;
  }
}

export type ProbeImageSource = 'present' | 'busybox' | 'local-engine' | 'registry';

export function describeSource(source: ProbeImageSource): string {
  switch (source) {
    case 'busybox':
      return "from this machine's static busybox";
    case 'local-engine':
      return "copied from this machine's engine";
    case 'registry':
      return 'from the registry';
    case 'present':
      return 'already there';
  }
}

/** Copies the image from one engine to another through both Engine APIs: a remote engine gets it with no registry. */
export async function copyImage(from: Docker, to: Docker, ref = PROBE_IMAGE): Promise<void> {
  const stream = await to.loadImage((await from.getImage(ref).get()) as unknown as string);
  await followProgress(to, stream as Readable);
}

/**
 * Makes sure the probe image exists, building it the cheapest way this machine
 * allows: from a static busybox here, else copied from `localEngine` (the engine
 * this machine uses) when that one has it, else from the registry.
 */
export async function ensureProbeImage(docker: Docker, engineArch: string | undefined, localEngine?: Docker): Promise<ProbeImageSource> {
  if (await hasImage(docker, PROBE_IMAGE)) return 'present';
  const busybox = findStaticBusybox(engineArch);
  if (busybox) {
    await buildFromBusybox(docker, busybox);
    return 'busybox';
  }
  if (localEngine && localEngine !== docker && (await imageArch(localEngine)) === engineArch) {
    await copyImage(localEngine, docker);
    return 'local-engine';
  }
  try {
    await buildFromRegistry(docker);
    return 'registry';
  } catch (err) {
    throw new UsageError(
      `the probe image ${PROBE_IMAGE} is missing and cannot be built here (no static busybox on this machine, and the registry failed: ${errorMessage(err).split('\n')[0]}). ` +
        `Install busybox-static and run "docknet probe build", or on a machine that has the image run "docknet probe save probe.tar" and here "docknet probe load probe.tar".`,
    );
  }
}
