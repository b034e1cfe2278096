import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { classResults } from '../../../src/class/output.js';
import type { CheckResult, GradingReport, StudentResult } from '../../../src/engine/results.js';
import { consoleReporter } from '../../../src/report/console.js';
import { gradebookReporter } from '../../../src/report/gradebook.js';
import { gradescopeReporter } from '../../../src/report/gradescope.js';
import { jsonReporter } from '../../../src/report/json.js';
import { junitReporter } from '../../../src/report/junit.js';
import { markdownReporter } from '../../../src/report/markdown.js';
import type { Graded } from '../../../src/report/reporter.js';
import { schemaErrors } from '../../support/xml.js';
import { student } from './ordinary.js';

// What a student controls reaches the reports as text: a rule comment, a container or network name, an engine error.
const RULE = '-A DOCKER-USER -m comment --comment "]]><x/>]]>" -j RETURN';
const HOSTILE = `${RULE} | <script>alert(1)</script> & 'q' "q" \`code\` [link](http://x) \x1b[31mred\x1b]0;title\x07 nul\0 csi\x9b2J \r over\u202egnp.exe`;
const FORGED = 'ok\n  ✓ Network is internal 2/2';

const check = (id: string, status: CheckResult['status'], text: Partial<CheckResult>): CheckResult => ({
  id,
  title: `Check ${id}`,
  status,
  points: 0,
  maxPoints: 1,
  message: 'm',
  durationMs: 1,
  ...text,
});

const report: GradingReport = {
  tool: { name: 'docknet', version: '0' },
  host: 'tcp://lab:2375/\x1b[2J',
  engine: { version: '20.10.24\x1b[8m', apiVersion: '1.41' },
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 10,
  score: 0,
  maxScore: 4,
  exercises: [
    {
      id: 'docker-user-firewall',
      title: 'DOCKER-USER',
      score: 0,
      maxScore: 4,
      durationMs: 5,
      checks: [
        // the firewall grader quotes a rule twice in one failure: two `]]>` in each of expected and actual
        check('rule', 'failed', {
          message: `the rule ${RULE} lets everything in`,
          expected: `not ${RULE}`,
          actual: `${RULE}\n${RULE}`,
          hint: HOSTILE,
        }),
        check('error', 'error', { message: HOSTILE }),
        check('skip', 'skipped', { message: HOSTILE }),
        check('forged', 'failed', { message: FORGED }),
      ],
    },
  ],
};

const result: StudentResult = {
  student: { id: 'kim|<b>', name: '=HYPERLINK("http://x")', where: 'ssh://kim' },
  status: 'graded',
  report,
  exercises: [{ id: 'docker-user-firewall', title: 'DOCKER-USER', maxScore: 4 }],
  solution: { command: 'sh -eu `solution`.sh', exitCode: 1, timedOut: false, output: HOSTILE, durationMs: 1 },
  problems: [`cleanup\n# heading <img src=x>`],
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 10,
  finishedAt: '2026-11-24T10:00:00.010Z',
};
const notGraded: StudentResult = {
  ...result,
  student: { ...result.student, where: 'ssh://]]>\x1b' },
  status: 'error',
  report: undefined,
  error: `${RULE}\0${RULE}`,
  solution: undefined,
};

const ofReport: Graded = { kind: 'report', report };
const ofStudent: Graded = { kind: 'student', result };

/** The escape a reader sees for a character a terminal or parser would act on. */
const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const shown = (s: string) => s.replace(/[\0\x07\x1b\r\x9b\u202e]/g, u);

