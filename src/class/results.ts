import type { GradingReport } from '../engine/check.js';
import type { SolutionRun } from '../submission/run-solution.js';
import { maxScoreOf, type Exercise } from '../engine/runner.js';
import type { Student } from './roster.js';

/**
 * How one student's grading ended. `graded`: every check decided; `graded-with-errors`:
 * a report exists but some checks could not be decided (the score may be too low);
 * `error`: no report (unreachable engine, bad credentials, time limit, crash).
 */
export type StudentStatus = 'graded' | 'graded-with-errors' | 'error';

/** What a class run keeps per student, in students/<slug>/result.json. */
export interface StudentResult {
  student: Pick<Student, 'id' | 'name' | 'where'>;
  status: StudentStatus;
  report?: GradingReport;
  /** the ID the engine reports of itself; cloned VMs share one, so it is only compared, never used as a key */
  engineId?: string;
  /** why there is no report */
  error?: string;
  /** the exercises asked for, with their maximum scores: known even when the engine was not */
  exercises: { id: string; title: string; maxScore: number }[];
  /** a submission's solution: how its run went */
  solution?: SolutionRun;
  /** what could not be put back on the host afterwards */
  problems?: string[];
  startedAt: string;
  durationMs: number;
  finishedAt: string;
}

/** What a student's result records before its grading ends: who, which exercises, when. */
export function resultStart(student: Student, exercises: Pick<Exercise<unknown>, 'id' | 'title' | 'checks'>[], startedMs: number): Pick<StudentResult, 'student' | 'exercises' | 'startedAt'> {
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
