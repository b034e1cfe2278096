// The class view of a run: its gradebook's columns, and what the class got wrong most.
import type { ClassSummary, ExerciseColumn, StudentId, StudentResult } from '../engine/results.js';
import { maxScoreOf, type Exercise } from '../engine/runner.js';
import { sharedEngineIds } from './engine-ids.js';

export function exerciseColumns(exercises: Pick<Exercise<unknown>, 'id' | 'checks'>[]): ExerciseColumn[] {
  return exercises.map((e) => ({
    id: e.id,
    maxScore: maxScoreOf(e),
    checks: e.checks.map((c) => ({ id: c.id, maxPoints: c.points })),
  }));
}

export function summarize(
  exercises: ExerciseColumn[],
  roster: StudentId[],
  results: Map<string, StudentResult>,
): ClassSummary {
  const maxScore = exercises.reduce((s, e) => s + e.maxScore, 0);
  const reports = roster.flatMap((s) => results.get(s.id)?.report ?? []);
  const totals = reports.map((r) => r.score).sort((a, b) => a - b);
  const buckets = Array.from({ length: 11 }, (_, i) => ({
    range: i === 10 ? '100%' : `${i * 10}–${i * 10 + 9}%`,
    students: 0,
  }));
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
      median:
        totals.length % 2
          ? totals[(totals.length - 1) / 2]
          : (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2,
    }),
    distribution: buckets,
    mostFailed: [...failures.values()]
      .sort((a, b) => b.failed - a.failed || a.exercise.localeCompare(b.exercise))
      .slice(0, 10),
    ...(shared.length > 0 && { sharedEngineIds: shared }),
  };
}
