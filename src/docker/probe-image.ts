import { createHash } from 'node:crypto';
import { createReadStream, existsSync, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import writeFileAtomic from 'write-file-atomic';
import { UsageError, errorMessage, withTimeout } from '../errors.js';
import { atomicWriteStream } from '../atomic-file.js';
import { privateDir } from './state.js';

/** Bump when probes need something the current image lacks. */
export const PROBE_IMAGE = 'docknet-probe:1';
const PROBE_LABEL = 'io.docknet.probe=1';

/** Applets the probes call (busybox runs each through a symlink of that name). */
const APPLETS = [
  'sh',
  'ip',
  'nc',
  'nslookup',
  'ping',
  'wget',
  'httpd',
  'sleep',
  'timeout',
  'cat',
  'echo',
  'mkdir',
  'grep',
  'sed',
  'awk',
  'head',
  'ls',
  'true',
  'false',
  'test',
  'printf',
  'hostname',
];

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox', '/usr/lib/initramfs-tools/bin/busybox'];

/** ELF machine numbers by Docker's architecture names. */
const ELF_MACHINE: Record<string, number> = {
  amd64: 0x3e,
  arm64: 0xb7,
  '386': 0x03,
  arm: 0x28,
  s390x: 0x16,
  ppc64le: 0x15,
  riscv64: 0xf3,
};

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

/** Bound on one image inspection or listing. */
const IMAGE_CHECK_MS = 10_000;
/** Bound on a build, load, save or copy: megabytes, maybe over a slow link. */
const IMAGE_TRANSFER_MS = 300_000;

async function inspectImage(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await withTimeout(docker.getImage(ref).inspect(), IMAGE_CHECK_MS, `inspecting the image ${ref}`);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

export async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return (await inspectImage(docker, ref)) !== undefined;
}

type ProgressEvent = { error?: string; errorDetail?: { message: string }; stream?: string };

function followProgress(docker: Docker, stream: Readable, what: string): Promise<ProgressEvent[]> {
  const done = new Promise<ProgressEvent[]>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: ProgressEvent[]) => {
      const failed = events?.find((e) => e.error || e.errorDetail);
      if (err) reject(err);
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
      else resolve(events ?? []);
    });
  });
  return withTimeout(done, IMAGE_TRANSFER_MS, what).finally(() => stream.destroy());
}

// Which images docknet built, loaded or verified, by ID. An image ID is the digest of
// its config, which names every layer's digest: the ID is the content, on any engine.
// A tag is only a name anyone with the engine can move (`docker tag`), so it is never
// what is trusted; the tag is where docknet looks first, and put back when moved.
const TRUST_FILE = 'images.json';
const TRUST_KEPT = 20;

