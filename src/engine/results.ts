/**
 * What a run produces, defined once for every layer: a check's result, an exercise's,
 * one engine's report, a student's result and a class's. Reporters know only these.
 */
import type { EngineInfo } from '../docker/client.js';

export type { EngineInfo };
import { inLang, t, type Lang } from './grader.js';

export type Status = 'passed' | 'failed' | 'skipped' | 'error';

export interface CheckResult {
  id: string;
  title: string;
  status: Status;
  points: number;
  maxPoints: number;
  message: string;
  expected?: string;
  actual?: string;
  hint?: string;
  /** students see its status, not its expected/actual values or hint */
  hidden?: boolean;
  durationMs: number;
}

export interface ExerciseResult {
  id: string;
  title: string;
  score: number;
  maxScore: number;
  checks: CheckResult[];
  durationMs: number;
  /** the student's variant graded (exercise.yaml's params), when a student was named; the course secret is never here */
  variant?: { student: string; values: Readonly<Record<string, string | number>> };
}

export interface GradingReport {
  tool: { name: string; version: string };
  host: string;
  engine: EngineInfo;
  startedAt: string;
  durationMs: number;
  score: number;
  maxScore: number;
  exercises: ExerciseResult[];
}

/**
 * The report as a student may see it: hidden checks keep their status and points,
 * but not what they expected, found or hint at. Instructors' reports use the original.
 */
export function forStudents(report: GradingReport, lang: Lang = 'en'): GradingReport {
  return {
    ...report,
    exercises: report.exercises.map((e) => ({ ...e, checks: e.checks.map((c) => withoutHiddenDetails(c, lang)) })),
  };
}

const HIDDEN = {
  passed: t('passed (a hidden check)', '통과 (숨겨진 항목)'),
  other: t(
    'did not pass (a hidden check: its details are for your instructor)',
    '통과하지 못함 (숨겨진 항목: 자세한 내용은 강사에게만 보입니다)',
  ),
};

function withoutHiddenDetails(check: CheckResult, lang: Lang): CheckResult {
  if (!check.hidden) return check;
  const { expected, actual, hint, ...shown } = check;
  if (check.status === 'skipped') return shown; // the reason names only prerequisites
  return { ...shown, message: inLang(check.status === 'passed' ? HIDDEN.passed : HIDDEN.other, lang) };
}

export function allPassed(report: Pick<GradingReport, 'exercises'>): boolean {
  return report.exercises.every((e) => e.checks.every((c) => c.status === 'passed'));
}

/**
 * How one student's grading ended. `graded`: every check decided; `graded-with-errors`:
 * a report exists but some checks could not be decided (the score may be too low);
 * `error`: no report (unreachable engine, bad credentials, time limit, crash).
 */
export type StudentStatus = 'graded' | 'graded-with-errors' | 'error';

/** Who a result is for, as reports may show it (a roster's endpoint may hold a password: `where` does not). */
export interface StudentId {
  id: string;
  name: string;
  where: string;
}

/** How a submission's solution ran. */
export interface SolutionRun {
  /** what ran, as a person would type it */
  command: string;
  exitCode?: number;
  timedOut: boolean;
  /** stdout and stderr as they came, cut to the run's output limit */
  output: string;
  durationMs: number;
}

/** What a class run keeps per student, in students/<slug>/result.json. */
export interface StudentResult {
  student: StudentId;
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

/** One gradebook column: an exercise and its maximum score, and its checks' own columns. */
export interface ExerciseColumn {
  id: string;
  maxScore: number;
  /** absent when joined from earlier runs' results (merge): the gradebook takes them from a graded report */
  checks?: { id: string; maxPoints: number }[];
}

/** An engine ID that several endpoints reported (cloned VMs): each was graded on its own. */
export interface SharedEngineId {
  engineId: string;
  /** the distinct endpoints (safe to print) that reported it, in roster order */
  endpoints: string[];
  /** the students graded on those endpoints, in roster order */
  students: string[];
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

/** A class or batch run: every roster student in order, the results of those graded so far, and their summary. */
export interface ClassResults {
  columns: ExerciseColumn[];
  roster: StudentId[];
  results: Map<string, StudentResult>;
  summary: ClassSummary;
}
