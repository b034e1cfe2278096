import { randomBytes } from 'node:crypto';
import type { Engine } from './docker/client.js';
import { HostView } from './docker/host.js';
import { openHostFirewall } from './docker/host-firewall.js';
import { reapLeftovers } from './docker/labels.js';
import { ProbeSession } from './docker/probe.js';
import type { Lang } from './engine/check.js';
import type { GradingReport } from './engine/results.js';
import type { GradingContext } from './engine/context.js';
import type { Exercise } from './engine/runner.js';
import { gradeExercise } from './engine/runner.js';
import { packageVersion } from './paths.js';

export interface GradingOptions {
  /** bound on each Engine API call and probe command, in ms */
  apiTimeoutMs: number;
  /** bound on each check, in ms */
  checkTimeoutMs: number;
  /** the language of messages and hints */
  lang?: Lang;
}

/**
 * One grading run on one engine: reap what killed runs left, and grade every
 * exercise with one probe session. Without `shared`, the run has its own session
 * and removes its probes on every way out; the caller gets its `close` through
 * `onSession` so a signal can remove them while the run is in flight. A `shared`
 * session (a class run's, for one engine) is its owner's to close.
 */
export async function gradeEngine(
  engine: Engine,
  exercises: Exercise<GradingContext>[],
  options: GradingOptions,
  { shared, onSession = () => {} }: { shared?: ProbeSession; onSession?: (close: () => Promise<void>) => void } = {},
): Promise<GradingReport> {
  // Leftovers of killed runs go while this run grades: they are never this run's, and waiting costs every run.
  const reaped = reapLeftovers(engine.docker, options.apiTimeoutMs);
  reaped.catch(() => {});
  const startedAt = new Date();
  const probes = shared ?? new ProbeSession(engine.docker, randomBytes(6).toString('hex'), { timeoutMs: options.apiTimeoutMs });
  if (!shared) onSession(() => probes.close());
  try {
    const ctx: GradingContext = {
      host: new HostView(engine.docker, options.apiTimeoutMs),
      probes,
      engine: engine.info,
      firewall: openHostFirewall(engine.target, probes, { timeoutMs: options.apiTimeoutMs }),
    };
    const results = await Promise.all(exercises.map((e) => gradeExercise(e, ctx, { checkTimeoutMs: options.checkTimeoutMs, lang: options.lang })));
    await reaped;
    return {
      tool: { name: 'docknet', version: packageVersion },
      host: engine.target.label,
      engine: engine.info,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      score: results.reduce((s, r) => s + r.score, 0),
      maxScore: results.reduce((s, r) => s + r.maxScore, 0),
      exercises: results,
    };
  } finally {
    if (!shared) await probes.close();
  }
}
