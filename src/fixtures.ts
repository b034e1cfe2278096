// Host states per exercise (fixtures/<id>/fixtures.yaml): one correct, several broken,
// each built with plain docker and iptables commands. The tests, `docknet selftest`
// and the bench build them; only what a fixture made is ever removed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { parse } from 'yaml';
import { packageRoot } from './paths.js';
import type { Status } from './engine/results.js';
import { ensureImageFromBusybox } from './docker/probe-image.js';
import { readMetadata } from './engine/exercise.js';
import {
  drawParams,
  renderDeep,
  specProblems,
  type ParamSpecs,
  type ParamValues,
  type VariantKey,
} from './engine/params.js';

/** The image fixtures run for students' containers: busybox, built offline like the probe. */
export const FIXTURE_IMAGE = 'docknet-fixture:1';

export function ensureFixtureImage(docker: Docker): Promise<void> {
  return ensureImageFromBusybox(docker, FIXTURE_IMAGE);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface Fixture {
  name: string;
  description: string;
  setup: string;
  teardown?: string;
  expect: Record<string, Exclude<Status, 'passed'>>;
  /** where engines before `engine` (a version) behave otherwise: their statuses instead of `expect` */
  before?: { engine: string; expect: Record<string, Exclude<Status, 'passed'>> };
  /** the set's `rootless`, which `applyFixture` merges into `expect` when the engine is rootless */
  rootless?: NotApplicable;
  /** set by `applyFixture` on a rootless engine: the checks that must be skipped with exactly this reason */
  notApplicable?: NotApplicable;
}

/** Checks an engine cannot express, skipped with one reason whatever the state. */
export interface NotApplicable {
  checks: string[];
  reason: string;
}

export interface FixtureSet {
  exercise: string;
  /**
   * `dockerUser: default` demands that DOCKER-USER hold only Docker's own RETURN before the tests touch it;
   * `chains` are iptables filter chains a fixture creates (and its teardown removes)
   */
  reserved: { networks?: string[]; containers?: string[]; dockerUser?: 'default'; chains?: string[] };
  /** the fixture that solves the exercise beside every other exercise's (`together:`, else `correct`): the bench's and the roster test's solved host */
  together: string;
  fixtures: Fixture[];
  /** the variant's values the fixtures were rendered with: the exercise's, then the fixtures' own `params:` */
  values: ParamValues;
}

/** The package's fixtures/<id>/fixtures.yaml, or, for an instructor's exercise, fixtures.yaml beside its exercise.yaml. */
export function fixturesFile(exercise: string, exerciseDir?: string): string {
  const own = exerciseDir && join(exerciseDir, 'fixtures.yaml');
  return own && existsSync(own) ? own : join(packageRoot, 'fixtures', exercise, 'fixtures.yaml');
}

/**
 * An exercise's fixtures for one student's variant (the canonical values without one): the
 * exercise's values and those the fixtures declare for themselves under `params:` (a wrong
 * gateway, say), drawn together and filled into every `{{ name }}`.
 */
export function loadFixtures(exercise: string, exerciseDir?: string, key: VariantKey = {}): FixtureSet {
  const file = fixturesFile(exercise, exerciseDir);
  const raw = parse(readFileSync(file, 'utf8'));
  const specs: ParamSpecs = {
    ...readMetadata(exerciseDir ?? join(packageRoot, 'exercises', exercise)).params,
    ...raw.params,
  };
  const problems = specProblems(specs);
  if (problems.length > 0) throw new Error(`${file}: ${problems[0]}`);
  const values = drawParams(exercise, specs, key);
  const fixtures = renderDeep(raw.fixtures as Record<string, Omit<Fixture, 'name'>>, values, file);
  return {
    exercise,
    reserved: renderDeep(raw.reserved ?? {}, values, file),
    together: raw.together ?? 'correct',
    fixtures: Object.entries(fixtures).map(([name, f]) => ({
      name,
      ...f,
      expect: f.expect ?? {},
      ...(raw.rootless && { rootless: raw.rootless as NotApplicable }),
    })),
    values,
  };
}

const FIXTURE_LABEL = 'io.docknet.fixture';

/**
 * Refuses to go on when the engine already holds something a fixture would
 * create: that may be a person's own lab, and tests never touch what they did not make.
 */
export async function assertNothingReserved(docker: Docker, set: FixtureSet): Promise<void> {
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true }), docker.listNetworks()]);
  const taken = [
    ...(set.reserved.containers ?? [])
      .filter((n) => containers.some((c) => c.Names.includes(`/${n}`)))
      .map((n) => `container ${n}`),
    ...(set.reserved.networks ?? []).filter((n) => networks.some((x) => x.Name === n)).map((n) => `network ${n}`),
  ];
  if (set.reserved.dockerUser === 'default') {
    const rules = (await readDockerUser()).filter((r) => r.startsWith('-A ') && r !== DEFAULT_RETURN);
    if (rules.length > 0) taken.push(`DOCKER-USER rules (${rules.join('; ')})`);
  }
  for (const chain of set.reserved.chains ?? []) {
    if (await chainExists(chain)) taken.push(`iptables chain ${chain}`);
  }
  if (taken.length > 0) {
    throw new Error(
      `this engine already has ${taken.join(', ')}; the ${set.exercise} tests would collide with it and never remove what they did not create. ` +
        'Remove it yourself or point DOCKER_HOST at a scratch engine.',
    );
  }
}

