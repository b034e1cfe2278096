import picocolors from 'picocolors';
import type { CheckResult, GradingReport } from '../engine/check.js';
import type { Lang } from '../engine/exercise.js';

type Colors = ReturnType<typeof picocolors.createColors>;

const SYMBOL: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '-', error: '!' };

/** The console's own words; titles come translated from the exercises' metadata. */
const WORDS: Record<Lang, { expected: string; actual: string; hint: string; score: string; total: string; skipped: string; error: string }> = {
  en: { expected: 'expected:', actual: 'actual:  ', hint: 'hint:', score: 'score', total: 'total', skipped: 'skipped', error: 'error' },
  ko: { expected: '기대값:', actual: '실제값:', hint: '힌트:', score: '점수', total: '합계', skipped: '건너뜀', error: '채점 오류' },
};

function checkLines(check: CheckResult, pc: Colors, w: (typeof WORDS)[Lang]): string[] {
  const MARK: Record<CheckResult['status'], (s: string) => string> = { passed: pc.green, failed: pc.red, skipped: pc.yellow, error: pc.magenta };
  const points = pc.dim(`${check.points}/${check.maxPoints}`);
  const head = `  ${MARK[check.status](SYMBOL[check.status])} ${check.title} ${points}`;
  if (check.status === 'passed') return [head];
  const label = check.status === 'failed' ? '' : `${check.status === 'skipped' ? w.skipped : w.error}: `;
  const lines = [head, `      ${MARK[check.status](`${label}${check.message}`)}`];
  if (check.expected !== undefined) lines.push(`      ${w.expected} ${check.expected}`);
  if (check.actual !== undefined) lines.push(`      ${w.actual} ${check.actual}`);
  if (check.hint !== undefined) lines.push(`      ${pc.cyan(w.hint)} ${check.hint}`);
  return lines;
}

/** What a person reads: one line per check, details under anything that did not pass, then the score. */
export function renderConsole(report: GradingReport, { color = picocolors.isColorSupported, lang = 'en' as Lang } = {}): string {
  const pc = picocolors.createColors(color);
  const w = WORDS[lang];
  const lines: string[] = [pc.dim(`Docker ${report.engine.version} (API ${report.engine.apiVersion}) at ${report.host}`)];
  for (const exercise of report.exercises) {
    lines.push('', pc.bold(`${exercise.title} (${exercise.id})`));
    for (const check of exercise.checks) lines.push(...checkLines(check, pc, w));
    const full = exercise.score === exercise.maxScore;
    lines.push(`  ${(full ? pc.green : pc.yellow)(`${w.score} ${exercise.score}/${exercise.maxScore}`)}`);
  }
  if (report.exercises.length > 1) lines.push('', pc.bold(`${w.total} ${report.score}/${report.maxScore}`));
  return `${lines.join('\n')}\n`;
}
