// The files of a class or batch run: per student as each finishes, the gradebook and summary at the end.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lang } from '../engine/grader.js';
import type { ClassResults, ExerciseColumn, StudentResult } from '../engine/results.js';
import { reportersFor, writeReports } from '../report/outputs.js';
import { summarize } from './gradebook.js';
import type { Student } from './roster.js';

export const studentDir = (out: string, student: Pick<Student, 'slug'>) => join(out, 'students', student.slug);

/** result.json goes last: it is what --resume trusts, so it exists only beside complete reports. */
export async function writeStudentFiles(out: string, student: Student, result: StudentResult): Promise<void> {
  const dir = studentDir(out, student);
  const graded = { kind: 'student', result } as const;
  await writeReports(reportersFor({ junit: join(dir, 'junit.xml'), gradescope: join(dir, 'results.json') }), graded);
  await writeReports(reportersFor({ json: join(dir, 'result.json') }), graded);
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

/** A class's results as its reports read them: who, in roster order, and how they did (no endpoint: it may hold a password). */
export function classResults(
  columns: ExerciseColumn[],
  roster: Student[],
  results: Map<string, StudentResult>,
): ClassResults {
  return {
    columns,
    roster: roster.map(({ id, name, where }) => ({ id, name, where })),
    results,
    summary: summarize(columns, roster, results),
  };
}

/** The gradebook, summary and report.html for every student of the run, and the summary on stdout. */
export async function writeClassFiles(
  out: string,
  columns: ExerciseColumn[],
  roster: Student[],
  results: Map<string, StudentResult>,
  lang: Lang = 'en',
  bom = false,
): Promise<void> {
  const graded = { kind: 'class', class: classResults(columns, roster, results) } as const;
  await writeReports(
    reportersFor({
      gradebook: join(out, 'gradebook.csv'),
      bom,
      json: join(out, 'summary.json'),
      html: join(out, 'report.html'),
      lang,
    }),
    graded,
  );
  process.stdout.write('\n');
  await writeReports(reportersFor({ console: {} }), graded);
  process.stdout.write(`gradebook: ${join(out, 'gradebook.csv')}\nreport: ${join(out, 'report.html')}\n`);
}
