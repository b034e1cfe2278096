import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exerciseColumns } from '../class/gradebook.js';
import { classResults, writeClassFiles, writeStudentFiles } from '../class/output.js';
import type { ExerciseColumn, StudentResult } from '../engine/results.js';
import type { GradingContext } from '../engine/context.js';
import type { Exercise } from '../engine/runner.js';
import { UsageError, errorMessage } from '../errors.js';
import { reportersFor, writeReports } from '../report/outputs.js';
import { visible } from '../report/text.js';
import pLimit from 'p-limit';
import { gradeInSandbox, gradeSubmission } from '../submission/grade-submission.js';
import type { Lifecycle } from './lifecycle.js';
import { selectExercises } from './select.js';
import {
  interruptible,
  openLocalSession,
  prepareSandboxes,
  selectSubmissions,
  submissionStudent,
  type SubmissionCommonArgs,
} from './submission-common.js';

export interface SubmissionsArgs extends SubmissionCommonArgs {
  dir: string;
  out: string;
  /** [index, count], index from 1 */
  shard?: [number, number];
  /** sandboxes graded at once */
  jobs: number;
  /** gradebook.csv starts with a UTF-8 byte order mark */
  bom?: boolean;
}

/** Every submission directory in `dir` (or one shard of them) into a gradebook: each in a sandbox of its own, `jobs` at once, or (--no-sandbox) one after another on this machine. */
export async function gradeSubmissions(args: SubmissionsArgs, life: Lifecycle): Promise<number> {
  const exercises: Exercise<GradingContext>[] = selectExercises(args.exercises, args.lang);
  // the directory's name is the student's id: with --variants each is graded against their own values
  const exercisesOf = (student: string) =>
    args.variants ? selectExercises(args.exercises, args.lang, { student, secret: args.secret }) : exercises;
  const columns: ExerciseColumn[] = exerciseColumns(exercises);
  let names: string[];
  try {
    names = readdirSync(args.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch (err) {
    throw new UsageError(`cannot read the submissions in ${args.dir}: ${errorMessage(err)}`);
  }
  const chosen = selectSubmissions(names, args.shard);
  if (args.sandbox) return gradeSandboxed(args, life, exercisesOf, columns, chosen);
  const session = await openLocalSession(args.host, args.apiTimeoutMs, life);
  const handle = interruptible(life);
  const roster = chosen.map((name) => submissionStudent(join(args.dir, name), session.engine.target.label));
  const results = new Map<string, StudentResult>();
  process.stdout.write(
    `grading ${roster.length} submissions${args.shard ? ` (shard ${args.shard[0]}/${args.shard[1]})` : ''} one after another\n`,
  );
  for (const student of roster) {
    if (life.signal) break;
    const result = await gradeSubmission(
      session,
      resolve(args.dir, student.id),
      student,
      exercisesOf(student.id),
      args,
      handle,
    );
    if (life.signal) break;
    await writeStudentFiles(args.out, student, result);
    results.set(student.id, result);
    const score = result.report ? `${result.report.score}/${result.report.maxScore}` : `not graded: ${result.error}`;
    process.stdout.write(
      `${visible(`[${results.size}/${roster.length}] ${student.id}: ${score}${result.problems ? ` (cleanup: ${result.problems.join('; ')})` : ''}`)}\n`,
    );
  }
  await writeClassFiles(args.out, columns, roster, results, args.lang, args.bom);
  if (args.markdown)
    await writeReports(reportersFor({ markdown: args.markdown }), {
      kind: 'class',
      class: classResults(columns, roster, results),
    });
  return (
    life.exitCode ??
    (roster.every((s) => results.get(s.id)?.status === 'graded' && !results.get(s.id)?.problems) ? 0 : 1)
  );
}

async function gradeSandboxed(
  args: SubmissionsArgs,
  life: Lifecycle,
  exercisesOf: (student: string) => Exercise<GradingContext>[],
  columns: ExerciseColumn[],
  chosen: string[],
): Promise<number> {
  const { options, done } = await prepareSandboxes(args, [
    args.dir,
    args.out,
    ...(args.markdown ? [dirname(resolve(args.markdown))] : []),
  ]);
  const handle = interruptible(life);
  const roster = chosen.map((name) => submissionStudent(join(args.dir, name), 'sandbox'));
  const results = new Map<string, StudentResult>();
  process.stdout.write(
    `grading ${roster.length} submissions${args.shard ? ` (shard ${args.shard[0]}/${args.shard[1]})` : ''}, ${args.jobs} at once, each in a sandbox\n`,
  );
  const limit = pLimit(args.jobs);
  try {
    await Promise.all(
      roster.map((student) =>
        limit(async () => {
          if (life.signal) return;
          const result = await gradeInSandbox(
            resolve(args.dir, student.id),
            student,
            exercisesOf(student.id),
            options,
            handle,
          );
          if (life.signal) return;
          await writeStudentFiles(args.out, student, result);
          results.set(student.id, result);
          const score = result.report
            ? `${result.report.score}/${result.report.maxScore}`
            : `not graded: ${result.error}`;
          process.stdout.write(`${visible(`[${results.size}/${roster.length}] ${student.id}: ${score}`)}\n`);
        }),
      ),
    );
  } finally {
    done();
  }
  await writeClassFiles(args.out, columns, roster, results, args.lang, args.bom);
  if (args.markdown)
    await writeReports(reportersFor({ markdown: args.markdown }), {
      kind: 'class',
      class: classResults(columns, roster, results),
    });
  return life.exitCode ?? (roster.every((s) => results.get(s.id)?.status === 'graded') ? 0 : 1);
}
