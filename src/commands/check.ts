import { randomBytes } from 'node:crypto';
import { atomicWrite } from '../atomic-file.js';
import { connect, resolveTarget } from '../docker/client.js';
import { HostView } from '../docker/host.js';
import { openHostFirewall } from '../docker/host-firewall.js';
import { reapLeftovers } from '../docker/labels.js';
import { ProbeSession } from '../docker/probe.js';
import { ensureProbeImage } from '../docker/probe-image.js';
import { allPassed, type GradingReport } from '../engine/check.js';
import type { GradingContext } from '../engine/context.js';
import { loadExercise, type Lang } from '../engine/exercise.js';
import { gradeExercise } from '../engine/runner.js';
import { packageVersion } from '../paths.js';
import { renderConsole } from '../report/console.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { selectGraders } from './select.js';

export interface CheckArgs {
  exercises: string[];
  host?: string;
  json?: string;
  junit: string;
  lang: Lang;
  /** bound on each Engine API call and probe command, in ms */
  apiTimeoutMs: number;
  /** bound on each check, in ms */
  checkTimeoutMs: number;
}

/** Grades the engine and writes the reports; returns the exit code (0 all passed, 1 otherwise). */
export async function checkCommand(args: CheckArgs): Promise<number> {
  const exercises = selectGraders(args.exercises).map((g) => loadExercise(g, args.lang));
  const engine = await connect(resolveTarget(args.host), args.apiTimeoutMs);
  const built = await ensureProbeImage(engine.docker, engine.info.arch);
  if (built !== 'present') process.stderr.write(`docknet: built the probe image (from ${built === 'busybox' ? "this machine's static busybox" : 'the registry'})\n`);
  await reapLeftovers(engine.docker, args.apiTimeoutMs);

  const startedAt = new Date();
  const probes = new ProbeSession(engine.docker, randomBytes(6).toString('hex'), { timeoutMs: args.apiTimeoutMs });
  // On Ctrl-C the probes go first; no report is written for a run that did not finish.
  let interrupted: Promise<never> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= (async () => {
      process.stderr.write(`\ndocknet: ${signal}: removing the grader's probes\n`);
      await probes.close();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let report: GradingReport;
  try {
    const ctx: GradingContext = {
      host: new HostView(engine.docker, args.apiTimeoutMs),
      probes,
      engine: engine.info,
      firewall: openHostFirewall(engine.target, probes, { timeoutMs: args.apiTimeoutMs }),
    };
    const results = await Promise.all(exercises.map((e) => gradeExercise(e, ctx, { checkTimeoutMs: args.checkTimeoutMs })));
    report = {
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
    await probes.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted) return interrupted;

  await Promise.all([args.json && atomicWrite(args.json, renderJson(report)), atomicWrite(args.junit, renderJunit(report))]);
  process.stdout.write(renderConsole(report));
  return allPassed(report) ? 0 : 1;
}
