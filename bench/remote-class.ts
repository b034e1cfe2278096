// Part of `npm run bench` (alone: `npm run bench:remote`): a class over remote engines.
// Eight engines, each a dockerd in namespaces of its own reached over a veth with
// tcp+TLS, each behind a relay that holds every chunk 15 ms each way (30 ms round
// trip; this kernel has no netem), hold a mix of solved and broken labs. A roster of
// the eight is graded at --concurrency 8 and timed against one of them alone, and SSH
// against TLS on that one engine (without multi-network, which hangs over ssh://); /usr/bin/time gives the grader's peak memory.
// Root only. Everything it starts goes with it, the engines with their namespaces.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { parse } from 'csv-parse/sync';
import { graders } from '../graders/index.js';
import { PROBE_IMAGE } from '../src/docker/probe-image.js';
import type { StudentResult } from '../src/engine/results.js';
import { DOCKNET } from '../test/support/cli.js';
import { startDelayRelay, type DelayRelay } from '../test/support/delay-relay.js';
import { FIXTURE_IMAGE, isRoot } from '../test/support/engine.js';
import { loadFixtures } from '../test/support/fixtures.js';
import { applyFixtureInside, startNsEngine, TLS_PORT, type NsEngine } from '../test/support/ns-engine.js';
import { makeCertificates, startSshd, type Sshd } from '../test/support/transports.js';

const ENGINES = 8;
const DELAY_MS = 15;
const RUNS = Number(process.env.BENCH_REMOTE_RUNS ?? 3);
/** the engines' veths are on 169.254.N.0/30 from this N on: away from the tests' */
const FIRST_SUBNET = 200;
// Over ssh:// its reachability checks do not return in time (see the README): SSH and TLS are compared without it.
const NOT_OVER_SSH = ['multi-network'];

