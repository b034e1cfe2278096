import { readdirSync, statSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { exerciseColumns } from '../class/gradebook.js';
import { classResults, writeClassFiles, writeStudentFiles } from '../class/output.js';
import { slugOf, type Student } from '../class/roster.js';
import { connect, resolveTarget, type Engine } from '../docker/client.js';
import { ensureProbeImage } from '../docker/probe-image.js';
import { allPassed, forStudents, type ExerciseColumn, type StudentResult } from '../engine/results.js';
import type { GradingContext } from '../engine/context.js';
import { loadExercise, type Lang } from '../engine/exercise.js';
import type { Exercise } from '../engine/runner.js';
import { UsageError, errorMessage } from '../errors.js';
import type { GradingOptions } from '../grading.js';
import { reportersFor, writeReports } from '../report/outputs.js';
import { visible } from '../report/text.js';
import { gradeSubmission, type Interruptible } from '../submission/grade-submission.js';
import { selectGraders } from './select.js';

interface CommonArgs extends GradingOptions {
  exercises: string[];
  host?: string;
  lang: Lang;
  solutionTimeoutMs: number;
  markdown?: string;
}

export interface SubmissionArgs extends CommonArgs {
  dir: string;
  json?: string;
  junit: string;
  minScore?: number;
}

export interface SubmissionsArgs extends CommonArgs {
  dir: string;
  out: string;
  /** [index, count], index from 1 */
  shard?: [number, number];
}

/** Submissions run commands on this machine: its engine, as root (they change the firewall). */
async function localEngine(host: string | undefined, apiTimeoutMs: number): Promise<Engine> {
  const target = resolveTarget(host);
  if (target.options.socketPath === undefined) throw new UsageError(`submissions run on this machine, so they are graded on its own engine, not ${target.label}`);
  if (process.getuid?.() !== 0) throw new UsageError('grading a submission runs its docker and iptables commands and puts the host back afterwards: run as root');
  const engine = await connect(target, apiTimeoutMs);
  await ensureProbeImage(engine.docker, engine.info.arch);
  return engine;
}

function submissionStudent(dir: string, where: string): Student {
  const id = basename(resolve(dir));
  return { id, name: '', endpoint: where, where, credentials: {}, slug: slugOf(id) };
}

/** Ctrl-C: the solution is killed, the probes removed, and the host put back before exiting. */
function onInterrupt(interruptible: Interruptible): { interrupted: () => NodeJS.Signals | undefined; done: () => void } {
  let signal: NodeJS.Signals | undefined;
  const handler = (s: NodeJS.Signals) => {
    if (signal) return;
    signal = s;
    process.stderr.write(`\ndocknet: ${s}: stopping the solution and putting the host back\n`);
    interruptible.cancelled = true;
    interruptible.killSolution?.();
    void interruptible.closeProbes?.();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted: () => signal,
    done: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const exitFor = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143);

export async function submissionCommand(args: SubmissionArgs): Promise<number> {
  const exercises = selectGraders(args.exercises).map((g) => loadExercise(g, args.lang));
  if (!isDirectory(args.dir)) throw new UsageError(`the submission ${args.dir} is not a directory`);
  const engine = await localEngine(args.host, args.apiTimeoutMs);
  const interruptible: Interruptible = {};
  const signals = onInterrupt(interruptible);
  let result: StudentResult;
  try {
    result = await gradeSubmission(engine, resolve(args.dir), submissionStudent(args.dir, engine.target.label), exercises, args, interruptible);
  } finally {
    signals.done();
    engine.close();
  }
  const signal = signals.interrupted();
  if (signal) return exitFor(signal);
  // a CI job's reports are the student's to read
  if (result.report) result = { ...result, report: forStudents(result.report, args.lang) };

  const outputs = { json: args.json, junit: args.junit, markdown: args.markdown, minScore: args.minScore, console: { lang: args.lang } };
  await writeReports(reportersFor(outputs), { kind: 'student', result });
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

/** Subdirectories in name order; the slice `shard` takes is the same on every machine. */
export function selectSubmissions(names: string[], shard?: [number, number]): string[] {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return shard ? sorted.filter((_, i) => i % shard[1] === shard[0] - 1) : sorted;
}

export async function submissionsCommand(args: SubmissionsArgs): Promise<number> {
  const exercises: Exercise<GradingContext>[] = selectGraders(args.exercises).map((g) => loadExercise(g, args.lang));
  const columns: ExerciseColumn[] = exerciseColumns(exercises);
  let names: string[];
  try {
    names = readdirSync(args.dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (err) {
    throw new UsageError(`cannot read the submissions in ${args.dir}: ${errorMessage(err)}`);
  }
  const chosen = selectSubmissions(names, args.shard);
  const engine = await localEngine(args.host, args.apiTimeoutMs);
  const interruptible: Interruptible = {};
  const signals = onInterrupt(interruptible);
  const roster = chosen.map((name) => submissionStudent(join(args.dir, name), engine.target.label));
  const results = new Map<string, StudentResult>();
  process.stdout.write(`grading ${roster.length} submissions${args.shard ? ` (shard ${args.shard[0]}/${args.shard[1]})` : ''} one after another\n`);
  try {
    for (const student of roster) {
      if (signals.interrupted()) break;
      const result = await gradeSubmission(engine, resolve(args.dir, student.id), student, exercises, args, interruptible);
      if (signals.interrupted()) break;
      await writeStudentFiles(args.out, student, result);
      results.set(student.id, result);
      const score = result.report ? `${result.report.score}/${result.report.maxScore}` : `not graded: ${result.error}`;
      process.stdout.write(`${visible(`[${results.size}/${roster.length}] ${student.id}: ${score}${result.problems ? ` (cleanup: ${result.problems.join('; ')})` : ''}`)}\n`);
    }
  } finally {
    signals.done();
    engine.close();
  }
  await writeClassFiles(args.out, columns, roster, results);
  if (args.markdown) await writeReports(reportersFor({ markdown: args.markdown }), { kind: 'class', class: classResults(columns, roster, results) });
  const signal = signals.interrupted();
  if (signal) return exitFor(signal);
  return roster.every((s) => results.get(s.id)?.status === 'graded' && !results.get(s.id)?.problems) ? 0 : 1;
}

/** Combines the output directories of shards into one, as if one machine had graded them all. */
export async function mergeCommand(args: { out: string; dirs: string[] }): Promise<number> {
  const results = new Map<string, StudentResult>();
  const sources = new Map<string, string>();
  for (const dir of args.dirs) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, 'students'));
    } catch (err) {
      throw new UsageError(`${dir} is not the output of a docknet run: ${errorMessage(err)}`);
    }
    for (const slug of entries) {
      let result: StudentResult;
      try {
        result = JSON.parse(await readFile(join(dir, 'students', slug, 'result.json'), 'utf8')) as StudentResult;
      } catch {
        continue; // a student whose grading did not finish there
      }
      if (results.has(result.student.id)) throw new UsageError(`${result.student.id} was graded in more than one of the directories (${sources.get(result.student.id)} and ${dir})`);
      results.set(result.student.id, result);
      sources.set(result.student.id, join(dir, 'students', slug));
    }
  }
  if (results.size === 0) throw new UsageError('the directories hold no graded students');
  const all = [...results.values()];
  const exerciseIds = all[0].exercises.map((e) => e.id).join();
  if (all.some((r) => r.exercises.map((e) => e.id).join() !== exerciseIds)) throw new UsageError('the directories graded different exercises and cannot make one gradebook');
  const columns: ExerciseColumn[] = all[0].exercises.map((e) => ({ id: e.id, maxScore: e.maxScore }));
  const roster: Student[] = selectSubmissions([...results.keys()]).map((id) => {
    const r = results.get(id)!;
    return { id, name: r.student.name, endpoint: r.student.where, where: r.student.where, credentials: {}, slug: basename(sources.get(id)!) };
  });
  await mkdir(join(args.out, 'students'), { recursive: true });
  for (const student of roster) await cp(sources.get(student.id)!, join(args.out, 'students', student.slug), { recursive: true });
  await writeClassFiles(args.out, columns, roster, results);
  return 0;
}