describe('reports carry host text safely', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-hostile-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function xpath(xml: string, expression: string): Promise<string> {
    const file = join(dir, 'x.xml');
    writeFileSync(file, xml);
    return (await execa('xmllint', ['--xpath', expression, file])).stdout;
  }

  describe('JUnit', () => {
    const xml = junitReporter('j.xml').render(ofReport);

    it('is valid against the JUnit 10 schema', async () => {
      const file = join(dir, 'hostile.xml');
      writeFileSync(file, xml);
      expect(await schemaErrors(file)).to.equal('');
    });

    it('has exactly one testcase per check, whatever the text', async () => {
      expect(await xpath(xml, 'count(//testcase)')).to.equal('4');
      expect(await xpath(xml, 'count(//testcase/failure)')).to.equal('2');
      expect(await xpath(xml, 'count(//x)')).to.equal('0');
    });

    it('splits every `]]>` of a CDATA section, not only the first', async () => {
      expect(xml).to.contain(
        `actual: -A DOCKER-USER -m comment --comment "]]]]><![CDATA[><x/>]]]]><![CDATA[>" -j RETURN\n-A DOCKER-USER -m comment --comment "]]]]><![CDATA[><x/>]]]]><![CDATA[>" -j RETURN`,
      );
      const text = await xpath(xml, 'string(//testcase[@name="rule: Check rule"]/failure)');
      expect(text).to.equal(
        `the rule ${RULE} lets everything in\nexpected: not ${RULE}\nactual: ${RULE}\n${RULE}\nhint: ${shown(HOSTILE)}`,
      );
    });

    it('writes the characters XML forbids as visible escapes, in text and attributes alike', async () => {
      expect(xml).not.to.match(/[\0-\x08\x0b\x0c\x0e-\x1f]/);
      expect(await xpath(xml, 'string(//testcase[@name="error: Check error"]/error/@message)')).to.equal(
        shown(HOSTILE),
      );
      expect(await xpath(xml, 'string(//property[@name="host"]/@value)')).to.equal('tcp://lab:2375/\\u001b[2J');
      expect(xml).to.contain(
        '<failure message="the rule -A DOCKER-USER -m comment --comment &quot;]]>&lt;x/>]]>&quot; -j RETURN lets everything in" type="failed">',
      );
    });

    it('gives a host that could not be graded one valid errored testcase', async () => {
      const file = join(dir, 'not-graded.xml');
      writeFileSync(file, junitReporter('j.xml').render({ kind: 'student', result: notGraded }));
      expect(await schemaErrors(file)).to.equal('');
      const text = await execa('xmllint', ['--xpath', 'count(//testcase)', file]);
      expect(text.stdout).to.equal('1');
    });
  });

  describe('console', () => {
    const plain = consoleReporter({ color: false }).render(ofReport);

    it('never lets an escape sequence or control character reach the terminal raw', () => {
      expect(plain).not.to.match(/[\0-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
      expect(plain).to.contain(`      hint: ${shown(HOSTILE)}\n`);
      expect(plain.split('\n')[0]).to.equal('Docker 20.10.24\\u001b[8m (API 1.41) at tcp://lab:2375/\\u001b[2J');
    });

    it('in colour, has only its own colour codes', () => {
      const tame: GradingReport = JSON.parse(
        JSON.stringify(report).replace(/\\u001b|\\u0007|\\u0000|\\u009b|\\r/g, ''),
      );
      const escapes = (r: GradingReport) =>
        (consoleReporter({ color: true }).render({ kind: 'report', report: r }).match(/\x1b/g) ?? []).length;
      expect(escapes(report)).to.equal(escapes(tame));
    });

    it('indents the lines of a host text under its check, so none passes for a check line', () => {
      expect(plain).to.contain('  ✗ Check forged 0/1\n      ok\n        ✓ Network is internal 2/2\n');
      expect(plain.split('\n').filter((line) => line.startsWith('  ✓'))).to.deep.equal([]);
    });

    it("shows a submission's solution and a host that was not graded the same way", () => {
      const text = consoleReporter({ color: false }).render({ kind: 'student', result: notGraded });
      expect(text).to.equal(`not graded: ${shown(`${RULE}\0${RULE}`)}\n`);
      expect(consoleReporter({ color: false }).render(ofStudent)).to.match(
        /^solution: sh -eu `solution`.sh exited with 1\n/,
      );
    });
  });

  describe('Markdown', () => {
    const md = markdownReporter('s.md').render(ofStudent);

    it('keeps each check one table row, with pipes, HTML, code spans, links and escapes neutralised', () => {
      const escaped =
        '-A DOCKER-USER -m comment --comment "\\]\\]&gt;&lt;x/&gt;\\]\\]&gt;" -j RETURN \\| &lt;script&gt;alert(1)&lt;/script&gt; &amp; \'q\' "q" \\`code\\` \\[link\\](http://x) ' +
        '\\\\u001b\\[31mred\\\\u001b\\]0;title\\\\u0007 nul\\\\u0000 csi\\\\u009b2J \\\\u000d over\\\\u202egnp.exe';
      expect(md).to.contain(`| ⚠️ | Check error | 0/1 | ${escaped} |\n`);
      expect(md).to.contain('| ❌ | Check forged | 0/1 | ok ✓ Network is internal 2/2 |\n');
      const rows = md.split('\n').filter((line) => line.startsWith('| '));
      expect(rows).to.have.length(5); // the header and one row per check
    });

    it('puts a command in a code span its backticks cannot close, and a cleanup note on its own line', () => {
      expect(md).to.contain('Solution: ``sh -eu `solution`.sh`` (exit code 1)');
      expect(md).to.contain('> cleanup: cleanup # heading &lt;img src=x&gt;');
    });

    it('escapes a batch table cell the same way', () => {
      const batch = markdownReporter('b.md').render({
        kind: 'class',
        class: classResults(
          [{ id: 'docker-user-firewall', maxScore: 4 }],
          [student('kim|<b>', 'x')],
          new Map([['kim|<b>', notGraded]]),
        ),
      });
      expect(batch).to.contain(
        `| kim\\|&lt;b&gt; |  |  | -A DOCKER-USER -m comment --comment "\\]\\]&gt;&lt;x/&gt;\\]\\]&gt;" -j RETURN\\\\u0000-A DOCKER-USER`,
      );
    });
  });

  describe('CSV gradebook and JSON', () => {
    it('keeps formulas as text, shows control characters, and keeps every cell intact', () => {
      const roster = [student('kim|<b>', '=HYPERLINK("http://x")')];
      const csv = gradebookReporter('g.csv').render({
        kind: 'class',
        class: classResults([{ id: 'docker-user-firewall', maxScore: 4 }], roster, new Map([['kim|<b>', notGraded]])),
      });
      const rows: Record<string, string>[] = parse(csv, { columns: true });
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({
        id: 'kim|<b>',
        name: '\'=HYPERLINK("http://x")',
        status: 'error',
        detail: `'${RULE}\\u0000${RULE}; cleanup\n# heading <img src=x>`,
      });
    });

    it('JSON and Gradescope carry the text exactly, as JSON strings', () => {
      expect(JSON.parse(jsonReporter('r.json').render(ofReport))).to.deep.equal({ schemaVersion: 1, ...report });
      const tests = JSON.parse(gradescopeReporter('results.json').render(ofStudent)).tests;
      expect(tests).to.have.length(4);
      expect(tests[1].output).to.equal(`could not be checked (grader error): ${HOSTILE}`);
    });
  });
});