interface Run {
  seconds: number;
  maxRssKiB: number;
  /** rows graded without a check in error */
  graded: number;
  students: number;
  /** the checks in error, `student exercise/check: message`, to say why a row was not cleanly graded */
  errors: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Grades a roster as a whole process under /usr/bin/time -v: wall time, peak RSS, and how many rows were graded. */
async function gradeRoster(roster: string, out: string, exercises: string[], state: string): Promise<Run> {
  const t0 = Date.now();
  const run = await execa(
    '/usr/bin/time',
    ['-v', 'node', DOCKNET, 'grade', ...exercises, '--roster', roster, '--out', out, '--concurrency', String(ENGINES)],
    { reject: false, env: { NO_COLOR: '1', DOCKNET_STATE_DIR: state } },
  );
  const seconds = (Date.now() - t0) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  if (!rss) throw new Error(`no peak memory from /usr/bin/time:\n${run.stderr}`);
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(join(out, 'gradebook.csv')), { columns: true });
  } catch {
    throw new Error(`grading ${roster} left no gradebook (exit code ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  const errors = rows.flatMap((row) => {
    if (row.status === 'error') return [`${row.id}: ${row.detail}`];
    const result: StudentResult = JSON.parse(readFileSync(join(out, 'students', row.id, 'result.json'), 'utf8'));
    return (result.report?.exercises ?? []).flatMap((e) =>
      e.checks.filter((c) => c.status === 'error').map((c) => `${row.id} ${e.id}/${c.id}: ${c.message}`),
    );
  });
  return {
    seconds,
    maxRssKiB: Number(rss[1]),
    graded: rows.filter((r) => r.status === 'graded').length,
    students: rows.length,
    errors,
  };
}

/** Runs the remote-class bench and returns its Markdown section. */
export async function remoteClassBench(): Promise<string> {
  if (!isRoot()) throw new Error('the remote-class bench starts engines in namespaces of their own: run it as root');
  const dir = mkdtempSync(join(tmpdir(), 'docknet-bench-remote-'));
  const engines: NsEngine[] = [];
  const relays: DelayRelay[] = [];
  let sshd: Sshd | undefined;
  try {
    const addresses = Array.from({ length: ENGINES }, (_, i) => `169.254.${FIRST_SUBNET + i}.2`);
    const certs = await makeCertificates(join(dir, 'certs'), addresses);
    const tag = randomBytes(3).toString('hex');
    // one at a time: eight dockerds starting at once on two cores miss their start-up deadline
    for (let i = 0; i < ENGINES; i++) {
      engines.push(
        await startNsEngine(
          join(dir, `engine${i}`),
          `bench${i}-${tag}`,
          {},
          {
            subnet: FIRST_SUBNET + i,
            certs: certs.server,
          },
        ),
      );
    }
    const images = join(dir, 'images.tar');
    await execa('docker', ['save', '-o', images, PROBE_IMAGE, FIXTURE_IMAGE]);
    const limit = pLimit(2);
    await Promise.all(engines.map((e) => limit(() => execa('docker', ['-H', e.host, 'load', '-q', '-i', images]))));

    // even engines solve every exercise; odd ones leave one undone, a different one each
    const exercises = graders.map((g) => g.id);
    const sets = exercises.map((id) => loadFixtures(id));
    const undone = (i: number) => (i % 2 === 1 ? exercises[((i - 1) / 2) % exercises.length] : undefined);
    await Promise.all(
      engines.map((engine, i) =>
        limit(async () => {
          for (const set of sets) {
            if (set.exercise === undone(i)) continue;
            await applyFixtureInside(
              engine,
              set.fixtures.find((f) => f.name === set.together)!,
            );
          }
        }),
      ),
    );

    for (const address of addresses) relays.push(await startDelayRelay(address, TLS_PORT, DELAY_MS));
    sshd = await startSshd(join(dir, 'ssh'), { address: addresses[0], port: 22, namespacesOf: engines[0].pid() });
    const sshRelay = await startDelayRelay(addresses[0], 22, DELAY_MS);
    relays.push(sshRelay);

    const tlsRow = (i: number) => `s${i},Student ${i},tcp://127.0.0.1:${relays[i].port},${certs.client},,`;
    const header = 'id,name,endpoint,tls,identity,hostkey';
    const rosters = {
      tls: [header, tlsRow(0)],
      class: [header, ...engines.map((_, i) => tlsRow(i))],
      'tls-short': [header, tlsRow(0)],
      ssh: [header, `s0,Student 0,ssh://root@127.0.0.1:${sshRelay.port},,${sshd.identity},${sshd.fingerprint}`],
    };
    type Kind = keyof typeof rosters;
    const kinds = Object.keys(rosters) as Kind[];
    for (const kind of kinds) writeFileSync(join(dir, `${kind}.csv`), `${rosters[kind].join('\n')}\n`);
    const overSsh = exercises.filter((id) => !NOT_OVER_SSH.includes(id));
    const exercisesOf = (kind: Kind) => (kind === 'tls' || kind === 'class' ? exercises : overSsh);

    const state = join(dir, 'state');
    const runs = Object.fromEntries(kinds.map((k) => [k, [] as Run[]])) as Record<Kind, Run[]>;
    // a warm-up, then the four in turn, so the machine's noise falls on all of them alike
    await gradeRoster(join(dir, 'tls.csv'), join(dir, 'warm-up'), exercises, state);
    for (let r = 0; r < RUNS; r++) {
      for (const kind of kinds) {
        const run = await gradeRoster(join(dir, `${kind}.csv`), join(dir, `${kind}-${r}`), exercisesOf(kind), state);
        runs[kind].push(run);
        process.stderr.write(
          `bench: remote ${kind} run ${r + 1}: ${run.seconds.toFixed(2)} s, ${run.graded}/${run.students} graded, peak ${(run.maxRssKiB / 1024).toFixed(0)} MiB\n`,
        );
        for (const error of run.errors.slice(0, 5)) process.stderr.write(`bench:   ${error}\n`);
        if (run.errors.length > 5) process.stderr.write(`bench:   and ${run.errors.length - 5} more checks in error\n`);
      }
    }

    const sec = (kind: Kind) => median(runs[kind].map((r) => r.seconds));
    const peak = (kind: Kind) => Math.max(...runs[kind].map((r) => r.maxRssKiB)) / 1024;
    const graded = (kind: Kind) =>
      runs[kind].every((r) => r.graded === r.students)
        ? `${runs[kind][0].students}/${runs[kind][0].students}`
        : runs[kind].map((r) => `${r.graded}/${r.students}`).join(', ');
    const labels: Record<Kind, string> = {
      tls: `one engine, tcp+TLS, all ${exercises.length} exercises`,
      class: `${ENGINES} engines, tcp+TLS, --concurrency ${ENGINES}, all ${exercises.length} exercises`,
      'tls-short': `one engine, tcp+TLS, all but ${NOT_OVER_SSH.join(', ')}`,
      ssh: `one engine, ssh, all but ${NOT_OVER_SSH.join(', ')}`,
    };
    const classRatio = sec('class') / sec('tls');
    const sshRatio = sec('ssh') / sec('tls-short');
    const { Version } = await engines[0].docker.version();
    return [
      `docknet bench, a class over remote engines: ${ENGINES} engines (Docker ${Version}) in namespaces of their own, ` +
        `each behind a relay holding every chunk ${DELAY_MS} ms each way (${2 * DELAY_MS} ms round trip), ` +
        `${RUNS} runs each, whole processes; graded: rows with no check in error`,
      '',
      '| run | min (s) | median (s) | students graded | grader peak RSS (MiB) |',
      '|---|---:|---:|---:|---:|',
      ...kinds.map(
        (k) =>
          `| ${labels[k]} | ${Math.min(...runs[k].map((r) => r.seconds)).toFixed(2)} | ${sec(k).toFixed(2)} | ${graded(k)} | ${peak(k).toFixed(0)} |`,
      ),
      '',
      '| target | measured | met |',
      '|---|---:|---|',
      `| ${ENGINES}-engine class ≤ 2 × one engine | ${classRatio.toFixed(2)} × | ${classRatio <= 2 ? 'yes' : '**no**'} |`,
      `| ssh ≤ 1.3 × tcp+TLS | ${sshRatio.toFixed(2)} × | ${sshRatio <= 1.3 ? 'yes' : '**no**'} |`,
      '',
    ].join('\n');
  } finally {
    await Promise.all(relays.map((r) => r.close()));
    await sshd?.stop();
    await Promise.all(engines.map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  remoteClassBench().then(
    (section) => process.stdout.write(section),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
