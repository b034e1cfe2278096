import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { atomicWrite } from '../atomic-file.js';
import type { StudentResult } from '../class/results.js';
import { allPassed, forStudents } from '../engine/check.js';
import { loadExercise } from '../engine/exercise.js';
import { UsageError } from '../errors.js';
import { renderConsole } from '../report/console.js';
import { renderJunit, renderJunitNotGraded } from '../report/junit.js';
import { renderSubmissionMarkdown } from '../report/markdown.js';
import { gradeInSandbox, gradeSubmission } from '../submission/grade-submission.js';
import type { Lifecycle } from './lifecycle.js';
import { selectGraders } from './select.js';
import { interruptible, openLocalSession, prepareSandboxes, submissionStudent, type SubmissionCommonArgs } from './submission-common.js';

export interface SubmissionArgs extends SubmissionCommonArgs {
  dir: string;
  json?: string;
  junit: string;
  minScore?: number;
}

/** Runs one submitted solution in a sandbox (or, asked, directly on this machine, putting the host back) and grades it. */
export async function gradeOneSubmission(args: SubmissionArgs, life: Lifecycle): Promise<number> {
  const exercises = selectGraders(args.exercises).map((g) => loadExercise(g, args.lang));
  if (!isDirectory(args.dir)) throw new UsageError(`the submission ${args.dir} is not a directory`);
  let result: StudentResult;
  if (args.sandbox) {
    const reports = [args.json, args.junit, args.markdown].filter((f): f is string => f !== undefined).map((f) => dirname(resolve(f)));
    const { options, done } = await prepareSandboxes(args, [dirname(resolve(args.dir)), ...reports]);
    try {
      result = await gradeInSandbox(resolve(args.dir), submissionStudent(args.dir, 'sandbox'), exercises, options, interruptible(life));
    } finally {
      done();
    }
  } else {
    const session = await openLocalSession(args.host, args.apiTimeoutMs, life);
    result = await gradeSubmission(session, resolve(args.dir), submissionStudent(args.dir, session.engine.target.label), exercises, args, interruptible(life));
  }
  if (life.signal) return life.exitCode!;
  // a CI job's reports are the student's to read
  if (result.report) result = { ...result, report: forStudents(result.report, args.lang) };

  await Promise.all([
    args.json && atomicWrite(args.json, `${JSON.stringify(result, null, 2)}\n`),
    atomicWrite(args.junit, result.report ? renderJunit(result.report) : renderJunitNotGraded(result.student.where, result.error ?? '', new Date(result.finishedAt))),
    args.markdown && atomicWrite(args.markdown, renderSubmissionMarkdown(result, args.minScore)),
  ]);
  if (result.solution) {
    const how = result.solution.timedOut ? 'was stopped at the time limit' : `exited with ${result.solution.exitCode ?? 'a signal'}`;
    process.stdout.write(`solution: ${result.solution.command} ${how}\n`);
  }
  if (result.report) process.stdout.write(renderConsole(result.report, { lang: args.lang }));
  else process.stdout.write(`not graded: ${result.error}\n`);
  for (const p of result.problems ?? []) process.stderr.write(`docknet: cleanup: ${p}\n`);
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
