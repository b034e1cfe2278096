import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { allPassed, forStudents, type StudentResult } from '../engine/results.js';
import { UsageError } from '../errors.js';
import { reportersFor, writeReports } from '../report/outputs.js';
import { visible } from '../report/text.js';
import { gradeInSandbox, gradeSubmission } from '../submission/grade-submission.js';
import type { Lifecycle } from './lifecycle.js';
import { selectExercises } from './select.js';
import {
  interruptible,
  openLocalSession,
  prepareSandboxes,
  submissionStudent,
  type SubmissionCommonArgs,
} from './submission-common.js';

export interface SubmissionArgs extends SubmissionCommonArgs {
  dir: string;
  json?: string;
  /** false: --no-junit */
  junit: string | false;
  minScore?: number;
  /** Gradescope's results.json */
  gradescope?: string;
  /** GitHub Classroom's runner results */
  classroom?: string;
}

/** Runs one submitted solution in a sandbox (or, asked, directly on this machine, putting the host back) and grades it. */
export async function gradeOneSubmission(args: SubmissionArgs, life: Lifecycle): Promise<number> {
  const exercises = selectExercises(args.exercises, args.lang, {
    student: args.student,
    secret: args.secret,
    studentKey: args.studentKey,
  });
  if (!isDirectory(args.dir)) throw new UsageError(`the submission ${args.dir} is not a directory`);
  let result: StudentResult;
  if (args.sandbox) {
    const reports = [args.json, args.junit, args.markdown, args.gradescope, args.classroom]
      .filter((f): f is string => typeof f === 'string')
      .map((f) => dirname(resolve(f)));
    const { options, done } = await prepareSandboxes(args, [dirname(resolve(args.dir)), ...reports]);
    try {
      result = await gradeInSandbox(
        resolve(args.dir),
        submissionStudent(args.dir, 'sandbox'),
        exercises,
        options,
        interruptible(life),
      );
    } finally {
      done();
    }
  } else {
    const session = await openLocalSession(args.host, args.apiTimeoutMs, life);
    result = await gradeSubmission(
      session,
      resolve(args.dir),
      submissionStudent(args.dir, session.engine.target.label),
      exercises,
      args,
      interruptible(life),
    );
  }
  if (life.signal) return life.exitCode!;
  // a CI job's reports are the student's to read; Gradescope hides hidden checks by visibility of its own
  const unredacted = result.report;
  if (result.report) result = { ...result, report: forStudents(result.report, args.lang) };

  const outputs = {
    json: args.json,
    junit: args.junit || undefined,
    markdown: args.markdown,
    minScore: args.minScore,
    gradescope: args.gradescope,
    classroom: args.classroom,
    console: { lang: args.lang, color: args.color },
  };
  await writeReports(reportersFor(outputs), { kind: 'student', result, unredacted });
  for (const p of result.problems ?? []) process.stderr.write(`docknet: cleanup: ${visible(p)}\n`);
  if (!result.report) return 1;
  if (args.minScore !== undefined) {
    const passedMark = result.report.score >= args.minScore;
    process.stdout.write(`${passedMark ? 'at or above' : 'below'} the pass mark of ${args.minScore}\n`);
    return passedMark ? 0 : 1;
  }
  return allPassed(result.report) ? 0 : 1;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
