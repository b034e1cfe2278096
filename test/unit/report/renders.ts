// Every report format, rendered from the ordinary run of ordinary.ts: golden file name → its text.
import { classResults } from '../../../src/class/output.js';
import { forStudents } from '../../../src/engine/results.js';
import { consoleReporter } from '../../../src/report/console.js';
import { gradebookReporter } from '../../../src/report/gradebook.js';
import { gradescopeReporter } from '../../../src/report/gradescope.js';
import { jsonReporter } from '../../../src/report/json.js';
import { junitReporter } from '../../../src/report/junit.js';
import { markdownReporter } from '../../../src/report/markdown.js';
import type { Graded } from '../../../src/report/reporter.js';
import { columns, graded, notGraded, report, results, roster } from './ordinary.js';

const ofReport: Graded = { kind: 'report', report };
const ofStudent: Graded = { kind: 'student', result: graded };
const ofNotGraded: Graded = { kind: 'student', result: notGraded };
const ofClass: Graded = { kind: 'class', class: classResults(columns, roster, results) };

export const outputs: Record<string, () => string> = {
  'console.txt': () => consoleReporter({ color: false }).render(ofReport),
  'console-color.txt': () => consoleReporter({ color: true }).render(ofReport),
  'console-ko.txt': () =>
    consoleReporter({ color: false, lang: 'ko' }).render({ kind: 'report', report: forStudents(report, 'ko') }),
  'report.json': () => jsonReporter('r.json').render(ofReport),
  'junit.xml': () => junitReporter('j.xml').render(ofReport),
  'junit-not-graded.xml': () => junitReporter('j.xml').render(ofNotGraded),
  'gradescope.json': () => gradescopeReporter('results.json').render(ofStudent),
  'gradescope-not-graded.json': () => gradescopeReporter('results.json').render(ofNotGraded),
  'submission.md': () => markdownReporter('s.md', 6).render(ofStudent),
  'submission-not-graded.md': () => markdownReporter('s.md').render(ofNotGraded),
  'batch.md': () => markdownReporter('b.md').render(ofClass),
  'gradebook.csv': () => gradebookReporter('gradebook.csv').render(ofClass),
  'summary.txt': () => consoleReporter().render(ofClass),
  'summary.json': () => jsonReporter('summary.json').render(ofClass),
};
