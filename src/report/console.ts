import picocolors from 'picocolors';
import type { Lang } from '../engine/exercise.js';
import type { CheckResult, GradingReport, StudentResult } from '../engine/results.js';
import type { Graded, Reporter } from './reporter.js';
import { renderSummary } from './summary.js';
import { visible } from './text.js';

type Colors = ReturnType<typeof picocolors.createColors>;

const SYMBOL: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '-', error: '!' };

/** The console's own words; titles come translated from the exercises' metadata. */
const WORDS: Record<
  Lang,
  { expected: string; actual: string; hint: string; score: string; total: string; skipped: string; error: string }
> = {
  en: {
    expected: 'expected:',
    actual: 'actual:  ',
    hint: 'hint:',
    score: 'score',
    total: 'total',
    skipped: 'skipped',
    error: 'error',
  },
  ko: {
    expected: '기대값:',
    actual: '실제값:',
    hint: '힌트:',
    score: '점수',
    total: '합계',
    skipped: '건너뜀',
    error: '채점 오류',
  },
};

/**
 * Host text as the terminal gets it: escape sequences written out, and each line it holds
 * indented under its check, so it can neither drive the terminal nor pass for a check line.
 */
const shown = (text: string) => visible(text).replace(/\n/g, '\n      ');

function checkLines(check: CheckResult, pc: Colors, w: (typeof WORDS)[Lang]): string[] {
  const MARK: Record<CheckResult['status'], (s: string) => string> = {
    passed: pc.green,
    failed: pc.red,
    skipped: pc.yellow,
    error: pc.magenta,
  };
  const points = pc.dim(`${check.points}/${check.maxPoints}`);
  const head = `  ${MARK[check.status](SYMBOL[check.status])} ${shown(check.title)} ${points}`;
  if (check.status === 'passed') return [head];
  const label = check.status === 'failed' ? '' : `${check.status === 'skipped' ? w.skipped : w.error}: `;
  const lines = [head, `      ${MARK[check.status](`${label}${shown(check.message)}`)}`];
  if (check.expected !== undefined) lines.push(`      ${w.expected} ${shown(check.expected)}`);
  if (check.actual !== undefined) lines.push(`      ${w.actual} ${shown(check.actual)}`);
  if (check.hint !== undefined) lines.push(`      ${pc.cyan(w.hint)} ${shown(check.hint)}`);
  return lines;
}

/** What a person reads: one line per check, details under anything that did not pass, then the score. */
function renderConsole(
  report: GradingReport,
  { color = picocolors.isColorSupported, lang = 'en' }: ConsoleOptions = {},
): string {
  const pc = picocolors.createColors(color);
  const w = WORDS[lang];
  const lines: string[] = [
    pc.dim(`Docker ${shown(report.engine.version)} (API ${shown(report.engine.apiVersion)}) at ${shown(report.host)}`),
  ];
  for (const exercise of report.exercises) {
    lines.push('', pc.bold(`${shown(exercise.title)} (${shown(exercise.id)})`));
    for (const check of exercise.checks) lines.push(...checkLines(check, pc, w));
    const full = exercise.score === exercise.maxScore;
    lines.push(`  ${(full ? pc.green : pc.yellow)(`${w.score} ${exercise.score}/${exercise.maxScore}`)}`);
  }
  if (report.exercises.length > 1) lines.push('', pc.bold(`${w.total} ${report.score}/${report.maxScore}`));
  return `${lines.join('\n')}\n`;
}

/** A submission on the terminal: how its solution ran, then its report or why there is none. */
function renderStudent(result: StudentResult, options: ConsoleOptions): string {
  const solution =
    result.solution &&
    `solution: ${shown(result.solution.command)} ${result.solution.timedOut ? 'was stopped at the time limit' : `exited with ${result.solution.exitCode ?? 'a signal'}`}\n`;
  return `${solution || ''}${result.report ? renderConsole(result.report, options) : `not graded: ${shown(result.error ?? '')}\n`}`;
}

export interface ConsoleOptions {
  color?: boolean;
  lang?: Lang;
}

/** The terminal's view of any run; a class's is its summary. */
export function consoleReporter(options: ConsoleOptions = {}): Reporter {
  return {
    render(graded: Graded): string {
      switch (graded.kind) {
        case 'report':
          return renderConsole(graded.report, options);
        case 'student':
          return renderStudent(graded.result, options);
        case 'class':
          return renderSummary(graded.class.summary);
      }
    },
  };
}
