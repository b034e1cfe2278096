import { errorMessage, withTimeout } from '../errors.js';
import type { Check, CheckResult, ExerciseResult } from './check.js';

export interface RunOptions {
  /** time limit of one check, unless the check sets its own */
  checkTimeoutMs: number;
}

export interface Exercise<Ctx> {
  id: string;
  title: string;
  checks: Check<Ctx>[];
  warmUp?(ctx: Ctx): void;
}

/**
 * Runs every check as soon as its prerequisites are decided, so independent
 * checks (and the probes behind them) overlap. A prerequisite that did not pass
 * skips its dependents with a reason: one mistake is not charged twice.
 */
export async function runChecks<Ctx>(checks: Check<Ctx>[], ctx: Ctx, options: RunOptions): Promise<CheckResult[]> {
  const started = new Map<string, Promise<CheckResult>>();
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
    const base = { id: check.id, title: check.title, points: 0, maxPoints: check.points, ...(check.hidden && { hidden: true }) };
    if (blocking.length > 0) {
      const reasons = blocking.map((r) => `"${r.title}" ${r.status === 'skipped' ? 'was skipped' : r.status === 'error' ? 'could not be checked' : 'failed'}`);
      return { ...base, status: 'skipped', message: `not checked because ${reasons.join(' and ')}`, durationMs: 0 };
    }
    const t0 = performance.now();
    const timeoutMs = check.timeoutMs ?? options.checkTimeoutMs;
    try {
      const outcome = await withTimeout(check.run(ctx), timeoutMs, `check "${check.id}"`);
      return {
        ...base,
        status: outcome.passed ? 'passed' : 'failed',
        points: outcome.passed ? check.points : 0,
        message: outcome.message,
        ...(outcome.expected !== undefined && { expected: outcome.expected }),
        ...(outcome.actual !== undefined && { actual: outcome.actual }),
        ...(outcome.hint !== undefined && !outcome.passed && { hint: outcome.hint }),
        durationMs: Math.round(performance.now() - t0),
      };
    } catch (err) {
      return { ...base, status: 'error', message: errorMessage(err), durationMs: Math.round(performance.now() - t0) };
    }
  };

  return Promise.all(checks.map(start));
}

export async function gradeExercise<Ctx>(exercise: Exercise<Ctx>, ctx: Ctx, options: RunOptions): Promise<ExerciseResult> {
  const t0 = performance.now();
  exercise.warmUp?.(ctx);
  const checks = await runChecks(exercise.checks, ctx, options);
  return {
    id: exercise.id,
    title: exercise.title,
    score: checks.reduce((sum, c) => sum + c.points, 0),
    maxScore: exercise.checks.reduce((sum, c) => sum + c.points, 0),
    checks,
    durationMs: Math.round(performance.now() - t0),
  };
}
