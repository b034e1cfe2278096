// The gradebook an LMS or a spreadsheet imports: one CSV row per roster student.
import { stringify } from 'csv-stringify/sync';
import type { ClassResults, ExerciseColumn, StudentResult } from '../engine/results.js';
import { noView, type Graded, type Reporter } from './reporter.js';
import { visible } from './text.js';

// A cell an LMS or spreadsheet would take for a formula is kept as text, and control characters show.
function safeText(text: string): string {
  const s = visible(text);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Excel reads a CSV as the system's code page unless it starts with a byte order mark. */
const BOM = '\uFEFF';

/** Every check's column, `<exercise>/<check>`: from the exercises graded, or else from any report that has them. */
function checkColumns(
  exercises: ExerciseColumn[],
  results: ClassResults['results'],
): { exercise: string; check: string }[] {
  return exercises.flatMap((e) => {
    const graded = [...results.values()].find((r) => r.report?.exercises.some((x) => x.id === e.id));
    const checks = e.checks ?? graded?.report?.exercises.find((x) => x.id === e.id)?.checks ?? [];
    return checks.map((c) => ({ exercise: e.id, check: c.id }));
  });
}

/** A column per value of each exercise graded in variants, `<exercise>:<param>`, from the reports that have them. */
function variantColumns(
  exercises: ExerciseColumn[],
  results: ClassResults['results'],
): { exercise: string; param: string }[] {
  return exercises.flatMap((e) => {
    const params = new Set<string>();
    for (const r of results.values())
      for (const k of Object.keys(r.report?.exercises.find((x) => x.id === e.id)?.variant?.values ?? {})) params.add(k);
    return [...params].map((param) => ({ exercise: e.id, param }));
  });
}

/**
 * One row per roster student, in roster order: scores per exercise, then points per check, total, status.
 * Students without a score (an error, or not graded yet) have empty score cells:
 * an LMS reads an empty cell as "no grade", not as zero.
 */
function renderGradebook({ columns: exercises, roster, results }: ClassResults): string {
  const checks = checkColumns(exercises, results);
  const variants = variantColumns(exercises, results);
  const header = [
    'id',
    'name',
    ...exercises.map((e) => e.id),
    ...checks.map((c) => `${c.exercise}/${c.check}`),
    ...variants.map((v) => `${v.exercise}:${v.param}`),
    'total',
    'max',
    'status',
    'detail',
  ];
  const max = exercises.reduce((s, e) => s + e.maxScore, 0);
  const rows = roster.map((student) => {
    const result = results.get(student.id);
    const report = result?.report;
    const scores = exercises.map((e) => {
      const r = report?.exercises.find((x) => x.id === e.id);
      return r ? String(r.score) : '';
    });
    const points = checks.map(({ exercise, check }) => {
      const c = report?.exercises.find((x) => x.id === exercise)?.checks.find((x) => x.id === check);
      return c ? String(c.points) : '';
    });
    // the values this student was graded against, so an instructor can see which variant a score is for
    const values = variants.map(
      ({ exercise, param }) =>
        report?.exercises.find((x) => x.id === exercise)?.variant?.values[param]?.toString() ?? '',
    );
    const total = report
      ? String(report.exercises.filter((x) => exercises.some((e) => e.id === x.id)).reduce((s, x) => s + x.score, 0))
      : '';
    const detail = [
      result?.error,
      result?.solution && solutionNote(result.solution),
      ...(result?.status === 'graded-with-errors' ? erroredChecks(result) : []),
      ...(result?.problems ?? []),
    ]
      .filter(Boolean)
      .join('; ');
    return [
      safeText(student.id),
      safeText(student.name),
      ...scores,
      ...points,
      ...values.map(safeText),
      total,
      String(max),
      result?.status ?? 'not-graded',
      safeText(detail),
    ];
  });
  return stringify([header, ...rows]);
}

function solutionNote(run: NonNullable<StudentResult['solution']>): string | undefined {
  if (run.timedOut) return 'the solution was stopped at its time limit';
  if (run.exitCode !== 0) return `the solution exited with ${run.exitCode ?? 'a signal'}`;
  return undefined;
}

function erroredChecks(result: StudentResult): string[] {
  return (result.report?.exercises ?? []).flatMap((e) =>
    e.checks.filter((c) => c.status === 'error').map((c) => `${e.id}/${c.id} could not be checked`),
  );
}

/** `bom`: start with a UTF-8 byte order mark, for Excel. */
export function gradebookReporter(path: string, bom = false): Reporter {
  return {
    path,
    render(graded: Graded): string {
      if (graded.kind !== 'class') throw noView('gradebook', graded);
      return `${bom ? BOM : ''}${renderGradebook(graded.class)}`;
    },
  };
}
