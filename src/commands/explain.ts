import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import picocolors from 'picocolors';
import stringWidth from 'string-width';
import { atomicWrite } from '../atomic-file.js';
import { readRoster } from '../class/roster.js';
import type { GradingContext } from '../engine/context.js';
import { canonicalValues, folderOf, loadExercise, type Lang } from '../engine/exercise.js';
import type { Grader } from '../engine/grader.js';
import { render, studentKey, type VariantKey } from '../engine/params.js';
import { maxScoreOf } from '../engine/runner.js';
import { UsageError, errorMessage } from '../errors.js';
import { defineCommand, say, withStudent } from './options.js';
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
  builder: (y) => withStudent(y.positional('exercise', { type: 'string', demandOption: true })),
  run: (argv) =>
    explain(argv.exercise, argv.lang, argv.color, {
      student: argv.student,
      secret: argv['course-secret'],
      studentKey: argv['student-key'],
    }),
});

/** An exercise's README with a variant's values filled in. */
function readmeOf(grader: Grader<GradingContext>, values: Readonly<Record<string, string | number>>): string {
  const file = join(folderOf(grader), 'README.md');
  return render(readFileSync(file, 'utf8'), values, file);
}

/** Prints what an exercise asks for (a student's variant of it, with --student), and what each check is worth. */
function explain(name: string, lang: Lang, color: boolean, key: VariantKey): number {
  const [grader] = selectGraders([name]);
  const exercise = loadExercise(grader, lang, key);
  const pc = picocolors.createColors(color);
  const readme = readmeOf(grader, exercise.variant?.values ?? canonical(grader));
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

function canonical(grader: Grader<GradingContext>): Readonly<Record<string, string | number>> {
  return canonicalValues(grader.id, folderOf(grader));
}

/** One student's task sheet: the exercise in both languages, with their values and the points. */
export function taskSheet(grader: Grader<GradingContext>, key: VariantKey & { student: string }, name = ''): string {
  const en = loadExercise(grader, 'en', key);
  const ko = loadExercise(grader, 'ko', key);
  const readme = readmeOf(grader, en.variant?.values ?? canonical(grader));
  const points = (e: typeof en) => e.checks.map((c) => `| ${c.title.replace(/\|/g, '\\|')} | ${c.points} |`);
  const who = name ? `${name} (${key.student})` : key.student;
  // the student's own key: it checks their variant, and no one else's can be computed from it
  const check = `docknet check ${grader.id} --student ${key.student} --student-key ${key.studentKey ?? studentKey(key.student, key.secret)}`;
  return [
    `# ${ko.title} / ${en.title} — ${who}`,
    '',
    '## 한국어',
    '',
    section(readme, 'ko'),
    '',
    `내 과제로 채점하기: \`${check}\``,
    '',
    `| 채점 항목 | 점수 |`,
    '|---|---|',
    ...points(ko),
    `| **합계** | **${maxScoreOf(ko)}** |`,
    '',
    '## English',
    '',
    section(readme, 'en'),
    '',
    `To grade your own variant: \`${check}\``,
    '',
    '| check | points |',
    '|---|---|',
    ...points(en),
    `| **total** | **${maxScoreOf(en)}** |`,
    '',
  ].join('\n');
}

export const variantsCommand = defineCommand({
  command: 'variants <exercise>',
  describe: 'write one task sheet per student of the roster (Markdown, Korean and English) for an exercise with params',
  builder: (y) =>
    withStudent(y.positional('exercise', { type: 'string', demandOption: true }))
      .option('roster', {
        type: 'string',
        demandOption: true,
        describe: say(
          'CSV or YAML file: id, name, endpoint, tls (directory of ca.pem, cert.pem, key.pem), identity (SSH key)',
        ),
      })
      .option('out', {
        type: 'string',
        default: 'reports/variants',
        describe: say('the folder the task sheets are written to'),
      }),
  run: (argv) => variants(argv.exercise, argv.roster, argv.out, argv['course-secret']),
});

/** Writes <out>/<student slug>.md for every roster student: what an instructor hands out. */
async function variants(name: string, rosterFile: string, out: string, secret?: string): Promise<number> {
  const [grader] = selectGraders([name]);
  const roster = readRoster(rosterFile);
  try {
    await mkdir(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot write to ${out}: ${errorMessage(err)}`);
  }
  for (const student of roster)
    await atomicWrite(
      join(out, `${student.slug}.md`),
      taskSheet(grader, { student: student.id, secret }, student.name),
    );
  process.stdout.write(`${roster.length} task sheet${roster.length === 1 ? '' : 's'} for ${grader.id} in ${out}\n`);
  return 0;
}
