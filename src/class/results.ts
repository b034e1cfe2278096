import { maxScoreOf, type Exercise } from '../engine/runner.js';
import type { GradingReport, StudentResult, StudentStatus } from '../engine/results.js';
import type { Student } from './roster.js';

/** What a student's result records before its grading ends: who, which exercises, when. */
export function resultStart(
  student: Student,
  exercises: Pick<Exercise<unknown>, 'id' | 'title' | 'checks'>[],
  startedMs: number,
): Pick<StudentResult, 'student' | 'exercises' | 'startedAt'> {
  return {
    student: { id: student.id, name: student.name, where: student.where },
    exercises: exercises.map((e) => ({ id: e.id, title: e.title, maxScore: maxScoreOf(e) })),
    startedAt: new Date(startedMs).toISOString(),
  };
}

export function statusOf(report: GradingReport): StudentStatus {
  return report.exercises.some((e) => e.checks.some((c) => c.status === 'error')) ? 'graded-with-errors' : 'graded';
}

/** A student a re-run must take again: not graded, or graded with checks that could not be decided. */
export function needsRegrading(result: StudentResult | undefined): boolean {
  return result === undefined || result.status !== 'graded';
}
