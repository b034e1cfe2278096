// Every report format, rendered from the ordinary run of ordinary.ts: name → the file's text.
import { renderGradebook, renderSummary, summarize } from '../../../src/class/gradebook.js';
import { forStudents } from '../../../src/engine/check.js';
import { renderConsole } from '../../../src/report/console.js';
import { renderGradescope } from '../../../src/report/gradescope.js';
import { renderJson } from '../../../src/report/json.js';
import { renderJunit, renderJunitNotGraded } from '../../../src/report/junit.js';
import { renderBatchMarkdown, renderSubmissionMarkdown } from '../../../src/report/markdown.js';
import { columns, graded, notGraded, report, results, roster } from './ordinary.js';

const summary = summarize(columns, roster, results);

export const outputs: Record<string, () => string> = {
  'console.txt': () => renderConsole(report, { color: false }),
  'console-color.txt': () => renderConsole(report, { color: true }),
  'console-ko.txt': () => renderConsole(forStudents(report, 'ko'), { color: false, lang: 'ko' }),
  'report.json': () => renderJson(report),
  'junit.xml': () => renderJunit(report),
  'junit-not-graded.xml': () => renderJunitNotGraded(notGraded.student.where, notGraded.error ?? '', new Date(notGraded.finishedAt)),
  'gradescope.json': () => renderGradescope(graded),
  'gradescope-not-graded.json': () => renderGradescope(notGraded),
  'submission.md': () => renderSubmissionMarkdown(graded, 6),
  'submission-not-graded.md': () => renderSubmissionMarkdown(notGraded),
  'batch.md': () => renderBatchMarkdown(columns, [...results.values()], summary),
  'gradebook.csv': () => renderGradebook(columns, roster, results),
  'summary.txt': () => renderSummary(summary),
  'summary.json': () => `${JSON.stringify(summary, null, 2)}\n`,
};