function readTrusted(): Record<string, string[]> {
  try {
    return JSON.parse(readFileSync(join(privateDir(), TRUST_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

function trustedIds(ref: string): string[] {
  return readTrusted()[ref] ?? [];
}

/** Records that `id` is docknet's image for `ref` (newest first, a few kept). */
export function recordTrusted(ref: string, id: string): void {
  const all = readTrusted();
  all[ref] = [id, ...(all[ref] ?? []).filter((x) => x !== id)].slice(0, TRUST_KEPT);
  writeFileAtomic.sync(join(privateDir(), TRUST_FILE), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
}

/** The diff ID (digest of the uncompressed layer) that building from this busybox gives: the build is deterministic. */
export async function busyboxLayerDigest(busyboxPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of busyboxRootfs(busyboxPath)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Whether an image is exactly what building from busybox makes: the same single layer,
 * and nothing in its config that would change how a probe's command runs.
 */
export function isBusyboxBuild(image: Docker.ImageInspectInfo, layerDigest: string): boolean {
  const config = image.Config ?? ({} as Docker.ImageInspectInfo['Config']);
  const layers = image.RootFS?.Layers ?? [];
  return (
    layers.length === 1 &&
    layers[0] === layerDigest &&
    !config.Entrypoint?.length &&
    !config.User &&
    !config.WorkingDir &&
    !(config as { Healthcheck?: unknown }).Healthcheck &&
    (config.Env ?? []).every((e) => e === 'PATH=/bin')
  );
}

/**
 * The ID of docknet's own `ref` on this engine, or undefined when it has none. The
 * tag is taken when it points to a recorded image; else a recorded image that lost
 * its tag gets it back; else an image this machine's busybox would build identically
 * is verified and recorded (an engine this machine has not used yet).
 */
export async function trustedImage(docker: Docker, ref: string, engineArch?: string): Promise<string | undefined> {
  const trusted = trustedIds(ref);
  const tagged = await inspectImage(docker, ref);
  if (tagged && trusted.includes(tagged.Id)) return tagged.Id;
  const images = await withTimeout(docker.listImages({ all: true }), IMAGE_CHECK_MS, 'listing images');
  const recorded = images.find((i) => trusted.includes(i.Id));
  if (recorded) {
    const [repo, tag] = ref.split(':');
    await withTimeout(docker.getImage(recorded.Id).tag({ repo, tag }), IMAGE_CHECK_MS, `tagging ${ref}`);
    return recorded.Id;
  }
  const busybox = findStaticBusybox(engineArch ?? tagged?.Architecture);
  if (tagged && busybox && isBusyboxBuild(tagged, await busyboxLayerDigest(busybox))) {
    recordTrusted(ref, tagged.Id);
    return tagged.Id;
  }
  return undefined;
}

/** Records what the engine now calls `ref`: just built or loaded by docknet. */
async function recordTag(docker: Docker, ref: string): Promise<string> {
  const image = await inspectImage(docker, ref);
  if (!image) throw new Error(`${ref} is missing right after it was made`);
  recordTrusted(ref, image.Id);
  return image.Id;
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

/** Builds an image offline from a static busybox on this machine (no registry involved); returns its ID, now trusted. */
export async function buildFromBusybox(docker: Docker, busyboxPath: string, ref = PROBE_IMAGE): Promise<string> {
  const [repo, tag] = ref.split(':');
  const stream = await withTimeout(
    docker.importImage(
      busyboxRootfs(busyboxPath) as unknown as string,
      {
        repo,
        tag,
        changes: ['ENV PATH=/bin', 'CMD ["sh"]', `LABEL ${PROBE_LABEL}`],
      } as object,
    ),
    IMAGE_TRANSFER_MS,
    `building ${ref}`,
  );
  await followProgress(docker, stream as Readable, `building ${ref}`);
  return recordTag(docker, ref);
}

/** Builds `ref` from this machine's static busybox unless the engine has it; tests and fixtures need no registry. */
export async function ensureImageFromBusybox(docker: Docker, ref: string): Promise<void> {
  if (await hasImage(docker, ref)) return;
  const busybox = findStaticBusybox(undefined);
  if (!busybox)
    throw new Error(`${ref} is missing and there is no static busybox to build it (apt-get install busybox-static)`);
  await buildFromBusybox(docker, busybox, ref);
}

/** Builds the image from Docker Hub's busybox (needs a registry); returns its ID, now trusted. */
export async function buildFromRegistry(docker: Docker, ref = PROBE_IMAGE): Promise<string> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, `FROM busybox:1.36.1-musl\nLABEL ${PROBE_LABEL}\n`);
  pack.finalize();
  const stream = await withTimeout(
    docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: ref, pull: true }),
    IMAGE_TRANSFER_MS,
    `building ${ref}`,
  );
  await followProgress(docker, stream as unknown as Readable, `building ${ref}`);
  return recordTag(docker, ref);
}

/** Loads a tarball made by `docknet probe save` (air-gapped classrooms); the images it names are trusted from then on. */
export async function loadImageFile(docker: Docker, file: string): Promise<void> {
  const stream = await withTimeout(docker.loadImage(createReadStream(file)), IMAGE_TRANSFER_MS, `loading ${file}`);
  const events = await followProgress(docker, stream as Readable, `loading ${file}`);
  for (const event of events) {
    const loaded = /^Loaded image: (\S+)/.exec(event.stream ?? '');
    if (loaded) await recordTag(docker, loaded[1]);
  }
}

/** Writes docknet's own `ref` (by ID, whatever the tag says now) to a tarball that carries the tag. */
export async function saveImageFile(docker: Docker, file: string, ref = PROBE_IMAGE): Promise<void> {
  const id = await trustedImage(docker, ref);
  if (!id)
    throw new UsageError(`this engine has no ${ref} that docknet built or loaded; run "docknet probe build" first`);
  const [repo, tag] = ref.split(':');
  await withTimeout(docker.getImage(id).tag({ repo, tag }), IMAGE_CHECK_MS, `tagging ${ref}`);
  const image = await withTimeout(docker.getImage(ref).get(), IMAGE_TRANSFER_MS, `saving ${ref}`);
  await atomicWriteStream(file, image as Readable);
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

/** Copies an image (by ID) from one engine to another through both Engine APIs: a remote engine gets it with no registry. */
async function copyImage(from: Docker, to: Docker, id: string, ref: string): Promise<string> {
  const image = await withTimeout(from.getImage(id).get(), IMAGE_TRANSFER_MS, `saving ${ref}`);
  const stream = await withTimeout(to.loadImage(image as unknown as string), IMAGE_TRANSFER_MS, `copying ${ref}`);
  await followProgress(to, stream as Readable, `copying ${ref}`);
  // The ID is the content: the copy is the image that was sent, or it is refused.
  if (!(await inspectImage(to, id))) throw new Error(`copying ${ref} gave no image ${id}`);
  const [repo, tag] = ref.split(':');
  await withTimeout(to.getImage(id).tag({ repo, tag }), IMAGE_CHECK_MS, `tagging ${ref}`);
  return id;
}

/**
 * Makes sure the engine has docknet's own probe image (see `trustedImage`), building
 * it the cheapest way this machine allows: from a static busybox here, else copied
 * from `localEngine` (the engine this machine uses) when that one has it, else from
 * the registry. A look-alike under the tag is replaced; where nothing can replace
 * it, this refuses with one line.
 */
export async function ensureProbeImage(
  docker: Docker,
  engineArch: string | undefined,
  localEngine?: Docker,
): Promise<ProbeImageSource> {
  if (await trustedImage(docker, PROBE_IMAGE, engineArch)) return 'present';
  const busybox = findStaticBusybox(engineArch);
  if (busybox) {
    await buildFromBusybox(docker, busybox);
    return 'busybox';
  }
  if (localEngine && localEngine !== docker) {
    const local = await trustedImage(localEngine, PROBE_IMAGE).catch(() => undefined);
    if (local && (await inspectImage(localEngine, local))?.Architecture === engineArch) {
      await copyImage(localEngine, docker, local, PROBE_IMAGE);
      return 'local-engine';
    }
  }
  const lookalike = await inspectImage(docker, PROBE_IMAGE);
  try {
    await buildFromRegistry(docker);
    return 'registry';
  } catch (err) {
    const what = lookalike
      ? `the image tagged ${PROBE_IMAGE} (${lookalike.Id.slice(0, 19)}) is not one docknet built or loaded`
      : `the probe image ${PROBE_IMAGE} is missing`;
    throw new UsageError(
      `${what}, and it cannot be built here (no static busybox on this machine, and the registry failed: ${errorMessage(err).split('\n')[0]}). ` +
        `Install busybox-static and run "docknet probe build", or on a machine that has the image run "docknet probe save probe.tar" and here "docknet probe load probe.tar".`,
    );
  }
}
