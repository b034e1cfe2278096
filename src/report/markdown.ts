// A Markdown summary for a CI job's page (GitHub's job summary, a GitLab note).
import type { ClassSummary, ExerciseColumn } from '../class/gradebook.js';
import type { StudentResult } from '../class/results.js';
import type { CheckResult } from '../engine/check.js';

const MARK: Record<CheckResult['status'], string> = { passed: '✅', failed: '❌', skipped: '⏭️', error: '⚠️' };

/** Markdown table cells: no line breaks, no stray pipes. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderSubmissionMarkdown(result: StudentResult, minScore?: number): string {
  const lines: string[] = [];
  const report = result.report;
  const max = result.exercises.reduce((s, e) => s + e.maxScore, 0);
  lines.push(`## docknet: ${report ? `${report.score}/${max}` : 'not graded'}${minScore !== undefined ? ` (pass mark ${minScore})` : ''}`, '');
  if (!report) lines.push(`Could not grade: ${result.error}`, '');
  if (result.solution) {
    const how = result.solution.timedOut ? 'stopped at the time limit' : `exit code ${result.solution.exitCode ?? 'none'}`;
    lines.push(`Solution: \`${result.solution.command}\` (${how})`, '');
  }
  for (const exercise of report?.exercises ?? []) {
    lines.push(`### ${exercise.title} (\`${exercise.id}\`): ${exercise.score}/${exercise.maxScore}`, '', '| | check | points | details |', '|---|---|---:|---|');
    for (const c of exercise.checks) {
      const details = c.status === 'passed' ? '' : [c.message, c.expected && `expected: ${c.expected}`, c.actual && `actual: ${c.actual}`, c.hint && `hint: ${c.hint}`].filter(Boolean).join('<br>');
      lines.push(`| ${MARK[c.status]} | ${cell(c.title)} | ${c.points}/${c.maxPoints} | ${cell(details)} |`);
    }
    lines.push('');
  }
  for (const p of result.problems ?? []) lines.push(`> cleanup: ${p}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderBatchMarkdown(columns: ExerciseColumn[], results: StudentResult[], summary: ClassSummary): string {
  const lines = [
    `## docknet: ${summary.graded} of ${summary.students} submissions graded${summary.mean !== undefined ? `, mean ${summary.mean}/${summary.maxScore}` : ''}`,
    '',
    `| submission | ${columns.map((c) => `${c.id} (${c.maxScore})`).join(' | ')} | total | status |`,
    `|---|${columns.map(() => '---:').join('|')}|---:|---|`,
  ];
  for (const r of results) {
    const scores = columns.map((c) => r.report?.exercises.find((e) => e.id === c.id)?.score ?? '');
    lines.push(`| ${cell(r.student.id)} | ${scores.join(' | ')} | ${r.report?.score ?? ''} | ${cell(r.error ?? r.status)} |`);
  }
  if (summary.mostFailed.length > 0) {
    lines.push('', '**Most missed checks**', '');
    for (const f of summary.mostFailed.slice(0, 5)) lines.push(`- ${f.failed} × ${f.exercise}: ${cell(f.title)}`);
  }
  return `${lines.join('\n')}\n`;
}
