/** The vocabulary shared by graders, the runner and the reporters. */

import type { EngineInfo } from '../docker/client.js';

export type Status = 'passed' | 'failed' | 'skipped' | 'error';

export type Lang = 'en' | 'ko';
export type Localized = Record<Lang, string>;

/** What students read: the same in every language (names, addresses, commands), or one text per language. */
export type Text = string | Localized;

/** A text in both languages, as graders write it: t(english, korean). */
export function t(en: string, ko: string): Localized {
  return { en, ko };
}

export function inLang(text: Text, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

/** What a check's run decides: the student's state is right or it is not. */
export interface Outcome {
  passed: boolean;
  message: Text;
  expected?: Text;
  actual?: Text;
  hint?: Text;
}

export function pass(message: Text, detail: { expected?: Text; actual?: Text } = {}): Outcome {
  return { passed: true, message, ...detail };
}

export function fail(message: Text, detail: { expected?: Text; actual?: Text; hint?: Text } = {}): Outcome {
  return { passed: false, message, ...detail };
}

/** A check as a grader writes it; title and points come from the exercise's metadata. */
export interface CheckSpec<Ctx> {
  id: string;
  /** ids of checks that must pass first; if one does not, this check is skipped */
  needs?: string[];
  /** overrides the runner's per-check time limit */
  timeoutMs?: number;
  run(ctx: Ctx): Promise<Outcome>;
}

export interface Check<Ctx> extends CheckSpec<Ctx> {
  title: string;
  points: number;
  hidden?: boolean;
}

export interface Grader<Ctx> {
  id: string;
  /** the exercise's folder, when it is not the package's exercises/<id> (an instructor's) */
  dir?: string;
  checks: CheckSpec<Ctx>[];
  /**
   * Starts, before any check asks, the probes its checks will most likely need:
   * container starts are the slow part of a run. Whatever it starts is shared with
   * the checks through the run's probe session, failures included.
   */
  warmUp?(ctx: Ctx): void;
}

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
  return { ...report, exercises: report.exercises.map((e) => ({ ...e, checks: e.checks.map((c) => withoutHiddenDetails(c, lang)) })) };
}

const HIDDEN = {
  passed: t('passed (a hidden check)', '통과 (숨겨진 항목)'),
  other: t('did not pass (a hidden check: its details are for your instructor)', '통과하지 못함 (숨겨진 항목: 자세한 내용은 강사에게만 보입니다)'),
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
