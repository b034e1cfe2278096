import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { classResults } from '../../../src/class/output.js';
import type { GradingReport, StudentResult } from '../../../src/engine/results.js';
import { packageRoot } from '../../../src/paths.js';
import { gradebookReporter } from '../../../src/report/gradebook.js';
import { jsonReporter } from '../../../src/report/json.js';
import { junitReporter } from '../../../src/report/junit.js';
import { docknet } from '../../support/cli.js';
import { report } from './ordinary.js';

const Ajv = createRequire(import.meta.url)('ajv') as new (opts?: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};

const variant = { student: 's001', values: { subnet: '10.165.0.0/16', 'host-port': 8522 } };
const inVariant: GradingReport = {
  ...report,
  exercises: report.exercises.map((e, i) => (i === 0 ? { ...e, variant } : e)),
};

describe("reports of a student's variant", () => {
  it('the JSON report carries the values, valid by the shipped schema', () => {
    const json = JSON.parse(
      jsonReporter('r.json').render({ kind: 'report', report: inVariant, unredacted: inVariant }),
    );
    expect(json.report?.exercises?.[0]?.variant ?? json.exercises[0].variant).to.deep.equal(variant);
    const schema = JSON.parse(readFileSync(join(packageRoot, 'schema', 'docknet-report.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('JUnit carries the student and each value as properties', () => {
    const xml = junitReporter('j.xml').render({ kind: 'report', report: inVariant, unredacted: inVariant });
    expect(xml).to.contain('<property name="student" value="s001"/>');
    expect(xml).to.contain('<property name="param.subnet" value="10.165.0.0/16"/>');
    expect(xml).to.contain('<property name="param.host-port" value="8522"/>');
  });

  it('the gradebook has a column per value, each student with their own', () => {
    const student = (id: string) => ({ id, name: '', where: 'unix', endpoint: 'unix', credentials: {}, slug: id });
    const result = (id: string, r: GradingReport): StudentResult => ({
      student: { id, name: '', where: 'unix' },
      status: 'graded',
      report: r,
      exercises: [],
      startedAt: r.startedAt,
      durationMs: 1,
      finishedAt: r.startedAt,
    });
    const other = {
      ...report,
      exercises: report.exercises.map((e, i) =>
        i === 0 ? { ...e, variant: { student: 's002', values: { subnet: '10.7.0.0/16', 'host-port': 8100 } } } : e,
      ),
    };
    const columns = report.exercises.map((e) => ({ id: e.id, maxScore: e.maxScore }));
    const csv = gradebookReporter('g.csv').render({
      kind: 'class',
      class: classResults(
        columns,
        [student('s001'), student('s002')],
        new Map([
          ['s001', result('s001', inVariant)],
          ['s002', result('s002', other)],
        ]),
      ),
    });
    const rows: Record<string, string>[] = parse(csv, { columns: true });
    const id = report.exercises[0].id;
    expect(rows.map((r) => [r[`${id}:subnet`], r[`${id}:host-port`]])).to.deep.equal([
      ['10.165.0.0/16', '8522'],
      ['10.7.0.0/16', '8100'],
    ]);
  });
});

describe('variants on the command line', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'docknet-variants-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('explain --student prints that student’s task, and DOCKNET_STUDENT does too', async () => {
    const flag = await docknet(['explain', 'fixed-ip', '--student', 's001', '--lang', 'en']);
    expect(flag.exitCode, flag.all).to.equal(0);
    expect(flag.stdout).to.contain('subnet `10.75.0.0/16`').and.not.contain('{{');
    const env = await docknet(['explain', 'fixed-ip', '--lang', 'en'], { DOCKNET_STUDENT: 's001' });
    expect(env.stdout).to.equal(flag.stdout);
    const canonical = await docknet(['explain', 'fixed-ip', '--lang', 'en']);
    expect(canonical.stdout).to.contain('subnet `172.20.0.0/16`');
  });

  it('variants writes one task sheet per roster student, in Korean and English, never the secret', async () => {
    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      'id,name,endpoint\ns001,김민지,unix:///var/run/docker.sock\ns002,Lee,unix:///var/run/docker.sock\n',
    );
    const out = join(dir, 'sheets');
    const run = await docknet([
      'variants',
      'port-publishing',
      '--roster',
      roster,
      '--out',
      out,
      '--course-secret',
      'sekrit',
    ]);
    expect(run.exitCode, run.all).to.equal(0);
    expect(readdirSync(out).sort()).to.deep.equal(['s001.md', 's002.md']);
    const sheet = readFileSync(join(out, 's001.md'), 'utf8');
    expect(sheet)
      .to.contain('김민지 (s001)')
      .and.contain('## 한국어')
      .and.contain('## English')
      .and.not.contain('sekrit');
    expect(sheet).to.not.contain('{{');
    expect(sheet).to.not.equal(readFileSync(join(out, 's002.md'), 'utf8').replace('Lee (s002)', '김민지 (s001)'));
  });
});
