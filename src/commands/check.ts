import { atomicWrite } from '../atomic-file.js';
import { connect, resolveTarget, type TransportPolicy } from '../docker/client.js';
import { describeSource, ensureProbeImage } from '../docker/probe-image.js';
import { allPassed, forStudents } from '../engine/check.js';
import { loadExercise, type Lang } from '../engine/exercise.js';
import { gradeEngine, type GradingOptions } from '../grading.js';
import { renderConsole } from '../report/console.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { selectGraders } from './select.js';
import { watchCommand } from './watch.js';

export interface CheckArgs extends GradingOptions {
  exercises: string[];
  host?: string;
  json?: string;
  junit: string;
  lang: Lang;
  /** grade again on every relevant change, until Ctrl-C */
  watch?: boolean;
  /** --insecure, --ssh-accept-new */
  transport?: TransportPolicy;
}

/** Grades the engine and writes the reports; returns the exit code (0 all passed, 1 otherwise). */
export async function checkCommand(args: CheckArgs): Promise<number> {
  const exercises = selectGraders(args.exercises).map((g) => loadExercise(g, args.lang));
  const engine = await connect(resolveTarget(args.host, process.env, args.transport), args.apiTimeoutMs);
  const built = await ensureProbeImage(engine.docker, engine.info.arch);
  if (built !== 'present') process.stderr.write(`docknet: built the probe image (${describeSource(built)})\n`);
  if (args.watch) {
    try {
      return await watchCommand(engine, exercises, args, args.lang);
    } finally {
      engine.close();
    }
  }

  // On Ctrl-C the probes go first; no report is written for a run that did not finish.
  let closeProbes = async () => {};
  let interrupted: Promise<never> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= (async () => {
      process.stderr.write(`\ndocknet: ${signal}: removing the grader's probes\n`);
      await closeProbes();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  // Kept until the process exits: a second Ctrl-C during cleanup must not kill it with its probes still running.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report;
  try {
    report = forStudents(await gradeEngine(engine, exercises, args, { onSession: (close) => (closeProbes = close) }), args.lang);
  } finally {
    if (!interrupted) {
      engine.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  if (interrupted) return interrupted;

  await Promise.all([args.json && atomicWrite(args.json, renderJson(report)), atomicWrite(args.junit, renderJunit(report))]);
  process.stdout.write(renderConsole(report, { lang: args.lang }));
  return allPassed(report) ? 0 : 1;
}
