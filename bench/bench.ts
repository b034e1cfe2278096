// `npm run bench`: how long `docknet check` takes as a whole process on a host where
// all exercises are solved, alone and per exercise, on a plain and on a crowded
// host, and how a 20-entry roster on one engine compares; beside each, in the same run,
// bench/naive.sh, the script an instructor would write for the same checks. Prints a Markdown table.
// It builds its own host state and removes exactly that; it refuses to run beside a
// lab that uses the exercises' names. Then the class over remote engines (remote-class.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { graders } from '../graders/index.js';
import { LABEL, OWNER } from '../src/docker/labels.js';
import { remoteClassBench } from './remote-class.js';
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
  /** user+system CPU seconds of the process and its children, per run */
  cpu: number[];
  /** bench/naive.sh grading the same exercises, interleaved with these runs */
  naive?: number[];
}

const NAIVE = join(dirname(fileURLToPath(import.meta.url)), '../../bench/naive.sh');

/** Runs argv under bash, whose `times` then gives its children's CPU seconds (the second line: user, system). */
async function measured(argv: string[]) {
  const t0 = performance.now();
  const result = await execa('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', ...argv], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  const seconds = (performance.now() - t0) / 1000;
  const times = result.stderr.trim().split('\n').slice(-1)[0];
  const cpu = [...times.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { result, seconds, cpu };
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

/**
 * Runs a command `runs` times as a whole process; the engine must be idle between runs.
 * With `naive`, bench/naive.sh grades those exercises right after each run.
 */
async function time(label: string, args: string[], runs: number, naive?: string[]): Promise<Timing> {
  const timing: Timing = { label, seconds: [], containers: 0, cpu: [], ...(naive && { naive: [] }) };
  for (let i = 0; i < runs; i++) {
    const { result: run, containers } = await countGraderContainers(async () => {
      const { result, seconds, cpu } = await measured(['node', DOCKNET, ...args]);
      timing.seconds.push(seconds);
      timing.cpu.push(cpu);
      return result;
    });
    if (run.exitCode !== 0) throw new Error(`${label}: exit code ${run.exitCode}:\n${run.stdout}\n${run.stderr}`);
    timing.containers = Math.max(timing.containers, containers);
    if (naive) {
      const { result, seconds } = await measured([NAIVE, ...naive]);
      if (result.exitCode !== 0) throw new Error(`naive ${label}: exit code ${result.exitCode}:\n${result.stderr}`);
      timing.naive!.push(seconds);
    }
  }
  process.stderr.write(`bench: ${label}: median ${fmt(median(timing.seconds))} s\n`);
  return timing;
}

/**
 * `check internal-network --watch` on the solved host: the time from each of 10
 * `docker network connect` commands (after a disconnect it waited to see graded) to the
 * redrawn score. The command's own time is included, as a student would see it.
 */
async function watchRedraws(changes = 10): Promise<number[]> {
  const run = execa('node', [DOCKNET, 'check', 'internal-network', '--watch'], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  let output = '';
  run.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const seen = async (pattern: RegExp, from: number) => {
    const deadline = Date.now() + 20_000;
    while (!pattern.test(output.slice(from))) {
      if (Date.now() > deadline) throw new Error(`watch: not seen within 20 s: ${pattern}\n${output.slice(from)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const attached = /✓ secure-db is attached to secure-network[\s\S]*watching for changes/;
  const detached = /✗ secure-db is attached to secure-network[\s\S]*watching for changes/;
  const seconds: number[] = [];
  try {
    await seen(attached, 0);
    for (let i = 0; i < changes; i++) {
      let from = output.length;
      await execa('docker', ['network', 'disconnect', 'secure-network', 'secure-db']);
      await seen(detached, from);
      from = output.length;
      const t0 = performance.now();
      await execa('docker', ['network', 'connect', 'secure-network', 'secure-db']);
      await seen(attached, from);
      seconds.push((performance.now() - t0) / 1000);
    }
  } finally {
    run.kill('SIGINT');
    await run;
  }
  process.stderr.write(`bench: watch: median ${fmt(median(seconds))} s from connect to redraw\n`);
  return seconds;
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

const ratio = (r: Timing) => (r.naive ? median(r.seconds) / median(r.naive) : undefined);

function table(rows: Timing[]): string {
  const lines = [
    '| run | min (s) | median (s) | grader containers | CPU (s) | naive script (s) | docknet / naive |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.label} | ${fmt(Math.min(...r.seconds))} | ${fmt(median(r.seconds))} | ${r.containers} | ${fmt(median(r.cpu))} | ${r.naive ? fmt(median(r.naive)) : '-'} | ${r.naive ? `${fmt(ratio(r)!)} ×` : '-'} |`,
    );
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
    await time('warm-up', ['check', '--junit', junit], 1, []);

    const ids = graders.map((g) => g.id);
    const plain = [await time('all exercises', ['check', '--junit', junit], RUNS, ids)];
    for (const id of ids) plain.push(await time(id, ['check', id, '--junit', junit], RUNS, [id]));

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

    const redraws = await watchRedraws();

    await crowdHost();
    const crowded = await time(
      `all exercises, ${CROWD.containers} other containers on ${CROWD.networks} networks`,
      ['check', '--junit', junit],
      RUNS,
    );

    const sandboxed = await benchSandbox();

    const all = median(plain[0].seconds);
    const targets = [
      ['all exercises ≤ 0.8 × the naive script', ratio(plain[0])! <= 0.8, `${fmt(ratio(plain[0])!)} ×`],
      ...plain.slice(1).map((t) => [`${t.label} ≤ 0.6 s`, median(t.seconds) <= 0.6, `${fmt(median(t.seconds))} s`]),
      ['grader containers ≤ 2', plain[0].containers <= 2, String(plain[0].containers)],
      ['watch: connect to redrawn score ≤ 0.5 s', median(redraws) <= 0.5, `${fmt(median(redraws))} s`],
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

main()
  .then(async () => process.stdout.write(`\n${await remoteClassBench()}`))
  .catch((err) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(1);
  });
