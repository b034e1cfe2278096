import { expect } from 'chai';
import { fail, pass, type Check } from '../../src/engine/grader.js';
import { gradeExercise, runChecks } from '../../src/engine/runner.js';
import { NotApplicable } from '../../src/errors.js';

type Ctx = { calls: string[] };

function check(id: string, points: number, run: Check<Ctx>['run'], needs?: string[], timeoutMs?: number): Check<Ctx> {
  return { id, title: `title of ${id}`, points, run, needs, timeoutMs };
}

const passing = (id: string, points = 1, needs?: string[]) =>
  check(
    id,
    points,
    async (ctx) => {
      ctx.calls.push(id);
      return pass(`${id} ok`);
    },
    needs,
  );
const failing = (id: string, points = 1, needs?: string[]) =>
  check(
    id,
    points,
    async (ctx) => {
      ctx.calls.push(id);
      return fail(`${id} wrong`, { expected: 'x', actual: 'y', hint: 'do z' });
    },
    needs,
  );

describe('runner', () => {
  const options = { checkTimeoutMs: 500 };

  it('scores the points of passed checks only', async () => {
    const result = await gradeExercise(
      { id: 'e', title: 'E', checks: [passing('a', 2), failing('b', 3), passing('c', 5)] },
      { calls: [] },
      options,
    );
    expect(result.score).to.equal(7);
    expect(result.maxScore).to.equal(10);
    expect(result.checks.map((c) => [c.id, c.status, c.points, c.maxPoints])).to.deep.equal([
      ['a', 'passed', 2, 2],
      ['b', 'failed', 0, 3],
      ['c', 'passed', 5, 5],
    ]);
  });

  it('keeps expected, actual and hint of a failure, and drops the hint of a pass', async () => {
    const withHint = check('h', 1, async () => ({ passed: true, message: 'fine', hint: 'unused' }));
    const [failed, passed] = await runChecks([failing('b'), withHint], { calls: [] }, options);
    expect(failed).to.include({ status: 'failed', message: 'b wrong', expected: 'x', actual: 'y', hint: 'do z' });
    expect(passed).to.not.have.property('hint');
  });

  it('skips dependents of a failed prerequisite, transitively, without running them', async () => {
    const ctx = { calls: [] as string[] };
    const results = await runChecks(
      [failing('a'), passing('b', 1, ['a']), passing('c', 1, ['b']), passing('d')],
      ctx,
      options,
    );
    expect(results.map((r) => r.status)).to.deep.equal(['failed', 'skipped', 'skipped', 'passed']);
    expect(results[1].message).to.equal('not checked because "title of a" failed');
    expect(results[2].message).to.equal('not checked because "title of b" was skipped');
    expect(ctx.calls).to.have.members(['a', 'd']);
  });

  it('runs a check whose prerequisites all passed', async () => {
    const results = await runChecks([passing('a'), passing('b'), passing('c', 1, ['a', 'b'])], { calls: [] }, options);
    expect(results.map((r) => r.status)).to.deep.equal(['passed', 'passed', 'passed']);
  });

  it('turns a thrown error into status error, never a pass, and skips its dependents', async () => {
    const broken = check('x', 4, async () => {
      throw new Error('engine said no');
    });
    const results = await runChecks([broken, passing('y', 1, ['x'])], { calls: [] }, options);
    expect(results[0]).to.include({ status: 'error', message: 'engine said no', points: 0, maxPoints: 4 });
    expect(results[1].status).to.equal('skipped');
    expect(results[1].message).to.contain('could not be checked');
  });

  it('skips a check the engine cannot express, and its dependents transitively, with its one reason in each language', async () => {
    const reason = { en: 'not applicable here', ko: '여기에는 해당하지 않음' };
    const inapplicable = check('x', 4, async () => {
      throw new NotApplicable(reason);
    });
    const checks = [inapplicable, passing('y', 1, ['x']), passing('z', 1, ['y']), passing('w', 2)];
    for (const lang of ['en', 'ko'] as const) {
      const results = await runChecks(checks, { calls: [] }, { ...options, lang });
      expect(results.map((r) => [r.status, r.message, r.points])).to.deep.equal([
        ['skipped', reason[lang], 0],
        ['skipped', reason[lang], 0],
        ['skipped', reason[lang], 0],
        ['passed', 'w ok', 2],
      ]);
    }
  });

  it('turns a check that outlives its time limit into status error', async () => {
    const slow = check(
      'slow',
      1,
      () => new Promise((resolve) => setTimeout(() => resolve(pass('late')), 200)),
      undefined,
      50,
    );
    const [result] = await runChecks([slow], { calls: [] }, options);
    expect(result.status).to.equal('error');
    expect(result.message).to.match(/timed out after 0\.1 s|timed out after 0\.0 s|timed out/);
  });

  it('runs independent checks concurrently', async () => {
    const sleepy = (id: string) => check(id, 1, () => new Promise((r) => setTimeout(() => r(pass(id)), 100)));
    const t0 = performance.now();
    await runChecks([sleepy('a'), sleepy('b'), sleepy('c'), sleepy('d')], { calls: [] }, options);
    expect(performance.now() - t0).to.be.lessThan(350);
  });
});
