import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picocolors from 'picocolors';
import stringWidth from 'string-width';
import { loadExercise, type Lang } from '../engine/exercise.js';
import { maxScoreOf } from '../engine/runner.js';
import { exercisesDir } from '../paths.js';
import { defineCommand } from './options.js';
import { selectGraders } from './select.js';

const SECTION: Record<Lang, string> = { ko: '## 한국어', en: '## English' };

/** The part of an exercise's README in one language: from its heading to the next `## `. */
export function section(readme: string, lang: Lang): string {
  const start = readme.indexOf(SECTION[lang]);
  if (start < 0) return readme;
  const body = readme.slice(start + SECTION[lang].length);
  const end = body.search(/^## /m);
  return (end < 0 ? body : body.slice(0, end)).trim();
}

export const explainCommand = defineCommand({
  command: 'explain <exercise>',
  describe: 'what an exercise asks for, and what each check is worth',
  builder: (y) => y.positional('exercise', { type: 'string', demandOption: true }),
  run: (argv) => explain(argv.exercise, argv.lang, argv.color),
});

/** Prints what an exercise asks for, and what each check is worth. */
function explain(name: string, lang: Lang, color: boolean): number {
  const [grader] = selectGraders([name]);
  const exercise = loadExercise(grader, lang);
  const pc = picocolors.createColors(color);
  const readme = readFileSync(join(grader.dir ?? join(exercisesDir, grader.id), 'README.md'), 'utf8');
  const total = maxScoreOf(exercise);
  // Hangul takes two columns in a terminal: pad by what is seen, not by characters.
  const width = Math.max(...exercise.checks.map((c) => stringWidth(c.title)));
  const lines = [
    pc.bold(`${exercise.title} (${exercise.id})`),
    '',
    section(readme, lang),
    '',
    pc.bold(lang === 'ko' ? `채점 항목 (${total}점)` : `What is checked (${total} points)`),
    ...exercise.checks.map((c) => `  ${c.title}${' '.repeat(width - stringWidth(c.title))}  ${pc.dim(`${c.points}`)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
