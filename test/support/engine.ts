import Docker from 'dockerode';
import { execa } from 'execa';
import { ensureFixtureImage } from '../../src/fixtures.js';
import { LABEL, OWNER } from '../../src/docker/labels.js';
import { ensureImageFromBusybox, PROBE_IMAGE } from '../../src/docker/probe-image.js';

export { FIXTURE_IMAGE } from '../../src/fixtures.js';

export const docker = new Docker();

/**
 * Makes sure an engine answers and the offline images exist. Without an engine the
 * integration tests skip on a developer's machine, but fail in CI: CI must never
 * go green by testing nothing.
 */
export async function requireEngine(ctx: Mocha.Context): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    if (process.env.CI)
      throw new Error(`CI needs a Docker engine and none answers: ${(err as Error).message}`, { cause: err });
    ctx.skip();
  }
  await ensureOfflineImages();
}

/** For scripts (the bench): an engine must answer, or this fails with the reason. */
export async function requireEngineOrFail(): Promise<void> {
  await docker.ping().catch((err: Error) => {
    throw new Error(`no Docker engine answers: ${err.message}`);
  });
  await ensureOfflineImages();
}

async function ensureOfflineImages(): Promise<void> {
  await ensureFixtureImage(docker);
  await ensureImageFromBusybox(docker, PROBE_IMAGE);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface HostSnapshot {
  containers: string[];
  networks: string[];
  dockerUser: string | null;
}

/** What must read the same before and after a grader runs: containers with their state, networks, DOCKER-USER. */
export async function snapshotHost(): Promise<HostSnapshot> {
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true }), docker.listNetworks()]);
  let dockerUser: string | null = null;
  if (isRoot()) {
    const { stdout } = await execa('iptables', ['-S', 'DOCKER-USER'], { reject: false });
    dockerUser = stdout;
  }
  return {
    containers: containers.map((c) => `${c.Id} ${c.Names.join(',')} ${c.State}`).sort(),
    networks: networks.map((n) => `${n.Id} ${n.Name}`).sort(),
    dockerUser,
  };
}

/** How many containers docknet owns on the engine right now. */
export async function ownedContainers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`${LABEL.owner}=${OWNER}`] } })).length;
}
