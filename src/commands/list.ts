import picocolors from 'picocolors';
import stringWidth from 'string-width';
import type { ExerciseResult } from '../engine/results.js';
import { loadExercise, type Lang } from '../engine/exercise.js';
import { maxScoreOf } from '../engine/runner.js';
import { GradingSession, type GradingOptions } from '../engine/session.js';
import { errorMessage } from '../errors.js';
import { Interrupted, runCommand, type Lifecycle } from './lifecycle.js';
import type { TransportPolicy } from '../docker/client.js';
import { defineCommand, gradingOptions, say, transportOf } from './options.js';
import { selectGraders } from './select.js';

interface ListArgs extends GradingOptions {
  lang: Lang;
  host?: string;
  /** list only, without grading */
  offline: boolean;
  transport: TransportPolicy;
  color: boolean;
}

export const listCommand = defineCommand({
  command: 'list',
  describe: 'the exercises, with your current score on each when an engine answers',
  builder: (y) =>
    y.option('offline', { type: 'boolean', default: false, describe: say('only list them, without grading') }),
  run: (argv) =>
    runCommand((life) =>
      list(
        {
          ...gradingOptions({ ...argv, 'check-timeout': 30 }),
          host: argv.host,
          lang: argv.lang,
          offline: argv.offline,
          color: argv.color,
          transport: transportOf(argv),
        },
        life,
      ),
    ),
});

/** The exercises with their points, and the current score of each when an engine answers. */
async function list(args: ListArgs, life: Lifecycle): Promise<number> {
  const exercises = selectGraders([]).map((g) => loadExercise(g, args.lang));
  const pc = picocolors.createColors(args.color);
  let scores: Map<string, ExerciseResult> | undefined;
  let why = '';
  if (!args.offline) {
    try {
      const session = await life.open(() =>
        GradingSession.open(args.host, {
          apiTimeoutMs: Math.min(args.apiTimeoutMs, 2000),
          probeImage: true,
          transport: args.transport,
        }),
      );
      const report = await life.race(() => session.grade(exercises, args));
      scores = new Map(report.exercises.map((e) => [e.id, e]));
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      why = errorMessage(err).split('\n')[0];
    }
  }
  const titleWidth = Math.max(...exercises.map((e) => stringWidth(e.title)));
  for (const exercise of exercises) {
    const max = maxScoreOf(exercise);
    const result = scores?.get(exercise.id);
    const score = result
      ? (result.score === max ? pc.green : pc.yellow)(`${String(result.score).padStart(2)}/${max}`)
      : pc.dim(`${max} ${args.lang === 'ko' ? '점' : 'points'}`);
    process.stdout.write(
      `${exercise.id.padEnd(22)} ${exercise.title}${' '.repeat(titleWidth - stringWidth(exercise.title))}  ${score}\n`,
    );
  }
  if (why) process.stdout.write(pc.dim(`(${args.lang === 'ko' ? '점수 없음' : 'no scores'}: ${why})\n`));
  return 0;
}
