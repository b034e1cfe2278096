import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import { graders } from '../../graders/index.js';
import { loadExercise } from '../../src/engine/exercise.js';
import type { GradingReport } from '../../src/engine/results.js';
import { GradingSession } from '../../src/engine/session.js';
import { docknet } from '../support/cli.js';
import { ownedContainers, requireEngine } from '../support/engine.js';
import { applyFixture, assertNothingReserved, loadFixtures, removeFixture, type Fixture } from '../support/fixtures.js';

// Every parameterised exercise over many students: each student's correct fixture, rendered for
// them, passes everything; broken ones fail exactly their checks. Broken fixtures are built for a
// few students only, the correct one for every student: all of them for 20 ids is 20 times the
// fixtures test, far past what CI can spend.
const STUDENTS = Array.from({ length: Number(process.env.DOCKNET_VARIANT_IDS ?? 20) }, (_, i) => `stu-${i + 1}`);
const BROKEN_FOR = STUDENTS.slice(0, 1);
const PARAMETERISED = ['fixed-ip', 'alias-dns', 'port-publishing', 'multi-network'];

async function statuses(
  session: GradingSession,
  exercise: ReturnType<typeof loadExercise>,
  fixture: Fixture,
): Promise<{ got: Record<string, string>; report: GradingReport }> {
  try {
    await applyFixture(fixture);
    const report = await session.grade([exercise], { apiTimeoutMs: 10_000, checkTimeoutMs: 30_000, lang: 'en' });
    return { got: Object.fromEntries(report.exercises[0].checks.map((c) => [c.id, c.status])), report };
  } finally {
    // A probe a warm-up started may still be leaving the fixture's networks after the grading returned.
    for (let i = 0; i < 100 && (await ownedContainers()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await removeFixture(fixture);
  }
}

for (const id of PARAMETERISED) {
  const grader = graders.find((g) => g.id === id)!;

  describe(`${id} variants`, function () {
    // twenty students' fixtures, one after another, outlast the suite's default limit
    this.timeout(900_000);
    let session: GradingSession;

    before(async function () {
      await requireEngine(this);
      session = await GradingSession.open(undefined, { apiTimeoutMs: 10_000, probeImage: true });
    });
    after(() => session?.close());

    it(`each of ${STUDENTS.length} students' correct fixture, rendered for them, gets full marks`, async () => {
      for (const student of STUDENTS) {
        const exercise = loadExercise(grader, 'en', { student });
        const set = loadFixtures(id, undefined, { student });
        await assertNothingReserved(set);
        const { got, report } = await statuses(
          session,
          exercise,
          set.fixtures.find((f) => f.name === 'correct')!,
        );
        expect(got, `${student}: ${JSON.stringify(set.values)}`).to.deep.equal(
          Object.fromEntries(exercise.checks.map((c) => [c.id, 'passed'])),
        );
        expect(report.exercises[0].variant).to.deep.equal({ student, values: exercise.variant!.values });
      }
    });

    it(`each broken fixture, rendered for ${BROKEN_FOR.join(' and ')}, fails exactly its checks`, async () => {
      for (const student of BROKEN_FOR) {
        const exercise = loadExercise(grader, 'en', { student });
        for (const fixture of loadFixtures(id, undefined, { student }).fixtures.filter((f) => f.name !== 'correct')) {
          const { got } = await statuses(session, exercise, fixture);
          const want = Object.fromEntries(exercise.checks.map((c) => [c.id, fixture.expect[c.id] ?? 'passed']));
          expect(got, `${student}: ${fixture.name}`).to.deep.equal(want);
        }
      }
    });

    it("one student's correct solution, graded as another student, fails", async () => {
      const [a, b] = STUDENTS;
      const asB = loadExercise(grader, 'en', { student: b });
      expect(asB.variant!.values).to.not.deep.equal(loadExercise(grader, 'en', { student: a }).variant!.values);
      const { report } = await statuses(session, asB, loadFixtures(id, undefined, { student: a }).fixtures[0]);
      expect(report.exercises[0].score).to.be.below(report.exercises[0].maxScore);
    });
  });
}

describe('a roster graded in variants', function () {
  let dir: string;
  before(async function () {
    await requireEngine(this);
    dir = mkdtempSync(join(tmpdir(), 'docknet-variants-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('grades each student against their own variant and the gradebook records its values', async () => {
    // Both students' endpoints are this engine, which holds the first student's solution only.
    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      'id,name,endpoint\nstu-1,One,unix:///var/run/docker.sock\nstu-2,Two,unix:///var/run/docker.sock\n',
    );
    const key = (student: string) => ({ student, secret: 'c0urse' });
    const fixture = loadFixtures('fixed-ip', undefined, key('stu-1')).fixtures.find((f) => f.name === 'correct')!;
    try {
      await applyFixture(fixture);
      const out = join(dir, 'class');
      const run = await docknet([
        'grade',
        'fixed-ip',
        '--roster',
        roster,
        '--out',
        out,
        '--variants',
        '--course-secret',
        'c0urse',
      ]);
      const rows: Record<string, string>[] = parseCsv(readFileSync(join(out, 'gradebook.csv'), 'utf8'), {
        columns: true,
      });
      const values = (student: string) => loadExercise(grader('fixed-ip'), 'en', key(student)).variant!.values;
      expect(rows[0].id).to.equal('stu-1');
      expect(rows[0]['fixed-ip'], run.all).to.equal('10');
      expect(Number(rows[1]['fixed-ip']), run.all).to.be.below(10);
      for (const [i, student] of ['stu-1', 'stu-2'].entries())
        for (const [param, value] of Object.entries(values(student)))
          expect(rows[i][`fixed-ip:${param}`], `${student} ${param}`).to.equal(String(value));
      expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).to.not.contain('c0urse');
    } finally {
      await removeFixture(fixture);
    }
  });
});

function grader(id: string) {
  return graders.find((g) => g.id === id)!;
}
