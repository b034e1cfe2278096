// A Markdown summary for a CI job's page (GitHub's job summary, a GitLab note).
import type { CheckResult, ClassResults, StudentResult } from '../engine/results.js';
import { noView, type Graded, type Reporter } from './reporter.js';
import { visible } from './text.js';

const MARK: Record<CheckResult['status'], string> = { passed: '✅', failed: '❌', skipped: '⏭️', error: '⚠️' };

/**
 * Any text as inline Markdown, fit for a table cell: on one line, its backslashes, code
 * spans, links and pipes escaped, and no HTML (a page renders the HTML it finds).
 */
const inline = (s: string) =>
  visible(s)
    .replace(/[\\`[\]|]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*\n\s*/g, ' ');

/** Text as one code span: its fence longer than any run of backticks inside it. */
function code(s: string): string {
  const text = visible(s).replace(/\s*\n\s*/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = /^`|`$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function details(c: CheckResult): string {
  if (c.status === 'passed') return '';
  return [
    c.message,
    c.expected && `expected: ${c.expected}`,
    c.actual && `actual: ${c.actual}`,
    c.hint && `hint: ${c.hint}`,
  ]
    .filter((part): part is string => Boolean(part))
    .map(inline)
    .join('<br>');
}

function renderSubmission(result: StudentResult, minScore?: number): string {
  const lines: string[] = [];
  const report = result.report;
  const max = result.exercises.reduce((s, e) => s + e.maxScore, 0);
  lines.push(
    `## docknet: ${report ? `${report.score}/${max}` : 'not graded'}${minScore !== undefined ? ` (pass mark ${minScore})` : ''}`,
    '',
  );
  if (!report) lines.push(`Could not grade: ${inline(result.error ?? '')}`, '');
  if (result.solution) {
    const how = result.solution.timedOut
      ? 'stopped at the time limit'
      : `exit code ${result.solution.exitCode ?? 'none'}`;
    lines.push(`Solution: ${code(result.solution.command)} (${how})`, '');
  }
  for (const exercise of report?.exercises ?? []) {
    lines.push(
      `### ${inline(exercise.title)} (${code(exercise.id)}): ${exercise.score}/${exercise.maxScore}`,
      '',
      '| | check | points | details |',
      '|---|---|---:|---|',
    );
    for (const c of exercise.checks)
      lines.push(`| ${MARK[c.status]} | ${inline(c.title)} | ${c.points}/${c.maxPoints} | ${details(c)} |`);
    lines.push('');
  }
  for (const p of result.problems ?? []) lines.push(`> cleanup: ${inline(p)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderBatch({ columns, roster, results, summary }: ClassResults): string {
  const lines = [
    `## docknet: ${summary.graded} of ${summary.students} submissions graded${summary.mean !== undefined ? `, mean ${summary.mean}/${summary.maxScore}` : ''}`,
    '',
    `| submission | ${columns.map((c) => `${inline(c.id)} (${c.maxScore})`).join(' | ')} | total | status |`,
    `|---|${columns.map(() => '---:').join('|')}|---:|---|`,
  ];
  for (const r of roster.flatMap((s) => results.get(s.id) ?? [])) {
    const scores = columns.map((c) => r.report?.exercises.find((e) => e.id === c.id)?.score ?? '');
    lines.push(
      `| ${inline(r.student.id)} | ${scores.join(' | ')} | ${r.report?.score ?? ''} | ${inline(r.error ?? r.status)} |`,
    );
  }
  if (summary.mostFailed.length > 0) {
    lines.push('', '**Most missed checks**', '');
    for (const f of summary.mostFailed.slice(0, 5))
      lines.push(`- ${f.failed} × ${inline(f.exercise)}: ${inline(f.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A submission's page, with the pass mark when there is one, or a batch's table of submissions.
 * `append`: added to the file (a CI job's summary) rather than replacing it.
 */
export function markdownReporter(path: string, minScore?: number, append = false): Reporter {
  return {
    path,
    append,
    render(graded: Graded): string {
      if (graded.kind === 'student') return renderSubmission(graded.result, minScore);
      if (graded.kind === 'class') return renderBatch(graded.class);
      throw noView('Markdown', graded);
    },
  };
}
