import Docker from 'dockerode';
import picocolors from 'picocolors';
import { resolveTarget } from '../docker/client.js';
import type { Status } from '../engine/results.js';
import { folderOf, loadExercise, readMetadata } from '../engine/exercise.js';
import type { VariantKey } from '../engine/params.js';
import { GradingSession, type GradingOptions } from '../engine/session.js';
import { UsageError, errorMessage } from '../errors.js';
import {
  applyFixture,
  assertNothingReserved,
  ensureFixtureImage,
  loadFixtures,
  removeFixture,
  type Fixture,
} from '../fixtures.js';
import { runCommand, type Lifecycle } from './lifecycle.js';
import { defineCommand, gradingOptions, say, withCheckTimeout, withExerciseFolders, withSecret } from './options.js';
import { selectGraders } from './select.js';

interface SelftestArgs extends GradingOptions {
  exercises: string[];
  color: boolean;
  folders: string[];
  /** students whose variants are tested, each on its own; none: the canonical exercise */
  students: string[];
  secret?: string;
}

export const selftestCommand = defineCommand({
  command: 'selftest [exercise..]',
  describe:
    "check the graders against the fixtures on this machine's engine: an empty host, the correct states, each broken one",
  builder: (y) =>
    withSecret(withCheckTimeout(withExerciseFolders(y))).option('student', {
      type: 'string',
      array: true,
      describe: say("test these students' variants (repeatable), each fixture rendered for each student"),
    }),
  run: (argv) =>
    runCommand((life) =>
      selftest(
        {
          ...gradingOptions(argv),
          lang: 'en',
          exercises: argv.exercise,
          folders: argv.exercises,
          color: argv.color,
          // DOCKNET_STUDENT or the config file may give one id rather than a list
          students: [argv.student ?? []].flat(),
          secret: argv['course-secret'],
        },
        life,
      ),
    ),
});

/**
 * For each exercise: an empty host passes no check, the correct fixtures pass every
 * check, and each broken fixture gets exactly the statuses it declares. Instructors
 * run it after editing a grader or a fixture. Builds fixtures on this machine's
 * engine (root: some change the firewall) and removes exactly what they made.
 */
async function selftest(args: SelftestArgs, life: Lifecycle): Promise<number> {
  const graders = selectGraders(args.exercises, args.folders);
  if (process.getuid?.() !== 0)
    throw new UsageError('selftest builds fixtures with docker and iptables commands on this machine: run as root');
  const target = resolveTarget(undefined);
  if (!target.sameHost)
    throw new UsageError(
      `selftest builds fixtures on this machine's engine, and DOCKER_HOST points at ${target.label}`,
    );
  const docker = new Docker(target.options);
  const [session] = await Promise.all([
    life.open(() => GradingSession.open(target, { apiTimeoutMs: args.apiTimeoutMs, probeImage: true })),
    ensureFixtureImage(docker),
  ]);
  const pc = picocolors.createColors(args.color);
  let mismatches = 0;
  // A student's variant only where the exercise has params: the others are the same for everyone.
  const runs = graders.flatMap((grader) =>
    args.students.length > 0 && readMetadata(folderOf(grader)).params
      ? args.students.map((student) => ({ grader, key: { student, secret: args.secret } as VariantKey }))
      : [{ grader, key: {} as VariantKey }],
  );
  for (const { grader, key } of runs) {
    const exercise = loadExercise(grader, 'en', key);
    const set = loadFixtures(grader.id, grader.dir, key);
    const title = key.student === undefined ? grader.id : `${grader.id} [${key.student}]`;
    try {
      await assertNothingReserved(docker, set);
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
    const grade = async () => {
      const report = await life.race(() => session.grade([exercise], args));
      return Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status])) as Record<string, Status>;
    };
    const judge = (name: string, wrong: string[]) => {
      if (wrong.length === 0) {
        process.stdout.write(`${pc.green('✓')} ${title}: ${name}\n`);
        return;
      }
      mismatches++;
      process.stdout.write(`${pc.red('✗')} ${title}: ${name}\n${wrong.map((w) => `    ${w}\n`).join('')}`);
    };

    const empty = await grade();
    judge(
      'an empty host passes no check',
      Object.entries(empty)
        .filter(([, s]) => s === 'passed')
        .map(([id]) => `${id}: passed, expected anything else`),
    );
    for (const fixture of set.fixtures) {
      const got = await withFixture(docker, fixture, grade);
      const wrong = exercise.checks
        .map((c) => ({ id: c.id, want: fixture.expect[c.id] ?? 'passed', got: got[c.id] }))
        .filter((x) => x.want !== x.got)
        .map((x) => `${x.id}: ${x.got}, fixture declares ${x.want}`);
      judge(`${fixture.name} (${fixture.description})`, wrong);
    }
  }
  process.stdout.write(
    mismatches === 0
      ? `${pc.green('selftest passed')}\n`
      : `${pc.red(`selftest: ${mismatches} mismatch${mismatches === 1 ? '' : 'es'}`)}\n`,
  );
  return mismatches === 0 ? 0 : 1;
}

async function withFixture<T>(docker: Docker, fixture: Fixture, work: () => Promise<T>): Promise<T> {
  try {
    await applyFixture(fixture);
    return await work();
  } finally {
    await removeFixture(docker, fixture);
  }
}
