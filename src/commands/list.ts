import picocolors from 'picocolors';
import stringWidth from 'string-width';
import { graders } from '../../graders/index.js';
import { connect, resolveTarget } from '../docker/client.js';
import { ensureProbeImage } from '../docker/probe-image.js';
import type { ExerciseResult } from '../engine/results.js';
import { loadExercise, type Lang } from '../engine/exercise.js';
import { errorMessage } from '../errors.js';
import { gradeEngine, type GradingOptions } from '../grading.js';
import { maxScoreOf } from '../engine/runner.js';

export interface ListArgs extends GradingOptions {
  lang: Lang;
  host?: string;
  /** list only, without grading */
  offline: boolean;
}

/** The exercises with their points, and the current score of each when an engine answers. */
export async function listCommand(args: ListArgs): Promise<number> {
  const exercises = graders.map((g) => loadExercise(g, args.lang));
  const pc = picocolors.createColors(picocolors.isColorSupported && process.stdout.isTTY === true);
  let scores: Map<string, ExerciseResult> | undefined;
  let why = '';
  if (!args.offline) {
    try {
      const engine = await connect(resolveTarget(args.host), Math.min(args.apiTimeoutMs, 2000));
      try {
        await ensureProbeImage(engine.docker, engine.info.arch);
        const report = await gradeEngine(engine, exercises, args);
        scores = new Map(report.exercises.map((e) => [e.id, e]));
      } finally {
        engine.close();
      }
    } catch (err) {
      why = errorMessage(err).split('\n')[0];
    }
  }
  const titleWidth = Math.max(...exercises.map((e) => stringWidth(e.title)));
  for (const exercise of exercises) {
    const max = maxScoreOf(exercise);
    const result = scores?.get(exercise.id);
    const score = result ? (result.score === max ? pc.green : pc.yellow)(`${String(result.score).padStart(2)}/${max}`) : pc.dim(`${max} ${args.lang === 'ko' ? '점' : 'points'}`);
    process.stdout.write(`${exercise.id.padEnd(22)} ${exercise.title}${' '.repeat(titleWidth - stringWidth(exercise.title))}  ${score}\n`);
  }
  if (why) process.stdout.write(pc.dim(`(${args.lang === 'ko' ? '점수 없음' : 'no scores'}: ${why})\n`));
  return 0;
}
