import picocolors from 'picocolors';
import type { CheckResult, GradingReport } from '../engine/check.js';

type Colors = ReturnType<typeof picocolors.createColors>;

const SYMBOL: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '-', error: '!' };

function checkLines(check: CheckResult, pc: Colors): string[] {
  const MARK: Record<CheckResult['status'], (s: string) => string> = { passed: pc.green, failed: pc.red, skipped: pc.yellow, error: pc.magenta };
  const points = pc.dim(`${check.points}/${check.maxPoints}`);
  const head = `  ${MARK[check.status](SYMBOL[check.status])} ${check.title} ${points}`;
  if (check.status === 'passed') return [head];
  const lines = [head, `      ${MARK[check.status](check.status === 'failed' ? check.message : `${check.status}: ${check.message}`)}`];
  if (check.expected !== undefined) lines.push(`      expected: ${check.expected}`);
  if (check.actual !== undefined) lines.push(`      actual:   ${check.actual}`);
  if (check.hint !== undefined) lines.push(`      ${pc.cyan('hint:')} ${check.hint}`);
  return lines;
}

/** What a person reads: one line per check, details under anything that did not pass, then the score. */
export function renderConsole(report: GradingReport, { color = picocolors.isColorSupported } = {}): string {
  const pc = picocolors.createColors(color);
  const lines: string[] = [pc.dim(`Docker ${report.engine.version} (API ${report.engine.apiVersion}) at ${report.host}`)];
  for (const exercise of report.exercises) {
    lines.push('', pc.bold(`${exercise.title} (${exercise.id})`));
    for (const check of exercise.checks) lines.push(...checkLines(check, pc));
    const full = exercise.score === exercise.maxScore;
    lines.push(`  ${(full ? pc.green : pc.yellow)(`score ${exercise.score}/${exercise.maxScore}`)}`);
  }
  if (report.exercises.length > 1) lines.push('', pc.bold(`total ${report.score}/${report.maxScore}`));
  return `${lines.join('\n')}\n`;
}
