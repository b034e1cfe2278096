import { errorMessage, NotApplicable, withTimeout } from '../errors.js';
import { inLang, type Check, type Lang } from './grader.js';
import type { CheckResult, ExerciseResult } from './results.js';

export interface RunOptions {
  /** time limit of one check, unless the check sets its own */
  checkTimeoutMs: number;
  /** the language of messages and hints (titles come in it already) */
  lang?: Lang;
}

const SKIPPED: Record<
  Lang,
  { because: (reasons: string[]) => string; skipped: string; error: string; failed: string }
> = {
  en: {
    because: (r) => `not checked because ${r.join(' and ')}`,
    skipped: 'was skipped',
    error: 'could not be checked',
    failed: 'failed',
  },
  ko: {
    because: (r) => `${r.join(', ')} 때문에 확인하지 않음`,
    skipped: '항목을 건너뛰었기',
    error: '항목을 확인할 수 없었기',
    failed: '항목이 통과하지 못했기',
  },
};

export interface Exercise<Ctx> {
  id: string;
  title: string;
  checks: Check<Ctx>[];
  /** its checks read the host's firewall: a change there, which makes no engine event, changes its grade */
  readsFirewall?: boolean;
  warmUp?(ctx: Ctx): void;
  /** the student whose variant this is, and its values; absent for the canonical exercise */
  variant?: Variant;
}

/** A student's variant of an exercise: whose, and the values drawn for them. */
export interface Variant {
  student: string;
  values: Readonly<Record<string, string | number>>;
}

/**
 * Runs every check as soon as its prerequisites are decided, so independent
 * checks (and the probes behind them) overlap. A prerequisite that did not pass
 * skips its dependents with a reason: one mistake is not charged twice.
 */
export async function runChecks<Ctx>(checks: Check<Ctx>[], ctx: Ctx, options: RunOptions): Promise<CheckResult[]> {
  const lang = options.lang ?? 'en';
  const started = new Map<string, Promise<CheckResult>>();
  // A check that does not apply to this engine takes its dependents along with the same reason.
  const notApplicable = new Set<string>();
  const byId = new Map(checks.map((c) => [c.id, c]));

  const start = (check: Check<Ctx>): Promise<CheckResult> => {
    let running = started.get(check.id);
    if (!running) {
      running = runOne(check);
      started.set(check.id, running);
    }
    return running;
  };

  const runOne = async (check: Check<Ctx>): Promise<CheckResult> => {
    const prerequisites = await Promise.all((check.needs ?? []).map((id) => start(byId.get(id)!)));
    const blocking = prerequisites.filter((r) => r.status !== 'passed');
    const base = {
      id: check.id,
      title: check.title,
      points: 0,
      maxPoints: check.points,
      ...(check.hidden && { hidden: true }),
    };
    const inapplicable = blocking.find((r) => notApplicable.has(r.id));
    if (inapplicable) {
      notApplicable.add(check.id);
      return { ...base, status: 'skipped', message: inapplicable.message, durationMs: 0 };
    }
    if (blocking.length > 0) {
      const words = SKIPPED[lang];
      const reasons = blocking.map(
        (r) =>
          `"${r.title}" ${r.status === 'skipped' ? words.skipped : r.status === 'error' ? words.error : words.failed}`,
      );
      return { ...base, status: 'skipped', message: words.because(reasons), durationMs: 0 };
    }
    const t0 = performance.now();
    const timeoutMs = check.timeoutMs ?? options.checkTimeoutMs;
    try {
      const outcome = await withTimeout(check.run(ctx), timeoutMs, `check "${check.id}"`);
      return {
        ...base,
        status: outcome.passed ? 'passed' : 'failed',
        points: outcome.passed ? check.points : 0,
        message: inLang(outcome.message, lang),
        ...(outcome.expected !== undefined && { expected: inLang(outcome.expected, lang) }),
        ...(outcome.actual !== undefined && { actual: inLang(outcome.actual, lang) }),
        ...(outcome.hint !== undefined && !outcome.passed && { hint: inLang(outcome.hint, lang) }),
        durationMs: Math.round(performance.now() - t0),
      };
    } catch (err) {
      if (err instanceof NotApplicable) {
        notApplicable.add(check.id);
        return {
          ...base,
          status: 'skipped',
          message: err.reason[lang],
          durationMs: Math.round(performance.now() - t0),
        };
      }
      return { ...base, status: 'error', message: errorMessage(err), durationMs: Math.round(performance.now() - t0) };
    }
  };

  return Promise.all(checks.map(start));
}

/** The points of every check of an exercise. */
export function maxScoreOf(exercise: Pick<Exercise<unknown>, 'checks'>): number {
  return exercise.checks.reduce((sum, c) => sum + c.points, 0);
}

export async function gradeExercise<Ctx>(
  exercise: Exercise<Ctx>,
  ctx: Ctx,
  options: RunOptions,
): Promise<ExerciseResult> {
  const t0 = performance.now();
  exercise.warmUp?.(ctx);
  const checks = await runChecks(exercise.checks, ctx, options);
  return {
    id: exercise.id,
    title: exercise.title,
    score: checks.reduce((sum, c) => sum + c.points, 0),
    maxScore: maxScoreOf(exercise),
    checks,
    durationMs: Math.round(performance.now() - t0),
    ...(exercise.variant && { variant: exercise.variant }),
  };
}
