// The files of a class or batch run: per student as each finishes, the gradebook and summary at the end.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../atomic-file.js';
import type { Lang } from '../engine/check.js';
import { renderGradescope } from '../report/gradescope.js';
import { renderClassHtml } from '../report/html.js';
import { renderJunit, renderJunitNotGraded } from '../report/junit.js';
import { renderGradebook, renderSummary, summarize, type ExerciseColumn } from './gradebook.js';
import type { StudentResult } from './results.js';
import type { Student } from './roster.js';

export const studentDir = (out: string, student: Pick<Student, 'slug'>) => join(out, 'students', student.slug);

/** result.json goes last: it is what --resume trusts, so it exists only beside complete reports. */
export async function writeStudentFiles(out: string, student: Student, result: StudentResult): Promise<void> {
  const dir = studentDir(out, student);
  await Promise.all([
    atomicWrite(join(dir, 'junit.xml'), result.report ? renderJunit(result.report) : renderJunitNotGraded(student.where, result.error ?? '', new Date(result.finishedAt))),
    atomicWrite(join(dir, 'results.json'), renderGradescope(result)),
  ]);
  await atomicWrite(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
}

export async function readPrevious(out: string, student: Student): Promise<StudentResult | undefined> {
  try {
    const result = JSON.parse(await readFile(join(studentDir(out, student), 'result.json'), 'utf8')) as StudentResult;
    return result.student?.id === student.id ? result : undefined;
  } catch {
    return undefined;
  }
}

export function sameExercises(result: StudentResult, columns: ExerciseColumn[]): boolean {
  return result.exercises.map((e) => e.id).join() === columns.map((c) => c.id).join();
}

/** The gradebook, summary and report.html for every student of the run, and the summary on stdout. */
export async function writeClassFiles(out: string, columns: ExerciseColumn[], roster: Student[], results: Map<string, StudentResult>, lang: Lang = 'en'): Promise<void> {
  const summary = summarize(columns, roster, results);
  await Promise.all([
    atomicWrite(join(out, 'gradebook.csv'), renderGradebook(columns, roster, results)),
    atomicWrite(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`),
    atomicWrite(join(out, 'report.html'), renderClassHtml(columns, roster.map((s) => results.get(s.id) ?? { student: s, status: 'not-graded' }), { lang })),
  ]);
  process.stdout.write(`\n${renderSummary(summary)}gradebook: ${join(out, 'gradebook.csv')}\nreport: ${join(out, 'report.html')}\n`);
}