const DEFAULT_RETURN = '-A DOCKER-USER -j RETURN';

/** DOCKER-USER as `iptables -S` prints it, or [] where it cannot be read (not root). */
async function readDockerUser(): Promise<string[]> {
  if (!isRoot()) return [];
  const { stdout, exitCode } = await execa('iptables', ['-S', 'DOCKER-USER'], { reject: false });
  return exitCode === 0 ? stdout.split('\n').filter(Boolean) : [];
}

async function chainExists(chain: string): Promise<boolean> {
  if (!isRoot()) return false;
  return (await execa('iptables', ['-S', chain], { reject: false })).exitCode === 0;
}

/** Puts DOCKER-USER back rule by rule, as it was before the fixture. */
async function restoreDockerUser(saved: string[]): Promise<void> {
  if ((await readDockerUser()).join('\n') === saved.join('\n')) return;
  await execa('iptables', ['-F', 'DOCKER-USER']);
  for (const rule of saved.filter((r) => r.startsWith('-A '))) {
    await execa('sh', ['-c', `iptables ${rule}`]);
  }
}

const savedDockerUser = new Map<string, string[]>();

/**
 * Builds the fixture's state. A fixture whose statuses depend on the engine gets,
 * in `expect`, those of the engine it is built on: the one that is graded next.
 */
export async function applyFixture(fixture: Fixture): Promise<void> {
  await requireFixtureImage();
  savedDockerUser.set(fixture.name, await readDockerUser());
  if (fixture.before) {
    const { stdout } = await execa('docker', ['version', '--format', '{{.Server.Version}}']);
    if (versionBefore(stdout.trim(), fixture.before.engine)) fixture.expect = fixture.before.expect;
  }
  if (fixture.rootless && (await engineIsRootless())) {
    // a check the fixture skips anyway, for a prerequisite that did not pass, keeps that reason
    const checks = fixture.rootless.checks.filter((id) => fixture.expect[id] !== 'skipped');
    fixture.notApplicable = { checks, reason: fixture.rootless.reason };
    fixture.expect = { ...fixture.expect, ...Object.fromEntries(checks.map((id) => [id, 'skipped'])) };
  }
  await execa('sh', ['-eu', '-c', fixture.setup], {
    env: { IMAGE: FIXTURE_IMAGE, LABEL: `${FIXTURE_LABEL}=${fixture.name}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const imageFound = new Map<string, Promise<void>>();

/**
 * Fails unless the engine the docker CLI talks to has the fixture image: `docker run`
 * pulls a missing one, which would look up and reach a registry from the host.
 */
function requireFixtureImage(): Promise<void> {
  const engine = process.env.DOCKER_HOST ?? '';
  let found = imageFound.get(engine);
  if (!found) {
    found = execa('docker', ['image', 'inspect', '--format', '{{.Id}}', FIXTURE_IMAGE]).then(
      () => {},
      () => {
        imageFound.delete(engine);
        throw new Error(
          `the engine has no ${FIXTURE_IMAGE}: build it offline first (ensureFixtureImage); a fixture never pulls an image`,
        );
      },
    );
    imageFound.set(engine, found);
  }
  return found;
}

async function engineIsRootless(): Promise<boolean> {
  const { stdout } = await execa('docker', ['info', '--format', '{{json .SecurityOptions}}']);
  return (JSON.parse(stdout) as string[] | null)?.some((o) => o.split(',').includes('name=rootless')) ?? false;
}

/** Compares engine versions such as "20.10.24+dfsg1" and "25.0.4" by their numbers. */
export function versionBefore(version: string, than: string): boolean {
  const numbers = (v: string) => (/^\d+(?:\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
  const [a, b] = [numbers(version), numbers(than)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** Removes exactly what the fixture made: objects carrying its label, DOCKER-USER as it was, then its own teardown. */
export async function removeFixture(docker: Docker, fixture: Fixture): Promise<void> {
  const saved = savedDockerUser.get(fixture.name);
  if (saved) await restoreDockerUser(saved);
  const filters = { label: [`${FIXTURE_LABEL}=${fixture.name}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove();
  if (fixture.teardown) await execa('sh', ['-eu', '-c', fixture.teardown]);
}

/** The score a fixture's state earns: full points but for the checks it declares not passing. */
export function expectedScore(exercise: { checks: { id: string; points: number }[] }, fixture: Fixture): number {
  return exercise.checks.reduce((sum, c) => sum + (fixture.expect[c.id] ? 0 : c.points), 0);
}
