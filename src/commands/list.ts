import { graders } from '../../graders/index.js';
import { loadExercise, type Lang } from '../engine/exercise.js';

export function listCommand(lang: Lang): number {
  for (const grader of graders) {
    const exercise = loadExercise(grader, lang);
    const points = exercise.checks.reduce((sum, c) => sum + c.points, 0);
    process.stdout.write(`${exercise.id.padEnd(24)} ${exercise.title} (${exercise.checks.length} checks, ${points} points)\n`);
  }
  return 0;
}
