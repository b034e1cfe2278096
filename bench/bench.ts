// `npm run bench`: how long `docknet check` takes as a whole process on a host where
// all exercises are solved, alone and per exercise, on a plain and on a crowded
// host, and how a 20-entry roster on one engine compares. Prints a Markdown table.
// It builds its own host state and removes exactly that; it refuses to run beside a
// lab that uses the exercises' names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { graders } from '../graders/index.js';
import { LABEL, OWNER } from '../src/docker/labels.js';
import { DOCKNET } from '../test/support/cli.js';
import { benchSandbox } from './sandbox.js';
import { docker, FIXTURE_IMAGE, requireEngineOrFail } from '../test/support/engine.js';
import {
  applyFixture,
  assertNothingReserved,
  loadFixtures,
  removeFixture,
  type Fixture,
} from '../test/support/fixtures.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ROSTER_RUNS = Number(process.env.BENCH_ROSTER_RUNS ?? 3);
const CROWD = { containers: 100, networks: 10 };
const CROWD_LABEL = 'io.docknet.bench=crowd';

interface Timing {
  label: string;
  seconds: number[];
  containers: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (s: number) => s.toFixed(2);

/**
 * Counts the containers the grader creates while `work` runs, from the engine's live
 * event stream (its stored history holds only the last few hundred events).
 */
async function countGraderContainers<T>(work: () => Promise<T>): Promise<{ result: T; containers: number }> {
  const stream = (await docker.getEvents({
    filters: { type: ['container'], event: ['create'], label: [`${LABEL.owner}=${OWNER}`] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  let containers = 0;
  stream.on('data', (chunk: Buffer) => (containers += chunk.toString().split('\n').filter(Boolean).length));
  try {
    const result = await work();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last events are on their way
    return { result, containers };
  } finally {
    stream.destroy();
  }
}

/** Runs a command `runs` times as a whole process; the engine must be idle between runs. */
async function time(label: string, args: string[], runs: number, expectExit = 0): Promise<Timing> {
  const seconds: number[] = [];
  let containers = 0;
  for (let i = 0; i < runs; i++) {
    const { result: run, containers: created } = await countGraderContainers(async () => {
      const t0 = Date.now();
      const result = await execa('node', [DOCKNET, ...args], { reject: false, env: { NO_COLOR: '1' } });
      seconds.push((Date.now() - t0) / 1000);
      return result;
    });
    if (run.exitCode !== expectExit)
      throw new Error(`${label}: exit code ${run.exitCode}, not ${expectExit}:\n${run.stdout}\n${run.stderr}`);
    containers = Math.max(containers, created);
  }
  process.stderr.write(`bench: ${label}: median ${fmt(median(seconds))} s\n`);
  return { label, seconds, containers };
}

async function crowdHost(): Promise<void> {
  for (let n = 0; n < CROWD.networks; n++) {
    await docker.createNetwork({ Name: `docknet-bench-net-${n}`, Labels: { 'io.docknet.bench': 'crowd' } });
  }
  const limit = pLimit(4);
  await Promise.all(
    Array.from({ length: CROWD.containers }, (_, i) =>
      limit(async () => {
        const c = await docker.createContainer({
          Image: FIXTURE_IMAGE,
          name: `docknet-bench-${i}`,
          Cmd: ['sleep', '3600'],
          Labels: { 'io.docknet.bench': 'crowd' },
          HostConfig: { NetworkMode: `docknet-bench-net-${i % CROWD.networks}` },
        });
        await c.start();
      }),
    ),
  );
}

async function uncrowdHost(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [CROWD_LABEL] } });
  const limit = pLimit(8);
  await Promise.all(containers.map((c) => limit(() => docker.getContainer(c.Id).remove({ force: true }))));
  for (const n of await docker.listNetworks({ filters: { label: [CROWD_LABEL] } }))
    await docker.getNetwork(n.Id).remove();
}

function table(rows: Timing[]): string {
  const lines = ['| run | min (s) | median (s) | grader containers |', '|---|---:|---:|---:|'];
  for (const r of rows)
    lines.push(`| ${r.label} | ${fmt(Math.min(...r.seconds))} | ${fmt(median(r.seconds))} | ${r.containers} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  await requireEngineOrFail();
  const sets = graders.map((g) => loadFixtures(g.id));
  for (const set of sets) await assertNothingReserved(set);
  if ((await docker.listContainers({ all: true, filters: { label: [CROWD_LABEL] } })).length > 0)
    throw new Error('a crowd from an earlier bench is still here: remove containers labelled io.docknet.bench');
  const applied: Fixture[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'docknet-bench-'));
  try {
    for (const set of sets) {
      const fixture = set.fixtures.find((f) => f.name === set.together)!;
      await applyFixture(fixture);
      applied.push(fixture);
    }
    const junit = join(dir, 'junit.xml');
    await time('warm-up', ['check', '--junit', junit], 1);

    const plain = [await time('all exercises', ['check', '--junit', junit], RUNS)];
    for (const g of graders) plain.push(await time(g.id, ['check', g.id, '--junit', junit], RUNS));

    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      `id,endpoint\n${Array.from({ length: 20 }, (_, i) => `s${i + 1},unix:///var/run/docker.sock`).join('\n')}\n`,
    );
    const class20 = await time(
      '20-entry roster, all exercises',
      ['grade', '--roster', roster, '--out', join(dir, 'class')],
      ROSTER_RUNS,
    );

    await crowdHost();
    const crowded = await time(
      `all exercises, ${CROWD.containers} other containers on ${CROWD.networks} networks`,
      ['check', '--junit', junit],
      RUNS,
    );

    const sandboxed = await benchSandbox();

    const all = median(plain[0].seconds);
    const targets = [
      ['all exercises ≤ 1.5 s', all <= 1.5, `${fmt(all)} s`],
      ...plain.slice(1).map((t) => [`${t.label} ≤ 1.0 s`, median(t.seconds) <= 1.0, `${fmt(median(t.seconds))} s`]),
      ['crowded ≤ 1.3 × plain', median(crowded.seconds) <= 1.3 * all, `${fmt(median(crowded.seconds) / all)} ×`],
      ['20-entry roster ≤ 4 × one host', median(class20.seconds) <= 4 * all, `${fmt(median(class20.seconds) / all)} ×`],
      ['sandbox start + destroy ≤ 2 s', median(sandboxed.sandbox) <= 2, `${fmt(median(sandboxed.sandbox))} s`],
      [
        '16-submission batch, --jobs 4 ≤ 0.6 × --jobs 1',
        sandboxed.jobs4 <= 0.6 * sandboxed.jobs1,
        `${fmt(sandboxed.jobs4 / sandboxed.jobs1)} × (${fmt(sandboxed.jobs4)} s / ${fmt(sandboxed.jobs1)} s)`,
      ],
    ] as const;
    const engine = await docker.version();
    process.stdout.write(
      [
        `docknet bench: Docker ${engine.Version} (API ${engine.ApiVersion}), ${RUNS} runs each (roster ${ROSTER_RUNS}), whole processes`,
        '',
        table([...plain, crowded, class20]),
        '',
        `sandbox start + destroy (own dockerd, no solution), ${sandboxed.sandbox.length} runs: min ${fmt(Math.min(...sandboxed.sandbox))} s, median ${fmt(median(sandboxed.sandbox))} s`,
        '',
        '| target | measured | met |',
        '|---|---:|---|',
        ...targets.map(([what, met, measured]) => `| ${what} | ${measured} | ${met ? 'yes' : '**no**'} |`),
        '',
      ].join('\n'),
    );
  } finally {
    await uncrowdHost();
    for (const fixture of applied.reverse()) await removeFixture(fixture);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
