// The class view of a run: one gradebook row per student, and what the class got wrong most.
import { stringify } from 'csv-stringify/sync';
import { maxScoreOf, type Exercise } from '../engine/runner.js';
import { printableId, sharedEngineIds, type SharedEngineId } from './engine-ids.js';
import type { Student } from './roster.js';
import type { StudentResult } from './results.js';

export interface ExerciseColumn {
  id: string;
  maxScore: number;
}

export function exerciseColumns(exercises: Pick<Exercise<unknown>, 'id' | 'checks'>[]): ExerciseColumn[] {
  return exercises.map((e) => ({ id: e.id, maxScore: maxScoreOf(e) }));
}

// A cell an LMS or spreadsheet would take for a formula is kept as text.
function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * One row per roster student, in roster order: scores per exercise, total, status.
 * Students without a score (an error, or not graded yet) have empty score cells:
 * an LMS reads an empty cell as "no grade", not as zero.
 */
export function renderGradebook(exercises: ExerciseColumn[], roster: Student[], results: Map<string, StudentResult>): string {
  const header = ['id', 'name', ...exercises.map((e) => e.id), 'total', 'max', 'status', 'detail'];
  const max = exercises.reduce((s, e) => s + e.maxScore, 0);
  const rows = roster.map((student) => {
    const result = results.get(student.id);
    const report = result?.report;
    const scores = exercises.map((e) => {
      const r = report?.exercises.find((x) => x.id === e.id);
      return r ? String(r.score) : '';
    });
    const total = report ? String(report.exercises.filter((x) => exercises.some((e) => e.id === x.id)).reduce((s, x) => s + x.score, 0)) : '';
    const detail = [
      result?.error,
      result?.solution && solutionNote(result.solution),
      ...(result?.status === 'graded-with-errors' ? erroredChecks(result) : []),
      ...(result?.problems ?? []),
    ]
      .filter(Boolean)
      .join('; ');
    return [safeText(student.id), safeText(student.name), ...scores, total, String(max), result?.status ?? 'not-graded', safeText(detail)];
  });
  return stringify([header, ...rows]);
}

function solutionNote(run: NonNullable<StudentResult['solution']>): string | undefined {
  if (run.timedOut) return 'the solution was stopped at its time limit';
  if (run.exitCode !== 0) return `the solution exited with ${run.exitCode ?? 'a signal'}`;
  return undefined;
}

function erroredChecks(result: StudentResult): string[] {
  return (result.report?.exercises ?? []).flatMap((e) => e.checks.filter((c) => c.status === 'error').map((c) => `${e.id}/${c.id} could not be checked`));
}

export interface ClassSummary {
  students: number;
  graded: number;
  errors: number;
  notGraded: number;
  maxScore: number;
  /** totals of the graded students */
  mean?: number;
  median?: number;
  /** students per tenth of the maximum score: [0,10%), …, [90%,100%), 100% */
  distribution: { range: string; students: number }[];
  /** checks that graded students failed (or could not do because a prerequisite failed), most failed first */
  mostFailed: { exercise: string; check: string; title: string; failed: number }[];
  /** engine IDs reported by several endpoints (cloned VMs): each was graded on its own, but check they are the students' own machines */
  sharedEngineIds?: SharedEngineId[];
}

export function summarize(exercises: ExerciseColumn[], roster: Student[], results: Map<string, StudentResult>): ClassSummary {
  const maxScore = exercises.reduce((s, e) => s + e.maxScore, 0);
  const reports = roster.flatMap((s) => results.get(s.id)?.report ?? []);
  const totals = reports.map((r) => r.score).sort((a, b) => a - b);
  const buckets = Array.from({ length: 11 }, (_, i) => ({ range: i === 10 ? '100%' : `${i * 10}–${i * 10 + 9}%`, students: 0 }));
  for (const total of totals) {
    const share = maxScore === 0 ? 1 : total / maxScore;
    buckets[share >= 1 ? 10 : Math.floor(share * 10)].students++;
  }
  const failures = new Map<string, ClassSummary['mostFailed'][number]>();
  for (const report of reports) {
    for (const exercise of report.exercises) {
      for (const check of exercise.checks.filter((c) => c.status === 'failed' || c.status === 'skipped')) {
        const key = `${exercise.id}/${check.id}`;
        const entry = failures.get(key) ?? { exercise: exercise.id, check: check.id, title: check.title, failed: 0 };
        entry.failed++;
        failures.set(key, entry);
      }
    }
  }
  const errors = roster.filter((s) => results.get(s.id)?.status === 'error').length;
  const shared = sharedEngineIds(roster, results);
  return {
    students: roster.length,
    graded: reports.length,
    errors,
    notGraded: roster.length - reports.length - errors,
    maxScore,
    ...(totals.length > 0 && {
      mean: Math.round((totals.reduce((s, t) => s + t, 0) / totals.length) * 10) / 10,
      median: totals.length % 2 ? totals[(totals.length - 1) / 2] : (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2,
    }),
    distribution: buckets,
    mostFailed: [...failures.values()].sort((a, b) => b.failed - a.failed || a.exercise.localeCompare(b.exercise)).slice(0, 10),
    ...(shared.length > 0 && { sharedEngineIds: shared }),
  };
}

/** The summary as a person reads it at the end of a run. */
export function renderSummary(summary: ClassSummary): string {
  const lines = [
    `${summary.graded} of ${summary.students} students graded` +
      (summary.errors ? `, ${summary.errors} could not be graded` : '') +
      (summary.notGraded ? `, ${summary.notGraded} not graded yet` : ''),
  ];
  if (summary.mean !== undefined) lines.push(`mean ${summary.mean}/${summary.maxScore}, median ${summary.median}/${summary.maxScore}`);
  const widest = Math.max(1, ...summary.distribution.map((b) => b.students));
  if (summary.graded > 0) {
    lines.push('score distribution:');
    // from the lowest to the highest range anyone is in
    const used = summary.distribution.map((b, i) => (b.students > 0 ? i : -1)).filter((i) => i >= 0);
    for (const b of summary.distribution.slice(used[0], used[used.length - 1] + 1)) lines.push(`  ${b.range.padStart(7)} ${'█'.repeat(Math.ceil((b.students / widest) * 30))} ${b.students || ''}`.trimEnd());
  }
  if (summary.mostFailed.length > 0) {
    lines.push('checks most students missed:');
    for (const f of summary.mostFailed.slice(0, 5)) lines.push(`  ${String(f.failed).padStart(3)} × ${f.exercise}: ${f.title}`);
  }
  for (const shared of summary.sharedEngineIds ?? []) {
    lines.push(`warning: ${shared.endpoints.length} endpoints report the same engine ID ${printableId(shared.engineId)} (cloned VMs?): ${shared.endpoints.join(', ')}; each was graded on its own (students ${shared.students.join(', ')})`);
  }
  return `${lines.join('\n')}\n`;
}
